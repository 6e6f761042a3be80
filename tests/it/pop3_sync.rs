//! POP3 download against a real Dovecot, through the real `tayori` binary (and the engine
//! API where a test needs an injected clock).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use support::{TestBed, make_message};

const BASE_TS: i64 = 1_790_000_000;

pub(crate) fn load(bed: &TestBed, from: usize, n: usize, body: &str) {
    bed.load_maildir(
        0,
        "INBOX",
        (from..from + n).map(|i| {
            (
                BASE_TS + i as i64 * 60,
                make_message(i, &format!("Pop message {i}"), body),
                false,
            )
        }),
    );
}

/// Messages in alice's INBOX on the server, as Dovecot counts them.
pub(crate) fn server_messages(bed: &TestBed) -> usize {
    let out = bed.doveadm(&["mailbox", "status", "-u", "alice", "messages", "INBOX"]);
    out.split("messages=")
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("doveadm said {out}"))
}

/// Adds alice as a POP3 account (POP3S, or STLS) with extra options; returns its id.
pub(crate) fn add_pop3(
    t: &Tayori,
    bed: &TestBed,
    starttls: bool,
    pw: &str,
    extra: &[&str],
) -> String {
    let port = if starttls {
        bed.pop3_port()
    } else {
        bed.pop3s_port()
    };
    add_pop3_at(t, bed, port, starttls, pw, extra)
}

/// [`add_pop3`] at `port` (a proxy in front of the bed).
pub(crate) fn add_pop3_at(
    t: &Tayori,
    bed: &TestBed,
    port: u16,
    starttls: bool,
    pw: &str,
    extra: &[&str],
) -> String {
    let port = port.to_string();
    let pwcmd = format!("printf %s '{pw}'");
    let ca = bed.ca_file().display().to_string();
    let mut args = vec![
        "account",
        "add",
        "--email",
        "alice@example.test",
        "--pop3-host",
        bed.host(),
        "--pop3-port",
        &port,
        "--pop3-security",
        if starttls { "starttls" } else { "tls" },
        "--username",
        "alice",
        "--password-command",
        &pwcmd,
        "--ca-file",
        &ca,
    ];
    args.extend_from_slice(extra);
    t.run(&args).ok().stdout.trim().to_string()
}

fn sync_json(t: &Tayori) -> serde_json::Value {
    t.run(&["sync", "--json"]).ok().json()[0]["pop3"].clone()
}

#[test]
fn first_download_then_nothing_new_and_copies_stay_on_the_server() {
    let mut bed = TestBed::start();
    load(&bed, 0, 20, "hello from pop");
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    let id = add_pop3(&t, &bed, false, &pw, &[]);

    let accounts = t.run(&["account", "list", "--json"]).ok().json();
    assert_eq!(accounts[0]["protocol"], "pop3");
    assert_eq!(accounts[0]["pop3"]["leave_on_server"], true);

    let t0 = std::time::Instant::now();
    let first = sync_json(&t);
    eprintln!("first POP3 download of 20: {:?}", t0.elapsed());
    assert_eq!(first["downloaded"], 20);
    assert_eq!(first["server_count"], 20);
    let rows = t.list("INBOX");
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[0]["subject"], "Pop message 19");
    assert_eq!(rows[0]["seen"], false);
    assert_eq!(
        server_messages(&bed),
        20,
        "leave-on-server keeps the server count"
    );

    // Local Sent, Drafts and Trash exist for a POP account.
    let folders = t.run(&["folders", "--json", "--account", &id]).ok().json();
    let roles: HashSet<String> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["role"].as_str().unwrap_or("").to_string())
        .collect();
    for r in ["inbox", "sent", "drafts", "trash"] {
        assert!(roles.contains(r), "{r} missing: {folders}");
    }

    let t1 = std::time::Instant::now();
    let second = sync_json(&t);
    eprintln!("no-change POP3 pass: {:?}", t1.elapsed());
    assert_eq!(second["downloaded"], 0);
    assert_eq!(t.list("INBOX").len(), 20);

    load(&bed, 20, 3, "three more");
    let third = sync_json(&t);
    assert_eq!(third["downloaded"], 3);
    assert_eq!(third["server_count"], 23);
    assert_eq!(t.list("INBOX").len(), 23);
    assert_eq!(server_messages(&bed), 23);

    // POP3 mail is local: reading and searching work with the server gone.
    bed.stop();
    let msg_id = rows[0]["id"].to_string();
    let shown = t.run(&["show", &msg_id, "--json"]).ok().json();
    assert_eq!(shown["subject"], "Pop message 19");
    assert_eq!(shown["text"], "hello from pop");
    let raw = t.run(&["show", &msg_id, "--raw"]).ok().stdout;
    assert!(raw.contains("Message-ID: <19.bench@example.test>"));
    let found = t.run(&["search", "three more", "--json"]).ok().json();
    assert_eq!(found.as_array().unwrap().len(), 3);
    // Flags are local only and need no server.
    t.run(&["flag", &msg_id, "--read"]).ok();
    let after = t.list("INBOX");
    let flagged = after.iter().find(|r| r["id"] == rows[0]["id"]).unwrap();
    assert_eq!(flagged["seen"], true);
    let status = t.status();
    assert!(
        status["operations"].as_array().is_none_or(|a| a.is_empty()),
        "nothing may stay queued for a POP account: {status}"
    );
}

