//! The setup wizard: name, address and password -> discovery -> IMAP or POP3 -> (ask before
//! a password goes to a guessed host) -> connection test of incoming and outgoing -> done.
//! Microsoft addresses (Outlook.com, Hotmail, Live, Microsoft 365) sign in on Microsoft's
//! page instead of a password (OAuth2 in the browser, then the same connection test with the
//! token); Gmail offers the choice of Google's page or an app password.
//!
//! The last step is the engine's one account path ([`create_account`]): it tests both
//! logins, then stores the account, its SMTP settings and the password, or nothing at all.
//!
//! Network work runs as a [`Job`] on an iced task; tests run the same job themselves and
//! feed its message back. DNS, HTTP and the keyring are injectable through [`WizardEnv`].
use super::failure::failure_text;
use crate::account::keeper::{OsKeyring, SecretKeeper};
use crate::account::oauth::{self, DeviceSignIn, OAuthError, PendingSignIn, TokenSet};
use crate::discovery::conntest::ServerKind;
use crate::discovery::system::{HttpsClient, SystemResolver};
use crate::discovery::{
    self, Discovered, DiscoveryError, DnsError, Http, HttpError, Resolver, ServerSetting, SrvRecord,
};
use crate::engine::Failure;
use crate::engine::accounts::{
    AccountError, LoginCheck, NewAccountSpec, OutgoingSpec, Secret, ServerCheck, create_account,
};
use crate::model::OAuthSettings;
use crate::model::{AccountId, Pop3Options, Protocol};
use crate::store::NewAccount;
use futures::future::BoxFuture;
use iced::Task;

mod sign_in;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Testing knob: every autoconfig request of the wizard fetches this HTTPS URL instead.
pub const AUTOCONFIG_URL_VAR: &str = "TAYORI_DISCOVERY_AUTOCONFIG_URL";
/// Testing knob: an extra CA certificate (PEM) the wizard trusts, and gives the account.
pub const CA_FILE_VAR: &str = "TAYORI_DISCOVERY_CA_FILE";

/// The password field shown after a failed test (focused then).
pub const RETRY_PASSWORD_ID: &str = "wizard-retry-password";
/// The wizard's first field (focused when it opens).
pub const FIRST_FIELD_ID: &str = "wizard-name";

impl WField {
    /// The widget id of the field's text input.
    pub fn id(self) -> &'static str {
        match self {
            WField::Name => FIRST_FIELD_ID,
            WField::Email => "wizard-email",
            WField::Password => "wizard-password",
            WField::Username => "wizard-username",
            WField::DeleteDays => "wizard-delete-days",
        }
    }
}

/// What the wizard talks to: DNS, HTTPS, the keyring. Tests swap in stubs.
#[derive(Clone)]
pub struct WizardEnv {
    pub resolver: Arc<dyn Resolver>,
    pub http: Arc<dyn Http>,
    pub options: discovery::Options,
    /// Extra trust anchor for the tests and the new account (certificates are always verified).
    pub ca_file: Option<String>,
    /// Keeps the password once the servers accepted it (the OS keyring by default); the
    /// manual form uses the same one.
    pub keeper: Arc<dyn SecretKeeper>,
    /// Where sign-ins go instead of the provider's own server (tests: a local one); None:
    /// the providers table with the configured client ID.
    pub oauth: Option<OAuthSettings>,
    /// Opens a URL in the browser ([`oauth::open_browser`]; tests follow it themselves).
    pub open_url: OpenUrl,
}

/// How the wizard opens a web page.
pub type OpenUrl = Arc<dyn Fn(&str) -> Result<(), OAuthError> + Send + Sync>;

/// How the account signs in (for a provider that offers both).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WizardAuth {
    /// The provider's own sign-in page in the browser (OAuth2).
    #[default]
    SignIn,
    /// A password typed here (for Gmail: an app password).
    Password,
}

