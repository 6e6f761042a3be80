//! The offline body mirror (`tayori sync --bodies`, `Engine::download_bodies`) against a
//! real Dovecot: whole messages and text-only large ones, reading with the server gone,
//! resuming after a kill, date-limited and on-demand policies, pausing, expunges meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use support::{TestBed, make_message};
use tayori::engine::{BodyProgress, Engine};
use tayori::model::{AccountId, OfflineMode, OfflinePolicy};
use tayori::store::Store;

const BASE_TS: i64 = 1_790_000_000;
const JA_WORD: &str = "株式会社";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn html_message(i: usize) -> Vec<u8> {
    format!(
        "From: Shop <shop@example.test>\r\nTo: alice@example.test\r\nSubject: Offer {i}\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <html-{i}@example.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Offer number {i}</p></body></html>\r\n"
    )
    .into_bytes()
}

/// A plain message dated `ts` (its Date header, which the Days policy looks at).
fn dated(i: usize, ts: i64) -> Vec<u8> {
    let date = chrono::DateTime::from_timestamp(ts, 0)
        .unwrap()
        .to_rfc2822();
    format!(
        "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Dated {i}\r\n\
         Date: {date}\r\nMessage-ID: <dated-{i}@example.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nbody of dated {i}\r\n"
    )
    .into_bytes()
}

/// Mixed mail: plain text of many lengths, some with attachments, some HTML only.
fn mixed(i: usize) -> Vec<u8> {
    match i % 10 {
        0 => message_with_attachment(
            &format!("Report {i}"),
            &format!("See report {i} attached."),
            2_000 + i * 200,
        ),
        1 => html_message(i),
        _ => make_message(
            i,
            &format!("Note {i}"),
            &format!("note {i}: {}", "lorem ipsum ".repeat(i % 200)),
        ),
    }
}

fn db(t: &Tayori) -> rusqlite::Connection {
    rusqlite::Connection::open(t.data_dir().join("tayori.sqlite3")).unwrap()
}

