//! The compatibility suite: the real `tayori` binary against Cyrus IMAP 3.6, Courier-IMAP 5
//! and a Dovecot that advertises only IMAP4rev1 (tests/it/support/compat*.rs), with Python's
//! imaplib as another device. Per server: sync, flags both ways, move, delete for good,
//! save-attachment byte-identical, `watch` reporting a change, POP3 download.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Tayori, attachment_bytes, message_with_attachment, watch_lines};
use crate::support::compat::{CompatServer, Kind};

const ATT_SIZE: usize = 150_000;

fn plain(n: usize, subject: &str) -> Vec<u8> {
    format!(
        "From: Carol <carol@example.test>\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Nov 2026 10:0{n}:00 +0000\r\nMessage-ID: <compat-{n}@example.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody {n}\r\n"
    )
    .into_bytes()
}

/// Adds the IMAP account (STARTTLS or implicit TLS), login tested; returns its id.
fn add_imap(t: &Tayori, s: &CompatServer, starttls: bool) -> String {
    let (_, pw) = s.user();
    let args = s.account_args(false, starttls, &pw, true);
    t.run_strings(&args).ok().stdout.trim().to_string()
}

fn by_subject(t: &Tayori, folder: &str) -> HashMap<String, serde_json::Value> {
    t.list(folder)
        .into_iter()
        .map(|m| (m["subject"].as_str().unwrap_or("").to_string(), m))
        .collect()
}

/// UIDs in `folder` not flagged \Deleted.
fn live(s: &CompatServer, folder: &str) -> Vec<u64> {
    s.search(folder, "UNDELETED")
}

/// The server with three messages in INBOX: `{prefix} one`, `{prefix} two` and
/// `{prefix} attachment` (an attachment of [`ATT_SIZE`] bytes).
fn with_mail(kind: Kind, prefix: &str) -> CompatServer {
    let s = CompatServer::start(kind);
    let inbox = s.folder("INBOX");
    s.append(&inbox, &plain(1, &format!("{prefix} one")), "");
    s.append(&inbox, &plain(2, &format!("{prefix} two")), "");
    let att = message_with_attachment(&format!("{prefix} attachment"), "the file", ATT_SIZE);
    s.append(&inbox, &att, "");
    s
}

/// Sync, flags both ways, attachments, move, delete for good, on one server.
fn imap_flow(kind: Kind) {
    let s = with_mail(kind, "Compat");
    let inbox = s.folder("INBOX");
    let (archive, trash) = (s.folder("Archive"), s.folder("Trash"));
    let t = Tayori::new();
    add_imap(&t, &s, kind != Kind::Courier);

    // Sync.
    t.run(&["sync"]).ok();
    let m = by_subject(&t, "INBOX");
    assert_eq!(m.len(), 3, "{kind:?}: {m:?}");
    let one = &m["Compat one"];
    let two = &m["Compat two"];
    assert_eq!(one["seen"], false);

    // Another device flags a message; the next sync shows it.
    let uid1 = one["uid"].as_u64().unwrap();
    s.py_imap(&format!(
        "M.select('\"{inbox}\"')\nM.uid('STORE', '{uid1}', '+FLAGS', '(\\\\Seen \\\\Flagged)')"
    ));
    t.run(&["sync"]).ok();
    let m = by_subject(&t, "INBOX");
    assert_eq!(m["Compat one"]["seen"], true, "{kind:?}");
    assert_eq!(m["Compat one"]["flagged"], true, "{kind:?}");

    // Tayori changes flags; the server has them.
    let id2 = two["id"].to_string();
    let uid2 = two["uid"].as_u64().unwrap();
    t.run(&["flag", &id2, "--read"]).ok();
    t.run(&["flag", &id2, "--flag"]).ok();
    let f = s.flags(&inbox, uid2);
    assert!(
        f.contains("\\\\Seen") && f.contains("\\\\Flagged"),
        "{kind:?}: {f}"
    );
    t.run(&["flag", &one["id"].to_string(), "--unflag"]).ok();
    assert!(!s.flags(&inbox, uid1).contains("Flagged"), "{kind:?}");

    // Attachments come out byte-identical.
    let att = &m["Compat attachment"];
    assert_eq!(att["has_attachments"], true, "{kind:?}");
    let out = t.dir.path().join("data.bin");
    let out_s = out.display().to_string();
    t.run(&["save-attachment", &att["id"].to_string(), "1", &out_s])
        .ok();
    assert!(
        std::fs::read(&out).unwrap() == attachment_bytes(ATT_SIZE),
        "{kind:?}: saved attachment differs"
    );

    // Move (MOVE, or COPY + \Deleted + UID EXPUNGE, or what the server allows).
    t.run(&["move", &id2, "--to", "Archive"]).ok();
    assert_eq!(
        live(&s, &archive).len(),
        1,
        "{kind:?}: Archive on the server"
    );
    assert_eq!(live(&s, &inbox).len(), 2, "{kind:?}: INBOX on the server");
    t.run(&["sync"]).ok();
    assert!(
        !by_subject(&t, "INBOX").contains_key("Compat two"),
        "{kind:?}"
    );
    let arch = t.list("Archive");
    assert_eq!(arch.len(), 1, "{kind:?}: {arch:?}");
    assert_eq!(arch[0]["subject"], "Compat two");
    assert!(arch[0]["uid"].as_u64().is_some(), "{kind:?}");

    // Delete: to Trash, then from Trash for good; it stays gone after the next sync.
    t.run(&["delete", &one["id"].to_string()]).ok();
    t.run(&["sync"]).ok();
    let tr = t.list("Trash");
    assert_eq!(tr.len(), 1, "{kind:?}: {tr:?}");
    t.run(&["delete", &tr[0]["id"].to_string()]).ok();
    t.run(&["sync"]).ok();
    assert_eq!(t.list("Trash").len(), 0, "{kind:?}: the message came back");
    assert!(s.uids(&trash).is_empty(), "{kind:?}: still on the server");
    assert_eq!(t.list("INBOX").len(), 1, "{kind:?}");
    assert_eq!(t.status()["failed"], 0, "{kind:?}");
}

