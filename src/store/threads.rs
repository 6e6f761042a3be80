//! Conversations: messages linked by Message-ID, In-Reply-To and References (the grouping of
//! JWZ threading), across folders and accounts, so your own replies in Sent join the thread.
//!
//! Incremental, at the moment a message is stored: `thread_refs` maps every Message-ID seen
//! (a message's own and those it refers to, cached or not) to its conversation. A new message
//! takes the conversation of any ID it shares; when it links two conversations (a parent
//! arriving after two replies that only named it), they merge into the older one. Nothing
//! is joined by subject: two conversations with the same subject stay apart, and a reply
//! whose mailer dropped every reference starts its own.
use super::messages::{ROW_COLS, row_to_message};
use super::{MessageRow, Result, Store};
use crate::model::MessageId;
use rusqlite::{Connection, OptionalExtension, params};

/// The Message-IDs (`<...>`) in a header value, at most `max` of them (the newest
/// references are the last ones: they are kept).
fn ids(value: &str, max: usize) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let id = &rest[start..start + len + 1];
        if id.len() > 2 && !out.contains(&id) {
            out.push(id);
        }
        rest = &rest[start + len + 1..];
    }
    let skip = out.len().saturating_sub(max);
    out.split_off(skip)
}

/// What a message about to be stored links to: its Message-IDs (own, In-Reply-To,
/// References) and the conversations already known for any of them.
pub(super) struct Links<'a> {
    linked: Vec<&'a str>,
    found: Vec<i64>,
}

impl Links<'_> {
    /// The conversation the message joins: the oldest it links to, or None when it starts
    /// its own (whose id is the message's).
    pub(super) fn thread(&self) -> Option<i64> {
        self.found.iter().copied().min()
    }
}

/// Looks up the conversations a message's headers link to (before it is stored).
pub(super) fn links<'a>(
    conn: &Connection,
    own: Option<&'a str>,
    in_reply_to: Option<&'a str>,
    references: Option<&'a str>,
) -> rusqlite::Result<Links<'a>> {
    let mut linked: Vec<&str> = Vec::new();
    for v in [own, in_reply_to, references].into_iter().flatten() {
        for i in ids(v, 50) {
            if !linked.contains(&i) {
                linked.push(i);
            }
        }
    }
    let mut found: Vec<i64> = Vec::new();
    let mut get = conn.prepare_cached("SELECT thread FROM thread_refs WHERE mid = ?1")?;
    for mid in &linked {
        if let Some(t) = get.query_row([mid], |r| r.get(0)).optional()?
            && !found.contains(&t)
        {
            found.push(t);
        }
    }
    Ok(Links { linked, found })
}

/// Records message `id`, stored with `thread_id` = `thread` (from [`Links::thread`], or
/// its own id), in its conversation: merges the others it linked into it and maps its
/// Message-IDs.
pub(super) fn link(conn: &Connection, thread: i64, l: &Links<'_>) -> rusqlite::Result<()> {
    for other in l.found.iter().filter(|t| **t != thread) {
        conn.prepare_cached("UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2")?
            .execute(params![thread, other])?;
        conn.prepare_cached("UPDATE thread_refs SET thread = ?1 WHERE thread = ?2")?
            .execute(params![thread, other])?;
    }
    let mut put =
        conn.prepare_cached("INSERT OR IGNORE INTO thread_refs (mid, thread) VALUES (?1, ?2)")?;
    for mid in &l.linked {
        put.execute(params![mid, thread])?;
    }
    Ok(())
}

/// Puts message `id` (just stored) into its conversation.
pub(super) fn thread_message(
    conn: &Connection,
    id: i64,
    own: Option<&str>,
    in_reply_to: Option<&str>,
    references: Option<&str>,
) -> rusqlite::Result<()> {
    let l = links(conn, own, in_reply_to, references)?;
    let thread = l.thread().unwrap_or(id);
    link(conn, thread, &l)?;
    conn.prepare_cached("UPDATE messages SET thread_id = ?2 WHERE id = ?1")?
        .execute(params![id, thread])?;
    Ok(())
}

