//! The setup wizard: name, address and password -> discovery -> IMAP or POP3 -> (ask before
//! a password goes to a guessed host) -> connection test of incoming and outgoing -> done.
//!
//! Network work runs as a [`Job`] on an iced task; tests run the same job themselves and
//! feed its message back. DNS, HTTP and the keyring are injectable through [`WizardEnv`].
use super::app::{App, Message, Screen};
use crate::account::credentials::{self, CredentialError};
use crate::discovery::conntest::{ConnTestError, ServerKind, test_login};
use crate::discovery::system::{HttpsClient, SystemResolver};
use crate::discovery::{
    self, Discovered, DiscoveryError, DnsError, Http, HttpError, Resolver, ServerSetting, SrvRecord,
};
use crate::model::{Account, Endpoint, Pop3Options, Protocol, SendCharset, SmtpSettings};
use crate::store::NewAccount;
use futures::future::BoxFuture;
use iced::Task;
use std::net::IpAddr;
use std::sync::Arc;

/// Testing knob: every autoconfig request of the wizard fetches this HTTPS URL instead.
pub const AUTOCONFIG_URL_VAR: &str = "TAYORI_DISCOVERY_AUTOCONFIG_URL";
/// Testing knob: an extra CA certificate (PEM) the wizard trusts, and gives the account.
pub const CA_FILE_VAR: &str = "TAYORI_DISCOVERY_CA_FILE";

/// The password field shown after a failed test (focused then).
pub const RETRY_PASSWORD_ID: &str = "wizard-retry-password";

/// Saves a password once the servers accepted it (the OS keyring by default).
pub type KeepPassword =
    Arc<dyn Fn(&Account, &str) -> Result<(), CredentialError> + Send + Sync + 'static>;

/// What the wizard talks to: DNS, HTTPS, the keyring. Tests swap in stubs.
#[derive(Clone)]
pub struct WizardEnv {
    pub resolver: Arc<dyn Resolver>,
    pub http: Arc<dyn Http>,
    pub options: discovery::Options,
    /// Extra trust anchor for the tests and the new account (certificates are always verified).
    pub ca_file: Option<String>,
    pub keep_password: KeepPassword,
}

/// A resolver for when the system's cannot be set up: every query fails (discovery then
/// tries its other steps, and the user can always enter settings by hand).
struct NoDns(String);

impl Resolver for NoDns {
    fn mx<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        Box::pin(async move { Err(DnsError::Failed(self.0.clone())) })
    }
    fn srv<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<SrvRecord>, DnsError>> {
        Box::pin(async move { Err(DnsError::Failed(self.0.clone())) })
    }
    fn lookup<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async move { Err(DnsError::Failed(self.0.clone())) })
    }
}

/// HTTPS that answers every autoconfig request from one fixed URL (the testing knob).
struct FixedAutoconfig {
    url: String,
    inner: HttpsClient,
}

impl Http for FixedAutoconfig {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>> {
        if url.contains("config-v1.1.xml") {
            self.inner.get(&self.url)
        } else {
            self.inner.get(url)
        }
    }
}

