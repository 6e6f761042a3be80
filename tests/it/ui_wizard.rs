//! The setup wizard through iced_test, in English and Japanese: the real `App` over a real
//! store, discovery with a stub DNS and a stub HTTPS whose autoconfig points at the test bed,
//! and connection tests against the bed's real Dovecot and SMTP server (with its CA). The
//! wizard's network jobs are run here exactly as the app runs them on a task.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use futures::future::BoxFuture;
use iced_test::simulator;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{BedOptions, TestBed};
use tayori::account::keeper::MemoryKeeper;
use tayori::discovery::conntest::ConnTestError;
use tayori::discovery::{
    self, Discovered, DnsError, Http, HttpError, Resolver, ServerSetting, Source, SrvRecord,
    UsernameForm,
};
use tayori::engine::Failure;
use tayori::model::{Protocol, Security};
use tayori::store::Store;
use tayori::ui::app::{App, Message, Screen};
use tayori::ui::failure::failure_text;
use tayori::ui::wizard::{Step, WField, WizardEnv, WizardMsg};

/// No DNS at all: discovery must not need it for these addresses.
struct NoDns;
impl Resolver for NoDns {
    fn mx<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        Box::pin(async { Err(DnsError::NotFound) })
    }
    fn srv<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<SrvRecord>, DnsError>> {
        Box::pin(async { Err(DnsError::NotFound) })
    }
    fn lookup<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async { Err(DnsError::NotFound) })
    }
}

/// HTTPS that serves one autoconfig file for every request (and records what was asked).
struct StubHttp {
    xml: Option<String>,
    seen: Mutex<Vec<String>>,
}
impl Http for StubHttp {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>> {
        self.seen.lock().unwrap().push(url.to_string());
        let r = match &self.xml {
            Some(x) if url.contains("config-v1.1.xml") => Ok(x.clone().into_bytes()),
            _ => Err(HttpError::Status(404)),
        };
        Box::pin(async move { r })
    }
}

/// Autoconfig for example-isp.test pointing at the bed (IMAP, POP3 and SMTP, login = local part).
pub(crate) fn autoconfig(bed: &TestBed) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example-isp.test">
    <domain>example-isp.test</domain>
    <displayName>Example ISP</displayName>
    <incomingServer type="imap">
      <hostname>localhost</hostname><port>{}</port>
      <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>localhost</hostname><port>{}</port>
      <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>localhost</hostname><port>{}</port>
      <socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#,
        bed.imaps_port(),
        bed.pop3s_port(),
        bed.submission_port()
    )
}

/// A wizard environment of stubs; passwords are kept in memory instead of the OS keyring.
pub(crate) fn env(xml: Option<String>, ca: Option<String>) -> (WizardEnv, Arc<MemoryKeeper>) {
    let kept = Arc::new(MemoryKeeper::new());
    let env = WizardEnv {
        resolver: Arc::new(NoDns),
        http: Arc::new(StubHttp {
            xml,
            seen: Mutex::new(Vec::new()),
        }),
        options: discovery::Options {
            step_timeout: Duration::from_secs(2),
            total: Duration::from_secs(5),
            ca_file: ca.clone(),
            ..Default::default()
        },
        ca_file: ca,
        keeper: kept.clone(),
        oauth: None,
        open_url: Arc::new(|_: &str| Ok(())),
    };
    (env, kept)
}

pub(crate) fn new_app(dir: &tempfile::TempDir, lang: &str, env: WizardEnv) -> App {
    let mut app = App::new(Some(dir.path().to_path_buf()));
    if lang != "en" {
        let _ = app.update(Message::SetLanguage(Some(lang.into())));
    }
    app.wizard.env = env;
    app
}

pub(crate) fn click(app: &mut App, label: &str) {
    let messages = {
        let mut ui = simulator(app.view());
        ui.click(label)
            .unwrap_or_else(|e| panic!("no {label:?} to click: {e:?}"));
        ui.into_messages().collect::<Vec<_>>()
    };
    assert!(!messages.is_empty(), "clicking {label:?} did nothing");
    for m in messages {
        let _ = app.update(m);
    }
}

