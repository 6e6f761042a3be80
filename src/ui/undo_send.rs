//! "Undo send": a sent message waits in the outbox for the delay of the settings (held
//! there by the store: nothing sends it sooner, not even a forced sync), with "Undo" in the
//! status line; Undo (or Ctrl+Z) takes it back into the composer. When the delay is over the
//! account is woken to send it.
use super::app::{App, Message};
use super::status::Said;
use crate::model::{AccountId, OutboxId};
use iced::Task;
use std::time::{Duration, Instant};

/// The message just sent, held back until `until`.
#[derive(Debug, Clone)]
pub struct Held {
    pub account: AccountId,
    pub id: OutboxId,
    until: Instant,
}

impl Held {
    /// Whole seconds left (for the toast).
    pub fn secs_left(&self) -> u64 {
        self.until
            .saturating_duration_since(Instant::now())
            .as_secs_f32()
            .ceil() as u64
    }
}

impl App {
    /// After Send: hold it for `hold` seconds (then wake the account), or wake it now.
    pub(super) fn sent(&mut self, account: AccountId, id: OutboxId, hold: u32) -> Task<Message> {
        if hold == 0 {
            self.engine.wake(account);
            return Task::none();
        }
        let wait = Duration::from_secs(u64::from(hold));
        self.sending = Some(Held {
            account,
            id,
            until: Instant::now() + wait,
        });
        // A little after the store's hold ends (it counts whole seconds).
        Task::perform(
            async move { tokio::time::sleep(wait + Duration::from_millis(1100)).await },
            move |()| Message::SendHoldEnded(id),
        )
    }

    pub(super) fn hold_ended(&mut self, id: OutboxId) {
        if let Some(h) = self.sending.take_if(|h| h.id == id) {
            self.engine.wake(h.account);
        }
    }

    /// Takes the held message back into the composer.
    pub(super) fn undo_send(&mut self) -> Task<Message> {
        let Some(h) = self.sending.take() else {
            return Task::none();
        };
        let Some(eng) = self.local.as_mut() else {
            return Task::none();
        };
        match eng.edit_outbox(h.id) {
            Ok(Some(c)) => {
                self.status.clear_notice();
                let focus = self.compose_open(h.account, c, None);
                self.compose.dirty = true;
                self.reload();
                focus
            }
            Ok(None) => {
                self.status.say(Said::key("undo-send-too-late"));
                Task::none()
            }
            Err(e) => {
                self.status.fail(Said::engine(&e));
                Task::none()
            }
        }
    }
}
