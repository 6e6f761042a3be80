//! The one account path (`engine::accounts::create_account`) through each of its entry
//! points, against the bed's real Dovecot and SMTP server: the setup wizard and the manual
//! form (the real `App` through iced_test, its tasks run as the window runs them, passwords
//! in the injectable keeper) and `tayori account add` (the real binary and the real OS
//! keyring: gnome-keyring in a private D-Bus session).
//!
//! Each shows both ways: with a correct IMAP login but an SMTP server that refuses the
//! password, nothing is left (no account, no SMTP row, no keyring entry); once SMTP accepts
//! it, the account exists with its SMTP settings and its password is kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::window::{assert_screen, created, press, send};
use crate::common::{Tayori, bin};
use crate::support::{BedOptions, TestBed};
use crate::ui_wizard::{autoconfig, env, identity, new_app};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tayori::discovery::conntest::ConnTestError;
use tayori::model::Security;
use tayori::store::Store;
use tayori::ui::app::{Message, Screen};
use tayori::ui::form::{Field, FormMsg};
use tayori::ui::wizard::{Step, WizardMsg};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn bed() -> TestBed {
    TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    })
}

/// The accounts in the data dir, with their SMTP settings.
fn stored(dir: &tempfile::TempDir) -> Vec<(tayori::model::Account, bool)> {
    let store = Store::open_dir(dir.path()).unwrap();
    store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| {
            let smtp = store.smtp_settings(a.id).unwrap().is_some();
            (a, smtp)
        })
        .collect()
}

#[test]
fn wizard_smtp_refusal_keeps_nothing_then_success_keeps_account_and_password() {
    let bed = bed();
    let (_, pw) = bed.user(0);
    bed.set_smtp_password(0, "a-separate-smtp-password");
    let ca = bed.ca_file().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let (env, keeper) = env(Some(autoconfig(&bed)), Some(ca));
    let mut app = new_app(&dir, "en", env);
    let rt = rt();
    identity(&mut app, "Alice", "alice@example-isp.test", &pw);
    send(&rt, &mut app, Message::Wizard(WizardMsg::Next));
    assert_eq!(app.wizard.step, Step::Choice);

    // IMAP accepts the password, SMTP does not: nothing is kept.
    let seen = press(&rt, &mut app, "Test the connection");
    assert_eq!(app.wizard.step, Step::Failed);
    let o = app.wizard.outcome.clone().unwrap();
    assert_eq!(o.incoming.as_ref().unwrap().result, Ok(()));
    assert!(
        matches!(
            o.outgoing.as_ref().unwrap().result,
            Err(ConnTestError::WrongPassword { .. })
        ),
        "{o:?}"
    );
    assert_screen(
        &app,
        "The server localhost refused the password for alice@example-isp.test.",
        &[],
    );
    assert_eq!(created(&seen), None);
    assert!(stored(&dir).is_empty());
    assert!(keeper.entries().is_empty(), "{:?}", keeper.entries());

    // SMTP takes the same password now: the account, its SMTP settings, its password.
    bed.set_smtp_password(0, &pw);
    let seen = press(&rt, &mut app, "Try again");
    assert_eq!(app.wizard.step, Step::Done, "{:?}", app.wizard.outcome);
    let accounts = stored(&dir);
    assert_eq!(accounts.len(), 1);
    let (a, smtp) = &accounts[0];
    assert!(smtp);
    assert_eq!(
        (a.email.as_str(), a.username.as_str()),
        ("alice@example-isp.test", "alice")
    );
    assert_eq!(
        created(&seen),
        Some(a.id),
        "the root was not told: {seen:?}"
    );
    assert_eq!(keeper.entries(), vec![(format!("alice#{}", a.id.0), pw)]);
}

