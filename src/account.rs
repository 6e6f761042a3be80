//! Account configuration helpers: credentials (OS keyring or a password command) and the
//! injectable keeper the engine saves passwords through.
pub mod credentials;
pub mod keeper;
pub mod oauth;
