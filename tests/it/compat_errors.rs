//! Wrong settings against the compatibility servers end quickly with one sentence that
//! says what is wrong: STARTTLS on an implicit-TLS port, TLS on a plain port (IMAP and
//! POP3), a wrong password, an untrusted certificate (no OpenSSL internals).

use std::time::{Duration, Instant};

use crate::common::Tayori;
use crate::support::compat::{CompatServer, Kind};

/// One wrong setting: which protocol, port and security, the password, whether the CA is
/// trusted; what the one line must say and must not say.
struct Case<'a> {
    pop3: bool,
    port: u16,
    starttls: bool,
    pw: &'a str,
    trust: bool,
    says: &'a [&'a str],
    never: &'a [&'a str],
}

/// The case fails in both places the settings meet the server: the login test of
/// `account add` and (after `--no-test`) `sync`; each time one line, exit 1, within 30 s.
fn check(s: &CompatServer, c: &Case) {
    let args = s.account_args_at(c.pop3, c.port, c.starttls, c.pw, c.trust);
    for tested in [true, false] {
        let t = Tayori::new();
        let t0 = Instant::now();
        let r = if tested {
            t.run_strings(&args)
        } else {
            let mut untested = args.clone();
            untested.push("--no-test".into());
            t.run_strings(&untested).ok();
            t.run(&["sync"])
        };
        let took = t0.elapsed();
        let e = &r.stderr;
        assert_eq!(r.code, 1, "{e}");
        assert_eq!(e.trim().lines().count(), 1, "{e}");
        assert!(took < Duration::from_secs(30), "took {took:?}: {e}");
        let internals = ["error:0A", "SSL routines", ".c:", "statem"];
        for bad in c.never.iter().chain(&internals) {
            assert!(!e.contains(bad), "{bad:?} in: {e}");
        }
        for good in c.says {
            assert!(e.contains(good), "{good:?} not in: {e}");
        }
    }
}

const NOT_TLS: &[&str] = &["without TLS", "STARTTLS"];
const NO_GREETING: &[&str] = &["no greeting", "TLS at once"];

#[test]
fn compat_starttls_on_an_implicit_tls_port_says_so_quickly() {
    let s = CompatServer::start(Kind::Courier);
    check(
        &s,
        &Case {
            pop3: false,
            port: s.imaps_port(),
            starttls: true,
            pw: "alice-pw",
            trust: true,
            says: NO_GREETING,
            never: &[],
        },
    );
}

#[test]
fn compat_tls_on_a_plain_port_is_not_called_untrusted() {
    let s = CompatServer::start(Kind::Cyrus);
    check(
        &s,
        &Case {
            pop3: false,
            port: s.imap_port(),
            starttls: false,
            pw: "alice-pw",
            trust: true,
            says: NOT_TLS,
            never: &["not trusted"],
        },
    );
}

/// The same two mismatches for POP3 (Courier): STLS on the POP3S port, TLS on the plain one.
#[test]
fn compat_pop3_tls_mismatches_in_words() {
    let s = CompatServer::start(Kind::Courier);
    for (port, starttls, says) in [
        (s.pop3s_port(), true, NO_GREETING),
        (s.pop3_port(), false, NOT_TLS),
    ] {
        let c = Case {
            pop3: true,
            port,
            starttls,
            pw: "alice-pw",
            trust: true,
            says,
            never: &["not trusted"],
        };
        check(&s, &c);
    }
}

#[test]
fn compat_wrong_imap_password_and_untrusted_certificate_in_words() {
    let s = CompatServer::start(Kind::Cyrus);
    let port = s.imaps_port();
    for (pw, trust, says) in [
        ("wrong", true, &["wrong user name or password"][..]),
        ("alice-pw", false, &["certificate is not trusted"][..]),
    ] {
        let c = Case {
            pop3: false,
            port,
            starttls: false,
            pw,
            trust,
            says,
            never: &[],
        };
        check(&s, &c);
    }
}
