//! The window's state and its update function (Elm architecture). Actions go through the
//! store's offline queue and wake the account in the engine's scheduler ([`EngineHandle`]);
//! network work happens there, and its events come back as `Message::Engine`.
use super::data::Snapshot;
use super::form::AddForm;
use super::settings::{Settings, ThemeChoice};
use super::status::Said;
use crate::engine::{BodyProgress, ConnState, EngineHandle, Event, ShownMessage};
use crate::i18n::Localizer;
use crate::model::{
    Account, AccountId, Flags, Folder, FolderId, FolderRole, MessageId, OfflinePolicy, OpId,
};
use crate::store::{Activity, Listing, MessageRow, Op, SortKey, Store};
use iced::widget::scrollable::Viewport;
use iced::{Task, keyboard};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// Height of one message-list row in pixels: the list builds only the rows in view.
pub const ROW_HEIGHT: f32 = 30.0;
/// Rows built beyond the visible ones, above and below, so scrolling never shows a gap.
pub(super) const OVERSCAN: u32 = 8;
/// Search results shown at most.
pub(super) const SEARCH_LIMIT: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Mail,
    Sync,
    Settings,
    AddAccount,
    Compose,
    Wizard,
}

#[derive(Debug, Clone)]
pub enum Reading {
    Nothing,
    Loading(MessageId),
    Shown(Box<ShownMessage>),
    Failed(MessageId, String),
}

/// One account as the folder pane and sync view show it.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub account: Account,
    pub folders: Vec<FolderView>,
    /// Which bodies this device keeps (the account's setting in the store).
    pub offline: OfflinePolicy,
    /// Devices, quota, and what is only here (the sync view).
    pub sync: super::data::SyncFacts,
}

#[derive(Debug, Clone)]
pub struct FolderView {
    pub folder: Folder,
    pub cached_total: i64,
    pub cached_unread: i64,
    pub cached_bodies: i64,
    pub cached_bytes: i64,
}

