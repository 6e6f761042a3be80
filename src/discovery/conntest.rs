//! Connection tests for the wizard: try settings with a password (never the keyring) and
//! say precisely what is wrong.
use super::guess::{self, Kind};
use crate::model::{Endpoint, Security};
use crate::protocol::imap::{Credentials, ImapConn, ImapError};
use crate::protocol::net::NetError;
use crate::protocol::pop3::{Pop3Conn, Pop3Error};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::BufReader;
use tokio::net::TcpStream;

/// How long each stage (DNS, connect, login) may take.
pub const STAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which server is tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Imap,
    Pop3,
    Smtp,
}

/// The certificate a server showed, for the user to judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the DER certificate, "AB:CD:..".
    pub sha256: String,
}

/// What went wrong, specifically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConnTestError {
    #[error("host {host} was not found")]
    HostNotFound { host: String },
    #[error("{host}:{port} refused the connection (the port is closed)")]
    PortClosed { host: String, port: u16 },
    #[error("{host}:{port} did not answer (the port is filtered, or the host is down)")]
    Filtered { host: String, port: u16 },
    #[error("TLS with {host} failed: {reason}")]
    Tls {
        host: String,
        reason: String,
        cert: Option<Box<CertInfo>>,
    },
    #[error("{host} does not offer STARTTLS; refusing to continue without encryption")]
    NoStartTls { host: String },
    #[error("wrong user name or password (the server says: {server_says})")]
    WrongPassword { server_says: String },
    #[error("the server wants an app password or OAuth sign-in (it says: {server_says})")]
    AppPassword { server_says: String },
    #[error("{0}")]
    Other(String),
}

impl ConnTestError {
    /// Fluent id of the message the wizard shows.
    pub fn fluent_id(&self) -> &'static str {
        match self {
            ConnTestError::HostNotFound { .. } => "conntest-host-not-found",
            ConnTestError::PortClosed { .. } => "conntest-port-closed",
            ConnTestError::Filtered { .. } => "conntest-filtered",
            ConnTestError::Tls { .. } => "conntest-tls",
            ConnTestError::NoStartTls { .. } => "conntest-no-starttls",
            ConnTestError::WrongPassword { .. } => "conntest-wrong-password",
            ConnTestError::AppPassword { .. } => "conntest-app-password",
            ConnTestError::Other(_) => "conntest-other",
        }
    }
}

pub use crate::protocol::pop3::wants_app_password;

fn login_failed(text: String) -> ConnTestError {
    if wants_app_password(&text) {
        ConnTestError::AppPassword { server_says: text }
    } else {
        ConnTestError::WrongPassword { server_says: text }
    }
}

/// Resolves and connects (no TLS yet): host not found / closed / filtered.
async fn reach(host: &str, port: u16) -> Result<SocketAddr, ConnTestError> {
    let addrs =
        match tokio::time::timeout(STAGE_TIMEOUT, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(a)) => a.collect::<Vec<_>>(),
            _ => Vec::new(),
        };
    if addrs.is_empty() {
        return Err(ConnTestError::HostNotFound {
            host: host.to_string(),
        });
    }
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(STAGE_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(_)) => return Ok(addr),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = Some(ConnTestError::PortClosed {
                    host: host.to_string(),
                    port,
                })
            }
            Ok(Err(e)) => last = Some(ConnTestError::Other(e.to_string())),
            Err(_) => {
                last = Some(ConnTestError::Filtered {
                    host: host.to_string(),
                    port,
                })
            }
        }
    }
    Err(last.unwrap_or(ConnTestError::HostNotFound {
        host: host.to_string(),
    }))
}

/// Tests an incoming or outgoing server with a user name and password. Nothing is stored.
pub async fn test_login(
    kind: ServerKind,
    server: &Endpoint,
    username: &str,
    password: &str,
    ca_file: Option<&str>,
) -> Result<(), ConnTestError> {
    let addr = reach(&server.host, server.port).await?;
    let creds = Credentials {
        username: username.to_string(),
        password: password.to_string(),
    };
    let (h, p, s) = (server.host.as_str(), server.port, server.security);
    match kind {
        ServerKind::Imap => match ImapConn::connect(h, p, s, ca_file, &creds).await {
            Ok(c) => {
                let _ = c.logout().await;
                Ok(())
            }
            Err(ImapError::Auth(t)) => Err(login_failed(t)),
            Err(ImapError::NoStartTls { host }) => Err(ConnTestError::NoStartTls { host }),
            Err(ImapError::Net(NetError::Tls { reason, .. })) => {
                Err(tls_error(kind, server, addr, reason).await)
            }
            Err(e) => Err(ConnTestError::Other(e.to_string())),
        },
        ServerKind::Pop3 => match Pop3Conn::connect(h, p, s, ca_file, &creds).await {
            Ok(c) => {
                let _ = c.quit().await;
                Ok(())
            }
            Err(Pop3Error::Auth(t)) => Err(login_failed(t)),
            Err(Pop3Error::AppPassword(t)) => Err(ConnTestError::AppPassword { server_says: t }),
            Err(Pop3Error::NoStls { host }) => Err(ConnTestError::NoStartTls { host }),
            Err(Pop3Error::Net(NetError::Tls { reason, .. })) => {
                Err(tls_error(kind, server, addr, reason).await)
            }
            Err(e) => Err(ConnTestError::Other(e.to_string())),
        },
        ServerKind::Smtp => smtp(server, &creds, ca_file, addr).await,
    }
}

