//! The window's state and its update function (Elm architecture). Reads come from the
//! store directly (they are fast and local); actions go through the store's offline queue
//! and wake the account's worker; network work happens on the worker threads.
use super::form::AddForm;
use super::settings::{DownloadPolicy, Settings, ThemeChoice};
use super::worker::{ConnState, Event, Worker};
use crate::engine::ShownMessage;
use crate::i18n::Localizer;
use crate::model::{Account, AccountId, Flags, Folder, FolderId, FolderRole, MessageId, OpId};
use crate::store::{Activity, Listing, MessageRow, Op, SortKey, Store};
use iced::widget::scrollable::Viewport;
use iced::{Task, keyboard};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// Height of one message-list row in pixels: the list builds only the rows in view.
pub const ROW_HEIGHT: f32 = 52.0;
/// Rows built beyond the visible ones, above and below, so scrolling never shows a gap.
const OVERSCAN: u32 = 8;
/// Search results shown at most.
const SEARCH_LIMIT: u32 = 200;

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
    Flag(bool),
    Delete,
    Archive,
    MoveTo(FolderId),
    SelectAll,
    ClearSelection,
    SearchChanged(String),
    Worker(Event),
    Key(keyboard::Event),
    OpenLink(String),
    /// Save attachment INDEX to the Downloads folder (`false`) or open it (`true`).
    SaveAttachment(usize, bool),
    SearchServer,
    RetryOp(OpId),
    DiscardOp(OpId),
    SetLanguage(Option<String>),
    SetTheme(ThemeChoice),
    SetDownload(DownloadPolicy),
    SetAccountSync(AccountId, bool),
    SetNotifications(bool),
    /// Queue a failed or uncertain outgoing message again.
    OutboxRetry(crate::model::OutboxId),
    /// Take an unsent message back into the composer.
    OutboxEdit(crate::model::OutboxId),
    SetPane(Pane, f32),
    Form(super::form::FormMsg),
    Compose(super::compose::ComposeMsg),
    /// Write a new message (from the current account).
    ComposeNew,
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
    WorkerClosed,
    /// Once a second while an account syncs: refresh counts and progress.
    Tick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Folders,
    List,
}

