//! The connection doctor ("why isn't mail arriving?"): the checks one would do by hand with
//! `ping`, a port test, `openssl s_client` and `telnet`, one after another for each server
//! of an account, each with a verdict and what to do, as Fluent keys with arguments (the
//! window and `tayori doctor` say them in the user's language). A server's steps stop at its
//! first failure (nothing after it can be checked). No password ever goes into a step.
use super::conntest::{self, CertInfo, ConnTestError, STAGE_TIMEOUT, ServerKind};
use super::guess::{self, Kind};
use crate::model::{Endpoint, Security};
use crate::protocol::imap::Credentials;
use crate::protocol::net::{self, NetError, Trust};
use crate::protocol::pop3::Pop3Conn;
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::net::TcpStream;

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// The host name resolves (DNS).
    NameLookup,
    /// A TCP connection to the port opens.
    Tcp,
    /// TLS (implicit, or after STARTTLS/STLS): certificate trusted, for this host name.
    Tls,
    /// The server greets as the right protocol and lists its capabilities (SMTP: EHLO).
    Greeting,
    /// The account's login works (SMTP: AUTH).
    Login,
    /// POP3 only: UIDL, which lets Tayori tell downloaded messages apart.
    Uidl,
}

impl StepKind {
    pub fn title_key(self) -> &'static str {
        match self {
            StepKind::NameLookup => "doctor-step-dns",
            StepKind::Tcp => "doctor-step-tcp",
            StepKind::Tls => "doctor-step-tls",
            StepKind::Greeting => "doctor-step-greeting",
            StepKind::Login => "doctor-step-login",
            StepKind::Uidl => "doctor-step-uidl",
        }
    }
}

/// One check's outcome: a verdict sentence (Fluent key + arguments) and, on failure, what
/// to do (another key, same arguments).
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub server: ServerKind,
    pub step: StepKind,
    pub host: String,
    pub port: u16,
    pub ok: bool,
    pub verdict: &'static str,
    pub advice: Option<&'static str>,
    pub args: Vec<(&'static str, String)>,
    /// The certificate the server showed (TLS step), for the user to judge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert: Option<CertInfo>,
}

/// What one server is, for the doctor (no Debug: it holds the password).
#[derive(Clone)]
pub struct Target {
    pub kind: ServerKind,
    pub endpoint: Endpoint,
    pub creds: Credentials,
}

struct Run<'a> {
    t: &'a Target,
    steps: Vec<Step>,
}

impl Run<'_> {
    fn push(
        &mut self,
        step: StepKind,
        ok: bool,
        verdict: &'static str,
        advice: Option<&'static str>,
        mut args: Vec<(&'static str, String)>,
    ) -> bool {
        args.push(("host", self.t.endpoint.host.clone()));
        args.push(("port", self.t.endpoint.port.to_string()));
        self.steps.push(Step {
            server: self.t.kind,
            step,
            host: self.t.endpoint.host.clone(),
            port: self.t.endpoint.port,
            ok,
            verdict,
            advice,
            args,
            cert: None,
        });
        ok
    }
    fn pass(&mut self, step: StepKind, verdict: &'static str, args: Vec<(&'static str, String)>) {
        self.push(step, true, verdict, None, args);
    }
    fn fail(
        &mut self,
        step: StepKind,
        verdict: &'static str,
        advice: &'static str,
        args: Vec<(&'static str, String)>,
    ) {
        self.push(step, false, verdict, Some(advice), args);
    }
}

fn gkind(k: ServerKind) -> Kind {
    match k {
        ServerKind::Imap => Kind::Imap,
        ServerKind::Pop3 => Kind::Pop3,
        ServerKind::Smtp => Kind::Smtp,
    }
}

/// Runs every check of every target, in order. A failed step ends that server's checks.
pub async fn examine(targets: &[Target], ca_file: Option<&str>) -> Vec<Step> {
    let mut all = Vec::new();
    for t in targets {
        let mut run = Run {
            t,
            steps: Vec::new(),
        };
        one(&mut run, ca_file).await;
        all.extend(run.steps);
    }
    all
}

