//! The composer: From (the account's identity), To/Cc/Bcc with completion from addresses in
//! the cache, Subject, the body, attachments (a path or a file dropped on the window), reply /
//! reply all / forward prefilled by the engine. "Send" writes the message to the durable
//! outbox and wakes the account in the engine's scheduler, which sends it (retrying when offline). Drafts save
//! to the store every few seconds while edited and when leaving; `sync` uploads them.
use super::app::{App, Message, Screen};
use crate::mime::compose::{Attachment, Compose, split_addresses};
use crate::model::{AccountId, DraftId};
use fluent_bundle::FluentArgs;
use iced::Task;
use iced::widget::text_editor;
use std::path::PathBuf;

/// Attachments above this size get a warning before sending.
pub const LARGE_ATTACHMENT: u64 = 20 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct ComposeState {
    pub account: Option<AccountId>,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: text_editor::Content,
    pub attachments: Vec<Attachment>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub draft: Option<DraftId>,
    pub attach_path: String,
    pub suggestions: Vec<String>,
    pub error: Option<String>,
    pub dirty: bool,
    /// The user was told about large attachments and pressed Send again.
    pub large_confirmed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    To,
    Cc,
    Bcc,
    Subject,
    AttachPath,
}

#[derive(Debug, Clone)]
pub enum ComposeMsg {
    Edit(Field, String),
    /// Completions for the address being typed (the query they answer, the addresses).
    Suggested(String, Vec<String>),
    Body(text_editor::Action),
    Suggestion(String),
    Attach,
    FileDropped(PathBuf),
    Remove(usize),
    Send,
    SaveDraft,
    Discard,
}

fn join(v: &[String]) -> String {
    v.join(", ")
}

impl ComposeState {
    /// A composer over `c` (from the engine: new, reply, forward, draft, mailto).
    pub fn from_compose(account: AccountId, c: Compose, draft: Option<DraftId>) -> Self {
        ComposeState {
            account: Some(account),
            from: c.from,
            to: join(&c.to),
            cc: join(&c.cc),
            bcc: join(&c.bcc),
            subject: c.subject,
            body: text_editor::Content::with_text(&c.body),
            attachments: c.attachments,
            in_reply_to: c.in_reply_to,
            references: c.references,
            draft,
            ..Default::default()
        }
    }

    pub fn compose(&self) -> Compose {
        Compose {
            from: self.from.clone(),
            to: split_addresses(&self.to),
            cc: split_addresses(&self.cc),
            bcc: split_addresses(&self.bcc),
            subject: self.subject.clone(),
            body: self.body.text(),
            attachments: self.attachments.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
        }
    }

