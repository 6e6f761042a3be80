//! The setup wizard's steps (state and update in `ui/wizard.rs`).
use crate::discovery::ServerSetting;
use crate::discovery::conntest::ConnTestError;
use crate::engine::Failure;
use crate::engine::accounts::{LoginCheck, ServerCheck};
use crate::model::{Protocol, Security};
use crate::ui::app::{App, Message};
use crate::ui::failure::failure_text;
use crate::ui::wizard::{Job, RETRY_PASSWORD_ID, Step, WField, Wizard, WizardAuth, WizardMsg};
use fluent_bundle::FluentArgs;
use iced::widget::{
    Column, button, column, container, radio, row, rule, scrollable, text, text_input, toggler,
};
use iced::{Element, Length};

fn tr(app: &App, key: &str) -> String {
    app.tr.tr(key, None)
}

fn input<'a>(
    app: &App,
    key: &str,
    value: &str,
    field: WField,
    secure: bool,
    submit: WizardMsg,
) -> Element<'a, Message> {
    column![
        text(tr(app, key)).size(14),
        text_input("", value)
            .id(field.id())
            .secure(secure)
            .on_input(move |v| Message::Wizard(WizardMsg::Edit(field, v)))
            .on_submit(Message::Wizard(submit))
            .width(Length::Fixed(420.0)),
    ]
    .spacing(4)
    .into()
}

fn primary<'a>(label: String, msg: WizardMsg) -> Element<'a, Message> {
    button(text(label))
        .style(button::primary)
        .on_press(Message::Wizard(msg))
        .into()
}

fn secondary<'a>(label: String, msg: WizardMsg) -> Element<'a, Message> {
    button(text(label))
        .style(button::secondary)
        .on_press(Message::Wizard(msg))
        .into()
}

/// "IMAP: imap.example.jp, port 993, TLS".
fn server_line(app: &App, kind: &str, s: &ServerSetting) -> String {
    let mut args = FluentArgs::new();
    args.set("kind", kind.to_string());
    args.set("host", s.host.clone());
    args.set("port", s.port.to_string());
    args.set(
        "security",
        tr(
            app,
            match s.security {
                Security::Tls => "wizard-security-tls",
                Security::Starttls => "wizard-security-starttls",
            },
        ),
    );
    app.tr.tr("wizard-server-line", Some(&args))
}

pub fn view(app: &App) -> Element<'_, Message> {
    let w = &app.wizard;
    let mut col = column![text(tr(app, "wizard-title")).size(26)].spacing(14);
    col = match w.step {
        Step::Identity => identity(app, w, col),
        Step::Discovering => discovering(app, w, col),
        Step::Choice => choice(app, w, col),
        Step::ConfirmGuessed => confirm(app, w, col),
        Step::SigningIn => signing_in(app, w, col),
        Step::Testing | Step::Failed => testing(app, w, col),
        Step::Done => done(app, w, col),
    };
    if let Some(e) = &w.error {
        col = col.push(text(e.clone()).size(14).style(text::danger));
    }
    column![
        scrollable(
            container(col.width(Length::Fill).max_width(720))
                .padding(24)
                .center_x(Length::Fill),
        )
        .height(Length::Fill),
        rule::horizontal(1),
        actions(app, w),
    ]
    .into()
}

fn step_label<'a>(app: &App, n: u8, key: &str) -> Element<'a, Message> {
    let mut args = FluentArgs::new();
    args.set("n", n);
    args.set("step", tr(app, key));
    text(app.tr.tr("wizard-step", Some(&args)))
        .size(14)
        .style(text::secondary)
        .into()
}

fn identity<'a>(app: &'a App, w: &'a Wizard, col: Column<'a, Message>) -> Column<'a, Message> {
    col.push(step_label(app, 1, "wizard-step-identity"))
        .push(text(tr(app, "wizard-intro")).size(15))
        .push(input(
            app,
            "wizard-name",
            &w.name,
            WField::Name,
            false,
            WizardMsg::Next,
        ))
        .push(input(
            app,
            "wizard-email",
            &w.email,
            WField::Email,
            false,
            WizardMsg::Next,
        ))
        .push(how_to_sign_in(app, w))
        .push(text(tr(app, "add-privacy")).size(12).style(text::secondary))
}

