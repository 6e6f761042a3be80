//! Cut-and-resume, the outbox: the SMTP connection to the real submission server (465,
//! TLS at once) is cut by a TCP proxy at points spread over the session, then one more
//! sync runs. Cut before the content went out: the message waits and is sent by the next
//! sync exactly once. Cut in the middle of DATA: the server drops the partial content,
//! the message is `uncertain` and the next sync does not send it again (nothing twice);
//! `outbox --retry` then delivers it once.
use crate::common::{Tayori, py_imap};
use crate::smtp_send::{send_mail, smtp_bed};
use crate::support::TestBed;
use crate::support::proxy::{Fault, Proxy};
use std::time::{Duration, Instant};

/// Copies in bob's INBOX whose subject is `subject` (after Postfix has had `wait` to deliver).
fn delivered(bed: &TestBed, subject: &str, want: usize, wait: Duration) -> usize {
    let deadline = Instant::now() + wait;
    loop {
        let n: usize = py_imap(
            bed,
            1,
            &format!(
                "M.select('INBOX')\n\
                 typ, d = M.search(None, 'SUBJECT', '\"{subject}\"')\n\
                 print(len(d[0].split()))"
            ),
        )
        .trim()
        .parse()
        .unwrap();
        if n >= want || Instant::now() > deadline {
            return n;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn outbox_state(t: &Tayori, id: &str) -> String {
    let all = t.run(&["outbox", "--json"]).ok().json();
    all.as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id))
        .unwrap()["state"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn faults_cut_outbox_send_never_sends_twice() {
    let bed = smtp_bed();
    let proxy = Proxy::start(bed.submissions_port());
    let t = Tayori::new();
    let acc = t.add_account(&bed, false);
    let port = proxy.port.to_string();
    t.run(&[
        "account",
        "smtp",
        &acc,
        "--smtp-host",
        "localhost",
        "--smtp-port",
        &port,
        "--smtp-security",
        "tls",
    ])
    .ok();
    let body = "a long letter line\n".repeat(10_000); // ~190 KB
    let send = |subject: &str| {
        let r = send_mail(&t, &acc, "bob@example.test", subject, &body);
        r.stdout.split('\t').next().unwrap_or("").trim().to_string()
    };
    // Round 0: an uncut send, measured.
    let before = proxy.up_bytes();
    send("cut-0");
    let total = proxy.up_bytes() - before;
    assert_eq!(delivered(&bed, "cut-0", 1, Duration::from_secs(10)), 1);
    let mut uncertain = 0;
    // Cut points: in the TLS handshake, around the login and envelope, then in DATA.
    let cuts = [
        200,
        500,
        900,
        1400,
        total * 30 / 100,
        total * 60 / 100,
        total * 90 / 100,
    ];
    let mut queued = 0;
    for (round, cut) in cuts.iter().enumerate() {
        let subject = format!("cut-{}", round + 1);
        let percent = cut * 100 / total;
        proxy.arm(Fault::CutUp(*cut));
        let id = send(&subject);
        assert!(!id.is_empty(), "{subject}");
        let state = outbox_state(&t, &id);
        assert_ne!(
            state, "sent",
            "{subject} at {percent}%: the cut did not hit"
        );
        let _ = t.run(&["sync"]);
        match state.as_str() {
            // Nothing went out: the next sync sends it, once.
            "queued" => {
                queued += 1;
                assert_eq!(outbox_state(&t, &id), "sent", "{subject}");
                assert_eq!(delivered(&bed, &subject, 1, Duration::from_secs(10)), 1);
            }
            // The content was on its way: not sent again by itself.
            "uncertain" => {
                uncertain += 1;
                assert_eq!(outbox_state(&t, &id), "uncertain", "{subject}");
                assert_eq!(delivered(&bed, &subject, 1, Duration::from_secs(2)), 0);
                t.run(&["outbox", "--retry", &id]).ok();
                let _ = t.run(&["sync"]);
                assert_eq!(outbox_state(&t, &id), "sent", "{subject}");
                assert_eq!(delivered(&bed, &subject, 2, Duration::from_secs(5)), 1);
            }
            other => panic!("{subject} at {percent}%: {other}"),
        }
    }
    eprintln!(
        "a send of ~190 KB sends {total} bytes; of {} cuts {queued} came before the content, {uncertain} in DATA",
        cuts.len()
    );
    assert!(uncertain >= 3, "no cut hit the content");
    assert!(queued >= 1, "no cut came before the content");
}
