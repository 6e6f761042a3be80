//! Search as people type it, against real Dovecot: one or two Japanese characters find body
//! text (the pair index), operators combine with words, and "search the server too" sends
//! the same conditions as IMAP SEARCH keys (several UTF-8 literals in one command).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use support::TestBed;

fn b64(s: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// A UTF-8 message; with `attach`, multipart with a small PDF.
fn message(n: usize, from: &str, subject: &str, date: &str, body: &str, attach: bool) -> Vec<u8> {
    let head = format!(
        "From: {from}\r\nTo: Alice <alice@example.test>\r\nSubject: =?UTF-8?B?{}?=\r\n\
         Date: {date}\r\nMessage-ID: <s{n}@example.jp>\r\nMIME-Version: 1.0\r\n",
        b64(subject.as_bytes())
    );
    let text = format!(
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        b64(body.as_bytes())
    );
    let m = if attach {
        format!(
            "{head}Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n{text}--b\r\n\
             Content-Type: application/pdf; name=\"a.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"a.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
        )
    } else {
        format!("{head}{text}")
    };
    m.into_bytes()
}

fn subjects(v: &serde_json::Value) -> Vec<String> {
    let mut s: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s
}

fn bed() -> TestBed {
    let bed = TestBed::start();
    let taro = format!(
        "=?UTF-8?B?{}?= <taro@example.jp>",
        b64("山田 太郎".as_bytes())
    );
    let jis = {
        let enc = encoding_rs::ISO_2022_JP
            .encode("東京タワーの写真です")
            .0
            .into_owned();
        let mut m = b"From: jiro@example.jp\r\nTo: alice@example.test\r\nSubject: Photo\r\n\
            Date: Tue, 20 Oct 2026 09:00:00 +0900\r\nMessage-ID: <s5@example.jp>\r\n\
            MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
            .to_vec();
        m.extend(enc);
        m.extend(b"\r\n");
        m
    };
    let mail = vec![
        message(
            1,
            &taro,
            "来週の予定",
            "Thu, 15 Oct 2026 10:00:00 +0900",
            "東京本社で会議があります。",
            true,
        ),
        message(
            2,
            "Hanako <hanako@example.jp>",
            "Lunch",
            "Tue, 10 Nov 2026 12:00:00 +0900",
            "本日は大阪です",
            false,
        ),
        message(
            3,
            "taro@example.jp",
            "Report",
            "Thu, 5 Nov 2026 08:00:00 +0900",
            "Quarterly numbers",
            true,
        ),
        message(
            4,
            &taro,
            "Minutes",
            "Fri, 6 Nov 2026 08:00:00 +0900",
            "議事録を送ります",
            false,
        ),
        jis,
    ];
    bed.load_maildir(
        0,
        "INBOX",
        mail.into_iter()
            .enumerate()
            .map(|(i, m)| (1_790_000_000 + i as i64, m, false)),
    );
    bed
}

#[test]
fn short_japanese_words_and_operators_find_downloaded_mail() {
    let bed = bed();
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["account", "set", "1", "--offline", "all"]).ok();
    t.run(&["sync", "--bodies"]).ok();
    let search = |q: &str| subjects(&t.run(&["search", q, "--json"]).ok().json());
    assert_eq!(search("東京"), ["Photo", "来週の予定"]);
    assert_eq!(search("本社"), ["来週の予定"]);
    assert_eq!(search("本"), ["Lunch", "来週の予定"]);
    assert_eq!(search("from:taro 会議"), ["来週の予定"]);
    assert_eq!(search("from:山田"), ["Minutes", "来週の予定"]);
    assert_eq!(search("has:attachment before:2026-11-01"), ["来週の予定"]);
    assert_eq!(search("has:attachment after:2026-11-01"), ["Report"]);
    assert_eq!(search("\"Quarterly numbers\" in:inbox"), ["Report"]);
    assert!(search("京都").is_empty());
}

#[test]
fn the_server_search_takes_the_same_conditions() {
    let bed = bed();
    let t = Tayori::new();
    t.add_account(&bed, false);
    // Headers only: the bodies are not here.
    t.run(&["sync"]).ok();
    let local = |q: &str| subjects(&t.run(&["search", q, "--json"]).ok().json());
    let server = |q: &str| subjects(&t.run(&["search", q, "--server", "--json"]).ok().json());
    assert!(local("会議").is_empty());
    // Two UTF-8 literals in one SEARCH (FROM 山田 TEXT 会議).
    assert_eq!(server("from:山田 会議"), ["来週の予定"]);
    assert_eq!(server("会議 has:attachment"), ["来週の予定"]);
    assert_eq!(server("議 before:2026-11-01"), ["来週の予定"]);
    assert_eq!(
        server("from:taro is:unread after:2026-11-01"),
        ["Minutes", "Report"]
    );
}
