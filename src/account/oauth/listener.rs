//! The loopback redirect listener of RFC 8252 §7.3: a socket on 127.0.0.1 at a port the
//! system picks, waiting for the one request the browser makes when the authorization
//! server sends it back, `GET /?code=...&state=...`. It answers with a plain page in the
//! user's language; anything else (a favicon request, a stray connection) gets a 404.
use super::OAuthError;
use crate::i18n::Localizer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What came back: the authorization code, or the server's error.
pub(crate) enum Redirect {
    Code(String),
    Error(String),
}

/// Reads one request head (up to 8 KiB) and returns its target ("/?code=...").
async fn request_target(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 8192 {
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), sock.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_string)
}

/// The parameters of a redirect target, when it is one for `state`.
fn parse_redirect(target: &str, state: &str) -> Option<Redirect> {
    let url = oauth2::url::Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    if get("state").as_deref() != Some(state) {
        return None;
    }
    if let Some(code) = get("code") {
        return Some(Redirect::Code(code));
    }
    let error = get("error")?;
    Some(Redirect::Error(match get("error_description") {
        Some(d) => format!("{error}: {d}"),
        None => error,
    }))
}

async fn answer(sock: &mut TcpStream, status: &str, body: &str) {
    let resp = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = sock.write_all(resp.as_bytes()).await;
    let _ = sock.shutdown().await;
}

fn page(lang: &str, title_key: &str, text_key: &str) -> String {
    let l = Localizer::new(lang);
    let esc = |s: String| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><title>Tayori</title>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{}</h1><p>{}</p></body></html>",
        esc(l.tr(title_key, None)),
        esc(l.tr(text_key, None))
    )
}

/// Waits for the redirect that carries `state`; answers it with a page in `lang`.
pub(crate) async fn wait_for_redirect(
    listener: &TcpListener,
    state: &str,
    lang: &str,
) -> Result<Redirect, OAuthError> {
    loop {
        let (mut sock, _) = listener
            .accept()
            .await
            .map_err(|e| OAuthError::Browser(e.to_string()))?;
        let Some(target) = request_target(&mut sock).await else {
            continue;
        };
        match parse_redirect(&target, state) {
            Some(r @ Redirect::Code(_)) => {
                let body = page(lang, "oauth-page-done-title", "oauth-page-done-text");
                answer(&mut sock, "200 OK", &body).await;
                return Ok(r);
            }
            Some(r @ Redirect::Error(_)) => {
                let body = page(lang, "oauth-page-failed-title", "oauth-page-failed-text");
                answer(&mut sock, "200 OK", &body).await;
                return Ok(r);
            }
            None => answer(&mut sock, "404 Not Found", "").await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_redirect_with_our_state_counts() {
        assert!(matches!(
            parse_redirect("/?code=abc&state=S1", "S1"),
            Some(Redirect::Code(c)) if c == "abc"
        ));
        assert!(parse_redirect("/?code=abc&state=other", "S1").is_none());
        assert!(parse_redirect("/favicon.ico", "S1").is_none());
        assert!(matches!(
            parse_redirect("/?error=access_denied&error_description=no%20thanks&state=S1", "S1"),
            Some(Redirect::Error(e)) if e == "access_denied: no thanks"
        ));
    }

    #[test]
    fn the_page_speaks_the_users_language() {
        let ja = page("ja", "oauth-page-done-title", "oauth-page-done-text");
        let en = page("en", "oauth-page-done-title", "oauth-page-done-text");
        assert_ne!(ja, en);
        assert!(!en.contains("oauth-page"), "{en}");
    }
}
