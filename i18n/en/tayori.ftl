app-title = Tayori
folders-heading = Folders
messages-heading = Messages
no-accounts = No mail account yet. Add one below: Tayori tests the connection and keeps the password in your system keyring.
folder-counts = { $unread } unread of { $total }
no-subject = (no subject)

## Setup: discovery, connection test, POP3 (issue 4, engine side)
discovery-source-provider-db = Found in Tayori's list of mail providers
discovery-source-autoconfig = Published by your mail provider (autoconfig)
discovery-source-mx = Your domain's mail is handled by a known provider
discovery-source-ispdb = Found in Thunderbird’s online list of mail providers (ISPDB)
discovery-source-ispdb-mx = Your domain’s mail is handled by a provider in Thunderbird’s online list (ISPDB)
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
conntest-cert-details = Certificate: { $subject }, issued by { $issuer }, valid { $not-before } to { $not-after }, SHA-256 { $sha256 }
protocol-imap-explained = IMAP keeps your mail on the server. Read, moved and deleted mail stays in step on your PC, phone and tablet. It needs space on the server and a connection to read mail you have not opened yet.
protocol-pop3-explained = POP3 downloads your mail to this computer, so you can read it offline. Other devices will not see what you read or delete here. Copies can stay on the server.
protocol-imap-recommended = Recommended
pop3-leave-on-server = Leave a copy of messages on the server
pop3-delete-after-days = Delete them from the server after { $days } days
pop3-delete-when-deleted = Delete from the server when I delete them here

