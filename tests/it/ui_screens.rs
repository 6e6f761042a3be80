//! The window's screens through iced_test: each test builds the real `App` over a real store
//! (filled through the store API, no network), drives it with simulated clicks and keys, and
//! checks what the view shows and what the store recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::settle;
/// A wide window: the reader's toolbar shows its labels (narrower ones show icons, see
/// ui_layout.rs).
fn simulator(view: iced::Element<'_, Message>) -> iced_test::Simulator<'_, Message> {
    iced_test::Simulator::with_size(iced::Settings::default(), (1800.0, 900.0), view)
}
use tayori::engine::Engine;
use tayori::engine::Event;
use tayori::model::{Flags, FolderRole, HeaderInfo, PartInfo, Security, Uid};
use tayori::store::Store;
use tayori::ui::app::{App, Message, Reading, Screen};

const JA_SUBJECT: &str = "会議の資料について";

fn part(section: &str, mime: &str) -> PartInfo {
    PartInfo {
        section: section.into(),
        mime: mime.into(),
        size: 100,
        charset: Some("utf-8".into()),
        encoding: "8bit".into(),
        filename: None,
        is_attachment: false,
    }
}

pub(crate) fn header(uid: u32, subject: &str, from: &str, date: i64) -> HeaderInfo {
    HeaderInfo {
        uid: Uid(uid),
        message_id: Some(format!("<m{uid}@example.test>")),
        subject: subject.into(),
        from: from.into(),
        to: "alice@example.test".into(),
        cc: String::new(),
        date,
        internal_date: date,
        size: 1000,
        flags: Flags::default(),
        modseq: None,
        in_reply_to: None,
        references: None,
        parts: vec![part("1", "text/html")],
        has_attachments: false,
    }
}

/// A data dir with one IMAP account: INBOX (30 messages, the newest Japanese with an HTML
/// body cached on this device) and Archive.
pub(crate) fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, f) = crate::common::local_store(
        dir.path(),
        &[
            ("INBOX", FolderRole::Inbox),
            ("Archive", FolderRole::Archive),
        ],
    );
    let inbox = f[0];
    let mut batch: Vec<HeaderInfo> = (1..30)
        .map(|i| {
            header(
                i,
                &format!("Message {i}"),
                "Bob <bob@example.test>",
                1_790_000_000 + i64::from(i),
            )
        })
        .collect();
    batch.push(header(
        30,
        JA_SUBJECT,
        "山田 太郎 <taro@example.jp>",
        1_790_100_000,
    ));
    s.store_headers(inbox, &batch).unwrap();
    let newest = s.message_by_uid(inbox, Uid(30)).unwrap().unwrap();
    s.cache_part(
        newest.id,
        "1",
        "<html><body><p>資料は<a href=\"https://example.jp/doc\">こちら</a>です。</p></body></html>"
            .as_bytes(),
    )
    .unwrap();
    dir
}

fn app(dir: &tempfile::TempDir) -> App {
    App::new(Some(dir.path().to_path_buf()))
}

/// Runs the view through the simulator, clicks the widget showing `label`, and feeds the
/// messages it produced back into the app.
pub(crate) fn click(app: &mut App, label: &str) {
    let messages = {
        let mut ui = simulator(app.view());
        ui.click(label)
            .unwrap_or_else(|e| panic!("no {label:?} to click: {e:?}"));
        ui.into_messages().collect::<Vec<_>>()
    };
    assert!(!messages.is_empty(), "clicking {label:?} did nothing");
    for m in messages {
        settle(app, m);
    }
}

pub(crate) fn shows(app: &App, label: &str) -> bool {
    let mut ui = simulator(app.view());
    ui.find(label).is_ok()
}

/// Emulates the reader worker: opens the message with the engine from the cache.
fn deliver_shown(app: &mut App, dir: &tempfile::TempDir) {
    let Reading::Loading(id) = app.reading else {
        panic!("nothing is being opened")
    };
    crate::common::deliver(app, dir.path(), id);
}

