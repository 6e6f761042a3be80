//! The sync view: per account and folder, the connection state, what the server holds vs.
//! what this device holds (and can show offline), pending and failed changes with retry
//! and discard, and recent changes that came from other devices.
use crate::engine::ConnState;
use crate::model::Protocol;
use crate::store::{ActivityKind, OpKind, OpState, OutboxState};
use crate::ui::app::{App, Message};
use crate::ui::format;
use fluent_bundle::FluentArgs;
use iced::widget::{button, column, container, row, rule, scrollable, text};
use iced::{Element, Length};

fn cell<'a>(s: String, w: f32) -> Element<'a, Message> {
    text(s).size(13).width(Length::Fixed(w)).into()
}

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

pub fn view(app: &App) -> Element<'_, Message> {
    let heading = row![
        text(app.tr.tr("sync-heading", None)).size(22),
        button(text(app.tr.tr("sync-now", None)).size(14)).on_press(Message::SyncNow),
    ]
    .spacing(16)
    .align_y(iced::Alignment::Center);
    let mut col = column![heading].spacing(10);
    for a in &app.accounts {
        let (state, why) = state_line(app, app.states.get(&a.account.id));
        let note = match a.account.protocol {
            Protocol::Imap => "sync-note-imap",
            Protocol::Pop3 => "sync-note-pop3",
        };
        col = col.push(text(format!("{} — {}", a.account.email, state)).size(17));
        if let Some(w) = why {
            col = col.push(text(w).size(13).style(text::danger));
        }
        col = col.push(text(app.tr.tr(note, None)).size(13).style(text::secondary));
        if let Some(p) = app.bodies.get(&a.account.id)
            && p.total > 0
        {
            let mut args = FluentArgs::new();
            args.set("done", format::count(p.done));
            args.set("total", format::count(p.total));
            args.set("size", format::size(&app.tr, p.bytes));
            col = col.push(text(app.tr.tr("sync-bodies-progress", Some(&args))).size(13));
        }
        col = col.push(
            row![
                cell(app.tr.tr("sync-col-folder", None), 160.0),
                cell(app.tr.tr("sync-col-server", None), 110.0),
                cell(app.tr.tr("sync-col-device", None), 110.0),
                cell(app.tr.tr("sync-col-offline", None), 170.0),
                cell(app.tr.tr("sync-col-last", None), 170.0),
            ]
            .spacing(8),
        );
        for f in &a.folders {
            let server = f
                .folder
                .server_total
                .map_or_else(|| "—".to_string(), |n| format::count(u64::from(n)));
            let last = f.folder.last_sync.map_or_else(
                || app.tr.tr("sync-never", None),
                |t| format::long_date(&app.tr, t),
            );
            let offline = format!(
                "{} ({})",
                format::count(f.cached_bodies.max(0) as u64),
                format::size(&app.tr, f.cached_bytes.max(0) as u64)
            );
            col = col.push(
                row![
                    cell(crate::mime::mutf7::decode(&f.folder.name), 160.0),
                    cell(server, 110.0),
                    cell(format::count(f.cached_total.max(0) as u64), 110.0),
                    cell(offline, 170.0),
                    cell(last, 170.0),
                ]
                .spacing(8),
            );
        }
        col = col.push(rule::horizontal(1));
    }
    col = col.push(text(app.tr.tr("sync-ops-heading", None)).size(17));
    if app.ops.is_empty() {
        col = col.push(
            text(app.tr.tr("sync-ops-none", None))
                .size(13)
                .style(text::secondary),
        );
    }
    for op in &app.ops {
        let what = match &op.kind {
            OpKind::AddFlags { .. } | OpKind::RemoveFlags { .. } => "op-flags",
            OpKind::Move { .. } => "op-move",
            OpKind::FolderCreate => "op-folder-create",
            OpKind::FolderRename { .. } => "op-folder-rename",
            OpKind::FolderDelete => "op-folder-delete",
            OpKind::Expunge => "op-expunge",
        };
        let state = match op.state {
            OpState::Failed => app.tr.tr("op-failed", None),
            OpState::Skipped => app.tr.tr("op-skipped", None),
            _ => app.tr.tr("op-pending", None),
        };
        // A skipped op says why in the window's language; a failed one keeps the server's words.
        let why = match op.state {
            OpState::Skipped => app.tr.tr("op-skipped-gone", None),
            _ => op.error.clone().unwrap_or_default(),
        };
        let mut line = row![
            cell(app.tr.tr(what, None), 140.0),
            cell(op.folder.clone(), 140.0),
            cell(state, 100.0),
            text(why).size(12).style(text::danger),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        // A failed change was already undone in the cache: retry it, or drop it for good.
        // A pending one is on its way and cannot be taken back here.
        if op.state == OpState::Failed {
            line = line.push(
                button(text(app.tr.tr("sync-retry", None)).size(12))
                    .on_press(Message::RetryOp(op.id))
                    .style(button::secondary),
            );
            line = line.push(
                button(text(app.tr.tr("sync-discard", None)).size(12))
                    .on_press(Message::DiscardOp(op.id))
                    .style(button::danger),
            );
        }
        col = col.push(line);
    }
    col = col.push(rule::horizontal(1));
    col = col.push(text(app.tr.tr("outbox-heading", None)).size(17));
    if app.outbox.is_empty() {
        col = col.push(
            text(app.tr.tr("sync-outbox-none", None))
                .size(13)
                .style(text::secondary),
        );
    }
    for o in &app.outbox {
        let mut line = row![
            cell(o.subject.clone(), 220.0),
            cell(o.recipients.join(", "), 200.0),
            cell(app.tr.tr(o.state.fluent_key(), None), 200.0),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        if matches!(o.state, OutboxState::Failed | OutboxState::Uncertain) {
            line = line.push(
                button(text(app.tr.tr("outbox-send-anyway", None)).size(12))
                    .on_press(Message::OutboxRetry(o.id))
                    .style(button::secondary),
            );
        }
        if o.state != OutboxState::Sending {
            line = line.push(
                button(text(app.tr.tr("outbox-edit", None)).size(12))
                    .on_press(Message::OutboxEdit(o.id))
                    .style(button::secondary),
            );
        }
        col = col.push(line);
        if let Some(e) = &o.error {
            let mut args = FluentArgs::new();
            args.set("words", e.clone());
            col = col.push(
                text(app.tr.tr("outbox-server-said", Some(&args)))
                    .size(12)
                    .style(text::danger),
            );
        }
        if o.state == OutboxState::Uncertain {
            col = col.push(
                text(app.tr.tr("outbox-uncertain-explained", None))
                    .size(12)
                    .style(text::secondary),
            );
        }
    }
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
        args.set("folder", a.folder.clone());
        col = col.push(
            row![
                cell(format::long_date(&app.tr, a.at), 170.0),
                text(app.tr.tr(key, Some(&args))).size(13),
            ]
            .spacing(8),
        );
    }
    scrollable(container(col).padding(16))
        .height(Length::Fill)
        .into()
}
