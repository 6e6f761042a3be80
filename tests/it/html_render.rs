//! HTML mail drawn by the layout engine through the real binary (`tayori render`) after a
//! real sync from Dovecot: the corpus under tests/fixtures/html renders without a panic
//! (the pathological ones fall back to the text view with the sentence), inline `cid:` and
//! `data:` images come from the message, and a local HTTP server sees no request at all
//! until remote content is allowed, then only the allowed sender's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::support::TestBed;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

const TS: i64 = 1_790_000_000;

const CORPUS: &[(&str, &str)] = &[
    ("newsletter_tables.eml", "Autumn sale"),
    ("outlook_nested.eml", "Quarterly report"),
    ("cid_images.eml", "Your order has shipped"),
    ("tracking_pixel.eml", "Friday"),
    ("xhtml_doctype.eml", "Invoice 2026-118"),
    ("deep_divs.eml", "Pathological nesting"),
    ("bad_urls.eml", "Bad URLs"),
    ("japanese_newsletter.eml", "ショップ通信 2026年11月号"),
];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/html/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Subject -> message id, after a sync.
fn ids(t: &Tayori) -> HashMap<String, String> {
    t.list("INBOX")
        .into_iter()
        .map(|m| {
            (
                m["subject"].as_str().unwrap().to_string(),
                m["id"].to_string(),
            )
        })
        .collect()
}

fn render(t: &Tayori, id: &str, png: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec!["render", id, "--png", png.to_str().unwrap()];
    args.extend_from_slice(extra);
    let mut cmd = t.cmd(&args);
    cmd.env("TAYORI_REMOTE_ALLOW_LOOPBACK", "1");
    Run::of(cmd.output().unwrap()).ok()
}

fn pixels(png: &std::path::Path) -> image::RgbaImage {
    image::open(png).unwrap().to_rgba8()
}

/// Pixels within 8 of `rgb` on every channel.
fn count_colour(img: &image::RgbaImage, rgb: [u8; 3]) -> usize {
    img.pixels()
        .filter(|p| (0..3).all(|i| p.0[i].abs_diff(rgb[i]) <= 8))
        .count()
}

/// Pixels dark enough to be text.
fn dark(img: &image::RgbaImage) -> usize {
    img.pixels()
        .filter(|p| p.0[..3].iter().all(|c| *c < 110))
        .count()
}

#[test]
fn html_corpus_renders_through_the_cli() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        CORPUS
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (TS + i as i64 * 60, fixture(f), false)),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let ids = ids(&t);
    let out = std::env::var_os("TAYORI_HTML_PNG_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| t.data_dir().join("png"));
    std::fs::create_dir_all(&out).unwrap();
    let mut drawn = HashMap::new();
    for (file, subject) in CORPUS {
        let id = ids
            .get(*subject)
            .unwrap_or_else(|| panic!("{subject} not synced"));
        let png = out.join(file.replace(".eml", ".png"));
        let run = render(&t, id, &png, &[]);
        let img = pixels(&png);
        assert_eq!(img.width(), 800, "{file}");
        assert!(img.height() > 40, "{file}: {}", img.height());
        assert!(dark(&img) > 200, "{file}: nothing drawn");
        drawn.insert(*file, (run.stdout, img));
    }
    // The 5,000 nested divs trip the nesting pre-check: the text view, with the sentence.
    let (said, _) = &drawn["deep_divs.eml"];
    assert!(
        said.contains("text view: This message nests its layout too deeply"),
        "{said}"
    );
    for (file, (said, _)) in &drawn {
        if *file != "deep_divs.eml" {
            assert!(!said.contains("text view:"), "{file} fell back: {said}");
        }
    }
    // Remote content is listed as blocked, the tracking pixel and the CSS background too.
    let (said, _) = &drawn["tracking_pixel.eml"];
    assert!(
        said.contains("blocked\thttps://t.mailer.example/open?id=8f2c1&u=alice"),
        "{said}"
    );
    assert!(
        said.contains("blocked\thttps://t.mailer.example/bg.gif"),
        "{said}"
    );
    let (said, _) = &drawn["newsletter_tables.eml"];
    assert!(
        said.contains("blocked\thttps://images.shop.example/banner.png"),
        "{said}"
    );
    // Malformed URLs were dropped before layout: nothing of them is requested or listed.
    let (said, _) = &drawn["bad_urls.eml"];
    assert!(!said.contains("[::1"), "{said}");
    // The inline logo (cid:, 120x40 of #2a9d8f) and the orange dots (cid: and data:).
    let (_, img) = &drawn["cid_images.eml"];
    assert!(count_colour(img, [0x2a, 0x9d, 0x8f]) >= 120 * 40 * 9 / 10);
    assert!(count_colour(img, [0xe7, 0x6f, 0x51]) >= 2 * 16 * 16 * 9 / 10);
    // The newsletter's own background colour is painted (not a theme's).
    let (_, img) = &drawn["newsletter_tables.eml"];
    assert!(count_colour(img, [0xee, 0xf1, 0xf5]) > 10_000);
    // The 200 KB newsletter is laid out in full (249 rows of about 100 px).
    let (_, img) = &drawn["japanese_newsletter.eml"];
    assert!(img.height() > 10_000, "{}", img.height());
}

