//! "Changes from other devices" lists only what other devices did: a flag change made by
//! another client (Python's imaplib) appears in `tayori activity`; this device's own flag
//! change, sent mail, draft, moved and deleted mail never do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::smtp_send::{add_sender, run_with_stdin, send_mail, smtp_bed};

fn id_of(t: &Tayori, folder: &str, subject: &str) -> String {
    t.list(folder)
        .iter()
        .find(|m| m["subject"] == subject)
        .unwrap_or_else(|| panic!("{subject} not in {folder}"))["id"]
        .to_string()
}

#[test]
fn activity_lists_other_devices_changes_and_never_this_devices_own() {
    let bed = smtp_bed();
    bed.load_numbered("INBOX", 6, "Note ");
    let t = Tayori::new();
    let acc = add_sender(&t, &bed, true, "alice-pw", &[]);
    t.run(&["sync"]).ok();
    // The first pass only fills the cache.
    let first = t.run(&["activity", "--json"]).ok().json();
    assert_eq!(first.as_array().unwrap().len(), 0, "{first}");

    // This device: a flag, a move, a delete, a sent message, a draft.
    t.run(&["flag", &id_of(&t, "INBOX", "Note 1"), "--read"])
        .ok();
    t.run(&["move", &id_of(&t, "INBOX", "Note 2"), "--to", "archive"])
        .ok();
    t.run(&["delete", &id_of(&t, "INBOX", "Note 3")]).ok();
    send_mail(&t, &acc, "bob@example.test", "Re: Note 4", "thanks").ok();
    run_with_stdin(
        &t,
        &["draft", "--account", &acc, "--subject", "A draft"],
        "later",
    )
    .ok();
    // Another device: marks Note 5 read and flags Note 0.
    py_imap(
        &bed,
        0,
        "M.select('INBOX')\n\
         typ, d = M.search(None, 'SUBJECT', '\"Note 5\"')\n\
         M.store(d[0].split()[0], '+FLAGS', '\\\\Seen')\n\
         typ, d = M.search(None, 'SUBJECT', '\"Note 0\"')\n\
         M.store(d[0].split()[0], '+FLAGS', '\\\\Flagged')",
    );
    t.run(&["sync"]).ok();
    t.run(&["sync"]).ok();
    // What the server holds now, so the test is about attribution, not about the actions.
    assert_eq!(server_count(&bed, "Sent"), 1);
    assert_eq!(server_count(&bed, "Drafts"), 1);
    assert_eq!(server_count(&bed, "Archive"), 1);
    assert_eq!(server_count(&bed, "Trash"), 1);

    let got = t.run(&["activity", "--json"]).ok().json();
    let rows = got.as_array().unwrap();
    let seen: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        seen.contains(&("read".into(), "Note 5".into())),
        "another device's read is listed: {got}"
    );
    assert!(
        seen.contains(&("flagged".into(), "Note 0".into())),
        "another device's flag is listed: {got}"
    );
    for r in rows {
        let folder = r["folder"].as_str().unwrap();
        let detail = r["detail"].as_str().unwrap();
        assert_eq!(folder, "INBOX", "own appends/moves are not listed: {got}");
        assert!(
            !["Note 1", "Note 2", "Note 3"].contains(&detail),
            "this device's own change is listed: {got}"
        );
        assert_ne!(
            r["kind"], "removed",
            "own moves and deletes are not listed: {got}"
        );
    }
    // The human form says the same.
    let text = t.run(&["activity"]).ok().stdout;
    assert!(text.contains("read\tINBOX\tNote 5"), "{text}");
}
