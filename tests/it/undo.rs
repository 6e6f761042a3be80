//! Undo in the window (the real `App` over a real cache of a real Dovecot account): a
//! message deleted to Trash and undone is back in the server's INBOX after the next sync
//! (and not in Trash); a flag change undone with Ctrl+Z reaches the server as the old flags.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;
use crate::ui_screens::{click, shows};

use common::*;
use iced::keyboard::{Event as K, Key, Location, Modifiers, key};
use support::{TestBed, make_message};
use tayori::model::MessageId;
use tayori::ui::app::{App, Message};

fn ctrl_z() -> K {
    K::KeyPressed {
        key: Key::Character("z".into()),
        modified_key: Key::Character("z".into()),
        physical_key: key::Physical::Unidentified(key::NativeCode::Unidentified),
        location: Location::Standard,
        modifiers: Modifiers::CTRL,
        text: None,
        repeat: false,
    }
}

fn setup() -> (TestBed, Tayori, App) {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..3).map(|i| {
            (
                1_790_000_000 + i as i64 * 60,
                make_message(i, &format!("Undo test {i}"), "text"),
                false,
            )
        }),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let app = App::new(Some(t.data_dir().to_path_buf()));
    (bed, t, app)
}

#[test]
fn undo_of_a_delete_restores_the_message_on_the_server() {
    let (bed, t, mut app) = setup();
    assert_eq!(server_count(&bed, "INBOX"), 3);
    click(&mut app, "Undo test 1");
    settle(&mut app, Message::Delete);
    assert!(shows(&app, "Moved 1 message to Trash."));
    t.run(&["sync"]).ok();
    assert_eq!(server_count(&bed, "INBOX"), 2);
    assert_eq!(server_count(&bed, "Trash"), 1);
    click(&mut app, "Undo");
    assert!(app.undo.is_none());
    t.run(&["sync"]).ok();
    assert_eq!(server_count(&bed, "INBOX"), 3, "not back in the INBOX");
    assert_eq!(server_count(&bed, "Trash"), 0);
    let subjects: Vec<String> = t
        .list("INBOX")
        .iter()
        .map(|r| r["subject"].as_str().unwrap().to_string())
        .collect();
    assert!(
        subjects.contains(&"Undo test 1".to_string()),
        "{subjects:?}"
    );
    assert_eq!(t.status()["pending"].as_u64().unwrap_or(0), 0);
}

#[test]
fn ctrl_z_undoes_a_flag_change_on_the_server() {
    let (bed, t, mut app) = setup();
    click(&mut app, "Undo test 2");
    let id: MessageId = app.selected.unwrap();
    let uid = app.message_row(id).unwrap().uid.unwrap().0 as u64;
    settle(&mut app, Message::Flag(true));
    t.run(&["sync"]).ok();
    assert!(server_flags(&bed, "INBOX", uid).contains("Flagged"));
    settle(&mut app, Message::Key(ctrl_z()));
    assert!(!app.message_row(id).unwrap().flags.flagged);
    t.run(&["sync"]).ok();
    assert!(!server_flags(&bed, "INBOX", uid).contains("Flagged"));
}
