//! The sync engine against a real Dovecot, through the real `tayori` binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use support::{BedOptions, TestBed, make_message};

const BASE_TS: i64 = 1_790_000_000;

fn load(bed: &TestBed, n: usize) {
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| {
            (
                BASE_TS + i as i64 * 60,
                make_message(i, &format!("Message {i}"), "hello"),
                false,
            )
        }),
    );
}

fn ids_by_subject(
    t: &Tayori,
    folder: &str,
) -> std::collections::HashMap<String, serde_json::Value> {
    t.list(folder)
        .into_iter()
        .map(|m| (m["subject"].as_str().unwrap().to_string(), m))
        .collect()
}

#[test]
fn first_sync_lists_newest_first_and_shows_text_only() {
    let bed = TestBed::start();
    load(&bed, 25);
    let big = message_with_attachment("With attachment", "Please see the file.", 3_000_000);
    bed.load_maildir(0, "INBOX", std::iter::once((BASE_TS + 100_000, big, false)));
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();

    let rows = t.list("INBOX");
    assert_eq!(rows.len(), 26);
    assert_eq!(rows[0]["subject"], "With attachment");
    assert_eq!(rows[1]["subject"], "Message 24");
    assert_eq!(rows[25]["subject"], "Message 0");
    assert_eq!(rows[0]["has_attachments"], true);
    assert_eq!(rows[0]["seen"], false);
    for k in ["id", "uid", "folder", "from", "date"] {
        assert!(!rows[0][k].is_null(), "{k} missing");
    }

    let folders = t.run(&["folders", "--json"]).ok().json();
    let roles: Vec<&str> = folders
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["role"].as_str())
        .collect();
    for r in ["inbox", "sent", "drafts", "trash", "junk", "archive"] {
        assert!(roles.contains(&r), "role {r} missing: {folders}");
    }

    // Showing the big message downloads only its text part.
    let id = rows[0]["id"].to_string();
    let shown = t.run(&["show", &id, "--json"]).ok().json();
    assert_eq!(
        shown["text"].as_str().unwrap().trim(),
        "Please see the file."
    );
    assert_eq!(shown["attachments"][0]["filename"], "data.bin");
    assert_eq!(shown["attachments"][0]["index"], 1);
    let st = t.status();
    let inbox = st["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "INBOX")
        .unwrap();
    assert_eq!(inbox["cached_bodies"], 1);
    assert!(inbox["cached_bytes"].as_i64().unwrap() < 10_000, "{inbox}");

    // Saving the attachment fetches it, byte-identical.
    let out = t.data_dir().join("saved.bin");
    t.run(&["save-attachment", &id, "1", out.to_str().unwrap()])
        .ok();
    assert_eq!(std::fs::read(&out).unwrap(), attachment_bytes(3_000_000));

    // Reading works offline from the cache.
    drop(bed);
    let shown_again = t.run(&["show", &id, "--json"]).ok().json();
    assert_eq!(shown_again["text"], shown["text"]);
    assert_eq!(
        t.run(&["search", "\"Message 7\"", "--json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn flags_travel_both_ways_and_resync_is_incremental() {
    let bed = TestBed::start();
    load(&bed, 10);
    let t = Tayori::new();
    t.add_account(&bed, true); // STARTTLS
    let r = t
        .cmd(&["sync"])
        .env("TAYORI_IMAP_COMPRESS", "always")
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let before = ids_by_subject(&t, "INBOX");
    let uid3 = before["Message 3"]["uid"].as_u64().unwrap();

    // Another client marks a message read; the next sync shows it.
    py_imap(
        &bed,
        0,
        &format!("M.select('INBOX')\nM.uid('STORE', '{uid3}', '+FLAGS', '(\\\\Seen)')"),
    );
    let r = t.run(&["sync", "--json"]).ok().json();
    let inbox = r[0]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "INBOX")
        .unwrap()
        .clone();
    assert_eq!(inbox["flag_changes"], 1, "{inbox}");
    assert_eq!(inbox["fetched"], 0);
    assert_eq!(ids_by_subject(&t, "INBOX")["Message 3"]["seen"], true);

    // A local change reaches the server.
    let id5 = before["Message 5"]["id"].to_string();
    let uid5 = before["Message 5"]["uid"].as_u64().unwrap();
    t.run(&["flag", &id5, "--flag"]).ok();
    assert!(server_flags(&bed, "INBOX", uid5).contains("\\\\Flagged"));
    t.run(&["flag", &id5, "--read"]).ok();
    assert!(server_flags(&bed, "INBOX", uid5).contains("\\\\Seen"));
    assert_eq!(t.status()["pending"], 0);

    // Our own pushed changes raised the server's MODSEQ: the next pass absorbs that (QRESYNC)
    // without fetching anything; the one after is a no-change resync (SELECT only).
    let r = t.run(&["sync", "--json"]).ok().json();
    for f in r[0]["folders"].as_array().unwrap() {
        assert_eq!(f["fetched"], 0, "{f}");
        assert_eq!(f["flag_changes"], 0, "{f}");
    }
    let r = t.run(&["sync", "--json"]).ok().json();
    for f in r[0]["folders"].as_array().unwrap() {
        assert_eq!(f["plan"], "UpToDate", "{f}");
    }

    // New mail and an expunge by another client.
    py_imap(
        &bed,
        0,
        &format!(
            "M.append('INBOX', None, None, {:?}.encode())\nM.select('INBOX')\n\
         M.uid('STORE', '{uid3}', '+FLAGS', '(\\\\Deleted)')\nM.expunge()",
            String::from_utf8(make_message(99, "Late arrival", "hi")).unwrap()
        ),
    );
    t.run(&["sync"]).ok();
    let after = ids_by_subject(&t, "INBOX");
    assert!(after.contains_key("Late arrival"));
    assert!(!after.contains_key("Message 3"));
    assert_eq!(after.len(), 10);
}

fn move_and_delete(bed: &TestBed, t: &Tayori, inbox: &str, archive: &str, trash: &str) {
    let before = ids_by_subject(t, inbox);
    // Another message flagged \Deleted by someone else must survive our moves.
    let keep_uid = before["Message 0"]["uid"].as_u64().unwrap();
    py_imap(
        bed,
        0,
        &format!(
            "M.select('\"{inbox}\"')\nM.uid('STORE', '{keep_uid}', '+FLAGS', '(\\\\Deleted)')"
        ),
    );

    let id1 = before["Message 1"]["id"].to_string();
    t.run(&["move", &id1, "--to", "Archive"]).ok();
    assert_eq!(server_count(bed, archive), 1);
    t.run(&["sync"]).ok();
    let arch = t.list(archive);
    assert_eq!(arch.len(), 1);
    assert_eq!(arch[0]["subject"], "Message 1");
    assert!(arch[0]["uid"].as_u64().is_some());
    assert!(!ids_by_subject(t, inbox).contains_key("Message 1"));

    let id2 = before["Message 2"]["id"].to_string();
    t.run(&["delete", &id2]).ok();
    assert_eq!(server_count(bed, trash), 1);
    t.run(&["sync"]).ok();
    let tr = t.list(trash);
    assert_eq!(tr.len(), 1);
    // Deleting from Trash removes it for good.
    t.run(&["delete", &tr[0]["id"].to_string()]).ok();
    assert_eq!(server_count(bed, trash), 0);
    // The message someone else marked \Deleted is still there: no bare EXPUNGE.
    assert_eq!(server_count(bed, inbox), 8);
    t.run(&["sync"]).ok();
    assert_eq!(t.list(inbox).len(), 8);
    assert_eq!(t.list(trash).len(), 0);
    assert_eq!(t.status()["failed"], 0);
}

#[test]
fn move_and_delete_with_move() {
    let bed = TestBed::start();
    load(&bed, 10);
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    move_and_delete(&bed, &t, "INBOX", "Archive", "Trash");
}

#[test]
fn fallback_server_without_move_condstore_special_use() {
    let bed = TestBed::start_with(BedOptions {
        fallback: true,
        ..Default::default()
    });
    load(&bed, 10);
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let folders = t.run(&["folders", "--json"]).ok().json();
    let names: Vec<(String, String)> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["role"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for (name, role) in [
        ("INBOX.Sent", "sent"),
        ("INBOX.Trash", "trash"),
        ("INBOX.Archive", "archive"),
        ("INBOX.Drafts", "drafts"),
    ] {
        assert!(
            names.contains(&(name.to_string(), role.to_string())),
            "{names:?}"
        );
    }
    // Flags without CONDSTORE: full flag compare.
    let uid4 = ids_by_subject(&t, "INBOX")["Message 4"]["uid"]
        .as_u64()
        .unwrap();
    py_imap(
        &bed,
        0,
        &format!("M.select('INBOX')\nM.uid('STORE', '{uid4}', '+FLAGS', '(\\\\Seen)')"),
    );
    t.run(&["sync"]).ok();
    assert_eq!(ids_by_subject(&t, "INBOX")["Message 4"]["seen"], true);
    move_and_delete(&bed, &t, "INBOX", "INBOX.Archive", "INBOX.Trash");
}

#[test]
fn offline_changes_replay_when_the_server_returns() {
    let mut bed = TestBed::start();
    load(&bed, 5);
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let rows = ids_by_subject(&t, "INBOX");
    let id = rows["Message 2"]["id"].to_string();
    let uid = rows["Message 2"]["uid"].as_u64().unwrap();
    let mv = rows["Message 3"]["id"].to_string();

    bed.stop();
    let r = t.run(&["flag", &id, "--read"]).ok();
    assert!(r.stdout.contains("queued"), "{}", r.stdout);
    t.run(&["move", &mv, "--to", "Archive"]).ok();
    // Applied locally at once.
    assert_eq!(ids_by_subject(&t, "INBOX")["Message 2"]["seen"], true);
    assert_eq!(t.list("Archive").len(), 1);
    assert_eq!(t.status()["pending"], 2);
    let failed_sync = t.run(&["sync"]);
    assert_ne!(failed_sync.code, 0);
    assert_eq!(t.status()["pending"], 2);

    bed.restart();
    t.run(&["sync"]).ok();
    assert_eq!(t.status()["pending"], 0);
    assert!(server_flags(&bed, "INBOX", uid).contains("\\\\Seen"));
    assert_eq!(server_count(&bed, "Archive"), 1);
    assert_eq!(t.list("Archive").len(), 1);
    assert_eq!(t.list("INBOX").len(), 4);
}

#[test]
fn killed_server_mid_sync_then_resumed_without_gaps_or_duplicates() {
    let mut bed = TestBed::start();
    let n = 20_000;
    load(&bed, n);
    let t = Tayori::new();
    t.add_account(&bed, false);
    let child = t
        .cmd(&["sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some batches are committed, then kill the server under it.
    let start = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let c = cached_count(&t);
        if c >= 2000 || start.elapsed().as_secs() > 60 {
            break;
        }
    }
    bed.kill_hard();
    let out = child.wait_with_output().unwrap();
    let partial = cached_count(&t);
    assert!(
        !out.status.success(),
        "sync should fail when the server dies"
    );
    assert!(partial > 0 && partial < n, "partial = {partial}");
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());

    bed.restart();
    t.run(&["sync"]).ok();
    let rows = t.list("INBOX");
    assert_eq!(rows.len(), n);
    let uids: std::collections::HashSet<u64> =
        rows.iter().map(|r| r["uid"].as_u64().unwrap()).collect();
    assert_eq!(uids.len(), n);
    let subjects: std::collections::HashSet<&str> = rows
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects.len(), n);
}

#[test]
fn uidvalidity_change_remaps_without_mixing_uids() {
    let bed = TestBed::start();
    load(&bed, 8);
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let before = ids_by_subject(&t, "INBOX");
    let id = before["Message 6"]["id"].to_string();
    t.run(&["show", &id]).ok();
    let old_uv = t.status()["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "INBOX")
        .unwrap()["uidvalidity"]
        .as_u64()
        .unwrap();

    bed.set_uidvalidity(0, "INBOX", old_uv as u32 + 1000);
    t.run(&["sync"]).ok();
    let st = t.status();
    let inbox = st["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "INBOX")
        .unwrap()
        .clone();
    assert_eq!(inbox["uidvalidity"].as_u64().unwrap(), old_uv + 1000);
    let after = ids_by_subject(&t, "INBOX");
    assert_eq!(after.len(), 8);
    // Same local messages (re-mapped by Message-ID, cached body kept), new UIDs from the server.
    for (subject, row) in &before {
        assert_eq!(after[subject]["id"], row["id"], "{subject}");
    }
    assert_eq!(inbox["cached_bodies"], 1);
    let server_uids = py_imap(
        &bed,
        0,
        "M.select('INBOX')\nprint(M.uid('SEARCH', 'ALL')[1][0].decode())",
    );
    let server: std::collections::HashSet<u64> = server_uids
        .split_whitespace()
        .map(|u| u.parse().unwrap())
        .collect();
    for row in after.values() {
        assert!(server.contains(&row["uid"].as_u64().unwrap()));
    }
}

#[test]
fn bad_password_unreachable_host_and_untrusted_cert_fail_clearly() {
    let bed = TestBed::start();
    load(&bed, 3);
    let good = Tayori::new();
    good.add_account(&bed, false);
    good.run(&["sync"]).ok();

    let (user, _) = bed.user(0);
    let t = Tayori::new();
    t.add_account_untested(&bed, false, &user, "wrong-password", true);
    let r = t.run(&["sync"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("login failed"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert!(!r.stderr.contains("wrong-password"));

    let t = Tayori::new();
    t.add_account_untested(&bed, false, &user, "x", false);
    let r = t.run(&["sync"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("TLS") && r.stderr.contains("not trusted"),
        "{}",
        r.stderr
    );

    // Unreachable: the good account's server goes away; the cache stays intact.
    let before = good.list("INBOX");
    drop(bed);
    let r = good.run(&["sync"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("cannot reach"), "{}", r.stderr);
    assert_eq!(good.list("INBOX"), before);
}

#[test]
fn watch_reports_another_clients_flag_change() {
    let bed = TestBed::start();
    load(&bed, 3);
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let uid = ids_by_subject(&t, "INBOX")["Message 1"]["uid"]
        .as_u64()
        .unwrap();
    let mut child = t
        .cmd(&["watch"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rx = crate::common::watch_lines(&mut child);
    assert!(
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .unwrap()
            .starts_with("online")
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    py_imap(
        &bed,
        0,
        &format!("M.select('INBOX')\nM.uid('STORE', '{uid}', '+FLAGS', '(\\\\Seen)')"),
    );
    let want = format!("flags INBOX {uid} seen");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut seen = Vec::new();
    let mut found = false;
    while std::time::Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            found |= l == want;
            seen.push(l);
            if found {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(found, "watch printed {seen:?}");
    assert_eq!(ids_by_subject(&t, "INBOX")["Message 1"]["seen"], true);
}

#[test]
fn server_search_finds_mail_whose_body_is_not_cached() {
    let bed = TestBed::start();
    load(&bed, 5);
    let secret = |i: usize, word: &str| {
        make_message(
            100 + i,
            &format!("Note {i}"),
            &format!("the word is {word}"),
        )
    };
    bed.load_maildir(
        0,
        "INBOX",
        [
            (BASE_TS + 10_000, secret(0, "marmalade"), false),
            (BASE_TS + 10_060, secret(1, "まーまれーど"), false),
        ]
        .into_iter(),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    // Headers only: the local search cannot see the words.
    let local = t.run(&["search", "marmalade", "--json"]).ok().json();
    assert_eq!(local.as_array().unwrap().len(), 0);
    let found = t
        .run(&["search", "marmalade", "--server", "--json"])
        .ok()
        .json();
    let subjects: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Note 0"]);
    // Non-ASCII goes as a UTF-8 literal.
    let found = t
        .run(&["search", "まーまれーど", "--server", "--json"])
        .ok()
        .json();
    assert_eq!(found[0]["subject"], "Note 1");
    assert_eq!(found.as_array().unwrap().len(), 1);
}
