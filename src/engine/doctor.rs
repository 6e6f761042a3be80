//! The connection doctor over an account's settings: its incoming server, then its SMTP
//! server (see `discovery::doctor`). The password is read the way the sync reads it and only
//! handed to the login steps; it is never part of a step.
use super::{Engine, Result};
use crate::discovery::conntest::ServerKind;
use crate::discovery::doctor::{self, Step, Target};
use crate::model::{Account, Protocol};

impl Engine {
    /// Every check for `account`, in order.
    pub async fn doctor(&self, account: &Account) -> Result<Vec<Step>> {
        let creds = Self::credentials(account).await?;
        let mut targets = vec![Target {
            kind: match account.protocol {
                Protocol::Imap => ServerKind::Imap,
                Protocol::Pop3 => ServerKind::Pop3,
            },
            endpoint: account.imap.clone(),
            creds: creds.clone(),
        }];
        if let Some(s) = self.store.smtp_settings(account.id)? {
            let mut creds = creds;
            if let Some(u) = s.username.as_deref().filter(|u| !u.is_empty()) {
                creds.username = u.to_string();
            }
            targets.push(Target {
                kind: ServerKind::Smtp,
                endpoint: s.endpoint,
                creds,
            });
        }
        Ok(doctor::examine(&targets, account.ca_file.as_deref()).await)
    }
}
