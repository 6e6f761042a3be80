//! Settings: the senders whose HTML mail loads remote content ("Always for this sender"),
//! each with Remove.
use crate::ui::app::{App, Message};
use crate::ui::html::HtmlMsg;
use iced::widget::{button, column, row, text};
use iced::{Element, Length};

pub fn view(app: &App) -> Element<'_, Message> {
    let mut col = column![
        text(app.tr.tr("settings-remote-senders", None)).size(17),
        text(app.tr.tr("settings-remote-senders-hint", None))
            .size(13)
            .style(text::secondary),
    ]
    .spacing(6);
    if app.html.senders.is_empty() {
        col = col.push(
            text(app.tr.tr("settings-remote-senders-none", None))
                .size(13)
                .style(text::secondary),
        );
    }
    for s in &app.html.senders {
        col = col.push(
            row![
                text(s.clone()).size(13).width(Length::Fill),
                button(text(app.tr.tr("settings-remote-remove", None)).size(12))
                    .on_press(Message::Html(HtmlMsg::RemoveSender(s.clone())))
                    .style(button::secondary),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
    }
    col.into()
}
