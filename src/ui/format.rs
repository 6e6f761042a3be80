//! Localized dates, sizes and counts for the window (patterns come from the Fluent files).
use crate::i18n::Localizer;
use chrono::{DateTime, Datelike, Local, TimeZone};
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

/// The list's date column, relative to `now`: "14:05" today, the weekday within the last
/// six days, "Nov 3" this year, "2025-11-03" before (patterns and weekday names from Fluent).
pub fn short_date(tr: &Localizer, ts: i64, now: i64) -> String {
    let (Some(d), Some(n)) = (local(ts), local(now)) else {
        return String::new();
    };
    let (day, today) = (d.date_naive(), n.date_naive());
    if day == today {
        return d.format(&tr.tr("format-time", None)).to_string();
    }
    let days_ago = (today - day).num_days();
    if (1..7).contains(&days_ago) {
        let mut args = FluentArgs::new();
        args.set("day", i64::from(d.weekday().num_days_from_monday()));
        return tr.tr("format-weekday", Some(&args));
    }
    let key = if d.year() == n.year() && days_ago > 0 {
        "format-date-this-year"
    } else {
        "format-date-short"
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
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        Local
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.timestamp())
            .unwrap_or_default()
    }

    #[test]
    fn list_dates_are_relative_to_now() {
        let en = Localizer::new("en");
        let ja = Localizer::new("ja");
        // Thursday 2026-11-05 15:00.
        let now = at(2026, 11, 5, 15, 0);
        assert_eq!(short_date(&en, at(2026, 11, 5, 14, 5), now), "14:05");
        assert_eq!(short_date(&ja, at(2026, 11, 5, 9, 30), now), "09:30");
        // Tuesday of this week, and last Friday (six days ago).
        assert_eq!(short_date(&en, at(2026, 11, 3, 8, 0), now), "Tue");
        assert_eq!(short_date(&ja, at(2026, 11, 3, 8, 0), now), "火");
        assert_eq!(short_date(&en, at(2026, 10, 30, 8, 0), now), "Fri");
        // A week or more ago this year: month and day, no year.
        assert_eq!(short_date(&en, at(2026, 10, 29, 8, 0), now), "Oct 29");
        assert_eq!(short_date(&ja, at(2026, 3, 1, 8, 0), now), "3月1日");
        // Earlier years, and a date after now (a wrong clock): the full date.
        assert_eq!(short_date(&en, at(2025, 11, 3, 8, 0), now), "2025-11-03");
        assert_eq!(short_date(&ja, at(2025, 11, 3, 8, 0), now), "2025-11-03");
        assert_eq!(short_date(&en, at(2026, 12, 24, 8, 0), now), "2026-12-24");
    }
}
