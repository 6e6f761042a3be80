//! The sync view drawn headlessly (iced_test, tiny-skia, the bundled CJK font) over caches
//! the real binary filled from real Dovecot: online with two devices (METADATA) and the
//! server's quota, offline with waiting changes (the state from a real failed pass), and a
//! POP3 account that deletes server copies after 3 days; each in English and Japanese.
//! The screen's texts are checked; with TAYORI_SCREENSHOTS=DIR the PNGs are kept there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::window::screen_texts;
use crate::common::*;
use crate::smtp_send::{add_sender, send_mail};
use crate::support::{BedOptions, TestBed};
use std::path::{Path, PathBuf};
use tayori::engine::{ConnState, Engine, EngineHandle, Event, Failure};
use tayori::store::Store;
use tayori::ui::app::{App, Message, Screen};

fn shots_dir(bed: &TestBed) -> PathBuf {
    let d = std::env::var_os("TAYORI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| bed.dir.join("screenshots"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Draws the window as it is now into DIR/NAME.png.
fn shot(app: &App, dir: &Path, name: &str) -> PathBuf {
    let settings = iced::Settings {
        fonts: vec![tayori::ui::CJK_FONT.into()],
        default_font: iced::Font::with_name(tayori::ui::CJK_FONT_NAME),
        ..Default::default()
    };
    let mut ui = iced_test::Simulator::with_size(settings, (1280.0, 1000.0), app.view());
    let snap = ui.snapshot(&iced::Theme::Light).unwrap();
    let want = dir.join(format!("{name}.png"));
    // iced_test names the file NAME-RENDERER.png; write it aside, then move it into place.
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        snap.matches_image(tmp.path().join(format!("{name}.png")))
            .unwrap()
    );
    let written = std::fs::read_dir(tmp.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::copy(&written, &want).unwrap();
    want
}

/// The window over `t`'s cache in `lang`, on the sync view, its accounts in `state`.
fn window(t: &Tayori, lang: &str, state: &ConnState) -> App {
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    settle(&mut app, Message::SetLanguage(Some(lang.to_string())));
    settle(&mut app, Message::Nav(Screen::Sync));
    let ids: Vec<_> = app.accounts.iter().map(|a| a.account.id).collect();
    for id in ids {
        settle(&mut app, Message::Engine(Event::State(id, state.clone())));
    }
    app
}

fn has(texts: &[String], start: &str) -> bool {
    texts.iter().any(|t| t.starts_with(start))
}

fn assert_has(app: &App, starts: &[&str], never: &[&str]) {
    let texts = screen_texts(app);
    for s in starts {
        assert!(has(&texts, s), "no text starting with {s:?}: {texts:#?}");
    }
    for n in never {
        assert!(
            !texts.iter().any(|t| t.contains(n)),
            "{n:?} shown: {texts:#?}"
        );
    }
}

/// What a pass against the stopped server really fails with.
fn offline_failure(t: &Tayori) -> Failure {
    let mut engine = Engine::new(Store::open_dir(t.data_dir()).unwrap());
    let account = engine.store.accounts().unwrap()[0].clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let e = rt.block_on(engine.sync_account(&account)).unwrap_err();
    assert!(e.is_transient(), "{e}");
    Failure::of(&e)
}

#[test]
fn ui_sync_view_online_two_devices_then_offline_with_waiting_changes() {
    let mut bed = TestBed::start_with(BedOptions {
        metadata: true,
        quota_kib: Some(2048),
        smtp: true,
        ..Default::default()
    });
    bed.load_numbered("INBOX", 24, "Report ");
    let dir = shots_dir(&bed);
    let desk = Tayori::new();
    let laptop = Tayori::new();
    let acc = add_sender(&desk, &bed, false, "alice-pw", &[]);
    laptop.add_account(&bed, false);
    desk.run(&["device", "rename", "Desk PC"]).ok();
    laptop.run(&["device", "rename", "ノートPC"]).ok();
    desk.run(&["sync"]).ok();
    laptop.run(&["sync", "--bodies"]).ok();
    // Its entry tells what it holds as of its last pass.
    laptop.run(&["sync"]).ok();
    // Another device reads a message: listed as another device's change.
    py_imap(
        &bed,
        0,
        "M.select('INBOX')\ntyp, d = M.search(None, 'SUBJECT', '\"Report 7\"')\n\
         M.store(d[0].split()[0], '+FLAGS', '\\\\Seen')",
    );
    desk.run(&["sync"]).ok();

    let online = ConnState::Pushing;
    let app = window(&desk, "en", &online);
    assert_has(
        &app,
        &[
            "alice@example.test — up to date",
            "Devices using this account",
            "Desk PC (this device) · ",
            "ノートPC · ",
            "If this computer breaks, nothing is lost: the server keeps your mail",
            "ノートPC · linux · Tayori ",
            "Server space: ",
            "Read elsewhere: Report 7",
            "■ on the server",
        ],
        &["UID "],
    );
    shot(&app, &dir, "sync-online-two-devices-en");
    let app = window(&desk, "ja", &online);
    assert_has(
        &app,
        &[
            "このアカウントを使っている端末",
            "Desk PC（この端末）",
            "サーバーの容量: ",
        ],
        &[],
    );
    shot(&app, &dir, "sync-online-two-devices-ja");

    // Offline: a read, a delete and a move wait for the connection.
    bed.stop();
    let id_of = |subject: &str| {
        desk.list("INBOX")
            .iter()
            .find(|m| m["subject"] == subject)
            .unwrap()["id"]
            .to_string()
    };
    let (r, d, m) = (id_of("Report 3"), id_of("Report 4"), id_of("Report 5"));
    desk.run(&["flag", &r, "--read"]);
    desk.run(&["delete", &d]);
    desk.run(&["move", &m, "--to", "archive"]);
    assert_eq!(desk.status()["pending"], 3);
    // And a message written offline waits in the outbox: no server said anything.
    assert_eq!(
        send_mail(&desk, &acc, "bob@example.test", "Minutes", "text").code,
        1
    );
    let offline = ConnState::Offline(offline_failure(&desk));
    let app = window(&desk, "en", &offline);
    assert_has(
        &app,
        &[
            "Mark read",
            "Delete",
            "Move to Archive",
            "“Report 3” from Sender 3",
            "waiting for the connection",
            "If this computer breaks, nothing is lost except 4 changes",
            "↑ 4 waiting",
            "Retry now",
            "“Minutes” to bob@example.test",
            "Not sent yet: Tayori cannot reach the server. It tries again by itself.",
            "↑ 4 waiting to go to the server    ↓ 0 still coming",
        ],
        &["os error", "Connection refused", "The server said"],
    );
    shot(&app, &dir, "sync-offline-waiting-en");
    let app = window(&desk, "ja", &offline);
    assert_has(
        &app,
        &[
            "既読にする",
            "削除",
            "「Archive」へ移動",
            "接続を待っています",
            "今すぐ再試行",
            "まだ送信されていません: サーバーに接続できません。",
        ],
        &["os error", "Connection refused", "サーバーの応答"],
    );
    shot(&app, &dir, "sync-offline-waiting-ja");
}

#[test]
fn ui_sync_view_pop3_delete_after_days() {
    let bed = TestBed::start();
    bed.load_numbered("INBOX", 5, "Letter ");
    let dir = shots_dir(&bed);
    let t = Tayori::new();
    t.add_pop3(&bed, &["--delete-after-days", "3"]);
    t.run(&["sync"]).ok();
    // Another client removes two from the server: now they exist only here.
    py_imap(
        &bed,
        0,
        "M.select('INBOX')\nM.store('1:2', '+FLAGS', '\\\\Deleted')\nM.expunge()",
    );
    t.run(&["sync"]).ok();
    let st = t.status();
    assert_eq!(st["accounts"][0]["risk"]["only_here"], 2, "{st}");
    assert_eq!(st["accounts"][0]["risk"]["server_copies"], 3, "{st}");
    let app = window(&t, "en", &ConnState::Online);
    assert_has(
        &app,
        &[
            "If this computer breaks, 2 messages that exist only here are lost.",
            "3 copies are left on the server; each is deleted there 3 days after it was downloaded: the next one in 3 days.",
            "POP3 does not share anything between devices",
        ],
        &[],
    );
    shot(&app, &dir, "sync-pop3-delete-after-days-en");
    let app = window(&t, "ja", &ConnState::Online);
    assert_has(
        &app,
        &[
            "このパソコンが壊れると、ここにしかない 2 通のメールが失われます。",
            "サーバーに 3 通のコピーが残っています。",
        ],
        &[],
    );
    shot(&app, &dir, "sync-pop3-delete-after-days-ja");

    // "Pause this account" goes through the scheduler, which keeps it in the store.
    let (handle, events) = EngineHandle::new(t.data_dir().to_path_buf());
    handle.start_all().unwrap();
    let mut app = window(&t, "en", &ConnState::Online);
    app.engine = handle;
    let clicked: Vec<Message> = {
        let mut ui = iced_test::simulator(app.view());
        ui.click("Pause this account").unwrap();
        ui.into_messages().collect()
    };
    for m in clicked {
        settle(&mut app, m);
    }
    let id = app.accounts[0].account.id;
    let paused = || {
        !Store::open_dir(t.data_dir())
            .unwrap()
            .account(id)
            .unwrap()
            .sync_enabled
    };
    let t0 = std::time::Instant::now();
    while !paused() && t0.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(paused(), "the pause is kept in the store");
    let again = window(&t, "en", &ConnState::Disabled);
    assert_has(
        &again,
        &[
            "Resume this account",
            "Paused: this account is not synced until you resume it.",
        ],
        &["Pause this account"],
    );

    // "Check connection": the engine runs the doctor (reads are served while paused).
    let clicked: Vec<Message> = {
        let mut ui = iced_test::simulator(app.view());
        ui.click("Check connection").unwrap();
        ui.into_messages().collect()
    };
    for m in clicked {
        settle(&mut app, m);
    }
    assert_has(&app, &["Checking the connection…"], &[]);
    let t0 = std::time::Instant::now();
    loop {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(30),
            "no doctor answer"
        );
        match events.recv_blocking().unwrap() {
            ev @ Event::Doctor(..) => {
                settle(&mut app, Message::Engine(ev));
                break;
            }
            ev => settle(&mut app, Message::Engine(ev)),
        }
    }
    assert_has(
        &app,
        &[
            "POP3 · Name lookup",
            "POP3 · Encryption (TLS)",
            "Encrypted (TLSv1.",
            "POP3 · Login",
            "Logged in as alice.",
            "POP3 · Message list (UIDL)",
            "Every step passed.",
        ],
        &["alice-pw"],
    );
    shot(&app, &dir, "sync-check-connection-en");
}
