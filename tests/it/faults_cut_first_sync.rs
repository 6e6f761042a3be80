//! Cut-and-resume, the first header sync through a TCP proxy: the server goes silent in
//! the middle of the header FETCH (the proxy stalls), so `sync` ends on the inactivity
//! timeout with what it committed; then the server refuses connections for a while
//! (`sync` fails at once, in words); then one more sync: the cache equals the server.
use crate::common::Tayori;
use crate::common::compare::assert_cache_equals_server;
use crate::support::proxy::{Fault, Proxy};
use crate::support::{TestBed, make_message};
use std::time::{Duration, Instant};

#[test]
fn faults_stalled_then_refused_first_sync_resumes_to_the_server_state() {
    let bed = TestBed::start();
    let n = 4000;
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| {
            (
                1_700_000_000 + i as i64 * 60,
                make_message(i, &format!("First {i}"), "b"),
                i % 3 == 0,
            )
        }),
    );
    let proxy = Proxy::start(bed.imaps_port());
    let t = Tayori::new();
    t.add_account_via(&bed, proxy.port);

    // About 70% of the header FETCH's bytes (4000 headers are ~2.1 MB on the wire).
    proxy.arm(Fault::StallDown(1_500_000));
    let t0 = Instant::now();
    let stalled = t
        .cmd(&["sync"])
        .env("TAYORI_IMAP_TIMEOUT_SECS", "2")
        .output()
        .unwrap();
    let took = t0.elapsed();
    let stderr = String::from_utf8_lossy(&stalled.stderr);
    assert!(!stalled.status.success());
    assert!(stderr.contains("stopped answering"), "{stderr}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    let partial = t.list("INBOX").len();
    // What was committed stays (whole FETCH responses only: Dovecot runs the two pipelined
    // FETCHes in parallel, so the first may complete late and hold more than its batch).
    assert!(partial < n, "{partial} after {took:?}: {stderr}");

    proxy.arm(Fault::RefuseUntil(Instant::now() + Duration::from_secs(60)));
    let refused = t.run(&["sync"]);
    assert_ne!(refused.code, 0);
    assert_eq!(
        refused.stderr.trim().lines().count(),
        1,
        "{}",
        refused.stderr
    );
    proxy.arm(Fault::RefuseUntil(Instant::now()));

    t.run(&["sync"]).ok();
    assert_cache_equals_server(&t, &bed, &["INBOX"]);
    eprintln!("stalled after {took:?} with {partial} of {n} headers; resumed to all {n}");
}
