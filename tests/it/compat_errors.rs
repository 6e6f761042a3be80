//! Wrong settings against the compatibility servers end quickly with one sentence that
//! says what is wrong: STARTTLS on an implicit-TLS port, TLS on a plain port, a wrong
//! password, an untrusted certificate (no OpenSSL internals).

use std::time::{Duration, Instant};

use crate::common::{Run, Tayori};
use crate::support::compat::{CompatServer, Kind};

/// `account add` (login test) or, with `--no-test`, `sync`, with these settings.
fn try_settings(
    s: &CompatServer,
    port: u16,
    security: &str,
    pw: &str,
    trust_ca: bool,
    test: bool,
) -> (Run, Duration) {
    let t = Tayori::new();
    let (user, _) = s.user();
    let port = port.to_string();
    let pwcmd = format!("printf %s '{pw}'");
    let ca = s.ca_file().display().to_string();
    let mut args = vec![
        "account",
        "add",
        "--email",
        "alice@example.test",
        "--imap-host",
        s.host(),
        "--imap-port",
        &port,
        "--imap-security",
        security,
        "--username",
        &user,
        "--password-command",
        &pwcmd,
    ];
    if trust_ca {
        args.extend(["--ca-file", &ca]);
    }
    let t0 = Instant::now();
    if test {
        let r = t.run(&args);
        return (r, t0.elapsed());
    }
    args.push("--no-test");
    t.run(&args).ok();
    let t0 = Instant::now();
    let r = t.run(&["sync"]);
    (r, t0.elapsed())
}

fn one_clean_line(r: &Run) {
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    for internal in ["error:0A", "SSL routines", ".c:", "statem"] {
        assert!(
            !r.stderr.contains(internal),
            "OpenSSL internals: {}",
            r.stderr
        );
    }
}

#[test]
fn compat_starttls_on_an_implicit_tls_port_says_so_quickly() {
    let s = CompatServer::start(Kind::Courier);
    for test in [true, false] {
        let (r, took) = try_settings(&s, s.imaps_port(), "starttls", "alice-pw", true, test);
        one_clean_line(&r);
        assert!(
            took < Duration::from_secs(30),
            "took {took:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("no greeting") && r.stderr.contains("TLS at once"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn compat_tls_on_a_plain_port_is_not_called_untrusted() {
    let s = CompatServer::start(Kind::Cyrus);
    for test in [true, false] {
        let (r, _) = try_settings(&s, s.imap_port(), "tls", "alice-pw", true, test);
        one_clean_line(&r);
        assert!(!r.stderr.contains("not trusted"), "{}", r.stderr);
        assert!(
            r.stderr.contains("without TLS") && r.stderr.contains("STARTTLS"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn compat_wrong_imap_password_and_untrusted_certificate_in_words() {
    let s = CompatServer::start(Kind::Cyrus);
    let (r, _) = try_settings(&s, s.imaps_port(), "tls", "wrong", true, false);
    one_clean_line(&r);
    assert!(
        r.stderr.contains("wrong user name or password"),
        "{}",
        r.stderr
    );
    for test in [true, false] {
        let (r, _) = try_settings(&s, s.imaps_port(), "tls", "alice-pw", false, test);
        one_clean_line(&r);
        assert!(
            r.stderr.contains("certificate is not trusted"),
            "{}",
            r.stderr
        );
    }
}

/// The same two mismatches for POP3 (Courier): STLS on the POP3S port, TLS on the plain one.
#[test]
fn compat_pop3_tls_mismatches_in_words() {
    let s = CompatServer::start(Kind::Courier);
    for (port, security, words) in [
        (s.pop3s_port(), "starttls", "no greeting"),
        (s.pop3_port(), "tls", "without TLS"),
    ] {
        let t = Tayori::new();
        let port = port.to_string();
        let ca = s.ca_file().display().to_string();
        let t0 = Instant::now();
        let r = t.run(&[
            "account",
            "add",
            "--email",
            "alice@example.test",
            "--pop3-host",
            s.host(),
            "--pop3-port",
            &port,
            "--pop3-security",
            security,
            "--username",
            "alice",
            "--password-command",
            "printf %s alice-pw",
            "--ca-file",
            &ca,
        ]);
        one_clean_line(&r);
        assert!(t0.elapsed() < Duration::from_secs(30), "{}", r.stderr);
        assert!(r.stderr.contains(words), "{security}: {}", r.stderr);
        assert!(!r.stderr.contains("not trusted"), "{}", r.stderr);
    }
}