## The window (issue 3)
nav-mail = Mail
nav-sync = Sync
nav-settings = Settings
nav-add-account = Add account
search-placeholder = Search mail (/)
search-results = { $n ->
    [one] 1 found on this device
   *[other] { $n } found on this device
}
unified-inbox = All Inboxes
folder-inbox = Inbox
folder-drafts = Drafts
folder-sent = Sent
folder-trash = Trash
folder-junk = Junk
folder-archive = Archive
drag-hint = Release over a folder to move the message there.
folder-new = New folder
folder-create = Create
folder-rename = Rename
folder-delete = Delete
folder-cancel = Cancel
folder-name-placeholder = Folder name
folder-delete-ask = { $n ->
    [0] Delete the folder { $folder }?
    [one] Delete the folder { $folder } and its message?
   *[other] Delete the folder { $folder } and its { $n } messages?
}
sort-date = Date
sort-sender = Sender
sort-subject = Subject
filter-unread = Unread only
list-count = { $n ->
    [one] 1 message
   *[other] { $shown } messages
}
list-conversations-on = Showing conversations (click for single messages)
list-conversations-off = Showing single messages (click for conversations)
list-count-conversations = { $n ->
    [one] 1 conversation
   *[other] { $shown } conversations
}
conversation-count = { $n ->
    [one] 1 message
   *[other] { $n } messages in this conversation
}
conversation-show-quoted = Show quoted text
conversation-hide-quoted = Hide quoted text
list-to = To: { $names }
list-empty = No messages here.
reader-none = Select a message to read it.
reader-loading = Opening…
reader-not-downloaded = Not downloaded yet: it will download when you are online.
reader-from = From
reader-to = To
reader-cc = Cc
reader-date = Date
reader-attachments = Attachments
attachment-save = Save
attachment-downloading = Downloading the attachment…
attachment-saved = Saved to { $path }
action-read = Mark read
action-unread = Mark unread
action-flag = Flag
action-unflag = Unflag
action-delete = Delete
action-archive = Archive
action-move = Move to…
action-no-folder = This account has no such folder.
action-clear-selection = Clear selection
selected-count = { $n ->
    [one] 1 message selected
   *[other] { $n } messages selected
}
state-connecting = connecting…
state-syncing = syncing…
state-pushing = up to date, new mail arrives at once
state-online = up to date
state-offline = offline, will retry
state-failing = needs attention
state-disabled = sync off
status-offline-cache = Offline: showing mail saved on this device
status-pending = { $n ->
    [one] 1 change waiting for the server
   *[other] { $n } changes waiting for the server
}
sync-heading = Sync
sync-note-imap = IMAP: read state, flags, folders and deletions are shared with your other devices (phone, tablet, other computers).
sync-note-pop3 = POP3: mail is downloaded to this device. What you read or delete here stays here; other devices do not see it.
sync-col-folder = Folder
sync-col-server = On the server
sync-col-device = On this device
sync-col-offline = Readable offline
sync-col-last = Last sync
sync-never = never
sync-ops-heading = Changes waiting for the server
sync-ops-none = Nothing is waiting.
sync-retry = Retry
sync-discard = Discard
sync-outbox-none = Nothing waiting to be sent.
sync-activity-heading = Changes from other devices
sync-activity-none = No changes from other devices yet.
op-flags = Flag change
op-move = Move
op-expunge = Delete
op-pending = waiting
op-failed = failed
op-skipped = skipped
op-skipped-gone = skipped: already deleted or moved on another device
activity-arrived = New in { $folder }: { $detail }
activity-removed = Removed from { $folder }: { $detail }
activity-read = Read elsewhere: { $detail }
activity-unread = Marked unread elsewhere: { $detail }
activity-flagged = Flagged elsewhere: { $detail }
activity-unflagged = Unflagged elsewhere: { $detail }
settings-heading = Settings
settings-language = Language
lang-system = Follow the system
settings-theme = Theme
theme-system = Follow the system
theme-light = Light
theme-dark = Dark
settings-download = Offline reading
download-on-demand = Download a message's text when I open it
download-recent = Keep the last 30 days readable offline
download-all = Keep all mail readable offline
settings-notifications = Notify me of new mail in the Inbox
settings-accounts = Accounts
settings-account-sync = Sync this account
add-heading = Add a mail account
add-email = E-mail address
add-password = Password
add-name = Display name (optional)
add-username = User name (if not the address)
add-imap-host = IMAP server
add-imap-port = Port (993 for TLS)
add-starttls = Use STARTTLS (port 143) instead of TLS
add-ca-file = Extra CA certificate file (optional)
add-submit = Test and add
add-testing = Testing the connection…
add-saved = Account added. Fetching your mail…
add-privacy = The password is tested over an encrypted connection, then kept in your system's keyring, never in a file.
add-error-email = Enter your e-mail address.
add-error-host = Enter the IMAP server name.
add-error-port = The port must be a number.
add-error-password = Enter your password.
attachment-save-as = Save as…
attachment-replace-ask = { $path } already exists. Replace it?
attachment-replace = Replace
attachment-open-failed = No app on this computer could open it. It is saved as { $path }: open it from your file manager, or use Save as….
attachment-open = Open
search-server = Search the server too
search-server-running = Searching the server…
search-server-done = Server searched
nav-write = Write
compose-discard = Discard
compose-attachments = Attachments
compose-remove = Remove
compose-attach-path = Path of a file to attach
compose-drop-hint = Or drop files on this window.
compose-large = large
compose-large-warning = The attachments total { $size }. Many mail servers refuse messages this big. Press Send again to send anyway.
compose-queued = The message is in the outbox and goes out as soon as the server can be reached.
compose-draft-saved = Draft saved.
compose-preparing = Preparing the reply…
size-bytes = { $n } B
size-kb = { $n } KB
size-mb = { $n } MB
format-time = %H:%M
format-datetime = %b %-d, %Y %H:%M
format-date-this-year = %b %-d
format-date-short = %Y-%m-%d
format-weekday = { $day ->
    [0] Mon
    [1] Tue
    [2] Wed
    [3] Thu
    [4] Fri
    [5] Sat
   *[6] Sun
}
## Sending, outbox and drafts (engine: src/engine/{compose,outbox,drafts}.rs)
compose-from = From
compose-to = To
compose-cc = Cc
compose-bcc = Bcc
compose-subject = Subject
compose-send = Send
compose-save-draft = Save draft
compose-attach = Attach…
compose-reply = Reply
compose-reply-all = Reply all
compose-forward = Forward
compose-reply-attribution = On { $date }, { $from } wrote:
compose-forwarded-header = ---------- Forwarded message ----------
compose-warning-charset-fallback = Some characters do not exist in { $charset }, so this message is sent in UTF-8 instead.
compose-error-no-recipients = Add at least one recipient (To, Cc or Bcc).
compose-error-invalid-address = “{ $address }” is not a valid e-mail address.
outbox-heading = Outbox
outbox-state-queued = Waiting to send
outbox-state-sending = Sending…
outbox-state-sent = Sent
outbox-state-failed = Not sent: the server refused it
outbox-state-uncertain = May have been sent
outbox-uncertain-explained = The connection broke after the message went out and before the server confirmed it. It may have been delivered, so Tayori will not send it again by itself.
outbox-send-anyway = Send anyway
outbox-edit = Edit
outbox-retry-at = Next try at { $time }
outbox-attempts = { $count ->
    [one] { $count } attempt
   *[other] { $count } attempts
}
outbox-server-said = The server said: { $words }
send-error-no-smtp = This account has no outgoing (SMTP) server yet.
send-error-auth = The outgoing server did not accept the user name or password.
send-error-no-starttls = The outgoing server does not offer encryption (STARTTLS); nothing was sent.
send-error-tls = The outgoing server’s certificate is not trusted; nothing was sent.
send-error-unreachable = The outgoing server cannot be reached; the message waits in the outbox.
send-error-deferred = The outgoing server asked to try later; the message waits in the outbox.
sent-copy-pending = Not yet copied to Sent
drafts-heading = Drafts
draft-saved = Draft saved
draft-local-only = Saved on this computer only
draft-synced = Saved on the server
draft-conflict-kept-both = This draft was changed here and on another device; both versions are kept.
## Desktop integration (notifications, mail handler)
notify-new-mail-title = { $count ->
    [one] New mail in { $account }
   *[other] { $count } new messages in { $account }
}
settings-default-mail-app = Open mailto: links with Tayori
instance-busy = Tayori is already running for this mail folder but does not answer.
mailto-invalid = This mail link cannot be opened: { $reason }

