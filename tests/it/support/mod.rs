//! Real mail servers on loopback for integration tests and benchmarks.
//!
//! Each [`TestBed`] runs its own Dovecot (IMAP with STARTTLS, IMAPS, POP3 with STLS, POP3S,
//! LMTP) and, with `smtp`, an SMTP submission server (Postfix as root; Dovecot submission
//! relaying through a tiny aiosmtpd script otherwise), all delivering into the same
//! mailboxes. Servers use a certificate from a per-bed test CA ([`TestBed::ca_file`]), free
//! ports, and a temp dir; beds run in parallel on test threads. A bed stops exactly the
//! processes it started (a watchdog kills them if the test process dies). It installs
//! nothing: tests/setup-deps.sh does.
//!
//! Passwords work only over TLS. Dovecot counts loopback as secure, so before STARTTLS it
//! still offers AUTH=PLAIN (no LOGINDISABLED), but the bed answers NO (POP3: -ERR) with a
//! reason mentioning TLS to any login that did not come over TLS. Each wrong password costs
//! ~0.5 s (Dovecot's failure flush); there is no growing penalty.
//!
//! Used as `mod support;` by tests and `#[path = "../tests/it/support/mod.rs"] mod support;`
//! by benches.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

mod certs;
pub mod cli_args;
pub mod compat;
mod compat_courier;
mod compat_cyrus;
mod config;
pub mod fake_imap;
pub mod keyring;
mod oauth2;
mod process;
pub mod proxy;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use process::free_port;
use process::{Proc, port_open, run, stop_all, tail};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BedOptions {
    /// A Courier-like server: no CONDSTORE, QRESYNC, MOVE, SPECIAL-USE, COMPRESS; the
    /// `INBOX.` prefix with `.` as separator; folders without special-use flags.
    pub fallback: bool,
    /// Also run SMTP submission (STARTTLS + AUTH) and submissions (implicit TLS).
    pub smtp: bool,
    /// A bare IMAP4rev1 server (`imap_capability = IMAP4rev1`): no UIDPLUS, MOVE,
    /// CONDSTORE, QRESYNC, IDLE, SPECIAL-USE, COMPRESS advertised after login.
    pub rev1: bool,
    /// With `fallback`: no UIDPLUS either (no COPYUID, APPENDUID, UID EXPUNGE).
    pub no_uidplus: bool,
    /// IMAP METADATA (RFC 5464): server-level private entries kept in a file dict.
    pub metadata: bool,
    /// The quota plugin with this STORAGE limit in KiB (GETQUOTAROOT, RFC 9208).
    pub quota_kib: Option<u32>,
    /// OAuth2 too: Dovecot's `oauth2` passdb (XOAUTH2, OAUTHBEARER; IMAP, POP3 and SMTP
    /// through Postfix SASL or Dovecot submission) validating the tokens of a local
    /// authorization server (see `oauth2.rs`). Logins are `<login>@example.test` there.
    pub oauth2: bool,
    /// With `oauth2`: advertise OAUTHBEARER but not XOAUTH2.
    pub oauthbearer_only: bool,
}

/// Logins and passwords; addresses are `<login>@example.test`.
const USERS: [(&str, &str); 3] = [
    ("alice", "alice-pw"),
    ("bob", "bob-pw"),
    ("carol", "carol-pw"),
];

static COUNTER: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone, Copy, Default)]
struct Ports {
    imap: u16,
    imaps: u16,
    pop3: u16,
    pop3s: u16,
    lmtp: u16,
    submission: u16,
    submissions: u16,
    /// The aiosmtpd relay behind Dovecot submission (not root only).
    relay: u16,
    /// The OAuth2 authorization server (with `oauth2`).
    oauth: u16,
}

/// Everything the config files are made from.
struct Setup {
    dir: PathBuf,
    ports: Ports,
    opts: BedOptions,
    root: bool,
    mail_user: String,
    mail_group: String,
    mail_uid: u32,
    mail_gid: u32,
    instance: String,
}

