//! Reading the answers to pipelined commands (body and header FETCHes, ESEARCH) straight
//! off the guarded stream.
//!
//! Why not async-imap here: its stream allocates and zeroes a fresh 4 KiB block for every
//! decode attempt, re-parses a response each time more of it arrives, and reads at most
//! 4 KiB at a time; for 100,000 small messages that cost about a third of the download's
//! CPU on our side (measured with `perf`, `cargo bench --bench sync`), CPU the server then
//! lacks on a small machine. This reader keeps one buffer, reads 64 KiB at a time and hands
//! out each whole response once ([`FrameReader::next_raw`]), for imap-proto to parse (the
//! header sync) or for the small parser here that understands only what a body FETCH answer
//! holds ([`FrameReader::next_body`]): `* n FETCH (...)` with UID and `BODY[section]` (a
//! literal, a quoted string or NIL) among other items, other untagged responses (skipped),
//! `* BYE`, and the tagged completions.
//!
//! It reads through the same guard as async-imap (timeouts, line and literal caps). It is
//! used only while every response still due answers one of its own commands, which are
//! all read to their completion before async-imap reads again: servers send nothing
//! between a command's completion and the next command, so async-imap's buffer holds
//! nothing this reader would miss.
use super::{BodyEvent, ImapConn, ImapError, Result};
use async_imap::imap_proto::RequestId;
use tokio::io::AsyncReadExt;

/// Bytes asked of the stream per read.
const READ: usize = 64 * 1024;

/// The reader's buffer; keep one per run of pipelined commands.
#[derive(Debug, Default)]
pub struct FrameReader {
    buf: Vec<u8>,
    pos: usize,
}

impl FrameReader {
    pub fn new() -> FrameReader {
        FrameReader::default()
    }

    /// True when nothing read is left unparsed (checked when a run ends).
    pub fn is_drained(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// Reads more; returns by how much the unread bytes moved towards the front.
    async fn fill(&mut self, conn: &mut ImapConn) -> Result<usize> {
        let mut moved = 0;
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            moved = self.pos;
            self.pos = 0;
        }
        self.buf.reserve(READ);
        let io = conn.session.get_mut();
        let n = io.read_buf(&mut self.buf).await?;
        if n == 0 {
            return Err(ImapError::ConnectionLost);
        }
        Ok(moved)
    }

    /// The next whole response as the server sent it (lines with their CRLF, literals in
    /// place), for a parser that wants it in one piece: parsed once, never again because
    /// its end had not arrived yet.
    pub async fn next_raw(&mut self, conn: &mut ImapConn) -> Result<&[u8]> {
        let mut line_start = self.pos;
        let mut scan = self.pos;
        loop {
            let Some(i) = self.buf[scan..].iter().position(|b| *b == b'\n') else {
                scan = self.buf.len();
                let moved = self.fill(conn).await?;
                scan -= moved;
                line_start -= moved;
                continue;
            };
            let eol = scan + i;
            let line = &self.buf[line_start..eol];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(n) = literal_size(line) else {
                let start = self.pos;
                self.pos = eol + 1;
                return Ok(&self.buf[start..eol + 1]);
            };
            // The literal's bytes follow the line end.
            while self.buf.len() < scan + i + 1 + n {
                scan -= self.fill(conn).await?;
            }
            line_start = scan + i + 1 + n;
            scan = line_start;
        }
    }

    /// Reads until a body arrives or one of the commands completes.
    pub async fn next_body(&mut self, conn: &mut ImapConn) -> Result<BodyEvent> {
        loop {
            if let Some(ev) = parse(self.next_raw(conn).await?)? {
                return Ok(ev);
            }
        }
    }
}

/// The size in a literal announcement `{123}` / `~{123}` / `{123+}` ending `line`.
fn literal_size(line: &[u8]) -> Option<usize> {
    std::str::from_utf8(super::guard::literal_size(line)?)
        .ok()?
        .parse()
        .ok()
}

/// The tagged completion `raw` is, if it is one: its tag, and the server's words when it
/// said NO. BAD is an error; a continuation request (`+`) in the middle of pipelined
/// reads is one too.
pub(super) fn completion(raw: &[u8]) -> Result<Option<(RequestId, Option<String>)>> {
    let text = raw.strip_suffix(b"\r\n").unwrap_or(raw);
    if text.starts_with(b"* ") {
        return Ok(None);
    }
    if text.starts_with(b"+") {
        return Err(ImapError::Protocol(
            "the server asked for more data in the middle of a download".into(),
        ));
    }
    let sp = text.iter().position(|b| *b == b' ').unwrap_or(text.len());
    let tag = RequestId(String::from_utf8_lossy(&text[..sp]).into_owned());
    let rest = text.get(sp + 1..).unwrap_or_default();
    let st_end = rest.iter().position(|b| *b == b' ').unwrap_or(rest.len());
    let words = String::from_utf8_lossy(rest.get(st_end + 1..).unwrap_or_default()).into_owned();
    let status = &rest[..st_end];
    if status.eq_ignore_ascii_case(b"OK") {
        Ok(Some((tag, None)))
    } else if status.eq_ignore_ascii_case(b"NO") {
        Ok(Some((tag, Some(words))))
    } else {
        Err(ImapError::Bad(words))
    }
}

