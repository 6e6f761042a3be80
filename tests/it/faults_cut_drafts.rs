//! Cut-and-resume, draft upload: a draft of ~150 KB is edited, then the sync that uploads
//! the new version (APPEND, then \Deleted + UID EXPUNGE of the old copy) is cut by a TCP
//! proxy at points spread over the session (mid-APPEND most of them, and around the old
//! copy's removal), then one more sync runs: the server's Drafts hold exactly one copy, the
//! latest text, and the cache equals the server.
use crate::common::Tayori;
use crate::common::compare::assert_cache_equals_server;
use crate::drafts::{drafts, save, server_copies};
use crate::support::TestBed;
use crate::support::proxy::{Fault, Proxy};

#[test]
fn faults_cut_draft_upload_leaves_one_copy_of_the_latest_version() {
    let bed = TestBed::start();
    let proxy = Proxy::start(bed.imaps_port());
    let t = Tayori::new();
    let acc = t.add_account_via(&bed, proxy.port);
    t.run(&["sync"]).ok();
    let filler = "lorem ipsum dolor sit amet ".repeat(5600); // ~150 KB
    let body = |v: usize| format!("version {v}\n{filler}\n");
    let id = save(&t, &acc, None, "Plan", &body(0));
    let mid = drafts(&t)[0]["message_id"].as_str().unwrap().to_string();
    // Round 0: measure an uncut edit + sync.
    save(&t, &acc, Some(&id), "Plan", &body(1));
    let before = proxy.up_bytes();
    t.run(&["sync"]).ok();
    let total = proxy.up_bytes() - before;
    let mut cuts: Vec<usize> = [5, 30, 60, 90].iter().map(|p| total * p / 100).collect();
    cuts.extend((1..=6).map(|k| total - k * 400));
    let mut ended = 0;
    for (round, cut) in cuts.iter().enumerate() {
        let v = round + 2;
        save(&t, &acc, Some(&id), "Plan", &body(v));
        proxy.arm(Fault::CutUp(*cut));
        if t.run(&["sync"]).code != 0 {
            ended += 1;
        }
        t.run(&["sync"]).ok();
        let copies = server_copies(&bed, &mid);
        assert_eq!(
            copies.len(),
            1,
            "cut at {cut} of {total}: {} copies",
            copies.len()
        );
        assert!(
            copies[0].1.starts_with(&format!("version {v}\n")),
            "round {round} (version {v}), cut at {cut} of {total}: the server has {:?}; drafts: {}",
            &copies[0].1[..12],
            t.run(&["drafts", "--json"]).stdout
        );
        let d = drafts(&t);
        assert_eq!(d.len(), 1, "cut at {cut}: {d:?}");
        assert_eq!(d[0]["synced"], true, "cut at {cut}: {d:?}");
        assert_cache_equals_server(&t, &bed, &["Drafts"]);
    }
    eprintln!(
        "draft sync sends {total} bytes; {ended} of {} cuts ended the sync",
        cuts.len()
    );
    assert!(ended >= cuts.len() / 2, "only {ended} cuts hit the session");
}
