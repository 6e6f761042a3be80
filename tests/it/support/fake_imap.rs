//! A scriptable misbehaving IMAP server over TLS (certificate from its own test CA): it
//! answers like a minimal server until its script says to misbehave: go silent after the
//! greeting, after AUTHENTICATE, or in the middle of a literal; send an endless line; or
//! announce a huge literal. It records every line the client sent.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehave {
    /// Greets, then never answers.
    SilentAfterGreeting,
    /// Answers CAPABILITY, then never answers AUTHENTICATE's payload.
    SilentAfterAuth,
    /// Starts a FETCH literal of 5000 bytes, sends 100, then stalls.
    SilentMidLiteral,
    /// Answers FETCH with a line that never ends.
    EndlessLine,
    /// Answers FETCH with `{999999999999}` and some bytes.
    HugeLiteral,
    /// Behaves (to read what the client sent).
    Nothing,
    /// Behaves, and offers no AUTH=PLAIN (the client must use LOGIN).
    LoginOnly,
    /// Behaves, with one message (UID 1) in INBOX to fetch: a bare IMAP4rev1 server
    /// (no IDLE, no CONDSTORE) a client can sync with.
    OneMessage,
    /// As `OneMessage`, but SELECT always counts two messages: the cache can never match.
    Miscounted,
}

pub struct FakeImap {
    pub port: u16,
    pub ca: PathBuf,
    /// Every line the client sent, in order, over all connections.
    pub seen: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl FakeImap {
    /// `tayori account add` arguments for user "a" on this server (its CA trusted), the
    /// password given by a password command; `extra` goes at the end (`--no-test`).
    pub fn account_args(&self, password_command: &str, extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = [
            "account",
            "add",
            "--email",
            "a@example.test",
            "--imap-host",
            "127.0.0.1",
            "--imap-port",
            &self.port.to_string(),
            "--imap-security",
            "tls",
            "--ca-file",
            &self.ca.display().to_string(),
            "--username",
            "a",
            "--password-command",
            password_command,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    }
}

impl FakeImap {
    pub fn start(script: Misbehave) -> FakeImap {
        let dir = tempfile::tempdir().unwrap();
        super::certs::make_certs(dir.path());
        let cert = std::fs::read(dir.path().join("server.crt")).unwrap();
        let key = std::fs::read(dir.path().join("server.key")).unwrap();
        let id = native_tls::Identity::from_pkcs8(&cert, &key).unwrap();
        let acceptor = Arc::new(native_tls::TlsAcceptor::new(id).unwrap());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = Arc::clone(&seen);
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(s) = s else { break };
                let acceptor = Arc::clone(&acceptor);
                let seen = Arc::clone(&seen2);
                std::thread::spawn(move || {
                    if let Ok(tls) = acceptor.accept(s) {
                        let _ = serve(tls, script, &seen);
                    }
                });
            }
        });
        FakeImap {
            port,
            ca: dir.path().join("ca.pem"),
            seen,
            _dir: dir,
        }
    }

    pub fn seen(&self) -> String {
        self.seen.lock().unwrap().join("")
    }
}

fn stall() -> std::io::Result<()> {
    std::thread::sleep(std::time::Duration::from_secs(600));
    Ok(())
}

