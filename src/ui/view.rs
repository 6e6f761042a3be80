//! What the window draws: a top bar, the current screen, and a status bar.
mod add_account;
mod compose;
mod conversation;
mod drafts;
mod folders;
mod html_view;
mod list;
mod reader;
mod settings;
mod settings_remote;
mod settings_timing;
mod sync;
mod sync_doctor;
mod sync_picture;
mod sync_queue;
pub mod toolbar;
mod wizard;

use super::app::{App, Message, SEARCH_ID, Screen};
use super::ellipsis;
use super::panes::PaneKind;
use crate::engine::ConnState;
use fluent_bundle::FluentArgs;
use iced::widget::{
    button, column, container, pane_grid, responsive, row, rule, space, text, text_input,
};
use iced::{Element, Length};

fn nav<'a>(app: &App, label: &str, screen: Screen) -> Element<'a, Message> {
    let b = button(text(app.tr.tr(label, None))).on_press(Message::Nav(screen));
    if app.screen == screen {
        b.style(button::primary).into()
    } else {
        b.style(button::text).into()
    }
}

pub fn view(app: &App) -> Element<'_, Message> {
    let search = text_input(&app.tr.tr("search-placeholder", None), &app.search)
        .id(SEARCH_ID)
        .on_input(Message::SearchChanged)
        .width(Length::Fixed(320.0));
    let top = row![
        nav(app, "nav-mail", Screen::Mail),
        button(text(app.tr.tr("nav-write", None)))
            .on_press(Message::ComposeNew)
            .style(if app.screen == Screen::Compose {
                button::primary
            } else {
                button::text
            }),
        nav(app, "nav-sync", Screen::Sync),
        nav(app, "nav-settings", Screen::Settings),
        nav(app, "nav-add-account", Screen::Wizard),
        space::horizontal(),
        search,
    ]
    .spacing(6)
    .padding(8)
    .align_y(iced::Alignment::Center);
    let body: Element<'_, Message> = match app.screen {
        Screen::Mail if app.accounts.is_empty() => wizard::view(app),
        Screen::Mail => mail_panes(app),
        Screen::Sync => sync::view(app),
        Screen::Settings => settings::view(app),
        Screen::AddAccount => add_account::view(app),
        Screen::Compose => compose::view(app),
        Screen::Wizard => wizard::view(app),
    };
    column![
        top,
        rule::horizontal(1),
        body,
        rule::horizontal(1),
        status_bar(app)
    ]
    .into()
}

/// Folders | list | reader, with draggable dividers (a 1 px rule right of each of the first
/// two panes shows where they are).
fn mail_panes(app: &App) -> Element<'_, Message> {
    let grid = pane_grid(&app.panes.grid, |_, kind, _| {
        let (content, divider): (Element<'_, Message>, bool) = match kind {
            PaneKind::Folders => (folders::view(app), true),
            PaneKind::List => (
                column![
                    drafts::local_panel(app),
                    responsive(move |size| list::view(app, size.width))
                ]
                .into(),
                true,
            ),
            PaneKind::Reader => (
                column![drafts::reader_banner(app), reader::view(app)].into(),
                false,
            ),
        };
        let body: Element<'_, Message> = if divider {
            row![container(content).width(Length::Fill), rule::vertical(1)].into()
        } else {
            content
        };
        pane_grid::Content::new(body)
    })
    .on_resize(8, Message::PaneResized)
    .height(Length::Fill);
    // Any release ends a drag (after a folder under the cursor took the drop).
    iced::widget::mouse_area(grid)
        .on_release(Message::Gesture(super::gestures::GestureMsg::Release))
        .into()
}