/// A one-thread HTTP server that records the path of every request and answers with a
/// 40x40 PNG of #d62828.
fn image_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let png = {
        let mut buf = Vec::new();
        image::RgbaImage::from_pixel(40, 40, image::Rgba([0xd6, 0x28, 0x28, 255]))
            .write_to(&mut std::io::Cursor::new(&mut buf), image::ImageFormat::Png)
            .unwrap();
        buf
    };
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut first = String::new();
            reader.read_line(&mut first).unwrap_or(0);
            let mut headers = Vec::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                    break;
                }
                headers.push(l.trim().to_ascii_lowercase());
            }
            let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
            // No cookie and no referrer ever go out.
            let leaked: Vec<_> = headers
                .iter()
                .filter(|h| h.starts_with("cookie:") || h.starts_with("referer:"))
                .cloned()
                .collect();
            log.lock()
                .unwrap()
                .push(format!("{path}{}", leaked.join(";")));
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\
                 Set-Cookie: id=1\r\nConnection: close\r\n\r\n",
                png.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&png);
        }
    });
    (port, seen)
}

fn remote_message(sender: &str, subject: &str, url: &str) -> Vec<u8> {
    format!(
        "From: {sender}\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{subject}@example.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Pictures from {subject}</p><img src=\"{url}\" width=\"40\" \
         height=\"40\"><img src=\"{url}?pixel\" width=\"1\" height=\"1\"></body></html>\r\n"
    )
    .into_bytes()
}

