//! Drafts in the window (iced_test over a real store): the Drafts folder lists a draft kept
//! only on this device, and clicking it opens the composer with its fields to continue; a
//! message of the Drafts folder opens with "Continue writing".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::settle;
use crate::ui_screens::{click, data_dir, header, shows, with_smtp};
use tayori::engine::Engine;
use tayori::mime::compose::Compose;
use tayori::model::FolderRole;
use tayori::store::Store;
use tayori::ui::app::{App, Message, Screen};

#[test]
fn drafts_are_listed_in_drafts_and_open_in_the_composer() {
    let dir = data_dir();
    with_smtp(&dir);
    let (account, local) = {
        let mut s = Store::open_dir(dir.path()).unwrap();
        let a = s.accounts().unwrap()[0].id;
        let drafts = s
            .upsert_folder(a, "Drafts", Some("/"), Some(FolderRole::Drafts))
            .unwrap();
        s.store_headers(
            drafts,
            &[header(
                1,
                "Written on the phone",
                "alice@example.test",
                1_790_000_000,
            )],
        )
        .unwrap();
        let mut engine = Engine::new(s);
        let c = Compose {
            from: "alice@example.test".into(),
            to: vec!["dave".into()],
            subject: "東京の会議について".into(),
            body: "half a thought".into(),
            ..Default::default()
        };
        (a, engine.save_draft(a, None, &c).unwrap().id)
    };
    let mut app = App::new(Some(dir.path().to_path_buf()));
    click(&mut app, "Drafts");
    assert!(shows(&app, "On this device only (not on the server yet)"));
    click(&mut app, "東京の会議について");
    assert_eq!(app.screen, Screen::Compose);
    assert_eq!(app.compose.draft, Some(local));
    assert_eq!(app.compose.account, Some(account));
    assert_eq!(app.compose.to, "dave");
    assert_eq!(app.compose.body.text(), "half a thought");
    // Saved again, it is the same draft (a new version of it), not a second one.
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::Edit(
            tayori::ui::compose::Field::To,
            "dave@corp.example".into(),
        )),
    );
    settle(&mut app, Message::Autosave);
    let engine = Engine::new(Store::open_dir(dir.path()).unwrap());
    let all = engine.list_drafts(None).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].compose.to, ["dave@corp.example"]);

    // A server draft: the reader offers to continue it.
    settle(&mut app, Message::Nav(Screen::Mail));
    click(&mut app, "Written on the phone");
    assert!(shows(&app, "This is a draft."));
    click(&mut app, "Continue writing");
    assert!(app.status.notice().is_some() || app.status.error().is_some());
}
