//! The tokens of a signed-in account and their refresh. They live only in the account's
//! keeper entry, as one JSON object; [`access_token`] hands out a valid access token,
//! refreshing it first when it is about to expire, or when the server just refused it.
use super::{OAuthError, http_client};
use crate::account::credentials::CredentialError;
use crate::account::keeper::SecretKeeper;
use crate::model::{Account, AccountId, OAuthSettings};
use oauth2::basic::BasicErrorResponseType;
use oauth2::{RefreshToken, RequestTokenError, TokenResponse};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// What the keeper holds for an OAuth2 account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    /// None when the provider gave none (then the next expiry means a new sign-in).
    pub refresh_token: Option<String>,
    pub access_token: String,
    /// Unix seconds when the access token expires (as the server said: `expires_in`).
    pub expires_at: i64,
    /// Refresh this many seconds before `expires_at`: a minute, or half of a shorter life.
    pub margin: i64,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl TokenSet {
    /// From a token endpoint answer; `old_refresh` stays when the answer has no new one.
    pub(crate) fn from_response(
        r: &oauth2::basic::BasicTokenResponse,
        old_refresh: Option<String>,
    ) -> TokenSet {
        let life = r.expires_in().map_or(3600, |d| d.as_secs() as i64).max(1);
        TokenSet {
            refresh_token: r
                .refresh_token()
                .map(|t| t.secret().clone())
                .or(old_refresh),
            access_token: r.access_token().secret().clone(),
            expires_at: now() + life,
            margin: (life / 2).min(60),
        }
    }

    /// The access token is good for more than the margin.
    pub fn fresh(&self, at: i64) -> bool {
        at + self.margin < self.expires_at
    }

    /// The keeper entry's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One refresh at a time per account in this process: connections opened together share it.
fn account_lock(id: AccountId) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: LazyLock<Mutex<HashMap<AccountId, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Mutex::default);
    let mut map = LOCKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(map.entry(id).or_default())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CredentialError> + Send + 'static,
) -> Result<T, CredentialError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CredentialError::Keyring(e.to_string()))?
}

/// Saves the account's tokens in its keeper entry.
pub async fn keep_tokens(
    account: &Account,
    keeper: Arc<dyn SecretKeeper>,
    set: &TokenSet,
) -> Result<(), OAuthError> {
    let (acc, json) = (account.clone(), set.to_json());
    blocking(move || keeper.keep(&acc, &json)).await?;
    Ok(())
}

/// A valid access token for the account. `refused`: the token a server just turned down;
/// if it is still the one kept, it is refreshed even though it has not expired (a token
/// that another connection already replaced is not refreshed twice).
pub async fn access_token(
    account: &Account,
    settings: &OAuthSettings,
    keeper: Arc<dyn SecretKeeper>,
    refused: Option<&str>,
) -> Result<String, OAuthError> {
    let lock = account_lock(account.id);
    let _one = lock.lock().await;
    let (acc, k) = (account.clone(), Arc::clone(&keeper));
    let not_signed_in = || OAuthError::NotSignedIn {
        email: account.email.clone(),
        id: account.id,
    };
    let stored = match blocking(move || k.password(&acc)).await {
        Ok(s) => s,
        Err(CredentialError::Missing(_)) => return Err(not_signed_in()),
        Err(e) => return Err(e.into()),
    };
    let set: TokenSet = serde_json::from_str(&stored).map_err(|_| not_signed_in())?;
    let was_refused = refused.is_some_and(|r| r == set.access_token);
    if !was_refused && set.fresh(now()) {
        return Ok(set.access_token);
    }
    let Some(refresh) = set.refresh_token.clone() else {
        return Err(OAuthError::SignInAgain {
            email: account.email.clone(),
            id: account.id,
        });
    };
    tracing::debug!(account = %account.id, was_refused, "refreshing the OAuth2 access token");
    let new = match refresh_tokens(settings, &refresh).await {
        Ok(new) => new,
        Err(TokenError::Other(e)) => return Err(e),
        Err(TokenError::InvalidGrant) => {
            // The refresh token is dead: forget it, so no later call asks the provider again
            // (every use says "sign in again" until `account login`).
            let dead = TokenSet {
                refresh_token: None,
                expires_at: 0,
                ..set
            };
            keep_tokens(account, keeper, &dead).await?;
            return Err(OAuthError::SignInAgain {
                email: account.email.clone(),
                id: account.id,
            });
        }
    };
    keep_tokens(account, keeper, &new).await?;
    Ok(new.access_token)
}

pub(crate) enum TokenError {
    InvalidGrant,
    Other(OAuthError),
}

/// The oauth2 client for `settings` (public client: the client ID in the request body).
macro_rules! client_for {
    ($s:expr) => {{
        let s: &$crate::model::OAuthSettings = $s;
        let token_url = oauth2::TokenUrl::new(s.token_url.clone()).map_err(|e| {
            $crate::account::oauth::OAuthError::Config(format!(
                "bad token endpoint {}: {e}",
                s.token_url
            ))
        })?;
        let c = oauth2::basic::BasicClient::new(oauth2::ClientId::new(s.client_id.clone()))
            .set_token_uri(token_url)
            .set_auth_type(oauth2::AuthType::RequestBody);
        match &s.client_secret {
            Some(secret) => c.set_client_secret(oauth2::ClientSecret::new(secret.clone())),
            None => c,
        }
    }};
}
pub(crate) use client_for;

async fn refresh_tokens(settings: &OAuthSettings, refresh: &str) -> Result<TokenSet, TokenError> {
    let http = http_client().map_err(TokenError::Other)?;
    let client =
        (|| -> Result<_, OAuthError> { Ok(client_for!(settings)) })().map_err(TokenError::Other)?;
    let rt = RefreshToken::new(refresh.to_string());
    let r = client
        .exchange_refresh_token(&rt)
        .request_async(&http)
        .await
        .map_err(|e| token_error(e, settings))?;
    Ok(TokenSet::from_response(&r, Some(refresh.to_string())))
}

/// A failed token request in words (never with the request's secrets).
pub(crate) fn token_error<E: std::error::Error + 'static>(
    e: RequestTokenError<E, oauth2::basic::BasicErrorResponse>,
    settings: &OAuthSettings,
) -> TokenError {
    let issuer = settings.issuer.clone();
    match e {
        RequestTokenError::ServerResponse(r)
            if *r.error() == BasicErrorResponseType::InvalidGrant =>
        {
            TokenError::InvalidGrant
        }
        RequestTokenError::ServerResponse(r) => TokenError::Other(OAuthError::Refused {
            issuer,
            words: match r.error_description() {
                Some(d) => format!("{}: {d}", r.error()),
                None => r.error().to_string(),
            },
        }),
        RequestTokenError::Request(e) => TokenError::Other(OAuthError::Unreachable {
            issuer,
            reason: error_chain(&e),
        }),
        RequestTokenError::Parse(e, _) => TokenError::Other(OAuthError::Refused {
            issuer,
            words: format!("its answer could not be read ({})", e.path()),
        }),
        RequestTokenError::Other(s) => TokenError::Other(OAuthError::Refused { issuer, words: s }),
    }
}

/// An error with its causes, "a: b: c".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_fresh_until_its_margin() {
        let t = TokenSet {
            refresh_token: Some("r".into()),
            access_token: "a".into(),
            expires_at: 1000,
            margin: 60,
        };
        assert!(t.fresh(900));
        assert!(!t.fresh(940));
        assert_eq!(format!("{t:?}"), "TokenSet { expires_at: 1000, .. }");
    }
}
