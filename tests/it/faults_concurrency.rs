//! Fault matrix, two processes on one data dir: two `tayori sync` at once replay a queue of
//! moves and flags once (no duplicate on the server, no false failure), and two first syncs
//! at once both succeed (no "database is locked").
use crate::common::{Tayori, server_count};
use crate::support::{TestBed, make_message};
use std::collections::HashSet;

const BASE_TS: i64 = 1_700_000_000;

fn load(bed: &TestBed, n: usize) {
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| {
            (
                BASE_TS + i as i64 * 60,
                make_message(i, &format!("Message {i}"), "hello"),
                false,
            )
        }),
    );
}

fn two_syncs(t: &Tayori) -> [(i32, String); 2] {
    let a = t
        .cmd(&["sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let b = t
        .cmd(&["sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    [a, b].map(|c| {
        let o = c.wait_with_output().unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    })
}

/// Every cached message of `folder` has a UID, and no Message-ID is there twice.
fn assert_no_ghost_or_duplicate(t: &Tayori, folder: &str) -> usize {
    let rows = t.list(folder);
    let mut seen = HashSet::new();
    for r in &rows {
        assert!(r["uid"].is_u64(), "{folder}: a row without UID: {r}");
        assert!(
            seen.insert(r["message_id"].to_string()),
            "{folder}: twice: {r}"
        );
    }
    rows.len()
}

#[test]
fn faults_two_syncs_replay_the_queue_once() {
    // Twice: the race between the two replayers does not always bite on the first go.
    for round in 0..2 {
        let mut bed = TestBed::start();
        load(&bed, 40);
        let t = Tayori::new();
        t.add_account(&bed, false);
        t.run(&["sync"]).ok();
        let rows = t.list("INBOX");
        bed.stop();
        for r in &rows[..15] {
            t.run(&["move", &r["id"].to_string(), "--to", "Archive"])
                .ok();
        }
        for r in &rows[15..30] {
            t.run(&["flag", &r["id"].to_string(), "--flag"]).ok();
        }
        assert_eq!(t.status()["pending"], 30);
        bed.restart();
        for (code, err) in two_syncs(&t) {
            assert_eq!(code, 0, "round {round}: {err}");
        }
        let st = t.status();
        assert_eq!(st["pending"], 0, "{st}");
        assert_eq!(st["failed"], 0, "round {round}: false failures: {st}");
        assert_eq!(server_count(&bed, "Archive"), 15, "round {round}");
        assert_eq!(server_count(&bed, "INBOX"), 25, "round {round}");
        t.run(&["sync"]).ok();
        assert_eq!(assert_no_ghost_or_duplicate(&t, "Archive"), 15);
        assert_eq!(assert_no_ghost_or_duplicate(&t, "INBOX"), 25);
    }
}

#[test]
fn faults_two_first_syncs_at_once_both_succeed() {
    let bed = TestBed::start();
    load(&bed, 3000);
    let t = Tayori::new();
    t.add_account(&bed, false);
    for (code, err) in two_syncs(&t) {
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(assert_no_ghost_or_duplicate(&t, "INBOX"), 3000);
}
