//! Cut-and-resume, POP3 download through a TCP proxy: the connection is cut after N bytes
//! from the server (in the middle of a RETR, at points spread over the download) and one
//! more sync runs: every server message is cached exactly once, none missing, none extra.
//! (The server SIGKILLed mid-download is `pop3_sync::connection_cut_mid_download_...`.)
use crate::common::Tayori;
use crate::pop3_sync::{add_pop3_at, load, server_messages};
use crate::support::TestBed;
use crate::support::proxy::{Fault, Proxy};
use std::collections::BTreeSet;

#[test]
fn faults_cut_pop3_download_resumes_without_loss_or_duplicates() {
    let bed = TestBed::start();
    let proxy = Proxy::start(bed.pop3s_port());
    let t = Tayori::new();
    let (_, pw) = bed.user(0);
    add_pop3_at(&t, &bed, proxy.port, false, &pw, &[]);
    let per_round = 40;
    let body = "lorem ipsum dolor sit amet ".repeat(750); // ~20 KB each
    let mut loaded = 0;
    // Cut after this many bytes from the server: early, mid-way, near the end of ~800 KB.
    for (round, cut) in [60_000usize, 400_000, 760_000].iter().enumerate() {
        load(&bed, loaded, per_round, &body);
        loaded += per_round;
        let hits = proxy.hits();
        proxy.arm(Fault::CutDown(*cut));
        let cut_run = t.run(&["sync"]);
        assert_eq!(
            proxy.hits(),
            hits + 1,
            "round {round}: the cut did not happen"
        );
        assert_ne!(cut_run.code, 0, "round {round}: {}", cut_run.stdout);
        let partial = t.list("INBOX").len();
        assert!(partial < loaded, "round {round}: {partial}");
        t.run(&["sync"]).ok();
        let rows = t.list("INBOX");
        let mids: BTreeSet<String> = rows
            .iter()
            .map(|r| r["message_id"].as_str().unwrap().to_string())
            .collect();
        let want: BTreeSet<String> = (0..loaded)
            .map(|i| format!("<{i}.bench@example.test>"))
            .collect();
        assert_eq!(rows.len(), loaded, "round {round}: duplicates or missing");
        assert_eq!(mids, want, "round {round}");
        assert_eq!(server_messages(&bed), loaded);
        eprintln!(
            "round {round}: cut after {cut} bytes with {partial} of {loaded} cached; resumed to {loaded}"
        );
    }
}
