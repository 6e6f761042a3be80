//! "Undo send" in the window against the real test bed's Postfix: a message sent with a
//! 30 s delay is not handed to SMTP by a sync meanwhile, and Undo takes it back into the
//! composer: nothing was delivered and nothing is filed in Sent. With a 1 s delay the next
//! sync after it sends the message once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::smtp_send::{add_sender, outbox, py_messages, smtp_bed};

use common::*;
use std::time::Duration;
use tayori::ui::app::{App, Message, Screen};
use tayori::ui::compose::{ComposeMsg, Field};

fn write(app: &mut App, subject: &str) {
    settle(app, Message::ComposeNew);
    assert_eq!(app.screen, Screen::Compose);
    settle(
        app,
        Message::Compose(ComposeMsg::Edit(Field::To, "bob@example.test".into())),
    );
    settle(
        app,
        Message::Compose(ComposeMsg::Edit(Field::Subject, subject.into())),
    );
    // Send, without running the task that waits out the delay (a sync stands in for the
    // account's worker).
    let _ = app.update(Message::Compose(ComposeMsg::Send));
    assert_eq!(app.screen, Screen::Mail);
}

#[test]
fn undo_within_the_delay_leaves_nothing_sent() {
    let bed = smtp_bed();
    let t = Tayori::new();
    add_sender(&t, &bed, false, "alice-pw", &[]);
    t.run(&["sync"]).ok();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    settle(&mut app, Message::SetUndoSendDelay(30));
    write(&mut app, "Taken back");
    assert!(app.sending.is_some());
    // A forced flush does not send a held message.
    t.run(&["sync"]).ok();
    let ob = outbox(&t);
    assert_eq!(ob.len(), 1);
    assert_eq!(ob[0]["state"], "queued");
    settle(&mut app, Message::UndoSend);
    assert_eq!(app.screen, Screen::Compose);
    assert_eq!(app.compose.subject, "Taken back");
    assert_eq!(app.compose.to, "bob@example.test");
    assert!(outbox(&t).is_empty());
    t.run(&["sync"]).ok();
    assert!(py_messages(&bed, 1, "INBOX", "Taken back").is_empty());
    assert!(py_messages(&bed, 0, "Sent", "Taken back").is_empty());

    // With a short delay it goes out once the delay is over.
    settle(&mut app, Message::Nav(Screen::Mail));
    settle(&mut app, Message::SetUndoSendDelay(1));
    write(&mut app, "Sent after the delay");
    std::thread::sleep(Duration::from_millis(2500));
    t.run(&["sync"]).ok();
    assert_eq!(
        py_messages(&bed, 1, "INBOX", "Sent after the delay").len(),
        1
    );
    assert!(py_messages(&bed, 1, "INBOX", "Taken back").is_empty());
}
