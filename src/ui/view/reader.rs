//! The reader: headers, the body as text (HTML arrives already turned into readable text by
//! the MIME layer; links become clickable spans; nothing remote is ever fetched), and the
//! attachments with sizes, downloaded only when saved.
use crate::mime::reply::ReplyKind;
use crate::model::{FolderRole, MessageId};
use crate::ui::app::{App, Message, Reading};
use crate::ui::format;
use iced::widget::{button, column, container, pick_list, rich_text, row, scrollable, span, text};
use iced::{Element, Font, Length};

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

#[derive(Debug, Clone, PartialEq)]
struct FolderChoice(crate::model::FolderId, String);

impl std::fmt::Display for FolderChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

fn actions(app: &App, id: MessageId) -> Element<'_, Message> {
    let row_info = app.message_row(id);
    let seen = row_info.as_ref().is_some_and(|r| r.flags.seen);
    let flagged = row_info.as_ref().is_some_and(|r| r.flags.flagged);
    let account = row_info.as_ref().map(|r| r.account_id);
    let folders: Vec<FolderChoice> = app
        .accounts
        .iter()
        .filter(|a| Some(a.account.id) == account)
        .flat_map(|a| a.folders.iter())
        .filter(|f| Some(f.folder.id) != row_info.as_ref().map(|r| r.folder_id))
        .map(|f| FolderChoice(f.folder.id, crate::mime::mutf7::decode(&f.folder.name)))
        .collect();
    let small = |key: &str, m: Message| {
        button(text(app.tr.tr(key, None)).size(13))
            .on_press(m)
            .style(button::secondary)
    };
    let mut r = row![
        small("compose-reply", Message::Respond(ReplyKind::Reply)),
        small("compose-reply-all", Message::Respond(ReplyKind::ReplyAll)),
        small("compose-forward", Message::Respond(ReplyKind::Forward)),
        if seen {
            small("action-unread", Message::MarkRead(false))
        } else {
            small("action-read", Message::MarkRead(true))
        },
        if flagged {
            small("action-unflag", Message::Flag(false))
        } else {
            small("action-flag", Message::Flag(true))
        },
        small("action-delete", Message::Delete),
    ]
    .spacing(6);
    if account
        .and_then(|a| app.folder_of_role(a, FolderRole::Archive))
        .is_some()
    {
        r = r.push(small("action-archive", Message::Archive));
    }
    r = r.push(
        pick_list(folders, None::<FolderChoice>, |c: FolderChoice| {
            Message::MoveTo(c.0)
        })
        .placeholder(app.tr.tr("action-move", None))
        .text_size(13),
    );
    r.into()
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
        Reading::Failed(_, e) => {
            return column![
                text(app.tr.tr("reader-failed", None)).style(text::danger),
                text(e.clone()).size(13)
            ]
            .spacing(8)
            .padding(20)
            .into();
        }
        Reading::Shown(m) => m,
    };
    let subject = if m.subject.is_empty() {
        app.tr.tr("no-subject", None)
    } else {
        m.subject.clone()
    };
    let mut head = column![text(subject).size(20)].spacing(3);
    head = head.push(header_line(app, "reader-from", m.from.clone()));
    head = head.push(header_line(app, "reader-to", m.to.clone()));
    if !m.cc.is_empty() {
        head = head.push(header_line(app, "reader-cc", m.cc.clone()));
    }
    head = head.push(header_line(
        app,
        "reader-date",
        format::long_date(&app.tr, m.date),
    ));
    let spans: Vec<_> = linkify(&m.text)
        .into_iter()
        .map(|(t, link)| match link {
            Some(url) => span(t)
                .link(url)
                .underline(true)
                .color(iced::Color::from_rgb(0.2, 0.45, 0.85)),
            None => span(t),
        })
        .collect();
    let body = rich_text(spans)
        .on_link_click(Message::OpenLink)
        .size(15)
        .font(Font::DEFAULT);
    let mut col = column![actions(app, m.id), head, body]
        .spacing(14)
        .padding(16);
    if !m.attachments.is_empty() {
        let mut list = column![text(app.tr.tr("reader-attachments", None)).size(14)].spacing(4);
        for a in &m.attachments {
            list = list.push(
                row![
                    text(format!(
                        "{}  ({}, {})",
                        a.filename,
                        a.mime,
                        format::size(&app.tr, a.size)
                    ))
                    .size(13),
                    button(text(app.tr.tr("attachment-open", None)).size(12))
                        .on_press(Message::SaveAttachment(a.index, true))
                        .style(button::secondary),
                    button(text(app.tr.tr("attachment-save", None)).size(12))
                        .on_press(Message::SaveAttachment(a.index, false))
                        .style(button::secondary),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
        }
        col = col.push(list);
    }
    scrollable(col).height(Length::Fill).into()
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