impl WizardEnv {
    /// The real resolver, HTTPS client and keyring (plus the testing knobs, when set).
    pub fn system() -> WizardEnv {
        let ca_file = std::env::var(CA_FILE_VAR).ok().filter(|s| !s.is_empty());
        let resolver: Arc<dyn Resolver> = match SystemResolver::new() {
            Ok(r) => Arc::new(r),
            Err(e) => Arc::new(NoDns(e.to_string())),
        };
        let inner = HttpsClient {
            ca_file: ca_file.clone(),
        };
        let http: Arc<dyn Http> = match std::env::var(AUTOCONFIG_URL_VAR) {
            Ok(url) if !url.is_empty() => Arc::new(FixedAutoconfig { url, inner }),
            _ => Arc::new(inner),
        };
        WizardEnv {
            resolver,
            http,
            options: discovery::Options {
                ca_file: ca_file.clone(),
                ..Default::default()
            },
            ca_file,
            keep_password: Arc::new(credentials::store_password),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Identity,
    Discovering,
    Choice,
    ConfirmGuessed,
    Testing,
    Failed,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WField {
    Name,
    Email,
    Password,
    Username,
    DeleteDays,
}

/// The result of one connection test.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub incoming: Result<(), ConnTestError>,
    /// None: no outgoing server to test.
    pub outgoing: Option<Result<(), ConnTestError>>,
}

#[derive(Debug, Clone)]
pub enum WizardMsg {
    Edit(WField, String),
    /// From the first step: look the settings up.
    Next,
    Discovered(u64, Result<Discovered, DiscoveryError>),
    Choose(Protocol),
    LeaveOnServer(bool),
    /// From the choice: test (after asking, for guessed hosts).
    Continue,
    ConfirmGuessed,
    Tested(u64, Box<Outcome>),
    Back,
    /// To the manual form, with what is known so far.
    Manual,
    /// From the last step: to the mail.
    Finish,
}

/// Network work of one step, run on a task (or by a test).
#[derive(Clone)]
pub enum Job {
    Discover {
        generation: u64,
        email: String,
        env: WizardEnv,
    },
    Test {
        generation: u64,
        incoming: (ServerKind, Endpoint),
        outgoing: Option<Endpoint>,
        username: String,
        smtp_username: String,
        password: String,
        ca_file: Option<String>,
    },
}

impl Job {
    pub async fn run(self) -> WizardMsg {
        match self {
            Job::Discover {
                generation,
                email,
                env,
            } => {
                let r = discovery::discover_with(
                    &email,
                    env.resolver.as_ref(),
                    env.http.as_ref(),
                    &env.options,
                )
                .await;
                WizardMsg::Discovered(generation, r)
            }
            Job::Test {
                generation,
                incoming,
                outgoing,
                username,
                smtp_username,
                password,
                ca_file,
            } => {
                let ca = ca_file.as_deref();
                let (kind, ep) = incoming;
                let inc = test_login(kind, &ep, &username, &password, ca);
                let out = async {
                    match &outgoing {
                        Some(ep) => Some(
                            test_login(ServerKind::Smtp, ep, &smtp_username, &password, ca).await,
                        ),
                        None => None,
                    }
                };
                let (incoming, outgoing) = futures::join!(inc, out);
                WizardMsg::Tested(generation, Box::new(Outcome { incoming, outgoing }))
            }
        }
    }
}

/// The wizard's state.
pub struct Wizard {
    pub env: WizardEnv,
    pub step: Step,
    pub name: String,
    pub email: String,
    pub password: String,
    pub username: String,
    pub found: Option<Discovered>,
    pub protocol: Protocol,
    pub leave_on_server: bool,
    pub delete_days: String,
    pub outcome: Option<Outcome>,
    /// A Fluent-translated problem to show on the current step.
    pub error: Option<String>,
    /// The job last started (tests run it themselves; the app runs a copy on a task).
    pub job: Option<Job>,
    /// Bumped whenever the user moves on, so late answers of an abandoned step are ignored.
    pub generation: u64,
}

impl Wizard {
    pub fn new(env: WizardEnv) -> Wizard {
        Wizard {
            env,
            step: Step::Identity,
            name: String::new(),
            email: String::new(),
            password: String::new(),
            username: String::new(),
            found: None,
            protocol: Protocol::Imap,
            leave_on_server: true,
            delete_days: String::new(),
            outcome: None,
            error: None,
            job: None,
            generation: 0,
        }
    }

    /// Starts over (keeps the environment).
    pub fn reset(&mut self) {
        let env = self.env.clone();
        let generation = self.generation + 1;
        *self = Wizard::new(env);
        self.generation = generation;
    }

    pub fn domain(&self) -> String {
        discovery::split_address(&self.email)
            .map(|(_, d)| d)
            .unwrap_or_default()
    }

    /// The chosen incoming server.
    pub fn incoming(&self) -> Option<&ServerSetting> {
        let f = self.found.as_ref()?;
        match self.protocol {
            Protocol::Imap => f.imap.first(),
            Protocol::Pop3 => f.pop3.first(),
        }
    }

    pub fn outgoing(&self) -> Option<&ServerSetting> {
        self.found.as_ref()?.smtp.first()
    }

    /// Servers that were only guessed and would receive the password.
    pub fn guessed(&self) -> Vec<&ServerSetting> {
        self.incoming()
            .into_iter()
            .chain(self.outgoing())
            .filter(|s| s.guessed)
            .collect()
    }

    fn kind(&self) -> ServerKind {
        match self.protocol {
            Protocol::Imap => ServerKind::Imap,
            Protocol::Pop3 => ServerKind::Pop3,
        }
    }

    fn email(&self) -> String {
        self.email.trim().to_string()
    }

    fn smtp_username(&self) -> String {
        self.outgoing()
            .and_then(|s| s.username.apply(&self.email()))
            .unwrap_or_else(|| self.username.trim().to_string())
    }

    /// Username the chosen incoming server expects, from the address when it follows.
    fn default_username(&mut self) {
        let email = self.email();
        if let Some(u) = self.incoming().and_then(|s| s.username.apply(&email)) {
            self.username = u;
        }
    }

    fn delete_after_days(&self) -> Result<Option<u32>, &'static str> {
        let d = self.delete_days.trim();
        if d.is_empty() {
            return Ok(None);
        }
        d.parse::<u32>().map(Some).map_err(|_| "wizard-error-days")
    }

    fn test_job(&mut self) -> Option<Job> {
        let ep = self.incoming()?.endpoint();
        self.generation += 1;
        Some(Job::Test {
            generation: self.generation,
            incoming: (self.kind(), ep),
            outgoing: self.outgoing().map(ServerSetting::endpoint),
            username: self.username.trim().to_string(),
            smtp_username: self.smtp_username(),
            password: self.password.clone(),
            ca_file: self.env.ca_file.clone(),
        })
    }
}

fn spawn(job: Job) -> Task<Message> {
    Task::perform(job.run(), Message::Wizard)
}

impl App {
    pub fn on_wizard(&mut self, m: WizardMsg) -> Task<Message> {
        let w = &mut self.wizard;
        match m {
            WizardMsg::Edit(field, v) => {
                match field {
                    WField::Name => w.name = v,
                    WField::Email => w.email = v,
                    WField::Password => w.password = v,
                    WField::Username => w.username = v,
                    WField::DeleteDays => w.delete_days = v,
                }
                w.error = None;
            }
            WizardMsg::Next => {
                let problem = if discovery::split_address(&w.email).is_err() {
                    Some("wizard-error-email")
                } else if w.password.is_empty() {
                    Some("wizard-error-password")
                } else {
                    None
                };
                if let Some(key) = problem {
                    w.error = Some(self.tr.tr(key, None));
                    return Task::none();
                }
                w.error = None;
                w.found = None;
                w.generation += 1;
                w.step = Step::Discovering;
                let job = Job::Discover {
                    generation: w.generation,
                    email: w.email(),
                    env: w.env.clone(),
                };
                w.job = Some(job.clone());
                return spawn(job);
            }
            WizardMsg::Discovered(g, _) if g != w.generation || w.step != Step::Discovering => {}
            WizardMsg::Discovered(_, Err(e)) => {
                w.job = None;
                w.step = Step::Identity;
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("domain", w.domain());
                w.error = Some(match e {
                    DiscoveryError::BadAddress(_) => self.tr.tr("wizard-error-email", None),
                    DiscoveryError::NothingFound { .. } => {
                        self.tr.tr("wizard-not-found", Some(&args))
                    }
                });
            }
            WizardMsg::Discovered(_, Ok(found)) => {
                w.job = None;
                w.protocol = if found.imap.is_empty() {
                    Protocol::Pop3
                } else {
                    Protocol::Imap
                };
                w.found = Some(found);
                w.username.clear();
                w.default_username();
                w.step = Step::Choice;
            }
            WizardMsg::Choose(p) => {
                w.protocol = p;
                w.default_username();
            }
            WizardMsg::LeaveOnServer(on) => w.leave_on_server = on,
            WizardMsg::Continue => {
                let problem = if w.incoming().is_none() {
                    Some("wizard-not-offered")
                } else if w.username.trim().is_empty() {
                    Some("wizard-error-username")
                } else {
                    w.delete_after_days().err()
                };
                if let Some(key) = problem {
                    w.error = Some(self.tr.tr(key, None));
                    return Task::none();
                }
                w.error = None;
                if !w.guessed().is_empty() {
                    w.step = Step::ConfirmGuessed;
                    return Task::none();
                }
                return self.start_test();
            }
            WizardMsg::ConfirmGuessed => return self.start_test(),
            WizardMsg::Tested(g, _) if g != w.generation || w.step != Step::Testing => {}
            WizardMsg::Tested(_, outcome) => {
                w.job = None;
                let ok =
                    outcome.incoming.is_ok() && outcome.outgoing.as_ref().is_none_or(|o| o.is_ok());
                w.outcome = Some(*outcome);
                if ok {
                    return self.save_wizard_account();
                }
                w.step = Step::Failed;
                return iced::widget::operation::focus(RETRY_PASSWORD_ID);
            }
            WizardMsg::Back => {
                w.generation += 1;
                w.job = None;
                w.error = None;
                w.step = match w.step {
                    Step::Choice | Step::Discovering => Step::Identity,
                    Step::ConfirmGuessed | Step::Testing | Step::Failed => Step::Choice,
                    s => s,
                };
            }
            WizardMsg::Manual => {
                w.generation += 1;
                w.job = None;
                self.prefill_form();
                self.screen = Screen::AddAccount;
            }
            WizardMsg::Finish => {
                self.wizard.reset();
                self.screen = Screen::Mail;
                self.reload();
                let l = crate::store::Listing::UnifiedInbox;
                self.open_listing(l);
            }
        }
        Task::none()
    }

