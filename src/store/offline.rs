//! The offline mirror's view of the cache: which messages still need their body for
//! offline reading, and writing downloaded bodies in one transaction per batch.
//!
//! A message is readable offline when the whole message is cached (section "", as POP3
//! stores mail), or when it is larger than the policy keeps whole and its text is cached
//! (then `snippet` is set). Progress is nothing but this state of the cache, so an
//! interrupted download resumes where it stopped.
//!
//! Search indexing of whole messages is deferred: a cached "" part whose message has no
//! `snippet` yet is "downloaded, not indexed" (the reader indexes it when it is opened, and
//! `unindexed_bodies` / `index_texts` let the engine index them in bulk afterwards).
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
    /// The structure, for messages over the whole-message limit only (empty otherwise).
    pub parts: Vec<PartInfo>,
    /// Some part of it is cached already (a whole download then replaces it).
    pub has_parts: bool,
}

/// A downloaded body, decoded, ready to store.
#[derive(Debug, Clone)]
pub struct OfflineBody {
    pub id: MessageId,
    pub folder: FolderId,
    pub uid: Uid,
    /// "" for the whole message, else the text part's section.
    pub section: String,
    /// Some part was cached before (a whole message then replaces them).
    pub had_parts: bool,
    /// None: nothing to store (a large message without a text part), only the marker.
    pub data: Option<Vec<u8>>,
    /// Text and snippet to index now (text parts and markers); None leaves the message to
    /// the deferred indexing (whole messages).
    pub index: Option<(String, String)>,
}

