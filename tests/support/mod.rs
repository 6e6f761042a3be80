//! Real mail servers on loopback for tests and benchmarks: Dovecot (IMAP with STARTTLS,
//! IMAPS, POP3 with STLS, POP3S, LMTP) on free ports, with a test CA made by `openssl`, in a
//! temp dir. It installs nothing (tests/setup-deps.sh does) and stops exactly the processes it
//! started (its own process group).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Default)]
pub struct BedOptions {
    /// A server like Courier: no CONDSTORE, QRESYNC, MOVE, SPECIAL-USE, COMPRESS; the
    /// `INBOX.` prefix with `.` as separator.
    pub fallback: bool,
}

pub struct TestBed {
    pub dir: tempfile::TempDir,
    opts: BedOptions,
    ports: [u16; 5],
    child: Option<Child>,
}

const USERS: [(&str, &str); 2] = [("alice", "alice-pw"), ("bob", "bob-pw")];
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A free loopback port never handed out before in this process: the OS may give the same
/// ephemeral port twice once a probe listener is closed, and Dovecot then refuses the config
/// ("duplicate listener").
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The mail user Dovecot runs mail processes as (uid, gid).
fn mail_ids() -> (String, String) {
    if is_root() {
        ("mail".into(), "mail".into())
    } else {
        let u = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
        let g = String::from_utf8(Command::new("id").arg("-gn").output().unwrap().stdout).unwrap();
        (u.trim().into(), g.trim().into())
    }
}

fn make_certs(dir: &Path) {
    let ossl = |args: &[&str]| run(Command::new("openssl").args(args).current_dir(dir));
    ossl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=Tayori Test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    ossl(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n").unwrap();
    ossl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "30",
        "-extfile",
        "ext.cnf",
    ]);
}

fn chown_r(path: &Path, user: &str, group: &str) {
    if is_root() {
        run(Command::new("chown")
            .arg("-R")
            .arg(format!("{user}:{group}"))
            .arg(path));
    }
}

impl TestBed {
    pub fn start() -> TestBed {
        Self::start_with(BedOptions::default())
    }

