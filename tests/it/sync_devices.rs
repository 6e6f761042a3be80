//! Devices through IMAP METADATA and server space through QUOTA, with the real binary
//! against Dovecot (recipes in shared/TESTBED.md): two data directories on one account are
//! two devices that list each other; a rename shows on the other after its next sync;
//! removing the account removes its entry; a server without METADATA says so; a quota
//! filled past 90% raises the warning.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::support::{BedOptions, TestBed};

fn devices(t: &Tayori) -> serde_json::Value {
    let all = t.run(&["devices", "--json"]).ok().json();
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    all[0].clone()
}

fn names(acc: &serde_json::Value) -> Vec<String> {
    acc["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn two_data_dirs_are_two_devices_that_list_each_other() {
    let bed = TestBed::start_with(BedOptions {
        metadata: true,
        ..Default::default()
    });
    bed.load_numbered("INBOX", 3, "Note ");
    let desk = Tayori::new();
    let laptop = Tayori::new();
    desk.add_account(&bed, false);
    let laptop_acc = laptop.add_account(&bed, false);
    desk.run(&["device", "rename", "Desk PC"]).ok();
    laptop.run(&["device", "rename", "ノートPC"]).ok();
    desk.run(&["sync"]).ok();
    laptop.run(&["sync"]).ok();
    desk.run(&["sync"]).ok();

    let d = devices(&desk);
    assert_eq!(d["metadata"], true, "{d}");
    assert_eq!(names(&d), ["Desk PC", "ノートPC"], "this device first: {d}");
    let list = d["devices"].as_array().unwrap();
    assert_eq!(list[0]["this_device"], true);
    assert_eq!(list[1]["this_device"], false);
    for dev in list {
        assert!(
            dev["last_sync"].as_str().unwrap().starts_with("20"),
            "last sync known: {d}"
        );
        assert_eq!(dev["messages"], 3, "{d}");
        assert_eq!(dev["os"], std::env::consts::OS);
    }
    let l = devices(&laptop);
    assert_eq!(names(&l), ["ノートPC", "Desk PC"], "{l}");
    // The human form names both.
    let text = desk.run(&["devices"]).ok().stdout;
    assert!(text.contains("Desk PC (this device)"), "{text}");
    assert!(text.contains("ノートPC"), "{text}");

    // A rename shows on the other device after the renamed one's next sync.
    laptop.run(&["device", "rename", "Laptop"]).ok();
    desk.run(&["sync"]).ok();
    assert_eq!(names(&devices(&desk)), ["Desk PC", "ノートPC"]);
    laptop.run(&["sync"]).ok();
    desk.run(&["sync"]).ok();
    assert_eq!(names(&devices(&desk)), ["Desk PC", "Laptop"]);

    // Removing the account removes its entry from the server.
    laptop.run(&["account", "remove", &laptop_acc]).ok();
    desk.run(&["sync"]).ok();
    assert_eq!(names(&devices(&desk)), ["Desk PC"]);
    let left = py_imap(
        &bed,
        0,
        "imaplib.Commands['GETMETADATA'] = ('AUTH', 'SELECTED')\n\
         typ, d = M._simple_command('GETMETADATA', '(DEPTH 1)', '\"\"', '/private/vendor/tayori/device')\n\
         print(typ, M.untagged_responses.get('METADATA'))",
    );
    assert!(
        left.contains("Desk PC") && !left.contains("Laptop"),
        "{left}"
    );
}

#[test]
fn a_server_without_metadata_shows_this_device_only_and_nothing_fails() {
    let bed = TestBed::start();
    bed.load_numbered("INBOX", 2, "Note ");
    let t = Tayori::new();
    let id = t.add_account(&bed, false);
    // Paused (as the sync view's button does it), the account is left alone.
    t.run(&["account", "set", &id, "--pause"]).ok();
    assert_eq!(t.status()["accounts"][0]["paused"], true);
    let r = t.run(&["sync"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("every account is paused"), "{}", r.stderr);
    t.run(&["account", "set", &id, "--resume"]).ok();
    t.run(&["sync"]).ok();
    let d = devices(&t);
    assert_eq!(d["metadata"], false, "{d}");
    assert!(
        d["note"]
            .as_str()
            .unwrap()
            .contains("does not offer METADATA"),
        "{d}"
    );
    let list = d["devices"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{d}");
    assert_eq!(list[0]["this_device"], true);
    let st = t.status();
    assert_eq!(st["accounts"][0]["metadata"], false, "{st}");
    assert!(
        st["accounts"][0]["quota"].is_null(),
        "no quota plugin: {st}"
    );
    let text = t.run(&["status"]).ok().stdout;
    assert!(text.contains("the server reports no quota"), "{text}");
}

#[test]
fn quota_used_and_limit_are_shown_and_past_90_percent_warns() {
    let bed = TestBed::start_with(BedOptions {
        quota_kib: Some(1024),
        ..Default::default()
    });
    let body = "x".repeat(100 * 1024);
    let load = |from: usize, n: usize| {
        bed.load_maildir(
            0,
            "INBOX",
            (from..from + n).map(|i| {
                (
                    1_700_000_000 + i as i64 * 60,
                    crate::support::make_message(i, &format!("Big {i}"), &body),
                    false,
                )
            }),
        );
    };
    load(0, 4);
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let q = t.status()["accounts"][0]["quota"].clone();
    assert_eq!(q["limit_bytes"], 1024 * 1024, "{q}");
    let used = q["used_bytes"].as_u64().unwrap();
    assert!(
        (400 * 1024..600 * 1024).contains(&used),
        "four 100 KiB messages: {q}"
    );
    assert_eq!(q["warning"], false, "{q}");

    load(4, 6);
    t.run(&["sync"]).ok();
    let q = t.status()["accounts"][0]["quota"].clone();
    assert!(q["percent"].as_u64().unwrap() >= 90, "{q}");
    assert_eq!(q["warning"], true, "{q}");
    let text = t.run(&["status"]).ok().stdout;
    assert!(text.contains("nearly full"), "{text}");
    // The window's status line warns too, and the sync view says what to do.
    let pct = q["percent"].as_u64().unwrap();
    let mut app = tayori::ui::app::App::new(Some(t.data_dir().to_path_buf()));
    let texts = crate::common::window::screen_texts(&app);
    let warning = format!("alice@example.test: server {pct}% full");
    assert!(texts.iter().any(|s| s.contains(&warning)), "{texts:#?}");
    settle(
        &mut app,
        tayori::ui::app::Message::Nav(tayori::ui::app::Screen::Sync),
    );
    let texts = crate::common::window::screen_texts(&app);
    assert!(
        texts
            .iter()
            .any(|s| s.starts_with(&format!("The server is {pct}% full."))),
        "{texts:#?}"
    );
}
