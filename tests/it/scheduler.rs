//! The engine's scheduler against the real Dovecot: `watch` runs it for every account; the
//! kept read session serves uncached messages with no new login; a policy change applies
//! while it runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{TestBed, make_message};
use tayori::engine::{ConnState, EngineHandle, Event};
use tayori::model::{AccountId, MessageId};

/// Adds user `n` of the bed as an IMAPS account with its own address; returns the id.
pub fn add_user(t: &Tayori, bed: &TestBed, n: usize) -> String {
    let (user, pw) = bed.user(n);
    let pwcmd = format!("printf %s '{pw}'");
    let email = format!("{user}@example.test");
    let port = bed.imaps_port().to_string();
    let ca = bed.ca_file().display().to_string();
    t.run(&[
        "account",
        "add",
        "--email",
        &email,
        "--imap-host",
        bed.host(),
        "--imap-port",
        &port,
        "--imap-security",
        "tls",
        "--username",
        &user,
        "--password-command",
        &pwcmd,
        "--ca-file",
        &ca,
    ])
    .ok()
    .stdout
    .trim()
    .to_string()
}

fn append(bed: &TestBed, user: usize, subject: &str) {
    let msg = String::from_utf8(make_message(9000 + user, subject, "pushed")).unwrap();
    py_imap(
        bed,
        user,
        &format!("M.append('INBOX', None, None, {:?}.encode())", msg),
    );
}

/// Lines of a child's stdout, through a channel.
fn lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

