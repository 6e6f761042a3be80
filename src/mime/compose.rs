//! Building outgoing messages with lettre: From (the account's identity), To/Cc/Bcc,
//! Subject, a text body, attachments (MIME type guessed from the name), In-Reply-To and
//! References. UTF-8 by default; ISO-2022-JP on request when every character fits.
use super::jis;
use crate::model::SendCharset;
use lettre::message::header::{
    ContentTransferEncoding, ContentType, HeaderName, HeaderValue, InReplyTo, References,
};
use lettre::message::{Attachment as LAttachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use serde::{Deserialize, Serialize};

/// Everything the composer edits. Serialised into the outbox and drafts (attachment bytes
/// are not: they travel in the message itself).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    /// "Name <addr>" or "addr": the account's identity.
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    /// The Message-ID of the message this one forwards (it is marked `$Forwarded` when
    /// this is sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_of: Option<String>,
}

/// One attached file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    /// "type/subtype".
    pub mime: String,
    pub size: u64,
    #[serde(skip)]
    pub data: Vec<u8>,
}

impl Attachment {
    /// An attachment whose MIME type is guessed from the file name.
    pub fn new(filename: &str, data: Vec<u8>) -> Self {
        Attachment {
            filename: filename.to_string(),
            mime: guess_mime(filename),
            size: data.len() as u64,
            data,
        }
    }
}

/// The MIME type for a file name (application/octet-stream when unknown).
pub fn guess_mime(filename: &str) -> String {
    mime_guess::from_path(filename)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

/// Something the user should be told about a built message (the UI words it via Fluent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum ComposeWarning {
    /// The account asks for ISO-2022-JP but some character does not fit: sent as UTF-8.
    CharsetFallback { wanted: SendCharset },
}

impl ComposeWarning {
    /// The Fluent message id (argument `$charset`) the UI shows.
    pub fn fluent_key(&self) -> &'static str {
        match self {
            ComposeWarning::CharsetFallback { .. } => "compose-warning-charset-fallback",
        }
    }
}

impl std::fmt::Display for ComposeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ComposeWarning::CharsetFallback { wanted } => write!(
                f,
                "some characters do not exist in {}: the message is written in UTF-8 instead",
                wanted.as_str()
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("invalid address \"{0}\": {1}")]
    Address(String, String),
    #[error("no recipients: give at least one To, Cc or Bcc address")]
    NoRecipients,
    #[error("cannot build the message: {0}")]
    Build(String),
}

impl ComposeError {
    /// The Fluent message id the UI shows (argument `$address` for an invalid address).
    pub fn fluent_key(&self) -> &'static str {
        match self {
            ComposeError::Address(..) => "compose-error-invalid-address",
            ComposeError::NoRecipients => "compose-error-no-recipients",
            ComposeError::Build(_) => "compose-error-invalid-address",
        }
    }
}

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// "<...@...>", stable for the life of a draft and its sending.
    pub message_id: String,
    pub charset: SendCharset,
    /// A draft keeps its Bcc header and may have no recipients yet.
    pub draft: bool,
}

/// A built message.
#[derive(Debug, Clone)]
pub struct Built {
    pub raw: Vec<u8>,
    pub envelope_from: String,
    /// Every envelope recipient (To, Cc and Bcc).
    pub recipients: Vec<String>,
    /// The charset actually used.
    pub charset: SendCharset,
    pub warnings: Vec<ComposeWarning>,
}

fn mailbox(s: &str) -> Result<Mailbox, ComposeError> {
    s.trim()
        .parse::<Mailbox>()
        .map_err(|e| ComposeError::Address(s.trim().to_string(), e.to_string()))
}

fn mailboxes(list: &[String]) -> Result<Vec<Mailbox>, ComposeError> {
    list.iter()
        .flat_map(|s| split_addresses(s))
        .map(|s| mailbox(&s))
        .collect()
}

