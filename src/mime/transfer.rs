//! Content-Transfer-Encoding decoders, lenient the way mail needs: base64 skips characters
//! outside its alphabet (RFC 2045 §6.8), quoted-printable keeps malformed `=` sequences.

fn b64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Decodes base64, ignoring line breaks and stray characters. Padding ends a quantum, so
/// concatenated padded chunks decode too. A dangling single sextet carries no whole byte.
pub fn base64(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut n = 0u8;
    let flush = |acc: u32, n: u8, out: &mut Vec<u8>| {
        // n sextets -> n*6 bits -> whole bytes only.
        match n {
            2 => out.push((acc >> 4) as u8),
            3 => {
                out.push((acc >> 10) as u8);
                out.push((acc >> 2) as u8);
            }
            _ => {}
        }
    };
    for &b in raw {
        if b == b'=' {
            flush(acc, n, &mut out);
            acc = 0;
            n = 0;
            continue;
        }
        let Some(v) = b64_value(b) else { continue };
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.push((acc >> 16) as u8);
            out.push((acc >> 8) as u8);
            out.push(acc as u8);
            acc = 0;
            n = 0;
        }
    }
    flush(acc, n, &mut out);
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes quoted-printable. `q_encoding` selects RFC 2047 "Q" rules (`_` is a space).
pub fn quoted_printable(raw: &[u8], q_encoding: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        match b {
            b'=' => {
                // Soft line break: '=' then optional trailing blanks then (CR)LF or the end.
                let mut j = i + 1;
                while j < raw.len() && (raw[j] == b' ' || raw[j] == b'\t') {
                    j += 1;
                }
                if j >= raw.len() {
                    break;
                }
                if raw[j] == b'\n' {
                    i = j + 1;
                    continue;
                }
                if raw[j] == b'\r' && raw.get(j + 1) == Some(&b'\n') {
                    i = j + 2;
                    continue;
                }
                match (
                    raw.get(i + 1).copied().and_then(hex),
                    raw.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 3;
                    }
                    _ => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            b'_' if q_encoding => {
                out.push(b' ');
                i += 1;
            }
            b' ' | b'\t' if !q_encoding => {
                // Trailing blanks before a line break were added in transport: drop them.
                let mut j = i;
                while j < raw.len() && (raw[j] == b' ' || raw[j] == b'\t') {
                    j += 1;
                }
                let at_eol = j >= raw.len()
                    || raw[j] == b'\n'
                    || (raw[j] == b'\r' && raw.get(j + 1) == Some(&b'\n'));
                if !at_eol {
                    out.extend_from_slice(&raw[i..j]);
                }
                i = j;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_lenient() {
        assert_eq!(base64(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(base64(b"aGVsbG8"), b"hello");
        assert_eq!(base64(b"aGk=aGk="), b"hihi");
        assert_eq!(base64(b"aG*Vs bG8="), b"hello");
        assert_eq!(base64(b""), b"");
    }

    #[test]
    fn quoted_printable_is_lenient() {
        assert_eq!(
            quoted_printable(b"caf=C3=A9 =\r\nau lait", false),
            "café au lait".as_bytes()
        );
        assert_eq!(quoted_printable(b"a=3d=ZZb  \r\nc", false), b"a==ZZb\r\nc");
        assert_eq!(quoted_printable(b"end=", false), b"end");
        assert_eq!(quoted_printable(b"a_b=5F", true), b"a b_");
    }
}