/// A whole cached message waiting for its search indexing.
#[derive(Debug, Clone)]
pub struct UnindexedBody {
    pub id: MessageId,
    pub raw: Vec<u8>,
    pub parts: Vec<PartInfo>,
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
const WANTED: &str = "(NOT EXISTS (SELECT 1 FROM parts p WHERE p.message_id = m.id \
     AND p.section = '') AND (m.size <= ?W OR m.snippet IS NULL))";

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
        // Without a date limit the walk follows the (folder, uid) index: no sort of the
        // whole folder (0.1 s of 100k messages).
        let date = if since.is_some() {
            "AND m.date >= ?2"
        } else {
            "AND ?2 IS NOT NULL"
        };
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT m.id, m.uid, m.size, CASE WHEN m.size > ?3 THEN m.parts END,
                    EXISTS (SELECT 1 FROM parts p WHERE p.message_id = m.id)
             FROM messages m
             WHERE m.folder_id = ?1 AND m.uid IS NOT NULL {date} AND {}
             ORDER BY m.uid DESC",
            wanted(3)
        ))?;
        let rows = st.query_map(
            params![folder.0, since.unwrap_or(i64::MIN), whole_max as i64],
            |r| {
                let parts: Option<String> = r.get(3)?;
                Ok(OfflineCandidate {
                    id: MessageId(r.get(0)?),
                    uid: Uid(r.get(1)?),
                    size: r.get::<_, i64>(2)?.max(0) as u64,
                    parts: parts
                        .and_then(|p| serde_json::from_str(&p).ok())
                        .unwrap_or_default(),
                    has_parts: r.get(4)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many messages of the account the policy covers, how many of them are readable
    /// offline, and (with `bytes`: it reads every cached part) the bytes cached for them.
    pub fn offline_counts(
        &self,
        account: AccountId,
        since: Option<i64>,
        whole_max: u64,
        bytes: bool,
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
        Ok(OfflineCounts {
            total: total.max(0) as u64,
            done: (total - left).max(0) as u64,
            bytes: if bytes {
                self.cached_bytes(account, since)?
            } else {
                0
            },
        })
    }

    /// How many messages of the account the policy covers, and the bytes cached for them:
    /// the cheap half of [`Store::offline_counts`] (no look at what each one lacks).
    pub fn offline_covered(&self, account: AccountId, since: Option<i64>) -> Result<(u64, u64)> {
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE f.account_id = ?1 AND m.uid IS NOT NULL AND m.date >= ?2",
            params![account.0, since.unwrap_or(i64::MIN)],
            |r| r.get(0),
        )?;
        Ok((total.max(0) as u64, self.cached_bytes(account, since)?))
    }

    /// Bytes of the cached parts of the messages a policy covers.
    fn cached_bytes(&self, account: AccountId, since: Option<i64>) -> Result<u64> {
        let bytes: i64 = self.conn.query_row(
            "SELECT coalesce(sum(length(p.data)), 0) FROM parts p
             JOIN messages m ON m.id = p.message_id JOIN folders f ON f.id = m.folder_id
             WHERE f.account_id = ?1 AND m.uid IS NOT NULL AND m.date >= ?2",
            params![account.0, since.unwrap_or(i64::MIN)],
            |r| r.get(0),
        )?;
        Ok(bytes.max(0) as u64)
    }

    /// Stores a batch of downloaded bodies in one transaction: the part (a whole message
    /// replaces the single parts cached before) and, when given, the snippet and the
    /// search text. A body whose message is gone, or now has another UID, is skipped.
    pub fn store_offline_bodies(&mut self, batch: &[OfflineBody]) -> Result<StoredBodies> {
        let tx = self.conn.transaction()?;
        let mut out = StoredBodies::default();
        {
            let mut check = tx.prepare_cached(
                "SELECT snippet IS NOT NULL, EXISTS (SELECT 1 FROM parts WHERE message_id = ?1)
                 FROM messages WHERE id = ?1 AND folder_id = ?2 AND uid = ?3",
            )?;
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO parts (message_id, section, data, fetched)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut drop_parts =
                tx.prepare_cached("DELETE FROM parts WHERE message_id = ?1 AND section <> ''")?;
            let mut snippet =
                tx.prepare_cached("UPDATE messages SET snippet = ?2 WHERE id = ?1")?;
            // Whole messages (the bulk): one statement each.
            let mut put_checked = tx.prepare_cached(
                "INSERT OR REPLACE INTO parts (message_id, section, data, fetched)
                 SELECT ?1, '', ?2, ?3 WHERE EXISTS
                     (SELECT 1 FROM messages WHERE id = ?1 AND folder_id = ?4 AND uid = ?5)",
            )?;
            let at = now();
            for b in batch {
                if let (Some(data), None, true) = (&b.data, &b.index, b.section.is_empty()) {
                    if b.had_parts {
                        drop_parts.execute([b.id.0])?;
                    }
                    if put_checked.execute(params![b.id.0, data, at, b.folder.0, b.uid.0])? > 0 {
                        out.bytes += data.len() as u64;
                        out.bodies += 1;
                    }
                    continue;
                }
                let Some((indexed, has_parts)) = check
                    .query_row(params![b.id.0, b.folder.0, b.uid.0], |r| {
                        Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?))
                    })
                    .optional()?
                else {
                    continue;
                };
                if let Some(data) = &b.data {
                    if b.section.is_empty() && has_parts {
                        drop_parts.execute([b.id.0])?;
                    }
                    put.execute(params![b.id.0, b.section, data, at])?;
                    out.bytes += data.len() as u64;
                    out.bodies += 1;
                } else {
                    out.marked += 1;
                }
                if let Some((text, snip)) = &b.index {
                    snippet.execute(params![b.id.0, snip])?;
                    if indexed {
                        super::search::unindex(&tx, b.id.0)?;
                    }
                    super::search::index(&tx, b.id.0, text)?;
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Whole cached messages of the account without search text yet (downloaded by the
    /// mirror, not indexed), in id order after `after`, at most `limit`: (id, raw size).
    pub fn unindexed_ids(
        &self,
        account: AccountId,
        after: MessageId,
        limit: u32,
    ) -> Result<Vec<(MessageId, u64)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.id, length(p.data) FROM messages m
             JOIN parts p ON p.message_id = m.id AND p.section = ''
             WHERE m.folder_id IN (SELECT id FROM folders WHERE account_id = ?1)
               AND m.snippet IS NULL AND m.id > ?2
             ORDER BY m.id LIMIT ?3",
        )?;
        let rows = st.query_map(params![account.0, after.0, limit], |r| {
            Ok((MessageId(r.get(0)?), r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One whole cached message waiting for its indexing (None if indexed meanwhile).
    pub fn unindexed_body(&self, id: MessageId) -> Result<Option<UnindexedBody>> {
        Ok(self
            .conn
            .query_row(
                "SELECT p.data, m.parts FROM messages m
                 JOIN parts p ON p.message_id = m.id AND p.section = ''
                 WHERE m.id = ?1 AND m.snippet IS NULL",
                [id.0],
                |r| {
                    let parts: String = r.get(1)?;
                    Ok(UnindexedBody {
                        id,
                        raw: r.get(0)?,
                        parts: serde_json::from_str(&parts).unwrap_or_default(),
                    })
                },
            )
            .optional()?)
    }

    /// How many whole cached messages of the account wait for their search indexing.
    pub fn count_unindexed(&self, account: AccountId) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM messages m
             WHERE m.folder_id IN (SELECT id FROM folders WHERE account_id = ?1)
               AND m.snippet IS NULL
               AND EXISTS (SELECT 1 FROM parts p WHERE p.message_id = m.id AND p.section = '')",
            [account.0],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Indexes (id, text, snippet) in one transaction; a message indexed meanwhile (by the
    /// reader) or gone is left alone. Returns how many were indexed.
    pub fn index_texts(&mut self, texts: &[(MessageId, String, String)]) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut snippet = tx.prepare_cached(
                "UPDATE messages SET snippet = ?2 WHERE id = ?1 AND snippet IS NULL",
            )?;
            for (id, text, snip) in texts {
                if snippet.execute(params![id.0, snip])? == 0 {
                    continue;
                }
                super::search::index(&tx, id.0, text)?;
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
    }
}

#[cfg(test)]
mod speed {
    use super::*;
    use crate::model::*;
    use crate::store::NewAccount;

    /// The store's generated header, without parts (a message stored whole).
    fn header(i: u32) -> HeaderInfo {
        HeaderInfo {
            parts: vec![],
            ..crate::store::speed::header(i)
        }
    }

    /// Timing probe for the body writer (run with --ignored --nocapture).
    #[test]
    #[ignore]
    fn store_offline_bodies_speed() {
        for (label, with_text, per_tx) in [
            ("no text", false, 500usize),
            ("text, 500 per tx", true, 500),
            ("text, 5000 per tx", true, 5000),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut s = Store::open_dir(dir.path()).unwrap();
            let a = s
                .add_account(&NewAccount::imap("a@x", "h", 1, Security::Tls))
                .unwrap();
            let f = s.upsert_folder(a, "INBOX", Some("/"), None).unwrap();
            let n = 20_000u32;
            for b in 0..n / 1000 {
                let batch: Vec<HeaderInfo> = (0..1000).map(|i| header(b * 1000 + i + 1)).collect();
                s.store_headers(f, &batch).unwrap();
            }
            let ids: Vec<(i64, u32)> = {
                let mut st = s.conn.prepare("SELECT id, uid FROM messages").unwrap();
                st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap()
            };
            let bodies: Vec<OfflineBody> = ids
                .iter()
                .map(|(id, uid)| OfflineBody {
                    id: MessageId(*id),
                    folder: f,
                    uid: Uid(*uid),
                    section: String::new(),
                    had_parts: false,
                    data: Some(vec![b'x'; 350]),
                    index: with_text.then(|| {
                        (
                            format!("Hello,\n\nthis is a generated message {uid} for the benchmark.\n\nRegards"),
                            "Hello, this is a generated message".to_string(),
                        )
                    }),
                })
                .collect();
            let t0 = std::time::Instant::now();
            for chunk in bodies.chunks(per_tx) {
                s.store_offline_bodies(chunk).unwrap();
            }
            let el = t0.elapsed();
            eprintln!(
                "{label}: {n} bodies in {el:?} ({:.1} us each)",
                el.as_secs_f64() * 1e6 / f64::from(n)
            );
        }
    }
}
