//! `mailto:` URLs (RFC 6068), as the desktop passes them: `tayori mailto:a@example.com?subject=Hi`.
//!
//! Only the fields a composer fills are taken (to, cc, bcc, subject, body, in-reply-to);
//! other header fields are ignored, as RFC 6068 section 3 advises for unsafe ones, and
//! their names are kept so the caller can log them.
use percent_encoding::percent_decode_str;
use thiserror::Error;

/// What a `mailto:` URL asks the composer to start with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailto {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: Option<String>,
    /// Line breaks normalized to `\n`.
    pub body: Option<String>,
    pub in_reply_to: Option<String>,
    /// Names (lowercased) of header fields that were present but not used.
    pub ignored: Vec<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MailtoError {
    #[error("not a mailto: URL")]
    NotMailto,
    #[error("bad percent-encoding in the mailto: URL (not UTF-8)")]
    NotUtf8,
    #[error("bad field in the mailto: URL: {0:?} (expected name=value)")]
    BadField(String),
    #[error("not an e-mail address in the mailto: URL: {0:?}")]
    BadAddress(String),
}

/// True when `arg` looks like a `mailto:` URL (scheme compared case-insensitively).
pub fn is_mailto(arg: &str) -> bool {
    arg.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"))
}

fn decode(s: &str) -> Result<String, MailtoError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| MailtoError::NotUtf8)
}

/// Splits a raw address list on commas, then decodes each address.
fn addresses(raw: &str, out: &mut Vec<String>) -> Result<(), MailtoError> {
    for part in raw.split(',') {
        let addr = decode(part)?;
        let addr = addr.trim();
        if addr.is_empty() {
            continue;
        }
        // An addr-spec needs an "@" with something on both sides; anything else is not
        // something a composer can send to.
        let ok = addr
            .rsplit_once('@')
            .is_some_and(|(l, d)| !l.trim().is_empty() && !d.trim().is_empty());
        if !ok {
            return Err(MailtoError::BadAddress(addr.to_string()));
        }
        out.push(addr.to_string());
    }
    Ok(())
}

fn normalize_newlines(s: String) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s
    }
}

impl Mailto {
    /// Parses a `mailto:` URL. `+` stays a plus (RFC 6068 is not form encoding); a field
    /// that appears twice keeps its first value, except address fields, which add up.
    pub fn parse(url: &str) -> Result<Mailto, MailtoError> {
        if !is_mailto(url) {
            return Err(MailtoError::NotMailto);
        }
        let rest = &url[7..];
        // A fragment has no meaning in mailto:; drop it rather than send it.
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let (to, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut m = Mailto::default();
        addresses(to, &mut m.to)?;
        for field in query.split('&').filter(|f| !f.is_empty()) {
            let (name, value) = field
                .split_once('=')
                .ok_or_else(|| MailtoError::BadField(field.to_string()))?;
            let name = decode(name)?.to_ascii_lowercase();
            match name.as_str() {
                "to" => addresses(value, &mut m.to)?,
                "cc" => addresses(value, &mut m.cc)?,
                "bcc" => addresses(value, &mut m.bcc)?,
                "subject" if m.subject.is_none() => m.subject = Some(decode(value)?),
                "body" if m.body.is_none() => m.body = Some(normalize_newlines(decode(value)?)),
                "in-reply-to" if m.in_reply_to.is_none() => {
                    m.in_reply_to = Some(decode(value)?.trim().to_string())
                }
                "subject" | "body" | "in-reply-to" => {}
                _ => m.ignored.push(name),
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_address() {
        let m = Mailto::parse("mailto:chris@example.com").unwrap();
        assert_eq!(m.to, vec!["chris@example.com"]);
        assert_eq!(m.subject, None);
    }

    #[test]
    fn scheme_is_case_insensitive_and_empty_is_allowed() {
        assert_eq!(Mailto::parse("MAILTO:").unwrap(), Mailto::default());
        assert!(is_mailto("MailTo:x@y"));
        assert!(!is_mailto("mail"));
        assert_eq!(
            Mailto::parse("https://example.com"),
            Err(MailtoError::NotMailto)
        );
    }

    #[test]
    fn rfc6068_examples() {
        let m = Mailto::parse("mailto:infobot@example.com?subject=current-issue").unwrap();
        assert_eq!(m.subject.as_deref(), Some("current-issue"));

        let m =
            Mailto::parse("mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index")
                .unwrap();
        assert_eq!(m.body.as_deref(), Some("send current-issue\nsend index"));

        let m =
            Mailto::parse("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E")
                .unwrap();
        assert_eq!(
            m.in_reply_to.as_deref(),
            Some("<3469A91.D10AF4C@example.com>")
        );

        let m = Mailto::parse("mailto:?to=joe@example.com&cc=bob@example.com&body=hello").unwrap();
        assert_eq!(m.to, vec!["joe@example.com"]);
        assert_eq!(m.cc, vec!["bob@example.com"]);
        assert_eq!(m.body.as_deref(), Some("hello"));

        let m = Mailto::parse("mailto:gorby%25kremvax@example.com").unwrap();
        assert_eq!(m.to, vec!["gorby%kremvax@example.com"]);

        let m = Mailto::parse("mailto:%22not%40me%22@example.org").unwrap();
        assert_eq!(m.to, vec!["\"not@me\"@example.org"]);
    }

    #[test]
    fn several_addresses_add_up() {
        let m = Mailto::parse(
            "mailto:a@example.com,b@example.com?to=c@example.com&bcc=d@example.com,e@example.com",
        )
        .unwrap();
        assert_eq!(
            m.to,
            vec!["a@example.com", "b@example.com", "c@example.com"]
        );
        assert_eq!(m.bcc, vec!["d@example.com", "e@example.com"]);
    }

    #[test]
    fn utf8_subject_and_plus_stays_plus() {
        let m =
            Mailto::parse("mailto:user@example.org?subject=%E3%81%8A%E4%BE%BF%E3%82%8A+1&body=a+b")
                .unwrap();
        assert_eq!(m.subject.as_deref(), Some("お便り+1"));
        assert_eq!(m.body.as_deref(), Some("a+b"));
    }

    #[test]
    fn first_subject_wins_and_unsafe_fields_are_ignored() {
        let m = Mailto::parse(
            "mailto:a@example.com?subject=one&Subject=two&X-Evil=1&from=me@example.com",
        )
        .unwrap();
        assert_eq!(m.subject.as_deref(), Some("one"));
        assert_eq!(m.ignored, vec!["x-evil", "from"]);
    }

    #[test]
    fn fragment_is_dropped() {
        let m = Mailto::parse("mailto:a@example.com?subject=hi#frag").unwrap();
        assert_eq!(m.subject.as_deref(), Some("hi"));
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert_eq!(
            Mailto::parse("mailto:a@example.com?subject=%FF"),
            Err(MailtoError::NotUtf8)
        );
        assert_eq!(
            Mailto::parse("mailto:a@example.com?subject"),
            Err(MailtoError::BadField("subject".into()))
        );
        assert_eq!(
            Mailto::parse("mailto:nobody"),
            Err(MailtoError::BadAddress("nobody".into()))
        );
        assert_eq!(
            Mailto::parse("mailto:?cc=@example.com"),
            Err(MailtoError::BadAddress("@example.com".into()))
        );
    }
}
