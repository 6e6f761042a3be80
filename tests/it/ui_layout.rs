//! Layout checks through iced_test over a realistic mailbox (common/corpus): message-list
//! rows are one line each and never overlap, 20+ fit at 800 px, and at every window size
//! every reader action is reachable (on the toolbar, or in its overflow menu).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::corpus;
use crate::common::settle;
use iced::{Rectangle, Size};
use iced_test::Simulator;
use iced_test::selector::Candidate;
use tayori::model::{Flags, FolderRole, HeaderInfo, PartInfo, Uid};
use tayori::store::Store;
use tayori::ui::app::{App, Message, ROW_HEIGHT};

/// The corpus's attachment: a name far longer than the reader is wide.
pub const LONG_NAME: &str =
    "quarterly-report-asia-pacific-region-final-revised-2026-with-comments-from-finance.pdf";

/// A data dir with one IMAP account: INBOX holds `n` corpus messages; Sent, Archive.
pub fn data_dir(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, f) = crate::common::local_store(
        dir.path(),
        &[
            ("INBOX", FolderRole::Inbox),
            ("Sent", FolderRole::Sent),
            ("Archive", FolderRole::Archive),
        ],
    );
    let (inbox, sent) = (f[0], f[1]);
    let now = chrono::Utc::now().timestamp();
    let header = |i: usize, m: &corpus::Mail, from: String, to: String| HeaderInfo {
        uid: Uid(i as u32 + 1),
        message_id: Some(format!("<{i}.corpus@example.test>")),
        subject: m.subject.clone(),
        from,
        to,
        cc: String::new(),
        date: m.date,
        internal_date: m.date,
        size: 2000,
        flags: Flags {
            seen: m.seen,
            flagged: m.flagged,
            answered: m.answered,
            ..Default::default()
        },
        modseq: None,
        in_reply_to: None,
        references: None,
        parts: {
            let mut parts = vec![PartInfo {
                section: "1".into(),
                mime: "text/plain".into(),
                size: 100,
                charset: Some("utf-8".into()),
                encoding: "8bit".into(),
                filename: None,
                is_attachment: false,
            }];
            if m.attachment {
                parts.push(PartInfo {
                    section: "2".into(),
                    mime: "application/pdf".into(),
                    size: 48_000,
                    charset: None,
                    encoding: "base64".into(),
                    filename: Some(LONG_NAME.into()),
                    is_attachment: true,
                });
            }
            parts
        },
        has_attachments: m.attachment,
    };
    let mails = corpus::mailbox(n, now);
    let batch: Vec<HeaderInfo> = mails
        .iter()
        .enumerate()
        .map(|(i, m)| {
            header(
                i,
                m,
                format!("{} <{}>", m.name, m.addr),
                "Alice <alice@example.test>".into(),
            )
        })
        .collect();
    s.store_headers(inbox, &batch).unwrap();
    // The newest bodies are on this device (the rest are not downloaded yet).
    for uid in 1..=n.min(10) as u32 {
        let m = s.message_by_uid(inbox, Uid(uid)).unwrap().unwrap();
        let text = format!(
            "{}\n\nお世話になっております。山田です。\n来週の打ち合わせの資料をお送りします。\n\n\
             Please find the numbers for the quarter below; comments are welcome before Friday.\n\n\
             https://example.jp/meeting/{uid}\n",
            m.subject
        );
        s.cache_part(m.id, "1", text.as_bytes()).unwrap();
    }
    let sent_batch: Vec<HeaderInfo> = mails
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, m)| {
            header(
                i,
                m,
                "Alice <alice@example.test>".into(),
                format!("{} <{}>, Bob Martin <bob@example.test>", m.name, m.addr),
            )
        })
        .collect();
    s.store_headers(sent, &sent_batch).unwrap();
    dir
}

/// The window's real fonts (the bundled CJK font and the icon font), at `size`.
pub fn simulator<'a>(app: &'a App, size: Size) -> Simulator<'a, Message> {
    let settings = iced::Settings {
        fonts: vec![
            tayori::ui::CJK_FONT.into(),
            tayori::ui::icons::FONT_BYTES.into(),
        ],
        default_font: iced::Font::with_name(tayori::ui::CJK_FONT_NAME),
        ..Default::default()
    };
    Simulator::with_size(settings, size, app.view())
}

