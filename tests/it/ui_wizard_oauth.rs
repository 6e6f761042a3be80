//! The setup wizard's Outlook.com path through iced_test: no password field, "Sign in with
//! Microsoft", the waiting step with Cancel, then the real browser flow against the OAuth2
//! bed (a local authorization server; curl plays the browser), the connection test with the
//! token against the bed's Dovecot and Postfix, and the tokens kept with the account.
//! Discovery is stubbed to point at the bed, and the sign-in at its authorization server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{BedOptions, TestBed};
use crate::ui_wizard::{click, edit, env, new_app, run_job, shows};
use std::sync::Arc;
use tayori::account::keeper::MemoryKeeper;
use tayori::account::oauth::OAuthError;
use tayori::discovery::{Discovered, ServerSetting, Source, UsernameForm};
use tayori::model::{OAuthSettings, Security};
use tayori::store::Store;
use tayori::ui::app::Message;
use tayori::ui::wizard::{Step, WField, WizardEnv, WizardMsg};

fn tools() -> bool {
    crate::common::have_all_or_skip(&["node", "npm", "curl"])
}

/// What the bundled provider list gives for outlook.com, with the bed's servers.
fn discovered(bed: &TestBed, email: &str) -> Discovered {
    let s = |port, security| ServerSetting {
        host: "localhost".into(),
        port,
        security,
        username: UsernameForm::Email,
        guessed: false,
    };
    Discovered {
        email: email.into(),
        imap: vec![s(bed.imaps_port(), Security::Tls)],
        pop3: vec![s(bed.pop3s_port(), Security::Tls)],
        smtp: vec![s(bed.submission_port(), Security::Starttls)],
        source: Source::ProviderDb {
            provider: "Outlook.com / Hotmail".into(),
        },
        provider: Some("Outlook.com / Hotmail".into()),
        notes: vec!["discovery-note-oauth".into()],
        tried: Vec::new(),
    }
}

/// The OAuth2 bed, a data dir, and the wizard's environment pointed at the bed's
/// authorization server (with its device endpoint when `device`), for alice@outlook.com.
fn outlook_bed(device: bool) -> (TestBed, tempfile::TempDir, WizardEnv, Arc<MemoryKeeper>) {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        oauth2: true,
        ..Default::default()
    });
    bed.oauth_set("email", OUTLOOK);
    let dir = tempfile::tempdir().unwrap();
    let (mut wenv, kept) = env(None, Some(bed.ca_file().display().to_string()));
    wenv.oauth = Some(bed_settings(&bed, device));
    (bed, dir, wenv, kept)
}

const OUTLOOK: &str = "alice@outlook.com";

#[test]
fn ui_wizard_outlook_signs_in_with_microsoft_instead_of_a_password() {
    if !tools() {
        return;
    }
    let (bed, dir, mut wenv, kept) = outlook_bed(false);
    let email = OUTLOOK;
    let issuer = bed.oauth_issuer();
    let opened = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = opened.clone();
    wenv.open_url = Arc::new(move |url: &str| {
        seen.lock().unwrap().push(url.to_string());
        std::process::Command::new("curl")
            .args(["-s", "-L", "-o", "/dev/null", "--max-time", "20", url])
            .spawn()
            .map(|_| ())
            .map_err(|e| OAuthError::Browser(e.to_string()))
    });
    let mut app = new_app(&dir, "en", wenv);

    // Step 1: an Outlook.com address: no password field, and what happens instead.
    edit(&mut app, WField::Name, "Alice");
    edit(&mut app, WField::Email, email);
    assert!(!shows(&app, "Password"), "a password field for Outlook.com");
    assert!(shows(&app, &app.tr.tr("wizard-oauth-microsoft", None)));
    click(&mut app, "Next");
    assert_eq!(app.wizard.step, Step::Discovering);
    let g = app.wizard.generation;
    let _ = app.update(Message::Wizard(WizardMsg::Discovered(
        g,
        Ok(discovered(&bed, email)),
    )));
    assert_eq!(app.wizard.step, Step::Choice);
    assert!(!shows(&app, "Test the connection"));

    // "Sign in with Microsoft", the waiting step says what to do; Cancel goes back.
    click(&mut app, "Sign in with Microsoft");
    assert_eq!(app.wizard.step, Step::SigningIn);
    assert!(shows(
        &app,
        "Finish signing in with Microsoft in your browser"
    ));
    assert!(shows(
        &app,
        "Your browser shows Microsoft’s sign-in page. Sign in there and allow Tayori to read \
         and send your mail. Then come back here: Tayori goes on by itself."
    ));
    click(&mut app, "Cancel");
    assert_eq!(app.wizard.step, Step::Choice);
    assert!(app.wizard.job.is_none());

    // Again, to the end: the browser comes back, the test passes with the token.
    click(&mut app, "Sign in with Microsoft");
    assert_eq!(app.wizard.step, Step::SigningIn);
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Testing, "{:?}", app.wizard.error);
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Done, "{:?}", app.wizard.outcome);
    let url = opened.lock().unwrap().last().cloned().unwrap();
    assert!(url.starts_with(&format!("{issuer}/authorize?")), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert_eq!(bed.oauth_requests(), vec!["authorization_code"]);

    // The account signs in with OAuth2; its tokens are in the keeper, not the database.
    let store = Store::open_dir(dir.path()).unwrap();
    let acc = store.accounts().unwrap().remove(0);
    assert_eq!(acc.email, email);
    assert_eq!(
        acc.oauth.as_ref().map(|o| o.issuer.as_str()),
        Some(issuer.as_str())
    );
    let entries = kept.entries();
    assert_eq!(entries.len(), 1);
    let kept_json: serde_json::Value = serde_json::from_str(&entries[0].1).unwrap();
    let refresh = kept_json["refresh_token"].as_str().unwrap().to_string();
    let db = std::fs::read(dir.path().join("tayori.sqlite3")).unwrap();
    assert!(!db.windows(refresh.len()).any(|w| w == refresh.as_bytes()));
}

