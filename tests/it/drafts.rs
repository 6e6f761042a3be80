//! Drafts synced to a real Dovecot's Drafts folder: one server copy per Message-ID, edits
//! from another IMAP client (Python's imaplib) shown here, conflicts kept on both sides.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use std::time::Instant;
use support::TestBed;

/// Runs tayori with `stdin` as standard input.
pub(crate) fn run_with_stdin(t: &Tayori, args: &[&str], stdin: &str) -> Run {
    t.run_with_stdin(args, stdin)
}

pub(crate) fn save(t: &Tayori, acc: &str, id: Option<&str>, subject: &str, body: &str) -> String {
    let mut args = vec![
        "draft",
        "--account",
        acc,
        "--to",
        "bob@example.test",
        "--subject",
        subject,
    ];
    if let Some(id) = id {
        args.extend(["--id", id]);
    }
    run_with_stdin(t, &args, body)
        .ok()
        .stdout
        .trim()
        .to_string()
}

pub(crate) fn drafts(t: &Tayori) -> Vec<serde_json::Value> {
    t.run(&["drafts", "--json"])
        .ok()
        .json()
        .as_array()
        .cloned()
        .unwrap()
}

/// (uid, body text) of every message in Drafts with this Message-ID, as Python sees them.
pub(crate) fn server_copies(bed: &TestBed, message_id: &str) -> Vec<(u64, String)> {
    server_copies_in(bed, "Drafts", message_id)
}

fn server_copies_in(bed: &TestBed, folder: &str, message_id: &str) -> Vec<(u64, String)> {
    let out = py_imap(
        bed,
        0,
        &format!(
            "import email, email.policy, json\n\
             M.select('{folder}')\n\
             typ, data = M.uid('SEARCH', 'HEADER', 'Message-ID', '\"{message_id}\"')\n\
             out = []\n\
             for uid in data[0].split():\n\
             \x20   typ, msg = M.uid('FETCH', uid, '(RFC822)')\n\
             \x20   m = email.message_from_bytes(msg[0][1], policy=email.policy.default)\n\
             \x20   out.append([int(uid), m.get_body(('plain',)).get_content().replace('\\r\\n', '\\n')])\n\
             print(json.dumps(out))"
        ),
    );
    serde_json::from_str(out.trim()).unwrap()
}

/// Another client replaces the draft: APPENDs a new version with the same Message-ID, then
/// removes the old one (as Thunderbird does).
fn replace_elsewhere(bed: &TestBed, message_id: &str, old_uid: u64, body: &str) {
    let raw = format!(
        "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Edited elsewhere\r\n\
         Message-ID: {message_id}\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    py_imap(
        bed,
        0,
        &format!(
            "M.append('Drafts', '(\\\\Draft \\\\Seen)', None, {raw:?}.encode())\n\
             M.select('Drafts')\n\
             M.uid('STORE', '{old_uid}', '+FLAGS', '(\\\\Deleted)')\n\
             M.uid('EXPUNGE', '{old_uid}')"
        ),
    );
}

fn setup() -> (TestBed, Tayori, String) {
    let bed = TestBed::start();
    let t = Tayori::new();
    let acc = t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    (bed, t, acc)
}

#[test]
fn ten_edit_and_sync_cycles_leave_exactly_one_server_copy() {
    let (bed, t, acc) = setup();
    let id = save(&t, &acc, None, "Plan v0", "first words\n");
    let d = drafts(&t);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["synced"], false);
    let mid = d[0]["message_id"].as_str().unwrap().to_string();
    let mut times = Vec::new();
    for i in 1..=10 {
        assert_eq!(
            save(
                &t,
                &acc,
                Some(&id),
                &format!("Plan v{i}"),
                &format!("version {i}\n")
            ),
            id
        );
        let t0 = Instant::now();
        let rep = t.run(&["sync", "--json"]).ok().json();
        times.push(t0.elapsed());
        assert_eq!(rep[0]["drafts"]["uploaded"], 1);
        let copies = server_copies(&bed, &mid);
        assert_eq!(copies.len(), 1, "cycle {i}: {copies:?}");
        assert_eq!(copies[0].1, format!("version {i}\n"));
        let d = drafts(&t);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0]["synced"], true);
        assert_eq!(d[0]["server_uid"].as_u64(), Some(copies[0].0));
    }
    times.sort();
    eprintln!("edit+sync cycle: median {:?}, max {:?}", times[5], times[9]);
    // Nothing changed: a sync uploads nothing and keeps the one copy.
    let rep = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(rep[0]["drafts"]["uploaded"], 0);
    assert_eq!(server_copies(&bed, &mid).len(), 1);
    // The Drafts folder in the cache shows it once too.
    assert_eq!(t.list("Drafts").len(), 1);
}

