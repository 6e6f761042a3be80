//! SMTP submission over lettre's connection API: implicit TLS (465) or STARTTLS (587,
//! required: no downgrade), AUTH only over TLS, certificates verified (the account's CA
//! file is an extra trust anchor). The transaction is split so the caller can record the
//! moment the content starts to go out: before it, a failure means "not sent"; after it,
//! a lost connection is ambiguous.
use crate::model::{Endpoint, Security};
use crate::protocol::imap::{AuthKind, Credentials};
use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials as LCredentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use std::time::Duration;

/// How long one SMTP step (connect, a command, the content) may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("cannot read the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("cannot reach {host}:{port}: {reason}")]
    Connect {
        host: String,
        port: u16,
        reason: String,
    },
    #[error("{host} does not offer STARTTLS; refusing to send without encryption (no downgrade)")]
    NoStartTls { host: String },
    #[error("{}", crate::protocol::net::tls_sentence(.host, .reason))]
    Tls { host: String, reason: String },
    #[error("SMTP login failed: {0}")]
    Auth(String),
    /// A 5xx answer to the envelope or the content: the message was not accepted.
    #[error("the server refused the message: {0}")]
    Rejected(String),
    /// A 4xx answer: not accepted now, may work later.
    #[error("the server deferred the message: {0}")]
    Deferred(String),
    /// The connection failed before the content went out: nothing was sent.
    #[error("network error: {0}")]
    Network(String),
    /// The connection failed while (or after) the content went out and before the server
    /// answered: the message may or may not have been accepted.
    #[error("the connection broke before the server confirmed the message: {0}")]
    Ambiguous(String),
    #[error("the server did not answer in time")]
    Timeout,
}

impl SmtpError {
    /// The Fluent message id of the sentence the UI shows above the server's words.
    pub fn fluent_key(&self) -> &'static str {
        match self {
            SmtpError::Auth(_) => "send-error-auth",
            SmtpError::NoStartTls { .. } => "send-error-no-starttls",
            SmtpError::Tls { .. } | SmtpError::CaFile { .. } => "send-error-tls",
            SmtpError::Rejected(_) => "outbox-state-failed",
            SmtpError::Deferred(_) => "send-error-deferred",
            SmtpError::Ambiguous(_) => "outbox-uncertain-explained",
            SmtpError::Connect { .. } | SmtpError::Network(_) | SmtpError::Timeout => {
                "send-error-unreachable"
            }
        }
    }

    /// True for failures of the message itself (retrying the same message will not help).
    pub fn is_permanent(&self) -> bool {
        matches!(self, SmtpError::Rejected(_))
    }

    /// True when the server's certificate is not trusted (or the CA file is unreadable):
    /// retrying will not help until the user changes something, so a message that meets it
    /// fails visibly instead of waiting in the queue. (STARTTLS missing stays a wait: a
    /// network that strips it, e.g. a captive portal, may be left behind.)
    pub fn is_untrusted(&self) -> bool {
        matches!(self, SmtpError::Tls { .. } | SmtpError::CaFile { .. })
    }
}

/// The server's words, without lettre's prefix where it has one.
fn words(e: &lettre::transport::smtp::Error) -> String {
    let s = e.to_string();
    match (e.status(), s.split_once("): ")) {
        (Some(code), Some((_, rest))) => format!("{code} {rest}"),
        _ => s,
    }
}

/// Maps a failed step to an error. `in_data`: the content was (being) sent.
fn classify(e: lettre::transport::smtp::Error, in_data: bool) -> SmtpError {
    if e.is_permanent() {
        SmtpError::Rejected(words(&e))
    } else if e.is_transient() {
        SmtpError::Deferred(words(&e))
    } else if in_data {
        SmtpError::Ambiguous(words(&e))
    } else {
        SmtpError::Network(words(&e))
    }
}

async fn step<T>(
    f: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
    in_data: bool,
) -> Result<T, SmtpError> {
    step_within(STEP_TIMEOUT, f, in_data).await
}

async fn step_within<T>(
    limit: Duration,
    f: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
    in_data: bool,
) -> Result<T, SmtpError> {
    match tokio::time::timeout(limit, f).await {
        Ok(r) => r.map_err(|e| classify(e, in_data)),
        Err(_) if in_data => Err(SmtpError::Ambiguous("timed out".into())),
        Err(_) => Err(SmtpError::Timeout),
    }
}

fn tls_parameters(host: &str, ca_file: Option<&str>) -> Result<TlsParameters, SmtpError> {
    let mut b = TlsParameters::builder(host.to_string());
    if let Some(path) = ca_file {
        let ca_err = |reason: String| SmtpError::CaFile {
            path: path.to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| ca_err(e.to_string()))?;
        b = b.add_root_certificate(cert);
    }
    b.build_native().map_err(|e| SmtpError::Tls {
        host: host.to_string(),
        reason: e.to_string(),
    })
}

/// Words of a connection error that mean the TLS handshake failed.
fn looks_like_tls(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["certificate", "ssl routines", "handshake"]
        .iter()
        .any(|k| t.contains(k))
}

/// The SMTP login test (account setup, `tayori account smtp`): connect, secure, log in,
/// QUIT. Each step may take `limit`. Nothing is sent.
pub async fn test_login(
    endpoint: &Endpoint,
    ca_file: Option<&str>,
    creds: &Credentials,
    limit: Duration,
) -> Result<(), SmtpError> {
    let conn = SmtpConn::connect_within(endpoint, ca_file, creds, limit).await?;
    conn.quit().await;
    Ok(())
}

