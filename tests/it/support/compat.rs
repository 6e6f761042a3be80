//! The compatibility suite's servers beside Dovecot: Cyrus IMAP 3.6 (imapd + pop3d),
//! Courier-IMAP 5 (imapd + pop3d) and a Dovecot that advertises only IMAP4rev1. Each runs in
//! its own temp dir on free loopback ports (IMAP with STARTTLS, IMAPS, POP3 with STLS,
//! POP3S) with a certificate from a per-server test CA, and is stopped by process group.
//!
//! Cyrus and Courier come from tests/compat-servers.sh (Debian packages unpacked into a
//! cache folder, see [`package_root`]); both have one user, alice (`alice-pw`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::process::{Proc, stop_all, tail};
use super::{BedOptions, TestBed, certs, free_port, wait_ports};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cyrus,
    Courier,
    /// Dovecot with `imap_capability = IMAP4rev1`.
    Rev1,
    /// Courier advertising AUTH=LOGIN and no AUTH=PLAIN after TLS, as docomo's IMAP
    /// server does (Dovecot cannot: its LOGIN command needs the PLAIN mechanism).
    CourierLoginOnly,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Ports {
    pub imap: u16,
    pub imaps: u16,
    pub pop3: u16,
    pub pop3s: u16,
}

pub struct CompatServer {
    pub kind: Kind,
    /// The server's temp dir (configs, certificates, logs, mail).
    pub dir: PathBuf,
    ports: Ports,
    procs: Vec<Proc>,
    bed: Option<TestBed>,
    _tmp: Option<tempfile::TempDir>,
}

/// What a server's launcher gets: its dir, ports, the unpacked packages, who owns the mail.
pub struct Launch<'a> {
    pub dir: &'a Path,
    pub ports: Ports,
    pub pkgs: &'a Path,
    pub root: bool,
    pub user: &'a str,
    pub uid: u32,
    pub gid: u32,
}

impl Launch<'_> {
    /// LD_LIBRARY_PATH for the unpacked packages' own libraries.
    pub fn lib_path(&self) -> String {
        [
            "usr/lib/x86_64-linux-gnu",
            "lib/x86_64-linux-gnu",
            "usr/lib",
        ]
        .iter()
        .map(|p| self.pkgs.join(p).display().to_string())
        .collect::<Vec<_>>()
        .join(":")
    }
}

pub const LOGIN: &str = "alice";
pub const PASSWORD: &str = "alice-pw";

/// Where tests/compat-servers.sh unpacked the packages.
pub fn package_root() -> PathBuf {
    let root = is_root();
    let base = match std::env::var_os("TAYORI_COMPAT_DIR") {
        Some(d) => PathBuf::from(d),
        None if root => PathBuf::from("/var/cache/tayori-compat"),
        None => std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(|| PathBuf::from("/tmp"))
            .join("tayori-compat"),
    };
    let pkgs = base.join("root");
    assert!(
        pkgs.join("usr/sbin/cyrmaster").exists(),
        "Cyrus/Courier are not unpacked in {}: run tests/setup-deps.sh (or tests/compat-servers.sh)",
        pkgs.display()
    );
    pkgs
}

pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

impl CompatServer {
    pub fn start(kind: Kind) -> CompatServer {
        if kind == Kind::Rev1 {
            let bed = TestBed::start_with(BedOptions {
                rev1: true,
                ..BedOptions::default()
            });
            return CompatServer {
                kind,
                dir: bed.dir.clone(),
                ports: Ports {
                    imap: bed.imap_port(),
                    imaps: bed.imaps_port(),
                    pop3: bed.pop3_port(),
                    pop3s: bed.pop3s_port(),
                },
                procs: Vec::new(),
                bed: Some(bed),
                _tmp: None,
            };
        }
        let pkgs = package_root();
        let root = is_root();
        let tmp = tempfile::Builder::new()
            .prefix(match kind {
                Kind::Cyrus => "tayori-cyrus-",
                _ => "tayori-courier-",
            })
            .tempdir_in("/tmp")
            .unwrap();
        let dir = tmp.path().to_path_buf();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        certs::make_certs(&dir);
        let (user, uid, gid) = if root {
            let (uid, gid) = super::config::passwd_ids("mail");
            ("mail".to_string(), uid, gid)
        } else {
            let id = |a: &str| {
                super::process::run(Command::new("id").arg(a))
                    .trim()
                    .to_string()
            };
            (
                id("-un"),
                id("-u").parse().unwrap(),
                id("-g").parse().unwrap(),
            )
        };
        let mut last = String::new();
        for _attempt in 0..3 {
            let ports = Ports {
                imap: free_port(),
                imaps: free_port(),
                pop3: free_port(),
                pop3s: free_port(),
            };
            let l = Launch {
                dir: &dir,
                ports,
                pkgs: &pkgs,
                root,
                user: &user,
                uid,
                gid,
            };
            let procs = match kind {
                Kind::Cyrus => super::compat_cyrus::launch(&l),
                _ => super::compat_courier::launch(&l, kind == Kind::CourierLoginOnly),
            };
            let all = [ports.imap, ports.imaps, ports.pop3, ports.pop3s];
            match wait_ports(&procs, &all) {
                Ok(()) => {
                    return CompatServer {
                        kind,
                        dir,
                        ports,
                        procs,
                        bed: None,
                        _tmp: Some(tmp),
                    };
                }
                Err(e) => {
                    stop_all(procs, true, Duration::from_secs(2), &all);
                    last = e;
                    for f in ["server.stderr", "cyrus.log"] {
                        let t = tail(&dir.join(f), 30);
                        if !t.is_empty() {
                            last.push_str(&format!("\n--- {f}:\n{t}"));
                        }
                    }
                }
            }
        }
        panic!("{kind:?} did not start: {last}");
    }