#[test]
fn a_draft_replaced_by_another_client_shows_the_new_text() {
    let (bed, t, acc) = setup();
    save(&t, &acc, None, "Trip", "written here\n");
    t.run(&["sync"]).ok();
    let mid = drafts(&t)[0]["message_id"].as_str().unwrap().to_string();
    let copies = server_copies(&bed, &mid);
    assert_eq!(copies.len(), 1);
    replace_elsewhere(&bed, &mid, copies[0].0, "rewritten on the phone");
    let rep = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(rep[0]["drafts"]["pulled"], 1);
    let d = drafts(&t);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["compose"]["subject"], "Edited elsewhere");
    assert_eq!(
        d[0]["compose"]["body"].as_str().unwrap().trim_end(),
        "rewritten on the phone"
    );
    assert_eq!(d[0]["synced"], true);
    let copies = server_copies(&bed, &mid);
    assert_eq!(copies.len(), 1);
    assert_eq!(d[0]["server_uid"].as_u64(), Some(copies[0].0));
    // Editing it here again replaces the phone's version, still one copy.
    let id = d[0]["id"].as_i64().unwrap().to_string();
    save(&t, &acc, Some(&id), "Trip", "final words\n");
    t.run(&["sync"]).ok();
    let copies = server_copies(&bed, &mid);
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].1, "final words\n");
}

#[test]
fn changed_on_both_sides_keeps_both_and_says_so() {
    let (bed, t, acc) = setup();
    let id = save(&t, &acc, None, "Budget", "draft one\n");
    t.run(&["sync"]).ok();
    let mid = drafts(&t)[0]["message_id"].as_str().unwrap().to_string();
    let uid = server_copies(&bed, &mid)[0].0;
    save(&t, &acc, Some(&id), "Budget", "edited here\n");
    replace_elsewhere(&bed, &mid, uid, "edited there");
    let rep = t.run(&["sync", "--json"]).ok().json();
    assert_eq!(rep[0]["drafts"]["conflicts"][0], mid.as_str());
    let d = drafts(&t);
    assert_eq!(d.len(), 2, "{d:?}");
    let bodies: Vec<String> = d
        .iter()
        .map(|x| {
            x["compose"]["body"]
                .as_str()
                .unwrap()
                .trim_end()
                .to_string()
        })
        .collect();
    assert!(bodies.contains(&"edited here".to_string()), "{bodies:?}");
    assert!(bodies.contains(&"edited there".to_string()), "{bodies:?}");
    for x in &d {
        assert!(
            x["note"]
                .as_str()
                .unwrap()
                .contains("both versions are kept")
        );
        assert_eq!(x["synced"], true);
        let m = x["message_id"].as_str().unwrap();
        assert_eq!(server_copies(&bed, m).len(), 1, "one copy per Message-ID");
    }
    assert_eq!(server_count(&bed, "Drafts"), 2);
}

#[test]
fn a_sent_draft_leaves_the_drafts_folder() {
    let bed = TestBed::start_with(support::BedOptions {
        smtp: true,
        ..Default::default()
    });
    let t = Tayori::new();
    let imaps = bed.imaps_port().to_string();
    let smtp = bed.submission_port().to_string();
    let ca = bed.ca_file().display().to_string();
    let acc = t
        .run(&[
            "account",
            "add",
            "--email",
            "alice@example.test",
            "--imap-host",
            "localhost",
            "--imap-port",
            &imaps,
            "--imap-security",
            "tls",
            "--username",
            "alice",
            "--password-command",
            "printf %s alice-pw",
            "--ca-file",
            &ca,
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &smtp,
            "--smtp-security",
            "starttls",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    t.run(&["sync"]).ok();
    let id = save(&t, &acc, None, "Ready to go", "final text\n");
    t.run(&["sync"]).ok();
    let mid = drafts(&t)[0]["message_id"].as_str().unwrap().to_string();
    assert_eq!(server_copies(&bed, &mid).len(), 1);
    let r = t.run(&["send", "--account", &acc, "--draft", &id]).ok();
    assert!(r.stdout.contains("\tsent\t"), "{}", r.stdout);
    assert!(drafts(&t).is_empty(), "gone here at once");
    t.run(&["sync"]).ok();
    assert!(
        server_copies(&bed, &mid).is_empty(),
        "and from the server at the next sync"
    );
    let n = py_imap(
        &bed,
        1,
        "M.select('INBOX')\ntyp, d = M.search(None, 'SUBJECT', '\"Ready to go\"')\nprint(len(d[0].split()))",
    );
    assert_eq!(n.trim(), "1");
}

#[test]
fn drafts_find_their_folder_without_special_use_and_with_the_inbox_prefix() {
    let bed = TestBed::start_with(support::BedOptions {
        fallback: true,
        ..Default::default()
    });
    let t = Tayori::new();
    let acc = t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let id = save(&t, &acc, None, "Courier-like", "v0\n");
    let mid = drafts(&t)[0]["message_id"].as_str().unwrap().to_string();
    for i in 1..=3 {
        t.run(&["sync"]).ok();
        let copies = server_copies_in(&bed, "INBOX.Drafts", &mid);
        assert_eq!(copies.len(), 1, "cycle {i}: {copies:?}");
        assert_eq!(copies[0].1, format!("v{}\n", i - 1));
        save(&t, &acc, Some(&id), "Courier-like", &format!("v{i}\n"));
    }
}