#[derive(Debug, Clone)]
pub enum Message {
    Nav(Screen),
    OpenListing(Listing),
    Scrolled(Viewport),
    /// A row was clicked: (message, its index in the listing).
    Select(MessageId, u32),
    SetSort(SortKey),
    ToggleDescending,
    ToggleUnreadOnly,
    MarkRead(bool),
    /// The open message stayed open for the mark-as-read delay.
    MarkReadAfterDelay(MessageId),
    /// Settings: the mark-as-read delay in seconds.
    SetMarkReadDelay(u32),
    /// Settings: the "Undo send" delay in seconds.
    SetUndoSendDelay(u32),
    /// Take back the message just sent (while it is held).
    UndoSend,
    /// The "Undo send" delay of this outbox message is over: send it.
    SendHoldEnded(crate::model::OutboxId),
    Flag(bool),
    Delete,
    Archive,
    MoveTo(FolderId),
    /// Undo the last delete, move, archive or flag change (the toast, Ctrl+Z).
    Undo,
    SelectAll,
    ClearSelection,
    SearchChanged(String),
    /// From the engine's scheduler (its event stream, a Subscription).
    Engine(Event),
    /// Read pool answers: a reload of accounts/counts/queues (generation, snapshot) ...
    Reloaded(u64, Box<Snapshot>),
    /// ... a list window (generation, the window) ...
    Window(u64, Box<super::data::ListWindow>),
    /// ... and search results for a query (`true`: rows of the servers' matches, added).
    Searched(String, Vec<MessageRow>, bool),
    /// A key no widget took (every shortcut) ...
    Key(keyboard::Event),
    /// ... and one a text field took (only Ctrl shortcuts and Escape).
    KeyTaken(keyboard::Event),
    OpenLink(String),
    /// The formatted (HTML) view.
    Html(super::html::HtmlMsg),
    /// Save attachment INDEX to the Downloads folder (`false`) or open it (`true`).
    SaveAttachment(usize, bool),
    SearchServer,
    RetryOp(OpId),
    DiscardOp(OpId),
    SetLanguage(Option<String>),
    SetTheme(ThemeChoice),
    SetOffline(AccountId, OfflinePolicy),
    /// "Sync now": every account runs a pass at once.
    SyncNow,
    /// "Check connection": the connection doctor for the account.
    CheckConnection(AccountId),
    SetAccountSync(AccountId, bool),
    /// "Sign in again": the engine runs the OAuth2 sign-in of the account in the browser.
    SignInAgain(AccountId),
    SetNotifications(bool),
    /// Queue a failed or uncertain outgoing message again.
    OutboxRetry(crate::model::OutboxId),
    /// Take an unsent message back into the composer.
    OutboxEdit(crate::model::OutboxId),
    /// A pane divider was dragged.
    PaneResized(iced::widget::pane_grid::ResizeEvent),
    /// The reader toolbar's overflow menu (actions that do not fit) opened or closed.
    ToggleOverflow,
    /// New / rename / delete a folder from the folder pane.
    Folder(super::folder_edit::FolderMsg),
    /// Conversations: the list's switch, the open conversation, actions on one message.
    Conv(super::conversation::ConvMsg),
    /// Right-click menus and dragging messages onto folders.
    Gesture(super::gestures::GestureMsg),
    /// Save As for an attachment (the system's dialog, then replace only when asked).
    SaveAs(super::save_as::SaveAsMsg),
    Form(super::form::FormMsg),
    Compose(super::compose::ComposeMsg),
    /// Write a new message (from the current account).
    ComposeNew,
    /// Continue writing a draft kept on this device ...
    ResumeDraft(crate::model::DraftId),
    /// ... or the open message of a Drafts folder (a server draft).
    EditDraft(MessageId),
    /// Reply, reply all or forward the open message.
    Respond(crate::mime::reply::ReplyKind),
    /// Every few seconds while composing: save the draft if it changed.
    Autosave,
    /// From this start or a later `tayori` start: bring the window up, or compose to a
    /// `mailto:` URL.
    Instance(crate::instance::Request),
    Wizard(super::wizard::WizardMsg),
    /// The wizard or the manual form added this account (stored, password kept).
    AccountCreated(AccountId),
    Resized(iced::Size),
    /// Once a second while an account syncs: refresh counts and progress.
    Tick,
    /// Once a second while a status message is on a timer: end it when its time is up.
    StatusTick,
}