## Wizard
wizard-title = Set up your mail
wizard-step = Step { $n } of 4: { $step }
wizard-step-identity = you and your address
wizard-step-discovery = looking up the settings
wizard-step-choice = how to receive mail
wizard-step-test = connection test
wizard-intro = Enter your name, your e-mail address and its password. Tayori looks up the server settings for you.
wizard-name = Your name (shown to the people you write to)
wizard-email = E-mail address
wizard-password = Password
wizard-next = Next
wizard-back = Back
wizard-manual = Enter the settings by hand
wizard-skip = Skip: enter the settings by hand
wizard-looking-up = Looking up the settings for { $domain }…
wizard-looking-up-hint = This takes at most about ten seconds. You can skip it and enter the settings by hand.
wizard-not-found = Tayori could not find the settings for { $domain }. Enter them by hand: your provider's help pages list the server names.
wizard-error-ispdb-url = The ISPDB address set in TAYORI_ISPDB_URL ({ $url }) is plain http:// to another computer. Tayori uses plain http:// only on this computer (127.0.0.1, ::1, localhost); use https://.
wizard-error-email = Enter an e-mail address such as taro@example.jp.
wizard-error-password = Enter your password.
wizard-error-username = Enter your user name.
wizard-error-days = The number of days must be a whole number, or empty.
wizard-found-source = Settings found. Where they came from: { $source }
wizard-provider = Provider: { $name }
wizard-choose-heading = How should Tayori receive your mail?
wizard-imap-recommended = IMAP (recommended)
wizard-imap-title = IMAP
wizard-imap-explain = Your mail stays on the server. What you read, file or delete here looks the same on your PC, phone and tablet. It uses space on the server, and reading new mail needs a connection.
wizard-pop3-title = POP3
wizard-pop3-explain = Your mail is downloaded to this computer and can be read offline. Other devices will not see what you read or delete here. Tayori can leave a copy on the server, so your phone still receives it.
wizard-not-offered = Your provider does not offer this.
wizard-server-line = { $kind }: { $host }, port { $port }, { $security }
wizard-security-tls = encrypted (TLS)
wizard-security-starttls = encrypted (STARTTLS)
wizard-incoming = Incoming
wizard-outgoing = Outgoing (SMTP)
wizard-no-smtp = No outgoing server was found: you can read mail now and add one later in the manual settings.
wizard-leave-copy = Leave a copy on the server
wizard-delete-after = Delete from the server after this many days (empty: never)
wizard-username = User name
wizard-username-ask = Your provider gave you a user name (ID) for mail: enter it here.
wizard-continue = Test the connection
wizard-guess-heading = Send your password to these servers?
wizard-guess-explain = These servers were guessed from your address: nobody confirmed that they belong to your provider. Send your password only if you recognise them.
wizard-guess-confirm = Yes, test with these servers
wizard-testing = Testing the connection…
wizard-test-ok = Connected and signed in.
wizard-failed-heading = The connection test failed
wizard-retry = Try again
wizard-keyring-failed = The password could not be kept in the system keyring: { $reason }
wizard-done-heading = All set!
wizard-done-text = { $email } is ready. Tayori is fetching your mail now.
wizard-done-imap = Your mail stays on the server and stays in step with your other devices.
wizard-done-pop3-copy = Your mail is downloaded to this computer; a copy stays on the server.
wizard-done-pop3 = Your mail is downloaded to this computer and removed from the server.
wizard-go-mail = Go to my mail
add-pop3 = Receive with POP3 (download to this computer) instead of IMAP
add-pop3-host = POP3 server
add-pop3-port = Port (995 for TLS)
add-pop3-starttls = Use STLS (port 110) instead of TLS
add-delete-days = Delete from the server after days (optional)
add-smtp-host = Outgoing (SMTP) server (optional)
add-smtp-port = SMTP port (587 or 465)
add-smtp-starttls = SMTP with STARTTLS (port 587); off: TLS (port 465)
add-back-to-wizard = Back to the setup wizard