fn serve<S: Read + Write>(
    s: S,
    script: Misbehave,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut r = BufReader::new(s);
    let w = |r: &mut BufReader<S>, b: &[u8]| -> std::io::Result<()> {
        r.get_mut().write_all(b)?;
        r.get_mut().flush()
    };
    if script == Misbehave::LoginOnly {
        w(&mut r, b"* OK fake ready\r\n")?;
    } else {
        w(
            &mut r,
            b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n",
        )?;
    }
    if script == Misbehave::SilentAfterGreeting {
        return stall();
    }
    let mut logged_in = false;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        seen.lock().unwrap().push(line.clone());
        let mut parts = line.trim_end().splitn(2, ' ');
        let tag = parts.next().unwrap_or("*").to_string();
        let cmd = parts.next().unwrap_or("").to_uppercase();
        let ok = |r: &mut BufReader<S>, pre: &str| -> std::io::Result<()> {
            w(r, format!("{pre}{tag} OK done\r\n").as_bytes())
        };
        if cmd.starts_with("CAPABILITY") {
            let caps = if logged_in || script == Misbehave::LoginOnly {
                "IMAP4rev1"
            } else {
                "IMAP4rev1 AUTH=PLAIN"
            };
            ok(&mut r, &format!("* CAPABILITY {caps}\r\n"))?;
        } else if cmd.starts_with("AUTHENTICATE") {
            w(&mut r, b"+ \r\n")?;
            let mut payload = String::new();
            r.read_line(&mut payload)?;
            seen.lock().unwrap().push(payload);
            if script == Misbehave::SilentAfterAuth {
                return stall();
            }
            logged_in = true;
            ok(&mut r, "")?;
        } else if cmd.starts_with("LOGIN") {
            logged_in = true;
            ok(&mut r, "")?;
        } else if cmd.starts_with("LIST") {
            ok(&mut r, "* LIST (\\HasNoChildren) \"/\" INBOX\r\n")?;
        } else if cmd.starts_with("SELECT") || cmd.starts_with("EXAMINE") {
            let exists: &[u8] = if script == Misbehave::Miscounted {
                b"* 2 EXISTS\r\n"
            } else {
                b"* 1 EXISTS\r\n"
            };
            w(&mut r, exists)?;
            w(
                &mut r,
                b"* 0 RECENT\r\n* FLAGS (\\Seen)\r\n\
                  * OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n",
            )?;
            w(&mut r, format!("{tag} OK [READ-WRITE] done\r\n").as_bytes())?;
        } else if cmd.starts_with("UID SEARCH ALL") {
            ok(&mut r, "* SEARCH 1\r\n")?;
        } else if cmd.contains("SEARCH") {
            ok(&mut r, "* SEARCH\r\n")?;
        } else if cmd.starts_with("LOGOUT") {
            ok(&mut r, "* BYE bye\r\n")?;
            return Ok(());
        } else if cmd.contains("FETCH") {
            match script {
                Misbehave::SilentMidLiteral => {
                    w(&mut r, b"* 1 FETCH (UID 1 FLAGS () BODY[HEADER] {5000}\r\n")?;
                    w(&mut r, &[b'a'; 100])?;
                    return stall();
                }
                Misbehave::EndlessLine => {
                    w(&mut r, b"* 1 FETCH (UID 1 FLAGS (")?;
                    let chunk = [b'x'; 64 * 1024];
                    // Until the client hangs up (then the write fails).
                    loop {
                        r.get_mut().write_all(&chunk)?;
                    }
                }
                Misbehave::HugeLiteral => {
                    w(
                        &mut r,
                        b"* 1 FETCH (UID 1 FLAGS () BODY[HEADER] {999999999999}\r\nFrom: a\r\n",
                    )?;
                    return stall();
                }
                Misbehave::OneMessage | Misbehave::Miscounted if cmd.contains("ENVELOPE") => ok(
                    &mut r,
                    "* 1 FETCH (UID 1 FLAGS () INTERNALDATE \"02-Nov-2026 10:00:00 +0000\" \
                     RFC822.SIZE 10 ENVELOPE (\"Mon, 2 Nov 2026 10:00:00 +0000\" \"hi\" \
                     NIL NIL NIL NIL NIL NIL NIL \"<one@example.test>\") BODYSTRUCTURE \
                     (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL) \
                     BODY[HEADER.FIELDS (REFERENCES)] {2}\r\n\r\n)\r\n",
                )?,
                Misbehave::OneMessage | Misbehave::Miscounted => {
                    ok(&mut r, "* 1 FETCH (UID 1 FLAGS ())\r\n")?
                }
                _ => ok(&mut r, "")?,
            }
        } else {
            ok(&mut r, "")?;
        }
    }
}
