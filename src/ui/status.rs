//! The status line's notice and error. Each is kept as its Fluent key and arguments, not as
//! a sentence, so it is drawn in the window's current language (switching to Japanese
//! re-renders it); and each ends: after a few seconds, or (a message waiting in the outbox)
//! when the state it reports is over.
use crate::engine::{EngineError, Failure};
use crate::i18n::Localizer;
use fluent_bundle::FluentArgs;
use std::time::{Duration, Instant};

/// How long a notice stays.
pub const NOTICE_FOR: Duration = Duration::from_secs(6);
/// How long an error stays.
pub const ERROR_FOR: Duration = Duration::from_secs(15);

/// A message for the status line: a key of i18n/{en,ja}/tayori.ftl and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    key: &'static str,
    args: Vec<(&'static str, String)>,
    /// Number arguments (Fluent picks the plural form by them: "1 message", "2 messages").
    counts: Vec<(&'static str, i64)>,
}

impl Said {
    pub fn key(key: &'static str) -> Said {
        Said::with(key, Vec::new())
    }

    pub fn with(key: &'static str, args: Vec<(&'static str, String)>) -> Said {
        Said {
            key,
            args,
            counts: Vec::new(),
        }
    }

    /// `key` with the number argument `name`.
    pub fn count(key: &'static str, name: &'static str, n: i64) -> Said {
        Said {
            key,
            args: Vec::new(),
            counts: vec![(name, n)],
        }
    }

    pub fn failure(f: &Failure) -> Said {
        Said::with(f.key, f.args.clone())
    }

    pub fn engine(e: &EngineError) -> Said {
        Said::failure(&Failure::of(e))
    }

    pub fn store(e: crate::store::StoreError) -> Said {
        Said::engine(&EngineError::Store(e))
    }

    /// An error with no sentence of its own (the system's words about a file or a link).
    pub fn detail(detail: impl std::fmt::Display) -> Said {
        Said::with("status-error-detail", vec![("detail", detail.to_string())])
    }

    pub fn text(&self, tr: &Localizer) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            args.set(*name, value.clone());
        }
        for (name, n) in &self.counts {
            args.set(*name, *n);
        }
        tr.tr(self.key, Some(&args))
    }

    /// Several messages shown as one ("The message is in the outbox. <a warning>").
    pub fn texts(list: &[Said], tr: &Localizer) -> String {
        list.iter()
            .map(|s| s.text(tr))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// When a notice ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    At(Instant),
    /// While a message waits in the outbox (it ends when the outbox has sent it).
    OutboxWaiting,
}

#[derive(Debug, Default)]
pub struct StatusLine {
    notice: Option<(Vec<Said>, Until)>,
    error: Option<(Said, Instant)>,
}

impl StatusLine {
    /// A notice for a few seconds.
    pub fn say(&mut self, s: Said) {
        self.notice = Some((vec![s], Until::At(Instant::now() + NOTICE_FOR)));
    }

    /// A notice about the message just queued: it stays while the outbox holds mail to send.
    pub fn say_while_outbox(&mut self, s: Vec<Said>) {
        self.notice = Some((s, Until::OutboxWaiting));
    }

    /// An error for a while (the sync view keeps the ones that need acting on).
    pub fn fail(&mut self, s: Said) {
        self.error = Some((s, Instant::now() + ERROR_FOR));
    }

    pub fn clear_notice(&mut self) {
        self.notice = None;
    }

    pub fn clear_error(&mut self) {
        self.error = None;
    }

    pub fn notice(&self) -> Option<&[Said]> {
        self.notice.as_ref().map(|(s, _)| s.as_slice())
    }

    pub fn error(&self) -> Option<&Said> {
        self.error.as_ref().map(|(s, _)| s)
    }

    /// Ends what has run out at `now`.
    pub fn tick(&mut self, now: Instant) {
        if matches!(self.notice, Some((_, Until::At(t))) if t <= now) {
            self.notice = None;
        }
        if matches!(self.error, Some((_, t)) if t <= now) {
            self.error = None;
        }
    }

    /// The outbox was read again: `waiting` is whether it still has mail to send.
    pub fn outbox(&mut self, waiting: bool) {
        if !waiting && matches!(self.notice, Some((_, Until::OutboxWaiting))) {
            self.notice = None;
        }
    }

    /// Something on a timer is showing (the window ticks to end it).
    pub fn timed(&self) -> bool {
        matches!(self.notice, Some((_, Until::At(_)))) || self.error.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_drawn_in_the_current_language_and_ends() {
        let mut s = StatusLine::default();
        s.say(Said::key("compose-draft-saved"));
        let n = s.notice().unwrap();
        assert_eq!(Said::texts(n, &Localizer::new("en")), "Draft saved.");
        assert_ne!(Said::texts(n, &Localizer::new("ja")), "Draft saved.");
        assert!(s.timed());
        s.tick(Instant::now());
        assert!(s.notice().is_some());
        s.tick(Instant::now() + NOTICE_FOR);
        assert!(s.notice().is_none());
    }

    #[test]
    fn the_queued_notice_ends_when_the_outbox_has_sent() {
        let mut s = StatusLine::default();
        s.say_while_outbox(vec![Said::key("compose-queued")]);
        s.tick(Instant::now() + ERROR_FOR * 10);
        s.outbox(true);
        assert!(s.notice().is_some(), "still waiting: it stays");
        s.outbox(false);
        assert!(s.notice().is_none());
        s.fail(Said::detail("disk full"));
        assert_eq!(
            s.error().unwrap().text(&Localizer::new("en")),
            "Something went wrong: disk full"
        );
        s.tick(Instant::now() + ERROR_FOR);
        assert!(s.error().is_none());
    }

    #[test]
    fn counts_pick_the_plural_form() {
        let en = Localizer::new("en");
        assert_eq!(
            Said::count("undo-deleted", "n", 1).text(&en),
            "Moved 1 message to Trash."
        );
        assert_eq!(
            Said::count("undo-deleted", "n", 3).text(&en),
            "Moved 3 messages to Trash."
        );
    }
}
