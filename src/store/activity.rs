//! What other devices changed, as the sync view lists it: mail that arrived or was removed,
//! read/unread and flag changes, per folder with times. Kept short (the newest rows only).
use super::{Result, Store};
use crate::model::AccountId;
use rusqlite::params;

/// Rows kept; older ones are dropped as new ones come.
const KEEP: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Arrived,
    Removed,
    Read,
    Unread,
    Flagged,
    Unflagged,
}

impl ActivityKind {
    fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Arrived => "arrived",
            ActivityKind::Removed => "removed",
            ActivityKind::Read => "read",
            ActivityKind::Unread => "unread",
            ActivityKind::Flagged => "flagged",
            ActivityKind::Unflagged => "unflagged",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "arrived" => ActivityKind::Arrived,
            "removed" => ActivityKind::Removed,
            "read" => ActivityKind::Read,
            "unread" => ActivityKind::Unread,
            "flagged" => ActivityKind::Flagged,
            "unflagged" => ActivityKind::Unflagged,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activity {
    pub account_id: AccountId,
    pub folder: String,
    /// Unix seconds.
    pub at: i64,
    pub kind: ActivityKind,
    /// The subject when known, else "UID n".
    pub detail: String,
}

impl Store {
    /// Records changes a sync pass brought in, in one transaction.
    pub fn record_activity(
        &mut self,
        account: AccountId,
        folder: &str,
        at: i64,
        items: &[(ActivityKind, String)],
    ) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO activity (account_id, folder, at, kind, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (kind, detail) in items {
                st.execute(params![account.0, folder, at, kind.as_str(), detail])?;
            }
            tx.execute(
                "DELETE FROM activity WHERE id NOT IN
                 (SELECT id FROM activity ORDER BY at DESC, id DESC LIMIT ?1)",
                [KEEP],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The newest `limit` changes from other devices, newest first.
    pub fn recent_activity(&self, limit: u32) -> Result<Vec<Activity>> {
        let mut st = self.conn.prepare_cached(
            "SELECT account_id, folder, at, kind, detail FROM activity
             ORDER BY at DESC, id DESC LIMIT ?1",
        )?;
        let rows = st.query_map([limit], |r| {
            let kind: String = r.get(3)?;
            Ok((
                AccountId(r.get(0)?),
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                kind,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (account_id, folder, at, kind, detail) = row?;
            if let Some(kind) = ActivityKind::parse(&kind) {
                out.push(Activity {
                    account_id,
                    folder,
                    at,
                    kind,
                    detail,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Security;
    use crate::store::NewAccount;

    #[test]
    fn keeps_the_newest_changes_first() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
            .unwrap();
        s.record_activity(a, "INBOX", 100, &[(ActivityKind::Arrived, "Hello".into())])
            .unwrap();
        s.record_activity(a, "INBOX", 200, &[(ActivityKind::Read, "Hello".into())])
            .unwrap();
        let got = s.recent_activity(10).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].kind, ActivityKind::Read);
        assert_eq!(got[1].at, 100);
        let many: Vec<_> = (0..600)
            .map(|i| (ActivityKind::Removed, format!("UID {i}")))
            .collect();
        s.record_activity(a, "INBOX", 300, &many).unwrap();
        assert_eq!(s.recent_activity(1000).unwrap().len(), KEEP as usize);
    }
}
