//! Desktop notifications for new mail (notify-rust: the freedesktop notification service
//! over D-Bus on Linux and the BSDs, Notification Center on macOS, toasts on Windows).
//!
//! The caller passes text already localized (the UI formats `notify-new-mail-*` keys), so
//! this module holds no user-visible strings. A failure to notify (no notification service,
//! no session bus) is logged and never ends anything.
use crate::engine::{Change, SyncReport};
use crate::i18n::Localizer;
use fluent_bundle::FluentArgs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use thiserror::Error;

/// The freedesktop icon name installed by the packages (hicolor theme).
pub const ICON_NAME: &str = "io.github.tayori.Tayori";
const APP_NAME: &str = "Tayori";

/// One notification: a title line and a body, both already in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub title: String,
    pub body: String,
}

#[derive(Debug, Error)]
pub enum NotifyError {
    #[error("cannot show a desktop notification: {0}")]
    Show(#[from] notify_rust::error::Error),
}

/// New mail in an Inbox, as one sync pass found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrivals {
    /// Exact count (the report's `fetched`).
    pub count: usize,
    /// The newest arrival's subject, if the report kept it.
    pub subject: Option<String>,
}

/// The Inbox arrivals of a sync pass worth a notification. A pass that loads a folder from
/// scratch (plan `Full`, also after an interruption, or `Reset` after a UIDVALIDITY change)
/// is not news and yields `None`; so does a pass with nothing new. A POP3 account's first
/// download reports plan `Pop3` like every later one: the caller skips that first pass.
pub fn inbox_arrivals(report: &SyncReport) -> Option<Arrivals> {
    let inbox = report.folders.iter().find(|f| {
        f.folder.eq_ignore_ascii_case("INBOX")
            && !f.plan.starts_with("Full")
            && !f.plan.starts_with("Reset")
            && f.fetched > 0
    })?;
    let subject = inbox.changes.iter().rev().find_map(|c| match c {
        Change::Arrived { subject, .. } => Some(subject.clone()),
        _ => None,
    });
    Some(Arrivals {
        count: inbox.fetched,
        subject,
    })
}

impl NewMail {
    /// The notification text for `arrivals` in `account` (its name or address), in the
    /// language of `tr` (keys `notify-new-mail-title`, `notify-new-mail-body`).
    pub fn localized(tr: &Localizer, account: &str, arrivals: &Arrivals) -> NewMail {
        let mut args = FluentArgs::new();
        args.set("count", arrivals.count);
        args.set("account", account.to_string());
        let title = tr.tr("notify-new-mail-title", Some(&args));
        let body = match (&arrivals.subject, arrivals.count) {
            (Some(s), 1) => s.clone(),
            (Some(s), _) => format!("{s} …"),
            (None, _) => String::new(),
        };
        NewMail { title, body }
    }
}

/// What [`Notifier::show`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Shown,
    /// Notifications are turned off.
    Disabled,
}

/// Shows new-mail notifications while enabled. Cheap to clone; clones share the flag, so
/// the settings screen can turn it off for the engine's copy too.
#[derive(Debug, Clone)]
pub struct Notifier {
    enabled: Arc<AtomicBool>,
}

impl Notifier {
    pub fn new(enabled: bool) -> Self {
        Notifier {
            enabled: Arc::new(AtomicBool::new(enabled)),
        }
    }

    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Shows `n` now. Blocks until the notification service answers (on Linux a D-Bus
    /// round trip, up to D-Bus's timeout when the service hangs): call it off the UI
    /// thread, or use [`Notifier::show_in_background`].
    pub fn show(&self, n: &NewMail) -> Result<Shown, NotifyError> {
        if !self.is_enabled() {
            return Ok(Shown::Disabled);
        }
        let mut note = notify_rust::Notification::new();
        note.appname(APP_NAME)
            .summary(&n.title)
            .body(&n.body)
            .icon(ICON_NAME);
        #[cfg(all(unix, not(target_os = "macos")))]
        note.hint(notify_rust::Hint::Category("email.arrived".to_owned()))
            .hint(notify_rust::Hint::DesktopEntry(ICON_NAME.to_owned()));
        note.show()?;
        Ok(Shown::Shown)
    }

    /// Shows `n` on a short-lived thread; a failure is logged at warn level, nothing more.
    pub fn show_in_background(&self, n: NewMail) {
        if !self.is_enabled() {
            return;
        }
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name("tayori-notify".into())
            .spawn(move || {
                if let Err(e) = me.show(&n) {
                    tracing::warn!("{e}");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("cannot start the notification thread: {e}");
        }
    }
}

impl Default for Notifier {
    fn default() -> Self {
        Notifier::new(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::FolderReport;

    fn report(folder: &str, plan: &str, subjects: &[&str]) -> SyncReport {
        SyncReport {
            folders: vec![FolderReport {
                folder: folder.into(),
                plan: plan.into(),
                fetched: subjects.len(),
                changes: subjects
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Change::Arrived {
                        uid: i as u32 + 1,
                        subject: s.to_string(),
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn only_new_inbox_mail_is_news() {
        let r = report("INBOX", "Incremental { from: 10 }", &["a", "b"]);
        assert_eq!(
            inbox_arrivals(&r),
            Some(Arrivals {
                count: 2,
                subject: Some("b".into())
            })
        );
        assert_eq!(
            inbox_arrivals(&report("Inbox", "Pop3", &["x"]))
                .unwrap()
                .count,
            1
        );
        assert_eq!(inbox_arrivals(&report("INBOX", "Full", &["a"])), None);
        assert_eq!(inbox_arrivals(&report("INBOX", "Reset", &["a"])), None);
        assert_eq!(
            inbox_arrivals(&report("Archive", "Incremental", &["a"])),
            None
        );
        assert_eq!(inbox_arrivals(&report("INBOX", "UpToDate", &[])), None);
    }

    #[test]
    fn text_in_both_languages() {
        let one = Arrivals {
            count: 1,
            subject: Some("会議".into()),
        };
        let three = Arrivals {
            count: 3,
            subject: Some("Lunch".into()),
        };
        let en = Localizer::new("en");
        let n = NewMail::localized(&en, "Work", &one);
        assert_eq!(n.title, "New mail in Work");
        assert_eq!(n.body, "会議");
        let n = NewMail::localized(&en, "Work", &three);
        assert_eq!(n.title, "3 new messages in Work");
        assert_eq!(n.body, "Lunch …");
        let ja = Localizer::new("ja");
        assert_eq!(
            NewMail::localized(&ja, "仕事", &three).title,
            "仕事に新着メール 3 通"
        );
    }

    #[test]
    fn disabled_shows_nothing_and_clones_share_the_flag() {
        let n = Notifier::new(true);
        let other = n.clone();
        other.set_enabled(false);
        assert!(!n.is_enabled());
        let mail = NewMail {
            title: "t".into(),
            body: "b".into(),
        };
        assert_eq!(n.show(&mail).unwrap(), Shown::Disabled);
        // No thread, no D-Bus: returns at once.
        n.show_in_background(mail);
    }
}