#[test]
fn remote_content_is_fetched_only_once_allowed() {
    let (port, seen) = image_server();
    let bed = TestBed::start();
    let a_url = format!("http://127.0.0.1:{port}/a.png");
    let b_url = format!("http://127.0.0.1:{port}/b.png");
    bed.load_maildir(
        0,
        "INBOX",
        [
            (
                TS,
                remote_message("Ann <ann@photos.example>", "ann", &a_url),
                false,
            ),
            (
                TS + 60,
                remote_message("Ben <ben@photos.example>", "ben", &b_url),
                false,
            ),
        ]
        .into_iter(),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let ids = ids(&t);
    let png = t.data_dir().join("r.png");
    let red = [0xd6, 0x28, 0x28];

    // Not allowed: both are drawn, both list their URLs as blocked, the server sees nothing.
    for (who, url) in [("ann", &a_url), ("ben", &b_url)] {
        let run = render(&t, &ids[who], &png, &[]);
        assert!(
            run.stdout.contains(&format!("blocked\t{url}\n")),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("blocked\t{url}?pixel")),
            "{}",
            run.stdout
        );
        assert_eq!(count_colour(&pixels(&png), red), 0);
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );

    // Always for Ann (kept in the store): her images load, Ben's still do not.
    tayori::store::Store::open_dir(t.data_dir())
        .unwrap()
        .allow_remote_sender("ann@photos.example")
        .unwrap();
    let run = render(&t, &ids["ann"], &png, &[]);
    assert!(!run.stdout.contains("blocked"), "{}", run.stdout);
    assert!(count_colour(&pixels(&png), red) >= 40 * 40 * 9 / 10);
    render(&t, &ids["ben"], &png, &[]);
    let mut got = seen.lock().unwrap().clone();
    got.sort();
    assert_eq!(got, vec!["/a.png", "/a.png?pixel"]);

    // Without the test switch, loopback is refused even for an allowed sender.
    let mut cmd = t.cmd(&["render", &ids["ann"], "--png", png.to_str().unwrap()]);
    cmd.env_remove("TAYORI_REMOTE_ALLOW_LOOPBACK");
    Run::of(cmd.output().unwrap()).ok();
    assert_eq!(seen.lock().unwrap().len(), 2);

    // Show once (--allow-remote) for Ben.
    render(&t, &ids["ben"], &png, &["--allow-remote"]);
    let mut got = seen.lock().unwrap().clone();
    got.sort();
    assert_eq!(
        got,
        vec!["/a.png", "/a.png?pixel", "/b.png", "/b.png?pixel"]
    );
}

/// The window's path through the engine's scheduler: opening an HTML message brings its
/// HTML with the inline parts its `cid:` images name (fetched on the kept session), and
/// "Always for this sender" / Remove are kept in the store.
#[test]
fn the_scheduler_serves_html_with_inline_parts_and_keeps_allowed_senders() {
    use tayori::engine::{EngineHandle, Event};
    use tayori::model::{AccountId, MessageId};
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        [(TS, fixture("cid_images.eml"), false)].into_iter(),
    );
    let t = Tayori::new();
    let acc = AccountId(t.add_account(&bed, false).parse().unwrap());
    t.run(&["sync"]).ok();
    let id = MessageId(ids(&t)["Your order has shipped"].parse().unwrap());
    let (h, events) = EngineHandle::new(t.data_dir().to_path_buf());
    h.add_account(acc);
    h.show(acc, id);
    let t0 = std::time::Instant::now();
    let shown = loop {
        assert!(t0.elapsed().as_secs() < 30, "never shown");
        match events.try_recv() {
            Ok(Event::Shown(m, r)) if m == id => break r.unwrap(),
            Ok(_) => {}
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    };
    let html = shown.html.expect("no HTML body");
    assert_eq!(html.sender, "orders@store.example");
    assert!(!html.sender_allowed);
    assert!(html.mail.html.contains("cid:logo@tayori.test"));
    let mut cids: Vec<_> = html.mail.inline.keys().cloned().collect();
    cids.sort();
    assert_eq!(cids, vec!["dot@tayori.test", "logo@tayori.test"]);
    assert!(html.mail.inline["logo@tayori.test"].starts_with(b"\x89PNG"));

    // Saved by the account's task (then Event::Changed): the store is read until it shows.
    let senders_become = |want: Vec<&str>| {
        let t0 = std::time::Instant::now();
        loop {
            let got = tayori::store::Store::open_dir(t.data_dir())
                .unwrap()
                .remote_senders()
                .unwrap();
            if got == want {
                return;
            }
            assert!(
                t0.elapsed().as_secs() < 20,
                "senders stayed {got:?}, want {want:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    h.set_remote_sender(acc, "Orders <orders@store.example>", true);
    senders_become(vec!["orders@store.example"]);
    h.set_remote_sender(acc, "orders@store.example", false);
    senders_become(vec![]);
    h.shutdown();
}
