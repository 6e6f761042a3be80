//! Domain types shared by every layer (no I/O here).
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($name:ident, $inner:ty) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub $inner);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}
id_type!(AccountId, i64);
id_type!(FolderId, i64);
id_type!(MessageId, i64);
id_type!(OpId, i64);
id_type!(Uid, u32);

/// How the connection to a server is secured. There is deliberately no plain-text option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Implicit TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465).
    Tls,
    /// Plain connect, then STARTTLS/STLS; refused if the server does not offer it.
    Starttls,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::Starttls),
            _ => None,
        }
    }
}

/// One server endpoint of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// How an account receives mail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Mail stays on the server; folders, flags and deletions sync.
    #[default]
    Imap,
    /// Mail is downloaded into local folders (Inbox, Sent, Drafts, Trash).
    Pop3,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "imap" => Some(Protocol::Imap),
            "pop3" => Some(Protocol::Pop3),
            _ => None,
        }
    }
}

/// What a POP3 account does with the server's copy of downloaded mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pop3Options {
    /// Leave a copy on the server (default). Off: DELE right after the message is stored.
    pub leave_on_server: bool,
    /// With `leave_on_server`: delete the server copy this many days after downloading it.
    pub delete_after_days: Option<u32>,
    /// Delete the server copy when the message is deleted here.
    pub delete_when_deleted: bool,
}

impl Default for Pop3Options {
    fn default() -> Self {
        Pop3Options {
            leave_on_server: true,
            delete_after_days: None,
            delete_when_deleted: false,
        }
    }
}

/// An account as configured by the user. Passwords are never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub email: String,
    pub username: String,
    /// IMAP or POP3: which server `imap` (the incoming server) speaks.
    pub protocol: Protocol,
    /// The incoming server: the IMAP server, or for a POP3 account the POP3 server.
    pub imap: Endpoint,
    /// POP3 download options (ignored for IMAP accounts).
    pub pop3: Pop3Options,
    /// A shell command whose stdout (first line) is the password, like mbsync's PassCmd.
    pub password_command: Option<String>,
    /// Extra trust anchor (PEM) for this account's servers. Certificates are always verified.
    pub ca_file: Option<String>,
    pub sync_enabled: bool,
    /// Set when the account signs in with OAuth2 (its tokens are in the keyring, never here).
    #[serde(default)]
    pub oauth: Option<OAuthSettings>,
}

/// Where and how an account signs in with OAuth2: what `account add --auth oauth2` found
/// (the providers table or the issuer's metadata). No secret of the user's is part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthSettings {
    pub issuer: String,
    pub client_id: String,
    /// Only for providers that give installed apps a (non-confidential) client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub auth_url: String,
    pub token_url: String,
    /// RFC 8628 device authorization endpoint, when the provider offers it.
    #[serde(default)]
    pub device_url: Option<String>,
    pub scopes: Vec<String>,
    /// Extra parameters of the authorization request.
    #[serde(default)]
    pub auth_params: Vec<(String, String)>,
}

/// Special-use role of a folder (RFC 6154), or a role guessed from a well-known name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderRole {
    Inbox,
    Drafts,
    Sent,
    Trash,
    Junk,
    Archive,
    All,
    Flagged,
}

impl FolderRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FolderRole::Inbox => "inbox",
            FolderRole::Drafts => "drafts",
            FolderRole::Sent => "sent",
            FolderRole::Trash => "trash",
            FolderRole::Junk => "junk",
            FolderRole::Archive => "archive",
            FolderRole::All => "all",
            FolderRole::Flagged => "flagged",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "inbox" => FolderRole::Inbox,
            "drafts" => FolderRole::Drafts,
            "sent" => FolderRole::Sent,
            "trash" => FolderRole::Trash,
            "junk" => FolderRole::Junk,
            "archive" => FolderRole::Archive,
            "all" => FolderRole::All,
            "flagged" => FolderRole::Flagged,
            _ => return None,
        })
    }
}

/// Message flags. System flags are bits; keywords are kept verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    pub seen: bool,
    pub flagged: bool,
    pub answered: bool,
    pub draft: bool,
    pub deleted: bool,
    /// The `$Forwarded` keyword (RFC 5788): the message was forwarded.
    pub forwarded: bool,
}

impl Flags {
    pub fn to_bits(&self) -> i64 {
        (self.seen as i64)
            | (self.flagged as i64) << 1
            | (self.answered as i64) << 2
            | (self.draft as i64) << 3
            | (self.deleted as i64) << 4
            | (self.forwarded as i64) << 5
    }
    pub fn from_bits(b: i64) -> Self {
        Flags {
            seen: b & 1 != 0,
            flagged: b & 2 != 0,
            answered: b & 4 != 0,
            draft: b & 8 != 0,
            deleted: b & 16 != 0,
            forwarded: b & 32 != 0,
        }
    }
}

