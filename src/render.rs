//! HTML mail laid out by a real engine (Blitz) and painted on the CPU into an RGBA image.
//! No iced here: the window shows the pixels (src/ui/view/html_view.rs), the CLI writes them
//! to a PNG (`tayori render`). The markup is measured and cleaned first (`sanitize`), every
//! resource goes through our own provider (`provider`, `remote`), layout runs on a worker
//! thread with a large stack under `catch_unwind`; when a pre-check trips or the engine
//! panics the caller gets an error with a Fluent key and shows the text view instead.
pub mod paint;
pub mod provider;
pub mod remote;
pub mod sanitize;
pub mod url;

pub use sanitize::{Limits, Tripped};

/// The bundled Noto Sans CJK JP: Japanese mail draws the same on every system.
pub const CJK_FONT: &[u8] = include_bytes!("../resources/fonts/NotoSansCJKjp-Regular.otf");
use std::collections::HashMap;
use std::sync::Arc;

/// The HTML of a message and the inline parts its `cid:` URLs may name (keys: Content-ID
/// without angle brackets, lower case).
#[derive(Debug, Clone, Default)]
pub struct MailHtml {
    pub html: String,
    pub inline: HashMap<String, Arc<Vec<u8>>>,
}

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Layout width in pixels.
    pub width: u32,
    /// Fetch remote resources (the user allowed it for this message or sender).
    pub allow_remote: bool,
    /// The painted image is cut at this height, or sooner so that it stays under 16
    /// megapixels (the rest is reported as `truncated`).
    pub max_height: u32,
    pub limits: Limits,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            width: 800,
            allow_remote: false,
            max_height: 16_000,
            limits: Limits::default(),
        }
    }
}

/// A link's box in image pixels and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkBox {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub href: String,
    pub text: String,
}

impl LinkBox {
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x < self.x + self.width && y >= self.y && y < self.y + self.height
    }
}

/// A painted message: opaque RGBA rows, top to bottom.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    pub links: Vec<LinkBox>,
    /// Remote URLs the page asked for and did not get (remote content not allowed).
    pub blocked: Vec<String>,
    /// Remote resources fetched (remote content allowed).
    pub fetched: usize,
    /// The content was taller than `max_height`.
    pub truncated: bool,
}

impl Rendered {
    /// The link under a point of the image, if any.
    pub fn link_at(&self, x: f32, y: f32) -> Option<&LinkBox> {
        self.links.iter().rev().find(|l| l.contains(x, y))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the message is too complex to lay out ({0:?})")]
    Tripped(Tripped),
    #[error("the layout engine failed on this message")]
    Panicked,
    #[error("the render thread could not start: {0}")]
    Thread(#[from] std::io::Error),
}

impl RenderError {
    /// The sentence the reader shows above the text view.
    pub fn fluent_key(&self) -> &'static str {
        match self {
            RenderError::Tripped(Tripped::TooDeep(_)) => "html-fallback-too-deep",
            RenderError::Tripped(Tripped::TooManyTags(_)) => "html-fallback-too-many-tags",
            RenderError::Tripped(Tripped::SpanTooWide(_)) => "html-fallback-span",
            RenderError::Tripped(Tripped::TooLarge(_)) => "html-fallback-too-large",
            RenderError::Panicked | RenderError::Thread(_) => "html-fallback-engine",
        }
    }
}

/// Stack for the layout thread: deep (but allowed) nesting recurses a lot in style and
/// layout.
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// Lays out and paints `mail` on a worker thread; blocks until done. Call it from a
/// blocking context (a spawned blocking task, a CLI, a bench), never from the UI thread.
pub fn render(mail: &MailHtml, opts: &RenderOptions) -> Result<Rendered, RenderError> {
    let (tx, rx) = std::sync::mpsc::channel();
    spawn(Arc::new(mail.clone()), *opts, move |r| {
        let _ = tx.send(r);
    })?;
    rx.recv().unwrap_or(Err(RenderError::Panicked))
}

/// The same, for async callers (the window): the work runs on its own thread, the future
/// only waits for the answer.
pub fn render_async(
    mail: Arc<MailHtml>,
    opts: RenderOptions,
) -> impl std::future::Future<Output = Result<Rendered, RenderError>> + Send + 'static {
    let (tx, rx) = futures::channel::oneshot::channel();
    let started = spawn(mail, opts, move |r| {
        let _ = tx.send(r);
    });
    async move {
        started?;
        rx.await.unwrap_or(Err(RenderError::Panicked))
    }
}

fn spawn(
    mail: Arc<MailHtml>,
    opts: RenderOptions,
    done: impl FnOnce(Result<Rendered, RenderError>) + Send + 'static,
) -> Result<(), RenderError> {
    std::thread::Builder::new()
        .name("tayori-render".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let result = sanitize::clean(&mail.html, &opts.limits)
                .map_err(RenderError::Tripped)
                .and_then(|cleaned| {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        paint::lay_out_and_paint(&cleaned.html, &mail.inline, &opts)
                    }))
                    .map_err(|_| RenderError::Panicked)
                });
            done(result);
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dark_pixels(r: &Rendered) -> usize {
        r.rgba
            .chunks_exact(4)
            .filter(|p| p[..3].iter().all(|c| *c < 100))
            .count()
    }

    #[test]
    fn a_blocked_stylesheet_does_not_blank_the_page() {
        let mail = MailHtml {
            html: "<html><head><link rel=\"stylesheet\" href=\"https://cdn.example/x.css\">\
                   </head><body><h1>Still drawn</h1><img src=\"cid:missing@x\"></body></html>"
                .into(),
            ..MailHtml::default()
        };
        let r = render(&mail, &RenderOptions::default()).unwrap();
        assert_eq!(r.blocked, vec!["https://cdn.example/x.css"]);
        assert!(dark_pixels(&r) > 100, "nothing painted");
    }

    #[test]
    fn pre_checks_trip_before_layout() {
        let mail = MailHtml {
            html: "<div>".repeat(200),
            ..MailHtml::default()
        };
        let e = render(&mail, &RenderOptions::default()).unwrap_err();
        assert_eq!(e.fluent_key(), "html-fallback-too-deep");
    }
}
