//! The reader over a conversation: its subject, then every message oldest first. Older
//! messages are one line (sender, the start of the text, date; a click expands them), the
//! newest is expanded; each expanded message has its own header with actions on it alone,
//! and its quoted text folded behind "Show quoted text".
use super::list::sender_name;
use super::reader::{PAD, highlighted_spans, with_toolbar};
use crate::model::MessageId;
use crate::store::MessageRow;
use crate::ui::app::{App, Message};
use crate::ui::conversation::{ConvMsg, OpenConversation};
use crate::ui::icons::{self, Icon};
use crate::ui::{ellipsis, format};
use iced::widget::text::Wrapping;
use iced::widget::{
    button, column, container, responsive, rich_text, row, scrollable, space, text, tooltip,
};
use iced::{Element, Length};

/// A run of a message's text: its own words, or a quote of an earlier message (lines
/// starting with ">" and the "... wrote:" line that introduces them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Quote(String),
}

/// Splits `body` into its own text and quoted blocks.
pub fn fold_quotes(body: &str) -> Vec<Segment> {
    let lines: Vec<&str> = body.lines().collect();
    let quoted = |l: &str| l.trim_start().starts_with('>');
    let mut out: Vec<Segment> = Vec::new();
    // "On Monday, Bob wrote:" just before a quote belongs to it.
    let intro = |i: usize| {
        lines[i].trim_end().ends_with(':')
            && lines[i + 1..]
                .iter()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| quoted(l))
    };
    let mut i = 0;
    while i < lines.len() {
        let starts_quote = quoted(lines[i]) || intro(i);
        let mut j = i + 1;
        if starts_quote {
            while j < lines.len() && (quoted(lines[j]) || lines[j].trim().is_empty()) {
                j += 1;
            }
        } else {
            while j < lines.len() && !quoted(lines[j]) && !intro(j) {
                j += 1;
            }
        }
        let block = lines[i..j].join("\n");
        match (starts_quote, out.last_mut()) {
            (true, Some(Segment::Quote(q))) => {
                q.push('\n');
                q.push_str(&block);
            }
            (true, _) => out.push(Segment::Quote(block)),
            (false, Some(Segment::Text(t))) => {
                t.push('\n');
                t.push_str(&block);
            }
            (false, _) => out.push(Segment::Text(block)),
        }
        i = j;
    }
    for s in &mut out {
        let (Segment::Text(t) | Segment::Quote(t)) = s;
        *t = t.trim_end().to_string();
    }
    out.retain(|s| !matches!(s, Segment::Text(t) if t.trim().is_empty()));
    out
}

pub fn view<'a>(app: &'a App, c: &'a OpenConversation) -> Element<'a, Message> {
    responsive(move |size| {
        let subject = c
            .messages
            .last()
            .map(|m| m.subject.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| app.tr.tr("no-subject", None));
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("n", c.messages.len());
        let mut col = column![
            text(subject).size(20),
            text(app.tr.tr("conversation-count", Some(&args)))
                .size(12)
                .style(text::secondary),
        ]
        .spacing(8)
        .padding(iced::Padding {
            top: 4.0,
            right: PAD,
            bottom: PAD,
            left: PAD,
        });
        let width = (size.width - 2.0 * PAD).max(0.0);
        for m in &c.messages {
            col = col.push(if c.expanded.contains(&m.id) {
                expanded(app, c, m, width)
            } else {
                // The start of its text: the body when it came, else the cached snippet.
                let start = match c.bodies.get(&m.id) {
                    Some(Ok(b)) => Some(b.text.clone()),
                    _ => m.snippet.clone(),
                };
                collapsed(app, m, start.as_deref().unwrap_or_default(), width)
            });
        }
        with_toolbar(
            app,
            c.head,
            size,
            scrollable(col).height(Length::Fill).into(),
        )
    })
    .into()
}

