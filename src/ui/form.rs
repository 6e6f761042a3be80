//! The manual "Add account" form (the fields of `tayori account add`). The login is tested
//! first; the password goes to the keyring only after the server accepted it.
use super::app::{App, Message, Screen};
use crate::discovery::conntest::{ConnTestError, ServerKind, test_login};
use crate::i18n::Localizer;
use crate::model::{Endpoint, Security};
use crate::store::NewAccount;
use fluent_bundle::FluentArgs;
use iced::Task;

#[derive(Debug, Clone, Default)]
pub struct AddForm {
    pub name: String,
    pub email: String,
    pub username: String,
    pub host: String,
    pub port: String,
    pub starttls: bool,
    pub password: String,
    pub ca_file: String,
    pub busy: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Email,
    Username,
    Host,
    Port,
    Password,
    CaFile,
}

#[derive(Debug, Clone)]
pub enum FormMsg {
    Edit(Field, String),
    StartTls(bool),
    Submit,
    Tested(Result<(), ConnTestError>),
}

impl AddForm {
    fn port(&self) -> u16 {
        self.port
            .trim()
            .parse()
            .unwrap_or(if self.starttls { 143 } else { 993 })
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            host: self.host.trim().to_string(),
            port: self.port(),
            security: if self.starttls {
                Security::Starttls
            } else {
                Security::Tls
            },
        }
    }

    fn login(&self) -> String {
        if self.username.trim().is_empty() {
            self.email.trim().to_string()
        } else {
            self.username.trim().to_string()
        }
    }

    fn ca(&self) -> Option<String> {
        let c = self.ca_file.trim();
        (!c.is_empty()).then(|| c.to_string())
    }

    /// The first problem a user must fix before the form can be sent, as a Fluent id.
    pub fn missing(&self) -> Option<&'static str> {
        if !self.email.contains('@') {
            return Some("add-error-email");
        }
        if self.host.trim().is_empty() {
            return Some("add-error-host");
        }
        if !self.port.trim().is_empty() && self.port.trim().parse::<u16>().is_err() {
            return Some("add-error-port");
        }
        if self.password.is_empty() {
            return Some("add-error-password");
        }
        None
    }
}

/// A connection-test failure in the user's language.
pub fn conntest_message(tr: &Localizer, e: &ConnTestError) -> String {
    let mut args = FluentArgs::new();
    match e {
        ConnTestError::HostNotFound { host } | ConnTestError::NoStartTls { host } => {
            args.set("host", host.clone());
        }
        ConnTestError::PortClosed { host, port } | ConnTestError::Filtered { host, port } => {
            args.set("host", host.clone());
            args.set("port", port.to_string());
        }
        ConnTestError::Tls { host, reason, .. } => {
            args.set("host", host.clone());
            args.set("reason", reason.clone());
        }
        ConnTestError::WrongPassword { server_says }
        | ConnTestError::AppPassword { server_says } => {
            args.set("server", server_says.clone());
        }
        ConnTestError::Other(reason) => args.set("reason", reason.clone()),
    }
    tr.tr(e.fluent_id(), Some(&args))
}

impl App {
    pub fn on_form(&mut self, m: FormMsg) -> Task<Message> {
        let f = &mut self.form;
        match m {
            FormMsg::Edit(field, v) => {
                match field {
                    Field::Name => f.name = v,
                    Field::Email => f.email = v,
                    Field::Username => f.username = v,
                    Field::Host => f.host = v,
                    Field::Port => f.port = v,
                    Field::Password => f.password = v,
                    Field::CaFile => f.ca_file = v,
                }
                f.error = None;
            }
            FormMsg::StartTls(on) => f.starttls = on,
            FormMsg::Submit => {
                if let Some(key) = f.missing() {
                    f.error = Some(self.tr.tr(key, None));
                    return Task::none();
                }
                f.busy = true;
                f.error = None;
                let (ep, user, pw, ca) = (f.endpoint(), f.login(), f.password.clone(), f.ca());
                return Task::perform(
                    async move { test_login(ServerKind::Imap, &ep, &user, &pw, ca.as_deref()).await },
                    |r| Message::Form(FormMsg::Tested(r)),
                );
            }
            FormMsg::Tested(Err(e)) => {
                f.busy = false;
                f.error = Some(conntest_message(&self.tr, &e));
            }
            FormMsg::Tested(Ok(())) => {
                f.busy = false;
                return self.save_account();
            }
        }
        Task::none()
    }

    fn save_account(&mut self) -> Task<Message> {
        let f = self.form.clone();
        let Some(store) = &self.store else {
            return Task::none();
        };
        let mut new = NewAccount::imap(f.email.trim(), &f.host, f.port(), f.endpoint().security);
        new.username = f.login();
        if !f.name.trim().is_empty() {
            new.name = f.name.trim().to_string();
        }
        new.ca_file = f.ca();
        let added = store.add_account(&new).and_then(|id| store.account(id));
        let account = match added {
            Ok(a) => a,
            Err(e) => {
                self.form.error = Some(e.to_string());
                return Task::none();
            }
        };
        if let Err(e) = crate::account::credentials::store_password(&account, &f.password) {
            // Without a keyring the account cannot sync: take it back out, say why.
            let _ = store.remove_account(account.id);
            self.form.error = Some(e.to_string());
            return Task::none();
        }
        self.form = AddForm::default();
        self.notice = Some(self.tr.tr("add-saved", None));
        self.reload();
        self.screen = Screen::Mail;
        let l = crate::store::Listing::UnifiedInbox;
        self.open_listing(l);
        self.start_worker()
    }
}
