//! Undo of the last change to messages (delete to Trash, move, archive, flags): a toast with
//! "Undo" in the status line, and Ctrl+Z. Undoing is itself a local change queued for the
//! server like any other: a message moved (or deleted to Trash) is moved back — found there by
//! its Message-ID when the first move has already reached the server — and flags are set back
//! to what they were.
use super::app::App;
use super::status::Said;
use crate::model::{AccountId, Flags, FolderId, MessageId};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How long the toast offers Undo (Ctrl+Z works until the next change).
pub const TOAST_FOR: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
enum Change {
    /// Messages and the folder each was in.
    Moved(Vec<(MessageId, FolderId)>),
    /// Messages and the flags each had.
    Flags(Vec<(MessageId, Flags)>),
}

/// The last change, what the toast says about it, and until when it is shown.
#[derive(Debug, Clone)]
pub struct Undoable {
    change: Change,
    pub said: Said,
    until: Instant,
}

impl Undoable {
    /// The toast is showing at `now`.
    pub fn showing(&self, now: Instant) -> bool {
        now < self.until
    }
}

fn said(key: &'static str, n: usize) -> Said {
    Said::count(key, "n", n as i64)
}

impl App {
    /// Before a move (delete to Trash, archive, move): where the targets are now.
    pub(super) fn remember_folders(&self, targets: &[MessageId]) -> Vec<(MessageId, FolderId)> {
        targets
            .iter()
            .filter_map(|id| self.message_row(*id).map(|r| (*id, r.folder_id)))
            .collect()
    }

    /// Before a flag change: the targets' flags now.
    pub(super) fn remember_flags(&self, targets: &[MessageId]) -> Vec<(MessageId, Flags)> {
        targets
            .iter()
            .filter_map(|id| self.message_row(*id).map(|r| (*id, r.flags)))
            .collect()
    }

    /// After a move: the ones that did move can be moved back (`key`: what the toast says).
    pub(super) fn moved(&mut self, before: Vec<(MessageId, FolderId)>, key: &'static str) {
        let moved: Vec<_> = before
            .into_iter()
            .filter(|(id, from)| self.message_row(*id).is_some_and(|r| r.folder_id != *from))
            .collect();
        if !moved.is_empty() {
            self.offer(Change::Moved(moved.clone()), said(key, moved.len()));
        }
    }

    /// After a flag change: the ones whose flags changed can be set back.
    pub(super) fn flagged(&mut self, before: Vec<(MessageId, Flags)>) {
        let changed: Vec<_> = before
            .into_iter()
            .filter(|(id, f)| self.message_row(*id).is_some_and(|r| r.flags != *f))
            .collect();
        if !changed.is_empty() {
            let n = changed.len();
            self.offer(Change::Flags(changed), said("undo-flags-changed", n));
        }
    }

    fn offer(&mut self, change: Change, said: Said) {
        self.undo = Some(Undoable {
            change,
            said,
            until: Instant::now() + TOAST_FOR,
        });
    }

    /// Undoes the last change (the toast's button, Ctrl+Z).
    pub(super) fn undo_last(&mut self) {
        let Some(u) = self.undo.take() else {
            return;
        };
        let mut touched = BTreeSet::<AccountId>::new();
        let mut failed = None;
        let Some(store) = self.store_mut() else {
            return;
        };
        match u.change {
            Change::Moved(list) => {
                for (id, from) in list {
                    match store.message(id) {
                        Ok(row) => {
                            touched.insert(row.account_id);
                            if let Err(e) = store.local_move(id, from) {
                                failed = Some(e);
                            }
                        }
                        Err(e) => failed = Some(e),
                    }
                }
            }
            Change::Flags(list) => {
                for (id, before) in list {
                    match store.message(id) {
                        Ok(row) => {
                            touched.insert(row.account_id);
                            let (now, was) = (row.flags.to_bits(), before.to_bits());
                            let add = Flags::from_bits(was & !now);
                            let remove = Flags::from_bits(now & !was);
                            if let Err(e) = store.local_set_flags(id, &add, &remove) {
                                failed = Some(e);
                            }
                        }
                        Err(e) => failed = Some(e),
                    }
                }
            }
        }
        match failed {
            Some(e) => self.status.fail(Said::store(e)),
            None => self.status.say(Said::key("undo-done")),
        }
        self.after_local_change(touched);
    }

    /// The toast's Undo, while it shows.
    pub fn undo_toast(&self) -> Option<&Undoable> {
        self.undo.as_ref().filter(|u| u.showing(Instant::now()))
    }
}
