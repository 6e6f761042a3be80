//! The formatted (HTML) view's state: the render of the open message (done off the UI
//! thread, by the engine-side renderer), its tiles as images, the plain-text choice per
//! message, remote content allowed once per message, and a link waiting for the user to
//! see its real target.
use super::app::{App, Message, Reading};
use crate::engine::html_body::HtmlBody;
use crate::model::MessageId;
use crate::render::{self, RenderOptions, Rendered};
use iced::Task;
use iced::widget::image;
use std::collections::HashSet;
use std::sync::Arc;

/// Rows per image tile (GPU textures have a size limit; tiles also upload lazily).
const TILE_ROWS: u32 = 1024;
/// Rows painted and shown first, before the rest of a long page.
const FIRST_ROWS: u32 = 1200;
/// The layout width changes only when the reader's width moved by more than this.
const WIDTH_SLACK: f32 = 24.0;

#[derive(Debug, Clone)]
pub enum HtmlMsg {
    /// The reader's body area is this wide (first shown, or resized).
    Width(f32),
    Rendered(MessageId, u64, Result<Arc<Painted>, &'static str>),
    /// "Show plain text" (`true`) / "Show formatted" (`false`).
    Plain(bool),
    /// "Show once": remote content for this message, until it is closed.
    ShowOnce,
    /// "Always for this sender".
    AlwaysSender,
    /// The pointer moved over the painted page (page pixels).
    Hover(iced::Point),
    /// The page was clicked where the pointer last was.
    Click,
    /// The link whose real target was shown: open it (`true`) or not.
    Confirm(bool),
    /// Settings: stop allowing remote content for this sender.
    RemoveSender(String),
}

/// A painted page with its tiles ready for the GPU.
#[derive(Debug)]
pub struct Painted {
    pub page: Rendered,
    pub tiles: Vec<(image::Handle, u32)>,
    pub remote_allowed: bool,
}

#[derive(Debug, Clone)]
pub enum HtmlView {
    /// No HTML for the open message (text mail): the text view.
    None,
    Waiting,
    Shown(Arc<Painted>),
    /// The text view, with the Fluent key of the sentence saying why.
    Fallback(&'static str),
}

#[derive(Debug)]
pub struct HtmlState {
    pub id: Option<MessageId>,
    pub body: Option<Arc<HtmlBody>>,
    pub view: HtmlView,
    pub plain: HashSet<MessageId>,
    pub once: HashSet<MessageId>,
    pub width: Option<f32>,
    pub rendered_width: Option<f32>,
    pub generation: u64,
    pub hover: Option<iced::Point>,
    /// A link whose text does not match its target: (target, text), shown before opening.
    pub confirm: Option<(String, String)>,
    /// Senders allowed to load remote content (from the store, for Settings).
    pub senders: Vec<String>,
}

impl Default for HtmlState {
    fn default() -> Self {
        HtmlState {
            id: None,
            body: None,
            view: HtmlView::None,
            plain: HashSet::new(),
            once: HashSet::new(),
            width: None,
            rendered_width: None,
            generation: 0,
            hover: None,
            confirm: None,
            senders: Vec::new(),
        }
    }
}

impl HtmlState {
    /// Whether the formatted view is the one shown for `id`.
    pub fn formatted(&self, id: MessageId) -> bool {
        self.id == Some(id) && self.body.is_some() && !self.plain.contains(&id)
    }

    /// The link under the pointer, if any.
    pub fn hovered_link(&self) -> Option<&render::LinkBox> {
        let HtmlView::Shown(p) = &self.view else {
            return None;
        };
        let at = self.hover?;
        p.page.link_at(at.x, at.y)
    }

    fn remote_allowed(&self) -> bool {
        let Some(b) = &self.body else { return false };
        b.sender_allowed || self.once.contains(&b.id)
    }
}

/// Cuts the page into tiles of `TILE_ROWS` rows.
fn tiles(page: &Rendered) -> Vec<(image::Handle, u32)> {
    let row_bytes = page.width as usize * 4;
    let mut out = Vec::new();
    let mut y = 0;
    while y < page.height {
        let h = TILE_ROWS.min(page.height - y);
        let start = y as usize * row_bytes;
        let end = start + h as usize * row_bytes;
        if let Some(bytes) = page.rgba.get(start..end) {
            out.push((image::Handle::from_rgba(page.width, h, bytes.to_vec()), h));
        }
        y += h;
    }
    out
}

/// Whether a link's text already says where it goes (then it opens without asking).
pub fn text_names_target(text: &str, href: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().to_ascii_lowercase();
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .or_else(|| s.strip_prefix("mailto:"))
            .unwrap_or(&s)
            .to_string();
        s.trim_start_matches("www.")
            .trim_end_matches('/')
            .to_string()
    };
    !text.trim().is_empty() && norm(text) == norm(href)
}

impl App {
    /// A message was shown: keep its HTML (if any) and render it once the width is known.
    pub(super) fn html_opened(&mut self, id: MessageId) -> Task<Message> {
        let body = match &self.reading {
            Reading::Shown(m) if m.id == id => m.html.clone(),
            _ => None,
        };
        if self.html.id != Some(id) {
            self.html.confirm = None;
            self.html.hover = None;
        }
        self.html.id = Some(id);
        self.html.view = match body {
            Some(_) => HtmlView::Waiting,
            None => HtmlView::None,
        };
        self.html.body = body;
        self.html.rendered_width = None;
        self.render_html()
    }

