//! The test bed itself, checked with independent clients (openssl s_client, Python's
//! imaplib/poplib/smtplib): TLS verified with the test CA, no login before TLS, extensions
//! in normal and fallback mode, bulk loading, stop/restart/kill_hard, LMTP, SMTP submission.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{BedOptions, TestBed, make_message};

/// Runs a Python script (stdlib only) with `ctx` (trusting the bed's CA) and `HOST` defined;
/// returns stdout, panics with stderr.
fn python(bed: &TestBed, script: &str) -> String {
    let prelude = format!(
        "import imaplib, poplib, smtplib, ssl, sys, time\n\
         ctx = ssl.create_default_context(cafile={ca:?})\nHOST = {h:?}\n",
        ca = bed.ca_file().display().to_string(),
        h = bed.host(),
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(prelude + script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// CAPABILITY after STARTTLS + LOGIN (padded with spaces), then the LIST response lines.
fn imap_caps_and_list(bed: &TestBed) -> (String, String) {
    let (u, p) = bed.user(0);
    let out = python(
        bed,
        &format!(
            "M = imaplib.IMAP4(HOST, {port})\nM.starttls(ssl_context=ctx)\nM.login({u:?}, {p:?})\n\
             print(M.capability()[1][0].decode())\n\
             for l in M.list()[1]: print(l.decode())\nM.logout()\n",
            port = bed.imap_port()
        ),
    );
    let (caps, list) = out.split_once('\n').unwrap();
    (format!(" {caps} "), list.to_string())
}

/// One `doveadm mailbox status` field.
fn status(bed: &TestBed, user: &str, field: &str, folder: &str) -> u64 {
    let out = bed.doveadm(&["mailbox", "status", "-u", user, field, folder]);
    let key = format!("{field}=");
    let v = out.split_whitespace().find_map(|w| w.strip_prefix(&key));
    v.unwrap_or_else(|| panic!("{out}")).parse().unwrap()
}

fn count(bed: &TestBed, user: &str, folder: &str) -> usize {
    status(bed, user, "messages", folder) as usize
}

/// Reads from a plain TCP connection until `until` shows up (5 s timeout).
fn read_until(s: &mut TcpStream, until: &str) -> String {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).contains(until) {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed; got {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn tls_certificate_verifies_with_the_test_ca() {
    let bed = TestBed::start();
    for (port, starttls) in [(bed.imaps_port(), None), (bed.imap_port(), Some("imap"))] {
        let connect = format!("{}:{port}", bed.host());
        let mut cmd = Command::new("openssl");
        cmd.args(["s_client", "-connect", &connect, "-verify_return_error"])
            .args(["-ign_eof", "-verify_hostname", "localhost", "-CAfile"])
            .arg(bed.ca_file());
        if let Some(proto) = starttls {
            cmd.args(["-starttls", proto]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"a LOGOUT\r\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}{err}");
        assert!(text.contains("Verify return code: 0 (ok)"), "{text}");
        assert!(text.contains("* BYE"), "{text}");
    }
}

#[test]
fn no_login_before_tls() {
    // Dovecot calls loopback "secure" and would allow plaintext logins; the bed refuses them.
    let bed = TestBed::start();
    let (u, p) = bed.user(0);
    let mut s = TcpStream::connect(("127.0.0.1", bed.imap_port())).unwrap();
    let greeting = read_until(&mut s, "\r\n");
    assert!(greeting.contains("STARTTLS"), "{greeting}");
    s.write_all(format!("a LOGIN {u} {p}\r\n").as_bytes())
        .unwrap();
    let reply = read_until(&mut s, "a ");
    assert!(reply.contains("a NO") && reply.contains("TLS"), "{reply}");

    let mut s = TcpStream::connect(("127.0.0.1", bed.pop3_port())).unwrap();
    read_until(&mut s, "\r\n");
    s.write_all(format!("USER {u}\r\nPASS {p}\r\n").as_bytes())
        .unwrap();
    let reply = read_until(&mut s, "-ERR");
    assert!(reply.contains("TLS"), "{reply}");
    // No auth penalty (it would be 2 s and more): a good login right after failures is
    // immediate. Each wrong password still costs Dovecot's ~0.5 s failure flush.
    let out = python(
        &bed,
        &format!(
            "for i in range(2):\n\
             \x20   M = imaplib.IMAP4_SSL(HOST, {port}, ssl_context=ctx)\n\
             \x20   try: M.login({u:?}, 'wrong')\n\
             \x20   except imaplib.IMAP4.error: print('no')\n\
             t = time.time()\n\
             M = imaplib.IMAP4_SSL(HOST, {port}, ssl_context=ctx)\nprint(M.login({u:?}, {p:?})[0])\n\
             print(time.time() - t < 1.5)\n",
            port = bed.imaps_port()
        ),
    );
    assert_eq!(out, "no\nno\nOK\nTrue\n");
}

#[test]
fn imap_starttls_login_offers_modern_extensions() {
    let bed = TestBed::start();
    let (caps, list) = imap_caps_and_list(&bed);
    for ext in [
        "MOVE",
        "CONDSTORE",
        "QRESYNC",
        "SPECIAL-USE",
        "COMPRESS=DEFLATE",
        "IDLE",
        "UIDPLUS",
    ] {
        assert!(caps.contains(&format!(" {ext} ")), "{ext} missing: {caps}");
    }
    assert!(list.contains("\\Sent) \"/\" Sent"), "{list}");
    assert!(list.contains("\\Archive) \"/\" Archive"), "{list}");
}

#[test]
fn fallback_mode_hides_extensions_and_uses_inbox_prefix() {
    let bed = TestBed::start_with(BedOptions {
        fallback: true,
        ..Default::default()
    });
    let (caps, list) = imap_caps_and_list(&bed);
    for ext in ["MOVE", "CONDSTORE", "QRESYNC", "SPECIAL-USE", "COMPRESS"] {
        assert!(
            !caps.split(' ').any(|w| w.starts_with(ext)),
            "{ext} in {caps}"
        );
    }
    for ext in [
        "IMAP4rev1",
        "IDLE",
        "UIDPLUS",
        "LITERAL+",
        "NAMESPACE",
        "ENABLE",
        "ID",
    ] {
        assert!(caps.contains(&format!(" {ext} ")), "{ext} missing: {caps}");
    }
    assert!(list.contains("\".\" INBOX.Sent"), "{list}");
    assert!(!list.contains("\\Sent"), "{list}");
    let msgs = (0..3).map(|i| (1_700_000_000 + i, make_message(i as usize, "a", "b"), true));
    assert_eq!(bed.load_maildir(0, "INBOX.Archive", msgs), 3);
    assert_eq!(count(&bed, "alice", "INBOX.Archive"), 3);
}

#[test]
fn pop3s_and_pop3_stls_login() {
    let bed = TestBed::start();
    let msgs = (0..5).map(|i| (1_700_000_000 + i, make_message(i as usize, "p", "b"), false));
    bed.load_maildir(1, "INBOX", msgs);
    let (u, p) = bed.user(1);
    let out = python(
        &bed,
        &format!(
            "P = poplib.POP3_SSL(HOST, {pop3s}, context=ctx)\nP.user({u:?})\nP.pass_({p:?})\n\
             print(P.stat()[0])\nP.quit()\n\
             P = poplib.POP3(HOST, {pop3})\nP.stls(context=ctx)\nP.user({u:?})\nP.pass_({p:?})\n\
             print(len(P.uidl()[1]))\nP.quit()\n",
            pop3s = bed.pop3s_port(),
            pop3 = bed.pop3_port()
        ),
    );
    assert_eq!(out, "5\n5\n");
}

#[test]
fn bulk_load_survives_stop_restart_and_kill_hard() {
    let mut bed = TestBed::start();
    let t = Instant::now();
    let msgs = (0..1000).map(|i| {
        let raw = make_message(i as usize, "s", "b");
        (1_700_000_000 + i, raw, i % 2 == 0)
    });
    assert_eq!(bed.load_maildir(0, "INBOX", msgs), 1000);
    eprintln!("load_maildir 1000: {:?}", t.elapsed());
    assert_eq!(count(&bed, "alice", "INBOX"), 1000);
    assert_eq!(status(&bed, "alice", "unseen", "INBOX"), 500);
    let one = std::iter::once((1_700_000_000, make_message(0, "a", "b"), false));
    bed.load_maildir(0, "Archive", one);
    assert_eq!(count(&bed, "alice", "Archive"), 1);

    let t = Instant::now();
    bed.stop();
    eprintln!("stop: {:?}", t.elapsed());
    assert!(!bed.is_running());
    assert!(TcpStream::connect(("127.0.0.1", bed.imaps_port())).is_err());
    let t = Instant::now();
    bed.restart();
    eprintln!("restart: {:?}", t.elapsed());
    assert!(bed.is_running());
    assert_eq!(count(&bed, "alice", "INBOX"), 1000);

    // An open session dies with the server.
    let mut s = TcpStream::connect(("127.0.0.1", bed.imap_port())).unwrap();
    read_until(&mut s, "\r\n");
    bed.kill_hard();
    assert!(!bed.is_running());
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert!(matches!(s.read(&mut [0u8; 64]), Ok(0) | Err(_)));
    bed.restart();
    let (caps, _) = imap_caps_and_list(&bed);
    assert!(caps.contains(" IMAP4rev1 "));

    assert_ne!(status(&bed, "alice", "uidvalidity", "INBOX"), 12345);
    bed.set_uidvalidity(0, "INBOX", 12345);
    assert_eq!(status(&bed, "alice", "uidvalidity", "INBOX"), 12345);
    assert_eq!(count(&bed, "alice", "INBOX"), 1000);
}

#[test]
fn lmtp_delivers_to_the_mailbox() {
    let bed = TestBed::start();
    python(
        &bed,
        &format!(
            "L = smtplib.LMTP('127.0.0.1', {})\n\
             L.sendmail('x@example.org', ['carol@example.test'], {:?})\nL.quit()\n",
            bed.lmtp_port(),
            String::from_utf8(make_message(7, "lmtp", "hello")).unwrap()
        ),
    );
    assert_eq!(count(&bed, "carol", "INBOX"), 1);
}

#[test]
fn smtp_submission_delivers_to_imap() {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    let (u, p) = bed.user(0);
    let msg = String::from_utf8(make_message(1, "via submission", "hi bob")).unwrap();
    let out = python(
        &bed,
        &format!(
            "S = smtplib.SMTP(HOST, {sub})\nS.ehlo()\n\
             print('AUTH-BEFORE-TLS' if S.has_extn('auth') else 'no-auth-before-tls')\n\
             try:\n    S.login({u:?}, {p:?})\n    print('LOGGED-IN-PLAIN')\n\
             except smtplib.SMTPException:\n    print('refused')\n\
             S.starttls(context=ctx)\nS.login({u:?}, {p:?})\n\
             S.sendmail('alice@example.test', ['bob@example.test'], {msg:?})\nS.quit()\n\
             S = smtplib.SMTP_SSL(HOST, {subs}, context=ctx)\nS.login({u:?}, {p:?})\n\
             S.sendmail('alice@example.test', ['bob@example.test', 'carol@example.test'], {msg:?})\n\
             S.quit()\n\
             S = smtplib.SMTP_SSL(HOST, {subs}, context=ctx)\n\
             try:\n    S.sendmail('x@example.test', ['bob@example.test'], {msg:?})\n\
             \x20   print('RELAYED-WITHOUT-AUTH')\n\
             except smtplib.SMTPException:\n    print('auth required')\n",
            sub = bed.submission_port(),
            subs = bed.submissions_port()
        ),
    );
    // Postfix offers no AUTH before STARTTLS; Dovecot submission (the bed without root) calls
    // loopback secure and offers it, but the bed refuses any password sent without TLS.
    assert!(out.ends_with("\nrefused\nauth required\n"), "{out}");
    // Delivery is asynchronous: wait for it, reading over IMAP as bob.
    let (bu, bp) = bed.user(1);
    let out = python(
        &bed,
        &format!(
            "for _ in range(100):\n\
             \x20   M = imaplib.IMAP4_SSL(HOST, {port}, ssl_context=ctx)\n\
             \x20   M.login({bu:?}, {bp:?})\n\
             \x20   n = int(M.select('INBOX')[1][0])\n\
             \x20   if n >= 2: break\n\
             \x20   M.logout(); time.sleep(0.1)\n\
             print(n)\n\
             print(M.fetch('1', '(BODY[HEADER.FIELDS (SUBJECT)])')[1][0][1].decode().strip())\n",
            port = bed.imaps_port()
        ),
    );
    assert_eq!(out, "2\nSubject: via submission\n");
    assert_eq!(count(&bed, "carol", "INBOX"), 1);

    // The SMTP side comes back after a crash too.
    let mut bed = bed;
    bed.kill_hard();
    bed.restart();
    python(
        &bed,
        &format!(
            "S = smtplib.SMTP_SSL(HOST, {subs}, context=ctx)\nS.login({u:?}, {p:?})\n\
             S.sendmail('alice@example.test', ['carol@example.test'], {msg:?})\nS.quit()\n",
            subs = bed.submissions_port()
        ),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&bed, "carol", "INBOX") < 2 {
        assert!(Instant::now() < deadline, "not delivered after restart");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn beds_run_in_parallel() {
    let beds: Vec<TestBed> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..3).map(|_| s.spawn(TestBed::start)).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut ports: Vec<u16> = beds
        .iter()
        .flat_map(|b| [b.imap_port(), b.imaps_port(), b.lmtp_port()])
        .collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 9);
    assert!(beds.iter().all(TestBed::is_running));
}
