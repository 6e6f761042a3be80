//! Delivering the outbox, and filing accepted mail in the Sent folder.
//!
//! States (see `store::OutboxState`): queued -> sending -> sent | queued (retry with
//! exponential backoff) | failed (the server refused the message; editable) | uncertain.
//!
//! Never lost, never twice:
//! - The message is in the store before any network work, and stays until the user removes
//!   it (sent rows are kept as history).
//! - A row is claimed with a fresh attempt id (`claim_outbox` is a compare-and-set, so two
//!   processes never send the same row), and `data_started` is recorded just before the
//!   content goes out.
//! - A failure before that point is unambiguous: nothing was sent; the row is queued again.
//! - A connection lost after it (no final reply) is ambiguous. We resolve it conservatively
//!   for "never twice": the row becomes `uncertain` and is NOT resent automatically; the
//!   user sees the reason and can send it anyway (`requeue_outbox`) or edit it. A process
//!   that died mid-attempt leaves `sending`; `recover_outbox` treats stale rows the same way.
//! - The Sent copy is made after acceptance and recorded (`sent_copy`); before APPENDing,
//!   the Sent folder is searched for the Message-ID, so a crash between the APPEND and its
//!   record never files it twice.
use super::{Engine, EngineError, Result};
use crate::model::{Account, FolderRole, OutboxId, SmtpSettings, Uid};
use crate::protocol::imap::{Credentials, ImapConn};
use crate::protocol::smtp::{SmtpConn, SmtpError};
use crate::store::{OutboxState, SentCopy};

/// A 'sending' row untouched for this long belongs to a process that died.
const STALE_SECS: i64 = 5 * 60;
/// Retry delays: 30 s, 1 min, 2 min ... capped at 1 h.
const BACKOFF_BASE: i64 = 30;
const BACKOFF_MAX: i64 = 3600;

/// Seconds to wait after the `attempts`-th failed attempt. `TAYORI_SEND_RETRY_BASE_SECS`
/// overrides the base (tests use 1).
fn backoff(attempts: i64) -> i64 {
    let base = std::env::var("TAYORI_SEND_RETRY_BASE_SECS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(BACKOFF_BASE);
    let exp = attempts.clamp(1, 20) - 1;
    (base.saturating_mul(1i64 << exp)).min(BACKOFF_MAX)
}

/// What happened to one message in a flush.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SendResult {
    /// Accepted; `reply` is the server's acceptance line.
    Sent { reply: String },
    /// Not sent; will be retried at `next_attempt` (or on the next sync).
    Queued { error: String, next_attempt: i64 },
    /// Refused by the server for good; kept in the outbox, editable.
    Failed { error: String },
    /// May have been delivered; not resent automatically.
    Uncertain { error: String },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SendOutcome {
    pub id: OutboxId,
    pub subject: String,
    #[serde(flatten)]
    pub result: SendResult,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OutboxReport {
    pub outcomes: Vec<SendOutcome>,
    /// Sent copies filed in the Sent folder in this flush.
    pub filed: usize,
    /// Why filing Sent copies did not happen (they stay pending), if it did not.
    pub filing_error: Option<String>,
}

impl OutboxReport {
    pub fn all_sent(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.result, SendResult::Sent { .. }))
    }
}

/// Providers that file sent mail themselves (an APPEND would make a second copy).
pub fn provider_files_sent(smtp_host: &str) -> bool {
    let h = smtp_host.trim_end_matches('.').to_ascii_lowercase();
    ["gmail.com", "googlemail.com"]
        .iter()
        .any(|d| h == *d || h.ends_with(&format!(".{d}")))
}

impl Engine {
    /// Logs in to the account's SMTP server: the account's password (or OAuth2 token, with
    /// one refresh when it is refused) with the SMTP username if one is set.
    async fn smtp_login(account: &Account, s: &SmtpSettings) -> Result<SmtpConn> {
        let user = s.username.as_deref().filter(|u| !u.is_empty());
        let (ep, ca) = (&s.endpoint, account.ca_file.as_deref());
        Self::with_login(account, |mut creds: Credentials| {
            if let Some(u) = user {
                creds.username = u.to_string();
            }
            async move { SmtpConn::connect(ep, ca, &creds).await }
        })
        .await
    }

