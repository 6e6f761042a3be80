//! The durable outbox. A message is written here complete (RFC 5322 bytes plus the editable
//! fields) in one transaction before any network work; the engine then claims it with an
//! attempt id, delivers it, and records the outcome. See `engine::outbox` for the states.
use super::{Result, Store, StoreError, now};
use crate::model::{AccountId, OutboxId};
use rusqlite::{OptionalExtension, Row, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting to be sent (again): at `next_attempt`, or at once on `sync`/`send`.
    Queued,
    /// Claimed by an attempt; the SMTP transaction is running (or the process died in it).
    Sending,
    /// The server accepted it.
    Sent,
    /// The server refused it for good (its words are in `error`); editable, not retried.
    Failed,
    /// The connection broke after the content went out and before the server answered: it
    /// may have been delivered. Not resent automatically (never twice); the user decides.
    Uncertain,
}

impl OutboxState {
    /// The Fluent message id the UI shows for this state.
    pub fn fluent_key(self) -> &'static str {
        match self {
            OutboxState::Queued => "outbox-state-queued",
            OutboxState::Sending => "outbox-state-sending",
            OutboxState::Sent => "outbox-state-sent",
            OutboxState::Failed => "outbox-state-failed",
            OutboxState::Uncertain => "outbox-state-uncertain",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            "uncertain" => OutboxState::Uncertain,
            _ => OutboxState::Queued,
        }
    }
}

/// The copy in the Sent folder after acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SentCopy {
    /// To be appended (checked by Message-ID first, so a crash never appends twice).
    Pending,
    Done,
    /// Not needed (the provider files it itself) or impossible (no Sent folder).
    Skipped,
}

impl SentCopy {
    fn as_str(self) -> &'static str {
        match self {
            SentCopy::Pending => "pending",
            SentCopy::Done => "done",
            SentCopy::Skipped => "skipped",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "done" => SentCopy::Done,
            "skipped" => SentCopy::Skipped,
            _ => SentCopy::Pending,
        }
    }
}

/// One outbox row as the CLI and UI show it (without the message bytes).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxItem {
    pub id: OutboxId,
    pub account_id: AccountId,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt: i64,
    /// The server's words (or the network error) of the last failed attempt.
    pub error: Option<String>,
    pub sent_at: Option<i64>,
    pub sent_copy: SentCopy,
    pub created: i64,
    pub updated: i64,
}

/// What queueing a message writes.
#[derive(Debug, Clone)]
pub struct NewOutbox {
    pub account_id: AccountId,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    /// The editable fields (JSON of `mime::compose::Compose`).
    pub compose: String,
    pub raw: Vec<u8>,
    /// The draft this message was written as, removed (locally at once, on the server at
    /// the next sync) in the same transaction.
    pub draft_message_id: Option<String>,
    /// Not sent before this time (unix seconds; 0: at once): the "Undo send" delay.
    pub hold_until: i64,
}

const COLS: &str = "id, account_id, message_id, envelope_from, recipients, subject, state, \
                    attempts, next_attempt, error, sent_at, sent_copy, created, updated";

fn row_to_item(r: &Row<'_>) -> rusqlite::Result<OutboxItem> {
    let rcpts: String = r.get(4)?;
    let state: String = r.get(6)?;
    let copy: String = r.get(11)?;
    Ok(OutboxItem {
        id: OutboxId(r.get(0)?),
        account_id: AccountId(r.get(1)?),
        message_id: r.get(2)?,
        envelope_from: r.get(3)?,
        recipients: serde_json::from_str(&rcpts).unwrap_or_default(),
        subject: r.get(5)?,
        state: OutboxState::parse(&state),
        attempts: r.get(7)?,
        next_attempt: r.get(8)?,
        error: r.get(9)?,
        sent_at: r.get(10)?,
        sent_copy: SentCopy::parse(&copy),
        created: r.get(12)?,
        updated: r.get(13)?,
    })
}