impl Setup {
    fn dovecot_submission(&self) -> bool {
        self.opts.smtp && !self.root
    }
    fn postfix(&self) -> bool {
        self.opts.smtp && self.root
    }
    /// Ports that must accept connections once the bed is up.
    fn listening(&self) -> Vec<u16> {
        let p = &self.ports;
        let mut v = vec![p.imap, p.imaps, p.pop3, p.pop3s, p.lmtp];
        if self.opts.smtp {
            v.extend([p.submission, p.submissions]);
        }
        if self.dovecot_submission() {
            v.push(p.relay);
        }
        v
    }
    /// Ports served by Dovecot (and the relay behind its submission service).
    fn dovecot_ports(&self) -> Vec<u16> {
        let mut v = self.listening();
        if self.postfix() {
            v.truncate(5);
        }
        v
    }
    fn conf(&self) -> PathBuf {
        self.dir.join("dovecot.conf")
    }
    fn pf_dir(&self) -> PathBuf {
        self.dir.join("postfix")
    }
}

pub struct TestBed {
    /// The bed's temp dir (configs, certificates, logs, `mail/<login>/Maildir`).
    pub dir: PathBuf,
    setup: Setup,
    procs: Vec<Proc>,
    _tmp: tempfile::TempDir,
}

impl TestBed {
    pub fn start() -> TestBed {
        Self::start_with(BedOptions::default())
    }

    pub fn start_with(opts: BedOptions) -> TestBed {
        let root = std::fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        // Short paths (unix sockets live under it) that the mail users can traverse.
        let parent = match std::env::temp_dir() {
            t if !root && t.as_os_str().len() <= 40 => t,
            _ => PathBuf::from("/tmp"),
        };
        let tmp = tempfile::Builder::new()
            .prefix("tayori-bed-")
            .tempdir_in(parent)
            .unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        certs::make_certs(&dir);
        let (mail_user, mail_group, mail_uid, mail_gid) = if root {
            let (uid, gid) = config::passwd_ids("mail");
            ("mail".to_string(), "mail".to_string(), uid, gid)
        } else {
            let id = |a: &str| run(Command::new("id").arg(a)).trim().to_string();
            let (uid, gid) = (id("-u").parse().unwrap(), id("-g").parse().unwrap());
            (id("-un"), id("-gn"), uid, gid)
        };
        let mut users = String::new();
        for (u, pw) in USERS {
            users.push_str(&format!("{u}:{{PLAIN}}{pw}::::::\n"));
            let home = dir.join("mail").join(u);
            std::fs::create_dir_all(&home).unwrap();
            chown(&home, root, mail_uid, mail_gid);
        }
        chown(&dir.join("mail"), root, mail_uid, mail_gid);
        std::fs::create_dir(dir.join("passdb")).unwrap();
        for (name, allowed) in config::PASSDB_FILES {
            let text = if allowed {
                users.clone()
            } else {
                users.replace("::::::\n", &format!("::::::{}\n", config::NO_TLS_FIELDS))
            };
            std::fs::write(dir.join("passdb").join(name), text).unwrap();
        }
        std::fs::write(dir.join("users"), users).unwrap();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let mut bed = TestBed {
            dir: dir.clone(),
            setup: Setup {
                dir,
                ports: Ports::default(),
                opts,
                root,
                mail_user,
                mail_group,
                mail_uid,
                mail_gid,
                instance: format!("tayori-bed-{}-{n}", std::process::id()),
            },
            procs: Vec::new(),
            _tmp: tmp,
        };
        // A port can be taken by another process between choosing and binding: retry.
        for attempt in 0.. {
            bed.setup.ports = Ports {
                imap: free_port(),
                imaps: free_port(),
                pop3: free_port(),
                pop3s: free_port(),
                lmtp: free_port(),
                submission: if opts.smtp { free_port() } else { 0 },
                submissions: if opts.smtp { free_port() } else { 0 },
                relay: if opts.smtp && !root { free_port() } else { 0 },
                oauth: if opts.oauth2 { free_port() } else { 0 },
            };
            bed.write_configs();
            match bed.launch() {
                Ok(()) => break,
                Err(e) if attempt < 2 && e.contains("in use") => continue,
                Err(e) => panic!("test bed did not start: {e}"),
            }
        }
        bed
    }