#[test]
fn stls_and_sasl_plain_download() {
    let bed = TestBed::start();
    load(&bed, 0, 4, "over stls");
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    add_pop3(&t, &bed, true, &pw, &[]);
    let out = t
        .cmd(&["sync", "--json"])
        .env("TAYORI_LOG", "tayori=trace")
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report[0]["pop3"]["downloaded"], 4);
    assert_eq!(t.list("INBOX").len(), 4);
    // The trace log shows the POP3 dialogue but never the password, plain or in AUTH PLAIN.
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("STLS") && log.contains("UIDL"), "{log}");
    assert!(log.contains("credentials hidden"), "{log}");
    let (user, _) = bed.user(0);
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{pw}"));
    assert!(
        !log.contains(&pw) && !log.contains(&b64),
        "password in the log"
    );
}

#[test]
fn without_leave_on_server_mail_is_deleted_only_after_it_is_stored() {
    let bed = TestBed::start();
    load(&bed, 0, 6, "take it");
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    add_pop3(&t, &bed, false, &pw, &["--no-leave-on-server"]);
    let r = sync_json(&t);
    assert_eq!(r["downloaded"], 6);
    assert_eq!(r["deleted_on_server"], 6);
    assert_eq!(server_messages(&bed), 0);
    assert_eq!(t.list("INBOX").len(), 6);
    assert_eq!(sync_json(&t)["downloaded"], 0);
    assert_eq!(t.list("INBOX").len(), 6);
}

struct FixedClock(i64);
impl tayori::engine::Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

#[test]
fn delete_after_n_days_with_an_injected_clock() {
    use tayori::model::{Endpoint, Pop3Options, Protocol, Security};
    let bed = TestBed::start();
    load(&bed, 0, 5, "expires");
    let (user, pw) = bed.user(0);
    let dir = tempfile::tempdir().unwrap();
    let store = tayori::store::Store::open_dir(dir.path()).unwrap();
    let id = store
        .add_account(&tayori::store::NewAccount {
            name: "a".into(),
            email: "alice@example.test".into(),
            username: user,
            protocol: Protocol::Pop3,
            imap: Endpoint {
                host: bed.host().into(),
                port: bed.pop3s_port(),
                security: Security::Tls,
            },
            pop3: Pop3Options {
                leave_on_server: true,
                delete_after_days: Some(7),
                delete_when_deleted: false,
            },
            password_command: Some(format!("printf %s '{pw}'")),
            ca_file: Some(bed.ca_file().display().to_string()),
        })
        .unwrap();
    let mut engine = tayori::engine::Engine::new(store);
    let account = engine.store.account(id).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let day = 86_400;
    let t0 = 1_800_000_000;
    let pass = |engine: &mut tayori::engine::Engine, now: i64| {
        rt.block_on(engine.sync_pop3(&account, &FixedClock(now)))
            .unwrap()
            .pop3
            .unwrap()
    };
    let r = pass(&mut engine, t0);
    assert_eq!((r.downloaded, r.deleted_on_server), (5, 0));
    let r = pass(&mut engine, t0 + 7 * day - 1);
    assert_eq!((r.downloaded, r.deleted_on_server), (0, 0));
    assert_eq!(server_messages(&bed), 5);
    // One new message on day 3 expires later than the first five.
    load(&bed, 5, 1, "younger");
    let r = pass(&mut engine, t0 + 3 * day);
    assert_eq!((r.downloaded, r.deleted_on_server), (1, 0));
    let r = pass(&mut engine, t0 + 7 * day);
    assert_eq!((r.downloaded, r.deleted_on_server), (0, 5));
    assert_eq!(server_messages(&bed), 1);
    let r = pass(&mut engine, t0 + 10 * day);
    assert_eq!((r.downloaded, r.deleted_on_server), (0, 1));
    assert_eq!(server_messages(&bed), 0);
    let inbox = engine.store.find_folder(id, "INBOX").unwrap();
    assert_eq!(engine.store.folder_stats(inbox.id).unwrap().cached_total, 6);
}