    /// Sends what is due (everything queued with `force`, e.g. on `sync` or "send now"),
    /// then files Sent copies over IMAP. Per-message failures are recorded on the rows and
    /// reported in the outcomes; only store errors are returned as errors.
    pub async fn flush_outbox(&mut self, account: &Account, force: bool) -> Result<OutboxReport> {
        let mut report = self.send_due(account, force).await?;
        if !self.store.pending_sent_copies(account.id)?.is_empty() {
            match Self::connect(account).await {
                Ok(mut conn) => {
                    match self.file_sent_copies(&mut conn, account).await {
                        Ok(n) => report.filed = n,
                        Err(e) => report.filing_error = Some(e.to_string()),
                    }
                    let _ = conn.logout().await;
                }
                Err(e) => report.filing_error = Some(e.to_string()),
            }
        }
        Ok(report)
    }

    /// What `watch` runs between passes: due messages only, their Sent copies, and drafts
    /// changed here.
    pub(super) async fn outbox_tick(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
    ) -> Result<OutboxReport> {
        let mut report = self.send_due(account, false).await?;
        if !self.store.pending_sent_copies(account.id)?.is_empty() {
            match self.file_sent_copies(conn, account).await {
                Ok(n) => report.filed = n,
                Err(EngineError::Imap(e)) if !e.is_transient() => {
                    report.filing_error = Some(e.to_string())
                }
                Err(e) => return Err(e),
            }
        }
        // Drafts saved or discarded here since the last pass go up too.
        let local_changes = self
            .store
            .drafts_to_sync(account.id)?
            .iter()
            .any(|d| d.dirty() || d.deleted);
        if local_changes {
            let r = self.sync_drafts(conn, account).await?;
            tracing::debug!(?r, "drafts synced");
        }
        Ok(report)
    }