# Errors from the engine (engine::Failure keys).
error-account-not-running = This account is not running (it may have just been removed).
status-bodies = offline copies { $done } / { $total }
sync-bodies-progress = Readable offline: { $done } of { $total } messages ({ $size })
sync-now = Sync now
error-host-not-found = The server { $host } could not be found. Check the server name, and that this computer is online.
error-connection-refused = { $host } refused the connection on port { $port }. Check the port number; the server may also be down.
error-host-unreachable = { $host } cannot be reached (port { $port }). Check that this computer is online.
error-timeout-connect = { $host } did not answer on port { $port }. A firewall may block it, or the server is down.
error-timeout = { $host } did not answer in time. The server may be busy, or the connection is slow.
error-server-timeout = The server did not answer in time. The server may be busy, or the connection is slow.
error-connect-failed = Tayori could not connect to { $host } on port { $port }.
error-connection-lost = The connection to the server was lost. Check your network and try again.
error-network = A network error interrupted the connection to the server.
error-tls-untrusted = The secure connection to { $host } failed: its certificate is not trusted. If your provider gave you a certificate file, add it as the extra CA certificate.
error-tls-failed = A secure (encrypted) connection to { $host } could not be set up.
error-ca-file = The certificate file { $path } cannot be read.
error-no-starttls = { $host } does not offer an encrypted connection. Tayori will not send your password unencrypted.
error-not-tls = { $host }:{ $port } answered without encryption: this port expects STARTTLS (choose STARTTLS for it), or encrypted connections use another port.
error-no-greeting = { $host }:{ $port } did not greet Tayori: this port probably expects an encrypted (TLS) connection at once; choose TLS instead of STARTTLS.
error-protocol = The server sent an answer Tayori does not understand.
error-login-refused = The server { $host } refused the password for { $email }. Check the password (and the user name). The server said: “{ $server }”
error-app-password-required = { $host } does not accept the normal password for { $email }: it wants an app password, or a sign-in on your provider’s web page. The server said: “{ $server }”
error-login-failed = Tayori could not sign in to { $host }.
error-auth-refused = The mail server refused the user name or password. The server said: “{ $server }”
error-auth-app-password = The mail server wants an app password, or a sign-in on your provider’s web page, instead of your normal password. The server said: “{ $server }”
error-server-refused = The server refused the request. The server said: “{ $server }”
error-server-rejected-command = The server did not accept a command from Tayori. The server said: “{ $server }”
error-smtp-unreachable = The outgoing server { $host } cannot be reached on port { $port }.
error-smtp-login-refused = The outgoing server refused the user name or password. The server said: “{ $server }”
error-smtp-rejected = The outgoing server refused the message. The server said: “{ $server }”
error-smtp-deferred = The outgoing server asked to try again later. The server said: “{ $server }”
error-smtp-network = The connection to the outgoing server failed before the message was sent.
error-smtp-uncertain = The connection broke while the message was being sent: it may or may not have arrived.
error-password-missing = There is no password for { $email }: it is not in the system keyring, and no password command is set. Remove the account and add it again.
error-keyring-unreachable = Tayori cannot reach the system keyring, where it keeps your password. Check that a keyring (such as GNOME Keyring or KWallet) is installed and unlocked.
error-password-command = The password command failed, so Tayori has no password to sign in with.
error-database = Tayori’s mail cache (its database on this computer) reported a problem.
error-database-busy = The mail cache is busy (another Tayori may be using it). Try again in a moment.
error-disk-full = The disk is full: Tayori cannot save to its mail cache.
error-database-open = Tayori cannot open its mail cache. Check that its data folder can be written to.
error-database-corrupt = Part of the mail cache is damaged.
error-data-dir = Tayori cannot create its data folder { $path }.
error-no-account = This account does not exist (any more).
error-no-folder = The folder { $folder } does not exist (any more).
error-folder-name = A folder cannot be named “{ $folder }”: the name is empty, already taken, or reserved (INBOX).
error-no-message = This message does not exist (any more).
error-store-too-new = The mail cache was written by a newer version of Tayori. Update Tayori to open it.
error-not-cached = This is not on this computer yet. Once Tayori can reach the server, it can download it.
error-no-smtp = This account has no outgoing (SMTP) server yet.
error-read-file = Tayori cannot read the file { $path }.
error-write-file = Tayori cannot write the file { $path }.
error-file-exists = { $path } already exists; nothing was written.
error-compose-build = The message could not be put together.
error-account-no-database = Tayori has no mail cache file to add the account to.
error-account-interrupted = Adding the account was interrupted. Try again.
error-server-silent = The server stopped answering (nothing for { $secs } seconds). It may be overloaded; Tayori will try again.
error-server-too-large = The server sent something far larger than any mail message, so Tayori refused it.
error-replay-busy = Another Tayori on this computer is sending this account's changes right now; yours stay queued and go out next.
settings-timing = Reading
settings-mark-read-delay = Mark a message read after it has been open for { $secs ->
    [0] no time (at once)
    [one] { $secs } second
   *[other] { $secs } seconds
}
drafts-opening = Opening the draft…
drafts-local-heading = On this device only (not on the server yet)
drafts-no-subject = (no subject)
drafts-no-recipients = (no recipients yet)
drafts-this-is-a-draft = This is a draft.
drafts-continue = Continue writing
status-error-detail = Something went wrong: { $detail }
undo-button = Undo
undo-done = Undone.
undo-deleted = { $n ->
    [one] Moved 1 message to Trash.
   *[other] Moved { $n } messages to Trash.
}
undo-archived = { $n ->
    [one] Archived 1 message.
   *[other] Archived { $n } messages.
}
undo-moved = { $n ->
    [one] Moved 1 message.
   *[other] Moved { $n } messages.
}
undo-flags-changed = { $n ->
    [one] Changed 1 message.
   *[other] Changed { $n } messages.
}
settings-undo-send-delay = Hold a sent message back for { $secs ->
    [0] no time (send at once)
    [one] { $secs } second
   *[other] { $secs } seconds
}, with Undo
undo-send-toast = Sending in { $secs } s…
undo-send-too-late = Too late to undo: the message is being sent.

