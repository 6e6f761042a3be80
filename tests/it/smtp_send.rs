//! Sending through a real SMTP submission server (Postfix as root, Dovecot submission
//! otherwise) with the real `tayori` binary; what arrived is read back by Python's imaplib
//! and `email` package, independent readers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use std::time::Instant;
use support::{BedOptions, TestBed};

pub(crate) fn smtp_bed() -> TestBed {
    TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    })
}

/// Adds alice with IMAPS and SMTP (`implicit` = 465-style TLS, else 587-style STARTTLS).
pub(crate) fn add_sender(
    t: &Tayori,
    bed: &TestBed,
    implicit: bool,
    pw: &str,
    extra: &[&str],
) -> String {
    let imaps = bed.imaps_port().to_string();
    let smtp_port = if implicit {
        bed.submissions_port()
    } else {
        bed.submission_port()
    }
    .to_string();
    let pwcmd = format!("printf %s '{pw}'");
    let ca = bed.ca_file().display().to_string();
    let mut args = vec![
        "account",
        "add",
        "--email",
        "alice@example.test",
        "--name",
        "Alice Example",
        "--imap-host",
        bed.host(),
        "--imap-port",
        &imaps,
        "--imap-security",
        "tls",
        "--username",
        "alice",
        "--password-command",
        &pwcmd,
        "--ca-file",
        &ca,
        "--smtp-host",
        bed.host(),
        "--smtp-port",
        &smtp_port,
        "--smtp-security",
        if implicit { "tls" } else { "starttls" },
    ];
    args.extend_from_slice(extra);
    t.run(&args).ok().stdout.trim().to_string()
}

/// `tayori send --account ACC --to TO --subject SUBJECT` with `body` on stdin.
pub(crate) fn send_mail(t: &Tayori, acc: &str, to: &str, subject: &str, body: &str) -> Run {
    run_with_stdin(
        t,
        &["send", "--account", acc, "--to", to, "--subject", subject],
        body,
    )
}

/// Runs tayori with `stdin` as standard input.
pub(crate) fn run_with_stdin(t: &Tayori, args: &[&str], stdin: &str) -> Run {
    t.run_with_stdin(args, stdin)
}

/// Messages in `folder` of `user` whose Subject contains `subject`, parsed by Python's
/// `email` package: one JSON object per message with subject, from, to, message_id, text,
/// content type and attachments (filename, type, and the bytes' hex SHA-256).
pub(crate) fn py_messages(
    bed: &TestBed,
    user: usize,
    folder: &str,
    subject: &str,
) -> Vec<serde_json::Value> {
    let script = format!(
        "import email, email.policy, hashlib, json\n\
         M.select('\"{folder}\"')\n\
         M.literal = {subject:?}.encode()\n\
         typ, data = M.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT')\n\
         out = []\n\
         for uid in data[0].split():\n\
         \x20   typ, msg = M.uid('FETCH', uid, '(RFC822)')\n\
         \x20   raw = msg[0][1]\n\
         \x20   m = email.message_from_bytes(raw, policy=email.policy.default)\n\
         \x20   body = m.get_body(('plain',))\n\
         \x20   atts = [{{'filename': a.get_filename(), 'type': a.get_content_type(),\n\
         \x20            'sha256': hashlib.sha256(a.get_payload(decode=True)).hexdigest()}}\n\
         \x20           for a in m.iter_attachments()]\n\
         \x20   out.append({{'subject': str(m['subject']), 'from': str(m['from']), 'to': str(m['to']),\n\
         \x20       'message_id': str(m['message-id']), 'bcc': m['bcc'] is not None,\n\
         \x20       'in_reply_to': str(m['in-reply-to']), 'references': str(m['references']),\n\
         \x20       'text': body.get_content().replace('\\r\\n', '\\n') if body is not None else None,\n\
         \x20       'charset': body.get_content_charset() if body is not None else None,\n\
         \x20       'raw_subject': [l for l in raw.decode('ascii', 'replace').split('\\r\\n') if l.lower().startswith('subject:')][0],\n\
         \x20       'ascii': all(b < 128 for b in raw), 'attachments': atts}})\n\
         print(json.dumps(out))"
    );
    let out = py_imap(bed, user, &script);
    serde_json::from_str::<serde_json::Value>(out.trim())
        .unwrap()
        .as_array()
        .cloned()
        .unwrap()
}

