//! The offline mirror's view of the cache: which messages still need their body for
//! offline reading, and writing downloaded bodies in one transaction per batch.
//!
//! A message is readable offline when its text is indexed (`snippet` set) and either the
//! whole message is cached (section "", as POP3 stores mail) or it is larger than the
//! policy keeps whole (then its text part alone is enough). Progress is nothing but this
//! state of the cache, so an interrupted download resumes where it stopped.
use super::{Result, Store, now};
use crate::model::{AccountId, FolderId, MessageId, PartInfo, Uid};
use rusqlite::{OptionalExtension, params};

/// A message the mirror still has to download.
#[derive(Debug, Clone)]
pub struct OfflineCandidate {
    pub id: MessageId,
    pub uid: Uid,
    /// RFC822.SIZE.
    pub size: u64,
    pub parts: Vec<PartInfo>,
}

/// A downloaded body, decoded, ready to store.
#[derive(Debug, Clone)]
pub struct OfflineBody {
    pub id: MessageId,
    pub folder: FolderId,
    pub uid: Uid,
    /// "" for the whole message, else the text part's section.
    pub section: String,
    /// None: nothing to store (a large message without a text part), only the marker.
    pub data: Option<Vec<u8>>,
    pub text: String,
    pub snippet: String,
}

/// Counts over the messages a policy covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OfflineCounts {
    pub total: u64,
    pub done: u64,
    /// Bytes of cached parts of those messages.
    pub bytes: u64,
}

/// What one batch wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredBodies {
    /// Bodies stored (whole messages or text parts).
    pub bodies: u64,
    /// Large messages without a text part marked as done (nothing to store).
    pub marked: u64,
    pub bytes: u64,
}

/// SQL: the message `m` still needs downloading (`?W` is the whole-message size limit).
const WANTED: &str = "(m.snippet IS NULL OR (m.size <= ?W AND NOT EXISTS \
     (SELECT 1 FROM parts p WHERE p.message_id = m.id AND p.section = '')))";

fn wanted(limit_param: usize) -> String {
    WANTED.replace("?W", &format!("?{limit_param}"))
}

impl Store {
    /// Messages of `folder` dated `since` or later (all when None) that are not readable
    /// offline yet, newest (highest UID) first.
    pub fn offline_candidates(
        &self,
        folder: FolderId,
        since: Option<i64>,
        whole_max: u64,
    ) -> Result<Vec<OfflineCandidate>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT m.id, m.uid, m.size, m.parts FROM messages m
             WHERE m.folder_id = ?1 AND m.uid IS NOT NULL AND m.date >= ?2 AND {}
             ORDER BY m.uid DESC",
            wanted(3)
        ))?;
        let rows = st.query_map(
            params![folder.0, since.unwrap_or(i64::MIN), whole_max as i64],
            |r| {
                let parts: String = r.get(3)?;
                Ok(OfflineCandidate {
                    id: MessageId(r.get(0)?),
                    uid: Uid(r.get(1)?),
                    size: r.get::<_, i64>(2)?.max(0) as u64,
                    parts: serde_json::from_str(&parts).unwrap_or_default(),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many messages of the account the policy covers, how many of them are readable
    /// offline, and the bytes cached for them.
    pub fn offline_counts(
        &self,
        account: AccountId,
        since: Option<i64>,
        whole_max: u64,
    ) -> Result<OfflineCounts> {
        let (total, left): (i64, i64) = self.conn.query_row(
            &format!(
                "SELECT count(*), coalesce(sum({}), 0) FROM messages m
                 JOIN folders f ON f.id = m.folder_id
                 WHERE f.account_id = ?1 AND m.uid IS NOT NULL AND m.date >= ?2",
                wanted(3)
            ),
            params![account.0, since.unwrap_or(i64::MIN), whole_max as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let bytes: i64 = self.conn.query_row(
            "SELECT coalesce(sum(length(p.data)), 0) FROM parts p
             JOIN messages m ON m.id = p.message_id JOIN folders f ON f.id = m.folder_id
             WHERE f.account_id = ?1 AND m.uid IS NOT NULL AND m.date >= ?2",
            params![account.0, since.unwrap_or(i64::MIN)],
            |r| r.get(0),
        )?;
        Ok(OfflineCounts {
            total: total.max(0) as u64,
            done: (total - left).max(0) as u64,
            bytes: bytes.max(0) as u64,
        })
    }

    /// Stores a batch of downloaded bodies in one transaction: the part (a whole message
    /// replaces the single parts cached before), the snippet and the search text. A body
    /// whose message is gone, or now has another UID, is skipped.
    pub fn store_offline_bodies(&mut self, batch: &[OfflineBody]) -> Result<StoredBodies> {
        let tx = self.conn.transaction()?;
        let mut out = StoredBodies::default();
        {
            let mut check = tx.prepare_cached(
                "SELECT snippet IS NOT NULL FROM messages WHERE id = ?1 AND folder_id = ?2
                 AND uid = ?3",
            )?;
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO parts (message_id, section, data, fetched)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut drop_parts =
                tx.prepare_cached("DELETE FROM parts WHERE message_id = ?1 AND section <> ''")?;
            let mut snippet =
                tx.prepare_cached("UPDATE messages SET snippet = ?2 WHERE id = ?1")?;
            let mut unindex = tx.prepare_cached("DELETE FROM search WHERE rowid = ?1")?;
            let mut index =
                tx.prepare_cached("INSERT INTO search (rowid, body) VALUES (?1, ?2)")?;
            let at = now();
            for b in batch {
                let Some(indexed) = check
                    .query_row(params![b.id.0, b.folder.0, b.uid.0], |r| {
                        r.get::<_, bool>(0)
                    })
                    .optional()?
                else {
                    continue;
                };
                if let Some(data) = &b.data {
                    put.execute(params![b.id.0, b.section, data, at])?;
                    if b.section.is_empty() {
                        drop_parts.execute([b.id.0])?;
                    }
                    out.bytes += data.len() as u64;
                    out.bodies += 1;
                } else {
                    out.marked += 1;
                }
                snippet.execute(params![b.id.0, b.snippet])?;
                if indexed {
                    unindex.execute([b.id.0])?;
                }
                if !b.text.is_empty() {
                    index.execute(params![b.id.0, b.text])?;
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }
}
