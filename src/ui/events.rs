//! What reaches the window from outside its own widgets: the engine's events and keyboard
//! shortcuts.
use super::app::{App, Message, Reading, SEARCH_ID, Screen};
use crate::engine::Event;
use crate::mime::reply::ReplyKind;
use crate::model::{FolderRole, MessageId};
use crate::store::Listing;
use iced::{Task, keyboard};
use std::collections::BTreeSet;

impl App {
    pub(super) fn on_event(&mut self, ev: Event) -> Task<Message> {
        match ev {
            Event::State(id, s) => {
                self.states.insert(id, s);
            }
            Event::Changed(_) => {
                self.reload();
                self.refresh_window();
            }
            Event::Synced(id, report) => {
                if let Some(arrivals) = crate::notify::inbox_arrivals(&report)
                    && let Some(a) = self.accounts.iter().find(|a| a.account.id == id)
                {
                    self.notifier
                        .show_in_background(crate::notify::NewMail::localized(
                            &self.tr,
                            &a.account.email,
                            &arrivals,
                        ));
                }
            }
            Event::Outbox(..) => self.reload(),
            Event::Bodies(id, p) => {
                self.bodies.insert(id, p);
            }
            Event::Doctor(id, r) => self.on_doctor(id, r),
            Event::Stopped(id) => {
                self.states.remove(&id);
                self.bodies.remove(&id);
            }
            Event::Shown(id, r) => {
                if self.selected == Some(id) {
                    self.reading = match r {
                        Ok(m) => Reading::Shown(Box::new(m)),
                        Err(e) => Reading::Failed(id, super::failure::failure_text(&self.tr, &e)),
                    };
                }
                self.reload();
            }
            Event::Saved(r, open) => {
                self.notice = Some(match r {
                    Ok((path, _)) if open => match open::that_detached(&path) {
                        Ok(()) => String::new(),
                        Err(e) => e.to_string(),
                    },
                    Ok((path, _)) => {
                        let mut args = fluent_bundle::FluentArgs::new();
                        args.set("path", path.display().to_string());
                        self.tr.tr("attachment-saved", Some(&args))
                    }
                    Err(e) => super::failure::failure_text(&self.tr, &e),
                });
            }
            Event::Composed(account, r) => match r {
                Ok(c) => {
                    self.notice = None;
                    self.compose_open(account, *c, None);
                }
                Err(e) => self.error = Some(super::failure::failure_text(&self.tr, &e)),
            },
            Event::ServerSearched(text, r) => {
                if text != self.search {
                    return Task::none();
                }
                self.searching_server = false;
                match r {
                    Ok(ids) => {
                        let known: BTreeSet<MessageId> =
                            self.results.iter().flatten().map(|r| r.id).collect();
                        let ids: Vec<MessageId> =
                            ids.into_iter().filter(|i| !known.contains(i)).collect();
                        let job = self.reads.query(move |s| {
                            ids.iter()
                                .filter_map(|id| s.message(*id).ok())
                                .collect::<Vec<_>>()
                        });
                        return Task::perform(job, move |rows| {
                            Message::Searched(text.clone(), rows.unwrap_or_default(), true)
                        });
                    }
                    Err(e) => self.error = Some(super::failure::failure_text(&self.tr, &e)),
                }
            }
        }
        Task::none()
    }

    pub(super) fn on_key(&mut self, ev: keyboard::Event) -> Task<Message> {
        use keyboard::key::Named;
        use keyboard::{Event as K, Key};
        match ev {
            K::ModifiersChanged(m) => self.ctrl = m.command(),
            K::KeyPressed { key, modifiers, .. } if self.screen == Screen::Mail => {
                if modifiers.command() {
                    if let Key::Character(c) = &key
                        && let Some(n) = c.chars().next().and_then(|c| c.to_digit(10))
                        && n >= 1
                        && let Some(a) = self.accounts.get(n as usize - 1)
                        && let Some(f) = self.folder_of_role(a.account.id, FolderRole::Inbox)
                    {
                        return self.update(Message::OpenListing(Listing::Folder(f)));
                    }
                    return Task::none();
                }
                match key.as_ref() {
                    Key::Named(Named::ArrowDown) | Key::Character("j") => return self.step(1),
                    Key::Named(Named::ArrowUp) | Key::Character("k") => return self.step(-1),
                    Key::Named(Named::Delete) => return self.update(Message::Delete),
                    Key::Named(Named::Enter) => {
                        if let (Some(id), Some(i)) = (self.selected, self.cursor) {
                            return self.open_message(id, i);
                        }
                    }
                    Key::Character("/") => {
                        return iced::widget::operation::focus(SEARCH_ID);
                    }
                    Key::Character("r") => {
                        return self.update(Message::Respond(ReplyKind::Reply));
                    }
                    Key::Character("a") => {
                        return self.update(Message::Respond(ReplyKind::ReplyAll));
                    }
                    Key::Character("f") => {
                        return self.update(Message::Respond(ReplyKind::Forward));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Task::none()
    }
}
