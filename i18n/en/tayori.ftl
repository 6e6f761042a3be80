app-title = Tayori
folders-heading = Folders
messages-heading = Messages
no-accounts = No accounts yet. Add one with: tayori account add --email you@example.com --imap-host imap.example.com --imap-port 993 --imap-security tls --password-stdin
folder-counts = { $unread } unread of { $total }
no-subject = (no subject)

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
