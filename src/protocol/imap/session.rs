//! Connecting, securing and logging in.
use super::guard::{self, GuardCtl};
use super::{ImapError, Result};
use crate::protocol::net::{self, BoxIo, NetError, Trust};
use async_imap::imap_proto::{Capability, Response};
use async_imap::{Client, Session};
use base64::Engine as _;
use std::sync::Arc;

/// What to log in with. The password (or access token) lives only in memory.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    /// The password, or with [`AuthKind::OAuth2`] the access token.
    pub password: String,
    pub kind: AuthKind,
}

/// What [`Credentials::password`] holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthKind {
    #[default]
    Password,
    /// An OAuth2 access token: XOAUTH2 (or OAUTHBEARER) instead of PLAIN/LOGIN.
    OAuth2,
}

impl Credentials {
    /// A user name and password.
    pub fn password(username: &str, password: &str) -> Credentials {
        Credentials {
            username: username.to_string(),
            password: password.to_string(),
            kind: AuthKind::Password,
        }
    }

    /// A user name and OAuth2 access token.
    pub fn oauth2(username: &str, token: &str) -> Credentials {
        Credentials {
            username: username.to_string(),
            password: token.to_string(),
            kind: AuthKind::OAuth2,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("kind", &self.kind)
            .finish()
    }
}

/// The extensions we use, as advertised after login.
#[derive(Debug, Clone, Default)]
pub struct Caps {
    pub condstore: bool,
    pub qresync: bool,
    pub r#move: bool,
    pub uidplus: bool,
    pub special_use: bool,
    pub idle: bool,
    pub compress: bool,
    pub enable: bool,
    pub id: bool,
    pub auth_plain: bool,
    pub auth_xoauth2: bool,
    pub auth_oauthbearer: bool,
    pub all: Vec<String>,
}

impl Caps {
    fn from_list(list: &[String]) -> Caps {
        let has = |n: &str| list.iter().any(|c| c.eq_ignore_ascii_case(n));
        Caps {
            condstore: has("CONDSTORE") || has("QRESYNC"),
            qresync: has("QRESYNC"),
            r#move: has("MOVE"),
            uidplus: has("UIDPLUS"),
            special_use: has("SPECIAL-USE"),
            idle: has("IDLE"),
            compress: has("COMPRESS=DEFLATE"),
            enable: has("ENABLE"),
            id: has("ID"),
            auth_plain: has("AUTH=PLAIN"),
            auth_xoauth2: has("AUTH=XOAUTH2"),
            auth_oauthbearer: has("AUTH=OAUTHBEARER"),
            all: list.to_vec(),
        }
    }
}

/// A logged-in IMAP connection.
pub struct ImapConn {
    pub(crate) session: Session<BoxIo>,
    pub caps: Caps,
    /// QRESYNC was ENABLEd: SELECT may carry (QRESYNC ...) and VANISHED replaces EXPUNGE.
    pub qresync_on: bool,
    /// CONDSTORE is in use: FETCH may ask MODSEQ / CHANGEDSINCE.
    pub condstore_on: bool,
    /// The guard under the session: its timeout, limits and credential slot.
    pub(crate) guard: Arc<GuardCtl>,
}

fn cap_strings(resp: &Response<'_>, out: &mut Vec<String>) {
    if let Response::Capabilities(caps) = resp {
        for c in caps {
            out.push(match c {
                Capability::Imap4rev1 => "IMAP4rev1".to_string(),
                Capability::Auth(a) => format!("AUTH={a}"),
                Capability::Atom(a) => a.to_string(),
            });
        }
    }
}

/// AUTH PLAIN's answer as async-imap sees it: the bytes whose base64 is the guard's
/// placeholder. The guard writes the real payload in its place, so the credential never
/// reaches async-imap's command tracing.
struct Plain(Vec<u8>);

impl async_imap::Authenticator for Plain {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        self.0.clone()
    }
}

/// An OAuth2 answer (XOAUTH2 or OAUTHBEARER) as async-imap sees it. After a refused token
/// the server sends a JSON challenge and waits for one more line: async-imap calls
/// `process` again, and an empty answer ends the exchange so the server can say NO.
struct Bearer {
    placeholder: Vec<u8>,
    sent: bool,
}

impl async_imap::Authenticator for Bearer {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        if std::mem::replace(&mut self.sent, true) {
            Vec::new()
        } else {
            self.placeholder.clone()
        }
    }
}

fn plain_payload(creds: &Credentials) -> Vec<u8> {
    let mut v = Vec::new();
    v.push(0);
    v.extend_from_slice(creds.username.as_bytes());
    v.push(0);
    v.extend_from_slice(creds.password.as_bytes());
    base64::engine::general_purpose::STANDARD
        .encode(v)
        .into_bytes()
}

