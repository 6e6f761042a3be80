//! The OAuth2 providers Tayori knows: their authorization server endpoints, the scopes that
//! open mail, which protocols take a token, and whether they offer the device-code flow
//! (RFC 8628). Client IDs are not part of it: each installation registers its own app with the
//! provider and gives its ID at build time (`TAYORI_OAUTH_CLIENT_ID_<PROVIDER>`), at run time
//! (the same variable, or `settings.json`) or per account (`--oauth-client-id`).
//!
//! An issuer not in this table gets its endpoints from its metadata
//! ([`super::metadata`]: RFC 8414, then OpenID Connect discovery).

/// One provider's authorization server and what its mail servers accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuthProvider {
    /// Short name, used in `TAYORI_OAUTH_CLIENT_ID_<ID>` (upper case) and `--oauth-issuer`.
    pub id: &'static str,
    /// Ids of `resources/providers.json` entries whose addresses sign in here.
    pub mail_providers: &'static [&'static str],
    pub name: &'static str,
    pub issuer: &'static str,
    pub auth_url: &'static str,
    pub token_url: &'static str,
    /// RFC 8628 device authorization endpoint, where the provider offers the flow for mail.
    pub device_url: Option<&'static str>,
    pub scopes: &'static [&'static str],
    /// Extra query parameters of the authorization request (e.g. Google's offline access).
    pub auth_params: &'static [(&'static str, &'static str)],
    pub imap: bool,
    pub pop3: bool,
    pub smtp: bool,
    /// Where a developer registers an app (README: "Registering an OAuth2 client").
    pub register_at: &'static str,
}

impl OAuthProvider {
    /// The build-time client ID, overridden by the run-time environment variable.
    pub fn configured_client_id(&self) -> Option<String> {
        let var = self.client_id_var();
        std::env::var(&var)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| built_in_client_id(self.id).map(str::to_string))
    }

    /// `TAYORI_OAUTH_CLIENT_ID_MICROSOFT` etc.
    pub fn client_id_var(&self) -> String {
        format!(
            "TAYORI_OAUTH_CLIENT_ID_{}",
            self.id.to_ascii_uppercase().replace('-', "_")
        )
    }
}

/// Client IDs compiled in (`TAYORI_OAUTH_CLIENT_ID_* cargo build`); none are shipped.
fn built_in_client_id(id: &str) -> Option<&'static str> {
    let v = match id {
        "microsoft" => option_env!("TAYORI_OAUTH_CLIENT_ID_MICROSOFT"),
        "microsoft-work" => option_env!("TAYORI_OAUTH_CLIENT_ID_MICROSOFT_WORK"),
        "google" => option_env!("TAYORI_OAUTH_CLIENT_ID_GOOGLE"),
        "yahoo" => option_env!("TAYORI_OAUTH_CLIENT_ID_YAHOO"),
        "aol" => option_env!("TAYORI_OAUTH_CLIENT_ID_AOL"),
        "fastmail" => option_env!("TAYORI_OAUTH_CLIENT_ID_FASTMAIL"),
        _ => None,
    };
    v.filter(|s| !s.trim().is_empty())
}

const MS_SCOPES: &[&str] = &[
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/POP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
];

