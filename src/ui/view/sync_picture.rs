//! The sync view's picture of an account: per folder three bars (on the server, on this
//! device, readable offline) drawn as containers with proportional widths, the arrows of
//! changes waiting to go up and mail still coming down, what would be lost if this
//! computer broke (POP3: the messages only here, and when the server's copies go), the
//! server's space (QUOTA) and the devices that use the account (METADATA).
use crate::model::Protocol;
use crate::ui::app::{AccountView, App, Message};
use crate::ui::format;
use fluent_bundle::FluentArgs;
use iced::widget::{Space, column, container, row, text};
use iced::{Color, Element, Length, Theme};

/// Width units of a bar (its share of the row).
const UNITS: u64 = 1000;

#[derive(Clone, Copy)]
enum Shade {
    Server,
    Device,
    Offline,
    Warn,
}

fn shade(t: &Theme, s: Shade) -> Color {
    let p = t.extended_palette();
    match s {
        Shade::Server => p.secondary.strong.color,
        Shade::Device => p.primary.base.color,
        Shade::Offline => p.success.base.color,
        Shade::Warn => p.danger.base.color,
    }
}

/// A bar `value` of `max` long, in a track of the row's width.
fn bar<'a>(value: u64, max: u64, s: Shade) -> Element<'a, Message> {
    let filled = if max == 0 {
        0
    } else {
        (value.min(max) * UNITS).div_ceil(max)
    };
    let filled = if value > 0 { filled.max(4) } else { 0 };
    let rest = UNITS - filled.min(UNITS);
    let mut r = row![];
    if filled > 0 {
        r = r.push(
            container(Space::new())
                .width(Length::FillPortion(filled as u16))
                .height(10)
                .style(move |t: &Theme| container::Style {
                    background: Some(shade(t, s).into()),
                    border: iced::border::rounded(2),
                    ..Default::default()
                }),
        );
    }
    if rest > 0 {
        r = r.push(
            container(Space::new())
                .width(Length::FillPortion(rest as u16))
                .height(10)
                .style(|t: &Theme| container::Style {
                    background: Some(t.extended_palette().background.weak.color.into()),
                    border: iced::border::rounded(2),
                    ..Default::default()
                }),
        );
    }
    r.width(Length::Fill).into()
}

fn label<'a>(s: String) -> Element<'a, Message> {
    text(s).size(12).width(Length::Fixed(150.0)).into()
}

fn count<'a>(s: String) -> Element<'a, Message> {
    text(s)
        .size(11)
        .width(Length::Fixed(60.0))
        .align_x(iced::alignment::Horizontal::Right)
        .into()
}

/// "in 3 days", "5 minutes ago", ...
pub fn relative(app: &App, ts: i64) -> String {
    let d = ts - app.now;
    let mut args = FluentArgs::new();
    let (key, n) = match d.abs() {
        0..60 => return app.tr.tr("when-just-now", None),
        60..3600 => ("minutes", d.abs() / 60),
        3600..86_400 => ("hours", d.abs() / 3600),
        _ => ("days", (d.abs() + 86_399) / 86_400),
    };
    args.set("n", n);
    let key = format!("when-{}-{key}", if d > 0 { "in" } else { "ago" });
    app.tr.tr(&key, Some(&args))
}

