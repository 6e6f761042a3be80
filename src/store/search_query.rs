//! The search syntax people know from Gmail and Thunderbird: free words and "quoted phrases"
//! (each must match a header or the body text), and operators `from:`, `to:`, `subject:`,
//! `has:attachment`, `is:unread`, `is:read`, `is:flagged`, `before:`/`after:` (YYYY-MM-DD, in
//! local time; `before:` is exclusive, `after:` inclusive of its day) and `in:FOLDER`. An
//! operator value may be quoted (`from:"Taro Yamada"`). A word with an unknown operator or an
//! invalid date is searched as text, so nothing typed is silently dropped.

/// One condition; a query matches a message when every condition does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word or phrase in the subject, sender, recipients or body text.
    Text(String),
    From(String),
    To(String),
    Subject(String),
    HasAttachment,
    Unread,
    Read,
    Flagged,
    /// Sent before this instant (Unix seconds).
    Before(i64),
    /// Sent at or after this instant (Unix seconds).
    After(i64),
    /// In the folder with this name (as shown, or its role: inbox, sent, drafts, trash…).
    In(String),
}

/// Splits the query into words, a double-quoted run being one word (its quotes removed);
/// `op:"a b"` stays one word with the value unquoted.
fn words(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut had_quote = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                had_quote = true;
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() || had_quote {
                    out.push(std::mem::take(&mut cur));
                }
                had_quote = false;
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter().filter(|w| !w.trim().is_empty()).collect()
}

/// Midnight (local time) at the start of `YYYY-MM-DD`, as Unix seconds.
fn day_start(s: &str) -> Option<i64> {
    use chrono::TimeZone;
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let t = d.and_hms_opt(0, 0, 0)?;
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.timestamp())
}

/// The conditions of a query, in the order typed.
pub fn parse(q: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    for w in words(q) {
        let term = match w.split_once(':') {
            Some((op, v)) if !v.is_empty() => match (op.to_ascii_lowercase().as_str(), v) {
                ("from", v) => Some(Term::From(v.to_string())),
                ("to", v) => Some(Term::To(v.to_string())),
                ("subject", v) => Some(Term::Subject(v.to_string())),
                ("in", v) => Some(Term::In(v.to_string())),
                ("has", v) if v.eq_ignore_ascii_case("attachment") => Some(Term::HasAttachment),
                ("is", v) if v.eq_ignore_ascii_case("unread") => Some(Term::Unread),
                ("is", v) if v.eq_ignore_ascii_case("read") => Some(Term::Read),
                ("is", v) if v.eq_ignore_ascii_case("flagged") || v == "starred" => {
                    Some(Term::Flagged)
                }
                ("before", v) => day_start(v).map(Term::Before),
                ("after", v) => day_start(v).map(Term::After),
                _ => None,
            },
            _ => None,
        };
        terms.push(term.unwrap_or(Term::Text(w)));
    }
    terms
}

/// Characters written without spaces between words (Han, kana, Hangul): the body index
/// keeps their pairs, so one or two of them can be searched.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007 // 々 〇
        | 0x3040..=0x30FF // hiragana, katakana (with ー)
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F // half-width katakana
        | 0x20000..=0x3FFFF)
}

/// The text the pair index holds for `text`: for each run of CJK characters its overlapping
/// pairs and its last character, space-separated ("東京の会議" → "東京 京の の会 会議 議").
/// Two characters are then one token and one character the prefix of one.
pub fn cjk_pairs(text: &str) -> String {
    let mut out = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        for w in run.windows(2) {
            out.push(w[0]);
            out.push(w[1]);
            out.push(' ');
        }
        if let Some(last) = run.last() {
            out.push(*last);
            out.push(' ');
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out.truncate(out.trim_end().len());
    out
}

/// How a text term is looked up in the body index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyMatch {
    /// Three characters or more: a phrase in the trigram index.
    Trigram(String),
    /// One or two CJK characters: a token (or token prefix) in the pair index.
    Pair(String),
    /// One or two other characters: too short for the body index; headers only.
    HeadersOnly,
}

pub fn body_match(text: &str) -> BodyMatch {
    let n = text.chars().count();
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    if n >= 3 {
        BodyMatch::Trigram(quote(text))
    } else if text.chars().all(is_cjk) {
        match n {
            1 => BodyMatch::Pair(format!("{} *", quote(text))),
            _ => BodyMatch::Pair(quote(text)),
        }
    } else {
        BodyMatch::HeadersOnly
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_operators_and_phrases() {
        let t = parse(r#"from:taro 会議 "next week" has:attachment is:unread in:仕事 foo:bar"#);
        assert_eq!(
            t,
            vec![
                Term::From("taro".into()),
                Term::Text("会議".into()),
                Term::Text("next week".into()),
                Term::HasAttachment,
                Term::Unread,
                Term::In("仕事".into()),
                Term::Text("foo:bar".into()),
            ]
        );
        assert_eq!(
            parse(r#"from:"Taro Yamada" subject:"Q3 report""#),
            vec![
                Term::From("Taro Yamada".into()),
                Term::Subject("Q3 report".into())
            ]
        );
    }

    #[test]
    fn dates_are_local_days_and_bad_ones_are_text() {
        let t = parse("before:2026-11-01 after:2026-10-01 before:2026-13-01");
        let (Term::Before(b), Term::After(a)) = (&t[0], &t[1]) else {
            panic!("{t:?}")
        };
        assert_eq!(b - a, 31 * 86400, "{t:?}");
        assert_eq!(t[2], Term::Text("before:2026-13-01".into()));
    }

    #[test]
    fn pairs_of_cjk_runs() {
        assert_eq!(cjk_pairs("東京の会議"), "東京 京の の会 会議 議");
        assert_eq!(cjk_pairs("Meeting in 東京, 本社 at 10"), "東京 京 本社 社");
        assert_eq!(cjk_pairs("no cjk here"), "");
        assert_eq!(cjk_pairs("本"), "本");
    }

    #[test]
    fn short_queries_go_to_the_pair_index() {
        assert_eq!(body_match("東京"), BodyMatch::Pair("\"東京\"".into()));
        assert_eq!(body_match("本"), BodyMatch::Pair("\"本\" *".into()));
        assert_eq!(body_match("ab"), BodyMatch::HeadersOnly);
        assert_eq!(
            body_match("会議室"),
            BodyMatch::Trigram("\"会議室\"".into())
        );
    }
}