    fn write_configs(&self) {
        let s = &self.setup;
        std::fs::write(s.conf(), config::dovecot(s)).unwrap();
        if s.opts.oauth2 {
            std::fs::write(
                s.dir.join("dovecot-oauth2.conf.ext"),
                oauth2::dovecot_ext(s),
            )
            .unwrap();
        }
        if s.dovecot_submission() {
            std::fs::write(s.dir.join("relay.py"), config::RELAY_PY).unwrap();
        }
        if s.postfix() {
            let pf = s.pf_dir();
            std::fs::create_dir_all(&pf).unwrap();
            std::fs::write(pf.join("main.cf"), config::postfix_main(s)).unwrap();
            std::fs::write(pf.join("master.cf"), config::postfix_master(s)).unwrap();
            // Postfix ignores a main.cf modified within the last seconds: backdate it.
            let old = std::time::SystemTime::now() - Duration::from_secs(60);
            for f in ["main.cf", "master.cf"] {
                let f = std::fs::File::options()
                    .write(true)
                    .open(pf.join(f))
                    .unwrap();
                f.set_modified(old).unwrap();
            }
            config::make_postfix_dirs(s);
        }
    }

    /// Starts the servers and waits until every port accepts connections.
    fn launch(&mut self) -> Result<(), String> {
        let s = &self.setup;
        let d = &s.dir;
        // Left behind by kill_hard; a reused pid in it would stop Dovecot from starting.
        let _ = std::fs::remove_file(d.join("run/master.pid"));
        let _ = std::fs::remove_file(d.join("pf-queue/pid/master.pid"));
        let mut procs = Vec::new();
        if s.opts.oauth2 {
            // First: it writes the signing key Dovecot reads.
            procs.push(oauth2::spawn(s)?);
        }
        procs.push(Proc::spawn(
            "dovecot",
            Command::new("dovecot").arg("-F").arg("-c").arg(s.conf()),
            true,
            &d.join("dovecot.stderr"),
            Some(d),
        ));
        if s.dovecot_submission() {
            let py = if Path::new("/usr/bin/python3").exists() {
                "/usr/bin/python3"
            } else {
                "python3"
            };
            procs.push(Proc::spawn(
                "relay",
                Command::new(py)
                    .arg(d.join("relay.py"))
                    .arg(s.ports.relay.to_string())
                    .arg(s.ports.lmtp.to_string()),
                true,
                &d.join("relay.stderr"),
                None,
            ));
        }
        let mut result = wait_ports(&procs, &s.dovecot_ports());
        if result.is_ok() && s.postfix() {
            // -d: stay in the foreground, keep stderr (config errors), no setsid().
            procs.push(Proc::spawn(
                "postfix",
                Command::new("/usr/lib/postfix/sbin/master")
                    .arg("-d")
                    .arg("-c")
                    .arg(s.pf_dir()),
                true,
                &d.join("postfix.stderr"),
                None,
            ));
            let smtp = [s.ports.submission, s.ports.submissions];
            result = wait_ports(&procs, &smtp).and_then(|()| {
                match process::greeting(s.ports.submission) {
                    Ok(g) if g.starts_with("220") => Ok(()),
                    Ok(g) => Err(format!("submission greeting: {g:?}")),
                    Err(e) => Err(format!("submission greeting: {e}")),
                }
            });
        }
        match result {
            Ok(()) => {
                self.procs = procs;
                Ok(())
            }
            Err(e) => {
                stop_all(procs, true, Duration::from_secs(2), &[]);
                let mut msg = e;
                for f in [
                    "dovecot.stderr",
                    "dovecot.log",
                    "relay.stderr",
                    "postfix.stderr",
                    "postfix.log",
                ] {
                    let t = tail(&d.join(f), 30);
                    if !t.is_empty() {
                        msg.push_str(&format!("\n--- {f}:\n{t}"));
                    }
                }
                Err(msg)
            }
        }
    }