#[test]
fn opens_on_the_inbox_newest_first() {
    let dir = data_dir();
    let app = app(&dir);
    assert_eq!(app.screen, Screen::Mail);
    assert_eq!(app.count, 30);
    assert_eq!(app.rows[0].subject, JA_SUBJECT);
    assert!(shows(&app, JA_SUBJECT));
    assert!(shows(&app, "Inbox"));
    // 30 unread in the title.
    assert!(shows(&app, "30"));
}

#[test]
fn choose_a_folder() {
    let dir = data_dir();
    let mut app = app(&dir);
    click(&mut app, "Archive");
    assert_eq!(app.count, 0);
    assert!(shows(&app, "No messages here."));
    click(&mut app, "Inbox");
    assert_eq!(app.count, 30);
}

#[test]
fn open_a_message_marks_it_read_and_queues_it() {
    let dir = data_dir();
    let mut app = app(&dir);
    click(&mut app, JA_SUBJECT);
    assert!(matches!(app.reading, Reading::Loading(_)));
    deliver_shown(&mut app, &dir);
    let Reading::Shown(m) = &app.reading else {
        panic!("not shown: {:?}", app.reading)
    };
    assert!(m.text.contains("資料は"), "{}", m.text);
    // The link survives HTML-to-text, and the reader makes it a clickable span.
    assert!(m.text.contains("https://example.jp/doc"), "{}", m.text);
    assert!(shows(&app, "Mark unread"));
    // Opening marked it read, in the cache and as a queued change for the server.
    let store = Store::open_dir(dir.path()).unwrap();
    let row = store.message(m.id).unwrap();
    assert!(row.flags.seen);
    assert_eq!(store.open_ops().unwrap().len(), 1);
}

#[test]
fn mark_unread_and_flag_from_the_reader() {
    let dir = data_dir();
    let mut app = app(&dir);
    click(&mut app, JA_SUBJECT);
    deliver_shown(&mut app, &dir);
    click(&mut app, "Mark unread");
    click(&mut app, "Flag");
    let store = Store::open_dir(dir.path()).unwrap();
    let row = store.message(app.selected.unwrap()).unwrap();
    assert!(!row.flags.seen);
    assert!(row.flags.flagged);
    assert!(shows(&app, "Mark read"));
    assert!(shows(&app, "Unflag"));
}

#[test]
fn search_as_you_type() {
    let dir = data_dir();
    let mut app = app(&dir);
    settle(&mut app, Message::SearchChanged("会議".into()));
    assert!(shows(&app, "1 found on this device"));
    // The subject is drawn with 会議 marked (rich text, see ui_conversations).
    assert_eq!(app.results.as_ref().unwrap()[0].subject, JA_SUBJECT);
    settle(&mut app, Message::SearchChanged("\"Message 1\"".into()));
    let n = app.results.as_ref().unwrap().len();
    assert_eq!(n, 11, "the phrase: Message 1, 10..19");
    // Words match apart: "1" anywhere (in 21's subject, in an address...) and "Message".
    settle(&mut app, Message::SearchChanged("Message 1".into()));
    assert!(app.results.as_ref().unwrap().len() > n);
    settle(&mut app, Message::SearchChanged(String::new()));
    assert!(app.results.is_none());
}

#[test]
fn sync_view_shows_counts_and_pending_changes() {
    let dir = data_dir();
    let mut app = app(&dir);
    click(&mut app, JA_SUBJECT);
    click(&mut app, "Sync");
    assert_eq!(app.screen, Screen::Sync);
    assert!(shows(&app, "Changes waiting for the server"));
    // The change as the user made it, on which message, and why it waits.
    assert!(shows(&app, "Mark read"));
    assert!(shows(&app, "30"), "cached count of INBOX");
    assert!(shows(&app, "waiting for the connection"));
    // A pending change cannot be discarded (only a failed one, which was already undone).
    let mut ui = simulator(app.view());
    assert!(ui.find("Discard").is_err());
}

