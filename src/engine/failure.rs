//! An engine error as a person reads it: a Fluent key with its arguments, plus the original
//! words (the server's reply, the system's reason) kept as detail. Events carry this, never
//! raw library text; the window turns it into a sentence in its language
//! (`ui::failure::failure_text`).
//!
//! Every variant of [`EngineError`] and of the errors it wraps has its key (the matches are
//! exhaustive): [`network`] for connecting, TLS, logins and the servers' answers, [`local`]
//! for the cache, the keyring, files and adding accounts. Arguments are values (host, port,
//! address, the server's own words as `$server`), never sentences.
mod local;
mod network;

use super::EngineError;
use super::accounts::{AccountError, LoginCheck, ServerCheck};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// A key in i18n/{en,ja}/tayori.ftl.
    pub key: &'static str,
    /// Fluent arguments of `key` (host, account, ...): values, not sentences.
    pub args: Vec<(&'static str, String)>,
    /// The error's own words (English library text or the server's reply), for a details line.
    pub detail: String,
    /// Worth retrying later (offline, server down) rather than needing the user.
    pub transient: bool,
}

impl Failure {
    pub fn of(e: &EngineError) -> Failure {
        let f = match e {
            EngineError::Store(s) => local::store(s),
            EngineError::Credentials(c) => local::credential(c),
            EngineError::OAuth(o) => local::oauth(o),
            EngineError::Imap(i) => network::imap(i),
            EngineError::Pop3(p) => network::pop3(p),
            EngineError::NotCached(_) | EngineError::Offline(_) => Failure::key("error-not-cached"),
            EngineError::Compose(c) => local::compose(c),
            EngineError::Smtp(s) => network::smtp(s),
            EngineError::NoSmtp(_) => Failure::key("error-no-smtp"),
            EngineError::Read { path, .. } => Failure::key("error-read-file").arg("path", path),
            EngineError::Write { path, .. } => Failure::key("error-write-file").arg("path", path),
            EngineError::FileExists { path } => Failure::key("error-file-exists").arg("path", path),
            EngineError::Account(a) => local::account(a),
            EngineError::ReplayBusy => Failure::key("error-replay-busy"),
        };
        f.detail(e.to_string(), e.is_transient())
    }

    /// A sign-in that did not work (the wizard's browser step).
    pub fn of_oauth(e: &crate::account::oauth::OAuthError) -> Failure {
        local::oauth(e).detail(e.to_string(), e.is_transient())
    }

    /// Why an account was not added (what the wizard and the manual form show).
    pub fn of_account(e: &AccountError) -> Failure {
        local::account(e).detail(e.to_string(), false)
    }

    /// One server's failed login test (the wizard shows each server's own line); None when
    /// that server accepted the login.
    pub fn of_check(check: &LoginCheck, server: &ServerCheck) -> Option<Failure> {
        let e = server.result.as_ref().err()?;
        Some(network::conntest(e, &server.server, &check.email).detail(e.to_string(), false))
    }

    /// The argument `name`, if set.
    pub fn arg_value(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn key(key: &'static str) -> Failure {
        Failure {
            key,
            args: Vec::new(),
            detail: String::new(),
            transient: false,
        }
    }

    fn arg(mut self, name: &'static str, value: impl ToString) -> Failure {
        self.args.push((name, value.to_string()));
        self
    }

    fn detail(mut self, detail: String, transient: bool) -> Failure {
        self.detail = detail;
        self.transient = transient;
        self
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        Failure::of(&e)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

#[cfg(test)]
mod tests;
