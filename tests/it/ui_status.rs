//! The status line (iced_test over a real store): the "in the outbox" notice is drawn in the
//! window's current language (switching to Japanese re-renders it) and ends once the outbox
//! has sent the message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::settle;
use crate::ui_screens::{click, data_dir, with_smtp};
use tayori::store::{SentCopy, Store};
use tayori::ui::app::{App, Message};
use tayori::ui::compose::{ComposeMsg, Field};

const QUEUED_EN: &str = "The message is in the outbox";
const QUEUED_JA: &str = "メッセージを送信トレイに入れました";

fn status_text(app: &App) -> String {
    app.status
        .notice()
        .map(|n| tayori::ui::status::Said::texts(n, &app.tr))
        .unwrap_or_default()
}

#[test]
fn the_queued_notice_follows_the_language_and_ends_when_sent() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = App::new(Some(dir.path().to_path_buf()));
    click(&mut app, "Write");
    settle(
        &mut app,
        Message::Compose(ComposeMsg::Edit(Field::To, "bob@example.test".into())),
    );
    settle(
        &mut app,
        Message::Compose(ComposeMsg::Edit(Field::Subject, "Numbers".into())),
    );
    click(&mut app, "Send");
    assert!(
        status_text(&app).starts_with(QUEUED_EN),
        "{}",
        status_text(&app)
    );
    // Still waiting after a reload: it stays (it is tied to the outbox, not to a timer).
    settle(&mut app, Message::Tick);
    settle(&mut app, Message::StatusTick);
    assert!(status_text(&app).starts_with(QUEUED_EN));
    click(&mut app, "Settings");
    click(&mut app, "日本語");
    assert!(
        status_text(&app).starts_with(QUEUED_JA),
        "{}",
        status_text(&app)
    );
    click(&mut app, "メール");
    // The outbox sends it: the notice ends at the next reload.
    let store = Store::open_dir(dir.path()).unwrap();
    let item = store.outbox(None).unwrap()[0].id;
    assert!(store.claim_outbox(item, "test").unwrap());
    store.outbox_sent(item, "test", SentCopy::Skipped).unwrap();
    settle(&mut app, Message::Tick);
    assert!(app.status.notice().is_none(), "{}", status_text(&app));
}