/// Like `click`, and then runs the Tasks it returned (the read pool's reloads); only where
/// no wizard job is pending, since those run through `run_job`.
fn click_and_settle(app: &mut App, label: &str) {
    let messages = {
        let mut ui = simulator(app.view());
        ui.click(label)
            .unwrap_or_else(|e| panic!("no {label:?} to click: {e:?}"));
        ui.into_messages().collect::<Vec<_>>()
    };
    for m in messages {
        crate::common::settle(app, m);
    }
}

pub(crate) fn shows(app: &App, label: &str) -> bool {
    let mut ui = simulator(app.view());
    ui.find(label).is_ok()
}

fn assert_shows(app: &App, label: &str) {
    assert!(
        shows(app, label),
        "{label:?} is not on the {:?} step",
        app.wizard.step
    );
}

pub(crate) fn edit(app: &mut App, field: WField, v: &str) {
    let _ = app.update(Message::Wizard(WizardMsg::Edit(field, v.into())));
}

/// Runs the job the wizard started (as the app's task would) and feeds its answer back.
pub(crate) fn run_job(app: &mut App) {
    let job = app.wizard.job.clone().expect("the wizard started no job");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let msg = rt.block_on(job.run());
    let _ = app.update(Message::Wizard(msg));
}

pub(crate) fn identity(app: &mut App, name: &str, email: &str, pw: &str) {
    edit(app, WField::Name, name);
    edit(app, WField::Email, email);
    edit(app, WField::Password, pw);
}

/// The id of the one account in the data dir.
fn accounts_id(dir: &tempfile::TempDir) -> i64 {
    Store::open_dir(dir.path()).unwrap().accounts().unwrap()[0]
        .id
        .0
}

#[test]
fn first_run_gmail_from_the_bundled_database_explains_imap_and_pop3() {
    let dir = tempfile::tempdir().unwrap();
    let (env, _) = env(None, None);
    let mut app = new_app(&dir, "en", env);
    assert_eq!(app.screen, Screen::Wizard);
    assert_shows(&app, "Set up your mail");
    assert_shows(&app, "Step 1 of 4: you and your address");

    // Nothing typed: a clear message, nothing started.
    click(&mut app, "Next");
    assert_shows(&app, "Enter an e-mail address such as taro@example.jp.");
    assert!(app.wizard.job.is_none());

    identity(&mut app, "Hanako", "hanako@gmail.com", "secret");
    // Gmail: Google's sign-in page or an app password; this path takes the app password.
    click(&mut app, "Use an app password");
    click(&mut app, "Next");
    assert_eq!(app.wizard.step, Step::Discovering);
    assert_shows(&app, "Looking up the settings for gmail.com…");
    assert_shows(&app, "Skip: enter the settings by hand");
    run_job(&mut app);

    assert_eq!(app.wizard.step, Step::Choice);
    assert_shows(
        &app,
        "Settings found. Where they came from: Found in Tayori's list of mail providers",
    );
    assert_shows(&app, "How should Tayori receive your mail?");
    assert_shows(&app, "IMAP (recommended)");
    assert_shows(
        &app,
        "Your mail stays on the server. What you read, file or delete here looks the same on \
         your PC, phone and tablet. It uses space on the server, and reading new mail needs a \
         connection.",
    );
    assert_shows(
        &app,
        "Your mail is downloaded to this computer and can be read offline. Other devices will \
         not see what you read or delete here. Tayori can leave a copy on the server, so your \
         phone still receives it.",
    );
    assert_shows(&app, "IMAP: imap.gmail.com, port 993, encrypted (TLS)");
    // Gmail's note: an app password.
    assert!(
        app.wizard
            .found
            .as_ref()
            .unwrap()
            .notes
            .iter()
            .any(|n| n == "discovery-note-app-password")
    );
    assert_shows(&app, &app.tr.tr("discovery-note-app-password", None));
    assert_eq!(app.wizard.protocol, Protocol::Imap);
    assert_eq!(app.wizard.username, "hanako@gmail.com");

    // POP3 is a real choice, with "leave a copy" on by default.
    click(&mut app, "POP3");
    assert_eq!(app.wizard.protocol, Protocol::Pop3);
    assert_shows(&app, "Leave a copy on the server");
    assert!(app.wizard.leave_on_server);
    assert_shows(
        &app,
        "Delete from the server after this many days (empty: never)",
    );
    edit(&mut app, WField::DeleteDays, "soon");
    click(&mut app, "Test the connection");
    assert_shows(&app, "The number of days must be a whole number, or empty.");
    assert_eq!(app.wizard.step, Step::Choice);

    // The manual form is one click away and keeps what was typed and found.
    click(&mut app, "Enter the settings by hand");
    assert_eq!(app.screen, Screen::AddAccount);
    assert_eq!(app.form.email, "hanako@gmail.com");
    assert_eq!(app.form.host, "pop.gmail.com");
    assert!(app.form.pop3);
    assert_eq!(app.form.smtp_host, "smtp.gmail.com");
    assert_shows(&app, "POP3 server");
    click(&mut app, "Back to the setup wizard");
    assert_eq!(app.screen, Screen::Wizard);
}

