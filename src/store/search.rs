//! Local search: substring match over headers (a scan of the cache) and FTS5 (trigram
//! tokenizer, so Japanese matches without word breaks) over cached body text.
use super::messages::{ROW_COLS, row_to_message};
use super::{MessageRow, Result, Store};
use crate::model::MessageId;
use rusqlite::params;

impl Store {
    /// Messages whose subject, sender or recipients contain `query`, or whose cached body
    /// text does; newest first.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<MessageRow>> {
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
        // Trigrams need three characters; shorter queries match headers only.
        let phrase = (q.chars().count() >= 3).then(|| format!("\"{}\"", q.replace('"', "\"\"")));
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.subject LIKE ?1 ESCAPE '\\' OR m.sender LIKE ?1 ESCAPE '\\'
                OR m.recipients LIKE ?1 ESCAPE '\\' OR m.cc LIKE ?1 ESCAPE '\\'
                OR (?2 IS NOT NULL AND m.id IN (SELECT rowid FROM search WHERE search MATCH ?2))
             ORDER BY m.date DESC, m.uid DESC, m.id DESC LIMIT ?3"
        ))?;
        let rows = st
            .query_map(params![like, phrase, limit], row_to_message)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
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
        tx.execute("DELETE FROM search WHERE rowid = ?1", [msg.0])?;
        tx.execute(
            "INSERT INTO search (rowid, body) VALUES (?1, ?2)",
            params![msg.0, text],
        )?;
        tx.commit()?;
        Ok(())
    }
}
