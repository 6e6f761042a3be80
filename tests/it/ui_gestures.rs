//! Mouse gestures through iced_test with real pointer events, over a cache synced from the
//! real Dovecot: a message dragged from the list onto a folder is moved there on the server;
//! a right-click opens the row's menu, whose Flag reaches the server; a click that starts
//! and ends on the list moves nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::support::{TestBed, make_message};
use crate::ui_layout::{simulator, texts};
use iced::mouse;
use iced::{Event, Point, Size};
use tayori::model::FolderRole;
use tayori::ui::app::App;

const SIZE: Size = Size {
    width: 1280.0,
    height: 800.0,
};

fn center_of(app: &App, label: &str) -> Point {
    let mut ui = simulator(app, SIZE);
    texts(&mut ui)
        .into_iter()
        .find(|(s, _)| s == label)
        .unwrap_or_else(|| panic!("{label:?} is not drawn"))
        .1
        .center()
}

/// Presses at `from`, moves to `to`, releases there; feeds the messages to the app.
fn drag(app: &mut App, from: Point, to: Point, button: mouse::Button) {
    let messages = {
        let mut ui = simulator(app, SIZE);
        ui.point_at(from);
        ui.simulate([Event::Mouse(mouse::Event::ButtonPressed(button))]);
        ui.point_at(to);
        ui.simulate([
            Event::Mouse(mouse::Event::CursorMoved { position: to }),
            Event::Mouse(mouse::Event::ButtonReleased(button)),
        ]);
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in messages {
        settle(app, m);
    }
}

fn bed_with_inbox() -> (TestBed, Tayori) {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..5).map(|i| {
            (
                1_790_000_000 + i as i64 * 60,
                make_message(i, &format!("Drag me {i}"), "Body."),
                false,
            )
        }),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    (bed, t)
}

#[test]
fn a_message_dragged_onto_a_folder_moves_there_on_the_server() {
    let (bed, t) = bed_with_inbox();
    assert_eq!(server_count(&bed, "Archive"), 0);
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let archive_label = app.tr.tr("folder-archive", None);
    // A click (press and release on the list) moves nothing.
    let row = center_of(&app, "Drag me 3");
    drag(&mut app, row, row, mouse::Button::Left);
    assert!(app.dragging.is_none());
    assert_eq!(app.count, 5);
    // Drag "Drag me 4" onto Archive.
    let row = center_of(&app, "Drag me 4");
    let archive = center_of(&app, &archive_label);
    drag(&mut app, row, archive, mouse::Button::Left);
    assert!(app.dragging.is_none());
    assert_eq!(app.count, 4, "moved out of the Inbox here at once");
    // The window's engine is not running here: the CLI's pass sends the queued move.
    t.run(&["sync"]).ok();
    assert_eq!(server_count(&bed, "Archive"), 1);
    assert_eq!(server_count(&bed, "INBOX"), 4);
    let moved = py_imap(
        &bed,
        0,
        "M.select('Archive')\ntyp, d = M.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')\nprint(d[0][1].decode())",
    );
    assert!(moved.contains("Drag me 4"), "{moved}");
}