#[test]
fn japanese_wizard_and_skipping_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let (env, _) = env(None, None);
    let mut app = new_app(&dir, "ja", env);
    assert_shows(&app, "メールの設定");
    assert_shows(&app, "ステップ 1/4: お名前とメールアドレス");
    identity(&mut app, "山田 花子", "hanako@docomo.ne.jp", "secret");
    click(&mut app, "次へ");
    assert_shows(&app, "docomo.ne.jp の設定を調べています…");

    // Skipping while discovery runs: the manual form, and the late answer is ignored.
    let job = app.wizard.job.clone().unwrap();
    click(&mut app, "スキップして手動で設定する");
    assert_eq!(app.screen, Screen::AddAccount);
    assert_eq!(app.form.email, "hanako@docomo.ne.jp");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let late = rt.block_on(job.run());
    let _ = app.update(Message::Wizard(late));
    assert_eq!(app.screen, Screen::AddAccount);
    assert_eq!(app.wizard.step, Step::Discovering);

    // Back in the wizard, the same address again, this time to the end of discovery.
    let _ = app.update(Message::Nav(Screen::Wizard));
    let _ = app.update(Message::Wizard(WizardMsg::Back));
    click(&mut app, "次へ");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Choice);
    assert_shows(&app, "メールの受け取り方を選んでください");
    assert_shows(&app, "IMAP (おすすめ)");
    assert_shows(
        &app,
        "メールをこのパソコンにダウンロードするので、オフラインでも読めます。ここで読んだり削除したりしたことは、ほかの機器には反映されません。サーバーにコピーを残せば、スマートフォンでも受信できます。",
    );
    // docomo's separate IMAP password is explained.
    assert_shows(
        &app,
        &app.tr.tr("discovery-note-docomo-imap-password", None),
    );
    assert_shows(
        &app,
        "設定が見つかりました。取得元: Tayori のメールサービス一覧で見つかりました",
    );
}

/// A guessed server is never sent a password without asking.
#[test]
fn guessed_servers_ask_before_the_password_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (env, _) = env(None, None);
    let mut app = new_app(&dir, "en", env);
    identity(&mut app, "", "taro@small-isp.test", "pw");
    click(&mut app, "Next");
    let g = app.wizard.generation;
    let guessed = |host: &str, port| ServerSetting {
        host: host.into(),
        port,
        security: Security::Tls,
        username: UsernameForm::Email,
        guessed: true,
    };
    let found = Discovered {
        email: "taro@small-isp.test".into(),
        imap: vec![],
        pop3: vec![guessed("pop.small-isp.test", 995)],
        smtp: vec![],
        source: Source::Guess,
        provider: None,
        notes: vec!["discovery-note-guessed".into()],
        tried: vec![],
    };
    let _ = app.update(Message::Wizard(WizardMsg::Discovered(g, Ok(found))));
    // Only POP3 offered: chosen, IMAP says so.
    assert_eq!(app.wizard.protocol, Protocol::Pop3);
    assert_shows(&app, "Your provider does not offer this.");
    assert_shows(
        &app,
        "No outgoing server was found: you can read mail now and add one later in the manual settings.",
    );
    click(&mut app, "Test the connection");
    assert_eq!(app.wizard.step, Step::ConfirmGuessed);
    assert!(app.wizard.job.is_none(), "a job started before asking");
    assert_shows(&app, "Send your password to these servers?");
    assert_shows(&app, "• pop.small-isp.test:995");
    click(&mut app, "Back");
    assert_eq!(app.wizard.step, Step::Choice);
    click(&mut app, "Test the connection");
    click(&mut app, "Yes, test with these servers");
    assert_eq!(app.wizard.step, Step::Testing);
    assert!(app.wizard.job.is_some());
}

