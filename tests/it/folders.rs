//! Folders both ways against the real Dovecot: created and renamed here while offline, the
//! folder exists once on the server under its new name after the next sync; renamed on the
//! server by another device (Python imaplib), it keeps its cached bodies here (nothing is
//! downloaded again); created, renamed and deleted online, each is on the server at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::support::{TestBed, make_message};

/// The server's folder names (LIST "" "*"), as Python sees them.
fn server_folders(bed: &TestBed) -> Vec<String> {
    py_imap(
        bed,
        0,
        "typ, data = M.list('\"\"', '*')\n\
         for d in data:\n\
         \x20   print(d.decode().rsplit(' ', 1)[1].strip('\"'))",
    )
    .lines()
    .map(|l| l.trim().to_string())
    .filter(|l| !l.is_empty())
    .collect()
}

fn status_of(t: &Tayori, folder: &str) -> Option<serde_json::Value> {
    t.status()["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == folder)
        .cloned()
}

#[test]
fn a_folder_created_offline_then_renamed_exists_once_on_the_server_under_its_new_name() {
    let mut bed = TestBed::start();
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    bed.stop();
    let out = t.run(&["folder", "create", "Projects"]).ok();
    assert!(out.stdout.contains("queued"), "{}", out.stdout);
    t.run(&["folder", "rename", "Projects", "Work"]).ok();
    // Here at once, under its new name.
    let names: Vec<String> = t
        .run(&["folders", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"Work".to_string()), "{names:?}");
    assert!(!names.contains(&"Projects".to_string()));
    assert_eq!(t.status()["pending"].as_u64(), Some(2));
    bed.restart();
    let report = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(report[0]["ops_done"], 2, "{report}");
    let server = server_folders(&bed);
    assert_eq!(
        server.iter().filter(|n| *n == "Work").count(),
        1,
        "{server:?}"
    );
    assert!(!server.contains(&"Projects".to_string()), "{server:?}");
    assert_eq!(t.status()["pending"].as_u64(), Some(0));
    assert!(status_of(&t, "Work").is_some());
}

#[test]
fn a_rename_on_the_server_keeps_the_cached_bodies() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "Reports",
        (0..25).map(|i| {
            (
                1_790_000_000 + i as i64 * 60,
                make_message(i, &format!("Report {i}"), &"Numbers. ".repeat(200)),
                false,
            )
        }),
    );
    let t = Tayori::new();
    let acc = t.add_account(&bed, false);
    t.run(&["account", "set", &acc, "--offline", "all"]).ok();
    t.run(&["sync", "--bodies"]).ok();
    let before = status_of(&t, "Reports").expect("Reports cached");
    assert_eq!(before["cached_bodies"], 25, "{before}");
    // Another device renames it.
    py_imap(&bed, 0, "print(M.rename('Reports', 'Reports-2026'))");
    let report = t.run(&["sync", "--json"]).ok().json();
    let renamed = &report[0]["folders_renamed"];
    assert_eq!(renamed[0][0], "Reports", "{report}");
    assert_eq!(renamed[0][1], "Reports-2026");
    assert!(status_of(&t, "Reports").is_none());
    let after = status_of(&t, "Reports-2026").expect("renamed here too");
    assert_eq!(after["cached_total"], 25);
    assert_eq!(after["cached_bodies"], 25, "the bodies stayed: {after}");
    assert_eq!(after["cached_bytes"], before["cached_bytes"]);
    // Nothing was fetched again: the pass over the renamed folder brought no headers.
    let pass = report[0]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "Reports-2026")
        .cloned()
        .unwrap_or_default();
    assert_eq!(pass["fetched"].as_u64().unwrap_or(0), 0, "{pass}");
    // A later --bodies pass has nothing to download for it.
    let bodies = t.run(&["sync", "--bodies", "--json"]).ok().json();
    let again = status_of(&t, "Reports-2026").unwrap();
    assert_eq!(again["cached_bytes"], before["cached_bytes"], "{bodies}");
}

#[test]
fn folder_changes_online_reach_the_server_at_once() {
    let bed = TestBed::start();
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    t.run(&["folder", "create", "仕事"]).ok();
    let server = server_folders(&bed);
    assert!(server.contains(&"&TtVOiw-".to_string()), "{server:?}");
    t.run(&["folder", "rename", "仕事", "仕事2026"]).ok();
    let server = server_folders(&bed);
    assert!(!server.contains(&"&TtVOiw-".to_string()), "{server:?}");
    assert!(
        server
            .iter()
            .any(|n| n.ends_with("2026") && n.starts_with("&TtVOiw-")),
        "{server:?}"
    );
    t.run(&["folder", "delete", "仕事2026"]).ok();
    let server = server_folders(&bed);
    assert!(!server.iter().any(|n| n.contains("2026")), "{server:?}");
    assert_eq!(t.status()["pending"].as_u64(), Some(0));
}