/// One line: sender, the start of the text, date; a click expands it.
fn collapsed<'a>(app: &App, m: &MessageRow, start: &str, width: f32) -> Element<'a, Message> {
    let who = sender_name(&m.from);
    let date = format::short_date(&app.tr, m.date, app.now);
    let who_w = (width * 0.3).clamp(60.0, 180.0);
    let rest = (width - who_w - 90.0 - 24.0).max(0.0);
    let snippet = start.split_whitespace().collect::<Vec<_>>().join(" ");
    let bold = iced::Font {
        weight: if m.flags.seen {
            iced::font::Weight::Normal
        } else {
            iced::font::Weight::Bold
        },
        ..iced::Font::with_name(crate::ui::CJK_FONT_NAME)
    };
    let line = row![
        container(
            text(ellipsis::fit(&who, who_w, 13.0))
                .size(13)
                .font(bold)
                .wrapping(Wrapping::None)
        )
        .width(Length::Fixed(who_w))
        .clip(true),
        container(
            text(ellipsis::fit(&snippet, rest, 13.0))
                .size(13)
                .wrapping(Wrapping::None)
                .style(text::secondary)
        )
        .width(Length::Fill)
        .clip(true),
        text(date).size(12).wrapping(Wrapping::None),
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center);
    button(line)
        .width(Length::Fill)
        .padding([6, 8])
        .on_press(Message::Conv(ConvMsg::Expand(m.id, true)))
        .style(|theme: &iced::Theme, status| {
            // A quiet line with the message boxes' border, not a filled button.
            let p = theme.extended_palette();
            let mut s = button::text(theme, status);
            s.border = iced::Border {
                color: p.background.strong.color,
                width: 1.0,
                radius: 4.0.into(),
            };
            if status == button::Status::Hovered {
                s.background = Some(p.background.weak.color.into());
            }
            s
        })
        .into()
}

/// A small icon button with its label as a tooltip, acting on message `id` alone.
fn one<'a>(app: &App, id: MessageId, icon: Icon, key: &str, msg: Message) -> Element<'a, Message> {
    tooltip(
        button(icons::icon(icon, 13.0))
            .padding(4)
            .on_press(Message::Conv(ConvMsg::OnOne(id, Box::new(msg))))
            .style(button::text),
        container(text(app.tr.tr(key, None)).size(12))
            .padding(4)
            .style(container::bordered_box),
        tooltip::Position::Bottom,
    )
    .into()
}

fn expanded<'a>(
    app: &'a App,
    c: &'a OpenConversation,
    m: &'a MessageRow,
    width: f32,
) -> Element<'a, Message> {
    use crate::mime::reply::ReplyKind;
    let id = m.id;
    let who_w = (width - 5.0 * 25.0 - 110.0).max(40.0);
    let head = row![
        button(icons::icon(Icon::ChevronDown, 13.0))
            .padding(4)
            .on_press(Message::Conv(ConvMsg::Expand(id, false)))
            .style(button::text),
        container(
            text(ellipsis::fit(&m.from, who_w, 13.0))
                .size(13)
                .wrapping(Wrapping::None)
        )
        .width(Length::Fill)
        .clip(true),
        text(format::short_date(&app.tr, m.date, app.now))
            .size(12)
            .wrapping(Wrapping::None)
            .style(text::secondary),
        one(
            app,
            id,
            Icon::Reply,
            "compose-reply",
            Message::Respond(ReplyKind::Reply)
        ),
        one(
            app,
            id,
            Icon::Forward,
            "compose-forward",
            Message::Respond(ReplyKind::Forward)
        ),
        if m.flags.seen {
            one(
                app,
                id,
                Icon::Mail,
                "action-unread",
                Message::MarkRead(false),
            )
        } else {
            one(
                app,
                id,
                Icon::MailOpen,
                "action-read",
                Message::MarkRead(true),
            )
        },
        if m.flags.flagged {
            one(
                app,
                id,
                Icon::FlagOff,
                "action-unflag",
                Message::Flag(false),
            )
        } else {
            one(app, id, Icon::Flag, "action-flag", Message::Flag(true))
        },
        one(app, id, Icon::Trash2, "action-delete", Message::Delete),
    ]
    .spacing(4)
    .align_y(iced::Alignment::Center);
    let mut to = fluent_bundle::FluentArgs::new();
    to.set("names", super::list::recipient_names(&m.to));
    let mut col = column![
        head,
        text(app.tr.tr("list-to", Some(&to)))
            .size(12)
            .style(text::secondary),
    ]
    .spacing(6);
    col = col.push(match c.bodies.get(&id) {
        None => Element::from(
            text(app.tr.tr("reader-loading", None))
                .size(13)
                .style(text::secondary),
        ),
        Some(Err(why)) => column![
            text(app.tr.tr("reader-not-downloaded", None)).size(13),
            text(why.clone()).size(12).style(text::secondary),
        ]
        .spacing(4)
        .into(),
        Some(Ok(shown)) => body(app, id, &shown.text, c.quotes.contains(&id)),
    });
    // Its attachments, their buttons acting on this message.
    if let Some(Ok(shown)) = c.bodies.get(&id)
        && !shown.attachments.is_empty()
    {
        col = col.push(
            super::reader::attachments(app, shown, width - 20.0)
                .map(move |m| Message::Conv(ConvMsg::OnOne(id, Box::new(m)))),
        );
    }
    container(col)
        .padding(10)
        .width(Length::Fill)
        .style(container::bordered_box)
        .into()
}

