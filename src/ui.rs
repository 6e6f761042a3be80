//! The desktop window (iced). The ONLY module that imports iced. It reads the cache through
//! store queries, acts through the store's offline queue, and leaves the network to the
//! engine's scheduler (`engine::EngineHandle`): it never speaks a protocol.
mod actions;
pub mod app;
pub mod compose;
pub mod conversation;
mod data;
pub mod doctor;
mod ellipsis;
mod engine_bridge;
mod events;
pub mod failure;
mod focus;
pub mod folder_edit;
pub mod form;
pub mod format;
pub mod gestures;
pub mod highlight;
pub mod html;
pub mod icons;
mod keys;
pub mod panes;
mod reads;
mod routes;
pub mod save_as;
pub mod settings;
pub mod status;
mod undo;
mod undo_send;
pub mod view;
pub mod wizard;

use app::{App, Message};
use iced::Task;
use settings::ThemeChoice;
use std::path::PathBuf;

/// The bundled CJK-capable font (Noto Sans CJK JP, subset to Latin, kana, kanji and common
/// symbols): Japanese renders wherever Tayori runs, whatever fonts the system has.
/// The bundled Japanese font (one copy in the binary, shared with the HTML renderer).
pub const CJK_FONT: &[u8] = crate::render::CJK_FONT;
pub const CJK_FONT_NAME: &str = "Noto Sans CJK JP";

impl App {
    fn title(&self) -> String {
        let unread: i64 = self
            .accounts
            .iter()
            .flat_map(|a| a.folders.iter())
            .filter(|f| f.folder.role == Some(crate::model::FolderRole::Inbox))
            .map(|f| f.cached_unread)
            .sum();
        let title = self.tr.tr("app-title", None);
        if unread > 0 {
            format!("{title} ({})", format::count(unread as u64))
        } else {
            title
        }
    }

    fn theme(&self) -> Option<iced::Theme> {
        match self.settings.theme {
            ThemeChoice::System => None,
            ThemeChoice::Light => Some(iced::Theme::Light),
            ThemeChoice::Dark => Some(iced::Theme::Dark),
        }
    }

    fn subscription(&self) -> iced::Subscription<Message> {
        let syncing = self
            .states
            .values()
            .any(|s| matches!(s, crate::engine::ConnState::Syncing));
        let mut subs = vec![
            self.engine_subscription(),
            keys::listen(),
            iced::window::resize_events().map(|(_, size)| Message::Resized(size)),
        ];
        // Files dropped on the window become attachments of the open message.
        subs.push(iced::event::listen_with(|event, _, _| match event {
            iced::Event::Window(iced::window::Event::FileDropped(path)) => {
                Some(Message::Compose(compose::ComposeMsg::FileDropped(path)))
            }
            _ => None,
        }));
        if self.dragging.is_some() {
            // A drag that leaves the window ends there: a later click on a folder must
            // not move a message.
            subs.push(iced::event::listen_with(|event, _, _| match event {
                iced::Event::Mouse(iced::mouse::Event::CursorLeft) => {
                    Some(Message::Gesture(gestures::GestureMsg::Release))
                }
                _ => None,
            }));
        }
        if self.screen == app::Screen::Compose {
            subs.push(
                iced::time::every(std::time::Duration::from_secs(5)).map(|_| Message::Autosave),
            );
        }
        if self.status.timed() || self.undo_toast().is_some() || self.sending.is_some() {
            subs.push(
                iced::time::every(std::time::Duration::from_secs(1)).map(|_| Message::StatusTick),
            );
        }
        if syncing {
            // Progress of a long sync ("1,200 / 100,000"): re-read the counts every second.
            subs.push(iced::time::every(std::time::Duration::from_secs(1)).map(|_| Message::Tick));
        }
        iced::Subscription::batch(subs)
    }

    pub fn view(&self) -> iced::Element<'_, Message> {
        view::view(self)
    }
}

/// Opens the window over the cache in `dir`; returns the process exit code. `first` is what
/// this start was asked to do (a `mailto:` URL opens the composer); `later` brings the
/// requests of later `tayori` starts (one window per data dir).
pub fn run(
    dir: PathBuf,
    first: crate::instance::Request,
    later: async_channel::Receiver<crate::instance::Request>,
) -> i32 {
    let size = settings::Settings::load(&dir);
    let boot = move || {
        let app = App::new(Some(dir.clone()));
        let requests = Task::run(later.clone(), Message::Instance);
        let focus = app.screen_focus();
        (
            app,
            Task::batch([
                Task::done(Message::Instance(first.clone())),
                requests,
                focus,
            ]),
        )
    };
    let result = iced::application(boot, App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .subscription(App::subscription)
        .font(CJK_FONT)
        .font(icons::FONT_BYTES)
        .default_font(iced::Font::with_name(CJK_FONT_NAME))
        .window_size(iced::Size::new(size.window_width, size.window_height))
        .run();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tayori: cannot open the window: {e}");
            1
        }
    }
}
