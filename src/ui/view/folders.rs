//! The folder pane: the unified Inbox, then each account's folders with unread counts and
//! an icon for each special-use role.
use crate::model::FolderRole;
use crate::store::Listing;
use crate::ui::app::{App, Message};
use crate::ui::folder_edit::{FolderEdit, FolderMsg, NAME_ID};
use crate::ui::gestures::GestureMsg;
use crate::ui::icons::{self, Icon};
use iced::widget::text::Wrapping;
use iced::widget::{
    button, column, container, mouse_area, row, rule, scrollable, space, text, text_input,
};
use iced::{Element, Length};

/// A Lucide icon per role: one font, one size, one cell width.
fn icon(role: Option<FolderRole>) -> Icon {
    match role {
        Some(FolderRole::Inbox) => Icon::Inbox,
        Some(FolderRole::Drafts) => Icon::SquarePen,
        Some(FolderRole::Sent) => Icon::Send,
        Some(FolderRole::Trash) => Icon::Trash2,
        Some(FolderRole::Junk) => Icon::ShieldAlert,
        Some(FolderRole::Archive) => Icon::Archive,
        Some(FolderRole::All) => Icon::Mails,
        Some(FolderRole::Flagged) => Icon::Flag,
        None => Icon::Folder,
    }
}

/// Every folder row is this tall, whatever its icon or name.
pub const FOLDER_ROW: f32 = 28.0;

/// The name to show: the last path segment; special folders by their role, translated.
fn label(app: &App, name: &str, delimiter: Option<&str>, role: Option<FolderRole>) -> String {
    let key = match role {
        Some(FolderRole::Inbox) => "folder-inbox",
        Some(FolderRole::Drafts) => "folder-drafts",
        Some(FolderRole::Sent) => "folder-sent",
        Some(FolderRole::Trash) => "folder-trash",
        Some(FolderRole::Junk) => "folder-junk",
        Some(FolderRole::Archive) => "folder-archive",
        _ => "",
    };
    if !key.is_empty() {
        return app.tr.tr(key, None);
    }
    let leaf = match delimiter {
        Some(d) if !d.is_empty() => name.rsplit(d).next().unwrap_or(name),
        _ => name,
    };
    crate::mime::mutf7::decode(leaf)
}

/// The name shown for folder `id` (as the folder pane shows it), or "" if unknown.
pub(super) fn folder_label(app: &App, id: crate::model::FolderId) -> String {
    app.accounts
        .iter()
        .flat_map(|a| a.folders.iter())
        .find(|f| f.folder.id == id)
        .map(|f| {
            label(
                app,
                &f.folder.name,
                f.folder.delimiter.as_deref(),
                f.folder.role,
            )
        })
        .unwrap_or_default()
}

fn entry<'a>(
    app: &App,
    glyph: Icon,
    name: String,
    unread: i64,
    depth: usize,
    target: Listing,
) -> Element<'a, Message> {
    let count = if unread > 0 {
        text(crate::ui::format::count(unread as u64)).size(13)
    } else {
        text("")
    };
    let content = row![
        space::horizontal().width(Length::Fixed(12.0 * depth as f32)),
        icons::icon(glyph, 15.0),
        text(name).size(14).wrapping(Wrapping::None),
        space::horizontal(),
        count,
    ]
    .spacing(6)
    .align_y(iced::Alignment::Center);
    let b = button(container(content).clip(true).center_y(Length::Fill))
        .width(Length::Fill)
        .height(Length::Fixed(FOLDER_ROW))
        .padding([0, 8]);
    let open = app.listing == Some(target);
    let look = move |theme: &iced::Theme, status: button::Status| {
        // A folder row takes its press through the mouse area (it may start a drag): it
        // keeps the look of a live button.
        let status = if status == button::Status::Disabled {
            button::Status::Active
        } else {
            status
        };
        if open {
            button::primary(theme, status)
        } else {
            button::text(theme, status)
        }
    };
    match target {
        // A press opens the folder and may drag it onto another; a message or a folder
        // released here moves (Ctrl: a message is copied) to this folder.
        Listing::Folder(id) => mouse_area(b.style(look))
            .on_press(Message::Gesture(GestureMsg::FolderPress(id)))
            .on_release(Message::Gesture(GestureMsg::DropOn(id)))
            .on_right_press(Message::Gesture(GestureMsg::FolderContext(id)))
            .into(),
        Listing::UnifiedInbox => b.on_press(Message::OpenListing(target)).style(look).into(),
    }
}

