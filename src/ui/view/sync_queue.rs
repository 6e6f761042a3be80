//! The sync view's queues in plain words: each change waiting for the server names its
//! message (subject, sender) and the action as the user did it ("Delete", "Move to
//! Archive", "Mark read"), with its state; the outbox tells "not sent yet: cannot reach the
//! server" apart from what a server actually answered.
use crate::engine::ConnState;
use crate::engine::outbox_words::{UnsentReason, unsent_reason};
use crate::model::{AccountId, Flags, FolderRole};
use crate::store::{Op, OpKind, OpState, OutboxItem, OutboxState};
use crate::ui::app::{App, Message};
use fluent_bundle::FluentArgs;
use iced::widget::{button, column, row, text};
use iced::{Element, Length};

/// The action as the user did it, e.g. "Delete" or "Move to Archive".
pub fn action_words(app: &App, op: &Op) -> String {
    let role_of = |name: &str| {
        app.accounts
            .iter()
            .filter(|a| a.account.id == op.account_id)
            .flat_map(|a| a.folders.iter())
            .find(|f| f.folder.name == name)
            .and_then(|f| f.folder.role)
    };
    let flag_words = |bits: i64, add: bool| {
        let f = Flags::from_bits(bits);
        let key = match (f.seen, f.flagged, add) {
            (true, _, true) => "op-action-read",
            (true, _, false) => "op-action-unread",
            (false, true, true) => "op-action-flag",
            (false, true, false) => "op-action-unflag",
            _ => "op-action-flags",
        };
        app.tr.tr(key, None)
    };
    match &op.kind {
        OpKind::AddFlags { bits } => flag_words(*bits, true),
        OpKind::RemoveFlags { bits } => flag_words(*bits, false),
        OpKind::Move { to } if role_of(to) == Some(FolderRole::Trash) => {
            app.tr.tr("op-action-delete", None)
        }
        OpKind::Move { to } => {
            let mut args = FluentArgs::new();
            args.set("folder", crate::mime::mutf7::decode(to));
            app.tr.tr("op-action-move", Some(&args))
        }
        OpKind::Copy { to } => {
            let mut args = FluentArgs::new();
            args.set("folder", crate::mime::mutf7::decode(to));
            app.tr.tr("op-action-copy", Some(&args))
        }
        OpKind::Expunge => app.tr.tr("op-action-delete-forever", None),
        OpKind::FolderCreate | OpKind::FolderRename { .. } | OpKind::FolderDelete => {
            let mut args = FluentArgs::new();
            args.set("folder", crate::mime::mutf7::decode(&op.folder));
            let key = match &op.kind {
                OpKind::FolderCreate => "op-action-folder-create",
                OpKind::FolderRename { to } => {
                    args.set("to", crate::mime::mutf7::decode(to));
                    "op-action-folder-rename"
                }
                _ => "op-action-folder-delete",
            };
            app.tr.tr(key, Some(&args))
        }
    }
}

/// Which message: “subject” from sender.
pub fn message_words(app: &App, subject: Option<&str>, sender: Option<&str>) -> String {
    let mut args = FluentArgs::new();
    args.set(
        "subject",
        subject
            .filter(|s| !s.is_empty())
            .map_or_else(|| app.tr.tr("op-no-subject", None), str::to_string),
    );
    match sender.filter(|s| !s.is_empty()) {
        Some(s) => {
            args.set("sender", s.to_string());
            app.tr.tr("op-message-from", Some(&args))
        }
        None => app.tr.tr("op-message", Some(&args)),
    }
}

fn offline(app: &App, account: AccountId) -> bool {
    matches!(
        app.states.get(&account),
        None | Some(ConnState::Offline(_))
            | Some(ConnState::Connecting)
            | Some(ConnState::Failing(_))
    )
}