async fn one(run: &mut Run<'_>, ca_file: Option<&str>) {
    let host = run.t.endpoint.host.clone();
    let port = run.t.endpoint.port;
    // Name lookup.
    let addrs = match tokio::time::timeout(
        STAGE_TIMEOUT,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(a)) => a.collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    if addrs.is_empty() {
        return run.fail(
            StepKind::NameLookup,
            "doctor-dns-failed",
            "doctor-dns-advice",
            vec![],
        );
    }
    let shown: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    run.pass(
        StepKind::NameLookup,
        "doctor-dns-ok",
        vec![("addresses", shown.join(", "))],
    );
    // TCP.
    let mut tcp = None;
    let mut refused = false;
    for addr in &addrs {
        match tokio::time::timeout(STAGE_TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                tcp = Some(s);
                break;
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => refused = true,
            _ => {}
        }
    }
    let Some(tcp) = tcp else {
        let (v, a) = if refused {
            ("doctor-tcp-refused", "doctor-tcp-refused-advice")
        } else {
            ("doctor-tcp-silent", "doctor-tcp-silent-advice")
        };
        return run.fail(StepKind::Tcp, v, a, vec![]);
    };
    run.pass(StepKind::Tcp, "doctor-tcp-ok", vec![]);
    // TLS, with the greeting before it for STARTTLS.
    let kind = gkind(run.t.kind);
    let stream = match run.t.endpoint.security {
        Security::Tls => tcp,
        Security::Starttls => {
            let mut r = BufReader::new(tcp);
            let greeted = tokio::time::timeout(STAGE_TIMEOUT, guess::greeting(&mut r, kind)).await;
            if !matches!(greeted, Ok(true)) {
                return run.fail(
                    StepKind::Greeting,
                    "doctor-greeting-failed",
                    "doctor-greeting-starttls-advice",
                    vec![],
                );
            }
            let upgraded = tokio::time::timeout(STAGE_TIMEOUT, guess::starttls(&mut r, kind)).await;
            if !matches!(upgraded, Ok(true)) {
                return run.fail(
                    StepKind::Tls,
                    "doctor-no-starttls",
                    "doctor-no-starttls-advice",
                    vec![],
                );
            }
            r.into_inner()
        }
    };
    let Some(tls) = tls_step(run, stream, ca_file).await else {
        return;
    };
    // Greeting (implicit TLS) and capabilities, over TLS.
    let mut r = BufReader::new(tls);
    if run.t.endpoint.security == Security::Tls {
        let greeted = tokio::time::timeout(STAGE_TIMEOUT, guess::greeting(&mut r, kind)).await;
        if !matches!(greeted, Ok(true)) {
            return run.fail(
                StepKind::Greeting,
                "doctor-greeting-failed",
                "doctor-greeting-advice",
                vec![],
            );
        }
    }
    let caps = tokio::time::timeout(STAGE_TIMEOUT, capabilities(&mut r, kind))
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    drop(r);
    run.pass(
        StepKind::Greeting,
        "doctor-greeting-ok",
        vec![("caps", caps.join(" "))],
    );
    // Login, on its own connection, as the sync does it.
    let t = run.t;
    match conntest::test_login(
        t.kind,
        &t.endpoint,
        &t.creds.username,
        &t.creds.password,
        ca_file,
    )
    .await
    {
        Ok(()) => run.pass(
            StepKind::Login,
            "doctor-login-ok",
            vec![("user", t.creds.username.clone())],
        ),
        Err(e) => {
            let (v, a) = match &e {
                ConnTestError::WrongPassword { .. } => {
                    ("doctor-login-wrong", "doctor-login-wrong-advice")
                }
                ConnTestError::AppPassword { .. } => (
                    "doctor-login-app-password",
                    "doctor-login-app-password-advice",
                ),
                _ => ("doctor-login-failed", "doctor-login-failed-advice"),
            };
            return run.fail(
                StepKind::Login,
                v,
                a,
                vec![("user", t.creds.username.clone()), ("words", e.to_string())],
            );
        }
    }
    if t.kind == ServerKind::Pop3 {
        uidl_step(run, ca_file).await;
    }
}