    pub fn host(&self) -> &'static str {
        "localhost"
    }
    pub fn imap_port(&self) -> u16 {
        self.ports.imap
    }
    pub fn imaps_port(&self) -> u16 {
        self.ports.imaps
    }
    pub fn pop3_port(&self) -> u16 {
        self.ports.pop3
    }
    pub fn pop3s_port(&self) -> u16 {
        self.ports.pop3s
    }
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    /// (login, password) of the one user.
    pub fn user(&self) -> (String, String) {
        match &self.bed {
            Some(bed) => bed.user(0),
            None => (LOGIN.to_string(), PASSWORD.to_string()),
        }
    }
    /// The server's name of a folder: Courier keeps everything under `INBOX.`.
    pub fn folder(&self, name: &str) -> String {
        match self.kind {
            Kind::Courier | Kind::CourierLoginOnly if !name.eq_ignore_ascii_case("INBOX") => {
                format!("INBOX.{name}")
            }
            _ => name.to_string(),
        }
    }
    /// Separator of folder levels on this server.
    pub fn separator(&self) -> char {
        match self.kind {
            Kind::Courier | Kind::CourierLoginOnly => '.',
            _ => '/',
        }
    }

    /// Runs a Python imaplib script as another device: `M` is a logged-in IMAP4_SSL
    /// connection; returns what it prints.
    pub fn py_imap(&self, body: &str) -> String {
        let (login, pw) = self.user();
        let ca = self.ca_file();
        super::py_imap_at(self.host(), self.imaps_port(), &ca, &login, &pw, body)
    }

    /// APPENDs a message to `folder` (the server's name) as another device.
    pub fn append(&self, folder: &str, raw: &[u8], flags: &str) {
        let path = self.dir.join(format!(
            "append-{}.eml",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::write(&path, raw).unwrap();
        let r = self.py_imap(&format!(
            "typ, d = M.append('\"{folder}\"', {flags:?} or None, None, open({p:?}, 'rb').read())\n\
             print(typ, d)",
            p = path.display().to_string()
        ));
        assert!(r.starts_with("OK"), "APPEND to {folder}: {r}");
        let _ = std::fs::remove_file(path);
    }

    /// FLAGS of `uid` in `folder`, as another client sees them.
    pub fn flags(&self, folder: &str, uid: u64) -> String {
        self.py_imap(&format!(
            "M.select('\"{folder}\"')\n\
             typ, data = M.uid('FETCH', '{uid}', '(FLAGS)')\n\
             print(data)"
        ))
    }

    /// UIDs in `folder` (every message, \Deleted or not).
    pub fn uids(&self, folder: &str) -> Vec<u64> {
        self.search(folder, "ALL")
    }

    /// UIDs in `folder` matching a SEARCH `criteria` ("UNDELETED").
    pub fn search(&self, folder: &str, criteria: &str) -> Vec<u64> {
        let out = self.py_imap(&format!(
            "M.select('\"{folder}\"')\n\
             typ, data = M.uid('SEARCH', None, '{criteria}')\n\
             print(data[0].decode())"
        ));
        out.split_whitespace()
            .filter_map(|s| s.parse().ok())
            .collect()
    }

    /// `account add` arguments for an IMAP (`pop3`: POP3) account on this server, STARTTLS
    /// or implicit TLS, its CA trusted or not.
    pub fn account_args(&self, pop3: bool, starttls: bool, pw: &str, trust: bool) -> Vec<String> {
        let port = match (pop3, starttls) {
            (false, true) => self.imap_port(),
            (false, false) => self.imaps_port(),
            (true, true) => self.pop3_port(),
            (true, false) => self.pop3s_port(),
        };
        self.account_args_at(pop3, port, starttls, pw, trust)
    }

    /// [`CompatServer::account_args`] for any `port` (a wrong one, to test mismatches).
    pub fn account_args_at(
        &self,
        pop3: bool,
        port: u16,
        starttls: bool,
        pw: &str,
        trust: bool,
    ) -> Vec<String> {
        let server = super::cli_args::Server {
            proto: if pop3 { "pop3" } else { "imap" },
            host: self.host(),
            port,
            starttls,
        };
        let ca = self.ca_file();
        let (user, _) = self.user();
        super::cli_args::account_add_args(&server, &user, pw, trust.then_some(ca.as_path()))
    }
}

impl Drop for CompatServer {
    fn drop(&mut self) {
        let p = self.ports;
        let procs = std::mem::take(&mut self.procs);
        stop_all(
            procs,
            true,
            Duration::from_secs(2),
            &[p.imap, p.imaps, p.pop3, p.pop3s],
        );
    }
}