pub struct App {
    pub dir: Option<PathBuf>,
    /// The window's own engine over one store connection, for its quick local writes
    /// (flags, moves, drafts, the outbox); reads go through `reads`.
    pub local: Option<crate::engine::Engine>,
    /// Queries off the UI thread.
    pub reads: super::reads::ReadPool,
    /// Read-pool requests made during an update, returned with its Task.
    pub(super) pending: Vec<Task<Message>>,
    pub(super) reload_gen: u64,
    pub(super) window_gen: u64,
    /// Open the row at this index once the list window holding it arrives (keyboard steps).
    pub(super) open_at: Option<u32>,
    pub tr: Localizer,
    pub settings: Settings,
    /// The mail screen's panes and their dividers.
    pub panes: super::panes::Panes,
    /// The reader toolbar's overflow menu is open.
    pub overflow: bool,
    /// A folder being created, renamed or deleted in the folder pane.
    pub folder_edit: Option<super::folder_edit::FolderEdit>,
    /// The message whose context menu is open, and its row index.
    pub context: Option<(MessageId, u32)>,
    /// The message being dragged (pressed in the list, not yet released).
    pub dragging: Option<MessageId>,
    /// The folder being dragged (pressed in the folder pane, not yet released).
    pub dragging_folder: Option<crate::model::FolderId>,
    /// The folder whose context menu (right-click) is open.
    pub folder_menu: Option<crate::model::FolderId>,
    /// Save As chose a file that exists: (attachment, path) until Replace or Cancel.
    pub replace_ask: Option<(usize, PathBuf)>,
    /// The message whose attachment Save As is saving (one of a conversation).
    pub save_as_for: Option<MessageId>,
    /// Commands into the engine's scheduler (its events arrive as `Message::Engine`).
    pub engine: EngineHandle,
    engine_events: Option<async_channel::Receiver<Event>>,
    /// Offline download progress per account.
    pub bodies: HashMap<AccountId, BodyProgress>,
    pub screen: Screen,
    pub accounts: Vec<AccountView>,
    pub listing: Option<Listing>,
    pub sort: SortKey,
    pub descending: bool,
    pub unread_only: bool,
    /// Rows in the listing, messages or conversations (the list's full scroll height).
    pub count: u32,
    /// Messages in the listing (in conversation mode more than `count`).
    pub messages: u32,
    /// Index of `rows[0]` in the listing.
    pub first: u32,
    pub rows: Vec<MessageRow>,
    pub viewport_height: f32,
    pub scroll_y: f32,
    pub cursor: Option<u32>,
    pub selected: Option<MessageId>,
    pub multi: BTreeSet<MessageId>,
    pub reading: Reading,
    /// Conversations: facts of the rows on screen and the open conversation.
    pub conv: super::conversation::Conversations,
    pub search: String,
    pub results: Option<Vec<MessageRow>>,
    /// A server search for `search` is running / has answered.
    pub searching_server: bool,
    pub searched_server: bool,
    pub states: HashMap<AccountId, ConnState>,
    /// "Sign in again" of OAuth2 accounts, while it runs or after it failed.
    pub sign_ins: HashMap<AccountId, crate::engine::SignInState>,
    pub ops: Vec<Op>,
    /// Outgoing mail not yet sent (queued, sending, failed, uncertain).
    pub outbox: Vec<crate::store::OutboxItem>,
    pub activity: Vec<Activity>,
    /// Drafts on this device not yet on a server (the Drafts folder lists them).
    pub drafts: Vec<super::data::LocalDraft>,
    /// The message just sent, while "Undo send" can take it back.
    pub sending: Option<super::undo_send::Held>,
    /// The last change to messages, for Undo.
    pub undo: Option<super::undo::Undoable>,
    /// The status line's notice and error (in the window's language, each ending).
    pub status: super::status::StatusLine,
    /// The connection doctor's last run per account (the sync view).
    pub doctor: HashMap<AccountId, super::doctor::DoctorState>,
    pub ctrl: bool,
    pub form: AddForm,
    pub compose: super::compose::ComposeState,
    pub wizard: super::wizard::Wizard,
    pub now: i64,
    /// New-mail notifications (after a pass brought Inbox mail); off applies at once.
    pub notifier: crate::notify::Notifier,
    /// The formatted (HTML) view of the open message.
    pub html: super::html::HtmlState,
}

pub const LIST_ID: &str = "message-list";
pub const SEARCH_ID: &str = "search";

