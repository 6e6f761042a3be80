//! The real DNS resolver (hickory, the system's resolver configuration) and HTTPS client.
//!
//! The HTTPS client is a few lines over our own TLS layer: discovery fetches one small XML
//! file. Plain HTTP only to a loopback address (a local ISPDB, `TAYORI_ISPDB_URL`).
use super::{DnsError, Http, HttpError, Resolver, SrvRecord};
use crate::protocol::net::{self, Trust};
use futures::future::BoxFuture;
use hickory_resolver::TokioResolver;
use std::net::IpAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// DNS through the system's configuration (resolv.conf, or the OS settings).
pub struct SystemResolver {
    inner: TokioResolver,
}

impl SystemResolver {
    pub fn new() -> Result<Self, DnsError> {
        let b = TokioResolver::builder_tokio().map_err(|e| DnsError::Failed(e.to_string()))?;
        Ok(SystemResolver { inner: b.build() })
    }
}

fn dns_error(e: hickory_resolver::ResolveError) -> DnsError {
    if e.is_nx_domain() || e.is_no_records_found() {
        DnsError::NotFound
    } else {
        DnsError::Failed(e.to_string())
    }
}

fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

impl Resolver for SystemResolver {
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        Box::pin(async move {
            let r = self
                .inner
                .mx_lookup(fqdn(domain))
                .await
                .map_err(dns_error)?;
            let mut v: Vec<(u16, String)> = r
                .iter()
                .map(|mx| {
                    let h = mx.exchange().to_utf8();
                    (mx.preference(), h.trim_end_matches('.').to_string())
                })
                .collect();
            v.sort();
            Ok(v.into_iter().map(|(_, h)| h).collect())
        })
    }

    fn srv<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<SrvRecord>, DnsError>> {
        Box::pin(async move {
            let r = self.inner.srv_lookup(fqdn(name)).await.map_err(dns_error)?;
            Ok(r.iter()
                .map(|s| SrvRecord {
                    priority: s.priority(),
                    weight: s.weight(),
                    port: s.port(),
                    target: s.target().to_utf8().trim_end_matches('.').to_string(),
                })
                .collect())
        })
    }

    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async move {
            let r = self.inner.lookup_ip(fqdn(host)).await.map_err(dns_error)?;
            Ok(r.iter().collect())
        })
    }
}

/// HTTPS GET over our TLS layer (certificates verified; optional extra CA).
#[derive(Debug, Clone, Default)]
pub struct HttpsClient {
    pub ca_file: Option<String>,
}

/// Largest body accepted (autoconfig files are a few KB).
const MAX_BODY: u64 = 1 << 20;

/// Splits "https://host[:port]/path" into (host, port, path).
pub fn split_https_url(url: &str) -> Result<(String, u16, String), HttpError> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| HttpError::Failed(format!("not an https URL: {url}")))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse()
                .map_err(|_| HttpError::Failed(format!("bad port in {url}")))?,
        ),
        None => (authority, 443),
    };
    if host.is_empty() {
        return Err(HttpError::Failed(format!("no host in {url}")));
    }
    Ok((host.to_string(), port, path.to_string()))
}

/// Splits "http://host[:port]/path" of a loopback address (tests' local servers; the only
/// place plain HTTP is used) into (host, port, path).
pub fn split_loopback_http_url(url: &str) -> Result<(String, u16, String), HttpError> {
    if !crate::account::oauth::is_loopback_http(url) {
        return Err(HttpError::Failed(format!(
            "plain http:// only to this computer (127.0.0.1, ::1, localhost), not {url}"
        )));
    }
    let (host, port, path) = split_https_url(&url.replacen("http://", "https://", 1))?;
    let port = if url.contains(&format!("{host}:{port}")) {
        port
    } else {
        80
    };
    Ok((host.trim_matches(['[', ']']).to_string(), port, path))
}

impl HttpsClient {
    async fn get_once(&self, url: &str) -> Result<(u16, Option<String>, Vec<u8>), HttpError> {
        let fail = |e: &dyn std::fmt::Display| HttpError::Failed(e.to_string());
        if url.starts_with("http://") {
            let (host, port, path) = split_loopback_http_url(url)?;
            let tcp = net::tcp(&host, port).await.map_err(|e| fail(&e))?;
            return exchange(tcp, &host, &path).await;
        }
        let (host, port, path) = split_https_url(url)?;
        let tcp = net::tcp(&host, port).await.map_err(|e| fail(&e))?;
        let tls = net::tls_wrap(tcp, &host, self.ca_file.as_deref(), Trust::SystemAndCa)
            .await
            .map_err(|e| fail(&e))?;
        exchange(tls, &host, &path).await
    }
}

/// One HTTP/1.0 GET over `stream`: (status, Location, body).
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    host: &str,
    path: &str,
) -> Result<(u16, Option<String>, Vec<u8>), HttpError> {
    let fail = |e: &dyn std::fmt::Display| HttpError::Failed(e.to_string());
    let req = format!(
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: Tayori\r\n\
         Accept: application/xml, text/xml\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(req.as_bytes())
        .await
        .map_err(|e| fail(&e))?;
    let mut buf = Vec::new();
    (&mut stream)
        .take(MAX_BODY + 16 * 1024)
        .read_to_end(&mut buf)
        .await
        .map_err(|e| fail(&e))?;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| HttpError::Failed("no HTTP header".into()))?;
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let body = buf[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HttpError::Failed("bad HTTP status line".into()))?;
    let location = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("location")
            .then(|| v.trim().to_string())
    });
    Ok((status, location, body))
}

impl Http for HttpsClient {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>> {
        Box::pin(async move {
            let mut url = url.to_string();
            for _ in 0..4 {
                let (status, location, body) = self.get_once(&url).await?;
                match (status, location) {
                    (200, _) => return Ok(body),
                    (301 | 302 | 303 | 307 | 308, Some(loc)) if loc.starts_with("https://") => {
                        url = loc;
                    }
                    (s, _) => return Err(HttpError::Status(s)),
                }
            }
            Err(HttpError::Failed("too many redirects".into()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split() {
        assert_eq!(
            split_https_url("https://autoconfig.x.jp/mail/config-v1.1.xml?a=b").unwrap(),
            (
                "autoconfig.x.jp".into(),
                443,
                "/mail/config-v1.1.xml?a=b".into()
            )
        );
        assert_eq!(
            split_https_url("https://localhost:8443").unwrap(),
            ("localhost".into(), 8443, "/".into())
        );
        assert!(split_https_url("http://x.jp/").is_err());
        assert_eq!(
            split_loopback_http_url("http://127.0.0.1:8080/v1.1/x.jp").unwrap(),
            ("127.0.0.1".into(), 8080, "/v1.1/x.jp".into())
        );
        assert_eq!(
            split_loopback_http_url("http://localhost/a").unwrap(),
            ("localhost".into(), 80, "/a".into())
        );
        assert!(split_loopback_http_url("http://example.com/v1.1").is_err());
    }
}