/// A connected, encrypted, authenticated SMTP session.
pub struct SmtpConn {
    conn: AsyncSmtpConnection,
}

impl SmtpConn {
    /// Connects, secures (never plain), and logs in.
    pub async fn connect(
        endpoint: &Endpoint,
        ca_file: Option<&str>,
        creds: &Credentials,
    ) -> Result<SmtpConn, SmtpError> {
        Self::connect_within(endpoint, ca_file, creds, STEP_TIMEOUT).await
    }

    /// [`SmtpConn::connect`] with each step (connect, STARTTLS, AUTH) limited to `limit`.
    pub async fn connect_within(
        endpoint: &Endpoint,
        ca_file: Option<&str>,
        creds: &Credentials,
        limit: Duration,
    ) -> Result<SmtpConn, SmtpError> {
        let host = endpoint.host.as_str();
        let tls = tls_parameters(host, ca_file)?;
        let hello = ClientId::default();
        let connect_err = |e: lettre::transport::smtp::Error| {
            // lettre reports a handshake that failed on connect as a connection error; only
            // its words tell it was TLS.
            if e.is_tls() || looks_like_tls(&e.to_string()) {
                SmtpError::Tls {
                    host: host.to_string(),
                    reason: format!("{e:#}"),
                }
            } else {
                SmtpError::Connect {
                    host: host.to_string(),
                    port: endpoint.port,
                    reason: words(&e),
                }
            }
        };
        let implicit = (endpoint.security == Security::Tls).then(|| tls.clone());
        let fut = AsyncSmtpConnection::connect_tokio1(
            (host, endpoint.port),
            Some(limit),
            &hello,
            implicit,
            None,
        );
        let mut conn = match tokio::time::timeout(limit, fut).await {
            Ok(r) => r.map_err(connect_err)?,
            Err(_) => return Err(SmtpError::Timeout),
        };
        if endpoint.security == Security::Starttls {
            // A server (or a man in the middle) that does not offer STARTTLS gets nothing.
            if !conn.can_starttls() {
                conn.abort().await;
                return Err(SmtpError::NoStartTls {
                    host: host.to_string(),
                });
            }
            match tokio::time::timeout(limit, conn.starttls(tls, &hello)).await {
                Ok(r) => r.map_err(connect_err)?,
                Err(_) => return Err(SmtpError::Timeout),
            }
        }
        if !conn.is_encrypted() {
            conn.abort().await;
            return Err(SmtpError::NoStartTls {
                host: host.to_string(),
            });
        }
        let lcreds = LCredentials::new(creds.username.clone(), creds.password.clone());
        // With a token, XOAUTH2 only (lettre's fails on the server's challenge after a
        // refused token; that is a refusal like any other here).
        let mechanisms: &[Mechanism] = match creds.kind {
            AuthKind::OAuth2 => &[Mechanism::Xoauth2],
            AuthKind::Password => &[Mechanism::Plain, Mechanism::Login],
        };
        match step_within(limit, conn.auth(mechanisms, &lcreds), false).await {
            Ok(_) => {}
            Err(SmtpError::Rejected(w) | SmtpError::Deferred(w) | SmtpError::Network(w)) => {
                conn.abort().await;
                return Err(SmtpError::Auth(w));
            }
            Err(e) => return Err(e),
        }
        Ok(SmtpConn { conn })
    }

    /// MAIL FROM, RCPT TO for each recipient, DATA. Nothing has been sent when this fails.
    pub async fn envelope(
        &mut self,
        from: &str,
        rcpts: &[String],
        raw: &[u8],
    ) -> Result<(), SmtpError> {
        let parse = |a: &str| {
            a.parse::<Address>()
                .map_err(|e| SmtpError::Rejected(format!("invalid address {a}: {e}")))
        };
        let mut params = Vec::new();
        if !raw.is_ascii()
            && self
                .conn
                .server_info()
                .supports_feature(Extension::EightBitMime)
        {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        step(
            self.conn.command(Mail::new(Some(parse(from)?), params)),
            false,
        )
        .await?;
        for r in rcpts {
            step(self.conn.command(Rcpt::new(parse(r)?, vec![])), false).await?;
        }
        step(self.conn.command(Data), false).await?;
        Ok(())
    }

    /// Sends the content and returns the server's acceptance line.
    pub async fn data(&mut self, raw: &[u8]) -> Result<String, SmtpError> {
        // lettre ends the content with "\r\n.\r\n": a final line break of ours would
        // become an extra empty line.
        let content = raw.strip_suffix(b"\r\n").unwrap_or(raw);
        // Big attachments on slow links: allow 60 s plus 20 s per MB.
        let limit = STEP_TIMEOUT + Duration::from_secs(20 * (content.len() as u64 >> 20));
        let resp = step_within(limit, self.conn.message(content), true).await?;
        let text: Vec<&str> = resp.message().collect();
        Ok(format!("{} {}", resp.code(), text.join(" ")))
    }

    /// Abandons the current transaction (after a refusal) so the next message can follow.
    pub async fn reset(&mut self) -> Result<(), SmtpError> {
        step(self.conn.command(Rset), false).await.map(|_| ())
    }

    pub async fn quit(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.conn.quit()).await;
    }
}