/// Every text drawn (content, bounds), in tree order.
pub fn texts(ui: &mut Simulator<'_, Message>) -> Vec<(String, Rectangle)> {
    let mut out = Vec::new();
    let _ = ui.find(|c: Candidate<'_>| {
        if let Candidate::Text {
            content,
            visible_bounds: Some(b),
            ..
        } = c
        {
            out.push((content.to_string(), b));
        }
        None::<()>
    });
    out
}

/// The bounds of the message list (its scrollable).
fn list_bounds(ui: &mut Simulator<'_, Message>) -> Rectangle {
    let t = ui
        .find(iced::widget::Id::new(tayori::ui::app::LIST_ID))
        .expect("the message list");
    t.visible_bounds().expect("the list is on screen")
}

fn overlap(a: &Rectangle, b: &Rectangle) -> bool {
    a.x < b.x + b.width - 0.5
        && b.x < a.x + a.width - 0.5
        && a.y < b.y + b.height - 0.5
        && b.y < a.y + a.height - 0.5
}

fn check_rows(app: &App, size: Size) -> usize {
    let mut ui = simulator(app, size);
    let list = list_bounds(&mut ui);
    let inside: Vec<(String, Rectangle)> = texts(&mut ui)
        .into_iter()
        .filter(|(s, b)| !s.is_empty() && list.contains(b.center()))
        .collect();
    assert!(!inside.is_empty(), "no rows drawn at {size:?}");
    for (s, b) in &inside {
        assert!(
            b.height <= ROW_HEIGHT,
            "{s:?} is taller than a row ({} > {ROW_HEIGHT}) at {size:?}",
            b.height
        );
        assert!(!s.contains('\n'), "{s:?} spans lines");
    }
    for (i, (s, a)) in inside.iter().enumerate() {
        for (t, b) in &inside[i + 1..] {
            assert!(
                !overlap(a, b),
                "{s:?} {a:?} overlaps {t:?} {b:?} at {size:?}"
            );
        }
    }
    // Rows: distinct bands of ROW_HEIGHT.
    let mut bands: Vec<i64> = inside
        .iter()
        .map(|(_, b)| ((b.center_y() - list.y) / ROW_HEIGHT).floor() as i64)
        .collect();
    bands.sort_unstable();
    bands.dedup();
    bands.len()
}

#[test]
fn list_rows_are_one_line_never_overlap_and_20_fit_at_800px() {
    let dir = data_dir(320);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    assert_eq!(app.count, 320);
    settle(&mut app, Message::Resized(Size::new(1280.0, 800.0)));
    let rows = check_rows(&app, Size::new(1280.0, 800.0));
    assert!(rows >= 20, "only {rows} rows fit at 800 px");
    for size in [Size::new(900.0, 600.0), Size::new(1920.0, 1080.0)] {
        settle(&mut app, Message::Resized(size));
        check_rows(&app, size);
    }
    // Long subjects are cut with an ellipsis, not wrapped.
    let mut ui = simulator(&app, Size::new(900.0, 600.0));
    assert!(
        texts(&mut ui).iter().any(|(s, _)| s.ends_with('…')),
        "no subject was ellipsized"
    );
}

#[test]
fn list_shows_counts_dates_and_recipients_in_sent() {
    let dir = data_dir(320);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    let mut ui = simulator(&app, Size::new(1280.0, 800.0));
    let all = texts(&mut ui);
    assert!(all.iter().any(|(s, _)| s == "320 messages"), "{all:?}");
    // Today's mail shows a time, this week's a weekday.
    assert!(
        all.iter()
            .any(|(s, _)| s.len() == 5 && s.as_bytes()[2] == b':')
    );
    assert!(
        all.iter()
            .any(|(s, _)| ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&s.as_str()))
    );
    drop(ui);
    let sent = app.accounts[0]
        .folders
        .iter()
        .find(|f| f.folder.role == Some(FolderRole::Sent))
        .unwrap()
        .folder
        .id;
    settle(
        &mut app,
        Message::OpenListing(tayori::store::Listing::Folder(sent)),
    );
    let mut ui = simulator(&app, Size::new(1280.0, 800.0));
    let all = texts(&mut ui);
    assert!(all.iter().any(|(s, _)| s == "5 messages"));
    assert!(
        all.iter().any(|(s, _)| s.starts_with("To: ")),
        "Sent lists recipients: {all:?}"
    );
    assert!(!all.iter().any(|(s, _)| s.starts_with("Alice")));
}

