//! Fluent localization: English and Japanese bundles compiled into the binary.
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
use unic_langid::LanguageIdentifier;

const EN: &str = include_str!("../i18n/en/tayori.ftl");
const JA: &str = include_str!("../i18n/ja/tayori.ftl");

/// One language's messages.
pub struct Localizer {
    bundle: FluentBundle<FluentResource>,
    fallback: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, src: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new(vec![id]);
    b.set_use_isolating(false);
    // The bundled files are tested to parse; a broken one yields missing keys, not a crash.
    let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(r, _)| r);
    let _ = b.add_resource(res);
    b
}

/// The language the OS asks for ("ja" when LANG/LC_ALL/LANGUAGE starts with ja).
pub fn system_language() -> &'static str {
    for var in ["LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if v.is_empty() {
                continue;
            }
            return if v.starts_with("ja") { "ja" } else { "en" };
        }
    }
    "en"
}

impl Localizer {
    pub fn new(lang: &str) -> Self {
        let src = if lang.starts_with("ja") { JA } else { EN };
        Localizer {
            bundle: bundle(lang, src),
            fallback: bundle("en", EN),
        }
    }

    /// "ja" or "en": the language of the messages.
    pub fn lang(&self) -> &'static str {
        match self.bundle.locales.first() {
            Some(l) if l.language.as_str() == "ja" => "ja",
            _ => "en",
        }
    }

    /// The message for `key`, or the key itself when missing everywhere.
    pub fn tr(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        for b in [&self.bundle, &self.fallback] {
            if let Some(p) = b.get_message(key).and_then(|m| m.value()) {
                let mut errs = Vec::new();
                return b.format_pattern(p, args, &mut errs).into_owned();
            }
        }
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<String> {
        let mut k: Vec<String> = src
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
            .filter(|k| !k.starts_with('#') && !k.is_empty() && !k.starts_with(' '))
            .collect();
        k.sort();
        k
    }

    #[test]
    fn both_languages_parse_and_have_the_same_keys() {
        assert!(FluentResource::try_new(EN.to_string()).is_ok());
        assert!(FluentResource::try_new(JA.to_string()).is_ok());
        assert_eq!(keys(EN), keys(JA));
    }

    #[test]
    fn japanese_is_used_with_arguments() {
        let l = Localizer::new("ja");
        let mut a = FluentArgs::new();
        a.set("total", 10);
        a.set("unread", 3);
        assert_eq!(l.tr("folder-counts", Some(&a)), "10 件中 未読 3 件");
        assert_eq!(Localizer::new("en").tr("app-title", None), "Tayori");
    }
}
