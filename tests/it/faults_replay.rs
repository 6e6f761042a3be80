//! Fault matrix, replay: a move on a server without MOVE (COPY, then \Deleted + UID EXPUNGE)
//! killed after the COPY, or after the whole move but before it was marked done, is finished
//! by the next sync without a second copy and without a false failure.
use crate::common::{Tayori, server_count};
use crate::support::{BedOptions, TestBed, make_message};
use std::collections::HashSet;

#[test]
fn faults_move_without_move_killed_midway_is_not_copied_twice() {
    for point in ["move-after-copy", "op-before-done"] {
        let bed = TestBed::start_with(BedOptions {
            fallback: true,
            ..Default::default()
        });
        bed.load_maildir(
            0,
            "INBOX",
            (0..5).map(|i| {
                (
                    1_700_000_000 + i * 60,
                    make_message(i as usize, &format!("M{i}"), "b"),
                    false,
                )
            }),
        );
        let t = Tayori::new();
        t.add_account(&bed, false);
        t.run(&["sync"]).ok();
        let id = t.list("INBOX")[0]["id"].to_string();
        let killed = t
            .cmd(&["move", &id, "--to", "INBOX.Archive"])
            .env("TAYORI_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(
            !killed.status.success(),
            "{point}: the crash point was not reached"
        );
        t.run(&["sync"]).ok();
        let st = t.status();
        assert_eq!(st["pending"], 0, "{point}: {st}");
        assert_eq!(st["failed"], 0, "{point}: {st}");
        assert_eq!(
            server_count(&bed, "INBOX.Archive"),
            1,
            "{point}: copied twice"
        );
        assert_eq!(server_count(&bed, "INBOX"), 4, "{point}");
        t.run(&["sync"]).ok();
        let archive = t.list("INBOX.Archive");
        assert_eq!(archive.len(), 1, "{point}: {archive:?}");
        assert!(archive[0]["uid"].is_u64(), "{point}: {archive:?}");
        let inbox = t.list("INBOX");
        let ids: HashSet<String> = inbox.iter().map(|r| r["message_id"].to_string()).collect();
        assert_eq!((inbox.len(), ids.len()), (4, 4), "{point}");
    }
}
