//! Account configuration helpers: credentials (OS keyring or a password command).
pub mod credentials;