impl Store {
    /// Writes a message to the outbox (and retires its draft) in one transaction.
    pub fn queue_outbox(&mut self, n: &NewOutbox) -> Result<OutboxId> {
        let rcpts =
            serde_json::to_string(&n.recipients).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let ts = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO outbox (account_id, message_id, envelope_from, recipients, subject,
                                 compose, raw, state, next_attempt, draft_message_id,
                                 created, updated, hold_until)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?9, ?8, ?8, ?10)",
            params![
                n.account_id.0,
                n.message_id,
                n.envelope_from,
                rcpts,
                n.subject,
                n.compose,
                n.raw,
                ts,
                n.draft_message_id,
                n.hold_until
            ],
        )?;
        let id = OutboxId(tx.last_insert_rowid());
        if let Some(mid) = &n.draft_message_id {
            tx.execute(
                "UPDATE drafts SET deleted = 1, updated = ?3
                 WHERE account_id = ?1 AND message_id = ?2",
                params![n.account_id.0, mid, ts],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Outbox rows, oldest first (one account or all).
    pub fn outbox(&self, account: Option<AccountId>) -> Result<Vec<OutboxItem>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLS} FROM outbox WHERE ?1 IS NULL OR account_id = ?1 ORDER BY id"
        ))?;
        let rows = st.query_map([account.map(|a| a.0)], row_to_item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn outbox_item(&self, id: OutboxId) -> Result<OutboxItem> {
        self.conn
            .query_row(
                &format!("SELECT {COLS} FROM outbox WHERE id = ?1"),
                [id.0],
                row_to_item,
            )
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("no outbox message {id}")))
    }

    /// The message bytes as they will be (or were) sent.
    pub fn outbox_raw(&self, id: OutboxId) -> Result<Vec<u8>> {
        self.conn
            .query_row("SELECT raw FROM outbox WHERE id = ?1", [id.0], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("no outbox message {id}")))
    }

    /// The editable fields of an outbox message (JSON of `mime::compose::Compose`).
    pub fn outbox_compose(&self, id: OutboxId) -> Result<String> {
        self.conn
            .query_row("SELECT compose FROM outbox WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("no outbox message {id}")))
    }

    /// Queued rows of the account that are due now (all queued ones with `force`); a row
    /// held back for "Undo send" waits for its time either way.
    pub fn outbox_due(&self, account: AccountId, force: bool) -> Result<Vec<OutboxId>> {
        let mut st = self.conn.prepare(
            "SELECT id FROM outbox WHERE account_id = ?1 AND state = 'queued'
               AND (?2 OR next_attempt <= ?3) AND hold_until <= ?3 ORDER BY id",
        )?;
        let rows = st.query_map(params![account.0, force, now()], |r| {
            Ok(OutboxId(r.get(0)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When the account's next queued message is due (unix seconds), if any.
    pub fn next_outbox_attempt(&self, account: AccountId) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MIN(MAX(next_attempt, hold_until)) FROM outbox
             WHERE account_id = ?1 AND state = 'queued'",
            [account.0],
            |r| r.get(0),
        )?)
    }

    /// Atomically takes a queued row for one attempt. False when someone else has it (or it
    /// is no longer queued): the caller must not send it.
    pub fn claim_outbox(&self, id: OutboxId, attempt: &str) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE outbox SET state = 'sending', attempt_id = ?2, data_started = 0,
                    attempts = attempts + 1, updated = ?3
             WHERE id = ?1 AND state = 'queued'",
            params![id.0, attempt, now()],
        )?;
        Ok(n == 1)
    }

    /// Records that the content is about to go out: from here an interruption is ambiguous.
    pub fn outbox_data_started(&self, id: OutboxId, attempt: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET data_started = 1, updated = ?3 WHERE id = ?1 AND attempt_id = ?2",
            params![id.0, attempt, now()],
        )?;
        Ok(())
    }

    /// The server accepted the message.
    pub fn outbox_sent(&self, id: OutboxId, attempt: &str, copy: SentCopy) -> Result<()> {
        let ts = now();
        self.conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?3, sent_copy = ?4, error = NULL,
                    updated = ?3
             WHERE id = ?1 AND attempt_id = ?2",
            params![id.0, attempt, ts, copy.as_str()],
        )?;
        Ok(())
    }

    /// Ends an attempt: `state` is queued (retry at `next_attempt`), failed or uncertain.
    pub fn outbox_attempt_ended(
        &self,
        id: OutboxId,
        attempt: &str,
        state: OutboxState,
        error: &str,
        next_attempt: i64,
    ) -> Result<()> {
        let state = match state {
            OutboxState::Failed => "failed",
            OutboxState::Uncertain => "uncertain",
            _ => "queued",
        };
        self.conn.execute(
            "UPDATE outbox SET state = ?3, error = ?4, next_attempt = ?5, updated = ?6
             WHERE id = ?1 AND attempt_id = ?2",
            params![id.0, attempt, state, error, next_attempt, now()],
        )?;
        Ok(())
    }

    /// Rows left in 'sending' by a process that died (not touched since `stale_before`):
    /// before the content went out they are queued again (nothing was sent); after, they
    /// become uncertain (it may have been delivered; never sent twice automatically).
    pub fn recover_outbox(&self, stale_before: i64) -> Result<usize> {
        let ts = now();
        let a = self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt = ?2, updated = ?2,
                    error = 'interrupted before the message went out'
             WHERE state = 'sending' AND data_started = 0 AND updated < ?1",
            params![stale_before, ts],
        )?;
        let b = self.conn.execute(
            "UPDATE outbox SET state = 'uncertain', updated = ?2,
                    error = 'interrupted while the server was receiving it: it may have been sent'
             WHERE state = 'sending' AND data_started = 1 AND updated < ?1",
            params![stale_before, ts],
        )?;
        Ok(a + b)
    }

    /// Queues a failed or uncertain row again, to be sent at once ("send anyway").
    pub fn requeue_outbox(&self, id: OutboxId) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt = ?2, updated = ?2
             WHERE id = ?1 AND state IN ('failed', 'uncertain', 'queued')",
            params![id.0, now()],
        )?;
        Ok(n == 1)
    }

    /// Takes an unsent row out of the outbox for editing; returns its editable fields
    /// (JSON of `Compose`) and message bytes. None when it is being sent or was sent.
    pub fn take_outbox(&mut self, id: OutboxId) -> Result<Option<(String, Vec<u8>)>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let row: Option<(String, Vec<u8>)> = tx
            .query_row(
                "SELECT compose, raw FROM outbox
                 WHERE id = ?1 AND state IN ('queued', 'failed', 'uncertain')",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if row.is_some() {
            tx.execute("DELETE FROM outbox WHERE id = ?1", [id.0])?;
        }
        tx.commit()?;
        Ok(row)
    }

    /// Accepted messages whose Sent copy is still to be made.
    pub fn pending_sent_copies(&self, account: AccountId) -> Result<Vec<OutboxItem>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLS} FROM outbox WHERE account_id = ?1 AND state = 'sent'
               AND sent_copy = 'pending' ORDER BY id"
        ))?;
        let rows = st.query_map([account.0], row_to_item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn set_sent_copy(&self, id: OutboxId, copy: SentCopy) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET sent_copy = ?2, updated = ?3 WHERE id = ?1",
            params![id.0, copy.as_str(), now()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, Security};
    use crate::store::NewAccount;

    fn store() -> (Store, AccountId) {
        let s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(&NewAccount {
                name: "a".into(),
                email: "a@example.test".into(),
                username: "a".into(),
                imap: Endpoint {
                    host: "h".into(),
                    port: 1,
                    security: Security::Tls,
                },
                protocol: crate::model::Protocol::Imap,
                pop3: crate::model::Pop3Options::default(),
                password_command: None,
                ca_file: None,
            })
            .unwrap();
        (s, a)
    }

    fn new(a: AccountId) -> NewOutbox {
        NewOutbox {
            account_id: a,
            message_id: "<1@example.test>".into(),
            envelope_from: "a@example.test".into(),
            recipients: vec!["b@example.test".into()],
            subject: "s".into(),
            compose: "{}".into(),
            raw: b"Subject: s\r\n\r\nhi\r\n".to_vec(),
            draft_message_id: None,
            hold_until: 0,
        }
    }

    #[test]
    fn a_claim_is_exclusive_and_outcomes_are_tied_to_the_attempt() {
        let (mut s, a) = store();
        let id = s.queue_outbox(&new(a)).unwrap();
        assert_eq!(s.outbox_due(a, false).unwrap(), vec![id]);
        assert!(s.claim_outbox(id, "one").unwrap());
        assert!(
            !s.claim_outbox(id, "two").unwrap(),
            "second claim must fail"
        );
        // A stale attempt cannot record an outcome.
        s.outbox_sent(id, "two", SentCopy::Pending).unwrap();
        assert_eq!(s.outbox_item(id).unwrap().state, OutboxState::Sending);
        s.outbox_sent(id, "one", SentCopy::Pending).unwrap();
        let it = s.outbox_item(id).unwrap();
        assert_eq!(it.state, OutboxState::Sent);
        assert_eq!(it.attempts, 1);
        assert!(s.outbox_due(a, true).unwrap().is_empty());
        assert_eq!(s.pending_sent_copies(a).unwrap().len(), 1);
        assert!(
            s.take_outbox(id).unwrap().is_none(),
            "sent mail is not editable"
        );
    }

    #[test]
    fn a_crash_before_data_requeues_and_after_data_is_uncertain() {
        let (mut s, a) = store();
        let x = s.queue_outbox(&new(a)).unwrap();
        let y = s.queue_outbox(&new(a)).unwrap();
        assert!(s.claim_outbox(x, "x").unwrap());
        assert!(s.claim_outbox(y, "y").unwrap());
        s.outbox_data_started(y, "y").unwrap();
        // Not stale yet: a live attempt is left alone.
        assert_eq!(s.recover_outbox(now() - 60).unwrap(), 0);
        assert_eq!(s.recover_outbox(now() + 1).unwrap(), 2);
        assert_eq!(s.outbox_item(x).unwrap().state, OutboxState::Queued);
        assert_eq!(s.outbox_item(y).unwrap().state, OutboxState::Uncertain);
        assert_eq!(s.outbox_due(a, true).unwrap(), vec![x]);
        assert!(s.requeue_outbox(y).unwrap());
        assert_eq!(s.outbox_due(a, true).unwrap(), vec![x, y]);
        let (compose, raw) = s.take_outbox(x).unwrap().unwrap();
        assert_eq!(compose, "{}");
        assert!(raw.starts_with(b"Subject: s"));
        assert_eq!(s.outbox(None).unwrap().len(), 1);
    }
}
