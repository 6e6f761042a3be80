use super::*;
use crate::account::credentials::CredentialError;
use crate::account::oauth::OAuthError;
use crate::discovery::conntest::{ConnTestError, ServerKind};
use crate::engine::accounts::{AccountError, LoginCheck, ServerCheck};
use crate::mime::compose::ComposeError;
use crate::model::{AccountId, Endpoint, Security};
use crate::protocol::imap::ImapError;
use crate::protocol::net::NetError;
use crate::protocol::pop3::Pop3Error;
use crate::protocol::smtp::SmtpError;
use crate::store::StoreError;
use std::io::{Error as IoError, ErrorKind};

const EN: &str = include_str!("../../../i18n/en/tayori.ftl");
const JA: &str = include_str!("../../../i18n/ja/tayori.ftl");

fn s(v: &str) -> String {
    v.to_string()
}

fn nets() -> Vec<NetError> {
    let connect = |kind| NetError::Connect {
        host: s("mail.example.test"),
        port: 993,
        source: IoError::from(kind),
    };
    vec![
        NetError::HostNotFound {
            host: s("mail.example.test"),
            port: 993,
            reason: s("failed to lookup address information"),
        },
        connect(ErrorKind::ConnectionRefused),
        connect(ErrorKind::TimedOut),
        connect(ErrorKind::HostUnreachable),
        connect(ErrorKind::NetworkUnreachable),
        connect(ErrorKind::ConnectionReset),
        connect(ErrorKind::Other),
        NetError::Timeout {
            host: s("mail.example.test"),
            port: 993,
        },
        NetError::CaFile {
            path: s("/ca.pem"),
            reason: s("No such file"),
        },
        NetError::Tls {
            host: s("mail.example.test"),
            reason: s("certificate verify failed"),
        },
        NetError::Tls {
            host: s("mail.example.test"),
            reason: s("unexpected eof"),
        },
        NetError::NotTls {
            host: s("mail.example.test"),
            port: 143,
        },
    ]
}

fn ios() -> Vec<IoError> {
    [
        ErrorKind::ConnectionReset,
        ErrorKind::UnexpectedEof,
        ErrorKind::TimedOut,
        ErrorKind::Other,
    ]
    .into_iter()
    .map(IoError::from)
    .collect()
}

fn sql(code: std::os::raw::c_int) -> StoreError {
    StoreError::Sql(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(code),
        None,
    ))
}

fn stores() -> Vec<StoreError> {
    use rusqlite::ffi;
    vec![
        sql(ffi::SQLITE_BUSY),
        sql(ffi::SQLITE_FULL),
        sql(ffi::SQLITE_CANTOPEN),
        sql(ffi::SQLITE_CORRUPT),
        StoreError::Sql(rusqlite::Error::QueryReturnedNoRows),
        StoreError::Dir {
            path: s("/data"),
            source: IoError::from(ErrorKind::PermissionDenied),
        },
        StoreError::NoAccount(3),
        StoreError::NoFolder(s("Archive")),
        StoreError::NoMessage(4),
        StoreError::TooNew { found: 9, known: 5 },
        StoreError::Corrupt(s("bad flags")),
        StoreError::FolderName(s("INBOX")),
    ]
}

fn credentials() -> Vec<CredentialError> {
    vec![
        CredentialError::Missing(s("a@example.test")),
        CredentialError::Keyring(s("SS error: result not returned from SS API")),
        CredentialError::Command(s("exit status 1")),
    ]
}

fn conntests() -> Vec<ConnTestError> {
    let host = || s("mail.example.test");
    vec![
        ConnTestError::HostNotFound { host: host() },
        ConnTestError::PortClosed {
            host: host(),
            port: 993,
        },
        ConnTestError::Filtered {
            host: host(),
            port: 993,
        },
        ConnTestError::Unreachable {
            host: host(),
            port: 993,
        },
        ConnTestError::Tls {
            host: host(),
            reason: s("certificate verify failed"),
            cert: None,
        },
        ConnTestError::CaFile {
            path: s("/ca.pem"),
            reason: s("gone"),
        },
        ConnTestError::NoStartTls { host: host() },
        ConnTestError::NotTls {
            host: host(),
            port: 143,
        },
        ConnTestError::NoGreeting {
            host: host(),
            port: 993,
        },
        ConnTestError::WrongPassword {
            server_says: s("[AUTHENTICATIONFAILED] Authentication failed."),
        },
        ConnTestError::AppPassword {
            server_says: s("Application-specific password required"),
        },
        ConnTestError::Refused {
            host: host(),
            server_says: s("BYE go away"),
        },
        ConnTestError::Timeout { host: host() },
        ConnTestError::ConnectionLost { host: host() },
        ConnTestError::Other(s("something")),
    ]
}