/// The table. Microsoft personal accounts (Outlook.com, Hotmail, Live) and work or school
/// accounts (Microsoft 365) share the `common` endpoint, which routes by the address typed.
pub const PROVIDERS: &[OAuthProvider] = &[
    OAuthProvider {
        id: "microsoft",
        mail_providers: &["outlook"],
        name: "Microsoft (Outlook.com, Hotmail, Live, Microsoft 365)",
        issuer: "https://login.microsoftonline.com/common/v2.0",
        auth_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        device_url: Some("https://login.microsoftonline.com/common/oauth2/v2.0/devicecode"),
        scopes: MS_SCOPES,
        auth_params: &[],
        imap: true,
        pop3: true,
        smtp: true,
        register_at: "https://entra.microsoft.com/ (App registrations)",
    },
    OAuthProvider {
        id: "microsoft-work",
        mail_providers: &[],
        name: "Microsoft 365 work or school accounts only",
        issuer: "https://login.microsoftonline.com/organizations/v2.0",
        auth_url: "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
        token_url: "https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
        device_url: Some("https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"),
        scopes: MS_SCOPES,
        auth_params: &[],
        imap: true,
        pop3: true,
        smtp: true,
        register_at: "https://entra.microsoft.com/ (App registrations)",
    },
    OAuthProvider {
        id: "google",
        mail_providers: &["gmail"],
        name: "Google (Gmail, Google Workspace)",
        issuer: "https://accounts.google.com",
        auth_url: "https://accounts.google.com/o/oauth2/v2/auth",
        token_url: "https://oauth2.googleapis.com/token",
        // Google's device flow does not allow the mail scope.
        device_url: None,
        scopes: &["https://mail.google.com/"],
        auth_params: &[("access_type", "offline"), ("prompt", "consent")],
        imap: true,
        pop3: true,
        smtp: true,
        register_at: "https://console.cloud.google.com/apis/credentials (Desktop app)",
    },
    OAuthProvider {
        id: "yahoo",
        mail_providers: &["yahoo"],
        name: "Yahoo Mail",
        issuer: "https://api.login.yahoo.com",
        auth_url: "https://api.login.yahoo.com/oauth2/request_auth",
        token_url: "https://api.login.yahoo.com/oauth2/get_token",
        device_url: None,
        scopes: &["mail-w"],
        auth_params: &[],
        imap: true,
        pop3: true,
        smtp: true,
        register_at: "https://developer.yahoo.com/apps/ (Mail read/write access)",
    },
    OAuthProvider {
        id: "aol",
        mail_providers: &["aol"],
        name: "AOL Mail",
        issuer: "https://api.login.aol.com",
        auth_url: "https://api.login.aol.com/oauth2/request_auth",
        token_url: "https://api.login.aol.com/oauth2/get_token",
        device_url: None,
        scopes: &["mail-w"],
        auth_params: &[],
        imap: true,
        pop3: true,
        smtp: true,
        register_at: "https://developer.yahoo.com/apps/ (AOL shares Yahoo's developer network)",
    },
    OAuthProvider {
        id: "fastmail",
        mail_providers: &["fastmail"],
        name: "Fastmail",
        issuer: "https://api.fastmail.com",
        auth_url: "https://api.fastmail.com/oauth/authorize",
        token_url: "https://api.fastmail.com/oauth/refresh",
        device_url: None,
        scopes: &[
            "https://www.fastmail.com/dev/protocol-imap",
            "https://www.fastmail.com/dev/protocol-pop",
            "https://www.fastmail.com/dev/protocol-smtp",
        ],
        auth_params: &[],
        imap: true,
        pop3: true,
        smtp: true,
        register_at: "https://www.fastmail.com/dev/ (OAuth clients are issued on request)",
    },
];

/// The provider by its short name or issuer URL.
pub fn by_name_or_issuer(s: &str) -> Option<&'static OAuthProvider> {
    let t = s.trim_end_matches('/');
    PROVIDERS
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(t) || p.issuer.trim_end_matches('/') == t)
}

/// The provider whose addresses are those of `resources/providers.json` entry `id`.
pub fn for_mail_provider(id: &str) -> Option<&'static OAuthProvider> {
    PROVIDERS.iter().find(|p| p.mail_providers.contains(&id))
}

/// The provider of an address, through the bundled provider database's domains.
pub fn for_address(email: &str) -> Option<&'static OAuthProvider> {
    let domain = email.trim().rsplit_once('@')?.1.to_ascii_lowercase();
    let p = crate::discovery::providers::ProviderDb::bundled().by_domain(&domain)?;
    for_mail_provider(&p.id)
}

/// The provider for a mail server host name (Microsoft 365 custom domains, Google
/// Workspace): used when the address's domain is not a known provider's.
pub fn for_host(host: &str) -> Option<&'static OAuthProvider> {
    let h = host.to_ascii_lowercase();
    let id = if h.ends_with("office365.com") || h.ends_with("outlook.com") {
        "microsoft"
    } else if h.ends_with("gmail.com") || h.ends_with("googlemail.com") {
        "google"
    } else if h.ends_with("yahoo.com") {
        "yahoo"
    } else if h.ends_with("aol.com") {
        "aol"
    } else if h.ends_with("fastmail.com") {
        "fastmail"
    } else {
        return None;
    };
    by_name_or_issuer(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_https_and_named_once() {
        for p in PROVIDERS {
            for u in [p.issuer, p.auth_url, p.token_url]
                .into_iter()
                .chain(p.device_url)
            {
                assert!(u.starts_with("https://"), "{}: {u}", p.id);
            }
            assert!(!p.scopes.is_empty());
            assert_eq!(PROVIDERS.iter().filter(|q| q.id == p.id).count(), 1);
        }
    }

    #[test]
    fn lookups_by_name_issuer_mail_provider_and_host() {
        assert_eq!(by_name_or_issuer("Google").map(|p| p.id), Some("google"));
        assert_eq!(
            by_name_or_issuer("https://accounts.google.com/").map(|p| p.id),
            Some("google")
        );
        assert_eq!(
            for_mail_provider("outlook").map(|p| p.id),
            Some("microsoft")
        );
        assert_eq!(
            for_host("outlook.office365.com").map(|p| p.id),
            Some("microsoft")
        );
        assert_eq!(for_host("imap.example.jp"), None);
        assert_eq!(
            for_address("taro@hotmail.co.jp").map(|p| p.id),
            Some("microsoft")
        );
        assert_eq!(
            for_address("hanako@gmail.com").map(|p| p.id),
            Some("google")
        );
        assert_eq!(for_address("taro@example.jp"), None);
        assert_eq!(
            by_name_or_issuer("microsoft").map(|p| p.client_id_var()),
            Some("TAYORI_OAUTH_CLIENT_ID_MICROSOFT".to_string())
        );
    }
}