    fn start_test(&mut self) -> Task<Message> {
        let w = &mut self.wizard;
        let Some(job) = w.test_job() else {
            return Task::none();
        };
        w.outcome = None;
        w.step = Step::Testing;
        w.job = Some(job.clone());
        spawn(job)
    }

    /// Copies what the wizard knows into the manual form.
    fn prefill_form(&mut self) {
        let w = &self.wizard;
        let f = &mut self.form;
        f.name = w.name.clone();
        f.email = w.email.clone();
        f.password = w.password.clone();
        f.username = w.username.clone();
        f.pop3 = w.protocol == Protocol::Pop3;
        if let Some(s) = w.incoming() {
            f.host = s.host.clone();
            f.port = s.port.to_string();
            f.starttls = s.security == crate::model::Security::Starttls;
        }
        if let Some(s) = w.outgoing() {
            f.smtp_host = s.host.clone();
            f.smtp_port = s.port.to_string();
            f.smtp_starttls = s.security == crate::model::Security::Starttls;
        }
        if let Some(ca) = &w.env.ca_file {
            f.ca_file = ca.clone();
        }
        f.error = None;
    }

    /// Both servers accepted the password: the account, its SMTP settings, the password in
    /// the keyring (only now), then the first sync.
    fn save_wizard_account(&mut self) -> Task<Message> {
        let w = &self.wizard;
        let (Some(store), Some(incoming)) = (self.store(), w.incoming()) else {
            return Task::none();
        };
        let email = w.email();
        let ep = incoming.endpoint();
        let mut new = NewAccount::imap(&email, &ep.host, ep.port, ep.security);
        new.protocol = w.protocol;
        new.username = w.username.trim().to_string();
        if !w.name.trim().is_empty() {
            new.name = w.name.trim().to_string();
        }
        new.pop3 = Pop3Options {
            leave_on_server: w.leave_on_server,
            delete_after_days: if w.leave_on_server {
                w.delete_after_days().ok().flatten()
            } else {
                None
            },
            delete_when_deleted: false,
        };
        new.ca_file = w.env.ca_file.clone();
        let smtp = w.outgoing().map(|s| (s.endpoint(), w.smtp_username()));
        let username = new.username.clone();
        let saved = store.add_account(&new).and_then(|id| store.account(id));
        let account = match saved {
            Ok(a) => a,
            Err(e) => {
                self.wizard.error = Some(e.to_string());
                self.wizard.step = Step::Failed;
                return Task::none();
            }
        };
        let mut problem = (w.env.keep_password)(&account, &w.password).err().map(|e| {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("reason", e.to_string());
            self.tr.tr("wizard-keyring-failed", Some(&args))
        });
        if problem.is_none()
            && let Some((endpoint, smtp_user)) = smtp
        {
            let s = SmtpSettings {
                account_id: account.id,
                endpoint,
                username: (smtp_user != username).then_some(smtp_user),
                send_charset: SendCharset::default(),
                signature: None,
            };
            problem = store.set_smtp_settings(&s).err().map(|e| e.to_string());
        }
        if let Some(p) = problem {
            // Without its password (or settings) the account cannot work: take it back out.
            credentials::forget_password(&account);
            let _ = store.remove_account(account.id);
            self.wizard.error = Some(p);
            self.wizard.step = Step::Failed;
            return Task::none();
        }
        self.wizard.step = Step::Done;
        self.wizard.password.clear();
        // scheduler: add_account
        self.accounts_changed();
        Task::none()
    }
}
