//! "Search the server": for mail whose body is not on this device, IMAP SEARCH in each
//! folder with the query's conditions; matches are returned as cached messages (every header
//! is cached, bodies may not).
use super::{Engine, Result};
use crate::model::{Account, MessageId, Protocol, Uid};
use crate::protocol::imap::SearchKey;
use crate::store::search_query::{self, Term};

/// At most this many matches are returned.
const LIMIT: usize = 500;

fn day(t: i64) -> Option<chrono::NaiveDate> {
    use chrono::TimeZone;
    chrono::Local
        .timestamp_opt(t, 0)
        .single()
        .map(|d| d.date_naive())
}

/// The server's criteria for the query's conditions, the folder names it is limited to
/// (`in:`), and whether only messages with attachments count (no SEARCH key says that; the
/// cached structure does).
fn criteria(terms: &[Term]) -> (Vec<SearchKey>, Vec<String>, bool) {
    let mut keys = Vec::new();
    let mut folders = Vec::new();
    let mut attachments = false;
    for t in terms {
        match t {
            Term::Text(v) => keys.push(SearchKey::Text(v.clone())),
            Term::From(v) => keys.push(SearchKey::From(v.clone())),
            Term::To(v) => keys.push(SearchKey::To(v.clone())),
            Term::Subject(v) => keys.push(SearchKey::Subject(v.clone())),
            Term::Unread => keys.push(SearchKey::Unseen),
            Term::Read => keys.push(SearchKey::Seen),
            Term::Flagged => keys.push(SearchKey::Flagged),
            Term::Before(t) => keys.extend(day(*t).map(SearchKey::Before)),
            Term::After(t) => keys.extend(day(*t).map(SearchKey::Since)),
            Term::In(f) => folders.push(f.clone()),
            Term::HasAttachment => attachments = true,
        }
    }
    (keys, folders, attachments)
}

impl Engine {
    pub async fn search_server(
        &mut self,
        account: &Account,
        query: &str,
    ) -> Result<Vec<MessageId>> {
        let terms = search_query::parse(query);
        if account.protocol == Protocol::Pop3 || terms.is_empty() {
            // POP3 mail is all on this device: the local search already saw it.
            return Ok(Vec::new());
        }
        let (keys, only_in, attachments) = criteria(&terms);
        let mut allowed: Option<Vec<i64>> = None;
        for name in &only_in {
            let ids = self.store.folders_named(name)?;
            allowed = Some(match allowed {
                None => ids,
                Some(a) => a.into_iter().filter(|i| ids.contains(i)).collect(),
            });
        }
        let mut kept = self.take_session(account).await?;
        let mut out = Vec::new();
        for f in self.store.folders(account.id)? {
            if allowed.as_ref().is_some_and(|a| !a.contains(&f.id.0)) {
                continue;
            }
            kept.select(&f.name).await?;
            let mut uids = kept.conn.search(&keys).await?;
            uids.sort_unstable_by(|a, b| b.cmp(a));
            for u in uids {
                if let Some(m) = self.store.message_by_uid(f.id, Uid(u))?
                    && (!attachments || m.has_attachments)
                {
                    out.push(m.id);
                }
                if out.len() >= LIMIT {
                    break;
                }
            }
        }
        self.put_back(account.id, kept).await;
        Ok(out)
    }
}