    /// The SMTP half of a flush.
    pub async fn send_due(&mut self, account: &Account, force: bool) -> Result<OutboxReport> {
        let mut report = OutboxReport::default();
        // `TAYORI_OUTBOX_STALE_SECS` shortens the wait (crash tests).
        let stale = std::env::var("TAYORI_OUTBOX_STALE_SECS")
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(STALE_SECS);
        self.store.recover_outbox(crate::store::now() - stale)?;
        let due = self.store.outbox_due(account.id, force)?;
        if due.is_empty() {
            return Ok(report);
        }
        let Some(settings) = self.store.smtp_settings(account.id)? else {
            // Kept queued with the reason; the IMAP side of a sync goes on.
            let why = EngineError::NoSmtp(account.id).to_string();
            for id in due {
                self.end_unsent(id, &why, &mut report)?;
            }
            return Ok(report);
        };
        let copy = if provider_files_sent(&settings.endpoint.host) {
            SentCopy::Skipped
        } else {
            SentCopy::Pending
        };
        let conn = Self::smtp_login(account, &settings).await.map_err(|e| {
            let untrusted = matches!(&e, EngineError::Smtp(s) if s.is_untrusted());
            (e.to_string(), untrusted)
        });
        let mut conn = match conn {
            Ok(c) => Some(c),
            Err((why, untrusted)) => {
                tracing::info!(account = account.id.0, "cannot send now: {why}");
                for id in due {
                    self.end_untried(id, &why, untrusted, &mut report)?;
                }
                return Ok(report);
            }
        };
        let mut broken: Option<String> = None;
        for id in due {
            let Some(c) = conn.as_mut().filter(|_| broken.is_none()) else {
                let why = broken.clone().unwrap_or_default();
                self.end_unsent(id, &why, &mut report)?;
                continue;
            };
            let attempt = uuid::Uuid::new_v4().simple().to_string();
            if !self.store.claim_outbox(id, &attempt)? {
                continue; // someone else is sending it
            }
            let item = self.store.outbox_item(id)?;
            let raw = self.store.outbox_raw(id)?;
            let result = match c
                .envelope(&item.envelope_from, &item.recipients, &raw)
                .await
            {
                Err(e) => {
                    let r = self.unsent_result(id, &attempt, item.attempts, &e)?;
                    if matches!(e, SmtpError::Rejected(_) | SmtpError::Deferred(_)) {
                        // The session is still usable after a refusal: reset the transaction.
                        if c.reset().await.is_err() {
                            broken = Some(e.to_string());
                        }
                    } else {
                        broken = Some(e.to_string());
                    }
                    r
                }
                Ok(()) => {
                    self.store.outbox_data_started(id, &attempt)?;
                    match c.data(&raw).await {
                        Ok(reply) => {
                            self.store.outbox_sent(id, &attempt, copy)?;
                            tracing::info!(outbox = id.0, "sent: {reply}");
                            let compose = self.store.outbox_compose(id).unwrap_or_default();
                            self.mark_responded(item.account_id, &compose);
                            SendResult::Sent { reply }
                        }
                        Err(e @ (SmtpError::Rejected(_) | SmtpError::Deferred(_))) => {
                            self.unsent_result(id, &attempt, item.attempts, &e)?
                        }
                        Err(e) => {
                            let error = e.to_string();
                            self.store.outbox_attempt_ended(
                                id,
                                &attempt,
                                OutboxState::Uncertain,
                                &error,
                                0,
                            )?;
                            broken = Some(error.clone());
                            SendResult::Uncertain { error }
                        }
                    }
                }
            };
            report.outcomes.push(SendOutcome {
                id,
                subject: item.subject.clone(),
                result,
            });
        }
        if let Some(c) = conn.take()
            && broken.is_none()
        {
            c.quit().await;
        }
        Ok(report)
    }

    /// Records a failure that happened before the content went out.
    fn unsent_result(
        &mut self,
        id: OutboxId,
        attempt: &str,
        attempts: i64,
        e: &SmtpError,
    ) -> Result<SendResult> {
        let error = e.to_string();
        if e.is_permanent() {
            self.store
                .outbox_attempt_ended(id, attempt, OutboxState::Failed, &error, 0)?;
            Ok(SendResult::Failed { error })
        } else {
            let next_attempt = crate::store::now() + backoff(attempts);
            self.store.outbox_attempt_ended(
                id,
                attempt,
                OutboxState::Queued,
                &error,
                next_attempt,
            )?;
            Ok(SendResult::Queued {
                error,
                next_attempt,
            })
        }
    }

    /// A row that could not even be tried (no connection): counts as an attempt. It stays
    /// queued, unless the server's certificate is not trusted: retrying
    /// will not help until the user acts, so it fails with the words and is not retried.
    fn end_unsent(&mut self, id: OutboxId, why: &str, report: &mut OutboxReport) -> Result<()> {
        self.end_untried(id, why, false, report)
    }

    fn end_untried(
        &mut self,
        id: OutboxId,
        why: &str,
        untrusted: bool,
        report: &mut OutboxReport,
    ) -> Result<()> {
        let attempt = uuid::Uuid::new_v4().simple().to_string();
        if !self.store.claim_outbox(id, &attempt)? {
            return Ok(());
        }
        let item = self.store.outbox_item(id)?;
        let error = why.to_string();
        let (state, next_attempt, result) = if untrusted {
            (OutboxState::Failed, 0, SendResult::Failed { error })
        } else {
            let next_attempt = crate::store::now() + backoff(item.attempts);
            let queued = SendResult::Queued {
                error,
                next_attempt,
            };
            (OutboxState::Queued, next_attempt, queued)
        };
        self.store
            .outbox_attempt_ended(id, &attempt, state, why, next_attempt)?;
        report.outcomes.push(SendOutcome {
            id,
            subject: item.subject,
            result,
        });
        Ok(())
    }

