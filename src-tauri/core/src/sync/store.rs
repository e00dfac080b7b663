//! The sync tables (`sync_installation`, `sync_number_blocks`, `sync_pushed`,
//! `sync_settings`): the only SQL on them (migration 0012).

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
    conn.execute(
        "INSERT INTO sync_pushed (kind, key, sha256, pushed_at, refused) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kind, key) DO UPDATE SET sha256 = excluded.sha256,
             pushed_at = excluded.pushed_at, refused = excluded.refused",
        params![kind, key, sha256, at, refused],
    )?;
    Ok(())
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
    Ok(conn
        .query_row(
            "SELECT value FROM sync_marks WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

pub fn set_mark(conn: &Connection, name: &str, value: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_marks (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}
