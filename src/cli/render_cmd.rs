//! `tayori render ID --png PATH`: the message drawn as the reader draws it (headless, on the
//! CPU), with the remote URLs it blocked listed (control characters replaced).
use super::out::say;
use super::{CliError, Result};
use crate::engine::Engine;
use crate::model::MessageId;
use crate::render::{self, MailHtml, RenderOptions, url::printable};
use std::path::Path;

pub async fn render(
    engine: &mut Engine,
    id: i64,
    png: &Path,
    width: u32,
    allow_remote: bool,
) -> Result<()> {
    let id = MessageId(id);
    let body = engine.html_body(id).await?;
    let opts = RenderOptions {
        width,
        allow_remote: allow_remote || body.as_ref().is_some_and(|b| b.sender_allowed),
        ..RenderOptions::default()
    };
    let (mail, note) = match body {
        Some(b) => (b.mail, None),
        None => (text_page(&engine.show(id).await?.text, None), None),
    };
    let mail_for_text = mail.clone();
    let result = tokio::task::spawn_blocking(move || render::render(&mail, &opts))
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    let (drawn, note) = match result {
        Ok(r) => (r, note),
        Err(e) => {
            // The reader's fallback: the text view with a sentence saying why.
            let text = crate::mime::html_to_text(&mail_for_text.html);
            let why = fallback_sentence(&e);
            let page = text_page(&text, Some(why));
            let r = tokio::task::spawn_blocking(move || render::render(&page, &opts))
                .await
                .map_err(|e| CliError::Runtime(e.to_string()))?
                .map_err(|e| CliError::Usage(format!("cannot draw message {id}: {e}")))?;
            (r, Some(why))
        }
    };
    for url in &drawn.blocked {
        say!("blocked\t{}", printable(url));
    }
    if let Some(why) = note {
        say!("text view: {why}");
    }
    let image = image::RgbaImage::from_raw(drawn.width, drawn.height, drawn.rgba)
        .ok_or_else(|| CliError::Usage("the painted image has the wrong size".into()))?;
    image
        .save_with_format(png, image::ImageFormat::Png)
        .map_err(|e| CliError::Io(std::io::Error::other(e)))?;
    say!(
        "{}x{}{} written to {}",
        drawn.width,
        drawn.height,
        if drawn.truncated { " (cut)" } else { "" },
        png.display()
    );
    Ok(())
}

/// The English sentence for a fallback (the window shows the same in the user's language).
pub fn fallback_sentence(e: &render::RenderError) -> &'static str {
    match e.fluent_key() {
        "html-fallback-too-deep" => "This message nests its layout too deeply to draw safely.",
        "html-fallback-too-many-tags" => "This message has too many elements to draw safely.",
        "html-fallback-span" => "This message has a table too wide to draw safely.",
        "html-fallback-too-large" => "This message is too large to draw.",
        _ => "The layout engine failed on this message.",
    }
}

/// Text shown as a page: escaped, wrapped, the note (if any) above it.
pub fn text_page(text: &str, note: Option<&str>) -> MailHtml {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let note = note
        .map(|n| {
            format!(
                "<p style=\"color:#7a4b00;font-style:italic\">{}</p>",
                esc(n)
            )
        })
        .unwrap_or_default();
    MailHtml {
        html: format!(
            "<html><body style=\"font-family:sans-serif;margin:16px\">{note}<pre \
             style=\"white-space:pre-wrap;font-family:sans-serif\">{}</pre></body></html>",
            esc(text)
        ),
        ..MailHtml::default()
    }
}