/// The whole way against the real servers: autoconfig -> IMAP -> an untrusted certificate
/// (its details shown), a wrong password (the specific message), then success: the account
/// and its SMTP settings are in the store and the password was kept only now.
#[test]
fn autoconfig_to_the_test_bed_imap_with_failures_then_success() {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    let (_, pw) = bed.user(0);
    let ca = bed.ca_file().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let (env, kept) = env(Some(autoconfig(&bed)), None);
    let mut app = new_app(&dir, "en", env);
    identity(&mut app, "Alice Example", "alice@example-isp.test", "wrong");
    click(&mut app, "Next");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Choice);
    assert_shows(
        &app,
        "Settings found. Where they came from: Published by your mail provider (autoconfig)",
    );
    assert_eq!(app.wizard.username, "alice");
    let imap_line = format!(
        "IMAP: localhost, port {}, encrypted (TLS)",
        bed.imaps_port()
    );
    assert_shows(&app, &imap_line);
    assert_shows(
        &app,
        &format!(
            "Outgoing (SMTP): localhost, port {}, encrypted (STARTTLS)",
            bed.submission_port()
        ),
    );

    // 1. Without the bed's CA the certificate is not trusted: say so, with its details.
    click(&mut app, "Test the connection");
    assert_eq!(app.wizard.step, Step::Testing);
    assert_shows(&app, "Testing the connection…");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Failed);
    assert_shows(&app, "The connection test failed");
    let o = app.wizard.outcome.clone().unwrap();
    let incoming = o.incoming.as_ref().unwrap();
    let Err(ConnTestError::Tls { cert: Some(c), .. }) = &incoming.result else {
        panic!("{o:?}")
    };
    assert_eq!(c.issuer, "CN=Tayori Test CA");
    let untrusted = failure_text(&app.tr, &Failure::of_check(&o, incoming).unwrap());
    assert!(
        untrusted.starts_with(
            "The secure connection to localhost failed: its certificate is not trusted."
        ),
        "{untrusted}"
    );
    assert_shows(&app, &untrusted);
    let details = format!(
        "Certificate: CN=localhost, issued by CN=Tayori Test CA, valid {} to {}, SHA-256 {}",
        c.not_before, c.not_after, c.sha256
    );
    assert_shows(&app, &details);
    assert!(kept.entries().is_empty());

    // 2. With the CA, the wrong password: the specific message, for both servers.
    app.wizard.env.ca_file = Some(ca.clone());
    click(&mut app, "Try again");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Failed);
    let o = app.wizard.outcome.clone().unwrap();
    let incoming = o.incoming.as_ref().unwrap();
    assert!(
        matches!(incoming.result, Err(ConnTestError::WrongPassword { .. })),
        "{o:?}"
    );
    assert!(
        matches!(
            o.outgoing.as_ref().map(|c| &c.result),
            Some(Err(ConnTestError::WrongPassword { .. }))
        ),
        "{o:?}"
    );
    let msg = failure_text(&app.tr, &Failure::of_check(&o, incoming).unwrap());
    assert!(
        msg.starts_with("The server localhost refused the password for alice@example-isp.test."),
        "{msg}"
    );
    assert_shows(&app, &msg);
    assert!(kept.entries().is_empty(), "kept a refused password");
    assert!(
        Store::open_dir(dir.path())
            .unwrap()
            .accounts()
            .unwrap()
            .is_empty()
    );

    // 3. The right password: saved, kept, done.
    edit(&mut app, WField::Password, &pw);
    click(&mut app, "Try again");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Done, "{:?}", app.wizard.error);
    assert_shows(&app, "All set!");
    assert_shows(
        &app,
        "alice@example-isp.test is ready. Tayori is fetching your mail now.",
    );
    assert_eq!(
        kept.entries(),
        vec![(format!("alice#{}", accounts_id(&dir)), pw.clone())]
    );
    let store = Store::open_dir(dir.path()).unwrap();
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    let a = &accounts[0];
    assert_eq!(a.email, "alice@example-isp.test");
    assert_eq!(a.name, "Alice Example");
    assert_eq!(a.username, "alice");
    assert_eq!(a.protocol, Protocol::Imap);
    assert_eq!(a.imap.port, bed.imaps_port());
    assert_eq!(a.ca_file.as_deref(), Some(ca.as_str()));
    let smtp = store.smtp_settings(a.id).unwrap().unwrap();
    assert_eq!(smtp.endpoint.port, bed.submission_port());
    assert_eq!(smtp.endpoint.security, Security::Starttls);
    assert_eq!(smtp.username, None);

    click_and_settle(&mut app, "Go to my mail");
    assert_eq!(app.screen, Screen::Mail);
    assert_eq!(app.accounts.len(), 1);
}