fn sha256_hex(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

pub(crate) fn outbox(t: &Tayori) -> Vec<serde_json::Value> {
    t.run(&["outbox", "--json"])
        .ok()
        .json()
        .as_array()
        .cloned()
        .unwrap()
}

#[test]
fn two_attachments_over_587_and_465_arrive_intact_and_are_filed_in_sent() {
    let bed = smtp_bed();
    let files = tempfile::tempdir().unwrap();
    let bin = files.path().join("data.bin");
    std::fs::write(&bin, attachment_bytes(300_000)).unwrap();
    let notes = files.path().join("メモ.txt");
    std::fs::write(&notes, "日本語のメモ\nsecond line\n").unwrap();
    for implicit in [false, true] {
        let t = Tayori::new();
        let acc = add_sender(&t, &bed, implicit, "alice-pw", &[]);
        let subject = if implicit {
            "Report over 465"
        } else {
            "Report over 587"
        };
        let t0 = Instant::now();
        let r = run_with_stdin(
            &t,
            &[
                "send",
                "--account",
                &acc,
                "--to",
                "Bob <bob@example.test>",
                "--bcc",
                "carol@example.test",
                "--subject",
                subject,
                "--attach",
                bin.to_str().unwrap(),
                "--attach",
                notes.to_str().unwrap(),
            ],
            "Hello Bob,\nthe files are attached.\n",
        )
        .ok();
        eprintln!("send ({subject}) took {:?}", t0.elapsed());
        assert!(r.stdout.contains("\tsent\t250"), "{}", r.stdout);

        for user in [1, 2] {
            let got = py_messages(&bed, user, "INBOX", subject);
            assert_eq!(got.len(), 1, "user {user}: {got:?}");
            let m = &got[0];
            assert_eq!(m["from"], "Alice Example <alice@example.test>");
            assert_eq!(m["bcc"], false, "Bcc must not be in the sent message");
            assert_eq!(m["text"], "Hello Bob,\nthe files are attached.\n");
            let atts = m["attachments"].as_array().unwrap();
            assert_eq!(atts.len(), 2);
            assert_eq!(atts[0]["filename"], "data.bin");
            assert_eq!(atts[0]["type"], "application/octet-stream");
            assert_eq!(atts[0]["sha256"], sha256_hex(&bin));
            assert_eq!(atts[1]["filename"], "メモ.txt");
            assert_eq!(atts[1]["type"], "text/plain");
            assert_eq!(atts[1]["sha256"], sha256_hex(&notes));
        }
        let sent = py_messages(&bed, 0, "Sent", subject);
        assert_eq!(sent.len(), 1, "one copy in Sent: {sent:?}");
        let ob = outbox(&t);
        assert_eq!(ob.len(), 1);
        assert_eq!(ob[0]["state"], "sent");
        assert_eq!(ob[0]["sent_copy"], "done");
        assert_eq!(ob[0]["attempts"], 1);
        assert_eq!(ob[0]["message_id"], sent[0]["message_id"]);
        // A later sync neither resends nor files it again.
        t.run(&["sync"]).ok();
        assert_eq!(py_messages(&bed, 1, "INBOX", subject).len(), 1);
        assert_eq!(py_messages(&bed, 0, "Sent", subject).len(), 1);
    }
}

#[test]
fn queued_while_the_server_is_down_then_sent_exactly_once() {
    let mut bed = smtp_bed();
    let t = Tayori::new();
    let acc = add_sender(&t, &bed, false, "alice-pw", &[]);
    t.run(&["sync"]).ok();
    bed.stop();
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "bob@example.test",
            "--subject",
            "Written offline",
        ],
        "Sent when the server is back.\n",
    );
    assert_ne!(r.code, 0, "not sent must be an error: {}", r.stdout);
    assert!(r.stdout.contains("\tqueued"), "{}", r.stdout);
    assert!(r.stderr.contains("cannot reach"), "{}", r.stderr);
    let ob = outbox(&t);
    assert_eq!(ob[0]["state"], "queued");
    assert_eq!(ob[0]["attempts"], 1);
    assert!(ob[0]["error"].as_str().unwrap().contains("cannot reach"));
    // Still down: sync fails, the message stays queued.
    assert_ne!(t.run(&["sync"]).code, 0);
    assert_eq!(outbox(&t)[0]["state"], "queued");

    bed.restart();
    let t0 = Instant::now();
    let rep = t.run(&["sync", "--json"]).ok().json();
    eprintln!(
        "sync after restart (send + file + sync) took {:?}",
        t0.elapsed()
    );
    assert_eq!(rep[0]["outbox"]["outcomes"][0]["outcome"], "sent");
    assert_eq!(rep[0]["outbox"]["filed"], 1);
    for _ in 0..2 {
        let got = py_messages(&bed, 1, "INBOX", "Written offline");
        assert_eq!(got.len(), 1, "exactly once: {got:?}");
        assert_eq!(got[0]["text"], "Sent when the server is back.\n");
        assert_eq!(py_messages(&bed, 0, "Sent", "Written offline").len(), 1);
        t.run(&["sync"]).ok();
    }
    let ob = outbox(&t);
    assert_eq!(ob[0]["state"], "sent");
    assert_eq!(ob[0]["attempts"], 3);
}

#[test]
fn wrong_smtp_password_is_a_clear_error_and_the_message_stays_queued() {
    let bed = smtp_bed();
    let t = Tayori::new();
    let acc = add_sender(&t, &bed, true, "not-the-password", &["--no-test"]);
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "bob@example.test",
            "--subject",
            "Never sent",
        ],
        "x\n",
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("SMTP login failed"), "{}", r.stderr);
    assert!(r.stderr.contains("535"), "the server's words: {}", r.stderr);
    assert!(!r.stderr.contains("not-the-password"));
    let ob = outbox(&t);
    assert_eq!(ob[0]["state"], "queued");
    assert!(
        ob[0]["error"]
            .as_str()
            .unwrap()
            .contains("SMTP login failed")
    );
    assert!(py_messages(&bed, 1, "INBOX", "Never sent").is_empty());
}

