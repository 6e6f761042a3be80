//! What reaches the window from the engine: its events.
use super::app::{App, Message, Reading};
use super::status::Said;
use crate::engine::Event;
use crate::model::MessageId;
use iced::Task;
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
            Event::SignIn(id, crate::engine::SignInState::Done) => {
                self.sign_ins.remove(&id);
                self.states.remove(&id);
                self.status.say(Said::key("sync-signed-in"));
            }
            Event::SignIn(id, s) => {
                self.sign_ins.insert(id, s);
            }
            Event::Stopped(id) => {
                self.states.remove(&id);
                self.bodies.remove(&id);
            }
            Event::Shown(id, r) => {
                let body = match &r {
                    Ok(m) => Ok(m.clone()),
                    Err(e) => Err(super::failure::failure_text(&self.tr, e)),
                };
                self.conversation_body(id, body);
                if self.selected == Some(id) {
                    self.reading = match r {
                        Ok(m) => Reading::Shown(Box::new(m)),
                        Err(e) => Reading::Failed(id, super::failure::failure_text(&self.tr, &e)),
                    };
                    self.reload();
                    return self.html_opened(id);
                }
                self.reload();
            }
            Event::Saved(r, open) => match r {
                Ok((path, _)) if open => match open::that_detached(&path) {
                    Ok(()) => self.status.clear_notice(),
                    Err(e) => {
                        // The launcher's words ("gio ... exit status") go to the log only.
                        tracing::warn!("opening {}: {e}", path.display());
                        self.status.fail(Said::with(
                            "attachment-open-failed",
                            vec![("path", path.display().to_string())],
                        ))
                    }
                },
                Ok((path, _)) => self.status.say(Said::with(
                    "attachment-saved",
                    vec![("path", path.display().to_string())],
                )),
                Err(e) => self.status.fail(Said::failure(&e)),
            },
            Event::Composed(account, r) => match r {
                Ok(c) => {
                    self.status.clear_notice();
                    return self.compose_open(account, *c, None);
                }
                Err(e) => self.status.fail(Said::failure(&e)),
            },
            Event::DraftOpened(account, r) => match r {
                Ok((id, c)) => {
                    self.status.clear_notice();
                    return self.compose_open(account, *c, Some(id));
                }
                Err(e) => self.status.fail(Said::failure(&e)),
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
                    Err(e) => self.status.fail(Said::failure(&e)),
                }
            }
        }
        Task::none()
    }
}
