//! Versioned schema migrations. Shipped migrations are never edited: add a new one.
use super::{Result, StoreError};
use rusqlite::Connection;

/// Migration N (1-based) turns schema N-1 into N: SQL, or a rebuild of a table SQLite cannot
/// alter in place. New migrations are appended here, whatever their kind.
const MIGRATIONS: &[Step] = &[
    // 1: the first schema.
    Step::Sql(
        r#"
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    username TEXT NOT NULL,
    imap_host TEXT NOT NULL,
    imap_port INTEGER NOT NULL,
    imap_security TEXT NOT NULL,
    password_command TEXT,
    ca_file TEXT,
    sync_enabled INTEGER NOT NULL DEFAULT 1,
    created INTEGER NOT NULL
) STRICT;
CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    delimiter TEXT,
    role TEXT,
    uidvalidity INTEGER,
    uidnext INTEGER,
    highest_modseq INTEGER,
    server_total INTEGER,
    server_unread INTEGER,
    last_sync INTEGER,
    last_error TEXT,
    UNIQUE (account_id, name)
) STRICT;
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER,
    message_id TEXT,
    subject TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    cc TEXT NOT NULL,
    date INTEGER NOT NULL,
    internal_date INTEGER NOT NULL,
    size INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    modseq INTEGER,
    in_reply_to TEXT,
    refs TEXT,
    parts TEXT NOT NULL,
    has_attachments INTEGER NOT NULL,
    snippet TEXT
) STRICT;
CREATE UNIQUE INDEX messages_folder_uid ON messages (folder_id, uid) WHERE uid IS NOT NULL;
CREATE INDEX messages_folder_date ON messages (folder_id, date DESC, uid DESC);
CREATE INDEX messages_message_id ON messages (message_id);
CREATE TABLE parts (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    data BLOB NOT NULL,
    fetched INTEGER NOT NULL,
    PRIMARY KEY (message_id, section)
) STRICT;
CREATE TABLE ops (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    message_id INTEGER,
    kind TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid INTEGER,
    uidvalidity INTEGER,
    target TEXT,
    header_message_id TEXT,
    state TEXT NOT NULL,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
) STRICT;
CREATE INDEX ops_state ON ops (account_id, state, id);
-- Full-text index of cached body text only (rows are added when a body is fetched);
-- headers are searched by scanning, which is cheaper than indexing every header at sync.
CREATE VIRTUAL TABLE search USING fts5(
    body,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    DELETE FROM search WHERE rowid = old.id;
END;
"#,
    ),
    // 2: POP3 accounts. `imap_*` columns hold the incoming server of either protocol.
    // pop3_uidls remembers every UIDL downloaded (written in the same transaction as the
    // message), so a dropped connection causes neither loss nor duplicates.
    Step::Sql(
        r#"
ALTER TABLE accounts ADD COLUMN protocol TEXT NOT NULL DEFAULT 'imap';
ALTER TABLE accounts ADD COLUMN pop3_leave_on_server INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN pop3_delete_after_days INTEGER;
ALTER TABLE accounts ADD COLUMN pop3_delete_when_deleted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE pop3_uidls (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uidl TEXT NOT NULL,
    message_id INTEGER,
    downloaded INTEGER NOT NULL,
    dele_pending INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, uidl)
) STRICT;
CREATE INDEX pop3_uidls_message ON pop3_uidls (message_id);
"#,
    ),
    // 3: the sync view shows what other devices changed. (Sorting by sender or subject has
    // no index of its own: two more indexes cost the first sync of 100k messages 0.3 s, a
    // tenth of it, while that sort is a top-N sort of one folder per window.)
    Step::Sql(
        r#"
CREATE TABLE activity (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
) STRICT;
CREATE INDEX activity_at ON activity (at DESC, id DESC);
"#,
    ),
    // 4: sending (SMTP settings per account, the durable outbox) and drafts.
    Step::Sql(
        r#"
CREATE TABLE account_smtp (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    security TEXT NOT NULL,
    username TEXT,
    send_charset TEXT NOT NULL DEFAULT 'utf-8',
    signature TEXT
) STRICT;
-- One row per message to send. state: queued | sending | sent | failed | uncertain.
-- 'sending' carries the attempt id of the process that claimed it; data_started is set
-- just before the message content goes out (after that, an outcome can be ambiguous).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    compose TEXT NOT NULL,
    raw BLOB NOT NULL,
    state TEXT NOT NULL,
    attempt_id TEXT,
    data_started INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    error TEXT,
    sent_at INTEGER,
    sent_copy TEXT NOT NULL DEFAULT 'pending',
    draft_message_id TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_state ON outbox (account_id, state, next_attempt);
-- One row per draft (one Message-ID). local_rev bumps on each local save; synced_rev is the
-- revision whose copy is on the server as server_uid (in server_uidvalidity).
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    compose TEXT NOT NULL,
    raw BLOB NOT NULL,
    local_rev INTEGER NOT NULL DEFAULT 1,
    synced_rev INTEGER NOT NULL DEFAULT 0,
    server_uid INTEGER,
    server_uidvalidity INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    UNIQUE (account_id, message_id)
) STRICT;
"#,
    ),
    // 5: the offline policy is an account setting the engine reads (was the window's).
    Step::Sql(
        r#"
ALTER TABLE accounts ADD COLUMN offline_mode TEXT NOT NULL DEFAULT 'on-demand';
ALTER TABLE accounts ADD COLUMN offline_attachments_max_mb INTEGER NOT NULL DEFAULT 10;
"#,
    ),
    // 6: message ids are never reused (AUTOINCREMENT): without it SQLite hands the id of the
    // last message deleted to the next one stored, and a command or an operation queued with
    // the old id would act on another message. Ids, parts and search rows stay as they are.
    Step::Rebuild(Rebuild::Autoincrement("messages")),
    // 7: one or two CJK characters (東京, 本) are searchable in body text: the trigram
    // index cannot hold them, so the pairs of each CJK run are indexed beside it
    // (search_query::cjk_pairs). Whole messages already here are indexed again by the
    // background indexer (their snippet cleared); a message of which only the text part was
    // fetched before keeps its trigrams only (3+ characters find it).
    Step::Sql(
        r#"
CREATE VIRTUAL TABLE search_pairs USING fts5(
    pairs,
    content = '', contentless_delete = 1, tokenize = 'unicode61'
);
CREATE TRIGGER messages_ad_pairs AFTER DELETE ON messages BEGIN
    DELETE FROM search_pairs WHERE rowid = old.id;
END;
DELETE FROM search WHERE rowid IN (SELECT message_id FROM parts WHERE section = '');
UPDATE messages SET snippet = NULL
 WHERE id IN (SELECT message_id FROM parts WHERE section = '');
"#,
    ),
    // 8: conversations (store/threads.rs): each message's conversation, and every
    // Message-ID seen (own or referred to) with its conversation.
    Step::Sql(
        r#"
ALTER TABLE messages ADD COLUMN thread_id INTEGER;
CREATE INDEX messages_thread ON messages (thread_id);
CREATE TABLE thread_refs (
    mid TEXT PRIMARY KEY,
    thread INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX thread_refs_thread ON thread_refs (thread);
"#,
    ),
    // 9: the messages already here are put into conversations.
    Step::Rebuild(Rebuild::Threads),
    // 10: an outgoing message can be held back for the "Undo send" delay (`hold_until`,
    // unix seconds): not sent before then, even by a forced flush.
    Step::Sql("ALTER TABLE outbox ADD COLUMN hold_until INTEGER NOT NULL DEFAULT 0;"),
    // 11: what this device did on the server (so that its echo is never listed as another
    // device's change), the message each queued change is about (to name it), and this
    // device's id and name (for METADATA).
    Step::Sql(
        r#"
CREATE TABLE own_changes (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder TEXT NOT NULL,
    kind TEXT NOT NULL,
    uid INTEGER,
    message_id TEXT,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX own_changes_folder ON own_changes (account_id, folder, kind);
ALTER TABLE ops ADD COLUMN subject TEXT;
ALTER TABLE ops ADD COLUMN sender TEXT;
CREATE TABLE device (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
-- What the server told at the last pass: METADATA (1/0, NULL not asked yet), the quota,
-- and the devices registered under /private/vendor/tayori/device (JSON array).
CREATE TABLE server_info (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    metadata INTEGER,
    devices TEXT NOT NULL DEFAULT '[]',
    quota TEXT,
    checked INTEGER NOT NULL DEFAULT 0
) STRICT;
"#,
    ),
    // 12: OAuth2 accounts: where they sign in (JSON of `model::OAuthSettings`; the tokens
    // are in the keyring, never here).
    Step::Sql("ALTER TABLE accounts ADD COLUMN oauth TEXT;"),
    // 13: placeholders (rows moved here locally, no UID yet) found without walking the
    // folder: every stored batch of a sync asks whether the folder has any (12 ms a batch
    // at 100k messages without it).
    Step::Sql(
        "CREATE INDEX messages_placeholders ON messages (folder_id, message_id) WHERE uid IS NULL;",
    ),
    // 14: senders whose HTML mail may load remote content (bare lower-case addresses).
    Step::Sql(
        r#"
CREATE TABLE remote_content_senders (
    address TEXT PRIMARY KEY,
    added INTEGER NOT NULL
) STRICT;
"#,
    ),
];

enum Step {
    Sql(&'static str),
    Rebuild(Rebuild),
}

enum Rebuild {
    /// The table's `id INTEGER PRIMARY KEY` becomes `... AUTOINCREMENT`.
    Autoincrement(&'static str),
    /// Every message without a conversation is threaded.
    Threads,
}

/// The schema version this build writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

/// Migration `i` (0-based) in the open transaction.
fn apply(tx: &rusqlite::Transaction<'_>, i: usize) -> Result<()> {
    match MIGRATIONS.get(i) {
        Some(Step::Sql(sql)) => Ok(tx.execute_batch(sql)?),
        Some(Step::Rebuild(Rebuild::Autoincrement(table))) => add_autoincrement(tx, table),
        Some(Step::Rebuild(Rebuild::Threads)) => Ok(super::threads::thread_unthreaded(tx)?),
        None => Ok(()),
    }
}

/// Rebuilds `table` from its own definition with AUTOINCREMENT on `id`: the new table, the
/// rows copied, the old one dropped (foreign keys are off meanwhile, see [`migrate`]), the
/// new one renamed, its indexes and triggers made again from their definitions.
fn add_autoincrement(tx: &rusqlite::Transaction<'_>, table: &str) -> Result<()> {
    let ddl: String = tx.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let tmp = format!("{table}_rebuilt");
    let new = ddl
        .replacen(
            &format!("CREATE TABLE {table} ("),
            &format!("CREATE TABLE {tmp} ("),
            1,
        )
        .replacen(
            "id INTEGER PRIMARY KEY,",
            "id INTEGER PRIMARY KEY AUTOINCREMENT,",
            1,
        );
    if !new.contains(&tmp) || !new.contains("AUTOINCREMENT") {
        return Err(StoreError::Corrupt(format!(
            "unexpected definition of table {table}: {ddl}"
        )));
    }
    let extra: Vec<String> = tx
        .prepare(
            "SELECT sql FROM sqlite_master
             WHERE tbl_name = ?1 AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        )?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tx.execute_batch(&new)?;
    tx.execute_batch(&format!(
        "INSERT INTO {tmp} SELECT * FROM {table};
         DROP TABLE {table};
         ALTER TABLE {tmp} RENAME TO {table};"
    ))?;
    for sql in extra {
        tx.execute_batch(&sql)?;
    }
    Ok(())
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > CURRENT {
        return Err(StoreError::TooNew {
            found,
            known: CURRENT,
        });
    }
    if found == CURRENT {
        return Ok(());
    }
    // A migration may rebuild a table others refer to (6): with foreign keys on, dropping
    // the old table would cascade into them. The switch only works outside a transaction.
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = run_migrations(conn, found);
    conn.pragma_update(None, "foreign_keys", fk)?;
    result
}

fn run_migrations(conn: &mut Connection, found: i64) -> Result<()> {
    for i in (found as usize)..(CURRENT as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while this one waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        apply(&tx, i)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_from_every_older_version() {
        for start in 0..CURRENT {
            let mut conn = Connection::open_in_memory().unwrap();
            migrate_to(&mut conn, start as usize);
            migrate(&mut conn).unwrap();
            let v: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, CURRENT);
        }
    }

    /// The schema of version `n`, the way an older build left it.
    fn migrate_to(conn: &mut Connection, n: usize) {
        for i in 0..n {
            let tx = conn.transaction().unwrap();
            apply(&tx, i).unwrap();
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
            tx.commit().unwrap();
        }
    }

    fn insert_message(conn: &Connection, folder: i64) -> i64 {
        conn.execute(
            "INSERT INTO messages (folder_id, subject, sender, recipients, cc, date,
             internal_date, size, flags, parts, has_attachments)
             VALUES (?1, 's', '', '', '', 0, 0, 0, 0, '[]', 0)",
            [folder],
        )
        .unwrap();
        conn.last_insert_rowid()
    }

    /// The id of the last message deleted is never handed to the next one, and moving a
    /// version-5 database to AUTOINCREMENT keeps its messages and their parts.
    #[test]
    fn message_ids_are_never_reused_and_the_rebuild_keeps_parts() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrate_to(&mut conn, 5);
        conn.execute_batch(
            "INSERT INTO accounts (id, name, email, username, imap_host, imap_port,
             imap_security, created) VALUES (1, 'a', 'a@example.test', 'a', 'h', 993, 'tls', 0);
             INSERT INTO folders (id, account_id, name) VALUES (1, 1, 'INBOX');",
        )
        .unwrap();
        let old = insert_message(&conn, 1);
        conn.execute(
            "INSERT INTO parts (message_id, section, data, fetched) VALUES (?1, '1', x'00', 0)",
            [old],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let parts: i64 = conn
            .query_row("SELECT count(*) FROM parts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(parts, 1, "the rebuild must not cascade into parts");
        let kept: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'messages'
                 AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, 7, "five indexes and the two search triggers");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let last = insert_message(&conn, 1);
        conn.execute("DELETE FROM messages WHERE id = ?1", [last])
            .unwrap();
        let next = insert_message(&conn, 1);
        assert!(next > last, "id {last} reused as {next}");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
