//! Header text: RFC 2047 encoded words, RFC 2231 parameters, addresses and dates.
use super::charset::{decode_in, decoder, sniff_text};
use super::transfer;

enum Token<'a> {
    Raw(&'a [u8]),
    Word { charset: String, bytes: Vec<u8> },
}

/// Parses an encoded word at the start of `s`: `=?charset[*lang]?B|Q?text?=`.
fn encoded_word(s: &[u8]) -> Option<(Token<'static>, usize)> {
    let rest = s.strip_prefix(b"=?")?;
    let q1 = rest.iter().take(80).position(|&b| b == b'?')?;
    let charset = std::str::from_utf8(&rest[..q1]).ok()?;
    if charset.is_empty() || charset.contains(|c: char| c.is_whitespace()) {
        return None;
    }
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let text_start = q1 + 3;
    let text_len = rest[text_start..].windows(2).position(|w| w == b"?=")?;
    let text = &rest[text_start..text_start + text_len];
    if text.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let bytes = match enc {
        b'B' | b'b' => transfer::base64(text),
        b'Q' | b'q' => transfer::quoted_printable(text, true),
        _ => return None,
    };
    // RFC 2231 §5 allows a language suffix: "ISO-2022-JP*ja".
    let charset = charset.split('*').next().unwrap_or(charset).to_string();
    Some((
        Token::Word { charset, bytes },
        2 + text_start + text_len + 2,
    ))
}

fn tokens(raw: &[u8]) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'='
            && raw.get(i + 1) == Some(&b'?')
            && let Some((word, len)) = encoded_word(&raw[i..])
        {
            if start < i {
                out.push(Token::Raw(&raw[start..i]));
            }
            out.push(word);
            i += len;
            start = i;
            continue;
        }
        i += 1;
    }
    if start < raw.len() {
        out.push(Token::Raw(&raw[start..]));
    }
    out
}

fn replacements(s: &str) -> usize {
    s.chars().filter(|&c| c == '\u{fffd}').count()
}

/// Decodes a run of encoded words sharing one charset: each word on its own, unless a
/// multi-byte character was split across words (the words fail in their charset while the
/// joined bytes decode cleanly). ISO-2022 words are always joined: mailers split them
/// inside the two-byte mode, the next word then has no escape of its own and alone reads as
/// ASCII without any error (K-9 Mail fixed the same, PR #5765); for words that each return to
/// ASCII the joined bytes decode the same.
fn decode_run(charset: &str, words: &[Vec<u8>]) -> String {
    let stateful = charset
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("iso-2022"));
    if words.len() > 1 && stateful {
        return decode_in(&words.concat(), charset);
    }
    if words.len() > 1
        && let Some(strict) = decoder(charset)
        && words.iter().any(|w| replacements(&strict(w)) > 0)
    {
        let joined = words.concat();
        if replacements(&strict(&joined)) == 0 {
            return decode_in(&joined, charset);
        }
    }
    words.iter().map(|w| decode_in(w, charset)).collect()
}

/// Decodes a header value: RFC 2047 encoded words in any charset (each word on its own,
/// whitespace between adjacent words dropped), and raw 8-bit text by sniffing (UTF-8,
/// ISO-2022-JP escapes, Shift_JIS / EUC-JP). Unfolds and trims.
pub fn decode_header_text(raw: &[u8]) -> String {
    // Most headers are plain printable ASCII with no encoded word: nothing to decode (a
    // tenth of a first header sync went into tokenising them).
    if raw.iter().all(|b| (0x20..0x7f).contains(b)) && !raw.windows(2).any(|w| w == b"=?") {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let unfolded: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let toks = tokens(&unfolded);
    let mut out = String::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Token::Raw(r) => {
                let between_words = i > 0
                    && matches!(toks[i - 1], Token::Word { .. })
                    && matches!(toks.get(i + 1), Some(Token::Word { .. }))
                    && r.iter().all(|b| b.is_ascii_whitespace());
                if !between_words {
                    out.push_str(&sniff_text(r, None));
                }
                i += 1;
            }
            Token::Word { charset, .. } => {
                // Gather the following words of the same charset (only blanks between).
                let mut words = Vec::new();
                let mut j = i;
                while j < toks.len() {
                    match &toks[j] {
                        Token::Word { charset: c, bytes } if c.eq_ignore_ascii_case(charset) => {
                            words.push(bytes.clone());
                            j += 1;
                        }
                        Token::Raw(r)
                            if r.iter().all(|b| b.is_ascii_whitespace())
                                && matches!(toks.get(j + 1), Some(Token::Word { charset: c, .. }) if c.eq_ignore_ascii_case(charset)) =>
                        {
                            j += 1;
                        }
                        _ => break,
                    }
                }
                out.push_str(&decode_run(charset, &words));
                i = j;
            }
        }
    }
    clean(&out)
}

