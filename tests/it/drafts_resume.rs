//! A draft written on another device (a message in the server's Drafts folder) reopened
//! here to continue: the composer gets its fields, and saving it replaces the server copy
//! (real Dovecot): exactly one copy is left, with the new text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::drafts::{drafts, server_copies};
use crate::support;

use common::*;
use support::TestBed;
use tayori::engine::Engine;
use tayori::model::{AccountId, MessageId};
use tayori::store::Store;

const MID: &str = "<elsewhere-1@example.test>";

#[test]
fn a_server_draft_reopened_edited_and_saved_leaves_one_copy_on_the_server() {
    let bed = TestBed::start();
    let raw = format!(
        "From: alice@example.test\r\nTo: bob@example.test\r\nBcc: carol@example.test\r\n\
         Subject: Plan for Tokyo\r\nMessage-ID: {MID}\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfirst words\r\n"
    );
    py_imap(
        &bed,
        0,
        &format!("M.append('Drafts', '(\\\\Draft \\\\Seen)', None, {raw:?}.encode())"),
    );
    let t = Tayori::new();
    let acc = AccountId(t.add_account(&bed, false).parse().unwrap());
    t.run(&["sync"]).ok();
    let rows = t.list("Drafts");
    assert_eq!(rows.len(), 1);
    let msg = MessageId(rows[0]["id"].as_i64().unwrap());
    assert!(drafts(&t).is_empty(), "nothing kept as a draft here yet");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut engine = Engine::new(Store::open_dir(t.data_dir()).unwrap());
    let (draft, mut c) = rt.block_on(engine.draft_of_message(msg)).unwrap();
    assert_eq!(c.subject, "Plan for Tokyo");
    assert_eq!(c.to, ["bob@example.test"]);
    assert_eq!(c.bcc, ["carol@example.test"]);
    assert!(c.body.contains("first words"), "{}", c.body);
    // Kept as a draft in sync with the server copy: a sync now changes nothing there.
    let d = drafts(&t);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["synced"], true);
    assert_eq!(d[0]["message_id"], MID);
    t.run(&["sync"]).ok();
    assert_eq!(server_copies(&bed, MID).len(), 1);
    // Opened again, it is the same draft.
    let (again, _) = rt.block_on(engine.draft_of_message(msg)).unwrap();
    assert_eq!(again, draft);

    c.subject = "Plan for Tokyo, v2".into();
    c.body = "second words\n".into();
    engine.save_draft(acc, Some(draft), &c).unwrap();
    let rep = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(rep[0]["drafts"]["uploaded"], 1, "{rep}");
    let copies = server_copies(&bed, MID);
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(copies[0].1, "second words\n");
    assert_eq!(server_count(&bed, "Drafts"), 1);
    let d = drafts(&t);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["compose"]["subject"], "Plan for Tokyo, v2");
    assert_eq!(d[0]["synced"], true);
}
