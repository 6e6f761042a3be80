//! Conversations in the window: the list's rows are conversations (when the setting is on),
//! and the reader shows the open conversation: every message, the older ones as one line
//! (a click expands it), the newest expanded, each body fetched when it is expanded. Actions
//! apply to the whole conversation, or to one message from its own header
//! ([`ConvMsg::OnOne`]).
use super::app::{App, Message};
use crate::engine::ShownMessage;
use crate::model::MessageId;
use crate::store::{ConversationFacts, MessageRow};
use iced::Task;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone)]
pub enum ConvMsg {
    /// The list's switch: conversations or single messages.
    Toggle,
    /// The read pool's answer: the messages of the conversation of this row.
    Loaded(MessageId, Vec<MessageRow>),
    /// A collapsed message's line was clicked (or an expanded one's header).
    Expand(MessageId, bool),
    /// "Show quoted text" / "Hide quoted text" in this message.
    Quotes(MessageId, bool),
    /// An action from one message's own header: it applies to that message alone.
    OnOne(MessageId, Box<Message>),
}

/// The open conversation.
#[derive(Debug, Clone)]
pub struct OpenConversation {
    /// The list row it was opened from.
    pub head: MessageId,
    /// Its messages, oldest first.
    pub messages: Vec<MessageRow>,
    pub expanded: BTreeSet<MessageId>,
    /// Bodies as they arrive (Ok) or the reason one could not be fetched (Err).
    pub bodies: HashMap<MessageId, Result<ShownMessage, String>>,
    /// Messages whose quoted text is unfolded.
    pub quotes: BTreeSet<MessageId>,
}

impl OpenConversation {
    fn new(head: MessageId) -> OpenConversation {
        OpenConversation {
            head,
            messages: Vec::new(),
            expanded: BTreeSet::new(),
            bodies: HashMap::new(),
            quotes: BTreeSet::new(),
        }
    }
}

/// What the window keeps of conversations.
#[derive(Debug, Clone, Default)]
pub struct Conversations {
    /// Facts of the conversation of each list row on screen.
    pub facts: HashMap<MessageId, ConversationFacts>,
    pub open: Option<OpenConversation>,
    /// While an action from one message's header runs: that message.
    pub single: Option<MessageId>,
}

impl Conversations {
    /// The open conversation, when it holds more than one message (else the plain reader).
    pub fn shown(&self) -> Option<&OpenConversation> {
        self.open.as_ref().filter(|c| c.messages.len() > 1)
    }
}

impl App {
    /// Whether the list shows conversations.
    pub fn by_conversation(&self) -> bool {
        self.settings.conversations && self.results.is_none()
    }

    /// Asks the read pool for the conversation of the row `head` ([`ConvMsg::Loaded`]).
    pub(super) fn load_conversation(&mut self, head: MessageId) {
        if !self.by_conversation() {
            self.conv.open = None;
            return;
        }
        if self.conv.open.as_ref().is_none_or(|c| c.head != head) {
            self.conv.open = Some(OpenConversation::new(head));
        }
        let job = self
            .reads
            .query(move |s| s.conversation(head).unwrap_or_default());
        self.pending.push(Task::perform(job, move |rows| {
            Message::Conv(ConvMsg::Loaded(head, rows.unwrap_or_default()))
        }));
    }

