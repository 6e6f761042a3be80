//! Sending against hostile or broken SMTP servers: STARTTLS stripped, and a connection that
//! dies after the content went out (the ambiguous case: never resent automatically).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use support::TestBed;

pub(crate) fn run_with_stdin(t: &Tayori, args: &[&str], stdin: &str) -> Run {
    let mut cmd = t.cmd(args);
    cmd.env("TAYORI_SEND_RETRY_BASE_SECS", "1");
    run_piped(cmd, stdin)
}

pub(crate) fn add(t: &Tayori, bed: Option<&TestBed>, smtp_port: u16, security: &str) -> String {
    let imaps = bed.map(|b| b.imaps_port()).unwrap_or(1).to_string();
    let smtp_port = smtp_port.to_string();
    let ca = bed.map(|b| b.ca_file().display().to_string());
    let mut args = vec![
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
        "--smtp-host",
        "localhost",
        "--smtp-port",
        &smtp_port,
        "--smtp-security",
        security,
        // Most servers here are fakes that misbehave on purpose: sending is what is tested.
        "--no-test",
    ];
    if let Some(ca) = &ca {
        args.extend(["--ca-file", ca.as_str()]);
    }
    t.run(&args).ok().stdout.trim().to_string()
}

/// Kills the child when the test ends, also on a failed assertion (it holds our pipes).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn outbox(t: &Tayori) -> Vec<serde_json::Value> {
    t.run(&["outbox", "--json"])
        .ok()
        .json()
        .as_array()
        .cloned()
        .unwrap()
}

#[test]
fn starttls_stripped_is_refused_without_sending_credentials() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"220 mitm ESMTP\r\n").unwrap();
        let mut seen = String::new();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            seen.push_str(&line);
            let up = line.to_ascii_uppercase();
            let reply: &[u8] = if up.starts_with("EHLO") {
                b"250-mitm\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
            } else if up.starts_with("QUIT") {
                b"221 bye\r\n"
            } else {
                b"502 no\r\n"
            };
            s.write_all(reply).unwrap();
            line.clear();
        }
        seen
    });
    let t = Tayori::new();
    let acc = add(&t, None, port, "starttls");
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "bob@example.test",
            "--subject",
            "s",
        ],
        "secret body\n",
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("does not offer STARTTLS"), "{}", r.stderr);
    let seen = server.join().unwrap();
    assert!(seen.starts_with("EHLO"), "{seen}");
    assert!(!seen.contains("AUTH"), "no credentials in clear: {seen}");
    assert!(!seen.contains("MAIL FROM"), "{seen}");
    assert_eq!(outbox(&t)[0]["state"], "queued");
}

/// A TLS SMTP server (the bed's certificate) that accepts everything but drops the
/// connection after the content, without the final reply. Prints its port, then "got N"
/// for each message it received.
const DROPPER_PY: &str = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(5)
print(srv.getsockname()[1], flush=True)
count = 0
while True:
    c, _ = srv.accept()
    s = ctx.wrap_socket(c, server_side=True)
    f = s.makefile('rb')
    s.sendall(b'220 dropper ESMTP\r\n')
    while True:
        line = f.readline()
        if not line:
            break
        u = line.upper()
        if u.startswith(b'EHLO'):
            s.sendall(b'250-dropper\r\n250 AUTH PLAIN LOGIN\r\n')
        elif u.startswith(b'AUTH'):
            s.sendall(b'235 ok\r\n')
        elif u.startswith(b'DATA'):
            s.sendall(b'354 go on\r\n')
            while f.readline() not in (b'.\r\n', b''):
                pass
            count += 1
            print('got', count, flush=True)
            f.close()
            s.shutdown(socket.SHUT_RDWR)
            s.close()
            break
        elif u.startswith(b'QUIT'):
            s.sendall(b'221 bye\r\n')
            break
        else:
            s.sendall(b'250 ok\r\n')
"#;

