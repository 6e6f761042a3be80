//! POP3 client (RFC 1939, CAPA RFC 2449, STLS RFC 2595, SASL PLAIN RFC 5034/4616).
//!
//! Hand-written rather than built on `async-pop`: POP3 is a dozen line-oriented commands,
//! and this way the session runs over our own `net` layer (the account's CA file, the same
//! certificate checks and timeouts as IMAP) and STLS can be refused exactly when it is not
//! offered (no downgrade), which the crate does not let us control.
mod wire;

pub use wire::{Response, parse_uidl_line};

use crate::model::Security;
use crate::protocol::imap::Credentials;
use crate::protocol::net::{self, BoxIo, NetError, Trust};
use base64::Engine as _;
use std::time::Duration;
use tokio::io::{AsyncWriteExt, BufReader};

/// How long one server answer may take (a RETR of a big message streams within it per line).
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a plain connection (before STLS) may wait for the server's greeting.
const GREETING_TIMEOUT: Duration = Duration::from_secs(10);

/// Errors talking POP3, worded for the person reading them.
#[derive(Debug, thiserror::Error)]
pub enum Pop3Error {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error("{host} does not offer STLS; refusing to continue without encryption (no downgrade)")]
    NoStls { host: String },
    #[error(
        "{host}:{port} sent no greeting within {secs} s: it probably expects TLS at once \
         (security `tls`), not STLS"
    )]
    NoGreeting { host: String, port: u16, secs: u64 },
    #[error("login failed (wrong user name or password?): the server says \"{0}\"")]
    Auth(String),
    #[error(
        "login refused: the server wants an app password or OAuth sign-in, not the account \
         password: \"{0}\""
    )]
    AppPassword(String),
    #[error("the server refused: {0}")]
    Err(String),
    #[error("the connection was lost")]
    ConnectionLost,
    #[error("network error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("protocol error: {0}")]
    Protocol(String),
}

impl Pop3Error {
    /// True when retrying later may work (network trouble), false when the server said no.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Pop3Error::Net(_) | Pop3Error::ConnectionLost | Pop3Error::Io(_) | Pop3Error::Timeout
        )
    }
}

pub type Result<T> = std::result::Result<T, Pop3Error>;

/// Capabilities from CAPA (empty when the server has no CAPA).
#[derive(Debug, Clone, Default)]
pub struct Capa {
    pub lines: Vec<String>,
}

impl Capa {
    fn has(&self, name: &str) -> bool {
        self.lines.iter().any(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case(name))
        })
    }
    pub fn stls(&self) -> bool {
        self.has("STLS")
    }
    pub fn uidl(&self) -> bool {
        self.has("UIDL")
    }
    pub fn user(&self) -> bool {
        self.has("USER")
    }
    pub fn sasl_plain(&self) -> bool {
        self.lines.iter().any(|l| {
            let mut w = l.split_whitespace();
            w.next().is_some_and(|s| s.eq_ignore_ascii_case("SASL"))
                && w.any(|m| m.eq_ignore_ascii_case("PLAIN"))
        })
    }
}

/// A POP3 session (secured; logged in after [`Pop3Conn::connect`]).
pub struct Pop3Conn {
    io: BufReader<BoxIo>,
    pub capa: Capa,
}

/// Words in a refusal that mean "use an app password / OAuth" (Gmail, Yahoo, Outlook...).
pub fn wants_app_password(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "application-specific",
        "app password",
        "application password",
        "oauth",
        "web login required",
        "weblogin",
        "less secure",
        "basic authentication is disabled",
    ]
    .iter()
    .any(|k| t.contains(k))
}

fn login_error(text: String) -> Pop3Error {
    if wants_app_password(&text) {
        Pop3Error::AppPassword(text)
    } else {
        Pop3Error::Auth(text)
    }
}

impl Pop3Conn {
    /// Connects, secures (implicit TLS or STLS, never plain) and logs in (SASL PLAIN when
    /// offered, else USER/PASS). With a CA file, that CA alone is tried first (as IMAP does).
    pub async fn connect(
        host: &str,
        port: u16,
        security: Security,
        ca_file: Option<&str>,
        creds: &Credentials,
    ) -> Result<Pop3Conn> {
        let mut conn = Self::open(host, port, security, ca_file).await?;
        conn.login(creds).await?;
        Ok(conn)
    }

