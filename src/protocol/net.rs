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
    #[error(
        "TLS with {host} failed (the server's certificate is not trusted or invalid): {reason}"
    )]
    Tls { host: String, reason: String },
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
