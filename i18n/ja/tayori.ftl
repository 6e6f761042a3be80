app-title = 便り
folders-heading = フォルダー
messages-heading = メッセージ
no-accounts = アカウントがまだありません。次のコマンドで追加できます: tayori account add --email you@example.com --imap-host imap.example.com --imap-port 993 --imap-security tls --password-stdin
folder-counts = { $total } 件中 未読 { $unread } 件
no-subject = (件名なし)

## セットアップ: 自動設定・接続テスト・POP3 (issue 4, エンジン側)
discovery-source-provider-db = Tayori のメールサービス一覧で見つかりました
discovery-source-autoconfig = メールサービスが公開している設定情報 (autoconfig) から取得しました
discovery-source-mx = お使いのドメインのメールは既知のサービスが扱っています
discovery-source-srv = ドメインの DNS (SRV レコード) に記載されていました
discovery-source-guess = アドレスから推測した設定です。パスワードを送る前にご確認ください
discovery-note-app-password = このサービスではアプリパスワードが必要です。アカウントのセキュリティ設定で作成し、普段のパスワードの代わりに入力してください。
discovery-note-oauth = このサービスは専用のサインイン画面 (OAuth) を使います。通常のパスワードは拒否されることがあります。
discovery-note-docomo-imap-password = ドコモメールでは IMAP 専用パスワードを使います。先に My docomo (ドコモメール設定) で設定し、d アカウントのパスワードではなくそちらを入力してください。
discovery-note-separate-password = このサービスではメールソフト用の別パスワードを使います。先に会員サイトで設定してください。
discovery-note-enable-access = 先に Web メールの設定で IMAP/POP のアクセスを有効にしてください。有効にしないとサーバーが接続を拒否します。
discovery-note-pop-only = このサービスは POP3 のみ対応しています。メールはこのパソコンにダウンロードされます。
discovery-note-imap-only = このサービスは IMAP のみ対応しています。
discovery-note-username-id = ユーザー名はメールアドレスではなく、プロバイダーから発行された ID の場合があります。
discovery-note-guessed = 推測した設定です。パスワードを送る前に内容をご確認ください。
conntest-host-not-found = サーバー { $host } が見つかりません。サーバー名をご確認ください。
conntest-port-closed = { $host } のポート { $port } に接続できませんでした (接続拒否)。ポート番号をご確認ください。
conntest-filtered = { $host } のポート { $port } から応答がありません。ファイアウォールで遮断されているか、サーバーが停止しています。
conntest-tls = { $host } との暗号化接続に失敗しました。証明書が信頼できません ({ $reason })。
conntest-cert-details = 証明書: { $subject } (発行者 { $issuer })、有効期間 { $not-before } ～ { $not-after }、SHA-256 { $sha256 }
conntest-no-starttls = { $host } は暗号化接続に対応していません。Tayori は暗号化されていない接続でパスワードを送りません。
conntest-wrong-password = ユーザー名またはパスワードが正しくありません。({ $server })
conntest-app-password = このサーバーでは通常のパスワードではなく、アプリパスワードか Web 画面でのサインインが必要です。({ $server })
conntest-other = 接続テストに失敗しました: { $reason }
protocol-imap-explained = IMAP ではメールはサーバーに置かれたままです。既読・移動・削除がパソコン、スマートフォン、タブレットの間で同期されます。サーバーの容量と、まだ開いていないメールを読むための接続が必要です。
protocol-pop3-explained = POP3 ではメールをこのパソコンにダウンロードするので、オフラインでも読めます。ここで読んだり削除したりしても、他の端末には反映されません。サーバーにコピーを残すこともできます。
protocol-imap-recommended = おすすめ
pop3-leave-on-server = メッセージのコピーをサーバーに残す
pop3-delete-after-days = { $days } 日後にサーバーから削除する
pop3-delete-when-deleted = ここで削除したらサーバーからも削除する

## デスクトップ連携（通知、メールリンク）
notify-new-mail-title = { $count ->
    [one] { $account }に新着メール
   *[other] { $account }に新着メール { $count } 通
}
settings-notifications = 受信箱に新着メールが届いたら通知する
settings-default-mail-app = mailto: リンクを便りで開く
instance-busy = このメールフォルダーの便りはすでに起動していますが、応答がありません。
mailto-invalid = このメールリンクは開けません：{ $reason }