pub struct App {
    pub dir: Option<PathBuf>,
    pub store: Option<Store>,
    pub tr: Localizer,
    pub settings: Settings,
    pub worker: Worker,
    pub screen: Screen,
    pub accounts: Vec<AccountView>,
    pub listing: Option<Listing>,
    pub sort: SortKey,
    pub descending: bool,
    pub unread_only: bool,
    /// Messages in the listing (the list's full scroll height).
    pub count: u32,
    /// Index of `rows[0]` in the listing.
    pub first: u32,
    pub rows: Vec<MessageRow>,
    pub viewport_height: f32,
    pub scroll_y: f32,
    pub cursor: Option<u32>,
    pub selected: Option<MessageId>,
    pub multi: BTreeSet<MessageId>,
    pub reading: Reading,
    pub search: String,
    pub results: Option<Vec<MessageRow>>,
    /// A server search for `search` is running / has answered.
    pub searching_server: bool,
    pub searched_server: bool,
    pub states: HashMap<AccountId, ConnState>,
    pub ops: Vec<Op>,
    /// Outgoing mail not yet sent (queued, sending, failed, uncertain).
    pub outbox: Vec<crate::store::OutboxItem>,
    pub activity: Vec<Activity>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub ctrl: bool,
    pub form: AddForm,
    pub compose: super::compose::ComposeState,
    pub wizard: super::wizard::Wizard,
    pub now: i64,
    /// Shared with the workers: switching notifications off applies at once.
    pub notifier: crate::notify::Notifier,
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
            store: None,
            tr,
            settings,
            worker: Worker::idle(),
            screen: Screen::Mail,
            accounts: Vec::new(),
            listing: None,
            sort: SortKey::Date,
            descending: true,
            unread_only: false,
            count: 0,
            first: 0,
            rows: Vec::new(),
            viewport_height: 600.0,
            scroll_y: 0.0,
            cursor: None,
            selected: None,
            multi: BTreeSet::new(),
            reading: Reading::Nothing,
            search: String::new(),
            results: None,
            searching_server: false,
            searched_server: false,
            states: HashMap::new(),
            ops: Vec::new(),
            outbox: Vec::new(),
            activity: Vec::new(),
            notice: None,
            error: None,
            ctrl: false,
            form: AddForm::default(),
            compose: super::compose::ComposeState::default(),
            wizard: super::wizard::Wizard::new(super::wizard::WizardEnv::system()),
            now: chrono::Utc::now().timestamp(),
            notifier: crate::notify::Notifier::new(notifications),
        };
        if let Some(dir) = dir {
            match Store::open_dir(&dir) {
                Ok(s) => app.store = Some(s),
                Err(e) => app.error = Some(e.to_string()),
            }
        }
        app.reload();
        if app.accounts.is_empty() {
            app.screen = Screen::Wizard;
        } else {
            let inbox = app.first_inbox();
            app.open_listing(inbox);
        }
        app
    }

    /// Starts the background workers; the returned task feeds their events in.
    pub fn start_worker(&mut self) -> Task<Message> {
        let (Some(dir), Some(store)) = (&self.dir, &self.store) else {
            return Task::none();
        };
        let accounts = store.accounts().unwrap_or_default();
        let (worker, events) = Worker::start(
            dir.clone(),
            accounts,
            self.settings.download,
            self.notifier.clone(),
        );
        self.worker = worker;
        Task::run(events, Message::Worker).chain(Task::done(Message::WorkerClosed))
    }

    fn first_inbox(&self) -> Listing {
        if self.accounts.len() > 1 {
            return Listing::UnifiedInbox;
        }
        self.accounts
            .iter()
            .flat_map(|a| a.folders.iter())
            .find(|f| f.folder.role == Some(FolderRole::Inbox))
            .map_or(Listing::UnifiedInbox, |f| Listing::Folder(f.folder.id))
    }

    /// Re-reads accounts, folders, counts, queue and activity from the store.
    pub fn reload(&mut self) {
        let Some(store) = &self.store else { return };
        let mut out = Vec::new();
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
            out.push(AccountView { account, folders });
        }
        self.accounts = out;
        self.ops = store.open_ops().unwrap_or_default();
        self.outbox = store
            .outbox(None)
            .unwrap_or_default()
            .into_iter()
            .filter(|o| o.state != crate::store::OutboxState::Sent)
            .collect();
        self.activity = store.recent_activity(50).unwrap_or_default();
        self.now = chrono::Utc::now().timestamp();
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

    /// Re-queries the count and the rows around the scroll position.
    pub fn refresh_window(&mut self) {
        let (Some(store), Some(listing)) = (&self.store, self.listing) else {
            self.rows.clear();
            self.count = 0;
            return;
        };
        self.count = store.listing_count(listing, self.unread_only).unwrap_or(0);
        let top = (self.scroll_y / ROW_HEIGHT).floor() as u32;
        self.first = top.saturating_sub(OVERSCAN).min(self.count);
        let limit = self.visible_rows() + 2 * OVERSCAN;
        match store.listing_window(
            listing,
            self.sort,
            self.descending,
            self.unread_only,
            limit,
            self.first,
        ) {
            Ok(rows) => self.rows = rows,
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// The message rows the selection applies to: the multi-selection, else the open one.
    fn targets(&self) -> Vec<MessageId> {
        if self.multi.is_empty() {
            self.selected.into_iter().collect()
        } else {
            self.multi.iter().copied().collect()
        }
    }

    pub fn message_row(&self, id: MessageId) -> Option<MessageRow> {
        self.store.as_ref().and_then(|s| s.message(id).ok())
    }

    pub fn folder_of_role(&self, account: AccountId, role: FolderRole) -> Option<FolderId> {
        self.accounts
            .iter()
            .find(|a| a.account.id == account)
            .and_then(|a| a.folders.iter().find(|f| f.folder.role == Some(role)))
            .map(|f| f.folder.id)
    }

    fn after_local_change(&mut self, accounts: BTreeSet<AccountId>) {
        for a in accounts {
            self.worker.kick(a);
        }
        self.reload();
        self.refresh_window();
        if let Some(r) = &mut self.results
            && let Some(store) = &self.store
        {
            *r = store.search(&self.search, SEARCH_LIMIT).unwrap_or_default();
        }
    }

    fn set_flags(&mut self, add: Flags, remove: Flags) {
        let mut touched = BTreeSet::new();
        for id in self.targets() {
            let Some(store) = &mut self.store else { return };
            match store.message(id) {
                Ok(row) => {
                    touched.insert(row.account_id);
                    if let Err(e) = store.local_set_flags(id, &add, &remove) {
                        self.error = Some(e.to_string());
                    }
                }
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.after_local_change(touched);
    }

    fn move_targets(&mut self, dest: impl Fn(&App, &MessageRow) -> Option<FolderId>) {
        let mut touched = BTreeSet::new();
        for id in self.targets() {
            let Some(row) = self.message_row(id) else {
                continue;
            };
            let Some(to) = dest(self, &row) else {
                self.notice = Some(self.tr.tr("action-no-folder", None));
                continue;
            };
            touched.insert(row.account_id);
            if let Some(store) = &mut self.store
                && let Err(e) = store.local_move(id, to)
            {
                self.error = Some(e.to_string());
            }
        }
        self.clear_open();
        self.after_local_change(touched);
    }

    fn clear_open(&mut self) {
        self.selected = None;
        self.multi.clear();
        self.reading = Reading::Nothing;
    }

    pub(super) fn open_message(&mut self, id: MessageId, index: u32) -> Task<Message> {
        self.selected = Some(id);
        self.cursor = Some(index);
        self.reading = Reading::Loading(id);
        self.worker.show(id);
        // Opening marks it read, as mail clients do; queued like any flag change.
        if self
            .message_row(id)
            .is_some_and(|r| !r.flags.seen && r.uid.is_some())
        {
            let saved = std::mem::take(&mut self.multi);
            self.set_flags(
                Flags {
                    seen: true,
                    ..Default::default()
                },
                Flags::default(),
            );
            self.multi = saved;
        }
        Task::none()
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
        let id = self
            .store
            .as_ref()
            .and_then(|s| {
                s.listing_window(
                    self.listing?,
                    self.sort,
                    self.descending,
                    self.unread_only,
                    1,
                    next,
                )
                .ok()
            })
            .and_then(|mut v| v.pop())
            .map(|r| r.id);
        match id {
            Some(id) => Task::batch([scroll, self.open_message(id, next)]),
            None => scroll,
        }
    }

    fn save_settings(&mut self) {
        if let Some(dir) = &self.dir
            && let Err(e) = self.settings.save(dir)
        {
            self.error = Some(e.to_string());
        }
    }

    pub fn update(&mut self, msg: Message) -> Task<Message> {
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
            }
            Message::OpenListing(l) => {
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
                if read {
                    self.set_flags(seen, Flags::default());
                } else {
                    self.set_flags(Flags::default(), seen);
                }
            }
            Message::Flag(on) => {
                let flagged = Flags {
                    flagged: true,
                    ..Default::default()
                };
                if on {
                    self.set_flags(flagged, Flags::default());
                } else {
                    self.set_flags(Flags::default(), flagged);
                }
            }
            Message::Delete => {
                let mut touched = BTreeSet::new();
                for id in self.targets() {
                    let Some(row) = self.message_row(id) else {
                        continue;
                    };
                    touched.insert(row.account_id);
                    if let Some(store) = &mut self.store
                        && let Err(e) = store.local_delete(id)
                    {
                        self.error = Some(e.to_string());
                    }
                }
                self.clear_open();
                self.after_local_change(touched);
            }
            Message::Archive => {
                self.move_targets(|app, row| {
                    app.folder_of_role(row.account_id, FolderRole::Archive)
                });
            }
            Message::MoveTo(dest) => self.move_targets(move |_, _| Some(dest)),
            Message::SelectAll => {
                self.multi = self.rows.iter().map(|r| r.id).collect();
            }
            Message::ClearSelection => self.multi.clear(),
            Message::SearchChanged(q) => {
                self.search = q;
                self.searching_server = false;
                self.searched_server = false;
                self.results = if self.search.trim().is_empty() {
                    None
                } else {
                    self.store
                        .as_ref()
                        .map(|s| s.search(&self.search, SEARCH_LIMIT).unwrap_or_default())
                };
            }
            Message::Worker(ev) => return self.on_event(ev),
            Message::WorkerClosed => {}
            Message::Tick => {
                self.reload();
                self.refresh_window();
            }
            Message::Key(ev) => return self.on_key(ev),
            Message::OpenLink(url) => {
                if let Err(e) = open::that_detached(&url) {
                    self.error = Some(e.to_string());
                }
            }
            Message::SaveAttachment(index, open) => {
                if let Some(id) = self.selected
                    && let Reading::Shown(m) = &self.reading
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
                        self.error = Some(e.to_string());
                        return Task::none();
                    }
                    let name = super::view::safe_file_name(&a.filename);
                    self.notice = Some(self.tr.tr("attachment-downloading", None));
                    self.worker.save_attachment(id, index, dir.join(name), open);
                }
            }
            Message::SearchServer => {
                if !self.search.trim().is_empty() {
                    self.searching_server = true;
                    self.worker.search_server(self.search.clone());
                }
            }
            Message::RetryOp(op) => {
                if let Some(store) = &self.store {
                    let _ = store.retry_op(op);
                }
                let accounts = self.accounts.iter().map(|a| a.account.id).collect();
                self.after_local_change(accounts);
            }
            Message::DiscardOp(op) => {
                if let Some(store) = &self.store {
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
            Message::SetDownload(p) => {
                self.settings.download = p;
                self.save_settings();
                self.notice = Some(self.tr.tr("settings-applies-next-start", None));
            }
            Message::SetAccountSync(id, on) => {
                if let Some(store) = &self.store {
                    let _ = store.set_sync_enabled(id, on);
                }
                self.reload();
                self.notice = Some(self.tr.tr("settings-applies-next-start", None));
            }
            Message::OutboxRetry(id) => {
                if let Some(store) = &self.store {
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
            Message::SetPane(p, w) => {
                match p {
                    Pane::Folders => self.settings.folder_pane = w,
                    Pane::List => self.settings.list_pane = w,
                }
                self.save_settings();
            }
            Message::Form(m) => return self.on_form(m),
            Message::Compose(m) => return self.on_compose(m),
            Message::ComposeNew => {
                let account = self
                    .selected
                    .and_then(|id| self.message_row(id))
                    .map(|r| r.account_id);
                return self.compose_new(account);
            }
            Message::Respond(kind) => {
                if let Some(id) = self.selected {
                    self.notice = Some(self.tr.tr("compose-preparing", None));
                    self.worker.respond(id, kind, self.quote_labels());
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
            Message::AccountCreated(_id) => {
                self.reload();
                // scheduler: add_account
                return self.start_worker();
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

impl App {
    /// Quote labels in the UI language (the engine fills {date} and {from}).
    pub fn quote_labels(&self) -> crate::mime::reply::QuoteLabels {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("date", "{date}");
        args.set("from", "{from}");
        crate::mime::reply::QuoteLabels {
            attribution: self.tr.tr("compose-reply-attribution", Some(&args)),
            forwarded: self.tr.tr("compose-forwarded-header", None),
            from: self.tr.tr("compose-from", None),
            date: self.tr.tr("reader-date", None),
            subject: self.tr.tr("compose-subject", None),
            to: self.tr.tr("compose-to", None),
        }
    }
}

/// Inbox first, then the special folders in a familiar order, then the rest by name.
fn role_rank(role: Option<FolderRole>) -> u8 {
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