/// POP3 chosen in Japanese, leaving copies for 30 days, tested against the bed's POP3S.
#[test]
fn japanese_pop3_with_leave_on_server_for_30_days() {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    let (_, pw) = bed.user(1);
    let ca = bed.ca_file().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let (env, kept) = env(Some(autoconfig(&bed)), Some(ca));
    let mut app = new_app(&dir, "ja", env);
    identity(&mut app, "ボブ", "bob@example-isp.test", &pw);
    click(&mut app, "次へ");
    run_job(&mut app);
    assert_shows(
        &app,
        "設定が見つかりました。取得元: メールサービスが公開している設定情報 (autoconfig) から取得しました",
    );
    click(&mut app, "POP3");
    assert_shows(&app, "サーバーにメールのコピーを残す");
    edit(&mut app, WField::DeleteDays, "30");
    click(&mut app, "接続をテストする");
    assert_shows(&app, "接続をテストしています…");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Done, "{:?}", app.wizard.outcome);
    assert_shows(&app, "設定が完了しました");
    assert_shows(
        &app,
        "メールはこのパソコンにダウンロードされ、サーバーにもコピーが残ります。",
    );
    assert_eq!(kept.entries().len(), 1);
    let store = Store::open_dir(dir.path()).unwrap();
    let a = store.accounts().unwrap().remove(0);
    assert_eq!(a.protocol, Protocol::Pop3);
    assert_eq!(a.imap.port, bed.pop3s_port());
    assert!(a.pop3.leave_on_server);
    assert_eq!(a.pop3.delete_after_days, Some(30));
    assert!(store.smtp_settings(a.id).unwrap().is_some());
}

/// The manual form, reached from the wizard: POP3 with its options and an SMTP server, as
/// they go to the engine.
#[test]
fn manual_form_saves_pop3_options_and_smtp() {
    use tayori::ui::form::{Field, FormMsg};
    let dir = tempfile::tempdir().unwrap();
    let (env, kept) = env(None, None);
    let mut app = new_app(&dir, "en", env);
    identity(&mut app, "Taro", "taro@isp.test", "pw");
    click(&mut app, "Enter the settings by hand");
    assert_eq!(app.form.email, "taro@isp.test");
    assert_eq!(app.form.password, "pw");
    // (A toggler's label is not a separate text for the simulator: send its message.)
    let _ = app.update(Message::Form(FormMsg::Pop3(true)));
    assert_shows(&app, "POP3 server");
    assert_shows(&app, "Delete from the server after days (optional)");
    let set = |app: &mut App, f: Field, v: &str| {
        let _ = app.update(Message::Form(FormMsg::Edit(f, v.into())));
    };
    set(&mut app, Field::Host, "pop.isp.test");
    set(&mut app, Field::DeleteDays, "x");
    click(&mut app, "Test and add");
    assert_shows(&app, "The number of days must be a whole number, or empty.");
    set(&mut app, Field::DeleteDays, "14");
    set(&mut app, Field::SmtpHost, "smtp.isp.test");
    click(&mut app, "Test and add");
    assert!(app.form.busy);
    // What goes to the engine's account path (which tests and stores it: tests/it/accounts_path.rs).
    let spec = app.form.spec();
    let a = &spec.account;
    assert!(spec.test_logins);
    assert_eq!(a.protocol, Protocol::Pop3);
    assert_eq!((a.imap.host.as_str(), a.imap.port), ("pop.isp.test", 995));
    assert_eq!(a.pop3.delete_after_days, Some(14));
    let smtp = spec.smtp.unwrap();
    assert_eq!(smtp.endpoint.host, "smtp.isp.test");
    assert_eq!(smtp.endpoint.port, 587);
    assert_eq!(smtp.endpoint.security, Security::Starttls);
    assert!(kept.entries().is_empty());
}
