//! Cut-and-resume, the offline queue: flags, a move to Archive and a delete (to Trash)
//! queued, then the connection of the sync that replays them is cut (a TCP proxy closes it
//! after N bytes from the client, at points spread over the whole session), and one more
//! sync runs. With MOVE and UIDPLUS, without MOVE, and without MOVE or UIDPLUS: the cache
//! then equals the server (no missing, no extra, no duplicate, flags equal), every change
//! is on the server exactly once, and nothing is left pending or failed.
use crate::common::Tayori;
use crate::common::compare::{assert_cache_equals_server, server_messages};
use crate::support::proxy::{Fault, Proxy};
use crate::support::{BedOptions, TestBed};
use std::time::{Duration, Instant};

/// Cut points per server kind, spread over the replaying sync's upstream bytes.
const CUTS: usize = 8;

fn run_kind(opts: BedOptions) -> (usize, usize) {
    let bed = TestBed::start_with(opts);
    let (archive, trash) = if opts.fallback {
        ("INBOX.Archive", "INBOX.Trash")
    } else {
        ("Archive", "Trash")
    };
    let n = 3 * (CUTS + 1);
    bed.load_numbered("INBOX", n, "C");
    let proxy = Proxy::start(bed.imaps_port());
    let t = Tayori::new();
    t.add_account_via(&bed, proxy.port);
    t.run(&["sync"]).ok();
    let id_of = |subject: &str| {
        t.list("INBOX")
            .iter()
            .find(|r| r["subject"] == subject)
            .unwrap()["id"]
            .to_string()
    };
    let folders = ["INBOX", archive, trash];
    let mut total_up = 0;
    let mut failed_first = 0;
    for round in 0..=CUTS {
        // Offline: the proxy refuses, so each change is queued.
        proxy.arm(Fault::RefuseUntil(
            Instant::now() + Duration::from_secs(3600),
        ));
        let (a, b, c) = (3 * round, 3 * round + 1, 3 * round + 2);
        t.run(&["flag", &id_of(&format!("C{a}")), "--read"]).ok();
        t.run(&["flag", &id_of(&format!("C{a}")), "--flag"]).ok();
        t.run(&["move", &id_of(&format!("C{b}")), "--to", archive])
            .ok();
        t.run(&["delete", &id_of(&format!("C{c}"))]).ok();
        assert!(t.status()["pending"].as_u64().unwrap() >= 4);
        proxy.arm(Fault::RefuseUntil(Instant::now()));
        // Round 0 measures the session; the others cut it at a point spread over it.
        if round == 0 {
            let before = proxy.up_bytes();
            t.run(&["sync"]).ok();
            total_up = proxy.up_bytes() - before;
        } else {
            proxy.arm(Fault::CutUp(total_up * round / (CUTS + 1)));
            if t.run(&["sync"]).code != 0 {
                failed_first += 1;
            }
            t.run(&["sync"]).ok();
        }
        let st = t.status();
        assert_eq!(
            (st["pending"].as_u64(), st["failed"].as_u64()),
            (Some(0), Some(0)),
            "round {round}: {st}"
        );
        assert_eq!(st["skipped"], 0, "round {round}: {st}");
        assert_cache_equals_server(&t, &bed, &folders);
        let mid = |i: usize| format!("{i}.bench@example.test");
        let inbox = server_messages(&bed, "INBOX");
        let flagged = inbox.iter().find(|m| m.1 == mid(a)).unwrap();
        assert!(flagged.2 && flagged.3, "round {round}: {flagged:?}");
        for (i, folder) in [(b, archive), (c, trash)] {
            let there = server_messages(&bed, folder)
                .iter()
                .filter(|m| m.1 == mid(i))
                .count();
            assert_eq!(there, 1, "round {round}: {i} in {folder}");
            assert!(
                !inbox.iter().any(|m| m.1 == mid(i)),
                "round {round}: {i} still in INBOX"
            );
        }
    }
    (total_up, failed_first)
}

#[test]
fn faults_cut_replay_resumes_without_loss_or_duplicates() {
    for opts in [
        BedOptions::default(),
        BedOptions {
            fallback: true,
            ..Default::default()
        },
        BedOptions {
            fallback: true,
            no_uidplus: true,
            ..Default::default()
        },
    ] {
        let (bytes, cut) = run_kind(opts);
        eprintln!("{opts:?}: a replaying sync sends {bytes} bytes; {cut} of {CUTS} cuts ended it");
        assert!(cut >= CUTS / 2, "{opts:?}: only {cut} cuts hit the session");
    }
}
