//! The desktop window (iced). The ONLY module that imports iced. It reads the cache through
//! store queries, acts through the store's offline queue, and leaves the network to the
//! engine on worker threads: it never speaks a protocol.
pub mod app;
pub mod form;
pub mod format;
pub mod settings;
pub mod view;
pub mod wizard;
pub mod worker;

use app::{App, Message};
use settings::ThemeChoice;
use std::path::PathBuf;

/// The bundled CJK-capable font (Noto Sans CJK JP, subset to Latin, kana, kanji and common
/// symbols): Japanese renders wherever Tayori runs, whatever fonts the system has.
pub const CJK_FONT: &[u8] = include_bytes!("../resources/fonts/NotoSansCJKjp-Regular.otf");
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
        iced::Subscription::batch([
            iced::keyboard::listen().map(Message::Key),
            iced::window::resize_events().map(|(_, size)| Message::Resized(size)),
        ])
    }

    pub fn view(&self) -> iced::Element<'_, Message> {
        view::view(self)
    }
}

/// Opens the window over the cache in `dir`; returns the process exit code.
pub fn run(dir: PathBuf) -> i32 {
    let size = settings::Settings::load(&dir);
    let boot = move || {
        let mut app = App::new(Some(dir.clone()));
        let task = app.start_worker();
        (app, task)
    };
    let result = iced::application(boot, App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .subscription(App::subscription)
        .font(CJK_FONT)
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