#[test]
fn iso_2022_jp_is_read_correctly_by_python_and_falls_back_to_utf8_with_a_warning() {
    let bed = smtp_bed();
    let t = Tayori::new();
    let acc = add_sender(
        &t,
        &bed,
        false,
        "alice-pw",
        &["--send-charset", "iso-2022-jp"],
    );
    let subject = "来週の会議について（ご相談）";
    let body = "山田様\n\nお世話になっております。\n来週の会議は10時〜11時です。\n";
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "山田 太郎 <bob@example.test>",
            "--subject",
            subject,
        ],
        body,
    )
    .ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let got = py_messages(&bed, 1, "INBOX", "会議");
    assert_eq!(got.len(), 1, "{got:?}");
    let m = &got[0];
    assert_eq!(m["charset"], "iso-2022-jp");
    assert_eq!(m["ascii"], true, "RFC 1468 mail is 7-bit");
    assert!(
        m["raw_subject"]
            .as_str()
            .unwrap()
            .starts_with("Subject: =?ISO-2022-JP?B?"),
        "{m}"
    );
    assert_eq!(m["subject"], subject);
    assert_eq!(m["text"], body);
    assert_eq!(m["to"], "山田 太郎 <bob@example.test>");

    // An emoji does not exist in ISO-2022-JP: UTF-8, and the user is told.
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "bob@example.test",
            "--subject",
            "絵文字 😀 テスト",
        ],
        "こんにちは 😀\n",
    )
    .ok();
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("UTF-8"),
        "{}",
        r.stderr
    );
    let got = py_messages(&bed, 1, "INBOX", "テスト");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["charset"], "utf-8");
    assert_eq!(got[0]["subject"], "絵文字 😀 テスト");
    assert_eq!(got[0]["text"], "こんにちは 😀\n");
}

#[test]
fn reply_quotes_and_threads_and_forward_carries_the_attachment() {
    let bed = smtp_bed();
    let original = message_with_attachment("Quarterly", "Please see the file.", 50_000);
    bed.load_maildir(
        0,
        "INBOX",
        std::iter::once((1_790_000_000, original, false)),
    );
    let t = Tayori::new();
    let acc = add_sender(
        &t,
        &bed,
        false,
        "alice-pw",
        &["--signature", "Alice\nExample Inc."],
    );
    t.run(&["sync"]).ok();
    let id = t.list("INBOX")[0]["id"].as_i64().unwrap().to_string();

    run_with_stdin(
        &t,
        &["send", "--account", &acc, "--reply", &id],
        "Thanks, got it.\n",
    )
    .ok();
    let got = py_messages(&bed, 2, "INBOX", "Quarterly");
    assert_eq!(
        got.len(),
        1,
        "the reply goes to the sender (carol): {got:?}"
    );
    let m = &got[0];
    assert_eq!(m["subject"], "Re: Quarterly");
    assert_eq!(m["in_reply_to"], "<att-Quarterly@example.test>");
    assert_eq!(m["references"], "<att-Quarterly@example.test>");
    let text = m["text"].as_str().unwrap();
    assert!(
        text.starts_with("Thanks, got it.\n\n-- \nAlice\nExample Inc.\n\nOn "),
        "reply text, signature, then the quote: {text}"
    );
    assert!(
        text.contains("Carol <carol@example.test> wrote:\n> Please see the file."),
        "{text}"
    );
    assert!(m["attachments"].as_array().unwrap().is_empty());

    run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--forward",
            &id,
            "--to",
            "bob@example.test",
        ],
        "FYI\n",
    )
    .ok();
    let got = py_messages(&bed, 1, "INBOX", "Quarterly");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["subject"], "Fwd: Quarterly");
    assert!(
        got[0]["text"]
            .as_str()
            .unwrap()
            .contains("Please see the file.")
    );
    let atts = got[0]["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 1);
    assert_eq!(atts[0]["filename"], "data.bin");
    let files = tempfile::tempdir().unwrap();
    let expect = files.path().join("expect.bin");
    std::fs::write(&expect, attachment_bytes(50_000)).unwrap();
    assert_eq!(atts[0]["sha256"], sha256_hex(&expect));
    // The original is marked answered and forwarded, here at once and on the server (its
    // flag changes go up with the next pass).
    let store = tayori::store::Store::open_dir(t.data_dir()).unwrap();
    let flags = store
        .message(tayori::model::MessageId(id.parse().unwrap()))
        .unwrap()
        .flags;
    assert!(flags.answered && flags.forwarded, "{flags:?}");
    t.run(&["sync"]).ok();
    let on_server = server_flags(&bed, "INBOX", 1);
    assert!(
        on_server.contains("\\\\Answered") && on_server.contains("$Forwarded"),
        "{on_server}"
    );
}
