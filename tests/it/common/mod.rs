//! Helpers for driving the real `tayori` binary and an independent IMAP client (Python's
//! imaplib) against the test bed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod compare;
pub mod corpus;
pub mod gui;
pub mod window;
pub mod x11;

use crate::support::TestBed;
pub use crate::support::cli_args::{Server, account_add_args};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Tayori {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "failed: stdout={} stderr={}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tayori")
}

/// A cache in `dir` holding only alice's IMAP account (at 127.0.0.1:993) with the folders
/// named, each with its role (the window tests build on it without a server). Returns the
/// store and the folders' ids in the order given.
pub fn local_store(
    dir: &Path,
    folders: &[(&str, tayori::model::FolderRole)],
) -> (tayori::store::Store, Vec<tayori::model::FolderId>) {
    let s = tayori::store::Store::open_dir(dir).unwrap();
    let a = s
        .add_account(&tayori::store::NewAccount::imap(
            "alice@example.test",
            "127.0.0.1",
            993,
            tayori::model::Security::Tls,
        ))
        .unwrap();
    let ids = folders
        .iter()
        .map(|(name, role)| s.upsert_folder(a, name, Some("/"), Some(*role)).unwrap())
        .collect();
    (s, ids)
}

/// Runs `cmd` with `stdin` as its standard input, capturing its output.
pub fn run_piped(mut cmd: Command, stdin: &str) -> Run {
    use std::io::Write;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    Run::of(child.wait_with_output().unwrap())
}

impl Tayori {
    pub fn new() -> Self {
        Tayori {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.arg("--data-dir").arg(self.dir.path()).args(args);
        c.stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd(args).output().unwrap())
    }

    /// Runs tayori with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_piped(self.cmd(args), stdin)
    }

    /// Adds alice's account over IMAPS (or STARTTLS) with a password command; returns the id.
    pub fn add_account(&self, bed: &TestBed, starttls: bool) -> String {
        let (user, pw) = bed.user(0);
        self.add_account_with(bed, starttls, &user, &pw, true)
    }

    /// Adds the account without testing its login first (`--no-test`): for settings meant
    /// to fail later, at sync.
    pub fn add_account_untested(
        &self,
        bed: &TestBed,
        starttls: bool,
        user: &str,
        pw: &str,
        trust_ca: bool,
    ) -> String {
        self.add_account_args(bed, starttls, None, user, pw, trust_ca, &["--no-test"])
    }

    /// Adds alice over IMAPS at `port` (a proxy in front of the bed) with the bed's CA.
    pub fn add_account_via(&self, bed: &TestBed, port: u16) -> String {
        let (user, pw) = bed.user(0);
        self.add_account_args(bed, false, Some(port), &user, &pw, true, &[])
    }

    pub fn add_account_with(
        &self,
        bed: &TestBed,
        starttls: bool,
        user: &str,
        pw: &str,
        trust_ca: bool,
    ) -> String {
        self.add_account_args(bed, starttls, None, user, pw, trust_ca, &[])
    }

    /// `port`: instead of the bed's own (a proxy in front of it).
    #[allow(clippy::too_many_arguments)]
    fn add_account_args(
        &self,
        bed: &TestBed,
        starttls: bool,
        port: Option<u16>,
        user: &str,
        pw: &str,
        trust_ca: bool,
        extra: &[&str],
    ) -> String {
        let port = port.unwrap_or(if starttls {
            bed.imap_port()
        } else {
            bed.imaps_port()
        });
        let server = Server {
            proto: "imap",
            host: bed.host(),
            port,
            starttls,
        };
        let ca = bed.ca_file();
        let mut args = account_add_args(&server, user, pw, trust_ca.then_some(ca.as_path()));
        args.extend(extra.iter().map(|s| s.to_string()));
        self.run_strings(&args).ok().stdout.trim().to_string()
    }

    /// Adds alice's POP3 account over POP3S (with `extra` options); returns the id.
    pub fn add_pop3(&self, bed: &TestBed, extra: &[&str]) -> String {
        let server = Server {
            proto: "pop3",
            host: bed.host(),
            port: bed.pop3s_port(),
            starttls: false,
        };
        let (user, pw) = bed.user(0);
        let mut args = account_add_args(&server, &user, &pw, Some(&bed.ca_file()));
        args.extend(extra.iter().map(|s| s.to_string()));
        self.run_strings(&args).ok().stdout.trim().to_string()
    }

    /// [`Tayori::run`] with owned arguments.
    pub fn run_strings(&self, args: &[String]) -> Run {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    pub fn list(&self, folder: &str) -> Vec<serde_json::Value> {
        let r = self
            .run(&["list", "--folder", folder, "--limit", "100000", "--json"])
            .ok();
        r.json().as_array().cloned().unwrap_or_default()
    }

    pub fn status(&self) -> serde_json::Value {
        self.run(&["status", "--json"]).ok().json()
    }
}

