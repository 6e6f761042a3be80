//! Local full-text search (FTS5, trigram tokenizer so Japanese matches without word breaks).
use super::messages::{ROW_COLS, row_to_message};
use super::{MessageRow, Result, Store};
use crate::model::MessageId;
use rusqlite::params;

impl Store {
    /// Messages matching `query` in subject, sender, recipients or cached body text,
    /// newest first.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<MessageRow>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        // Substring semantics (like a mail client's quick filter) over subject, sender,
        // recipients and cached body text.
        let rows = if q.chars().count() >= 3 {
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT {ROW_COLS} FROM search s JOIN messages m ON m.id = s.rowid
                 JOIN folders f ON f.id = m.folder_id
                 WHERE search MATCH ?1 ORDER BY m.date DESC LIMIT ?2"
            ))?;
            st.query_map(params![phrase, limit], row_to_message)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        } else {
            // Trigrams need three characters; short queries scan headers.
            let like = format!("%{}%", q.replace('%', "\\%").replace('_', "\\_"));
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE m.subject LIKE ?1 ESCAPE '\\' OR m.sender LIKE ?1 ESCAPE '\\'
                 ORDER BY m.date DESC LIMIT ?2"
            ))?;
            st.query_map(params![like, limit], row_to_message)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok(rows)
    }

    /// Adds a message's body text to the index (after its text part was fetched) and
    /// stores its snippet.
    pub fn index_body(&mut self, msg: MessageId, text: &str, snippet: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE messages SET snippet = ?2 WHERE id = ?1",
            params![msg.0, snippet],
        )?;
        tx.execute("DELETE FROM search WHERE rowid = ?1", [msg.0])?;
        tx.execute(
            "INSERT INTO search (rowid, subject, sender, recipients, body)
             SELECT id, subject, sender, recipients || ' ' || cc, ?2 FROM messages WHERE id = ?1",
            params![msg.0, text],
        )?;
        tx.commit()?;
        Ok(())
    }
}
