//! The only way the engine gets a resource: our `NetProvider`. Requests are queued while the
//! document is parsed and styled, then answered here: `cid:` from the message's own parts,
//! `data:` decoded in place, remote URLs fetched (see `remote.rs`) only when the user allowed
//! it, otherwise recorded as blocked and never requested.
use super::remote::{self, RemoteError};
use base64::Engine as _;
use blitz_traits::net::{Bytes, NetHandler, NetProvider, Request};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Pending = (Request, Box<dyn NetHandler>);

/// The most pixels one image may decode to (about 40 megapixels).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

#[derive(Default)]
pub struct MailNetProvider {
    queue: Mutex<Vec<Pending>>,
}

impl NetProvider for MailNetProvider {
    fn fetch(&self, _doc_id: usize, request: Request, handler: Box<dyn NetHandler>) {
        if let Ok(mut q) = self.queue.lock() {
            q.push((request, handler));
        }
    }
}

impl MailNetProvider {
    pub fn take(&self) -> Vec<Pending> {
        self.queue
            .lock()
            .map(|mut q| std::mem::take(&mut *q))
            .unwrap_or_default()
    }
}

/// What the answering of one round learned.
#[derive(Debug, Default)]
pub struct Answered {
    pub blocked: Vec<String>,
    pub fetched: usize,
}

/// Settles a request with nothing: the engine counts a stylesheet as pending until it gets
/// an answer and paints nothing meanwhile, so a blocked or failed one is answered empty.
fn settle_empty(handler: Box<dyn NetHandler>, url: String) {
    handler.bytes(url, Bytes::new());
}

/// Answers the queued requests: inline parts, data URLs, and remote ones if allowed. Every
/// request is answered (empty when it is blocked or fails).
pub fn answer(
    pending: Vec<Pending>,
    inline: &HashMap<String, Arc<Vec<u8>>>,
    allow_remote: bool,
    out: &mut Answered,
) {
    let mut remote_wanted = Vec::new();
    for (req, handler) in pending {
        let url = req.url.as_str().to_string();
        match req.url.scheme() {
            "cid" => match inline.get(&normalise_cid(req.url.path())) {
                Some(data) if image_within_caps(data) => {
                    handler.bytes(url, Bytes::from(data.as_ref().clone()))
                }
                _ => settle_empty(handler, url),
            },
            "data" => match decode_data_url(&url) {
                Some(data) if image_within_caps(&data) => handler.bytes(url, Bytes::from(data)),
                _ => settle_empty(handler, url),
            },
            "http" | "https" if allow_remote => remote_wanted.push((req, handler)),
            "http" | "https" => {
                out.blocked.push(url.clone());
                settle_empty(handler, url);
            }
            _ => settle_empty(handler, url),
        }
    }
    if remote_wanted.is_empty() {
        return;
    }
    let urls: Vec<_> = remote_wanted.iter().map(|(r, _)| r.url.clone()).collect();
    let results = remote::fetch_all(&urls);
    for ((req, handler), result) in remote_wanted.into_iter().zip(results) {
        let url = req.url.as_str().to_string();
        match result {
            Ok(data) if image_within_caps(&data) => {
                out.fetched += 1;
                handler.bytes(url, Bytes::from(data));
                continue;
            }
            Ok(_) => tracing::debug!("remote image over the pixel cap"),
            Err(e @ RemoteError::NotPublic(_)) | Err(e @ RemoteError::TooLarge) => {
                tracing::debug!("remote resource refused: {e}")
            }
            Err(e) => tracing::debug!("remote resource failed: {e}"),
        }
        settle_empty(handler, url);
    }
}

/// `cid:` values are compared without angle brackets, percent-decoded, case-insensitively.
pub fn normalise_cid(s: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
    decoded
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_ascii_lowercase()
}

/// Bytes that look like an image must stay under the pixel cap (a small PNG can claim
/// 100,000 x 100,000 pixels); anything not recognised as an image passes (CSS, fonts).
pub fn image_within_caps(data: &[u8]) -> bool {
    let Ok(reader) = image::ImageReader::new(std::io::Cursor::new(data)).with_guessed_format()
    else {
        return true;
    };
    if reader.format().is_none() {
        return true;
    }
    match reader.into_dimensions() {
        Ok((w, h)) => (w as u64) * (h as u64) <= MAX_IMAGE_PIXELS,
        Err(_) => false,
    }
}

/// RFC 2397: `data:[<mediatype>][;base64],<data>`.
pub fn decode_data_url(url: &str) -> Option<Vec<u8>> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(data).collect();
    if meta.to_ascii_lowercase().ends_with(";base64") {
        let compact: Vec<u8> = bytes
            .into_iter()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
            .ok()
    } else {
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_decode() {
        assert_eq!(
            decode_data_url("data:image/png;base64,aGk=").as_deref(),
            Some(&b"hi"[..])
        );
        assert_eq!(
            decode_data_url("data:image/svg+xml,%3Csvg%3E").as_deref(),
            Some(&b"<svg>"[..])
        );
        assert_eq!(decode_data_url("data:image/png;base64"), None);
    }

    #[test]
    fn cids_compare_without_brackets_and_case() {
        assert_eq!(normalise_cid("<Logo@Example.COM>"), "logo@example.com");
        assert_eq!(normalise_cid("logo%40example.com"), "logo@example.com");
    }

    #[test]
    fn an_image_claiming_too_many_pixels_is_refused() {
        // A PNG header (IHDR) claiming 100,000 x 100,000 pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert!(!image_within_caps(&png));
        assert!(image_within_caps(b"body { color: red }"));
    }
}