    pub fn start_with(opts: BedOptions) -> TestBed {
        let dir = tempfile::Builder::new()
            .prefix("tayori-bed")
            .tempdir()
            .unwrap();
        let p = dir.path();
        std::fs::set_permissions(p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        make_certs(p);
        let ports = [
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            free_port(),
        ];
        let (user, group) = mail_ids();
        let mut users = String::new();
        for (u, pw) in USERS {
            users.push_str(&format!("{u}:{{PLAIN}}{pw}::::::\n"));
            std::fs::create_dir_all(p.join("mail").join(u)).unwrap();
        }
        std::fs::write(p.join("users"), users).unwrap();
        chown_r(&p.join("mail"), &user, &group);
        let mut bed = TestBed {
            dir,
            opts,
            ports,
            child: None,
        };
        std::fs::write(bed.conf(), bed.config(&user, &group)).unwrap();
        bed.launch();
        bed
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    fn config(&self, user: &str, group: &str) -> String {
        let d = self.dir.path().display();
        let [imap, imaps, pop3, pop3s, lmtp] = self.ports;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = is_root();
        let (internal, login) = if root {
            ("dovecot".to_string(), "dovenull".to_string())
        } else {
            (user.to_string(), user.to_string())
        };
        let chroot = if root { "" } else { "  chroot =\n" };
        let mailboxes = if self.opts.fallback {
            "  prefix = INBOX.\n  separator = .\n\
             mailbox Drafts {\n auto = subscribe\n }\n mailbox Sent {\n auto = subscribe\n }\n\
             mailbox Trash {\n auto = subscribe\n }\n mailbox Junk {\n auto = subscribe\n }\n\
             mailbox Archive {\n auto = subscribe\n }\n"
        } else {
            "  separator = /\n\
             mailbox Drafts {\n special_use = \\Drafts\n auto = subscribe\n }\n\
             mailbox Sent {\n special_use = \\Sent\n auto = subscribe\n }\n\
             mailbox Trash {\n special_use = \\Trash\n auto = subscribe\n }\n\
             mailbox Junk {\n special_use = \\Junk\n auto = subscribe\n }\n\
             mailbox Archive {\n special_use = \\Archive\n auto = subscribe\n }\n"
        };
        let caps = if self.opts.fallback {
            "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES \
             MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH \
             SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY LITERAL+\n"
        } else {
            ""
        };
        let zlib = if self.opts.fallback { "" } else { "imap_zlib" };
        format!(
            "instance_name = tayori-bed-{pid}-{n}\n\
             base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             listen = 127.0.0.1\nprotocols = imap pop3 lmtp\n\
             ssl = yes\nssl_cert = <{d}/server.crt\nssl_key = <{d}/server.key\n\
             auth_mechanisms = plain login\ndisable_plaintext_auth = yes\nauth_failure_delay = 0\n\
             mail_fsync = never\nmail_location = maildir:~/Maildir\n\
             mail_plugins = $mail_plugins listescape\n\
             default_internal_user = {internal}\ndefault_login_user = {login}\n\
             default_internal_group = {group}\n\
             first_valid_uid = 0\n\
             {caps}\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%n {d}/users\n}}\n\
             userdb {{\n  driver = passwd-file\n  args = username_format=%n {d}/users\n  \
               default_fields = uid={user} gid={group} home={d}/mail/%n\n}}\n\
             namespace inbox {{\n  inbox = yes\n{mailboxes}}}\n\
             protocol imap {{\n  mail_plugins = $mail_plugins {zlib}\n}}\n\
             service imap-login {{\n{chroot}  inet_listener imap {{\n    port = {imap}\n  }}\n  \
               inet_listener imaps {{\n    port = {imaps}\n    ssl = yes\n  }}\n}}\n\
             service pop3-login {{\n{chroot}  inet_listener pop3 {{\n    port = {pop3}\n  }}\n  \
               inet_listener pop3s {{\n    port = {pop3s}\n    ssl = yes\n  }}\n}}\n\
             service lmtp {{\n  inet_listener lmtp {{\n    port = {lmtp}\n  }}\n}}\n\
             service anvil {{\n{chroot}}}\n\
             service auth {{\n  unix_listener auth-client {{\n    mode = 0666\n  }}\n}}\n",
            pid = std::process::id(),
        )
    }

    fn launch(&mut self) {
        use std::os::unix::process::CommandExt;
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(self.conf())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("dovecot not installed? run tests/setup-deps.sh");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        for port in self.ports {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                if Instant::now() > deadline || !self.is_running() {
                    let log = std::fs::read_to_string(self.dir.path().join("dovecot.log"))
                        .unwrap_or_default();
                    let mut err = String::new();
                    if let Some(mut c) = self.child.take() {
                        let _ = c.kill();
                        if let Some(mut e) = c.stderr.take() {
                            use std::io::Read;
                            let _ = e.read_to_string(&mut err);
                        }
                    }
                    panic!("dovecot did not start: {err}\n{log}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    pub fn host(&self) -> &'static str {
        "localhost"
    }
    pub fn imap_port(&self) -> u16 {
        self.ports[0]
    }
    pub fn imaps_port(&self) -> u16 {
        self.ports[1]
    }
    pub fn pop3_port(&self) -> u16 {
        self.ports[2]
    }
    pub fn pop3s_port(&self) -> u16 {
        self.ports[3]
    }
    pub fn lmtp_port(&self) -> u16 {
        self.ports[4]
    }
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
    pub fn user(&self, n: usize) -> (String, String) {
        (USERS[n].0.to_string(), USERS[n].1.to_string())
    }

    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(c) => c.try_wait().map(|s| s.is_none()).unwrap_or(false),
            None => false,
        }
    }

    fn signal_group(&self, sig: &str) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .arg(format!("-{sig}"))
                .arg("--")
                .arg(format!("-{}", c.id()))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }

    fn wait_ports_closed(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self
            .ports
            .iter()
            .any(|p| std::net::TcpStream::connect(("127.0.0.1", *p)).is_ok())
        {
            if Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM to the processes this bed started; waits until its ports are closed.
    pub fn stop(&mut self) {
        self.signal_group("TERM");
        if let Some(mut c) = self.child.take() {
            let _ = c.wait();
        }
        // Children exit right after the master; make sure nothing of ours lingers.
        self.wait_ports_closed();
    }

    /// SIGKILL the whole process group: every open connection drops at once.
    pub fn kill_hard(&mut self) {
        if let Some(c) = &self.child {
            let pid = c.id();
            self.signal_group("KILL");
            let _ = pid;
        }
        if let Some(mut c) = self.child.take() {
            let _ = c.wait();
        }
        self.wait_ports_closed();
    }

    /// Starts again on the same ports with the same data.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "stop() or kill_hard() first");
        let _ = std::fs::remove_file(self.dir.path().join("run/master.pid"));
        self.launch();
    }

    /// Runs doveadm with this bed's config; returns stdout.
    pub fn doveadm(&self, args: &[&str]) -> String {
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(self.conf())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "doveadm {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn maildir(&self, user: usize, folder: &str) -> PathBuf {
        let base = self
            .dir
            .path()
            .join("mail")
            .join(USERS[user].0)
            .join("Maildir");
        let name = folder.strip_prefix("INBOX.").unwrap_or(folder);
        if folder.eq_ignore_ascii_case("INBOX") {
            base
        } else {
            base.join(format!(".{}", name.replace('/', ".")))
        }
    }

    /// Writes messages straight into a Maildir folder (fast), then lets Dovecot index them.
    pub fn load_maildir(
        &self,
        user: usize,
        folder: &str,
        msgs: impl Iterator<Item = (i64, Vec<u8>, bool)>,
    ) -> usize {
        let dir = self.maildir(user, folder);
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let batch = COUNTER.fetch_add(1, Ordering::SeqCst);
        let mut n = 0;
        for (i, (ts, raw, seen)) in msgs.enumerate() {
            let flags = if seen { "S" } else { "" };
            let name = format!(
                "{ts}.M{batch:04}{i:08}P{}.tayori,S={},W={}:2,{flags}",
                std::process::id(),
                raw.len(),
                raw.len()
            );
            let path = dir.join("cur").join(name);
            std::fs::write(&path, &raw).unwrap();
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(ts as u64))
                .unwrap();
            n += 1;
        }
        let (u, g) = mail_ids();
        chown_r(&self.dir.path().join("mail").join(USERS[user].0), &u, &g);
        self.doveadm(&["mailbox", "status", "-u", USERS[user].0, "messages", folder]);
        n
    }

    /// Gives the folder a new UIDVALIDITY (messages stay).
    pub fn set_uidvalidity(&self, user: usize, folder: &str, value: u32) {
        self.doveadm(&[
            "mailbox",
            "update",
            "-u",
            USERS[user].0,
            "--uid-validity",
            &value.to_string(),
            folder,
        ]);
    }
}

impl Drop for TestBed {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.kill_hard();
        }
    }
}

/// A simple valid message with CRLF line ends.
pub fn make_message(i: usize, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Sender {i} <sender{i}@example.test>\r\nTo: Alice <alice@example.test>\r\n\
         Subject: {subject}\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <{i}.bench@example.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}
