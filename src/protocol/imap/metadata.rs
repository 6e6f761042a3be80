//! IMAP METADATA (RFC 5464): server-level private entries ("" as the mailbox).
//!
//! async-imap 0.12 has `get_metadata`, but it writes the options after the mailbox
//! (`GETMETADATA "" (DEPTH 1) entry`), where RFC 5464 §4.2 puts them before it
//! (`GETMETADATA (DEPTH 1) "" entry`), and it has no SETMETADATA at all. So both commands
//! are sent through our raw command path, and the answer (`* METADATA "" (entry value ...)`)
//! is read with imap-proto's own parser of it.
use super::{ImapConn, ImapError, Result};
use async_imap::imap_proto::{MailboxDatum, Response};

/// An IMAP quoted string. Only ASCII goes in (callers escape the rest, see
/// [`ascii_json`]); a CR, LF or NUL cannot be quoted and is refused.
fn quoted(s: &str) -> Result<String> {
    if s.bytes()
        .any(|b| b == b'\r' || b == b'\n' || b == 0 || b >= 0x80)
    {
        return Err(ImapError::Bad(
            "a METADATA value must be ASCII without line breaks".into(),
        ));
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// JSON text with every non-ASCII character written as `\uXXXX` (the same JSON value, but
/// safe in an IMAP quoted string without UTF8=ACCEPT).
pub fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

impl ImapConn {
    /// Whether the server offers METADATA (or METADATA-SERVER, enough for "" entries).
    pub fn has_metadata(&self) -> bool {
        self.caps.all.iter().any(|c| {
            c.eq_ignore_ascii_case("METADATA") || c.eq_ignore_ascii_case("METADATA-SERVER")
        })
    }

    /// Sets (or with None removes) one server-level entry.
    pub async fn set_metadata(&mut self, entry: &str, value: Option<&str>) -> Result<()> {
        let value = match value {
            Some(v) => quoted(v)?,
            None => "NIL".to_string(),
        };
        let cmd = format!("SETMETADATA \"\" ({} {value})", quoted(entry)?);
        self.raw(&cmd, |_| {}).await?;
        Ok(())
    }

    /// The server-level entries directly under `entry` (DEPTH 1), with their values.
    pub async fn metadata_children(&mut self, entry: &str) -> Result<Vec<(String, String)>> {
        let cmd = format!("GETMETADATA (DEPTH 1) \"\" {}", quoted(entry)?);
        let mut out = Vec::new();
        self.raw(&cmd, |r| {
            if let Response::MailboxData(MailboxDatum::MetadataSolicited { values, .. }) = r {
                for m in values {
                    if let Some(v) = &m.value {
                        out.push((m.entry.clone(), v.clone()));
                    }
                }
            }
        })
        .await?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_json_is_escaped_to_the_same_value() {
        let json = serde_json::json!({"name": "太郎のPC 🎉"}).to_string();
        let ascii = ascii_json(&json);
        assert!(ascii.is_ascii());
        let back: serde_json::Value = serde_json::from_str(&ascii).unwrap();
        assert_eq!(back["name"], "太郎のPC 🎉");
        assert!(quoted(&ascii).is_ok());
        assert!(quoted("a\r\nb").is_err());
        assert_eq!(quoted(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
    }
}
