//! A whole RFC 5322 message (POP3, `show --raw`) -> our types, over mail-parser. Parts are
//! numbered the IMAP way and described by the same rules as `parts_from_bodystructure`, so
//! both paths agree for one message; bodies go through the same decoders as IMAP sections.
use super::charset::{has_iso2022jp_escapes, sniff_text};
use super::header::{decode_header_text, format_address, param_value, parse_date, parse_params};
use super::{
    MimeError, choose_text_part, decode_part_bytes, decode_part_text, eml_filename, is_attachment,
};
use crate::model::{HeaderInfo, PartInfo};
use mail_parser::{Address, Message, MessageParser, MessagePart, PartType};

/// A parsed message: display headers, the reader's text, the leaf parts and the attachments
/// (transfer-decoded, byte-identical to the files that were attached).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMessage {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: Option<i64>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub text: String,
    pub parts: Vec<PartInfo>,
    pub attachments: Vec<(PartInfo, Vec<u8>)>,
}

impl ParsedMessage {
    /// The header row of this message over what the server said of it (`HeaderInfo::bare`),
    /// and the reader's text. One rule for every path that reads header rows from whole
    /// messages (POP3, the offline-first IMAP sync), so they store the same row.
    pub fn into_header(self, base: HeaderInfo) -> (HeaderInfo, String) {
        let has_attachments = self.parts.iter().any(|x| x.is_attachment);
        let header = HeaderInfo {
            message_id: self.message_id,
            subject: self.subject,
            from: self.from,
            to: self.to,
            cc: self.cc,
            date: self.date.unwrap_or(base.internal_date),
            in_reply_to: self.in_reply_to,
            references: self.references,
            parts: self.parts,
            has_attachments,
            ..base
        };
        (header, self.text)
    }
}

/// The raw (still encoded) value of a header of a part, folding removed.
fn raw_header<'a>(buf: &'a [u8], part: &MessagePart<'_>, name: &str) -> Option<&'a [u8]> {
    let h = part
        .headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    buf.get(h.offset_start as usize..h.offset_end as usize)
}

