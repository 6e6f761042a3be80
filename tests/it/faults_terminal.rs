//! Fault matrix, terminal: mail text with escape sequences (CSI, OSC 52 clipboard writes,
//! C1 CSI) never reaches the terminal raw from any command, and a reader that goes away
//! (`| head -1`) ends the command quietly.
use crate::common::{Tayori, bin};
use crate::support::{TestBed, make_message};

const NASTY_BODY: &str = "red \u{1b}[31mALERT\u{1b}[0m clip \u{1b}]52;c;cm0gLXJmIH4=\u{7} c1 \u{9b}2J end\n\ttabbed line\n";

fn nasty_message() -> Vec<u8> {
    format!(
        "From: Mallory <m@example.test>\r\nTo: alice@example.test\r\n\
         Subject: escapes inside\r\nMessage-ID: <nasty@example.test>\r\n\
         Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
        NASTY_BODY.replace('\n', "\r\n")
    )
    .into_bytes()
}

/// No ESC, BEL, CR or C1 control anywhere in the output.
fn assert_clean(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t') || ('\u{80}'..='\u{9f}').contains(c)
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: control characters {bad:?} in {out:?}"
    );
}

#[test]
fn faults_mail_text_is_neutralised_in_every_command() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        std::iter::once((1_704_103_200, nasty_message(), false)),
    );
    bed.load_maildir(
        0,
        "INBOX",
        std::iter::once((1_704_103_300, make_message(2, "plain", "hello"), false)),
    );
    let t = Tayori::new();
    let acc = t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    let rows = t.list("INBOX");
    let id = rows
        .iter()
        .find(|r| r["subject"] == "escapes inside")
        .unwrap()["id"]
        .to_string();
    let show = t.run(&["show", &id]).ok().stdout;
    assert_clean("show", &show);
    // Visible, not obeyed; newline and tab kept.
    assert!(show.contains("␛[31mALERT"), "{show}");
    assert!(show.contains("\ttabbed line"), "{show}");
    // JSON keeps the text exactly, escaped.
    let json = t.run(&["show", &id, "--json"]).ok();
    assert_clean("show --json", &json.stdout);
    assert_eq!(
        json.json()["text"].as_str().unwrap().trim_end(),
        NASTY_BODY.trim_end()
    );
    t.run(&[
        "draft",
        "--account",
        &acc,
        "--to",
        "bob@example.test",
        "--subject",
        "draft \u{1b}[2J\u{9b}H",
    ])
    .ok();
    for args in [
        vec!["list", "--folder", "INBOX"],
        vec!["search", "ALERT"],
        vec!["folders"],
        vec!["status"],
        vec!["drafts"],
        vec!["drafts", "--json"],
        vec!["outbox"],
    ] {
        let r = t.run(&args).ok();
        assert_clean(&args.join(" "), &r.stdout);
    }
    let drafts = t.run(&["drafts"]).ok().stdout;
    assert!(drafts.contains("draft ␛[2J"), "{drafts}");
}

/// `tayori CMD | true` after the reader left: exit status of tayori and its stderr.
fn into_closed_pipe(t: &Tayori, args: &str) -> (String, String) {
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "(sleep 0.3; exec \"{}\" --data-dir \"{}\" {args} 2>\"$0\") | true; echo ${{PIPESTATUS[0]}}",
            bin(),
            t.data_dir().display()
        ))
        .arg(t.data_dir().join("stderr.txt"))
        .output()
        .unwrap();
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let err = std::fs::read_to_string(t.data_dir().join("stderr.txt")).unwrap_or_default();
    (code, err)
}

#[test]
fn faults_closed_pipe_ends_commands_quietly() {
    let bed = TestBed::start();
    bed.load_maildir(
        0,
        "INBOX",
        (0..20).map(|i| (1_704_103_200 + i, make_message(i as usize, "s", "b"), true)),
    );
    let t = Tayori::new();
    t.add_account(&bed, false);
    t.run(&["sync"]).ok();
    for args in [
        "list --folder INBOX",
        "list --folder INBOX --json",
        "folders",
        "status",
        "search s",
        "drafts",
    ] {
        let (code, err) = into_closed_pipe(&t, args);
        assert_eq!(code, "0", "{args}: exit {code}: {err}");
        assert!(err.trim().is_empty(), "{args}: {err}");
    }
}