#[test]
fn a_connection_lost_after_the_content_is_uncertain_and_never_resent_automatically() {
    let bed = TestBed::start();
    let mut py = KillOnDrop(
        Command::new("python3")
            .arg("-c")
            .arg(DROPPER_PY)
            .arg(bed.dir.join("server.crt"))
            .arg(bed.dir.join("server.key"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut out = BufReader::new(py.0.stdout.take().unwrap());
    let mut port = String::new();
    out.read_line(&mut port).unwrap();
    let port: u16 = port.trim().parse().unwrap();

    let t = Tayori::new();
    let acc = add(&t, Some(&bed), port, "tls");
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "bob@example.test",
            "--subject",
            "Maybe",
        ],
        "hello\n",
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("\tuncertain"), "{}", r.stdout);
    assert!(
        r.stderr.contains("may or may not have been sent"),
        "{}",
        r.stderr
    );
    let ob = outbox(&t);
    assert_eq!(ob[0]["state"], "uncertain");
    // Syncing (twice) does not send it again.
    t.run(&["sync"]).ok();
    t.run(&["sync"]).ok();
    assert_eq!(outbox(&t)[0]["state"], "uncertain");
    // The user decides to send it anyway.
    let id = ob[0]["id"].to_string();
    t.run(&["outbox", "--retry", &id]).ok();
    t.run(&["sync"]).ok();
    assert_eq!(outbox(&t)[0]["attempts"], 2);
    py.0.kill().unwrap();
    py.0.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(
        rest.lines().filter(|l| l.starts_with("got")).count(),
        2,
        "{rest}"
    );
}

/// Forwards every connection on `listener` to `to` (TLS passes through untouched).
fn proxy(listener: std::net::TcpListener, to: u16) {
    std::thread::spawn(move || {
        for c in listener.incoming() {
            let Ok(client) = c else { break };
            let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            for (mut a, mut b) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut a, &mut b);
                    let _ = b.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
}

#[test]
fn watch_retries_with_backoff_and_sends_once_the_server_is_reachable() {
    let bed = TestBed::start_with(support::BedOptions {
        smtp: true,
        ..Default::default()
    });
    let port = support::free_port();
    let t = Tayori::new();
    let acc = add(&t, Some(&bed), port, "tls");
    t.run(&["sync"]).ok();
    let r = run_with_stdin(
        &t,
        &[
            "send",
            "--account",
            &acc,
            "--to",
            "bob@example.test",
            "--subject",
            "Retried",
        ],
        "hello again\n",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("cannot reach"), "{}", r.stderr);

    let mut watch = KillOnDrop(
        t.cmd(&["watch"])
            .env("TAYORI_SEND_RETRY_BASE_SECS", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let out = watch.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // At least one more failed retry while the server is unreachable.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let line = rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
        if line.starts_with("outbox") {
            assert!(line.contains("queued"), "{line}");
            break;
        }
        assert!(std::time::Instant::now() < deadline);
    }
    let t0 = std::time::Instant::now();
    proxy(
        std::net::TcpListener::bind(("127.0.0.1", port)).unwrap(),
        bed.submissions_port(),
    );
    let sent = loop {
        let line = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
        if line.contains(" sent ") {
            break line;
        }
    };
    eprintln!("reachable -> sent by watch in {:?}", t0.elapsed());
    assert!(sent.ends_with("Retried"), "{sent}");
    drop(watch);
    let ob = outbox(&t);
    assert_eq!(ob[0]["state"], "sent");
    assert_eq!(ob[0]["sent_copy"], "done");
    let n = py_imap(
        &bed,
        1,
        "M.select('INBOX')\ntyp, d = M.search(None, 'SUBJECT', 'Retried')\nprint(len(d[0].split()))",
    );
    assert_eq!(n.trim(), "1", "exactly once");
}

/// A TLS SMTP server whose connection 1 hangs at MAIL FROM, connection 3 hangs after
/// receiving the content (no reply), and the others accept. Prints its port, then
/// "got N" per message received.
const HANGER_PY: &str = r#"
import socket, ssl, sys, threading, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(5)
print(srv.getsockname()[1], flush=True)
lock = threading.Lock()
count = [0]
def serve(c, n):
    s = ctx.wrap_socket(c, server_side=True)
    f = s.makefile('rb')
    s.sendall(b'220 hanger ESMTP\r\n')
    while True:
        line = f.readline()
        if not line:
            return
        u = line.upper()
        if u.startswith(b'EHLO'):
            s.sendall(b'250-hanger\r\n250 AUTH PLAIN LOGIN\r\n')
        elif u.startswith(b'AUTH'):
            s.sendall(b'235 ok\r\n')
        elif u.startswith(b'MAIL') and n == 1:
            time.sleep(3600)
        elif u.startswith(b'DATA'):
            s.sendall(b'354 go on\r\n')
            while f.readline() not in (b'.\r\n', b''):
                pass
            with lock:
                count[0] += 1
                print('got', count[0], flush=True)
            if n == 3:
                time.sleep(3600)
            s.sendall(b'250 2.0.0 queued\r\n')
        elif u.startswith(b'QUIT'):
            s.sendall(b'221 bye\r\n')
            return
        else:
            s.sendall(b'250 ok\r\n')
n = 0
while True:
    c, _ = srv.accept()
    n += 1
    threading.Thread(target=serve, args=(c, n), daemon=True).start()
"#;

fn spawn_send(t: &Tayori, acc: &str, subject: &str) -> std::process::Child {
    let mut child = t
        .cmd(&[
            "send",
            "--account",
            acc,
            "--to",
            "bob@example.test",
            "--subject",
            subject,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"body\n").unwrap();
    child
}

#[test]
fn killed_mid_send_is_never_lost_and_never_sent_twice() {
    let bed = TestBed::start();
    let mut py = KillOnDrop(
        Command::new("python3")
            .arg("-c")
            .arg(HANGER_PY)
            .arg(bed.dir.join("server.crt"))
            .arg(bed.dir.join("server.key"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut out = BufReader::new(py.0.stdout.take().unwrap());
    let mut port = String::new();
    out.read_line(&mut port).unwrap();
    let port: u16 = port.trim().parse().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let t = Tayori::new();
    let acc = add(&t, Some(&bed), port, "tls");
    let state = |t: &Tayori, i: usize| outbox(t)[i]["state"].as_str().unwrap().to_string();
    let sync = |t: &Tayori| {
        let mut c = t.cmd(&["sync"]);
        c.env("TAYORI_OUTBOX_STALE_SECS", "1");
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let secs = std::time::Duration::from_secs;

    // 1. Killed before the content went out (the server never answered MAIL FROM).
    let mut a = spawn_send(&t, &acc, "Killed early");
    let deadline = std::time::Instant::now() + secs(10);
    while outbox(&t).first().is_none_or(|o| o["state"] != "sending") {
        assert!(std::time::Instant::now() < deadline, "never claimed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    a.kill().unwrap(); // SIGKILL: no cleanup
    a.wait().unwrap();
    assert_eq!(state(&t, 0), "sending");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    sync(&t);
    assert_eq!(
        state(&t, 0),
        "sent",
        "nothing had gone out: sent again, once"
    );
    assert_eq!(rx.recv_timeout(secs(5)).unwrap(), "got 1");

    // 2. Killed after the content went out, before the server answered.
    let mut b = spawn_send(&t, &acc, "Killed late");
    assert_eq!(rx.recv_timeout(secs(10)).unwrap(), "got 2");
    std::thread::sleep(std::time::Duration::from_millis(200));
    b.kill().unwrap();
    b.wait().unwrap();
    assert_eq!(state(&t, 1), "sending");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    sync(&t);
    sync(&t);
    assert_eq!(
        state(&t, 1),
        "uncertain",
        "may have been delivered: not resent"
    );
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(500))
            .is_err(),
        "no third delivery"
    );
    py.0.kill().unwrap();
    py.0.wait().unwrap();
}
