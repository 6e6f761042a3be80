//! The message list: a window over the store query. Only the rows in view (plus a few) are
//! built; spacers above and below give the scrollbar the full folder's height, so building
//! the list costs the same for 1k and 100k messages.
use super::toolbar;
use crate::model::FolderRole;
use crate::store::{Listing, MessageRow, SortKey};
use crate::ui::app::{App, LIST_ID, Message, ROW_HEIGHT};
use crate::ui::conversation::ConvMsg;
use crate::ui::gestures::GestureMsg;
use crate::ui::highlight::{self, Field};
use crate::ui::icons::{self, Icon};
use crate::ui::{ellipsis, format};
use iced::widget::text::{Text, Wrapping};
use iced::widget::{
    button, column, container, mouse_area, pick_list, row, scrollable, space, stack, text,
};
use iced::{Element, Font, Length};

#[derive(Debug, Clone, PartialEq)]
struct SortChoice(SortKey, String);

impl std::fmt::Display for SortChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

/// Font size of the list's sender and subject; the date and marks are a step smaller.
const ROW_TEXT: f32 = 13.0;
const DATE_TEXT: f32 = 12.0;
const MARK: f32 = 13.0;
/// Width of the date column (fits "2025-11-03" and "11月30日").
const DATE_WIDTH: f32 = 64.0;
/// The row's padding left and right (the right leaves room for the scrollbar).
const PAD_LEFT: f32 = 6.0;
const PAD_RIGHT: f32 = 16.0;
const GAP: f32 = 6.0;
/// The folder column of search results, at most.
const FOLDER_WIDTH: f32 = 110.0;

/// Sent and Drafts list who the mail is to, not who it is from (that is always you).
fn shows_recipients(app: &App) -> bool {
    let Some(Listing::Folder(id)) = app.listing else {
        return false;
    };
    app.accounts
        .iter()
        .flat_map(|a| a.folders.iter())
        .find(|f| f.folder.id == id)
        .is_some_and(|f| matches!(f.folder.role, Some(FolderRole::Sent | FolderRole::Drafts)))
}

/// "Alice Example <alice@example.com>" -> "Alice Example".
pub fn sender_name(from: &str) -> String {
    match from.find('<') {
        Some(i) if i > 0 => from[..i].trim().trim_matches('"').to_string(),
        _ => from.trim_matches(['<', '>']).to_string(),
    }
}

/// "Alice, Bob, Me": who wrote in a conversation, by name, each once.
pub fn participants(senders: &[String]) -> String {
    let mut names: Vec<String> = Vec::new();
    for s in senders {
        let n = sender_name(s);
        if !n.is_empty() && !names.contains(&n) {
            names.push(n);
        }
    }
    names.join(", ")
}

/// The addresses of a list, split at the commas outside quotes.
fn split_addresses(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in list.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(list[start..].trim());
    out
}

