//! HTML -> readable plain text for the reader and the search index: scripts, styles and the
//! head dropped, block elements as line breaks, lists bulleted, blockquotes as "> ",
//! links kept as "text <url>", entities decoded. Small and forgiving on purpose: mail HTML
//! is rarely well formed, and no rendering is needed, only the words and where lines break.
use mail_parser::decoders::html::add_html_token;

struct Out {
    s: String,
    pending_space: bool,
    quote: usize,
    pre: usize,
}

impl Out {
    fn at_line_start(&self) -> bool {
        self.s.is_empty() || self.s.ends_with('\n')
    }

    fn trailing_newlines(&self) -> usize {
        self.s.len() - self.s.trim_end_matches('\n').len()
    }

    fn line_prefix(&mut self) {
        if self.at_line_start() && self.quote > 0 {
            self.s.push_str(&"> ".repeat(self.quote));
        }
    }

    fn text(&mut self, t: &str) {
        for c in t.chars() {
            match c {
                // Invisible characters newsletters pad their previews with.
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{00ad}' | '\u{034f}' => {}
                '\n' if self.pre > 0 => {
                    self.line_prefix();
                    self.s.push('\n');
                }
                c if self.pre > 0 => {
                    self.line_prefix();
                    self.s.push(if c == '\u{a0}' { ' ' } else { c });
                }
                c if c.is_whitespace() && c != '\u{3000}' => self.pending_space = true,
                c => {
                    if self.pending_space && !self.at_line_start() {
                        self.s.push(' ');
                    }
                    self.pending_space = false;
                    self.line_prefix();
                    self.s.push(c);
                }
            }
        }
    }

    /// Ends the current line and makes sure `n` line breaks separate what follows.
    fn newlines(&mut self, n: usize) {
        self.pending_space = false;
        if self.s.is_empty() {
            return;
        }
        while self.s.ends_with(' ') {
            self.s.pop();
        }
        while self.trailing_newlines() < n {
            self.s.push('\n');
        }
    }

    fn finish(self) -> String {
        let mut out = String::with_capacity(self.s.len());
        let mut blank = 0;
        for line in self.s.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.chars().all(|c| c == '>' || c == ' ') {
                blank += 1;
                if blank > 1 {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.push_str(line);
            out.push('\n');
        }
        out.trim().to_string()
    }
}

/// Decodes character references (`&amp;`, `&#12354;`, `&#x3042;`) in text.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let body = &rest[1..];
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(body.len());
        if len > 0 && len < 32 && body[len..].starts_with(';') {
            let token = &rest[..len + 2];
            add_html_token(&mut out, token.as_bytes(), false);
            rest = &rest[len + 2..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: &'a str,
}

/// The value of one attribute in a tag's attribute text, entity-decoded.
fn attr(attrs: &str, want: &str) -> Option<String> {
    let b = attrs.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = &attrs[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = &attrs[vs..i];
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = &attrs[vs..i];
            }
        }
        if name.eq_ignore_ascii_case(want) {
            return Some(decode_entities(value.trim()));
        }
        if start == i {
            i += 1;
        }
    }
    None
}

/// Parses the tag starting at `s` (which begins with '<'); returns it and its length.
fn tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let b = s.as_bytes();
    let closing = b.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    if !b.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = name_start;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let attrs_start = i;
    let mut quote = None;
    while i < b.len() {
        match (quote, b[i]) {
            (None, b'"' | b'\'') => quote = Some(b[i]),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => break,
            _ => {}
        }
        i += 1;
    }
    let attrs = &s[attrs_start..i.min(s.len())];
    Some((
        Tag {
            name,
            closing,
            attrs,
        },
        (i + 1).min(s.len()),
    ))
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "div"
            | "li"
            | "tr"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "address"
            | "form"
            | "fieldset"
            | "center"
            | "figure"
            | "figcaption"
            | "main"
            | "aside"
            | "details"
            | "summary"
            | "caption"
            | "tbody"
            | "thead"
            | "tfoot"
            | "option"
            | "legend"
            | "body"
            | "html"
    )
}

fn is_paragraph(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "dl"
            | "table"
            | "hr"
            | "pre"
            | "blockquote"
    )
}

/// Elements whose content is never shown.
fn is_hidden(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "title" | "template" | "head" | "xml" | "svg" | "object"
    )
}

