//! Edge cases: downgrade refusal, missing keyring, folder mirroring, a client killed mid-write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use std::io::{BufRead, BufReader, Write};
use support::{TestBed, make_message};

/// A server (or a man in the middle) that strips STARTTLS: the client must refuse and never
/// send the password in clear.
#[test]
fn starttls_stripped_is_refused_without_sending_credentials() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
            .unwrap();
        let mut seen = String::new();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            seen.push_str(&line);
            let tag = line.split(' ').next().unwrap_or("*").to_string();
            s.write_all(format!("{tag} BAD command unknown\r\n").as_bytes())
                .unwrap();
            line.clear();
        }
        seen
    });
    let t = Tayori::new();
    t.run(&[
        "account",
        "add",
        "--email",
        "a@example.test",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        &port.to_string(),
        "--imap-security",
        "starttls",
        "--password-command",
        "printf %s secret-pw",
        "--no-test",
    ])
    .ok();
    let r = t.run(&["sync"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("does not offer STARTTLS"), "{}", r.stderr);
    let seen = server.join().unwrap();
    assert!(seen.contains("STARTTLS"), "{seen}");
    assert!(
        !seen.contains("secret")
            && !seen.to_uppercase().contains("LOGIN")
            && !seen.contains("AUTHENTICATE"),
        "{seen}"
    );
}