/// `tayori watch` polling every second where it polls, its lines piped.
fn spawn_watch(t: &Tayori) -> std::process::Child {
    spawn_watch_polling(t, 1)
}

fn spawn_watch_polling(t: &Tayori, poll_secs: u32) -> std::process::Child {
    t.cmd(&["watch"])
        .env("TAYORI_POLL_SECS", poll_secs.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `watch` prints a line when another device changes a flag in `folder` (the server's
/// name; `shown` is what `folders` shows).
fn watch_flow(kind: Kind, folder: &str, shown: &str) {
    let s = CompatServer::start(kind);
    let inbox = s.folder(folder);
    if !folder.eq_ignore_ascii_case("INBOX") {
        s.py_imap(&format!("print(M.create('{inbox}'))"));
    }
    s.append(&inbox, &plain(1, "Watch me"), "");
    let t = Tayori::new();
    add_imap(&t, &s, kind != Kind::Courier);
    t.run(&["sync"]).ok();
    let uid = t.list(shown)[0]["uid"].as_u64().unwrap();
    let mut child = spawn_watch(&t);
    let rx = watch_lines(&mut child);
    let first = rx.recv_timeout(Duration::from_secs(20));
    assert!(
        first.as_deref().is_ok_and(|l| l.starts_with("online")),
        "{kind:?}: {first:?}"
    );
    std::thread::sleep(Duration::from_millis(500));
    s.py_imap(&format!(
        "M.select('\"{inbox}\"')\nM.uid('STORE', '{uid}', '+FLAGS', '(\\\\Seen)')"
    ));
    let want = format!("flags {shown} {uid} seen");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while Instant::now() < deadline && !seen.contains(&want) {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push(l);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains(&want), "{kind:?}: watch printed {seen:?}");
}

/// A POP3 account downloads what the server holds, attachments byte-identical.
fn pop3_flow(kind: Kind, starttls: bool) {
    let s = with_mail(kind, "Pop");
    let inbox = s.folder("INBOX");
    let t = Tayori::new();
    let (_, pw) = s.user();
    t.run_strings(&s.account_args(true, starttls, &pw, true))
        .ok();
    let r = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(r[0]["pop3"]["downloaded"], 3, "{kind:?}: {r}");
    let again = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(again[0]["pop3"]["downloaded"], 0, "{kind:?}: {again}");
    let m = by_subject(&t, "INBOX");
    assert_eq!(m.len(), 3, "{kind:?}: {m:?}");
    let out = t.dir.path().join("pop.bin");
    let out_s = out.display().to_string();
    t.run(&[
        "save-attachment",
        &m["Pop attachment"]["id"].to_string(),
        "1",
        &out_s,
    ])
    .ok();
    assert!(std::fs::read(&out).unwrap() == attachment_bytes(ATT_SIZE));
    // Copies stay on the server by default.
    assert_eq!(s.uids(&inbox).len(), 3, "{kind:?}");
}

/// One test per server and flow (`name => body;`).
macro_rules! per_server {
    ($($(#[$doc:meta])* $name:ident => $body:expr;)*) => {
        $( $(#[$doc])* #[test] fn $name() { $body; } )*
    };
}

per_server! {
    compat_cyrus_sync_flags_attachments_move_delete => imap_flow(Kind::Cyrus);
    compat_courier_sync_flags_attachments_move_delete => imap_flow(Kind::Courier);
    compat_rev1_sync_flags_attachments_move_delete => imap_flow(Kind::Rev1);
    compat_cyrus_watch_reports_a_change => watch_flow(Kind::Cyrus, "INBOX", "INBOX");
    compat_courier_watch_reports_a_change => watch_flow(Kind::Courier, "INBOX", "INBOX");
    compat_rev1_watch_reports_a_change => watch_flow(Kind::Rev1, "INBOX", "INBOX");
    /// Without IDLE every poll is a full pass: a change in a Japanese-named folder is
    /// printed with the name `folders` shows.
    compat_rev1_watch_reports_a_change_in_a_japanese_folder =>
        watch_flow(Kind::Rev1, "&TtVOiw-", "仕事");
    compat_cyrus_pop3_download =>
        for starttls in [false, true] { pop3_flow(Kind::Cyrus, starttls) };
    compat_courier_pop3_download =>
        for starttls in [false, true] { pop3_flow(Kind::Courier, starttls) };
}

/// Without UIDPLUS a delete for good is the safe EXPUNGE (RFC 4315 section 1): a message
/// another client flagged \Deleted keeps its flag and stays; and a message stored after a
/// deletion never gets the id the deleted one had.
#[test]
fn compat_rev1_delete_for_good_spares_others_and_ids_are_not_reused() {
    let s = CompatServer::start(Kind::Rev1);
    for (n, subj) in [(1, "Keep flagged"), (2, "Delete me")] {
        s.append("INBOX", &plain(n, subj), "");
    }
    let t = Tayori::new();
    add_imap(&t, &s, false);
    t.run(&["sync"]).ok();
    let m = by_subject(&t, "INBOX");
    let keep_uid = m["Keep flagged"]["uid"].as_u64().unwrap();
    s.py_imap(&format!(
        "M.select('INBOX')\nM.uid('STORE', '{keep_uid}', '+FLAGS', '(\\\\Deleted)')"
    ));
    t.run(&["delete", &m["Delete me"]["id"].to_string()]).ok();
    t.run(&["sync"]).ok();
    let tr = t.list("Trash");
    assert_eq!(tr.len(), 1, "{tr:?}");
    let gone_id = tr[0]["id"].as_i64().unwrap();
    t.run(&["delete", &gone_id.to_string()]).ok();
    assert!(s.uids("Trash").is_empty(), "still in Trash on the server");
    assert!(
        s.uids("INBOX").contains(&keep_uid),
        "another client's message was expunged"
    );
    assert!(
        s.flags("INBOX", keep_uid).contains("Deleted"),
        "its \\Deleted flag was lost"
    );
    s.append("INBOX", &plain(3, "Newcomer"), "");
    t.run(&["sync"]).ok();
    assert!(t.list("Trash").is_empty(), "the deleted message came back");
    let new_id = by_subject(&t, "INBOX")["Newcomer"]["id"].as_i64().unwrap();
    assert!(
        new_id > gone_id,
        "id {gone_id} of a deleted message reused ({new_id})"
    );
}

/// The fake IMAP server playing `script`, and an account on it.
fn fake_account(
    script: crate::support::fake_imap::Misbehave,
) -> (crate::support::fake_imap::FakeImap, Tayori) {
    let server = crate::support::fake_imap::FakeImap::start(script);
    let t = Tayori::new();
    t.run_strings(&server.account_args("printf %s pw", &["--no-test"]))
        .ok();
    (server, t)
}

/// `watch` against a server that does not advertise IDLE polls (TAYORI_POLL_SECS) and never
/// sends IDLE.
#[test]
fn compat_watch_without_idle_polls_instead() {
    use crate::support::fake_imap::Misbehave;
    let (server, t) = fake_account(Misbehave::OneMessage);
    let mut child = spawn_watch(&t);
    let deadline = Instant::now() + Duration::from_secs(20);
    let selects = || server.seen().matches("SELECT \"INBOX\"").count();
    while Instant::now() < deadline && selects() < 4 && !server.seen().contains("IDLE") {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let seen = server.seen();
    assert!(!seen.contains("IDLE"), "sent IDLE: {seen}");
    assert!(selects() >= 4, "did not poll: {seen}");
}

/// A server whose INBOX count never matches what it serves (SELECT says 2, there is 1):
/// `watch` passes again once to catch up, then waits for the poll instead of passing again
/// and again at full speed.
#[test]
fn compat_watch_does_not_spin_when_the_count_never_matches() {
    use crate::support::fake_imap::Misbehave;
    let (server, t) = fake_account(Misbehave::Miscounted);
    let mut child = spawn_watch_polling(&t, 60);
    std::thread::sleep(Duration::from_secs(4));
    let _ = child.kill();
    let _ = child.wait();
    let selects = server.seen().matches("SELECT \"INBOX\"").count();
    assert!(selects >= 2, "watch did not start: {}", server.seen());
    assert!(selects <= 6, "{selects} SELECTs in 4 s: watch spins");
}

/// A folder with a Japanese name (`&TtVOiw-` on the wire): `list --folder`, `move --to`
/// take the name `folders` shows, and `status` shows it too.
#[test]
fn compat_cyrus_japanese_folder_names_as_folders_shows_them() {
    let s = CompatServer::start(Kind::Cyrus);
    s.py_imap("print(M.create('&TtVOiw-'))");
    s.append("&TtVOiw-", &plain(1, "Shigoto"), "");
    s.append("INBOX", &plain(2, "To move"), "");
    let t = Tayori::new();
    add_imap(&t, &s, false);
    t.run(&["sync"]).ok();
    let folders = t.run(&["folders"]).ok().stdout;
    assert!(
        folders.lines().any(|l| l.starts_with("仕事\t")),
        "{folders}"
    );
    let listed = t.list("仕事");
    assert_eq!(listed.len(), 1, "{listed:?}");
    let id = t.list("INBOX")[0]["id"].to_string();
    t.run(&["move", &id, "--to", "仕事"]).ok();
    assert_eq!(live(&s, "&TtVOiw-").len(), 2);
    let status = t.run(&["status"]).ok().stdout;
    assert!(status.lines().any(|l| l.starts_with("仕事\t")), "{status}");
    assert!(!status.contains("&TtVOiw-"), "{status}");
}

/// docomo's IMAP server lists only LOGIN (AUTH=LOGIN, no AUTH=PLAIN): Tayori logs in with the
/// LOGIN command there, over IMAPS and after STARTTLS (Courier configured with docomo's
/// capabilities; Dovecot cannot serve this, its LOGIN command needs the PLAIN mechanism).
#[test]
fn compat_courier_without_auth_plain_logs_in_with_the_login_command() {
    let s = with_mail(Kind::CourierLoginOnly, "Login only");
    let caps = s.py_imap("print(' '.join(M.capabilities))");
    assert!(
        caps.contains("AUTH=LOGIN") && !caps.contains("AUTH=PLAIN"),
        "{caps}"
    );
    // Courier takes AUTHENTICATE PLAIN even when it does not list it, so what Tayori sent
    // is read from the server's login log (DEBUG_LOGIN): the LOGIN command, no AUTHENTICATE.
    let log = || std::fs::read_to_string(s.dir.join("server.stderr")).unwrap_or_default();
    for starttls in [false, true] {
        let logins = log().matches("command=LOGIN").count();
        let t = Tayori::new();
        add_imap(&t, &s, starttls);
        t.run(&["sync"]).ok();
        assert_eq!(t.list("INBOX").len(), 3, "starttls: {starttls}");
        assert!(
            log().matches("command=LOGIN").count() >= logins + 2,
            "{}",
            log()
        );
    }
    assert!(!log().contains("command=AUTHENTICATE"), "{}", log());
}
