//! The `agreements` table: the only SQL on it. Every version of every agreement is kept; the
//! newest version of an id is the one in use.

use rusqlite::{params, Connection, OptionalExtension};

use super::model::Agreement;
use crate::error::{Error, Result};

fn parse(id: &str, version: u32, json: &str) -> Result<Agreement> {
    serde_json::from_str(json).map_err(|e| {
        Error::Internal(format!(
            "Rammeaftale {id} version {version} i databasen kan ikke læses ({e})."
        ))
    })
}

/// The newest version of every agreement, by id.
pub fn active(conn: &Connection) -> Result<Vec<Agreement>> {
    let mut st = conn.prepare(
        "SELECT a.id, a.version, a.data FROM agreements a
         WHERE a.version = (SELECT MAX(version) FROM agreements b WHERE b.id = a.id)
         ORDER BY a.valid_from, a.id",
    )?;
    let rows: Vec<(String, u32, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.iter()
        .map(|(id, v, json)| parse(id, *v, json))
        .collect()
}

/// One version of an agreement, as stored (a check or a contract names the version it used).
pub fn version(conn: &Connection, id: &str, version: u32) -> Result<Option<Agreement>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT data FROM agreements WHERE id = ?1 AND version = ?2",
            params![id, version],
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| parse(id, version, &j)).transpose()
}

/// Where each stored version came from: (id, version, origin, imported at).
pub fn origins(conn: &Connection) -> Result<Vec<(String, u32, String, String)>> {
    let mut st = conn
        .prepare("SELECT id, version, origin, imported_at FROM agreements ORDER BY id, version")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What storing an agreement version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    /// The same version with the same content was there already.
    Unchanged,
}

/// Stores one version. The same (id, version) with other content is refused: a version never
/// changes, a change is a new version.
pub fn put(conn: &Connection, a: &Agreement, origin: &str, now: &str) -> Result<Stored> {
    let json = serde_json::to_string(a)
        .map_err(|e| Error::Internal(format!("Rammeaftalen kunne ikke gemmes: {e}")))?;
    if let Some(existing) = version(conn, &a.id, a.version)? {
        return if existing == *a {
            Ok(Stored::Unchanged)
        } else {
            Err(Error::Conflict(format!(
                "Rammeaftale {} version {} findes allerede med et andet indhold. En version ændres aldrig: giv den nye udgave version {}.",
                a.id,
                a.version,
                a.version + 1
            )))
        };
    }
    conn.execute(
        "INSERT INTO agreements (id, version, name, valid_from, valid_to, data, origin, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            a.id,
            a.version,
            a.name,
            a.valid_from.to_string(),
            a.valid_to.to_string(),
            json,
            origin,
            now
        ],
    )?;
    Ok(Stored::New)
}
