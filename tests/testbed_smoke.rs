//! The test bed itself: servers up, TLS verified with the test CA, fallback capabilities.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;
use support::{BedOptions, TestBed, make_message};

fn caps(bed: &TestBed) -> String {
    let (u, p) = bed.user(0);
    let script = format!(
        "import imaplib, ssl\nctx = ssl.create_default_context(cafile={ca:?})\n\
         M = imaplib.IMAP4({h:?}, {port})\nM.starttls(ssl_context=ctx)\nM.login({u:?}, {p:?})\n\
         print(M.capability()[1][0].decode())\nprint(M.list()[1])\nM.logout()\n",
        ca = bed.ca_file().display().to_string(),
        h = bed.host(),
        port = bed.imap_port()
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn dovecot_serves_imap_with_the_test_ca() {
    let mut bed = TestBed::start();
    let c = caps(&bed);
    assert!(
        c.contains("MOVE") && c.contains("QRESYNC") && c.contains("SPECIAL-USE"),
        "{c}"
    );
    assert_eq!(
        bed.load_maildir(
            0,
            "INBOX",
            (0..1000).map(|i| (1_700_000_000 + i, make_message(i as usize, "s", "b"), false))
        ),
        1000
    );
    assert!(
        bed.doveadm(&["mailbox", "status", "-u", "alice", "messages", "INBOX"])
            .contains("messages=1000")
    );
    bed.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", bed.imaps_port())).is_err());
    bed.restart();
    assert!(
        bed.doveadm(&["mailbox", "status", "-u", "alice", "messages", "INBOX"])
            .contains("messages=1000")
    );
}

#[test]
fn fallback_mode_hides_extensions_and_uses_inbox_prefix() {
    let bed = TestBed::start_with(BedOptions { fallback: true });
    let c = caps(&bed);
    let first = c.lines().next().unwrap();
    for ext in ["MOVE", "CONDSTORE", "QRESYNC", "SPECIAL-USE", "COMPRESS"] {
        assert!(
            !first.split(' ').any(|w| w.starts_with(ext)),
            "{ext} in {first}"
        );
    }
    assert!(c.contains("\".\" INBOX.Sent"), "{c}");
}
