//! The append-only audit log: who did what when. Never citizen data (name, CPR).

use rusqlite::{params, Connection};

use crate::error::Result;

/// The user name recorded in the audit log: the setting `user_name` if set, else the OS user.
/// A name that looks like a CPR number is never written to the log (the setting refuses one;
/// an OS user name like that is logged as "ukendt").
pub fn current_user(conn: &Connection) -> String {
    crate::settings::user_name(conn)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|s| !crate::contracts::ids::contains_cpr_like(s))
        .unwrap_or_else(|| "ukendt".to_string())
}

pub fn now_local() -> String {
    chrono::Local::now()
        .naive_local()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// Appends one entry. A subject that looks like a CPR number (a file named after a citizen,
/// say) is logged as "[udeladt: ligner et CPR-nummer]": citizen data never enters the log.
pub fn record(
    conn: &Connection,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<()> {
    let user = current_user(conn);
    let subject = if crate::contracts::ids::contains_cpr_like(subject) {
        "[udeladt: ligner et CPR-nummer]"
    } else {
        subject
    };
    conn.execute(
        "INSERT INTO audit_log (at, user, action, subject, details) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now_local(), user, action, subject, details.to_string()],
    )?;
    Ok(())
}

/// One entry of the log as a sync sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub subject: String,
    pub details: String,
}

/// An entry from a row of `SELECT id, at, user, action, subject, details`.
fn entry(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        at: r.get(1)?,
        user: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        details: r.get(5)?,
    })
}

/// Up to `limit` entries after entry `after`, oldest first.
pub fn entries_after(conn: &Connection, after: i64, limit: usize) -> Result<Vec<Entry>> {
    let mut st = conn.prepare_cached(
        "SELECT id, at, user, action, subject, details FROM audit_log WHERE id > ?1
         ORDER BY id LIMIT ?2",
    )?;
    let rows = st.query_map(params![after, limit as i64], entry)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every entry whose action is one of `actions`, oldest first.
pub fn entries_of(conn: &Connection, actions: &[&str]) -> Result<Vec<Entry>> {
    let list = serde_json::to_string(actions)
        .map_err(|e| crate::Error::Internal(format!("Revisionsloggen kunne ikke læses: {e}")))?;
    let mut st = conn.prepare_cached(
        "SELECT id, at, user, action, subject, details FROM audit_log
         WHERE action IN (SELECT value FROM json_each(?1)) ORDER BY id",
    )?;
    let rows = st.query_map([list], entry)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// How many entries there are after entry `after`.
pub fn count_after(conn: &Connection, after: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM audit_log WHERE id > ?1",
        [after],
        |r| r.get(0),
    )?)
}
