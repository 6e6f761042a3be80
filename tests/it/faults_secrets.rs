//! Fault matrix, secrets: the most verbose IMAP trace never shows a credential (AUTH PLAIN
//! or LOGIN), and the cache is private to the user (0700 directory, 0600 database).
use crate::common::{Tayori, bin};
use crate::support::TestBed;
use crate::support::fake_imap::{FakeImap, Misbehave};
use base64::Engine as _;
use std::os::unix::fs::PermissionsExt;

const TRACE: &str = "async_imap::imap_stream=trace,async_imap=trace,tayori=trace";

#[test]
fn faults_trace_log_never_shows_the_auth_plain_payload() {
    let bed = TestBed::start();
    let t = Tayori::new();
    t.add_account(&bed, false);
    let out = t.cmd(&["sync"]).env("TAYORI_LOG", TRACE).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The trace is on: it shows the command, with a stand-in for the payload.
    assert!(stderr.contains("AUTHENTICATE PLAIN"), "no trace: {stderr}");
    assert!(stderr.contains("TAYORIREDACTED"), "{stderr}");
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    for secret in [
        "alice-pw".to_string(),
        b64(b"\0alice\0alice-pw"),
        b64(b"alice\0alice-pw"),
    ] {
        assert!(!stderr.contains(&secret), "{secret} in the log");
    }
}

#[test]
fn faults_trace_log_never_shows_the_login_password() {
    let fake = FakeImap::start(Misbehave::LoginOnly);
    let t = Tayori::new();
    let args = fake.account_args("printf %s 'se\"cret-pw'", &[]);
    t.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .ok();
    let out = t.cmd(&["sync"]).env("TAYORI_LOG", TRACE).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("LOGIN"), "no trace: {stderr}");
    assert!(!stderr.contains("cret-pw"), "password in the log: {stderr}");
    // The server did get the real password, quoted.
    assert!(
        fake.seen().contains(r#"LOGIN "a" "se\"cret-pw""#),
        "{}",
        fake.seen()
    );
}

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn faults_data_dir_and_database_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    // A fresh data dir, made under the usual umask 022.
    let fresh = tmp.path().join("new/tayori");
    let run = |dir: &std::path::Path| {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 022; exec \"{}\" --data-dir \"$1\" status",
                bin()
            ))
            .arg("sh")
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&fresh);
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&fresh.join("tayori.sqlite3")), 0o600);
    for side in ["tayori.sqlite3-wal", "tayori.sqlite3-shm"] {
        let p = fresh.join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }
    // One an older version left readable by everyone is tightened.
    let old = tmp.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    run(&old);
    std::fs::set_permissions(
        old.join("tayori.sqlite3"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    run(&old);
    assert_eq!(mode(&old), 0o700);
    assert_eq!(mode(&old.join("tayori.sqlite3")), 0o600);
}
