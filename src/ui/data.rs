//! The window's data, read off the UI thread: what a reload reads (accounts, counts, the
//! queue, the outbox, activity), list windows and local search, as read-pool queries whose
//! answers come back as messages (`Reloaded`, `Window`, `Searched`).
use super::app::{AccountView, App, FolderView, Message, OVERSCAN, ROW_HEIGHT, SEARCH_LIMIT};
use crate::store::{Activity, Listing, MessageRow, Op, OutboxItem, SortKey, Store};
use iced::Task;

/// What the sync view shows of an account beyond its folders.
#[derive(Debug, Clone, Default)]
pub struct SyncFacts {
    pub server: crate::store::ServerInfo,
    pub risk: crate::store::Risk,
    /// This device's id (to tell it among the server's devices).
    pub device_id: String,
    pub device_name: String,
}

impl SyncFacts {
    fn read(store: &Store, account: &crate::model::Account) -> SyncFacts {
        SyncFacts {
            server: store.server_info(account.id).unwrap_or_default(),
            risk: store.risk(account).unwrap_or_default(),
            device_id: store.device_id().unwrap_or_default(),
            device_name: store.device_name().unwrap_or_default(),
        }
    }
}

/// What a reload reads: accounts with folder counts, the queue, the outbox, activity.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub accounts: Vec<AccountView>,
    pub ops: Vec<Op>,
    pub outbox: Vec<OutboxItem>,
    pub activity: Vec<Activity>,
    /// Drafts kept on this device that have no server copy yet (listed in Drafts).
    pub drafts: Vec<LocalDraft>,
    /// Senders whose HTML mail may load remote content (Settings lists them).
    pub remote_senders: Vec<String>,
}

/// A draft as the Drafts folder lists it.
#[derive(Debug, Clone)]
pub struct LocalDraft {
    pub id: crate::model::DraftId,
    pub account: crate::model::AccountId,
    pub subject: String,
    pub to: String,
    pub updated: i64,
}

fn local_drafts(store: &Store) -> Vec<LocalDraft> {
    store
        .drafts(None)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.server_uid.is_none())
        .map(|d| {
            let c: Option<crate::mime::compose::Compose> = serde_json::from_str(&d.compose).ok();
            LocalDraft {
                id: d.id,
                account: d.account_id,
                subject: c.as_ref().map(|c| c.subject.clone()).unwrap_or_default(),
                to: c.map(|c| c.to.join(", ")).unwrap_or_default(),
                updated: d.updated,
            }
        })
        .collect()
}

impl Snapshot {
    /// Reads it (on a read-pool thread; once at start on the main thread).
    pub fn read(store: &Store) -> Snapshot {
        let mut accounts = Vec::new();
        for account in store.accounts().unwrap_or_default() {
            let mut folders: Vec<FolderView> = store
                .folders(account.id)
                .unwrap_or_default()
                .into_iter()
                .map(|folder| {
                    let s = store.folder_stats(folder.id).ok();
                    FolderView {
                        cached_total: s.as_ref().map_or(0, |s| s.cached_total),
                        cached_unread: s.as_ref().map_or(0, |s| s.cached_unread),
                        cached_bodies: s.as_ref().map_or(0, |s| s.cached_bodies),
                        cached_bytes: s.as_ref().map_or(0, |s| s.cached_bytes),
                        folder,
                    }
                })
                .collect();
            folders.sort_by_key(|f| (role_rank(f.folder.role), f.folder.name.to_lowercase()));
            let offline = store.offline_policy(account.id).unwrap_or_default();
            let sync = SyncFacts::read(store, &account);
            accounts.push(AccountView {
                account,
                folders,
                offline,
                sync,
            });
        }
        Snapshot {
            remote_senders: store.remote_senders().unwrap_or_default(),
            accounts,
            ops: store.open_ops().unwrap_or_default(),
            outbox: store
                .outbox(None)
                .unwrap_or_default()
                .into_iter()
                .filter(|o| o.state != crate::store::OutboxState::Sent)
                .collect(),
            activity: store.recent_activity(50).unwrap_or_default(),
            drafts: local_drafts(store),
        }
    }
}

/// A list window as the read pool answers it.
#[derive(Debug, Clone, Default)]
pub struct ListWindow {
    /// Rows in the listing: messages, or conversations.
    pub count: u32,
    /// Messages in the listing.
    pub messages: u32,
    /// The index of `rows[0]`.
    pub first: u32,
    pub rows: Vec<MessageRow>,
    /// In conversation mode: each row's conversation.
    pub facts: Vec<crate::store::ConversationFacts>,
}

/// What a list window asks: the listing, its order and filter, and which rows.
#[derive(Debug, Clone, Copy)]
pub(super) struct WindowQuery {
    listing: Listing,
    sort: SortKey,
    descending: bool,
    unread_only: bool,
    top: u32,
    limit: u32,
    /// One row per conversation.
    conversations: bool,
}

