//! One tokenizer pass over the mail's HTML before layout: it measures what the pre-checks
//! bound (tags, nesting, table spans) and rewrites the markup the engine will see. Scripts,
//! forms and their controls, iframes, objects, embeds, `<base>`, `<meta>` and comments are
//! dropped; event-handler attributes go; every URL attribute is sanitised (see `url.rs`);
//! the doctype becomes `<!DOCTYPE html>` (an XHTML doctype would switch Blitz to its XML
//! parser, which breaks ordinary mail).
use super::url::{UrlUse, sanitize_url};
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// Bounds checked before layout; beyond them the reader shows the text view.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_tags: usize,
    pub max_span: u64,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 96,
            max_tags: 20_000,
            max_span: 512,
            max_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Which pre-check tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tripped {
    TooDeep(usize),
    TooManyTags(usize),
    SpanTooWide(u64),
    TooLarge(usize),
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub tags: usize,
    pub max_depth: usize,
    pub max_span: u64,
}

impl Stats {
    pub fn check(&self, limits: &Limits) -> Result<(), Tripped> {
        if self.max_depth > limits.max_depth {
            return Err(Tripped::TooDeep(self.max_depth));
        }
        if self.tags > limits.max_tags {
            return Err(Tripped::TooManyTags(self.tags));
        }
        if self.max_span > limits.max_span {
            return Err(Tripped::SpanTooWide(self.max_span));
        }
        Ok(())
    }
}

/// The rewritten markup and what the pass measured.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub html: String,
    pub stats: Stats,
}

/// Measures and rewrites `html`; `Err` when a limit trips (the rewrite is then not needed).
pub fn clean(html: &str, limits: &Limits) -> Result<Cleaned, Tripped> {
    if html.len() > limits.max_bytes {
        return Err(Tripped::TooLarge(html.len()));
    }
    let sink = Sink(RefCell::new(Pass {
        out: String::with_capacity(html.len() + 64),
        ..Pass::default()
    }));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let pass = tokenizer.sink.0.into_inner();
    pass.stats.check(limits)?;
    Ok(Cleaned {
        html: format!("<!DOCTYPE html>\n{}", pass.out),
        stats: pass.stats,
    })
}

/// Elements dropped with everything inside them.
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "iframe", "object", "embed", "applet", "frame", "frameset", "noembed", "button",
    "select", "textarea", "template", "portal", "audio", "video", "canvas",
];
/// Elements dropped on their own (their content stays, or they have none).
const DROP_TAG: &[&str] = &[
    "form", "input", "base", "meta", "param", "source", "track", "keygen", "option", "optgroup",
    "datalist", "fieldset", "legend",
];
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];
const RESOURCE_ATTRS: &[&str] = &["src", "background", "poster"];
const LINK_ATTRS: &[&str] = &["href"];
const DROPPED_ATTRS: &[&str] = &[
    "srcset",
    "lowsrc",
    "dynsrc",
    "srcdoc",
    "action",
    "formaction",
    "ping",
    "xmlns",
    "manifest",
];

#[derive(Default)]
struct Pass {
    out: String,
    stats: Stats,
    stack: Vec<String>,
    /// Inside an element dropped with its content: its name and how deep.
    skipping: Option<(String, usize)>,
    /// Inside a raw-text element (style, title, script...): its name.
    raw: Option<String>,
}

impl Pass {
    fn open(&mut self, name: &str) {
        // The implicit end tags that matter for depth: a new p/li/td/tr/dt/dd closes the
        // previous one, as the HTML parser does.
        let closes: &[&str] = match name {
            "p" => &["p"],
            "li" => &["li"],
            "td" | "th" => &["td", "th"],
            "tr" => &["tr", "td", "th"],
            "dt" | "dd" => &["dt", "dd"],
            _ => &[],
        };
        if !closes.is_empty() {
            const BOUNDARY: &[&str] = &["table", "ul", "ol", "dl", "div", "body", "html"];
            let mut cut = None;
            for (i, n) in self.stack.iter().enumerate().rev() {
                if closes.contains(&n.as_str()) {
                    cut = Some(i);
                } else if BOUNDARY.contains(&n.as_str()) {
                    break;
                }
            }
            if let Some(i) = cut {
                self.stack.truncate(i);
            }
        }
        self.stack.push(name.to_string());
        self.stats.max_depth = self.stats.max_depth.max(self.stack.len());
    }

