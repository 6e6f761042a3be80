//! Last resort: guess host names and probe their ports. A port counts only when a server
//! of the right protocol answers over TLS with a certificate valid for the guessed name
//! (STARTTLS ports are upgraded first). No credentials are ever sent here.
use super::{Found, Options, Resolver, ServerSetting, UsernameForm};
use crate::model::Security;
use crate::protocol::net::{self, Trust};
use std::net::IpAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Imap,
    Pop3,
    Smtp,
}

fn candidates(kind: Kind, domain: &str) -> Vec<String> {
    let prefixes: &[&str] = match kind {
        Kind::Imap => &["imap.", "mail.", ""],
        Kind::Pop3 => &["pop.", "pop3.", "mail.", ""],
        Kind::Smtp => &["smtp.", "mail.", ""],
    };
    prefixes.iter().map(|p| format!("{p}{domain}")).collect()
}

fn ports(kind: Kind, opts: &Options) -> [(u16, Security); 2] {
    let p = opts.probe_ports;
    match kind {
        Kind::Imap => [(p.imaps, Security::Tls), (p.imap, Security::Starttls)],
        Kind::Pop3 => [(p.pop3s, Security::Tls), (p.pop3, Security::Starttls)],
        Kind::Smtp => [(p.smtps, Security::Tls), (p.submission, Security::Starttls)],
    }
}

pub(crate) async fn line<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> Option<String> {
    let mut s = String::new();
    match r.read_line(&mut s).await {
        Ok(n) if n > 0 => Some(s),
        _ => None,
    }
}

/// Reads the greeting and checks it is the right protocol.
pub(crate) async fn greeting<R: AsyncRead + Unpin>(r: &mut BufReader<R>, kind: Kind) -> bool {
    let Some(mut g) = line(r).await else {
        return false;
    };
    if kind == Kind::Smtp {
        // Multi-line 220- greetings.
        while g.starts_with("220-") {
            match line(r).await {
                Some(n) => g = n,
                None => return false,
            }
        }
    }
    match kind {
        Kind::Imap => g.starts_with("* OK") || g.starts_with("* PREAUTH"),
        Kind::Pop3 => g.starts_with("+OK"),
        Kind::Smtp => g.starts_with("220"),
    }
}

pub(crate) async fn send<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    cmd: &str,
) -> bool {
    let w = r.get_mut();
    w.write_all(cmd.as_bytes()).await.is_ok() && w.flush().await.is_ok()
}

/// Asks for STARTTLS the protocol's way; true when the server agreed.
pub(crate) async fn starttls<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    kind: Kind,
) -> bool {
    match kind {
        Kind::Imap => {
            if !send(r, "a1 STARTTLS\r\n").await {
                return false;
            }
            while let Some(l) = line(r).await {
                if l.starts_with("a1 ") {
                    return l.starts_with("a1 OK");
                }
            }
            false
        }
        Kind::Pop3 => {
            send(r, "STLS\r\n").await && line(r).await.is_some_and(|l| l.starts_with("+OK"))
        }
        Kind::Smtp => {
            if !send(r, "EHLO tayori.invalid\r\n").await {
                return false;
            }
            while let Some(l) = line(r).await {
                if !l.starts_with("250-") {
                    break;
                }
            }
            send(r, "STARTTLS\r\n").await && line(r).await.is_some_and(|l| l.starts_with("220"))
        }
    }
}

async fn probe_inner(
    host: &str,
    ip: IpAddr,
    port: u16,
    security: Security,
    kind: Kind,
    ca_file: Option<&str>,
) -> bool {
    let Ok(tcp) = TcpStream::connect((ip, port)).await else {
        return false;
    };
    match security {
        Security::Tls => {
            let Ok(tls) = net::tls_wrap(tcp, host, ca_file, Trust::SystemAndCa).await else {
                return false;
            };
            greeting(&mut BufReader::new(tls), kind).await
        }
        Security::Starttls => {
            let mut r = BufReader::new(tcp);
            if !greeting(&mut r, kind).await || !starttls(&mut r, kind).await {
                return false;
            }
            if !r.buffer().is_empty() {
                return false;
            }
            net::tls_wrap(r.into_inner(), host, ca_file, Trust::SystemAndCa)
                .await
                .is_ok()
        }
    }
}

/// One probe under a timeout.
pub async fn probe(
    host: &str,
    ip: IpAddr,
    port: u16,
    security: Security,
    kind: Kind,
    ca_file: Option<&str>,
    timeout: Duration,
) -> bool {
    tokio::time::timeout(
        timeout,
        probe_inner(host, ip, port, security, kind, ca_file),
    )
    .await
    .unwrap_or(false)
}

pub(crate) async fn probe_all(
    resolver: &dyn Resolver,
    domain: &str,
    opts: &Options,
    left: Duration,
) -> Found {
    let deadline = tokio::time::Instant::now() + left;
    let timeout = opts.step_timeout.min(left);
    let kinds = [Kind::Imap, Kind::Pop3, Kind::Smtp];
    let mut hosts: Vec<String> = kinds.iter().flat_map(|k| candidates(*k, domain)).collect();
    hosts.sort();
    hosts.dedup();
    let resolved = futures::future::join_all(hosts.iter().map(|h| async move {
        let ips = tokio::time::timeout(timeout, resolver.lookup(h)).await;
        (
            h.clone(),
            ips.ok()
                .and_then(Result::ok)
                .and_then(|v| v.first().copied()),
        )
    }))
    .await;
    let ip_of = |h: &str| {
        resolved
            .iter()
            .find(|(n, _)| n == h)
            .and_then(|(_, ip)| *ip)
    };
    let mut jobs = Vec::new();
    for kind in kinds {
        for host in candidates(kind, domain) {
            let Some(ip) = ip_of(&host) else { continue };
            for (port, security) in ports(kind, opts) {
                jobs.push((kind, host.clone(), ip, port, security));
            }
        }
    }
    let ca = opts.ca_file.as_deref();
    // Lookups and probes share the time left.
    let timeout = timeout.min(deadline.saturating_duration_since(tokio::time::Instant::now()));
    let results = futures::future::join_all(
        jobs.iter()
            .map(|(k, h, ip, port, sec)| probe(h, *ip, *port, *sec, *k, ca, timeout)),
    )
    .await;
    let mut found = Found::default();
    for ((kind, host, _, port, security), ok) in jobs.into_iter().zip(results) {
        if !ok {
            continue;
        }
        let s = ServerSetting {
            host,
            port,
            security,
            username: UsernameForm::Email,
            guessed: true,
        };
        match kind {
            Kind::Imap => found.imap.push(s),
            Kind::Pop3 => found.pop3.push(s),
            Kind::Smtp => found.smtp.push(s),
        }
    }
    found
}