/// The password field; for Microsoft what happens instead; for Gmail, Yahoo, AOL and
/// Fastmail the choice between the provider's page and an app password, in plain words with
/// the page to make one (only the app password when no client ID is configured).
fn how_to_sign_in<'a>(app: &'a App, w: &'a Wizard) -> Element<'a, Message> {
    let password = || {
        input(
            app,
            "wizard-password",
            &w.password,
            WField::Password,
            true,
            WizardMsg::Next,
        )
    };
    if w.sign_in_only() {
        return note(tr(app, "wizard-oauth-microsoft"));
    }
    let mut args = FluentArgs::new();
    args.set("provider", provider_word(app, w));
    let page_link = |url: &'static str| -> Element<'a, Message> {
        row![
            text(url).size(13),
            button(text(tr(app, "wizard-open-page")).size(13))
                .style(button::secondary)
                .on_press(Message::Wizard(WizardMsg::OpenLink(url.to_string()))),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center)
        .into()
    };
    if !w.offers_auth_choice() {
        // Yahoo, AOL, Fastmail without a client ID: the app password, with its page.
        return match (w.app_password_page(), w.provider_id()) {
            (Some(url), Some(id)) if id != "google" => column![
                text(app.tr.tr("wizard-app-password-only", Some(&args))).size(14),
                page_link(url),
                password(),
            ]
            .spacing(6)
            .into(),
            _ => password(),
        };
    }
    let pick = |auth: WizardAuth, label: String| -> Element<'a, Message> {
        let dot = radio("", auth, Some(w.auth), |a| {
            Message::Wizard(WizardMsg::ChooseAuth(a))
        })
        .size(18);
        button(
            row![dot, text(label).size(16)]
                .spacing(4)
                .align_y(iced::Alignment::Center),
        )
        .padding(0)
        .style(button::text)
        .on_press(Message::Wizard(WizardMsg::ChooseAuth(auth)))
        .into()
    };
    let google = w.provider_id() == Some("google");
    let words = |google_key: &str, key: &str| {
        if google {
            tr(app, google_key)
        } else {
            app.tr.tr(key, Some(&args))
        }
    };
    let mut c = column![
        text(words("wizard-google-choice", "wizard-provider-choice")).size(14),
        pick(
            WizardAuth::SignIn,
            words("wizard-auth-google", "wizard-auth-provider")
        ),
        text(words(
            "wizard-auth-google-explain",
            "wizard-auth-provider-explain"
        ))
        .size(13)
        .style(text::secondary),
        pick(WizardAuth::Password, tr(app, "wizard-auth-app-password")),
        text(words(
            "wizard-auth-app-password-explain",
            "wizard-auth-app-password-provider-explain"
        ))
        .size(13)
        .style(text::secondary),
    ]
    .spacing(6);
    if w.auth == WizardAuth::Password {
        if let Some(url) = w.app_password_page() {
            c = c.push(page_link(url));
        }
        c = c.push(password());
    }
    c.into()
}

fn note<'a>(s: String) -> Element<'a, Message> {
    container(text(s).size(14))
        .padding(10)
        .width(Length::Fill)
        .style(container::bordered_box)
        .into()
}

/// The provider's name as the sign-in button and the waiting step say it.
fn provider_word(app: &App, w: &Wizard) -> String {
    tr(
        app,
        match w.provider_id() {
            Some("google") => "wizard-provider-google",
            Some("yahoo") => "wizard-provider-yahoo",
            Some("aol") => "wizard-provider-aol",
            Some("fastmail") => "wizard-provider-fastmail",
            _ => "wizard-provider-microsoft",
        },
    )
}

