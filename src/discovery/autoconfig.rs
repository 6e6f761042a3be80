//! Thunderbird autoconfig (config-v1.1.xml) over HTTPS.
use super::{Discovered, Found, Http, ServerSetting, Source, UsernameForm};
use crate::model::Security;
use std::time::Duration;

/// The URLs tried, in order.
pub fn urls(email: &str, domain: &str) -> [String; 2] {
    let q = percent_encode(email);
    [
        format!("https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={q}"),
        format!("https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress={q}"),
    ]
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Fetches both URLs at once; the first (in order) that parses to an incoming server wins.
pub async fn fetch(
    http: &dyn Http,
    email: &str,
    domain: &str,
    timeout: Duration,
) -> Result<Option<(String, Discovered)>, String> {
    let [a, b] = urls(email, domain);
    let get = |url: String| async move {
        let r = tokio::time::timeout(timeout, http.get(&url)).await;
        (url, r)
    };
    let (ra, rb) = futures::join!(get(a), get(b));
    let mut why = Vec::new();
    for (url, r) in [ra, rb] {
        match r {
            Ok(Ok(body)) => match parse_autoconfig(&String::from_utf8_lossy(&body), email) {
                Ok(d) if !d.imap.is_empty() || !d.pop3.is_empty() => {
                    return Ok(Some((url, d)));
                }
                Ok(_) => why.push("no secure incoming server".to_string()),
                Err(e) => why.push(e),
            },
            Ok(Err(e)) => why.push(e.to_string()),
            Err(_) => why.push("timed out".into()),
        }
    }
    Err(why.join(", "))
}

fn child_text<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .map(str::trim)
}

/// Parses a config-v1.1.xml. Plain-text servers are dropped (we never send a password in
/// the clear); placeholders in host names are filled in.
pub fn parse_autoconfig(xml: &str, email: &str) -> Result<Discovered, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("bad XML: {e}"))?;
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let provider = doc
        .descendants()
        .find(|n| n.has_tag_name("emailProvider"))
        .ok_or("no emailProvider element")?;
    let fill = |s: &str| {
        s.replace("%EMAILDOMAIN%", domain)
            .replace("%EMAILLOCALPART%", local)
            .replace("%EMAILADDRESS%", email)
    };
    let mut found = Found::default();
    for server in provider
        .children()
        .filter(|n| n.has_tag_name("incomingServer") || n.has_tag_name("outgoingServer"))
    {
        let kind = server.attribute("type").unwrap_or("");
        let security = match child_text(server, "socketType").unwrap_or("") {
            "SSL" | "TLS" => Security::Tls,
            "STARTTLS" => Security::Starttls,
            _ => continue,
        };
        let (Some(host), Some(port)) = (
            child_text(server, "hostname"),
            child_text(server, "port").and_then(|p| p.parse::<u16>().ok()),
        ) else {
            continue;
        };
        let username = match child_text(server, "username").unwrap_or("%EMAILADDRESS%") {
            "%EMAILADDRESS%" => UsernameForm::Email,
            "%EMAILLOCALPART%" => UsernameForm::Local,
            _ => UsernameForm::Ask,
        };
        let s = ServerSetting {
            host: fill(host),
            port,
            security,
            username,
            guessed: false,
        };
        match kind {
            "imap" => found.imap.push(s),
            "pop3" => found.pop3.push(s),
            "smtp" => found.smtp.push(s),
            _ => {}
        }
    }
    let name = child_text(provider, "displayName").map(str::to_string);
    Ok(Discovered {
        email: email.to_string(),
        imap: found.imap,
        pop3: found.pop3,
        smtp: found.smtp,
        source: Source::Autoconfig { url: String::new() },
        provider: name,
        notes: Vec::new(),
        tried: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_thunderbird_format_and_drops_plain() {
        let xml = r#"<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.jp">
    <domain>example.jp</domain>
    <displayName>Example ISP</displayName>
    <incomingServer type="pop3">
      <hostname>pop.%EMAILDOMAIN%</hostname><port>995</port>
      <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.jp</hostname><port>143</port>
      <socketType>plain</socketType><username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.jp</hostname><port>587</port>
      <socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;
        let d = parse_autoconfig(xml, "taro@example.jp").unwrap();
        assert!(d.imap.is_empty(), "plain IMAP must be dropped");
        assert_eq!(d.pop3[0].host, "pop.example.jp");
        assert_eq!(d.pop3[0].security, Security::Tls);
        assert_eq!(d.pop3[0].username, UsernameForm::Local);
        assert_eq!(d.smtp[0].security, Security::Starttls);
        assert_eq!(d.provider.as_deref(), Some("Example ISP"));
        assert!(parse_autoconfig("<html/>", "a@b.c").is_err());
        assert!(urls("a+b@x.jp", "x.jp")[0].ends_with("emailaddress=a%2Bb%40x.jp"));
    }
}
