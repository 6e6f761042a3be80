//! The reader's toolbar, fitted to its width: icons with labels when they fit, then icons
//! alone (the label as a tooltip), then as many icons as fit and an overflow button ("…")
//! whose menu holds the rest. Labels never wrap, so Japanese labels stay on one line.
use crate::mime::reply::ReplyKind;
use crate::model::{FolderId, FolderRole, MessageId};
use crate::ui::app::{App, Message};
use crate::ui::ellipsis;
use crate::ui::icons::{self, Icon};
use iced::widget::text::Wrapping;
use iced::widget::{button, column, container, pick_list, row, text, tooltip};
use iced::{Element, Length};

const LABEL: f32 = 13.0;
const ICON: f32 = 15.0;
const PAD: f32 = 8.0;
const GAP: f32 = 6.0;
/// A button showing only its icon.
const ICON_BUTTON: f32 = ICON + 2.0 * PAD;
/// The Move control (a pick list): its placeholder and the arrow.
const MOVE_EXTRA: f32 = 2.0 * PAD + 24.0;

/// One toolbar action: its icon, its label's Fluent key and what it does.
#[derive(Debug, Clone)]
pub struct Action {
    pub icon: Icon,
    pub key: &'static str,
    pub msg: Message,
}

/// How the toolbar is laid out at a width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Icon and label on every button, Move inline.
    Labels,
    /// Icons only, Move inline.
    Icons,
    /// The first `n` icons, then "…" with the rest and Move in its menu.
    Overflow(usize),
}

/// The actions for the open message, in toolbar order.
pub fn actions(app: &App, id: MessageId) -> Vec<Action> {
    let row_info = app.message_row(id);
    let seen = row_info.as_ref().is_some_and(|r| r.flags.seen);
    let flagged = row_info.as_ref().is_some_and(|r| r.flags.flagged);
    let account = row_info.as_ref().map(|r| r.account_id);
    let a = |icon, key, msg| Action { icon, key, msg };
    let mut v = vec![
        a(
            Icon::Reply,
            "compose-reply",
            Message::Respond(ReplyKind::Reply),
        ),
        a(
            Icon::ReplyAll,
            "compose-reply-all",
            Message::Respond(ReplyKind::ReplyAll),
        ),
        a(
            Icon::Forward,
            "compose-forward",
            Message::Respond(ReplyKind::Forward),
        ),
        if seen {
            a(Icon::Mail, "action-unread", Message::MarkRead(false))
        } else {
            a(Icon::MailOpen, "action-read", Message::MarkRead(true))
        },
        if flagged {
            a(Icon::FlagOff, "action-unflag", Message::Flag(false))
        } else {
            a(Icon::Flag, "action-flag", Message::Flag(true))
        },
    ];
    if account
        .and_then(|acc| app.folder_of_role(acc, FolderRole::Archive))
        .is_some()
    {
        v.push(a(Icon::Archive, "action-archive", Message::Archive));
    }
    v.push(a(Icon::Trash2, "action-delete", Message::Delete));
    v
}

/// The layout for `labels` (the actions' labels) and Move's label in `width` pixels.
pub fn plan(labels: &[String], move_label: &str, width: f32) -> Mode {
    let n = labels.len() as f32;
    let move_w = ellipsis::width(move_label, LABEL) * 1.1 + MOVE_EXTRA;
    let full: f32 = labels
        .iter()
        .map(|l| ICON_BUTTON + GAP + ellipsis::width(l, LABEL) * 1.1)
        .sum::<f32>()
        + n * GAP
        + move_w;
    if full <= width {
        return Mode::Labels;
    }
    if n * (ICON_BUTTON + GAP) + move_w <= width {
        return Mode::Icons;
    }
    let fit = ((width - ICON_BUTTON) / (ICON_BUTTON + GAP))
        .floor()
        .max(0.0) as usize;
    Mode::Overflow(fit.min(labels.len()))
}

#[derive(Debug, Clone, PartialEq)]
struct FolderChoice(FolderId, String);

impl std::fmt::Display for FolderChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

pub fn move_control<'a>(app: &App, id: MessageId) -> Element<'a, Message> {
    let row_info = app.message_row(id);
    let account = row_info.as_ref().map(|r| r.account_id);
    let folders: Vec<FolderChoice> = app
        .accounts
        .iter()
        .filter(|a| Some(a.account.id) == account)
        .flat_map(|a| a.folders.iter())
        .filter(|f| Some(f.folder.id) != row_info.as_ref().map(|r| r.folder_id))
        .map(|f| FolderChoice(f.folder.id, crate::mime::mutf7::decode(&f.folder.name)))
        .collect();
    let list = pick_list(folders, None::<FolderChoice>, |c: FolderChoice| {
        Message::MoveTo(c.0)
    })
    .placeholder(app.tr.tr("action-move", None))
    .text_size(LABEL);
    container(list).id(MOVE_ID).into()
}

