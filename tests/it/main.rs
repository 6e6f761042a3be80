//! Integration tests in one crate (one link instead of sixteen): the real `tayori` binary
//! and the engine against real Dovecot, Postfix and friends on loopback (`support`), the
//! window through iced_test and under Xvfb. `notify.rs` stays a crate of its own because
//! it points the process's D-Bus at a private bus.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod support;

mod accounts_path;
mod compat;
mod compat_errors;
mod desktop;
mod discovery;
mod drafts;
mod faults_another_device;
mod faults_concurrency;
mod faults_cut_drafts;
mod faults_cut_first_sync;
mod faults_cut_outbox;
mod faults_cut_pop3;
mod faults_cut_replay;
mod faults_imap;
mod faults_mime;
mod faults_replay;
mod faults_secrets;
mod faults_smtp;
mod faults_terminal;
mod faults_uidvalidity;
mod gui_e2e;
mod gui_wizard;
mod imap_edges;
mod imap_sync;
mod installers;
mod mime_decode;
mod oauth2;
mod offline_bodies;
mod pop3_sync;
mod scheduler;
mod smtp_edges;
mod smtp_send;
mod testbed_smoke;
mod ui_errors;
mod ui_screens;
mod ui_wizard;
mod ui_wizard_oauth;