    pub fn total_attachment_bytes(&self) -> u64 {
        self.attachments.iter().map(|a| a.size).sum()
    }
}

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
            Err(e) => self.error = Some(e.to_string()),
        }
        Task::none()
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
                self.compose_open(item.account_id, c, None);
                self.compose.dirty = true;
            }
            Ok(None) => self.notice = Some(self.tr.tr("outbox-state-sending", None)),
            Err(e) => self.error = Some(e.to_string()),
        }
        self.reload();
        Task::none()
    }

    /// Opens the composer filled from a `mailto:` URL (RFC 6068).
    pub fn compose_mailto(&mut self, url: &str) -> Task<Message> {
        let m = match crate::mailto::Mailto::parse(url) {
            Ok(m) => m,
            Err(e) => {
                self.error = Some(e.to_string());
                return Task::none();
            }
        };
        let Some(account) = self.accounts.first().map(|a| a.account.id) else {
            self.notice = Some(self.tr.tr("no-accounts", None));
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
                self.compose_open(account, c, None);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        Task::none()
    }

    pub fn compose_open(&mut self, account: AccountId, c: Compose, draft: Option<DraftId>) {
        self.compose = ComposeState::from_compose(account, c, draft);
        self.screen = Screen::Compose;
    }

    /// Saves the open message as a draft if it changed since the last save.
    pub fn compose_autosave(&mut self) {
        if !self.compose.dirty || self.compose.account.is_none() {
            return;
        }
        let (Some(account), Some(eng)) = (self.compose.account, self.local.as_mut()) else {
            return;
        };
        match eng.save_draft(account, self.compose.draft, &self.compose.compose()) {
            Ok(saved) => {
                self.compose.draft = Some(saved.id);
                self.compose.dirty = false;
                // The draft goes to the server's Drafts now, not at the next pass.
                self.engine.wake(account);
            }
            Err(e) => self.compose.error = Some(e.to_string()),
        }
    }

    fn add_attachment(&mut self, path: PathBuf) {
        match crate::engine::attachments_from_paths(std::slice::from_ref(&path)) {
            Ok(mut v) => {
                self.compose.attachments.append(&mut v);
                self.compose.dirty = true;
                self.compose.large_confirmed = false;
                self.compose.attach_path.clear();
            }
            Err(e) => self.compose.error = Some(e.to_string()),
        }
    }

    pub fn on_compose(&mut self, m: ComposeMsg) -> Task<Message> {
        match m {
            ComposeMsg::Edit(field, v) => {
                let c = &mut self.compose;
                let addresses = matches!(field, Field::To | Field::Cc | Field::Bcc);
                match field {
                    Field::To => c.to = v.clone(),
                    Field::Cc => c.cc = v.clone(),
                    Field::Bcc => c.bcc = v.clone(),
                    Field::Subject => c.subject = v.clone(),
                    Field::AttachPath => {
                        c.attach_path = v;
                        return Task::none();
                    }
                }
                c.dirty = true;
                c.error = None;
                c.suggestions.clear();
                if addresses {
                    let last = v.rsplit(',').next().unwrap_or("").trim().to_string();
                    if last.chars().count() >= 2 {
                        // Completion reads the cache on the read pool, never on this thread.
                        let q = last.clone();
                        let job = self.reads.query(move |s| {
                            crate::engine::suggest_addresses(s, &q, 5).unwrap_or_default()
                        });
                        return Task::perform(job, move |found| {
                            Message::Compose(ComposeMsg::Suggested(
                                last.clone(),
                                found.unwrap_or_default(),
                            ))
                        });
                    }
                }
            }
            ComposeMsg::Suggested(q, found) => {
                // Only if that is still the address being typed.
                let c = &self.compose;
                let current = [&c.to, &c.cc, &c.bcc]
                    .iter()
                    .any(|f| f.rsplit(',').next().unwrap_or("").trim() == q);
                if current {
                    self.compose.suggestions = found;
                }
            }
            ComposeMsg::Suggestion(a) => {
                let c = &mut self.compose;
                let mut parts: Vec<String> =
                    c.to.split(',').map(|s| s.trim().to_string()).collect();
                parts.pop();
                parts.push(a);
                c.to = parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                c.suggestions.clear();
                c.dirty = true;
            }
            ComposeMsg::Body(action) => {
                if action.is_edit() {
                    self.compose.dirty = true;
                }
                self.compose.body.perform(action);
            }
            ComposeMsg::Attach => {
                let p = self.compose.attach_path.trim().to_string();
                if !p.is_empty() {
                    self.add_attachment(PathBuf::from(p));
                }
            }
            ComposeMsg::FileDropped(p) => {
                if self.screen == Screen::Compose {
                    self.add_attachment(p);
                }
            }
            ComposeMsg::Remove(i) => {
                if i < self.compose.attachments.len() {
                    self.compose.attachments.remove(i);
                    self.compose.dirty = true;
                }
            }
            ComposeMsg::SaveDraft => {
                self.compose.dirty = true;
                self.compose_autosave();
                if self.compose.error.is_none() {
                    self.notice = Some(self.tr.tr("compose-draft-saved", None));
                }
            }
            ComposeMsg::Discard => {
                if let (Some(d), Some(eng)) = (self.compose.draft, self.local.as_mut()) {
                    let _ = eng.discard_draft(d);
                }
                self.compose = ComposeState::default();
                self.screen = Screen::Mail;
            }
            ComposeMsg::Send => return self.compose_send(),
        }
        Task::none()
    }

    fn compose_send(&mut self) -> Task<Message> {
        let c = self.compose.compose();
        if c.to.is_empty() && c.cc.is_empty() && c.bcc.is_empty() {
            self.compose.error = Some(self.tr.tr("compose-error-no-recipients", None));
            return Task::none();
        }
        let big = self.compose.total_attachment_bytes();
        if big > LARGE_ATTACHMENT && !self.compose.large_confirmed {
            let mut args = FluentArgs::new();
            args.set("size", super::format::size(&self.tr, big));
            self.compose.error = Some(self.tr.tr("compose-large-warning", Some(&args)));
            self.compose.large_confirmed = true;
            return Task::none();
        }
        let (Some(account), Some(eng)) = (self.compose.account, self.local.as_mut()) else {
            return Task::none();
        };
        match eng.queue_send(account, &c, self.compose.draft) {
            Ok(q) => {
                let mut notes = vec![self.tr.tr("compose-queued", None)];
                for w in &q.warnings {
                    let mut args = FluentArgs::new();
                    args.set("charset", "ISO-2022-JP");
                    notes.push(self.tr.tr(w.fluent_key(), Some(&args)));
                }
                self.notice = Some(notes.join(" "));
                self.compose = ComposeState::default();
                self.screen = Screen::Mail;
                self.engine.wake(account);
            }
            Err(e) => {
                self.compose.error = Some(match &e {
                    crate::engine::EngineError::Compose(ce) => {
                        let mut args = FluentArgs::new();
                        if let crate::mime::compose::ComposeError::Address(a, _) = ce {
                            args.set("address", a.clone());
                        }
                        self.tr.tr(ce.fluent_key(), Some(&args))
                    }
                    _ => e.to_string(),
                });
            }
        }
        Task::none()
    }
}