pub fn view(app: &App) -> Element<'_, Message> {
    let mut col = column![].spacing(2).padding(6);

    if app.accounts.len() > 1 {
        let unread: i64 = app
            .accounts
            .iter()
            .flat_map(|a| a.folders.iter())
            .filter(|f| f.folder.role == Some(FolderRole::Inbox))
            .map(|f| f.cached_unread)
            .sum();
        col = col.push(entry(
            app,
            Icon::Inbox,
            app.tr.tr("unified-inbox", None),
            unread,
            0,
            Listing::UnifiedInbox,
        ));
    }
    for a in &app.accounts {
        col = col.push(text(a.account.name.clone()).size(13).style(text::secondary));
        for f in &a.folders {
            let depth = match f.folder.delimiter.as_deref() {
                Some(d) if !d.is_empty() && f.folder.role.is_none() => {
                    f.folder.name.matches(d).count()
                }
                _ => 0,
            };
            col = col.push(entry(
                app,
                icon(f.folder.role),
                label(
                    app,
                    &f.folder.name,
                    f.folder.delimiter.as_deref(),
                    f.folder.role,
                ),
                f.cached_unread,
                depth,
                Listing::Folder(f.folder.id),
            ));
            if app.folder_menu == Some(f.folder.id) {
                col = col.push(folder_menu(app, depth));
            }
        }
    }
    if app.dragging.is_some() {
        // Below the folders, so nothing above them moves while dragging.
        col = col.push(
            text(app.tr.tr("drag-hint", None))
                .size(12)
                .style(text::secondary),
        );
    }
    column![
        scrollable(col).height(Length::Fill),
        rule::horizontal(1),
        edit_bar(app)
    ]
    .into()
}

fn small<'a>(app: &App, which: Icon, key: &str, m: FolderMsg) -> Element<'a, Message> {
    button(
        row![
            icons::icon(which, 13.0),
            text(app.tr.tr(key, None)).size(12).wrapping(Wrapping::None)
        ]
        .spacing(4)
        .align_y(iced::Alignment::Center),
    )
    .padding([4, 6])
    .on_press(Message::Folder(m))
    .style(button::text)
    .into()
}

/// A right-clicked folder's menu, under its row: New folder, and Rename / Delete when it is
/// an ordinary folder (the same actions as the bar below the folders).
fn folder_menu<'a>(app: &App, depth: usize) -> Element<'a, Message> {
    let mut items = column![small(app, Icon::FolderPlus, "folder-new", FolderMsg::New)];
    if app.editable_folder().is_some() {
        items = items
            .push(small(app, Icon::Pencil, "folder-rename", FolderMsg::Rename))
            .push(small(app, Icon::Trash2, "folder-delete", FolderMsg::Delete));
    }
    row![
        space::horizontal().width(Length::Fixed(12.0 * depth as f32 + 20.0)),
        container(items.spacing(0))
            .padding(2)
            .style(container::bordered_box)
    ]
    .into()
}

/// Below the folders: New folder, and Rename / Delete for the open folder; or the name
/// field, or the question before a delete.
fn edit_bar(app: &App) -> Element<'_, Message> {
    let confirm = |key: &str| {
        row![
            button(text(app.tr.tr(key, None)).size(12))
                .padding([4, 8])
                .on_press(Message::Folder(FolderMsg::Confirm))
                .style(button::primary),
            button(text(app.tr.tr("folder-cancel", None)).size(12))
                .padding([4, 8])
                .on_press(Message::Folder(FolderMsg::Cancel))
                .style(button::secondary),
        ]
        .spacing(6)
    };
    let body: Element<'_, Message> = match &app.folder_edit {
        Some(FolderEdit::Create { name, .. } | FolderEdit::Rename { name, .. }) => {
            let key = if matches!(app.folder_edit, Some(FolderEdit::Create { .. })) {
                "folder-create"
            } else {
                "folder-rename"
            };
            column![
                text_input(&app.tr.tr("folder-name-placeholder", None), name)
                    .id(NAME_ID)
                    .on_input(|s| Message::Folder(FolderMsg::Name(s)))
                    .on_submit(Message::Folder(FolderMsg::Confirm))
                    .size(13),
                confirm(key)
            ]
            .spacing(6)
            .into()
        }
        Some(FolderEdit::Delete { folder }) => {
            let f = app
                .accounts
                .iter()
                .flat_map(|a| a.folders.iter())
                .find(|f| f.folder.id == *folder);
            let mut args = fluent_bundle::FluentArgs::new();
            args.set(
                "folder",
                f.map(|f| crate::mime::mutf7::decode(&f.folder.name))
                    .unwrap_or_default(),
            );
            args.set("n", f.map_or(0, |f| f.cached_total));
            column![
                text(app.tr.tr("folder-delete-ask", Some(&args))).size(12),
                confirm("folder-delete")
            ]
            .spacing(6)
            .into()
        }
        None => {
            let mut r = row![small(app, Icon::FolderPlus, "folder-new", FolderMsg::New)];
            if app.editable_folder().is_some() {
                r = r
                    .push(small(app, Icon::Pencil, "folder-rename", FolderMsg::Rename))
                    .push(small(app, Icon::Trash2, "folder-delete", FolderMsg::Delete));
            }
            r.spacing(2).wrap().into()
        }
    };
    container(body).padding(6).into()
}
