//! The bundled provider database (`resources/providers.json`, compiled in).
use super::{ServerSetting, UsernameForm};
use crate::model::Security;
use serde::Deserialize;
use std::sync::OnceLock;

const BUNDLED: &str = include_str!("../../resources/providers.json");

/// One server of a provider.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProviderServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// One provider.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    /// MX host suffixes that mean "hosted by this provider".
    #[serde(default)]
    pub mx: Vec<String>,
    #[serde(default)]
    pub imap: Vec<ProviderServer>,
    #[serde(default)]
    pub pop3: Vec<ProviderServer>,
    #[serde(default)]
    pub smtp: Vec<ProviderServer>,
    pub username: UsernameForm,
    /// Fluent ids (discovery-note-*).
    #[serde(default)]
    pub notes: Vec<String>,
    /// How the entry compares with Thunderbird's ISPDB, and why it differs (every Japanese
    /// provider has one; a unit test holds that).
    #[serde(default)]
    pub ispdb: Option<String>,
}

impl Provider {
    pub(crate) fn settings(&self, servers: &[ProviderServer]) -> Vec<ServerSetting> {
        servers
            .iter()
            .map(|s| ServerSetting {
                host: s.host.clone(),
                port: s.port,
                security: s.security,
                username: self.username,
                guessed: false,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProviderDb {
    pub providers: Vec<Provider>,
}

#[derive(Debug, thiserror::Error)]
#[error("bad provider database: {0}")]
pub struct ProviderDbError(String);

impl ProviderDb {
    pub fn parse(json: &str) -> Result<ProviderDb, ProviderDbError> {
        serde_json::from_str(json).map_err(|e| ProviderDbError(e.to_string()))
    }

    /// The database shipped with the app (parsed once; a broken file yields an empty one,
    /// which a unit test rules out).
    pub fn bundled() -> &'static ProviderDb {
        static DB: OnceLock<ProviderDb> = OnceLock::new();
        DB.get_or_init(|| {
            Self::parse(BUNDLED).unwrap_or_else(|e| {
                tracing::error!("{e}");
                ProviderDb {
                    providers: Vec::new(),
                }
            })
        })
    }

    /// The provider of an address's domain (exact match).
    pub fn by_domain(&self, domain: &str) -> Option<&Provider> {
        let d = domain.trim_end_matches('.').to_ascii_lowercase();
        self.providers.iter().find(|p| p.domains.contains(&d))
    }

    /// The provider whose MX suffix matches `mx_host` at a label boundary.
    pub fn by_mx(&self, mx_host: &str) -> Option<&Provider> {
        let h = mx_host.trim_end_matches('.').to_ascii_lowercase();
        self.providers.iter().find(|p| {
            p.mx.iter()
                .any(|s| h == *s || h.ends_with(&format!(".{s}")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Japanese providers of the bundled list.
    const JAPANESE: [&str; 10] = [
        "docomo",
        "au",
        "auone-net",
        "softbank",
        "yahoo-japan",
        "ocn",
        "biglobe",
        "so-net",
        "nifty",
        "ybb",
    ];

    #[test]
    fn bundled_database_is_complete() {
        let db = ProviderDb::parse(BUNDLED).unwrap();
        let global = [
            "gmail", "outlook", "yahoo", "icloud", "aol", "gmx", "fastmail", "zoho",
        ];
        for id in global.into_iter().chain(JAPANESE) {
            let p = db.providers.iter().find(|p| p.id == id);
            let p = p.unwrap_or_else(|| panic!("{id} missing"));
            assert!(
                !p.imap.is_empty() || !p.pop3.is_empty(),
                "{id}: no incoming"
            );
            assert!(!p.smtp.is_empty(), "{id}: no smtp");
            for n in &p.notes {
                assert!(n.starts_with("discovery-note-"), "{id}: {n}");
            }
        }
        assert_eq!(db.by_domain("GMAIL.com").unwrap().id, "gmail");
        assert_eq!(
            db.by_domain("docomo.ne.jp").unwrap().notes[0],
            "discovery-note-docomo-imap-password"
        );
        let ybb = db.by_domain("ybb.ne.jp").unwrap();
        assert!(ybb.imap.is_empty() && ybb.notes.contains(&"discovery-note-pop-only".into()));
        assert_eq!(db.by_mx("aspmx.l.google.com.").unwrap().id, "gmail");
        assert_eq!(
            db.by_mx("example-com.mail.protection.outlook.com")
                .unwrap()
                .id,
            "outlook"
        );
        assert!(db.by_mx("notgoogle.com").is_none());
    }

    #[test]
    fn every_japanese_entry_says_how_it_compares_with_the_ispdb() {
        let db = ProviderDb::parse(BUNDLED).unwrap();
        let japanese = JAPANESE;
        for p in db
            .providers
            .iter()
            .filter(|p| japanese.contains(&p.id.as_str()))
        {
            assert!(
                p.ispdb.as_deref().is_some_and(|s| s.contains("ISPDB")),
                "{} has no ISPDB note",
                p.id
            );
        }
        assert_eq!(
            db.providers
                .iter()
                .filter(|p| japanese.contains(&p.id.as_str()))
                .count(),
            japanese.len()
        );
        // The corrections the ISPDB brought (see each entry's note).
        let big = db.by_domain("biglobe.ne.jp").unwrap();
        assert_eq!(big.pop3[0].host, "mail.biglobe.ne.jp");
        assert_eq!(big.smtp[0].host, "mail.biglobe.ne.jp");
        assert_eq!(big.username, UsernameForm::Email);
        assert_eq!(
            db.by_domain("i.softbank.jp").unwrap().username,
            UsernameForm::Local
        );
        assert_eq!(db.by_domain("ocn.ad.jp").unwrap().id, "ocn");
        assert_eq!(db.by_mx("bgmgate1.biglobe.ne.jp").unwrap().id, "biglobe");
    }

    #[test]
    fn every_note_has_english_and_japanese_text() {
        let db = ProviderDb::parse(BUNDLED).unwrap();
        let mut ids: Vec<String> = db.providers.iter().flat_map(|p| p.notes.clone()).collect();
        ids.push("discovery-note-guessed".into());
        for s in [
            super::super::Source::Srv,
            super::super::Source::Guess,
            super::super::Source::ProviderDb {
                provider: String::new(),
            },
        ] {
            ids.push(s.fluent_id().into());
        }
        for lang in ["en", "ja"] {
            let l = crate::i18n::Localizer::new(lang);
            for id in &ids {
                assert_ne!(l.tr(id, None), *id, "{lang}: {id} missing");
            }
        }
    }
}
