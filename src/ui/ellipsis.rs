//! One-line text that fits: cuts a string to an estimated pixel width and ends it with "…".
//! iced 0.14's text has no ellipsis of its own; widths are estimated from the display width
//! (CJK counts as one em, Latin as about half), generously, and the cell also clips.
use unicode_width::UnicodeWidthChar;

/// Estimated width of `c` in ems of the interface font.
fn em(c: char) -> f32 {
    match c.width().unwrap_or(0) {
        0 => 0.0,
        2 => 1.0,
        _ if c == ' ' => 0.28,
        _ if c.is_ascii_uppercase() || "mwMW@%&".contains(c) => 0.64,
        _ if "iljtf.,:;'!|()[]".contains(c) => 0.3,
        _ => 0.55,
    }
}

/// Estimated width of `s` in pixels at font `size`.
pub fn width(s: &str, size: f32) -> f32 {
    s.chars().map(em).sum::<f32>() * size
}

/// `s` on one line (line breaks and tabs become spaces), cut to `max` pixels at `size` with
/// a trailing "…" when it does not fit.
pub fn fit(s: &str, max: f32, size: f32) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&one_line, size) <= max {
        return one_line;
    }
    let room = max - em('…') * size;
    let mut used = 0.0;
    let mut out = String::new();
    for c in one_line.chars() {
        used += em(c) * size;
        if used > room {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// One line of `s` at `size` within `width` pixels, never wrapped.
pub fn one_line<'a>(s: &str, size: f32, width: f32) -> iced::widget::Text<'a> {
    iced::widget::text(fit(s, width.max(40.0), size))
        .size(size)
        .wrapping(iced::widget::text::Wrapping::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(fit("Hello", 200.0, 14.0), "Hello");
        assert_eq!(fit("a\nb\tc", 200.0, 14.0), "a b c");
        let long = "Quarterly report: the numbers for every region, with comments";
        let cut = fit(long, 150.0, 14.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, 14.0) <= 150.0, "{cut}");
        assert!(cut.len() < long.len());
        let ja = "東京の会議についての資料と来週の予定のご案内";
        let cut = fit(ja, 100.0, 14.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, 14.0) <= 100.0);
        assert_eq!(
            cut.chars().count(),
            7,
            "six kanji of 14 px and the ellipsis: {cut}"
        );
        assert_eq!(fit("anything", 0.0, 14.0), "…");
    }
}