impl App {
    /// The window over the cache in `dir` (None: no data dir, an empty window for tests).
    pub fn new(dir: Option<PathBuf>) -> App {
        let settings = dir.as_deref().map(Settings::load).unwrap_or_default();
        let notifications = settings.notifications;
        let tr = Localizer::new(&settings.language());
        let mut app = App {
            dir: dir.clone(),
            local: None,
            reads: super::reads::ReadPool::none(),
            pending: Vec::new(),
            reload_gen: 0,
            window_gen: 0,
            open_at: None,
            tr,
            panes: super::panes::Panes::new(settings.folder_split, settings.list_split),
            overflow: false,
            folder_edit: None,
            context: None,
            dragging: None,
            dragging_folder: None,
            folder_menu: None,
            replace_ask: None,
            save_as_for: None,
            settings,
            engine: EngineHandle::idle(),
            engine_events: None,
            bodies: HashMap::new(),
            screen: Screen::Mail,
            accounts: Vec::new(),
            listing: None,
            sort: SortKey::Date,
            descending: true,
            unread_only: false,
            count: 0,
            messages: 0,
            first: 0,
            rows: Vec::new(),
            viewport_height: 600.0,
            scroll_y: 0.0,
            cursor: None,
            selected: None,
            multi: BTreeSet::new(),
            reading: Reading::Nothing,
            conv: Default::default(),
            search: String::new(),
            results: None,
            searching_server: false,
            searched_server: false,
            states: HashMap::new(),
            sign_ins: HashMap::new(),
            ops: Vec::new(),
            outbox: Vec::new(),
            activity: Vec::new(),
            drafts: Vec::new(),
            status: Default::default(),
            undo: None,
            sending: None,
            doctor: HashMap::new(),
            ctrl: false,
            form: AddForm::default(),
            compose: super::compose::ComposeState::default(),
            wizard: super::wizard::Wizard::new(super::wizard::WizardEnv::system()),
            now: chrono::Utc::now().timestamp(),
            notifier: crate::notify::Notifier::new(notifications),
            html: Default::default(),
        };
        if let Some(dir) = dir {
            match Store::open_dir(&dir) {
                Ok(s) => {
                    // The first frame shows the cache at once: read it here, before the
                    // event loop; later reads go through the pool.
                    app.apply_snapshot(Snapshot::read(&s));
                    app.local = Some(crate::engine::Engine::new(s));
                    app.reads = super::reads::ReadPool::start(&dir);
                }
                Err(e) => app.status.fail(Said::store(e)),
            }
        }
        app.make_engine();
        if app.accounts.is_empty() {
            app.screen = Screen::Wizard;
        } else {
            let inbox = app.first_inbox();
            app.listing = Some(inbox);
            if let Some(store) = app.store() {
                let w = app.window_query(0.0).read(store);
                app.set_window(w);
            }
        }
        app
    }

    /// Makes the scheduler over this window's data dir; it starts with the engine
    /// subscription ([`App::engine_subscription`]).
    fn make_engine(&mut self) {
        if let Some(dir) = &self.dir {
            let (handle, events) = EngineHandle::new(dir.clone());
            self.engine = handle;
            self.engine_events = Some(events);
        }
    }

    /// The scheduler's event stream as a Subscription: started once (its identity is the
    /// data dir), it starts every account and feeds their events in.
    pub fn engine_subscription(&self) -> iced::Subscription<Message> {
        match (&self.dir, &self.engine_events) {
            (Some(dir), Some(events)) => iced::Subscription::run_with(
                super::engine_bridge::Feed {
                    dir: dir.clone(),
                    handle: self.engine.clone(),
                    events: events.clone(),
                },
                super::engine_bridge::stream,
            )
            .map(Message::Engine),
            _ => iced::Subscription::none(),
        }
    }

    pub(super) fn first_inbox(&self) -> Listing {
        if self.accounts.len() > 1 {
            return Listing::UnifiedInbox;
        }
        self.accounts
            .iter()
            .flat_map(|a| a.folders.iter())
            .find(|f| f.folder.role == Some(FolderRole::Inbox))
            .map_or(Listing::UnifiedInbox, |f| Listing::Folder(f.folder.id))
    }

    /// The store connection of the window's own engine (local writes, single-row lookups).
    pub fn store(&self) -> Option<&Store> {
        self.local.as_ref().map(|e| &e.store)
    }

    pub fn store_mut(&mut self) -> Option<&mut Store> {
        self.local.as_mut().map(|e| &mut e.store)
    }

    /// Runs the update, then hands back the read-pool requests it made with its Task.
    pub fn update(&mut self, msg: Message) -> Task<Message> {
        // Choosing anything closes the toolbar's overflow menu.
        if matches!(
            msg,
            Message::MarkRead(_)
                | Message::Flag(_)
                | Message::Delete
                | Message::Archive
                | Message::MoveTo(_)
                | Message::Respond(_)
                | Message::Select(..)
                | Message::Nav(_)
        ) {
            self.overflow = false;
            if !matches!(msg, Message::Select(..)) {
                self.context = None;
            }
        }
        let task = self.update_inner(msg);
        if self.pending.is_empty() {
            return task;
        }
        let mut tasks = std::mem::take(&mut self.pending);
        tasks.push(task);
        Task::batch(tasks)
    }

