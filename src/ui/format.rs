//! Localized dates, sizes and counts for the window (patterns come from the Fluent files).
use crate::i18n::Localizer;
use chrono::{DateTime, Local, TimeZone};
use fluent_bundle::FluentArgs;

/// "1,200": digit grouping as both English and Japanese write it.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte size: "512 B", "12 KB", "3.4 MB".
pub fn size(tr: &Localizer, bytes: u64) -> String {
    let mut args = FluentArgs::new();
    let (key, value) = if bytes < 1024 {
        ("size-bytes", bytes.to_string())
    } else if bytes < 1024 * 1024 {
        ("size-kb", (bytes / 1024).to_string())
    } else {
        (
            "size-mb",
            format!("{:.1}", bytes as f64 / (1024.0 * 1024.0)),
        )
    };
    args.set("n", value);
    tr.tr(key, Some(&args))
}

fn local(ts: i64) -> Option<DateTime<Local>> {
    Local.timestamp_opt(ts, 0).single()
}

/// The list's date column: the time for today's mail, else the date.
pub fn short_date(tr: &Localizer, ts: i64, now: i64) -> String {
    let (Some(d), Some(n)) = (local(ts), local(now)) else {
        return String::new();
    };
    let key = if d.date_naive() == n.date_naive() {
        "format-time"
    } else {
        "format-date"
    };
    d.format(&tr.tr(key, None)).to_string()
}

/// Date and time in full (reader header, sync view).
pub fn long_date(tr: &Localizer, ts: i64) -> String {
    local(ts).map_or_else(String::new, |d| {
        d.format(&tr.tr("format-datetime", None)).to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_sizes_and_dates_follow_the_language() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1200), "1,200");
        assert_eq!(count(100_000), "100,000");
        let en = Localizer::new("en");
        let ja = Localizer::new("ja");
        assert_eq!(size(&en, 2048), "2 KB");
        assert_eq!(size(&ja, 3 * 1024 * 1024), "3.0 MB");
        let ts = 1_790_000_000; // 2026-09-21
        let later = ts + 40 * 86_400;
        assert!(short_date(&en, ts, later).contains("2026"));
        assert!(short_date(&ja, ts, later).contains('年'));
        assert!(short_date(&en, ts, ts).contains(':'));
    }
}
