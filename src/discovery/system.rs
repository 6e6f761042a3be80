//! The real DNS resolver (hickory, the system's resolver configuration) and HTTPS client.
//!
//! The HTTPS client is a few lines over our own TLS layer: discovery fetches one small XML
//! file, and a full HTTP stack (hyper/reqwest) would add dozens of crates for that.
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

impl HttpsClient {
    async fn get_once(&self, url: &str) -> Result<(u16, Option<String>, Vec<u8>), HttpError> {
        let (host, port, path) = split_https_url(url)?;
        let fail = |e: &dyn std::fmt::Display| HttpError::Failed(e.to_string());
        let tcp = net::tcp(&host, port).await.map_err(|e| fail(&e))?;
        let mut tls = net::tls_wrap(tcp, &host, self.ca_file.as_deref(), Trust::SystemAndCa)
            .await
            .map_err(|e| fail(&e))?;
        let req = format!(
            "GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: Tayori\r\n\
             Accept: application/xml, text/xml\r\nConnection: close\r\n\r\n"
        );
        tls.write_all(req.as_bytes()).await.map_err(|e| fail(&e))?;
        let mut buf = Vec::new();
        (&mut tls)
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
    }
}
