//! The message list at 1k, 10k and 100k messages (run: `cargo bench --bench ui_list`).
//!
//! For each size it fills a store, then measures, median of 20 rounds:
//! - select: selecting the folder (count + the first window of rows from the store);
//! - view: building the window's whole element tree (all panes);
//! - first frame: select + view + layout + drawing the frame headlessly (iced_test,
//!   tiny-skia): "first rows drawn" after a click;
//! - scroll: a jump to the middle of the folder (window query + view).
//!
//! The list builds only the rows in view, so the view figures should not grow with the size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use tayori::model::{Flags, FolderRole, HeaderInfo, PartInfo, Security, Uid};
use tayori::store::{Listing, NewAccount, Store};
use tayori::ui::app::{App, Message};

fn header(uid: u32) -> HeaderInfo {
    HeaderInfo {
        uid: Uid(uid),
        message_id: Some(format!("<m{uid}@bench.test>")),
        subject: format!("Quarterly numbers, part {uid}"),
        from: format!("Sender {} <s{}@example.test>", uid % 500, uid % 500),
        to: "alice@example.test".into(),
        cc: String::new(),
        date: 1_700_000_000 + i64::from(uid) * 60,
        internal_date: 1_700_000_000 + i64::from(uid) * 60,
        size: 4000,
        flags: Flags {
            seen: !uid.is_multiple_of(3),
            ..Default::default()
        },
        modseq: None,
        in_reply_to: None,
        references: None,
        parts: vec![PartInfo {
            section: "1".into(),
            mime: "text/plain".into(),
            size: 3000,
            charset: Some("utf-8".into()),
            encoding: "7bit".into(),
            filename: None,
            is_attachment: false,
        }],
        has_attachments: uid.is_multiple_of(7),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let sizes: Vec<u32> = std::env::var("TAYORI_BENCH_LIST_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!(
        "size      select      view        first frame   scroll to middle  by sender (middle)"
    );
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let inbox = {
            let mut s = Store::open_dir(dir.path()).unwrap();
            let a = s
                .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
                .unwrap();
            let inbox = s
                .upsert_folder(a, "INBOX", Some("/"), Some(FolderRole::Inbox))
                .unwrap();
            s.upsert_folder(a, "Archive", Some("/"), Some(FolderRole::Archive))
                .unwrap();
            let all: Vec<HeaderInfo> = (1..=n).map(header).collect();
            for chunk in all.chunks(5000) {
                s.store_headers(inbox, chunk).unwrap();
            }
            inbox
        };
        let mut app = App::new(Some(dir.path().to_path_buf()));
        let archive = Listing::Folder(tayori::model::FolderId(inbox.0 + 1));
        let (mut select, mut view, mut frame, mut scroll) = (vec![], vec![], vec![], vec![]);
        let mut by_sender = vec![];
        for _ in 0..20 {
            let _ = app.update(Message::OpenListing(archive));
            let t0 = Instant::now();
            let _ = app.update(Message::OpenListing(Listing::Folder(inbox)));
            select.push(t0.elapsed());
            let t1 = Instant::now();
            let element = app.view();
            view.push(t1.elapsed());
            drop(element);

            let _ = app.update(Message::OpenListing(archive));
            let t2 = Instant::now();
            let _ = app.update(Message::OpenListing(Listing::Folder(inbox)));
            let mut ui = iced_test::simulator(app.view());
            let _ = ui.snapshot(&iced::Theme::Light).unwrap();
            frame.push(t2.elapsed());
            drop(ui);

            let t3 = Instant::now();
            app.scroll_y = (n / 2) as f32 * tayori::ui::app::ROW_HEIGHT;
            app.refresh_window();
            let element = app.view();
            scroll.push(t3.elapsed());
            drop(element);
            let t4 = Instant::now();
            app.sort = tayori::store::SortKey::Sender;
            app.descending = false;
            app.refresh_window();
            let element = app.view();
            by_sender.push(t4.elapsed());
            drop(element);
            app.sort = tayori::store::SortKey::Date;
            app.descending = true;
            app.scroll_y = 0.0;
        }
        assert_eq!(app.count, n);
        println!(
            "{n:<9} {:<11} {:<11} {:<13} {:<17} {}",
            ms(median(select)),
            ms(median(view)),
            ms(median(frame)),
            ms(median(scroll)),
            ms(median(by_sender))
        );
    }
}