    /// The reader's width guessed from the window and the pane shares, until the view has
    /// measured it.
    fn guessed_width(&self) -> f32 {
        let (f, l) = self.panes.ratios();
        self.settings.window_width * (1.0 - f) * (1.0 - l) - 32.0
    }

    fn render_html(&mut self) -> Task<Message> {
        let width = self.html.width.unwrap_or_else(|| self.guessed_width());
        let (Some(body), Some(id)) = (&self.html.body, self.html.id) else {
            return Task::none();
        };
        if self.html.plain.contains(&id) {
            return Task::none();
        }
        self.html.generation += 1;
        let generation = self.html.generation;
        self.html.rendered_width = Some(width);
        let remote_allowed = self.html.remote_allowed();
        let opts = RenderOptions {
            width: width.max(200.0) as u32,
            allow_remote: remote_allowed,
            ..RenderOptions::default()
        };
        let mail = Arc::new(body.mail.clone());
        let stream = render::render_stream(mail, opts, FIRST_ROWS);
        Task::run(stream, move |r| {
            let r = r
                .map(|mut page| {
                    let tiles = tiles(&page);
                    // The tiles hold the pixels now.
                    page.rgba = Vec::new();
                    Arc::new(Painted {
                        tiles,
                        page,
                        remote_allowed,
                    })
                })
                .map_err(|e| e.fluent_key());
            Message::Html(HtmlMsg::Rendered(id, generation, r))
        })
    }

    pub(super) fn on_html(&mut self, msg: HtmlMsg) -> Task<Message> {
        match msg {
            HtmlMsg::Width(w) => {
                self.html.width = Some(w);
                let moved = self
                    .html
                    .rendered_width
                    .is_none_or(|r| (r - w).abs() > WIDTH_SLACK);
                if moved {
                    return self.render_html();
                }
            }
            HtmlMsg::Rendered(id, generation, r) => {
                if self.html.id == Some(id) && self.html.generation == generation {
                    self.html.view = match r {
                        Ok(p) => HtmlView::Shown(p),
                        Err(key) => HtmlView::Fallback(key),
                    };
                }
            }
            HtmlMsg::Plain(on) => {
                if let Some(id) = self.html.id {
                    if on {
                        self.html.plain.insert(id);
                    } else {
                        self.html.plain.remove(&id);
                        if !matches!(self.html.view, HtmlView::Shown(_)) {
                            return self.render_html();
                        }
                    }
                }
            }
            HtmlMsg::ShowOnce => {
                if let Some(id) = self.html.id {
                    self.html.once.insert(id);
                    return self.render_html();
                }
            }
            HtmlMsg::AlwaysSender => {
                if let Some(body) = self.html.body.clone() {
                    if let Some(account) = self.account_of(body.id) {
                        self.engine.set_remote_sender(account, &body.sender, true);
                    }
                    let mut b = (*body).clone();
                    b.sender_allowed = true;
                    self.html.body = Some(Arc::new(b));
                    return self.render_html();
                }
            }
            HtmlMsg::Hover(p) => self.html.hover = Some(p),
            HtmlMsg::Click => {
                if let Some(link) = self.html.hovered_link().cloned() {
                    if text_names_target(&link.text, &link.href) {
                        return Task::done(Message::OpenLink(link.href));
                    }
                    self.html.confirm = Some((link.href, link.text));
                }
            }
            HtmlMsg::RemoveSender(address) => {
                self.html.senders.retain(|s| *s != address);
                if let Some(a) = self.accounts.first() {
                    self.engine.set_remote_sender(a.account.id, &address, false);
                }
                if let Some(b) = self.html.body.clone()
                    && b.sender == address
                {
                    let mut b = (*b).clone();
                    b.sender_allowed = false;
                    self.html.body = Some(Arc::new(b));
                }
            }
            HtmlMsg::Confirm(open) => {
                if let Some((href, _)) = self.html.confirm.take()
                    && open
                {
                    return Task::done(Message::OpenLink(href));
                }
            }
        }
        Task::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_text_naming_its_target() {
        assert!(text_names_target(
            "https://shop.example/help",
            "https://shop.example/help"
        ));
        assert!(text_names_target(
            "shop.example/help/",
            "https://www.shop.example/help"
        ));
        assert!(!text_names_target(
            "https://shop.example/help",
            "https://tracker.example/r?u=x"
        ));
        assert!(!text_names_target(
            "Shop the sale",
            "https://shop.example/sale"
        ));
        assert!(!text_names_target("", "https://shop.example/"));
    }
}