impl WindowQuery {
    /// The rows around `top` (in conversation mode with the facts of each conversation).
    pub(super) fn read(&self, store: &Store) -> ListWindow {
        let messages = store
            .listing_count(self.listing, self.unread_only)
            .unwrap_or(0);
        let count = if self.conversations {
            store
                .conversation_count(self.listing, self.unread_only)
                .unwrap_or(0)
        } else {
            messages
        };
        let first = self.top.saturating_sub(OVERSCAN).min(count);
        let (l, sort, desc, unread) = (self.listing, self.sort, self.descending, self.unread_only);
        let rows = if self.conversations {
            store.conversation_window(l, sort, desc, unread, self.limit, first)
        } else {
            store.listing_window(l, sort, desc, unread, self.limit, first)
        }
        .unwrap_or_default();
        let facts = if self.conversations {
            let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
            store.conversation_facts(&ids).unwrap_or_default()
        } else {
            Vec::new()
        };
        ListWindow {
            count,
            messages,
            first,
            rows,
            facts,
        }
    }
}

impl App {
    /// Takes a list window in (and the facts of its conversations, by row).
    pub(super) fn set_window(&mut self, w: ListWindow) {
        self.count = w.count;
        self.messages = w.messages;
        self.first = w.first;
        self.rows = w.rows;
        self.conv.facts = self.rows.iter().map(|r| r.id).zip(w.facts).collect();
    }

    /// Asks the read pool for accounts, folders, counts, queue and activity; the answer
    /// arrives as [`Message::Reloaded`].
    pub fn reload(&mut self) {
        self.reload_gen += 1;
        let generation = self.reload_gen;
        let q = self.reads.query(|s| Box::new(Snapshot::read(s)));
        self.pending.push(Task::perform(q, move |snap| match snap {
            Some(snap) => Message::Reloaded(generation, snap),
            None => Message::Reloaded(0, Box::default()),
        }));
    }

    pub fn apply_snapshot(&mut self, snap: Snapshot) {
        self.accounts = snap.accounts;
        self.ops = snap.ops;
        self.outbox = snap.outbox;
        self.activity = snap.activity;
        self.drafts = snap.drafts;
        self.html.senders = snap.remote_senders;
        let waiting = self.outbox.iter().any(|o| {
            matches!(
                o.state,
                crate::store::OutboxState::Queued | crate::store::OutboxState::Sending
            )
        });
        self.status.outbox(waiting);
        self.now = chrono::Utc::now().timestamp();
    }

    pub(super) fn window_query(&self, scroll_y: f32) -> WindowQuery {
        WindowQuery {
            listing: self.listing.unwrap_or(Listing::UnifiedInbox),
            sort: self.sort,
            descending: self.descending,
            unread_only: self.unread_only,
            top: (scroll_y / ROW_HEIGHT).floor() as u32,
            limit: self.visible_rows() + 2 * OVERSCAN,
            conversations: self.settings.conversations,
        }
    }

    /// Shows `listing` from its top.
    pub fn open_listing(&mut self, listing: Listing) {
        self.listing = Some(listing);
        self.first = 0;
        self.scroll_y = 0.0;
        self.cursor = None;
        self.multi.clear();
        self.refresh_window();
    }

    /// Rows visible in the list viewport.
    pub fn visible_rows(&self) -> u32 {
        (self.viewport_height / ROW_HEIGHT).ceil() as u32 + 1
    }

    /// Asks for the count and the rows around the scroll position ([`Message::Window`]).
    pub fn refresh_window(&mut self) {
        if self.listing.is_none() {
            self.rows.clear();
            self.count = 0;
            return;
        }
        self.window_gen += 1;
        let generation = self.window_gen;
        let q = self.window_query(self.scroll_y);
        let job = self.reads.query(move |s| q.read(s));
        self.pending.push(Task::perform(job, move |r| {
            Message::Window(generation, Box::new(r.unwrap_or_default()))
        }));
    }

    /// Asks for the local search results of the current query ([`Message::Searched`]).
    pub(super) fn research(&mut self) {
        let q = self.search.clone();
        let job = {
            let q = q.clone();
            self.reads
                .query(move |s| s.search(&q, SEARCH_LIMIT).unwrap_or_default())
        };
        self.pending.push(Task::perform(job, move |rows| {
            Message::Searched(q.clone(), rows.unwrap_or_default(), false)
        }));
    }
}

/// Inbox first, then the special folders in a familiar order, then the rest by name.
fn role_rank(role: Option<crate::model::FolderRole>) -> u8 {
    use crate::model::FolderRole;
    match role {
        Some(FolderRole::Inbox) => 0,
        Some(FolderRole::Drafts) => 1,
        Some(FolderRole::Sent) => 2,
        Some(FolderRole::Archive) => 3,
        Some(FolderRole::Junk) => 4,
        Some(FolderRole::Trash) => 5,
        Some(_) => 6,
        None => 7,
    }
}
