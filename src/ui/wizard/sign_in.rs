//! How the wizard's account signs in: which provider's page it can use (Microsoft's, the
//! only way in; Google's, Yahoo's, AOL's and Fastmail's beside an app password; the last
//! three only when a client ID is configured), the app password page of each, and the two
//! sign-in jobs: the browser here, or a code entered on another device (RFC 8628, where the
//! provider offers it).
use super::{Job, Step, Wizard, WizardAuth, WizardMsg, spawn};
use crate::account::oauth::{self, DeviceSignIn, providers};
use crate::engine::Failure;
use crate::model::OAuthSettings;
use crate::ui::failure::failure_text;
use iced::Task;
use std::sync::Arc;

/// The page where a provider's users make an app password (Gmail, Yahoo, AOL, Fastmail).
pub fn app_password_page(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "google" => super::GOOGLE_APP_PASSWORDS,
        "yahoo" => "https://help.yahoo.com/kb/generate-manage-third-party-passwords-sln15241.html",
        "aol" => "https://help.aol.com/articles/Create-and-manage-app-password",
        "fastmail" => "https://www.fastmail.com/help/clients/apppassword.html",
        _ => return None,
    })
}

impl Wizard {
    /// The OAuth2 provider of the address (by its domain, or for a Microsoft 365 company
    /// domain by its server), whether or not its page can be used.
    fn address_provider(&self) -> Option<&'static providers::OAuthProvider> {
        let by_address = providers::for_address(&self.email());
        let by_server = || {
            let host = &self.found.as_ref()?.imap.first()?.host;
            providers::for_host(host).filter(|p| p.id == "microsoft")
        };
        by_address.or_else(by_server)
    }

    /// The provider whose sign-in page the address can use in the wizard: Microsoft's and
    /// Google's always (without a client ID the sign-in says so), Yahoo's, AOL's and
    /// Fastmail's when a client ID is configured (else only their app password).
    pub fn sign_in_provider(&self) -> Option<&'static providers::OAuthProvider> {
        self.address_provider().filter(|p| match p.id {
            "microsoft" | "google" => true,
            "yahoo" | "aol" | "fastmail" => {
                self.env.oauth.is_some() || p.configured_client_id().is_some()
            }
            _ => false,
        })
    }

    /// Microsoft: no password at all, only its sign-in page.
    pub fn sign_in_only(&self) -> bool {
        self.sign_in_provider().is_some_and(|p| p.id == "microsoft")
    }

    /// Gmail, Yahoo, AOL, Fastmail: the choice between the provider's page and an app
    /// password.
    pub fn offers_auth_choice(&self) -> bool {
        self.sign_in_provider().is_some_and(|p| p.id != "microsoft")
    }

    /// The account will sign in through the provider's page.
    pub fn uses_sign_in(&self) -> bool {
        self.sign_in_only() || (self.offers_auth_choice() && self.auth == WizardAuth::SignIn)
    }

    /// The app password page for the address's provider (Gmail, Yahoo, AOL, Fastmail).
    pub fn app_password_page(&self) -> Option<&'static str> {
        self.address_provider()
            .and_then(|p| app_password_page(p.id))
    }

    /// The provider's short id (`google`, `yahoo`, ...) for the words the wizard shows.
    pub fn provider_id(&self) -> Option<&'static str> {
        self.address_provider().map(|p| p.id)
    }

    /// The sign-in can happen on another device (the provider has a device endpoint).
    pub fn offers_device(&self) -> bool {
        if !self.uses_sign_in() {
            return false;
        }
        match &self.env.oauth {
            Some(s) => s.device_url.is_some(),
            None => self
                .sign_in_provider()
                .is_some_and(|p| p.device_url.is_some()),
        }
    }

    /// Where the sign-in goes: the environment's stand-in, or the providers table with the
    /// configured client ID. Shows why not on failure.
    fn sign_in_settings(&mut self, tr: &crate::i18n::Localizer) -> Option<OAuthSettings> {
        let settings = match self.env.oauth.clone() {
            Some(s) => Ok(s),
            None => oauth::settings_for(self.sign_in_provider(), None, None, None),
        };
        match settings {
            Ok(s) => Some(s),
            Err(e) => {
                self.error = Some(failure_text(tr, &Failure::of_oauth(&e)));
                None
            }
        }
    }

    /// Starts a sign-in job (`job` gets the generation and the settings) as the sign-in
    /// task (Cancel drops it) and moves to the waiting step.
    fn begin_sign_in(
        &mut self,
        tr: &crate::i18n::Localizer,
        job: impl FnOnce(u64, Box<OAuthSettings>) -> Job,
    ) -> Task<WizardMsg> {
        let Some(settings) = self.sign_in_settings(tr) else {
            return Task::none();
        };
        self.generation += 1;
        self.device = None;
        self.oauth_settings = Some(settings.clone());
        self.tokens = None;
        self.error = None;
        self.outcome = None;
        self.step = Step::SigningIn;
        let job = job(self.generation, Box::new(settings));
        self.job = Some(job.clone());
        let (task, handle) = spawn(job).abortable();
        self.sign_in_task = Some(handle.abort_on_drop());
        task
    }

    /// Starts the browser sign-in at the provider (or the environment's stand-in).
    pub(super) fn start_sign_in(&mut self, tr: &crate::i18n::Localizer) -> Task<WizardMsg> {
        let (open_url, lang) = (self.env.open_url.clone(), tr.lang().to_string());
        self.begin_sign_in(tr, |generation, settings| Job::SignIn {
            generation,
            settings,
            open_url,
            lang,
        })
    }

    /// "Sign in on another device": asks the provider for a code, then shows it.
    pub(super) fn start_device_sign_in(&mut self, tr: &crate::i18n::Localizer) -> Task<WizardMsg> {
        self.begin_sign_in(tr, |generation, settings| Job::DeviceCode {
            generation,
            settings,
        })
    }

    /// The code came: show it and poll until it is entered.
    pub(super) fn poll_device(&mut self, device: Arc<DeviceSignIn>) -> Task<WizardMsg> {
        self.device = Some(device.clone());
        let job = Job::DevicePoll {
            generation: self.generation,
            device,
        };
        self.job = Some(job.clone());
        let (task, handle) = spawn(job).abortable();
        self.sign_in_task = Some(handle.abort_on_drop());
        task
    }
}