/// "Bob, Carol" from "Bob <bob@x>, carol@y": display names, else the addresses.
pub fn recipient_names(to: &str) -> String {
    split_addresses(to)
        .into_iter()
        .map(sender_name)
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The widths of a row's columns for a list pane `pane` pixels wide:
/// (sender, subject), with the marks and the date at fixed widths.
pub fn columns(pane: f32) -> (f32, f32) {
    let inner = (pane - PAD_LEFT - PAD_RIGHT - MARK - 2.0 * MARK - DATE_WIDTH - 5.0 * GAP).max(0.0);
    let from = (inner * 0.36).clamp(60.0, 220.0).min(inner);
    (from, (inner - from).max(0.0))
}

fn row_view<'a>(app: &App, r: &MessageRow, index: u32, pane: f32) -> Element<'a, Message> {
    // In conversation mode: the conversation's unread state, writers and size.
    let facts = app
        .by_conversation()
        .then(|| app.conv.facts.get(&r.id))
        .flatten()
        .filter(|f| f.count > 1);
    let unread = facts.map_or(!r.flags.seen, |f| f.unread > 0);
    let picked = app.selected == Some(r.id) || app.multi.contains(&r.id);
    let subject = if r.subject.is_empty() {
        app.tr.tr("no-subject", None)
    } else {
        r.subject.clone()
    };
    let who = if let Some(f) = facts.filter(|_| !shows_recipients(app)) {
        participants(&f.senders)
    } else if shows_recipients(app) {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("names", recipient_names(&r.to));
        app.tr.tr("list-to", Some(&args))
    } else {
        sender_name(&r.from)
    };
    let (from_w, subject_w) = columns(pane);
    let weight = if unread {
        iced::font::Weight::Bold
    } else {
        iced::font::Weight::Normal
    };
    let font = Font {
        weight,
        ..Font::with_name(crate::ui::CJK_FONT_NAME)
    };
    // Bold runs about a tenth wider than the regular face the estimate is made for.
    let measure = if unread { 1.2 } else { 1.0 };
    // Each cell clips too, so an estimate that falls short never touches the next column.
    // Search results mark the query's words in the sender and the subject.
    let one_line = |s: String, width: f32, size: f32, field: Field| {
        let shown = ellipsis::fit(&s, width, size * measure);
        let terms = if app.results.is_some() {
            highlight::terms(&app.search, field)
        } else {
            Vec::new()
        };
        let runs = highlight::split(&shown, &terms);
        let cell: Element<'a, Message> = if runs.iter().any(|(_, hit)| *hit) {
            let spans: Vec<iced::widget::text::Span<'a, ()>> = runs
                .into_iter()
                .map(|(t, hit)| {
                    let sp = iced::widget::span(t);
                    if hit {
                        sp.background(super::reader::MATCH)
                    } else {
                        sp
                    }
                })
                .collect();
            iced::widget::rich_text(spans)
                .size(size)
                .font(font)
                .wrapping(Wrapping::None)
                .into()
        } else {
            text(shown)
                .size(size)
                .font(font)
                .wrapping(Wrapping::None)
                .into()
        };
        container(cell).width(Length::Fixed(width)).clip(true)
    };
    // On the selection's colour every text takes the button's own (readable) colour.
    let faint = |t: Text<'a>| if picked { t } else { t.style(text::secondary) };
    let mark = |on: bool, which: Icon| {
        if on {
            faint(icons::icon(which, MARK))
        } else {
            text("").width(Length::Fixed(MARK))
        }
    };
    // One status column: the unread dot, else the answered arrow, else the forwarded one.
    let status = if unread && !picked {
        icons::icon(Icon::Dot, MARK).style(text::primary)
    } else if unread {
        mark(true, Icon::Dot)
    } else if r.flags.forwarded && !r.flags.answered {
        mark(true, Icon::Forward)
    } else {
        mark(r.flags.answered, Icon::Reply)
    };
    // The conversation's size before its subject, in the subject's column.
    let (count, subject_w) = match facts {
        Some(f) => {
            let n = f.count.to_string();
            let w = ellipsis::width(&n, DATE_TEXT) + 10.0;
            let badge = container(text(n).size(DATE_TEXT).wrapping(Wrapping::None))
                .padding([0.0, 4.0])
                .style(move |theme: &iced::Theme| {
                    let p = theme.extended_palette();
                    container::Style {
                        background: Some(p.background.strong.color.into()),
                        text_color: Some(p.background.strong.text),
                        border: iced::Border::default().rounded(6),
                        ..Default::default()
                    }
                });
            (Some(badge), (subject_w - w - GAP).max(0.0))
        }
        None => (None, subject_w),
    };
    // Search results show the folder of each (its name cut to a column of its own).
    let (folder, subject_w) = if app.results.is_some() {
        let name = super::folders::folder_label(app, r.folder_id);
        let w = (subject_w * 0.3).clamp(0.0, FOLDER_WIDTH);
        let cell = container(
            text(ellipsis::fit(&name, w, DATE_TEXT))
                .size(DATE_TEXT)
                .wrapping(Wrapping::None)
                .style(if picked {
                    text::default
                } else {
                    text::secondary
                }),
        )
        .width(Length::Fixed(w))
        .clip(true);
        (Some(cell), (subject_w - w - GAP).max(0.0))
    } else {
        (None, subject_w)
    };
    let line = row![status, one_line(who, from_w, ROW_TEXT, Field::Sender)]
        .push(count)
        .push(one_line(subject, subject_w, ROW_TEXT, Field::Subject))
        .push(folder);
    let line = row![
        line.spacing(GAP).align_y(iced::Alignment::Center),
        mark(r.has_attachments, Icon::Paperclip),
        mark(r.flags.flagged, Icon::Flag),
        faint(
            text(format::short_date(&app.tr, r.date, app.now))
                .size(DATE_TEXT)
                .wrapping(Wrapping::None)
                .width(Length::Fixed(DATE_WIDTH))
                .align_x(iced::alignment::Horizontal::Right)
        ),
    ]
    .spacing(GAP)
    .align_y(iced::Alignment::Center);
    let cell = container(line)
        .clip(true)
        .center_y(Length::Fixed(ROW_HEIGHT))
        .width(Length::Fill)
        .padding(iced::Padding {
            top: 0.0,
            right: PAD_RIGHT,
            bottom: 0.0,
            left: PAD_LEFT,
        });
    let cell = if picked {
        cell.style(|theme: &iced::Theme| {
            let p = theme.extended_palette();
            container::Style {
                background: Some(p.primary.base.color.into()),
                text_color: Some(p.primary.base.text),
                ..Default::default()
            }
        })
    } else {
        cell
    };
    // A press selects (and may start a drag onto a folder); a right-click opens the menu.
    mouse_area(cell)
        .on_press(Message::Gesture(GestureMsg::Press(r.id, index)))
        .on_right_press(Message::Gesture(GestureMsg::Context(r.id, index)))
        .interaction(if app.dragging.is_some() {
            iced::mouse::Interaction::Grabbing
        } else {
            iced::mouse::Interaction::Pointer
        })
        .into()
}