/// Control characters become spaces; the ends are trimmed.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%'
            && let (Some(h), Some(l)) = (
                s.get(i + 1).copied().and_then(hex),
                s.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Splits an RFC 2231 extended value `charset'lang'pct-encoded`.
fn split_ext(v: &[u8]) -> (Option<String>, &[u8]) {
    let mut it = v.splitn(3, |&b| b == b'\'');
    match (it.next(), it.next(), it.next()) {
        (Some(cs), Some(_lang), Some(rest)) => {
            let cs = String::from_utf8_lossy(cs).trim().to_string();
            ((!cs.is_empty()).then_some(cs), rest)
        }
        _ => (None, v),
    }
}

/// A parameter's decoded value: RFC 2231 (`name*`, continuations `name*0*`, `name*1`...,
/// charset and percent-encoding) preferred, else the plain `name` with RFC 2047 words
/// or raw 8-bit text decoded. Names match case-insensitively.
pub fn param_value(params: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    let find = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_slice())
    };
    if let Some(v) = find(&format!("{name}*")) {
        let (cs, data) = split_ext(v);
        let bytes = percent_decode(data);
        return Some(clean(&sniff_text(&bytes, cs.as_deref())));
    }
    let mut bytes = Vec::new();
    let mut charset = None;
    let mut found = false;
    for n in 0..100 {
        if let Some(v) = find(&format!("{name}*{n}*")) {
            let data = if n == 0 {
                let (cs, d) = split_ext(v);
                charset = cs;
                d
            } else {
                v
            };
            bytes.extend(percent_decode(data));
        } else if let Some(v) = find(&format!("{name}*{n}")) {
            bytes.extend_from_slice(v);
        } else {
            break;
        }
        found = true;
    }
    if found {
        return Some(match charset {
            Some(cs) => clean(&sniff_text(&bytes, Some(&cs))),
            None => decode_header_text(&bytes),
        });
    }
    find(name).map(decode_header_text)
}

/// Parses a structured MIME header value such as Content-Type or Content-Disposition into
/// its lower-case leading token and its parameters (names lower-case, values raw bytes).
pub fn parse_params(value: &[u8]) -> (String, Vec<(String, Vec<u8>)>) {
    let mut parts = split_semicolons(value).into_iter();
    let head = parts.next().unwrap_or_default();
    let head = String::from_utf8_lossy(&head).trim().to_ascii_lowercase();
    let mut params = Vec::new();
    for p in parts {
        let Some(eq) = p.iter().position(|&b| b == b'=') else {
            continue;
        };
        let name = String::from_utf8_lossy(&p[..eq])
            .trim()
            .to_ascii_lowercase();
        let mut v = p[eq + 1..].trim_ascii();
        if v.len() >= 2 && v.starts_with(b"\"") && v.ends_with(b"\"") {
            v = &v[1..v.len() - 1];
        }
        let mut val = Vec::with_capacity(v.len());
        let mut esc = false;
        for &b in v {
            if b == b'\\' && !esc {
                esc = true;
                continue;
            }
            esc = false;
            val.push(b);
        }
        if !name.is_empty() {
            params.push((name, val));
        }
    }
    (head, params)
}

/// Splits on `;` outside quoted strings and comments; CR/LF (folding) removed.
fn split_semicolons(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let (mut quoted, mut esc, mut comment) = (false, false, 0usize);
    for &b in value {
        if b == b'\r' || b == b'\n' {
            continue;
        }
        if quoted {
            cur.push(b);
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                quoted = false;
            }
            continue;
        }
        match b {
            b'"' if comment == 0 => {
                quoted = true;
                cur.push(b);
            }
            b'(' => comment += 1,
            b')' if comment > 0 => comment -= 1,
            _ if comment > 0 => {}
            b';' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(b),
        }
    }
    out.push(cur);
    out
}

