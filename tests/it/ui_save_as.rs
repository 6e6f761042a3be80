//! Save As of an attachment, end to end in the window with its engine running against the
//! real Dovecot. The system's dialog (the XDG portal, through `rfd`) cannot be driven under
//! Xvfb, so the test feeds the dialog's answer (`SaveAsMsg::Chosen` with a path) the way
//! the dialog's task does, and everything after it runs for real: a new path is written
//! with the attachment's bytes; an existing file is kept until "Replace" is answered, kept
//! when "Cancel" is, and replaced after "Replace".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::support::TestBed;
use std::time::{Duration, Instant};
use tayori::engine::{EngineHandle, Event};
use tayori::ui::app::{App, Message, Reading};
use tayori::ui::save_as::SaveAsMsg;

/// Feeds the engine's events to the window until `f` says one was the awaited one.
fn until(
    app: &mut App,
    events: &async_channel::Receiver<Event>,
    mut f: impl FnMut(&Event) -> bool,
) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(30) {
        match events.try_recv() {
            Ok(ev) => {
                let hit = f(&ev);
                settle(app, Message::Engine(ev));
                if hit {
                    return true;
                }
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    false
}

fn saved(app: &mut App, events: &async_channel::Receiver<Event>) -> bool {
    until(app, events, |e| matches!(e, Event::Saved(..)))
}

#[test]
fn save_as_writes_a_new_file_and_replaces_one_only_after_replace() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        std::iter::once((
            1_790_000_000,
            message_with_attachment("Report", "See the file.", 30_000),
            false,
        )),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let (handle, events) = EngineHandle::new(t.data_dir().to_path_buf());
    app.engine = handle.clone();
    handle.start_all().unwrap();
    let id = app.rows[0].id;
    settle(&mut app, Message::Select(id, 0));
    assert!(
        until(
            &mut app,
            &events,
            |e| matches!(e, Event::Shown(m, _) if *m == id)
        ),
        "the message never opened"
    );
    let Reading::Shown(m) = &app.reading else {
        panic!("{:?}", app.reading)
    };
    let index = m.attachments[0].index;
    let want = attachment_bytes(30_000);
    let dir = tempfile::tempdir().unwrap();

    // A new path: written at once with the attachment's bytes.
    let fresh = dir.path().join("report.bin");
    settle(
        &mut app,
        Message::SaveAs(SaveAsMsg::Chosen(index, Some(fresh.clone()))),
    );
    assert!(app.replace_ask.is_none());
    assert!(saved(&mut app, &events));
    assert_eq!(std::fs::read(&fresh).unwrap(), want);

    // An existing file: asked first; Cancel keeps it.
    let there = dir.path().join("there.bin");
    std::fs::write(&there, b"keep me").unwrap();
    settle(
        &mut app,
        Message::SaveAs(SaveAsMsg::Chosen(index, Some(there.clone()))),
    );
    assert_eq!(app.replace_ask, Some((index, there.clone())));
    settle(&mut app, Message::SaveAs(SaveAsMsg::Replace(false)));
    std::thread::sleep(Duration::from_millis(500));
    while let Ok(ev) = events.try_recv() {
        assert!(
            !matches!(ev, Event::Saved(..)),
            "nothing is saved after Cancel"
        );
    }
    assert_eq!(std::fs::read(&there).unwrap(), b"keep me");

    // Asked again, Replace: the file now holds the attachment.
    settle(
        &mut app,
        Message::SaveAs(SaveAsMsg::Chosen(index, Some(there.clone()))),
    );
    assert!(app.replace_ask.is_some());
    assert_eq!(
        std::fs::read(&there).unwrap(),
        b"keep me",
        "not before the answer"
    );
    settle(&mut app, Message::SaveAs(SaveAsMsg::Replace(true)));
    assert!(saved(&mut app, &events));
    assert_eq!(std::fs::read(&there).unwrap(), want);
    // A cancelled dialog (no path) does nothing.
    settle(&mut app, Message::SaveAs(SaveAsMsg::Chosen(index, None)));
    assert!(app.replace_ask.is_none());
    handle.shutdown();
}
