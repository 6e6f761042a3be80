//! Discovery from each source, offline: a stub DNS resolver, an HTTPS autoconfig server on
//! loopback with the test CA, and the real Dovecot/Postfix of the test bed for probing and
//! connection tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::support;

use common::*;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::io::BufRead;
use std::net::IpAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use support::{BedOptions, TestBed};
use tayori::discovery::conntest::{ConnTestError, ServerKind, test_login};
use tayori::discovery::system::{HttpsClient, split_https_url};
use tayori::discovery::{
    self, DnsError, Http, HttpError, Options, ProbePorts, Resolver, Source, SrvRecord, UsernameForm,
};
use tayori::engine::Failure;
use tayori::engine::accounts::{LoginCheck, ServerCheck};
use tayori::model::{Endpoint, Security};

/// The sentence (its Fluent key) the window shows for a failed login test.
fn failure_key(kind: ServerKind, port: u16, e: ConnTestError) -> &'static str {
    let server = ServerCheck {
        kind,
        server: ep("localhost", port, Security::Tls),
        result: Err(e),
    };
    let check = LoginCheck {
        email: "a@example.test".into(),
        incoming: None,
        outgoing: None,
    };
    Failure::of_check(&check, &server).unwrap().key
}

/// DNS from tables; anything else does not exist.
#[derive(Default)]
struct StubDns {
    mx: HashMap<String, Vec<String>>,
    srv: HashMap<String, Vec<SrvRecord>>,
    hosts: HashMap<String, IpAddr>,
    asked: Mutex<Vec<String>>,
}

impl Resolver for StubDns {
    fn mx<'a>(&'a self, d: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        self.asked.lock().unwrap().push(format!("MX {d}"));
        let r = self.mx.get(d).cloned().ok_or(DnsError::NotFound);
        Box::pin(async move { r })
    }
    fn srv<'a>(&'a self, n: &'a str) -> BoxFuture<'a, Result<Vec<SrvRecord>, DnsError>> {
        self.asked.lock().unwrap().push(format!("SRV {n}"));
        let r = self.srv.get(n).cloned().ok_or(DnsError::NotFound);
        Box::pin(async move { r })
    }
    fn lookup<'a>(&'a self, h: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        self.asked.lock().unwrap().push(format!("A {h}"));
        let r = self
            .hosts
            .get(h)
            .map(|ip| vec![*ip])
            .ok_or(DnsError::NotFound);
        Box::pin(async move { r })
    }
}

/// The real HTTPS client, with every host sent to the loopback server (TLS name: localhost).
struct LoopbackHttps {
    port: Option<u16>,
    inner: HttpsClient,
    seen: Mutex<Vec<String>>,
}

impl Http for LoopbackHttps {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>> {
        self.seen.lock().unwrap().push(url.to_string());
        Box::pin(async move {
            let Some(port) = self.port else {
                return Err(HttpError::Failed("no web server".into()));
            };
            let (_, _, path) = split_https_url(url)?;
            self.inner
                .get(&format!("https://localhost:{port}{path}"))
                .await
        })
    }
}

