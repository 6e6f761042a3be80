//! An engine [`Failure`] as a sentence in the window's language. Only the key and its
//! arguments are shown (the host, the address, the server's own words); the detail (library
//! text such as "Connection refused (os error 111)") is for logs and the command line.
use crate::engine::Failure;
use crate::i18n::Localizer;
use fluent_bundle::FluentArgs;

/// The sentence for `f` in `tr`'s language.
pub fn failure_text(tr: &Localizer, f: &Failure) -> String {
    let mut args = FluentArgs::new();
    for (name, value) in &f.args {
        args.set(*name, value.clone());
    }
    tr.tr(f.key, Some(&args))
}

/// An engine error as a sentence (its typed Failure).
pub fn engine_text(tr: &Localizer, e: &crate::engine::EngineError) -> String {
    failure_text(tr, &Failure::of(e))
}

/// A cache error as a sentence.
pub fn store_text(tr: &Localizer, e: crate::store::StoreError) -> String {
    engine_text(tr, &crate::engine::EngineError::Store(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::credentials::CredentialError;
    use crate::engine::EngineError;

    #[test]
    fn the_sentence_is_in_the_language_and_leaves_the_library_words_out() {
        let e = EngineError::Credentials(CredentialError::Keyring(
            "SS error: result not returned from SS API".into(),
        ));
        let f = Failure::of(&e);
        let ja = failure_text(&Localizer::new("ja"), &f);
        assert!(
            ja.starts_with("パスワードを保管するシステムのキーリングに接続できません"),
            "{ja}"
        );
        assert!(!ja.contains("SS error"), "{ja}");
        let en = failure_text(&Localizer::new("en"), &f);
        assert!(
            en.starts_with("Tayori cannot reach the system keyring"),
            "{en}"
        );
    }
}
