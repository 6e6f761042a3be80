//! After a reply or a forward is sent, the message it answers is marked `\Answered` and the
//! one it forwards `$Forwarded` (each copy of it in the account, found by Message-ID), as
//! flag changes queued for the server like any other: other mail clients show them too.
use super::Engine;
use crate::mime::compose::Compose;
use crate::model::{AccountId, Flags};

impl Engine {
    /// Marks what the sent message (its editable fields, `compose` JSON) answered or
    /// forwarded. Returns how many messages changed.
    pub(super) fn mark_responded(&mut self, account: AccountId, compose: &str) -> usize {
        let Ok(c) = serde_json::from_str::<Compose>(compose) else {
            return 0;
        };
        let marks = [
            (
                c.in_reply_to,
                Flags {
                    answered: true,
                    ..Default::default()
                },
            ),
            (
                c.forward_of,
                Flags {
                    forwarded: true,
                    ..Default::default()
                },
            ),
        ];
        let mut changed = 0;
        for (mid, flag) in marks {
            let Some(mid) = mid.filter(|m| !m.trim().is_empty()) else {
                continue;
            };
            let ids = match self.store.messages_with_message_id(account, mid.trim()) {
                Ok(ids) => ids,
                Err(e) => {
                    tracing::warn!("marking the original: {e}");
                    continue;
                }
            };
            for id in ids {
                match self.store.local_set_flags(id, &flag, &Flags::default()) {
                    Ok(Some(_)) => changed += 1,
                    Ok(None) => {}
                    Err(e) => tracing::warn!("marking the original: {e}"),
                }
            }
        }
        changed
    }
}
