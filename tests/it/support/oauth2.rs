//! The bed's OAuth2 side (`BedOptions { oauth2: true, .. }`): Dovecot's `oauth2` passdb
//! validating JWTs locally (`introspection_mode = local`) with the key the authorization
//! server exports, and that server, npm `oauth2-mock-server` 8.x run by
//! `oauth2_server.mjs` on 127.0.0.1. Its `/authorize` approves at once and redirects to the
//! client's loopback redirect URI; it checks the PKCE verifier and signs RS256 tokens that
//! carry the user's address as `email`. Tests steer it through files in its control folder
//! ([`TestBed::oauth_set`]): token lifetime, `invalid_grant` on refresh, a wrong issuer, a
//! signature by a key Dovecot does not hold.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::process::Proc;
use super::{Setup, TestBed};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Where tests/oauth2-server.sh installs the npm package.
pub fn module_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TAYORI_OAUTH2_DIR") {
        return PathBuf::from(d);
    }
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if root {
        PathBuf::from("/var/cache/tayori-oauth2")
    } else {
        let home = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
        home.join("tayori-oauth2")
    }
}

/// Installs the package when missing (the script is idempotent and quick when done).
fn ensure_installed() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oauth2-server.sh");
    let out = Command::new("bash").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "tests/oauth2-server.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(super) fn control_dir(s: &Setup) -> PathBuf {
    s.dir.join("oauth2")
}

/// Dovecot's oauth2 passdb settings.
pub(super) fn dovecot_ext(s: &Setup) -> String {
    let d = control_dir(s);
    format!(
        "introspection_mode = local\n\
         local_validation_key_dict = fs:posix:prefix={keys}/\n\
         username_attribute = email\n\
         issuers = http://127.0.0.1:{port}\n",
        keys = d.join("keys").display(),
        port = s.ports.oauth
    )
}

/// Starts the authorization server and waits until it has exported its key and listens.
pub(super) fn spawn(s: &Setup) -> Result<Proc, String> {
    ensure_installed();
    let d = control_dir(s);
    std::fs::create_dir_all(d.join("keys")).unwrap();
    let _ = std::fs::remove_file(d.join("ready"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/oauth2_server.mjs");
    let p = Proc::spawn(
        "oauth2",
        Command::new("node")
            .arg(script)
            .arg(&d)
            .arg(s.ports.oauth.to_string())
            .arg(d.join("keys"))
            .arg(module_dir()),
        true,
        &s.dir.join("oauth2.stderr"),
        None,
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !d.join("ready").exists() {
        if !p.alive() {
            return Err(format!(
                "the OAuth2 server exited: {}",
                super::process::tail(&s.dir.join("oauth2.stderr"), 20)
            ));
        }
        if Instant::now() > deadline {
            return Err("the OAuth2 server was not ready after 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(p)
}

impl TestBed {
    /// The authorization server's issuer URL (`http://127.0.0.1:PORT`).
    pub fn oauth_issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.setup.ports.oauth)
    }

    /// `account add --auth oauth2` for alice at this issuer (client `tayori-test`, scope
    /// `mail`, the bed's CA) with these server options.
    pub fn oauth_account_args(&self, servers: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["account", "add", "--auth", "oauth2", "--email"]
            .into_iter()
            .chain(["alice@example.test"])
            .chain(servers.iter().copied())
            .map(str::to_string)
            .collect();
        args.extend([
            "--ca-file".to_string(),
            self.ca_file().display().to_string(),
            "--oauth-issuer".to_string(),
            self.oauth_issuer(),
            "--oauth-client-id".to_string(),
            "tayori-test".to_string(),
            "--oauth-scope".to_string(),
            "mail".to_string(),
        ]);
        args
    }

    /// Writes control file `name` (see oauth2_server.mjs): `ttl`, `reported-ttl`, `email`,
    /// `invalid-grant`, `wrong-issuer`, `bad-signature`.
    pub fn oauth_set(&self, name: &str, value: &str) {
        std::fs::write(control_dir(&self.setup).join(name), value).unwrap();
    }

    /// Removes control file `name`.
    pub fn oauth_clear(&self, name: &str) {
        let _ = std::fs::remove_file(control_dir(&self.setup).join(name));
    }

    /// The grant types of the token requests so far, in order.
    pub fn oauth_requests(&self) -> Vec<String> {
        std::fs::read_to_string(control_dir(&self.setup).join("requests.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl TestBed {
    /// Every access, refresh and ID token the authorization server has issued.
    pub fn oauth_issued_tokens(&self) -> Vec<String> {
        std::fs::read_to_string(control_dir(&self.setup).join("tokens.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The device grant's polls, one `MS ANSWER` line each (see oauth2_server.mjs).
    pub fn oauth_device_log(&self) -> String {
        std::fs::read_to_string(control_dir(&self.setup).join("device.log")).unwrap_or_default()
    }

    /// Dovecot's log (with `oauth2`, `auth_debug` says why a token was refused).
    pub fn dovecot_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }
}
