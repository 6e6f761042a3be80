//! MIME decoding over mail-parser (with `full_encoding`: ISO-2022-JP, Shift_JIS, EUC-JP).
//! Pure functions, no I/O.
//!
//! - [`charset`]: bytes -> text, trusting a label only when it fits the bytes.
//! - [`header`]: RFC 2047 words, RFC 2231 parameters, addresses, dates.
//! - [`transfer`]: lenient base64 / quoted-printable.
//! - [`html`]: HTML -> readable text.
//! - [`parse`]: a whole message -> [`ParsedMessage`].
mod charset;
pub mod compose;
mod cut;
mod header;
mod html;
mod jis;
pub mod mutf7;
mod parse;
pub mod reply;
mod transfer;

pub use charset::sniff_text;
pub use cut::part_of_whole;
pub use header::{decode_header_text, format_address, param_value, parse_date, parse_params};
pub use html::html_to_text;
pub use parse::{ParsedMessage, parse_message, parse_summary, section_bytes};

use crate::model::PartInfo;

#[derive(Debug, thiserror::Error)]
pub enum MimeError {
    #[error("unsupported Content-Transfer-Encoding \"{0}\"")]
    UnsupportedEncoding(String),
    #[error("not a mail message: {0}")]
    NotAMessage(&'static str),
}

/// The part a reader shows: the first non-attachment text/plain, else text/html.
pub fn choose_text_part(parts: &[PartInfo]) -> Option<&PartInfo> {
    let body = |mime: &str| {
        parts
            .iter()
            .find(move |p| !p.is_attachment && p.mime == mime)
    };
    body("text/plain").or_else(|| body("text/html"))
}

/// Whether a leaf part is an attachment: Content-Disposition says so, or it is not text (a
/// reader shows text inline; any other leaf, named or not, must stay reachable: a nameless
/// PDF too). Shared by the IMAP and POP paths.
pub(crate) fn is_attachment(mime: &str, disposition: Option<&str>) -> bool {
    let attachment = disposition.is_some_and(|d| d.trim().eq_ignore_ascii_case("attachment"));
    attachment || !mime.starts_with("text/")
}

/// A file name for an attached message that has none: its subject, made safe, plus ".eml".
pub(crate) fn eml_filename(subject: &str) -> String {
    let safe: String = subject
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(80)
        .collect();
    let safe = safe.trim().trim_matches('.');
    if safe.is_empty() {
        "message.eml".to_string()
    } else {
        format!("{safe}.eml")
    }
}

/// Undoes the Content-Transfer-Encoding only: attachments are saved byte-identical.
pub fn decode_part_bytes(part: &PartInfo, raw: &[u8]) -> Result<Vec<u8>, MimeError> {
    let enc = part.encoding.trim().to_ascii_lowercase();
    match enc.as_str() {
        "base64" => Ok(transfer::base64(raw)),
        "quoted-printable" => Ok(transfer::quoted_printable(raw, false)),
        "" | "7bit" | "8bit" | "binary" | "7-bit" | "8-bit" => Ok(raw.to_vec()),
        _ => Err(MimeError::UnsupportedEncoding(enc)),
    }
}

/// A text part as the reader shows it: transfer-decoded, charset-decoded (sniffed when the
/// label is missing or wrong), line breaks normalised, HTML turned into readable text.
pub fn decode_part_text(part: &PartInfo, raw: &[u8]) -> Result<String, MimeError> {
    let text = decode_part_string(part, raw)?;
    Ok(if part.mime == "text/html" {
        html_to_text(&text)
    } else {
        text.trim_end().to_string()
    })
}

/// A text part's characters (transfer- and charset-decoded, `\r\n` as `\n`), HTML left as
/// markup: what the HTML view lays out.
pub fn decode_part_string(part: &PartInfo, raw: &[u8]) -> Result<String, MimeError> {
    let bytes = decode_part_bytes(part, raw)?;
    let is_html = part.mime == "text/html";
    let meta = if is_html && part.charset.is_none() {
        charset::html_meta_charset(&bytes)
    } else {
        None
    };
    let declared = part.charset.as_deref().or(meta.as_deref());
    let unencoded = !matches!(
        part.encoding.trim().to_ascii_lowercase().as_str(),
        "base64" | "quoted-printable"
    );
    let text = unencoded
        .then(|| charset::with_nul_signs(&bytes, declared))
        .flatten()
        .unwrap_or_else(|| sniff_text(&bytes, declared));
    // A NUL byte (from the whole message, or decoded from base64) is shown, never printed.
    Ok(text
        .replace("\r\n", "\n")
        .replace('\0', &charset::NUL_SIGN.to_string()))
}

/// The text after the header of a whole message, charset sniffed: what a reader shows when
/// the structure yields no text at all (a multipart without a boundary, which parsers read
/// as a multipart with no parts).
pub fn raw_body_text(whole: &[u8]) -> String {
    let body = whole
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| whole.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .map_or(&[][..], |at| &whole[at..]);
    let part = PartInfo {
        section: String::new(),
        mime: "text/plain".into(),
        size: body.len() as u64,
        charset: None,
        encoding: String::new(),
        filename: None,
        is_attachment: false,
    };
    decode_part_text(&part, body).unwrap_or_else(|_| sniff_text(body, None))
}

/// A short preview: quoted lines dropped, whitespace collapsed, at most `max_chars` chars.
pub fn snippet(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    'lines: for line in text.lines().filter(|l| !l.trim_start().starts_with('>')) {
        for word in line.split_whitespace() {
            let sep = usize::from(!out.is_empty());
            let len = word.chars().count();
            if count + sep + len > max_chars {
                if count + sep < max_chars {
                    if sep == 1 {
                        out.push(' ');
                    }
                    out.extend(word.chars().take(max_chars - count - sep));
                }
                break 'lines;
            }
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(word);
            count += sep + len;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(mime: &str, enc: &str, cs: Option<&str>) -> PartInfo {
        PartInfo {
            section: "1".into(),
            mime: mime.into(),
            size: 0,
            charset: cs.map(str::to_string),
            encoding: enc.into(),
            filename: None,
            is_attachment: false,
        }
    }

    #[test]
    fn base64_and_qp_and_html() {
        let p = part("text/plain", "base64", Some("utf-8"));
        assert_eq!(
            decode_part_text(&p, b"44GT44KT44Gr44Gh44Gv\r\n").unwrap(),
            "こんにちは"
        );
        let q = part("text/plain", "quoted-printable", Some("utf-8"));
        assert_eq!(
            decode_part_text(&q, b"caf=C3=A9 =\r\nau lait\r\nline 2\r\n").unwrap(),
            "café au lait\nline 2"
        );
        let h = part("text/html", "7bit", None);
        let t = decode_part_text(&h, b"<p>Hello <b>world</b></p><script>x()</script>").unwrap();
        assert_eq!(t, "Hello world");
        let u = part("text/plain", "x-uuencode", None);
        assert!(matches!(
            decode_part_text(&u, b"begin 644 x"),
            Err(MimeError::UnsupportedEncoding(_))
        ));
    }

    #[test]
    fn html_meta_charset_is_honoured() {
        let h = part("text/html", "8bit", None);
        let mut raw = b"<meta charset=\"euc-jp\"><p>".to_vec();
        raw.extend_from_slice(&[0xa4, 0xa2]); // "あ" in EUC-JP
        assert_eq!(decode_part_text(&h, &raw).unwrap(), "あ");
    }

    #[test]
    fn choose_prefers_plain_then_html() {
        let mut att = part("text/plain", "7bit", None);
        att.is_attachment = true;
        let mut html = part("text/html", "7bit", None);
        html.section = "2".into();
        let parts = [att, html];
        assert_eq!(
            choose_text_part(&parts).map(|p| p.section.as_str()),
            Some("2")
        );
        assert!(choose_text_part(&parts[..1]).is_none());
    }

    #[test]
    fn attachment_rule() {
        assert!(is_attachment("text/plain", Some("attachment")));
        assert!(is_attachment("image/png", Some("inline")));
        assert!(is_attachment("application/pdf", None));
        assert!(is_attachment("application/pgp-signature", None));
        assert!(!is_attachment("text/plain", Some("inline")));
        assert!(!is_attachment("text/html", None));
        assert_eq!(eml_filename("Re: a/b?"), "Re_ a_b_.eml");
        assert_eq!(eml_filename(""), "message.eml");
    }

    #[test]
    fn snippets_skip_quotes_and_cut() {
        assert_eq!(snippet("Hi\n> old\n  there  \n", 20), "Hi there");
        assert_eq!(snippet("日本語 の テキスト", 6), "日本語 の");
        assert_eq!(snippet("abc defgh", 6), "abc de");
    }
}
