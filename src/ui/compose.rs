//! The composer: From (the account's identity), To/Cc/Bcc with completion from addresses in
//! the cache, Subject, the body, attachments (a path or a file dropped on the window), reply /
//! reply all / forward prefilled by the engine. "Send" writes the message to the durable
//! outbox and wakes the account in the engine's scheduler, which sends it (retrying when offline). Drafts save
//! to the store every few seconds while edited and when leaving; `sync` uploads them.
use super::status::Said;
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
    /// The Message-ID of the message being forwarded.
    pub forward_of: Option<String>,
    pub draft: Option<DraftId>,
    pub attach_path: String,
    /// Completions for the address being typed in `suggest_for`.
    pub suggestions: Vec<String>,
    pub suggest_for: Option<Field>,
    /// Shown in the composer's fixed-height status line (never a row that comes and goes:
    /// it would move the fields under the cursor).
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

/// The body editor's widget id (focus goes there for a reply).
pub const BODY_ID: &str = "compose-body";

impl Field {
    /// The widget id of the field's text input: focus is kept and moved by id.
    pub fn id(self) -> &'static str {
        match self {
            Field::To => "compose-to",
            Field::Cc => "compose-cc",
            Field::Bcc => "compose-bcc",
            Field::Subject => "compose-subject",
            Field::AttachPath => "compose-attach-path",
        }
    }

    fn value(self, c: &mut ComposeState) -> &mut String {
        match self {
            Field::To => &mut c.to,
            Field::Cc => &mut c.cc,
            Field::Bcc => &mut c.bcc,
            Field::Subject => &mut c.subject,
            Field::AttachPath => &mut c.attach_path,
        }
    }
}

#[derive(Debug, Clone)]
pub enum ComposeMsg {
    Edit(Field, String),
    /// Completions for the address being typed (its field, the query they answer, the
    /// addresses).
    Suggested(Field, String, Vec<String>),
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
            forward_of: c.forward_of,
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
            forward_of: self.forward_of.clone(),
        }
    }

    pub fn total_attachment_bytes(&self) -> u64 {
        self.attachments.iter().map(|a| a.size).sum()
    }
}

/// What the composer needs from the window: its engine (drafts, the outbox), the read pool
/// (completion), the language.
pub struct Ctx<'a> {
    pub local: &'a mut crate::engine::Engine,
    pub reads: &'a super::reads::ReadPool,
    pub tr: &'a crate::i18n::Localizer,
    /// Seconds a sent message is held back for "Undo send" (0: none).
    pub undo_send: u32,
}

/// What the composer reports to the root.
#[derive(Debug, Clone)]
pub enum ComposeEvent {
    /// A draft was written to the store: its account should upload it now (and the notice,
    /// when the user asked for the save).
    DraftSaved(AccountId, Option<Said>),
    Notice(Said),
    /// The message is in the outbox (with the notice to show, its outbox id and the seconds
    /// it is held back for "Undo send"): close and send it.
    Queued(AccountId, Vec<Said>, crate::model::OutboxId, u32),
    /// Discarded: back to the mail.
    Closed,
}

impl ComposeState {
    /// Saves the draft if it changed since the last save.
    pub fn autosave(&mut self, local: &mut crate::engine::Engine) -> Option<ComposeEvent> {
        let account = self.account.filter(|_| self.dirty)?;
        match local.save_draft(account, self.draft, &self.compose()) {
            Ok(saved) => {
                self.draft = Some(saved.id);
                self.dirty = false;
                Some(ComposeEvent::DraftSaved(account, None))
            }
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        }
    }

    fn add_attachment(&mut self, path: PathBuf, tr: &crate::i18n::Localizer) {
        match crate::engine::attachments_from_paths(std::slice::from_ref(&path)) {
            Ok(mut v) => {
                self.attachments.append(&mut v);
                self.dirty = true;
                self.large_confirmed = false;
                self.attach_path.clear();
            }
            Err(e) => self.error = Some(super::failure::engine_text(tr, &e)),
        }
    }