fn unfolded(raw: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(raw);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

fn addresses(a: Option<&Address<'_>>) -> String {
    let Some(a) = a else { return String::new() };
    a.iter()
        .filter_map(|addr| {
            let address = addr.address.as_deref().map(str::trim).unwrap_or("");
            if address.is_empty() {
                return None;
            }
            Some(format_address(addr.name.as_deref(), address))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Old Japanese mailers send raw Shift_JIS / EUC-JP / ISO-2022-JP in headers. mail-parser
/// reads headers as UTF-8, so each such header line is turned into UTF-8 first (line by
/// line: one Latin-1 line must not garble its UTF-8 neighbours).
fn utf8_headers(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(raw.len());
    let head = &raw[..end];
    let needs_fix = |line: &[u8]| {
        if line.is_ascii() {
            has_iso2022jp_escapes(line)
        } else {
            std::str::from_utf8(line).is_err()
        }
    };
    if !head.split(|&b| b == b'\n').any(needs_fix) {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + 64);
    for line in head.split_inclusive(|&b| b == b'\n') {
        if needs_fix(line) {
            out.extend_from_slice(sniff_text(line, None).as_bytes());
        } else {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(&raw[end..]);
    std::borrow::Cow::Owned(out)
}

struct Walk<'b> {
    buf: &'b [u8],
    parts: Vec<(PartInfo, &'b [u8])>,
}

impl<'b> Walk<'b> {
    fn body(&self, part: &MessagePart<'_>) -> &'b [u8] {
        let (s, e) = (part.offset_body as usize, part.offset_end as usize);
        self.buf.get(s..e.max(s)).unwrap_or(&[])
    }

    fn walk(&mut self, msg: &Message<'_>, id: u32, section: String, top: bool) {
        let Some(part) = msg.part(id) else { return };
        if let PartType::Multipart(children) = &part.body {
            for (i, child) in children.iter().enumerate() {
                let s = if top {
                    (i + 1).to_string()
                } else {
                    format!("{section}.{}", i + 1)
                };
                self.walk(msg, *child, s, false);
            }
            return;
        }
        let info = self.leaf(part, section);
        let body = self.body(part);
        self.parts.push((info, body));
    }

    fn leaf(&self, part: &MessagePart<'_>, section: String) -> PartInfo {
        let (ct, ct_params) = raw_header(self.buf, part, "Content-Type")
            .map(parse_params)
            .unwrap_or_default();
        let mime = if ct.starts_with("multipart/") {
            // A multipart read as a leaf has no usable boundary: its body is plain text.
            "text/plain".to_string()
        } else if ct.contains('/') {
            ct
        } else if matches!(part.body, PartType::Message(_)) {
            "message/rfc822".to_string()
        } else {
            "text/plain".to_string()
        };
        let (disp, disp_params) = raw_header(self.buf, part, "Content-Disposition")
            .map(parse_params)
            .unwrap_or_default();
        let mut filename =
            param_value(&disp_params, "filename").or_else(|| param_value(&ct_params, "name"));
        let encoding = raw_header(self.buf, part, "Content-Transfer-Encoding")
            .and_then(unfolded)
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_else(|| "7bit".to_string());
        let body = self.body(part);
        let rfc822 = mime == "message/rfc822" || mime == "message/global";
        if rfc822 && filename.is_none() {
            let subject = match &part.body {
                PartType::Message(m) => raw_header(&m.raw_message, m.root_part(), "Subject")
                    .map(decode_header_text)
                    .unwrap_or_default(),
                _ => String::new(),
            };
            filename = Some(eml_filename(&subject));
        }
        PartInfo {
            section,
            size: body.len() as u64,
            charset: param_value(&ct_params, "charset"),
            encoding,
            is_attachment: rfc822 || is_attachment(&mime, (!disp.is_empty()).then_some(&disp)),
            filename,
            mime,
        }
    }
}

/// Parses a whole RFC 5322 message. Malformed MIME yields what can be recovered; only input
/// that is no message at all is an error.
pub fn parse_message(raw: &[u8]) -> Result<ParsedMessage, MimeError> {
    parse(raw, true)
}

/// Like [`parse_message`] without decoding anything: headers and the part list only (`text`
/// empty, no attachments), what a header sync learns of a message.
pub fn parse_summary(raw: &[u8]) -> Result<ParsedMessage, MimeError> {
    parse(raw, false)
}

fn parse(raw: &[u8], decode: bool) -> Result<ParsedMessage, MimeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MimeError::NotAMessage("it is empty"));
    }
    let buf = utf8_headers(raw);
    let msg = MessageParser::default()
        .parse(buf.as_ref())
        .ok_or(MimeError::NotAMessage("it has no header"))?;
    let root = msg.root_part();
    let header = |name: &str| raw_header(&buf, root, name);
    let mut w = Walk {
        buf: &buf,
        parts: Vec::new(),
    };
    w.walk(&msg, 0, "1".to_string(), true);
    let parts: Vec<PartInfo> = w.parts.iter().map(|(p, _)| p.clone()).collect();
    let text = choose_text_part(&parts)
        .filter(|_| decode)
        .and_then(|chosen| w.parts.iter().find(|(p, _)| p.section == chosen.section))
        .map(|(p, body)| {
            decode_part_text(p, body).unwrap_or_else(|_| sniff_text(body, p.charset.as_deref()))
        })
        .unwrap_or_default();
    let attachments = w
        .parts
        .iter()
        .filter(|(p, _)| decode && p.is_attachment)
        .map(|(p, body)| {
            let bytes = decode_part_bytes(p, body).unwrap_or_else(|_| body.to_vec());
            (p.clone(), bytes)
        })
        .collect();
    Ok(ParsedMessage {
        subject: header("Subject")
            .map(decode_header_text)
            .unwrap_or_default(),
        from: addresses(msg.from()),
        to: addresses(msg.to()),
        cc: addresses(msg.cc()),
        date: header("Date")
            .and_then(unfolded)
            .and_then(|d| parse_date(&d)),
        message_id: header("Message-ID").and_then(unfolded),
        in_reply_to: header("In-Reply-To").and_then(unfolded),
        references: header("References").and_then(unfolded),
        text,
        parts,
        attachments,
    })
}

/// The raw (still transfer-encoded) body of one leaf part, numbered the IMAP way, cut out of
/// a whole message: what `BODY[section]` would return. None when there is no such part.
pub fn section_bytes(raw: &[u8], section: &str) -> Option<Vec<u8>> {
    let buf = utf8_headers(raw);
    let msg = MessageParser::default().parse(buf.as_ref())?;
    let mut w = Walk {
        buf: &buf,
        parts: Vec::new(),
    };
    w.walk(&msg, 0, "1".to_string(), true);
    w.parts
        .iter()
        .find(|(p, _)| p.section == section)
        .map(|(_, body)| body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_fixed_one_by_one() {
        let raw =
            b"From: Zo\xeb <z@example.com>\r\nSubject: \xe6\x97\xa5\xe6\x9c\xac\r\n\r\nhi\r\n";
        let m = parse_message(raw).unwrap();
        assert_eq!(m.from, "Zoë <z@example.com>");
        assert_eq!(m.subject, "日本");
        assert_eq!(m.text, "hi");
        assert_eq!(m.parts[0].section, "1");
    }

    #[test]
    fn a_multipart_without_boundary_is_its_raw_text() {
        let m = b"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\nraw words\r\n";
        let p = parse_message(m).unwrap();
        assert_eq!(p.text, "raw words");
        assert!(p.attachments.is_empty(), "{:?}", p.parts);
    }

    #[test]
    fn empty_is_an_error() {
        assert!(matches!(
            parse_message(b" \r\n"),
            Err(MimeError::NotAMessage(_))
        ));
    }
}
