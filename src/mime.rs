//! MIME decoding over mail-parser (with `full_encoding`: ISO-2022-JP, Shift_JIS, EUC-JP).
//! Pure functions, no I/O.
use crate::model::PartInfo;
use mail_parser::MessageParser;
use mail_parser::decoders::{
    base64::base64_decode, charsets::map::charset_decoder, html::html_to_text,
    quoted_printable::quoted_printable_decode,
};

#[derive(Debug, thiserror::Error)]
pub enum MimeError {
    #[error("the part's {0} encoding is malformed")]
    Encoding(String),
}

/// Decodes a header value: RFC 2047 encoded words in any charset (each word on its own), and
/// raw 8-bit text by sniffing (UTF-8, ISO-2022-JP escapes, Shift_JIS / EUC-JP).
pub fn decode_header_text(raw: &[u8]) -> String {
    if raw.windows(2).any(|w| w == b"=?") {
        let mut msg = b"Subject: ".to_vec();
        msg.extend_from_slice(raw);
        msg.extend_from_slice(b"\r\n\r\n");
        if let Some(s) = MessageParser::new()
            .parse(&msg)
            .and_then(|m| m.subject().map(str::to_string))
        {
            return s;
        }
    }
    sniff_text(raw, None)
}

/// Turns bytes into text: the declared charset when it decodes cleanly, else by sniffing.
pub fn sniff_text(raw: &[u8], declared: Option<&str>) -> String {
    let has_esc = raw
        .windows(3)
        .any(|w| w == b"\x1b$B" || w == b"\x1b$@" || w == b"\x1b(J");
    if has_esc && let Some(dec) = charset_decoder(b"iso-2022-jp") {
        return dec(raw);
    }
    if let Some(cs) = declared {
        let cs = cs.to_ascii_lowercase();
        let is_utf8 = cs == "utf-8" || cs == "utf8" || cs == "us-ascii";
        if !is_utf8 {
            // A label that is obviously wrong (8-bit text that is valid UTF-8 labelled latin-1).
            let latin = cs.starts_with("iso-8859") || cs == "windows-1252";
            if !(latin && !raw.is_ascii() && std::str::from_utf8(raw).is_ok())
                && let Some(dec) = charset_decoder(cs.as_bytes())
            {
                return dec(raw);
            }
        }
    }
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    // Not UTF-8: Japanese legacy encodings are the likely case; pick the cleaner decoding.
    let mut best = String::from_utf8_lossy(raw).into_owned();
    let mut best_bad = best.matches('\u{fffd}').count();
    for cs in [&b"shift_jis"[..], b"euc-jp"] {
        if let Some(dec) = charset_decoder(cs) {
            let s = dec(raw);
            let bad = s.matches('\u{fffd}').count();
            if bad < best_bad {
                best_bad = bad;
                best = s;
            }
        }
    }
    best
}

/// The part a reader shows: the first non-attachment text/plain, else text/html.
pub fn choose_text_part(parts: &[PartInfo]) -> Option<&PartInfo> {
    parts
        .iter()
        .find(|p| !p.is_attachment && p.mime == "text/plain")
        .or_else(|| {
            parts
                .iter()
                .find(|p| !p.is_attachment && p.mime == "text/html")
        })
}

/// Undoes the Content-Transfer-Encoding only (attachments are saved byte-identical).
pub fn decode_part_bytes(part: &PartInfo, raw: &[u8]) -> Result<Vec<u8>, MimeError> {
    match part.encoding.as_str() {
        "base64" => {
            let clean: Vec<u8> = raw
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64_decode(&clean).ok_or_else(|| MimeError::Encoding("base64".into()))
        }
        "quoted-printable" => quoted_printable_decode(raw)
            .ok_or_else(|| MimeError::Encoding("quoted-printable".into())),
        _ => Ok(raw.to_vec()),
    }
}

/// A text part as the reader shows it: transfer-decoded, charset-decoded, HTML turned into
/// readable plain text.
pub fn decode_part_text(part: &PartInfo, raw: &[u8]) -> Result<String, MimeError> {
    let bytes = decode_part_bytes(part, raw)?;
    let text = sniff_text(&bytes, part.charset.as_deref());
    Ok(if part.mime == "text/html" {
        html_to_text(&text)
    } else {
        text
    })
}

/// A short preview: whitespace collapsed, quoted lines dropped.
pub fn snippet(text: &str, max_chars: usize) -> String {
    let joined: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .flat_map(str::split_whitespace)
        .collect();
    joined.join(" ").chars().take(max_chars).collect()
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
    fn iso_2022_jp_encoded_words_each_decoded() {
        // "日本" and "語" as two adjacent ISO-2022-JP encoded words.
        let raw = b"=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= =?ISO-2022-JP?B?GyRCOGwbKEI=?=";
        assert_eq!(decode_header_text(raw), "日本語");
    }

    #[test]
    fn shift_jis_body_without_label_is_sniffed() {
        // "こんにちは" in Shift_JIS.
        let sjis = [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd];
        assert_eq!(sniff_text(&sjis, None), "こんにちは");
        assert_eq!(sniff_text(&sjis, Some("shift_jis")), "こんにちは");
    }

    #[test]
    fn mislabelled_utf8_is_read_as_utf8() {
        assert_eq!(
            sniff_text("héllo 日本".as_bytes(), Some("iso-8859-1")),
            "héllo 日本"
        );
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
            decode_part_text(&q, b"caf=C3=A9 =\r\nau lait").unwrap(),
            "café au lait"
        );
        let h = part("text/html", "7bit", None);
        let t = decode_part_text(&h, b"<p>Hello <b>world</b></p><script>x()</script>").unwrap();
        assert!(t.contains("Hello world"), "{t}");
        assert!(!t.contains("x()"), "{t}");
    }

    #[test]
    fn snippets_skip_quotes() {
        assert_eq!(snippet("Hi\n> old\n  there  \n", 20), "Hi there");
    }
}
