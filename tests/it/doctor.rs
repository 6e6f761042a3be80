//! `tayori doctor ACCOUNT`: against the healthy bed every step passes (IMAP + SMTP, and
//! POP3 with UIDL); a wrong port, a certificate for another name, a wrong password and a
//! stopped server each name the failing step, in English and in Japanese; no secret is
//! ever printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::smtp_send::{add_sender, smtp_bed};
use crate::support::{TestBed, free_port};

/// Runs `doctor ID --json` in `lang` (LANG, nothing else set).
fn doctor(t: &Tayori, id: &str, lang: &str) -> (i32, serde_json::Value, String) {
    let out = t
        .cmd(&["doctor", id, "--json"])
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env("LANG", lang)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn steps(j: &serde_json::Value) -> Vec<(String, String, bool)> {
    j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["server"].as_str().unwrap().to_string(),
                s["step"].as_str().unwrap().to_string(),
                s["ok"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn untested(t: &Tayori, bed: &TestBed, host: &str, port: u16, pw: &str) -> String {
    let server = Server {
        proto: "imap",
        host,
        port,
        starttls: false,
    };
    let mut args = account_add_args(&server, "alice", pw, Some(&bed.ca_file()));
    args.push("--no-test".into());
    t.run_strings(&args).ok().stdout.trim().to_string()
}

/// The failing step is named in both languages and nothing after it ran.
fn assert_fails_at(t: &Tayori, id: &str, step: &str, en: &str, ja: &str) {
    let (code, j, stderr) = doctor(t, id, "en_US.UTF-8");
    assert_eq!(code, 1, "{j}");
    assert_eq!(j["ok"], false);
    let all = steps(&j);
    let last = all.last().unwrap();
    assert_eq!((last.1.as_str(), last.2), (step, false), "{j}");
    assert!(all[..all.len() - 1].iter().all(|s| s.2), "{j}");
    let first = j["first_failure"].as_str().unwrap();
    assert!(first.contains(en), "{first}");
    assert!(
        stderr.contains("The first failing step: IMAP · "),
        "{stderr}"
    );
    let (code, j, stderr) = doctor(t, id, "ja_JP.UTF-8");
    assert_eq!(code, 1);
    let first = j["first_failure"].as_str().unwrap();
    assert!(first.contains(ja), "{first}");
    assert!(stderr.contains("最初に失敗した項目"), "{stderr}");
    let text = t.run(&["doctor", id]).stdout;
    println!("{text}");
    assert!(text.contains('✗') && text.contains("→"), "{text}");
}

#[test]
fn doctor_passes_every_step_against_the_healthy_bed() {
    let bed = smtp_bed();
    let t = Tayori::new();
    let id = add_sender(&t, &bed, false, "alice-pw", &[]);
    let (code, j, _) = doctor(&t, &id, "en_US.UTF-8");
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["ok"], true);
    let want = ["name-lookup", "tcp", "tls", "greeting", "login"];
    let got = steps(&j);
    for server in ["imap", "smtp"] {
        let of: Vec<&str> = got
            .iter()
            .filter(|s| s.0 == server)
            .map(|s| s.1.as_str())
            .collect();
        assert_eq!(of, want, "{server}: {j}");
    }
    assert!(got.iter().all(|s| s.2), "{j}");
    let tls = &j["steps"].as_array().unwrap()[2];
    assert!(
        tls["verdict"].as_str().unwrap().contains("CN=localhost"),
        "{tls}"
    );
    // The negotiated version, from OpenSSL (the system's TLS library here).
    assert!(
        tls["verdict"].as_str().unwrap().contains("(TLSv1."),
        "{tls}"
    );
    assert!(
        !j.to_string().contains("alice-pw"),
        "no secret in the output"
    );
    let greeting = &j["steps"].as_array().unwrap()[3];
    assert!(
        greeting["verdict"].as_str().unwrap().contains("IMAP4rev1"),
        "{greeting}"
    );
    // SMTP over STARTTLS (587): EHLO lists AUTH after TLS.
    let smtp_greeting = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["server"] == "smtp" && s["step"] == "greeting")
        .unwrap()
        .clone();
    assert!(
        smtp_greeting["verdict"].as_str().unwrap().contains("AUTH"),
        "{smtp_greeting}"
    );
    let text = t.run(&["doctor", &id]).ok().stdout;
    println!("{text}");
    assert!(text.contains("Every step passed."), "{text}");

    // POP3: UIDL too.
    let p = Tayori::new();
    let pid = p.add_pop3(&bed, &[]);
    let (code, j, _) = doctor(&p, &pid, "en_US.UTF-8");
    assert_eq!(code, 0, "{j}");
    assert_eq!(steps(&j).last().unwrap().1, "uidl", "{j}");
}

#[test]
fn doctor_names_the_failing_step_in_english_and_japanese() {
    let mut bed = TestBed::start();
    let t = Tayori::new();
    // A port nothing listens on.
    let closed = untested(&t, &bed, bed.host(), free_port(), "alice-pw");
    assert_fails_at(&t, &closed, "tcp", "Connection to port", "への接続");
    // Another service's port (POP3S for an IMAP account): TLS works, the greeting does not.
    let pop = untested(&t, &bed, bed.host(), bed.pop3s_port(), "alice-pw");
    assert_fails_at(
        &t,
        &pop,
        "greeting",
        "Greeting and capabilities",
        "あいさつと機能",
    );
    // A name the certificate is not for (127.1 is 127.0.0.1; the certificate names
    // localhost and 127.0.0.1).
    let other = untested(&t, &bed, "127.1", bed.imaps_port(), "alice-pw");
    assert_fails_at(&t, &other, "tls", "Encryption (TLS)", "暗号化 (TLS)");
    let (_, j, _) = doctor(&t, &other, "en_US.UTF-8");
    let v = j["steps"].as_array().unwrap().last().unwrap()["verdict"].clone();
    assert!(v.as_str().unwrap().contains("another name"), "{v}");
    // A wrong password: named, never printed.
    let wrong = untested(&t, &bed, bed.host(), bed.imaps_port(), "not-the-pw");
    assert_fails_at(&t, &wrong, "login", "Login", "ログイン");
    let (_, j, stderr) = doctor(&t, &wrong, "en_US.UTF-8");
    assert!(!j.to_string().contains("not-the-pw") && !stderr.contains("not-the-pw"));
    // The server stopped.
    let good = untested(&t, &bed, bed.host(), bed.imaps_port(), "alice-pw");
    bed.stop();
    assert_fails_at(&t, &good, "tcp", "Connection to port", "への接続");
}