/// The handshake, verified as the sync does it; on failure, why (untrusted, another host's
/// certificate, expired, a plain-text port) with the certificate shown.
async fn tls_step<S>(
    run: &mut Run<'_>,
    stream: S,
    ca_file: Option<&str>,
) -> Option<async_native_tls::TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (host, port) = (run.t.endpoint.host.clone(), run.t.endpoint.port);
    match net::tls_wrap_port(stream, &host, port, ca_file, Trust::SystemAndCa).await {
        Ok(tls) => {
            let cert = tls
                .peer_certificate()
                .ok()
                .flatten()
                .and_then(|c| c.to_der().ok())
                .and_then(|d| conntest::cert_info(&d));
            let unknown = || "?".to_string();
            let version = tls_version(&run.t.endpoint).await;
            let args = vec![
                ("version", version),
                (
                    "subject",
                    cert.as_ref().map_or_else(unknown, |c| c.subject.clone()),
                ),
                (
                    "issuer",
                    cert.as_ref().map_or_else(unknown, |c| c.issuer.clone()),
                ),
                (
                    "expires",
                    cert.as_ref().map_or_else(unknown, |c| c.not_after.clone()),
                ),
            ];
            run.pass(StepKind::Tls, "doctor-tls-ok", args);
            if let Some(last) = run.steps.last_mut() {
                last.cert = cert;
            }
            Some(tls)
        }
        Err(NetError::NotTls { .. }) => {
            run.fail(
                StepKind::Tls,
                "doctor-tls-plain",
                "doctor-tls-plain-advice",
                vec![],
            );
            None
        }
        Err(NetError::CaFile { path, reason }) => {
            run.fail(
                StepKind::Tls,
                "doctor-tls-ca-file",
                "doctor-tls-ca-file-advice",
                vec![("path", path), ("words", reason)],
            );
            None
        }
        Err(e) => {
            let reason = match &e {
                NetError::Tls { reason, .. } => reason.to_ascii_lowercase(),
                _ => String::new(),
            };
            let (v, a) =
                if reason.contains("hostname mismatch") || reason.contains("ip address mismatch") {
                    ("doctor-tls-wrong-host", "doctor-tls-wrong-host-advice")
                } else if reason.contains("expired") {
                    ("doctor-tls-expired", "doctor-tls-expired-advice")
                } else if reason.contains("certificate") || reason.contains("verify") {
                    ("doctor-tls-untrusted", "doctor-tls-untrusted-advice")
                } else {
                    ("doctor-tls-failed", "doctor-tls-failed-advice")
                };
            let cert = tokio::time::timeout(
                STAGE_TIMEOUT,
                conntest::peer_certificate_at(run.t.kind, &run.t.endpoint),
            )
            .await
            .ok()
            .flatten();
            let mut args = vec![("words", e.to_string())];
            let unknown = || "?".to_string();
            args.push((
                "subject",
                cert.as_ref().map_or_else(unknown, |c| c.subject.clone()),
            ));
            args.push((
                "issuer",
                cert.as_ref().map_or_else(unknown, |c| c.issuer.clone()),
            ));
            args.push((
                "expires",
                cert.as_ref().map_or_else(unknown, |c| c.not_after.clone()),
            ));
            run.fail(StepKind::Tls, v, a, args);
            if let Some(last) = run.steps.last_mut() {
                last.cert = cert;
            }
            None
        }
    }
}

/// CAPABILITY (IMAP), CAPA (POP3) or EHLO (SMTP), read as words.
async fn capabilities<S>(r: &mut BufReader<S>, kind: Kind) -> Option<Vec<String>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut out = Vec::new();
    match kind {
        Kind::Imap => {
            guess::send(r, "a2 CAPABILITY\r\n").await.then_some(())?;
            while let Some(l) = guess::line(r).await {
                if let Some(rest) = l.strip_prefix("* CAPABILITY ") {
                    out.extend(rest.split_whitespace().map(str::to_string));
                } else if l.starts_with("a2 ") {
                    break;
                }
            }
            let _ = guess::send(r, "a3 LOGOUT\r\n").await;
        }
        Kind::Pop3 => {
            guess::send(r, "CAPA\r\n").await.then_some(())?;
            let first = guess::line(r).await?;
            if first.starts_with("+OK") {
                while let Some(l) = guess::line(r).await {
                    let l = l.trim_end();
                    if l == "." {
                        break;
                    }
                    out.push(l.to_string());
                }
            }
            let _ = guess::send(r, "QUIT\r\n").await;
        }
        Kind::Smtp => {
            guess::send(r, "EHLO tayori.invalid\r\n")
                .await
                .then_some(())?;
            while let Some(l) = guess::line(r).await {
                let more = l.starts_with("250-");
                if let Some(rest) = l.get(4..) {
                    out.push(rest.trim_end().to_string());
                }
                if !more {
                    break;
                }
            }
            // The first line is the server's name, not an extension.
            if !out.is_empty() {
                out.remove(0);
            }
            let _ = guess::send(r, "QUIT\r\n").await;
        }
    }
    Some(out)
}