/// The state of a waiting change in words.
pub fn op_state_words(app: &App, op: &Op) -> String {
    match op.state {
        OpState::Failed => {
            let mut args = FluentArgs::new();
            args.set("words", op.error.clone().unwrap_or_default());
            app.tr.tr("op-state-failed", Some(&args))
        }
        OpState::Skipped => app.tr.tr("op-skipped-gone", None),
        _ if offline(app, op.account_id) => app.tr.tr("op-state-waiting-connection", None),
        _ => app.tr.tr("op-state-waiting", None),
    }
}

fn small<'a>(s: String) -> Element<'a, Message> {
    text(s).size(13).into()
}

/// The "Changes waiting for the server" list.
pub fn ops<'a>(app: &'a App) -> Element<'a, Message> {
    let mut col = column![text(app.tr.tr("sync-ops-heading", None)).size(17)].spacing(6);
    if app.ops.is_empty() {
        col = col.push(
            text(app.tr.tr("sync-ops-none", None))
                .size(13)
                .style(text::secondary),
        );
        return col.into();
    }
    let waiting = app.ops.iter().any(|o| o.state == OpState::Pending);
    for op in &app.ops {
        let state = text(op_state_words(app, op))
            .size(12)
            .style(match op.state {
                OpState::Failed => text::danger,
                _ => text::secondary,
            });
        let mut line = row![
            text(action_words(app, op))
                .size(13)
                .width(Length::Fixed(170.0)),
            text(message_words(
                app,
                op.subject.as_deref(),
                op.sender.as_deref()
            ))
            .size(13)
            .width(Length::FillPortion(3)),
            state.width(Length::FillPortion(2))
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
    if waiting {
        col = col.push(
            button(text(app.tr.tr("sync-retry-now", None)).size(13))
                .on_press(Message::SyncNow)
                .style(button::secondary),
        );
    }
    col.into()
}

/// The outbox line under a message: why it is not sent, in words.
pub fn outbox_reason(app: &App, o: &OutboxItem) -> Option<String> {
    let e = o.error.as_deref()?;
    let mut args = FluentArgs::new();
    Some(match (o.state, unsent_reason(e)) {
        (OutboxState::Uncertain, _) => app.tr.tr("outbox-uncertain-explained", None),
        (_, UnsentReason::Unreachable) => app.tr.tr("outbox-not-sent-unreachable", None),
        (OutboxState::Failed, UnsentReason::ServerSaid(w)) => {
            args.set("words", w);
            app.tr.tr("outbox-server-said", Some(&args))
        }
        (_, UnsentReason::ServerSaid(w)) => {
            args.set("words", w);
            app.tr.tr("outbox-not-sent-server-said", Some(&args))
        }
        (_, UnsentReason::Other(w)) => {
            args.set("words", w);
            app.tr.tr("outbox-not-sent-because", Some(&args))
        }
    })
}

/// The outbox list.
pub fn outbox<'a>(app: &'a App) -> Element<'a, Message> {
    let mut col = column![text(app.tr.tr("outbox-heading", None)).size(17)].spacing(6);
    if app.outbox.is_empty() {
        col = col.push(
            text(app.tr.tr("sync-outbox-none", None))
                .size(13)
                .style(text::secondary),
        );
    }
    for o in &app.outbox {
        let mut args = FluentArgs::new();
        args.set("subject", o.subject.clone());
        args.set("to", o.recipients.join(", "));
        let mut line = row![
            text(app.tr.tr("outbox-line", Some(&args)))
                .size(13)
                .width(Length::FillPortion(3)),
            small(app.tr.tr(o.state.fluent_key(), None)),
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
        if o.state == OutboxState::Queued {
            line = line.push(
                button(text(app.tr.tr("sync-retry-now", None)).size(12))
                    .on_press(Message::SyncNow)
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
        if let Some(why) = outbox_reason(app, o) {
            let style = match o.state {
                OutboxState::Failed => text::danger,
                _ => text::secondary,
            };
            col = col.push(text(why).size(12).style(style));
        }
    }
    col.into()
}