fn login(e: ConnTestError) -> AccountError {
    let server = Endpoint {
        host: s("smtp.example.test"),
        port: 587,
        security: Security::Starttls,
    };
    AccountError::Login(Box::new(LoginCheck {
        email: s("a@example.test"),
        incoming: Some(ServerCheck {
            kind: ServerKind::Imap,
            server: Endpoint {
                host: s("imap.example.test"),
                port: 993,
                security: Security::Tls,
            },
            result: Ok(()),
        }),
        outgoing: Some(ServerCheck {
            kind: ServerKind::Smtp,
            server,
            result: Err(e),
        }),
    }))
}

/// One of every error the engine can hand the window.
fn every_error() -> Vec<EngineError> {
    let mut v: Vec<EngineError> = Vec::new();
    v.extend(stores().into_iter().map(EngineError::Store));
    v.extend(credentials().into_iter().map(EngineError::Credentials));
    let id = AccountId(1);
    v.extend(
        [
            OAuthError::SignInAgain {
                email: s("a@example.test"),
                id,
            },
            OAuthError::NotSignedIn {
                email: s("a@example.test"),
                id,
            },
            OAuthError::Refused {
                issuer: s("https://as.example"),
                words: s("invalid_client"),
            },
            OAuthError::Unreachable {
                issuer: s("https://as.example"),
                reason: s("refused"),
            },
            OAuthError::Metadata {
                issuer: s("https://as.example"),
                reason: s("404"),
            },
            OAuthError::Denied(s("access_denied")),
            OAuthError::TimedOut(5),
            OAuthError::DeviceDenied,
            OAuthError::DeviceExpired(15),
            OAuthError::Browser(s("no xdg-open")),
            OAuthError::Config(s("no client id")),
        ]
        .into_iter()
        .map(EngineError::OAuth),
    );
    let mut imap: Vec<ImapError> = nets().into_iter().map(ImapError::Net).collect();
    imap.extend([
        ImapError::NoStartTls {
            host: s("mail.example.test"),
        },
        ImapError::NoGreeting {
            host: s("mail.example.test"),
            port: 993,
            secs: 10,
        },
        ImapError::Auth(s("[AUTHENTICATIONFAILED] Authentication failed.")),
        ImapError::Auth(s("[ALERT] Application-specific password required")),
        ImapError::No(s("[TRYCREATE] no such mailbox")),
        ImapError::Bad(s("Error in IMAP command")),
        ImapError::ConnectionLost,
        ImapError::Timeout,
        ImapError::Protocol(s("unexpected")),
    ]);
    imap.extend(ios().into_iter().map(ImapError::Io));
    v.extend(imap.into_iter().map(EngineError::Imap));
    let mut pop3: Vec<Pop3Error> = nets().into_iter().map(Pop3Error::Net).collect();
    pop3.extend([
        Pop3Error::NoStls {
            host: s("mail.example.test"),
        },
        Pop3Error::NoGreeting {
            host: s("mail.example.test"),
            port: 995,
            secs: 10,
        },
        Pop3Error::Auth(s("[AUTH] Authentication failed.")),
        Pop3Error::AppPassword(s("[AUTH] Web login required")),
        Pop3Error::Err(s("-ERR no such message")),
        Pop3Error::ConnectionLost,
        Pop3Error::Timeout,
        Pop3Error::Protocol(s("bad STAT")),
    ]);
    pop3.extend(ios().into_iter().map(Pop3Error::Io));
    v.extend(pop3.into_iter().map(EngineError::Pop3));
    v.push(EngineError::NotCached(s("not downloaded")));
    v.extend(
        [
            ComposeError::Address(s("bad@"), s("invalid")),
            ComposeError::NoRecipients,
            ComposeError::Build(s("lettre")),
        ]
        .into_iter()
        .map(EngineError::Compose),
    );
    let host = || s("smtp.example.test");
    v.extend(
        [
            SmtpError::CaFile {
                path: s("/ca.pem"),
                reason: s("gone"),
            },
            SmtpError::Connect {
                host: host(),
                port: 587,
                reason: s("Connection refused (os error 111)"),
            },
            SmtpError::NoStartTls { host: host() },
            SmtpError::Tls {
                host: host(),
                reason: s("certificate verify failed"),
            },
            SmtpError::Auth(s("535 5.7.8 Error: authentication failed")),
            SmtpError::Rejected(s("550 no such user")),
            SmtpError::Deferred(s("451 try later")),
            SmtpError::Network(s("reset")),
            SmtpError::Ambiguous(s("reset")),
            SmtpError::Timeout,
        ]
        .into_iter()
        .map(EngineError::Smtp),
    );
    v.push(EngineError::NoSmtp(AccountId(1)));
    v.push(EngineError::Read {
        path: s("/a.pdf"),
        source: IoError::from(ErrorKind::NotFound),
    });
    v.push(EngineError::Write {
        path: s("/b.pdf"),
        source: IoError::from(ErrorKind::PermissionDenied),
    });
    let mut accounts: Vec<AccountError> = conntests().into_iter().map(login).collect();
    accounts.extend(credentials().into_iter().map(AccountError::Secret));
    accounts.extend(stores().into_iter().map(AccountError::Store));
    accounts.push(AccountError::NoDatabase);
    accounts.push(AccountError::Interrupted(s("cancelled")));
    v.extend(accounts.into_iter().map(EngineError::Account));
    v
}