#[test]
fn delete_here_deletes_on_the_server_when_asked() {
    let bed = TestBed::start();
    load(&bed, 0, 3, "delete me");
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    add_pop3(&t, &bed, false, &pw, &["--delete-on-server-when-deleted"]);
    sync_json(&t);
    let rows = t.list("INBOX");
    let victim = rows[0]["id"].to_string();
    t.run(&["delete", &victim]).ok();
    assert_eq!(t.list("INBOX").len(), 2);
    assert_eq!(t.list("Trash").len(), 1);
    assert_eq!(server_messages(&bed), 3, "the DELE waits for the next sync");
    assert_eq!(t.status()["pop3_server_deletions"][0]["pending"], 1);
    let r = sync_json(&t);
    assert_eq!(t.status()["pop3_server_deletions"][0]["pending"], 0);
    assert_eq!(r["deleted_on_server"], 1);
    assert_eq!(r["downloaded"], 0);
    assert_eq!(server_messages(&bed), 2);
    // Deleted for good from Trash; nothing comes back.
    t.run(&["delete", &victim]).ok();
    assert_eq!(t.list("Trash").len(), 0);
    assert_eq!(sync_json(&t)["downloaded"], 0);
    assert_eq!(t.list("INBOX").len(), 2);

    // Without the option, a local delete leaves the server alone.
    let t2 = Tayori::new();
    add_pop3(&t2, &bed, false, &pw, &[]);
    sync_json(&t2);
    let id = t2.list("INBOX")[0]["id"].to_string();
    t2.run(&["delete", &id]).ok();
    assert_eq!(sync_json(&t2)["deleted_on_server"], 0);
    assert_eq!(server_messages(&bed), 2);
}

#[test]
fn connection_cut_mid_download_resumes_without_loss_or_duplicates() {
    let mut bed = TestBed::start();
    let n = 400;
    let body = "lorem ipsum dolor sit amet ".repeat(2000); // ~54 KB each
    load(&bed, 0, n, &body);
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    add_pop3(&t, &bed, false, &pw, &[]);
    let mut child = t.cmd(&["sync"]).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while cached_count(&t) < 20 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    bed.kill_hard();
    let status = child.wait().unwrap();
    let partial = t.list("INBOX").len();
    eprintln!("cut after {partial} of {n}; sync exit {status}");
    assert!(
        partial > 0 && partial < n,
        "not cut mid-download ({partial})"
    );
    assert!(!status.success());
    bed.restart();
    let t1 = std::time::Instant::now();
    let r = sync_json(&t);
    eprintln!(
        "resumed: {} messages (~54 KB each) in {:?}",
        r["downloaded"],
        t1.elapsed()
    );
    assert_eq!(r["downloaded"].as_u64().unwrap() as usize, n - partial);
    let rows = t.list("INBOX");
    assert_eq!(rows.len(), n);
    let mids: HashSet<&str> = rows
        .iter()
        .map(|r| r["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(mids.len(), n, "duplicates after resume");
    assert_eq!(server_messages(&bed), n);
}

#[test]
fn wrong_password_is_a_clear_error() {
    let bed = TestBed::start();
    load(&bed, 0, 1, "x");
    let t = Tayori::new();
    add_pop3(&t, &bed, false, "not-the-password", &["--no-test"]);
    let r = t.run(&["sync"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("login failed"), "{}", r.stderr);
    assert!(!r.stderr.contains("not-the-password"));
    assert_eq!(t.list("INBOX").len(), 0);
}

#[test]
fn japanese_iso_2022_jp_mail_shows_decoded() {
    let bed = TestBed::start();
    let raw = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iso2022jp.eml"),
    )
    .unwrap();
    bed.load_maildir(0, "INBOX", std::iter::once((BASE_TS, raw, false)));
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    add_pop3(&t, &bed, false, &pw, &[]);
    sync_json(&t);
    let rows = t.list("INBOX");
    assert_eq!(rows[0]["subject"], "ISO-2022-JPの件名①です");
    assert_eq!(rows[0]["from"], "山田太郎 <yamada@example.jp>");
    let shown = t
        .run(&["show", &rows[0]["id"].to_string(), "--json"])
        .ok()
        .json();
    let text = shown["text"].as_str().unwrap();
    assert!(text.starts_with("こんにちは、①番の件です。"), "{text}");
    let found = t.run(&["search", "髙橋さん", "--json"]).ok().json();
    assert_eq!(found.as_array().unwrap().len(), 1);
}

/// A POP3 server that does not offer STLS: the client must stop before any credentials.
#[test]
fn stls_not_offered_is_refused_without_sending_credentials() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        let mut w = sock.try_clone().unwrap();
        let mut r = BufReader::new(sock);
        w.write_all(b"+OK hostile POP3 ready\r\n").unwrap();
        let mut seen = Vec::new();
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            seen.push(line.trim().to_string());
            if line.starts_with("CAPA") {
                w.write_all(b"+OK\r\nUSER\r\nUIDL\r\n.\r\n").unwrap();
            } else {
                w.write_all(b"+OK\r\n").unwrap();
            }
            line.clear();
        }
        seen
    });
    let t = Tayori::new();
    let port_s = port.to_string();
    t.run(&[
        "account",
        "add",
        "--email",
        "alice@example.test",
        "--pop3-host",
        "127.0.0.1",
        "--pop3-port",
        &port_s,
        "--pop3-security",
        "starttls",
        "--password-command",
        "printf %s secret",
        "--no-test",
    ])
    .ok();
    let r = t.run(&["sync"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("does not offer STLS"), "{}", r.stderr);
    let seen = server.join().unwrap();
    assert_eq!(
        seen,
        vec!["CAPA".to_string()],
        "sent more than CAPA: {seen:?}"
    );
}
