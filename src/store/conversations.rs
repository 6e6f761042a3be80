//! The message list by conversation: one row per conversation of the listing (its newest
//! message there), a window (LIMIT/OFFSET) like the message listing, and per row what the
//! list shows of the whole conversation (messages, unread ones, who wrote, the newest date).
//! A conversation counts its messages in every folder (your reply in Sent too), but not the
//! ones in Trash unless the row itself is there.
use super::messages::{ROW_COLS, row_to_message};
use super::{Listing, MessageRow, Result, SortKey, Store};
use crate::model::MessageId;
use rusqlite::params_from_iter;

/// What a conversation row shows beyond its newest message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationFacts {
    /// Messages in the conversation (1: a message alone).
    pub count: u32,
    pub unread: u32,
    /// Who wrote in it, oldest first, each once (raw From values).
    pub senders: Vec<String>,
    /// The newest message's date, in any folder.
    pub newest: i64,
}

/// The messages of a conversation the window counts: not deleted, not in Trash unless the
/// message `?1` (the row) is in Trash too.
const MEMBERS: &str = "FROM messages t JOIN folders tf ON tf.id = t.folder_id
     WHERE (t.thread_id = (SELECT thread_id FROM messages WHERE id = ?1) OR t.id = ?1)
       AND (t.flags & 16) = 0
       AND (coalesce(tf.role, '') <> 'trash'
            OR (SELECT coalesce(hf.role, '') FROM messages h JOIN folders hf ON hf.id = h.folder_id
                WHERE h.id = ?1) = 'trash')";

impl Store {
    /// How many conversations the listing holds (the list's scroll height).
    pub fn conversation_count(&self, listing: Listing, unread_only: bool) -> Result<u32> {
        self.count_in(
            listing,
            unread_only,
            "count(DISTINCT coalesce(thread_id, -id))",
        )
    }

