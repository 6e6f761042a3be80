app-title = 便り
folders-heading = フォルダー
messages-heading = メッセージ
no-accounts = アカウントがまだありません。次のコマンドで追加できます: tayori account add --email you@example.com --imap-host imap.example.com --imap-port 993 --imap-security tls --password-stdin
folder-counts = { $total } 件中 未読 { $unread } 件
no-subject = (件名なし)
