//! The manual "Add account" form (the fields of `tayori account add`). The login is tested
//! first; the password goes to the keyring only after the server accepted it.
use super::app::{App, Message, Screen};
use crate::discovery::conntest::{ConnTestError, ServerKind, test_login};
use crate::i18n::Localizer;
use crate::model::{Endpoint, Security};
use crate::store::NewAccount;
use fluent_bundle::FluentArgs;
use iced::Task;

#[derive(Debug, Clone)]
pub struct AddForm {
    pub name: String,
    pub email: String,
    pub username: String,
    /// The incoming server speaks POP3 (else IMAP).
    pub pop3: bool,
    pub host: String,
    pub port: String,
    pub starttls: bool,
    /// POP3: leave a copy on the server (default on), optionally deleting it after N days.
    pub leave_on_server: bool,
    pub delete_days: String,
    /// Outgoing server (optional: without it the account can read but not send).
    pub smtp_host: String,
    pub smtp_port: String,
    pub smtp_starttls: bool,
    pub password: String,
    pub ca_file: String,
    pub busy: bool,
    pub error: Option<String>,
}

impl Default for AddForm {
    fn default() -> Self {
        AddForm {
            name: String::new(),
            email: String::new(),
            username: String::new(),
            pop3: false,
            host: String::new(),
            port: String::new(),
            starttls: false,
            leave_on_server: true,
            delete_days: String::new(),
            smtp_host: String::new(),
            smtp_port: String::new(),
            smtp_starttls: true,
            password: String::new(),
            ca_file: String::new(),
            busy: false,
            error: None,
        }
    }
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
    DeleteDays,
    SmtpHost,
    SmtpPort,
}

#[derive(Debug, Clone)]
pub enum FormMsg {
    Edit(Field, String),
    StartTls(bool),
    Pop3(bool),
    LeaveOnServer(bool),
    SmtpStartTls(bool),
    Submit,
    Tested(Result<(), ConnTestError>),
}

impl AddForm {
    fn port(&self) -> u16 {
        let default = match (self.pop3, self.starttls) {
            (false, false) => 993,
            (false, true) => 143,
            (true, false) => 995,
            (true, true) => 110,
        };
        self.port.trim().parse().unwrap_or(default)
    }

    fn kind(&self) -> ServerKind {
        if self.pop3 {
            ServerKind::Pop3
        } else {
            ServerKind::Imap
        }
    }

    /// The outgoing server, when one was entered.
    fn smtp_endpoint(&self) -> Option<Endpoint> {
        let host = self.smtp_host.trim();
        if host.is_empty() {
            return None;
        }
        let default = if self.smtp_starttls { 587 } else { 465 };
        Some(Endpoint {
            host: host.to_string(),
            port: self.smtp_port.trim().parse().unwrap_or(default),
            security: if self.smtp_starttls {
                Security::Starttls
            } else {
                Security::Tls
            },
        })
    }

    fn delete_after_days(&self) -> Option<u32> {
        self.delete_days.trim().parse().ok()
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
        for p in [&self.port, &self.smtp_port] {
            if !p.trim().is_empty() && p.trim().parse::<u16>().is_err() {
                return Some("add-error-port");
            }
        }
        if self.pop3
            && !self.delete_days.trim().is_empty()
            && self.delete_days.trim().parse::<u32>().is_err()
        {
            return Some("wizard-error-days");
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
                    Field::DeleteDays => f.delete_days = v,
                    Field::SmtpHost => f.smtp_host = v,
                    Field::SmtpPort => f.smtp_port = v,
                }
                f.error = None;
            }
            FormMsg::StartTls(on) => f.starttls = on,
            FormMsg::Pop3(on) => f.pop3 = on,
            FormMsg::LeaveOnServer(on) => f.leave_on_server = on,
            FormMsg::SmtpStartTls(on) => f.smtp_starttls = on,
            FormMsg::Submit => {
                if let Some(key) = f.missing() {
                    f.error = Some(self.tr.tr(key, None));
                    return Task::none();
                }
                f.busy = true;
                f.error = None;
                let (ep, user, pw, ca) = (f.endpoint(), f.login(), f.password.clone(), f.ca());
                let (kind, smtp) = (f.kind(), f.smtp_endpoint());
                return Task::perform(
                    async move {
                        let ca = ca.as_deref();
                        test_login(kind, &ep, &user, &pw, ca).await?;
                        match smtp {
                            Some(s) => test_login(ServerKind::Smtp, &s, &user, &pw, ca).await,
                            None => Ok(()),
                        }
                    },
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
        let Some(store) = self.store() else {
            return Task::none();
        };
        let mut new = NewAccount::imap(f.email.trim(), &f.host, f.port(), f.endpoint().security);
        new.username = f.login();
        if !f.name.trim().is_empty() {
            new.name = f.name.trim().to_string();
        }
        new.ca_file = f.ca();
        if f.pop3 {
            new.protocol = crate::model::Protocol::Pop3;
            new.pop3 = crate::model::Pop3Options {
                leave_on_server: f.leave_on_server,
                delete_after_days: f.leave_on_server.then(|| f.delete_after_days()).flatten(),
                delete_when_deleted: false,
            };
        }
        let added = store.add_account(&new).and_then(|id| {
            if let Some(endpoint) = f.smtp_endpoint() {
                store.set_smtp_settings(&crate::model::SmtpSettings {
                    account_id: id,
                    endpoint,
                    username: None,
                    send_charset: crate::model::SendCharset::default(),
                    signature: None,
                })?;
            }
            store.account(id)
        });
        let account = match added {
            Ok(a) => a,
            Err(e) => {
                self.form.error = Some(e.to_string());
                return Task::none();
            }
        };
        if let Err(e) = (self.wizard.env.keep_password)(&account, &f.password) {
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
        // scheduler: add_account
        self.accounts_changed();
        Task::none()
    }
}