/// The context menu of the row at `index`, floated beside it (below it when it fits).
fn context_menu<'a>(app: &'a App, index: u32, pane: f32) -> Option<Element<'a, Message>> {
    let (id, at) = app.context?;
    if at != index {
        return None;
    }
    let mut col = column![].spacing(2).padding(4);
    for a in toolbar::actions(app, id) {
        col = col.push(
            button(
                row![
                    icons::icon(a.icon, 14.0),
                    text(app.tr.tr(a.key, None))
                        .size(13)
                        .wrapping(Wrapping::None)
                ]
                .spacing(6)
                .align_y(iced::Alignment::Center),
            )
            .width(Length::Fill)
            .padding([4, 8])
            .on_press(a.msg.clone())
            .style(button::text),
        );
    }
    col = col.push(toolbar::move_control(app, id));
    Some(
        container(col.width(Length::Fixed((pane - 40.0).clamp(120.0, 220.0))))
            .style(container::bordered_box)
            .into(),
    )
}

fn toolbar(app: &App) -> Element<'_, Message> {
    let choices = vec![
        SortChoice(SortKey::Date, app.tr.tr("sort-date", None)),
        SortChoice(SortKey::Sender, app.tr.tr("sort-sender", None)),
        SortChoice(SortKey::Subject, app.tr.tr("sort-subject", None)),
    ];
    let current = choices.iter().find(|c| c.0 == app.sort).cloned();
    let dir = if app.descending {
        Icon::ArrowDownWideNarrow
    } else {
        Icon::ArrowUpNarrowWide
    };
    let unread = button(
        text(app.tr.tr("filter-unread", None))
            .size(13)
            .wrapping(Wrapping::None),
    )
    .on_press(Message::ToggleUnreadOnly)
    .style(if app.unread_only {
        button::primary
    } else {
        button::secondary
    });
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("n", app.messages);
    args.set("shown", format::count(u64::from(app.messages)));
    // The switch between conversations and single messages (kept in the settings).
    let (mode_icon, mode_tip) = if app.settings.conversations {
        (Icon::MessagesSquare, "list-conversations-on")
    } else {
        (Icon::List, "list-conversations-off")
    };
    let mode = iced::widget::tooltip(
        button(icons::icon(mode_icon, 15.0))
            .on_press(Message::Conv(ConvMsg::Toggle))
            .style(if app.settings.conversations {
                button::primary
            } else {
                button::secondary
            }),
        container(text(app.tr.tr(mode_tip, None)).size(12))
            .padding(4)
            .style(container::bordered_box),
        iced::widget::tooltip::Position::Bottom,
    );
    // "5 messages", in conversation mode "3 conversations" when fewer.
    let counted = if app.by_conversation() && app.count < app.messages {
        let mut c = fluent_bundle::FluentArgs::new();
        c.set("n", app.count);
        c.set("shown", format::count(u64::from(app.count)));
        app.tr.tr("list-count-conversations", Some(&c))
    } else {
        app.tr.tr("list-count", Some(&args))
    };
    row![
        pick_list(choices, current, |c: SortChoice| Message::SetSort(c.0)).text_size(13),
        button(icons::icon(dir, 15.0))
            .on_press(Message::ToggleDescending)
            .style(button::secondary),
        unread,
        mode,
        // The count takes the room left and is cut, never drawn over the next pane.
        container(
            text(counted)
                .size(12)
                .wrapping(Wrapping::None)
                .style(text::secondary),
        )
        .width(Length::Fill)
        .align_right(Length::Fill)
        .clip(true),
    ]
    .spacing(6)
    .padding(6)
    .align_y(iced::Alignment::Center)
    .into()
}