/// Gmail's page for making an app password.
pub const GOOGLE_APP_PASSWORDS: &str = "https://myaccount.google.com/apppasswords";

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
            keeper: Arc::new(OsKeyring),
            oauth: None,
            open_url: Arc::new(oauth::open_browser),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Identity,
    Discovering,
    Choice,
    ConfirmGuessed,
    /// Waiting for the sign-in in the browser.
    SigningIn,
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
    /// Gmail: sign in with Google, or an app password.
    ChooseAuth(WizardAuth),
    /// Open a help page (the app password page) in the browser.
    OpenLink(String),
    /// The browser came back: the tokens, or why not.
    SignedIn(u64, Result<TokenSet, Arc<OAuthError>>),
    /// "Sign in on another device" (RFC 8628, where the provider offers it).
    SignInOnDevice,
    /// The provider's code for the other device, or why there is none.
    DeviceCode(u64, Result<Arc<DeviceSignIn>, Arc<OAuthError>>),
    /// Stop waiting for the browser (or the other device).
    CancelSignIn,
    /// The engine's answer: the new account, or why nothing was added.
    Created(u64, Result<AccountId, Arc<AccountError>>),
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
        env: Box<WizardEnv>,
    },
    /// Sign in through the browser: listen on loopback, open the page, wait for the code,
    /// trade it for tokens.
    SignIn {
        generation: u64,
        settings: Box<OAuthSettings>,
        open_url: OpenUrl,
        lang: String,
    },
    /// Ask the device authorization endpoint for a code to show.
    DeviceCode {
        generation: u64,
        settings: Box<OAuthSettings>,
    },
    /// Poll the token endpoint until the code shown was entered (or refused, or expired).
    DevicePoll {
        generation: u64,
        device: Arc<DeviceSignIn>,
    },
    /// Test the logins and add the account ([`create_account`]).
    Create {
        generation: u64,
        db: PathBuf,
        spec: Box<NewAccountSpec>,
        secret: Secret,
        keeper: Arc<dyn SecretKeeper>,
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
            Job::SignIn {
                generation,
                settings,
                open_url,
                lang,
            } => {
                let r = async {
                    let pending = PendingSignIn::start(&settings).await?;
                    open_url(&pending.url)?;
                    pending.finish(&lang).await
                }
                .await;
                WizardMsg::SignedIn(generation, r.map_err(Arc::new))
            }
            Job::DeviceCode {
                generation,
                settings,
            } => {
                let r = DeviceSignIn::start(&settings).await;
                WizardMsg::DeviceCode(generation, r.map(Arc::new).map_err(Arc::new))
            }
            Job::DevicePoll { generation, device } => {
                WizardMsg::SignedIn(generation, device.finish().await.map_err(Arc::new))
            }
            Job::Create {
                generation,
                db,
                spec,
                secret,
                keeper,
            } => {
                let r = create_account(db, *spec, secret, keeper).await;
                WizardMsg::Created(generation, r.map_err(Arc::new))
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
    /// What each server said to the last login test.
    pub outcome: Option<LoginCheck>,
    /// A Fluent-translated problem to show on the current step.
    pub error: Option<String>,
    /// The job last started (tests run it themselves; the app runs a copy on a task).
    pub job: Option<Job>,
    /// Bumped whenever the user moves on, so late answers of an abandoned step are ignored.
    pub generation: u64,
    /// Gmail's choice (other providers have one way).
    pub auth: WizardAuth,
    /// Where the current sign-in goes, and its tokens until the account is created.
    oauth_settings: Option<OAuthSettings>,
    tokens: Option<TokenSet>,
    /// The running sign-in task: dropping it (Cancel) stops the loopback listener.
    sign_in_task: Option<iced::task::Handle>,
    /// The code and page shown for a sign-in on another device.
    pub device: Option<Arc<DeviceSignIn>>,
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
            auth: WizardAuth::default(),
            oauth_settings: None,
            tokens: None,
            sign_in_task: None,
            device: None,
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

    /// The account as chosen so far, for the engine.
    fn spec(&self) -> Option<NewAccountSpec> {
        let ep = self.incoming()?.endpoint();
        let mut account = NewAccount::imap(&self.email(), &ep.host, ep.port, ep.security);
        account.protocol = self.protocol;
        account.username = self.username.trim().to_string();
        if !self.name.trim().is_empty() {
            account.name = self.name.trim().to_string();
        }
        account.pop3 = Pop3Options {
            leave_on_server: self.leave_on_server,
            delete_after_days: if self.leave_on_server {
                self.delete_after_days().ok().flatten()
            } else {
                None
            },
            delete_when_deleted: false,
        };
        account.ca_file = self.env.ca_file.clone();
        let smtp = self.outgoing().map(|s| {
            let mut o = OutgoingSpec::new(s.endpoint());
            let login = self.smtp_username();
            o.username = (login != account.username).then_some(login);
            o
        });
        Some(NewAccountSpec {
            account,
            smtp,
            test_logins: true,
        })
    }

    fn create_job(&mut self, db: PathBuf) -> Option<Job> {
        let spec = self.spec()?;
        let secret = match (&self.oauth_settings, self.tokens.take()) {
            (Some(o), Some(t)) if self.uses_sign_in() => {
                Secret::OAuth2(Box::new(o.clone()), Some(t))
            }
            _ => Secret::Password(self.password.clone()),
        };
        self.generation += 1;
        Some(Job::Create {
            generation: self.generation,
            db,
            spec: Box::new(spec),
            secret,
            keeper: self.env.keeper.clone(),
        })
    }

    /// Both servers accepted the login (shown when a later step failed).
    fn passed(&self) -> Option<LoginCheck> {
        let ok = |kind, s: &ServerSetting| ServerCheck {
            kind,
            server: s.endpoint(),
            result: Ok(()),
        };
        Some(LoginCheck {
            email: self.email(),
            incoming: Some(ok(self.kind(), self.incoming()?)),
            outgoing: self.outgoing().map(|s| ok(ServerKind::Smtp, s)),
        })
    }
}

fn spawn(job: Job) -> Task<WizardMsg> {
    Task::perform(job.run(), std::convert::identity)
}

/// What the wizard needs from the window: the language and the cache file (the engine adds
/// the account to it).
pub struct WizardCtx<'a> {
    pub tr: &'a crate::i18n::Localizer,
    pub db: Option<std::result::Result<std::path::PathBuf, AccountError>>,
}