    /// Connects and secures without logging in (probes, connection tests).
    pub async fn open(
        host: &str,
        port: u16,
        security: Security,
        ca_file: Option<&str>,
    ) -> Result<Pop3Conn> {
        if ca_file.is_some() {
            match Self::open_with(host, port, security, ca_file, Trust::CaOnly).await {
                Err(Pop3Error::Net(NetError::Tls { .. })) => {}
                other => return other,
            }
        }
        Self::open_with(host, port, security, ca_file, Trust::SystemAndCa).await
    }

    async fn open_with(
        host: &str,
        port: u16,
        security: Security,
        ca_file: Option<&str>,
        trust: Trust,
    ) -> Result<Pop3Conn> {
        let tcp = net::tcp(host, port).await?;
        let io: BoxIo = match security {
            Security::Tls => Box::new(net::tls_wrap_port(tcp, host, port, ca_file, trust).await?),
            Security::Starttls => {
                let mut plain = Pop3Conn {
                    io: BufReader::new(Box::new(tcp) as BoxIo),
                    capa: Capa::default(),
                };
                // Silence is most likely a server waiting for a TLS handshake (a POP3S port).
                match tokio::time::timeout(GREETING_TIMEOUT, plain.expect_ok()).await {
                    Ok(r) => {
                        r?;
                    }
                    Err(_) => {
                        return Err(Pop3Error::NoGreeting {
                            host: host.to_string(),
                            port,
                            secs: GREETING_TIMEOUT.as_secs(),
                        });
                    }
                }
                let capa = plain.read_capa().await?;
                // A server that lists capabilities without STLS does not offer it. One with no
                // CAPA at all may still know STLS (RFC 2595): its -ERR ends the attempt.
                if capa.as_ref().is_some_and(|c| !c.stls()) {
                    return Err(Pop3Error::NoStls {
                        host: host.to_string(),
                    });
                }
                plain.send("STLS").await?;
                if let Err(Pop3Error::Err(_)) = plain.expect_ok().await {
                    return Err(Pop3Error::NoStls {
                        host: host.to_string(),
                    });
                }
                if !plain.io.buffer().is_empty() {
                    // Bytes after "+OK" before the handshake: injected plaintext.
                    return Err(Pop3Error::Protocol(
                        "the server sent data before the TLS handshake".into(),
                    ));
                }
                let tcp = plain.io.into_inner();
                Box::new(net::tls_wrap(tcp, host, ca_file, trust).await?)
            }
        };
        let mut conn = Pop3Conn {
            io: BufReader::new(io),
            capa: Capa::default(),
        };
        if security == Security::Tls {
            conn.expect_ok().await?;
        }
        conn.capa = conn.read_capa().await?.unwrap_or_default();
        Ok(conn)
    }

    /// Logs in over the (already secured) connection.
    pub async fn login(&mut self, creds: &Credentials) -> Result<()> {
        if creds.kind == crate::protocol::imap::AuthKind::OAuth2 {
            return self.login_xoauth2(creds).await;
        }
        if self.capa.sasl_plain() {
            let mut v = Vec::new();
            v.push(0);
            v.extend_from_slice(creds.username.as_bytes());
            v.push(0);
            v.extend_from_slice(creds.password.as_bytes());
            let b64 = base64::engine::general_purpose::STANDARD.encode(&v);
            self.send_secret(&format!("AUTH PLAIN {b64}")).await?;
            return match self.response().await? {
                Response::Ok(_) => Ok(()),
                Response::Err(t) => Err(login_error(t)),
                Response::Continue(_) => {
                    // A server that wants the initial response on its own line.
                    self.send_secret(&b64).await?;
                    match self.response().await? {
                        Response::Ok(_) => Ok(()),
                        Response::Err(t) | Response::Continue(t) => Err(login_error(t)),
                    }
                }
            };
        }
        self.send(&format!("USER {}", creds.username)).await?;
        if let Response::Err(t) = self.response().await? {
            return Err(login_error(t));
        }
        self.send_secret(&format!("PASS {}", creds.password))
            .await?;
        match self.response().await? {
            Response::Ok(_) => Ok(()),
            Response::Err(t) | Response::Continue(t) => Err(login_error(t)),
        }
    }

