//! The sync tables (`sync_installation`, `sync_number_blocks`, `sync_pushed`,
//! `sync_settings`, `sync_marks`; `sync_received` and `sync_pull_marks` of migration 0014): the only SQL on them
//! (migration 0012).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// This working copy's random id (made by migration 0012).
pub fn installation_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row(
        "SELECT id FROM sync_installation ORDER BY seq DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?)
}

/// Gives this copy a new random id and gives up the numbers left in its blocks (a restored or
/// copied database: the numbers after the copy was taken may be in use already).
pub fn new_identity(conn: &Connection, at: &str) -> Result<String> {
    conn.execute(
        "INSERT INTO sync_installation (id, created_at) VALUES (lower(hex(randomblob(16))), ?1)",
        [at],
    )?;
    conn.execute("UPDATE sync_number_blocks SET next_no = last_no + 1", [])?;
    installation_id(conn)
}

/// Takes the next free number of the first block of `series` and `year` that has one.
pub fn take_from_block(conn: &Connection, series: &str, year: i32) -> Result<Option<i64>> {
    let found: Option<(i64, i64)> = conn
        .query_row(
            "SELECT first_no, next_no FROM sync_number_blocks
             WHERE series = ?1 AND year = ?2 AND next_no <= last_no
             ORDER BY first_no LIMIT 1",
            params![series, year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((first, next)) = found else {
        return Ok(None);
    };
    conn.execute(
        "UPDATE sync_number_blocks SET next_no = next_no + 1
         WHERE series = ?1 AND year = ?2 AND first_no = ?3",
        params![series, year, first],
    )?;
    Ok(Some(next))
}

/// The numbers of `series` and `year` still free in this copy's blocks.
pub fn numbers_left(conn: &Connection, series: &str, year: i32) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(last_no - next_no + 1), 0) FROM sync_number_blocks
         WHERE series = ?1 AND year = ?2",
        params![series, year],
        |r| r.get(0),
    )?)
}

/// Keeps a block the server reserved for this copy (again: a block already kept is left).
pub fn add_block(
    conn: &Connection,
    series: &str,
    year: i32,
    first: i64,
    last: i64,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_number_blocks (series, year, first_no, last_no, next_no, reserved_at)
         VALUES (?1, ?2, ?3, ?4, ?3, ?5) ON CONFLICT DO NOTHING",
        params![series, year, first, last, at],
    )?;
    Ok(())
}

/// One block as kept: (series, year, first, last, next).
pub type BlockRow = (String, i32, i64, i64, i64);