/// Converts an HTML document or fragment to readable plain text.
pub fn html_to_text(html: &str) -> String {
    let mut out = Out {
        s: String::with_capacity(html.len() / 2),
        pending_space: false,
        quote: 0,
        pre: 0,
    };
    let lower = html.to_ascii_lowercase();
    // Open lists: None for bullets, Some(n) for the next number.
    let mut lists: Vec<Option<u32>> = Vec::new();
    // Open links: (href, where their text starts in the output).
    let mut links: Vec<(Option<String>, usize)> = Vec::new();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        let Some(lt) = rest.find('<') else {
            out.text(&decode_entities(rest));
            break;
        };
        if lt > 0 {
            out.text(&decode_entities(&rest[..lt]));
            i += lt;
            continue;
        }
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            continue;
        }
        let Some((t, len)) = tag(rest) else {
            out.text("<");
            i += 1;
            continue;
        };
        i += len;
        let name = t.name.as_str();
        if !t.closing && is_hidden(name) && !t.attrs.trim_end().ends_with('/') {
            // Skip to the matching close tag (when there is one).
            let close = format!("</{name}");
            if let Some(end) = lower[i..].find(&close) {
                i += end;
                i += html[i..].find('>').map_or(html.len() - i, |e| e + 1);
            }
            continue;
        }
        match (name, t.closing) {
            ("br", _) => {
                out.pending_space = false;
                out.line_prefix();
                out.s.push('\n');
            }
            ("img", false) => {
                if let Some(alt) = attr(t.attrs, "alt").filter(|a| !a.trim().is_empty()) {
                    out.text(&alt);
                }
            }
            ("td" | "th", false) => out.pending_space = true,
            ("a", false) => links.push((attr(t.attrs, "href"), out.s.len())),
            ("a", true) => {
                if let Some((Some(href), start)) = links.pop() {
                    let text = out.s.get(start..).unwrap_or("").trim().to_string();
                    if let Some(url) = shown_url(&href, &text) {
                        out.text(" <");
                        out.text(&url);
                        out.s.push('>');
                    }
                }
            }
            ("ul" | "ol", false) => {
                out.newlines(if lists.is_empty() { 2 } else { 1 });
                lists.push((name == "ol").then_some(1));
            }
            ("ul" | "ol", true) => {
                lists.pop();
                out.newlines(if lists.is_empty() { 2 } else { 1 });
            }
            ("li", false) => {
                out.newlines(1);
                let depth = lists.len().saturating_sub(1);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                out.line_prefix();
                out.s.push_str(&"  ".repeat(depth));
                out.s.push_str(&marker);
            }
            ("blockquote", closing) => {
                out.newlines(2);
                if closing {
                    out.quote = out.quote.saturating_sub(1);
                } else {
                    out.quote += 1;
                }
            }
            ("pre", closing) => {
                out.newlines(2);
                if closing {
                    out.pre = out.pre.saturating_sub(1);
                } else {
                    out.pre += 1;
                }
            }
            (n, _) if is_paragraph(n) => out.newlines(2),
            (n, _) if is_block(n) => out.newlines(1),
            _ => {}
        }
    }
    out.finish()
}

/// The URL to show after a link's text, or None when it would add nothing.
fn shown_url(href: &str, text: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty()
        || href.starts_with('#')
        || lower.starts_with("javascript:")
        || lower.starts_with("cid:")
        || lower.starts_with("data:")
    {
        return None;
    }
    let bare = |s: &str| {
        let s = s.trim().trim_end_matches('/');
        let s = s.strip_prefix("mailto:").unwrap_or(s);
        let s = s.strip_prefix("https://").unwrap_or(s);
        let s = s.strip_prefix("http://").unwrap_or(s);
        s.to_ascii_lowercase()
    };
    if text.is_empty() || bare(href) == bare(text) {
        return None;
    }
    Some(href.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_links_scripts_entities() {
        let html = "<html><head><title>T</title><style>p{color:red}</style></head>\
            <body><h1>Hello&nbsp;&amp; welcome</h1><p>See <a href=\"https://ex.com/a?b=1&amp;c=2\">\
            our site</a>.<br>Line two &#12354;&#x3044;</p><script>alert(1)</script>\
            <ul><li>one</li><li>two</li></ul><p><a href=\"https://ex.com\">https://ex.com</a></p>\
            <!-- hidden --><blockquote>quoted<br>text</blockquote><p>after</p></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hello & welcome\n\nSee our site <https://ex.com/a?b=1&c=2>.\nLine two あい\n\n\
             - one\n- two\n\nhttps://ex.com\n\n> quoted\n> text\n\nafter"
        );
    }

    #[test]
    fn broken_html_does_not_lose_text() {
        assert_eq!(html_to_text("a < b and <b>c</b"), "a < b and c");
        assert_eq!(html_to_text("<head><p>no close"), "no close");
        assert_eq!(html_to_text("x &bogus; &amp y"), "x &bogus; &amp y");
        assert_eq!(
            html_to_text("<ol><li>a<li>b</ol><pre>  x\n  y</pre>"),
            "1. a\n2. b\n\n  x\n  y"
        );
    }
}
