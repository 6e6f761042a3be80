//! The desktop window (iced). The ONLY module that imports iced. It reads the cache through
//! store query functions and never speaks a protocol.
use crate::i18n::Localizer;
use crate::model::FolderId;
use crate::store::{MessageRow, SortOrder, Store};
use fluent_bundle::FluentArgs;
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length};
use std::path::PathBuf;

struct FolderEntry {
    id: FolderId,
    label: String,
}

struct App {
    store: Option<Store>,
    tr: Localizer,
    folders: Vec<FolderEntry>,
    rows: Vec<MessageRow>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
enum Message {
    OpenFolder(FolderId),
}

/// Rows drawn at once: the list is a window over the store query.
const WINDOW: u32 = 200;

impl App {
    fn new(dir: PathBuf) -> Self {
        let tr = Localizer::new(crate::i18n::system_language());
        let mut app = App {
            store: None,
            tr,
            folders: Vec::new(),
            rows: Vec::new(),
            error: None,
        };
        match Store::open_dir(&dir) {
            Ok(s) => {
                app.store = Some(s);
                app.load_folders();
            }
            Err(e) => app.error = Some(e.to_string()),
        }
        app
    }

    fn load_folders(&mut self) {
        let Some(store) = &self.store else { return };
        let mut out = Vec::new();
        for a in store.accounts().unwrap_or_default() {
            for f in store.folders(a.id).unwrap_or_default() {
                let s = store.folder_stats(f.id).ok();
                let mut args = FluentArgs::new();
                args.set("total", s.as_ref().map_or(0, |s| s.cached_total));
                args.set("unread", s.as_ref().map_or(0, |s| s.cached_unread));
                out.push(FolderEntry {
                    id: f.id,
                    label: format!("{}  {}", f.name, self.tr.tr("folder-counts", Some(&args))),
                });
            }
        }
        self.folders = out;
    }

    fn update(&mut self, msg: Message) {
        match msg {
            Message::OpenFolder(id) => {
                if let Some(store) = &self.store {
                    match store.list_messages(id, false, SortOrder::NewestFirst, WINDOW, 0) {
                        Ok(r) => self.rows = r,
                        Err(e) => self.error = Some(e.to_string()),
                    }
                }
            }
        }
    }

    fn view(&self) -> Element<'_, Message> {
        if let Some(e) = &self.error {
            return container(text(e.clone())).padding(20).into();
        }
        if self.folders.is_empty() {
            return container(text(self.tr.tr("no-accounts", None)))
                .padding(20)
                .into();
        }
        let folders = self.folders.iter().fold(
            column![text(self.tr.tr("folders-heading", None)).size(18)].spacing(4),
            |c, f| c.push(button(text(f.label.clone())).on_press(Message::OpenFolder(f.id))),
        );
        let no_subject = self.tr.tr("no-subject", None);
        let list = self.rows.iter().fold(
            column![text(self.tr.tr("messages-heading", None)).size(18)].spacing(2),
            |c, r| {
                let subject = if r.subject.is_empty() {
                    no_subject.clone()
                } else {
                    r.subject.clone()
                };
                let mark = if r.flags.seen { "  " } else { "● " };
                c.push(text(format!("{mark}{}  —  {}", r.from, subject)))
            },
        );
        row![
            scrollable(folders).width(Length::FillPortion(1)),
            scrollable(list).width(Length::FillPortion(3)),
        ]
        .spacing(16)
        .padding(12)
        .into()
    }
}

/// Opens the window over the cache in `dir`; returns the process exit code.
pub fn run(dir: PathBuf) -> i32 {
    let title = Localizer::new(crate::i18n::system_language()).tr("app-title", None);
    let result = iced::application(move || App::new(dir.clone()), App::update, App::view)
        .title(move |_: &App| title.clone())
        .run();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tayori: cannot open the window: {e}");
            1
        }
    }
}
