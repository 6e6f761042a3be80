//! OAuth2 sign-in end to end against the OAuth2 bed (`BedOptions { oauth2: true, .. }`):
//! Dovecot's oauth2 passdb validating RS256 JWTs of a local authorization server
//! (oauth2-mock-server), Postfix SASL through Dovecot. The real `tayori` binary signs in
//! through the browser flow (`TAYORI_BROWSER` is curl following the redirects to the
//! loopback listener), keeps its tokens in a real Secret Service (gnome-keyring in a private
//! D-Bus session), syncs over IMAP, sends over SMTP and downloads over POP3 with XOAUTH2.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{Run, Tayori, have_all_or_skip};
use crate::support::keyring::Keyring;
use crate::support::{BedOptions, TestBed, make_message, py_imap_at};
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser of these tests: follows the authorization server's redirect to Tayori's
/// loopback listener, as a browser whose user approves at once.
const BROWSER: &str = "curl -s -L -o /dev/null --max-time 20";

/// The tools these tests need; without them they are skipped, except in CI.
pub(crate) fn tools() -> bool {
    have_all_or_skip(&[
        "dbus-run-session",
        "gnome-keyring-daemon",
        "node",
        "npm",
        "curl",
    ])
}

/// One tayori data dir on the OAuth2 bed, with the keyring; remembers every stderr.
pub(crate) struct Fixture {
    pub(crate) bed: TestBed,
    keyring: Keyring,
    pub(crate) t: Tayori,
    pub(crate) stderr: std::cell::RefCell<String>,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        Self::with(BedOptions {
            smtp: true,
            oauth2: true,
            ..Default::default()
        })
    }

    pub(crate) fn with(opts: BedOptions) -> Fixture {
        let bed = TestBed::start_with(opts);
        Fixture {
            bed,
            keyring: Keyring::start(),
            t: Tayori::new(),
            stderr: Default::default(),
        }
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.t.cmd(args);
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.keyring.bus)
            .env("TAYORI_BROWSER", BROWSER)
            .env(
                "TAYORI_LOG",
                "tayori=trace,async_imap=trace,lettre=trace,reqwest=trace,hyper=trace,oauth2=trace",
            )
            .env("TAYORI_IMAP_COMPRESS", "never");
        c
    }

    pub(crate) fn run_with(&self, args: &[&str], stdin: &str) -> Run {
        let r = crate::common::run_piped(self.cmd(args), stdin);
        self.stderr.borrow_mut().push_str(&r.stderr);
        r
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, "")
    }

    /// `account add --auth oauth2` for alice at the bed's issuer with these server options;
    /// returns the id.
    pub(crate) fn add_oauth(&self, servers: &[&str]) -> String {
        let args = self.bed.oauth_account_args(servers);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args).ok().stdout.trim().to_string()
    }

    /// The same over IMAPS, with submission (STARTTLS) for sending.
    pub(crate) fn add_imap(&self) -> String {
        let imaps = self.bed.imaps_port().to_string();
        let sub = self.bed.submission_port().to_string();
        self.add_oauth(&[
            "--imap-host",
            "localhost",
            "--imap-port",
            &imaps,
            "--imap-security",
            "tls",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &sub,
            "--smtp-security",
            "starttls",
        ])
    }

    pub(crate) fn login(&self, id: &str) -> Run {
        self.run(&["account", "login", id])
    }

    pub(crate) fn load_inbox(&self, n: usize) {
        self.bed.load_maildir(
            0,
            "INBOX",
            (0..n).map(|i| {
                (
                    1_780_000_000 + i as i64,
                    make_message(i, &format!("OAuth mail {i}"), "x"),
                    false,
                )
            }),
        );
    }

    pub(crate) fn inbox_count(&self) -> usize {
        let r = self
            .run(&["list", "--folder", "INBOX", "--json", "--limit", "1000"])
            .ok();
        r.json().as_array().unwrap().len()
    }

    fn refreshes(&self) -> usize {
        self.bed
            .oauth_requests()
            .iter()
            .filter(|g| *g == "refresh_token")
            .count()
    }
}

