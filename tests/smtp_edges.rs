//! Sending against hostile or broken SMTP servers: STARTTLS stripped, and a connection that
//! dies after the content went out (the ambiguous case: never resent automatically).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod support;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use support::TestBed;

fn run_with_stdin(t: &Tayori, args: &[&str], stdin: &str) -> Run {
    let mut cmd = t.cmd(args);
    cmd.env("TAYORI_SEND_RETRY_BASE_SECS", "1");
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
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn add(t: &Tayori, bed: Option<&TestBed>, smtp_port: u16, security: &str) -> String {
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
    ];
    if let Some(ca) = &ca {
        args.extend(["--ca-file", ca.as_str()]);
    }
    t.run(&args).ok().stdout.trim().to_string()
}

fn outbox(t: &Tayori) -> Vec<serde_json::Value> {
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
    let mut py = Command::new("python3")
        .arg("-c")
        .arg(DROPPER_PY)
        .arg(bed.dir.join("server.crt"))
        .arg(bed.dir.join("server.key"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(py.stdout.take().unwrap());
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
    py.kill().unwrap();
    py.wait().unwrap();
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

    let mut watch = t
        .cmd(&["watch"])
        .env("TAYORI_SEND_RETRY_BASE_SECS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let out = watch.stdout.take().unwrap();
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
    watch.kill().unwrap();
    watch.wait().unwrap();
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