/// What one response (as [`FrameReader::next_raw`] gives it) means to a body download: a
/// body, a completion, or nothing (None).
fn parse(raw: &[u8]) -> Result<Option<BodyEvent>> {
    if let Some((tag, refused)) = completion(raw)? {
        return Ok(Some(BodyEvent::Done { tag, refused }));
    }
    let rest = &raw[2..];
    let word_end = rest
        .iter()
        .position(|b| matches!(b, b' ' | b'\r'))
        .unwrap_or(rest.len());
    let (first, after) = rest.split_at(word_end);
    if first.eq_ignore_ascii_case(b"BYE") {
        return Err(ImapError::ConnectionLost);
    }
    let after = after.strip_prefix(b" ").unwrap_or(after);
    if !first.iter().all(u8::is_ascii_digit) || after.len() < 7 {
        return Ok(None);
    }
    let (kw, items) = after.split_at(5);
    if !kw.eq_ignore_ascii_case(b"FETCH") || !items.starts_with(b" (") {
        return Ok(None);
    }
    Ok(fetch_items(raw, raw.len() - items.len() + 2))
}

/// A cursor over a response as the server sent it (literals in place).
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

/// One item value.
enum Value {
    Nil,
    Number(u32),
    /// A quoted string's bytes (escapes removed).
    Quoted(Vec<u8>),
    /// Where a literal's bytes are in the response.
    Literal(std::ops::Range<usize>),
    /// A list or an atom we do not look into.
    Other,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// An item name, with its `[section]` and `<origin>` if any: (name, section).
    fn name(&mut self) -> (&[u8], Option<&[u8]>) {
        let start = self.at;
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'[' | b'(' | b')') {
                break;
            }
            self.at += 1;
        }
        let name = &self.text[start..self.at];
        let mut section = None;
        if self.peek() == Some(b'[') {
            let s = self.at + 1;
            while let Some(b) = self.peek() {
                self.at += 1;
                if b == b']' {
                    break;
                }
            }
            section = self.text.get(s..self.at.saturating_sub(1));
            if self.peek() == Some(b'<') {
                while let Some(b) = self.peek() {
                    self.at += 1;
                    if b == b'>' {
                        break;
                    }
                }
            }
        }
        (name, section)
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_spaces();
        match self.peek()? {
            b'"' => {
                self.at += 1;
                let mut out = Vec::new();
                while let Some(b) = self.peek() {
                    self.at += 1;
                    match b {
                        b'\\' => {
                            out.extend(self.peek());
                            self.at += 1;
                        }
                        b'"' => return Some(Value::Quoted(out)),
                        _ => out.push(b),
                    }
                }
                None
            }
            b'{' | b'~' => {
                // `{n}` (or `~{n}`), CRLF, then n bytes.
                let close = self.text[self.at..].iter().position(|b| *b == b'}')?;
                let n = literal_size(&self.text[self.at..self.at + close + 1])?;
                let eol = self.at + close + 1;
                let start = if self.text.get(eol) == Some(&b'\r') {
                    eol + 2
                } else {
                    eol + 1
                };
                let end = start.checked_add(n).filter(|e| *e <= self.text.len())?;
                self.at = end;
                Some(Value::Literal(start..end))
            }
            b'(' => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        b'"' => {
                            self.value()?;
                            continue;
                        }
                        b'{' | b'~' => {
                            self.value()?;
                            continue;
                        }
                        _ => {}
                    }
                    self.at += 1;
                    if depth == 0 {
                        return Some(Value::Other);
                    }
                }
                None
            }
            _ => {
                let start = self.at;
                while let Some(b) = self.peek() {
                    if matches!(b, b' ' | b')' | b'(' | b'\r') {
                        break;
                    }
                    self.at += 1;
                }
                let atom = &self.text[start..self.at];
                if atom.eq_ignore_ascii_case(b"NIL") {
                    Some(Value::Nil)
                } else if let Some(n) = std::str::from_utf8(atom).ok().and_then(|s| s.parse().ok())
                {
                    Some(Value::Number(n))
                } else {
                    Some(Value::Other)
                }
            }
        }
    }
}

/// The section of `BODY[...]` as the download names it: "" for the whole message, "1.2"
/// for a part; anything else ("HEADER", ...) is not ours: "?".
fn section_name(s: &[u8]) -> String {
    if s.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        String::from_utf8_lossy(s).into_owned()
    } else {
        "?".to_string()
    }
}