    fn close(&mut self, name: &str) {
        if let Some(i) = self.stack.iter().rposition(|n| n == name) {
            self.stack.truncate(i);
        }
    }

    fn text(&mut self, t: &str) {
        if self.raw.is_some() {
            // Raw text (CSS) goes through as written: the tokenizer ended it at its end tag.
            self.out.push_str(t);
            return;
        }
        for c in t.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '\u{a0}' => self.out.push_str("&nbsp;"),
                c => self.out.push(c),
            }
        }
    }

    fn tag(&mut self, tag: html5ever::tokenizer::Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let name = name.to_ascii_lowercase();
        if let Some((skip, depth)) = &mut self.skipping {
            if *skip == name {
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => *depth += 1,
                    TagKind::EndTag => *depth = depth.saturating_sub(1),
                    TagKind::StartTag => {}
                }
                if *depth == 0 {
                    self.skipping = None;
                }
            }
            return self.raw_for(&name, tag.kind);
        }
        match tag.kind {
            TagKind::EndTag => {
                self.raw = None;
                if DROP_TAG.contains(&name.as_str()) || VOID.contains(&name.as_str()) {
                    return TokenSinkResult::Continue;
                }
                self.close(&name);
                self.out.push_str("</");
                self.out.push_str(&name);
                self.out.push('>');
                TokenSinkResult::Continue
            }
            TagKind::StartTag => {
                self.stats.tags += 1;
                for a in &tag.attrs {
                    let an: &str = &a.name.local;
                    if matches!(an, "colspan" | "rowspan" | "span")
                        && let Ok(n) = a.value.trim().parse::<u64>()
                    {
                        self.stats.max_span = self.stats.max_span.max(n);
                    }
                }
                if DROP_WITH_CONTENT.contains(&name.as_str()) {
                    if !tag.self_closing && !VOID.contains(&name.as_str()) {
                        self.skipping = Some((name.clone(), 1));
                    }
                    return self.raw_for(&name, tag.kind);
                }
                if DROP_TAG.contains(&name.as_str()) {
                    return TokenSinkResult::Continue;
                }
                if !VOID.contains(&name.as_str()) && !tag.self_closing {
                    self.open(&name);
                }
                self.out.push('<');
                self.out.push_str(&name);
                for a in &tag.attrs {
                    let an = a.name.local.to_ascii_lowercase();
                    if an.starts_with("on") || DROPPED_ATTRS.contains(&an.as_str()) {
                        continue;
                    }
                    if an.contains(':') || a.name.prefix.is_some() {
                        continue;
                    }
                    let value = if RESOURCE_ATTRS.contains(&an.as_str()) {
                        match sanitize_url(&a.value, super::url::UrlUse::Resource) {
                            Some(v) => v,
                            None => continue,
                        }
                    } else if LINK_ATTRS.contains(&an.as_str()) {
                        let usage = if name == "link" {
                            UrlUse::Resource
                        } else {
                            UrlUse::Link
                        };
                        match sanitize_url(&a.value, usage) {
                            Some(v) => v,
                            None => continue,
                        }
                    } else {
                        a.value.to_string()
                    };
                    self.out.push(' ');
                    self.out.push_str(&an);
                    self.out.push_str("=\"");
                    for c in value.chars() {
                        match c {
                            '&' => self.out.push_str("&amp;"),
                            '"' => self.out.push_str("&quot;"),
                            '<' => self.out.push_str("&lt;"),
                            c if c.is_control() && c != '\t' && c != '\n' => {}
                            c => self.out.push(c),
                        }
                    }
                    self.out.push('"');
                }
                if tag.self_closing && !VOID.contains(&name.as_str()) {
                    // `<div/>` means an open div in HTML; written out as open-and-closed.
                    self.out.push_str("></");
                    self.out.push_str(&name);
                }
                self.out.push('>');
                let r = self.raw_for(&name, tag.kind);
                // Raw text (CSS) is copied as is; RCDATA (title) is decoded by the tokenizer
                // and so written escaped, like any text.
                if r == TokenSinkResult::RawData(RawKind::Rawtext) {
                    self.raw = Some(name);
                }
                r
            }
        }
    }

    /// Elements whose content the tokenizer must read as raw text, as the tree builder
    /// would tell it to.
    fn raw_for(&self, name: &str, kind: TagKind) -> TokenSinkResult<()> {
        if kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        match name {
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

struct Sink(RefCell<Pass>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut p = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => p.tag(tag),
            Token::CharacterTokens(t) => {
                if p.skipping.is_none() {
                    p.text(&t);
                }
                TokenSinkResult::Continue
            }
            // Doctype (re-written in front), comments (Outlook conditionals among them),
            // NULs, parse errors and EOF produce nothing.
            _ => TokenSinkResult::Continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(html: &str) -> Cleaned {
        match clean(html, &Limits::default()) {
            Ok(c) => c,
            Err(t) => panic!("tripped {t:?}"),
        }
    }

    #[test]
    fn nesting_beyond_the_limit_trips() {
        let deep = format!("{}x{}", "<div>".repeat(5000), "</div>".repeat(5000));
        assert_eq!(
            clean(&deep, &Limits::default()).err(),
            Some(Tripped::TooDeep(5000))
        );
        let fine = format!("{}x{}", "<div>".repeat(90), "</div>".repeat(90));
        assert_eq!(ok(&fine).stats.max_depth, 90);
    }

    #[test]
    fn unclosed_paragraphs_and_cells_do_not_count_as_nesting() {
        let html = format!(
            "<table>{}</table>{}",
            "<tr><td>a<td>b".repeat(200),
            "<p>x".repeat(500)
        );
        let c = ok(&html);
        assert!(c.stats.max_depth <= 4, "{:?}", c.stats);
    }

    #[test]
    fn tag_count_and_spans_trip() {
        let many = "<span>a</span>".repeat(20_001);
        assert_eq!(
            clean(&many, &Limits::default()).err(),
            Some(Tripped::TooManyTags(20_001))
        );
        let wide = "<table><tr><td colspan=\"513\">x</td></tr></table>";
        assert_eq!(
            clean(wide, &Limits::default()).err(),
            Some(Tripped::SpanTooWide(513))
        );
        assert!(clean("<td colspan=512>x</td>", &Limits::default()).is_ok());
    }

    #[test]
    fn scripts_forms_frames_and_handlers_are_dropped() {
        let c = ok("<p onclick=\"x()\">Hi<script>alert('<b>')</script>\
             <form action=\"https://evil\"><input name=q><button>Go</button></form>\
             <iframe src=\"https://evil\">inside</iframe><object data=x>o</object>\
             <embed src=\"https://evil/e\"><a href=\"javascript:x()\">j</a>\
             <img src=\"http://[::1\"><base href=\"https://evil/\">\
             <meta http-equiv=\"refresh\" content=\"0;url=https://evil\"></p>");
        assert_eq!(c.html, "<!DOCTYPE html>\n<p>Hi<a>j</a><img></p>");
    }

    #[test]
    fn decoded_title_text_cannot_close_the_title() {
        let c = ok("<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>");
        assert_eq!(
            c.html,
            "<!DOCTYPE html>\n<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>"
        );
    }

    #[test]
    fn xhtml_doctype_and_comments_are_replaced() {
        let c = ok(
            "<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 \
             Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\
             <html xmlns=\"http://www.w3.org/1999/xhtml\"><!--[if mso]><b>o</b><![endif]-->\
             <body><br/><div/>t</body></html>",
        );
        assert_eq!(
            c.html,
            "<!DOCTYPE html>\n<html><body><br><div></div>t</body></html>"
        );
    }

    #[test]
    fn style_text_and_attributes_are_kept_escaped() {
        let c = ok(
            "<style>td > a { color: red }</style><td title='a\"b'>1 &lt; 2 &amp; 3</td>\
             <img src=\"cid:logo@x\" alt=\"L\"><a href=\"https://ex.com/?a=1&amp;b=2\">l</a>",
        );
        assert_eq!(
            c.html,
            "<!DOCTYPE html>\n<style>td > a { color: red }</style><td title=\"a&quot;b\">1 &lt; 2 \
             &amp; 3</td><img src=\"cid:logo@x\" alt=\"L\"><a href=\"https://ex.com/?a=1&amp;b=2\">\
             l</a>"
        );
    }
}
