//! What the window draws: a top bar, the current screen, and a status bar.
mod add_account;
mod compose;
mod folders;
mod list;
mod reader;
mod settings;
mod sync;
mod sync_doctor;
mod sync_picture;
mod sync_queue;
mod wizard;

use super::app::{App, Message, SEARCH_ID, Screen};
use crate::engine::ConnState;
use fluent_bundle::FluentArgs;
use iced::widget::{button, column, container, row, rule, space, text, text_input};
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
        Screen::Mail => row![
            container(folders::view(app)).width(Length::Fixed(app.settings.folder_pane)),
            rule::vertical(1),
            container(list::view(app)).width(Length::Fixed(app.settings.list_pane)),
            rule::vertical(1),
            container(reader::view(app)).width(Length::Fill),
        ]
        .height(Length::Fill)
        .into(),
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
    if let Some(n) = &app.notice {
        parts.push(n.clone());
    }
    let mut line = row![text(parts.join("   ·   ")).size(13)].padding([4, 10]);
    if let Some(e) = &app.error {
        line = line.push(space::horizontal());
        line = line.push(text(e.clone()).size(13).style(text::danger));
    }
    line.into()
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
