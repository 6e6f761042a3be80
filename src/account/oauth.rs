//! OAuth2 sign-in for mail servers: the authorization code flow with PKCE (S256) in the
//! system browser and a loopback redirect on a random port (RFC 8252 §7.3), refresh tokens
//! kept by the account's [`SecretKeeper`] (the OS keyring), access tokens refreshed before
//! they expire and once more when a server refuses one. A refresh token the provider no
//! longer accepts (`invalid_grant`) is [`OAuthError::SignInAgain`]: it is never retried.
//!
//! Tokens never reach the database, the logs or stderr: the keeper holds them (one JSON
//! entry per account, [`TokenSet`]), and the protocol code writes them only to the server.
//!
//! [`SecretKeeper`]: super::keeper::SecretKeeper
mod device;
mod flow;
mod listener;
pub mod metadata;
pub mod providers;
pub mod sasl;
mod tokens;

pub use device::{DeviceSignIn, checked_verification_uri, sanitize_user_code};
pub use flow::{PendingSignIn, open_browser};
pub use tokens::{TokenSet, access_token, keep_tokens};

use super::credentials::CredentialError;
use crate::model::{AccountId, OAuthSettings};

/// Why a sign-in or a token refresh did not work, in words for the person at the screen.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The provider no longer accepts the refresh token (revoked, expired, password changed).
    #[error(
        "the sign-in of {email} has expired or was revoked (the provider answered \
         invalid_grant): sign in again with `tayori account login {id}`"
    )]
    SignInAgain { email: String, id: AccountId },
    /// The account uses OAuth2 but has no tokens yet.
    #[error("{email} is not signed in yet: run `tayori account login {id}`")]
    NotSignedIn { email: String, id: AccountId },
    /// The authorization server answered with an error other than invalid_grant.
    #[error("the authorization server {issuer} refused: {words}")]
    Refused { issuer: String, words: String },
    #[error("cannot reach the authorization server {issuer}: {reason}")]
    Unreachable { issuer: String, reason: String },
    /// The browser came back with an error (the user said no, or closed the page).
    #[error("the sign-in was not completed in the browser: {0}")]
    Denied(String),
    #[error("no sign-in came back from the browser within {0} minutes")]
    TimedOut(u64),
    /// RFC 8628: the person said no on the other device (`access_denied`).
    #[error("the sign-in was refused on the other device (access_denied)")]
    DeviceDenied,
    /// RFC 8628: the code was not entered in time (`expired_token`).
    #[error(
        "the code expired before it was entered (it was good for {0} min; expired_token): \
         sign in again for a new code"
    )]
    DeviceExpired(u64),
    #[error("cannot open the browser: {0}")]
    Browser(String),
    #[error("{0}")]
    Config(String),
    #[error("cannot find the OAuth2 endpoints of {issuer}: {reason}")]
    Metadata { issuer: String, reason: String },
    #[error(transparent)]
    Keyring(#[from] CredentialError),
}

impl OAuthError {
    /// The Fluent id of the sentence the window shows.
    pub fn fluent_key(&self) -> &'static str {
        match self {
            OAuthError::SignInAgain { .. } => "oauth-error-sign-in-again",
            OAuthError::NotSignedIn { .. } => "oauth-error-not-signed-in",
            OAuthError::Refused { .. } => "oauth-error-refused",
            OAuthError::Unreachable { .. } => "oauth-error-unreachable",
            OAuthError::Denied(_) => "oauth-error-denied",
            OAuthError::TimedOut(_) => "oauth-error-timed-out",
            OAuthError::Browser(_) => "oauth-error-browser",
            OAuthError::DeviceDenied => "oauth-error-device-denied",
            OAuthError::DeviceExpired(_) => "oauth-error-device-expired",
            OAuthError::Config(_) | OAuthError::Metadata { .. } => "oauth-error-config",
            OAuthError::Keyring(_) => "error-keyring-unreachable",
        }
    }

    /// Network trouble reaching the authorization server: worth trying again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, OAuthError::Unreachable { .. })
    }
}