#[test]
fn sync_view_shows_a_skipped_change_with_its_reason() {
    let dir = data_dir();
    {
        let mut s = Store::open_dir(dir.path()).unwrap();
        let inbox = s.folders(s.accounts().unwrap()[0].id).unwrap()[0].id;
        let m = s.message_by_uid(inbox, Uid(5)).unwrap().unwrap();
        let seen = Flags {
            seen: true,
            ..Default::default()
        };
        let op = s
            .local_set_flags(m.id, &seen, &Flags::default())
            .unwrap()
            .unwrap();
        s.op_skipped(op, tayori::engine::SKIPPED_GONE).unwrap();
    }
    let mut app = app(&dir);
    click(&mut app, "Sync");
    // The change as the user made it, and why it ended.
    assert!(shows(&app, "Mark read"));
    assert!(shows(
        &app,
        "skipped: already deleted or moved on another device"
    ));
    // It has ended: nothing to retry or discard, and the status line counts nothing waiting.
    let mut ui = simulator(app.view());
    assert!(ui.find("Retry").is_err());
    assert!(ui.find("waiting").is_err());
}

#[test]
fn switch_language_to_japanese() {
    let dir = data_dir();
    let mut app = app(&dir);
    click(&mut app, "Settings");
    click(&mut app, "日本語");
    assert!(shows(&app, "設定"));
    click(&mut app, "メール");
    assert!(shows(&app, "受信トレイ"));
    assert!(shows(&app, "30 通"));
    // Remembered for the next start.
    let again = App::new(Some(dir.path().to_path_buf()));
    assert!(shows(&again, "受信トレイ"));
}

#[test]
fn keyboard_moves_through_the_list() {
    use iced::keyboard::{Event as K, Key, Location, Modifiers, key};
    let dir = data_dir();
    let mut app = app(&dir);
    let press = |c: &str| K::KeyPressed {
        key: Key::Character(c.into()),
        modified_key: Key::Character(c.into()),
        physical_key: key::Physical::Unidentified(key::NativeCode::Unidentified),
        location: Location::Standard,
        modifiers: Modifiers::default(),
        text: None,
        repeat: false,
    };
    settle(&mut app, Message::Key(press("j")));
    assert_eq!(app.cursor, Some(0));
    settle(&mut app, Message::Key(press("j")));
    assert_eq!(app.cursor, Some(1));
    let second = app.selected.unwrap();
    settle(&mut app, Message::Key(press("k")));
    assert_eq!(app.cursor, Some(0));
    assert_ne!(app.selected, Some(second));
}

#[test]
fn empty_state_offers_the_wizard_and_the_manual_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(Some(dir.path().to_path_buf()));
    assert_eq!(app.screen, Screen::Wizard);
    assert!(shows(&app, "Set up your mail"));
    click(&mut app, "Enter the settings by hand");
    assert_eq!(app.screen, Screen::AddAccount);
    assert!(shows(&app, "Add a mail account"));
    click(&mut app, "Test and add");
    assert!(shows(&app, "Enter your e-mail address."));
}

/// Gives the test account an SMTP server and a signature (nothing is sent in these tests:
/// sending goes to the outbox; the worker, idle here, would deliver it).
pub(crate) fn with_smtp(dir: &tempfile::TempDir) {
    let s = Store::open_dir(dir.path()).unwrap();
    let a = s.accounts().unwrap()[0].id;
    s.set_smtp_settings(&tayori::model::SmtpSettings {
        account_id: a,
        endpoint: tayori::model::Endpoint {
            host: "127.0.0.1".into(),
            port: 465,
            security: Security::Tls,
        },
        username: None,
        send_charset: Default::default(),
        signature: Some("Alice".into()),
    })
    .unwrap();
}

#[test]
fn composer_refuses_an_empty_to_and_queues_a_valid_message() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = app(&dir);
    click(&mut app, "Write");
    assert_eq!(app.screen, Screen::Compose);
    assert!(app.compose.body.text().contains("-- \nAlice"), "signature");
    click(&mut app, "Send");
    assert!(shows(&app, "Add at least one recipient (To, Cc or Bcc)."));
    assert_eq!(app.screen, Screen::Compose);
    // Completion from addresses in the cache.
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::Edit(
            tayori::ui::compose::Field::To,
            "taro".into(),
        )),
    );
    click(&mut app, "山田 太郎 <taro@example.jp>");
    assert_eq!(app.compose.to, "山田 太郎 <taro@example.jp>");
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::Edit(
            tayori::ui::compose::Field::Subject,
            "資料ありがとうございます".into(),
        )),
    );
    click(&mut app, "Send");
    assert_eq!(app.screen, Screen::Mail);
    let store = Store::open_dir(dir.path()).unwrap();
    let out = store.outbox(None).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].subject, "資料ありがとうございます");
}

