//! ENVELOPE -> display strings (RFC 2047 decoded, any charset).
use crate::mime::decode_header_text;
use async_imap::imap_proto::{Address, Envelope};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvelopeFields {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: Option<i64>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
}

fn text(v: &Option<std::borrow::Cow<'_, [u8]>>) -> Option<String> {
    v.as_ref()
        .map(|b| String::from_utf8_lossy(b).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn addresses(list: &Option<Vec<Address<'_>>>) -> String {
    let Some(list) = list else {
        return String::new();
    };
    list.iter()
        .filter_map(|a| {
            let mailbox = text(&a.mailbox)?;
            let addr = match text(&a.host) {
                Some(h) => format!("{mailbox}@{h}"),
                None => return None, // group syntax markers
            };
            Some(match a.name.as_ref().map(|n| decode_header_text(n)) {
                Some(n) if !n.trim().is_empty() => format!("{} <{addr}>", n.trim()),
                _ => addr,
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses an RFC 5322 date leniently to unix seconds.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(d.timestamp());
    }
    // Drop a trailing "(UTC)"-style comment and retry.
    let s = s.split(" (").next().unwrap_or(s);
    chrono::DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|d| d.timestamp())
}

pub fn envelope_fields(env: &Envelope<'_>) -> EnvelopeFields {
    EnvelopeFields {
        subject: env
            .subject
            .as_ref()
            .map(|s| decode_header_text(s))
            .unwrap_or_default(),
        from: addresses(&env.from),
        to: addresses(&env.to),
        cc: addresses(&env.cc),
        date: text(&env.date).and_then(|d| parse_date(&d)),
        message_id: text(&env.message_id),
        in_reply_to: text(&env.in_reply_to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_leniently() {
        assert_eq!(
            parse_date("Mon, 2 Nov 2026 10:00:00 +0000"),
            Some(1793613600)
        );
        assert_eq!(
            parse_date("Mon, 2 Nov 2026 10:00:00 +0000 (UTC)"),
            Some(1793613600)
        );
        assert_eq!(parse_date("garbage"), None);
    }
}