#[test]
fn one_message_is_counted_in_the_singular() {
    let dir = data_dir(1);
    let app = App::new(Some(dir.path().to_path_buf()));
    let mut ui = simulator(&app, Size::new(1280.0, 800.0));
    assert!(texts(&mut ui).iter().any(|(s, _)| s == "1 message"));
}

/// What the reader worker would answer for `id`: the engine opening it from the cache.
fn show(
    dir: &tempfile::TempDir,
    id: tayori::model::MessageId,
) -> Result<tayori::engine::ShownMessage, tayori::engine::Failure> {
    let mut engine = tayori::engine::Engine::new(Store::open_dir(dir.path()).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(engine.show(id))
        .map_err(tayori::engine::Failure::from)
}

/// The app over `dir` in `lang` with message uid 2 (cached, answered) open.
pub fn reading(dir: &tempfile::TempDir, lang: &str) -> App {
    reading_row(dir, lang, 1)
}

/// The app over `dir` in `lang` with the message in row `row` open.
pub fn reading_row(dir: &tempfile::TempDir, lang: &str, row: usize) -> App {
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::SetLanguage(Some(lang.into())));
    let id = app.rows[row].id;
    settle(&mut app, Message::Select(id, row as u32));
    let shown = show(dir, id);
    settle(
        &mut app,
        Message::Engine(tayori::engine::Event::Shown(id, shown)),
    );
    assert!(
        matches!(app.reading, tayori::ui::app::Reading::Shown(_)),
        "{:?}",
        app.reading
    );
    app
}

/// Whether `want` (a label or an icon's glyph) is drawn whole inside the window.
fn drawn_whole(all: &[(String, Rectangle)], want: &str, size: Size) -> bool {
    let window = Rectangle::new(iced::Point::ORIGIN, size);
    all.iter().any(|(s, b)| {
        s == want && b.x >= window.x && b.y >= window.y && b.x + b.width <= size.width + 0.5
    })
}

/// Whether the Move control is drawn whole inside the window.
fn move_whole(app: &App, size: Size) -> bool {
    let mut ui = simulator(app, size);
    let found = ui.find(iced::widget::Id::new(tayori::ui::view::toolbar::MOVE_ID));
    let Ok(t) = found else {
        return false;
    };
    let (b, v) = (t.bounds(), t.visible_bounds().unwrap_or_default());
    (b.width - v.width).abs() < 0.5
        && (b.height - v.height).abs() < 0.5
        && b.x + b.width <= size.width
}

const ACTIONS: &[(&str, tayori::ui::icons::Icon)] = &[
    ("compose-reply", tayori::ui::icons::Icon::Reply),
    ("compose-reply-all", tayori::ui::icons::Icon::ReplyAll),
    ("compose-forward", tayori::ui::icons::Icon::Forward),
    ("action-unread", tayori::ui::icons::Icon::Mail),
    ("action-flag", tayori::ui::icons::Icon::Flag),
    ("action-archive", tayori::ui::icons::Icon::Archive),
    ("action-delete", tayori::ui::icons::Icon::Trash2),
];