/// One MIME leaf of a message, as learned from BODYSTRUCTURE (no content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartInfo {
    /// IMAP section path: "1", "1.2", ... ("1" also for a single-part message).
    pub section: String,
    /// Lower-case "type/subtype".
    pub mime: String,
    /// Encoded size in octets as reported by the server.
    pub size: u64,
    pub charset: Option<String>,
    /// Content-Transfer-Encoding, lower-case.
    pub encoding: String,
    pub filename: Option<String>,
    /// true when Content-Disposition is attachment, or a non-text part with a filename.
    pub is_attachment: bool,
}

/// Everything the header-only sync learns about one server message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderInfo {
    pub uid: Uid,
    pub message_id: Option<String>,
    pub subject: String,
    /// Display form of the first From address: "Name <addr>" or "addr".
    pub from: String,
    pub to: String,
    pub cc: String,
    /// Date header as unix seconds (falls back to INTERNALDATE).
    pub date: i64,
    pub internal_date: i64,
    pub size: u64,
    pub flags: Flags,
    pub modseq: Option<u64>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub parts: Vec<PartInfo>,
    pub has_attachments: bool,
}

impl HeaderInfo {
    /// A row with only what the server said (UID, INTERNALDATE, size, flags): the header
    /// fields empty, the date the INTERNALDATE. Filled from the message by
    /// `mime::ParsedMessage::into_header`.
    pub fn bare(
        uid: Uid,
        internal_date: i64,
        size: u64,
        flags: Flags,
        modseq: Option<u64>,
    ) -> Self {
        HeaderInfo {
            uid,
            message_id: None,
            subject: String::new(),
            from: String::new(),
            to: String::new(),
            cc: String::new(),
            date: internal_date,
            internal_date,
            size,
            flags,
            modseq,
            in_reply_to: None,
            references: None,
            parts: Vec::new(),
            has_attachments: false,
        }
    }
}

/// A locally cached folder and its last known server state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    pub id: FolderId,
    pub account_id: AccountId,
    /// Full server name (decoded from modified UTF-7), e.g. "INBOX.Sent".
    pub name: String,
    pub delimiter: Option<String>,
    pub role: Option<FolderRole>,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highest_modseq: Option<u64>,
    pub server_total: Option<u32>,
    pub server_unread: Option<u32>,
    pub last_sync: Option<i64>,
}

id_type!(OutboxId, i64);
id_type!(DraftId, i64);

/// The charset outgoing text is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendCharset {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// RFC 1468 (7-bit JIS, B-encoded headers) when every character fits, else UTF-8.
    #[serde(rename = "iso-2022-jp")]
    Iso2022Jp,
}

impl SendCharset {
    pub fn as_str(self) -> &'static str {
        match self {
            SendCharset::Utf8 => "utf-8",
            SendCharset::Iso2022Jp => "iso-2022-jp",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(SendCharset::Utf8),
            "iso-2022-jp" => Some(SendCharset::Iso2022Jp),
            _ => None,
        }
    }
}

/// How an account sends mail (SMTP submission). Kept apart from `Account` so incoming
/// protocols (IMAP, POP3) and sending evolve independently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub account_id: AccountId,
    pub endpoint: Endpoint,
    /// Login for AUTH; None means the account's incoming username. The password is the
    /// account's (keyring or password command).
    pub username: Option<String>,
    pub send_charset: SendCharset,
    /// Put under "-- " at the end of new messages and replies.
    pub signature: Option<String>,
}

/// Which message bodies an account keeps on this device for offline reading (a setting in
/// the store, per account; the scheduler applies a change at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "mode", content = "days")]
pub enum OfflineMode {
    /// Bodies are fetched when a message is opened (the default).
    #[default]
    OnDemand,
    /// Messages of the last N days.
    Days(u32),
    /// Every message.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflinePolicy {
    pub mode: OfflineMode,
    /// Messages up to this size (MB) are kept whole, attachments included; larger ones keep
    /// only their text.
    pub attachments_max_mb: u32,
}

impl Default for OfflinePolicy {
    fn default() -> Self {
        OfflinePolicy {
            mode: OfflineMode::OnDemand,
            attachments_max_mb: 10,
        }
    }
}

impl OfflineMode {
    /// Parses `on-demand`, `days:N` or `all` (the CLI's words).
    pub fn parse(s: &str) -> Option<OfflineMode> {
        match s.trim() {
            "on-demand" => Some(OfflineMode::OnDemand),
            "all" => Some(OfflineMode::All),
            other => other
                .strip_prefix("days:")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| *n > 0)
                .map(OfflineMode::Days),
        }
    }

    pub fn as_str(&self) -> String {
        match self {
            OfflineMode::OnDemand => "on-demand".into(),
            OfflineMode::Days(n) => format!("days:{n}"),
            OfflineMode::All => "all".into(),
        }
    }
}