/// An HTTP that never answers.
struct HangingHttp;
impl Http for HangingHttp {
    fn get<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>> {
        Box::pin(futures::future::pending())
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

const AUTOCONFIG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example-isp.test">
    <domain>example-isp.test</domain>
    <displayName>Example ISP</displayName>
    <incomingServer type="pop3">
      <hostname>pop.%EMAILDOMAIN%</hostname><port>995</port>
      <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example-isp.test</hostname><port>993</port>
      <socketType>SSL</socketType><username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example-isp.test</hostname><port>587</port>
      <socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

/// python3's http.server wrapped in TLS with the bed's certificate, serving `root`.
struct WebServer {
    child: Child,
    port: u16,
}

impl WebServer {
    fn start(bed: &TestBed, root: &std::path::Path) -> WebServer {
        let (crt, key) = (bed.dir.join("server.crt"), bed.dir.join("server.key"));
        let (child, port) = crate::support::web_server(root, Some((&crt, &key)));
        WebServer { child, port }
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn loopback(bed: &TestBed, port: Option<u16>) -> LoopbackHttps {
    LoopbackHttps {
        port,
        inner: HttpsClient {
            ca_file: Some(bed.ca_file().display().to_string()),
        },
        seen: Mutex::new(Vec::new()),
    }
}

#[test]
fn provider_database_first_without_network() {
    // Through the binary: no DNS or HTTP is needed for a bundled provider.
    let t = Tayori::new();
    let d = t
        .run(&["discover", "taro@docomo.ne.jp", "--json"])
        .ok()
        .json();
    assert_eq!(d["source"]["kind"], "provider-db");
    assert_eq!(d["imap"][0]["host"], "imap.spmode.ne.jp");
    assert_eq!(d["imap"][0]["port"], 993);
    assert_eq!(d["pop3"].as_array().unwrap().len(), 0);
    let notes: Vec<&str> = d["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(notes.contains(&"discovery-note-docomo-imap-password"));
    let text = t.run(&["discover", "someone@ybb.ne.jp"]).ok().stdout;
    assert!(
        text.contains("pop3\tybbpop.mail.yahoo.co.jp:995\ttls"),
        "{text}"
    );
    assert!(text.contains("only POP3"), "{text}");
    let ja = t
        .cmd(&["discover", "a@gmail.com"])
        .env("LANG", "ja_JP.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ja.stdout).contains("アプリパスワード"));

    // Through the API with a resolver and HTTP that record use: neither is touched.
    let dns = StubDns::default();
    let http = LoopbackHttps {
        port: None,
        inner: HttpsClient::default(),
        seen: Mutex::new(Vec::new()),
    };
    let d = rt()
        .block_on(discovery::discover("x@gmail.com", &dns, &http))
        .unwrap();
    assert_eq!(
        d.source,
        Source::ProviderDb {
            provider: "gmail".into()
        }
    );
    assert!(dns.asked.lock().unwrap().is_empty());
    assert!(http.seen.lock().unwrap().is_empty());
}

#[test]
fn autoconfig_over_https_from_both_locations() {
    let bed = TestBed::start();
    let dns = StubDns::default();
    // autoconfig.<domain>/mail/config-v1.1.xml
    let root = tempfile::tempdir().unwrap();
    write(root.path(), "mail/config-v1.1.xml", AUTOCONFIG);
    let web = WebServer::start(&bed, root.path());
    let http = loopback(&bed, Some(web.port));
    let d = rt()
        .block_on(discovery::discover("taro@example-isp.test", &dns, &http))
        .unwrap();
    match &d.source {
        Source::Autoconfig { url } => assert!(
            url.starts_with("https://autoconfig.example-isp.test/mail/config-v1.1.xml"),
            "{url}"
        ),
        other => panic!("source {other:?}"),
    }
    assert_eq!(d.pop3[0].host, "pop.example-isp.test");
    assert_eq!(d.pop3[0].username, UsernameForm::Local);
    assert_eq!(d.imap[0].port, 993);
    assert_eq!(d.smtp[0].security, Security::Starttls);
    assert_eq!(d.provider.as_deref(), Some("Example ISP"));
    assert!(!d.imap[0].guessed);
    drop(web);

    // <domain>/.well-known/autoconfig/mail/config-v1.1.xml
    let root2 = tempfile::tempdir().unwrap();
    write(
        root2.path(),
        ".well-known/autoconfig/mail/config-v1.1.xml",
        AUTOCONFIG,
    );
    let web2 = WebServer::start(&bed, root2.path());
    let http2 = loopback(&bed, Some(web2.port));
    let d = rt()
        .block_on(discovery::discover("taro@example-isp.test", &dns, &http2))
        .unwrap();
    match &d.source {
        Source::Autoconfig { url } => assert!(
            url.starts_with("https://example-isp.test/.well-known/autoconfig/mail/"),
            "{url}"
        ),
        other => panic!("source {other:?}"),
    }

    // A certificate the client does not trust is no source.
    let untrusting = LoopbackHttps {
        port: Some(web2.port),
        inner: HttpsClient::default(),
        seen: Mutex::new(Vec::new()),
    };
    let r = rt().block_on(discovery::discover(
        "taro@example-isp.test",
        &dns,
        &untrusting,
    ));
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn mx_record_of_a_known_provider() {
    let bed = TestBed::start();
    let mut dns = StubDns::default();
    dns.mx.insert(
        "corp.test".into(),
        vec![
            "alt1.aspmx.l.google.com".into(),
            "aspmx.l.google.com".into(),
        ],
    );
    let http = loopback(&bed, None);
    let d = rt()
        .block_on(discovery::discover("ceo@corp.test", &dns, &http))
        .unwrap();
    assert_eq!(
        d.source,
        Source::Mx {
            mx: "alt1.aspmx.l.google.com".into(),
            provider: "gmail".into()
        }
    );
    assert_eq!(d.imap[0].host, "imap.gmail.com");
    assert_eq!(d.imap[0].username, UsernameForm::Email);
    // Autoconfig was tried first (both URLs), then Thunderbird's ISPDB for the domain.
    let seen = http.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[2], "https://autoconfig.thunderbird.net/v1.1/corp.test");
}

fn srv(port: u16, target: &str, priority: u16) -> SrvRecord {
    SrvRecord {
        priority,
        weight: 0,
        port,
        target: target.into(),
    }
}

#[test]
fn srv_records() {
    let bed = TestBed::start();
    let mut dns = StubDns::default();
    dns.srv.insert(
        "_imaps._tcp.srv.test".into(),
        vec![
            srv(993, "backup.srv.test", 20),
            srv(993, "mail.srv.test", 10),
        ],
    );
    dns.srv
        .insert("_pop3s._tcp.srv.test".into(), vec![srv(0, ".", 0)]);
    dns.srv.insert(
        "_submission._tcp.srv.test".into(),
        vec![srv(587, "smtp.srv.test.", 0)],
    );
    let http = loopback(&bed, None);
    let d = rt()
        .block_on(discovery::discover("u@srv.test", &dns, &http))
        .unwrap();
    assert_eq!(d.source, Source::Srv);
    let hosts: Vec<&str> = d.imap.iter().map(|s| s.host.as_str()).collect();
    assert_eq!(hosts, ["mail.srv.test", "backup.srv.test"]);
    assert!(d.pop3.is_empty(), "\".\" means not offered");
    assert_eq!(d.smtp[0].host, "smtp.srv.test");
    assert_eq!(d.smtp[0].security, Security::Starttls);
}

#[test]
fn guessing_probes_real_servers_with_tls_and_marks_results_guessed() {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    let mut dns = StubDns::default();
    dns.hosts
        .insert("localhost".into(), "127.0.0.1".parse().unwrap());
    let http = loopback(&bed, None);
    let opts = Options {
        probe_ports: ProbePorts {
            imaps: bed.imaps_port(),
            imap: bed.imap_port(),
            pop3s: bed.pop3s_port(),
            pop3: bed.pop3_port(),
            smtps: bed.submissions_port(),
            submission: bed.submission_port(),
        },
        ca_file: Some(bed.ca_file().display().to_string()),
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let d = rt()
        .block_on(discovery::discover_with(
            "alice@localhost",
            &dns,
            &http,
            &opts,
        ))
        .unwrap();
    eprintln!("guess + probes: {:?}", t0.elapsed());
    assert_eq!(d.source, Source::Guess);
    let sum = |v: &[discovery::ServerSetting]| {
        v.iter()
            .map(|s| (s.host.clone(), s.port, s.security, s.guessed))
            .collect::<Vec<_>>()
    };
    let l = "localhost".to_string();
    assert_eq!(
        sum(&d.imap),
        [
            (l.clone(), bed.imaps_port(), Security::Tls, true),
            (l.clone(), bed.imap_port(), Security::Starttls, true)
        ]
    );
    assert_eq!(
        sum(&d.pop3),
        [
            (l.clone(), bed.pop3s_port(), Security::Tls, true),
            (l.clone(), bed.pop3_port(), Security::Starttls, true)
        ]
    );
    assert_eq!(
        sum(&d.smtp),
        [
            (l.clone(), bed.submissions_port(), Security::Tls, true),
            (l.clone(), bed.submission_port(), Security::Starttls, true)
        ]
    );
    assert!(d.notes.contains(&"discovery-note-guessed".to_string()));
    let asked = dns.asked.lock().unwrap().clone();
    for h in [
        "A imap.localhost",
        "A pop.localhost",
        "A mail.localhost",
        "A smtp.localhost",
    ] {
        assert!(asked.iter().any(|a| a == h), "{h} not tried: {asked:?}");
    }

    // Without the test CA the probes' TLS fails: nothing is offered as usable.
    let strict = Options {
        ca_file: None,
        ..opts
    };
    let r = rt().block_on(discovery::discover_with(
        "alice@localhost",
        &dns,
        &http,
        &strict,
    ));
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn the_whole_run_stays_under_ten_seconds_when_nothing_answers() {
    let dns = StubDns::default();
    let t0 = std::time::Instant::now();
    let r = rt().block_on(discovery::discover("x@nowhere.test", &dns, &HangingHttp));
    let took = t0.elapsed();
    assert!(
        matches!(r, Err(discovery::DiscoveryError::NothingFound { .. })),
        "{r:?}"
    );
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    assert!(matches!(
        rt().block_on(discovery::discover("not an address", &dns, &HangingHttp)),
        Err(discovery::DiscoveryError::BadAddress(_))
    ));
}

fn ep(host: &str, port: u16, security: Security) -> Endpoint {
    Endpoint {
        host: host.into(),
        port,
        security,
    }
}

/// SHA-256 fingerprint of the bed's server certificate, as openssl prints it.
fn openssl_fingerprint(bed: &TestBed) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(bed.dir.join("server.crt"))
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    s.trim().rsplit('=').next().unwrap().to_string()
}

#[test]
fn connection_tests_give_specific_failures() {
    let bed = TestBed::start_with(BedOptions {
        smtp: true,
        ..Default::default()
    });
    let (user, pw) = bed.user(0);
    let ca = bed.ca_file().display().to_string();
    let ca = Some(ca.as_str());
    let rt = rt();
    let h = bed.host();
    let test = |kind, e: Endpoint, pw: &str, ca: Option<&str>| {
        rt.block_on(test_login(kind, &e, &user, pw, ca))
    };
    // Good settings pass, for every protocol and both kinds of TLS.
    test(
        ServerKind::Imap,
        ep(h, bed.imaps_port(), Security::Tls),
        &pw,
        ca,
    )
    .unwrap();
    test(
        ServerKind::Imap,
        ep(h, bed.imap_port(), Security::Starttls),
        &pw,
        ca,
    )
    .unwrap();
    test(
        ServerKind::Pop3,
        ep(h, bed.pop3s_port(), Security::Tls),
        &pw,
        ca,
    )
    .unwrap();
    test(
        ServerKind::Pop3,
        ep(h, bed.pop3_port(), Security::Starttls),
        &pw,
        ca,
    )
    .unwrap();
    test(
        ServerKind::Smtp,
        ep(h, bed.submissions_port(), Security::Tls),
        &pw,
        ca,
    )
    .unwrap();
    test(
        ServerKind::Smtp,
        ep(h, bed.submission_port(), Security::Starttls),
        &pw,
        ca,
    )
    .unwrap();

    // Wrong password.
    for (kind, port, sec) in [
        (ServerKind::Imap, bed.imaps_port(), Security::Tls),
        (ServerKind::Pop3, bed.pop3s_port(), Security::Tls),
        (ServerKind::Smtp, bed.submission_port(), Security::Starttls),
    ] {
        let e = test(kind, ep(h, port, sec), "wrong", ca).unwrap_err();
        assert!(
            matches!(e, ConnTestError::WrongPassword { .. }),
            "{kind:?}: {e:?}"
        );
        assert_eq!(
            failure_key(kind, port, e),
            "error-login-refused",
            "{kind:?}"
        );
    }

    // Host not found; port closed.
    let e = test(
        ServerKind::Imap,
        ep("no-such-host.invalid", 993, Security::Tls),
        &pw,
        ca,
    )
    .unwrap_err();
    assert!(matches!(e, ConnTestError::HostNotFound { .. }), "{e:?}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let e = test(ServerKind::Pop3, ep(h, closed_port, Security::Tls), &pw, ca).unwrap_err();
    assert_eq!(
        e,
        ConnTestError::PortClosed {
            host: h.into(),
            port: closed_port
        }
    );

    // An untrusted certificate: its subject, issuer, validity and fingerprint are shown.
    let fp = openssl_fingerprint(&bed);
    for (kind, port, sec) in [
        (ServerKind::Imap, bed.imaps_port(), Security::Tls),
        (ServerKind::Pop3, bed.pop3_port(), Security::Starttls),
        (ServerKind::Smtp, bed.submissions_port(), Security::Tls),
    ] {
        let e = test(kind, ep(h, port, sec), &pw, None).unwrap_err();
        let ConnTestError::Tls { cert: Some(c), .. } = &e else {
            panic!("{kind:?}: {e:?}");
        };
        assert_eq!(c.subject, "CN=localhost");
        assert_eq!(c.issuer, "CN=Tayori Test CA");
        assert_eq!(c.sha256, fp);
        assert!(
            c.not_before < c.not_after && c.not_after.starts_with("20"),
            "{c:?}"
        );
    }
}

/// A POP3 server (over TLS, with the bed's certificate) that refuses normal passwords the
/// way Gmail does.
#[test]
fn app_password_required_is_recognised() {
    let bed = TestBed::start();
    let script = "import socket, ssl, sys\n\
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
        c.load_cert_chain(sys.argv[1], sys.argv[2])\n\
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
        print(s.getsockname()[1], flush=True)\n\
        while True:\n\
        \x20   conn, _ = s.accept()\n\
        \x20   try:\n\
        \x20       t = c.wrap_socket(conn, server_side=True)\n\
        \x20   except Exception:\n\
        \x20       continue\n\
        \x20   f = t.makefile('rwb')\n\
        \x20   f.write(b'+OK ready\\r\\n'); f.flush()\n\
        \x20   for line in f:\n\
        \x20       if line.startswith(b'CAPA'): f.write(b'+OK\\r\\nUSER\\r\\nUIDL\\r\\n.\\r\\n')\n\
        \x20       elif line.startswith(b'USER'): f.write(b'+OK\\r\\n')\n\
        \x20       elif line.startswith(b'PASS'): f.write(b'-ERR [AUTH] Application-specific password required\\r\\n')\n\
        \x20       else: f.write(b'+OK bye\\r\\n'); f.flush(); break\n\
        \x20       f.flush()\n\
        \x20   t.close()\n";
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(bed.dir.join("server.crt"))
        .arg(bed.dir.join("server.key"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let ca = bed.ca_file().display().to_string();
    let e = rt()
        .block_on(test_login(
            ServerKind::Pop3,
            &ep("localhost", port, Security::Tls),
            "taro",
            "normal-password",
            Some(&ca),
        ))
        .unwrap_err();
    let _ = child.kill();
    let _ = child.wait();
    assert!(matches!(e, ConnTestError::AppPassword { .. }), "{e:?}");
    assert_eq!(
        failure_key(ServerKind::Pop3, port, e),
        "error-app-password-required"
    );
}
