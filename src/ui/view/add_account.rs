//! The manual "Add account" form (IMAP or POP3, and SMTP), reachable from the wizard.
use crate::ui::app::{App, Message, Screen};
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
            .id(format!("form-{field:?}"))
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
    col = col.push(
        toggler(f.pop3)
            .label(app.tr.tr("add-pop3", None))
            .on_toggle(|on| Message::Form(FormMsg::Pop3(on))),
    );
    let (host_key, port_key, tls_key) = if f.pop3 {
        ("add-pop3-host", "add-pop3-port", "add-pop3-starttls")
    } else {
        ("add-imap-host", "add-imap-port", "add-starttls")
    };
    col = col.push(input(app, host_key, &f.host, Field::Host, false));
    col = col.push(input(app, port_key, &f.port, Field::Port, false));
    col = col.push(
        toggler(f.starttls)
            .label(app.tr.tr(tls_key, None))
            .on_toggle(|on| Message::Form(FormMsg::StartTls(on))),
    );
    if f.pop3 {
        col = col.push(
            toggler(f.leave_on_server)
                .label(app.tr.tr("wizard-leave-copy", None))
                .on_toggle(|on| Message::Form(FormMsg::LeaveOnServer(on))),
        );
        if f.leave_on_server {
            col = col.push(input(
                app,
                "add-delete-days",
                &f.delete_days,
                Field::DeleteDays,
                false,
            ));
        }
    }
    col = col.push(input(
        app,
        "add-smtp-host",
        &f.smtp_host,
        Field::SmtpHost,
        false,
    ));
    col = col.push(input(
        app,
        "add-smtp-port",
        &f.smtp_port,
        Field::SmtpPort,
        false,
    ));
    col = col.push(
        toggler(f.smtp_starttls)
            .label(app.tr.tr("add-smtp-starttls", None))
            .on_toggle(|on| Message::Form(FormMsg::SmtpStartTls(on))),
    );
    col = col.push(input(app, "add-ca-file", &f.ca_file, Field::CaFile, false));
    let submit = button(text(
        app.tr
            .tr(if f.busy { "add-testing" } else { "add-submit" }, None),
    ));
    let submit = if f.busy {
        submit
    } else {
        submit.on_press(Message::Form(FormMsg::Submit))
    };
    let back = button(text(app.tr.tr("add-back-to-wizard", None)))
        .style(button::secondary)
        .on_press(Message::Nav(Screen::Wizard));
    col = col.push(row![submit, back].spacing(10));
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
