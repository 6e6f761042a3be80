//! Where passwords are kept: the OS keyring by default, anything else in tests. The engine
//! saves and removes passwords only through a [`SecretKeeper`], so account creation can be
//! tested against real servers without touching the machine's keyring.
//!
//! Every method may block (the Secret Service client talks D-Bus and must not run on an
//! async thread): call them from a blocking thread (`tokio::task::spawn_blocking`).
use super::credentials::{self, CredentialError};
use crate::model::Account;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Keeps, looks up and forgets account passwords.
pub trait SecretKeeper: Send + Sync {
    /// Saves `password` as the account's (replacing any earlier one).
    fn keep(&self, account: &Account, password: &str) -> Result<(), CredentialError>;
    /// The account's saved password.
    fn password(&self, account: &Account) -> Result<String, CredentialError>;
    /// Removes the account's password; one that is not there is fine.
    fn forget(&self, account: &Account) -> Result<(), CredentialError>;
}

/// The OS keyring (Secret Service, Keychain, Credential Manager).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeyring;

impl SecretKeeper for OsKeyring {
    fn keep(&self, account: &Account, password: &str) -> Result<(), CredentialError> {
        credentials::store_password(account, password)
    }
    fn password(&self, account: &Account) -> Result<String, CredentialError> {
        let mut a = account.clone();
        a.password_command = None;
        credentials::password(&a)
    }
    fn forget(&self, account: &Account) -> Result<(), CredentialError> {
        credentials::delete_password(account)
    }
}

/// Passwords in memory, filed under the same names as in the OS keyring: for tests, and
/// to stand in for a keyring that cannot be reached ([`MemoryKeeper::unreachable`]).
#[derive(Debug, Default)]
pub struct MemoryKeeper {
    entries: Mutex<BTreeMap<String, String>>,
    unreachable: Option<String>,
}

impl MemoryKeeper {
    pub fn new() -> MemoryKeeper {
        MemoryKeeper::default()
    }

    /// A keeper that fails the way a keyring that is not there fails (no Secret Service on
    /// the session bus, a locked or missing store): every call is
    /// `CredentialError::Keyring(reason)`, `reason` being the library's words.
    pub fn unreachable(reason: &str) -> MemoryKeeper {
        MemoryKeeper {
            entries: Mutex::default(),
            unreachable: Some(reason.to_string()),
        }
    }

    /// What is kept now: (entry name "login#id", password), by name.
    pub fn entries(&self) -> Vec<(String, String)> {
        self.lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn reachable(&self) -> Result<(), CredentialError> {
        match &self.unreachable {
            Some(reason) => Err(CredentialError::Keyring(reason.clone())),
            None => Ok(()),
        }
    }
}

impl SecretKeeper for MemoryKeeper {
    fn keep(&self, account: &Account, password: &str) -> Result<(), CredentialError> {
        self.reachable()?;
        self.lock()
            .insert(credentials::entry_name(account), password.to_string());
        Ok(())
    }
    fn password(&self, account: &Account) -> Result<String, CredentialError> {
        self.reachable()?;
        self.lock()
            .get(&credentials::entry_name(account))
            .cloned()
            .ok_or_else(|| CredentialError::Missing(account.email.clone()))
    }
    fn forget(&self, account: &Account) -> Result<(), CredentialError> {
        self.reachable()?;
        self.lock().remove(&credentials::entry_name(account));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountId, Endpoint, Pop3Options, Protocol, Security};

    fn account(id: i64) -> Account {
        Account {
            id: AccountId(id),
            name: "A".into(),
            email: "a@example.test".into(),
            username: "a".into(),
            protocol: Protocol::Imap,
            imap: Endpoint {
                host: "localhost".into(),
                port: 993,
                security: Security::Tls,
            },
            pop3: Pop3Options::default(),
            password_command: None,
            ca_file: None,
            sync_enabled: true,
            oauth: None,
        }
    }

    #[test]
    fn memory_keeper_keeps_finds_and_forgets_by_account() {
        let k = MemoryKeeper::new();
        k.keep(&account(1), "pw1").unwrap();
        k.keep(&account(2), "pw2").unwrap();
        assert_eq!(k.password(&account(1)).unwrap(), "pw1");
        k.forget(&account(1)).unwrap();
        k.forget(&account(1)).unwrap();
        assert!(matches!(
            k.password(&account(1)),
            Err(CredentialError::Missing(_))
        ));
        assert_eq!(k.entries(), vec![("a#2".to_string(), "pw2".to_string())]);
    }

    #[test]
    fn an_unreachable_keeper_refuses_everything() {
        let k = MemoryKeeper::unreachable("no Secret Service");
        assert!(matches!(
            k.keep(&account(1), "pw"),
            Err(CredentialError::Keyring(r)) if r == "no Secret Service"
        ));
        assert!(k.entries().is_empty());
    }
}
