//! The composer's screen.
use crate::ui::app::{App, Message};
use crate::ui::compose::{BODY_ID, ComposeMsg, Field, LARGE_ATTACHMENT};
use crate::ui::format;
use iced::widget::{button, column, container, row, scrollable, text, text_editor, text_input};
use iced::{Element, Length};

fn line<'a>(app: &App, key: &str, value: &str, field: Field) -> Element<'a, Message> {
    row![
        text(app.tr.tr(key, None))
            .size(14)
            .width(Length::Fixed(80.0)),
        text_input("", value)
            .id(field.id())
            .on_input(move |v| Message::Compose(ComposeMsg::Edit(field, v)))
            .width(Length::Fill),
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center)
    .into()
}

/// Height of the rows whose content comes and goes (the status line, the completions): they
/// are always there, so nothing below them moves while typing.
const SLOT_HEIGHT: f32 = 30.0;

pub fn view(app: &App) -> Element<'_, Message> {
    let c = &app.compose;
    let send = |m: ComposeMsg| Message::Compose(m);
    let status: Element<'_, Message> = match &c.error {
        Some(e) => crate::ui::ellipsis::one_line(e, 13.0, app.settings.window_width - 420.0)
            .style(text::danger)
            .into(),
        None => text("").size(13).into(),
    };
    let actions = row![
        button(text(app.tr.tr("compose-send", None))).on_press(send(ComposeMsg::Send)),
        button(text(app.tr.tr("compose-save-draft", None)))
            .on_press(send(ComposeMsg::SaveDraft))
            .style(button::secondary),
        button(text(app.tr.tr("compose-discard", None)))
            .on_press(send(ComposeMsg::Discard))
            .style(button::danger),
        container(status)
            .width(Length::Fill)
            .height(Length::Fixed(SLOT_HEIGHT))
            .clip(true)
            .align_y(iced::Alignment::Center),
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center);
    let mut col = column![actions].spacing(8);
    col = col.push(
        row![
            text(app.tr.tr("compose-from", None))
                .size(14)
                .width(Length::Fixed(80.0)),
            text(c.from.clone()).size(14),
        ]
        .spacing(8),
    );
    col = col.push(line(app, "compose-to", &c.to, Field::To));
    col = col.push(line(app, "compose-cc", &c.cc, Field::Cc));
    col = col.push(line(app, "compose-bcc", &c.bcc, Field::Bcc));
    // Completions for the address field being typed in: one row of fixed height, always
    // present (empty when there are none).
    let mut s = row![].spacing(6);
    for a in &c.suggestions {
        s = s.push(
            button(text(a.clone()).size(12).wrapping(text::Wrapping::None))
                .on_press(send(ComposeMsg::Suggestion(a.clone())))
                .style(button::secondary),
        );
    }
    col = col.push(
        row![
            container(text("")).width(Length::Fixed(80.0)),
            container(s)
                .width(Length::Fill)
                .height(Length::Fixed(SLOT_HEIGHT))
                .clip(true),
        ]
        .spacing(8),
    );
    col = col.push(line(app, "compose-subject", &c.subject, Field::Subject));
    col = col.push(
        text_editor(&c.body)
            .id(BODY_ID)
            .on_action(|a| Message::Compose(ComposeMsg::Body(a)))
            .key_binding(crate::ui::keys::editor_binding)
            .height(Length::Fill),
    );
    let mut atts = column![text(app.tr.tr("compose-attachments", None)).size(14)].spacing(4);
    for (i, a) in c.attachments.iter().enumerate() {
        let size = format::size(&app.tr, a.size);
        let mut r = row![text(format!("{}  ({}, {size})", a.filename, a.mime)).size(13)]
            .spacing(8)
            .align_y(iced::Alignment::Center);
        if a.size > LARGE_ATTACHMENT {
            r = r.push(
                text(app.tr.tr("compose-large", None))
                    .size(12)
                    .style(text::danger),
            );
        }
        r = r.push(
            button(text(app.tr.tr("compose-remove", None)).size(12))
                .on_press(send(ComposeMsg::Remove(i)))
                .style(button::secondary),
        );
        atts = atts.push(r);
    }
    atts = atts.push(
        row![
            text_input(&app.tr.tr("compose-attach-path", None), &c.attach_path)
                .id(Field::AttachPath.id())
                .on_input(|v| Message::Compose(ComposeMsg::Edit(Field::AttachPath, v)))
                .on_submit(send(ComposeMsg::Attach))
                .width(Length::Fixed(420.0)),
            button(text(app.tr.tr("compose-attach", None)))
                .on_press(send(ComposeMsg::Attach))
                .style(button::secondary),
        ]
        .spacing(8),
    );
    atts = atts.push(
        text(app.tr.tr("compose-drop-hint", None))
            .size(12)
            .style(text::secondary),
    );
    // The body takes the height the window has; a long list of attachments scrolls.
    col = col.push(container(scrollable(atts)).max_height(160.0));
    container(col.height(Length::Fill)).padding(16).into()
}