fn count(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Messages cached with a body, summed over the folders (`status --json`).
fn cached_bodies(t: &Tayori) -> u64 {
    let out = t.cmd(&["status", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v["folders"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["cached_bodies"].as_u64().unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

fn bodies_report(run: &Run) -> serde_json::Value {
    run.json()[0]["bodies"].clone()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn engine(t: &Tayori) -> Engine {
    Engine::new(Store::open_dir(t.data_dir()).unwrap())
}

fn all() -> OfflinePolicy {
    OfflinePolicy {
        mode: OfflineMode::All,
        attachments_max_mb: 10,
    }
}

#[test]
fn offline_mirror_reads_everything_with_the_server_gone() {
    let mut bed = TestBed::start();
    let n = 300;
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| (BASE_TS + i as i64 * 60, mixed(i), false)),
    );
    let big = message_with_attachment("Big one", "The big text survives.", 2_500_000);
    let extra = [big, fixture("iso2022jp.eml"), fixture("html_only.eml")];
    bed.load_maildir(
        0,
        "INBOX",
        extra
            .into_iter()
            .enumerate()
            .map(|(k, m)| (BASE_TS + 100_000 + k as i64, m, false)),
    );
    bed.load_maildir(
        0,
        "Archive",
        (0..20).map(|i| (BASE_TS + i as i64, mixed(1000 + i), true)),
    );
    let total = n + 3 + 20;
    let t = Tayori::new();
    let id = t.add_account(&bed, false);
    // Messages over 1 MB keep only their text.
    t.run(&["account", "set", &id, "--offline-attachments-max", "1"])
        .ok();

    // One message read on demand first: its text part is cached (and indexed) alone.
    t.run(&["sync"]).ok();
    let note = t
        .list("INBOX")
        .into_iter()
        .find(|m| m["subject"] == "Note 5")
        .unwrap();
    let note_id = note["id"].to_string();
    t.run(&["show", &note_id]).ok();

    let run = t.run(&["sync", "--bodies", "--json"]).ok();
    let b = bodies_report(&run);
    assert_eq!(b["fetched"], total, "{b}");
    assert_eq!(b["remaining"], 0);
    assert_eq!(b["failed"], 0);
    let text = t.run(&["sync", "--bodies"]).ok().stdout;
    assert!(
        text.contains("alice@example.test: bodies: 0 fetched (0 bytes), 0 remaining, 0 failed"),
        "{text}"
    );

    let c = db(&t);
    assert_eq!(count(&c, "SELECT count(*) FROM messages"), total as i64);
    assert_eq!(
        count(&c, "SELECT count(*) FROM messages WHERE snippet IS NULL"),
        0
    );
    // One body row per message: whole ("") for all but the big one, its text part alone.
    assert_eq!(count(&c, "SELECT count(*) FROM parts"), total as i64);
    assert_eq!(
        count(&c, "SELECT count(*) FROM parts WHERE section <> ''"),
        1
    );
    let big_id: i64 = c
        .query_row(
            "SELECT id FROM messages WHERE subject = 'Big one'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let big_sections: String = c
        .query_row(
            "SELECT group_concat(section) FROM parts WHERE message_id = ?1",
            [big_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(big_sections, "1");
    // The message read on demand is now kept whole, its single part replaced.
    let note_sections: String = c
        .query_row(
            "SELECT group_concat(section) FROM parts WHERE message_id = ?1",
            [note_id.parse::<i64>().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note_sections, "");

    // The Japanese body is searchable.
    let found = t.run(&["search", JA_WORD, "--json"]).ok().json();
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["subject"], "ISO-2022-JPの件名①です");

    // Everything reads with the server stopped.
    let ids: Vec<(i64, String)> = {
        let mut st = c.prepare("SELECT id, subject FROM messages").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    bed.stop();
    for (id, subject) in &ids {
        let shown = t.run(&["show", &id.to_string(), "--json"]).ok().json();
        let text = shown["text"].as_str().unwrap();
        assert!(!text.trim().is_empty(), "empty text for {subject}");
        if let Some(num) = subject.strip_prefix("Note ") {
            assert!(
                text.starts_with(&format!("note {num}:")),
                "{subject}: {text}"
            );
        }
        if let Some(num) = subject.strip_prefix("Offer ") {
            assert!(text.contains(&format!("Offer number {num}")), "{text}");
        }
    }
    let big = t.run(&["show", &big_id.to_string(), "--json"]).ok().json();
    assert_eq!(big["text"], "The big text survives.");
    // An attachment of a message kept whole saves offline too.
    let report: i64 = c
        .query_row(
            "SELECT id FROM messages WHERE subject = 'Report 10'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let path = t.data_dir().join("report.bin");
    t.run(&[
        "save-attachment",
        &report.to_string(),
        "1",
        path.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(std::fs::read(&path).unwrap(), attachment_bytes(4_000));
    let raw = t.run(&["show", &report.to_string(), "--raw"]).ok();
    assert!(raw.stdout.contains("Subject: Report 10"));
}

/// `n` unread messages in INBOX, a minute apart: subjects `Message {i}`, bodies
/// `{body} {i}`.
fn load_messages(bed: &TestBed, n: usize, body: &str) {
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| {
            (
                BASE_TS + i as i64 * 60,
                make_message(i, &format!("Message {i}"), &format!("{body} {i}")),
                false,
            )
        }),
    );
}

#[test]
fn offline_mirror_killed_mid_way_resumes_without_gaps_or_duplicates() {
    let bed = TestBed::start();
    let n = 20_000;
    load_messages(&bed, n, "text of");
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    assert_eq!(cached_bodies(&t), 0);
    let mut child = t
        .cmd(&["sync", "--bodies"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while cached_bodies(&t) < 1500 && start.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = cached_bodies(&t);
    assert!(partial >= 1500 && partial < n as u64, "partial = {partial}");
    // Whole batches only: one body row per message cached so far.
    let c = db(&t);
    assert_eq!(count(&c, "SELECT count(*) FROM parts"), partial as i64);

    let run = t.run(&["sync", "--bodies", "--json"]).ok();
    let b = bodies_report(&run);
    assert_eq!(b["fetched"], n as u64 - partial, "{b}");
    assert_eq!(b["remaining"], 0);
    assert_eq!(cached_bodies(&t), n as u64);
    assert_eq!(count(&c, "SELECT count(*) FROM parts"), n as i64);
    assert_eq!(
        count(
            &c,
            "SELECT count(DISTINCT message_id) FROM parts WHERE section = ''"
        ),
        n as i64
    );
    assert_eq!(
        count(&c, "SELECT count(*) FROM messages WHERE snippet IS NULL"),
        0
    );
    // Each body is the right message's.
    let wrong = count(
        &c,
        "SELECT count(*) FROM messages m JOIN parts p ON p.message_id = m.id
         WHERE instr(CAST(p.data AS TEXT), 'Subject: ' || m.subject || char(13)) = 0",
    );
    assert_eq!(wrong, 0);
    let hits = t
        .run(&["search", "\"text of 12345\"", "--json"])
        .ok()
        .json();
    assert_eq!(hits.as_array().unwrap().len(), 1);
}

#[test]
fn offline_days_policy_downloads_recent_mail_and_on_demand_nothing() {
    let bed = TestBed::start();
    let now = chrono::Utc::now().timestamp();
    let ages = [1, 1, 2, 3, 5, 20, 40, 40, 100, 400];
    bed.load_maildir(
        0,
        "INBOX",
        ages.iter()
            .enumerate()
            .map(|(i, d)| (now - d * 86_400, dated(i, now - d * 86_400), false)),
    );
    let t = Tayori::new();
    let id = t.add_account(&bed, false);
    let account = AccountId(id.parse().unwrap());

    // On demand: a plain sync and the background download fetch no body.
    t.run(&["sync"]).ok();
    assert_eq!(cached_bodies(&t), 0);
    let rt = runtime();
    let mut e = engine(&t);
    let acc = e.store.account(account).unwrap();
    let on_demand = e.store.offline_policy(account).unwrap();
    assert_eq!(on_demand.mode, OfflineMode::OnDemand);
    let report = rt.block_on(async {
        let mut conn = Engine::connect(&acc).await.unwrap();
        let mut progress = |_p: BodyProgress| {};
        e.download_bodies(&mut conn, &acc, &on_demand, &mut progress, &|| false)
            .await
            .unwrap()
    });
    assert_eq!(report.fetched, 0);
    assert_eq!(report.remaining, 0);
    assert_eq!(cached_bodies(&t), 0);
    assert_eq!(
        e.offline_backlog(account, &on_demand).unwrap(),
        BodyProgress::default()
    );

    // Days: only mail of the last 7 days.
    t.run(&["account", "set", &id, "--offline", "days:7"]).ok();
    let days = e.store.offline_policy(account).unwrap();
    assert_eq!(days.mode, OfflineMode::Days(7));
    let before = e.offline_backlog(account, &days).unwrap();
    assert_eq!((before.done, before.total), (0, 5));
    let run = t.run(&["sync", "--bodies", "--json"]).ok();
    assert_eq!(bodies_report(&run)["fetched"], 5);
    assert_eq!(cached_bodies(&t), 5);
    let after = e.offline_backlog(account, &days).unwrap();
    assert_eq!((after.done, after.total), (5, 5));
    assert!(after.bytes > 0);
    let c = db(&t);
    let old_with_body = count(
        &c,
        &format!(
            "SELECT count(*) FROM messages m JOIN parts p ON p.message_id = m.id
             WHERE m.date < {}",
            now - 7 * 86_400
        ),
    );
    assert_eq!(old_with_body, 0);
}

#[test]
fn offline_download_pauses_between_batches_and_skips_expunged_mail() {
    let bed = TestBed::start();
    let n = 1300;
    load_messages(&bed, n, "paused body");
    let t = Tayori::new();
    let id = t.add_account(&bed, false);
    let account = AccountId(id.parse().unwrap());
    t.run(&["sync"]).ok();
    // Ten messages vanish on the server behind the cache's back.
    py_imap(
        &bed,
        0,
        "M.select('INBOX')\n\
         M.uid('STORE', '1:10', '+FLAGS.SILENT', '(\\\\Deleted)')\n\
         M.expunge()",
    );
    let rt = runtime();
    let mut e = engine(&t);
    let acc = e.store.account(account).unwrap();
    let policy = all();
    let (first, second, seen) = rt.block_on(async {
        let mut conn = Engine::connect(&acc).await.unwrap();
        let mut seen: Vec<BodyProgress> = Vec::new();
        let mut progress = |p: BodyProgress| seen.push(p);
        // A click elsewhere: pause as soon as asked.
        let first = e
            .download_bodies(&mut conn, &acc, &policy, &mut progress, &|| true)
            .await
            .unwrap();
        let second = e
            .download_bodies(&mut conn, &acc, &policy, &mut progress, &|| false)
            .await
            .unwrap();
        (first, second, seen)
    });
    assert!(first.remaining > 0, "{first:?}");
    assert!(
        first.fetched >= 500 && first.fetched < n as u64 - 10,
        "{first:?}"
    );
    assert_eq!(second.remaining, 0, "{second:?}");
    assert_eq!(first.fetched + second.fetched, n as u64 - 10);
    assert_eq!(first.failed + second.failed, 0);
    let last = seen.last().unwrap();
    assert_eq!((last.done, last.total), (n as u64 - 10, n as u64));
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
    // The expunged ones are asked for again without error, and the next sync drops them.
    let again = rt.block_on(async {
        let mut conn = Engine::connect(&acc).await.unwrap();
        let mut progress = |_p: BodyProgress| {};
        e.download_bodies(&mut conn, &acc, &policy, &mut progress, &|| false)
            .await
            .unwrap()
    });
    assert_eq!((again.fetched, again.remaining, again.failed), (0, 0, 0));
    // Downloaded, not searchable yet: the deferred indexing pauses and resumes too.
    assert_eq!(e.index_backlog(account).unwrap(), n as u64 - 10);
    let (paused, rest) = rt.block_on(async {
        let paused = e.index_bodies(account, &|| true).await.unwrap();
        let rest = e.index_bodies(account, &|| false).await.unwrap();
        (paused, rest)
    });
    assert!(paused.indexed > 0 && paused.remaining > 0, "{paused:?}");
    assert_eq!(paused.indexed + paused.remaining, n as u64 - 10);
    assert_eq!((rest.indexed, rest.remaining), (paused.remaining, 0));
    assert_eq!(e.index_backlog(account).unwrap(), 0);
    let hit = t.run(&["search", "paused body 777", "--json"]).ok().json();
    assert_eq!(hit.as_array().unwrap().len(), 1);
    let run = t.run(&["sync", "--bodies", "--json"]).ok();
    assert_eq!(bodies_report(&run)["remaining"], 0);
    assert_eq!(cached_bodies(&t), n as u64 - 10);
}

#[test]
fn offline_account_set_round_trip_and_refusals() {
    let t = Tayori::new();
    let id = t
        .run(&[
            "account",
            "add",
            "--email",
            "dora@example.test",
            "--imap-host",
            "localhost",
            "--imap-port",
            "1",
            "--imap-security",
            "tls",
            "--password-command",
            "printf x",
            "--no-test",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    let offline = |t: &Tayori| -> serde_json::Value {
        t.run(&["account", "list", "--json"]).ok().json()[0]["offline"].clone()
    };
    assert_eq!(
        offline(&t),
        serde_json::json!({"mode": "on-demand", "attachments_max_mb": 10})
    );
    t.run(&["account", "set", &id, "--offline", "days:30"]).ok();
    assert_eq!(
        offline(&t),
        serde_json::json!({"mode": "days:30", "attachments_max_mb": 10})
    );
    t.run(&[
        "account",
        "set",
        &id,
        "--offline",
        "all",
        "--offline-attachments-max",
        "25",
    ])
    .ok();
    assert_eq!(
        offline(&t),
        serde_json::json!({"mode": "all", "attachments_max_mb": 25})
    );
    let listed = t.run(&["account", "list"]).ok().stdout;
    assert!(listed.contains("offline all"), "{listed}");

    for bad in ["sometimes", "days:0", "days:x", "days:"] {
        let r = t.run(&["account", "set", &id, "--offline", bad]);
        assert_ne!(r.code, 0);
        assert!(
            r.stderr
                .contains("not an offline mode: use on-demand, days:N (N at least 1) or all"),
            "{bad}: {}",
            r.stderr
        );
    }
    let r = t.run(&["account", "set", &id]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("nothing to set"), "{}", r.stderr);
    let r = t.run(&["account", "set", "999", "--offline", "all"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no such account"), "{}", r.stderr);
    // Refusals changed nothing.
    assert_eq!(
        offline(&t),
        serde_json::json!({"mode": "all", "attachments_max_mb": 25})
    );
}

#[test]
fn offline_refuses_a_text_part_over_the_download_limit_and_goes_on() {
    let bed = TestBed::start();
    let line = "a long line of text that goes on and on for the size limit\r\n";
    let huge = make_message(
        99,
        "Huge text",
        &line.repeat(33 * (1 << 20) / line.len() + 1),
    );
    let mut msgs: Vec<Vec<u8>> = (0..3)
        .map(|i| make_message(i, &format!("Small {i}"), "small body"))
        .collect();
    msgs.push(huge);
    bed.load_maildir(
        0,
        "INBOX",
        msgs.into_iter()
            .enumerate()
            .map(|(i, m)| (BASE_TS + i as i64, m, false)),
    );
    let t = Tayori::new();
    let id = t.add_account(&bed, false);
    t.run(&[
        "account",
        "set",
        &id,
        "--offline",
        "all",
        "--offline-attachments-max",
        "1",
    ])
    .ok();
    let run = t.run(&["sync", "--bodies"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("bodies: 3 fetched") && run.stdout.contains("0 remaining, 1 failed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            "INBOX UID 4: not downloaded: its text part is 33.0 MB, over the 32 MB limit"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(cached_bodies(&t), 3);
    // Asked again next time, refused again: no loop, nothing remains.
    let again = t.run(&["sync", "--bodies", "--json"]).ok();
    let b = bodies_report(&again);
    assert_eq!(
        (
            b["fetched"].as_u64(),
            b["failed"].as_u64(),
            b["remaining"].as_u64()
        ),
        (Some(0), Some(1), Some(0))
    );
    assert_eq!(b["failures"][0]["uid"], 4);
}

/// Rows of a cache that a header sync and a whole-message first sync must agree on.
fn comparable_rows(t: &Tayori) -> Vec<(String, u32, String, String, String, String, String)> {
    let c = db(t);
    let mut st = c
        .prepare(
            "SELECT f.name, m.uid, m.subject || '|' || m.sender || '|' || m.recipients || '|' ||
                    m.cc || '|' || m.date || '|' || m.internal_date || '|' || m.flags,
                    coalesce(m.message_id, ''), coalesce(m.in_reply_to, '') || '|' ||
                    coalesce(m.refs, ''), m.has_attachments || '|' || m.size, m.parts
             FROM messages m JOIN folders f ON f.id = m.folder_id ORDER BY f.name, m.uid",
        )
        .unwrap();
    st.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn offline_first_sync_takes_each_message_once_with_the_rows_a_header_sync_stores() {
    let bed = TestBed::start();
    let n = 120;
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| (BASE_TS + i as i64 * 60, mixed(i), i % 3 == 0)),
    );
    let big = message_with_attachment("Big one", "The big text survives.", 2_500_000);
    let extra = [
        big,
        fixture("iso2022jp.eml"),
        fixture("html_only.eml"),
        fixture("shift_jis.eml"),
        fixture("subject_split.eml"),
    ];
    let extras = extra.len();
    bed.load_maildir(
        0,
        "INBOX",
        extra
            .into_iter()
            .enumerate()
            .map(|(k, m)| (BASE_TS + 100_000 + k as i64, m, false)),
    );
    bed.load_maildir(
        0,
        "Archive",
        (0..20).map(|i| (BASE_TS + i as i64, mixed(1000 + i), true)),
    );
    let total = n + extras + 20;

    // Kept entirely offline, messages over 1 MB as text only: the first sync with bodies.
    let whole = Tayori::new();
    let id = whole.add_account(&bed, false);
    whole
        .run(&[
            "account",
            "set",
            &id,
            "--offline",
            "all",
            "--offline-attachments-max",
            "1",
        ])
        .ok();
    let run = whole.run(&["sync", "--bodies", "--json"]).ok();
    let v = run.json();
    let came_whole: u64 = v[0]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["whole"].as_u64().unwrap())
        .sum();
    // Everything but the big message came whole in the sync pass; the big one's text
    // part came in the body download after it.
    assert_eq!(came_whole, total as u64 - 1, "{v}");
    let b = bodies_report(&run);
    assert_eq!(
        (b["fetched"].as_u64(), b["remaining"].as_u64()),
        (Some(total as u64), Some(0)),
        "{b}"
    );
    let c = db(&whole);
    assert_eq!(
        count(&c, "SELECT count(*) FROM parts WHERE section = ''"),
        total as i64 - 1
    );
    assert_eq!(
        count(&c, "SELECT count(*) FROM parts WHERE section <> ''"),
        1
    );
    assert_eq!(
        count(&c, "SELECT count(*) FROM messages WHERE snippet IS NULL"),
        0
    );

    // The same mailbox header-synced: the same rows, field for field.
    let headers = Tayori::new();
    headers.add_account(&bed, false);
    headers.run(&["sync"]).ok();
    let (a, h) = (comparable_rows(&whole), comparable_rows(&headers));
    assert_eq!(a.len(), total);
    for (x, y) in a.iter().zip(&h) {
        assert_eq!(x, y);
    }
    assert_eq!(a, h);
    // Conversations are the same too.
    let threads = |t: &Tayori| {
        let mut v: Vec<(String, u64)> = t
            .run(&[
                "list",
                "--folder",
                "INBOX",
                "--threads",
                "--limit",
                "1000",
                "--json",
            ])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["subject"].to_string(), r["thread_size"].as_u64().unwrap()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(threads(&whole), threads(&headers));
    // And a second run finds nothing left to fetch.
    let again = whole.run(&["sync", "--bodies", "--json"]).ok();
    assert_eq!(bodies_report(&again)["fetched"], 0);
}