/// Every reader action is on the toolbar (its label, or its icon), or in the overflow menu
/// once "…" is pressed; Move too. Returns how many were only in the menu.
fn check_reachable(app: &mut App, size: Size) -> usize {
    settle(app, Message::Resized(size));
    let mut ui = simulator(app, size);
    let bar = texts(&mut ui);
    drop(ui);
    let glyph = |i: tayori::ui::icons::Icon| char::from(i).to_string();
    let mut missing: Vec<&str> = Vec::new();
    for (key, icon) in ACTIONS {
        let label = app.tr.tr(key, None);
        // A label on one line (Japanese labels never stack a character per line).
        let one_line = bar
            .iter()
            .filter(|(s, _)| *s == label)
            .all(|(_, b)| b.height < 24.0);
        assert!(one_line, "{label:?} wraps at {size:?}");
        if !drawn_whole(&bar, &label, size) && !drawn_whole(&bar, &glyph(*icon), size) {
            missing.push(key);
        }
    }
    let move_inline = move_whole(app, size);
    if missing.is_empty() && move_inline {
        return 0;
    }
    // The rest are in the overflow menu.
    settle(app, Message::ToggleOverflow);
    let mut ui = simulator(app, size);
    let menu = texts(&mut ui);
    drop(ui);
    for key in &missing {
        let label = app.tr.tr(key, None);
        assert!(
            drawn_whole(&menu, &label, size),
            "{label:?} is neither on the toolbar nor in its menu at {size:?}"
        );
    }
    assert!(move_whole(app, size), "Move is unreachable at {size:?}");
    settle(app, Message::ToggleOverflow);
    missing.len()
}

#[test]
fn every_reader_action_is_reachable_at_every_size_in_english_and_japanese() {
    let dir = data_dir(320);
    for lang in ["en", "ja"] {
        let mut app = reading(&dir, lang);
        for (w, h) in [(1920.0, 1080.0), (1280.0, 800.0), (900.0, 600.0)] {
            check_reachable(&mut app, Size::new(w, h));
        }
        // A narrow reader (the list dragged wide) needs the overflow menu, and it works.
        let size = Size::new(900.0, 600.0);
        settle(&mut app, Message::Resized(size));
        let inner = app.panes.grid.layout().splits().count();
        assert_eq!(inner, 2);
        let list_split = *app.panes.grid.layout().splits().nth(1).unwrap();
        settle(
            &mut app,
            Message::PaneResized(iced::widget::pane_grid::ResizeEvent {
                split: list_split,
                ratio: 0.8,
            }),
        );
        assert!(
            check_reachable(&mut app, size) > 0,
            "no overflow at a narrow reader ({lang})"
        );
    }
}

#[test]
fn pane_sizes_survive_a_restart() {
    let dir = data_dir(5);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::Resized(Size::new(1280.0, 800.0)));
    let outer = *app.panes.grid.layout().splits().next().unwrap();
    settle(
        &mut app,
        Message::PaneResized(iced::widget::pane_grid::ResizeEvent {
            split: outer,
            ratio: 0.3,
        }),
    );
    let before = app.panes.ratios();
    assert!((before.0 - 0.3).abs() < 1e-4);
    drop(app);
    let again = App::new(Some(dir.path().to_path_buf()));
    assert_eq!(again.panes.ratios(), before);
}

#[test]
fn an_undownloaded_message_offline_keeps_its_headers_and_toolbar() {
    let dir = data_dir(320);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    // Row 20 has no body on this device; the engine cannot reach any server here.
    let r = app.rows[20].clone();
    settle(&mut app, Message::Select(r.id, 20));
    let shown = show(&dir, r.id);
    assert!(shown.is_err(), "the body was not on this device");
    settle(
        &mut app,
        Message::Engine(tayori::engine::Event::Shown(r.id, shown)),
    );
    let size = Size::new(1920.0, 1080.0);
    let mut ui = simulator(&app, size);
    let all = texts(&mut ui);
    let has = |s: &str| all.iter().any(|(t, _)| t == s);
    assert!(has(&r.subject), "the stored subject is shown");
    assert!(has(&r.from), "the stored sender is shown");
    assert!(has(
        "Not downloaded yet: it will download when you are online."
    ));
    for label in ["Reply", "Delete", "Archive", "Mark unread"] {
        assert!(has(label), "{label} stays on the toolbar");
    }
    drop(ui);
    settle(&mut app, Message::SetLanguage(Some("ja".into())));
    let mut ui = simulator(&app, size);
    assert!(
        texts(&mut ui).iter().any(|(t, _)| t
            == "まだダウンロードされていません。オンラインになるとダウンロードされます。")
    );
}

