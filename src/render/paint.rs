//! The Blitz part: parse the cleaned markup, answer resource requests in rounds, lay out at
//! the given width, paint with vello_cpu, composite onto white (the mail's own background
//! shows where it has one; nothing is inverted for a dark theme).
use super::provider::{Answered, MailNetProvider, answer};
use super::{LinkBox, RenderOptions, Rendered};
use anyrender::ImageRenderer;
use anyrender_vello_cpu::VelloCpuImageRenderer;
use blitz_dom::{BaseDocument, DocumentConfig};
use blitz_html::HtmlDocument;
use blitz_traits::shell::{ColorScheme, Viewport};
use parley::fontique::{Blob, Collection, CollectionOptions, SourceCache};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Resource rounds: images found while styling (CSS backgrounds, @import) ask again.
const ROUNDS: usize = 4;
const INITIAL_HEIGHT: u32 = 1000;
/// The most pixels one painted page may have (64 MB of RGBA): a wide window gets a shorter
/// page rather than a larger buffer.
const MAX_PAGE_PIXELS: u64 = 16_000_000;

/// Lays the page out once, then paints it; with `first_rows` the top rows are painted and
/// handed to `emit` first (`partial`), then the rest, and the whole page is emitted.
pub fn lay_out_and_paint(
    html: &str,
    inline: &HashMap<String, Arc<Vec<u8>>>,
    opts: &RenderOptions,
    first_rows: Option<u32>,
    emit: &mut dyn FnMut(Rendered),
) {
    let width = opts.width.clamp(200, 4096);
    let provider = Arc::new(MailNetProvider::default());
    let config = DocumentConfig {
        viewport: Some(Viewport::new(
            width,
            INITIAL_HEIGHT,
            1.0,
            ColorScheme::Light,
        )),
        net_provider: Some(provider.clone()),
        font_ctx: Some(fonts()),
        ..Default::default()
    };
    let mut doc = HtmlDocument::from_html(html, config);
    let mut answered = Answered::default();
    for _ in 0..ROUNDS {
        doc.resolve(0.0);
        let pending = provider.take();
        if pending.is_empty() {
            break;
        }
        answer(pending, inline, opts.allow_remote, &mut answered);
    }
    doc.resolve(0.0);
    // Whatever was still asked for in the last round is reported, never fetched unasked.
    answer(provider.take(), inline, false, &mut answered);

    let full = content_height(&doc).max(1.0).ceil() as u32;
    let by_pixels = (MAX_PAGE_PIXELS / u64::from(width)).min(u64::from(u32::MAX)) as u32;
    let height = full.min(opts.max_height.min(by_pixels).max(1));
    let mut blocked = answered.blocked;
    blocked.dedup();
    let all_links = links(&doc, height as f32);
    let page = |rgba: Vec<u8>, rows: u32, partial: bool| Rendered {
        width,
        height: rows,
        rgba,
        links: all_links
            .iter()
            .filter(|l| l.y < rows as f32)
            .cloned()
            .collect(),
        blocked: blocked.clone(),
        fetched: answered.fetched,
        truncated: full > height,
        partial,
    };
    let rgba = match first_rows.filter(|f| *f > 0 && *f < height) {
        Some(first) => {
            let mut rgba = paint_rows(&mut doc, width, 0, first);
            emit(page(rgba.clone(), first, true));
            rgba.extend(paint_rows(&mut doc, width, first, height - first));
            rgba
        }
        None => paint_rows(&mut doc, width, 0, height),
    };
    emit(page(rgba, height, false));
}

/// Paints `rows` rows of the page from `top` down, onto white.
fn paint_rows(doc: &mut BaseDocument, width: u32, top: u32, rows: u32) -> Vec<u8> {
    doc.set_viewport_scroll(blitz_dom::Point {
        x: 0.0,
        y: f64::from(top),
    });
    let mut renderer = VelloCpuImageRenderer::new(width, rows);
    let mut rgba = Vec::new();
    renderer.render_to_vec(
        |scene| blitz_paint::paint_scene(scene, doc, 1.0, width, rows, 0, 0),
        &mut rgba,
    );
    onto_white(&mut rgba);
    rgba
}

/// One font collection per process (the system's fonts are listed once), shared by every
/// document; the bundled CJK font and Blitz's list-bullet font registered in it.
fn fonts() -> parley::FontContext {
    static FONTS: OnceLock<parley::FontContext> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut ctx = parley::FontContext {
                source_cache: SourceCache::new_shared(),
                collection: Collection::new(CollectionOptions {
                    shared: true,
                    system_fonts: true,
                }),
            };
            ctx.collection
                .register_fonts(Blob::new(Arc::new(blitz_dom::BULLET_FONT)), None);
            ctx.collection
                .register_fonts(Blob::new(Arc::new(super::CJK_FONT)), None);
            ctx
        })
        .clone()
}

fn content_height(doc: &BaseDocument) -> f32 {
    let root = doc.root_element();
    let mut h = root.final_layout().size.height.max(root.scroll_height());
    if let Some(body) = doc.find_body_node() {
        h = h.max(body.final_layout().location.y + body.scroll_height());
    }
    h
}

/// Premultiplied RGBA over an opaque white page.
fn onto_white(rgba: &mut [u8]) {
    for px in rgba.chunks_exact_mut(4) {
        let clear = 255 - px[3];
        px[0] = px[0].saturating_add(clear);
        px[1] = px[1].saturating_add(clear);
        px[2] = px[2].saturating_add(clear);
        px[3] = 255;
    }
}

fn links(doc: &BaseDocument, max_y: f32) -> Vec<LinkBox> {
    let mut out = Vec::new();
    for (id, node) in doc.tree().iter() {
        let Some(el) = node.element_data() else {
            continue;
        };
        if el.name.local != blitz_dom::local_name!("a") {
            continue;
        }
        let Some(href) = el.attr(blitz_dom::local_name!("href")) else {
            continue;
        };
        let Some(r) = doc.get_client_bounding_rect(id) else {
            continue;
        };
        if r.width <= 0.0 || r.height <= 0.0 || r.y as f32 > max_y {
            continue;
        }
        let text: String = node
            .text_content()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(LinkBox {
            x: r.x as f32,
            y: r.y as f32,
            width: r.width as f32,
            height: r.height as f32,
            href: href.to_string(),
            text,
        });
    }
    out
}