    /// The server folder for a role: from the cache, else from the server's LIST.
    pub(super) async fn folder_for_role(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
        role: FolderRole,
    ) -> Result<Option<String>> {
        if let Some(f) = self.store.folder_by_role(account.id, role)? {
            return Ok(Some(f.name));
        }
        let server = conn.list_folders().await?;
        Ok(server
            .into_iter()
            .find(|f| f.selectable && f.role == Some(role))
            .map(|f| f.name))
    }

    /// APPENDs accepted messages to the Sent folder (once: searched by Message-ID first).
    pub async fn file_sent_copies(
        &mut self,
        conn: &mut ImapConn,
        account: &Account,
    ) -> Result<usize> {
        let pending = self.store.pending_sent_copies(account.id)?;
        if pending.is_empty() {
            return Ok(0);
        }
        let Some(sent) = self
            .folder_for_role(conn, account, FolderRole::Sent)
            .await?
        else {
            for p in &pending {
                self.store.set_sent_copy(p.id, SentCopy::Skipped)?;
            }
            return Ok(0);
        };
        conn.select(&sent, None).await?;
        let seen = crate::model::Flags {
            seen: true,
            ..Default::default()
        };
        let mut filed = 0;
        for p in pending {
            if conn.search_message_id(&p.message_id).await?.is_empty() {
                let raw = self.store.outbox_raw(p.id)?;
                let uid: Option<Uid> = conn.append(&sent, seen.to_bits(), &raw).await?;
                tracing::debug!(outbox = p.id.0, ?uid, "filed in {sent}");
                self.store.note_own_change(
                    account.id,
                    &sent,
                    crate::store::OwnKind::Arrived,
                    uid,
                    Some(p.message_id.as_str()),
                )?;
                filed += 1;
            }
            self.store.set_sent_copy(p.id, SentCopy::Done)?;
        }
        Ok(filed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), 30);
        assert_eq!(backoff(2), 60);
        assert_eq!(backoff(3), 120);
        assert_eq!(backoff(50), 3600);
    }

    #[test]
    fn every_fluent_key_the_ui_gets_exists_in_both_languages() {
        use crate::mime::compose::{ComposeError, ComposeWarning};
        let mut keys = vec![
            ComposeWarning::CharsetFallback {
                wanted: crate::model::SendCharset::Iso2022Jp,
            }
            .fluent_key(),
            ComposeError::NoRecipients.fluent_key(),
            ComposeError::Address(String::new(), String::new()).fluent_key(),
            "draft-conflict-kept-both",
            "compose-reply-attribution",
            "compose-forwarded-header",
        ];
        for s in [
            OutboxState::Queued,
            OutboxState::Sending,
            OutboxState::Sent,
            OutboxState::Failed,
            OutboxState::Uncertain,
        ] {
            keys.push(s.fluent_key());
        }
        for e in [
            SmtpError::Auth(String::new()),
            SmtpError::NoStartTls {
                host: String::new(),
            },
            SmtpError::Timeout,
            SmtpError::Deferred(String::new()),
            SmtpError::Rejected(String::new()),
            SmtpError::Ambiguous(String::new()),
            SmtpError::Tls {
                host: String::new(),
                reason: String::new(),
            },
        ] {
            keys.push(e.fluent_key());
        }
        for src in [
            include_str!("../../i18n/en/tayori.ftl"),
            include_str!("../../i18n/ja/tayori.ftl"),
        ] {
            for k in &keys {
                assert!(src.contains(&format!("\n{k} =")), "missing {k}");
            }
        }
    }

    #[test]
    fn gmail_files_sent_itself() {
        assert!(provider_files_sent("smtp.gmail.com"));
        assert!(provider_files_sent("smtp.googlemail.com."));
        assert!(!provider_files_sent("mail.example.test"));
        assert!(!provider_files_sent("notgmail.com"));
    }
}
