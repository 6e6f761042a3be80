//! The manual "Add account" form (the fields of `tayori account add`). Submitting runs the
//! engine's one account path ([`create_account`]) on a task: both logins are tested first,
//! and the account, its SMTP settings and the password are kept only when all succeeded.
use super::failure::failure_text;
use crate::engine::Failure;
use crate::engine::accounts::{AccountError, NewAccountSpec, OutgoingSpec, Secret, create_account};
use crate::model::{AccountId, Endpoint, Pop3Options, Protocol, Security};
use crate::store::NewAccount;
use iced::Task;
use std::sync::Arc;

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
    /// The engine's answer: the new account, or why nothing was added.
    Created(Result<AccountId, Arc<AccountError>>),
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

impl AddForm {
    /// The account as entered, for the engine.
    pub fn spec(&self) -> NewAccountSpec {
        let ep = self.endpoint();
        let mut account = NewAccount::imap(self.email.trim(), &ep.host, ep.port, ep.security);
        account.username = self.login();
        if !self.name.trim().is_empty() {
            account.name = self.name.trim().to_string();
        }
        account.ca_file = self.ca();
        if self.pop3 {
            account.protocol = Protocol::Pop3;
            account.pop3 = Pop3Options {
                leave_on_server: self.leave_on_server,
                delete_after_days: self
                    .leave_on_server
                    .then(|| self.delete_after_days())
                    .flatten(),
                delete_when_deleted: false,
            };
        }
        NewAccountSpec {
            account,
            smtp: self.smtp_endpoint().map(OutgoingSpec::new),
            test_logins: true,
        }
    }
}

/// What the form needs from the window: the language, the cache file (the engine adds the
/// account to it), the keyring keeper.
pub struct FormCtx<'a> {
    pub tr: &'a crate::i18n::Localizer,
    pub db: Option<std::result::Result<std::path::PathBuf, crate::engine::accounts::AccountError>>,
    pub keeper: Arc<dyn crate::account::keeper::SecretKeeper>,
}

/// What the form reports to the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// The account was tested, stored and its password kept.
    Created(crate::model::AccountId),
}

impl AddForm {
    /// The form's update: its Task, and what the root must act on.
    pub fn update(&mut self, m: FormMsg, ctx: FormCtx<'_>) -> (Task<FormMsg>, Option<FormEvent>) {
        let f = self;
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
                    f.error = Some(ctx.tr.tr(key, None));
                    return (Task::none(), None);
                }
                let db = match ctx.db {
                    Some(Ok(db)) => db,
                    Some(Err(e)) => {
                        f.error = Some(failure_text(ctx.tr, &Failure::of_account(&e)));
                        return (Task::none(), None);
                    }
                    None => return (Task::none(), None),
                };
                f.busy = true;
                f.error = None;
                let (spec, secret) = (f.spec(), Secret::Password(f.password.clone()));
                let task = Task::perform(create_account(db, spec, secret, ctx.keeper), |r| {
                    FormMsg::Created(r.map_err(Arc::new))
                });
                return (task, None);
            }
            FormMsg::Created(Err(e)) => {
                f.busy = false;
                f.error = Some(failure_text(ctx.tr, &Failure::of_account(&e)));
            }
            FormMsg::Created(Ok(id)) => {
                *f = AddForm::default();
                return (Task::none(), Some(FormEvent::Created(id)));
            }
        }
        (Task::none(), None)
    }
}