    /// The messages an action on `ids` (list rows) applies to: in conversation mode each
    /// row's whole conversation.
    pub(super) fn expand_targets(&self, ids: Vec<MessageId>) -> Vec<MessageId> {
        if !self.by_conversation() {
            return ids;
        }
        let mut out: Vec<MessageId> = Vec::new();
        for id in ids {
            let members: Vec<MessageId> = match self.conv.open.as_ref() {
                Some(c) if c.head == id && !c.messages.is_empty() => {
                    c.messages.iter().map(|m| m.id).collect()
                }
                // One indexed lookup of a few rows, like the single-row lookups here.
                _ => self
                    .store()
                    .and_then(|s| s.conversation(id).ok())
                    .map(|rows| rows.into_iter().map(|r| r.id).collect())
                    .unwrap_or_else(|| vec![id]),
            };
            for m in members {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
        out
    }

    pub(super) fn on_conv(&mut self, m: ConvMsg) -> Task<Message> {
        match m {
            ConvMsg::Toggle => {
                self.settings.conversations = !self.settings.conversations;
                self.save_settings();
                self.conv.open = None;
                self.clear_open();
                self.scroll_y = 0.0;
                self.first = 0;
                self.cursor = None;
                self.refresh_window();
            }
            ConvMsg::Loaded(head, rows) => {
                let Some(open) = self.conv.open.as_mut().filter(|c| c.head == head) else {
                    return Task::none();
                };
                open.messages = rows;
                open.messages.retain(|r| r.uid.is_some() || r.id == head);
                // At first the row's message, the newest and the unread ones are expanded;
                // later the user's choice stays.
                let ids: BTreeSet<MessageId> = open.messages.iter().map(|r| r.id).collect();
                open.expanded.retain(|id| ids.contains(id));
                open.quotes.retain(|id| ids.contains(id));
                if open.expanded.is_empty() {
                    open.expanded.insert(head);
                    if let Some(newest) = open.messages.last() {
                        open.expanded.insert(newest.id);
                    }
                    for m in open.messages.iter().filter(|m| !m.flags.seen) {
                        open.expanded.insert(m.id);
                    }
                }
                let fetch: Vec<MessageId> = open
                    .expanded
                    .iter()
                    .filter(|id| !open.bodies.contains_key(id))
                    .copied()
                    .collect();
                for id in fetch {
                    self.fetch_body(id);
                }
            }
            ConvMsg::Expand(id, on) => {
                let Some(open) = self.conv.open.as_mut() else {
                    return Task::none();
                };
                if on {
                    open.expanded.insert(id);
                    if !open.bodies.contains_key(&id) {
                        self.fetch_body(id);
                    }
                } else {
                    open.expanded.remove(&id);
                }
            }
            ConvMsg::Quotes(id, on) => {
                if let Some(open) = self.conv.open.as_mut() {
                    if on {
                        open.quotes.insert(id);
                    } else {
                        open.quotes.remove(&id);
                    }
                }
            }
            ConvMsg::OnOne(id, msg) => return self.on_one(id, *msg),
        }
        Task::none()
    }

    /// Asks the engine for the body of `id` (its answer, `Event::Shown`, lands in the open
    /// conversation).
    fn fetch_body(&mut self, id: MessageId) {
        if matches!(self.reading, super::app::Reading::Loading(l) if l == id) {
            // Asked already: its answer fills the conversation too.
            return;
        }
        if let Some(Ok(m)) = self.shown_now(id) {
            if let Some(open) = self.conv.open.as_mut() {
                open.bodies.insert(id, Ok(m));
            }
            return;
        }
        if let Some(account) = self.account_of(id) {
            self.engine.show(account, id);
        }
    }

    /// The reader's message, when it is `id` and shown.
    fn shown_now(&self, id: MessageId) -> Option<Result<ShownMessage, String>> {
        match &self.reading {
            super::app::Reading::Shown(m) if m.id == id => Some(Ok(m.as_ref().clone())),
            _ => None,
        }
    }

    /// The engine's answer for a message of the open conversation.
    pub(super) fn conversation_body(&mut self, id: MessageId, body: Result<ShownMessage, String>) {
        if let Some(open) = self.conv.open.as_mut()
            && open.messages.iter().any(|m| m.id == id)
        {
            open.bodies.insert(id, body);
        }
    }

    /// Runs `msg` (an action) on message `id` alone; the conversation stays open when the
    /// message leaves it (deleted, moved).
    fn on_one(&mut self, id: MessageId, msg: Message) -> Task<Message> {
        let head = self.conv.open.as_ref().map(|c| c.head);
        let (selected, cursor) = (self.selected, self.cursor);
        self.conv.single = Some(id);
        let task = self.update(msg);
        self.conv.single = None;
        if let Some(head) = head
            && head != id
            && self.selected.is_none()
            && selected == Some(head)
        {
            // The action closed the reader (a delete or move of another message): the
            // conversation stays, without that message.
            self.selected = selected;
            self.cursor = cursor;
            if let Some(open) = self.conv.open.as_mut() {
                open.messages.retain(|m| m.id != id);
            }
            self.load_conversation(head);
            if let Some(account) = self.account_of(head) {
                self.reading = super::app::Reading::Loading(head);
                self.engine.show(account, head);
            }
        } else {
            self.refresh_open_conversation();
        }
        let mut tasks = std::mem::take(&mut self.pending);
        tasks.push(task);
        Task::batch(tasks)
    }

    /// Reads the open conversation again (its flags changed).
    pub(super) fn refresh_open_conversation(&mut self) {
        if let Some(head) = self.conv.open.as_ref().map(|c| c.head) {
            self.load_conversation(head);
        }
    }
}
