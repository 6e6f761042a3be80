//! The root's routing to the screens that own their state (composer, manual form, setup
//! wizard): each gets its message and a context, and reports an event the root acts on. The
//! screens never import the root.
use super::app::{App, Message, Screen};
use super::compose::{ComposeEvent, ComposeMsg, ComposeState, Ctx};
use super::form::{FormCtx, FormEvent, FormMsg};
use super::status::Said;
use super::wizard::{WizardCtx, WizardEvent, WizardMsg};
use crate::engine::accounts::database_of;
use crate::mime::compose::Compose;
use crate::model::{AccountId, DraftId, Protocol};
use iced::Task;

impl App {
    /// Opens an empty composer for `account` (or the first account).
    pub fn compose_new(&mut self, account: Option<AccountId>) -> Task<Message> {
        let Some(account) = account.or_else(|| self.accounts.first().map(|a| a.account.id)) else {
            return Task::none();
        };
        let Some(eng) = self.local.as_ref() else {
            return Task::none();
        };
        match eng.new_compose(account) {
            Ok(c) => self.compose_open(account, c, None),
            Err(e) => {
                self.status.fail(Said::engine(&e));
                Task::none()
            }
        }
    }

    /// Opens a draft kept on this device in the composer, to continue writing it.
    pub fn resume_draft(&mut self, id: DraftId) -> Task<Message> {
        let Some(eng) = self.local.as_ref() else {
            return Task::none();
        };
        let found = eng
            .store
            .draft(id)
            .map_err(crate::engine::EngineError::from)
            .and_then(|d| Ok((d.account_id, eng.draft_compose(id)?)));
        match found {
            Ok((account, c)) => self.compose_open(account, c, Some(id)),
            Err(e) => {
                self.status.fail(Said::engine(&e));
                Task::none()
            }
        }
    }

    /// Takes an unsent message out of the outbox into the composer (to fix and send again).
    pub fn outbox_edit(&mut self, id: crate::model::OutboxId) -> Task<Message> {
        let Some(item) = self.outbox.iter().find(|o| o.id == id).cloned() else {
            return Task::none();
        };
        let Some(eng) = self.local.as_mut() else {
            return Task::none();
        };
        match eng.edit_outbox(id) {
            Ok(Some(c)) => {
                let focus = self.compose_open(item.account_id, c, None);
                self.compose.dirty = true;
                self.reload();
                return focus;
            }
            Ok(None) => self.status.say(Said::key("outbox-state-sending")),
            Err(e) => self.status.fail(Said::engine(&e)),
        }
        self.reload();
        Task::none()
    }

    /// Opens the composer filled from a `mailto:` URL (RFC 6068).
    pub fn compose_mailto(&mut self, url: &str) -> Task<Message> {
        let m = match crate::mailto::Mailto::parse(url) {
            Ok(m) => m,
            Err(e) => {
                self.status.fail(Said::detail(e));
                return Task::none();
            }
        };
        let Some(account) = self.accounts.first().map(|a| a.account.id) else {
            self.status.say(Said::key("no-accounts"));
            return Task::none();
        };
        let Some(eng) = self.local.as_ref() else {
            return Task::none();
        };
        match eng.new_compose(account) {
            Ok(mut c) => {
                c.to = m.to;
                c.cc = m.cc;
                c.bcc = m.bcc;
                c.subject = m.subject.unwrap_or_default();
                if let Some(body) = m.body {
                    c.body = format!("{body}{}", c.body);
                }
                c.in_reply_to = m.in_reply_to;
                self.compose_open(account, c, None)
            }
            Err(e) => {
                self.status.fail(Said::engine(&e));
                Task::none()
            }
        }
    }

