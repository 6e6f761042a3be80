//! Search matches marked where they are shown: the words of the query (free words and
//! phrases for every field, `from:` values in the sender, `subject:` values in the subject)
//! found again, case-insensitively, in the text the list and the reader draw.
use crate::store::search_query::{Term, parse};

/// Where a text is drawn, for which of the query's words apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Sender,
    Subject,
    Body,
}

/// The words of `query` that mark matches in `field`.
pub fn terms(query: &str, field: Field) -> Vec<String> {
    parse(query)
        .into_iter()
        .filter_map(|t| match (t, field) {
            (Term::Text(w), _) => Some(w),
            (Term::From(w), Field::Sender) => Some(w),
            (Term::Subject(w), Field::Subject) => Some(w),
            _ => None,
        })
        .filter(|w| !w.trim().is_empty())
        .collect()
}

/// `text` cut into runs, `true` for a run that matches one of `terms`.
pub fn split(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    if terms.is_empty() || text.is_empty() {
        return vec![(text.to_string(), false)];
    }
    // Case-folded per character, so byte positions map back to the original text.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let folded: Vec<char> = chars
        .iter()
        .map(|(_, c)| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let needles: Vec<Vec<char>> = terms
        .iter()
        .map(|t| {
            t.chars()
                .map(|c| c.to_lowercase().next().unwrap_or(c))
                .collect()
        })
        .filter(|n: &Vec<char>| !n.is_empty())
        .collect();
    let mut marked = vec![false; chars.len()];
    for n in &needles {
        let mut i = 0;
        while i + n.len() <= folded.len() {
            if folded[i..i + n.len()] == n[..] {
                marked[i..i + n.len()].iter_mut().for_each(|m| *m = true);
                i += n.len();
            } else {
                i += 1;
            }
        }
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    for (k, (_, c)) in chars.iter().enumerate() {
        match out.last_mut() {
            Some((s, m)) if *m == marked[k] => s.push(*c),
            _ => out.push((c.to_string(), marked[k])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_the_query_mark_their_fields() {
        assert_eq!(
            terms("会議 from:taro is:unread", Field::Sender),
            ["会議", "taro"]
        );
        assert_eq!(terms("会議 from:taro", Field::Body), ["会議"]);
        assert_eq!(
            terms("subject:report \"next week\"", Field::Subject),
            ["report", "next week"]
        );
        let runs = split(
            "Next week's Meeting: 会議室",
            &["meeting".into(), "会議".into()],
        );
        assert_eq!(
            runs,
            [
                ("Next week's ".to_string(), false),
                ("Meeting".to_string(), true),
                (": ".to_string(), false),
                ("会議".to_string(), true),
                ("室".to_string(), false),
            ]
        );
        assert_eq!(split("abc", &[]), [("abc".to_string(), false)]);
    }
}
