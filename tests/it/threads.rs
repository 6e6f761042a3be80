//! Conversations against real Dovecot: mail in INBOX and our replies in Sent form one
//! conversation (`tayori list --threads`, `tayori thread`); another with the same subject
//! stays apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use support::TestBed;

fn mail(n: usize, from: &str, subject: &str, refs: &[usize]) -> Vec<u8> {
    let refs: Vec<String> = refs
        .iter()
        .map(|r| format!("<t{r}@example.test>"))
        .collect();
    let linked = match refs.last() {
        Some(last) => format!("In-Reply-To: {last}\r\nReferences: {}\r\n", refs.join(" ")),
        None => String::new(),
    };
    format!(
        "From: {from}\r\nTo: team@example.test\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Nov 2026 {:02}:00:00 +0000\r\nMessage-ID: <t{n}@example.test>\r\n\
         {linked}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmessage {n}\r\n",
        n % 24
    )
    .into_bytes()
}

#[test]
fn replies_in_sent_join_the_conversation_and_same_subjects_stay_apart() {
    let bed = TestBed::start();
    // 0 ← 1 (ours) ← 2 ← 3 (ours) ← 4; 5 is another "Budget" with no link.
    let inbox = [
        (0, mail(0, "taro@example.jp", "Budget", &[])),
        (2, mail(2, "taro@example.jp", "Re: Budget", &[0, 1])),
        (4, mail(4, "hanako@example.jp", "Re: Budget", &[0, 1, 2, 3])),
        (5, mail(5, "jiro@example.jp", "Budget", &[])),
    ];
    let sent = [
        (1, mail(1, "alice@example.test", "Re: Budget", &[0])),
        (3, mail(3, "alice@example.test", "Re: Budget", &[0, 1, 2])),
    ];
    let ts = |n: usize| 1_790_000_000 + n as i64 * 60;
    bed.load_maildir(
        0,
        "INBOX",
        inbox.into_iter().map(|(n, m)| (ts(n), m, false)),
    );
    bed.load_maildir(0, "Sent", sent.into_iter().map(|(n, m)| (ts(n), m, true)));
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();

    let rows = t
        .run(&["list", "--folder", "INBOX", "--threads", "--json"])
        .ok()
        .json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let budget = rows
        .iter()
        .find(|r| r["message_id"] == "<t4@example.test>")
        .unwrap_or_else(|| panic!("the newest of the conversation stands for it: {rows:?}"));
    assert_eq!(budget["thread_size"], 5);
    assert_eq!(budget["thread_unread"], 3, "the Sent copies are read");
    let other = rows
        .iter()
        .find(|r| r["message_id"] == "<t5@example.test>")
        .unwrap();
    assert_eq!(other["thread_size"], 1);
    assert_ne!(other["thread"], budget["thread"]);

    let id = budget["id"].to_string();
    let thread = t.run(&["thread", &id, "--json"]).ok().json();
    let order: Vec<(String, String)> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["message_id"].as_str().unwrap().to_string(),
                m["folder"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        (0, "INBOX"),
        (1, "Sent"),
        (2, "INBOX"),
        (3, "Sent"),
        (4, "INBOX"),
    ]
    .iter()
    .map(|(n, f)| (format!("<t{n}@example.test>"), f.to_string()))
    .collect();
    assert_eq!(order, want, "oldest first, across folders");
    // A message that is not there is a clear error.
    let gone = t.run(&["thread", "999999"]);
    assert_ne!(gone.code, 0);
    assert!(gone.stderr.contains("no such message"), "{}", gone.stderr);
}
