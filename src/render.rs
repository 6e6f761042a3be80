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
    /// Only the top rows: the whole page follows (see [`render_stream`]).
    pub partial: bool,
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
    spawn(Arc::new(mail.clone()), *opts, None, move |r| {
        let _ = tx.send(r);
    })?;
    rx.recv().unwrap_or(Err(RenderError::Panicked))
}

/// For async callers (the window): the work runs on its own thread; the stream yields the
/// top `first_rows` rows as soon as they are painted (`partial`), then the whole page (or
/// one error).
pub fn render_stream(
    mail: Arc<MailHtml>,
    opts: RenderOptions,
    first_rows: u32,
) -> impl futures::Stream<Item = Result<Rendered, RenderError>> + Send + 'static {
    let (tx, rx) = futures::channel::mpsc::unbounded();
    let failed = tx.clone();
    if let Err(e) = spawn(mail, opts, Some(first_rows), move |r| {
        let _ = tx.unbounded_send(r);
    }) {
        let _ = failed.unbounded_send(Err(e));
    }
    rx
}

/// A panic on a render thread is reported through the log, its words made printable (they
/// may quote the mail); other threads keep the default report.
fn quiet_render_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                return previous(info);
            }
            let what = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::warn!(
                "the layout engine panicked at {}: {}",
                info.location().map(|l| l.to_string()).unwrap_or_default(),
                url::printable(&what)
            );
        }));
    });
}

const THREAD_NAME: &str = "tayori-render";

fn spawn(
    mail: Arc<MailHtml>,
    opts: RenderOptions,
    first_rows: Option<u32>,
    mut emit: impl FnMut(Result<Rendered, RenderError>) + Send + 'static,
) -> Result<(), RenderError> {
    quiet_render_panics();
    std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let cleaned = match sanitize::clean(&mail.html, &opts.limits) {
                Ok(c) => c,
                Err(t) => return emit(Err(RenderError::Tripped(t))),
            };
            let laid_out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                paint::lay_out_and_paint(&cleaned.html, &mail.inline, &opts, first_rows, &mut |p| {
                    emit(Ok(p))
                })
            }));
            // A panic after the top rows were sent still ends in the fallback.
            if laid_out.is_err() {
                emit(Err(RenderError::Panicked));
            }
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

    #[test]
    fn the_top_rows_come_first_and_the_page_is_painted_whole_once() {
        let rows: String = (0..60)
            .map(|i| {
                format!(
                    "<tr><td style=\"background:#{:02x}8844\">行 {i}</td></tr>",
                    i * 4
                )
            })
            .collect();
        let mail = MailHtml {
            html: format!("<table width=\"100%\">{rows}</table>"),
            ..MailHtml::default()
        };
        let opts = RenderOptions::default();
        let whole = render(&mail, &opts).unwrap();
        let got: Vec<_> =
            futures::executor::block_on_stream(render_stream(Arc::new(mail), opts, 300))
                .map(|r| r.unwrap())
                .collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].partial && !got[1].partial);
        assert_eq!(got[0].height, 300);
        assert_eq!(got[1].height, whole.height);
        assert!(whole.height > 600, "{}", whole.height);
        // Painted in two slices, the page is the page painted at once.
        let differing = got[1]
            .rgba
            .chunks_exact(4)
            .zip(whole.rgba.chunks_exact(4))
            .filter(|(a, b)| a != b)
            .count();
        assert!(
            differing * 1000 <= (whole.width * whole.height) as usize,
            "{differing}"
        );
        assert_eq!(got[0].rgba[..], got[1].rgba[..got[0].rgba.len()]);
    }
}
