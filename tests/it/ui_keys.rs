//! Keyboard behaviour of the real `App` (iced_test, a real store, no network): keys a text
//! field took run no single-letter shortcut, Ctrl+N opens the composer, Escape clears the
//! search and closes the composer, j/k step past messages without marking them read, and a
//! draft with a half-typed address saves with no error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{drive, settle};
use crate::ui_screens::{data_dir, with_smtp};
use iced::keyboard::{Event as K, Key, Location, Modifiers, key};
use tayori::store::Store;
use tayori::ui::app::{App, Message, Screen};
use tayori::ui::compose::{ComposeMsg, Field};

fn press(k: Key, modifiers: Modifiers) -> K {
    K::KeyPressed {
        key: k.clone(),
        modified_key: k,
        physical_key: key::Physical::Unidentified(key::NativeCode::Unidentified),
        location: Location::Standard,
        modifiers,
        text: None,
        repeat: false,
    }
}

fn letter(c: &str) -> K {
    press(Key::Character(c.into()), Modifiers::default())
}

fn ctrl(c: &str) -> K {
    press(Key::Character(c.into()), Modifiers::CTRL)
}

fn escape() -> K {
    press(Key::Named(key::Named::Escape), Modifiers::default())
}

fn seen(dir: &tempfile::TempDir, app: &App, id: tayori::model::MessageId) -> bool {
    let _ = app;
    Store::open_dir(dir.path())
        .unwrap()
        .message(id)
        .unwrap()
        .flags
        .seen
}

#[test]
fn letters_a_text_field_took_run_no_shortcut_and_free_ones_do() {
    let dir = data_dir();
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::Key(letter("j")));
    assert!(app.selected.is_some());
    for c in ["r", "o", "a", "d", "m", "a", "p", "j", "k", "f"] {
        settle(&mut app, Message::KeyTaken(letter(c)));
    }
    assert_eq!(app.screen, Screen::Mail);
    assert_eq!(app.cursor, Some(0), "j/k typed into a field moved the list");
    assert!(
        app.status.notice().is_none(),
        "a reply was asked for: {:?}",
        app.status.notice()
    );
    // Not taken by a field: "r" asks the engine for a reply.
    settle(&mut app, Message::Key(letter("r")));
    assert!(app.status.notice().is_some());
}

#[test]
fn ctrl_n_opens_the_composer_and_escape_closes_it_keeping_the_draft() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::KeyTaken(ctrl("n")));
    assert_eq!(app.screen, Screen::Compose);
    settle(
        &mut app,
        Message::Compose(ComposeMsg::Edit(Field::To, "dave".into())),
    );
    settle(
        &mut app,
        Message::Compose(ComposeMsg::Edit(
            Field::Subject,
            "東京の会議について".into(),
        )),
    );
    // A half-typed address is a draft like any other: saved, no error.
    settle(&mut app, Message::Autosave);
    assert!(app.compose.error.is_none(), "{:?}", app.compose.error);
    assert!(app.compose.draft.is_some());
    settle(&mut app, Message::KeyTaken(escape()));
    assert_eq!(app.screen, Screen::Mail);
    let engine = tayori::engine::Engine::new(Store::open_dir(dir.path()).unwrap());
    let drafts = engine.list_drafts(None).unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].compose.to, ["dave"]);
    assert_eq!(drafts[0].compose.subject, "東京の会議について");
    // Sending it still refuses the address, by name.
    settle(&mut app, Message::KeyTaken(ctrl("n")));
    settle(
        &mut app,
        Message::Compose(ComposeMsg::Edit(Field::To, "dave".into())),
    );
    settle(&mut app, Message::Compose(ComposeMsg::Send));
    let e = app.compose.error.clone().unwrap_or_default();
    assert!(e.contains("dave"), "{e}");
}

#[test]
fn ctrl_enter_sends_from_the_composer() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::Key(ctrl("n")));
    let enter = press(Key::Named(key::Named::Enter), Modifiers::CTRL);
    // No recipient yet: refused, still composing.
    settle(&mut app, Message::Key(enter.clone()));
    assert!(app.compose.error.is_some());
    assert_eq!(app.screen, Screen::Compose);
    settle(
        &mut app,
        Message::Compose(ComposeMsg::Edit(Field::To, "bob@example.test".into())),
    );
    // Taken by the body editor, it was sent by the editor's own binding: not twice.
    settle(&mut app, Message::KeyTaken(enter.clone()));
    assert_eq!(app.screen, Screen::Compose);
    let _ = app.update(Message::Key(enter));
    assert_eq!(app.screen, Screen::Mail);
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.outbox(None).unwrap().len(), 1);
}

#[test]
fn escape_clears_the_search() {
    let dir = data_dir();
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::SearchChanged("roadmap".into()));
    assert!(app.results.is_some());
    // The search field takes Escape (it leaves the field): the window clears it too.
    settle(&mut app, Message::KeyTaken(escape()));
    assert_eq!(app.search, "");
    assert!(app.results.is_none());
}

#[test]
fn stepping_past_messages_leaves_them_unread_and_the_one_that_stays_is_read() {
    let dir = data_dir();
    let mut app = App::new(Some(dir.path().to_path_buf()));
    assert!(app.settings.mark_read_delay > 0);
    // Two steps in a row: the first message's delay ends when the second is open.
    let first = app.update(Message::Key(letter("j")));
    let passed = app.selected.unwrap();
    let second = app.update(Message::Key(letter("j")));
    let stayed = app.selected.unwrap();
    assert_ne!(passed, stayed);
    drive(&mut app, iced::Task::batch([first, second]));
    assert!(
        !seen(&dir, &app, passed),
        "a message passed with j was marked read"
    );
    assert!(
        seen(&dir, &app, stayed),
        "the message left open was not marked read"
    );
    // 0 marks at once.
    settle(&mut app, Message::SetMarkReadDelay(0));
    settle(&mut app, Message::Key(letter("j")));
    let now = app.selected.unwrap();
    assert!(seen(&dir, &app, now));
}