    /// `AUTH XOAUTH2` with the token as initial response. A refused token gets a base64
    /// JSON challenge first, which is answered with an empty line (then -ERR comes).
    async fn login_xoauth2(&mut self, creds: &Credentials) -> Result<()> {
        let payload = crate::account::oauth::sasl::xoauth2(&creds.username, &creds.password);
        let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
        self.send_secret(&format!("AUTH XOAUTH2 {b64}")).await?;
        match self.response().await? {
            Response::Ok(_) => Ok(()),
            Response::Err(t) => Err(login_error(t)),
            Response::Continue(_) => {
                self.send("").await?;
                match self.response().await? {
                    Response::Ok(_) => Ok(()),
                    Response::Err(t) | Response::Continue(t) => Err(login_error(t)),
                }
            }
        }
    }

    async fn read_capa(&mut self) -> Result<Option<Capa>> {
        self.send("CAPA").await?;
        match self.response().await? {
            Response::Ok(_) => {
                let body = self.multiline().await?;
                let lines = String::from_utf8_lossy(&body)
                    .lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                Ok(Some(Capa { lines }))
            }
            _ => Ok(None),
        }
    }

    async fn send(&mut self, line: &str) -> Result<()> {
        tracing::trace!(command = line, "pop3 >");
        self.write_line(line).await
    }

    /// Sends a line that carries a secret; it is never logged.
    async fn send_secret(&mut self, line: &str) -> Result<()> {
        tracing::trace!("pop3 > <credentials hidden>");
        self.write_line(line).await
    }

    async fn write_line(&mut self, line: &str) -> Result<()> {
        let io = self.io.get_mut();
        io.write_all(line.as_bytes()).await?;
        io.write_all(b"\r\n").await?;
        io.flush().await?;
        Ok(())
    }

    async fn response(&mut self) -> Result<Response> {
        let line = wire::read_line(&mut self.io, READ_TIMEOUT).await?;
        let r = wire::parse_status(&line)?;
        tracing::trace!(response = ?r, "pop3 <");
        Ok(r)
    }

    async fn expect_ok(&mut self) -> Result<String> {
        match self.response().await? {
            Response::Ok(t) => Ok(t),
            Response::Err(t) | Response::Continue(t) => Err(Pop3Error::Err(t)),
        }
    }

    async fn multiline(&mut self) -> Result<Vec<u8>> {
        wire::read_multiline(&mut self.io, READ_TIMEOUT).await
    }

    /// UIDL: (message number, unique id) of every message in the maildrop.
    pub async fn uidl(&mut self) -> Result<Vec<(u32, String)>> {
        self.send("UIDL").await?;
        if let Response::Err(t) = self.response().await? {
            return Err(Pop3Error::Protocol(format!(
                "the server does not support UIDL, which is needed to download only new mail \
                 ({t})"
            )));
        }
        let body = self.multiline().await?;
        String::from_utf8_lossy(&body)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(parse_uidl_line)
            .collect()
    }

    /// STAT: (message count, total octets).
    pub async fn stat(&mut self) -> Result<(u32, u64)> {
        self.send("STAT").await?;
        let t = self.expect_ok().await?;
        let mut w = t.split_whitespace();
        let n = w.next().and_then(|s| s.parse().ok());
        let size = w.next().and_then(|s| s.parse().ok());
        match (n, size) {
            (Some(n), Some(s)) => Ok((n, s)),
            _ => Err(Pop3Error::Protocol(format!("bad STAT answer: {t}"))),
        }
    }

    /// RETR: the whole message, dot-unstuffed, CRLF line ends.
    pub async fn retr(&mut self, msgno: u32) -> Result<Vec<u8>> {
        self.send(&format!("RETR {msgno}")).await?;
        self.expect_ok().await?;
        self.multiline().await
    }

    /// DELE: marks the message; the server removes it only at a successful QUIT.
    pub async fn dele(&mut self, msgno: u32) -> Result<()> {
        self.send(&format!("DELE {msgno}")).await?;
        self.expect_ok().await.map(|_| ())
    }

    /// QUIT: commits the DELEs (UPDATE state). An error means they may not have happened.
    pub async fn quit(mut self) -> Result<()> {
        self.send("QUIT").await?;
        self.expect_ok().await.map(|_| ())
    }
}
