//! Network protocols. No SQL here.
pub mod imap;
pub mod net;
pub mod pop3;
pub mod smtp;
