//! IMAP's modified UTF-7 (RFC 3501 §5.1.3) for folder names: "&TtVOiw-" is shown
//! as its Unicode name. Hand-written (a dozen lines over the base64 crate): the crates for it
//! are unmaintained. Names that are not valid modified UTF-7 are shown as they are.
use base64::Engine as _;

/// The Unicode form of a folder name as the server sends it.
pub fn decode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(dash) = after.find('-') else {
            return name.to_string();
        };
        let chunk = &after[..dash];
        if chunk.is_empty() {
            out.push('&');
        } else {
            let b64 = chunk.replace(',', "/");
            let Ok(bytes) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64) else {
                return name.to_string();
            };
            if bytes.len() % 2 != 0 {
                return name.to_string();
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            match String::from_utf16(&units) {
                Ok(s) => out.push_str(&s),
                Err(_) => return name.to_string(),
            }
        }
        rest = &after[dash + 1..];
    }
    out.push_str(rest);
    out
}

/// The server form of a Unicode folder name (for CREATE and RENAME): printable ASCII stays,
/// "&" becomes "&-", every other run is UTF-16BE in base64 with "," for "/".
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut run: Vec<u16> = Vec::new();
    let flush = |run: &mut Vec<u16>, out: &mut String| {
        if run.is_empty() {
            return;
        }
        let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
        out.push('&');
        out.push_str(&b64.replace('/', ","));
        out.push('-');
        run.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn encodes_what_it_decodes() {
        assert_eq!(encode("仕事/2026"), "&TtVOiw-/2026");
        assert_eq!(encode("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(encode("Sent"), "Sent");
        for name in [
            "ぁとりとさろ",
            "INBOX.送信済みメールド",
            "a&b 東京 😀 x",
            "é",
        ] {
            assert_eq!(decode(&encode(name)), name, "{name}");
        }
    }

    #[test]
    fn decodes_japanese_names_and_leaves_the_rest() {
        assert_eq!(decode("&MEEwaDCKMGgwVTCN-"), "ぁとりとさろ");
        assert_eq!(
            decode("INBOX.&kAFP4W4IMH8w4TD8MOswyQ-"),
            "INBOX.送信済みメールド"
        );
        assert_eq!(decode("&TtVOiw-/2026"), "仕事/2026");
        assert_eq!(decode("Tom &- Jerry"), "Tom & Jerry");
        assert_eq!(decode("Sent"), "Sent");
        assert_eq!(decode("broken &Zm9v"), "broken &Zm9v");
    }
}
