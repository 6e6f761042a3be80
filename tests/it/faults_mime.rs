//! Fault matrix, odd mail: NUL bytes in a body show as a visible symbol (never "€"), and a
//! multipart without a boundary shows its raw text instead of an empty body; over IMAP
//! (BODYSTRUCTURE and sections from Dovecot) and from the whole message (POP3's path).
//! Saving an attachment over an existing file is refused unless asked (`--overwrite`); the
//! window's Save picks "name (1).ext" (unit tests of `engine::save_path`).
use crate::common::Tayori;
use crate::support::TestBed;

fn odd(subject: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "From: Odd <odd@example.test>\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{subject}@example.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    m.extend_from_slice(body);
    m
}

fn shown(t: &Tayori, subject: &str, pop3: bool) -> String {
    let rows = t.list("INBOX");
    let id = rows
        .iter()
        .find(|r| r["subject"] == subject)
        .unwrap_or_else(|| panic!("{subject}: {rows:?}"))["id"]
        .to_string();
    let v = t.run(&["show", &id, "--json"]).ok().json();
    let text = v["text"].as_str().unwrap().to_string();
    assert!(!text.contains('€'), "pop3={pop3} {subject}: {text:?}");
    text
}

#[test]
fn faults_nul_bytes_and_a_multipart_without_boundary_show_their_text() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        [
            odd("nul", "text/plain; charset=utf-8", b"before\0\0after\r\n"),
            odd(
                "noboundary",
                "multipart/mixed",
                b"raw words of a broken mailer\r\n",
            ),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, m)| (1_700_000_000 + i as i64, m, false)),
    );
    for pop3 in [false, true] {
        let t = Tayori::new();
        if pop3 {
            let (_, pw) = bed.user(0);
            crate::pop3_sync::add_pop3(&t, &bed, false, &pw, &[]);
        } else {
            t.add_account(&bed, false);
        }
        t.run(&["sync"]).ok();
        let nul = shown(&t, "nul", pop3);
        assert!(
            nul.contains("before") && nul.contains("after"),
            "pop3={pop3}: {nul:?}"
        );
        assert!(!nul.contains('\0'), "pop3={pop3}: {nul:?}");
        assert!(nul.contains('\u{2400}'), "pop3={pop3}: {nul:?}");
        let raw = shown(&t, "noboundary", pop3);
        assert!(
            raw.contains("raw words of a broken mailer"),
            "pop3={pop3}: {raw:?}"
        );
    }
}

#[test]
fn faults_save_attachment_never_replaces_a_file_unless_asked() {
    let bed = TestBed::start();
    let raw = crate::common::message_with_attachment("keep", "see the file", 1000);
    bed.load_maildir(0, "INBOX", std::iter::once((1_700_000_000, raw, false)));
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let id = t.list("INBOX")[0]["id"].to_string();
    let out = t.data_dir().join("mine.bin");
    std::fs::write(&out, b"my own file").unwrap();
    let path = out.to_str().unwrap();
    let r = t.run(&["save-attachment", &id, "1", path]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), b"my own file");
    t.run(&["save-attachment", &id, "1", path, "--overwrite"])
        .ok();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        crate::common::attachment_bytes(1000)
    );
}