    /// Conversations `offset..offset+limit` of the listing, each as its newest message in
    /// the listing's folders, in the given order (as [`Store::listing_window`]). The date
    /// order walks the date index and probes the conversation index per row, so its cost
    /// follows the rows asked for, not the folder's size.
    pub fn conversation_window(
        &self,
        listing: Listing,
        sort: SortKey,
        descending: bool,
        unread_only: bool,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<MessageRow>> {
        let ids = self.listing_folders(listing)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let order = super::listing::order_by(sort, descending);
        let (unread_m, unread_n) = if unread_only {
            ("AND (m.flags & 1) = 0", "AND (n.flags & 1) = 0")
        } else {
            ("", "")
        };
        let marks = vec!["?"; ids.len()].join(",");
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.id IN (
                SELECT m.id FROM messages m WHERE m.folder_id IN ({marks}) {unread_m}
                  AND NOT EXISTS (SELECT 1 FROM messages n
                      WHERE n.thread_id = m.thread_id AND n.folder_id IN ({marks}) {unread_n}
                        AND (n.date > m.date OR (n.date = m.date AND n.id > m.id)))
                ORDER BY {order} LIMIT {limit} OFFSET {offset})
             ORDER BY {order}"
        ))?;
        let params = ids.iter().chain(ids.iter());
        let rows = st.query_map(params_from_iter(params), row_to_message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// [`ConversationFacts`] of the conversation of each row (one indexed probe per row).
    pub fn conversation_facts(&self, rows: &[MessageId]) -> Result<Vec<ConversationFacts>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT t.sender, t.date, t.flags {MEMBERS} ORDER BY t.date, t.id"
        ))?;
        let mut out = Vec::with_capacity(rows.len());
        for id in rows {
            let mut facts = ConversationFacts::default();
            let members = st.query_map([id.0], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for m in members {
                let (sender, date, flags) = m?;
                facts.count += 1;
                if flags & 1 == 0 {
                    facts.unread += 1;
                }
                facts.newest = facts.newest.max(date);
                if !facts.senders.contains(&sender) {
                    facts.senders.push(sender);
                }
            }
            out.push(facts);
        }
        Ok(out)
    }

    /// The messages of the conversation of `id` the window shows, oldest first (as
    /// [`ConversationFacts`] counts them).
    pub fn conversation(&self, id: MessageId) -> Result<Vec<MessageRow>> {
        let cols = ROW_COLS.replace("m.", "t.").replace("f.", "tf.");
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {cols} {MEMBERS} ORDER BY t.date, t.id"))?;
        let rows = st.query_map([id.0], row_to_message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{FolderId, HeaderInfo, Uid};
    use crate::store::{Listing, SortKey, Store};

    fn put(s: &mut Store, f: FolderId, uid: u32, mid: &str, irt: Option<&str>, from: &str) {
        let h = HeaderInfo {
            uid: Uid(uid),
            subject: "Plans".into(),
            from: from.into(),
            date: 1_800_000_000 + i64::from(uid),
            internal_date: 0,
            flags: Default::default(),
            message_id: Some(mid.into()),
            to: String::new(),
            cc: String::new(),
            size: 1,
            modseq: None,
            in_reply_to: irt.map(String::from),
            references: irt.map(String::from),
            parts: Vec::new(),
            has_attachments: false,
        };
        s.store_headers(f, &[h]).unwrap();
    }

    #[test]
    fn one_row_per_conversation_with_its_count_and_senders() {
        let (mut s, inbox, sent) = crate::store::speed::inbox_and_sent();
        put(&mut s, inbox, 1, "<a@x>", None, "Alice <a@x>");
        put(&mut s, sent, 2, "<b@x>", Some("<a@x>"), "Me <me@x>");
        put(&mut s, inbox, 3, "<c@x>", Some("<b@x>"), "Alice <a@x>");
        put(&mut s, inbox, 4, "<d@x>", None, "Bob <b@x>");
        let l = Listing::Folder(inbox);
        assert_eq!(s.conversation_count(l, false).unwrap(), 2);
        let rows = s
            .conversation_window(l, SortKey::Date, true, false, 10, 0)
            .unwrap();
        let mids: Vec<_> = rows.iter().filter_map(|r| r.message_id.clone()).collect();
        assert_eq!(mids, ["<d@x>", "<c@x>"]);
        let facts = s
            .conversation_facts(&rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .unwrap();
        assert_eq!((facts[0].count, facts[1].count), (1, 3));
        assert_eq!(facts[1].senders, ["Alice <a@x>", "Me <me@x>"]);
        assert_eq!(facts[1].unread, 3);
        assert_eq!(facts[1].newest, 1_800_000_003);
        // The window's second page, and the conversation oldest first across folders.
        let page = s
            .conversation_window(l, SortKey::Date, true, false, 1, 1)
            .unwrap();
        assert_eq!(page[0].message_id.as_deref(), Some("<c@x>"));
        let all = s.conversation(rows[1].id).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].folder_id, sent);
        // Sent lists the same conversation once, as its own newest there.
        let in_sent = s
            .conversation_window(Listing::Folder(sent), SortKey::Date, true, false, 10, 0)
            .unwrap();
        assert_eq!(in_sent.len(), 1);
    }

    /// Timing probe at 100,000 messages in one folder, every second one a reply (run with
    /// --ignored --nocapture): the top window, a window deep in the folder, the count and the
    /// facts of a window's rows.
    #[test]
    #[ignore]
    fn conversation_window_speed_at_100k() {
        let (mut s, inbox, _) = crate::store::speed::inbox_and_sent();
        let batch: Vec<_> = (1..=100_000u32)
            .map(|i| {
                let mut h = crate::store::speed::header(i);
                if i % 2 == 0 {
                    let parent = format!("<{}.bench@example.test>", i - 1);
                    h.in_reply_to = Some(parent.clone());
                    h.references = Some(parent);
                }
                h
            })
            .collect();
        for chunk in batch.chunks(5_000) {
            s.store_headers(inbox, chunk).unwrap();
        }
        let l = Listing::Folder(inbox);
        let time = |what: &str, f: &mut dyn FnMut()| {
            let t = std::time::Instant::now();
            for _ in 0..5 {
                f();
            }
            println!("{what}: {:?} per run", t.elapsed() / 5);
        };
        let mut rows = Vec::new();
        time("window of 40 at the top", &mut || {
            rows = s
                .conversation_window(l, SortKey::Date, true, false, 40, 0)
                .unwrap();
        });
        assert_eq!(rows.len(), 40);
        time("window of 40 at offset 25,000", &mut || {
            s.conversation_window(l, SortKey::Date, true, false, 40, 25_000)
                .unwrap();
        });
        time("count", &mut || {
            assert_eq!(s.conversation_count(l, false).unwrap(), 50_000);
        });
        let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
        time("facts of 40 rows", &mut || {
            let f = s.conversation_facts(&ids).unwrap();
            assert!(f.iter().all(|f| f.count == 2));
        });
    }
}
