//! Fault matrix, IMAP wire: a server that goes silent (after the greeting, after
//! AUTHENTICATE, in the middle of a literal), sends an endless line or announces a huge
//! literal. `tayori sync` must end within the inactivity timeout with one clear line and a
//! non-zero exit, and memory must stay bounded.
use crate::common::Tayori;
use crate::support::fake_imap::{FakeImap, Misbehave};
use std::time::{Duration, Instant};

fn account_on(t: &Tayori, fake: &FakeImap) {
    // The fake server misbehaves from the start: the faults are the sync's to meet.
    let args = fake.account_args("printf %s fake-pw", &["--no-test"]);
    t.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .ok();
}

/// Runs `tayori sync` against the fake server with a 2 s timeout; returns (stderr, elapsed,
/// peak RSS in kB).
fn sync_against(script: Misbehave) -> (String, Duration, u64) {
    let fake = FakeImap::start(script);
    let t = Tayori::new();
    account_on(&t, &fake);
    let t0 = Instant::now();
    let out = t
        .cmd(&["sync"])
        .env("TAYORI_IMAP_TIMEOUT_SECS", "2")
        .env("TAYORI_REPORT_RSS", "1")
        .output()
        .unwrap();
    let elapsed = t0.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(
        out.status.code(),
        Some(0),
        "{script:?}: sync succeeded: {stderr}"
    );
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss "))
        .and_then(|v| v.trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0);
    let msg: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("peak-rss"))
        .collect();
    assert_eq!(msg.len(), 1, "{script:?}: not one line: {stderr}");
    assert!(
        msg[0].len() < 300,
        "{script:?}: a dump, not words: {stderr}"
    );
    eprintln!("{script:?}: {} ({elapsed:?}, peak {rss} kB)", msg[0]);
    (msg[0].to_string(), elapsed, rss)
}

#[test]
fn faults_silent_server_ends_sync_within_the_timeout() {
    for script in [
        Misbehave::SilentAfterGreeting,
        Misbehave::SilentAfterAuth,
        Misbehave::SilentMidLiteral,
    ] {
        let (line, elapsed, _) = sync_against(script);
        assert!(
            elapsed < Duration::from_secs(15),
            "{script:?}: took {elapsed:?}"
        );
        assert!(line.contains("stopped answering"), "{script:?}: {line}");
        assert!(line.contains("TAYORI_IMAP_TIMEOUT_SECS"), "{line}");
        assert!(!line.contains("TLS"), "{script:?}: {line}");
    }
}

#[test]
fn faults_endless_line_is_refused_with_bounded_memory() {
    let (line, elapsed, rss) = sync_against(Misbehave::EndlessLine);
    assert!(line.contains("line longer than"), "{line}");
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
    assert!(rss > 0 && rss < 100 * 1024, "peak RSS {rss} kB");
}

#[test]
fn faults_huge_literal_is_refused_in_words() {
    let (line, elapsed, rss) = sync_against(Misbehave::HugeLiteral);
    assert!(
        line.contains("999999999999 bytes") && line.contains("limit"),
        "{line}"
    );
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    assert!(rss > 0 && rss < 100 * 1024, "peak RSS {rss} kB");
}
