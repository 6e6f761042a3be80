//! Sync benchmark against a real Dovecot on loopback (run: `cargo bench --bench sync`).
//!
//! For each size (default 10k and 100k; override with TAYORI_BENCH_SIZES=1000,5000) it loads
//! generated messages into INBOX and prints, in one run:
//! - first header sync time of `tayori sync` (whole process: connect, LIST, all folders);
//! - raw time of the same FETCH read off the wire by a minimal reader (the limit);
//! - no-change resync time;
//! - latency from another client's flag change to the cache, with `tayori watch`;
//! - peak RSS of the first sync;
//! - the offline body mirror: `tayori sync --bodies` after the header sync (the body part
//!   and the whole process), and into an empty cache (headers and bodies), against the raw
//!   `UID FETCH 1:* BODY.PEEK[]` read off the wire and against mbsync (isync) mirroring the
//!   same INBOX to a Maildir; peak RSS of the mirror.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "sync/opens.rs"]
mod opens;
#[path = "../tests/it/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{TestBed, make_message};

fn tayori() -> &'static str {
    env!("CARGO_BIN_EXE_tayori")
}

/// A minimal IMAP reader: TLS, LOGIN, SELECT, one FETCH, count bytes until the tagged OK.
struct Raw {
    s: native_tls::TlsStream<TcpStream>,
    buf: Vec<u8>,
}

impl Raw {
    fn connect(bed: &TestBed) -> Raw {
        let ca = native_tls::Certificate::from_pem(&std::fs::read(bed.ca_file()).unwrap()).unwrap();
        let conn = native_tls::TlsConnector::builder()
            .add_root_certificate(ca)
            .build()
            .unwrap();
        let tcp = TcpStream::connect((bed.host(), bed.imaps_port())).unwrap();
        let s = conn.connect(bed.host(), tcp).unwrap();
        let mut r = Raw { s, buf: Vec::new() };
        r.line();
        let (u, p) = bed.user(0);
        r.cmd(&format!("a LOGIN {u} {p}"));
        r.cmd("b SELECT INBOX");
        r
    }
    fn line(&mut self) -> Vec<u8> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let l = self.buf[..i].to_vec();
                self.buf.drain(..i + 2);
                return l;
            }
            let mut chunk = [0u8; 65536];
            let n = self.s.read(&mut chunk).unwrap();
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
    /// Sends a tagged command and reads until its completion; returns bytes read.
    fn cmd(&mut self, c: &str) -> usize {
        let tag = c.split(' ').next().unwrap().to_string();
        self.s.write_all(format!("{c}\r\n").as_bytes()).unwrap();
        let mut total = 0;
        loop {
            let l = self.line();
            total += l.len() + 2;
            // Skip literals: "{N}" at line end means N raw bytes follow.
            if l.ends_with(b"}")
                && let Some(open) = l.iter().rposition(|b| *b == b'{')
            {
                let n: usize = std::str::from_utf8(&l[open + 1..l.len() - 1])
                    .unwrap()
                    .parse()
                    .unwrap();
                while self.buf.len() < n {
                    let mut chunk = [0u8; 65536];
                    let k = self.s.read(&mut chunk).unwrap();
                    self.buf.extend_from_slice(&chunk[..k]);
                }
                self.buf.drain(..n);
                total += n;
                continue;
            }
            if l.starts_with(format!("{tag} ").as_bytes()) {
                assert!(
                    l.starts_with(format!("{tag} OK").as_bytes()),
                    "{}",
                    String::from_utf8_lossy(&l)
                );
                return total;
            }
        }
    }
}

fn realistic(i: usize) -> Vec<u8> {
    let body = "Hello,\r\n\r\nthis is a generated message for the benchmark.\r\n\r\nRegards\r\n";
    let mut m = make_message(
        i,
        &format!("Benchmark message {i} about the quarterly report"),
        body,
    );
    if i.is_multiple_of(10) {
        // Some threading headers.
        let refs = format!(
            "References: <{}.bench@example.test>\r\n",
            i.saturating_sub(1)
        );
        m.splice(0..0, refs.into_bytes());
    }
    m
}

fn run_sync(data: &std::path::Path) -> (Duration, String) {
    run_tayori(data, &["sync"])
}

fn run_tayori(data: &std::path::Path, args: &[&str]) -> (Duration, String) {
    let t0 = Instant::now();
    let out = Command::new(tayori())
        .env("TAYORI_DATA_DIR", data)
        .env("TAYORI_REPORT_RSS", "1")
        .args(args)
        .output()
        .unwrap();
    let el = t0.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for l in String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("peak-rss"))
    {
        eprintln!("  | {l}");
    }
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss ").map(str::to_string))
        .unwrap_or_default();
    (el, rss)
}

