app-title = Tayori
folders-heading = Folders
messages-heading = Messages
no-accounts = No accounts yet. Add one with: tayori account add --email you@example.com --imap-host imap.example.com --imap-port 993 --imap-security tls --password-stdin
folder-counts = { $unread } unread of { $total }
no-subject = (no subject)

## Setup: discovery, connection test, POP3 (issue 4, engine side)
discovery-source-provider-db = Found in Tayori's list of mail providers
discovery-source-autoconfig = Published by your mail provider (autoconfig)
discovery-source-mx = Your domain's mail is handled by a known provider
discovery-source-srv = Announced in your domain's DNS (SRV records)
discovery-source-guess = Guessed from your address: please check before your password is sent
discovery-note-app-password = This provider needs an app password: create one in your account's security settings and use it here instead of your normal password.
discovery-note-oauth = This provider signs in with its own web page (OAuth); a normal password may be refused.
discovery-note-docomo-imap-password = docomo mail uses a separate IMAP password: set it in My docomo (docomo mail settings) first, and use it here, not your d ACCOUNT password.
discovery-note-separate-password = This provider uses a separate password for mail programs: set it in your provider's member site first.
discovery-note-enable-access = Turn on IMAP/POP access in your webmail settings first, or the server will refuse the connection.
discovery-note-pop-only = This provider offers only POP3: mail is downloaded to this computer.
discovery-note-imap-only = This provider offers only IMAP.
discovery-note-username-id = Your user name is the ID your provider gave you, which may differ from your address.
discovery-note-guessed = These settings were guessed: check them before your password is sent.
conntest-host-not-found = The server { $host } could not be found. Check the server name.
conntest-port-closed = { $host } refused the connection on port { $port }. Check the port number.
conntest-filtered = { $host } did not answer on port { $port }. A firewall may block it, or the server is down.
conntest-tls = The secure connection to { $host } failed: its certificate is not trusted ({ $reason }).
conntest-cert-details = Certificate: { $subject }, issued by { $issuer }, valid { $not-before } to { $not-after }, SHA-256 { $sha256 }
conntest-no-starttls = { $host } does not offer an encrypted connection. Tayori will not send your password unencrypted.
conntest-wrong-password = The server refused the user name or password. ({ $server })
conntest-app-password = The server wants an app password or a sign-in through its web page, not your normal password. ({ $server })
conntest-other = The connection test failed: { $reason }
protocol-imap-explained = IMAP keeps your mail on the server. Read, moved and deleted mail stays in step on your PC, phone and tablet. It needs space on the server and a connection to read mail you have not opened yet.
protocol-pop3-explained = POP3 downloads your mail to this computer, so you can read it offline. Other devices will not see what you read or delete here. Copies can stay on the server.
protocol-imap-recommended = Recommended
pop3-leave-on-server = Leave a copy of messages on the server
pop3-delete-after-days = Delete them from the server after { $days } days
pop3-delete-when-deleted = Delete from the server when I delete them here

## Desktop integration (notifications, mail handler)
notify-new-mail-title = { $count ->
    [one] New mail in { $account }
   *[other] { $count } new messages in { $account }
}
settings-notifications = Show a notification when new mail arrives in the Inbox
settings-default-mail-app = Open mailto: links with Tayori
instance-busy = Tayori is already running for this mail folder but does not answer.
mailto-invalid = This mail link cannot be opened: { $reason }
