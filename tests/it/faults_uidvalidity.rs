//! Fault matrix, UIDVALIDITY: a first sync killed after its first committed batch, then the
//! folder recreated on the server with a new UIDVALIDITY (the same UIDs now other messages).
//! Flags and a delete queued against the old rows must not hit other messages: each is
//! re-targeted by Message-ID or ends visibly as skipped.
use crate::common::compare::{assert_cache_equals_server, server_messages};
use crate::common::{Tayori, py_imap};
use crate::support::{TestBed, make_message};

fn id_of(t: &Tayori, subject: &str) -> String {
    t.list("Box")
        .iter()
        .find(|r| r["subject"] == subject)
        .unwrap_or_else(|| panic!("{subject} not cached"))["id"]
        .to_string()
}

#[test]
fn faults_uidvalidity_reset_after_interrupted_first_sync_hits_no_other_message() {
    let bed = TestBed::start();
    bed.load_numbered("Box", 6, "W");
    let t = Tayori::new();
    t.add_account(&bed, false);
    let killed = t
        .cmd(&["sync"])
        .env("TAYORI_CRASH_AT", "header-batch-stored")
        .output()
        .unwrap();
    assert!(!killed.status.success(), "the crash point was not reached");
    let st = t.status();
    let box_state = st["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "Box")
        .unwrap()
        .clone();
    assert_eq!(box_state["cached_total"], 6, "{box_state}");
    assert!(
        box_state["uidnext"].is_null(),
        "the pass completed: {box_state}"
    );
    assert!(
        box_state["uidvalidity"].is_u64(),
        "UIDVALIDITY not recorded at SELECT: {box_state}"
    );
    let old_uv = box_state["uidvalidity"].as_u64().unwrap();

    // Another device recreates the folder: UIDs 1..6 now hold other messages, one of them
    // (W4) again under its Message-ID.
    let mut script = String::from("M.delete('Box')\nM.create('Box')\n");
    for (i, subject) in [
        (100, "X0"),
        (101, "X1"),
        (102, "X2"),
        (4, "W4"),
        (104, "X4"),
        (105, "X5"),
    ] {
        let raw = String::from_utf8(make_message(i, subject, "new")).unwrap();
        script.push_str(&format!("M.append('Box', None, None, {raw:?}.encode())\n"));
    }
    py_imap(&bed, 0, &script);
    bed.set_uidvalidity(0, "Box", old_uv as u32 + 1000);

    // Each command replays at once, before any pass has seen the new UIDVALIDITY.
    t.run(&["flag", &id_of(&t, "W2"), "--flag"]).ok();
    t.run(&["delete", &id_of(&t, "W3")]).ok();
    t.run(&["flag", &id_of(&t, "W4"), "--flag"]).ok();

    let server = server_messages(&bed, "Box");
    let flagged: Vec<&str> = server
        .iter()
        .filter(|m| m.3)
        .map(|m| m.1.as_str())
        .collect();
    assert_eq!(flagged, ["4.bench@example.test"], "{server:?}");
    assert_eq!(server.len(), 6, "a message was moved away: {server:?}");
    assert!(server_messages(&bed, "Trash").is_empty());
    let st = t.status();
    assert_eq!(
        (st["pending"].clone(), st["failed"].clone()),
        (0.into(), 0.into()),
        "{st}"
    );
    assert_eq!(st["skipped"], 2, "{st}");

    t.run(&["sync"]).ok();
    assert_cache_equals_server(&t, &bed, &["Box", "Trash"]);
}