/// The message of `key` in one .ftl file (the single-line messages of this section).
fn message<'a>(src: &'a str, key: &str) -> Option<&'a str> {
    src.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(" = ")))
}

/// The `{ $name }` variables a message uses.
fn variables(text: &str) -> Vec<&str> {
    text.split("{ $")
        .skip(1)
        .filter_map(|rest| rest.split_once(' ').map(|(name, _)| name))
        .collect()
}

#[test]
fn every_fluent_key_failure_of_can_produce_exists_in_both_languages_with_its_arguments() {
    let mut keys = std::collections::BTreeSet::new();
    for e in every_error() {
        let f = Failure::of(&e);
        assert!(f.key != "error-generic", "{e:?} has no key of its own");
        assert_eq!(f.detail, e.to_string());
        for (lang, src) in [("en", EN), ("ja", JA)] {
            let Some(text) = message(src, f.key) else {
                panic!("{} is missing in {lang} (for {e:?})", f.key);
            };
            for var in variables(text) {
                assert!(
                    f.arg_value(var).is_some(),
                    "{lang} {} uses ${var}, which {e:?} does not give",
                    f.key
                );
            }
        }
        keys.insert(f.key);
    }
    // Distinct situations get distinct sentences.
    assert!(keys.len() >= 40, "{keys:?}");
}

#[test]
fn typed_causes_choose_the_sentence() {
    let key = |e: EngineError| Failure::of(&e).key;
    let connect = |kind| {
        EngineError::Imap(ImapError::Net(NetError::Connect {
            host: s("h"),
            port: 1,
            source: IoError::from(kind),
        }))
    };
    assert_eq!(
        key(connect(ErrorKind::ConnectionRefused)),
        "error-connection-refused"
    );
    assert_eq!(key(connect(ErrorKind::TimedOut)), "error-timeout-connect");
    assert_eq!(
        key(connect(ErrorKind::HostUnreachable)),
        "error-host-unreachable"
    );
    assert_eq!(
        key(EngineError::Store(sql(rusqlite::ffi::SQLITE_BUSY))),
        "error-database-busy"
    );
    assert_eq!(
        key(EngineError::Imap(ImapError::Auth(s(
            "Application-specific password required"
        )))),
        "error-auth-app-password"
    );
    // A refused login while adding an account names the server and the address.
    let f = Failure::of(&EngineError::Account(login(ConnTestError::WrongPassword {
        server_says: s("535 no"),
    })));
    assert_eq!(f.key, "error-login-refused");
    assert_eq!(f.arg_value("host"), Some("smtp.example.test"));
    assert_eq!(f.arg_value("email"), Some("a@example.test"));
    assert_eq!(f.arg_value("server"), Some("535 no"));
    // Retrying later is worth it for network trouble, not for a refusal.
    assert!(Failure::of(&connect(ErrorKind::ConnectionRefused)).transient);
    assert!(!Failure::of(&EngineError::Imap(ImapError::Auth(s("no")))).transient);
}