    pub fn host(&self) -> &'static str {
        "localhost"
    }
    pub fn imap_port(&self) -> u16 {
        self.setup.ports.imap
    }
    pub fn imaps_port(&self) -> u16 {
        self.setup.ports.imaps
    }
    pub fn pop3_port(&self) -> u16 {
        self.setup.ports.pop3
    }
    pub fn pop3s_port(&self) -> u16 {
        self.setup.ports.pop3s
    }
    pub fn lmtp_port(&self) -> u16 {
        self.setup.ports.lmtp
    }
    /// SMTP submission: STARTTLS required before AUTH. Needs `BedOptions { smtp: true, .. }`.
    pub fn submission_port(&self) -> u16 {
        assert!(
            self.setup.opts.smtp,
            "start the bed with BedOptions {{ smtp: true, .. }}"
        );
        self.setup.ports.submission
    }
    /// SMTP submission over implicit TLS. Needs `BedOptions { smtp: true, .. }`.
    pub fn submissions_port(&self) -> u16 {
        assert!(
            self.setup.opts.smtp,
            "start the bed with BedOptions {{ smtp: true, .. }}"
        );
        self.setup.ports.submissions
    }
    /// PEM of the bed's test CA (the servers' certificate is signed by it).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    /// (login, password) of user `n`: 0 alice, 1 bob, 2 carol (`<login>@example.test`).
    pub fn user(&self, n: usize) -> (String, String) {
        (USERS[n].0.to_string(), USERS[n].1.to_string())
    }

    /// Gives user `n` a password of its own for SMTP (Postfix SASL and Dovecot submission),
    /// as providers with a separate sending password do; IMAP and POP3 keep theirs. Dovecot
    /// reads the password files at each login, so it applies at once.
    pub fn set_smtp_password(&self, n: usize, pw: &str) {
        let (login, _) = USERS[n];
        for name in ["smtp-secured", "submission-TLS"] {
            let path = self.dir.join("passdb").join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            let prefix = format!("{login}:{{PLAIN}}");
            let new: String = text
                .lines()
                .map(|l| match l.strip_prefix(&prefix) {
                    Some(rest) => {
                        let fields = rest.split_once(':').map_or("", |(_, f)| f);
                        format!("{prefix}{pw}:{fields}\n")
                    }
                    None => format!("{l}\n"),
                })
                .collect();
            // Dovecot re-reads a passwd-file when its mtime or size changes: a new file with
            // an mtime later than any before, so a change within the same second is seen too.
            static BUMP: AtomicUsize = AtomicUsize::new(1);
            let tmp = path.with_extension("new");
            std::fs::write(&tmp, new).unwrap();
            let later = std::time::SystemTime::now()
                + Duration::from_secs(BUMP.fetch_add(1, Ordering::SeqCst) as u64);
            std::fs::File::options()
                .write(true)
                .open(&tmp)
                .unwrap()
                .set_modified(later)
                .unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        }
        // It also looks at the file at most once per second of its clock: an auth in the
        // same second as the last one would still see the old password.
        std::thread::sleep(Duration::from_millis(1100));
    }

    /// IMAP logins Dovecot has logged so far (its log says "imap-login: Login:" for each).
    pub fn imap_logins(&self) -> usize {
        std::fs::read_to_string(self.dir.join("dovecot.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("imap-login: Login:") || l.contains("imap-login: Info: Login:"))
            .count()
    }

    /// True while every server process of the bed is up.
    pub fn is_running(&self) -> bool {
        !self.procs.is_empty() && self.procs.iter().all(Proc::alive)
    }

    /// SIGTERM to the processes this bed started; returns once its ports are closed.
    pub fn stop(&mut self) {
        let ports = self.setup.listening();
        let procs = std::mem::take(&mut self.procs);
        stop_all(procs, false, Duration::from_secs(10), &ports);
    }

    /// SIGKILL to Dovecot (and the SMTP server) with all their children: every connection
    /// drops at once, as in a crash.
    pub fn kill_hard(&mut self) {
        let ports = self.setup.listening();
        let procs = std::mem::take(&mut self.procs);
        stop_all(procs, true, Duration::from_secs(5), &ports);
    }

    /// Starts again on the same ports with the same data (stops first if running).
    pub fn restart(&mut self) {
        if !self.procs.is_empty() {
            self.stop();
        }
        if let Err(e) = self.launch() {
            panic!("test bed did not restart: {e}");
        }
    }

    /// Runs doveadm with this bed's config; returns stdout, panics with stderr on failure.
    pub fn doveadm(&self, args: &[&str]) -> String {
        run(Command::new("doveadm")
            .arg("-c")
            .arg(self.setup.conf())
            .args(args))
    }

    /// The Maildir directory of `folder` (as the server names it), created if missing.
    fn folder_dir(&self, login: &str, folder: &str) -> PathBuf {
        let s = &self.setup;
        let dir = if folder.eq_ignore_ascii_case("INBOX") {
            s.dir.join("mail").join(login).join("Maildir")
        } else {
            let path = self.doveadm(&["mailbox", "path", "-u", login, folder]);
            let dir = PathBuf::from(path.trim());
            if !dir.join("cur").exists() {
                let out = Command::new("doveadm")
                    .arg("-c")
                    .arg(s.conf())
                    .args(["mailbox", "create", "-s", "-u", login, folder])
                    .output()
                    .unwrap();
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(
                    out.status.success() || err.contains("exists"),
                    "create {folder}: {err}"
                );
            }
            dir
        };
        for sub in ["", "cur", "new", "tmp"] {
            let p = dir.join(sub);
            if !p.exists() {
                std::fs::create_dir_all(&p).unwrap();
                chown(&p, s.root, s.mail_uid, s.mail_gid);
            }
        }
        dir
    }

    /// Writes messages straight into a Maildir folder ("INBOX", "Archive"; in fallback mode
    /// the name the server shows, e.g. "INBOX.Archive"), then has Dovecot index them once.
    /// UIDs follow the timestamps (then the order given); `seen` sets \Seen. Returns the count.
    pub fn load_maildir(
        &self,
        user: usize,
        folder: &str,
        msgs: impl Iterator<Item = (i64, Vec<u8>, bool)>,
    ) -> usize {
        let s = &self.setup;
        let login = USERS[user].0;
        let cur = self.folder_dir(login, folder).join("cur");
        let batch = COUNTER.fetch_add(1, Ordering::SeqCst);
        let pid = std::process::id();
        let mut n = 0;
        // File creation is latency-bound here (VMs): a few writer threads make it ~4x faster.
        let (tx, rx) = std::sync::mpsc::sync_channel::<(PathBuf, i64, Vec<u8>)>(64);
        let rx = std::sync::Mutex::new(rx);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    loop {
                        let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((path, ts, raw)) = job else { break };
                        write_message(&path, ts, &raw, s);
                    }
                });
            }
            for (i, (ts, raw, seen)) in msgs.enumerate() {
                let name = format!(
                    "{ts}.M{i}P{pid}Q{batch}.tayori,S={},W={}:2,{}",
                    raw.len(),
                    crlf_size(&raw),
                    if seen { "S" } else { "" }
                );
                tx.send((cur.join(name), ts, raw)).unwrap();
                n += 1;
            }
            drop(tx);
        });
        self.doveadm(&["mailbox", "status", "-u", login, "messages", folder]);
        n
    }

    /// Loads `n` simple unread messages into alice's `folder`: subjects `{prefix}0`.., one a
    /// minute apart (so UIDs follow), Message-IDs `<i.bench@example.test>`.
    pub fn load_numbered(&self, folder: &str, n: usize, prefix: &str) -> usize {
        self.load_maildir(
            0,
            folder,
            (0..n).map(|i| {
                (
                    1_700_000_000 + i as i64 * 60,
                    make_message(i, &format!("{prefix}{i}"), "b"),
                    false,
                )
            }),
        )
    }

    /// Gives `folder` a new UIDVALIDITY; messages stay (with the same UIDs).
    pub fn set_uidvalidity(&self, user: usize, folder: &str, value: u32) {
        let v = value.to_string();
        let login = USERS[user].0;
        self.doveadm(&[
            "mailbox",
            "update",
            "-u",
            login,
            "--uid-validity",
            &v,
            folder,
        ]);
    }
}

