//! The device authorization grant (RFC 8628) end to end: `tayori account login ID
//! --no-browser` at an issuer whose metadata names a device authorization endpoint (the
//! bed's authorization server with its `device` control file; oauth2-mock-server 8.x has no
//! such endpoint, `oauth2_server.mjs` adds it in front of it and signs with the same key, so
//! Dovecot accepts the tokens). The test plays the person at the other device: it reads the
//! code Tayori prints and approves or refuses it at the server's test-only URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::oauth2::{Fixture, tools};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

/// A running `account login --no-browser` that has printed its address and code.
struct DeviceLogin {
    child: Child,
    stdout: BufReader<ChildStdout>,
    uri: String,
    code: String,
}

impl DeviceLogin {
    fn start(f: &Fixture, id: &str) -> DeviceLogin {
        let mut c = f.cmd(&["account", "login", id, "--no-browser"]);
        // No browser may be used: one that would fail the test if it were.
        c.env("TAYORI_BROWSER", "false")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (mut uri, mut code) = (String::new(), String::new());
        let mut line = String::new();
        while code.is_empty() {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "no code printed");
            if let Some(rest) = line.split(" open ").nth(1) {
                uri = rest.split_whitespace().next().unwrap().to_string();
            }
            if let Some(c) = line.trim().strip_prefix("and enter the code: ") {
                code = c.to_string();
            }
        }
        DeviceLogin {
            child,
            stdout,
            uri,
            code,
        }
    }

    /// Waits for the command; its exit status, the rest of stdout, stderr.
    fn wait(mut self, f: &Fixture) -> (bool, String, String) {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        let out = self.child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        f.stderr.borrow_mut().push_str(&err);
        (out.status.success(), rest, err)
    }
}

/// The person at the other device: approve or deny the code.
fn answer(f: &Fixture, code: &str, verdict: &str) {
    let url = format!(
        "{}/test/device/{verdict}?user_code={code}",
        f.bed.oauth_issuer()
    );
    let out = Command::new("curl")
        .args(["-s", "-f", "-X", "POST", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{url}: {out:?}");
}

/// Each poll's answer with its time (ms), from the server's device.log.
fn polls(f: &Fixture) -> Vec<(u64, String)> {
    f.bed
        .oauth_device_log()
        .lines()
        .filter_map(|l| {
            let (t, what) = l.split_once(' ')?;
            Some((t.parse().ok()?, what.to_string()))
        })
        .filter(|(_, w)| w != "issued")
        .collect()
}

fn device_fixture() -> Fixture {
    let f = Fixture::new();
    f.bed.oauth_set("device", "1");
    f
}

#[test]
fn oauth2_device_code_sign_in_then_sync_honours_interval_and_slow_down() {
    if !tools() {
        return;
    }
    let f = device_fixture();
    f.load_inbox(2);
    // The first poll answers slow_down: the next must wait interval + 5 s.
    f.bed.oauth_set("device-slow-down", "1");
    let id = f.add_imap();
    let login = DeviceLogin::start(&f, &id);
    assert_eq!(login.uri, format!("{}/device", f.bed.oauth_issuer()));
    assert!(
        login.code.len() == 9 && login.code.chars().nth(4) == Some('-'),
        "{}",
        login.code
    );
    std::thread::sleep(Duration::from_millis(1500));
    answer(&f, &login.code, "approve");
    let (ok, rest, err) = login.wait(&f);
    assert!(ok, "{err}");
    assert!(rest.contains("signed in alice@example.test"), "{rest}");

    let p = polls(&f);
    let kinds: Vec<&str> = p.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"slow_down"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"approved"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "slow_down").count(),
        1,
        "Tayori polled sooner than the interval: {kinds:?}"
    );
    assert!(
        p[1].0 - p[0].0 >= 5_900,
        "the poll after slow_down came {} ms later",
        p[1].0 - p[0].0
    );
    // No browser flow: only device grants reached the token endpoint.
    let grants = f.bed.oauth_requests();
    assert!(
        grants
            .iter()
            .all(|g| g == "urn:ietf:params:oauth:grant-type:device_code"),
        "{grants:?}"
    );

    f.run(&["sync"]).ok();
    assert_eq!(f.inbox_count(), 2);
}

#[test]
fn oauth2_device_code_denied_and_expired_say_so_and_keep_nothing() {
    if !tools() {
        return;
    }
    let f = device_fixture();
    let id = f.add_imap();

    let login = DeviceLogin::start(&f, &id);
    answer(&f, &login.code, "deny");
    let (ok, _, err) = login.wait(&f);
    assert!(!ok);
    let last = err.lines().last().unwrap_or("");
    assert_eq!(
        last,
        "tayori: the sign-in was refused on the other device (access_denied)"
    );
    assert_eq!(
        polls(&f).last().map(|p| p.1.as_str()),
        Some("access_denied")
    );

    f.bed.oauth_set("device-expires-in", "3");
    let before = polls(&f).len();
    let login = DeviceLogin::start(&f, &id);
    let (ok, rest, err) = login.wait(&f);
    assert!(!ok, "{rest}");
    // Pending while nobody enters the code, one poll a second (the interval) at most.
    let p = polls(&f)[before..].to_vec();
    assert!(
        p.iter()
            .filter(|(_, w)| w == "authorization_pending")
            .count()
            >= 2,
        "{p:?}"
    );
    assert!(p.iter().all(|(_, w)| w != "slow_down"), "{p:?}");
    assert!(p.windows(2).all(|w| w[1].0 - w[0].0 >= 900), "{p:?}");
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with("tayori: the code expired before it was entered (it was good for 1 min"),
        "{last}"
    );

    // Nothing was kept: the account is still not signed in.
    let s = f.run(&["sync"]);
    assert_eq!(s.code, 1);
    assert!(s.stderr.contains("is not signed in yet"), "{}", s.stderr);
}
