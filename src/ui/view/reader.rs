//! The reader: headers, the body as text (HTML arrives already turned into readable text by
//! the MIME layer; links become clickable spans; nothing remote is ever fetched), and the
//! attachments with sizes, downloaded only when saved.
use super::toolbar;
use crate::model::MessageId;
use crate::ui::app::{App, Message, Reading};
use crate::ui::icons::{self, Icon};
use crate::ui::save_as::SaveAsMsg;
use crate::ui::{ellipsis, format};
use iced::widget::text::Wrapping;
use iced::widget::{
    button, column, container, responsive, rich_text, row, scrollable, span, stack, text,
};
use iced::{Element, Length};

/// Splits text into plain runs and http(s)/mailto links.
pub fn linkify(s: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let next = ["https://", "http://", "mailto:"]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let Some(start) = next else {
            if !rest.is_empty() {
                out.push((rest.to_string(), None));
            }
            return out;
        };
        let len = rest[start..]
            .find(|c: char| c.is_whitespace() || "<>\"'）」".contains(c))
            .unwrap_or(rest.len() - start);
        let mut url = &rest[start..start + len];
        url = url.trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
        if start > 0 {
            out.push((rest[..start].to_string(), None));
        }
        out.push((url.to_string(), Some(url.to_string())));
        rest = &rest[start + url.len()..];
    }
}

/// The colour behind a search match (list and reader), readable in light and dark themes.
pub const MATCH: iced::Color = iced::Color::from_rgba(1.0, 0.82, 0.2, 0.55);

/// The text as spans: links clickable, and while search results are shown the query's
/// words marked.
pub(super) fn highlighted_spans<'a>(
    app: &App,
    t: &str,
) -> Vec<iced::widget::text::Span<'a, String>> {
    use crate::ui::highlight::{self, Field};
    let terms = if app.results.is_some() {
        highlight::terms(&app.search, Field::Body)
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    for (t, link) in linkify(t) {
        match link {
            Some(url) => out.push(
                span(t)
                    .link(url)
                    .underline(true)
                    .color(iced::Color::from_rgb(0.2, 0.45, 0.85)),
            ),
            None => {
                for (run, hit) in highlight::split(&t, &terms) {
                    out.push(if hit {
                        span(run).background(MATCH)
                    } else {
                        span(run)
                    });
                }
            }
        }
    }
    out
}

fn header_line<'a>(app: &App, key: &str, value: String) -> Element<'a, Message> {
    row![
        text(app.tr.tr(key, None))
            .size(13)
            .width(Length::Fixed(80.0))
            .style(text::secondary),
        text(value).size(13),
    ]
    .into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    if !app.multi.is_empty() {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("n", app.multi.len());
        let bulk = row![
            button(text(app.tr.tr("action-read", None))).on_press(Message::MarkRead(true)),
            button(text(app.tr.tr("action-unread", None))).on_press(Message::MarkRead(false)),
            button(text(app.tr.tr("action-flag", None))).on_press(Message::Flag(true)),
            button(text(app.tr.tr("action-delete", None))).on_press(Message::Delete),
            button(text(app.tr.tr("action-clear-selection", None)))
                .on_press(Message::ClearSelection)
                .style(button::secondary),
        ]
        .spacing(6);
        return column![
            text(app.tr.tr("selected-count", Some(&args))).size(16),
            bulk
        ]
        .spacing(12)
        .padding(16)
        .into();
    }
    if let Some(c) = app.conv.shown() {
        return super::conversation::view(app, c);
    }
    let m = match &app.reading {
        Reading::Nothing => {
            return container(text(app.tr.tr("reader-none", None)).style(text::secondary))
                .padding(20)
                .into();
        }
        Reading::Loading(_) => {
            return container(text(app.tr.tr("reader-loading", None)).style(text::secondary))
                .padding(20)
                .into();
        }
        Reading::Failed(id, e) => {
            let (id, e) = (*id, e.as_str());
            return responsive(move |size| not_downloaded(app, id, e, size)).into();
        }
        Reading::Shown(m) => m,
    };
    let id = m.id;
    let m = m.as_ref();
    responsive(move |size| shown(app, id, m, size)).into()
}

/// The toolbar over the scrolling message; the overflow menu floats at its right edge.
pub(super) fn with_toolbar<'a>(
    app: &'a App,
    id: MessageId,
    size: iced::Size,
    content: Element<'a, Message>,
) -> Element<'a, Message> {
    let inner = (size.width - 2.0 * PAD).max(0.0);
    let col = column![
        container(toolbar::view(app, id, inner)).padding([8.0, PAD]),
        content
    ];
    match toolbar::menu(app, id, inner) {
        Some(menu) => stack![
            col,
            container(menu)
                .align_right(Length::Fill)
                .padding(iced::Padding {
                    top: 44.0,
                    right: PAD,
                    bottom: 0.0,
                    left: 0.0,
                })
        ]
        .into(),
        None => col.into(),
    }
}

pub(super) const PAD: f32 = 16.0;