## The sync view in plain words (issue 15)
op-action-read = Mark read
op-action-unread = Mark unread
op-action-flag = Flag
op-action-unflag = Remove flag
op-action-flags = Change flags
op-action-delete = Delete
op-action-delete-forever = Delete for good
op-action-copy = Copy to { $folder }
folder-moved = Folder moved.
message-copied = Copied 1 message.
op-action-move = Move to { $folder }
op-message = “{ $subject }”
op-message-from = “{ $subject }” from { $sender }
op-no-subject = (no subject)
op-state-waiting = waiting to be sent to the server
op-state-waiting-connection = waiting for the connection
op-state-failed = failed: { $words }
sync-retry-now = Retry now
sync-pause = Pause this account
sync-resume = Resume this account
sync-paused = Paused: this account is not synced until you resume it.
outbox-line = “{ $subject }” to { $to }
outbox-not-sent-unreachable = Not sent yet: Tayori cannot reach the server. It tries again by itself.
outbox-not-sent-server-said = Not sent yet: the server said: { $words }
outbox-not-sent-because = Not sent yet: { $words }
when-just-now = just now
when-ago-minutes = { $n } min ago
when-ago-hours = { $n ->
    [one] 1 hour ago
   *[other] { $n } hours ago
}
when-ago-days = { $n ->
    [one] yesterday
   *[other] { $n } days ago
}
when-in-minutes = in { $n } min
when-in-hours = { $n ->
    [one] in 1 hour
   *[other] in { $n } hours
}
when-in-days = { $n ->
    [one] in 1 day
   *[other] in { $n } days
}
sync-legend-server = ■ on the server
sync-legend-device = ■ on this device
sync-legend-offline = ■ readable offline
sync-arrows = ↑ { $up } waiting to go to the server    ↓ { $down } still coming to this device
sync-arrows-pop3 = ↑ { $up } waiting to be sent    ↓ { $down } still to download
sync-risk-imap = { $n ->
    [0] If this computer breaks, nothing is lost: the server keeps your mail, and no change waits to be sent.
    [one] If this computer breaks, nothing is lost except 1 change not yet sent: the server keeps your mail.
   *[other] If this computer breaks, nothing is lost except { $n } changes not yet sent: the server keeps your mail.
}
sync-risk-pop3 = If this computer breaks, { $only ->
    [one] 1 message that exists only here is lost.
   *[other] { $only } messages that exist only here are lost.
}{ $n ->
    [0] {""}
   *[other] {" "}And { $n } changes not yet sent.
}
sync-pop3-no-copies = No copies are left on the server: each message is deleted there once it is on this device.
sync-pop3-copies-kept = { $copies } copies are left on the server and kept there.
sync-pop3-copies-deleted = { $copies } copies are left on the server; each is deleted there { $days } days after it was downloaded: the next one { $when }.
sync-quota = Server space: { $used } of { $limit } ({ $pct }%)
sync-quota-warning = The server is { $pct }% full. When it is full, new mail is refused: delete or archive large mail.
sync-quota-none = The server reports no quota (no space limit is known).
sync-quota-unknown = Server space is known after the first sync.
sync-quota-largest = Largest folders: { $folders }
sync-devices-heading = Devices using this account
sync-devices-pop3 = POP3 does not share anything between devices: each one downloads its own copy.
sync-devices-no-metadata = This server cannot list devices (it has no IMAP METADATA), so only this device is shown.
sync-devices-unknown = Other devices are listed after the first sync.
sync-device-this-only = { $name } (this device)
sync-device-this = { $name } (this device) · { $os } · Tayori { $version } · synced { $seen } · { $messages } messages ({ $size }) · offline: { $offline } · { $waiting } waiting
sync-device-other = { $name } · { $os } · Tayori { $version } · last seen { $seen } · { $messages } messages ({ $size }) · offline: { $offline } · { $waiting } waiting
sync-devices-others-note = Only devices running Tayori are listed; phones and other mail apps cannot report here.
status-quota-warning = { $email }: server { $pct }% full
doctor-step-dns = Name lookup
doctor-step-tcp = Connection to port { $port }
doctor-step-tls = Encryption (TLS)
doctor-step-greeting = Greeting and capabilities
doctor-step-login = Login
doctor-step-uidl = Message list (UIDL)
doctor-dns-ok = { $host } is at { $addresses }.
doctor-dns-failed = The name { $host } cannot be found.
doctor-dns-advice = Check the server name for typos, and that this computer is online (can you open a web page?).
doctor-tcp-ok = { $host } accepts connections on port { $port }.
doctor-tcp-refused = { $host } refused the connection on port { $port }: nothing listens there, or the server is stopped.
doctor-tcp-refused-advice = Check the port number with your provider's settings page (IMAP 993, POP3 995, SMTP 465 or 587), or try again later if the server is down.
doctor-tcp-silent = { $host } did not answer on port { $port }: a firewall may block it, or the host is down.
doctor-tcp-silent-advice = Try another network; some networks block mail ports. Check the port number.
doctor-no-starttls = { $host } did not agree to start encryption (STARTTLS).
doctor-no-starttls-advice = Use the port with TLS from the start (IMAP 993, POP3 995, SMTP 465) and security "TLS".
doctor-tls-ok = Encrypted ({ $version }); the certificate is valid for { $host }: { $subject }, issued by { $issuer }, valid until { $expires }.
doctor-tls-plain = Port { $port } answered without encryption: it expects STARTTLS.
doctor-tls-plain-advice = Set security to STARTTLS for this port, or use the TLS port (IMAP 993, POP3 995, SMTP 465).
doctor-tls-ca-file = The certificate file { $path } cannot be read: { $words }
doctor-tls-ca-file-advice = Check the CA file given with the account, or remove it.
doctor-tls-wrong-host = The certificate of { $host } is made out to another name ({ $subject }).
doctor-tls-wrong-host-advice = Use the server name the certificate is for (your provider's settings page says which); someone may also be intercepting the connection.
doctor-tls-expired = The certificate of { $host } has expired.
doctor-tls-expired-advice = The provider must renew it; meanwhile, do not send your password to this server.
doctor-tls-untrusted = The certificate of { $host } is not trusted ({ $words }).
doctor-tls-untrusted-advice = If this is your own server, add its CA with --ca-file; otherwise ask your provider.
doctor-tls-failed = No secure connection could be set up with { $host }: { $words }
doctor-tls-failed-advice = Check the port and the security setting (TLS or STARTTLS).
doctor-greeting-ok = The server answered. It offers: { $caps }
doctor-greeting-failed = The server on port { $port } did not greet as a mail server of this kind.
doctor-greeting-advice = The port may belong to another service (IMAP 993, POP3 995, SMTP 465/587), or it expects STARTTLS.
doctor-greeting-starttls-advice = The port may belong to another service, or it expects TLS at once (security "TLS").
doctor-login-ok = Logged in as { $user }.
doctor-login-wrong = The server refused the user name or password for { $user }.
doctor-login-wrong-advice = Type the password again. Some providers need an app password instead of your usual one.
doctor-login-app-password = The server wants an app password (or a sign-in in the browser) for { $user }.
doctor-login-app-password-advice = Create an app password in your provider's account settings and use it here.
doctor-login-failed = The login did not work: { $words }
doctor-login-failed-advice = Try again later; if it keeps failing, check the settings with your provider.
doctor-uidl-ok = The server lists its messages with unique ids ({ $count } messages).
doctor-uidl-failed = The server cannot list its messages with unique ids (UIDL): { $words }
doctor-uidl-advice = Without UIDL, Tayori cannot tell which messages it already downloaded; use IMAP if the provider offers it.
doctor-all-passed = Every step passed.
doctor-first-failing = The first failing step: { $step }
sync-check-connection = Check connection
sync-doctor-running = Checking the connection…
doctor-first-failing-short = The first step marked ✗ is where the connection breaks.
sync-folder-local = only on this device
sync-offline-on-demand = bodies when opened
sync-offline-all = everything
sync-offline-days = last { $n } days
op-action-folder-create = Create folder { $folder }
op-action-folder-rename = Rename folder { $folder } to { $to }
op-action-folder-delete = Delete folder { $folder }

## OAuth2 sign-in (errors, the page the browser shows after the sign-in)
oauth-error-sign-in-again = The sign-in of { $email } has expired or was withdrawn. Sign in again.
oauth-error-not-signed-in = { $email } is not signed in yet. Sign in to use this account.
oauth-error-refused = The sign-in server { $issuer } refused: “{ $server }”
oauth-error-unreachable = The sign-in server { $issuer } cannot be reached. Check the connection and try again.
oauth-error-denied = The sign-in was not completed in the browser.
oauth-error-timed-out = No sign-in came back from the browser in time. Try again.
oauth-error-browser = Tayori could not open the browser.
oauth-error-config = This account’s sign-in settings are incomplete: it needs the app ID registered with the provider.
sync-sign-in-again = Sign in again
sync-sign-in-waiting = Finish signing in on the provider’s page in your browser. The account goes on by itself afterwards.
sync-signed-in = Signed in again. The account is syncing.
state-sign-in = sign in again
oauth-error-device-denied = The sign-in was refused on the other device. Nothing was changed.
oauth-error-device-expired = The code was not entered within { $minutes } minutes and has expired. Start the sign-in again for a new code.
oauth-page-done-title = You are signed in
oauth-page-done-text = Tayori has your sign-in. You can close this tab and go back to Tayori.
oauth-page-failed-title = The sign-in did not finish
oauth-page-failed-text = Nothing was changed. Close this tab and try again in Tayori.
wizard-step-sign-in = signing in
wizard-oauth-microsoft = Microsoft accounts (Outlook.com, Hotmail, Live and Microsoft 365) sign in on Microsoft’s own page, so you do not type a password here. In a moment your browser opens Microsoft’s sign-in page.
wizard-google-choice = Gmail lets Tayori in in one of two ways:
wizard-auth-google = Sign in with Google (recommended)
wizard-auth-google-explain = Your browser opens Google’s own page and you sign in there as usual. Nothing to copy, and your Google password never passes through Tayori.
wizard-auth-app-password = Use an app password
wizard-auth-app-password-explain = An app password is a 16-letter password you make in your Google account just for Tayori (it needs 2-Step Verification turned on). Type it below instead of your usual password.
wizard-open-page = Open this page
wizard-provider-microsoft = Microsoft
wizard-provider-google = Google
wizard-provider-yahoo = Yahoo
wizard-provider-aol = AOL
wizard-provider-fastmail = Fastmail
wizard-provider-choice = { $provider } lets Tayori in in one of two ways:
wizard-auth-provider = Sign in with { $provider } (recommended)
wizard-auth-provider-explain = Your browser opens { $provider }’s own page and you sign in there as usual. Nothing to copy, and your { $provider } password never passes through Tayori.
wizard-auth-app-password-provider-explain = An app password is a password you make in your { $provider } account’s security settings just for Tayori. Type it below instead of your usual password.
wizard-app-password-only = { $provider } lets mail programs in with an app password, not your usual password. Make one as the page below explains, then type it here.
wizard-sign-in-device = Sign in on another device
wizard-device-asking = Asking { $provider } for a sign-in code…
wizard-device-heading = Sign in on another device
wizard-device-text = On a phone or another computer, open this page and enter the code below. Sign in there with { $provider } and allow Tayori to read and send your mail. Then come back here: Tayori goes on by itself.
wizard-device-code = Code:
wizard-device-expires = The code is good for { $minutes } minutes. Cancel stops the sign-in.
wizard-sign-in = Sign in with { $provider }
wizard-signing-in-heading = Finish signing in with { $provider } in your browser
wizard-signing-in-text = Your browser shows { $provider }’s sign-in page. Sign in there and allow Tayori to read and send your mail. Then come back here: Tayori goes on by itself.
wizard-signing-in-hint = No browser window? Look for it behind this one, or press Cancel and try again.
wizard-cancel = Cancel

# The formatted (HTML) view of a message
html-show-plain = Show plain text
html-show-formatted = Show formatted
html-rendering = Laying out the message…
html-remote-blocked = Remote images blocked
html-remote-once = Show once
html-remote-always = Always for this sender
html-link-goes-to = This link goes to { $url }
html-link-open = Open link
html-truncated = This message is longer than can be drawn; the rest is in the plain text view.
html-fallback-too-deep = This message nests its layout too deeply to draw safely, so it is shown as text.
html-fallback-too-many-tags = This message has too many elements to draw safely, so it is shown as text.
html-fallback-span = This message has a table too wide to draw safely, so it is shown as text.
html-fallback-too-large = This message is too large to draw, so it is shown as text.
html-fallback-engine = The layout engine failed on this message, so it is shown as text.
settings-remote-senders = Remote content
settings-remote-senders-hint = Senders whose mail may load images and styles from the internet.
settings-remote-senders-none = No sender is allowed.
settings-remote-remove = Remove