pub fn blocks(conn: &Connection) -> Result<Vec<BlockRow>> {
    let mut st = conn.prepare(
        "SELECT series, year, first_no, last_no, next_no FROM sync_number_blocks
         ORDER BY series, year, first_no",
    )?;
    let rows = st.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What was sent of one record: (SHA-256, the server's refusal if it refused it).
pub fn pushed(
    conn: &Connection,
    kind: &str,
    key: &str,
) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT sha256, refused FROM sync_pushed WHERE kind = ?1 AND key = ?2",
            params![kind, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Records that a record reached the server (`refused` None) or was refused by it.
pub fn mark_pushed(
    conn: &Connection,
    kind: &str,
    key: &str,
    sha256: &str,
    at: &str,
    refused: Option<&str>,
) -> Result<()> {
    put_mark(conn, (kind, key, sha256, at), refused, false)
}

/// Keeps that a record of the server's (an agreement, a rate sheet, a catalogue snapshot)
/// was installed here: a mark like `mark_pushed`'s, counted as received.
pub fn mark_received(
    conn: &Connection,
    kind: &str,
    key: &str,
    sha256: &str,
    at: &str,
) -> Result<()> {
    put_mark(conn, (kind, key, sha256, at), None, true)
}

/// One row of `sync_pushed`: (kind, key, SHA-256, when); a record once received stays so.
fn put_mark(
    conn: &Connection,
    (kind, key, sha256, at): (&str, &str, &str, &str),
    refused: Option<&str>,
    received: bool,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_pushed (kind, key, sha256, pushed_at, refused, received)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (kind, key) DO UPDATE SET sha256 = excluded.sha256,
             pushed_at = excluded.pushed_at, refused = excluded.refused,
             received = max(received, excluded.received)",
        params![kind, key, sha256, at, refused, received],
    )?;
    Ok(())
}

/// How many records of one kind were installed from the server.
pub fn received_marks(conn: &Connection, kind: &str) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sync_pushed WHERE kind = ?1 AND received = 1",
        [kind],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The keys of one kind sent (refused or not).
pub fn pushed_keys(conn: &Connection, kind: &str) -> Result<std::collections::HashSet<String>> {
    let mut st = conn.prepare_cached("SELECT key FROM sync_pushed WHERE kind = ?1")?;
    let rows = st.query_map([kind], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records refused by the server: (kind, key, why).
pub fn refusals(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut st = conn.prepare(
        "SELECT kind, key, refused FROM sync_pushed WHERE refused IS NOT NULL ORDER BY kind, key",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The server's revision and value of a setting as last pulled.
pub fn setting_base(conn: &Connection, key: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT revision, value FROM sync_settings WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn set_setting_base(conn: &Connection, key: &str, revision: i64, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_settings (key, revision, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, value = excluded.value",
        params![key, revision, value],
    )?;
    Ok(())
}

/// A running mark (0 when not set).
pub fn mark(conn: &Connection, name: &str) -> Result<i64> {
    Ok(mark_if_set(conn, name)?.unwrap_or(0))
}

/// A mark, or None when no sync has set it yet.
pub fn mark_if_set(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT value FROM sync_marks WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set_mark(conn: &Connection, name: &str, value: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_marks (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

/// Whether `id` is (or was, before a restore gave this copy a new one) this copy's
/// installation id.
pub fn is_own_installation(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sync_installation WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// A record received from the server as kept in `sync_received`.
#[derive(Debug, Clone)]
pub struct ReceivedRow {
    pub kind: String,
    pub key: String,
    pub subject: String,
    pub sha256: String,
    pub installation: String,
    pub pushed_by: String,
    pub pushed_at: String,
    /// Why it was not taken (a number this copy uses for another record), or None.
    pub conflict: Option<String>,
}

fn received_row(r: &rusqlite::Row) -> rusqlite::Result<ReceivedRow> {
    Ok(ReceivedRow {
        kind: r.get(0)?,
        key: r.get(1)?,
        subject: r.get(2)?,
        sha256: r.get(3)?,
        installation: r.get(4)?,
        pushed_by: r.get(5)?,
        pushed_at: r.get(6)?,
        conflict: r.get(7)?,
    })
}

const RECEIVED_COLUMNS: &str =
    "kind, key, subject, sha256, installation, pushed_by, pushed_at, conflict";

/// The received record of `kind` under `key`, taken or not.
pub fn received(conn: &Connection, kind: &str, key: &str) -> Result<Option<ReceivedRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {RECEIVED_COLUMNS} FROM sync_received WHERE kind = ?1 AND key = ?2"),
            params![kind, key],
            received_row,
        )
        .optional()?)
}

/// The first record of `kind` taken for `subject` (a check, or a contract's first version
/// received), if the subject came from the server.
pub fn received_subject(
    conn: &Connection,
    kind: &str,
    subject: &str,
) -> Result<Option<ReceivedRow>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {RECEIVED_COLUMNS} FROM sync_received
                 WHERE kind = ?1 AND subject = ?2 AND conflict IS NULL ORDER BY key LIMIT 1"
            ),
            params![kind, subject],
            received_row,
        )
        .optional()?)
}

/// Keeps a record received (`conflict` None: taken into the local tables) or not taken.
pub fn add_received(conn: &Connection, row: &ReceivedRow, at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_received (kind, key, subject, sha256, installation, pushed_by,
             pushed_at, received_at, conflict)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            row.kind,
            row.key,
            row.subject,
            row.sha256,
            row.installation,
            row.pushed_by,
            row.pushed_at,
            at,
            row.conflict
        ],
    )?;
    Ok(())
}

/// How many records of `kind` were taken, and of how many subjects.
pub fn received_count(conn: &Connection, kind: &str) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT count(*), count(DISTINCT subject) FROM sync_received
         WHERE kind = ?1 AND conflict IS NULL",
        [kind],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The records not taken, with why, in the order they arrived.
pub fn received_conflicts(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT conflict FROM sync_received WHERE conflict IS NOT NULL
         ORDER BY received_at, kind, key",
    )?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The server's snapshot at the end of the last pull of `table` (None: never pulled).
pub fn pull_mark(conn: &Connection, table: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT snapshot FROM sync_pull_marks WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set_pull_mark(conn: &Connection, table: &str, snapshot: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_pull_marks (name, snapshot) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot",
        params![table, snapshot],
    )?;
    Ok(())
}

/// A contract's lifecycle event received from the server, as kept in `sync_received_events`.
#[derive(Debug, Clone)]
pub struct ReceivedEvent {
    pub contract_id: String,
    pub event: String,
    pub data: String,
    pub sha256: String,
    pub installation: String,
    pub pushed_by: String,
    pub pushed_at: String,
    /// Why it was not applied, or None.
    pub conflict: Option<String>,
}

/// Whether the event `event` of `contract_id` was received before (applied or not).
pub fn has_received_event(conn: &Connection, contract_id: &str, event: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sync_received_events WHERE contract_id = ?1 AND event = ?2)",
        params![contract_id, event],
        |r| r.get(0),
    )?)
}

/// The events received for contract `id`, in the order they happened (a contract is signed
/// before it is active, and notice or renewal ends its life; times are to the second).
pub fn received_events(conn: &Connection, id: &str) -> Result<Vec<ReceivedEvent>> {
    let mut st = conn.prepare_cached(
        "SELECT contract_id, event, data, sha256, installation, pushed_by, pushed_at, conflict
         FROM sync_received_events WHERE contract_id = ?1
         ORDER BY CASE event WHEN 'underskrevet' THEN 1 WHEN 'aktiv' THEN 2 ELSE 3 END,
                  json_extract(data, '$.at')",
    )?;
    let rows = st.query_map([id], |r| {
        Ok(ReceivedEvent {
            contract_id: r.get(0)?,
            event: r.get(1)?,
            data: r.get(2)?,
            sha256: r.get(3)?,
            installation: r.get(4)?,
            pushed_by: r.get(5)?,
            pushed_at: r.get(6)?,
            conflict: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Keeps an event received (`conflict` None: applied to the contract here) or not applied.
pub fn add_received_event(conn: &Connection, e: &ReceivedEvent, at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_received_events (contract_id, event, data, sha256, installation,
             pushed_by, pushed_at, received_at, conflict)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            e.contract_id,
            e.event,
            e.data,
            e.sha256,
            e.installation,
            e.pushed_by,
            e.pushed_at,
            at,
            e.conflict
        ],
    )?;
    Ok(())
}

/// How many events were received and applied here.
pub fn received_events_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sync_received_events WHERE conflict IS NULL",
        [],
        |r| r.get(0),
    )?)
}