/// True for `http://` URLs whose host is this machine (127.0.0.0/8, ::1, localhost): the
/// only places plain HTTP is accepted (test servers, RFC 8252 loopback redirects).
pub fn is_loopback_http(url: &str) -> bool {
    let Ok(u) = oauth2::url::Url::parse(url) else {
        return false;
    };
    u.scheme() == "http"
        && match u.host() {
            Some(oauth2::url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(oauth2::url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(oauth2::url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
}

/// Refuses an endpoint that is neither HTTPS nor loopback HTTP.
pub(crate) fn check_endpoint(url: &str) -> Result<(), OAuthError> {
    if url.starts_with("https://") || is_loopback_http(url) {
        Ok(())
    } else {
        Err(OAuthError::Config(format!(
            "the OAuth2 endpoint {url} is not https:// (plain http is accepted only on this machine)"
        )))
    }
}

/// The HTTP client for the authorization server: no redirects (RFC 6749 §3.2 token
/// requests are answered directly), a timeout, the system's trust store.
pub(crate) fn http_client() -> Result<reqwest::Client, OAuthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| OAuthError::Config(e.to_string()))
}

/// The settings of an account that signs in at a known provider or an issuer whose
/// metadata was read: what `account add --auth oauth2` stores.
pub fn settings_for(
    provider: Option<&providers::OAuthProvider>,
    endpoints: Option<metadata::Endpoints>,
    client_id: Option<String>,
    scopes: Option<Vec<String>>,
) -> Result<OAuthSettings, OAuthError> {
    let (issuer, auth_url, token_url, device_url) = match (&endpoints, provider) {
        (Some(e), _) => (
            e.issuer.clone(),
            e.authorization_endpoint.clone(),
            e.token_endpoint.clone(),
            e.device_authorization_endpoint.clone(),
        ),
        (None, Some(p)) => (
            p.issuer.to_string(),
            p.auth_url.to_string(),
            p.token_url.to_string(),
            p.device_url.map(str::to_string),
        ),
        (None, None) => {
            return Err(OAuthError::Config(
                "give --oauth-issuer URL (or use a provider Tayori knows)".into(),
            ));
        }
    };
    let client_id = client_id
        .filter(|c| !c.trim().is_empty())
        .or_else(|| provider.and_then(|p| p.configured_client_id()))
        .ok_or_else(|| {
            OAuthError::Config(match provider {
                Some(p) => format!(
                    "no OAuth2 client ID for {}: give --oauth-client-id ID or set {} (see \
                     README, \"Registering an OAuth2 client\")",
                    p.name,
                    p.client_id_var()
                ),
                None => "give --oauth-client-id ID (the app registered at the issuer)".into(),
            })
        })?;
    let scopes = match scopes {
        Some(s) if !s.is_empty() => s,
        _ => match provider {
            Some(p) => p.scopes.iter().map(|s| s.to_string()).collect(),
            None => {
                return Err(OAuthError::Config(
                    "give --oauth-scope SCOPE for an issuer Tayori does not know".into(),
                ));
            }
        },
    };
    for u in [&auth_url, &token_url]
        .into_iter()
        .chain(device_url.as_ref())
    {
        check_endpoint(u)?;
    }
    Ok(OAuthSettings {
        issuer,
        client_id,
        client_secret: std::env::var("TAYORI_OAUTH_CLIENT_SECRET")
            .ok()
            .filter(|s| !s.is_empty()),
        auth_url,
        token_url,
        device_url,
        scopes,
        auth_params: provider
            .map(|p| {
                p.auth_params
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(is_loopback_http("http://127.0.0.1:8080/token"));
        assert!(is_loopback_http("http://localhost/x"));
        assert!(is_loopback_http("http://[::1]:1/"));
        assert!(!is_loopback_http("http://example.com/token"));
        assert!(!is_loopback_http("http://10.0.0.1/token"));
        assert!(check_endpoint("https://login.example.com/t").is_ok());
        assert!(check_endpoint("http://example.com/t").is_err());
    }

    #[test]
    fn settings_need_a_client_id_and_take_the_providers_scopes() {
        let p = providers::by_name_or_issuer("fastmail");
        let e = settings_for(p, None, None, None).unwrap_err();
        assert!(
            e.to_string().contains("TAYORI_OAUTH_CLIENT_ID_FASTMAIL"),
            "{e}"
        );
        let s = settings_for(p, None, Some("my-app".into()), None).unwrap();
        assert_eq!(s.client_id, "my-app");
        assert_eq!(s.token_url, "https://api.fastmail.com/oauth/refresh");
        assert_eq!(s.scopes.len(), 3);
    }
}
