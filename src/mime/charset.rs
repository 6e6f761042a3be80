//! Bytes -> text: declared charsets (with the aliases Japanese mailers use), and sniffing
//! when the label is missing or wrong (ISO-2022-JP escapes, UTF-8, Shift_JIS / EUC-JP).
use mail_parser::decoders::charsets::map::charset_decoder;

type Decoder = fn(&[u8]) -> String;

const REPLACEMENT: char = '\u{fffd}';

/// A decoder for a charset label, mapping the Microsoft/Japanese aliases encoding_rs lacks
/// (CP932, CP50220..2, CP51932, ...) to the encodings that carry their extensions.
pub(crate) fn decoder(label: &str) -> Option<Decoder> {
    let l = label.trim().trim_matches('"').to_ascii_lowercase();
    let canonical = match l.as_str() {
        "cp932" | "windows-932" | "ibm-943" | "ibm943" | "x-ms-cp932" | "shift-jis"
        | "x-shift_jis" | "shift_jisx0213" | "shift_jis-2004" | "sjis-open" | "sjis-win" => {
            "shift_jis"
        }
        "cp50220"
        | "cp50221"
        | "cp50222"
        | "iso-2022-jp-ms"
        | "iso-2022-jp-1"
        | "iso-2022-jp-2"
        | "iso-2022-jp-3"
        | "iso-2022-jp-2004"
        | "x-windows-iso2022jp"
        | "jis" => "iso-2022-jp",
        "cp51932" | "eucjp-ms" | "eucjp-win" | "euc-jp-ms" | "eucjp" | "euc-jis-2004"
        | "euc-jisx0213" | "ujis" => "euc-jp",
        "utf8" | "utf-8" | "unicode-1-1-utf-8" | "x-unicode20utf8" => return Some(utf8_lossy),
        other => other,
    };
    charset_decoder(canonical.as_bytes())
}

fn utf8_lossy(b: &[u8]) -> String {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    String::from_utf8_lossy(b).into_owned()
}

fn errors(s: &str) -> usize {
    s.chars().filter(|&c| c == REPLACEMENT).count()
}

/// ISO-2022-JP designations; text holding them (and only 7-bit bytes) is ISO-2022-JP
/// whatever its label says.
pub(crate) fn has_iso2022jp_escapes(raw: &[u8]) -> bool {
    raw.windows(3)
        .any(|w| matches!(w, b"\x1b$B" | b"\x1b$@" | b"\x1b(J" | b"\x1b(I" | b"\x1b$("))
}

