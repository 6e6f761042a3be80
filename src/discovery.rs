//! Server settings from an e-mail address alone, for the setup wizard and `tayori discover`.
//!
//! Steps, in order, each under a short timeout and the whole under [`Options::total`]:
//! 1. the bundled provider database (`resources/providers.json`);
//! 2. Thunderbird autoconfig over HTTPS (`autoconfig.<domain>` and `<domain>/.well-known`);
//! 3. Thunderbird's ISPDB online for the domain ([`ispdb`]);
//! 4. the domain's MX record: matched against the provider database, else the ISPDB asked
//!    for the MX host's registrable domain (hosted domains, as Thunderbird does);
//! 5. RFC 6186 / RFC 8314 SRV records;
//! 6. guessing `imap.`/`pop.`/`mail.`/`smtp.` hosts and probing their ports with TLS
//!    (results are marked `guessed`: ask before sending a password there).
//!
//! DNS and HTTP are traits ([`Resolver`], [`Http`]) so tests run offline; [`system`] has
//! the real ones. [`conntest`] checks settings with a password, without the keyring.
mod autoconfig;
pub mod conntest;
pub mod doctor;
mod guess;
pub mod ispdb;
pub mod providers;
mod srv;
pub mod system;

pub use autoconfig::parse_autoconfig;
pub use providers::{Provider, ProviderDb};

use crate::model::Security;
use futures::future::BoxFuture;
use serde::Serialize;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// One SRV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    /// Target host without the trailing dot ("." = service not offered).
    pub target: String,
}

/// DNS errors that discovery tells apart.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DnsError {
    #[error("no such name")]
    NotFound,
    #[error("DNS lookup failed: {0}")]
    Failed(String),
}

/// DNS as discovery needs it (injectable).
pub trait Resolver: Send + Sync {
    /// MX hosts of `domain`, best preference first, without trailing dots.
    fn mx<'a>(&'a self, domain: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>>;
    /// SRV records of a full name such as `_imaps._tcp.example.com`.
    fn srv<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Vec<SrvRecord>, DnsError>>;
    /// Addresses of a host.
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>>;
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("{0}")]
    Failed(String),
}

/// HTTPS GET (injectable). Implementations must verify certificates.
pub trait Http: Send + Sync {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>>;
}

/// How the login name is formed from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UsernameForm {
    /// The whole address.
    Email,
    /// The part before '@'.
    Local,
    /// An ID the provider issued: the wizard must ask.
    Ask,
}

impl UsernameForm {
    /// The login name for `email`, if it follows from the address.
    pub fn apply(self, email: &str) -> Option<String> {
        match self {
            UsernameForm::Email => Some(email.to_string()),
            UsernameForm::Local => email.split('@').next().map(str::to_string),
            UsernameForm::Ask => None,
        }
    }
}

/// One server setting found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerSetting {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: UsernameForm,
    /// Only guessed (a probe answered): ask the user before sending a password there.
    pub guessed: bool,
}

impl ServerSetting {
    /// The endpoint to store in an account.
    pub fn endpoint(&self) -> crate::model::Endpoint {
        crate::model::Endpoint {
            host: self.host.clone(),
            port: self.port,
            security: self.security,
        }
    }
}

/// Where the settings came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    ProviderDb {
        provider: String,
    },
    Autoconfig {
        url: String,
    },
    Mx {
        mx: String,
        provider: String,
    },
    /// Thunderbird's ISPDB, for the address's domain.
    Ispdb {
        url: String,
    },
    /// Thunderbird's ISPDB, for the registrable domain of the domain's MX host.
    IspdbMx {
        mx: String,
        url: String,
    },
    Srv,
    Guess,
}

impl Source {
    /// Fluent id naming the source for the wizard.
    pub fn fluent_id(&self) -> &'static str {
        match self {
            Source::ProviderDb { .. } => "discovery-source-provider-db",
            Source::Autoconfig { .. } => "discovery-source-autoconfig",
            Source::Mx { .. } => "discovery-source-mx",
            Source::Ispdb { .. } => "discovery-source-ispdb",
            Source::IspdbMx { .. } => "discovery-source-ispdb-mx",
            Source::Srv => "discovery-source-srv",
            Source::Guess => "discovery-source-guess",
        }
    }
}