    pub(super) fn save_settings(&mut self) {
        if let Some(dir) = &self.dir
            && let Err(e) = self.settings.save(dir)
        {
            self.status.fail(Said::detail(e));
        }
    }

    fn update_inner(&mut self, msg: Message) -> Task<Message> {
        match msg {
            Message::Nav(s) => {
                if self.screen == Screen::Compose && s != Screen::Compose {
                    self.compose_autosave();
                }
                if s == Screen::Wizard && self.wizard.step == super::wizard::Step::Done {
                    self.wizard.reset();
                }
                self.screen = s;
                self.reload();
                return self.screen_focus();
            }
            Message::OpenListing(l) => {
                self.folder_menu = None;
                self.screen = Screen::Mail;
                self.results = None;
                self.search.clear();
                self.clear_open();
                self.open_listing(l);
                return iced::widget::operation::scroll_to(
                    LIST_ID,
                    iced::widget::scrollable::AbsoluteOffset { x: 0.0, y: 0.0 },
                );
            }
            Message::Scrolled(v) => {
                self.viewport_height = v.bounds().height;
                self.scroll_y = v.absolute_offset().y;
                let top = (self.scroll_y / ROW_HEIGHT).floor() as u32;
                let end = self.first + self.rows.len() as u32;
                let want_end = (top + self.visible_rows()).min(self.count);
                if top < self.first || want_end > end {
                    self.refresh_window();
                }
            }
            Message::Select(id, index) => {
                if self.ctrl {
                    if !self.multi.insert(id) {
                        self.multi.remove(&id);
                    }
                    if let Some(open) = self.selected {
                        self.multi.insert(open);
                    }
                    return Task::none();
                }
                self.multi.clear();
                return self.open_message(id, index);
            }
            Message::SetSort(k) => {
                self.sort = k;
                self.descending = k == SortKey::Date;
                self.refresh_window();
            }
            Message::ToggleDescending => {
                self.descending = !self.descending;
                self.refresh_window();
            }
            Message::ToggleUnreadOnly => {
                self.unread_only = !self.unread_only;
                self.scroll_y = 0.0;
                self.refresh_window();
            }
            Message::MarkRead(read) => {
                let seen = Flags {
                    seen: true,
                    ..Default::default()
                };
                let before = self.remember_flags(&self.targets());
                if read {
                    self.set_flags(seen, Flags::default());
                } else {
                    self.set_flags(Flags::default(), seen);
                }
                self.flagged(before);
            }
            Message::MarkReadAfterDelay(id) => self.mark_read_after_delay(id),
            Message::SetMarkReadDelay(secs) => {
                self.settings.mark_read_delay = secs.min(super::settings::MAX_MARK_READ_DELAY);
                self.save_settings();
            }
            Message::SetUndoSendDelay(secs) => {
                self.settings.undo_send_delay = secs.min(super::settings::MAX_UNDO_SEND_DELAY);
                self.save_settings();
            }
            Message::UndoSend => return self.undo_send(),
            Message::SendHoldEnded(id) => self.hold_ended(id),
            Message::Flag(on) => {
                let flagged = Flags {
                    flagged: true,
                    ..Default::default()
                };
                let before = self.remember_flags(&self.targets());
                if on {
                    self.set_flags(flagged, Flags::default());
                } else {
                    self.set_flags(Flags::default(), flagged);
                }
                self.flagged(before);
            }
            Message::Delete => {
                let mut touched = BTreeSet::new();
                let targets = self.targets();
                let before = self.remember_folders(&targets);
                for id in targets {
                    let Some(row) = self.message_row(id) else {
                        continue;
                    };
                    touched.insert(row.account_id);
                    if let Some(store) = self.store_mut()
                        && let Err(e) = store.local_delete(id)
                    {
                        self.status.fail(Said::store(e));
                    }
                }
                self.clear_open();
                self.after_local_change(touched);
                self.moved(before, "undo-deleted");
            }
            Message::Archive => {
                let before = self.remember_folders(&self.targets());
                self.move_targets(|app, row| {
                    app.folder_of_role(row.account_id, FolderRole::Archive)
                });
                self.moved(before, "undo-archived");
            }
            Message::MoveTo(dest) => {
                let before = self.remember_folders(&self.targets());
                self.move_targets(move |_, _| Some(dest));
                self.moved(before, "undo-moved");
            }
            Message::Undo => self.undo_last(),
            Message::SelectAll => {
                self.multi = self.rows.iter().map(|r| r.id).collect();
            }
            Message::ClearSelection => self.multi.clear(),
            Message::SearchChanged(q) => {
                self.search = q;
                self.searching_server = false;
                self.searched_server = false;
                if self.search.trim().is_empty() {
                    self.results = None;
                } else {
                    self.research();
                }
            }
            Message::Engine(ev) => return self.on_event(ev),
            Message::Html(m) => return self.on_html(m),
            Message::Reloaded(generation, snap) => {
                if generation == self.reload_gen {
                    self.apply_snapshot(*snap);
                }
            }
            Message::Window(generation, w) => {
                if generation == self.window_gen {
                    self.set_window(*w);
                    if let Some(i) = self.open_at.take() {
                        return self.open_index(i);
                    }
                }
            }
            Message::Searched(q, rows, true) => {
                if q == self.search {
                    let results = self.results.get_or_insert_with(Vec::new);
                    for r in rows {
                        if !results.iter().any(|o| o.id == r.id) {
                            results.push(r);
                        }
                    }
                    results.sort_by_key(|r| std::cmp::Reverse(r.date));
                    self.searched_server = true;
                }
            }
            Message::Searched(q, rows, false) => {
                if q == self.search && !q.trim().is_empty() {
                    // Server matches already shown stay (they may have no cached body).
                    let mut rows = rows;
                    if self.searched_server
                        && let Some(old) = &self.results
                    {
                        for r in old {
                            if !rows.iter().any(|n| n.id == r.id) {
                                rows.push(r.clone());
                            }
                        }
                        rows.sort_by_key(|r| std::cmp::Reverse(r.date));
                    }
                    self.results = Some(rows);
                }
            }
            Message::StatusTick => self.status.tick(std::time::Instant::now()),
            Message::Tick => {
                self.reload();
                self.refresh_window();
            }
            Message::Key(ev) => return self.on_key(ev),
            Message::KeyTaken(ev) => return self.on_key_taken(ev),
            Message::OpenLink(url) => {
                if let Err(e) = open::that_detached(&url) {
                    self.status.fail(Said::detail(e));
                }
            }
            Message::SaveAttachment(index, open) => {
                if let Some(id) = self.conv.single.or(self.selected)
                    && let Some(m) = self.shown_message(id)
                    && let Some(a) = m.attachments.iter().find(|a| a.index == index)
                {
                    // Opened attachments go to a folder of their own beside the cache.
                    let dir = if open {
                        self.dir
                            .as_ref()
                            .map(|d| d.join("opened"))
                            .unwrap_or_else(std::env::temp_dir)
                    } else {
                        directories::UserDirs::new()
                            .and_then(|u| u.download_dir().map(|d| d.to_path_buf()))
                            .or_else(|| self.dir.clone())
                            .unwrap_or_else(std::env::temp_dir)
                    };
                    if let Err(e) = std::fs::create_dir_all(&dir) {
                        self.status.fail(Said::detail(e));
                        return Task::none();
                    }
                    let name = crate::engine::safe_file_name(&a.filename);
                    self.status.say(Said::key("attachment-downloading"));
                    if let Some(account) = self.account_of(id) {
                        self.engine
                            .save_attachment(account, id, index, dir.join(name), open);
                    }
                }
            }
            Message::SearchServer => {
                if !self.search.trim().is_empty() {
                    self.searching_server = true;
                    self.engine.search_server(self.search.clone());
                }
            }
            Message::RetryOp(op) => {
                if let Some(store) = self.store() {
                    let _ = store.retry_op(op);
                }
                let accounts = self.accounts.iter().map(|a| a.account.id).collect();
                self.after_local_change(accounts);
            }
            Message::DiscardOp(op) => {
                if let Some(store) = self.store() {
                    let _ = store.discard_op(op);
                }
                self.reload();
            }
            Message::SetLanguage(lang) => {
                self.settings.language = lang;
                self.tr = Localizer::new(&self.settings.language());
                self.save_settings();
            }
            Message::SetTheme(t) => {
                self.settings.theme = t;
                self.save_settings();
            }
            Message::SetOffline(id, policy) => {
                // The engine writes it to the store and applies it at once.
                self.engine.set_policy(id, policy);
                if let Some(a) = self.accounts.iter_mut().find(|a| a.account.id == id) {
                    a.offline = policy;
                }
            }
            Message::SyncNow => self.engine.sync_now(None),
            Message::CheckConnection(id) => self.check_connection(id),
            Message::SignInAgain(id) => {
                self.sign_ins
                    .insert(id, crate::engine::SignInState::Browser);
                self.engine.sign_in_again(id, self.tr.lang().to_string());
            }
            Message::SetAccountSync(id, on) => {
                self.engine.set_sync_enabled(id, on);
                if let Some(a) = self.accounts.iter_mut().find(|a| a.account.id == id) {
                    a.account.sync_enabled = on;
                }
            }
            Message::OutboxRetry(id) => {
                if let Some(store) = self.store() {
                    let _ = store.requeue_outbox(id);
                }
                let accounts = self.outbox.iter().map(|o| o.account_id).collect();
                self.after_local_change(accounts);
            }
            Message::OutboxEdit(id) => return self.outbox_edit(id),
            Message::SetNotifications(on) => {
                self.settings.notifications = on;
                self.notifier.set_enabled(on);
                self.save_settings();
            }
            Message::PaneResized(ev) => {
                let (f, l) = self.panes.resize(ev, self.settings.window_width);
                let moved =
                    (f - self.settings.folder_split).abs() + (l - self.settings.list_split).abs();
                (self.settings.folder_split, self.settings.list_split) = (f, l);
                if moved > 0.002 {
                    self.save_settings();
                }
            }
            Message::ToggleOverflow => self.overflow = !self.overflow,
            Message::Folder(m) => {
                self.folder_menu = None;
                return self.on_folder(m);
            }
            Message::Conv(m) => return self.on_conv(m),
            Message::Gesture(m) => return self.on_gesture(m),
            Message::SaveAs(m) => return self.on_save_as(m),
            Message::Form(m) => return self.on_form(m),
            Message::Compose(m) => return self.on_compose(m),
            Message::ComposeNew => {
                let account = self
                    .selected
                    .and_then(|id| self.message_row(id))
                    .map(|r| r.account_id);
                return self.compose_new(account);
            }
            Message::ResumeDraft(id) => return self.resume_draft(id),
            Message::EditDraft(id) => {
                if let Some(account) = self.account_of(id) {
                    self.status.say(Said::key("drafts-opening"));
                    self.engine.edit_draft(account, id);
                }
            }
            Message::Respond(kind) => {
                if let Some(id) = self.conv.single.or(self.selected) {
                    self.status.say(Said::key("compose-preparing"));
                    if let Some(account) = self.account_of(id) {
                        self.engine.respond(account, id, kind, self.quote_labels());
                    }
                }
            }
            Message::Autosave => self.compose_autosave(),
            Message::Instance(crate::instance::Request::Mailto { url }) => {
                return self.compose_mailto(&url);
            }
            Message::Instance(_) => {
                return iced::window::latest().and_then(iced::window::gain_focus);
            }
            Message::Wizard(m) => return self.on_wizard(m),
            Message::AccountCreated(id) => {
                self.reload();
                self.engine.add_account(id);
            }
            Message::Resized(size) => {
                self.settings.window_width = size.width;
                self.settings.window_height = size.height;
                self.save_settings();
            }
        }
        Task::none()
    }
}
