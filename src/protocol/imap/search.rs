//! Server-side search (UID SEARCH), for mail whose body is not cached here.
use super::{ImapConn, Result, quote};
use async_imap::imap_proto::{MailboxDatum, Response};

/// One SEARCH criterion (RFC 3501 §6.4.4); a search matches what all of them match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    Text(String),
    From(String),
    To(String),
    Subject(String),
    Unseen,
    Seen,
    Flagged,
    /// Sent (the Date header) before this day: what the local search's `before:` means.
    Before(chrono::NaiveDate),
    /// Sent on or after this day.
    Since(chrono::NaiveDate),
}

/// The command and its literals: ASCII values are quoted in the command, others are UTF-8
/// literals (with CHARSET UTF-8), each sent after the server's continuation as APPEND does.
fn command(keys: &[SearchKey]) -> (String, Vec<(Vec<u8>, String)>) {
    let needs_literal = |v: &str| !v.is_ascii() || v.contains(['\r', '\n']);
    let utf8 = keys.iter().any(|k| match k {
        SearchKey::Text(v) | SearchKey::From(v) | SearchKey::To(v) | SearchKey::Subject(v) => {
            needs_literal(v)
        }
        _ => false,
    });
    let mut cmd = String::from(if utf8 {
        "UID SEARCH CHARSET UTF-8"
    } else {
        "UID SEARCH"
    });
    let mut lits: Vec<(Vec<u8>, String)> = Vec::new();
    let push =
        |text: &str, cmd: &mut String, lits: &mut Vec<(Vec<u8>, String)>| match lits.last_mut() {
            Some((_, then)) => then.push_str(text),
            None => cmd.push_str(text),
        };
    for k in keys {
        let (name, value) = match k {
            SearchKey::Text(v) => ("TEXT", Some(v)),
            SearchKey::From(v) => ("FROM", Some(v)),
            SearchKey::To(v) => ("TO", Some(v)),
            SearchKey::Subject(v) => ("SUBJECT", Some(v)),
            SearchKey::Unseen => ("UNSEEN", None),
            SearchKey::Seen => ("SEEN", None),
            SearchKey::Flagged => ("FLAGGED", None),
            SearchKey::Before(d) | SearchKey::Since(d) => {
                let name = if matches!(k, SearchKey::Before(_)) {
                    "SENTBEFORE"
                } else {
                    "SENTSINCE"
                };
                push(
                    &format!(" {name} {}", d.format("%-d-%b-%Y")),
                    &mut cmd,
                    &mut lits,
                );
                continue;
            }
        };
        match value {
            Some(v) if needs_literal(v) => {
                push(&format!(" {name} {{{}}}", v.len()), &mut cmd, &mut lits);
                lits.push((v.as_bytes().to_vec(), String::new()));
            }
            Some(v) => push(&format!(" {name} {}", quote(v)), &mut cmd, &mut lits),
            None => push(&format!(" {name}"), &mut cmd, &mut lits),
        }
    }
    if keys.is_empty() {
        cmd.push_str(" ALL");
    }
    (cmd, lits)
}

impl ImapConn {
    /// UIDs of messages in the selected folder whose headers or body contain `text`.
    pub async fn search_text(&mut self, text: &str) -> Result<Vec<u32>> {
        self.search(&[SearchKey::Text(text.to_string())]).await
    }

    /// UIDs of messages in the selected folder matching every key.
    pub async fn search(&mut self, keys: &[SearchKey]) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let collect = |r: &Response<'_>, out: &mut Vec<u32>| {
            if let Response::MailboxData(MailboxDatum::Search(v)) = r {
                out.extend_from_slice(v);
            }
        };
        let (cmd, lits) = command(keys);
        if lits.is_empty() {
            self.raw(&cmd, |r| collect(r, &mut out)).await?;
            return Ok(out);
        }
        let lits: Vec<(&[u8], &str)> = lits
            .iter()
            .map(|(d, t)| (d.as_slice(), t.as_str()))
            .collect();
        let id = self.send_literals(&cmd, &lits).await?;
        self.finish(&id, |r| collect(r, &mut out)).await?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_quoted_and_the_rest_goes_in_literals() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let (cmd, lits) = command(&[
            SearchKey::From("taro".into()),
            SearchKey::Text("会議".into()),
            SearchKey::Before(d),
            SearchKey::Subject("東京".into()),
            SearchKey::Unseen,
        ]);
        assert_eq!(cmd, "UID SEARCH CHARSET UTF-8 FROM \"taro\" TEXT {6}");
        assert_eq!(
            lits,
            vec![
                (
                    "会議".as_bytes().to_vec(),
                    " SENTBEFORE 1-Nov-2026 SUBJECT {6}".into()
                ),
                ("東京".as_bytes().to_vec(), " UNSEEN".into()),
            ]
        );
        let (cmd, lits) = command(&[SearchKey::Text("say \"hi\"".into())]);
        assert_eq!(cmd, "UID SEARCH TEXT \"say \\\"hi\\\"\"");
        assert!(lits.is_empty());
    }
}
