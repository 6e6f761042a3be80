//! TCP + TLS connection setup shared by the protocols. Certificates are always verified;
//! an account may add one extra trust anchor (its `ca_file`).
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// How long connecting (TCP + TLS) may take before we call the host unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// A byte stream a protocol session runs over (plain TCP before STARTTLS, TLS, deflate).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

pub type BoxIo = Box<dyn Io>;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The name does not resolve (a typo, or no network to ask DNS with).
    #[error("cannot reach {host}:{port}: the host name was not found ({reason})")]
    HostNotFound {
        host: String,
        port: u16,
        reason: String,
    },
    #[error("cannot reach {host}:{port}: {source}")]
    Connect {
        host: String,
        port: u16,
        source: std::io::Error,
    },
    #[error("timed out connecting to {host}:{port}")]
    Timeout { host: String, port: u16 },
    #[error("cannot read the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    /// The handshake failed; `reason` is the library's text (the details), the message is
    /// a sentence in words.
    #[error("{}", tls_sentence(.host, .reason))]
    Tls { host: String, reason: String },
    /// TLS was asked for and the server answered in plain text: a STARTTLS port.
    #[error(
        "{host}:{port} answered without TLS: this port expects STARTTLS (security `starttls`), \
         or TLS is on another port"
    )]
    NotTls { host: String, port: u16 },
}

/// One sentence for a failed handshake, without the library's internals: whether the
/// certificate was the problem, and OpenSSL's own reason for it when it gives one
/// (`... certificate verify failed:../ssl/statem/statem_clnt.c:1889: (self-signed
/// certificate)` becomes `(self-signed certificate)`).
pub fn tls_sentence(host: &str, reason: &str) -> String {
    let r = reason.to_ascii_lowercase();
    if !(r.contains("certificate") || r.contains("verify")) {
        return format!("TLS with {host} failed: no secure connection could be set up");
    }
    match verify_reason(reason) {
        Some(why) => format!("TLS with {host} failed: its certificate is not trusted ({why})"),
        None => format!("TLS with {host} failed: its certificate is not trusted"),
    }
}

/// The words in OpenSSL's last parentheses, if they are words (not a file and line).
fn verify_reason(reason: &str) -> Option<&str> {
    let open = reason.rfind('(')?;
    let close = open + reason[open..].find(')')?;
    let why = reason[open + 1..close].trim();
    let words = !why.is_empty()
        && !why.contains(".c:")
        && why
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " -_,'".contains(c));
    words.then_some(why)
}

/// What OpenSSL says when the other side sent plain text instead of a TLS record.
pub fn plain_text_answer(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("wrong version number")
        || r.contains("packet length too long")
        || r.contains("unknown protocol")
        || r.contains("http request")
}

/// Opens a TCP connection with a timeout: the name is resolved first (so a name that does
/// not resolve is told apart from a server that refuses), then each address is tried.
pub async fn tcp(host: &str, port: u16) -> Result<TcpStream, NetError> {
    let deadline = tokio::time::Instant::now() + CONNECT_TIMEOUT;
    let timeout = || NetError::Timeout {
        host: host.to_string(),
        port,
    };
    let addrs: Vec<std::net::SocketAddr> =
        match tokio::time::timeout_at(deadline, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(a)) => a.collect(),
            Ok(Err(e)) => {
                return Err(NetError::HostNotFound {
                    host: host.to_string(),
                    port,
                    reason: e.to_string(),
                });
            }
            Err(_) => return Err(timeout()),
        };
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Ok(Err(source)) => last = Some(source),
            Err(_) => return Err(timeout()),
        }
    }
    Err(match last {
        Some(source) => NetError::Connect {
            host: host.to_string(),
            port,
            source,
        },
        None => NetError::HostNotFound {
            host: host.to_string(),
            port,
            reason: "no address".into(),
        },
    })
}

/// Which trust anchors a handshake uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The system roots, plus the account's `ca_file` if it has one.
    SystemAndCa,
    /// Only the account's `ca_file`: tried first when there is one, because loading the
    /// system bundle costs OpenSSL ~70 ms per process; on failure the caller retries with
    /// `SystemAndCa`, so the CA file adds a trust anchor and never removes one.
    CaOnly,
}

/// A TLS connector that verifies certificates against the chosen trust anchors.
pub fn tls_connector(
    ca_file: Option<&str>,
    trust: Trust,
) -> Result<async_native_tls::TlsConnector, NetError> {
    let mut b = native_tls::TlsConnector::builder();
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| NetError::CaFile {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| NetError::CaFile {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        b.add_root_certificate(cert);
        b.disable_built_in_roots(trust == Trust::CaOnly);
    }
    Ok(b.into())
}

/// Wraps a connected stream in TLS for `host`.
pub async fn tls_wrap<S>(
    stream: S,
    host: &str,
    ca_file: Option<&str>,
    trust: Trust,
) -> Result<async_native_tls::TlsStream<S>, NetError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let t0 = std::time::Instant::now();
    let conn = tls_connector(ca_file, trust)?;
    tracing::debug!(elapsed = ?t0.elapsed(), "TLS connector built");
    let r = tls_handshake(conn, stream, host).await;
    tracing::debug!(elapsed = ?t0.elapsed(), "TLS handshake done");
    r
}

/// [`tls_wrap`] of a fresh TCP connection to `host:port` (implicit TLS): a plain-text
/// answer is told apart as [`NetError::NotTls`].
pub async fn tls_wrap_port<S>(
    stream: S,
    host: &str,
    port: u16,
    ca_file: Option<&str>,
    trust: Trust,
) -> Result<async_native_tls::TlsStream<S>, NetError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    match tls_wrap(stream, host, ca_file, trust).await {
        Err(NetError::Tls { reason, .. }) if plain_text_answer(&reason) => Err(NetError::NotTls {
            host: host.to_string(),
            port,
        }),
        other => other,
    }
}

async fn tls_handshake<S>(
    conn: async_native_tls::TlsConnector,
    stream: S,
    host: &str,
) -> Result<async_native_tls::TlsStream<S>, NetError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    match tokio::time::timeout(CONNECT_TIMEOUT, conn.connect(host, stream)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => Err(NetError::Tls {
            host: host.to_string(),
            reason: e.to_string(),
        }),
        Err(_) => Err(NetError::Timeout {
            host: host.to_string(),
            port: 0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_sentences_carry_no_openssl_internals() {
        let untrusted = "error:0A000086:SSL routines:tls_post_process_server_certificate:\
                         certificate verify failed:../ssl/statem/statem_clnt.c:1889: \
                         (unable to get local issuer certificate)";
        assert_eq!(
            tls_sentence("h", untrusted),
            "TLS with h failed: its certificate is not trusted (unable to get local issuer \
             certificate)"
        );
        let plain = "error:0A00010B:SSL routines:ssl3_get_record:wrong version number:\
                     ../ssl/record/ssl3_record.c:354:";
        assert!(plain_text_answer(plain));
        assert_eq!(
            tls_sentence("h", plain),
            "TLS with h failed: no secure connection could be set up"
        );
        for s in [tls_sentence("h", untrusted), tls_sentence("h", plain)] {
            assert!(!s.contains("error:") && !s.contains(".c:"), "{s}");
        }
    }
}