#[test]
fn form_smtp_refusal_keeps_nothing_then_success_keeps_account_and_password() {
    let bed = bed();
    let (user, pw) = bed.user(0);
    bed.set_smtp_password(0, "a-separate-smtp-password");
    let dir = tempfile::tempdir().unwrap();
    let (env, keeper) = env(None, None);
    let mut app = new_app(&dir, "en", env);
    let rt = rt();
    send(&rt, &mut app, Message::Nav(Screen::AddAccount));
    let imaps = bed.imaps_port().to_string();
    let submission = bed.submission_port().to_string();
    let ca = bed.ca_file().display().to_string();
    for (field, value) in [
        (Field::Email, "alice@example.test"),
        (Field::Username, user.as_str()),
        (Field::Host, "localhost"),
        (Field::Port, imaps.as_str()),
        (Field::Password, pw.as_str()),
        (Field::CaFile, ca.as_str()),
        (Field::SmtpHost, "localhost"),
        (Field::SmtpPort, submission.as_str()),
    ] {
        send(
            &rt,
            &mut app,
            Message::Form(FormMsg::Edit(field, value.into())),
        );
    }

    let seen = press(&rt, &mut app, "Test and add");
    assert!(!app.form.busy);
    assert_eq!(app.screen, Screen::AddAccount);
    assert_screen(
        &app,
        "The server localhost refused the password for alice@example.test.",
        &[],
    );
    assert_eq!(created(&seen), None);
    assert!(stored(&dir).is_empty());
    assert!(keeper.entries().is_empty(), "{:?}", keeper.entries());

    bed.set_smtp_password(0, &pw);
    let seen = press(&rt, &mut app, "Test and add");
    assert_eq!(app.screen, Screen::Mail, "{:?}", app.form.error);
    let accounts = stored(&dir);
    assert_eq!(accounts.len(), 1);
    let (a, smtp) = &accounts[0];
    assert!(smtp);
    assert_eq!(a.imap.port, bed.imaps_port());
    assert_eq!(
        created(&seen),
        Some(a.id),
        "the root was not told: {seen:?}"
    );
    assert_eq!(keeper.entries(), vec![(format!("alice#{}", a.id.0), pw)]);
    assert_eq!(app.accounts.len(), 1);
}

/// `account add --password-stdin` with the real Secret Service: a private D-Bus session with
/// an unlocked gnome-keyring. The script stops between the two adds until the test has
/// changed the bed (`go`), and reports what the keyring holds at each point. (If the test
/// fails meanwhile, its temp dir goes and the script ends, taking its session with it.)
#[test]
fn cli_smtp_refusal_keeps_nothing_then_success_keeps_account_and_keyring_entry() {
    let have = |c: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {c}"))
            .output()
            .unwrap()
            .status
            .success()
    };
    if !(have("dbus-run-session") && have("gnome-keyring-daemon") && have("secret-tool")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have dbus, gnome-keyring and libsecret-tools (tests/setup-deps.sh)"
        );
        eprintln!("skipped: no dbus-run-session / gnome-keyring-daemon / secret-tool here");
        return;
    }
    let bed = bed();
    let (user, pw) = bed.user(0);
    bed.set_smtp_password(0, "a-separate-smtp-password");
    let t = Tayori::new();
    let sync = tempfile::tempdir().unwrap();
    let add = format!(
        "printf '%s\\n' '{pw}' | {bin} --data-dir {dir} account add --email alice@example.test \
           --imap-host localhost --imap-port {imaps} --imap-security tls --username {user} \
           --ca-file {ca} --smtp-host localhost --smtp-port {smtp} --smtp-security starttls \
           --password-stdin",
        bin = bin(),
        dir = t.data_dir().display(),
        imaps = bed.imaps_port(),
        smtp = bed.submission_port(),
        ca = bed.ca_file().display(),
    );
    let list = format!(
        "{} --data-dir {} account list --json",
        bin(),
        t.data_dir().display()
    );
    let script = format!(
        "export XDG_RUNTIME_DIR=$(mktemp -d) HOME=$(mktemp -d)\n\
         printf %s unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n\
         {add} 2>{s}/add1.err; echo $? >{s}/add1.code\n\
         {list} >{s}/list1.json\n\
         secret-tool search --all service tayori >{s}/keyring1 2>&1\n\
         touch {s}/phase1\n\
         i=0; while [ ! -e {s}/go ]; do\n\
           [ -d {s} ] && [ $i -lt 1200 ] || exit 1; i=$((i+1)); sleep 0.05\n\
         done\n\
         {add} >{s}/add2.out 2>{s}/add2.err; echo $? >{s}/add2.code\n\
         {list} >{s}/list2.json\n\
         secret-tool lookup service tayori username {user}#1 >{s}/keyring2 2>&1\n",
        s = sync.path().display(),
    );
    let child = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read = |name: &str| std::fs::read_to_string(sync.path().join(name)).unwrap_or_default();
    let t0 = Instant::now();
    while !sync.path().join("phase1").exists() {
        assert!(t0.elapsed() < Duration::from_secs(60), "the script stalled");
        std::thread::sleep(Duration::from_millis(50));
    }

    // The SMTP server refused: exit 1, one line saying so, no account, nothing in the keyring.
    assert_eq!(read("add1.code").trim(), "1", "{}", read("add1.err"));
    let err = read("add1.err");
    assert!(
        err.contains("the SMTP server localhost") && err.contains("nothing was saved"),
        "{err}"
    );
    assert!(!err.contains(&pw), "{err}");
    let listed: serde_json::Value = serde_json::from_str(&read("list1.json")).unwrap();
    assert_eq!(listed, serde_json::json!([]));
    let keyring1 = read("keyring1");
    assert!(
        !keyring1.contains("tayori") && !keyring1.contains(&pw),
        "{keyring1}"
    );

    bed.set_smtp_password(0, &pw);
    std::fs::write(sync.path().join("go"), "").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_eq!(read("add2.code").trim(), "0", "{}", read("add2.err"));
    assert_eq!(read("add2.out").trim(), "1");
    let listed: serde_json::Value = serde_json::from_str(&read("list2.json")).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["email"], "alice@example.test");
    assert_eq!(listed[0]["password_command"], serde_json::Value::Null);
    assert_eq!(listed[0]["smtp"]["endpoint"]["security"], "starttls");
    assert_eq!(read("keyring2").trim(), pw, "the keyring holds no password");
}