/// A draft's recipients: the ones typed so far that are addresses. A half-typed one ("dave")
/// stays in the draft's fields (its JSON) but is left out of the message built from them.
fn draft_mailboxes(list: &[String]) -> Vec<Mailbox> {
    list.iter()
        .flat_map(|s| split_addresses(s))
        .filter_map(|s| mailbox(&s).ok())
        .collect()
}

/// Splits "a@x, B <b@x>" into single addresses (commas inside quotes stay).
pub fn split_addresses(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut angle) = (false, false);
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// An address header in ISO-2022-JP: display names as encoded words.
fn jis_address_list(list: &[Mailbox]) -> Option<String> {
    let mut items = Vec::new();
    for m in list {
        items.push(match &m.name {
            Some(name) if !name.is_ascii() => {
                format!("{} <{}>", jis::header_words(name)?, m.email)
            }
            _ => m.to_string(),
        });
    }
    Some(items.join(",\r\n "))
}

fn header_name(name: &str) -> Result<HeaderName, ComposeError> {
    HeaderName::new_from_ascii(name.to_string()).map_err(|e| ComposeError::Build(e.to_string()))
}

fn all_text(c: &Compose, people: &[&Mailbox]) -> bool {
    jis::fits(&c.subject)
        && jis::fits(&c.body)
        && people
            .iter()
            .all(|m| m.name.as_deref().is_none_or(jis::fits))
}

