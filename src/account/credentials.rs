//! Passwords come from the OS keyring (Secret Service, Keychain, Credential Manager) or from
//! a per-account password command (like mbsync's PassCmd). They are never written to the
//! cache or logs.
use crate::model::Account;

const SERVICE: &str = "tayori";

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "no password for {0}: the OS keyring has none and no password command is set \
         (use `tayori account add --password-stdin` or `--password-command`)"
    )]
    Missing(String),
    #[error("the OS keyring is not reachable: {0}")]
    Keyring(String),
    #[error("the password command failed: {0}")]
    Command(String),
}

/// A keyring error in words: "no default store" really means the platform store could
/// not be started, and its own error says why.
fn keyring_error(e: keyring::Error) -> CredentialError {
    if matches!(e, keyring::Error::NoDefaultStore)
        && let Err(why) = keyring::Entry::store_status()
    {
        return CredentialError::Keyring(why.to_string());
    }
    CredentialError::Keyring(e.to_string())
}

fn entry_user(account: &Account) -> String {
    format!("{}#{}", account.username, account.id)
}

/// Runs the password command through the shell and returns its first output line.
pub fn run_command(cmd: &str) -> Result<String, CredentialError> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| CredentialError::Command(e.to_string()))?;
    if !out.status.success() {
        return Err(CredentialError::Command(format!(
            "exit status {}",
            out.status
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Looks up the account's password (blocking: call from a blocking thread, the Secret
/// Service client must not run inside the async runtime).
pub fn password(account: &Account) -> Result<String, CredentialError> {
    if let Some(cmd) = &account.password_command {
        return run_command(cmd);
    }
    let entry = keyring::Entry::new(SERVICE, &entry_user(account)).map_err(keyring_error)?;
    match entry.get_password() {
        Ok(p) => Ok(p),
        Err(keyring::Error::NoEntry) => Err(CredentialError::Missing(account.email.clone())),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Saves the password in the OS keyring.
pub fn store_password(account: &Account, password: &str) -> Result<(), CredentialError> {
    let entry = keyring::Entry::new(SERVICE, &entry_user(account)).map_err(keyring_error)?;
    entry.set_password(password).map_err(keyring_error)
}

/// Removes the password from the OS keyring. An entry that is not there is fine.
pub fn delete_password(account: &Account) -> Result<(), CredentialError> {
    let entry = keyring::Entry::new(SERVICE, &entry_user(account)).map_err(keyring_error)?;
    match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Removes the password from the OS keyring (account removal), ignoring failures.
pub fn forget_password(account: &Account) {
    let _ = delete_password(account);
}

/// The keyring entry name of an account's password ("login#id"): what a keeper files it under.
pub fn entry_name(account: &Account) -> String {
    entry_user(account)
}