/// The list in a pane `pane` pixels wide (its columns are cut to fit).
pub fn view(app: &App, pane: f32) -> Element<'_, Message> {
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
        let rows = results.iter().enumerate().fold(column![], |c, (i, r)| {
            c.push(row_view(app, r, i as u32, pane))
        });
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
        col = col.push(row_view(app, r, app.first + i as u32, pane));
    }
    col = col.push(space::vertical().height(Length::Fixed(below)));
    let list = scrollable(col)
        .id(LIST_ID)
        .on_scroll(Message::Scrolled)
        .height(Length::Fill);
    let menu = app
        .context
        .and_then(|(_, index)| context_menu(app, index, pane).map(|m| (index, m)));
    let body: Element<'_, Message> = match menu {
        Some((index, menu)) => {
            // Below the row, in list coordinates; above it when the row is low in the pane.
            let row_top = index as f32 * ROW_HEIGHT - app.scroll_y;
            let top = if row_top + ROW_HEIGHT + 260.0 > app.viewport_height {
                (row_top - 260.0).max(0.0)
            } else {
                row_top + ROW_HEIGHT
            };
            stack![
                list,
                mouse_area(
                    container(space::vertical())
                        .width(Length::Fill)
                        .height(Length::Fill)
                )
                .on_press(Message::Gesture(GestureMsg::CloseMenu)),
                container(menu).padding(iced::Padding {
                    top,
                    right: 0.0,
                    bottom: 0.0,
                    left: 40.0,
                })
            ]
            .into()
        }
        None => list.into(),
    };
    column![toolbar(app), body].into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_listed_by_name() {
        assert_eq!(
            recipient_names("Bob <bob@x.test>, carol@y.test, \"Doe, Jane\" <jane@z.test>"),
            "Bob, carol@y.test, Doe, Jane"
        );
        assert_eq!(recipient_names(""), "");
    }

    #[test]
    fn columns_share_the_pane_and_never_go_negative() {
        let (from, subject) = columns(420.0);
        assert!(from >= 60.0 && subject > from, "{from} {subject}");
        let (from, subject) = columns(100.0);
        assert!(from >= 0.0 && subject >= 0.0);
    }
}
