//! The real window under Xvfb against the test bed, driven with xdotool: open INBOX, open a
//! Japanese HTML message (its read state reaches the server), go offline (the mark-as-read
//! waits in the queue and the sync view shows it), come back (it goes through), and start
//! again with the server down (the window opens from the cache). Screenshots are taken at
//! each step; with TAYORI_SCREENSHOTS=DIR they are kept there (the README's come from here).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::x11::{Xvfb, type_text, xdo, xvfb};
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{TestBed, make_message};

const BASE_TS: i64 = 1_790_000_000;

/// An ISO-2022-JP message with an HTML body (as Japanese mail often still is).
fn japanese_html() -> Vec<u8> {
    let enc = |s: &str| encoding_rs::ISO_2022_JP.encode(s).0.into_owned();
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let subject = format!(
        "=?ISO-2022-JP?B?{}?=",
        b64(&enc("来週の打ち合わせについて"))
    );
    let from = format!(
        "=?ISO-2022-JP?B?{}?= <taro@example.jp>",
        b64(&enc("山田 太郎"))
    );
    let html = "<html><body><p>お疲れさまです。山田です。</p>\
                <p>来週の打ち合わせの<b>資料</b>をお送りします。</p>\
                <p>詳細は <a href=\"https://example.jp/meeting\">こちら</a> をご覧ください。</p>\
                </body></html>";
    let mut m = format!(
        "From: {from}\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\
         Date: Tue, 3 Nov 2026 10:00:00 +0900\r\nMessage-ID: <ja-html@example.jp>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/html; charset=ISO-2022-JP\r\n\
         Content-Transfer-Encoding: 7bit\r\n\r\n"
    )
    .into_bytes();
    m.extend(enc(html));
    m.extend(b"\r\n");
    m
}

