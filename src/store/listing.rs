//! The message list as the window shows it: a window (LIMIT/OFFSET) over one folder or the
//! unified Inbox, sorted by date, sender or subject. The date order (the default) walks an
//! index, so its cost does not grow with the folder; sender and subject orders are a top-N
//! sort of the folder's rows (see the list benchmark for what that costs at 100k).
use super::messages::{ROW_COLS, row_to_message};
use super::{MessageRow, Result, Store};
use crate::model::{FolderId, FolderRole};
use rusqlite::params_from_iter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    #[default]
    Date,
    Sender,
    Subject,
}

/// What the list shows: one folder, or every account's Inbox together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Folder(FolderId),
    UnifiedInbox,
}

/// The ORDER BY of a listing (rows as `m`).
pub(super) fn order_by(sort: SortKey, descending: bool) -> String {
    let dir = if descending { "DESC" } else { "ASC" };
    match sort {
        SortKey::Date => format!("m.date {dir}, m.uid {dir}, m.id {dir}"),
        SortKey::Sender => format!("m.sender COLLATE NOCASE {dir}, m.date DESC, m.id DESC"),
        SortKey::Subject => format!("m.subject COLLATE NOCASE {dir}, m.date DESC, m.id DESC"),
    }
}

impl Store {
    pub(super) fn listing_folders(&self, listing: Listing) -> Result<Vec<i64>> {
        Ok(match listing {
            Listing::Folder(f) => vec![f.0],
            Listing::UnifiedInbox => {
                let mut ids = Vec::new();
                for a in self.accounts()? {
                    if let Some(f) = self.folder_by_role(a.id, FolderRole::Inbox)? {
                        ids.push(f.id.0);
                    }
                }
                ids
            }
        })
    }

    /// How many messages the listing holds (the list's scroll height).
    pub fn listing_count(&self, listing: Listing, unread_only: bool) -> Result<u32> {
        self.count_in(listing, unread_only, "count(*)")
    }

    /// `what` (an aggregate) over the listing's messages.
    pub(super) fn count_in(&self, listing: Listing, unread_only: bool, what: &str) -> Result<u32> {
        let ids = self.listing_folders(listing)?;
        if ids.is_empty() {
            return Ok(0);
        }
        let unread = if unread_only {
            "AND (flags & 1) = 0"
        } else {
            ""
        };
        let marks = vec!["?"; ids.len()].join(",");
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {what} FROM messages WHERE folder_id IN ({marks}) {unread}"
        ))?;
        Ok(st.query_row(params_from_iter(ids.iter()), |r| r.get(0))?)
    }

    /// Rows `offset..offset+limit` of the listing in the given order (`descending`: newest,
    /// or Z to A, first).
    pub fn listing_window(
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
        let order = order_by(sort, descending);
        let unread = if unread_only {
            "AND (m.flags & 1) = 0"
        } else {
            ""
        };
        let marks = vec!["?"; ids.len()].join(",");
        // The rows skipped by OFFSET are walked in the sort's index alone (ids only); only
        // the window's rows are read in full: a jump deep into 100k messages stays cheap.
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.id IN (SELECT m.id FROM messages m WHERE m.folder_id IN ({marks}) {unread}
                            ORDER BY {order} LIMIT {limit} OFFSET {offset})
             ORDER BY {order}"
        ))?;
        let rows = st.query_map(params_from_iter(ids.iter()), row_to_message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Messages of `account` whose text is not on this device yet (newest first, at most
    /// `limit`), received after `since` when given: what the offline download policy fetches.
    pub fn messages_without_text(
        &self,
        account: crate::model::AccountId,
        since: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::model::MessageId>> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE f.account_id = ?1 AND m.snippet IS NULL AND m.uid IS NOT NULL
               AND m.date >= ?2
             ORDER BY m.date DESC LIMIT ?3",
        )?;
        let rows = st.query_map(
            rusqlite::params![account.0, since.unwrap_or(i64::MIN), limit],
            |r| r.get(0).map(crate::model::MessageId),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flags, HeaderInfo, Uid};
    use crate::store::NewAccount;

    fn header(uid: u32, from: &str, subject: &str, date: i64) -> HeaderInfo {
        HeaderInfo {
            uid: Uid(uid),
            subject: subject.into(),
            from: from.into(),
            date,
            internal_date: date,
            flags: Flags::default(),
            message_id: None,
            to: String::new(),
            cc: String::new(),
            size: 1,
            modseq: None,
            in_reply_to: None,
            references: None,
            parts: Vec::new(),
            has_attachments: false,
        }
    }

    #[test]
    fn windows_sort_by_each_key_and_unify_inboxes() {
        let mut s = Store::open_in_memory().unwrap();
        let mut inboxes = Vec::new();
        for n in 0..2 {
            let a = s
                .add_account(&NewAccount::imap(
                    &format!("u{n}@example.test"),
                    "h",
                    993,
                    crate::model::Security::Tls,
                ))
                .unwrap();
            let f = s
                .upsert_folder(a, "INBOX", Some("/"), Some(FolderRole::Inbox))
                .unwrap();
            inboxes.push(f);
        }
        s.store_headers(
            inboxes[0],
            &[header(1, "bob", "b", 10), header(2, "Alice", "c", 30)],
        )
        .unwrap();
        s.store_headers(inboxes[1], &[header(1, "carol", "a", 20)])
            .unwrap();

        let one = Listing::Folder(inboxes[0]);
        let w = s
            .listing_window(one, SortKey::Date, true, false, 10, 0)
            .unwrap();
        assert_eq!(w.iter().map(|r| r.date).collect::<Vec<_>>(), [30, 10]);
        let w = s
            .listing_window(one, SortKey::Sender, false, false, 10, 0)
            .unwrap();
        assert_eq!(w[0].from, "Alice");

        let all = Listing::UnifiedInbox;
        assert_eq!(s.listing_count(all, false).unwrap(), 3);
        let w = s
            .listing_window(all, SortKey::Subject, false, false, 2, 1)
            .unwrap();
        assert_eq!(
            w.iter().map(|r| r.subject.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
        assert_eq!(s.listing_count(all, true).unwrap(), 3);
    }
}