/// `account smtp` tests the new server's login with the account's password before saving;
/// a refusal leaves the earlier settings (here: none) as they were.
#[test]
fn cli_account_smtp_tests_the_login_before_it_saves() {
    let bed = bed();
    let t = Tayori::new();
    let id = t.add_account(&bed, false);
    let smtp = bed.submission_port().to_string();
    let set = |extra: &[&str]| {
        let mut args = vec![
            "account",
            "smtp",
            id.as_str(),
            "--smtp-host",
            "localhost",
            "--smtp-port",
            smtp.as_str(),
            "--smtp-security",
            "starttls",
        ];
        args.extend_from_slice(extra);
        t.run(&args)
    };
    let listed = || t.run(&["account", "list", "--json"]).ok().json()[0]["smtp"].clone();

    // bob's login with alice's password: refused, nothing saved.
    let r = set(&["--smtp-username", "bob"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("the login test at the SMTP server localhost"),
        "{}",
        r.stderr
    );
    assert_eq!(listed(), serde_json::Value::Null);

    set(&[]).ok();
    assert_eq!(listed()["endpoint"]["port"], bed.submission_port());
    assert_eq!(
        listed()["endpoint"]["security"],
        Security::Starttls.as_str()
    );
}

/// Every step's failure is taken back: a password command that fails stops before any
/// server is asked, and `--no-test` stores settings that could not be checked now.
#[test]
fn cli_password_command_failure_and_no_test() {
    let t = Tayori::new();
    let base = [
        "account",
        "add",
        "--email",
        "a@example.test",
        "--imap-host",
        "localhost",
        "--imap-port",
        "1",
        "--imap-security",
        "tls",
    ];
    let mut args = base.to_vec();
    args.extend(["--password-command", "exit 3"]);
    let r = t.run(&args);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("password command failed"), "{}", r.stderr);
    // Port 1 on loopback is closed: the test says so, and nothing is stored.
    let mut args = base.to_vec();
    args.extend(["--password-command", "printf %s pw"]);
    let r = t.run(&args);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("refused the connection"), "{}", r.stderr);
    let none = t.run(&["account", "list", "--json"]).ok().json();
    assert_eq!(none, serde_json::json!([]));
    args.push("--no-test");
    assert_eq!(t.run(&args).ok().stdout.trim(), "1");
}
