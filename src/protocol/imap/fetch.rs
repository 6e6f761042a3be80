//! FETCH: headers for the list, flags for resync, single parts on demand.
use super::bodystructure::{has_attachments, parts_from_bodystructure};
use super::envelope::envelope_fields;
use super::{FrameReader, ImapConn, ImapError, Result, uid_set};
use crate::model::{Flags, HeaderInfo, Uid};
use async_imap::imap_proto::{AttributeValue, MailboxDatum, RequestId, Response, Status};
use std::borrow::Cow;

/// The FETCH items of a header-only sync (also used by the benchmark's raw reader).
pub const HEADER_FETCH_ITEMS: &str = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE \
     BODY.PEEK[HEADER.FIELDS (REFERENCES)])";

/// A UID set as servers send it (`1:5,7,9:12`; a range may run either way), or None when
/// it is not one.
fn parse_uid_set(set: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for part in set.split(',') {
        match part.split_once(':') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                out.extend(a.min(b)..=a.max(b));
            }
            None => out.push(part.parse().ok()?),
        }
    }
    Some(out)
}

pub fn parse_flags(list: &[Cow<'_, str>]) -> Flags {
    let mut f = Flags::default();
    for s in list {
        match s.to_ascii_lowercase().as_str() {
            "\\seen" => f.seen = true,
            "\\flagged" => f.flagged = true,
            "\\answered" => f.answered = true,
            "\\draft" => f.draft = true,
            "\\deleted" => f.deleted = true,
            "$forwarded" => f.forwarded = true,
            _ => {}
        }
    }
    f
}

/// Parses "17-Jul-1996 02:44:25 -0700" (the day may be space-padded: " 7-Jul-1996").
/// By hand: chrono's format-string parser reads its format again on every call, 5% of the
/// CPU of reading a 100k header sync.
pub(super) fn parse_internal_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut words = s.split_ascii_whitespace();
    let (date, time, zone) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let mut d = date.split('-');
    let (day, month, year) = (d.next()?, d.next()?, d.next()?);
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as u32 + 1;
    let mut t = time.split(':');
    let (h, m, sec) = (t.next()?, t.next()?, t.next()?);
    if d.next().is_some() || t.next().is_some() {
        return None;
    }
    let num = |x: &str| -> Option<u32> {
        (!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
    };
    let at = chrono::NaiveDate::from_ymd_opt(num(year)? as i32, month, num(day)?)?.and_hms_opt(
        num(h)?,
        num(m)?,
        num(sec)?,
    )?;
    let (sign, hhmm) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if hhmm.len() != 4 {
        return None;
    }
    let offset = i64::from(num(&hhmm[..2])? * 3600 + num(&hhmm[2..])? * 60);
    Some(at.and_utc().timestamp() - sign * offset)
}

fn references_from_header(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut in_refs = false;
    for line in text.split("\r\n").flat_map(|l| l.split('\n')) {
        if line.starts_with(' ') || line.starts_with('\t') {
            if in_refs {
                out.push(' ');
                out.push_str(line.trim());
            }
        } else if let Some(rest) = line
            .split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case("references"))
            .map(|(_, v)| v)
        {
            in_refs = true;
            out.push_str(rest.trim());
        } else {
            in_refs = false;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn header_from_attrs(attrs: &[AttributeValue<'_>]) -> Option<HeaderInfo> {
    let mut h = HeaderInfo::bare(Uid(0), 0, 0, Flags::default(), None);
    let mut have_uid = false;
    let mut have_envelope = false;
    let mut env_date = None;
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => {
                h.uid = Uid(*u);
                have_uid = true;
            }
            AttributeValue::Flags(f) => h.flags = parse_flags(f),
            AttributeValue::InternalDate(d) => {
                h.internal_date = parse_internal_date(d).unwrap_or(0)
            }
            AttributeValue::Rfc822Size(s) => h.size = u64::from(*s),
            AttributeValue::ModSeq(m) => h.modseq = Some(*m),
            AttributeValue::Envelope(env) => {
                have_envelope = true;
                let e = envelope_fields(env);
                h.subject = e.subject;
                h.from = e.from;
                h.to = e.to;
                h.cc = e.cc;
                h.message_id = e.message_id;
                h.in_reply_to = e.in_reply_to;
                env_date = e.date;
            }
            AttributeValue::BodyStructure(bs) => {
                h.parts = parts_from_bodystructure(bs);
                h.has_attachments = has_attachments(&h.parts);
            }
            AttributeValue::BodySection {
                data: Some(data), ..
            } => h.references = references_from_header(data),
            _ => {}
        }
    }
    h.date = env_date.unwrap_or(h.internal_date);
    // Unsolicited FETCH (a flag change mid-command) carries no envelope: not a header.
    (have_uid && have_envelope).then_some(h)
}

impl ImapConn {
    /// Fetches headers (no bodies) of the given UIDs in the selected folder.
    pub async fn fetch_headers(&mut self, uids: &[u32]) -> Result<Vec<HeaderInfo>> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let items = if self.condstore_on {
            HEADER_FETCH_ITEMS.replacen("(UID", "(UID MODSEQ", 1)
        } else {
            HEADER_FETCH_ITEMS.to_string()
        };
        let mut out = Vec::with_capacity(uids.len());
        self.raw(&format!("UID FETCH {} {items}", uid_set(uids)), |r| {
            if let Response::Fetch(_, attrs) = r
                && let Some(h) = header_from_attrs(attrs)
            {
                out.push(h);
            }
        })
        .await?;
        Ok(out)
    }

    /// Fetches the headers of `chunks` (UID lists) in order, with the next chunk's FETCH
    /// already on the wire while one is read (the server never waits for us between
    /// batches). `on_batch` gets each chunk's headers; returning false stops (the rest is
    /// still read off the wire, so the connection stays usable).
    pub async fn fetch_header_batches<F>(&mut self, chunks: &[&[u32]], on_batch: F) -> Result<()>
    where
        F: FnMut(Vec<HeaderInfo>) -> bool,
    {
        let items = if self.condstore_on {
            HEADER_FETCH_ITEMS.replacen("(UID", "(UID MODSEQ", 1)
        } else {
            HEADER_FETCH_ITEMS.to_string()
        };
        self.fetch_batches(chunks, &items, header_from_attrs, on_batch)
            .await
    }

    /// Pipelined `UID FETCH <chunk> <items>`, two commands on the wire at a time; each
    /// FETCH response is turned into a `T` by `conv` (None: not one of ours, e.g. an
    /// unsolicited flag change) and each chunk's `T`s handed to `on_batch` in order.
    pub(super) async fn fetch_batches<T, C, F>(
        &mut self,
        chunks: &[&[u32]],
        items: &str,
        conv: C,
        mut on_batch: F,
    ) -> Result<()>
    where
        C: Fn(&[AttributeValue<'_>]) -> Option<T>,
        F: FnMut(Vec<T>) -> bool,
    {
        let command = |uids: &[u32]| format!("UID FETCH {} {items}", uid_set(uids));
        let mut tags = std::collections::VecDeque::new();
        let mut next = 0;
        let mut go_on = true;
        while next < chunks.len() && tags.len() < 2 {
            tags.push_back(self.session.run_command(&command(chunks[next])).await?);
            next += 1;
        }
        // Every response due answers one of these commands: they are read whole by our
        // framing reader and parsed once each (async-imap's stream would re-parse a
        // response each time more of it arrives, in fresh zeroed 4 KiB blocks).
        let mut reader = FrameReader::new();
        let mut completed: Vec<RequestId> = Vec::new();
        while let Some(tag) = tags.pop_front() {
            if go_on && next < chunks.len() {
                tags.push_back(self.session.run_command(&command(chunks[next])).await?);
                next += 1;
            }
            let mut out = Vec::new();
            while !completed.contains(&tag) {
                let bytes = reader.next_raw(self).await?;
                let resp = match Response::parse(bytes) {
                    Ok((_, r)) => r,
                    Err(_) => {
                        return Err(ImapError::Protocol(format!(
                            "the server sent a response that is not valid IMAP: {}",
                            super::one_line(&String::from_utf8_lossy(bytes), 80)
                        )));
                    }
                };
                match resp {
                    Response::Fetch(_, attrs) => out.extend(conv(&attrs)),
                    Response::Done {
                        tag: t,
                        status,
                        outcome,
                    } => {
                        let text = outcome.information.as_deref().unwrap_or("").to_string();
                        match status {
                            Status::Ok => completed.push(t),
                            Status::No => return Err(ImapError::No(text)),
                            _ => return Err(ImapError::Bad(text)),
                        }
                    }
                    Response::Data {
                        status: Status::Bye,
                        ..
                    } => return Err(ImapError::ConnectionLost),
                    _ => {}
                }
            }
            completed.retain(|t| *t != tag);
            if go_on {
                go_on = on_batch(out);
            }
        }
        Ok(())
    }

    /// All UIDs of the selected folder (ascending). With ESEARCH (RFC 4731) the server
    /// answers with ranges (`1:100000`), not 100,000 numbers to parse one by one (a tenth
    /// of a first sync's CPU); imap-proto cannot parse ESEARCH, so its one line is read by
    /// our framing reader.
    pub async fn all_uids(&mut self) -> Result<Vec<u32>> {
        self.uids_where("ALL").await
    }

    /// The UIDs of the selected folder's messages that match `criteria` (a SEARCH key such
    /// as `ALL` or `LARGER 1000`), ascending.
    pub async fn uids_where(&mut self, criteria: &str) -> Result<Vec<u32>> {
        if self
            .caps
            .all
            .iter()
            .any(|c| c.eq_ignore_ascii_case("ESEARCH"))
        {
            return self.uids_esearch(criteria).await;
        }
        let mut uids = Vec::new();
        self.raw(&format!("UID SEARCH {criteria}"), |r| {
            if let Response::MailboxData(MailboxDatum::Search(v)) = r {
                uids.extend_from_slice(v);
            }
        })
        .await?;
        uids.sort_unstable();
        Ok(uids)
    }

    async fn uids_esearch(&mut self, criteria: &str) -> Result<Vec<u32>> {
        let tag = self
            .session
            .run_command(&format!("UID SEARCH RETURN (ALL) {criteria}"))
            .await?;
        let mut reader = FrameReader::new();
        let mut uids = Vec::new();
        loop {
            let bytes = reader.next_raw(self).await?;
            match super::bulk::completion(bytes)? {
                Some((t, None)) if t == tag => {
                    uids.sort_unstable();
                    return Ok(uids);
                }
                Some((t, Some(words))) if t == tag => return Err(ImapError::No(words)),
                Some(_) => continue,
                None => {}
            }
            let line = String::from_utf8_lossy(bytes);
            let mut words = line.trim_end().trim_start_matches("* ").split(' ');
            match words.next() {
                Some(w) if w.eq_ignore_ascii_case("ESEARCH") => {
                    let mut words = words.skip_while(|w| !w.eq_ignore_ascii_case("ALL"));
                    if let (Some(_), Some(set)) = (words.next(), words.next()) {
                        uids = parse_uid_set(set).ok_or_else(|| {
                            ImapError::Protocol(format!("unreadable ESEARCH answer: {set}"))
                        })?;
                    }
                }
                Some(w) if w.eq_ignore_ascii_case("BYE") => return Err(ImapError::ConnectionLost),
                _ => {}
            }
        }
    }

    /// Flags of every message (`changed_since = None`) or of those changed since a modseq.
    pub async fn fetch_flags(
        &mut self,
        range: &str,
        changed_since: Option<u64>,
    ) -> Result<Vec<(Uid, Flags, Option<u64>)>> {
        let cmd = match changed_since {
            Some(m) if self.condstore_on => {
                format!("UID FETCH {range} (UID FLAGS) (CHANGEDSINCE {m})")
            }
            _ => format!("UID FETCH {range} (UID FLAGS)"),
        };
        let mut out = Vec::new();
        self.raw(&cmd, |r| {
            if let Response::Fetch(_, attrs) = r {
                let mut uid = None;
                let mut flags = Flags::default();
                let mut modseq = None;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = Some(Uid(*u)),
                        AttributeValue::Flags(f) => flags = parse_flags(f),
                        AttributeValue::ModSeq(m) => modseq = Some(*m),
                        _ => {}
                    }
                }
                if let Some(u) = uid {
                    out.push((u, flags, modseq));
                }
            }
        })
        .await?;
        Ok(out)
    }

    /// Fetches one body section ("1.2", or "" for the whole raw message) without setting \Seen.
    pub async fn fetch_section(&mut self, uid: Uid, section: &str) -> Result<Vec<u8>> {
        let mut data: Option<Vec<u8>> = None;
        self.raw(
            &format!("UID FETCH {} (UID BODY.PEEK[{section}])", uid.0),
            |r| {
                if let Response::Fetch(_, attrs) = r {
                    let mut this_uid = None;
                    let mut body = None;
                    for a in attrs {
                        match a {
                            AttributeValue::Uid(u) => this_uid = Some(*u),
                            AttributeValue::BodySection { data: d, .. } => {
                                body = Some(d.as_deref().unwrap_or_default().to_vec())
                            }
                            AttributeValue::Rfc822(d) => {
                                body = Some(d.as_deref().unwrap_or_default().to_vec())
                            }
                            _ => {}
                        }
                    }
                    if this_uid == Some(uid.0) && body.is_some() {
                        data = body;
                    }
                }
            },
        )
        .await?;
        data.ok_or_else(|| {
            ImapError::No(format!("message UID {} is no longer on the server", uid.0))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_as_servers_send_them() {
        assert_eq!(
            parse_uid_set("1:3,7,12:10"),
            Some(vec![1, 2, 3, 7, 10, 11, 12])
        );
        assert_eq!(parse_uid_set("5"), Some(vec![5]));
        assert_eq!(parse_uid_set("1:x"), None);
        assert_eq!(parse_uid_set(""), None);
    }

    #[test]
    fn references_unfold() {
        let raw = b"References: <a@x>\r\n <b@y>\r\n\r\n";
        assert_eq!(references_from_header(raw).as_deref(), Some("<a@x> <b@y>"));
        assert_eq!(references_from_header(b"\r\n"), None);
    }

    #[test]
    fn internal_dates_parse() {
        assert_eq!(
            parse_internal_date("17-Jul-1996 02:44:25 -0700"),
            Some(837596665)
        );
        assert_eq!(
            parse_internal_date(" 7-Jul-1996 09:44:25 +0000"),
            Some(837596665 - 10 * 86400)
        );
        assert_eq!(
            parse_internal_date("01-Dec-2026 10:00:00 +0900"),
            Some(1_796_086_800)
        );
        for bad in [
            "",
            "17-Jul-1996",
            "17-Foo-1996 02:44:25 -0700",
            "32-Jul-1996 02:44:25 -0700",
            "17-Jul-1996 02:44 -0700",
            "17-Jul-1996 02:44:25 0700",
            "17-Jul-1996 02:44:25 -07",
            "17-Jul-1996 +2:44:25 -0700",
        ] {
            assert_eq!(parse_internal_date(bad), None, "{bad:?}");
        }
    }
}
