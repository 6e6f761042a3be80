//! Fault matrix, offline changes meeting another device's changes: 50 changes queued offline
//! (flags, moves to Archive, deletes to Trash) while another device (Python's imaplib)
//! expunges or moves a third of those messages. The ops whose message is gone end as
//! skipped (never "sent"), counted apart in the sync report and `status`; after one more
//! pass no placeholder without a UID survives in Archive or Trash and no message is twice.
use crate::common::compare::assert_cache_equals_server;
use crate::common::{Tayori, py_imap};
use crate::support::TestBed;

const N: usize = 60;
const CHANGES: usize = 50;

/// What the other device does to message `i` (None: leaves it alone): a third of the changed
/// messages, each kind of change meeting an expunge, a move to Junk and a move to Archive.
fn other_device(i: usize) -> Option<&'static str> {
    if i >= CHANGES || !(i / 3).is_multiple_of(3) {
        return None;
    }
    Some(["expunge", "Junk", "Archive"][(i / 9 + i) % 3])
}

#[test]
fn faults_offline_changes_meeting_another_devices_expunges_end_skipped() {
    let mut bed = TestBed::start();
    bed.load_numbered("INBOX", N, "M");
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let ids: std::collections::HashMap<String, String> = t
        .list("INBOX")
        .iter()
        .map(|r| {
            (
                r["subject"].as_str().unwrap().to_string(),
                r["id"].to_string(),
            )
        })
        .collect();

    // Offline: 50 changes queued, a third each of flags, moves to Archive, deletes to Trash.
    bed.stop();
    for i in 0..CHANGES {
        let id = &ids[&format!("M{i}")];
        let args: Vec<&str> = match i % 3 {
            0 => vec!["flag", id, "--read"],
            1 => vec!["move", id, "--to", "Archive"],
            _ => vec!["delete", id],
        };
        t.run(&args).ok();
    }
    assert_eq!(t.status()["pending"], CHANGES);

    // Meanwhile another device expunges or moves a third of those messages.
    bed.restart();
    let mut script = String::from("M.select('INBOX')\n");
    let mut touched = 0;
    for i in 0..CHANGES {
        let Some(what) = other_device(i) else {
            continue;
        };
        touched += 1;
        let search = format!(
            "u = M.uid('SEARCH', 'HEADER', 'Message-ID', '<{i}.bench@example.test>')[1][0].decode()\n"
        );
        script.push_str(&search);
        match what {
            "expunge" => script
                .push_str("M.uid('STORE', u, '+FLAGS', '(\\\\Deleted)')\nM.uid('EXPUNGE', u)\n"),
            folder => script.push_str(&format!("M.uid('MOVE', u, '{folder}')\n")),
        }
    }
    py_imap(&bed, 0, &script);
    assert_eq!(touched, 18);

    // A move to Archive whose message the other device moved to Archive too is done, not
    // skipped: the message is where the change wanted it.
    let same_place = (0..CHANGES)
        .filter(|&i| i % 3 == 1 && other_device(i) == Some("Archive"))
        .count();
    assert!(same_place > 0);
    let skipped = touched - same_place;
    let out = t.run(&["sync", "--json"]).ok().json();
    let report = &out[0];
    assert_eq!(report["ops_skipped"], skipped, "{report}");
    assert_eq!(report["ops_done"], CHANGES - skipped, "{report}");
    assert_eq!(report["ops_failed"], 0, "{report}");
    let st = t.status();
    assert_eq!(st["pending"], 0, "{st}");
    assert_eq!(st["failed"], 0, "{st}");
    assert_eq!(st["skipped"], skipped, "{st}");
    let skipped_ops: Vec<&serde_json::Value> = st["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["state"] == "skipped")
        .collect();
    assert!(
        skipped_ops.iter().all(|o| o["error"]
            .as_str()
            .unwrap()
            .contains("already deleted or moved on another device")),
        "{skipped_ops:?}"
    );
    let human = t.run(&["status"]).ok().stdout;
    assert!(human.contains(&format!("skipped: {skipped}")), "{human}");

    // The next pass leaves the cache equal to the server: no ghosts, nothing twice.
    t.run(&["sync"]).ok();
    assert_cache_equals_server(&t, &bed, &["INBOX", "Archive", "Trash", "Junk"]);
    let to_archive = (0..CHANGES)
        .filter(|&i| {
            (i % 3 == 1 && other_device(i).is_none()) || other_device(i) == Some("Archive")
        })
        .count();
    let archive = t.list("Archive");
    assert_eq!(archive.len(), to_archive, "{archive:?}");
}
