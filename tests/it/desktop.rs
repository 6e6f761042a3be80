//! The installed `tayori` as the desktop starts it: a second process with a `mailto:` URL
//! (or none) hands it to the running instance of the same data directory and exits 0
//! without printing; a bad URL is refused before anything is handed over.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::process::Command;
use std::time::{Duration, Instant};
use tayori::instance::{self, Request, Role};

fn tayori(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tayori"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

#[test]
fn a_second_tayori_hands_its_mailto_url_to_the_running_one() {
    let dir = tempfile::tempdir().unwrap();
    // This test process plays the running window.
    let Role::Primary(mut running) = instance::acquire(dir.path(), &Request::Activate).unwrap()
    else {
        panic!("nothing else holds this data dir");
    };
    let requests = running.incoming();

    let url = "mailto:someone@example.com?subject=%E4%BE%BF%E3%82%8A&body=Hi";
    let t0 = Instant::now();
    let out = tayori(dir.path(), &[url]);
    let took = t0.elapsed();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    assert_eq!(
        requests.recv_blocking().unwrap(),
        Request::Mailto { url: url.into() }
    );
    assert!(took < Duration::from_secs(3), "hand-over took {took:?}");
    eprintln!("mailto hand-over: {took:?}");

    // Bare `tayori`: bring the window forward.
    let out = tayori(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(requests.recv_blocking().unwrap(), Request::Activate);

    // A bad URL: a clear error, exit 2 (usage), and nothing reaches the running one.
    let out = tayori(dir.path(), &["mailto:?subject=%FF"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not UTF-8"), "{err}");
    let out = tayori(dir.path(), &["snyc"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a subcommand or a mailto: URL"),
        "{out:?}"
    );
    assert!(requests.try_recv().is_err());

    // Subcommands still work next to a running window (they do not take the instance lock).
    let out = tayori(dir.path(), &["account", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    drop(running);
}

#[test]
fn a_mailto_url_and_a_subcommand_do_not_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = tayori(dir.path(), &["mailto:a@example.com", "status"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!dir.path().join("instance.lock").exists());
}
