//! The real window under Xvfb over 320 realistic messages and a conversation of three (long subjects, Japanese senders:
//! common/corpus) from the test bed: the Inbox with a message open at 900x600, 1280x800 and
//! 1920x1080, in English and Japanese, one screenshot each (kept in TAYORI_SCREENSHOTS=DIR,
//! the README's docs/screenshots/layout-*.png come from here). That every reader action is
//! reachable at these sizes and that rows never overlap is checked in ui_layout.rs (iced_test,
//! the same view code); here the window must come up at each size and draw its panes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support::TestBed;
use common::gui::open_window;
use common::x11::{xdo, xvfb};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const SIZES: &[(u32, u32)] = &[(900, 600), (1280, 800), (1920, 1080)];

/// A screenshot of the window alone; checks it has the size asked for and is not blank.
fn window_shot(display: &str, id: &str, dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
    let path = dir.join(format!("{name}.png"));
    let ok = Command::new("import")
        .args(["-display", display, "-window", id])
        .arg(&path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "screenshot failed");
    let out = Command::new("identify")
        .args(["-format", "%w %h %k"])
        .arg(&path)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&out.stdout).to_string();
    let v: Vec<u32> = info
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    assert_eq!(v.len(), 3, "identify: {info}");
    assert_eq!(
        (v[0], v[1]),
        (w, h),
        "{name}: the window is {}x{}",
        v[0],
        v[1]
    );
    assert!(v[2] > 50, "{name}: nearly blank ({} colours)", v[2]);
    path
}

#[test]
fn inbox_with_a_message_open_at_three_sizes_in_english_and_japanese() {
    let bed = TestBed::start();
    let now = chrono::Utc::now().timestamp();
    let mails = corpus::mailbox(320, now);
    bed.load_maildir(
        0,
        "INBOX",
        mails
            .iter()
            .enumerate()
            .map(|(i, m)| (m.date, m.raw(i), m.seen)),
    );
    // A conversation on top: corpus message 0, our reply in Sent, and the newest reply in
    // the Inbox (quoting us): the reader shows all three, the newest expanded.
    let reply = |from: &str, date: i64, mid: &str, refs: &str, body: &str| {
        let d = chrono::DateTime::from_timestamp(date, 0)
            .map(|d| d.to_rfc2822())
            .unwrap_or_default();
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        format!(
            "From: {from}\r\nTo: Alice <alice@example.test>\r\n\
             Subject: =?UTF-8?B?{}?=\r\nDate: {d}\r\nMessage-ID: {mid}\r\n\
             In-Reply-To: {}\r\nReferences: {refs}\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
            b64(&format!("Re: {}", mails[0].subject)),
            refs.rsplit(' ').next().unwrap_or(refs),
        )
        .into_bytes()
    };
    bed.load_maildir(
        0,
        "Sent",
        std::iter::once((
            now - 120,
            reply(
                "Alice <alice@example.test>",
                now - 120,
                "<r1.layout@example.test>",
                "<0.corpus@example.test>",
                "木曜の15時はいかがでしょうか。\r\nThursday 15:00 works for me.",
            ),
            true,
        )),
    );
    bed.load_maildir(
        0,
        "INBOX",
        std::iter::once((
            now - 60,
            reply(
                "=?UTF-8?B?5L2Q6JekIOiKseWtkA==?= <hanako.sato@example.jp>",
                now - 60,
                "<r2.layout@example.test>",
                "<0.corpus@example.test> <r1.layout@example.test>",
                "承知しました。木曜15時に伺います。\r\nSee you on Thursday.\r\n\r\n\
                 Alice wrote:\r\n> 木曜の15時はいかがでしょうか。\r\n> Thursday 15:00 works for me.",
            ),
            false,
        )),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync", "--bodies"]).ok();
    assert_eq!(t.list("INBOX").len(), 321);
    let shots = std::env::var_os("TAYORI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| bed.dir.join("screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let x = xvfb("1920x1080");
    for lang in ["en", "ja"] {
        let w = open_window(&t, &x, lang);
        for &(width, height) in SIZES {
            xdo(&w.display, &["windowmove", &w.id, "0", "0"]);
            xdo(
                &w.display,
                &[
                    "windowsize",
                    "--sync",
                    &w.id,
                    &width.to_string(),
                    &height.to_string(),
                ],
            );
            std::thread::sleep(Duration::from_millis(1200));
            // The first row (the conversation of three): below the top bar (52 px) and the
            // list's toolbar (44 px), rows of 30 px, in the list pane.
            let folder_pane = (width as f32 * tayori::ui::panes::DEFAULT_FOLDER_SPLIT) as u32;
            w.click(folder_pane + 120, 52 + 44 + 15);
            std::thread::sleep(Duration::from_millis(1500));
            window_shot(
                &w.display,
                &w.id,
                &shots,
                &format!("layout-{width}x{height}-{lang}"),
                width,
                height,
            );
        }
        drop(w);
    }
}
