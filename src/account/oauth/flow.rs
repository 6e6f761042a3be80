//! The authorization code flow with PKCE in the system browser (RFC 6749 §4.1, RFC 7636
//! S256, RFC 8252): [`PendingSignIn::start`] opens the loopback listener and builds the URL;
//! the caller shows it or opens the browser ([`open_browser`]); [`PendingSignIn::finish`]
//! waits for the redirect and trades the code for tokens.
use super::listener::{Redirect, wait_for_redirect};
use super::tokens::{TokenError, TokenSet, client_for, token_error};
use super::{OAuthError, check_endpoint, http_client};
use crate::model::OAuthSettings;
use oauth2::{AuthUrl, AuthorizationCode, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use std::time::Duration;
use tokio::net::TcpListener;

/// How long the browser may take to come back.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// A sign-in whose URL is ready and whose redirect has not come back yet.
pub struct PendingSignIn {
    /// The authorization URL to open in the browser.
    pub url: String,
    listener: TcpListener,
    redirect: String,
    state: CsrfToken,
    verifier: oauth2::PkceCodeVerifier,
    settings: OAuthSettings,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("redirect", &self.redirect)
            .finish_non_exhaustive()
    }
}

impl PendingSignIn {
    /// Listens on 127.0.0.1 at a free port and builds the authorization URL for it.
    pub async fn start(settings: &OAuthSettings) -> Result<PendingSignIn, OAuthError> {
        check_endpoint(&settings.auth_url)?;
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| OAuthError::Browser(format!("cannot listen on 127.0.0.1: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| OAuthError::Browser(e.to_string()))?
            .port();
        let redirect = format!("http://127.0.0.1:{port}/");
        let auth_url = AuthUrl::new(settings.auth_url.clone())
            .map_err(|e| OAuthError::Config(format!("bad authorization endpoint: {e}")))?;
        let redirect_url =
            RedirectUrl::new(redirect.clone()).map_err(|e| OAuthError::Config(e.to_string()))?;
        let client = client_for!(settings)
            .set_auth_uri(auth_url)
            .set_redirect_uri(redirect_url);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .add_scopes(settings.scopes.iter().cloned().map(Scope::new));
        for (k, v) in &settings.auth_params {
            req = req.add_extra_param(k.clone(), v.clone());
        }
        let (url, state) = req.url();
        Ok(PendingSignIn {
            url: url.to_string(),
            listener,
            redirect,
            state,
            verifier,
            settings: settings.clone(),
        })
    }

    /// Waits (at most [`SIGN_IN_TIMEOUT`]) for the browser's redirect, answers it with a page
    /// in `lang`, and exchanges the code (with the PKCE verifier) for tokens.
    pub async fn finish(self, lang: &str) -> Result<TokenSet, OAuthError> {
        let wait = wait_for_redirect(&self.listener, self.state.secret(), lang);
        let code = match tokio::time::timeout(SIGN_IN_TIMEOUT, wait).await {
            Err(_) => return Err(OAuthError::TimedOut(SIGN_IN_TIMEOUT.as_secs() / 60)),
            Ok(Err(e)) => return Err(e),
            Ok(Ok(Redirect::Error(e))) => return Err(OAuthError::Denied(e)),
            Ok(Ok(Redirect::Code(c))) => c,
        };
        drop(self.listener);
        let http = http_client()?;
        let redirect_url =
            RedirectUrl::new(self.redirect).map_err(|e| OAuthError::Config(e.to_string()))?;
        let client = client_for!(&self.settings).set_redirect_uri(redirect_url);
        let r = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(self.verifier)
            .request_async(&http)
            .await
            .map_err(|e| match token_error(e, &self.settings) {
                TokenError::InvalidGrant => OAuthError::Refused {
                    issuer: self.settings.issuer.clone(),
                    words: "invalid_grant (the sign-in code was not accepted)".into(),
                },
                TokenError::Other(e) => e,
            })?;
        Ok(TokenSet::from_response(&r, None))
    }
}

/// Opens `url` in the browser: the command in `TAYORI_BROWSER` (run through `sh -c`, the URL
/// as its last argument), else the system's default browser.
pub fn open_browser(url: &str) -> Result<(), OAuthError> {
    match std::env::var("TAYORI_BROWSER") {
        Ok(cmd) if !cmd.trim().is_empty() => {
            std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{cmd} \"$1\""))
                .arg("sh")
                .arg(url)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .map_err(|e| OAuthError::Browser(format!("{cmd}: {e}")))
                .map(|mut child| {
                    // Reaped in the background, so a long-running window leaves no zombie.
                    std::thread::spawn(move || child.wait());
                })
        }
        _ => open::that_detached(url).map_err(|e| OAuthError::Browser(e.to_string())),
    }
}
