//! IMAP client layer over async-imap. Extensions async-imap lacks (QRESYNC/VANISHED,
//! COPYUID, raw FETCH streaming) are driven through its raw command API here.
mod bodies;
pub mod bodystructure;
mod bulk;
pub mod envelope;
mod fetch;
mod folders;
pub mod guard;
mod idle;
mod metadata;
mod mutate;
mod quota;
mod raw;
mod search;
pub use search::SearchKey;
mod select;
mod session;
mod whole;

pub use bodies::{BodyEvent, ExamineInfo};
pub use bulk::FrameReader;
pub use fetch::{HEADER_FETCH_ITEMS, parse_flags};
pub use folders::ServerFolder;
pub use idle::IdleOutcome;
pub use metadata::ascii_json;
pub use quota::StorageQuota;
pub use select::{SelectInfo, StatusInfo};
pub use session::{AuthKind, Caps, Credentials, ImapConn};
pub use whole::WholeFetched;

use crate::protocol::net::NetError;

/// Errors talking IMAP, worded for the person reading them.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(
        "{host} does not offer STARTTLS; refusing to continue without encryption (no downgrade)"
    )]
    NoStartTls { host: String },
    #[error(
        "{host}:{port} sent no greeting within {secs} s: it probably expects TLS at once \
         (security `tls`), not STARTTLS"
    )]
    NoGreeting { host: String, port: u16, secs: u64 },
    #[error("login failed (wrong user name or password?): the server says \"{0}\"")]
    Auth(String),
    #[error("the server refused: {0}")]
    No(String),
    #[error("the server rejected the command: {0}")]
    Bad(String),
    #[error("the connection was lost")]
    ConnectionLost,
    #[error("network error: {0}")]
    Io(std::io::Error),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("{0}")]
    Guard(guard::GuardError),
    #[error("protocol error: {0}")]
    Protocol(String),
}

impl ImapError {
    /// True when retrying later may work (network trouble), false when the server said no.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ImapError::Net(_)
                | ImapError::ConnectionLost
                | ImapError::Io(_)
                | ImapError::Timeout
                // The connection is unusable after any refusal of the guard; a later try may
                // meet a server that behaves.
                | ImapError::Guard(_)
        )
    }
}

impl From<std::io::Error> for ImapError {
    fn from(e: std::io::Error) -> Self {
        if let Some(g) = guard::GuardError::from_io(&e) {
            return ImapError::Guard(g);
        }
        // async-imap words a response it cannot parse as "<nom error> during parsing of
        // <every byte it holds>": keep one line in words, not the dump.
        let text = e.to_string();
        if text.contains(" during parsing of ") {
            return ImapError::Protocol(format!(
                "the server sent a response that is not valid IMAP: {}",
                one_line(&text, 80)
            ));
        }
        ImapError::Io(e)
    }
}

/// The first `max` characters of the text after "during parsing of", control characters
/// shown as spaces, on one line.
fn one_line(text: &str, max: usize) -> String {
    let after = text
        .split_once(" during parsing of ")
        .map(|(_, r)| r)
        .unwrap_or(text);
    let mut out: String = after
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if after.chars().count() > max {
        out.push('…');
    }
    out
}

impl From<async_imap::error::Error> for ImapError {
    fn from(e: async_imap::error::Error) -> Self {
        use async_imap::error::Error as E;
        match e {
            E::Io(io) => io.into(),
            E::Bad(s) => ImapError::Bad(s),
            E::No(s) => ImapError::No(s),
            E::ConnectionLost => ImapError::ConnectionLost,
            other => ImapError::Protocol(other.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, ImapError>;

/// Quotes a mailbox name or search string as an IMAP quoted string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Renders UIDs as a compact IMAP sequence set ("1:5,9,12:13").
pub fn uid_set(uids: &[u32]) -> String {
    let mut v: Vec<u32> = uids.to_vec();
    v.sort_unstable();
    v.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < v.len() {
        let start = v[i];
        let mut end = start;
        while i + 1 < v.len() && v[i + 1] == end + 1 {
            i += 1;
            end = v[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[5, 1, 2, 3, 9, 12, 13]), "1:3,5,9,12:13");
        assert_eq!(uid_set(&[7]), "7");
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