/// Threads every message that has no conversation yet (the migration that brought them).
pub(super) fn thread_unthreaded(conn: &Connection) -> rusqlite::Result<()> {
    type Row = (i64, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = conn
        .prepare("SELECT id, message_id, in_reply_to, refs FROM messages WHERE thread_id IS NULL ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, own, irt, refs) in rows {
        thread_message(conn, id, own.as_deref(), irt.as_deref(), refs.as_deref())?;
    }
    Ok(())
}

impl Store {
    /// The conversation of message `id`: every cached message in it, oldest first.
    pub fn thread_of(&self, id: MessageId) -> Result<Vec<MessageRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.thread_id = (SELECT thread_id FROM messages WHERE id = ?1)
                OR m.id = ?1
             ORDER BY m.date, m.id"
        ))?;
        let rows = st
            .query_map([id.0], row_to_message)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One row per conversation in the folder, newest first: its newest message here.
    /// Walks the folder's date index and stops at `limit` rows (a probe of the conversation
    /// index per row), so the cost follows the rows shown, not the folder's size.
    pub fn list_threads(
        &self,
        folder: crate::model::FolderId,
        unread: bool,
        limit: u32,
    ) -> Result<Vec<MessageRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.folder_id = ?1 AND (?2 = 0 OR (m.flags & 1) = 0)
               AND NOT EXISTS (SELECT 1 FROM messages n
                   WHERE n.thread_id = m.thread_id AND n.folder_id = m.folder_id
                     AND (n.date > m.date OR (n.date = m.date AND n.id > m.id)))
             ORDER BY m.date DESC, m.uid DESC, m.id DESC LIMIT ?3"
        ))?;
        let rows = st
            .query_map(params![folder.0, unread, limit], row_to_message)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The server messages of `account` with this Message-ID (every copy of it).
    pub fn messages_with_message_id(
        &self,
        account: crate::model::AccountId,
        mid: &str,
    ) -> Result<Vec<MessageId>> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
             WHERE m.message_id = ?2 AND f.account_id = ?1 AND m.uid IS NOT NULL",
        )?;
        let rows = st.query_map(params![account.0, mid], |r| r.get(0).map(MessageId))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// (conversation id, cached messages in it, unread ones) of each message, for the list.
    pub fn thread_sizes(&self, ids: &[MessageId]) -> Result<Vec<(i64, u32, u32)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT coalesce(m.thread_id, m.id),
                    (SELECT count(*) FROM messages t WHERE t.thread_id = m.thread_id),
                    (SELECT count(*) FROM messages t
                      WHERE t.thread_id = m.thread_id AND (t.flags & 1) = 0)
             FROM messages m WHERE m.id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let (t, n, u): (i64, i64, i64) =
                st.query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            out.push((t, n.max(1) as u32, u.max(0) as u32));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FolderId, HeaderInfo, Uid};

    fn store() -> (Store, FolderId, FolderId) {
        crate::store::speed::inbox_and_sent()
    }

    fn put(s: &mut Store, f: FolderId, uid: u32, mid: &str, irt: Option<&str>, refs: &str) {
        let h = HeaderInfo {
            uid: Uid(uid),
            subject: "Plans".into(),
            from: "x@example.test".into(),
            date: 1_800_000_000 + i64::from(uid),
            internal_date: 0,
            flags: Default::default(),
            message_id: Some(mid.into()),
            to: String::new(),
            cc: String::new(),
            size: 1,
            modseq: None,
            in_reply_to: irt.map(String::from),
            references: (!refs.is_empty()).then(|| refs.to_string()),
            parts: Vec::new(),
            has_attachments: false,
        };
        s.store_headers(f, &[h]).unwrap();
    }

    fn thread(s: &Store, f: FolderId, uid: u32) -> Vec<String> {
        let id = s.message_by_uid(f, Uid(uid)).unwrap().unwrap().id;
        let mut v: Vec<String> = s
            .thread_of(id)
            .unwrap()
            .into_iter()
            .filter_map(|r| r.message_id)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn thirty_messages_with_replies_from_sent_arriving_in_any_order() {
        let (mut s, inbox, sent) = store();
        // A chain <m0> ← <m1> ← … ← <m29>; odd ones are our replies, in Sent. The newest
        // arrive first (as a first sync of two folders may store them).
        for i in (0..30u32).rev() {
            let refs: Vec<String> = (0..i).map(|j| format!("<m{j}@x>")).collect();
            let irt = (i > 0).then(|| format!("<m{}@x>", i - 1));
            let f = if i % 2 == 1 { sent } else { inbox };
            put(
                &mut s,
                f,
                i + 1,
                &format!("<m{i}@x>"),
                irt.as_deref(),
                &refs.join(" "),
            );
        }
        assert_eq!(thread(&s, inbox, 1).len(), 30);
        assert_eq!(thread(&s, sent, 30), thread(&s, inbox, 1));
        // The folder's conversation list: one row, the newest of the thread in INBOX.
        let rows = s.list_threads(inbox, false, 50).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].message_id.as_deref(), Some("<m28@x>"));
        let sizes = s.thread_sizes(&[rows[0].id]).unwrap();
        assert_eq!((sizes[0].1, sizes[0].2), (30, 30));
    }

    #[test]
    fn broken_chains_still_join_and_same_subjects_stay_apart() {
        let (mut s, inbox, _) = store();
        put(&mut s, inbox, 1, "<a@x>", None, "");
        // References dropped, In-Reply-To kept.
        put(
            &mut s,
            inbox,
            2,
            "<b@x>",
            Some("<b-parent-missing@x>"),
            "<a@x>",
        );
        // Skips <b> in its References: still reaches <a>.
        put(&mut s, inbox, 3, "<c@x>", None, "<a@x>");
        // Two replies to a parent that is not here join through it.
        put(&mut s, inbox, 4, "<d@x>", None, "<p@x>");
        put(&mut s, inbox, 5, "<e@x>", Some("<p@x>"), "");
        // Same subject, no link: its own conversation.
        put(&mut s, inbox, 6, "<f@x>", None, "");
        assert_eq!(thread(&s, inbox, 3), ["<a@x>", "<b@x>", "<c@x>"]);
        assert_eq!(thread(&s, inbox, 4), ["<d@x>", "<e@x>"]);
        assert_eq!(thread(&s, inbox, 6), ["<f@x>"]);
        assert_eq!(s.list_threads(inbox, false, 50).unwrap().len(), 3);
        // <q> links the <a> and <p> conversations: they merge.
        put(&mut s, inbox, 7, "<q@x>", Some("<p@x>"), "<a@x> <p@x>");
        assert_eq!(thread(&s, inbox, 6), ["<f@x>"]);
        assert_eq!(thread(&s, inbox, 1).len(), 6);
        assert_eq!(s.list_threads(inbox, false, 50).unwrap().len(), 2);
    }

    #[test]
    fn message_ids_in_a_header() {
        assert_eq!(
            ids("<a@x> <b@x>\r\n\t<c@x>", 50),
            ["<a@x>", "<b@x>", "<c@x>"]
        );
        assert_eq!(ids("<a@x> <b@x> <c@x>", 2), ["<b@x>", "<c@x>"]);
        assert_eq!(ids("<a@x> <a@x> <> junk <b", 50), ["<a@x>"]);
    }
}
