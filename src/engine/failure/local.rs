//! Failures on this computer as Fluent keys: the cache database, the keyring and password
//! command, files, composing, adding an account.
use super::{Failure, network};
use crate::account::credentials::CredentialError;
use crate::account::oauth::OAuthError;
use crate::engine::accounts::AccountError;
use crate::mime::compose::ComposeError;
use crate::store::StoreError;
use rusqlite::ErrorCode;

pub(super) fn store(e: &StoreError) -> Failure {
    match e {
        StoreError::Sql(sql) => Failure::key(match sql.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => "error-database-busy",
            Some(ErrorCode::DiskFull) => "error-disk-full",
            Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
                "error-database-open"
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => "error-database-corrupt",
            _ => "error-database",
        }),
        StoreError::Dir { path, .. } => Failure::key("error-data-dir").arg("path", path),
        StoreError::NoAccount(_) => Failure::key("error-no-account"),
        StoreError::NoFolder(name) => Failure::key("error-no-folder").arg("folder", name),
        StoreError::NoMessage(_) => Failure::key("error-no-message"),
        StoreError::TooNew { .. } => Failure::key("error-store-too-new"),
        StoreError::Corrupt(_) => Failure::key("error-database-corrupt"),
        StoreError::FolderName(name) => Failure::key("error-folder-name").arg("folder", name),
    }
}

pub(super) fn credential(e: &CredentialError) -> Failure {
    match e {
        CredentialError::Missing(email) => {
            Failure::key("error-password-missing").arg("email", email)
        }
        CredentialError::Keyring(_) => Failure::key("error-keyring-unreachable"),
        CredentialError::Command(_) => Failure::key("error-password-command"),
    }
}

pub(super) fn oauth(e: &OAuthError) -> Failure {
    let f = Failure::key(e.fluent_key());
    match e {
        OAuthError::SignInAgain { email, .. } | OAuthError::NotSignedIn { email, .. } => {
            f.arg("email", email)
        }
        OAuthError::Refused { issuer, words } => f.arg("issuer", issuer).arg("server", words),
        OAuthError::Unreachable { issuer, .. } | OAuthError::Metadata { issuer, .. } => {
            f.arg("issuer", issuer)
        }
        OAuthError::Keyring(c) => credential(c),
        OAuthError::DeviceExpired(minutes) => f.arg("minutes", minutes),
        OAuthError::DeviceDenied
        | OAuthError::Denied(_)
        | OAuthError::TimedOut(_)
        | OAuthError::Browser(_)
        | OAuthError::Config(_) => f,
    }
}

pub(super) fn compose(e: &ComposeError) -> Failure {
    match e {
        ComposeError::Address(address, _) => Failure::key(e.fluent_key()).arg("address", address),
        ComposeError::NoRecipients => Failure::key(e.fluent_key()),
        ComposeError::Build(_) => Failure::key("error-compose-build"),
    }
}

pub(super) fn account(e: &AccountError) -> Failure {
    match e {
        AccountError::Login(check) => match check.first_failure() {
            Some((server, why)) => network::conntest(why, &server.server, &check.email),
            None => Failure::key("error-account-interrupted"),
        },
        AccountError::Secret(c) => credential(c),
        AccountError::Store(s) => store(s),
        AccountError::NoDatabase => Failure::key("error-account-no-database"),
        AccountError::Interrupted(_) => Failure::key("error-account-interrupted"),
    }
}
