//! The device authorization grant (RFC 8628): for a provider that offers it, the sign-in
//! happens on any other device. [`DeviceSignIn::start`] asks the device authorization
//! endpoint for a user code and the page where it is entered; the caller shows both;
//! [`DeviceSignIn::finish`] polls the token endpoint (the `oauth2` crate's poller: it waits
//! `interval` between requests, adds 5 s at each `slow_down`, goes on at
//! `authorization_pending`, stops at `access_denied` and `expired_token` or when
//! `expires_in` has passed).
use super::tokens::{TokenError, TokenSet, client_for, token_error};
use super::{OAuthError, check_endpoint, http_client, is_loopback_http};
use crate::model::OAuthSettings;
use oauth2::{
    DeviceAuthorizationUrl, DeviceCodeErrorResponseType, RequestTokenError, Scope,
    StandardDeviceAuthorizationResponse,
};

/// A device sign-in whose code is ready to show and not yet entered.
pub struct DeviceSignIn {
    /// Where the user enters the code (checked: `https://`, or loopback `http://`; printed
    /// in its serialized form, so it holds no control characters).
    pub verification_uri: String,
    /// The code to type there (only letters, digits, `-` and spaces are kept).
    pub user_code: String,
    /// How long the code is good for, in whole minutes (at least 1).
    pub minutes: u64,
    details: StandardDeviceAuthorizationResponse,
    settings: OAuthSettings,
}

impl std::fmt::Debug for DeviceSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSignIn")
            .field("verification_uri", &self.verification_uri)
            .finish_non_exhaustive()
    }
}

/// The user code as it may be shown: what servers send (letters, digits, `-`, spaces),
/// nothing else, at most 64 characters.
pub fn sanitize_user_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ' ')
        .take(64)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The verification URI if it is one to send a person to (https, or http on this machine),
/// in its serialized (percent-encoded) form.
pub fn checked_verification_uri(uri: &str) -> Option<String> {
    let u = oauth2::url::Url::parse(uri.trim()).ok()?;
    (u.scheme() == "https" || is_loopback_http(u.as_str())).then(|| u.to_string())
}

impl DeviceSignIn {
    /// Asks the provider's device authorization endpoint for a code.
    pub async fn start(settings: &OAuthSettings) -> Result<DeviceSignIn, OAuthError> {
        let Some(device_url) = settings.device_url.clone() else {
            return Err(OAuthError::Config(format!(
                "{} does not offer sign-in on another device",
                settings.issuer
            )));
        };
        check_endpoint(&device_url)?;
        let url = DeviceAuthorizationUrl::new(device_url)
            .map_err(|e| OAuthError::Config(format!("bad device authorization endpoint: {e}")))?;
        let client = client_for!(settings).set_device_authorization_url(url);
        let http = http_client()?;
        let details: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(settings.scopes.iter().cloned().map(Scope::new))
            .request_async(&http)
            .await
            .map_err(|e| match token_error(e, settings) {
                TokenError::InvalidGrant => OAuthError::Refused {
                    issuer: settings.issuer.clone(),
                    words: "invalid_grant".into(),
                },
                TokenError::Other(e) => e,
            })?;
        let refused = |what: &str| OAuthError::Refused {
            issuer: settings.issuer.clone(),
            words: format!("its device authorization answer has {what}"),
        };
        let verification_uri = checked_verification_uri(details.verification_uri().as_str())
            .ok_or_else(|| refused("a verification address that is not https://"))?;
        let user_code = sanitize_user_code(details.user_code().secret());
        if user_code.is_empty() {
            return Err(refused("no user code"));
        }
        Ok(DeviceSignIn {
            verification_uri,
            user_code,
            minutes: details.expires_in().as_secs().div_ceil(60).max(1),
            details,
            settings: settings.clone(),
        })
    }

    /// Polls until the code was entered and approved, refused, or it expired.
    pub async fn finish(&self) -> Result<TokenSet, OAuthError> {
        let http = http_client()?;
        let client = client_for!(&self.settings);
        let r = client
            .exchange_device_access_token(&self.details)
            .request_async(&http, tokio::time::sleep, None)
            .await;
        match r {
            Ok(r) => Ok(TokenSet::from_response(&r, None)),
            Err(RequestTokenError::ServerResponse(e)) => Err(match e.error() {
                DeviceCodeErrorResponseType::AccessDenied => OAuthError::DeviceDenied,
                DeviceCodeErrorResponseType::ExpiredToken => {
                    OAuthError::DeviceExpired(self.minutes)
                }
                other => OAuthError::Refused {
                    issuer: self.settings.issuer.clone(),
                    words: match e.error_description() {
                        Some(d) => format!("{}: {d}", other.as_ref()),
                        None => other.as_ref().to_string(),
                    },
                },
            }),
            Err(RequestTokenError::Request(e)) => Err(OAuthError::Unreachable {
                issuer: self.settings.issuer.clone(),
                reason: e.to_string(),
            }),
            Err(RequestTokenError::Parse(e, _)) => Err(OAuthError::Refused {
                issuer: self.settings.issuer.clone(),
                words: format!("its answer could not be read ({})", e.path()),
            }),
            Err(RequestTokenError::Other(s)) => Err(OAuthError::Refused {
                issuer: self.settings.issuer.clone(),
                words: s,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_addresses_are_shown_only_when_safe() {
        assert_eq!(sanitize_user_code(" WDJB-MJHT\u{1b}[2J\n"), "WDJB-MJHT2J");
        assert_eq!(sanitize_user_code("\u{202e}ABCD"), "ABCD");
        assert_eq!(
            checked_verification_uri("https://microsoft.com/devicelogin").as_deref(),
            Some("https://microsoft.com/devicelogin")
        );
        assert_eq!(
            checked_verification_uri("https://example.com/a\u{1b}b").as_deref(),
            Some("https://example.com/a%1Bb")
        );
        assert_eq!(checked_verification_uri("http://evil.example/device"), None);
        assert_eq!(checked_verification_uri("javascript:alert(1)"), None);
        assert!(checked_verification_uri("http://127.0.0.1:9/device").is_some());
    }
}