/// The Move control's container (tests find it by this id).
pub const MOVE_ID: &str = "reader-move";

fn label<'a>(s: String) -> iced::widget::Text<'a> {
    text(s).size(LABEL).wrapping(Wrapping::None)
}

fn with_label<'a>(app: &App, a: &Action) -> Element<'a, Message> {
    button(
        row![icons::icon(a.icon, ICON), label(app.tr.tr(a.key, None))]
            .spacing(GAP)
            .align_y(iced::Alignment::Center),
    )
    .padding([5.0, PAD])
    .on_press(a.msg.clone())
    .style(button::secondary)
    .into()
}

fn icon_only<'a>(app: &App, a: &Action) -> Element<'a, Message> {
    let b = button(icons::icon(a.icon, ICON))
        .padding([5.0, PAD])
        .on_press(a.msg.clone())
        .style(button::secondary);
    tooltip(
        b,
        container(label(app.tr.tr(a.key, None)))
            .padding(4)
            .style(container::bordered_box),
        tooltip::Position::Bottom,
    )
    .into()
}

/// The toolbar row for the open message in `width` pixels.
pub fn view<'a>(app: &'a App, id: MessageId, width: f32) -> Element<'a, Message> {
    let acts = actions(app, id);
    let labels: Vec<String> = acts.iter().map(|a| app.tr.tr(a.key, None)).collect();
    let mode = plan(&labels, &app.tr.tr("action-move", None), width);
    let mut r = row![].spacing(GAP).align_y(iced::Alignment::Center);
    match mode {
        Mode::Labels => {
            for a in &acts {
                r = r.push(with_label(app, a));
            }
            r = r.push(move_control(app, id));
        }
        Mode::Icons => {
            for a in &acts {
                r = r.push(icon_only(app, a));
            }
            r = r.push(move_control(app, id));
        }
        Mode::Overflow(n) => {
            for a in acts.iter().take(n) {
                r = r.push(icon_only(app, a));
            }
            r = r.push(
                button(icons::icon(Icon::Ellipsis, ICON))
                    .padding([5.0, PAD])
                    .on_press(Message::ToggleOverflow)
                    .style(if app.overflow {
                        button::primary
                    } else {
                        button::secondary
                    }),
            );
        }
    }
    r.into()
}

/// The overflow menu's contents at `width` (None when it is closed or nothing overflows).
pub fn menu<'a>(app: &'a App, id: MessageId, width: f32) -> Option<Element<'a, Message>> {
    if !app.overflow {
        return None;
    }
    let acts = actions(app, id);
    let labels: Vec<String> = acts.iter().map(|a| app.tr.tr(a.key, None)).collect();
    let Mode::Overflow(n) = plan(&labels, &app.tr.tr("action-move", None), width) else {
        return None;
    };
    let mut col = column![].spacing(4).padding(6);
    for a in acts.iter().skip(n) {
        col = col.push(
            button(
                row![icons::icon(a.icon, ICON), label(app.tr.tr(a.key, None))]
                    .spacing(GAP)
                    .align_y(iced::Alignment::Center),
            )
            .width(Length::Fill)
            .padding([5.0, PAD])
            .on_press(a.msg.clone())
            .style(button::text),
        );
    }
    col = col.push(move_control(app, id));
    Some(
        container(col.width(Length::Fixed(width.clamp(120.0, 220.0))))
            .style(container::bordered_box)
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_toolbar_steps_down_from_labels_to_icons_to_overflow() {
        let en = labels(&[
            "Reply",
            "Reply all",
            "Forward",
            "Mark unread",
            "Flag",
            "Archive",
            "Delete",
        ]);
        assert_eq!(plan(&en, "Move to…", 1200.0), Mode::Labels);
        assert_eq!(plan(&en, "Move to…", 500.0), Mode::Icons);
        let Mode::Overflow(n) = plan(&en, "Move to…", 200.0) else {
            panic!("200 px cannot hold seven icons and Move")
        };
        assert!(n < en.len() && n > 0);
        // Every shown icon and the overflow button fit.
        assert!(n as f32 * (ICON_BUTTON + GAP) + ICON_BUTTON <= 200.0);
        assert_eq!(plan(&en, "Move to…", 0.0), Mode::Overflow(0));
        // Japanese labels are wider per character: the same width holds fewer.
        let ja = labels(&[
            "返信",
            "全員に返信",
            "転送",
            "未読にする",
            "フラグを付ける",
            "アーカイブ",
            "削除",
        ]);
        assert_eq!(plan(&ja, "移動先…", 700.0), Mode::Icons);
    }
}
