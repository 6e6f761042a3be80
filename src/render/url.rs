//! URL sanitising before anything reaches the layout engine: a value that does not parse as
//! an absolute URL of an allowed scheme is dropped (Blitz panics on some malformed URLs, such
//! as `http://[::1`), and what is kept is re-serialised by the `url` crate.
use blitz_traits::net::Url;

/// What a URL is used for: a resource the page loads, or a link the user may follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    Resource,
    Link,
}

/// The value made safe for the engine, or `None` to drop the attribute.
pub fn sanitize_url(raw: &str, usage: UrlUse) -> Option<String> {
    // Browsers strip tabs and line breaks inside URLs and trim spaces and controls.
    let cleaned: String = raw
        .trim_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.is_empty() || cleaned.chars().any(char::is_control) {
        return None;
    }
    // Protocol-relative: the message has no origin, so https is assumed.
    let absolute = match cleaned.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => cleaned,
    };
    let url = Url::parse(&absolute).ok()?;
    let ok = match (url.scheme(), usage) {
        ("http" | "https", _) => url.host_str().is_some_and(|h| !h.is_empty()),
        ("cid", UrlUse::Resource) => !url.path().is_empty(),
        ("data", UrlUse::Resource) => url.path().to_ascii_lowercase().starts_with("image/"),
        ("mailto", UrlUse::Link) => true,
        _ => false,
    };
    ok.then(|| url.as_str().to_string())
}

/// A string safe to print on a terminal: control characters shown as U+FFFD.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_and_unsafe_urls_are_dropped() {
        for bad in [
            "http://[::1",
            "http://[::1/x.png",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\nscript:alert(1)",
            "file:///etc/passwd",
            "relative/path.png",
            "",
            "   ",
            "http://",
            "data:text/html,<script>x</script>",
            "vbscript:msgbox",
            "http://a\u{0}b/",
        ] {
            assert_eq!(sanitize_url(bad, UrlUse::Resource), None, "{bad:?}");
        }
        assert_eq!(sanitize_url("cid:logo@x", UrlUse::Link), None);
        assert_eq!(sanitize_url("mailto:a@b", UrlUse::Resource), None);
    }

    #[test]
    fn good_urls_are_kept_and_normalised() {
        assert_eq!(
            sanitize_url("  https://Example.COM/a b.png ", UrlUse::Resource).as_deref(),
            Some("https://example.com/a%20b.png")
        );
        assert_eq!(
            sanitize_url("//cdn.example.com/x.png", UrlUse::Resource).as_deref(),
            Some("https://cdn.example.com/x.png")
        );
        assert_eq!(
            sanitize_url("http://[::1]/x", UrlUse::Link).as_deref(),
            Some("http://[::1]/x")
        );
        assert_eq!(
            sanitize_url("cid:logo@example.com", UrlUse::Resource).as_deref(),
            Some("cid:logo@example.com")
        );
        assert!(sanitize_url("data:image/png;base64,AAAA", UrlUse::Resource).is_some());
        assert!(sanitize_url("mailto:taro@example.jp", UrlUse::Link).is_some());
        assert_eq!(
            sanitize_url("https://ex\tample.com/\n", UrlUse::Link).as_deref(),
            Some("https://example.com/")
        );
    }

    #[test]
    fn printable_replaces_controls() {
        assert_eq!(printable("a\u{1b}[31mb\n"), "a\u{fffd}[31mb\u{fffd}");
    }
}
