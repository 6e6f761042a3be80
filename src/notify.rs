//! Desktop notifications for new mail (notify-rust: the freedesktop notification service
//! over D-Bus on Linux and the BSDs, Notification Center on macOS, toasts on Windows).
//!
//! The caller passes text already localized (the UI formats `notify-new-mail-*` keys), so
//! this module holds no user-visible strings. A failure to notify (no notification service,
//! no session bus) is logged and never ends anything.
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
