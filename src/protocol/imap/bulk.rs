//! Reading the answers to pipelined body FETCHes straight off the guarded stream.
//!
//! Why not async-imap here: its stream allocates and zeroes a fresh 4 KiB block for every
//! decode attempt, copies what is left after each response into another one, and reads at
//! most 4 KiB at a time; for 100,000 small messages that cost about a third of the
//! download's CPU on our side (measured with `perf`, `cargo bench --bench sync`), CPU the
//! server then lacks on a small machine. This reader keeps one buffer, reads 64 KiB at a
//! time and understands only what a body FETCH answer holds: `* n FETCH (...)` with UID and
//! `BODY[section]` (a literal, a quoted string or NIL) among other items, other untagged
//! responses (skipped), `* BYE`, and the tagged completions.
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

/// One response, as read: its lines joined (each literal left as its `{n}` marker) and the
/// literals in order.
#[derive(Debug, Default)]
struct Raw {
    text: Vec<u8>,
    literals: Vec<Vec<u8>>,
}

/// The reader's buffer; keep one per run of pipelined commands.
#[derive(Debug, Default)]
pub struct BodyReader {
    buf: Vec<u8>,
    pos: usize,
    raw: Raw,
}

impl BodyReader {
    pub fn new() -> BodyReader {
        BodyReader::default()
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

    /// The next line, without its CRLF, appended to `raw.text`; returns the literal size
    /// announced at its end, if any.
    async fn line(&mut self, conn: &mut ImapConn) -> Result<Option<usize>> {
        let mut scanned = self.pos;
        let end = loop {
            if let Some(i) = self.buf[scanned..].iter().position(|b| *b == b'\n') {
                break scanned + i;
            }
            scanned = self.buf.len();
            // `fill` may move the unread bytes to the front.
            scanned -= self.fill(conn).await?;
        };
        let mut line = &self.buf[self.pos..end];
        line = line.strip_suffix(b"\r").unwrap_or(line);
        self.raw.text.extend_from_slice(line);
        self.pos = end + 1;
        Ok(literal_size(line))
    }

    async fn literal(&mut self, conn: &mut ImapConn, n: usize) -> Result<()> {
        while self.buf.len() - self.pos < n {
            self.fill(conn).await?;
        }
        self.raw
            .literals
            .push(self.buf[self.pos..self.pos + n].to_vec());
        self.pos += n;
        Ok(())
    }

    async fn response(&mut self, conn: &mut ImapConn) -> Result<()> {
        self.raw.text.clear();
        self.raw.literals.clear();
        while let Some(n) = self.line(conn).await? {
            self.literal(conn, n).await?;
        }
        Ok(())
    }

    /// Reads until a body arrives or one of the commands completes.
    pub async fn next(&mut self, conn: &mut ImapConn) -> Result<BodyEvent> {
        loop {
            self.response(conn).await?;
            if let Some(ev) = parse(&mut self.raw)? {
                return Ok(ev);
            }
        }
    }
}

/// The size in a literal announcement `{123}` / `~{123}` / `{123+}` ending `line`.
fn literal_size(line: &[u8]) -> Option<usize> {
    let l = line.strip_suffix(b"}")?;
    let l = l.strip_suffix(b"+").unwrap_or(l);
    let open = l.iter().rposition(|b| *b == b'{')?;
    let digits = &l[open + 1..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// What one response means to a body download: a body, a completion, or nothing (None).
fn parse(raw: &mut Raw) -> Result<Option<BodyEvent>> {
    let text = &raw.text;
    if let Some(rest) = text.strip_prefix(b"* ") {
        let word_end = rest.iter().position(|b| *b == b' ').unwrap_or(rest.len());
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
        let start = text.len() - items.len() + 2;
        return Ok(fetch_items(raw, start));
    }
    if text.starts_with(b"+") {
        return Err(ImapError::Protocol(
            "the server asked for more data in the middle of a download".into(),
        ));
    }
    let sp = text.iter().position(|b| *b == b' ').unwrap_or(text.len());
    let tag = String::from_utf8_lossy(&text[..sp]).into_owned();
    let rest = text.get(sp + 1..).unwrap_or_default();
    let st_end = rest.iter().position(|b| *b == b' ').unwrap_or(rest.len());
    let words = String::from_utf8_lossy(rest.get(st_end + 1..).unwrap_or_default()).into_owned();
    let status = &rest[..st_end];
    if status.eq_ignore_ascii_case(b"OK") {
        Ok(Some(BodyEvent::Done {
            tag: RequestId(tag),
            refused: None,
        }))
    } else if status.eq_ignore_ascii_case(b"NO") {
        Ok(Some(BodyEvent::Done {
            tag: RequestId(tag),
            refused: Some(words),
        }))
    } else {
        Err(ImapError::Bad(words))
    }
}

/// A cursor over a response's text; `{n}` markers stand for the literals in order.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    next_literal: usize,
}

/// One item value.
enum Value {
    Nil,
    Number(u32),
    /// A quoted string's bytes (escapes removed).
    Quoted(Vec<u8>),
    /// The index of a literal.
    Literal(usize),
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
                // `{n}` (or `~{n}`): the marker stands for the next literal.
                let close = self.text[self.at..].iter().position(|b| *b == b'}')?;
                self.at += close + 1;
                let i = self.next_literal;
                self.next_literal += 1;
                Some(Value::Literal(i))
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
                    if matches!(b, b' ' | b')' | b'(') {
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
fn fetch_items(raw: &mut Raw, start: usize) -> Option<BodyEvent> {
    let mut c = Cursor {
        text: &raw.text,
        at: start,
        next_literal: 0,
    };
    let mut uid = None;
    let mut body: Option<(String, Value)> = None;
    loop {
        c.skip_spaces();
        match c.peek() {
            None | Some(b')') => break,
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
        Value::Literal(i) => Some(std::mem::take(raw.literals.get_mut(i)?)),
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

    fn raw(lines: &[&str], literals: &[&[u8]]) -> Raw {
        Raw {
            text: lines.concat().into_bytes(),
            literals: literals.iter().map(|l| l.to_vec()).collect(),
        }
    }

    fn body(r: &mut Raw) -> (u32, String, Option<Vec<u8>>) {
        match parse(r) {
            Ok(Some(BodyEvent::Body { uid, section, data })) => (uid, section, data),
            other => panic!("not a body: {other:?}"),
        }
    }

    #[test]
    fn bodies_in_any_order_of_items() {
        let mut r = raw(&["* 3 FETCH (UID 12 BODY[] {5}", ")"], &[b"hello"]);
        assert_eq!(body(&mut r), (12, String::new(), Some(b"hello".to_vec())));
        let mut r = raw(
            &[
                "* 3 FETCH (BODY[1.2] {3}",
                " FLAGS (\\Seen $x) UID 7 MODSEQ (9))",
            ],
            &[b"abc"],
        );
        assert_eq!(body(&mut r), (7, "1.2".into(), Some(b"abc".to_vec())));
        let mut r = raw(&["* 1 fetch (uid 4 body[2] NIL)"], &[]);
        assert_eq!(body(&mut r), (4, "2".into(), None));
        let mut r = raw(&[r#"* 1 FETCH (UID 4 BODY[1]<0> "a \"b\" \\c")"#], &[]);
        assert_eq!(body(&mut r), (4, "1".into(), Some(br#"a "b" \c"#.to_vec())));
    }

    #[test]
    fn a_literal_inside_another_item_does_not_shift_the_body() {
        let mut r = raw(
            &[
                "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {4}",
                " UID 9 BODY[] {2}",
                ")",
            ],
            &[b"Subj", b"ok"],
        );
        assert_eq!(body(&mut r), (9, String::new(), Some(b"ok".to_vec())));
    }

    #[test]
    fn other_responses_are_skipped_and_completions_carry_the_tag() {
        for line in [
            "* 5 EXISTS",
            "* 3 FETCH (FLAGS (\\Seen))",
            "* OK [ALERT] hello",
            "* 4 EXPUNGE",
        ] {
            assert!(matches!(parse(&mut raw(&[line], &[])), Ok(None)), "{line}");
        }
        match parse(&mut raw(&["A12 OK Fetch completed."], &[])) {
            Ok(Some(BodyEvent::Done { tag, refused: None })) => assert_eq!(tag.0, "A12"),
            other => panic!("{other:?}"),
        }
        match parse(&mut raw(&["A13 NO Some messages were expunged"], &[])) {
            Ok(Some(BodyEvent::Done {
                refused: Some(w), ..
            })) => assert!(w.contains("expunged")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(&mut raw(&["A14 BAD what"], &[])),
            Err(ImapError::Bad(_))
        ));
        assert!(matches!(
            parse(&mut raw(&["* BYE shutting down"], &[])),
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
