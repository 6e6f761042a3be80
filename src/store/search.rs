//! Local search: substring match over headers (a scan of the cache) and two FTS5 indexes of
//! cached body text: trigrams (any three characters or more, so Japanese matches without word
//! breaks) and the pairs of CJK characters (one or two of them: 東京, 本).
use super::messages::{ROW_COLS, row_to_message};
use super::search_query::{self, BodyMatch, Term};
use super::{MessageRow, Result, Store};
use crate::model::MessageId;
use rusqlite::params;
use rusqlite::types::Value;

/// `%text%` for LIKE with the wildcards in `text` escaped (`ESCAPE '\\'`).
fn like(text: &str) -> Value {
    Value::Text(format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    ))
}

/// SQL that is true when any of `cols` contains `text`: LIKE (case-insensitive for ASCII)
/// when the text has ASCII letters, else a plain substring search, several times faster
/// over 100k rows, and exact for scripts without case.
fn contains(cols: &[&str], text: &str, args: &mut Vec<Value>) -> String {
    let folds = text.chars().any(|c| c.is_ascii_alphabetic());
    args.push(if folds {
        like(text)
    } else {
        Value::Text(text.to_string())
    });
    let n = args.len();
    cols.iter()
        .map(|c| match folds {
            true => format!("{c} LIKE ?{n} ESCAPE '\\'"),
            false => format!("instr({c}, ?{n}) > 0"),
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

impl Store {
    /// Messages matching `query` (the syntax of [`search_query`]: words and phrases in a
    /// header or the cached body text, and operators); newest first.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<MessageRow>> {
        let terms = search_query::parse(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let arg = |v: Value, args: &mut Vec<Value>| {
            args.push(v);
            format!("?{}", args.len())
        };
        for t in &terms {
            let cond = match t {
                Term::Text(text) => {
                    let headers = contains(
                        &["m.subject", "m.sender", "m.recipients", "m.cc"],
                        text,
                        &mut args,
                    );
                    // The body index first: a hash lookup, where matching the headers scans text.
                    match search_query::body_match(text) {
                        BodyMatch::Trigram(q) => format!(
                            "m.id IN (SELECT rowid FROM search WHERE search MATCH {}) OR {headers}",
                            arg(Value::Text(q), &mut args)
                        ),
                        BodyMatch::Pair(q) => format!(
                            "m.id IN (SELECT rowid FROM search_pairs WHERE search_pairs MATCH {}) \
                             OR {headers}",
                            arg(Value::Text(q), &mut args)
                        ),
                        BodyMatch::HeadersOnly => headers,
                    }
                }
                Term::From(v) => contains(&["m.sender"], v, &mut args),
                Term::To(v) => contains(&["m.recipients", "m.cc"], v, &mut args),
                Term::Subject(v) => contains(&["m.subject"], v, &mut args),
                Term::HasAttachment => "m.has_attachments != 0".to_string(),
                Term::Unread => "(m.flags & 1) = 0".to_string(),
                Term::Read => "(m.flags & 1) != 0".to_string(),
                Term::Flagged => "(m.flags & 2) != 0".to_string(),
                Term::Before(t) => format!("m.date < {}", arg(Value::Integer(*t), &mut args)),
                Term::After(t) => format!("m.date >= {}", arg(Value::Integer(*t), &mut args)),
                Term::In(name) => {
                    let ids = self.folders_named(name)?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                    format!("m.folder_id IN ({})", list.join(","))
                }
            };
            conds.push(format!("({cond})"));
        }
        let lim = arg(Value::Integer(i64::from(limit)), &mut args);
        // Ids first, then their rows: sorting the matches carries only the keys, not each
        // match's whole row (its structure can be kilobytes).
        let ids: Vec<i64> = self
            .conn
            .prepare(&format!(
                "SELECT m.id FROM messages m WHERE {}
                 ORDER BY m.date DESC, m.uid DESC, m.id DESC LIMIT {lim}",
                conds.join(" AND ")
            ))?
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.id IN (SELECT value FROM json_each(?1))
             ORDER BY m.date DESC, m.uid DESC, m.id DESC"
        ))?;
        let list = serde_json::to_string(&ids).unwrap_or_default();
        let rows = st
            .query_map([list], row_to_message)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Ids of the folders (of any account) called `name` as shown (whole name or its last
    /// level, case-insensitive), or having that role ("inbox", "sent", "drafts", "trash"…).
    pub fn folders_named(&self, name: &str) -> Result<Vec<i64>> {
        let want = name.to_lowercase();
        let mut ids = Vec::new();
        for a in self.accounts()? {
            for f in self.folders(a.id)? {
                let shown = crate::mime::mutf7::decode(&f.name).to_lowercase();
                let last = match f.delimiter.as_deref() {
                    Some(d) if !d.is_empty() => shown.rsplit(d).next().unwrap_or(&shown),
                    _ => shown.as_str(),
                };
                let role = f.role.map(|r| r.as_str().to_string()).unwrap_or_default();
                if shown == want || last == want || role == want {
                    ids.push(f.id.0);
                }
            }
        }
        Ok(ids)
    }

    /// Raw address headers (From, To, Cc display strings) of the newest `scan` messages
    /// that mention `query` (case-insensitive for ASCII), for address completion.
    pub fn address_fields_matching(&self, query: &str, scan: u32) -> Result<Vec<String>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut st = self.conn.prepare_cached(
            "SELECT m.sender, m.recipients, m.cc FROM messages m
             WHERE m.sender LIKE ?1 ESCAPE '\\' OR m.recipients LIKE ?1 ESCAPE '\\'
                OR m.cc LIKE ?1 ESCAPE '\\'
             ORDER BY m.date DESC LIMIT ?2",
        )?;
        let mut out = Vec::new();
        let rows = st.query_map(params![like, scan], |r| {
            Ok([r.get::<_, String>(0)?, r.get(1)?, r.get(2)?])
        })?;
        for r in rows {
            out.extend(r?.into_iter().filter(|s| !s.is_empty()));
        }
        Ok(out)
    }

    /// Adds a message's body text to the index (after its text part was fetched) and
    /// stores its snippet.
    pub fn index_body(&mut self, msg: MessageId, text: &str, snippet: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE messages SET snippet = ?2 WHERE id = ?1",
            params![msg.0, snippet],
        )?;
        unindex(&tx, msg.0)?;
        index(&tx, msg.0, text)?;
        tx.commit()?;
        Ok(())
    }
}

/// Puts a message's body text into both indexes (the message must not be in them).
pub(super) fn index(conn: &rusqlite::Connection, id: i64, text: &str) -> rusqlite::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    conn.prepare_cached("INSERT INTO search (rowid, body) VALUES (?1, ?2)")?
        .execute(params![id, text])?;
    let pairs = search_query::cjk_pairs(text);
    if !pairs.is_empty() {
        conn.prepare_cached("INSERT INTO search_pairs (rowid, pairs) VALUES (?1, ?2)")?
            .execute(params![id, pairs])?;
    }
    Ok(())
}