/// Lines a spawned `tayori watch` (stdout piped) prints, as they come.
pub fn watch_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Runs a Python imaplib script as an independent IMAP client. The script gets `M`, a
/// logged-in IMAP4_SSL connection for user 0, and prints its results.
pub fn py_imap(bed: &TestBed, user: usize, body: &str) -> String {
    let (login, pw) = bed.user(user);
    let ca = bed.ca_file();
    crate::support::py_imap_at(bed.host(), bed.imaps_port(), &ca, &login, &pw, body)
}

/// FLAGS of a UID on the server, as Python sees them.
pub fn server_flags(bed: &TestBed, folder: &str, uid: u64) -> String {
    py_imap(
        bed,
        0,
        &format!(
            "M.select('\"{folder}\"')\n\
             typ, data = M.uid('FETCH', '{uid}', '(FLAGS)')\n\
             print(data)"
        ),
    )
}

/// Message count of a folder on the server.
pub fn server_count(bed: &TestBed, folder: &str) -> usize {
    py_imap(
        bed,
        0,
        &format!("typ, data = M.select('\"{folder}\"')\nprint(int(data[0]))"),
    )
    .trim()
    .parse()
    .unwrap()
}

/// A multipart message with a text part and a `att_size`-byte attachment.
pub fn message_with_attachment(subject: &str, text: &str, att_size: usize) -> Vec<u8> {
    use std::fmt::Write;
    let mut b64 = String::new();
    let data: Vec<u8> = (0..att_size).map(|i| (i % 251) as u8).collect();
    let enc = base64_encode(&data);
    for chunk in enc.as_bytes().chunks(76) {
        writeln!(b64, "{}\r", std::str::from_utf8(chunk).unwrap()).unwrap();
    }
    format!(
        "From: Carol <carol@example.test>\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nMessage-ID: <att-{subject}@example.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n\
         --XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\
         --XYZ\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n\
         Content-Disposition: attachment; filename=\"data.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}--XYZ--\r\n"
    )
    .into_bytes()
}

pub fn attachment_bytes(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i % 251) as u8).collect()
}

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

pub fn tmp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// Messages cached in INBOX right now (read through `tayori status`, safe while a sync runs).
pub fn cached_count(t: &Tayori) -> usize {
    let out = t.cmd(&["status", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v["folders"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["folder"] == "INBOX")
                .map(|f| f["cached_total"].as_u64().unwrap_or(0) as usize)
                .sum()
        })
        .unwrap_or(0)
}

/// What the reader worker answers for message `id`, from the cache in `dir`: `show` as the
/// CLI does, or (`reader`) `show_for_reader` as the window's engine does (with the HTML).
pub fn shown_from_cache(
    dir: &Path,
    id: tayori::model::MessageId,
    reader: bool,
) -> Result<tayori::engine::ShownMessage, tayori::engine::Failure> {
    let mut engine = tayori::engine::Engine::new(tayori::store::Store::open_dir(dir).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let shown = match reader {
        true => rt.block_on(engine.show_for_reader(id)),
        false => rt.block_on(engine.show(id)),
    };
    shown.map_err(tayori::engine::Failure::from)
}

/// Runs `app.update(msg)` and then every Task it returned (read-pool queries and whatever
/// they lead to), feeding each output back into `update`, until nothing is left: what the
/// iced runtime does between frames. Widget operations (scrolling, focus) are skipped.
/// Emulates the window's reader worker: the engine over the cache in `dir` opens `id`,
/// and its answer reaches the window as `Event::Shown`.
pub fn deliver(app: &mut tayori::ui::app::App, dir: &Path, id: tayori::model::MessageId) {
    let shown = shown_from_cache(dir, id, false);
    settle(
        app,
        tayori::ui::app::Message::Engine(tayori::engine::Event::Shown(id, shown)),
    );
}

pub fn settle(app: &mut tayori::ui::app::App, msg: tayori::ui::app::Message) {
    let task = app.update(msg);
    drive(app, task);
}

pub fn drive(app: &mut tayori::ui::app::App, task: iced::Task<tayori::ui::app::Message>) {
    use futures::StreamExt;
    let Some(stream) = iced_runtime::task::into_stream(task) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let actions: Vec<_> = rt.block_on(stream.collect());
    for a in actions {
        if let iced_runtime::Action::Output(m) = a {
            let next = app.update(m);
            drive(app, next);
        }
    }
}

/// True when `cmd` is on the PATH.
pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// True when every tool is there; otherwise says the test is skipped (in CI it must not be).
pub fn have_all_or_skip(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have {missing:?} (tests/setup-deps.sh)"
    );
    eprintln!("skipped: {missing:?} missing");
    false
}