async fn uidl_step(run: &mut Run<'_>, ca_file: Option<&str>) {
    let t = run.t;
    let (h, p, s) = (&t.endpoint.host, t.endpoint.port, t.endpoint.security);
    let outcome = match Pop3Conn::connect(h, p, s, ca_file, &t.creds).await {
        Ok(mut c) => {
            let r = c.uidl().await;
            let _ = c.quit().await;
            r.map(|l| l.len())
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(n) => run.pass(
            StepKind::Uidl,
            "doctor-uidl-ok",
            vec![("count", n.to_string())],
        ),
        Err(e) => run.fail(
            StepKind::Uidl,
            "doctor-uidl-failed",
            "doctor-uidl-advice",
            vec![("words", e.to_string())],
        ),
    }
}

/// The first failing step, if any.
pub fn first_failure(steps: &[Step]) -> Option<&Step> {
    steps.iter().find(|s| !s.ok)
}

/// A step in words: "IMAP · Login", its verdict, and what to do when it failed.
pub struct StepWords {
    pub title: String,
    pub verdict: String,
    pub advice: Option<String>,
}

pub fn words(tr: &crate::i18n::Localizer, s: &Step) -> StepWords {
    let mut args = fluent_bundle::FluentArgs::new();
    for (k, v) in &s.args {
        args.set(*k, v.clone());
    }
    let server = match s.server {
        ServerKind::Imap => "IMAP",
        ServerKind::Pop3 => "POP3",
        ServerKind::Smtp => "SMTP",
    };
    StepWords {
        title: format!("{server} · {}", tr.tr(s.step.title_key(), Some(&args))),
        verdict: tr.tr(s.verdict, Some(&args)),
        advice: s.advice.map(|a| tr.tr(a, Some(&args))),
    }
}

/// The TLS version `endpoint` negotiates ("TLSv1.3"). native-tls does not expose it, so
/// where OpenSSL is the system's TLS library a second handshake (implicit TLS only; nothing
/// is sent over it) asks OpenSSL; elsewhere, and for STARTTLS ports, just "TLS".
async fn tls_version(endpoint: &Endpoint) -> String {
    #[cfg(all(unix, not(target_os = "macos")))]
    if endpoint.security == Security::Tls {
        let (host, port) = (endpoint.host.clone(), endpoint.port);
        let probe = tokio::task::spawn_blocking(move || openssl_version(&host, port));
        if let Ok(Ok(Some(v))) = tokio::time::timeout(STAGE_TIMEOUT, probe).await {
            return v;
        }
    }
    let _ = endpoint;
    "TLS".to_string()
}

#[cfg(all(unix, not(target_os = "macos")))]
fn openssl_version(host: &str, port: u16) -> Option<String> {
    use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
    let tcp = std::net::TcpStream::connect((host, port)).ok()?;
    tcp.set_read_timeout(Some(STAGE_TIMEOUT)).ok()?;
    tcp.set_write_timeout(Some(STAGE_TIMEOUT)).ok()?;
    let mut b = SslConnector::builder(SslMethod::tls_client()).ok()?;
    // Only the version is read here; the verified handshake above judged the certificate.
    b.set_verify(SslVerifyMode::NONE);
    let tls = b.build().connect(host, tcp).ok()?;
    Some(tls.ssl().version_str().to_string())
}
