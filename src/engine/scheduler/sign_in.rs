//! "Sign in again" for an OAuth2 account whose refresh token the provider refused
//! (`invalid_grant`) or that has no tokens: the browser flow runs here, in the engine, on a
//! thread of its own; the new token is tested at the account's servers and kept; then the
//! account's tasks restart and it resumes. The window only sends the command and shows the
//! [`SignInState`] events.
use super::{EngineHandle, Event};
use crate::account::keeper::OsKeyring;
use crate::account::oauth::{self, OAuthError, PendingSignIn};
use crate::engine::accounts::{database_of, finish_sign_in};
use crate::engine::{EngineError, Failure};
use crate::model::AccountId;
use crate::store::Store;
use std::path::Path;
use std::sync::Arc;

/// Where a "sign in again" stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInState {
    /// The provider's page is open in the browser; waiting for it to come back.
    Browser,
    /// Signed in: the tokens are kept and the account's tasks restarted.
    Done,
    /// It did not work (the words say why); the account stays as it was.
    Failed(Failure),
}

impl EngineHandle {
    /// Signs the OAuth2 account in again through the browser, then restarts its tasks.
    /// Answered with [`Event::SignIn`] (`Browser`, then `Done` or `Failed`).
    pub fn sign_in_again(&self, id: AccountId, lang: String) {
        let Some(dir) = self.inner.dir.clone() else {
            return;
        };
        let handle = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("sign-in-{}", id.0))
            .spawn(move || {
                let events = handle.inner.events.clone();
                let r = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(sign_in(&dir, id, &lang, &events)),
                    Err(e) => Err(Failure::of_oauth(&OAuthError::Browser(e.to_string()))),
                };
                match r {
                    Ok(()) => {
                        let _ = events.try_send(Event::SignIn(id, SignInState::Done));
                        handle.add_account(id);
                    }
                    Err(f) => {
                        let _ = events.try_send(Event::SignIn(id, SignInState::Failed(f)));
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("account {id}: cannot start the sign-in: {e}");
        }
    }
}

async fn sign_in(
    dir: &Path,
    id: AccountId,
    lang: &str,
    events: &async_channel::Sender<Event>,
) -> Result<(), Failure> {
    let store = |e| Failure::of(&EngineError::Store(e));
    let db = Store::open_dir(dir).map_err(store)?;
    let account = db.account(id).map_err(store)?;
    let Some(settings) = account.oauth.clone() else {
        return Err(Failure::of_oauth(&OAuthError::Config(format!(
            "{} signs in with a password, not OAuth2",
            account.email
        ))));
    };
    let pending = PendingSignIn::start(&settings)
        .await
        .map_err(|e| Failure::of_oauth(&e))?;
    let _ = events.try_send(Event::SignIn(id, SignInState::Browser));
    oauth::open_browser(&pending.url).map_err(|e| Failure::of_oauth(&e))?;
    let tokens = pending
        .finish(lang)
        .await
        .map_err(|e| Failure::of_oauth(&e))?;
    let path = database_of(&db).map_err(|e| Failure::of_account(&e))?;
    finish_sign_in(path, id, tokens, Arc::new(OsKeyring))
        .await
        .map_err(|e| Failure::of_account(&e))
}
