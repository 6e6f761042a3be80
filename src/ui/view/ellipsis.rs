//! Text that must stay on one line (the status line, the composer's status): cut with an
//! ellipsis to the width it has, never wrapped onto a second line.
use iced::widget::{Text, text};

/// Rough width of `c` at font size `size`: CJK and other wide characters take a full em.
fn char_width(c: char, size: f32) -> f32 {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { size } else { size * 0.56 }
}

/// `s` cut to fit `width` pixels at `size`, with "…" when cut.
pub fn ellipsize(s: &str, size: f32, width: f32) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let total: f32 = s.chars().map(|c| char_width(c, size)).sum();
    if total <= width {
        return s;
    }
    let budget = width - char_width('…', size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += char_width(c, size);
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// One line of `s` at `size` within `width` pixels.
pub fn one_line<'a>(s: &str, size: f32, width: f32) -> Text<'a> {
    text(ellipsize(s, size, width.max(40.0)))
        .size(size)
        .wrapping(text::Wrapping::None)
}

#[cfg(test)]
mod tests {
    use super::ellipsize;

    #[test]
    fn long_text_is_cut_with_an_ellipsis_and_short_text_is_kept() {
        assert_eq!(ellipsize("Sent.", 13.0, 300.0), "Sent.");
        let cut = ellipsize(&"送信トレイにあります".repeat(10), 13.0, 130.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(cut.chars().count() <= 10, "{cut}");
        assert_eq!(ellipsize("a\nb", 13.0, 300.0), "a b");
    }
}