/// Per folder: the three bars beside their counts.
pub fn folders<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    let max = a
        .folders
        .iter()
        .map(|f| u64::from(f.folder.server_total.unwrap_or(0)).max(f.cached_total.max(0) as u64))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut col = column![
        row![
            text(app.tr.tr("sync-legend-server", None))
                .size(12)
                .style(|t: &Theme| text::Style {
                    color: Some(shade(t, Shade::Server))
                }),
            text(app.tr.tr("sync-legend-device", None))
                .size(12)
                .style(|t: &Theme| text::Style {
                    color: Some(shade(t, Shade::Device))
                }),
            text(app.tr.tr("sync-legend-offline", None))
                .size(12)
                .style(|t: &Theme| text::Style {
                    color: Some(shade(t, Shade::Offline))
                }),
        ]
        .spacing(16)
    ]
    .spacing(4);
    for f in &a.folders {
        let server = f.folder.server_total.map(u64::from);
        let device = f.cached_total.max(0) as u64;
        let offline = f.cached_bodies.max(0) as u64;
        let name = crate::mime::mutf7::decode(&f.folder.name);
        let last = match (a.account.protocol, f.folder.last_sync) {
            (_, Some(t)) => relative(app, t),
            (Protocol::Pop3, None) => app.tr.tr("sync-folder-local", None),
            (Protocol::Imap, None) => app.tr.tr("sync-never", None),
        };
        let server_figure = server.map_or_else(|| "—".to_string(), format::count);
        let line = |v: u64, figure: String, sh: Shade| {
            row![bar(v, max, sh), count(figure)]
                .spacing(6)
                .align_y(iced::Alignment::Center)
        };
        col = col.push(
            row![
                label(name),
                column![
                    line(server.unwrap_or(0), server_figure, Shade::Server),
                    line(device, format::count(device), Shade::Device),
                    line(offline, format::count(offline), Shade::Offline),
                ]
                .spacing(1)
                .width(Length::Fill),
                text(format!(
                    "{} · {last}",
                    format::size(&app.tr, f.cached_bytes.max(0) as u64)
                ))
                .size(11)
                .width(Length::Fixed(170.0))
                .style(text::secondary),
            ]
            .spacing(10)
            .align_y(iced::Alignment::Center),
        );
    }
    col.into()
}

/// Up: changes waiting to go to the server; down: mail not on this device yet.
pub fn arrows<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    // Over the whole account: a local move takes a message out of one folder and puts a
    // placeholder into another, so per folder it would look like mail still to come.
    let (server, here) = a.folders.iter().fold((0u64, 0u64), |(s, h), f| {
        (
            s + u64::from(f.folder.server_total.unwrap_or(0)),
            h + f.cached_total.max(0) as u64,
        )
    });
    let arriving = server.saturating_sub(here);
    let mut args = FluentArgs::new();
    args.set("up", format::count(a.sync.risk.not_sent));
    args.set("down", format::count(arriving));
    let key = match a.account.protocol {
        Protocol::Imap => "sync-arrows",
        Protocol::Pop3 => "sync-arrows-pop3",
    };
    text(app.tr.tr(key, Some(&args))).size(14).into()
}

/// What is lost if this computer breaks.
pub fn risk<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    let r = &a.sync.risk;
    let mut col = column![].spacing(2);
    let mut args = FluentArgs::new();
    args.set("n", r.not_sent);
    args.set("only", r.only_here);
    args.set("copies", r.server_copies);
    match a.account.protocol {
        Protocol::Imap => {
            col = col.push(text(app.tr.tr("sync-risk-imap", Some(&args))).size(13));
        }
        Protocol::Pop3 => {
            col = col.push(
                text(app.tr.tr("sync-risk-pop3", Some(&args)))
                    .size(13)
                    .style(move |t: &Theme| text::Style {
                        color: (r.only_here > 0).then(|| shade(t, Shade::Warn)),
                    }),
            );
            let copies = if !a.account.pop3.leave_on_server {
                app.tr.tr("sync-pop3-no-copies", None)
            } else if let Some(at) = r.next_server_deletion.filter(|_| r.server_copies > 0) {
                let mut args = FluentArgs::new();
                args.set("copies", r.server_copies);
                args.set("when", relative(app, at.max(app.now)));
                args.set("days", a.account.pop3.delete_after_days.unwrap_or_default());
                app.tr.tr("sync-pop3-copies-deleted", Some(&args))
            } else {
                app.tr.tr("sync-pop3-copies-kept", Some(&args))
            };
            col = col.push(text(copies).size(13).style(text::secondary));
        }
    }
    col.into()
}