/// What discovery found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovered {
    pub email: String,
    /// Best first.
    pub imap: Vec<ServerSetting>,
    pub pop3: Vec<ServerSetting>,
    pub smtp: Vec<ServerSetting>,
    pub source: Source,
    /// Provider display name when known.
    pub provider: Option<String>,
    /// Fluent ids of notes for the user (app password needed, POP only, ...).
    pub notes: Vec<String>,
    /// Steps tried and why they gave nothing (for `discover` output and logs).
    pub tried: Vec<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum DiscoveryError {
    #[error("\"{0}\" is not an e-mail address")]
    BadAddress(String),
    #[error(
        "{var}={0}: plain http:// is accepted only for a loopback address (127.0.0.1, ::1, \
         localhost); use https://",
        var = ispdb::ISPDB_URL_VAR
    )]
    BadIspdbUrl(String),
    #[error("no settings found for {domain} ({tried}); enter them by hand")]
    NothingFound { domain: String, tried: String },
}

/// Ports the guessing step probes (tests point them at the test bed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbePorts {
    pub imaps: u16,
    pub imap: u16,
    pub pop3s: u16,
    pub pop3: u16,
    pub smtps: u16,
    pub submission: u16,
}

impl Default for ProbePorts {
    fn default() -> Self {
        ProbePorts {
            imaps: 993,
            imap: 143,
            pop3s: 995,
            pop3: 110,
            smtps: 465,
            submission: 587,
        }
    }
}

/// Tuning of a discovery run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time for one step (one HTTP fetch, one DNS query, one probe).
    pub step_timeout: Duration,
    /// Time for the whole run.
    pub total: Duration,
    pub probe_ports: ProbePorts,
    /// Extra trust anchor for probes (tests); certificates are always verified.
    pub ca_file: Option<String>,
    /// The ISPDB's base URL ([`ispdb::ISPDB_URL`], or `TAYORI_ISPDB_URL`); None: not asked.
    pub ispdb_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            step_timeout: Duration::from_secs(3),
            total: Duration::from_secs(10),
            probe_ports: ProbePorts::default(),
            ca_file: None,
            ispdb_url: Some(
                std::env::var(ispdb::ISPDB_URL_VAR)
                    .ok()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| ispdb::ISPDB_URL.to_string()),
            ),
        }
    }
}

/// Splits an address into (local part, lower-case domain).
pub fn split_address(email: &str) -> Result<(String, String), DiscoveryError> {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && (domain.contains('.') || domain == "localhost")
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-') =>
        {
            Ok((local.to_string(), domain.to_lowercase()))
        }
        _ => Err(DiscoveryError::BadAddress(email.to_string())),
    }
}

/// Discovery with the default options and the bundled provider database.
pub async fn discover(
    email: &str,
    resolver: &dyn Resolver,
    http: &dyn Http,
) -> Result<Discovered, DiscoveryError> {
    discover_with(email, resolver, http, &Options::default()).await
}

fn from_provider(email: &str, p: &Provider, source: Source, tried: Vec<String>) -> Discovered {
    Discovered {
        email: email.to_string(),
        imap: p.settings(&p.imap),
        pop3: p.settings(&p.pop3),
        smtp: p.settings(&p.smtp),
        source,
        provider: Some(p.name.clone()),
        notes: p.notes.clone(),
        tried,
    }
}

