//! "Sign in again" in the sync view, end to end: an OAuth2 account on the OAuth2 bed whose
//! refresh token the authorization server refuses (`invalid_grant`) shows the button there
//! (iced_test), the click makes the engine run the browser sign-in (`TAYORI_BROWSER` is curl
//! following the redirect to the loopback listener), keep the new tokens in the OS keyring
//! (gnome-keyring in a private D-Bus session) and restart the account, which then syncs the
//! mail that arrived meanwhile. A crate of its own: it sets this process's
//! DBUS_SESSION_BUS_ADDRESS and TAYORI_BROWSER, which the engine reads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "it/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::keyring::Keyring;
use support::{BedOptions, TestBed, make_message};
use tayori::engine::{ConnState, EngineHandle, Event, SignInState};
use tayori::ui::app::{App, Message, Screen};

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tayori(data: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tayori"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("TAYORI_IMAP_COMPRESS", "never")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tayori {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn shows(app: &App, label: &str) -> bool {
    iced_test::simulator(app.view()).find(label).is_ok()
}

/// Feeds the engine's events to the window until `done` holds (at most 60 s).
fn pump(
    app: &mut App,
    rx: &async_channel::Receiver<Event>,
    what: &str,
    done: impl Fn(&App) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(app) {
        assert!(Instant::now() < deadline, "waited 60 s for {what}");
        if let Ok(ev) = rx.recv_blocking() {
            let _ = app.update(Message::Engine(ev));
        }
    }
}

#[test]
fn sign_in_again_from_the_sync_view_after_invalid_grant_resumes_the_account() {
    let tools = [
        "dbus-run-session",
        "gnome-keyring-daemon",
        "node",
        "npm",
        "curl",
    ];
    if let Some(t) = tools.iter().find(|t| !have(t)) {
        assert!(std::env::var_os("CI").is_none(), "CI must have {t}");
        eprintln!("skipped: {t} missing");
        return;
    }
    let keyring = Keyring::start();
    // SAFETY: set before any other thread of this process (one test in this crate) exists.
    unsafe {
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &keyring.bus);
        std::env::set_var("TAYORI_BROWSER", "curl -s -L -o /dev/null --max-time 20");
        std::env::set_var("TAYORI_IMAP_COMPRESS", "never");
    }
    let bed = TestBed::start_with(BedOptions {
        oauth2: true,
        ..Default::default()
    });
    let msg = |i: usize, s: &str| (1_780_000_000 + i as i64, make_message(i, s, "x"), false);
    bed.load_maildir(0, "INBOX", [msg(0, "before")].into_iter());
    let data = tempfile::tempdir().unwrap();
    let imaps = bed.imaps_port().to_string();
    let args = bed.oauth_account_args(&[
        "--imap-host",
        "localhost",
        "--imap-port",
        &imaps,
        "--imap-security",
        "tls",
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let id = tayori(data.path(), &args);
    let id = id.trim();
    bed.oauth_set("ttl", "2");
    tayori(data.path(), &["account", "login", id]);
    tayori(data.path(), &["sync"]);
    // The refresh token is now refused; the access token runs out.
    bed.oauth_set("invalid-grant", "1");
    std::thread::sleep(Duration::from_secs(3));

    let refreshes = || {
        bed.oauth_requests()
            .iter()
            .filter(|g| *g == "refresh_token")
            .count()
    };
    // (The CLI's sync may have refreshed the 2-second token already.)
    let refreshed_before = refreshes();
    let mut app = App::new(Some(data.path().to_path_buf()));
    let _ = app.update(Message::SetLanguage(Some("en".into())));
    let _ = app.update(Message::Nav(Screen::Sync));
    let (handle, rx) = EngineHandle::new(data.path().to_path_buf());
    app.engine = handle.clone();
    handle.start_all().unwrap();
    let account = app.accounts[0].account.id;
    pump(
        &mut app,
        &rx,
        "the sign-in-again state",
        |a| matches!(a.states.get(&account), Some(ConnState::Failing(f)) if f.key == "oauth-error-sign-in-again"),
    );
    assert!(shows(&app, "Sign in again"), "no Sign in again button");
    assert!(shows(
        &app,
        "The sign-in of alice@example.test has expired or was withdrawn. Sign in again."
    ));
    assert_eq!(
        refreshes() - refreshed_before,
        1,
        "one refresh, refused, and no more: {:?}",
        bed.oauth_requests()
    );

    // Mail arrives meanwhile; the provider takes the new sign-in.
    bed.load_maildir(0, "INBOX", [msg(1, "while signed out")].into_iter());
    bed.oauth_clear("invalid-grant");
    bed.oauth_set("ttl", "3600");
    let mut ui = iced_test::simulator(app.view());
    ui.click("Sign in again").unwrap();
    for m in ui.into_messages().collect::<Vec<_>>() {
        let _ = app.update(m);
    }
    assert!(shows(
        &app,
        "Finish signing in on the provider’s page in your browser. The account goes on by itself afterwards."
    ));
    pump(&mut app, &rx, "the sign-in to finish", |a| {
        !matches!(a.sign_ins.get(&account), Some(SignInState::Browser))
    });
    assert!(app.sign_ins.is_empty(), "{:?}", app.sign_ins);
    let codes = bed
        .oauth_requests()
        .iter()
        .filter(|g| *g == "authorization_code")
        .count();
    assert_eq!(
        codes,
        2,
        "the click did not sign in: {:?}",
        bed.oauth_requests()
    );
    // The account resumes: the new message reaches the cache, and the button is gone.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        while let Ok(ev) = rx.try_recv() {
            let _ = app.update(Message::Engine(ev));
        }
        let list = tayori(data.path(), &["list", "--folder", "INBOX", "--json"]);
        if list.contains("while signed out") {
            break;
        }
        assert!(Instant::now() < deadline, "the account did not resume");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!shows(&app, "Sign in again"));
    handle.shutdown();
}