/// The UID and body of a FETCH's item list starting at `start` (just inside its `(`).
fn fetch_items(raw: &[u8], start: usize) -> Option<BodyEvent> {
    let mut c = Cursor {
        text: raw,
        at: start,
    };
    let mut uid = None;
    let mut body: Option<(String, Value)> = None;
    loop {
        c.skip_spaces();
        match c.peek() {
            None | Some(b')' | b'\r') => break,
            _ => {}
        }
        let before = c.at;
        let (name, section) = c.name();
        let is_uid = name.eq_ignore_ascii_case(b"UID");
        let is_body = section.is_some() && name.eq_ignore_ascii_case(b"BODY");
        let section = section.map(section_name);
        let v = c.value()?;
        if c.at == before {
            return None; // no progress: not a FETCH we understand
        }
        match (v, is_uid, is_body) {
            (Value::Number(n), true, _) => uid = Some(n),
            (v, _, true) => body = section.map(|s| (s, v)),
            _ => {}
        }
    }
    let (section, v) = body?;
    let data = match v {
        Value::Nil => None,
        Value::Quoted(q) => Some(q),
        Value::Literal(r) => Some(raw.get(r)?.to_vec()),
        Value::Number(n) => Some(n.to_string().into_bytes()),
        Value::Other => return None,
    };
    Some(BodyEvent::Body {
        uid: uid?,
        section,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response as the server sends it: each line but the last ends in a literal
    /// announcement, followed by CRLF and that literal's bytes.
    fn raw(lines: &[&str], literals: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(l) = literals.get(i) {
                out.extend_from_slice(l);
            }
        }
        out
    }

    fn body(r: &[u8]) -> (u32, String, Option<Vec<u8>>) {
        match parse(r) {
            Ok(Some(BodyEvent::Body { uid, section, data })) => (uid, section, data),
            other => panic!("not a body: {other:?}"),
        }
    }

    #[test]
    fn bodies_in_any_order_of_items() {
        let r = raw(&["* 3 FETCH (UID 12 BODY[] {5}", ")"], &[b"hello"]);
        assert_eq!(body(&r), (12, String::new(), Some(b"hello".to_vec())));
        let r = raw(
            &[
                "* 3 FETCH (BODY[1.2] {3}",
                " FLAGS (\\Seen $x) UID 7 MODSEQ (9))",
            ],
            &[b"abc"],
        );
        assert_eq!(body(&r), (7, "1.2".into(), Some(b"abc".to_vec())));
        let r = raw(&["* 1 fetch (uid 4 body[2] NIL)"], &[]);
        assert_eq!(body(&r), (4, "2".into(), None));
        let r = raw(&[r#"* 1 FETCH (UID 4 BODY[1]<0> "a \"b\" \\c")"#], &[]);
        assert_eq!(body(&r), (4, "1".into(), Some(br#"a "b" \c"#.to_vec())));
    }

    #[test]
    fn a_literal_inside_another_item_does_not_shift_the_body() {
        let r = raw(
            &[
                "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {4}",
                " UID 9 BODY[] {2}",
                ")",
            ],
            &[b"Subj", b"ok"],
        );
        assert_eq!(body(&r), (9, String::new(), Some(b"ok".to_vec())));
    }

    #[test]
    fn other_responses_are_skipped_and_completions_carry_the_tag() {
        for line in [
            "* 5 EXISTS",
            "* 3 FETCH (FLAGS (\\Seen))",
            "* OK [ALERT] hello",
            "* 4 EXPUNGE",
        ] {
            assert!(matches!(parse(&raw(&[line], &[])), Ok(None)), "{line}");
        }
        match parse(&raw(&["A12 OK Fetch completed."], &[])) {
            Ok(Some(BodyEvent::Done { tag, refused: None })) => assert_eq!(tag.0, "A12"),
            other => panic!("{other:?}"),
        }
        match parse(&raw(&["A13 NO Some messages were expunged"], &[])) {
            Ok(Some(BodyEvent::Done {
                refused: Some(w), ..
            })) => assert!(w.contains("expunged")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(&raw(&["A14 BAD what"], &[])),
            Err(ImapError::Bad(_))
        ));
        assert!(matches!(
            parse(&raw(&["* BYE shutting down"], &[])),
            Err(ImapError::ConnectionLost)
        ));
    }

    #[test]
    fn literal_announcements() {
        assert_eq!(literal_size(b"* 1 FETCH (BODY[] {354}"), Some(354));
        assert_eq!(literal_size(b"x ~{12}"), Some(12));
        assert_eq!(literal_size(b"x {12+}"), Some(12));
        assert_eq!(literal_size(b"x {}"), None);
        assert_eq!(literal_size(b"x {1a}"), None);
        assert_eq!(literal_size(b"A1 OK done"), None);
    }
}