impl Drop for TestBed {
    fn drop(&mut self) {
        let ports = self.setup.listening();
        let procs = std::mem::take(&mut self.procs);
        stop_all(procs, true, Duration::from_secs(2), &ports);
    }
}

/// Waits (max 10 s) until every port accepts connections; fails early if a process died.
fn wait_ports(procs: &[Proc], ports: &[u16]) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    for &port in ports {
        while !port_open(port) {
            if let Some(p) = procs.iter().find(|p| !p.alive()) {
                return Err(format!("{} exited before port {port} was open", p.name));
            }
            if Instant::now() > deadline {
                return Err(format!("port {port} not open after 10 s"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    Ok(())
}

/// One Maildir file owned by the mail user, its mtime (Dovecot's INTERNALDATE) set to `ts`.
fn write_message(path: &Path, ts: i64, raw: &[u8], s: &Setup) {
    let f = std::fs::File::create(path).unwrap();
    std::io::Write::write_all(&mut &f, raw).unwrap();
    let t = std::time::UNIX_EPOCH + Duration::from_secs(ts.max(0) as u64);
    f.set_modified(t).unwrap();
    drop(f);
    chown(path, s.root, s.mail_uid, s.mail_gid);
}

/// Size of the message with every line end as CRLF (Maildir `W=`).
fn crlf_size(raw: &[u8]) -> usize {
    let bare_lf = raw
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' && (i == 0 || raw[i - 1] != b'\r'))
        .count();
    raw.len() + bare_lf
}

fn chown(path: &Path, root: bool, uid: u32, gid: u32) {
    if root {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    }
}

/// Runs a Python imaplib script as another IMAP client: `M` is a logged-in IMAP4_SSL
/// connection to `host:port` (trusting `ca`); returns what it prints, panics on failure.
pub fn py_imap_at(host: &str, port: u16, ca: &Path, login: &str, pw: &str, body: &str) -> String {
    let script = format!(
        "import imaplib, ssl, sys\n\
         ctx = ssl.create_default_context(cafile={ca:?})\n\
         M = imaplib.IMAP4_SSL({host:?}, {port}, ssl_context=ctx)\n\
         M.login({login:?}, {pw:?})\n\
         {body}\n\
         M.logout()\n",
        ca = ca.display().to_string(),
    );
    // Panics with Python's stderr and the script.
    run(Command::new("python3").arg("-c").arg(&script))
}

/// Spawns a small server (`cmd`, stdout piped) that prints the port it listens on as its
/// first line; returns it with that port.
pub fn spawn_printing_port(cmd: &mut Command) -> (std::process::Child, u16) {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port = line.trim().parse().unwrap();
    (child, port)
}

/// python3's http.server on 127.0.0.1 (a port the system picks) serving `root`, wrapped in
/// TLS with `tls` = (certificate, key) when given; returns it with its port.
pub fn web_server(root: &Path, tls: Option<(&Path, &Path)>) -> (std::process::Child, u16) {
    let script = "import http.server, ssl, functools, sys\n\
        h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n\
        s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), h)\n\
        if len(sys.argv) > 2:\n\
        \x20   c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
        \x20   c.load_cert_chain(sys.argv[2], sys.argv[3])\n\
        \x20   s.socket = c.wrap_socket(s.socket, server_side=True)\n\
        print(s.server_address[1], flush=True)\n\
        s.serve_forever()\n";
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(script).arg(root);
    if let Some((crt, key)) = tls {
        cmd.arg(crt).arg(key);
    }
    spawn_printing_port(&mut cmd)
}

/// A simple valid message with CRLF line ends, Message-ID `<i.bench@example.test>`.
pub fn make_message(i: usize, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Sender {i} <sender{i}@example.test>\r\nTo: Alice <alice@example.test>\r\n\
         Subject: {subject}\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <{i}.bench@example.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        body = body.replace("\r\n", "\n").replace('\n', "\r\n")
    )
    .into_bytes()
}