#[test]
fn a_right_click_opens_the_rows_menu_and_its_flag_reaches_the_server() {
    let (bed, t) = bed_with_inbox();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let row = center_of(&app, "Drag me 2");
    drag(&mut app, row, row, mouse::Button::Right);
    let (id, _) = app.context.expect("the menu is open");
    // The menu lists the actions; Flag in it flags the message.
    let flag = app.tr.tr("action-flag", None);
    let mut ui = simulator(&app, SIZE);
    assert!(texts(&mut ui).iter().any(|(s, _)| *s == flag));
    drop(ui);
    let messages = {
        let mut ui = simulator(&app, SIZE);
        ui.click(flag.as_str()).unwrap();
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in messages {
        settle(&mut app, m);
    }
    assert!(app.context.is_none(), "choosing closes the menu");
    let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
    let r = store.message(id).unwrap();
    assert!(r.flags.flagged);
    t.run(&["sync"]).ok();
    let uid = r.uid.unwrap().0 as u64;
    assert!(server_flags(&bed, "INBOX", uid).contains("\\\\Flagged"));
    // Archive is a folder of the account: the menu's target list has it.
    assert!(
        app.accounts[0]
            .folders
            .iter()
            .any(|f| f.folder.role == Some(FolderRole::Archive))
    );
}

#[test]
fn a_right_click_on_a_folder_opens_it_with_its_menu() {
    let (_bed, t) = bed_with_inbox();
    t.run(&["folder", "create", "Projects"]).ok();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
    let account = store.accounts().unwrap()[0].id;
    let projects = store.find_folder(account, "Projects").unwrap().id;
    let rename = app.tr.tr("folder-rename", None);
    let count = |app: &App, label: &str| {
        let mut ui = simulator(app, SIZE);
        texts(&mut ui).iter().filter(|(s, _)| s == label).count()
    };
    let at = center_of(&app, "Projects");
    drag(&mut app, at, at, mouse::Button::Right);
    assert_eq!(app.folder_menu, Some(projects));
    assert_eq!(
        app.listing,
        Some(tayori::store::Listing::Folder(projects)),
        "the folder opens"
    );
    // Rename in the menu and in the bar below the folders.
    assert_eq!(count(&app, &rename), 2);
    let messages = {
        let mut ui = simulator(&app, SIZE);
        ui.click(rename.as_str()).unwrap();
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in messages {
        settle(&mut app, m);
    }
    assert!(app.folder_menu.is_none(), "choosing closes the menu");
    assert_eq!(
        app.folder_edit,
        Some(tayori::ui::folder_edit::FolderEdit::Rename {
            folder: projects,
            name: "Projects".into()
        })
    );
    // The Inbox cannot be renamed: its menu offers New folder only.
    let inbox = app.tr.tr("folder-inbox", None);
    settle(
        &mut app,
        tayori::ui::app::Message::Folder(tayori::ui::folder_edit::FolderMsg::Cancel),
    );
    let at = center_of(&app, &inbox);
    drag(&mut app, at, at, mouse::Button::Right);
    assert!(app.folder_menu.is_some());
    assert_eq!(count(&app, &rename), 0);
    assert_eq!(count(&app, &app.tr.tr("folder-new", None)), 2);
}

/// Ctrl held (as the window learns it: a modifiers event) or released.
fn ctrl(app: &mut App, on: bool) {
    let m = if on {
        iced::keyboard::Modifiers::CTRL
    } else {
        iced::keyboard::Modifiers::empty()
    };
    settle(
        app,
        tayori::ui::app::Message::Key(iced::keyboard::Event::ModifiersChanged(m)),
    );
}

#[test]
fn a_ctrl_drag_copies_the_message_and_it_stays_in_the_inbox() {
    let (bed, t) = bed_with_inbox();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let archive_label = app.tr.tr("folder-archive", None);
    let row = center_of(&app, "Drag me 1");
    let archive = center_of(&app, &archive_label);
    ctrl(&mut app, true);
    drag(&mut app, row, archive, mouse::Button::Left);
    ctrl(&mut app, false);
    assert_eq!(app.count, 5, "still in the Inbox");
    let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
    let ops = store.open_ops().unwrap();
    assert!(
        matches!(&ops[..], [op] if matches!(&op.kind, tayori::store::OpKind::Copy { to } if to == "Archive")),
        "{ops:?}"
    );
    t.run(&["sync"]).ok();
    assert_eq!(server_count(&bed, "INBOX"), 5);
    assert_eq!(server_count(&bed, "Archive"), 1);
    let copied = py_imap(
        &bed,
        0,
        "M.select('Archive')\ntyp, d = M.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')\nprint(d[0][1].decode())",
    );
    assert!(copied.contains("Drag me 1"), "{copied}");
    // The cache lists the copy in Archive after the pass, and the original in the Inbox.
    let account = store.accounts().unwrap()[0].id;
    let archive = store.find_folder(account, "Archive").unwrap().id;
    let inbox = store.find_folder(account, "INBOX").unwrap().id;
    assert_eq!(store.folder_stats(archive).unwrap().cached_total, 1);
    assert_eq!(store.folder_stats(inbox).unwrap().cached_total, 5);
    assert!(store.open_ops().unwrap().is_empty());
}

#[test]
fn a_folder_dragged_onto_another_moves_under_it_on_the_server() {
    let (bed, t) = bed_with_inbox();
    t.run(&["folder", "create", "Projects"]).ok();
    t.run(&["folder", "create", "Clients"]).ok();
    t.run(&["folder", "create", "Clients/Acme"]).ok();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let from = center_of(&app, "Clients");
    let to = center_of(&app, "Projects");
    drag(&mut app, from, to, mouse::Button::Left);
    assert!(app.dragging_folder.is_none());
    let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
    let account = store.accounts().unwrap()[0].id;
    let names: Vec<String> = store
        .folders(account)
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(names.contains(&"Projects/Clients".to_string()), "{names:?}");
    assert!(
        names.contains(&"Projects/Clients/Acme".to_string()),
        "{names:?}"
    );
    assert!(!names.contains(&"Clients".to_string()), "{names:?}");
    // A folder dropped on itself or its own subfolder, and the Inbox, do not move.
    let from = center_of(&app, "Projects");
    let into = center_of(&app, "Acme");
    drag(&mut app, from, into, mouse::Button::Left);
    let inbox = app.tr.tr("folder-inbox", None);
    let from = center_of(&app, &inbox);
    drag(&mut app, from, to, mouse::Button::Left);
    assert_eq!(
        store.open_ops().unwrap().len(),
        1,
        "only the first move is queued"
    );
    // Queued like any folder change: the server renames at the next pass.
    t.run(&["sync"]).ok();
    let listed = py_imap(&bed, 0, "typ, d = M.list()\nprint([x.decode() for x in d])");
    assert!(listed.contains("\"/\" Projects/Clients'"), "{listed}");
    assert!(listed.contains("\"/\" Projects/Clients/Acme'"), "{listed}");
    assert!(!listed.contains("\"/\" Clients"), "{listed}");
    assert!(store.open_ops().unwrap().is_empty());
}
