//! Reply, reply-all and forward: pure functions from an original message to a new
//! [`Compose`] that quotes it, threads it (In-Reply-To/References) and, for a forward,
//! carries its attachments.
use super::compose::{Attachment, Compose, split_addresses};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplyKind {
    Reply,
    ReplyAll,
    Forward,
}

/// The original as the cache knows it.
#[derive(Debug, Clone, Default)]
pub struct Original {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: String,
    pub message_id: Option<String>,
    pub references: Option<String>,
    pub text: String,
    pub attachments: Vec<Attachment>,
}

/// The words put around a quote. The UI passes its Fluent strings; `english()` is the
/// command line's. `{date}` and `{from}` are replaced.
#[derive(Debug, Clone)]
pub struct QuoteLabels {
    pub attribution: String,
    pub forwarded: String,
    pub from: String,
    pub date: String,
    pub subject: String,
    pub to: String,
}

impl QuoteLabels {
    pub fn english() -> Self {
        QuoteLabels {
            attribution: "On {date}, {from} wrote:".into(),
            forwarded: "---------- Forwarded message ----------".into(),
            from: "From".into(),
            date: "Date".into(),
            subject: "Subject".into(),
            to: "To".into(),
        }
    }
}

/// The bare address of "Name <addr>" or "addr", lower-cased.
pub fn bare_address(s: &str) -> String {
    let s = s.trim();
    let inner = match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => &s[a + 1..b],
        _ => s,
    };
    inner.trim().to_ascii_lowercase()
}

fn prefixed(subject: &str, prefix: &str) -> String {
    let s = subject.trim();
    let lower = s.to_ascii_lowercase();
    let p = prefix.to_ascii_lowercase();
    let already = lower.starts_with(&format!("{p}:"))
        || (p == "re" && lower.starts_with("aw:"))
        || (p == "fwd" && lower.starts_with("fw:"));
    if already {
        s.to_string()
    } else {
        format!("{prefix}: {s}")
    }
}

fn quote(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_end().lines() {
        if line.starts_with('>') {
            out.push('>');
        } else {
            out.push_str("> ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn push_unique(list: &mut Vec<String>, seen: &mut Vec<String>, addr: &str) {
    let key = bare_address(addr);
    if key.is_empty() || seen.contains(&key) {
        return;
    }
    seen.push(key);
    list.push(addr.trim().to_string());
}

/// A reply, reply-all or forward of `orig`, written by `me` ("Name <addr>").
pub fn respond(orig: &Original, kind: ReplyKind, me: &str, labels: &QuoteLabels) -> Compose {
    let mut c = Compose {
        from: me.to_string(),
        ..Default::default()
    };
    if kind == ReplyKind::Forward {
        c.subject = prefixed(&orig.subject, "Fwd");
        let mut head = format!("\n\n{}\n", labels.forwarded);
        for (label, value) in [
            (&labels.from, &orig.from),
            (&labels.date, &orig.date),
            (&labels.subject, &orig.subject),
            (&labels.to, &orig.to),
        ] {
            if !value.is_empty() {
                head.push_str(&format!("{label}: {value}\n"));
            }
        }
        c.body = format!("{head}\n{}\n", orig.text.trim_end());
        c.attachments = orig.attachments.clone();
        c.forward_of = orig.message_id.clone();
        return c;
    }
    c.subject = prefixed(&orig.subject, "Re");
    let mut seen = vec![bare_address(me)];
    push_unique(&mut c.to, &mut seen, &orig.from);
    if kind == ReplyKind::ReplyAll {
        for a in split_addresses(&orig.to) {
            push_unique(&mut c.to, &mut seen, &a);
        }
        for a in split_addresses(&orig.cc) {
            push_unique(&mut c.cc, &mut seen, &a);
        }
    }
    if c.to.is_empty() {
        // Replying to one's own message: write to its recipients.
        for a in split_addresses(&orig.to) {
            push_unique(&mut c.to, &mut Vec::new(), &a);
        }
    }
    if let Some(mid) = &orig.message_id {
        c.in_reply_to = Some(mid.clone());
        let refs = match &orig.references {
            Some(r) if !r.trim().is_empty() => format!("{} {mid}", r.trim()),
            _ => mid.clone(),
        };
        c.references = Some(refs);
    }
    let attribution = labels
        .attribution
        .replace("{date}", &orig.date)
        .replace("{from}", &orig.from);
    c.body = format!("\n\n{attribution}\n{}", quote(&orig.text));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orig() -> Original {
        Original {
            subject: "Plans".into(),
            from: "Bob <bob@example.test>".into(),
            to: "Alice <alice@example.test>, carol@example.test".into(),
            cc: "Dave <dave@example.test>, ALICE@example.test".into(),
            date: "2026-11-02".into(),
            message_id: Some("<p1@example.test>".into()),
            references: Some("<p0@example.test>".into()),
            text: "Line one\n> earlier\n".into(),
            attachments: vec![Attachment::new("a.txt", b"hi".to_vec())],
        }
    }

    #[test]
    fn reply_threads_and_quotes() {
        let c = respond(
            &orig(),
            ReplyKind::Reply,
            "Alice <alice@example.test>",
            &QuoteLabels::english(),
        );
        assert_eq!(c.subject, "Re: Plans");
        assert_eq!(c.to, ["Bob <bob@example.test>"]);
        assert!(c.cc.is_empty());
        assert_eq!(c.in_reply_to.as_deref(), Some("<p1@example.test>"));
        assert_eq!(
            c.references.as_deref(),
            Some("<p0@example.test> <p1@example.test>")
        );
        assert!(
            c.body
                .contains("On 2026-11-02, Bob <bob@example.test> wrote:\n> Line one\n>> earlier\n")
        );
        assert!(c.attachments.is_empty());
    }

    #[test]
    fn reply_all_leaves_me_out() {
        let c = respond(
            &orig(),
            ReplyKind::ReplyAll,
            "alice@example.test",
            &QuoteLabels::english(),
        );
        assert_eq!(c.to, ["Bob <bob@example.test>", "carol@example.test"]);
        assert_eq!(c.cc, ["Dave <dave@example.test>"]);
        let again = respond(
            &Original {
                subject: "RE: Plans".into(),
                ..orig()
            },
            ReplyKind::Reply,
            "a@x",
            &QuoteLabels::english(),
        );
        assert_eq!(again.subject, "RE: Plans");
    }

    #[test]
    fn forward_carries_attachments() {
        let c = respond(
            &orig(),
            ReplyKind::Forward,
            "alice@example.test",
            &QuoteLabels::english(),
        );
        assert_eq!(c.subject, "Fwd: Plans");
        assert!(c.to.is_empty());
        assert!(c.in_reply_to.is_none());
        assert_eq!(c.attachments.len(), 1);
        assert!(c.body.contains("From: Bob <bob@example.test>\n"));
        assert!(c.body.contains("Line one"));
    }
}
