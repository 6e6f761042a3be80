//! Cached body parts (fetched on demand, per IMAP section).
use super::{Result, Store, now};
use crate::model::MessageId;
use rusqlite::{OptionalExtension, params};

impl Store {
    pub fn cache_part(&self, msg: MessageId, section: &str, data: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO parts (message_id, section, data, fetched) VALUES (?1, ?2, ?3, ?4)",
            params![msg.0, section, data, now()],
        )?;
        Ok(())
    }

    pub fn cached_part(&self, msg: MessageId, section: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT data FROM parts WHERE message_id = ?1 AND section = ?2",
                params![msg.0, section],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sections cached for a message.
    pub fn cached_sections(&self, msg: MessageId) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT section FROM parts WHERE message_id = ?1 ORDER BY section")?;
        let rows = st.query_map([msg.0], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