#[test]
fn folders_are_created_renamed_and_deleted_from_the_folder_pane() {
    let dir = data_dir(3);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    let click = |app: &mut App, label: &str| {
        let messages = {
            let mut ui = simulator(app, Size::new(1280.0, 800.0));
            ui.click(label)
                .unwrap_or_else(|e| panic!("no {label:?} to click: {e:?}"));
            ui.into_messages().collect::<Vec<_>>()
        };
        for m in messages {
            settle(app, m);
        }
    };
    use tayori::ui::folder_edit::FolderMsg;
    click(&mut app, "New folder");
    settle(&mut app, Message::Folder(FolderMsg::Name("仕事".into())));
    click(&mut app, "Create");
    let store = Store::open_dir(dir.path()).unwrap();
    let a = store.accounts().unwrap()[0].id;
    let f = store.find_folder(a, "&TtVOiw-").expect("created here");
    assert_eq!(
        app.listing,
        Some(tayori::store::Listing::Folder(f.id)),
        "the new folder is open"
    );
    // The open folder (not a special one) can be renamed and deleted.
    click(&mut app, "Rename");
    settle(
        &mut app,
        Message::Folder(FolderMsg::Name("仕事2026".into())),
    );
    click(&mut app, "Rename");
    assert_eq!(store.folder(f.id).unwrap().name, "&TtVOiw-2026");
    click(&mut app, "Delete");
    let mut ui = simulator(&app, Size::new(1280.0, 800.0));
    assert!(
        texts(&mut ui)
            .iter()
            .any(|(s, _)| s == "Delete the folder 仕事2026?"),
        "asks first"
    );
    drop(ui);
    click(&mut app, "Delete");
    assert!(store.folder(f.id).is_err());
    let kinds: Vec<_> = store
        .pending_ops(a)
        .unwrap()
        .into_iter()
        .map(|o| o.kind)
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    // Inbox has no Rename or Delete.
    let mut ui = simulator(&app, Size::new(1280.0, 800.0));
    assert!(ui.find("Rename").is_err());
}

#[test]
fn a_long_attachment_name_is_cut_so_its_buttons_stay_and_save_as_asks_before_replacing() {
    let dir = data_dir(20);
    // Row 2 is the corpus's message with an attachment.
    let mut app = reading_row(&dir, "en", 2);
    let size = Size::new(900.0, 600.0);
    settle(&mut app, Message::Resized(size));
    let mut ui = simulator(&app, size);
    let all = texts(&mut ui);
    drop(ui);
    let name = all
        .iter()
        .find(|(s, _)| s.starts_with("quarterly-report"))
        .expect("the attachment is listed");
    assert!(name.0.ends_with('…'), "{:?}", name.0);
    for label in ["Open", "Save", "Save as…"] {
        assert!(
            drawn_whole(&all, label, size),
            "{label} is pushed out of the reader"
        );
    }
    // Save As chose a file that exists: nothing is written until the person answers.
    let target = dir.path().join("exists.pdf");
    std::fs::write(&target, b"keep me").unwrap();
    use tayori::ui::save_as::SaveAsMsg;
    let index = match &app.reading {
        tayori::ui::app::Reading::Shown(m) => m.attachments[0].index,
        other => panic!("{other:?}"),
    };
    settle(
        &mut app,
        Message::SaveAs(SaveAsMsg::Chosen(index, Some(target.clone()))),
    );
    let mut ui = simulator(&app, Size::new(1920.0, 1080.0));
    let question = format!("{} already exists. Replace it?", target.display());
    assert!(texts(&mut ui).iter().any(|(s, _)| *s == question));
    drop(ui);
    settle(&mut app, Message::SaveAs(SaveAsMsg::Replace(false)));
    assert!(app.replace_ask.is_none());
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
    // A cancelled dialog does nothing either.
    settle(&mut app, Message::SaveAs(SaveAsMsg::Chosen(index, None)));
    assert!(app.replace_ask.is_none());
}