/// Every file under `dir` (the data dir: database, WAL, settings).
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The must-show path: add, sign in through the browser, sync, send, POP3; no token
/// anywhere but the keyring.
#[test]
fn oauth2_sign_in_then_sync_send_and_pop3_leave_no_token_on_disk_or_in_logs() {
    if !tools() {
        return;
    }
    let f = Fixture::new();
    f.load_inbox(3);
    let id = f.add_imap();
    let r = f.login(&id).ok();
    assert!(
        r.stdout.contains("signed in alice@example.test"),
        "{}",
        r.stdout
    );
    assert_eq!(f.bed.oauth_requests(), vec!["authorization_code"]);

    f.run(&["sync"]).ok();
    assert_eq!(f.inbox_count(), 3);
    let log = f.bed.dovecot_log();
    assert!(
        log.contains("method=XOAUTH2") || log.contains("mech=XOAUTH2") || log.contains("XOAUTH2"),
        "Dovecot saw no XOAUTH2 login:\n{log}"
    );

    f.run_with(
        &[
            "send",
            "--account",
            &id,
            "--to",
            "bob@example.test",
            "--subject",
            "Sent with OAuth2",
        ],
        "hello over XOAUTH2\n",
    )
    .ok();
    let (bob, bob_pw) = f.bed.user(1);
    let mut got = String::new();
    for _ in 0..100 {
        got = py_imap_at(
            "localhost",
            f.bed.imaps_port(),
            &f.bed.ca_file(),
            &bob,
            &bob_pw,
            "M.select('INBOX')\n\
             typ, d = M.search(None, 'SUBJECT', '\"Sent with OAuth2\"')\n\
             print(len(d[0].split()))",
        );
        if got.trim() == "1" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(got.trim(), "1", "bob did not get the message");

    // POP3 with the token: a second account, signed in with --no-browser (the URL is
    // printed; this test's "browser" opens it).
    let pop3s = f.bed.pop3s_port().to_string();
    let pop = f.add_oauth(&[
        "--pop3-host",
        "localhost",
        "--pop3-port",
        &pop3s,
        "--pop3-security",
        "tls",
        "--name",
        "alice pop",
    ]);
    let mut c = f.cmd(&["account", "login", &pop, "--no-browser"]);
    c.env_remove("TAYORI_BROWSER")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    while !url.starts_with("http") {
        url.clear();
        assert!(stdout.read_line(&mut url).unwrap() > 0, "no URL printed");
    }
    let url = url.trim().to_string();
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(
        url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{url}"
    );
    let browsed = Command::new("sh")
        .arg("-c")
        .arg(format!("{BROWSER} \"$1\""))
        .arg("sh")
        .arg(&url)
        .status()
        .unwrap();
    assert!(browsed.success());
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    f.stderr
        .borrow_mut()
        .push_str(&String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(rest.contains("signed in"), "{rest}");
    let r = f.run(&["sync", "--account", &pop, "--json"]).ok();
    assert_eq!(r.json()[0]["pop3"]["downloaded"], 3, "{}", r.stdout);

    // No access, refresh or ID token in the data dir (database, WAL, settings), nor in the
    // most verbose logs (stderr of every command above).
    let tokens = f.bed.oauth_issued_tokens();
    assert!(tokens.len() >= 4, "{tokens:?}");
    let stderr = f.stderr.borrow().clone();
    assert!(
        stderr.contains("TRACE") || stderr.contains("DEBUG"),
        "the logs were not verbose"
    );
    for file in files_under(f.t.data_dir()) {
        let bytes = std::fs::read(&file).unwrap();
        for tok in &tokens {
            assert!(
                !bytes.windows(tok.len()).any(|w| w == tok.as_bytes()),
                "a token is in {}",
                file.display()
            );
        }
    }
    for tok in &tokens {
        // Also no piece of one: a JWT's signature part, or a refresh token's first half.
        let piece = tok.rsplit('.').next().unwrap();
        assert!(!stderr.contains(piece), "a token is in the logs");
        assert!(
            !stderr.contains(&tok[..tok.len() / 2]),
            "a token is in the logs"
        );
    }
}

/// Tokens expire: refreshed before the expiry, and once when a server refuses a token the
/// client still thought valid (the token endpoint said it lives an hour; it lived 3 s).
#[test]
fn oauth2_tokens_are_refreshed_before_expiry_and_after_a_refusal() {
    if !tools() {
        return;
    }
    let f = Fixture::new();
    f.load_inbox(1);
    f.bed.oauth_set("ttl", "6");
    let id = f.add_imap();
    f.login(&id).ok();
    let t0 = Instant::now();
    f.run(&["sync"]).ok();
    assert_eq!(f.refreshes(), 0, "a fresh token was refreshed");

    // Half its life (the margin, for a short-lived token) left: refreshed before use.
    std::thread::sleep(Duration::from_secs(4).saturating_sub(t0.elapsed()));
    f.run(&["sync"]).ok();
    assert_eq!(f.refreshes(), 1);
    f.run(&["sync"]).ok();
    assert_eq!(f.refreshes(), 1, "the new token is good for a while");

    // Now the server issues tokens that expire in 3 s but says they last an hour.
    f.bed.oauth_set("ttl", "3");
    f.bed.oauth_set("reported-ttl", "3600");
    std::thread::sleep(Duration::from_secs(4));
    let r = f.run(&["sync"]).ok();
    assert_eq!(f.refreshes(), 2, "{}", r.stderr);
    std::thread::sleep(Duration::from_secs(4));
    f.load_inbox(2);
    let r = f.run(&["sync"]).ok();
    assert_eq!(
        f.refreshes(),
        3,
        "one refresh after the refusal: {}",
        r.stderr
    );
    assert_eq!(f.inbox_count(), 3);
    assert!(
        r.stderr.contains("refused the access token"),
        "the refusal was not noted: {}",
        r.stderr
    );
}

/// A token with another issuer, or signed with a key the server does not hold, is
/// refused; `account login` says which server refused and keeps nothing.
#[test]
fn oauth2_wrong_issuer_and_bad_signature_are_refused_in_words() {
    if !tools() {
        return;
    }
    let f = Fixture::new();
    let id = f.add_imap();
    for (file, reason) in [("wrong-issuer", "issuer"), ("bad-signature", "signature")] {
        f.bed.oauth_set(file, "1");
        let r = f.login(&id);
        assert_eq!(r.code, 1, "{}", r.stdout);
        // One line in words (the last; the lines above are the trace this test turns on).
        let last = r.stderr.lines().last().unwrap_or("");
        assert!(
            last.starts_with("tayori: the login test at the IMAP server localhost")
                && last.contains("failed for alice@example.test")
                && last.ends_with("nothing was saved"),
            "{last}"
        );
        f.bed.oauth_clear(file);
        let log = f.bed.dovecot_log().to_lowercase();
        assert!(
            log.contains(reason),
            "Dovecot's log does not say {reason}:\n{log}"
        );
        // Nothing was kept: the account is still not signed in.
        let s = f.run(&["sync"]);
        assert_eq!(s.code, 1);
        assert!(s.stderr.contains("is not signed in yet"), "{}", s.stderr);
    }
    f.login(&id).ok();
    f.run(&["sync"]).ok();
}

/// `invalid_grant` on refresh: "sign in again" in one line, one request to the provider,
/// none at the next sync; `account login` then makes the account work again.
#[test]
fn oauth2_invalid_grant_says_sign_in_again_and_does_not_retry() {
    if !tools() {
        return;
    }
    let f = Fixture::new();
    f.bed.oauth_set("ttl", "2");
    let id = f.add_imap();
    f.login(&id).ok();
    f.bed.oauth_set("invalid-grant", "1");
    std::thread::sleep(Duration::from_secs(2));
    for _ in 0..2 {
        let r = f.run(&["sync"]);
        assert_eq!(r.code, 1);
        let last = r.stderr.lines().last().unwrap_or("");
        assert!(last.contains("sign in again"), "{}", r.stderr);
        assert!(
            last.contains(&format!("tayori account login {id}")),
            "{last}"
        );
    }
    assert_eq!(f.refreshes(), 1, "the dead refresh token was tried again");
    f.bed.oauth_clear("invalid-grant");
    f.bed.oauth_set("ttl", "3600");
    f.login(&id).ok();
    f.run(&["sync"]).ok();
}

/// A server that advertises OAUTHBEARER (RFC 7628) but not XOAUTH2: IMAP signs in with it.
#[test]
fn oauth2_imap_uses_oauthbearer_when_xoauth2_is_not_advertised() {
    if !tools() {
        return;
    }
    let f = Fixture::with(BedOptions {
        oauth2: true,
        oauthbearer_only: true,
        ..Default::default()
    });
    f.load_inbox(2);
    let imaps = f.bed.imaps_port().to_string();
    let id = f.add_oauth(&[
        "--imap-host",
        "localhost",
        "--imap-port",
        &imaps,
        "--imap-security",
        "tls",
    ]);
    f.login(&id).ok();
    f.run(&["sync"]).ok();
    assert_eq!(f.inbox_count(), 2);
    let log = f.bed.dovecot_log();
    assert!(log.contains("OAUTHBEARER"), "no OAUTHBEARER login:\n{log}");
    assert!(!log.contains("XOAUTH2("), "{log}");
}
