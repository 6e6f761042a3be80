//! The composer's screen.
use crate::ui::app::{App, Message};
use crate::ui::compose::{ComposeMsg, Field, LARGE_ATTACHMENT};
use crate::ui::format;
use iced::widget::{button, column, container, row, scrollable, text, text_editor, text_input};
use iced::{Element, Length};

fn line<'a>(app: &App, key: &str, value: &str, field: Field) -> Element<'a, Message> {
    row![
        text(app.tr.tr(key, None))
            .size(14)
            .width(Length::Fixed(80.0)),
        text_input("", value)
            .on_input(move |v| Message::Compose(ComposeMsg::Edit(field, v)))
            .width(Length::Fill),
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center)
    .into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let c = &app.compose;
    let send = |m: ComposeMsg| Message::Compose(m);
    let actions = row![
        button(text(app.tr.tr("compose-send", None))).on_press(send(ComposeMsg::Send)),
        button(text(app.tr.tr("compose-save-draft", None)))
            .on_press(send(ComposeMsg::SaveDraft))
            .style(button::secondary),
        button(text(app.tr.tr("compose-discard", None)))
            .on_press(send(ComposeMsg::Discard))
            .style(button::danger),
    ]
    .spacing(8);
    let mut col = column![actions].spacing(8);
    if let Some(e) = &c.error {
        col = col.push(text(e.clone()).size(14).style(text::danger));
    }
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
    if !c.suggestions.is_empty() {
        let mut s = row![].spacing(6);
        for a in &c.suggestions {
            s = s.push(
                button(text(a.clone()).size(12))
                    .on_press(send(ComposeMsg::Suggestion(a.clone())))
                    .style(button::secondary),
            );
        }
        col = col.push(row![container(text("")).width(Length::Fixed(80.0)), s].spacing(8));
    }
    col = col.push(line(app, "compose-cc", &c.cc, Field::Cc));
    col = col.push(line(app, "compose-bcc", &c.bcc, Field::Bcc));
    col = col.push(line(app, "compose-subject", &c.subject, Field::Subject));
    col = col.push(
        text_editor(&c.body)
            .on_action(|a| Message::Compose(ComposeMsg::Body(a)))
            .height(Length::Fixed(320.0)),
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
    col = col.push(atts);
    scrollable(container(col).padding(16))
        .height(Length::Fill)
        .into()
}