/// Drops an escape sequence that is immediately followed by another one: the WHATWG decoder
/// (encoding_rs) reports such empty runs as errors, and real mailers emit them.
fn tidy_iso2022jp(raw: &[u8]) -> Vec<u8> {
    fn esc_len(b: &[u8]) -> usize {
        match b {
            [0x1b, b'$', b'(', _, ..] => 4,
            [0x1b, b'$' | b'(', _, ..] => 3,
            _ => 0,
        }
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let n = esc_len(&raw[i..]);
        if n > 0 {
            if esc_len(&raw[i + n..]) > 0 {
                i += n;
                continue;
            }
            out.extend_from_slice(&raw[i..i + n]);
            i += n;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

pub(crate) fn decode_iso2022jp(raw: &[u8]) -> String {
    match charset_decoder(b"iso-2022-jp") {
        Some(d) => d(&tidy_iso2022jp(raw)),
        None => String::from_utf8_lossy(raw).into_owned(),
    }
}

fn is_kana(c: char) -> bool {
    ('\u{3041}'..='\u{30ff}').contains(&c)
}

fn is_halfwidth_kana(c: char) -> bool {
    ('\u{ff61}'..='\u{ff9f}').contains(&c)
}

/// Best Japanese reading of 8-bit non-UTF-8 bytes: (text, badness). EUC-JP hiragana reads as
/// valid Shift_JIS half-width katakana, so those count against Shift_JIS.
fn best_japanese(raw: &[u8]) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    for label in ["shift_jis", "euc-jp"] {
        let Some(d) = decoder(label) else { continue };
        let s = d(raw);
        let mut bad = errors(&s) * 10;
        if label == "shift_jis" {
            bad += s.chars().filter(|&c| is_halfwidth_kana(c)).count();
        }
        if best.as_ref().is_none_or(|(_, b)| bad < *b) {
            best = Some((s, bad));
        }
    }
    best
}

/// Text that reads cleanly as Japanese: no errors, and kana make up a good share of it.
fn looks_japanese(s: &str) -> bool {
    let non_ascii = s.chars().filter(|c| !c.is_ascii()).count();
    let kana = s.chars().filter(|&c| is_kana(c)).count();
    errors(s) == 0 && non_ascii > 0 && kana * 5 >= non_ascii
}

/// Decodes without a usable label: UTF-8, then Japanese legacy encodings, then Latin-1.
fn sniff(raw: &[u8]) -> String {
    if has_iso2022jp_escapes(raw) && raw.is_ascii() {
        return decode_iso2022jp(raw);
    }
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.strip_prefix('\u{feff}').unwrap_or(s).to_string();
    }
    let high = raw.iter().filter(|b| !b.is_ascii()).count();
    if let Some((s, bad)) = best_japanese(raw) {
        // A stray broken byte in Japanese text is fine; Latin-1 text fails all over.
        if bad == 0 || bad * 4 <= high {
            return s;
        }
    }
    match charset_decoder(b"windows-1252") {
        Some(d) => d(raw),
        None => String::from_utf8_lossy(raw).into_owned(),
    }
}

/// The sign a NUL byte of a body shows as: a reader never prints it raw, nor as "€".
pub const NUL_SIGN: char = '\u{2400}';

/// Dovecot sends each NUL byte of a message as 0x80 (IMAP strings cannot carry NUL). In a
/// part that is UTF-8 or ASCII (declared so, or not declared) and sent unencoded, a 0x80 that
/// is no part of a UTF-8 sequence is such a NUL: the text with each shown as [`NUL_SIGN`].
/// None when the bytes are anything else (then the charset decides, e.g. "€" in cp1252).
pub(crate) fn with_nul_signs(raw: &[u8], declared: Option<&str>) -> Option<String> {
    let utf8_or_ascii = declared.is_none_or(|l| {
        matches!(
            l.trim().trim_matches('"').to_ascii_lowercase().as_str(),
            "utf-8" | "utf8" | "us-ascii" | "ascii"
        )
    });
    if !utf8_or_ascii || !raw.contains(&0x80) {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return Some(out);
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).ok()?);
                if after.first() != Some(&0x80) {
                    return None;
                }
                out.push(NUL_SIGN);
                rest = &after[1..];
            }
        }
    }
}

