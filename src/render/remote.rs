//! Remote content, fetched only after the user allowed it: our own client (no cookies, no
//! referrer, no redirects to anywhere not public), a size cap per resource, and public
//! addresses only: names are resolved here and loopback, private, link-local, CGNAT,
//! multicast and unspecified addresses are refused, so a mail cannot reach the local
//! network. `TAYORI_REMOTE_ALLOW_LOOPBACK=1` lets loopback through: for tests only.
use blitz_traits::net::Url;
use futures::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

/// The most bytes one remote resource may have.
pub const MAX_REMOTE_BYTES: usize = 5 * 1024 * 1024;
const MAX_PARALLEL: usize = 6;
const TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0} is not a public address")]
    NotPublic(String),
    #[error("the resource is larger than the limit")]
    TooLarge,
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("no runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

fn loopback_allowed() -> bool {
    std::env::var("TAYORI_REMOTE_ALLOW_LOOPBACK").is_ok_and(|v| v == "1")
}

/// Whether a remote fetch may go to `ip`.
pub fn is_public(ip: IpAddr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return allow_loopback;
    }
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4), allow_loopback);
            }
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8))
        }
    }
}

/// Resolves names and keeps only public addresses, so the connection itself cannot be
/// steered to the local network (the check and the connect use the same answer).
struct PublicOnly {
    allow_loopback: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let looked_up = tokio::task::spawn_blocking(move || {
                (host.as_str(), 0)
                    .to_socket_addrs()
                    .map(|a| a.collect::<Vec<SocketAddr>>())
                    .map_err(|e| (host, e))
            })
            .await
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let addrs = looked_up
                .map_err(|(_, e)| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })?;
            let public: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| is_public(a.ip(), allow_loopback))
                .collect();
            if public.is_empty() {
                return Err(Box::new(RemoteError::NotPublic(name.as_str().to_string())) as _);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// A host written as an IP literal never reaches the resolver: checked here.
fn literal_allowed(url: &Url, allow_loopback: bool) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_public(IpAddr::V4(ip), allow_loopback),
        Some(url::Host::Ipv6(ip)) => is_public(IpAddr::V6(ip), allow_loopback),
        Some(url::Host::Domain(d)) => !d.eq_ignore_ascii_case("localhost") || allow_loopback,
        None => false,
    }
}

fn client(allow_loopback: bool) -> Result<reqwest::Client, RemoteError> {
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        let ok = matches!(attempt.url().scheme(), "http" | "https")
            && literal_allowed(attempt.url(), allow_loopback);
        if attempt.previous().len() >= 5 || !ok {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    Ok(reqwest::Client::builder()
        .dns_resolver(Arc::new(PublicOnly { allow_loopback }))
        .redirect(policy)
        .referer(false)
        .no_proxy()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(8))
        .user_agent("Mozilla/5.0")
        .build()?)
}

async fn fetch_one(
    client: &reqwest::Client,
    url: &Url,
    allow_loopback: bool,
) -> Result<Vec<u8>, RemoteError> {
    if !literal_allowed(url, allow_loopback) {
        return Err(RemoteError::NotPublic(
            url.host_str().unwrap_or("").to_string(),
        ));
    }
    let mut resp = client.get(url.as_str()).send().await?;
    if !resp.status().is_success() {
        return Err(RemoteError::Status(resp.status().as_u16()));
    }
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_REMOTE_BYTES as u64)
    {
        return Err(RemoteError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_REMOTE_BYTES {
            return Err(RemoteError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Fetches every URL (a few at a time) on a runtime of its own; results in input order.
pub fn fetch_all(urls: &[Url]) -> Vec<Result<Vec<u8>, RemoteError>> {
    let allow_loopback = loopback_allowed();
    let run = || -> Result<Vec<Result<Vec<u8>, RemoteError>>, RemoteError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let client = client(allow_loopback)?;
        Ok(rt.block_on(async {
            futures::stream::iter(urls.iter())
                .map(|u| fetch_one(&client, u, allow_loopback))
                .buffered(MAX_PARALLEL)
                .collect::<Vec<_>>()
                .await
        }))
    };
    match run() {
        Ok(r) => r,
        Err(e) => {
            let msg = e.to_string();
            urls.iter()
                .map(|_| Err(RemoteError::Runtime(std::io::Error::other(msg.clone()))))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            let ip: IpAddr = private.parse().unwrap();
            assert!(!is_public(ip, false), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(is_public(ip, false), "{public}");
        }
        assert!(is_public("127.0.0.1".parse().unwrap(), true));
        assert!(!is_public("10.0.0.1".parse().unwrap(), true));
    }

    #[test]
    fn literal_hosts_are_checked() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(!literal_allowed(&u("http://127.0.0.1:8080/x"), false));
        assert!(!literal_allowed(&u("http://[::1]/x"), false));
        assert!(!literal_allowed(&u("http://localhost/x"), false));
        assert!(literal_allowed(&u("http://127.0.0.1:8080/x"), true));
        assert!(literal_allowed(&u("https://example.com/x"), false));
    }
}