#[test]
fn ui_wizard_gmail_offers_google_or_an_app_password_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (wenv, _) = env(None, None);
    let mut app = new_app(&dir, "ja", wenv);
    edit(&mut app, WField::Email, "hanako@gmail.com");
    assert!(shows(&app, "Google でサインイン（おすすめ）"));
    assert!(shows(&app, "アプリ パスワードを使う"));
    // Google's page: no password asked.
    assert!(!shows(&app, "パスワード"));
    click(&mut app, "アプリ パスワードを使う");
    assert!(shows(&app, "https://myaccount.google.com/apppasswords"));
    assert!(shows(&app, "パスワード"));
    let _ = app.update(Message::SetLanguage(Some("en".into())));
    assert!(shows(&app, "Sign in with Google (recommended)"));
    assert!(shows(
        &app,
        &app.tr.tr("wizard-auth-app-password-explain", None)
    ));
}

/// The bed's authorization server as the wizard's sign-in, with its device endpoint.
fn bed_settings(bed: &TestBed, device: bool) -> OAuthSettings {
    let issuer = bed.oauth_issuer();
    OAuthSettings {
        issuer: issuer.clone(),
        client_id: "tayori-test".into(),
        client_secret: None,
        auth_url: format!("{issuer}/authorize"),
        token_url: format!("{issuer}/token"),
        device_url: device.then(|| format!("{issuer}/device_authorization")),
        scopes: vec!["mail".into()],
        auth_params: Vec::new(),
    }
}

/// The person at the other device says yes or no to the code (the bed's test-only URL).
fn answer(bed: &TestBed, code: &str, verdict: &str) {
    let url = format!(
        "{}/test/device/{verdict}?user_code={code}",
        bed.oauth_issuer()
    );
    let ok = std::process::Command::new("curl")
        .args(["-s", "-f", "-X", "POST", &url])
        .status()
        .unwrap();
    assert!(ok.success(), "{url}");
}