    /// The composer's update: its Task, and what the root must act on.
    pub fn update(
        &mut self,
        m: ComposeMsg,
        ctx: Ctx<'_>,
    ) -> (Task<ComposeMsg>, Option<ComposeEvent>) {
        match m {
            ComposeMsg::Edit(field, v) => {
                *field.value(self) = v.clone();
                if field == Field::AttachPath {
                    return (Task::none(), None);
                }
                self.dirty = true;
                self.error = None;
                self.suggestions.clear();
                self.suggest_for = None;
                if matches!(field, Field::To | Field::Cc | Field::Bcc) {
                    let last = v.rsplit(',').next().unwrap_or("").trim().to_string();
                    if last.chars().count() >= 2 {
                        // Completion reads the cache on the read pool, never on this thread.
                        let q = last.clone();
                        let job = ctx.reads.query(move |s| {
                            crate::engine::suggest_addresses(s, &q, 5).unwrap_or_default()
                        });
                        let task = Task::perform(job, move |found| {
                            ComposeMsg::Suggested(field, last.clone(), found.unwrap_or_default())
                        });
                        return (task, None);
                    }
                }
            }
            ComposeMsg::Suggested(field, q, found) => {
                // Only if that is still the address being typed there.
                let current = field.value(self).rsplit(',').next().unwrap_or("").trim() == q;
                if current {
                    self.suggestions = found;
                    self.suggest_for = Some(field);
                }
            }
            ComposeMsg::Suggestion(a) => {
                let field = self.suggest_for.unwrap_or(Field::To);
                let value = field.value(self);
                let mut parts: Vec<String> =
                    value.split(',').map(|s| s.trim().to_string()).collect();
                parts.pop();
                parts.push(a);
                *value = parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.suggestions.clear();
                self.suggest_for = None;
                self.dirty = true;
                return (iced::widget::operation::focus(field.id()), None);
            }
            ComposeMsg::Body(action) => {
                if action.is_edit() {
                    self.dirty = true;
                }
                self.body.perform(action);
            }
            ComposeMsg::Attach => {
                let p = self.attach_path.trim().to_string();
                if !p.is_empty() {
                    self.add_attachment(PathBuf::from(p), ctx.tr);
                }
            }
            ComposeMsg::FileDropped(p) => self.add_attachment(p, ctx.tr),
            ComposeMsg::Remove(i) => {
                if i < self.attachments.len() {
                    self.attachments.remove(i);
                    self.dirty = true;
                }
            }
            ComposeMsg::SaveDraft => {
                self.dirty = true;
                if let Some(ComposeEvent::DraftSaved(account, _)) = self.autosave(ctx.local) {
                    let notice = Said::key("compose-draft-saved");
                    return (
                        Task::none(),
                        Some(ComposeEvent::DraftSaved(account, Some(notice))),
                    );
                }
            }
            ComposeMsg::Discard => {
                if let Some(d) = self.draft {
                    let _ = ctx.local.discard_draft(d);
                }
                return (Task::none(), Some(ComposeEvent::Closed));
            }
            ComposeMsg::Send => return (Task::none(), self.send(ctx)),
        }
        (Task::none(), None)
    }

    fn send(&mut self, ctx: Ctx<'_>) -> Option<ComposeEvent> {
        let c = self.compose();
        if c.to.is_empty() && c.cc.is_empty() && c.bcc.is_empty() {
            self.error = Some(ctx.tr.tr("compose-error-no-recipients", None));
            return None;
        }
        let big = self.total_attachment_bytes();
        if big > LARGE_ATTACHMENT && !self.large_confirmed {
            let mut args = FluentArgs::new();
            args.set("size", super::format::size(ctx.tr, big));
            self.error = Some(ctx.tr.tr("compose-large-warning", Some(&args)));
            self.large_confirmed = true;
            return None;
        }
        let account = self.account?;
        match ctx
            .local
            .queue_send_held(account, &c, self.draft, ctx.undo_send)
        {
            Ok(q) => {
                let mut notes = vec![Said::key("compose-queued")];
                for w in &q.warnings {
                    notes.push(Said::with(
                        w.fluent_key(),
                        vec![("charset", "ISO-2022-JP".into())],
                    ));
                }
                Some(ComposeEvent::Queued(account, notes, q.id, ctx.undo_send))
            }
            Err(e) => {
                self.error = Some(match &e {
                    crate::engine::EngineError::Compose(ce) => {
                        let mut args = FluentArgs::new();
                        if let crate::mime::compose::ComposeError::Address(a, _) = ce {
                            args.set("address", a.clone());
                        }
                        ctx.tr.tr(ce.fluent_key(), Some(&args))
                    }
                    _ => super::failure::engine_text(ctx.tr, &e),
                });
                None
            }
        }
    }
}

impl super::app::App {
    /// Quote labels in the UI language (the engine fills {date} and {from}).
    pub fn quote_labels(&self) -> crate::mime::reply::QuoteLabels {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("date", "{date}");
        args.set("from", "{from}");
        crate::mime::reply::QuoteLabels {
            attribution: self.tr.tr("compose-reply-attribution", Some(&args)),
            forwarded: self.tr.tr("compose-forwarded-header", None),
            from: self.tr.tr("compose-from", None),
            date: self.tr.tr("reader-date", None),
            subject: self.tr.tr("compose-subject", None),
            to: self.tr.tr("compose-to", None),
        }
    }
}