pub(crate) struct Window {
    child: Child,
    pub(crate) id: String,
    pub(crate) display: String,
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_window(t: &Tayori, x: &Xvfb, lang: &str) -> Window {
    let log = std::fs::File::create(t.data_dir().join("gui.log")).unwrap();
    let child = Command::new(bin())
        .arg("--data-dir")
        .arg(t.data_dir())
        .env("DISPLAY", &x.display)
        .env("LANG", lang)
        .env_remove("WAYLAND_DISPLAY")
        .env("TAYORI_LOG", "tayori=info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    // Owned by the guard at once, so the process is reaped on every path.
    Window {
        child,
        id: String::new(),
        display: x.display.clone(),
    }
}

fn open_window(t: &Tayori, x: &Xvfb) -> Window {
    open_window_in(t, x, "en_US.UTF-8")
}

/// Opens the window with `LANG=lang` and waits for its first frame.
pub(crate) fn open_window_in(t: &Tayori, x: &Xvfb, lang: &str) -> Window {
    let mut w = spawn_window(t, x, lang);
    let mut starts = 1;
    let t0 = Instant::now();
    loop {
        // By process: the title is translated (便り in Japanese).
        let pid = w.child.id().to_string();
        let id = xdo(&x.display, &["search", "--onlyvisible", "--pid", &pid]);
        if let Some(id) = id.lines().next().filter(|l| !l.is_empty()) {
            w.id = id.to_string();
            // Give it a moment to draw its first frame.
            std::thread::sleep(Duration::from_millis(1500));
            xdo(&w.display, &["windowfocus", "--sync", &w.id]);
            return w;
        }
        // A start that died at once (the X connection refused) is tried again, twice at most.
        if w.child.try_wait().ok().flatten().is_some() && starts < 3 {
            eprintln!(
                "window exited at start ({}); starting it again",
                std::fs::read_to_string(t.data_dir().join("gui.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(500));
            w = spawn_window(t, x, lang);
            starts += 1;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(45),
            "the window did not appear; log: {}",
            std::fs::read_to_string(t.data_dir().join("gui.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

impl Window {
    pub(crate) fn key(&self, k: &str) {
        xdo(&self.display, &["key", "--clearmodifiers", k]);
        std::thread::sleep(Duration::from_millis(700));
    }
    pub(crate) fn click(&self, x: u32, y: u32) {
        xdo(
            &self.display,
            &["mousemove", &x.to_string(), &y.to_string(), "click", "1"],
        );
        std::thread::sleep(Duration::from_millis(700));
    }
    /// Takes a screenshot; checks it shows more than a blank window.
    pub(crate) fn shot(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(format!("{name}.png"));
        let ok = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(&path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "screenshot failed");
        let colors = Command::new("identify")
            .args(["-format", "%k"])
            .arg(&path)
            .output()
            .unwrap();
        let n: u32 = String::from_utf8_lossy(&colors.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        assert!(
            n > 20,
            "{name}: the screenshot is nearly blank ({n} colours)"
        );
        path
    }
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !f() {
        assert!(
            t0.elapsed() < Duration::from_secs(secs),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn window_reads_japanese_html_marks_read_offline_and_back() {
    let mut bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..40).map(|i| {
            (
                BASE_TS + i as i64 * 60,
                make_message(i, &format!("Weekly report {i}"), "Numbers attached."),
                false,
            )
        }),
    );
    bed.load_maildir(
        0,
        "INBOX",
        std::iter::once((BASE_TS + 100_000, japanese_html(), false)),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let rows = t.list("INBOX");
    assert_eq!(rows[0]["subject"], "来週の打ち合わせについて");
    let ja_uid = rows[0]["uid"].as_u64().unwrap();
    let next_uid = rows[1]["uid"].as_u64().unwrap();

    let shots = std::env::var_os("TAYORI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| bed.dir.join("screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let x = xvfb("1280x800");

    // Online: the list, then the Japanese HTML message (j opens the newest).
    let w = open_window(&t, &x);
    w.shot(&shots, "inbox");
    w.key("j");
    std::thread::sleep(Duration::from_millis(1500));
    w.shot(&shots, "reader-japanese");
    wait_for("\\Seen on the server after opening", 20, || {
        server_flags(&bed, "INBOX", ja_uid).contains("\\\\Seen")
    });

    // A second start with a mailto: URL hands it over: the running window opens the composer.
    let handed = Command::new(bin())
        .arg("--data-dir")
        .arg(t.data_dir())
        .arg("mailto:bob@example.test?subject=%E8%A6%8B%E7%A9%8D%E3%82%82%E3%82%8A&body=Hello")
        .env("DISPLAY", &x.display)
        .output()
        .unwrap();
    assert!(handed.status.success(), "{handed:?}");
    assert!(handed.stdout.is_empty());
    std::thread::sleep(Duration::from_millis(1500));
    w.shot(&shots, "compose-mailto");
    w.click(40, 24); // "Mail" in the top bar
    w.key("Escape");

    // Offline: the next message is marked read here and waits in the queue.
    bed.stop();
    w.key("j");
    wait_for("the mark-as-read queued", 10, || {
        t.status()["pending"].as_u64().unwrap_or(0) > 0
    });
    w.click(158, 24); // "Sync" in the top bar
    w.shot(&shots, "sync-offline");

    // Back online: it goes through without anyone touching anything.
    bed.restart();
    wait_for("the queued \\Seen reaching the server", 90, || {
        server_flags(&bed, "INBOX", next_uid).contains("\\\\Seen")
    });
    std::thread::sleep(Duration::from_millis(1500));
    w.shot(&shots, "sync-online");
    drop(w);

    // The server is down and the window still opens, from the cache.
    bed.stop();
    let w = open_window(&t, &x);
    w.shot(&shots, "offline-start");
    drop(w);
}

/// A draft typed in the window (English and Japanese text, while autosave runs) reaches the
/// server's Drafts folder within 10 s, while the account is pushing: saving it wakes the
/// account in the scheduler instead of waiting for the next pass.
#[test]
fn a_draft_typed_in_the_window_reaches_the_servers_drafts() {
    let bed = TestBed::start();
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let shots = std::env::var_os("TAYORI_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| bed.dir.join("screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let x = xvfb("1280x800");
    let w = open_window(&t, &x);
    // The account is pushing (IDLE) once the window has synced; give it that moment.
    std::thread::sleep(Duration::from_secs(2));
    // A mailto: hand-over opens the composer with To and Subject filled in.
    let handed = Command::new(bin())
        .arg("--data-dir")
        .arg(t.data_dir())
        .arg("mailto:bob@example.test?subject=Window%20draft%2042")
        .env("DISPLAY", &x.display)
        .output()
        .unwrap();
    assert!(handed.status.success(), "{handed:?}");
    // Typing into the list instead would run its shortcuts: give a loaded machine time.
    std::thread::sleep(Duration::from_millis(3000));
    w.shot(&shots, "compose-draft-before");
    // Into the body editor, then type as a person would.
    w.click(600, 330);
    type_text(&w.display, "Hello Bob, the numbers are attached. ", 40);
    type_text(&w.display, "よろしくお願いします。", 120);
    let typed = Instant::now();
    let on_server = || {
        py_imap(
            &bed,
            0,
            "import email\n\
             M.select('Drafts')\n\
             typ, data = M.search(None, 'SUBJECT', '\"Window draft 42\"')\n\
             for n in data[0].split():\n\
             \x20   typ, d = M.fetch(n, '(BODY.PEEK[])')\n\
             \x20   m = email.message_from_bytes(d[0][1])\n\
             \x20   print(m.get_payload(decode=True).decode('utf-8', 'replace'))",
        )
    };
    let mut body = String::new();
    while typed.elapsed() < Duration::from_secs(10) {
        body = on_server();
        // Autosave may have sent a version from the middle of the typing first.
        if body.contains("numbers are attached. よろしくお願いします。") {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    w.shot(&shots, "compose-draft-typed");
    assert!(
        body.contains("Hello Bob, the numbers are attached. よろしくお願いします。"),
        "no draft on the server {:?} after typing; server has: {body:?}; log: {}",
        typed.elapsed(),
        std::fs::read_to_string(t.data_dir().join("gui.log")).unwrap_or_default()
    );
    eprintln!("typed -> on the server's Drafts in {:?}", typed.elapsed());
}