#[test]
fn composer_lists_attachments_with_sizes_and_removes_them() {
    let dir = data_dir();
    with_smtp(&dir);
    let file = dir.path().join("見積書.pdf");
    std::fs::write(&file, vec![7u8; 3 * 1024]).unwrap();
    let mut app = app(&dir);
    click(&mut app, "Write");
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::FileDropped(file.clone())),
    );
    assert!(shows(&app, "見積書.pdf  (application/pdf, 3 KB)"));
    click(&mut app, "Remove");
    assert!(app.compose.attachments.is_empty());
    // A draft is kept while writing.
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::Edit(
            tayori::ui::compose::Field::Subject,
            "draft".into(),
        )),
    );
    settle(&mut app, Message::Autosave);
    assert!(app.compose.draft.is_some());
}

#[test]
fn reply_quotes_the_original_in_the_composer() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = app(&dir);
    click(&mut app, JA_SUBJECT);
    deliver_shown(&mut app, &dir);
    let id = app.selected.unwrap();
    // What the reader worker does for "Reply": the engine prepares it from the cache.
    let mut engine = Engine::new(Store::open_dir(dir.path()).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let labels = app.quote_labels();
    let c = rt
        .block_on(engine.respond_to(id, tayori::mime::reply::ReplyKind::Reply, &labels))
        .unwrap();
    let account = app.message_row(id).unwrap().account_id;
    settle(
        &mut app,
        Message::Engine(Event::Composed(account, Ok(Box::new(c)))),
    );
    assert_eq!(app.screen, Screen::Compose);
    assert_eq!(app.compose.subject, format!("Re: {JA_SUBJECT}"));
    assert!(app.compose.to.contains("taro@example.jp"));
    let body = app.compose.body.text();
    assert!(body.contains("wrote:"), "{body}");
    assert!(body.contains("> 資料は"), "{body}");
    assert_eq!(
        app.compose.in_reply_to.as_deref(),
        Some("<m30@example.test>")
    );
    assert!(shows(&app, &format!("Re: {JA_SUBJECT}")));
}

#[test]
fn a_mailto_request_opens_the_composer() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = app(&dir);
    settle(
        &mut app,
        Message::Instance(tayori::instance::Request::Mailto {
            url: "mailto:bob@example.com?subject=%E4%BC%9A%E8%AD%B0&body=Hello".into(),
        }),
    );
    assert_eq!(app.screen, Screen::Compose);
    assert_eq!(app.compose.to, "bob@example.com");
    assert_eq!(app.compose.subject, "会議");
    assert!(app.compose.body.text().starts_with("Hello"));
}

#[test]
fn the_sync_view_lists_the_outbox_and_edit_takes_a_message_back() {
    let dir = data_dir();
    with_smtp(&dir);
    let mut app = app(&dir);
    click(&mut app, "Write");
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::Edit(
            tayori::ui::compose::Field::To,
            "bob@example.test".into(),
        )),
    );
    settle(
        &mut app,
        Message::Compose(tayori::ui::compose::ComposeMsg::Edit(
            tayori::ui::compose::Field::Subject,
            "Outbox check".into(),
        )),
    );
    click(&mut app, "Send");
    click(&mut app, "Sync");
    assert!(shows(&app, "“Outbox check” to bob@example.test"));
    assert!(shows(&app, "Waiting to send"));
    click(&mut app, "Edit");
    assert_eq!(app.screen, Screen::Compose);
    assert_eq!(app.compose.subject, "Outbox check");
    let store = Store::open_dir(dir.path()).unwrap();
    assert!(
        store.outbox(None).unwrap().is_empty(),
        "taken out of the outbox"
    );
}