struct Kill(std::process::Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_runs_every_account_and_reports_arrivals_in_both() {
    let bed = TestBed::start();
    let t = Tayori::new();
    add_user(&t, &bed, 0);
    add_user(&t, &bed, 1);
    t.run(&["sync"]).ok();
    let mut w = Kill(
        t.cmd(&["watch"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let rx = lines(&mut w.0);
    let mut seen: Vec<String> = Vec::new();
    fn wait(
        rx: &std::sync::mpsc::Receiver<String>,
        seen: &mut Vec<String>,
        what: &dyn Fn(&str) -> bool,
        secs: u64,
    ) -> bool {
        if seen.iter().any(|l| what(l)) {
            return true;
        }
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(secs) {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
                seen.push(l.clone());
                if what(&l) {
                    return true;
                }
            }
        }
        false
    }
    for who in ["alice", "bob"] {
        let prefix = format!("{who}@example.test: online");
        assert!(
            wait(&rx, &mut seen, &|l| l.starts_with(&prefix), 30),
            "no online line for {who}: {seen:?}"
        );
    }
    append(&bed, 0, "For Alice");
    append(&bed, 1, "For Bob");
    let mut alice = false;
    let mut bob = false;
    let t0 = Instant::now();
    while !(alice && bob) && t0.elapsed() < Duration::from_secs(30) {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            alice |= l.starts_with("alice@example.test: arrived INBOX") && l.ends_with("For Alice");
            bob |= l.starts_with("bob@example.test: arrived INBOX") && l.ends_with("For Bob");
            seen.push(l);
        }
    }
    assert!(alice && bob, "watch printed {seen:?}");
}

/// Events of a scheduler until `f` says stop (or the deadline).
fn until(
    events: &async_channel::Receiver<Event>,
    secs: u64,
    mut f: impl FnMut(&Event) -> bool,
) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        match events.try_recv() {
            Ok(ev) => {
                if f(&ev) {
                    return true;
                }
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    false
}

#[test]
fn uncached_messages_open_on_the_kept_session_without_new_logins() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..12).map(|i| {
            (
                1_790_000_000 + i as i64 * 60,
                make_message(i, &format!("Kept {i}"), &format!("body number {i}")),
                false,
            )
        }),
    );
    let t = Tayori::new();
    let acc = AccountId(add_user(&t, &bed, 0).parse().unwrap());
    t.run(&["sync"]).ok();
    let rows = t.list("INBOX");
    assert_eq!(rows.len(), 12);
    let (h, events) = EngineHandle::new(t.data_dir().to_path_buf());
    h.add_account(acc);
    assert!(
        until(&events, 30, |e| matches!(
            e,
            Event::State(_, ConnState::Pushing)
        )),
        "the account never reached push"
    );
    let open = |id: MessageId| -> String {
        h.show(acc, id);
        let mut text = None;
        assert!(until(&events, 20, |e| match e {
            Event::Shown(m, r) if *m == id => {
                text = Some(r.as_ref().map(|s| s.text.clone()).unwrap());
                true
            }
            _ => false,
        }));
        text.unwrap()
    };
    let ids: Vec<(MessageId, String)> = rows
        .iter()
        .map(|r| {
            (
                MessageId(r["id"].as_i64().unwrap()),
                r["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The read session logged in when the account started: no open logs in again.
    std::thread::sleep(Duration::from_millis(500));
    let before = bed.imap_logins();
    assert!(
        before >= 2,
        "Dovecot's log shows no logins (format changed?)"
    );
    let first = open(ids[0].0);
    assert!(first.contains("body number"), "{first}");
    for (id, subject) in &ids[1..11] {
        let n = subject.trim_start_matches("Kept ");
        let text = open(*id);
        assert!(
            text.contains(&format!("body number {n}")),
            "{subject}: {text}"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(bed.imap_logins(), before, "reads logged in again");
    // The session survives the server closing it: the next read reconnects by itself.
    bed.doveadm(&["kick", &bed.user(0).0]);
    std::thread::sleep(Duration::from_millis(500));
    let (id, subject) = &ids[11];
    let again = open(*id);
    let n = subject.trim_start_matches("Kept ");
    assert!(again.contains(&format!("body number {n}")), "{again}");
    h.shutdown();
}

/// "Keep all mail readable offline" clicked in the window's Settings reaches the running
/// scheduler: the bodies download with no restart (the store's count of readable bodies).
#[test]
fn the_offline_policy_changed_in_settings_applies_without_a_restart() {
    use iced_test::simulator;
    use tayori::ui::app::{App, Message, Screen};
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..30).map(|i| {
            (
                1_790_000_000 + i as i64 * 60,
                make_message(i, &format!("Policy {i}"), &format!("offline text {i}")),
                false,
            )
        }),
    );
    let t = Tayori::new();
    let acc = AccountId(add_user(&t, &bed, 0).parse().unwrap());
    t.run(&["sync"]).ok();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    app.engine.start_all().unwrap();
    let bodies = || {
        let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
        let inbox = store
            .folder_by_role(acc, tayori::model::FolderRole::Inbox)
            .unwrap()
            .unwrap();
        store.folder_stats(inbox.id).unwrap().cached_bodies
    };
    // On demand (the default): nothing downloads by itself.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(bodies(), 0);
    settle(&mut app, Message::Nav(Screen::Settings));
    let clicked = {
        let mut ui = simulator(app.view());
        ui.click("Keep all mail readable offline").unwrap();
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in clicked {
        settle(&mut app, m);
    }
    let t0 = Instant::now();
    while bodies() < 30 && t0.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(bodies(), 30, "the new policy did not take effect");
    eprintln!("policy clicked -> 30 bodies offline in {:?}", t0.elapsed());
    // And what came down is searchable: the scheduler indexes it after the download.
    let found = || {
        t.run(&["search", "offline text 17", "--json"])
            .ok()
            .json()
            .as_array()
            .map_or(0, |a| a.len())
    };
    let t1 = Instant::now();
    while found() == 0 && t1.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(found() >= 1, "the downloaded text is not searchable");
    let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
    assert_eq!(
        store.offline_policy(acc).unwrap().mode,
        tayori::model::OfflineMode::All
    );
    app.engine.shutdown();
}
