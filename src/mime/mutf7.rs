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

#[cfg(test)]
mod tests {
    use super::decode;

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
