//! `tayori account login ID [--no-browser]`, and the OAuth2 settings `account add --auth
//! oauth2` stores: from the providers table for a known provider (by `--oauth-issuer` name,
//! the address's domain or the server's host), else from the issuer's metadata.
use super::{CliError, Result};
use crate::account::keeper::OsKeyring;
use crate::account::oauth::{self, DeviceSignIn, OAuthError, PendingSignIn, metadata, providers};
use crate::engine::accounts::{database_of, finish_sign_in};
use crate::engine::{Engine, EngineError};
use crate::model::{AccountId, OAuthSettings};
use std::sync::Arc;

fn oauth_error(e: OAuthError) -> CliError {
    CliError::Engine(EngineError::OAuth(e))
}

/// The settings `account add --auth oauth2` stores for the account.
pub async fn oauth_settings(
    email: &str,
    host: &str,
    issuer: Option<&str>,
    client_id: Option<String>,
    scopes: Vec<String>,
) -> Result<OAuthSettings> {
    let provider = match issuer {
        Some(i) => providers::by_name_or_issuer(i),
        None => providers::for_address(email).or_else(|| providers::for_host(host)),
    };
    let endpoints = match (issuer, provider) {
        (Some(i), None) if i.contains("://") => {
            Some(metadata::discover(i).await.map_err(oauth_error)?)
        }
        (Some(i), None) => {
            return Err(CliError::Usage(format!(
                "--oauth-issuer {i}: not a provider Tayori knows (microsoft, microsoft-work, \
                 google, yahoo, aol, fastmail) nor an issuer URL"
            )));
        }
        (None, None) => {
            return Err(CliError::Usage(format!(
                "Tayori does not know where {email} signs in: give --oauth-issuer URL"
            )));
        }
        _ => None,
    };
    let scopes = (!scopes.is_empty()).then_some(scopes);
    oauth::settings_for(provider, endpoints, client_id, scopes).map_err(oauth_error)
}

/// Signs the account in through the browser, tests its logins with the new token, and
/// keeps the tokens in the OS keyring.
pub async fn run(engine: &mut Engine, id: AccountId, no_browser: bool) -> Result<()> {
    let account = engine.store.account(id)?;
    let Some(settings) = account.oauth.clone() else {
        return Err(CliError::Usage(format!(
            "{} signs in with a password, not OAuth2 (add it with --auth oauth2)",
            account.email
        )));
    };
    let tokens = if no_browser && settings.device_url.is_some() {
        sign_in_on_another_device(&account.email, &settings).await?
    } else {
        sign_in_in_the_browser(&account.email, &settings, no_browser).await?
    };
    let db = database_of(&engine.store).map_err(EngineError::from)?;
    finish_sign_in(db, id, tokens, Arc::new(OsKeyring))
        .await
        .map_err(EngineError::from)?;
    println!("signed in {}", account.email);
    Ok(())
}

/// The authorization code flow: the browser here, or (`--no-browser`, a provider without
/// the device flow) the URL printed for a browser on this machine.
async fn sign_in_in_the_browser(
    email: &str,
    settings: &OAuthSettings,
    no_browser: bool,
) -> Result<oauth::TokenSet> {
    let pending = PendingSignIn::start(settings).await.map_err(oauth_error)?;
    if no_browser {
        println!("Open this address in a browser to sign in {email}:");
        println!("{}", pending.url);
    } else {
        eprintln!("tayori: signing in {email} in the browser…");
        oauth::open_browser(&pending.url).map_err(oauth_error)?;
    }
    let lang = crate::i18n::system_language();
    pending.finish(lang).await.map_err(oauth_error)
}

/// The device flow (RFC 8628): the verification address and the code are printed (both
/// checked and stripped of anything but their plain characters), then the token endpoint
/// is polled until the code is entered, refused or expired.
async fn sign_in_on_another_device(
    email: &str,
    settings: &OAuthSettings,
) -> Result<oauth::TokenSet> {
    let device = DeviceSignIn::start(settings).await.map_err(oauth_error)?;
    println!(
        "To sign in {email}, open {} on any device",
        device.verification_uri
    );
    println!("and enter the code: {}", device.user_code);
    println!(
        "(the code is good for {} minutes; Tayori waits here)",
        device.minutes
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();
    device.finish().await.map_err(oauth_error)
}