/// One line: connection state of the accounts, pending changes, the last notice or error.
fn status_bar(app: &App) -> Element<'_, Message> {
    let mut parts: Vec<String> = Vec::new();
    for a in &app.accounts {
        let state = app.states.get(&a.account.id);
        let key = match state {
            None | Some(ConnState::Connecting) => "state-connecting",
            Some(ConnState::Syncing) => "state-syncing",
            Some(ConnState::Pushing) => "state-pushing",
            Some(ConnState::Online) => "state-online",
            Some(ConnState::Offline(_)) => "state-offline",
            Some(ConnState::Failing(_)) => "state-failing",
            Some(ConnState::Disabled) => "state-disabled",
        };
        let key = if sync::needs_sign_in(app, a) {
            "state-sign-in"
        } else {
            key
        };
        let mut s = format!("{}: {}", a.account.email, app.tr.tr(key, None));
        if matches!(state, Some(ConnState::Syncing)) {
            let (have, total) = sync_progress(app, a);
            if total > 0 && have < total {
                s.push_str(&format!(
                    " {} / {}",
                    super::format::count(have),
                    super::format::count(total)
                ));
            }
        }
        if let Some(p) = app.bodies.get(&a.account.id)
            && p.total > 0
            && p.done < p.total
        {
            let mut args = FluentArgs::new();
            args.set("done", super::format::count(p.done));
            args.set("total", super::format::count(p.total));
            s.push_str(" · ");
            s.push_str(&app.tr.tr("status-bodies", Some(&args)));
        }
        parts.push(s);
        // The server's space: warned here from 90% on (the sync view has the details).
        if let Some(q) = &a.sync.server.quota
            && q.percent() >= 90
        {
            let mut args = FluentArgs::new();
            args.set("email", a.account.email.clone());
            args.set("pct", q.percent());
            parts.push(app.tr.tr("status-quota-warning", Some(&args)));
        }
    }
    if app
        .states
        .values()
        .any(|s| matches!(s, ConnState::Offline(_)))
    {
        parts.push(app.tr.tr("status-offline-cache", None));
    }
    // Skipped changes have ended: the sync view lists them, the status line does not count them.
    let pending = app
        .ops
        .iter()
        .filter(|o| o.state != crate::store::OpState::Skipped)
        .count();
    if pending > 0 {
        let mut args = FluentArgs::new();
        args.set("n", pending);
        parts.push(app.tr.tr("status-pending", Some(&args)));
    }
    if let Some(n) = app.status.notice() {
        parts.push(crate::ui::status::Said::texts(n, &app.tr));
    }
    // One line whatever the window's width: each side cut with an ellipsis, never wrapped.
    let width = (app.settings.window_width - 24.0).max(200.0);
    let error = app.status.error().map(|e| e.text(&app.tr));
    let left_width = if error.is_some() { width * 0.55 } else { width };
    let mut line = row![ellipsis::one_line(&parts.join("   ·   "), 13.0, left_width)]
        .padding([3, 10])
        .height(iced::Length::Fixed(30.0));
    if let Some(h) = &app.sending {
        let mut args = FluentArgs::new();
        args.set("secs", h.secs_left());
        line = line.push(space::horizontal());
        line = line.push(
            row![
                text(app.tr.tr("undo-send-toast", Some(&args))).size(13),
                button(text(app.tr.tr("undo-button", None)).size(13))
                    .padding([1, 10])
                    .on_press(Message::UndoSend),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
    } else if let Some(u) = app.undo_toast() {
        line = line.push(space::horizontal());
        line = line.push(
            row![
                ellipsis::one_line(&u.said.text(&app.tr), 13.0, width * 0.3),
                button(text(app.tr.tr("undo-button", None)).size(13))
                    .padding([1, 10])
                    .on_press(Message::Undo),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
    }
    if let Some(e) = error {
        line = line.push(space::horizontal());
        line = line.push(ellipsis::one_line(&e, 13.0, width * 0.43).style(text::danger));
    }
    line.align_y(iced::Alignment::Center).into()
}

/// Headers on this device vs. the server's count, for a first sync's progress.
fn sync_progress(_app: &App, a: &super::app::AccountView) -> (u64, u64) {
    let mut have = 0u64;
    let mut total = 0u64;
    for f in &a.folders {
        have += f.cached_total.max(0) as u64;
        total += u64::from(f.folder.server_total.unwrap_or(0));
    }
    (have, total.max(have))
}