#[test]
fn ui_wizard_outlook_signs_in_on_another_device_with_a_code_and_cancel() {
    if !tools() {
        return;
    }
    let (bed, dir, mut wenv, kept) = outlook_bed(true);
    let email = OUTLOOK;
    wenv.open_url = Arc::new(|url: &str| Err(OAuthError::Browser(format!("no browser: {url}"))));
    let mut app = new_app(&dir, "en", wenv);
    edit(&mut app, WField::Name, "Alice");
    edit(&mut app, WField::Email, email);
    click(&mut app, "Next");
    let g = app.wizard.generation;
    let _ = app.update(Message::Wizard(WizardMsg::Discovered(
        g,
        Ok(discovered(&bed, email)),
    )));
    assert!(shows(&app, "Sign in with Microsoft"));

    // The code is asked for, then shown with its page; Cancel goes back.
    click(&mut app, "Sign in on another device");
    assert_eq!(app.wizard.step, Step::SigningIn);
    assert!(shows(&app, "Asking Microsoft for a sign-in code…"));
    run_job(&mut app);
    let d = app.wizard.device.clone().expect("no code shown");
    assert_eq!(d.verification_uri, format!("{}/device", bed.oauth_issuer()));
    assert!(shows(&app, &d.user_code), "the code is not shown");
    assert!(shows(&app, &d.verification_uri));
    assert!(shows(&app, "Sign in on another device"));
    click(&mut app, "Cancel");
    assert_eq!(app.wizard.step, Step::Choice);
    assert!(app.wizard.device.is_none() && app.wizard.job.is_none());

    // Refused on the other device: back to the choice, in words.
    click(&mut app, "Sign in on another device");
    run_job(&mut app);
    let code = app.wizard.device.clone().unwrap().user_code.clone();
    answer(&bed, &code, "deny");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Choice);
    assert!(shows(
        &app,
        "The sign-in was refused on the other device. Nothing was changed."
    ));

    // Approved: the connection test with the token, then the account.
    click(&mut app, "Sign in on another device");
    run_job(&mut app);
    let code = app.wizard.device.clone().unwrap().user_code.clone();
    answer(&bed, &code, "approve");
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Testing, "{:?}", app.wizard.error);
    run_job(&mut app);
    assert_eq!(app.wizard.step, Step::Done, "{:?}", app.wizard.outcome);
    assert!(
        bed.oauth_requests()
            .iter()
            .all(|g| g == "urn:ietf:params:oauth:grant-type:device_code"),
        "{:?}",
        bed.oauth_requests()
    );
    let store = Store::open_dir(dir.path()).unwrap();
    assert_eq!(store.accounts().unwrap().len(), 1);
    assert_eq!(kept.entries().len(), 1);
}

#[test]
fn ui_wizard_yahoo_aol_fastmail_offer_sign_in_only_with_a_client_id() {
    for (email, name, page) in [
        (
            "taro@yahoo.com",
            "Yahoo",
            "https://help.yahoo.com/kb/generate-manage-third-party-passwords-sln15241.html",
        ),
        (
            "taro@aol.com",
            "AOL",
            "https://help.aol.com/articles/Create-and-manage-app-password",
        ),
        (
            "taro@fastmail.com",
            "Fastmail",
            "https://www.fastmail.com/help/clients/apppassword.html",
        ),
    ] {
        // No client ID configured: the app password with the provider's page.
        let dir = tempfile::tempdir().unwrap();
        let (wenv, _) = env(None, None);
        let mut app = new_app(&dir, "en", wenv);
        edit(&mut app, WField::Email, email);
        assert!(!shows(&app, &format!("Sign in with {name} (recommended)")));
        assert!(shows(
            &app,
            &format!(
                "{name} lets mail programs in with an app password, not your usual password. \
                 Make one as the page below explains, then type it here."
            )
        ));
        assert!(shows(&app, page), "{email}: no {page}");
        assert!(shows(&app, "Password"));

        // With one (here the environment's stand-in): the choice, the provider's page first.
        let (mut wenv, _) = env(None, None);
        wenv.oauth = Some(OAuthSettings {
            issuer: "https://login.example".into(),
            client_id: "tayori-test".into(),
            client_secret: None,
            auth_url: "https://login.example/a".into(),
            token_url: "https://login.example/t".into(),
            device_url: None,
            scopes: vec!["mail".into()],
            auth_params: Vec::new(),
        });
        let dir = tempfile::tempdir().unwrap();
        let mut app = new_app(&dir, "ja", wenv);
        edit(&mut app, WField::Email, email);
        assert!(shows(&app, &format!("{name} でサインイン（おすすめ）")));
        assert!(!shows(&app, "パスワード"));
        click(&mut app, "アプリ パスワードを使う");
        assert!(shows(&app, page));
        assert!(shows(&app, "パスワード"));
        let _ = app.update(Message::SetLanguage(Some("en".into())));
        assert!(shows(&app, &format!("Sign in with {name} (recommended)")));
        // No device flow at these providers.
        assert!(!app.wizard.offers_device());
    }
}