/// Turns bytes into text: the declared charset when it fits the bytes, else by sniffing.
pub fn sniff_text(raw: &[u8], declared: Option<&str>) -> String {
    if has_iso2022jp_escapes(raw) && raw.is_ascii() {
        return decode_iso2022jp(raw);
    }
    let Some(label) = declared.map(|l| l.trim().to_ascii_lowercase()) else {
        return sniff(raw);
    };
    if raw.is_ascii() && !label.starts_with("utf-16") && !label.starts_with("utf-7") {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let utf8_ok = std::str::from_utf8(raw).is_ok();
    let single_byte = label.starts_with("iso-8859")
        || label.starts_with("iso8859")
        || label.starts_with("windows-125")
        || label.starts_with("cp125")
        || matches!(label.as_str(), "us-ascii" | "ascii" | "latin1" | "latin-1");
    if single_byte {
        // 8-bit text labelled Latin-1 (or ASCII) that is valid UTF-8 is UTF-8.
        if utf8_ok {
            return sniff(raw);
        }
        if let Some((s, _)) = best_japanese(raw).filter(|(s, _)| looks_japanese(s)) {
            return s;
        }
    }
    if label.contains("2022-jp") || label.starts_with("cp5022") {
        // Labelled ISO-2022-JP yet 8-bit: some mailers send Shift_JIS under that label.
        return sniff(raw);
    }
    match decoder(&label) {
        Some(d) => {
            let s = d(raw);
            if errors(&s) == 0 {
                return s;
            }
            let other = sniff(raw);
            if errors(&other) < errors(&s) {
                other
            } else {
                s
            }
        }
        None => sniff(raw),
    }
}

/// Decodes one RFC 2047 / RFC 2231 payload in its charset, or sniffs when unknown.
pub(crate) fn decode_in(raw: &[u8], charset: &str) -> String {
    sniff_text(raw, Some(charset))
}

/// The `charset` of a `<meta>` tag in the first bytes of an HTML document.
pub(crate) fn html_meta_charset(raw: &[u8]) -> Option<String> {
    let head = &raw[..raw.len().min(4096)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = lower.find("charset=")? + "charset=".len();
    let rest = lower[at..].trim_start_matches(['"', '\'', ' ']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dovecot_nuls_show_as_a_sign_and_cp1252_euro_stays() {
        let s = with_nul_signs(b"a\x80\x80b \xe2\x82\xac", Some("utf-8"));
        assert_eq!(s.as_deref(), Some("a\u{2400}\u{2400}b \u{20ac}"));
        assert_eq!(
            with_nul_signs(b"a\x80b", None).as_deref(),
            Some("a\u{2400}b")
        );
        assert_eq!(with_nul_signs(b"5 \x80", Some("windows-1252")), None);
        assert_eq!(with_nul_signs(b"\x82\xa0", Some("utf-8")), None);
        assert_eq!(with_nul_signs(b"plain", Some("utf-8")), None);
    }

    #[test]
    fn shift_jis_without_label_is_sniffed() {
        // "こんにちは" in Shift_JIS.
        let sjis = [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd];
        assert_eq!(sniff_text(&sjis, None), "こんにちは");
        assert_eq!(sniff_text(&sjis, Some("shift_jis")), "こんにちは");
        assert_eq!(sniff_text(&sjis, Some("iso-2022-jp")), "こんにちは");
    }

    #[test]
    fn euc_jp_without_label_beats_half_width_kana() {
        // "こんにちは" in EUC-JP: also valid Shift_JIS (as half-width katakana).
        let euc = [0xa4, 0xb3, 0xa4, 0xf3, 0xa4, 0xcb, 0xa4, 0xc1, 0xa4, 0xcf];
        assert_eq!(sniff_text(&euc, None), "こんにちは");
    }

    #[test]
    fn mislabelled_utf8_is_read_as_utf8() {
        assert_eq!(
            sniff_text("héllo 日本".as_bytes(), Some("iso-8859-1")),
            "héllo 日本"
        );
        assert_eq!(sniff_text(b"caf\xe9", Some("iso-8859-1")), "café");
        assert_eq!(sniff_text(b"caf\xe9", None), "café");
    }

    #[test]
    fn adjacent_escapes_are_not_errors() {
        let raw = b"\x1b$B\x1b(B\x1b$BF|K\\\x1b(B";
        assert_eq!(sniff_text(raw, None), "日本");
    }

    #[test]
    fn cp932_extensions() {
        // IBM extension 髙 (FB FC), NEC ① (87 40), ㈱ (87 8A) under either label.
        let raw = [0xfb, 0xfc, 0x87, 0x40, 0x87, 0x8a];
        assert_eq!(sniff_text(&raw, Some("Shift_JIS")), "髙①㈱");
        assert_eq!(sniff_text(&raw, Some("cp932")), "髙①㈱");
        // ISO-2022-JP: NEC row 13 and NEC-selected IBM row 92 (CP50220).
        assert_eq!(
            sniff_text(b"\x1b$B-!-j|b\x1b(B", Some("iso-2022-jp")),
            "①㈱髙"
        );
    }

    #[test]
    fn cp932_aliases() {
        assert!(decoder("CP932").is_some());
        assert!(decoder("cp50220").is_some());
        assert!(decoder("x-unknown").is_none());
    }

    #[test]
    fn meta_charset() {
        assert_eq!(
            html_meta_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">"
            )
            .as_deref(),
            Some("shift_jis")
        );
    }
}
