app-title = Tayori
folders-heading = Folders
messages-heading = Messages
no-accounts = No accounts yet. Add one with: tayori account add --email you@example.com --imap-host imap.example.com --imap-port 993 --imap-security tls --password-stdin
folder-counts = { $unread } unread of { $total }
no-subject = (no subject)