/// Runs the steps in order; the first that yields an incoming server wins.
pub async fn discover_with(
    email: &str,
    resolver: &dyn Resolver,
    http: &dyn Http,
    opts: &Options,
) -> Result<Discovered, DiscoveryError> {
    let (_, domain) = split_address(email)?;
    let email = email.trim();
    let ispdb_base = opts
        .ispdb_url
        .as_deref()
        .map(ispdb::checked_base)
        .transpose()?;
    let db = ProviderDb::bundled();
    let deadline = Instant::now() + opts.total;
    let left = || deadline.saturating_duration_since(Instant::now());
    let step = |d: Duration| d.min(left());
    let mut tried = Vec::new();

    // 1. Bundled provider database.
    if let Some(p) = db.by_domain(&domain) {
        let src = Source::ProviderDb {
            provider: p.id.clone(),
        };
        return Ok(from_provider(email, p, src, tried));
    }
    tried.push("provider database: unknown domain".to_string());

    // 2. Autoconfig over HTTPS.
    match autoconfig::fetch(http, email, &domain, step(opts.step_timeout * 2)).await {
        Ok(Some((url, found))) => {
            return Ok(Discovered {
                email: email.to_string(),
                source: Source::Autoconfig { url },
                tried,
                ..found
            });
        }
        Ok(None) => tried.push("autoconfig: nothing usable".into()),
        Err(why) => tried.push(format!("autoconfig: {why}")),
    }

    // 3. Thunderbird's ISPDB for the domain.
    if let Some(base) = &ispdb_base {
        match ispdb::fetch(http, base, &domain, email, step(opts.step_timeout)).await {
            Ok((url, found)) => {
                return Ok(Discovered {
                    email: email.to_string(),
                    source: Source::Ispdb { url },
                    tried,
                    ..found
                });
            }
            Err(why) => tried.push(format!("ISPDB: {why}")),
        }
    }

    // 4. MX record -> known provider, else the ISPDB for the MX host's domain.
    match tokio::time::timeout(step(opts.step_timeout), resolver.mx(&domain)).await {
        Ok(Ok(mxs)) => {
            if let Some((mx, p)) = mxs.iter().find_map(|m| db.by_mx(m).map(|p| (m, p))) {
                let src = Source::Mx {
                    mx: mx.clone(),
                    provider: p.id.clone(),
                };
                let mut d = from_provider(email, p, src, tried);
                // A hosted domain logs in with the whole address.
                d.notes.retain(|n| n != "discovery-note-username-id");
                for s in d.imap.iter_mut().chain(&mut d.pop3).chain(&mut d.smtp) {
                    s.username = UsernameForm::Email;
                }
                return Ok(d);
            }
            tried.push("MX: no known provider".into());
            let asked = mxs
                .first()
                .and_then(|m| Some((m, ispdb::mx_domain(m, &domain)?)));
            if let (Some(base), Some((mx, mx_domain))) = (&ispdb_base, asked) {
                match ispdb::fetch(http, base, &mx_domain, email, step(opts.step_timeout)).await {
                    Ok((url, found)) => {
                        return Ok(Discovered {
                            email: email.to_string(),
                            source: Source::IspdbMx {
                                mx: mx.clone(),
                                url,
                            },
                            tried,
                            ..found
                        });
                    }
                    Err(why) => tried.push(format!("ISPDB for the MX domain: {why}")),
                }
            }
        }
        Ok(Err(e)) => tried.push(format!("MX: {e}")),
        Err(_) => tried.push("MX: timed out".into()),
    }

    // 5. SRV records.
    let found = srv::lookup(resolver, &domain, step(opts.step_timeout)).await;
    if !found.imap.is_empty() || !found.pop3.is_empty() {
        return Ok(Discovered {
            email: email.to_string(),
            imap: found.imap,
            pop3: found.pop3,
            smtp: found.smtp,
            source: Source::Srv,
            provider: None,
            notes: Vec::new(),
            tried,
        });
    }
    tried.push("SRV: none".into());

    // 6. Guess and probe.
    let g = guess::probe_all(resolver, &domain, opts, left()).await;
    if !g.imap.is_empty() || !g.pop3.is_empty() {
        return Ok(Discovered {
            email: email.to_string(),
            imap: g.imap,
            pop3: g.pop3,
            smtp: g.smtp,
            source: Source::Guess,
            provider: None,
            notes: vec!["discovery-note-guessed".into()],
            tried,
        });
    }
    tried.push("guessing: no server answered".into());
    Err(DiscoveryError::NothingFound {
        domain,
        tried: tried.join("; "),
    })
}

/// Found settings of one step, before they become a [`Discovered`].
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub imap: Vec<ServerSetting>,
    pub pop3: Vec<ServerSetting>,
    pub smtp: Vec<ServerSetting>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            split_address(" Taro@Example.CO.JP ").unwrap(),
            ("Taro".into(), "example.co.jp".into())
        );
        assert!(split_address("no-at-sign").is_err());
        assert!(split_address("a@nodot").is_err());
        assert!(split_address("a@bad_domain.com").is_err());
        assert_eq!(
            UsernameForm::Local.apply("taro@x.jp").as_deref(),
            Some("taro")
        );
        assert_eq!(UsernameForm::Ask.apply("taro@x.jp"), None);
    }
}