/// What the wizard reports to the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardEvent {
    /// Both servers accepted; the account is stored and its password kept.
    Created(crate::model::AccountId),
    /// "Enter the settings myself": the manual form, prefilled.
    Manual,
    /// "Go to my mail".
    Finished,
}

impl Wizard {
    /// The wizard's update: its Task, and what the root must act on.
    pub fn update(
        &mut self,
        m: WizardMsg,
        ctx: WizardCtx<'_>,
    ) -> (Task<WizardMsg>, Option<WizardEvent>) {
        let w = self;
        let tr = ctx.tr;
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
                } else if w.password.is_empty() && !w.uses_sign_in() {
                    Some("wizard-error-password")
                } else {
                    None
                };
                if let Some(key) = problem {
                    w.error = Some(tr.tr(key, None));
                    return (Task::none(), None);
                }
                w.error = None;
                w.found = None;
                w.generation += 1;
                w.step = Step::Discovering;
                let job = Job::Discover {
                    generation: w.generation,
                    email: w.email(),
                    env: Box::new(w.env.clone()),
                };
                w.job = Some(job.clone());
                return (spawn(job), None);
            }
            WizardMsg::Discovered(g, _) if g != w.generation || w.step != Step::Discovering => {}
            WizardMsg::Discovered(_, Err(e)) => {
                w.job = None;
                w.step = Step::Identity;
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("domain", w.domain());
                w.error = Some(match e {
                    DiscoveryError::BadAddress(_) => tr.tr("wizard-error-email", None),
                    DiscoveryError::NothingFound { .. } => tr.tr("wizard-not-found", Some(&args)),
                    DiscoveryError::BadIspdbUrl(url) => {
                        args.set("url", url);
                        tr.tr("wizard-error-ispdb-url", Some(&args))
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
                    w.error = Some(tr.tr(key, None));
                    return (Task::none(), None);
                }
                w.error = None;
                if w.uses_sign_in() {
                    return (w.start_sign_in(tr), None);
                }
                if !w.guessed().is_empty() {
                    w.step = Step::ConfirmGuessed;
                    return (Task::none(), None);
                }
                return (w.start_test(tr, ctx.db), None);
            }
            WizardMsg::ConfirmGuessed if w.uses_sign_in() => return (w.start_sign_in(tr), None),
            WizardMsg::ConfirmGuessed => return (w.start_test(tr, ctx.db), None),
            WizardMsg::ChooseAuth(a) => {
                w.auth = a;
                w.error = None;
            }
            WizardMsg::OpenLink(url) => {
                if let Err(e) = (w.env.open_url)(&url) {
                    w.error = Some(failure_text(tr, &Failure::of_oauth(&e)));
                }
            }
            WizardMsg::SignInOnDevice => return (w.start_device_sign_in(tr), None),
            WizardMsg::DeviceCode(g, _) if g != w.generation || w.step != Step::SigningIn => {}
            WizardMsg::DeviceCode(_, Ok(device)) => return (w.poll_device(device), None),
            WizardMsg::DeviceCode(_, Err(e)) => {
                w.sign_in_task = None;
                w.job = None;
                w.step = Step::Choice;
                w.error = Some(failure_text(tr, &Failure::of_oauth(&e)));
            }
            WizardMsg::SignedIn(g, _) if g != w.generation || w.step != Step::SigningIn => {}
            WizardMsg::SignedIn(_, Ok(tokens)) => {
                w.sign_in_task = None;
                w.device = None;
                w.tokens = Some(tokens);
                return (w.start_test(tr, ctx.db), None);
            }
            WizardMsg::SignedIn(_, Err(e)) => {
                w.sign_in_task = None;
                w.device = None;
                w.job = None;
                w.step = Step::Choice;
                w.error = Some(failure_text(tr, &Failure::of_oauth(&e)));
            }
            WizardMsg::CancelSignIn => {
                w.generation += 1;
                w.sign_in_task = None;
                w.device = None;
                w.job = None;
                w.error = None;
                w.step = Step::Choice;
            }
            WizardMsg::Created(g, _) if g != w.generation || w.step != Step::Testing => {}
            WizardMsg::Created(_, Ok(id)) => {
                w.job = None;
                w.outcome = w.passed();
                w.step = Step::Done;
                w.password.clear();
                return (Task::none(), Some(WizardEvent::Created(id)));
            }
            WizardMsg::Created(_, Err(e)) => {
                w.job = None;
                if let AccountError::Login(check) = &*e {
                    w.outcome = Some((**check).clone());
                } else {
                    // The logins passed; keeping the account or its password did not.
                    w.outcome = w.passed();
                    w.error = Some(failure_text(tr, &Failure::of_account(&e)));
                }
                w.step = Step::Failed;
                return (iced::widget::operation::focus(RETRY_PASSWORD_ID), None);
            }
            WizardMsg::Back => {
                w.generation += 1;
                w.sign_in_task = None;
                w.device = None;
                w.job = None;
                w.error = None;
                w.step = match w.step {
                    Step::Choice | Step::Discovering => Step::Identity,
                    Step::ConfirmGuessed | Step::SigningIn | Step::Testing | Step::Failed => {
                        Step::Choice
                    }
                    s => s,
                };
            }
            WizardMsg::Manual => {
                w.generation += 1;
                w.job = None;
                return (Task::none(), Some(WizardEvent::Manual));
            }
            WizardMsg::Finish => {
                w.reset();
                return (Task::none(), Some(WizardEvent::Finished));
            }
        }
        (Task::none(), None)
    }

    fn start_test(
        &mut self,
        tr: &crate::i18n::Localizer,
        db: Option<std::result::Result<std::path::PathBuf, AccountError>>,
    ) -> Task<WizardMsg> {
        let db = match db {
            Some(Ok(db)) => db,
            Some(Err(e)) => {
                self.error = Some(failure_text(tr, &Failure::of_account(&e)));
                return Task::none();
            }
            None => return Task::none(),
        };
        let w = self;
        let Some(job) = w.create_job(db) else {
            return Task::none();
        };
        w.outcome = None;
        w.error = None;
        w.step = Step::Testing;
        w.job = Some(job.clone());
        spawn(job)
    }
}
