//! Connecting, securing and logging in.
use super::{ImapError, Result};
use crate::protocol::net::{self, BoxIo, NetError, Trust};
use async_imap::imap_proto::{Capability, Response};
use async_imap::{Client, Session};

/// What to log in with. The password lives only in memory.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
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

struct Plain<'a>(&'a Credentials);

impl async_imap::Authenticator for Plain<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.push(0);
        v.extend_from_slice(self.0.username.as_bytes());
        v.push(0);
        v.extend_from_slice(self.0.password.as_bytes());
        v
    }
}

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
        let mut client: Client<BoxIo> = match security {
            crate::model::Security::Tls => {
                let tls = net::tls_wrap(tcp, host, ca_file, trust).await?;
                let mut c = Client::new(Box::new(tls) as BoxIo);
                greeting(&mut c).await?;
                c
            }
            crate::model::Security::Starttls => {
                let mut c = Client::new(Box::new(tcp) as BoxIo);
                greeting(&mut c).await?;
                // If the server refuses STARTTLS (or a man in the middle stripped it),
                // stop here: the password must never cross the wire in clear.
                if c.run_command_and_check_ok("STARTTLS", None).await.is_err() {
                    return Err(ImapError::NoStartTls {
                        host: host.to_string(),
                    });
                }
                let plain = c.into_inner();
                let tls = net::tls_wrap(plain, host, ca_file, trust).await?;
                Client::new(Box::new(tls) as BoxIo)
            }
        };
        let pre = pre_login_caps(&mut client).await?;
        let pre = Caps::from_list(&pre);
        let session = if pre.auth_plain {
            client
                .authenticate("PLAIN", Plain(creds))
                .await
                .map_err(|(e, _)| auth_error(e))?
        } else {
            client
                .login(&creds.username, &creds.password)
                .await
                .map_err(|(e, _)| auth_error(e))?
        };
        let mut conn = ImapConn {
            session,
            caps: Caps::default(),
            qresync_on: false,
            condstore_on: false,
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
        } = self;
        let session = session.compress(|s| Box::new(s) as BoxIo).await?;
        Ok(ImapConn {
            session,
            caps,
            qresync_on,
            condstore_on,
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
