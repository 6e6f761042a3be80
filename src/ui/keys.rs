//! Keyboard shortcuts. A key a text field or the body editor took (it typed a character,
//! moved its cursor) arrives `captured` and runs no single-letter shortcut: typing
//! "roadmap" into the search field never opens a reply. Tab / Shift+Tab move between the
//! fields of every screen; Ctrl (⌘) shortcuts and Escape work wherever the focus is.
use super::app::{App, Message, SEARCH_ID, Screen};
use super::compose::{BODY_ID, ComposeMsg, Field};
use crate::mime::reply::ReplyKind;
use crate::model::FolderRole;
use crate::store::Listing;
use iced::widget::operation;
use iced::widget::text_editor::{Binding, KeyPress};
use iced::{Task, keyboard};

/// Every keyboard event, with whether a widget took it.
pub fn listen() -> iced::Subscription<Message> {
    iced::event::listen_with(|event, status, _| match event {
        iced::Event::Keyboard(k) => Some(match status {
            iced::event::Status::Ignored => Message::Key(k),
            iced::event::Status::Captured => Message::KeyTaken(k),
        }),
        _ => None,
    })
}

/// The body editor's keys: Ctrl+Enter sends (instead of a new line), Tab leaves the editor
/// (to the next field) instead of doing nothing; the rest as iced binds them.
pub fn editor_binding(press: KeyPress) -> Option<Binding<Message>> {
    use keyboard::key::Named;
    match press.key.as_ref() {
        keyboard::Key::Named(Named::Enter)
            if press.modifiers.command()
                && matches!(
                    press.status,
                    iced::widget::text_editor::Status::Focused { .. }
                ) =>
        {
            Some(Binding::Custom(Message::Compose(ComposeMsg::Send)))
        }
        keyboard::Key::Named(Named::Tab) => None,
        _ => Binding::from_key_press(press),
    }
}

/// Where focus goes when the composer opens: To when it is empty (a new message), else the
/// Subject when that is empty, else the body (a reply, a forward with its recipient).
pub(super) fn compose_focus(app: &App) -> Task<Message> {
    let c = &app.compose;
    if c.to.trim().is_empty() {
        operation::focus(Field::To.id())
    } else if c.subject.trim().is_empty() {
        operation::focus(Field::Subject.id())
    } else {
        operation::focus(BODY_ID)
    }
}

impl App {
    /// The field a screen starts in: the wizard's first field, the manual form's address.
    pub fn screen_focus(&self) -> Task<Message> {
        match self.screen {
            Screen::Wizard if self.wizard.step == super::wizard::Step::Identity => {
                operation::focus(super::wizard::FIRST_FIELD_ID)
            }
            Screen::AddAccount => operation::focus(format!("form-{:?}", super::form::Field::Email)),
            _ => Task::none(),
        }
    }

    /// A key no widget took: every shortcut.
    pub(super) fn on_key(&mut self, ev: keyboard::Event) -> Task<Message> {
        self.key(ev, false)
    }

    /// A key a widget took: only the shortcuts with Ctrl, and Escape.
    pub(super) fn on_key_taken(&mut self, ev: keyboard::Event) -> Task<Message> {
        self.key(ev, true)
    }

    fn key(&mut self, ev: keyboard::Event, taken: bool) -> Task<Message> {
        use keyboard::key::Named;
        use keyboard::{Event as K, Key};
        let (key, modifiers) = match ev {
            K::ModifiersChanged(m) => {
                self.ctrl = m.command();
                return Task::none();
            }
            K::KeyPressed { key, modifiers, .. } => (key, modifiers),
            K::KeyReleased { .. } => return Task::none(),
        };
        if let Key::Named(Named::Escape) = key.as_ref() {
            return self.escape();
        }
        if modifiers.command() {
            return self.command_key(&key, taken);
        }
        if taken {
            return Task::none();
        }
        if let Key::Named(Named::Tab) = key.as_ref() {
            // Wrapping: after the last field the first, not a press with nothing focused.
            return super::focus::cycle(!modifiers.shift());
        }
        if self.screen != Screen::Mail {
            return Task::none();
        }
        match key.as_ref() {
            Key::Named(Named::ArrowDown) | Key::Character("j") => self.step(1),
            Key::Named(Named::ArrowUp) | Key::Character("k") => self.step(-1),
            Key::Named(Named::Delete) => self.update(Message::Delete),
            Key::Named(Named::Enter) => match (self.selected, self.cursor) {
                (Some(id), Some(i)) => self.open_message(id, i),
                _ => Task::none(),
            },
            Key::Character("/") => operation::focus(SEARCH_ID),
            Key::Character("r") => self.update(Message::Respond(ReplyKind::Reply)),
            Key::Character("a") => self.update(Message::Respond(ReplyKind::ReplyAll)),
            Key::Character("f") => self.update(Message::Respond(ReplyKind::Forward)),
            _ => Task::none(),
        }
    }

    /// Ctrl+N new message, Ctrl+R reply, Ctrl+Z undo, Ctrl+Enter send, Ctrl+1…9 an
    /// account's Inbox.
    fn command_key(&mut self, key: &keyboard::Key, taken: bool) -> Task<Message> {
        use keyboard::Key;
        use keyboard::key::Named;
        match key.as_ref() {
            Key::Character("n") | Key::Character("N") => self.update(Message::ComposeNew),
            Key::Character("z") | Key::Character("Z") if self.screen == Screen::Mail => {
                if self.sending.is_some() {
                    self.update(Message::UndoSend)
                } else {
                    self.update(Message::Undo)
                }
            }
            Key::Character("r") | Key::Character("R") if self.screen == Screen::Mail => {
                self.update(Message::Respond(ReplyKind::Reply))
            }
            // The body editor sends on its own Ctrl+Enter (its key binding): not twice.
            Key::Named(Named::Enter) if self.screen == Screen::Compose && !taken => {
                self.update(Message::Compose(ComposeMsg::Send))
            }
            Key::Character(c) if self.screen == Screen::Mail => {
                if let Some(n) = c.chars().next().and_then(|c| c.to_digit(10))
                    && n >= 1
                    && let Some(a) = self.accounts.get(n as usize - 1)
                    && let Some(f) = self.folder_of_role(a.account.id, FolderRole::Inbox)
                {
                    return self.update(Message::OpenListing(Listing::Folder(f)));
                }
                Task::none()
            }
            _ => Task::none(),
        }
    }

    /// Escape: closes the composer (its draft is kept), else clears the search, else the
    /// selection.
    fn escape(&mut self) -> Task<Message> {
        match self.screen {
            Screen::Compose => self.update(Message::Nav(Screen::Mail)),
            Screen::Mail if !self.search.is_empty() => {
                self.update(Message::SearchChanged(String::new()))
            }
            Screen::Mail => {
                self.multi.clear();
                Task::none()
            }
            _ => Task::none(),
        }
    }
}
