//! Cutting one part out of a whole cached message, cheaply when the message is one part.
use super::parse::section_bytes;
use std::borrow::Cow;

/// Header and body of a message (split at the first empty line).
fn split_header(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let crlf = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, p + 4));
    let lf = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|p| (p, p + 2));
    let (end, body) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    Some((&raw[..end], &raw[body..]))
}

/// Whether the top-level Content-Type makes the message more than one plain leaf
/// (multipart, or an encapsulated message).
fn is_container(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut value: Option<String> = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((name, v)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-type")
        {
            value = Some(v.trim().to_string());
        }
    }
    value.is_some_and(|v| {
        let v = v.to_ascii_lowercase();
        v.starts_with("multipart/") || v.starts_with("message/")
    })
}

/// The raw (still transfer-encoded) bytes of IMAP section `section` of a whole message.
/// A single-part message's section "1" is its body, taken without parsing the message;
/// anything else goes through the MIME parser (as the reader does).
pub fn part_of_whole<'a>(raw: &'a [u8], section: &str) -> Option<Cow<'a, [u8]>> {
    if section == "1"
        && let Some((head, body)) = split_header(raw)
        && !is_container(head)
    {
        return Some(Cow::Borrowed(body));
    }
    section_bytes(raw, section).map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_part_body_is_cut_without_parsing() {
        let raw = b"Subject: x\r\nContent-Type: text/plain;\r\n charset=utf-8\r\n\r\nhello\r\n";
        assert_eq!(part_of_whole(raw, "1").unwrap().as_ref(), b"hello\r\n");
        let bare = b"Subject: x\n\nhi\n";
        assert_eq!(part_of_whole(bare, "1").unwrap().as_ref(), b"hi\n");
    }

    #[test]
    fn multipart_goes_through_the_parser() {
        let raw = b"Content-Type: multipart/mixed;\r\n boundary=\"B\"\r\n\r\n--B\r\n\
            Content-Type: text/plain\r\n\r\nfirst\r\n--B\r\nContent-Type: text/plain\r\n\r\n\
            second\r\n--B--\r\n";
        let one = part_of_whole(raw, "1").unwrap();
        assert!(String::from_utf8_lossy(&one).starts_with("first"));
        let two = part_of_whole(raw, "2").unwrap();
        assert!(String::from_utf8_lossy(&two).starts_with("second"));
    }
}