/// Waiting for the browser: what to do there, and Cancel (in the action bar); for a
/// sign-in on another device, the page and the code to enter there.
fn signing_in<'a>(app: &'a App, w: &'a Wizard, col: Column<'a, Message>) -> Column<'a, Message> {
    let mut args = FluentArgs::new();
    args.set("provider", provider_word(app, w));
    let col = col.push(step_label(app, 4, "wizard-step-sign-in"));
    if matches!(w.job, Some(Job::DeviceCode { .. })) {
        return col.push(text(app.tr.tr("wizard-device-asking", Some(&args))).size(18));
    }
    if let Some(d) = &w.device {
        args.set("minutes", d.minutes);
        return col
            .push(text(tr(app, "wizard-device-heading")).size(20))
            .push(text(app.tr.tr("wizard-device-text", Some(&args))).size(15))
            .push(
                row![
                    text(d.verification_uri.clone()).size(16),
                    button(text(tr(app, "wizard-open-page")).size(13))
                        .style(button::secondary)
                        .on_press(Message::Wizard(WizardMsg::OpenLink(
                            d.verification_uri.clone()
                        ))),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            )
            .push(
                row![
                    text(tr(app, "wizard-device-code")).size(16),
                    text(d.user_code.clone()).size(28),
                ]
                .spacing(10)
                .align_y(iced::Alignment::Center),
            )
            .push(
                text(app.tr.tr("wizard-device-expires", Some(&args)))
                    .size(14)
                    .style(text::secondary),
            );
    }
    col.push(text(app.tr.tr("wizard-signing-in-heading", Some(&args))).size(20))
        .push(text(app.tr.tr("wizard-signing-in-text", Some(&args))).size(15))
        .push(
            text(tr(app, "wizard-signing-in-hint"))
                .size(14)
                .style(text::secondary),
        )
}

fn discovering<'a>(app: &'a App, w: &'a Wizard, col: Column<'a, Message>) -> Column<'a, Message> {
    let mut args = FluentArgs::new();
    args.set("domain", w.domain());
    col.push(step_label(app, 2, "wizard-step-discovery"))
        .push(text(app.tr.tr("wizard-looking-up", Some(&args))).size(18))
        .push(
            text(tr(app, "wizard-looking-up-hint"))
                .size(14)
                .style(text::secondary),
        )
}

/// One of the two ways to receive mail, as a card with its explanation.
fn way<'a>(
    app: &App,
    w: &Wizard,
    p: Protocol,
    offered: Option<&ServerSetting>,
    recommended: bool,
) -> Element<'a, Message> {
    let (title, explain, kind) = match p {
        Protocol::Imap if recommended => ("wizard-imap-recommended", "wizard-imap-explain", "IMAP"),
        Protocol::Imap => ("wizard-imap-title", "wizard-imap-explain", "IMAP"),
        Protocol::Pop3 => ("wizard-pop3-title", "wizard-pop3-explain", "POP3"),
    };
    let mut card = column![].spacing(8);
    let selected = offered.is_some().then_some(w.protocol);
    card = card.push(if offered.is_some() {
        // The title is a button too, so the whole line chooses (and tests can click it).
        let dot = radio("", p, selected, |p| Message::Wizard(WizardMsg::Choose(p))).size(18);
        Element::from(
            button(
                row![dot, text(tr(app, title)).size(17)]
                    .spacing(4)
                    .align_y(iced::Alignment::Center),
            )
            .padding(0)
            .style(button::text)
            .on_press(Message::Wizard(WizardMsg::Choose(p))),
        )
    } else {
        text(tr(app, title)).size(17).style(text::secondary).into()
    });
    card = card.push(text(tr(app, explain)).size(14));
    card = card.push(match offered {
        Some(s) => text(server_line(app, kind, s))
            .size(13)
            .style(text::secondary),
        None => text(tr(app, "wizard-not-offered"))
            .size(13)
            .style(text::warning),
    });
    if p == Protocol::Pop3 && w.protocol == Protocol::Pop3 && offered.is_some() {
        let on = w.leave_on_server;
        let flip = Message::Wizard(WizardMsg::LeaveOnServer(!on));
        card = card.push(
            row![
                toggler(on).on_toggle(|on| Message::Wizard(WizardMsg::LeaveOnServer(on))),
                button(text(tr(app, "wizard-leave-copy")).size(15))
                    .padding(0)
                    .style(button::text)
                    .on_press(flip),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        if w.leave_on_server {
            card = card.push(input(
                app,
                "wizard-delete-after",
                &w.delete_days,
                WField::DeleteDays,
                false,
                WizardMsg::Continue,
            ));
        }
    }
    container(card)
        .padding(14)
        .width(Length::Fill)
        .style(container::bordered_box)
        .into()
}

fn choice<'a>(app: &'a App, w: &'a Wizard, mut col: Column<'a, Message>) -> Column<'a, Message> {
    let Some(found) = &w.found else { return col };
    col = col.push(step_label(app, 3, "wizard-step-choice"));
    let mut args = FluentArgs::new();
    args.set("source", tr(app, found.source.fluent_id()));
    col = col.push(text(app.tr.tr("wizard-found-source", Some(&args))).size(14));
    if let Some(name) = &found.provider {
        let mut args = FluentArgs::new();
        args.set("name", name.clone());
        col = col.push(text(app.tr.tr("wizard-provider", Some(&args))).size(14));
    }
    for note in &found.notes {
        col = col.push(
            container(text(tr(app, note)).size(14))
                .padding(10)
                .width(Length::Fill)
                .style(container::warning),
        );
    }
    col = col.push(text(tr(app, "wizard-choose-heading")).size(20));
    let imap = found.imap.first();
    col = col.push(way(app, w, Protocol::Imap, imap, imap.is_some()));
    col = col.push(way(app, w, Protocol::Pop3, found.pop3.first(), false));
    col = col.push(match found.smtp.first() {
        Some(s) => text(server_line(app, &tr(app, "wizard-outgoing"), s)).size(14),
        None => text(tr(app, "wizard-no-smtp"))
            .size(14)
            .style(text::warning),
    });
    let ask = w
        .incoming()
        .is_some_and(|s| s.username == crate::discovery::UsernameForm::Ask);
    if ask {
        col = col.push(text(tr(app, "wizard-username-ask")).size(14));
    }
    col.push(input(
        app,
        "wizard-username",
        &w.username,
        WField::Username,
        false,
        WizardMsg::Continue,
    ))
}

