//! Thunderbird's ISPDB online (`https://autoconfig.thunderbird.net/v1.1/DOMAIN`, the same
//! config-v1.1.xml as autoconfig), as Thunderbird uses it: for the address's domain, and for
//! a hosted domain the registrable domain of its MX host (`mx1.mail.example-isp.co.jp` ->
//! `example-isp.co.jp`, by the Public Suffix List). The base URL can be replaced with
//! `TAYORI_ISPDB_URL` (same layout: BASE/DOMAIN); plain `http://` only for a loopback
//! address.
use super::{Discovered, DiscoveryError, Http, autoconfig::parse_autoconfig};
use std::time::Duration;

/// Thunderbird's ISPDB service.
pub const ISPDB_URL: &str = "https://autoconfig.thunderbird.net/v1.1";
/// Replaces [`ISPDB_URL`] (tests: a local server).
pub const ISPDB_URL_VAR: &str = "TAYORI_ISPDB_URL";

/// The base URL to use: `https://`, or `http://` on 127.0.0.0/8, `::1` or `localhost`.
pub fn checked_base(base: &str) -> Result<String, DiscoveryError> {
    let b = base.trim().trim_end_matches('/');
    if b.starts_with("https://") && b.len() > "https://".len()
        || crate::account::oauth::is_loopback_http(b)
    {
        Ok(b.to_string())
    } else {
        Err(DiscoveryError::BadIspdbUrl(base.to_string()))
    }
}

/// The ISPDB URL of `domain`.
pub fn url_for(base: &str, domain: &str) -> String {
    format!("{}/{domain}", base.trim_end_matches('/'))
}

/// The domain to ask the ISPDB for a hosted domain: the registrable domain of its MX host,
/// unless that is the address's own domain (already asked) or there is none.
pub fn mx_domain(mx_host: &str, own_domain: &str) -> Option<String> {
    let host = mx_host.trim().trim_end_matches('.').to_ascii_lowercase();
    let d = psl::domain_str(&host)?;
    (d != own_domain && d.contains('.')).then(|| d.to_string())
}

/// Fetches and parses the ISPDB entry of `domain`; None when it has none (404) or nothing
/// usable, with the reason for `tried`.
pub async fn fetch(
    http: &dyn Http,
    base: &str,
    domain: &str,
    email: &str,
    timeout: Duration,
) -> Result<(String, Discovered), String> {
    let url = url_for(base, domain);
    match tokio::time::timeout(timeout, http.get(&url)).await {
        Err(_) => Err(format!("{url}: timed out")),
        Ok(Err(e)) => Err(format!("{url}: {e}")),
        Ok(Ok(body)) => match parse_autoconfig(&String::from_utf8_lossy(&body), email) {
            Ok(d) if !d.imap.is_empty() || !d.pop3.is_empty() => Ok((url, d)),
            Ok(_) => Err(format!("{url}: no secure incoming server")),
            Err(e) => Err(format!("{url}: {e}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mx_hosts_registrable_domain_is_asked_for() {
        assert_eq!(
            mx_domain("mx1.mail.example-isp.co.jp.", "taro.jp").as_deref(),
            Some("example-isp.co.jp")
        );
        assert_eq!(
            mx_domain("ASPMX.L.GOOGLE.COM", "company.co.jp").as_deref(),
            Some("google.com")
        );
        assert_eq!(
            mx_domain("example-com.mail.protection.outlook.com", "example.com").as_deref(),
            Some("outlook.com")
        );
        // The address's own domain was asked already; a bare suffix is no domain.
        assert_eq!(mx_domain("mail.example.com", "example.com"), None);
        assert_eq!(mx_domain("co.jp", "x.jp"), None);
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert_eq!(
            checked_base("https://autoconfig.thunderbird.net/v1.1/").unwrap(),
            ISPDB_URL
        );
        assert!(checked_base("http://127.0.0.1:8080/v1.1").is_ok());
        assert!(checked_base("http://[::1]:8080/v1.1").is_ok());
        let e = checked_base("http://ispdb.example.com/v1.1").unwrap_err();
        assert!(e.to_string().contains("loopback"), "{e}");
        assert!(checked_base("ftp://x/").is_err());
        assert_eq!(
            url_for(ISPDB_URL, "biglobe.ne.jp"),
            format!("{ISPDB_URL}/biglobe.ne.jp")
        );
    }
}