/// `tayori sync --bodies`: (whole process, until the download was committed (its summary
/// line), peak RSS).
fn run_bodies(data: &std::path::Path) -> (Duration, Duration, String) {
    let t0 = Instant::now();
    let mut child = Command::new(tayori())
        .env("TAYORI_DATA_DIR", data)
        .env("TAYORI_REPORT_RSS", "1")
        .args(["sync", "--bodies"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut downloaded = None;
    for l in BufReader::new(child.stdout.take().unwrap()).lines() {
        let l = l.unwrap();
        if l.contains(": bodies: ") {
            downloaded = Some(t0.elapsed());
        }
        eprintln!("  | {l}");
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    let el = t0.elapsed();
    assert!(status.success(), "{err}");
    let rss = err
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss ").map(str::to_string))
        .unwrap_or_default();
    let cpu = err
        .lines()
        .find_map(|l| l.strip_prefix("cpu-download "))
        .unwrap_or("?");
    (
        el,
        downloaded.unwrap_or(el),
        format!("{rss}, CPU until committed {cpu}"),
    )
}

fn add_account(bed: &TestBed, data: &std::path::Path) {
    let (u, p) = bed.user(0);
    let add = Command::new(tayori())
        .env("TAYORI_DATA_DIR", data)
        .args([
            "account",
            "add",
            "--email",
            "alice@example.test",
            "--imap-host",
            bed.host(),
        ])
        .args([
            "--imap-port",
            &bed.imaps_port().to_string(),
            "--imap-security",
            "tls",
            "--username",
            &u,
        ])
        .args([
            "--password-command",
            &format!("printf %s {p}"),
            "--ca-file",
            bed.ca_file().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(add.status.success());
}

/// isync's version as (major, minor), None when mbsync is not installed.
fn mbsync_version() -> Option<(u32, u32)> {
    let out = Command::new("mbsync").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.split_whitespace().nth(1)?;
    let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    Some((it.next()?, it.next().unwrap_or(0)))
}

/// mbsync pulling the bed's INBOX into an empty Maildir (`fsync`: its default `FSync yes`,
/// else `FSync no`); returns the time and the count of message files, or why it could not
/// run.
fn mbsync_mirror(bed: &TestBed, fsync: bool) -> Result<(Duration, usize), String> {
    let Some(version) = mbsync_version() else {
        return Err("mbsync not installed (tests/setup-deps.sh installs isync)".into());
    };
    let dir = tempfile::tempdir().unwrap();
    let (u, p) = bed.user(0);
    // isync 1.5 renamed SSLType to TLSType (1.4.4 on Debian 12 knows only SSLType).
    let tls = if version >= (1, 5) {
        "TLSType"
    } else {
        "SSLType"
    };
    let maildir = dir.path().join("mail");
    std::fs::create_dir_all(&maildir).unwrap();
    let rc = format!(
        "{fsync}IMAPAccount bed\nHost {host}\nPort {port}\nUser {u}\nPass {p}\n{tls} IMAPS\n\
         CertificateFile {ca}\n\nIMAPStore remote\nAccount bed\n\n\
         MaildirStore local\nPath {md}/\nInbox {md}/INBOX\n\n\
         Channel inbox\nFar :remote:INBOX\nNear :local:INBOX\nSync Pull\nCreate Near\n\
         SyncState *\n",
        // A global option: before the first section.
        fsync = if fsync { "" } else { "FSync no\n\n" },
        host = bed.host(),
        port = bed.imaps_port(),
        ca = bed.ca_file().display(),
        md = maildir.display(),
    );
    let rc_path = dir.path().join("mbsyncrc");
    std::fs::write(&rc_path, rc).unwrap();
    let t0 = Instant::now();
    let out = Command::new("mbsync")
        .arg("-c")
        .arg(&rc_path)
        .arg("-q")
        .arg("inbox")
        .output()
        .unwrap();
    let el = t0.elapsed();
    if !out.status.success() {
        return Err(format!(
            "mbsync failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut files = 0;
    for sub in ["cur", "new"] {
        if let Ok(rd) = std::fs::read_dir(maildir.join("INBOX").join(sub)) {
            files += rd.count();
        }
    }
    Ok((el, files))
}

fn bench(n: usize) {
    let bed = TestBed::start();
    let t0 = Instant::now();
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| (1_700_000_000 + i as i64 * 30, realistic(i), i % 3 == 0)),
    );
    let load = t0.elapsed();

    // The limit: the same FETCH read off the wire, no parsing, no storing.
    let mut raw = Raw::connect(&bed);
    let items = tayori::protocol::imap::HEADER_FETCH_ITEMS.replacen("(UID", "(UID MODSEQ", 1);
    // First read with Dovecot's cache cold, then again warm: tayori's sync runs after both,
    // so the fair limit is the warm one.
    let t0 = Instant::now();
    raw.cmd(&format!("f UID FETCH 1:* {items}"));
    let raw_cold = t0.elapsed();
    let t0 = Instant::now();
    let bytes = raw.cmd(&format!("g UID FETCH 1:* {items}"));
    let raw_time = t0.elapsed();

    let data = tempfile::tempdir().unwrap();
    add_account(&bed, data.path());

    let (first, rss) = run_sync(data.path());
    let (resync, _) = run_sync(data.path());
    let mut resyncs: Vec<Duration> = (0..5).map(|_| run_sync(data.path()).0).collect();
    resyncs.push(resync);
    resyncs.sort();

    // Flag change by another client -> line printed by `tayori watch`.
    let mut watch = Command::new(tayori())
        .env("TAYORI_DATA_DIR", data.path())
        .arg("watch")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("online"));
    std::thread::sleep(Duration::from_millis(1500));
    let mut lat = Vec::new();
    for uid in [n as u32 / 2, n as u32 / 3, n as u32 / 4] {
        let t0 = Instant::now();
        raw.cmd(&format!("s UID STORE {uid} +FLAGS.SILENT (\\Flagged)"));
        let want = format!("flags INBOX {uid}");
        for l in lines.by_ref() {
            if l.unwrap().starts_with(&want) {
                break;
            }
        }
        lat.push(t0.elapsed());
    }
    let _ = watch.kill();
    let _ = watch.wait();
    lat.sort();

    // Opening 50 uncached messages one after another through the scheduler's kept session
    // (spread over the folder, none with a body yet), and the LOGINs Dovecot logged meanwhile.
    let opened: Vec<tayori::model::MessageId> = {
        let store = tayori::store::Store::open_dir(data.path()).unwrap();
        let inbox = store
            .folder_by_role(
                tayori::model::AccountId(1),
                tayori::model::FolderRole::Inbox,
            )
            .unwrap()
            .unwrap();
        let step = (n / 50).max(1) as u32;
        (0..50u32)
            .filter_map(|k| {
                store
                    .message_by_uid(inbox.id, tayori::model::Uid(1 + k * step))
                    .unwrap()
                    .map(|m| m.id)
            })
            .collect()
    };
    let (open_median, open_max, open_logins) =
        opens::uncached_opens(&bed, data.path(), tayori::model::AccountId(1), &opened);

    // The body mirror. The limit first: the same bodies read off the wire, twice (the
    // second read, with the server's caches warm, is the fair limit: ours runs after it).
    let t0 = Instant::now();
    raw.cmd("h UID FETCH 1:* BODY.PEEK[]");
    let raw_bodies_cold = t0.elapsed();
    let t0 = Instant::now();
    let body_bytes = raw.cmd("i UID FETCH 1:* BODY.PEEK[]");
    let raw_bodies = t0.elapsed();
    let resync = resyncs[resyncs.len() / 2];
    let (mirror, mirror_dl, mirror_rss) = run_bodies(data.path());
    let body_part = mirror_dl.saturating_sub(resync);
    // Into an empty cache: headers and bodies, what mbsync does too.
    let fresh = tempfile::tempdir().unwrap();
    add_account(&bed, fresh.path());
    let (whole, whole_dl, whole_rss) = run_bodies(fresh.path());
    // mbsync's default (FSync yes) takes minutes at 100k; `TAYORI_BENCH_FSYNC=0` skips it.
    let mbsync = if std::env::var("TAYORI_BENCH_FSYNC").as_deref() == Ok("0") {
        Err("skipped (TAYORI_BENCH_FSYNC=0)".to_string())
    } else {
        mbsync_mirror(&bed, true)
    };
    let mbsync_nofsync = mbsync_mirror(&bed, false);

    println!("messages                         {n}");
    println!(
        "  raw FETCH, server cache cold   {:.3} s",
        raw_cold.as_secs_f64()
    );
    println!(
        "  maildir load (setup)           {:.2} s",
        load.as_secs_f64()
    );
    println!(
        "  raw FETCH off the wire (limit) {:.3} s  ({:.1} MB, server cache warm)",
        raw_time.as_secs_f64(),
        bytes as f64 / 1e6
    );
    println!(
        "  first header sync (tayori)     {:.3} s  = {:.2}x the raw FETCH",
        first.as_secs_f64(),
        first.as_secs_f64() / raw_time.as_secs_f64()
    );
    println!(
        "  no-change resync (median of 6) {:.3} s",
        resyncs[resyncs.len() / 2].as_secs_f64()
    );
    println!(
        "  flag change -> cache (watch)   median {:.0} ms, max {:.0} ms",
        lat[1].as_secs_f64() * 1e3,
        lat[2].as_secs_f64() * 1e3
    );
    println!("  peak RSS of first sync         {rss}");
    println!(
        "  open uncached (kept session)   median {:.1} ms, max {:.1} ms over {} messages; {open_logins} LOGINs meanwhile",
        open_median.as_secs_f64() * 1e3,
        open_max.as_secs_f64() * 1e3,
        opened.len()
    );
    println!(
        "  raw BODY.PEEK[] FETCH, cold    {:.3} s",
        raw_bodies_cold.as_secs_f64()
    );
    println!(
        "  raw BODY.PEEK[] FETCH (limit)  {:.3} s  ({:.1} MB)",
        raw_bodies.as_secs_f64(),
        body_bytes as f64 / 1e6
    );
    println!(
        "  bodies downloaded (after sync) {:.3} s  (= {:.2}x the raw FETCH; process until \
         the download is committed, less the no-change resync)",
        body_part.as_secs_f64(),
        body_part.as_secs_f64() / raw_bodies.as_secs_f64()
    );
    println!(
        "  sync --bodies after sync       {:.3} s  (whole process: resync, download, search \
         indexing {:.3} s)",
        mirror.as_secs_f64(),
        mirror.saturating_sub(mirror_dl).as_secs_f64()
    );
    println!("  peak RSS of sync --bodies      {mirror_rss}");
    println!(
        "  sync --bodies, empty cache     {:.3} s  (headers + bodies downloaded at {:.3} s = \
         {:.2}x the raw body FETCH, then indexed; peak RSS {whole_rss})",
        whole.as_secs_f64(),
        whole_dl.as_secs_f64(),
        whole_dl.as_secs_f64() / raw_bodies.as_secs_f64()
    );
    for (label, m) in [("FSync yes", mbsync), ("FSync no ", mbsync_nofsync)] {
        match m {
            Ok((t, files)) => {
                assert_eq!(files, n, "mbsync mirrored {files} of {n} messages");
                println!(
                    "  mbsync to a Maildir, {label} {:.3} s  = {:.2}x ours downloaded, {:.2}x ours \
                     with indexing",
                    t.as_secs_f64(),
                    t.as_secs_f64() / whole_dl.as_secs_f64(),
                    t.as_secs_f64() / whole.as_secs_f64()
                );
            }
            Err(why) => println!("  mbsync ({label})              not measured: {why}"),
        }
    }
}

/// Developer aid (`TAYORI_BENCH_HOLD=N`): loads N messages, adds the account into
/// target/bench-hold/data after a header sync, writes the bed's address to
/// target/bench-hold/bed, and keeps the bed up until that file is removed, so the body and
/// header paths can be profiled by hand (`perf record ... tayori sync --bodies`).
fn hold(n: usize) {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..n).map(|i| (1_700_000_000 + i as i64 * 30, realistic(i), i % 3 == 0)),
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-hold");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    add_account(&bed, &dir.join("data"));
    run_sync(&dir.join("data"));
    let (u, p) = bed.user(0);
    let flag = dir.join("bed");
    std::fs::write(
        &flag,
        format!(
            "{} {} {u} {p} {}\n",
            bed.host(),
            bed.imaps_port(),
            bed.ca_file().display()
        ),
    )
    .unwrap();
    eprintln!("bed up: {}", flag.display());
    // Each time target/bench-hold/go appears: the raw body FETCH, then `sync --bodies` on a
    // copy of the header-synced data dir, side by side under the same load.
    let data = dir.join("data");
    copy_dir(&data, &dir.join("data0"));
    let mut raw = Raw::connect(&bed);
    while flag.exists() {
        let go = dir.join("go");
        if go.exists() {
            let t0 = Instant::now();
            raw.cmd("i UID FETCH 1:* BODY.PEEK[]");
            let r = t0.elapsed();
            let _ = std::fs::remove_dir_all(&data);
            copy_dir(&dir.join("data0"), &data);
            let (resync, _) = run_sync(&data);
            let _ = std::fs::remove_dir_all(&data);
            copy_dir(&dir.join("data0"), &data);
            let (whole, dl, _) = run_bodies(&data);
            let part = dl.saturating_sub(resync);
            let line = format!(
                "raw {:.3} s, bodies {:.3} s = {:.2}x (process {:.3} s)\n",
                r.as_secs_f64(),
                part.as_secs_f64(),
                part.as_secs_f64() / r.as_secs_f64(),
                whole.as_secs_f64()
            );
            eprint!("{line}");
            std::fs::write(dir.join("result"), line).unwrap();
            let _ = std::fs::remove_file(&go);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn main() {
    if let Some(n) = std::env::var("TAYORI_BENCH_HOLD")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return hold(n);
    }
    let sizes = std::env::var("TAYORI_BENCH_SIZES").unwrap_or_else(|_| "10000,100000".into());
    for n in sizes.split(',').filter_map(|s| s.trim().parse().ok()) {
        bench(n);
    }
}
