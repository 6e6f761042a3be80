//! The composer in the real window under Xvfb, typed into with xdotool as a person would:
//! autosave runs and completions appear while typing, and nothing typed is lost or lands in
//! another field; typing into the search field runs no single-letter shortcut. Screenshots
//! of the composer at three sizes in English and Japanese, and of the undo toast (Delete,
//! then Ctrl+Z brings the message back).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::drafts::drafts;
use crate::support;

use common::gui::{Window, open_window, shots_dir, wait_for};
use common::x11::{type_text, xvfb};
use common::*;
use std::time::Duration;
use support::{TestBed, make_message};

const BASE_TS: i64 = 1_790_000_000;

/// A message from someone whose address starts like the one typed: completions appear
/// under the address fields while typing "dave".
fn from_dave_example() -> Vec<u8> {
    b"From: Dave Example <dave.example@corp.example>\r\nTo: Alice <alice@example.test>\r\n\
      Subject: Budget\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\n\
      Message-ID: <dave-1@corp.example>\r\nMIME-Version: 1.0\r\n\
      Content-Type: text/plain; charset=utf-8\r\n\r\nThe budget.\r\n"
        .to_vec()
}

fn list_of(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// An account over a bed with an Inbox of `n` messages (and Dave's), synced.
fn account_with_mail(n: usize) -> (TestBed, Tayori) {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..n)
            .map(|i| {
                (
                    BASE_TS + i as i64 * 60,
                    make_message(i, &format!("Weekly report {i}"), "Numbers attached."),
                    false,
                )
            })
            .chain(std::iter::once((BASE_TS - 60, from_dave_example(), false))),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    (bed, t)
}

/// Ctrl+N, then To, Cc, Bcc and Subject as a person types them, autosave running between.
fn type_the_message(w: &Window) {
    w.key("ctrl+n");
    std::thread::sleep(Duration::from_millis(1000));
    type_text(&w.display, "dave", 120);
    // Autosave runs every 5 s: it saves the half-typed address, and says nothing.
    std::thread::sleep(Duration::from_secs(7));
    type_text(&w.display, "@corp.example", 80);
    // Through Cc and Bcc, left empty, to Subject.
    for _ in 0..3 {
        w.key("Tab");
    }
    type_text(&w.display, "東京の会議について", 150);
}

#[test]
fn typed_address_and_japanese_subject_reach_the_draft_exactly() {
    let (bed, t) = account_with_mail(5);
    let shots = shots_dir(&bed.dir);
    let x = xvfb("1280x800");
    let w = open_window(&t, &x, "en");
    type_the_message(&w);
    let mut last = Vec::new();
    let mut done = false;
    for _ in 0..40 {
        last = drafts(&t);
        if last.len() == 1 && last[0]["compose"]["subject"] == "東京の会議について" {
            done = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    w.shot(&shots, "compose-typed");
    assert!(
        done,
        "no draft with the subject; drafts: {last:?}; log: {}",
        std::fs::read_to_string(t.data_dir().join("gui.log")).unwrap_or_default()
    );
    let c = &last[0]["compose"];
    assert_eq!(list_of(&c["to"]), ["dave@corp.example"], "{c}");
    assert!(list_of(&c["cc"]).is_empty(), "{c}");
    assert!(list_of(&c["bcc"]).is_empty(), "{c}");
    assert_eq!(c["subject"], "東京の会議について");
}

#[test]
fn typing_into_the_search_field_runs_no_shortcut() {
    let (bed, t) = account_with_mail(5);
    let shots = shots_dir(&bed.dir);
    let x = xvfb("1280x800");
    let w = open_window(&t, &x, "en");
    // A message is open (Reply would have something to answer) and has been marked read.
    w.key("j");
    wait_for("the open message marked read", 20, || {
        t.list("INBOX").iter().any(|r| r["seen"] == true)
    });
    let before = t.list("INBOX");
    w.key("slash");
    type_text(&w.display, "roadmap", 100);
    // A Reply opened by "r" would get "oadmap" in its body and autosave it within 5 s.
    std::thread::sleep(Duration::from_secs(8));
    w.shot(&shots, "search-typed");
    assert!(drafts(&t).is_empty(), "a composer opened: {:?}", drafts(&t));
    let after = t.list("INBOX");
    assert_eq!(before, after, "typing changed messages");
    assert_eq!(t.status()["pending"].as_u64().unwrap_or(0), 0);
    // The same letter with no field focused is the Reply shortcut (so the check above can
    // fail): Escape clears the search and leaves the field, "r" replies, the body is typed.
    w.key("Escape");
    w.key("r");
    std::thread::sleep(Duration::from_millis(1500));
    type_text(&w.display, "Thanks", 100);
    wait_for("the reply saved as a draft", 20, || {
        drafts(&t).iter().any(|d| {
            d["compose"]["subject"]
                .as_str()
                .unwrap_or("")
                .starts_with("Re: ")
        })
    });
}

#[test]
fn composer_screenshots_at_three_sizes_in_english_and_japanese() {
    let (bed, t) = account_with_mail(5);
    let shots = shots_dir(&bed.dir);
    let x = xvfb("1920x1080");
    for lang in ["en", "ja"] {
        let w = open_window(&t, &x, lang);
        w.key("ctrl+n");
        std::thread::sleep(Duration::from_millis(1000));
        // Completions showing under the address fields.
        type_text(&w.display, "dave", 120);
        std::thread::sleep(Duration::from_millis(1500));
        for (width, height) in [(900, 600), (1280, 800), (1920, 1080)] {
            w.resize(width, height);
            w.shot_window(&shots, &format!("compose-{lang}-{width}x{height}"));
        }
        w.key("Escape");
        // The undo toast in the status line at the smallest size: Delete, then Ctrl+Z.
        w.resize(900, 600);
        let before = t.list("INBOX").len();
        w.key("j");
        w.key("Delete");
        wait_for("the message moved to Trash", 10, || {
            t.list("INBOX").len() == before - 1
        });
        w.shot_window(&shots, &format!("undo-toast-{lang}-900x600"));
        w.key("ctrl+z");
        wait_for("the message back in the Inbox", 10, || {
            t.list("INBOX").len() == before
        });
        drop(w);
    }
}
