//! Tayori: a desktop mail client with an offline-first sync engine.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
pub mod account;
pub mod cli;
pub mod crash_point;
pub mod discovery;
pub mod engine;
pub mod i18n;
pub mod instance;
pub mod mailto;
pub mod mime;
pub mod model;
pub mod notify;
pub mod protocol;
pub mod render;
pub mod store;
pub mod ui;
