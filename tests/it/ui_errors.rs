//! Errors in the Japanese window are Japanese sentences, never the libraries' English: the
//! real `App` in Japanese through iced_test, adding an account against real conditions (the
//! bed's Dovecot with a wrong password, a closed loopback port, a keyring that cannot be
//! reached, the bed's certificate without its CA), its tasks run as the window runs them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::window::{assert_screen, press, send};
use crate::support::{BedOptions, TestBed};
use crate::ui_wizard::{autoconfig, env, identity, new_app};
use std::sync::Arc;
use tayori::account::keeper::MemoryKeeper;
use tayori::store::Store;
use tayori::ui::app::{App, Message, Screen};
use tayori::ui::form::{Field, FormMsg};
use tayori::ui::wizard::{Step, WizardMsg};

/// What a missing Secret Service says through the keyring crate.
const NO_KEYRING: &str = "SS error: result not returned from SS API";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

/// A Japanese window whose keyring is `keeper` (None: one that works, in memory).
fn window(dir: &tempfile::TempDir, keeper: Option<MemoryKeeper>) -> (App, Arc<MemoryKeeper>) {
    let (mut env, kept) = env(None, None);
    let kept = match keeper {
        Some(k) => Arc::new(k),
        None => kept,
    };
    env.keeper = kept.clone();
    (new_app(dir, "ja", env), kept)
}

/// Fills the manual form for alice on `port` and submits it ("接続を確認して追加").
fn submit(
    rt: &tokio::runtime::Runtime,
    app: &mut App,
    port: u16,
    password: &str,
    ca: Option<&std::path::Path>,
) {
    send(rt, app, Message::Nav(Screen::AddAccount));
    let port = port.to_string();
    let ca = ca.map(|p| p.display().to_string()).unwrap_or_default();
    for (field, value) in [
        (Field::Email, "alice@example.test"),
        (Field::Username, "alice"),
        (Field::Host, "localhost"),
        (Field::Port, port.as_str()),
        (Field::Password, password),
        (Field::CaFile, ca.as_str()),
    ] {
        send(rt, app, Message::Form(FormMsg::Edit(field, value.into())));
    }
    press(rt, app, "接続を確認して追加");
    assert!(!app.form.busy);
}

fn no_accounts(dir: &tempfile::TempDir) -> bool {
    Store::open_dir(dir.path())
        .unwrap()
        .accounts()
        .unwrap()
        .is_empty()
}

#[test]
fn japanese_form_wrong_password() {
    let bed = TestBed::start();
    let dir = tempfile::tempdir().unwrap();
    let (mut app, kept) = window(&dir, None);
    let rt = rt();
    submit(
        &rt,
        &mut app,
        bed.imaps_port(),
        "wrong",
        Some(&bed.ca_file()),
    );
    assert_screen(
        &app,
        "サーバー localhost が alice@example.test のパスワードを受け付けませんでした。パスワード (とユーザー名) を確認してください。サーバーの応答:「",
        &["wrong user name or password", "login failed", "The server"],
    );
    assert!(no_accounts(&dir));
    assert!(kept.entries().is_empty());
}

#[test]
fn japanese_form_host_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = window(&dir, None);
    submit(&rt(), &mut app, port, "pw", None);
    assert_screen(
        &app,
        &format!(
            "localhost がポート {port} への接続を拒否しました。ポート番号を確認してください。"
        ),
        &["Connection refused", "os error", "refused the connection"],
    );
    assert!(no_accounts(&dir));
}

#[test]
fn japanese_form_keyring_missing() {
    let bed = TestBed::start();
    let (_, pw) = bed.user(0);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, kept) = window(&dir, Some(MemoryKeeper::unreachable(NO_KEYRING)));
    submit(&rt(), &mut app, bed.imaps_port(), &pw, Some(&bed.ca_file()));
    assert_screen(
        &app,
        "パスワードを保管するシステムのキーリングに接続できません。",
        &[NO_KEYRING, "SS error", "keyring is not reachable"],
    );
    // The login worked, the account row was written, then taken back.
    assert!(no_accounts(&dir));
    assert!(kept.entries().is_empty());
}

#[test]
fn japanese_form_certificate_not_trusted() {
    let bed = TestBed::start();
    let (_, pw) = bed.user(0);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, _) = window(&dir, None);
    // No CA file given: the bed's certificate is from its own test CA.
    submit(&rt(), &mut app, bed.imaps_port(), &pw, None);
    assert_screen(
        &app,
        "localhost との暗号化された接続に失敗しました。サーバーの証明書が信頼できません。",
        &["certificate verify failed", "TLS with", "SSL routines"],
    );
    assert!(no_accounts(&dir));
}

/// The wizard's per-server lines, in Japanese: an untrusted certificate for both servers,
/// then (with the CA) a wrong password for both.
#[test]
fn japanese_wizard_certificate_then_wrong_password() {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let (env, kept) = env(Some(autoconfig(&bed)), None);
    let mut app = new_app(&dir, "ja", env);
    let rt = rt();
    identity(&mut app, "アリス", "alice@example-isp.test", "wrong");
    send(&rt, &mut app, Message::Wizard(WizardMsg::Next));
    press(&rt, &mut app, "接続をテストする");
    assert_eq!(app.wizard.step, Step::Failed);
    assert_screen(
        &app,
        "localhost との暗号化された接続に失敗しました。サーバーの証明書が信頼できません。",
        &["certificate verify failed", "TLS with", "SSL routines"],
    );

    app.wizard.env.ca_file = Some(bed.ca_file().display().to_string());
    press(&rt, &mut app, "もう一度試す");
    assert_eq!(app.wizard.step, Step::Failed);
    assert_screen(
        &app,
        "サーバー localhost が alice@example-isp.test のパスワードを受け付けませんでした。",
        &["wrong user name or password", "login failed", "The server"],
    );
    assert!(no_accounts(&dir));
    assert!(kept.entries().is_empty());
}