/// The text with links and search matches, its quoted blocks folded unless `quotes`.
fn body<'a>(app: &App, id: MessageId, t: &str, quotes: bool) -> Element<'a, Message> {
    let segments = fold_quotes(t);
    let any_quote = segments.iter().any(|s| matches!(s, Segment::Quote(_)));
    let mut col = column![].spacing(8);
    let mut toggle_shown = false;
    for s in segments {
        match s {
            Segment::Text(t) => {
                col = col.push(
                    rich_text(highlighted_spans(app, &t))
                        .on_link_click(Message::OpenLink)
                        .size(15),
                );
            }
            Segment::Quote(q) if quotes => {
                col = col.push(
                    container(
                        rich_text(highlighted_spans(app, &q))
                            .on_link_click(Message::OpenLink)
                            .size(14),
                    )
                    .padding([0, 8]),
                );
            }
            Segment::Quote(_) if !toggle_shown => {
                toggle_shown = true;
                col = col.push(
                    button(text(app.tr.tr("conversation-show-quoted", None)).size(12))
                        .padding([2, 8])
                        .on_press(Message::Conv(ConvMsg::Quotes(id, true)))
                        .style(button::secondary),
                );
            }
            Segment::Quote(_) => {}
        }
    }
    if any_quote && quotes {
        col = col.push(
            button(text(app.tr.tr("conversation-hide-quoted", None)).size(12))
                .padding([2, 8])
                .on_press(Message::Conv(ConvMsg::Quotes(id, false)))
                .style(button::secondary),
        );
    }
    col.push(space::vertical().height(Length::Fixed(0.0)))
        .into()
}

#[cfg(test)]
mod tests {
    use super::{Segment, fold_quotes};

    #[test]
    fn quoted_blocks_and_their_intro_fold_apart_from_the_text() {
        let s = fold_quotes(
            "Thanks, see below.\n\nOn Mon, Bob wrote:\n> first\n>> older\n\nMy answer.\n> again",
        );
        assert_eq!(
            s,
            [
                Segment::Text("Thanks, see below.".into()),
                Segment::Quote("On Mon, Bob wrote:\n> first\n>> older".into()),
                Segment::Text("My answer.".into()),
                Segment::Quote("> again".into()),
            ]
        );
        assert_eq!(
            fold_quotes("Just text:\nno quote"),
            [Segment::Text("Just text:\nno quote".into())]
        );
        assert!(fold_quotes("").is_empty());
    }
}