/// Server space: a bar of used / limit, a warning at 90%, the largest folders.
pub fn quota<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    if a.account.protocol == Protocol::Pop3 {
        return column![].into();
    }
    let Some(q) = &a.sync.server.quota else {
        let key = if a.sync.server.checked == 0 {
            "sync-quota-unknown"
        } else {
            "sync-quota-none"
        };
        return text(app.tr.tr(key, None))
            .size(13)
            .style(text::secondary)
            .into();
    };
    let pct = q.percent();
    let mut args = FluentArgs::new();
    args.set("used", format::size(&app.tr, q.used_bytes));
    args.set("limit", format::size(&app.tr, q.limit_bytes));
    args.set("pct", pct);
    let warn = pct >= 90;
    let mut col = column![
        row![
            text(app.tr.tr("sync-quota", Some(&args)))
                .size(13)
                .width(Length::Fixed(300.0)),
            bar(
                q.used_bytes,
                q.limit_bytes,
                if warn { Shade::Warn } else { Shade::Server }
            ),
        ]
        .spacing(10)
        .align_y(iced::Alignment::Center)
    ]
    .spacing(2);
    if warn {
        col = col.push(
            text(app.tr.tr("sync-quota-warning", Some(&args)))
                .size(13)
                .style(text::danger),
        );
    }
    let mut big: Vec<_> = a
        .folders
        .iter()
        .filter(|f| f.folder.server_total.unwrap_or(0) > 0)
        .collect();
    big.sort_by_key(|f| std::cmp::Reverse(f.folder.server_total));
    let names: Vec<String> = big
        .iter()
        .take(3)
        .map(|f| {
            format!(
                "{} ({})",
                crate::mime::mutf7::decode(&f.folder.name),
                format::count(u64::from(f.folder.server_total.unwrap_or(0)))
            )
        })
        .collect();
    if !names.is_empty() {
        let mut args = FluentArgs::new();
        args.set("folders", names.join(", "));
        col = col.push(
            text(app.tr.tr("sync-quota-largest", Some(&args)))
                .size(12)
                .style(text::secondary),
        );
    }
    col.into()
}

/// The devices that use the account, this one first.
pub fn devices<'a>(app: &'a App, a: &'a AccountView) -> Element<'a, Message> {
    let mut col = column![text(app.tr.tr("sync-devices-heading", None)).size(15)].spacing(3);
    let s = &a.sync.server;
    match (a.account.protocol, s.metadata) {
        (Protocol::Pop3, _) => {
            return col
                .push(
                    text(app.tr.tr("sync-devices-pop3", None))
                        .size(13)
                        .style(text::secondary),
                )
                .into();
        }
        (_, Some(false)) => {
            col = col.push(
                text(app.tr.tr("sync-devices-no-metadata", None))
                    .size(13)
                    .style(text::secondary),
            );
            let mut args = FluentArgs::new();
            args.set("name", a.sync.device_name.clone());
            col = col.push(text(app.tr.tr("sync-device-this-only", Some(&args))).size(13));
        }
        (_, None) => {
            col = col.push(
                text(app.tr.tr("sync-devices-unknown", None))
                    .size(13)
                    .style(text::secondary),
            );
        }
        (_, Some(true)) => {}
    }
    for d in &s.devices {
        let mut args = FluentArgs::new();
        args.set("name", d.name.clone());
        args.set("os", d.os.clone());
        args.set("version", d.version.clone());
        args.set("seen", relative(app, d.last_sync));
        args.set("messages", format::count(d.messages));
        args.set("size", format::size(&app.tr, d.bytes));
        args.set("waiting", d.waiting);
        args.set("offline", offline_words(app, &d.offline));
        let key = if d.id == a.sync.device_id {
            "sync-device-this"
        } else {
            "sync-device-other"
        };
        col = col.push(text(app.tr.tr(key, Some(&args))).size(13));
    }
    if s.metadata == Some(true) {
        col = col.push(
            text(app.tr.tr("sync-devices-others-note", None))
                .size(12)
                .style(text::secondary),
        );
    }
    col.into()
}

/// An offline policy as a device reports it (`on-demand`, `days:N`, `all`), in words.
fn offline_words(app: &App, policy: &str) -> String {
    match crate::model::OfflineMode::parse(policy) {
        Some(crate::model::OfflineMode::OnDemand) => app.tr.tr("sync-offline-on-demand", None),
        Some(crate::model::OfflineMode::All) => app.tr.tr("sync-offline-all", None),
        Some(crate::model::OfflineMode::Days(n)) => {
            let mut args = FluentArgs::new();
            args.set("n", n);
            app.tr.tr("sync-offline-days", Some(&args))
        }
        None => policy.to_string(),
    }
}
