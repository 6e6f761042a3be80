//! The sync view: per account its state and a picture of what is where (the server and
//! this device side by side, per folder; see `sync_picture`), what would be lost if this
//! computer broke, the server's space and the devices that use the account; then the
//! changes waiting for the server, the outbox (see `sync_queue`) and the recent changes
//! that came from other devices.
use super::{sync_doctor, sync_picture, sync_queue};
use crate::engine::{ConnState, SignInState};
use crate::model::Protocol;
use crate::store::ActivityKind;
use crate::ui::app::{App, Message};
use crate::ui::format;
use fluent_bundle::FluentArgs;
use iced::widget::{button, column, container, row, rule, scrollable, text};
use iced::{Element, Length};

fn state_line(app: &App, s: Option<&ConnState>) -> (String, Option<String>) {
    let (key, why) = match s {
        None | Some(ConnState::Connecting) => ("state-connecting", None),
        Some(ConnState::Syncing) => ("state-syncing", None),
        Some(ConnState::Pushing) => ("state-pushing", None),
        Some(ConnState::Online) => ("state-online", None),
        Some(ConnState::Offline(f)) => (
            "state-offline",
            Some(crate::ui::failure::failure_text(&app.tr, f)),
        ),
        Some(ConnState::Failing(f)) => (
            "state-failing",
            Some(crate::ui::failure::failure_text(&app.tr, f)),
        ),
        Some(ConnState::Disabled) => ("state-disabled", None),
    };
    (app.tr.tr(key, None), why)
}

/// An OAuth2 account whose sign-in ran out (`invalid_grant`) or never happened: its state's
/// failure says so.
pub fn needs_sign_in(app: &App, a: &crate::ui::app::AccountView) -> bool {
    a.account.oauth.is_some()
        && match app.states.get(&a.account.id) {
            Some(ConnState::Failing(f) | ConnState::Offline(f)) => {
                matches!(
                    f.key,
                    "oauth-error-sign-in-again" | "oauth-error-not-signed-in"
                )
            }
            _ => false,
        }
}

/// "Sign in again" (the engine opens the provider's page), or what it is doing.
fn sign_in_again<'a>(app: &'a App, a: &'a crate::ui::app::AccountView) -> Element<'a, Message> {
    let mut col = column![].spacing(6);
    match app.sign_ins.get(&a.account.id) {
        Some(SignInState::Browser) => {
            return text(app.tr.tr("sync-sign-in-waiting", None))
                .size(13)
                .into();
        }
        Some(SignInState::Failed(f)) => {
            col = col.push(
                text(crate::ui::failure::failure_text(&app.tr, f))
                    .size(13)
                    .style(text::danger),
            );
        }
        Some(SignInState::Done) | None => {}
    }
    col.push(
        button(text(app.tr.tr("sync-sign-in-again", None)).size(13))
            .on_press(Message::SignInAgain(a.account.id))
            .style(button::primary),
    )
    .into()
}

fn account<'a>(app: &'a App, a: &'a crate::ui::app::AccountView) -> Element<'a, Message> {
    let (state, why) = state_line(app, app.states.get(&a.account.id));
    let pause = if a.account.sync_enabled {
        button(text(app.tr.tr("sync-pause", None)).size(12))
            .on_press(Message::SetAccountSync(a.account.id, false))
            .style(button::secondary)
    } else {
        button(text(app.tr.tr("sync-resume", None)).size(12))
            .on_press(Message::SetAccountSync(a.account.id, true))
            .style(button::secondary)
    };
    let mut col = column![
        row![
            text(format!("{} — {}", a.account.email, state)).size(17),
            pause,
            sync_doctor::button_for(app, a)
        ]
        .spacing(12)
        .align_y(iced::Alignment::Center)
    ]
    .spacing(6);
    if !a.account.sync_enabled {
        col = col.push(
            text(app.tr.tr("sync-paused", None))
                .size(13)
                .style(text::secondary),
        );
    }
    if let Some(w) = why {
        col = col.push(text(w).size(13).style(text::danger));
    }
    if needs_sign_in(app, a) || app.sign_ins.contains_key(&a.account.id) {
        col = col.push(sign_in_again(app, a));
    }
    col = col.push(sync_doctor::steps(app, a));
    let note = match a.account.protocol {
        Protocol::Imap => "sync-note-imap",
        Protocol::Pop3 => "sync-note-pop3",
    };
    col = col.push(text(app.tr.tr(note, None)).size(13).style(text::secondary));
    col = col.push(sync_picture::arrows(app, a));
    if let Some(p) = app.bodies.get(&a.account.id)
        && p.total > 0
    {
        let mut args = FluentArgs::new();
        args.set("done", format::count(p.done));
        args.set("total", format::count(p.total));
        args.set("size", format::size(&app.tr, p.bytes));
        col = col.push(text(app.tr.tr("sync-bodies-progress", Some(&args))).size(13));
    }
    col = col.push(sync_picture::folders(app, a));
    col = col.push(sync_picture::risk(app, a));
    col = col.push(sync_picture::quota(app, a));
    col = col.push(sync_picture::devices(app, a));
    col.into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let heading = row![
        text(app.tr.tr("sync-heading", None)).size(22),
        button(text(app.tr.tr("sync-now", None)).size(14)).on_press(Message::SyncNow),
    ]
    .spacing(16)
    .align_y(iced::Alignment::Center);
    let mut col = column![heading].spacing(10);
    for a in &app.accounts {
        col = col.push(account(app, a));
        col = col.push(rule::horizontal(1));
    }
    col = col.push(sync_queue::ops(app));
    col = col.push(rule::horizontal(1));
    col = col.push(sync_queue::outbox(app));
    col = col.push(rule::horizontal(1));
    col = col.push(text(app.tr.tr("sync-activity-heading", None)).size(17));
    if app.activity.is_empty() {
        col = col.push(
            text(app.tr.tr("sync-activity-none", None))
                .size(13)
                .style(text::secondary),
        );
    }
    for a in &app.activity {
        let key = match a.kind {
            ActivityKind::Arrived => "activity-arrived",
            ActivityKind::Removed => "activity-removed",
            ActivityKind::Read => "activity-read",
            ActivityKind::Unread => "activity-unread",
            ActivityKind::Flagged => "activity-flagged",
            ActivityKind::Unflagged => "activity-unflagged",
        };
        let mut args = FluentArgs::new();
        args.set("detail", a.detail.clone());
        args.set("folder", crate::mime::mutf7::decode(&a.folder));
        col = col.push(
            row![
                text(format::long_date(&app.tr, a.at))
                    .size(13)
                    .width(Length::Fixed(170.0)),
                text(app.tr.tr(key, Some(&args))).size(13),
            ]
            .spacing(8),
        );
    }
    scrollable(container(col).padding(16))
        .height(Length::Fill)
        .into()
}
