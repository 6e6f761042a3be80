//! ENVELOPE -> display strings (RFC 2047 decoded in any charset, addresses formatted).
use crate::mime::{decode_header_text, format_address, parse_date};
use imap_proto::{Address, Envelope};

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

/// An nstring with folding and surrounding blanks removed; None when empty.
fn text(v: &Option<std::borrow::Cow<'_, [u8]>>) -> Option<String> {
    let raw = v.as_deref()?;
    // Most values need no cleaning: UTF-8 whose only blanks are single inner spaces.
    if let Ok(s) = std::str::from_utf8(raw)
        && !s.is_empty()
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.chars().any(|c| c.is_whitespace() && c != ' ')
    {
        return Some(s.to_string());
    }
    let s = String::from_utf8_lossy(raw);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// "Name <mailbox@host>" or "mailbox@host", comma-separated. RFC 3501 group markers
/// (NIL host) are skipped: the group's members are listed like any others.
fn addresses(list: &Option<Vec<Address<'_>>>) -> String {
    let Some(list) = list else {
        return String::new();
    };
    list.iter()
        .filter_map(|a| {
            let mailbox = text(&a.mailbox)?;
            let host = text(&a.host)?;
            let name = a.name.as_deref().map(decode_header_text);
            if let Some(shown) = unparsed_header(&mailbox, &host) {
                return Some(shown);
            }
            Some(format_address(
                name.as_deref(),
                &format!("{mailbox}@{host}"),
            ))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Dovecot's stand-ins when a header is not an address: a From that is only an encoded word
/// (`=?utf-8?b?...?=`) arrives as mailbox `=?utf-8?b?...?=`, host `MISSING_DOMAIN`. The
/// words are decoded and shown as they are (and as "Name <addr>" when they decode to one);
/// the placeholder never reaches the window.
fn unparsed_header(mailbox: &str, host: &str) -> Option<String> {
    let placeholder = host == "MISSING_DOMAIN" || host == ".MISSING-HOST-NAME.";
    if !placeholder && !mailbox.contains("=?") {
        return None;
    }
    let decoded = decode_header_text(mailbox.as_bytes());
    if placeholder {
        return Some(decoded.trim().to_string());
    }
    // An encoded word as the local part with a real host: decode the word only.
    Some(format!("{}@{host}", decoded.trim()))
}

pub fn envelope_fields(env: &Envelope<'_>) -> EnvelopeFields {
    EnvelopeFields {
        subject: env
            .subject
            .as_deref()
            .map(decode_header_text)
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
    use imap_proto::{AttributeValue, Response};

    #[test]
    fn text_values_are_cleaned_the_same_with_or_without_the_fast_path() {
        let slow = |s: &[u8]| {
            let s = String::from_utf8_lossy(s);
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            (!s.is_empty()).then_some(s)
        };
        for v in [
            &b"plain"[..],
            b"two words",
            b" lead",
            b"trail ",
            b"two  spaces",
            b"tab\there",
            b"line\r\n folded",
            "全角\u{3000}空白".as_bytes(),
            b"",
            b"   ",
            b"\xff broken",
        ] {
            let cow = Some(std::borrow::Cow::Borrowed(v));
            assert_eq!(text(&cow), slow(v), "{:?}", String::from_utf8_lossy(v));
        }
    }

    fn fields(line: &str) -> EnvelopeFields {
        let (_, r) = Response::parse(line.as_bytes()).unwrap();
        let Response::Fetch(_, attrs) = r else {
            panic!("not a FETCH")
        };
        for a in attrs {
            if let AttributeValue::Envelope(env) = a {
                return envelope_fields(&env);
            }
        }
        panic!("no envelope")
    }

    #[test]
    fn japanese_subject_and_names() {
        // Subject "日本語の件名" as two ISO-2022-JP words; names in ISO-2022-JP, Shift_JIS and
        // UTF-8; a group (undisclosed-recipients) in Cc.
        let f = fields(concat!(
            "* 1 FETCH (UID 7 ENVELOPE (\"Mon, 2 Nov 2026 19:00:00 +0900 (JST)\" ",
            "\"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?= =?ISO-2022-JP?B?GyRCJE43b0w+GyhC?=\" ",
            "((\"=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=\" NIL \"yamada\" \"example.jp\")) NIL NIL ",
            "((\"=?SHIFT_JIS?B?l+mW2A==?=\" NIL \"suzuki\" \"example.jp\")",
            "(\"=?UTF-8?Q?=E4=BD=90=E8=97=A4?=\" NIL \"sato\" \"example.jp\")",
            "(NIL NIL \"plain\" \"example.com\")) ",
            "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL ",
            "\"<parent@example.jp>\" \"<child@example.jp>\"))\r\n"
        ));
        assert_eq!(f.subject, "日本語の件名");
        assert_eq!(f.from, "山田 <yamada@example.jp>");
        assert_eq!(
            f.to,
            "鈴木 <suzuki@example.jp>, 佐藤 <sato@example.jp>, plain@example.com"
        );
        assert_eq!(f.cc, "");
        assert_eq!(f.date, Some(1793613600));
        assert_eq!(f.message_id.as_deref(), Some("<child@example.jp>"));
        assert_eq!(f.in_reply_to.as_deref(), Some("<parent@example.jp>"));
    }

    #[test]
    fn a_from_of_one_encoded_word_is_decoded_without_a_placeholder_domain() {
        // From: =?utf-8?b?5bGx55SwIOWkqumDjg==?= ("山田 太郎"), as Dovecot sends it.
        let f = fields(concat!(
            "* 3 FETCH (ENVELOPE (NIL \"x\" ",
            "((NIL NIL \"=?utf-8?b?5bGx55SwIOWkqumDjg==?=\" \"MISSING_DOMAIN\")) ",
            "NIL NIL ((NIL NIL \"bob\" \"example.com\")) NIL NIL NIL NIL))\r\n"
        ));
        assert_eq!(f.from, "山田 太郎");
        assert!(!f.from.contains("MISSING"));
        // One encoded word holding a whole address: shown as the address it names.
        let f = fields(concat!(
            "* 4 FETCH (ENVELOPE (NIL \"x\" ",
            "((NIL NIL \"=?utf-8?b?VGFybyA8dGFyb0BleGFtcGxlLmpwPg==?=\" \"MISSING_DOMAIN\")) ",
            "NIL NIL NIL NIL NIL NIL NIL))\r\n"
        ));
        assert_eq!(f.from, "Taro <taro@example.jp>");
    }

    #[test]
    fn missing_fields_are_empty() {
        let f = fields("* 2 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
        assert_eq!(f, EnvelopeFields::default());
    }
}