/// Takes a message's body text out of both indexes.
pub(super) fn unindex(conn: &rusqlite::Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM search_pairs WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HeaderInfo, Uid};

    fn day(s: &str) -> i64 {
        search_query::parse(&format!("after:{s}"))
            .first()
            .and_then(|t| match t {
                Term::After(t) => Some(*t + 12 * 3600),
                _ => None,
            })
            .unwrap()
    }

    /// INBOX and Sent with four messages, their bodies indexed; returns the store and the
    /// message ids by subject.
    fn store() -> (Store, std::collections::HashMap<String, i64>) {
        let (mut s, inbox, sent) = crate::store::speed::inbox_and_sent();
        let mail = [
            (
                inbox,
                "来週の予定",
                "山田 太郎 <taro@example.jp>",
                "2026-10-15",
                true,
                "東京本社で会議があります。",
            ),
            (
                inbox,
                "Lunch",
                "Hanako <hanako@example.jp>",
                "2026-11-10",
                false,
                "本日は大阪です",
            ),
            (
                inbox,
                "Report",
                "taro@example.jp",
                "2026-11-05",
                true,
                "Quarterly numbers attached",
            ),
            (
                sent,
                "Re: Lunch",
                "a@example.test",
                "2026-11-11",
                false,
                "会議室を予約しました",
            ),
        ];
        let mut ids = std::collections::HashMap::new();
        for (i, (folder, subject, from, date, att, body)) in mail.iter().enumerate() {
            let h = HeaderInfo {
                uid: Uid(i as u32 + 1),
                subject: subject.to_string(),
                from: from.to_string(),
                date: day(date),
                internal_date: day(date),
                flags: Default::default(),
                message_id: None,
                to: "a@example.test".into(),
                cc: String::new(),
                size: 1,
                modseq: None,
                in_reply_to: None,
                references: None,
                parts: Vec::new(),
                has_attachments: *att,
            };
            s.store_headers(*folder, &[h]).unwrap();
            let id = s
                .message_by_uid(*folder, Uid(i as u32 + 1))
                .unwrap()
                .unwrap()
                .id;
            s.index_body(id, body, body).unwrap();
            ids.insert(subject.to_string(), id.0);
        }
        (s, ids)
    }

    fn found(s: &Store, q: &str) -> Vec<String> {
        let mut v: Vec<String> = s
            .search(q, 50)
            .unwrap()
            .into_iter()
            .map(|r| r.subject)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn one_and_two_cjk_characters_find_body_text() {
        let (s, _) = store();
        assert_eq!(found(&s, "東京"), ["来週の予定"]);
        assert_eq!(found(&s, "本社"), ["来週の予定"]);
        assert_eq!(found(&s, "大阪"), ["Lunch"]);
        // 本 starts 本社 and 本日; the last character of a run (す) is found too.
        assert_eq!(found(&s, "本"), ["Lunch", "来週の予定"]);
        assert_eq!(found(&s, "す"), ["Lunch", "来週の予定"]);
        assert_eq!(found(&s, "会議"), ["Re: Lunch", "来週の予定"]);
        // Three or more go to the trigram index, in any script.
        assert_eq!(found(&s, "会議室"), ["Re: Lunch"]);
        assert_eq!(found(&s, "numbers"), ["Report"]);
        assert!(found(&s, "京都").is_empty());
    }

    #[test]
    fn operators_combine_with_text() {
        let (s, ids) = store();
        assert_eq!(found(&s, "from:taro 会議"), ["来週の予定"]);
        assert_eq!(found(&s, "from:taro"), ["Report", "来週の予定"]);
        assert_eq!(
            found(&s, "has:attachment before:2026-11-01"),
            ["来週の予定"]
        );
        assert_eq!(found(&s, "has:attachment after:2026-11-01"), ["Report"]);
        assert_eq!(found(&s, "in:sent"), ["Re: Lunch"]);
        assert_eq!(found(&s, "in:inbox subject:lunch"), ["Lunch"]);
        assert_eq!(found(&s, "to:a@example.test is:unread").len(), 4);
        assert!(found(&s, "in:nowhere").is_empty());
        s.conn
            .execute(
                "UPDATE messages SET flags = 3 WHERE id = ?1",
                [ids["Lunch"]],
            )
            .unwrap();
        assert_eq!(found(&s, "is:flagged"), ["Lunch"]);
        assert_eq!(found(&s, "is:unread 本").len(), 1);
        assert_eq!(found(&s, "\"numbers attached\""), ["Report"]);
        assert!(found(&s, "\"attached numbers\"").is_empty());
    }

    #[test]
    fn a_reindexed_body_replaces_its_pairs() {
        let (mut s, ids) = store();
        let id = MessageId(ids["Lunch"]);
        s.index_body(id, "京都にいます", "京都にいます").unwrap();
        assert!(found(&s, "大阪").is_empty());
        assert_eq!(found(&s, "京都"), ["Lunch"]);
        s.conn
            .execute("DELETE FROM messages WHERE id = ?1", [id.0])
            .unwrap();
        assert!(found(&s, "京都").is_empty());
    }
}