/// A message whose body could not be fetched (offline, or the server refused): its stored
/// headers and the toolbar stay; the body's place says it will come when online, and why
/// it did not now.
fn not_downloaded<'a>(
    app: &'a App,
    id: MessageId,
    why: &'a str,
    size: iced::Size,
) -> Element<'a, Message> {
    let Some(r) = app.message_row(id) else {
        return container(text(why.to_string()).style(text::danger))
            .padding(20)
            .into();
    };
    let head = headers(app, &r.subject, &r.from, &r.to, &r.cc, r.date);
    let note = column![
        row![
            icons::icon(Icon::CloudOff, 16.0),
            text(app.tr.tr("reader-not-downloaded", None)).size(15)
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center),
        text(why.to_string()).size(12).style(text::secondary),
    ]
    .spacing(6);
    let col = column![head, note].spacing(14).padding(iced::Padding {
        top: 4.0,
        right: PAD,
        bottom: PAD,
        left: PAD,
    });
    with_toolbar(app, id, size, scrollable(col).height(Length::Fill).into())
}

/// Subject, From, To, Cc (when any) and Date.
fn headers<'a>(
    app: &App,
    subject: &str,
    from: &str,
    to: &str,
    cc: &str,
    date: i64,
) -> iced::widget::Column<'a, Message> {
    let subject = if subject.is_empty() {
        app.tr.tr("no-subject", None)
    } else {
        subject.to_string()
    };
    let mut head = column![text(subject).size(20)].spacing(3);
    head = head.push(header_line(app, "reader-from", from.to_string()));
    head = head.push(header_line(app, "reader-to", to.to_string()));
    if !cc.is_empty() {
        head = head.push(header_line(app, "reader-cc", cc.to_string()));
    }
    head.push(header_line(
        app,
        "reader-date",
        format::long_date(&app.tr, date),
    ))
}

fn shown<'a>(
    app: &'a App,
    id: MessageId,
    m: &'a crate::engine::ShownMessage,
    size: iced::Size,
) -> Element<'a, Message> {
    let head = headers(app, &m.subject, &m.from, &m.to, &m.cc, m.date);
    let text_body = rich_text(highlighted_spans(app, &m.text))
        .on_link_click(Message::OpenLink)
        .size(15);
    let body = super::html_view::body(app, id, text_body.into());
    let mut col = column![head, body].spacing(14).padding(iced::Padding {
        top: 4.0,
        right: PAD,
        bottom: PAD,
        left: PAD,
    });
    if !m.attachments.is_empty() {
        col = col.push(attachments(app, m, size.width - 2.0 * PAD));
    }
    with_toolbar(app, id, size, scrollable(col).height(Length::Fill).into())
}

/// One line per attachment: its name cut to fit, so Open and Save always stay in view.
pub(super) fn attachments<'a>(
    app: &'a App,
    m: &'a crate::engine::ShownMessage,
    width: f32,
) -> Element<'a, Message> {
    let open = app.tr.tr("attachment-open", None);
    let save = app.tr.tr("attachment-save", None);
    let save_as = app.tr.tr("attachment-save-as", None);
    let buttons = ellipsis::width(&open, 12.0)
        + ellipsis::width(&save, 12.0)
        + ellipsis::width(&save_as, 12.0)
        + 6.0 * 10.0
        + 32.0;
    let mut list = column![text(app.tr.tr("reader-attachments", None)).size(14)].spacing(4);
    for a in &m.attachments {
        let line = format!(
            "{}  ({}, {})",
            a.filename,
            a.mime,
            format::size(&app.tr, a.size)
        );
        list = list.push(
            row![
                icons::icon(Icon::Paperclip, 13.0),
                text(ellipsis::fit(
                    &line,
                    (width - buttons - 21.0).max(0.0),
                    13.0
                ))
                .size(13)
                .wrapping(Wrapping::None)
                .width(Length::Fill),
                button(text(open.clone()).size(12).wrapping(Wrapping::None))
                    .on_press(Message::SaveAttachment(a.index, true))
                    .style(button::secondary),
                button(text(save.clone()).size(12).wrapping(Wrapping::None))
                    .on_press(Message::SaveAttachment(a.index, false))
                    .style(button::secondary),
                button(text(save_as.clone()).size(12).wrapping(Wrapping::None))
                    .on_press(Message::SaveAs(SaveAsMsg::Ask(a.index)))
                    .style(button::secondary),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
    }
    if let Some((_, path)) = &app.replace_ask {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("path", path.display().to_string());
        list = list.push(
            row![
                text(app.tr.tr("attachment-replace-ask", Some(&args))).size(13),
                button(text(app.tr.tr("attachment-replace", None)).size(12))
                    .on_press(Message::SaveAs(SaveAsMsg::Replace(true)))
                    .style(button::danger),
                button(text(app.tr.tr("folder-cancel", None)).size(12))
                    .on_press(Message::SaveAs(SaveAsMsg::Replace(false)))
                    .style(button::secondary),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
    }
    list.into()
}

#[cfg(test)]
mod tests {
    use super::linkify;

    #[test]
    fn finds_links_and_leaves_punctuation_out() {
        let parts = linkify("See https://example.com/a?b=1. Or mail mailto:x@example.com");
        assert_eq!(parts[0], ("See ".to_string(), None));
        assert_eq!(
            parts[1],
            (
                "https://example.com/a?b=1".to_string(),
                Some("https://example.com/a?b=1".to_string())
            )
        );
        assert_eq!(parts[2].0, ". Or mail ");
        assert_eq!(parts[3].1.as_deref(), Some("mailto:x@example.com"));
        assert_eq!(linkify("no links"), vec![("no links".to_string(), None)]);
    }
}