/// How long a plain connection (before STARTTLS) may wait for the server's greeting.
const GREETING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads the greeting; a BYE greeting is an error.
async fn greeting(client: &mut Client<BoxIo>) -> Result<()> {
    let Some(resp) = client.read_response().await? else {
        return Err(ImapError::ConnectionLost);
    };
    if let Response::Data {
        status: async_imap::imap_proto::Status::Bye,
        outcome,
    } = resp.parsed()
    {
        return Err(ImapError::No(
            outcome.information.as_deref().unwrap_or("").to_string(),
        ));
    }
    Ok(())
}

/// Asks CAPABILITY before login (to choose the login mechanism).
async fn pre_login_caps(client: &mut Client<BoxIo>) -> Result<Vec<String>> {
    // async-imap's unauthenticated client only exposes untagged data through a channel.
    let (tx, rx) = async_channel::unbounded();
    client
        .run_command_and_check_ok("CAPABILITY", Some(tx))
        .await?;
    let mut caps = Vec::new();
    while let Ok(u) = rx.try_recv() {
        if let async_imap::types::UnsolicitedResponse::Other(resp) = u {
            cap_strings(resp.parsed(), &mut caps);
        }
    }
    Ok(caps)
}

impl ImapConn {
    /// Connects, secures (implicit TLS or STARTTLS, never plain), logs in, and turns on the
    /// extensions we use (ENABLE QRESYNC, COMPRESS=DEFLATE, ID).
    pub async fn connect(
        host: &str,
        port: u16,
        security: crate::model::Security,
        ca_file: Option<&str>,
        creds: &Credentials,
    ) -> Result<ImapConn> {
        if ca_file.is_some() {
            match Self::connect_with(host, port, security, ca_file, creds, Trust::CaOnly).await {
                Err(ImapError::Net(NetError::Tls { .. })) => {} // not signed by that CA
                other => return other,
            }
        }
        Self::connect_with(host, port, security, ca_file, creds, Trust::SystemAndCa).await
    }

    async fn connect_with(
        host: &str,
        port: u16,
        security: crate::model::Security,
        ca_file: Option<&str>,
        creds: &Credentials,
        trust: Trust,
    ) -> Result<ImapConn> {
        let tcp = net::tcp(host, port).await?;
        let ctl = GuardCtl::new(guard::timeout_from_env());
        let mut client: Client<BoxIo> = match security {
            crate::model::Security::Tls => {
                let tcp = ctl.wrap(tcp);
                ctl.retire();
                let tls = net::tls_wrap_port(tcp, host, port, ca_file, trust).await?;
                let mut c = Client::new(Box::new(ctl.wrap(tls)) as BoxIo);
                greeting(&mut c).await?;
                c
            }
            crate::model::Security::Starttls => {
                let mut c = Client::new(Box::new(ctl.wrap(tcp)) as BoxIo);
                // A server that says nothing is most likely waiting for a TLS handshake (an
                // implicit-TLS port): say so instead of waiting for the inactivity timeout.
                match tokio::time::timeout(GREETING_TIMEOUT, greeting(&mut c)).await {
                    Ok(r) => r?,
                    Err(_) => {
                        return Err(ImapError::NoGreeting {
                            host: host.to_string(),
                            port,
                            secs: GREETING_TIMEOUT.as_secs(),
                        });
                    }
                }
                // If the server refuses STARTTLS (or a man in the middle stripped it),
                // stop here: the password must never cross the wire in clear.
                if c.run_command_and_check_ok("STARTTLS", None).await.is_err() {
                    return Err(ImapError::NoStartTls {
                        host: host.to_string(),
                    });
                }
                let plain = c.into_inner();
                ctl.retire();
                let tls = net::tls_wrap(plain, host, ca_file, trust).await?;
                Client::new(Box::new(ctl.wrap(tls)) as BoxIo)
            }
        };
        let pre = pre_login_caps(&mut client).await?;
        let pre = Caps::from_list(&pre);
        let session = login(client, &ctl, &pre, creds, (host, port)).await;
        ctl.disarm();
        let mut conn = ImapConn {
            session: session?,
            caps: Caps::default(),
            qresync_on: false,
            condstore_on: false,
            guard: ctl,
        };
        conn.refresh_caps().await?;
        if conn.caps.compress && want_compression(host) {
            conn = conn.compress().await?;
        }
        if conn.caps.id {
            let _ = conn
                .raw("ID (\"name\" \"Tayori\" \"version\" \"0.1\")", |_| {})
                .await;
        }
        if conn.caps.enable && conn.caps.qresync {
            conn.raw("ENABLE QRESYNC", |_| {}).await?;
            conn.qresync_on = true;
            conn.condstore_on = true;
        } else if conn.caps.enable && conn.caps.condstore {
            conn.raw("ENABLE CONDSTORE", |_| {}).await?;
            conn.condstore_on = true;
        }
        Ok(conn)
    }

