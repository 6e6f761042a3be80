//! Writing ISO-2022-JP (RFC 1468): text and B-encoded header words, with encoding_rs.
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use encoding_rs::ISO_2022_JP;

/// ISO-2022-JP bytes of `s`, or None when some character does not survive the round trip
/// (no JIS X 0208 code point, or one the encoder would silently change, e.g. half-width
/// kana) or lies outside standard JIS X 0208 (the NEC/IBM extensions such as ① and ㈱ that
/// encoding_rs writes, but strict readers such as Python's codec reject).
pub fn encode(s: &str) -> Option<Vec<u8>> {
    let s = &jis_forms(s);
    let (bytes, _, unmappable) = ISO_2022_JP.encode(s);
    if unmappable || !standard_jis_x0208(&bytes) {
        return None;
    }
    let (back, had_errors) = ISO_2022_JP.decode_without_bom_handling(&bytes);
    (!had_errors && back == *s).then(|| bytes.into_owned())
}

/// encoding_rs follows the WHATWG (Windows) table, where JIS 0x2141 is U+FF5E and so on.
/// Text typed with the JIS-standard code points (WAVE DASH 〜 and friends, as Macs and
/// Linux produce) is turned into the forms the table knows: the same JIS bytes, which
/// readers decode back to the standard code points.
fn jis_forms(s: &str) -> std::borrow::Cow<'_, str> {
    const MAP: [(char, char); 5] = [
        ('\u{301C}', '\u{FF5E}'), // 〜 WAVE DASH -> FULLWIDTH TILDE (0x2141)
        ('\u{2016}', '\u{2225}'), // ‖ DOUBLE VERTICAL LINE -> PARALLEL TO (0x2142)
        ('\u{00A2}', '\u{FFE0}'), // ¢ (0x2171)
        ('\u{00A3}', '\u{FFE1}'), // £ (0x2172)
        ('\u{00AC}', '\u{FFE2}'), // ¬ (0x224C)
    ];
    if !s.chars().any(|c| MAP.iter().any(|(from, _)| *from == c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| {
            MAP.iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |(_, to)| *to)
        })
        .collect::<String>()
        .into()
}

/// True when every two-byte character is in a row JIS X 0208 assigns (1-8, 16-84).
fn standard_jis_x0208(bytes: &[u8]) -> bool {
    let mut two_byte = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            two_byte = bytes.get(i + 1) == Some(&b'$');
            i += 3;
            continue;
        }
        if two_byte {
            if !matches!(bytes[i], 0x21..=0x28 | 0x30..=0x74) {
                return false;
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    true
}

/// True when every character of `s` can be written in ISO-2022-JP.
pub fn fits(s: &str) -> bool {
    s.is_ascii() || encode(s).is_some()
}

/// An RFC 2047 encoded-word may be 75 characters: "=?ISO-2022-JP?B?" + "?=" take 18.
const MAX_B64: usize = 75 - 18;

fn word(chunk: &str) -> Option<String> {
    let bytes = encode(chunk)?;
    Some(format!("=?ISO-2022-JP?B?{}?=", STANDARD.encode(bytes)))
}

/// `s` as B-encoded ISO-2022-JP words, each complete in itself (ending in ASCII mode, as
/// RFC 1468 requires), joined by folding whitespace. ASCII-only text is returned as is.
pub fn header_words(s: &str) -> Option<String> {
    if s.is_ascii() {
        return Some(s.to_string());
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        let mut next = chunk.clone();
        next.push(c);
        let len = encode(&next).map(|b| b.len().div_ceil(3) * 4)?;
        if len > MAX_B64 && !chunk.is_empty() {
            words.push(word(&chunk)?);
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(word(&chunk)?);
    }
    Some(words.join("\r\n "))
}

/// The body text as ISO-2022-JP with CRLF line ends (each line ends in ASCII mode; no
/// line break is added after the last line).
pub fn body(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 16);
    let normalized = text.replace("\r\n", "\n");
    for (i, line) in normalized.split('\n').enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(&encode(line)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_fits_and_emoji_does_not() {
        assert!(fits("日本語のメール、テスト。"));
        assert!(!fits("絵文字 😀"));
        assert!(
            !fits("半角ｶﾅ"),
            "half-width kana would be changed by the encoder"
        );
        assert!(!fits("①"), "NEC row 13 is not JIS X 0208");
        assert!(!fits("㈱"), "NEC row 13 is not JIS X 0208");
        assert!(!fits("髙"), "IBM extension");
        assert!(fits("「ー」〜・漢字　全角スペース～"));
        assert_eq!(encode("〜"), encode("～"), "both are JIS 0x2141");
    }

    #[test]
    fn header_words_are_short_and_self_contained() {
        let s = "これはとても長い件名で、複数のエンコードされた単語に分割されなければなりません";
        let h = header_words(s).unwrap();
        for w in h.split("\r\n ") {
            assert!(w.len() <= 75, "{w}");
            assert!(w.starts_with("=?ISO-2022-JP?B?") && w.ends_with("?="));
            let b = STANDARD
                .decode(&w["=?ISO-2022-JP?B?".len()..w.len() - 2])
                .unwrap();
            assert!(b.ends_with(b"\x1b(B"), "each word ends in ASCII mode");
        }
        assert_eq!(crate::mime::decode_header_text(h.as_bytes()), s);
    }

    #[test]
    fn body_lines_end_in_ascii() {
        let b = body("一行目\n二行目\n").unwrap();
        assert!(b.is_ascii());
        assert!(b.windows(5).any(|w| w == b"\x1b(B\r\n"));
    }
}