fn confirm<'a>(app: &'a App, w: &'a Wizard, mut col: Column<'a, Message>) -> Column<'a, Message> {
    col = col
        .push(text(tr(app, "wizard-guess-heading")).size(20))
        .push(text(tr(app, "wizard-guess-explain")).size(14));
    for s in w.guessed() {
        col = col.push(text(format!("• {}:{}", s.host, s.port)).size(15));
    }
    col
}

/// The result of one server's test: OK, waiting, or what went wrong (with the certificate).
fn result_lines<'a>(
    app: &App,
    title: String,
    check: Option<(&LoginCheck, Option<&ServerCheck>)>,
) -> Element<'a, Message> {
    let mut c = column![text(title).size(15)].spacing(4);
    let Some((check, server)) = check else {
        return c.push(text(tr(app, "wizard-testing")).size(14)).into();
    };
    match server.map(|s| (s, &s.result)) {
        None => c = c.push(text(tr(app, "wizard-testing")).size(14)),
        Some((_, Ok(()))) => {
            c = c.push(
                text(tr(app, "wizard-test-ok"))
                    .size(14)
                    .style(text::success),
            )
        }
        Some((server, Err(e))) => {
            let sentence = Failure::of_check(check, server)
                .map(|f| failure_text(&app.tr, &f))
                .unwrap_or_default();
            c = c.push(text(sentence).size(14).style(text::danger));
            if let ConnTestError::Tls {
                cert: Some(cert), ..
            } = e
            {
                let mut args = FluentArgs::new();
                args.set("subject", cert.subject.clone());
                args.set("issuer", cert.issuer.clone());
                args.set("not-before", cert.not_before.clone());
                args.set("not-after", cert.not_after.clone());
                args.set("sha256", cert.sha256.clone());
                c = c.push(text(app.tr.tr("conntest-cert-details", Some(&args))).size(12));
            }
        }
    }
    c.into()
}