/// Builds the RFC 5322 message.
pub fn build(c: &Compose, opts: &BuildOptions) -> Result<Built, ComposeError> {
    let from = mailbox(&c.from)?;
    let (to, cc, bcc) = if opts.draft {
        (
            draft_mailboxes(&c.to),
            draft_mailboxes(&c.cc),
            draft_mailboxes(&c.bcc),
        )
    } else {
        (mailboxes(&c.to)?, mailboxes(&c.cc)?, mailboxes(&c.bcc)?)
    };
    let mut recipients: Vec<Address> = Vec::new();
    for m in to.iter().chain(&cc).chain(&bcc) {
        if !recipients.contains(&m.email) {
            recipients.push(m.email.clone());
        }
    }
    if recipients.is_empty() && !opts.draft {
        return Err(ComposeError::NoRecipients);
    }
    let people: Vec<&Mailbox> = std::iter::once(&from)
        .chain(&to)
        .chain(&cc)
        .chain(&bcc)
        .collect();
    let mut warnings = Vec::new();
    let charset = match opts.charset {
        SendCharset::Iso2022Jp if all_text(c, &people) => SendCharset::Iso2022Jp,
        SendCharset::Iso2022Jp => {
            warnings.push(ComposeWarning::CharsetFallback {
                wanted: SendCharset::Iso2022Jp,
            });
            SendCharset::Utf8
        }
        SendCharset::Utf8 => SendCharset::Utf8,
    };
    let envelope_rcpts = if recipients.is_empty() {
        vec![from.email.clone()] // a draft without recipients is never sent
    } else {
        recipients.clone()
    };
    let envelope = lettre::address::Envelope::new(Some(from.email.clone()), envelope_rcpts)
        .map_err(|e| ComposeError::Build(e.to_string()))?;

    let mut b = Message::builder()
        .message_id(Some(opts.message_id.clone()))
        .from(from.clone())
        .envelope(envelope)
        .subject(c.subject.clone());
    for m in &to {
        b = b.to(m.clone());
    }
    for m in &cc {
        b = b.cc(m.clone());
    }
    for m in &bcc {
        b = b.bcc(m.clone());
    }
    if opts.draft {
        b = b.keep_bcc();
    }
    if let Some(irt) = c.in_reply_to.as_deref().filter(|s| !s.trim().is_empty()) {
        b = b.header(InReplyTo::from(irt.trim().to_string()));
    }
    if let Some(r) = c.references.as_deref().filter(|s| !s.trim().is_empty()) {
        b = b.header(References::from(
            r.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    if charset == SendCharset::Iso2022Jp {
        // Pre-encoded ISO-2022-JP words replace lettre's UTF-8 ones.
        let subject = jis::header_words(&c.subject).unwrap_or_default();
        b = b.raw_header(HeaderValue::dangerous_new_pre_encoded(
            header_name("Subject")?,
            c.subject.clone(),
            subject,
        ));
        for (name, list) in [
            ("From", vec![from.clone()]),
            ("To", to.clone()),
            ("Cc", cc.clone()),
        ] {
            if list.is_empty()
                || list
                    .iter()
                    .all(|m| m.name.as_deref().is_none_or(str::is_ascii))
            {
                continue;
            }
            let value = jis_address_list(&list).unwrap_or_default();
            b = b.raw_header(HeaderValue::dangerous_new_pre_encoded(
                header_name(name)?,
                value.clone(),
                value,
            ));
        }
        if opts.draft && !bcc.is_empty() {
            let value = jis_address_list(&bcc).unwrap_or_default();
            b = b.raw_header(HeaderValue::dangerous_new_pre_encoded(
                header_name("Bcc")?,
                value.clone(),
                value,
            ));
        }
    }
    // A single 7/8-bit part gets a final line break from lettre: drop ours so the text
    // arrives as written. (Encoded or multipart bodies keep theirs.)
    let normalized = c.body.replace("\r\n", "\n");
    let single = c.attachments.is_empty();
    let stripped = match normalized.strip_suffix('\n') {
        Some(s) if single => s.to_string(),
        _ => normalized.clone(),
    };
    let text_part = match charset {
        SendCharset::Iso2022Jp => {
            let bytes = jis::body(&stripped).unwrap_or_default();
            SinglePart::builder()
                .header(
                    ContentType::parse("text/plain; charset=ISO-2022-JP")
                        .map_err(|e| ComposeError::Build(e.to_string()))?,
                )
                .header(ContentTransferEncoding::SevenBit)
                .body(Body::dangerous_pre_encoded(
                    bytes,
                    ContentTransferEncoding::SevenBit,
                ))
        }
        SendCharset::Utf8 => {
            let mut body = Body::new(normalized.clone());
            if matches!(
                body.encoding(),
                ContentTransferEncoding::SevenBit | ContentTransferEncoding::EightBit
            ) {
                body = Body::new_with_encoding(stripped, body.encoding())
                    .map_err(|_| ComposeError::Build("body encoding".into()))?;
            }
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(body)
        }
    };
    let msg = if c.attachments.is_empty() {
        b.singlepart(text_part)
    } else {
        let mut mp = MultiPart::mixed().singlepart(text_part);
        for a in &c.attachments {
            let ct = ContentType::parse(&a.mime)
                .or_else(|_| ContentType::parse("application/octet-stream"))
                .map_err(|e| ComposeError::Build(e.to_string()))?;
            mp = mp.singlepart(LAttachment::new(a.filename.clone()).body(a.data.clone(), ct));
        }
        b.multipart(mp)
    }
    .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(Built {
        raw: msg.formatted(),
        envelope_from: from.email.to_string(),
        recipients: recipients.iter().map(ToString::to_string).collect(),
        charset,
        warnings,
    })
}

/// A new Message-ID in the sender's domain.
pub fn new_message_id(from: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("tayori.invalid");
    format!("<{}@{domain}>", uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(charset: SendCharset) -> BuildOptions {
        BuildOptions {
            message_id: "<m1@example.test>".into(),
            charset,
            draft: false,
        }
    }

    fn compose() -> Compose {
        Compose {
            from: "Alice <alice@example.test>".into(),
            to: vec!["Bob <bob@example.test>, carol@example.test".into()],
            bcc: vec!["dave@example.test".into()],
            subject: "Hello".into(),
            body: "Hi Bob\nbye\n".into(),
            ..Default::default()
        }
    }

    #[test]
    fn bcc_is_an_envelope_recipient_but_not_a_header() {
        let b = build(&compose(), &opts(SendCharset::Utf8)).unwrap();
        let text = String::from_utf8(b.raw).unwrap();
        assert!(!text.contains("dave@"), "{text}");
        assert!(text.contains("Message-ID: <m1@example.test>"));
        assert_eq!(
            b.recipients,
            [
                "bob@example.test",
                "carol@example.test",
                "dave@example.test"
            ]
        );
        assert!(b.warnings.is_empty());
    }

    #[test]
    fn drafts_keep_bcc_and_may_lack_recipients() {
        let mut c = compose();
        let d = BuildOptions {
            draft: true,
            ..opts(SendCharset::Utf8)
        };
        let text = String::from_utf8(build(&c, &d).unwrap().raw).unwrap();
        assert!(text.contains("Bcc: dave@example.test"));
        c.to.clear();
        c.bcc.clear();
        assert!(build(&c, &d).is_ok());
        assert!(matches!(
            build(&c, &opts(SendCharset::Utf8)),
            Err(ComposeError::NoRecipients)
        ));
    }

    #[test]
    fn a_draft_builds_with_half_typed_addresses() {
        let mut c = compose();
        c.to = vec!["dave".into(), "bob@example.test".into()];
        c.cc = vec!["carol@".into()];
        let d = BuildOptions {
            draft: true,
            ..opts(SendCharset::Utf8)
        };
        let b = build(&c, &d).unwrap();
        let text = String::from_utf8(b.raw).unwrap();
        assert!(text.contains("To: bob@example.test"), "{text}");
        assert!(!text.contains("carol@"), "{text}");
        assert!(matches!(
            build(&c, &opts(SendCharset::Utf8)),
            Err(ComposeError::Address(a, _)) if a == "dave"
        ));
    }

    #[test]
    fn bad_addresses_are_named() {
        let mut c = compose();
        c.to = vec!["not an address".into()];
        let e = build(&c, &opts(SendCharset::Utf8)).unwrap_err();
        assert!(e.to_string().contains("not an address"), "{e}");
    }

    #[test]
    fn iso_2022_jp_when_it_fits_else_utf8_with_a_warning() {
        let mut c = compose();
        c.subject = "会議の件".into();
        c.body = "明日は十時からです。\n".into();
        c.to = vec!["山田 太郎 <taro@example.test>".into()];
        let b = build(&c, &opts(SendCharset::Iso2022Jp)).unwrap();
        assert_eq!(b.charset, SendCharset::Iso2022Jp);
        assert!(b.raw.is_ascii());
        let text = String::from_utf8(b.raw).unwrap();
        assert!(
            text.to_ascii_lowercase().contains("charset=iso-2022-jp"),
            "{text}"
        );
        assert!(text.contains("Subject: =?ISO-2022-JP?B?"), "{text}");
        let parsed = crate::mime::parse_message(text.as_bytes()).unwrap();
        assert_eq!(parsed.subject, "会議の件");
        assert_eq!(parsed.text.trim_end(), "明日は十時からです。");
        assert!(parsed.to.contains("山田 太郎"), "{}", parsed.to);

        c.body.push('😀');
        let b = build(&c, &opts(SendCharset::Iso2022Jp)).unwrap();
        assert_eq!(b.charset, SendCharset::Utf8);
        assert_eq!(b.warnings.len(), 1);
    }

    #[test]
    fn attachments_get_guessed_types() {
        let mut c = compose();
        c.attachments = vec![
            Attachment::new("photo.png", vec![0x89, b'P', b'N', b'G', 0, 1, 2]),
            Attachment::new("notes.pdf", vec![1; 1000]),
        ];
        assert_eq!(c.attachments[0].mime, "image/png");
        let raw = build(&c, &opts(SendCharset::Utf8)).unwrap().raw;
        let parsed = crate::mime::parse_message(&raw).unwrap();
        assert_eq!(parsed.attachments.len(), 2);
        assert_eq!(parsed.attachments[0].1, c.attachments[0].data);
        assert_eq!(parsed.attachments[1].0.mime, "application/pdf");
    }
}