#[test]
fn password_stdin_without_a_keyring_is_a_clear_error_and_adds_nothing() {
    let t = Tayori::new();
    let mut c = t.cmd(&[
        "account",
        "add",
        "--email",
        "a@example.test",
        "--imap-host",
        "localhost",
        "--imap-port",
        "993",
        "--imap-security",
        "tls",
        "--password-stdin",
        "--no-test",
    ]);
    // No D-Bus session here: the Secret Service cannot be reached.
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"pw\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        // A keyring is reachable on this machine: then the account must exist.
        assert_eq!(
            t.run(&["account", "list", "--json"])
                .ok()
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        return;
    }
    assert!(err.contains("keyring"), "{err}");
    assert!(!err.contains("pw\n"));
    assert_eq!(
        t.run(&["account", "list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn server_side_folder_changes_are_mirrored() {
    let bed = TestBed::start();
    let t = Tayori::new();
    t.add_account(&bed, false);
    py_imap(
        &bed,
        0,
        "M.create('Projects')\nM.append('Projects', None, None, b'Subject: p\\r\\nMessage-ID: <p@x>\\r\\n\\r\\nbody\\r\\n')",
    );
    t.run(&["sync"]).ok();
    let names = |t: &Tayori| -> Vec<String> {
        t.run(&["folders", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&t).contains(&"Projects".to_string()));
    assert_eq!(t.list("Projects").len(), 1);

    // A Japanese folder name travels as modified UTF-7 and is shown decoded.
    py_imap(&bed, 0, "M.create('&TtVOiw-')");
    t.run(&["sync"]).ok();
    let folders = t.run(&["folders", "--json"]).ok().json();
    let work = folders
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "&TtVOiw-")
        .expect("the folder is mirrored");
    assert_eq!(work["display_name"], "仕事");
    assert!(t.run(&["folders"]).ok().stdout.contains("仕事"));

    py_imap(&bed, 0, "M.rename('Projects', 'Work')");
    t.run(&["sync"]).ok();
    let n = names(&t);
    assert!(
        !n.contains(&"Projects".to_string()) && n.contains(&"Work".to_string()),
        "{n:?}"
    );
    assert_eq!(t.list("Work").len(), 1);

    py_imap(&bed, 0, "M.delete('Work')");
    t.run(&["sync"]).ok();
    assert!(!names(&t).contains(&"Work".to_string()));
    assert_eq!(
        t.run(&["account", "list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// The client process is killed while it writes batches: the cache stays consistent and
/// the next pass completes without duplicates.
#[test]
fn client_killed_mid_sync_resumes_cleanly() {
    let bed = TestBed::start();
    let n = 15_000;
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| {
            (
                1_750_000_000 + i as i64,
                make_message(i, &format!("M{i}"), "x"),
                false,
            )
        }),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    let mut child = t.cmd(&["sync"]).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while cached_count(&t) < 1000 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = t.list("INBOX").len();
    assert!(
        partial < n,
        "sync finished before the kill ({partial}); increase n"
    );
    t.run(&["sync"]).ok();
    let rows = t.list("INBOX");
    assert_eq!(rows.len(), n);
    let uids: std::collections::HashSet<u64> =
        rows.iter().map(|r| r["uid"].as_u64().unwrap()).collect();
    assert_eq!(uids.len(), n);
    // Newest first is what a first sync fetches first.
    assert_eq!(rows[0]["subject"], format!("M{}", n - 1));
}

/// The OS keyring for real: gnome-keyring's Secret Service in a private D-Bus session.
#[test]
fn password_in_the_os_keyring_is_used_for_sync_and_never_stored_on_disk() {
    let have = |c: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {c}"))
            .output()
            .unwrap()
            .status
            .success()
    };
    if !(have("dbus-run-session") && have("gnome-keyring-daemon")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have dbus and gnome-keyring (tests/setup-deps.sh)"
        );
        eprintln!("skipped: no dbus-run-session / gnome-keyring-daemon here");
        return;
    }
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..3).map(|i| {
            (
                1_760_000_000 + i as i64,
                make_message(i, &format!("K{i}"), "x"),
                false,
            )
        }),
    );
    let t = Tayori::new();
    let (user, pw) = bed.user(0);
    let script = format!(
        "set -e\nexport XDG_RUNTIME_DIR=$(mktemp -d) HOME=$(mktemp -d)\n\
         printf %s unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
         printf '%s\\n' '{pw}' | {bin} --data-dir {dir} account add --email alice@example.test \
           --imap-host {host} --imap-port {port} --imap-security tls --username {user} \
           --ca-file {ca} --password-stdin\n\
         {bin} --data-dir {dir} sync\n",
        bin = bin(),
        dir = t.data_dir().display(),
        host = bed.host(),
        port = bed.imaps_port(),
        ca = bed.ca_file().display()
    );
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(t.list("INBOX").len(), 3);
    for entry in std::fs::read_dir(t.data_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(pw.len()).any(|w| w == pw.as_bytes()),
            "password found on disk"
        );
    }
}

/// `watch` notices a dropped server, says it is offline, reconnects with backoff when the
/// server is back, and picks up what changed meanwhile.
#[test]
fn watch_reconnects_after_the_server_returns() {
    let mut bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..2).map(|i| {
            (
                1_770_000_000 + i as i64,
                make_message(i, &format!("W{i}"), "x"),
                false,
            )
        }),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    let mut child = t
        .cmd(&["watch"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Waits until every prefix has started a line (in any order: after a reconnect the pass's
    // arrivals are printed before the "online" of the push that follows it).
    let wait_for = |prefixes: &[&str]| -> bool {
        let mut left: Vec<&str> = prefixes.to_vec();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline && !left.is_empty() {
            if let Ok(l) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
                left.retain(|p| !l.starts_with(p));
            }
        }
        left.is_empty()
    };
    assert!(wait_for(&["online"]));
    bed.kill_hard();
    assert!(wait_for(&["offline"]), "no offline line");
    bed.restart();
    py_imap(
        &bed,
        0,
        &format!(
            "M.append('INBOX', None, None, {:?}.encode())",
            String::from_utf8(make_message(7, "While away", "x")).unwrap()
        ),
    );
    assert!(
        wait_for(&["online", "arrived INBOX"]),
        "did not reconnect, or missed the new message"
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(t.list("INBOX").iter().any(|m| m["subject"] == "While away"));

    // Removing the account removes its cache.
    let id = t.run(&["account", "list", "--json"]).ok().json()[0]["id"].to_string();
    t.run(&["account", "remove", &id]).ok();
    assert_eq!(
        t.run(&["account", "list", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        t.run(&["search", "While away", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// Even at the most verbose log level the password never reaches the logs.
#[test]
fn trace_logging_never_shows_the_password() {
    let bed = TestBed::start();
    let t = Tayori::new();
    t.add_account(&bed, true);
    let out = t
        .cmd(&["sync"])
        .env("TAYORI_LOG", "trace")
        .output()
        .unwrap();
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("SELECT") || log.lines().count() > 10,
        "trace logging produced nothing: {log}"
    );
    let (user, pw) = bed.user(0);
    // AUTHENTICATE PLAIN sends base64("\0user\0password").
    let plain = format!("\0{user}\0{pw}");
    let b64 = std::process::Command::new("python3")
        .args([
            "-c",
            &format!(
                "import base64,sys; sys.stdout.write(base64.b64encode({:?}.encode()).decode())",
                plain
            ),
        ])
        .output()
        .unwrap()
        .stdout;
    let b64 = String::from_utf8(b64).unwrap();
    assert!(!b64.is_empty());
    assert!(
        !log.contains(&pw) && !log.contains(&b64),
        "password in the log"
    );
}