fn testing<'a>(app: &'a App, w: &'a Wizard, mut col: Column<'a, Message>) -> Column<'a, Message> {
    col = col.push(step_label(app, 4, "wizard-step-test"));
    let failed = w.step == Step::Failed;
    col = col.push(
        text(tr(
            app,
            if failed {
                "wizard-failed-heading"
            } else {
                "wizard-testing"
            },
        ))
        .size(20),
    );
    let kind = match w.protocol {
        Protocol::Imap => "IMAP",
        Protocol::Pop3 => "POP3",
    };
    let o = w.outcome.as_ref();
    if let Some(s) = w.incoming() {
        col = col.push(result_lines(
            app,
            server_line(app, &format!("{} ({kind})", tr(app, "wizard-incoming")), s),
            o.map(|o| (o, o.incoming.as_ref())),
        ));
    }
    if let Some(s) = w.outgoing() {
        col = col.push(result_lines(
            app,
            server_line(app, &tr(app, "wizard-outgoing"), s),
            o.map(|o| (o, o.outgoing.as_ref())),
        ));
    }
    if failed && !w.uses_sign_in() {
        // Focused after a failed test, ready for the corrected password.
        col = col.push(
            column![
                text(tr(app, "wizard-password")).size(14),
                text_input("", &w.password)
                    .id(RETRY_PASSWORD_ID)
                    .secure(true)
                    .on_input(|v| Message::Wizard(WizardMsg::Edit(WField::Password, v)))
                    .on_submit(Message::Wizard(WizardMsg::ConfirmGuessed))
                    .width(Length::Fixed(420.0)),
            ]
            .spacing(4),
        );
    }
    col
}

fn done<'a>(app: &'a App, w: &'a Wizard, col: Column<'a, Message>) -> Column<'a, Message> {
    let mut args = FluentArgs::new();
    args.set("email", w.email.trim().to_string());
    let how = match (w.protocol, w.leave_on_server) {
        (Protocol::Imap, _) => "wizard-done-imap",
        (Protocol::Pop3, true) => "wizard-done-pop3-copy",
        (Protocol::Pop3, false) => "wizard-done-pop3",
    };
    let mut col = col
        .push(text(tr(app, "wizard-done-heading")).size(22))
        .push(text(app.tr.tr("wizard-done-text", Some(&args))).size(15))
        .push(text(tr(app, how)).size(14));
    if w.outgoing().is_none() {
        col = col.push(
            text(tr(app, "wizard-no-smtp"))
                .size(14)
                .style(text::warning),
        );
    }
    col
}

/// The step's buttons, in a bar under the scrolling content so they are always in view.
fn actions<'a>(app: &App, w: &Wizard) -> Element<'a, Message> {
    let (back, manual) = (
        secondary(tr(app, "wizard-back"), WizardMsg::Back),
        secondary(tr(app, "wizard-manual"), WizardMsg::Manual),
    );
    let buttons = match w.step {
        Step::Identity => row![primary(tr(app, "wizard-next"), WizardMsg::Next), manual],
        Step::Discovering => row![secondary(tr(app, "wizard-skip"), WizardMsg::Manual), back],
        Step::Choice if w.uses_sign_in() => {
            let mut args = FluentArgs::new();
            args.set("provider", provider_word(app, w));
            let mut r = row![primary(
                app.tr.tr("wizard-sign-in", Some(&args)),
                WizardMsg::Continue
            )];
            if w.offers_device() {
                r = r.push(secondary(
                    tr(app, "wizard-sign-in-device"),
                    WizardMsg::SignInOnDevice,
                ));
            }
            r.push(back).push(manual)
        }
        Step::Choice => row![
            primary(tr(app, "wizard-continue"), WizardMsg::Continue),
            back,
            manual
        ],
        Step::SigningIn => row![secondary(tr(app, "wizard-cancel"), WizardMsg::CancelSignIn)],
        Step::ConfirmGuessed => row![
            primary(tr(app, "wizard-guess-confirm"), WizardMsg::ConfirmGuessed),
            back,
            manual
        ],
        Step::Testing => row![back, manual],
        Step::Failed => row![
            primary(tr(app, "wizard-retry"), WizardMsg::ConfirmGuessed),
            back,
            manual
        ],
        Step::Done => row![primary(tr(app, "wizard-go-mail"), WizardMsg::Finish)],
    };
    container(
        container(buttons.spacing(10))
            .max_width(720)
            .width(Length::Fill),
    )
    .padding([12, 24])
    .center_x(Length::Fill)
    .into()
}