    /// Opens the composer over `c` (a message being written stays as its draft) and puts the
    /// cursor where writing starts ([`super::keys::compose_focus`]).
    pub fn compose_open(
        &mut self,
        account: AccountId,
        c: Compose,
        draft: Option<DraftId>,
    ) -> Task<Message> {
        if self.screen == Screen::Compose {
            self.compose_autosave();
        }
        self.compose = ComposeState::from_compose(account, c, draft);
        self.screen = Screen::Compose;
        super::keys::compose_focus(self)
    }

    /// Saves the open message as a draft if it changed since the last save.
    pub fn compose_autosave(&mut self) {
        let Some(local) = self.local.as_mut() else {
            return;
        };
        let ev = self.compose.autosave(local);
        // An autosave reports a saved draft at most: nothing to run after it.
        let _ = self.on_compose_event(ev);
    }

    /// Routes a composer message to its screen and acts on what it reports.
    pub fn on_compose(&mut self, m: ComposeMsg) -> Task<Message> {
        if matches!(m, ComposeMsg::FileDropped(_)) && self.screen != Screen::Compose {
            return Task::none();
        }
        let Some(local) = self.local.as_mut() else {
            return Task::none();
        };
        let ctx = Ctx {
            local,
            reads: &self.reads,
            tr: &self.tr,
            undo_send: self.settings.undo_send_delay,
        };
        let (task, ev) = self.compose.update(m, ctx);
        let after = self.on_compose_event(ev);
        Task::batch([task.map(Message::Compose), after])
    }

    fn on_compose_event(&mut self, ev: Option<ComposeEvent>) -> Task<Message> {
        match ev {
            None => {}
            Some(ComposeEvent::DraftSaved(account, notice)) => {
                // The draft goes to the server's Drafts now, not at the next pass.
                self.engine.wake(account);
                if let Some(n) = notice {
                    self.status.say(n);
                }
            }
            Some(ComposeEvent::Notice(n)) => self.status.say(n),
            Some(ComposeEvent::Queued(account, notice, id, hold)) => {
                self.status.say_while_outbox(notice);
                self.compose = ComposeState::default();
                self.screen = Screen::Mail;
                self.reload();
                return self.sent(account, id, hold);
            }
            Some(ComposeEvent::Closed) => {
                self.compose = ComposeState::default();
                self.screen = Screen::Mail;
            }
        }
        Task::none()
    }
}

impl App {
    /// Routes a form message to its screen and acts on what it reports.
    pub fn on_form(&mut self, m: FormMsg) -> Task<Message> {
        let ctx = FormCtx {
            tr: &self.tr,
            db: self.local.as_ref().map(|e| database_of(&e.store)),
            keeper: self.wizard.env.keeper.clone(),
        };
        let (task, ev) = self.form.update(m, ctx);
        let task = task.map(Message::Form);
        match ev {
            None => task,
            Some(FormEvent::Created(id)) => {
                self.status.say(Said::key("add-saved"));
                self.reload();
                self.screen = Screen::Mail;
                self.open_listing(crate::store::Listing::UnifiedInbox);
                Task::batch([task, Task::done(Message::AccountCreated(id))])
            }
        }
    }
}

impl App {
    /// Routes a wizard message to its screen and acts on what it reports.
    pub fn on_wizard(&mut self, m: WizardMsg) -> Task<Message> {
        let ctx = WizardCtx {
            tr: &self.tr,
            db: self.local.as_ref().map(|e| database_of(&e.store)),
        };
        let (task, ev) = self.wizard.update(m, ctx);
        let task = task.map(Message::Wizard);
        match ev {
            None => task,
            Some(WizardEvent::Created(id)) => {
                Task::batch([task, Task::done(Message::AccountCreated(id))])
            }
            Some(WizardEvent::Manual) => {
                self.prefill_form();
                self.screen = Screen::AddAccount;
                Task::batch([task, self.screen_focus()])
            }
            Some(WizardEvent::Finished) => {
                self.screen = Screen::Mail;
                self.reload();
                self.open_listing(crate::store::Listing::UnifiedInbox);
                task
            }
        }
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
}
