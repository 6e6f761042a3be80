//! An engine error as a person reads it: a Fluent key with its arguments, plus the original
//! words (the server's reply, the system's reason) kept as detail. Events carry this, never
//! raw library text; the window turns it into a sentence in its language.
use super::EngineError;

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
        Failure {
            key: "error-generic",
            args: Vec::new(),
            detail: e.to_string(),
            transient: e.is_transient(),
        }
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
