//! The mail screen's actions on the open message or the selection: what they apply to,
//! flags, moves and deletes through the store's offline queue (then the account is woken),
//! opening a message and stepping through the list with the keyboard.
use super::app::{App, LIST_ID, Message, ROW_HEIGHT, Reading};
use super::status::Said;
use crate::model::{AccountId, Flags, FolderId, FolderRole, MessageId};
use crate::store::MessageRow;
use iced::Task;
use std::collections::BTreeSet;

impl App {
    /// The message rows the selection applies to: the multi-selection, else the open one.
    /// In conversation mode a row stands for its whole conversation; an action from one
    /// message's own header in the reader applies to that message alone.
    pub(super) fn targets(&self) -> Vec<MessageId> {
        if let Some(one) = self.conv.single {
            return vec![one];
        }
        let rows = if self.multi.is_empty() {
            self.selected.into_iter().collect()
        } else {
            self.multi.iter().copied().collect()
        };
        self.expand_targets(rows)
    }

    /// The account of a message: from the rows on screen, else the store.
    pub fn account_of(&self, id: MessageId) -> Option<AccountId> {
        self.rows
            .iter()
            .chain(self.results.iter().flatten())
            .find(|r| r.id == id)
            .map(|r| r.account_id)
            .or_else(|| self.message_row(id).map(|r| r.account_id))
    }

    pub fn message_row(&self, id: MessageId) -> Option<MessageRow> {
        self.store().and_then(|s| s.message(id).ok())
    }

    pub fn folder_of_role(&self, account: AccountId, role: FolderRole) -> Option<FolderId> {
        self.accounts
            .iter()
            .find(|a| a.account.id == account)
            .and_then(|a| a.folders.iter().find(|f| f.folder.role == Some(role)))
            .map(|f| f.folder.id)
    }

    pub(super) fn after_local_change(&mut self, accounts: BTreeSet<AccountId>) {
        for a in accounts {
            self.engine.wake(a);
        }
        self.reload();
        self.refresh_window();
        if self.results.is_some() {
            self.research();
        }
        self.refresh_open_conversation();
    }

    pub(super) fn set_flags(&mut self, add: Flags, remove: Flags) {
        let mut touched = BTreeSet::new();
        let mut failed = None;
        let targets = self.targets();
        let Some(store) = self.store_mut() else {
            return;
        };
        for id in targets {
            match store.message(id) {
                Ok(row) => {
                    touched.insert(row.account_id);
                    if let Err(e) = store.local_set_flags(id, &add, &remove) {
                        failed = Some(e);
                    }
                }
                Err(e) => failed = Some(e),
            }
        }
        if let Some(e) = failed {
            self.status.fail(Said::store(e));
        }
        self.after_local_change(touched);
    }

    pub(super) fn move_targets(&mut self, dest: impl Fn(&App, &MessageRow) -> Option<FolderId>) {
        let mut touched = BTreeSet::new();
        for id in self.targets() {
            let Some(row) = self.message_row(id) else {
                continue;
            };
            let Some(to) = dest(self, &row) else {
                self.status.say(Said::key("action-no-folder"));
                continue;
            };
            touched.insert(row.account_id);
            if let Some(store) = self.store_mut()
                && let Err(e) = store.local_move(id, to)
            {
                self.status.fail(Said::store(e));
            }
        }
        self.clear_open();
        self.after_local_change(touched);
    }

    pub(super) fn clear_open(&mut self) {
        self.selected = None;
        self.multi.clear();
        self.reading = Reading::Nothing;
        self.conv.open = None;
    }

    pub(super) fn open_message(&mut self, id: MessageId, index: u32) -> Task<Message> {
        self.selected = Some(id);
        self.cursor = Some(index);
        self.reading = Reading::Loading(id);
        if let Some(account) = self.account_of(id) {
            self.engine.show(account, id);
        }
        self.load_conversation(id);
        // Opening marks it read, as mail clients do, once it has stayed open for the delay
        // of the settings (at once when 0); queued like any flag change.
        if !self
            .message_row(id)
            .is_some_and(|r| !r.flags.seen && r.uid.is_some())
        {
            return Task::none();
        }
        match self.settings.mark_read_delay {
            0 => {
                self.mark_seen(id);
                Task::none()
            }
            secs => Task::perform(
                // Made when the runtime polls it (a timer needs the runtime's reactor).
                async move {
                    tokio::time::sleep(std::time::Duration::from_secs(u64::from(secs))).await;
                },
                move |()| Message::MarkReadAfterDelay(id),
            ),
        }
    }

    /// Marks `id` read if it is still the open message (its delay has passed).
    pub(super) fn mark_read_after_delay(&mut self, id: MessageId) {
        if self.selected == Some(id) {
            self.mark_seen(id);
        }
    }

    fn mark_seen(&mut self, id: MessageId) {
        let saved = std::mem::replace(&mut self.multi, BTreeSet::from([id]));
        self.set_flags(
            Flags {
                seen: true,
                ..Default::default()
            },
            Flags::default(),
        );
        self.multi = saved;
    }

    /// Moves the cursor by `delta` rows and opens that message, scrolling it into view.
    pub(super) fn step(&mut self, delta: i64) -> Task<Message> {
        if self.count == 0 {
            return Task::none();
        }
        let cur = self.cursor.map_or(-1, i64::from);
        let next = (cur + delta).clamp(0, i64::from(self.count) - 1) as u32;
        let row_top = next as f32 * ROW_HEIGHT;
        let mut scroll = Task::none();
        if row_top < self.scroll_y || row_top + ROW_HEIGHT > self.scroll_y + self.viewport_height {
            self.scroll_y = (row_top - self.viewport_height / 2.0).max(0.0);
            self.refresh_window();
            scroll = iced::widget::operation::scroll_to(
                LIST_ID,
                iced::widget::scrollable::AbsoluteOffset {
                    x: 0.0,
                    y: self.scroll_y,
                },
            );
        }
        if next >= self.first && next < self.first + self.rows.len() as u32 {
            return Task::batch([scroll, self.open_index(next)]);
        }
        // Not among the rows built: open it when its window arrives.
        self.open_at = Some(next);
        scroll
    }

    /// Opens the row at `index` of the listing (it must be among the rows built).
    pub(super) fn open_index(&mut self, index: u32) -> Task<Message> {
        let id = index
            .checked_sub(self.first)
            .and_then(|i| self.rows.get(i as usize))
            .map(|r| r.id);
        match id {
            Some(id) => self.open_message(id, index),
            None => Task::none(),
        }
    }
}
