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
mod doctor;
mod drafts;
mod drafts_resume;
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
mod folders;
mod gui_compose;
mod gui_e2e;
mod gui_layout;
mod gui_wizard;
mod imap_edges;
mod imap_sync;
mod installers;
mod mime_decode;
mod oauth2;
mod offline_bodies;
mod pop3_sync;
mod scheduler;
mod search;
mod smtp_edges;
mod smtp_send;
mod sync_activity;
mod sync_devices;
mod testbed_smoke;
mod threads;
mod ui_conversations;
mod ui_drafts;
mod ui_errors;
mod ui_gestures;
mod ui_keys;
mod ui_layout;
mod ui_save_as;
mod ui_screens;
mod ui_status;
mod ui_sync_view;
mod ui_tab_order;
mod ui_wizard;
mod ui_wizard_oauth;
mod undo;
mod undo_send;