/// "Name <mailbox@host>", or just the address when there is no (distinct) name.
pub fn format_address(name: Option<&str>, addr: &str) -> String {
    let name = name
        .map(|n| n.trim().trim_matches('"').trim())
        .unwrap_or("");
    if name.is_empty() || name.eq_ignore_ascii_case(addr) {
        addr.to_string()
    } else {
        format!("{name} <{addr}>")
    }
}

/// Parses an RFC 5322 date to unix seconds, leniently (obsolete zones, comments, missing
/// weekday, two-digit years).
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(d.timestamp());
    }
    let no_comment = s.split(" (").next().unwrap_or(s).trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(no_comment) {
        return Some(d.timestamp());
    }
    mail_parser::DateTime::parse_rfc822(s)
        .filter(|d| d.is_valid() && d.year >= 1970)
        .map(|d| d.to_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_2022_jp_words_each_decoded() {
        // "日本" and "語" as two adjacent ISO-2022-JP encoded words.
        let raw = b"=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=\r\n =?ISO-2022-JP?B?GyRCOGwbKEI=?=";
        assert_eq!(decode_header_text(raw), "日本語");
    }

    #[test]
    fn iso_2022_jp_split_inside_the_kanji_mode_is_joined() {
        // "東京都" = ESC $ B 45 6C 35 7E 45 54 ESC ( B, split after 東: the second word has no
        // escape and alone would read "5~ET".
        let enc = |b: &[u8]| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(b)
        };
        let raw = format!(
            "=?ISO-2022-JP?B?{}?=\r\n =?iso-2022-jp?B?{}?=",
            enc(b"\x1b$BEl"),
            enc(b"5~ET\x1b(B")
        );
        assert_eq!(decode_header_text(raw.as_bytes()), "東京都");
    }

    #[test]
    fn utf8_split_inside_a_character_is_joined() {
        // "日" = E6 97 A5 split across two words.
        assert_eq!(
            decode_header_text(b"=?UTF-8?B?5pc=?= =?UTF-8?B?pQ==?="),
            "日"
        );
    }

    #[test]
    fn mixed_words_and_text() {
        assert_eq!(
            decode_header_text(b"Re: =?utf-8?Q?caf=C3=A9_au?= lait =?shift_jis?B?gqA=?="),
            "Re: café au lait あ"
        );
        assert_eq!(decode_header_text(b"=?bogus"), "=?bogus");
        assert_eq!(decode_header_text(b"plain"), "plain");
    }

    #[test]
    fn raw_8bit_headers_are_sniffed() {
        assert_eq!(decode_header_text("日本語".as_bytes()), "日本語");
        assert_eq!(decode_header_text(b"\x93\xfa\x96\x7b"), "日本");
        assert_eq!(decode_header_text(b"\x1b$BF|K\\\x1b(B"), "日本");
    }

    #[test]
    fn rfc2231_params() {
        let p = |k: &str, v: &str| (k.to_string(), v.as_bytes().to_vec());
        let params = [p("filename*", "UTF-8''%E5%86%99%E7%9C%9F.png")];
        assert_eq!(
            param_value(&params, "filename").as_deref(),
            Some("写真.png")
        );
        let params = [
            p("name*0*", "ISO-2022-JP'ja'%1B%24%42%46%7C"),
            p("name*1*", "%4B%5C%1B%28%42"),
            p("name*2", ".txt"),
        ];
        assert_eq!(param_value(&params, "name").as_deref(), Some("日本.txt"));
        let params = [p("name", "=?UTF-8?B?5pel5pys?=.pdf")];
        assert_eq!(param_value(&params, "NAME").as_deref(), Some("日本.pdf"));
    }

    #[test]
    fn structured_values() {
        let (head, params) =
            parse_params(b"Attachment; filename=\"a \\\"b\\\";c.txt\" (comment);\r\n size=3");
        assert_eq!(head, "attachment");
        assert_eq!(params[0], ("filename".into(), b"a \"b\";c.txt".to_vec()));
        assert_eq!(params[1], ("size".into(), b"3".to_vec()));
    }

    #[test]
    fn dates_parse_leniently() {
        let t = Some(1793613600);
        assert_eq!(parse_date("Mon, 2 Nov 2026 10:00:00 +0000"), t);
        assert_eq!(parse_date("Mon, 2 Nov 2026 10:00:00 +0000 (UTC)"), t);
        assert_eq!(parse_date("2 Nov 2026 19:00:00 +0900"), t);
        assert_eq!(parse_date("Mon, 02 Nov 2026 10:00:00 GMT"), t);
        assert_eq!(parse_date("garbage"), None);
    }
}