async fn smtp(
    server: &Endpoint,
    creds: &Credentials,
    ca_file: Option<&str>,
    addr: SocketAddr,
) -> Result<(), ConnTestError> {
    use lettre::transport::smtp::authentication::{Credentials as SmtpCreds, Mechanism};
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    use lettre::{AsyncSmtpTransport, Tokio1Executor};
    let other = |e: &dyn std::fmt::Display| ConnTestError::Other(e.to_string());
    let mut tp = TlsParameters::builder(server.host.clone());
    if let Some(ca) = ca_file {
        let pem = std::fs::read(ca).map_err(|e| other(&e))?;
        tp = tp.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| other(&e))?);
    }
    let params = tp.build_native().map_err(|e| other(&e))?;
    let tls = match server.security {
        Security::Tls => Tls::Wrapper(params),
        Security::Starttls => Tls::Required(params),
    };
    let transport: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.host.clone())
            .port(server.port)
            .tls(tls)
            .credentials(SmtpCreds::new(
                creds.username.clone(),
                creds.password.clone(),
            ))
            .authentication(vec![Mechanism::Plain, Mechanism::Login])
            .timeout(Some(STAGE_TIMEOUT))
            .build();
    match transport.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err(ConnTestError::Other(
            "the SMTP server closed the connection".into(),
        )),
        // lettre reports a failed handshake on connect as a connection error: its words tell.
        Err(e) if e.is_tls() || looks_like_tls(&e.to_string()) => {
            Err(tls_error(ServerKind::Smtp, server, addr, e.to_string()).await)
        }
        Err(e) => {
            let text = e.to_string();
            let code = e.status().map(|c| c.to_string()).unwrap_or_default();
            if wants_app_password(&text) {
                Err(ConnTestError::AppPassword { server_says: text })
            } else if code == "535" || code == "534" || text.contains("535") {
                Err(login_failed(text))
            } else if text.to_ascii_lowercase().contains("starttls") {
                Err(ConnTestError::NoStartTls {
                    host: server.host.clone(),
                })
            } else {
                Err(ConnTestError::Other(text))
            }
        }
    }
}

fn looks_like_tls(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["certificate", "ssl routines", "handshake"]
        .iter()
        .any(|k| t.contains(k))
}

async fn tls_error(
    kind: ServerKind,
    server: &Endpoint,
    addr: SocketAddr,
    reason: String,
) -> ConnTestError {
    let cert = tokio::time::timeout(STAGE_TIMEOUT, peer_certificate(kind, server, addr))
        .await
        .ok()
        .flatten()
        .map(Box::new);
    ConnTestError::Tls {
        host: server.host.clone(),
        reason,
        cert,
    }
}

/// Reads the certificate the server presents, to show it after a failed verification. The
/// handshake here accepts any certificate ONLY to read it: nothing is sent over this
/// connection and it is closed at once.
pub async fn peer_certificate(
    kind: ServerKind,
    server: &Endpoint,
    addr: SocketAddr,
) -> Option<CertInfo> {
    let tcp = TcpStream::connect(addr).await.ok()?;
    let gkind = match kind {
        ServerKind::Imap => Kind::Imap,
        ServerKind::Pop3 => Kind::Pop3,
        ServerKind::Smtp => Kind::Smtp,
    };
    let tcp = match server.security {
        Security::Tls => tcp,
        Security::Starttls => {
            let mut r = BufReader::new(tcp);
            if !guess::greeting(&mut r, gkind).await || !guess::starttls(&mut r, gkind).await {
                return None;
            }
            r.into_inner()
        }
    };
    let connector = async_native_tls::TlsConnector::new()
        .danger_accept_invalid_certs(true)
        .danger_accept_invalid_hostnames(true);
    let tls = connector.connect(&server.host, tcp).await.ok()?;
    let der = tls.peer_certificate().ok()??.to_der().ok()?;
    drop(tls);
    cert_info(&der)
}

/// Subject, issuer, validity and SHA-256 fingerprint of a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    use sha2::Digest;
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let time = |t: x509_parser::time::ASN1Time| crate::cli::rfc3339(t.timestamp());
    let digest = sha2::Sha256::digest(der);
    Some(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
        sha256: digest
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
    })
}
