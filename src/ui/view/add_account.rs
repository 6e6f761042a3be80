//! The manual "Add account" form, and the empty state that leads to it.
use crate::ui::app::{App, Message};
use crate::ui::form::{Field, FormMsg};
use iced::widget::{button, column, container, row, scrollable, text, text_input, toggler};
use iced::{Element, Length};

fn input<'a>(
    app: &App,
    key: &str,
    value: &str,
    field: Field,
    secure: bool,
) -> Element<'a, Message> {
    row![
        text(app.tr.tr(key, None))
            .size(14)
            .width(Length::Fixed(200.0)),
        text_input("", value)
            .secure(secure)
            .on_input(move |v| Message::Form(FormMsg::Edit(field, v)))
            .on_submit(Message::Form(FormMsg::Submit))
            .width(Length::Fixed(340.0)),
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center)
    .into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let f = &app.form;
    let mut col = column![].spacing(10);
    if app.accounts.is_empty() {
        col = col.push(text(app.tr.tr("no-accounts", None)).size(16));
    }
    col = col.push(text(app.tr.tr("add-heading", None)).size(22));
    col = col.push(input(app, "add-email", &f.email, Field::Email, false));
    col = col.push(input(
        app,
        "add-password",
        &f.password,
        Field::Password,
        true,
    ));
    col = col.push(input(app, "add-name", &f.name, Field::Name, false));
    col = col.push(input(
        app,
        "add-username",
        &f.username,
        Field::Username,
        false,
    ));
    col = col.push(input(app, "add-imap-host", &f.host, Field::Host, false));
    col = col.push(input(app, "add-imap-port", &f.port, Field::Port, false));
    col = col.push(
        toggler(f.starttls)
            .label(app.tr.tr("add-starttls", None))
            .on_toggle(|on| Message::Form(FormMsg::StartTls(on))),
    );
    col = col.push(input(app, "add-ca-file", &f.ca_file, Field::CaFile, false));
    let submit = button(text(
        app.tr
            .tr(if f.busy { "add-testing" } else { "add-submit" }, None),
    ));
    col = col.push(if f.busy {
        submit
    } else {
        submit.on_press(Message::Form(FormMsg::Submit))
    });
    if let Some(e) = &f.error {
        col = col.push(text(e.clone()).size(14).style(text::danger));
    }
    col = col.push(
        text(app.tr.tr("add-privacy", None))
            .size(12)
            .style(text::secondary),
    );
    scrollable(container(col).padding(20))
        .height(Length::Fill)
        .into()
}
