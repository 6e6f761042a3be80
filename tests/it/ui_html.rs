//! The reader's formatted view through iced_test: an HTML message opened with the engine's
//! reader path is laid out off the UI thread (the Task the update returns), shown with the
//! "remote images blocked" bar, switched to plain text and back; a link whose text is not
//! its target shows the target first; a pathological message falls back to the text view
//! with the sentence; Settings lists allowed senders with Remove.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::settle;
use crate::ui_screens::{click, header, shows};
use tayori::engine::Event;
use tayori::model::{FolderRole, MessageId, Uid};
use tayori::store::Store;
use tayori::ui::app::{App, Message, Reading, Screen};
use tayori::ui::html::{HtmlMsg, HtmlView};

const PAGE: &str = "<html><body style=\"background:#fdf0d5\"><h1>Weekly picks</h1>\
    <p><img src=\"http://127.0.0.1:9/banner.png\" width=\"200\" height=\"50\"></p>\
    <p><a href=\"https://tracker.example/r?u=1\" style=\"font-size:30px\">https://shop.example/</a></p>\
    </body></html>";

/// A store with one HTML message (cached) from `from`, whose body is `html`.
fn store_with(html: &str, from: &str) -> (tempfile::TempDir, MessageId) {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, f) = crate::common::local_store(dir.path(), &[("INBOX", FolderRole::Inbox)]);
    s.store_headers(f[0], &[header(1, "Weekly picks", from, 1_790_000_000)])
        .unwrap();
    let m = s.message_by_uid(f[0], Uid(1)).unwrap().unwrap();
    s.cache_part(m.id, "1", html.as_bytes()).unwrap();
    (dir, m.id)
}

/// Opens the message as the reader does and lets the render Task finish.
fn open(dir: &tempfile::TempDir, id: MessageId) -> App {
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::Select(id, 0));
    let shown = crate::common::shown_from_cache(dir.path(), id, true);
    settle(&mut app, Message::Engine(Event::Shown(id, shown)));
    // The sensor reports the body's width once drawn; the simulator does not run it.
    settle(&mut app, Message::Html(HtmlMsg::Width(760.0)));
    app
}

#[test]
fn ui_html_message_is_drawn_with_remote_images_blocked() {
    let (dir, id) = store_with(PAGE, "Shop <news@shop.example>");
    let mut app = open(&dir, id);
    let HtmlView::Shown(p) = &app.html.view else {
        panic!("not drawn: {:?}", app.html.view)
    };
    assert_eq!(p.page.width, 760);
    assert_eq!(p.page.blocked, vec!["http://127.0.0.1:9/banner.png"]);
    assert!(!p.tiles.is_empty());
    assert!(shows(&app, "Remote images blocked"));
    assert!(shows(&app, "Show once"));
    assert!(shows(&app, "Always for this sender"));

    // Plain text and back.
    click(&mut app, "Show plain text");
    assert!(!app.html.formatted(id));
    assert!(shows(&app, "Show formatted"));
    assert!(!shows(&app, "Remote images blocked"));
    click(&mut app, "Show formatted");
    assert!(app.html.formatted(id));
    assert!(shows(&app, "Remote images blocked"));

    // Show once: allowed for this message (the loopback URL is still refused: no request).
    click(&mut app, "Show once");
    let HtmlView::Shown(p) = &app.html.view else {
        panic!("not drawn")
    };
    assert!(p.remote_allowed);
    assert!(!shows(&app, "Remote images blocked"));
}

#[test]
fn ui_html_link_shows_its_real_target_first() {
    let (dir, id) = store_with(PAGE, "Shop <news@shop.example>");
    let mut app = open(&dir, id);
    let HtmlView::Shown(p) = &app.html.view else {
        panic!("not drawn")
    };
    let link = p.page.links[0].clone();
    assert_eq!(link.href, "https://tracker.example/r?u=1");
    assert_eq!(link.text, "https://shop.example/");
    let at = iced::Point::new(link.x + 5.0, link.y + link.height / 2.0);
    settle(&mut app, Message::Html(HtmlMsg::Hover(at)));
    settle(&mut app, Message::Html(HtmlMsg::Click));
    assert!(shows(
        &app,
        "This link goes to https://tracker.example/r?u=1"
    ));
    click(&mut app, "Cancel");
    assert!(app.html.confirm.is_none());
    assert!(!shows(
        &app,
        "This link goes to https://tracker.example/r?u=1"
    ));
    // Off the link, a click does nothing.
    settle(
        &mut app,
        Message::Html(HtmlMsg::Hover(iced::Point::new(700.0, 5.0))),
    );
    settle(&mut app, Message::Html(HtmlMsg::Click));
    assert!(app.html.confirm.is_none());
}

#[test]
fn ui_html_pathological_message_falls_back_to_text_with_the_reason() {
    let deep = format!(
        "{}Deep inside{}",
        "<div>".repeat(5000),
        "</div>".repeat(5000)
    );
    let (dir, id) = store_with(&deep, "Fuzz <fuzz@bad.example>");
    let app = open(&dir, id);
    assert!(matches!(
        app.html.view,
        HtmlView::Fallback("html-fallback-too-deep")
    ));
    assert!(shows(
        &app,
        "This message nests its layout too deeply to draw safely, so it is shown as text."
    ));
    // The text view below it has the message's words.
    let Reading::Shown(m) = &app.reading else {
        panic!("not shown")
    };
    assert_eq!(m.text, "Deep inside");
    assert!(!shows(&app, "Show formatted"));
}

#[test]
fn ui_html_settings_list_allowed_senders_with_remove() {
    let (dir, _) = store_with(PAGE, "Shop <news@shop.example>");
    Store::open_dir(dir.path())
        .unwrap()
        .allow_remote_sender("news@shop.example")
        .unwrap();
    let mut app = App::new(Some(dir.path().to_path_buf()));
    settle(&mut app, Message::Nav(Screen::Settings));
    assert!(shows(&app, "Remote content"));
    assert!(shows(&app, "news@shop.example"));
    click(&mut app, "Remove");
    assert!(!shows(&app, "news@shop.example"));
    assert!(shows(&app, "No sender is allowed."));
}

#[test]
fn ui_html_page_taller_than_the_cap_says_so_and_offers_the_text() {
    let tall = "<html><body><div style=\"height:20000px;background:#cde\">Top</div>\
                <p>Bottom</p></body></html>";
    let (dir, id) = store_with(tall, "Long <long@example.test>");
    let mut app = open(&dir, id);
    let HtmlView::Shown(p) = &app.html.view else {
        panic!("not drawn")
    };
    assert!(p.page.truncated);
    assert_eq!(p.page.height, 16_000);
    let note = "This message is longer than can be drawn; the rest is in the plain text view.";
    assert!(shows(&app, note));
    click(&mut app, "Show plain text");
    assert!(!app.html.formatted(id));
    assert!(!shows(&app, note));
}
