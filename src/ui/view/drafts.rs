//! Drafts in the mail view: the Drafts folder lists the drafts kept on this device that have
//! no server copy yet (above the folder's messages); a message of a Drafts folder opens with
//! "Continue writing", which takes it into the composer.
use crate::model::{FolderId, FolderRole};
use crate::store::Listing;
use crate::ui::app::{App, Message, Reading};
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length};

fn is_drafts(app: &App, folder: FolderId) -> bool {
    app.accounts
        .iter()
        .flat_map(|a| a.folders.iter())
        .any(|f| f.folder.id == folder && f.folder.role == Some(FolderRole::Drafts))
}

/// The account whose Drafts folder is open.
fn open_drafts_account(app: &App) -> Option<crate::model::AccountId> {
    let Some(Listing::Folder(f)) = app.listing else {
        return None;
    };
    app.accounts
        .iter()
        .find(|a| {
            a.folders
                .iter()
                .any(|v| v.folder.id == f && v.folder.role == Some(FolderRole::Drafts))
        })
        .map(|a| a.account.id)
}

/// The drafts on this device without a server copy, when a Drafts folder is open.
pub fn local_panel(app: &App) -> Option<Element<'_, Message>> {
    let account = open_drafts_account(app)?;
    let mine: Vec<_> = app.drafts.iter().filter(|d| d.account == account).collect();
    if mine.is_empty() {
        return None;
    }
    let mut list = column![
        text(app.tr.tr("drafts-local-heading", None))
            .size(13)
            .style(text::secondary)
    ]
    .spacing(4);
    for d in mine {
        let subject = if d.subject.trim().is_empty() {
            app.tr.tr("drafts-no-subject", None)
        } else {
            d.subject.clone()
        };
        let to = if d.to.trim().is_empty() {
            app.tr.tr("drafts-no-recipients", None)
        } else {
            d.to.clone()
        };
        let width = app.panes.list_width(app.settings.window_width) - 40.0;
        list = list.push(
            button(
                column![
                    crate::ui::ellipsis::one_line(&subject, 14.0, width),
                    crate::ui::ellipsis::one_line(&to, 12.0, width).style(text::secondary),
                ]
                .spacing(2),
            )
            .width(Length::Fill)
            .style(button::text)
            .on_press(Message::ResumeDraft(d.id)),
        );
    }
    Some(
        container(scrollable(list))
            .max_height(200.0)
            .padding([6, 8])
            .into(),
    )
}

/// "This is a draft. [Continue writing]" over the reader, for a message of a Drafts folder.
pub fn reader_banner(app: &App) -> Option<Element<'_, Message>> {
    let id = match &app.reading {
        Reading::Shown(m) => m.id,
        Reading::Failed(id, _) | Reading::Loading(id) => *id,
        Reading::Nothing => return None,
    };
    let folder = app
        .rows
        .iter()
        .chain(app.results.iter().flatten())
        .find(|r| r.id == id)
        .map(|r| r.folder_id)?;
    if !is_drafts(app, folder) {
        return None;
    }
    Some(
        row![
            text(app.tr.tr("drafts-this-is-a-draft", None)).size(14),
            button(text(app.tr.tr("drafts-continue", None)).size(14))
                .on_press(Message::EditDraft(id))
                .style(button::primary),
        ]
        .spacing(10)
        .padding([6, 12])
        .align_y(iced::Alignment::Center)
        .into(),
    )
}