    async fn refresh_caps(&mut self) -> Result<()> {
        let mut caps = Vec::new();
        self.raw("CAPABILITY", |r| cap_strings(r, &mut caps))
            .await?;
        self.caps = Caps::from_list(&caps);
        Ok(())
    }

    async fn compress(self) -> Result<ImapConn> {
        let ImapConn {
            session,
            caps,
            qresync_on,
            condstore_on,
            guard,
        } = self;
        let ctl = Arc::clone(&guard);
        let session = session
            .compress(move |s| Box::new(ctl.wrap(s)) as BoxIo)
            .await?;
        Ok(ImapConn {
            session,
            caps,
            qresync_on,
            condstore_on,
            guard,
        })
    }

    pub async fn logout(mut self) -> Result<()> {
        self.session.logout().await?;
        Ok(())
    }

    pub async fn noop(&mut self) -> Result<()> {
        self.session.noop().await?;
        Ok(())
    }
}

/// Logs in with AUTH PLAIN when offered, else LOGIN (servers such as docomo's offer only
/// LOGIN); with an OAuth2 token, AUTHENTICATE XOAUTH2, or OAUTHBEARER when only that is
/// advertised. Either way async-imap is handed a placeholder and the guard writes the
/// credential in its place (see [`guard`]).
async fn login(
    client: Client<BoxIo>,
    ctl: &GuardCtl,
    pre: &Caps,
    creds: &Credentials,
    (host, port): (&str, u16),
) -> Result<async_imap::Session<BoxIo>> {
    if creds.kind == AuthKind::OAuth2 {
        use crate::account::oauth::sasl;
        let (mech, payload) = if pre.auth_oauthbearer && !pre.auth_xoauth2 {
            let p = sasl::oauthbearer(&creds.username, host, port, &creds.password);
            ("OAUTHBEARER", p)
        } else {
            ("XOAUTH2", sasl::xoauth2(&creds.username, &creds.password))
        };
        let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
        let placeholder = ctl.arm_secret(b64.into_bytes());
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&placeholder)
            .map_err(|e| ImapError::Protocol(e.to_string()))?;
        let auth = Bearer {
            placeholder: raw,
            sent: false,
        };
        return client
            .authenticate(mech, auth)
            .await
            .map_err(|(e, _)| auth_error(e));
    }
    if pre.auth_plain {
        let placeholder = ctl.arm_secret(plain_payload(creds));
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&placeholder)
            .map_err(|e| ImapError::Protocol(e.to_string()))?;
        return client
            .authenticate("PLAIN", Plain(raw))
            .await
            .map_err(|(e, _)| auth_error(e));
    }
    if creds.password.contains(['\r', '\n']) || creds.username.contains(['\r', '\n']) {
        return Err(ImapError::Auth(
            "the user name or password contains a line break".to_string(),
        ));
    }
    let quoted = creds.password.replace('\\', "\\\\").replace('"', "\\\"");
    let placeholder = ctl.arm_secret(quoted.into_bytes());
    let placeholder = String::from_utf8_lossy(&placeholder).into_owned();
    client
        .login(&creds.username, placeholder)
        .await
        .map_err(|(e, _)| auth_error(e))
}

/// The server's own words from async-imap's `code: .., info: Some("text")` wording of a NO.
fn server_text(s: String) -> String {
    s.split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.rsplit_once("\")"))
        .map(|(text, _)| text.replace("\\\"", "\""))
        .unwrap_or_else(|| s.clone())
}

fn auth_error(e: async_imap::error::Error) -> ImapError {
    match e {
        async_imap::error::Error::No(s) | async_imap::error::Error::Bad(s) => {
            ImapError::Auth(server_text(s))
        }
        other => other.into(),
    }
}

/// COMPRESS=DEFLATE saves bandwidth on real links; on loopback it only costs CPU on both ends.
/// `TAYORI_IMAP_COMPRESS=always|never` overrides (tests use it to cover the deflate path).
fn want_compression(host: &str) -> bool {
    match std::env::var("TAYORI_IMAP_COMPRESS").as_deref() {
        Ok("always") => true,
        Ok("never") => false,
        _ => {
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            !loopback
        }
    }
}

#[cfg(test)]
mod tests {
    use super::server_text;

    #[test]
    fn refusals_keep_the_servers_words() {
        assert_eq!(
            server_text(
                r#"code: None, info: Some("[AUTHENTICATIONFAILED] Authentication failed.")"#.into()
            ),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(
            server_text(r#"code: None, info: Some("say \"hi\"")"#.into()),
            "say \"hi\""
        );
        assert_eq!(server_text("plain words".into()), "plain words");
    }
}
