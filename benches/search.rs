//! Local search at 100k messages with 20k bodies indexed (run: `cargo bench --bench search`).
//!
//! Fills a store on disk (headers of 100k messages, Japanese and English body text of 20k of
//! them through the same indexing as the body mirror), then runs each query 20 times and
//! prints the median and the slowest: 2-character Japanese queries found in most bodies (東京)
//! and in none (京都: every row is looked at), a 1-character one (the pair index), a trigram
//! word, an operator query with a word, and operators alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use tayori::model::{Flags, FolderRole, HeaderInfo, MessageId, Security, Uid};
use tayori::store::{NewAccount, Store};

const PHRASES: &[&str] = &[
    "お疲れさまです。",
    "来週の打ち合わせについてご連絡します。",
    "資料を添付しましたのでご確認ください。",
    "大阪支社の売上は前年比で増えています。",
    "本日の会議は十五時からです。",
    "東京本社の会議室を予約しました。",
    "よろしくお願いいたします。",
    "Please find the quarterly report attached.",
    "The meeting moved to Thursday afternoon.",
    "見積書の件、承知しました。",
];

/// A small deterministic generator (the figures must not vary with a seed).
fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn header(uid: u32, x: &mut u64) -> HeaderInfo {
    let who = ["taro", "hanako", "jiro", "yuki", "ken"][(next(x) % 5) as usize];
    HeaderInfo {
        uid: Uid(uid),
        message_id: Some(format!("<m{uid}@bench.test>")),
        subject: format!("定例 {uid}: {}", PHRASES[(next(x) % 10) as usize]),
        from: format!("{who} <{who}{}@example.jp>", uid % 300),
        to: "alice@example.test".into(),
        cc: String::new(),
        date: 1_690_000_000 + i64::from(uid) * 300,
        internal_date: 1_690_000_000 + i64::from(uid) * 300,
        size: 4000,
        flags: Flags {
            seen: !uid.is_multiple_of(3),
            ..Default::default()
        },
        modseq: None,
        in_reply_to: None,
        references: None,
        parts: Vec::new(),
        has_attachments: uid.is_multiple_of(7),
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_dir(dir.path()).unwrap();
    let a = s
        .add_account(&NewAccount::imap("a@example.test", "h", 993, Security::Tls))
        .unwrap();
    let f = s
        .upsert_folder(a, "INBOX", Some("/"), Some(FolderRole::Inbox))
        .unwrap();
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    let t0 = Instant::now();
    for b in 0..100 {
        let batch: Vec<HeaderInfo> = (0..1000)
            .map(|i| header(b * 1000 + i + 1, &mut x))
            .collect();
        s.store_headers(f, &batch).unwrap();
    }
    let headers = t0.elapsed();
    let t1 = Instant::now();
    let mut texts = Vec::new();
    for uid in (1..=100_000u32).step_by(5) {
        let id: MessageId = s.message_by_uid(f, Uid(uid)).unwrap().unwrap().id;
        let body: String = (0..12)
            .map(|_| PHRASES[(next(&mut x) % 10) as usize])
            .collect::<Vec<_>>()
            .join("\n");
        texts.push((id, body.clone(), body.chars().take(200).collect::<String>()));
        if texts.len() == 1000 {
            s.index_texts(&texts).unwrap();
            texts.clear();
        }
    }
    s.index_texts(&texts).unwrap();
    let indexing = t1.elapsed();
    println!(
        "store: 100k headers in {:.2} s, 20k bodies indexed in {:.2} s, database {} MB",
        headers.as_secs_f64(),
        indexing.as_secs_f64(),
        s.db_bytes().unwrap() / 1_000_000
    );
    for q in [
        "東京",
        "京都",
        "本",
        "quarterly",
        "from:taro 会議",
        "has:attachment before:2023-11-01",
        "is:unread from:hanako",
    ] {
        let mut times: Vec<Duration> = Vec::new();
        let mut n = 0;
        for _ in 0..20 {
            let t = Instant::now();
            n = s.search(q, 200).unwrap().len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "search {q:<36} p50 {:>7.2} ms  max {:>7.2} ms  ({n} shown of at most 200)",
            times[10].as_secs_f64() * 1000.0,
            times[19].as_secs_f64() * 1000.0
        );
    }
}
