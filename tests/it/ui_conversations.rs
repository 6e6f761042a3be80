//! Conversations in the window, over a cache synced from the real Dovecot: a message in
//! INBOX and our reply in Sent are one list row with "2"; the reader shows both, the newest
//! expanded with its quote folded; deleting the conversation moves both to Trash on the
//! server; an action from one message's own header reaches that message alone; the list's
//! switch shows single messages and is remembered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::support::TestBed;
use crate::ui_layout::{simulator, texts};
use iced::Size;
use tayori::store::Store;
use tayori::ui::app::{App, Message};
use tayori::ui::conversation::ConvMsg;

const SIZE: Size = Size {
    width: 1280.0,
    height: 800.0,
};

fn mail(n: usize, from: &str, subject: &str, parent: Option<usize>, body: &str) -> Vec<u8> {
    let linked = match parent {
        Some(p) => {
            format!("In-Reply-To: <c{p}@example.test>\r\nReferences: <c{p}@example.test>\r\n")
        }
        None => String::new(),
    };
    format!(
        "From: {from}\r\nTo: team@example.test\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Nov 2026 {n:02}:00:00 +0000\r\nMessage-ID: <c{n}@example.test>\r\n\
         {linked}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// INBOX: "Budget" (1) and "Lunch" (5) with its reply (6); Sent: our reply to Budget (2).
fn bed() -> (TestBed, Tayori) {
    let bed = TestBed::start();
    let ts = |n: usize| 1_790_000_000 + n as i64 * 3600;
    bed.load_maildir(
        0,
        "INBOX",
        [
            (
                1,
                mail(1, "Taro <taro@example.jp>", "Budget", None, "Numbers?"),
            ),
            (
                5,
                mail(5, "Hanako <hanako@example.jp>", "Lunch", None, "Noon?"),
            ),
            (
                6,
                mail(6, "Jiro <jiro@example.jp>", "Re: Lunch", Some(5), "Yes."),
            ),
        ]
        .into_iter()
        .map(|(n, m)| (ts(n), m, false)),
    );
    bed.load_maildir(
        0,
        "Sent",
        [(
            2,
            mail(
                2,
                "Alice <alice@example.test>",
                "Re: Budget",
                Some(1),
                "Here they are.\r\n\r\nOn Monday, Taro wrote:\r\n> Numbers?",
            ),
        )]
        .into_iter()
        .map(|(n, m)| (ts(n), m, true)),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    (bed, t)
}

fn on_screen(app: &App) -> Vec<String> {
    let mut ui = simulator(app, SIZE);
    texts(&mut ui).into_iter().map(|(s, _)| s).collect()
}

#[test]
fn a_reply_in_sent_joins_its_row_and_deleting_the_conversation_removes_both() {
    let (bed, t) = bed();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    assert!(app.settings.conversations, "conversations are the default");
    assert_eq!(app.count, 2, "two conversations in INBOX: {:?}", app.rows);
    let budget = app
        .rows
        .iter()
        .find(|r| r.subject == "Budget")
        .unwrap()
        .clone();
    let facts = app.conv.facts[&budget.id].clone();
    assert_eq!(facts.count, 2, "Budget and our reply in Sent");
    let shown = on_screen(&app);
    assert!(shown.iter().any(|s| s == "Taro, Alice"), "{shown:?}");
    assert!(shown.iter().any(|s| s == "2"), "the count badge: {shown:?}");

    // Opening the row shows the conversation: both, the newest (ours) expanded.
    settle(&mut app, Message::Select(budget.id, 1));
    let open = app.conv.shown().expect("the conversation is open").clone();
    assert_eq!(open.messages.len(), 2);
    let reply = open.messages[1].clone();
    assert_eq!(reply.subject, "Re: Budget");
    assert!(open.expanded.contains(&reply.id) && open.expanded.contains(&budget.id));
    // The row's own message and the newest start expanded; Budget folds to one line.
    settle(&mut app, Message::Conv(ConvMsg::Expand(budget.id, false)));
    let show_quoted = app.tr.tr("conversation-show-quoted", None);
    let hide_quoted = app.tr.tr("conversation-hide-quoted", None);
    assert!(!on_screen(&app).contains(&show_quoted), "no body yet");
    deliver(&mut app, t.data_dir(), reply.id);
    let body = |app: &App, id| match app.conv.open.as_ref().unwrap().bodies.get(&id) {
        Some(Ok(m)) => m.text.clone(),
        other => panic!("no body: {other:?}"),
    };
    assert!(body(&app, reply.id).contains("Here they are."));
    // Its quote is folded behind one button; the button unfolds it.
    let shown = on_screen(&app);
    assert!(
        shown.contains(&show_quoted) && !shown.contains(&hide_quoted),
        "{shown:?}"
    );
    settle(&mut app, Message::Conv(ConvMsg::Quotes(reply.id, true)));
    let shown = on_screen(&app);
    assert!(
        shown.contains(&hide_quoted) && !shown.contains(&show_quoted),
        "{shown:?}"
    );
    // The older one is one line (its sender's name); a click expands it (its full From in
    // its own header) and asks for its body.
    assert!(
        !shown.iter().any(|s| s == "Taro <taro@example.jp>"),
        "{shown:?}"
    );
    settle(&mut app, Message::Conv(ConvMsg::Expand(budget.id, true)));
    deliver(&mut app, t.data_dir(), budget.id);
    assert!(
        on_screen(&app)
            .iter()
            .any(|s| s == "Taro <taro@example.jp>")
    );
    assert!(body(&app, budget.id).contains("Numbers?"));

    // Flag from the reply's own header: that message alone.
    settle(
        &mut app,
        Message::Conv(ConvMsg::OnOne(reply.id, Box::new(Message::Flag(true)))),
    );
    let store = Store::open_dir(t.data_dir()).unwrap();
    assert!(store.message(reply.id).unwrap().flags.flagged);
    assert!(!store.message(budget.id).unwrap().flags.flagged);
    assert!(app.conv.shown().is_some(), "the conversation stays open");

    // Delete with the conversation's row selected: both go to Trash, on the server too.
    settle(&mut app, Message::Delete);
    assert_eq!(app.count, 1, "only Lunch is left");
    t.run(&["sync"]).ok();
    assert_eq!(server_count(&bed, "INBOX"), 2, "Lunch and its reply stay");
    assert_eq!(server_count(&bed, "Sent"), 0);
    assert_eq!(server_count(&bed, "Trash"), 2);
}

#[test]
fn the_switch_lists_single_messages_and_is_remembered() {
    let (_bed, t) = bed();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    assert_eq!(app.count, 2);
    settle(&mut app, Message::Conv(ConvMsg::Toggle));
    assert!(!app.settings.conversations);
    assert_eq!(app.count, 3, "three messages in INBOX");
    assert!(!on_screen(&app).iter().any(|s| s == "Taro, Alice"));
    // Opening a message shows it alone.
    let lunch = app.rows.iter().find(|r| r.subject == "Lunch").unwrap().id;
    settle(&mut app, Message::Select(lunch, 2));
    assert!(app.conv.shown().is_none());
    // A new window starts in the mode last chosen.
    let again = App::new(Some(t.data_dir().to_path_buf()));
    assert!(!again.settings.conversations);
    assert_eq!(again.count, 3);
}

#[test]
fn search_results_mark_the_match_in_its_field_and_show_their_folders() {
    let (_bed, t) = bed();
    let mut app = App::new(Some(t.data_dir().to_path_buf()));
    let count = |app: &App, s: &str| on_screen(app).iter().filter(|t| *t == s).count();
    let (inbox, sent) = (
        app.tr.tr("folder-inbox", None),
        app.tr.tr("folder-sent", None),
    );
    assert_eq!(
        (count(&app, &inbox), count(&app, &sent)),
        (1, 1),
        "the folder pane"
    );
    // "budget" is in two subjects, one in INBOX, one in Sent: each row says its folder,
    // and results are single messages, not conversations.
    settle(&mut app, Message::SearchChanged("budget".into()));
    let results = app.results.clone().unwrap();
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(!app.by_conversation());
    assert_eq!((count(&app, &inbox), count(&app, &sent)), (2, 2));
    // The match is marked in the subject (drawn as marked runs, not one plain text); the
    // sender, which does not match, stays plain.
    assert_eq!(count(&app, "Budget"), 0);
    assert_eq!(count(&app, "Taro"), 1);
    // from:taro marks the sender, not the subject.
    settle(&mut app, Message::SearchChanged("from:taro".into()));
    assert_eq!(app.results.as_ref().unwrap().len(), 1);
    assert_eq!(count(&app, "Budget"), 1);
    assert_eq!(count(&app, "Taro"), 0);
}
