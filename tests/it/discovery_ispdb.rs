//! Thunderbird's ISPDB online, against a local HTTP server (python3's http.server on
//! 127.0.0.1 serving ISPDB files in its layout, BASE/DOMAIN) and with no other network: the
//! HTTP client refuses every other URL and DNS comes from a table. The address's own domain,
//! then a hosted domain through the registrable domain of its MX host; `TAYORI_ISPDB_URL`
//! through the binary, and its refusal of plain http:// to another computer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::Tayori;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::net::IpAddr;
use std::process::Child;
use std::sync::Mutex;
use tayori::discovery::system::HttpsClient;
use tayori::discovery::{
    self, DnsError, Http, HttpError, Options, Resolver, Source, SrvRecord, UsernameForm,
};

/// An ISPDB entry in config-v1.1.xml form for `domain`, its servers at `host`.
fn entry(domain: &str, host: &str, user: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="{domain}">
    <domain>{domain}</domain>
    <displayName>{domain}</displayName>
    <incomingServer type="imap">
      <hostname>imap.{host}</hostname><port>993</port>
      <socketType>SSL</socketType><username>{user}</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.{host}</hostname><port>465</port>
      <socketType>SSL</socketType><username>{user}</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#
    )
}

/// python3's http.server on 127.0.0.1 (a port the system picks) serving `root`.
struct Ispdb {
    child: Child,
    base: String,
    _root: tempfile::TempDir,
}

impl Ispdb {
    fn start(files: &[(&str, String)]) -> Ispdb {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("v1.1")).unwrap();
        for (name, text) in files {
            std::fs::write(root.path().join("v1.1").join(name), text).unwrap();
        }
        let (child, port) = crate::support::web_server(root.path(), None);
        Ispdb {
            child,
            base: format!("http://127.0.0.1:{port}/v1.1"),
            _root: root,
        }
    }
}

impl Drop for Ispdb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real client, for the local ISPDB only: any other URL is refused (and recorded).
struct OnlyIspdb {
    base: String,
    inner: HttpsClient,
    seen: Mutex<Vec<String>>,
}

impl Http for OnlyIspdb {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, HttpError>> {
        self.seen.lock().unwrap().push(url.to_string());
        Box::pin(async move {
            if !url.starts_with(&self.base) {
                return Err(HttpError::Failed("no network in this test".into()));
            }
            self.inner.get(url).await
        })
    }
}

/// MX records from a table; nothing else exists.
struct MxTable(HashMap<String, Vec<String>>);

impl Resolver for MxTable {
    fn mx<'a>(&'a self, d: &'a str) -> BoxFuture<'a, Result<Vec<String>, DnsError>> {
        let r = self.0.get(d).cloned().ok_or(DnsError::NotFound);
        Box::pin(async move { r })
    }
    fn srv<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<SrvRecord>, DnsError>> {
        Box::pin(async { Err(DnsError::NotFound) })
    }
    fn lookup<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, DnsError>> {
        Box::pin(async { Err(DnsError::NotFound) })
    }
}

#[test]
fn ispdb_for_the_domain_then_for_the_mx_hosts_domain_from_a_local_server() {
    let server = Ispdb::start(&[
        (
            "hosted-isp.test",
            entry("hosted-isp.test", "hosted-isp.test", "%EMAILLOCALPART%"),
        ),
        (
            "example-isp.test",
            entry("example-isp.test", "example-isp.test", "%EMAILADDRESS%"),
        ),
    ]);
    let http = OnlyIspdb {
        base: server.base.clone(),
        inner: HttpsClient::default(),
        seen: Mutex::new(Vec::new()),
    };
    let dns = MxTable(HashMap::from([(
        "customer.test".to_string(),
        vec!["mx1.mail.example-isp.test".to_string()],
    )]));
    let opts = Options {
        ispdb_url: Some(server.base.clone()),
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();

    // The domain's own entry, after the ISP's autoconfig URLs (refused here).
    let d = rt
        .block_on(discovery::discover_with(
            "taro@hosted-isp.test",
            &dns,
            &http,
            &opts,
        ))
        .unwrap();
    assert_eq!(
        d.source,
        Source::Ispdb {
            url: format!("{}/hosted-isp.test", server.base)
        }
    );
    assert_eq!(d.imap[0].host, "imap.hosted-isp.test");
    assert_eq!(d.imap[0].username, UsernameForm::Local);
    assert_eq!(d.smtp[0].host, "smtp.hosted-isp.test");
    let seen = std::mem::take(&mut *http.seen.lock().unwrap());
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen[0].starts_with("https://autoconfig.hosted-isp.test/"));

    // A hosted domain: no entry of its own (404), its MX host's domain has one.
    let d = rt
        .block_on(discovery::discover_with(
            "ceo@customer.test",
            &dns,
            &http,
            &opts,
        ))
        .unwrap();
    assert_eq!(
        d.source,
        Source::IspdbMx {
            mx: "mx1.mail.example-isp.test".into(),
            url: format!("{}/example-isp.test", server.base),
        }
    );
    assert_eq!(d.imap[0].host, "imap.example-isp.test");
    assert_eq!(
        d.imap[0].username.apply(&d.email).unwrap(),
        "ceo@customer.test"
    );
    let seen = http.seen.lock().unwrap().clone();
    assert_eq!(
        &seen[2..],
        &[
            format!("{}/customer.test", server.base),
            format!("{}/example-isp.test", server.base)
        ],
        "{seen:?}"
    );
    assert!(
        d.tried.iter().any(|t| t.contains("HTTP status 404")),
        "{:?}",
        d.tried
    );
}

#[test]
fn tayori_ispdb_url_refuses_plain_http_to_another_computer() {
    let t = Tayori::new();
    let r = t
        .cmd(&["discover", "taro@nowhere.test"])
        .env("TAYORI_ISPDB_URL", "http://ispdb.example.com/v1.1")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(
        err.trim(),
        "tayori: TAYORI_ISPDB_URL=http://ispdb.example.com/v1.1: plain http:// is accepted \
         only for a loopback address (127.0.0.1, ::1, localhost); use https://"
    );
    // https:// anywhere, and http:// on this computer, are taken.
    let server = Ispdb::start(&[(
        "hosted-isp.test",
        entry("hosted-isp.test", "hosted-isp.test", "%EMAILADDRESS%"),
    )]);
    let r = t
        .cmd(&["discover", "taro@hosted-isp.test", "--json"])
        .env("TAYORI_ISPDB_URL", &server.base)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["source"]["kind"], "ispdb", "{out}");
    assert_eq!(d["imap"][0]["host"], "imap.hosted-isp.test");
}
