//! The message list: a window over the store query. Only the rows in view (plus a few) are
//! built; spacers above and below give the scrollbar the full folder's height, so building
//! the list costs the same for 1k and 100k messages.
use crate::store::{MessageRow, SortKey};
use crate::ui::app::{App, LIST_ID, Message, ROW_HEIGHT};
use crate::ui::format;
use iced::widget::{button, column, container, pick_list, row, scrollable, space, text};
use iced::{Element, Length};

#[derive(Debug, Clone, PartialEq)]
struct SortChoice(SortKey, String);

impl std::fmt::Display for SortChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

fn row_view<'a>(app: &App, r: &MessageRow, index: u32) -> Element<'a, Message> {
    let unread = !r.flags.seen;
    let marks = format!(
        "{}{}{}",
        if unread { "● " } else { "" },
        if r.flags.flagged { "★ " } else { "" },
        if r.has_attachments { "⊕ " } else { "" },
    );
    let subject = if r.subject.is_empty() {
        app.tr.tr("no-subject", None)
    } else {
        r.subject.clone()
    };
    let from = text(sender_name(&r.from)).size(14);
    let from = if unread {
        from.style(text::primary)
    } else {
        from
    };
    let top = row![
        from,
        space::horizontal(),
        text(format::short_date(&app.tr, r.date, app.now))
            .size(12)
            .style(text::secondary),
    ]
    .spacing(6);
    let bottom = row![text(marks).size(12), text(subject).size(13)].spacing(2);
    let picked = app.selected == Some(r.id) || app.multi.contains(&r.id);
    let b = button(column![top, bottom].spacing(2))
        .width(Length::Fill)
        .height(Length::Fixed(ROW_HEIGHT))
        .padding(iced::Padding {
            top: 4.0,
            right: 18.0,
            bottom: 4.0,
            left: 8.0,
        })
        .on_press(Message::Select(r.id, index));
    if picked {
        b.style(button::primary).into()
    } else {
        b.style(button::text).into()
    }
}

/// "Alice Example <alice@example.com>" -> "Alice Example".
pub fn sender_name(from: &str) -> String {
    match from.find('<') {
        Some(i) if i > 0 => from[..i].trim().trim_matches('"').to_string(),
        _ => from.trim_matches(['<', '>']).to_string(),
    }
}

fn toolbar(app: &App) -> Element<'_, Message> {
    let choices = vec![
        SortChoice(SortKey::Date, app.tr.tr("sort-date", None)),
        SortChoice(SortKey::Sender, app.tr.tr("sort-sender", None)),
        SortChoice(SortKey::Subject, app.tr.tr("sort-subject", None)),
    ];
    let current = choices.iter().find(|c| c.0 == app.sort).cloned();
    let dir = if app.descending { "↓" } else { "↑" };
    let unread = button(text(app.tr.tr("filter-unread", None)).size(13))
        .on_press(Message::ToggleUnreadOnly)
        .style(if app.unread_only {
            button::primary
        } else {
            button::secondary
        });
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("n", format::count(u64::from(app.count)));
    row![
        pick_list(choices, current, |c: SortChoice| Message::SetSort(c.0)).text_size(13),
        button(text(dir))
            .on_press(Message::ToggleDescending)
            .style(button::secondary),
        unread,
        space::horizontal(),
        text(app.tr.tr("list-count", Some(&args)))
            .size(12)
            .style(text::secondary),
    ]
    .spacing(6)
    .padding(6)
    .align_y(iced::Alignment::Center)
    .into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    if let Some(results) = &app.results {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("n", results.len());
        let server = if app.searching_server {
            button(text(app.tr.tr("search-server-running", None)).size(12)).style(button::secondary)
        } else if app.searched_server {
            button(text(app.tr.tr("search-server-done", None)).size(12)).style(button::text)
        } else {
            button(text(app.tr.tr("search-server", None)).size(12))
                .on_press(Message::SearchServer)
                .style(button::secondary)
        };
        let header = row![
            text(app.tr.tr("search-results", Some(&args))).size(13),
            space::horizontal(),
            server
        ]
        .align_y(iced::Alignment::Center);
        let rows = results
            .iter()
            .enumerate()
            .fold(column![], |c, (i, r)| c.push(row_view(app, r, i as u32)));
        return column![
            container(header).padding(6),
            scrollable(rows).height(Length::Fill)
        ]
        .into();
    }
    if app.count == 0 {
        return column![
            toolbar(app),
            container(text(app.tr.tr("list-empty", None)).style(text::secondary)).padding(20)
        ]
        .into();
    }
    let shown = app.rows.len() as u32;
    let above = app.first as f32 * ROW_HEIGHT;
    let below = app.count.saturating_sub(app.first + shown) as f32 * ROW_HEIGHT;
    let mut col = column![space::vertical().height(Length::Fixed(above))];
    for (i, r) in app.rows.iter().enumerate() {
        col = col.push(row_view(app, r, app.first + i as u32));
    }
    col = col.push(space::vertical().height(Length::Fixed(below)));
    column![
        toolbar(app),
        scrollable(col)
            .id(LIST_ID)
            .on_scroll(Message::Scrolled)
            .height(Length::Fill)
    ]
    .into()
}
