//! The endpoints of an issuer Tayori does not know, from its metadata: RFC 8414
//! (`/.well-known/oauth-authorization-server`), then OpenID Connect Discovery
//! (`/.well-known/openid-configuration`). The document must name the same issuer
//! (RFC 8414 §3.3), so a look-up cannot be sent elsewhere.
use super::{OAuthError, check_endpoint, http_client};
use serde::Deserialize;

/// The fields of an authorization server's metadata that Tayori uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Endpoints {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub device_authorization_endpoint: Option<String>,
}

/// The metadata URLs to try for `issuer`, RFC 8414's first.
pub fn metadata_urls(issuer: &str) -> Vec<String> {
    let issuer = issuer.trim_end_matches('/');
    let mut v = Vec::new();
    if let Some((scheme, rest)) = issuer.split_once("://") {
        match rest.split_once('/') {
            Some((host, path)) => v.push(format!(
                "{scheme}://{host}/.well-known/oauth-authorization-server/{path}"
            )),
            None => v.push(format!("{issuer}/.well-known/oauth-authorization-server")),
        }
    }
    v.push(format!("{issuer}/.well-known/openid-configuration"));
    v
}

/// Reads the issuer's metadata.
pub async fn discover(issuer: &str) -> Result<Endpoints, OAuthError> {
    check_endpoint(issuer)?;
    let http = http_client()?;
    let fail = |reason: String| OAuthError::Metadata {
        issuer: issuer.to_string(),
        reason,
    };
    let mut last = String::from("no metadata document");
    for url in metadata_urls(issuer) {
        let resp = match http.get(&url).send().await {
            Ok(r) => r,
            Err(e) => {
                last = format!("{url}: {e}");
                continue;
            }
        };
        if !resp.status().is_success() {
            last = format!("{url}: HTTP {}", resp.status().as_u16());
            continue;
        }
        let body = resp.bytes().await.map_err(|e| fail(e.to_string()))?;
        let e: Endpoints = serde_json::from_slice(&body)
            .map_err(|e| fail(format!("{url} is not authorization server metadata: {e}")))?;
        if e.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(fail(format!("{url} names another issuer, {}", e.issuer)));
        }
        for u in [&e.authorization_endpoint, &e.token_endpoint]
            .into_iter()
            .chain(e.device_authorization_endpoint.as_ref())
        {
            check_endpoint(u)?;
        }
        return Ok(e);
    }
    Err(fail(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8414_urls_put_the_path_after_the_well_known_part() {
        assert_eq!(
            metadata_urls("https://as.example/tenant1"),
            vec![
                "https://as.example/.well-known/oauth-authorization-server/tenant1",
                "https://as.example/tenant1/.well-known/openid-configuration"
            ]
        );
        assert_eq!(
            metadata_urls("http://127.0.0.1:9/"),
            vec![
                "http://127.0.0.1:9/.well-known/oauth-authorization-server",
                "http://127.0.0.1:9/.well-known/openid-configuration"
            ]
        );
    }
}
