//! Writing ISO-2022-JP (RFC 1468): text and B-encoded header words, with encoding_rs.
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use encoding_rs::ISO_2022_JP;

/// ISO-2022-JP bytes of `s`, or None when some character does not survive the round trip
/// (no JIS X 0208 code point, or one the encoder would silently change, e.g. half-width kana).
pub fn encode(s: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = ISO_2022_JP.encode(s);
    if unmappable {
        return None;
    }
    let (back, had_errors) = ISO_2022_JP.decode_without_bom_handling(&bytes);
    (!had_errors && back == s).then(|| bytes.into_owned())
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
