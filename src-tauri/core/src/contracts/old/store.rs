//! The tables of contracts from before the standard (`old_contracts`, `old_contract_versions`,
//! migration 0011): the only SQL on them. A version is never changed or deleted (the database
//! refuses it); a correction is a new version with a reason.

use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::model::{OldContract, OldVersionView};
use crate::catalogue::model::LegalBasis;
use crate::error::{Error, Result};
use crate::fmt;
use crate::rates::Unit;

/// Whether `id` is a registered contract from before the standard.
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM old_contracts WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// The next number of a year: `EK-2026-0001` ("eksisterende kontrakt").
pub fn next_id(conn: &Connection, year: i32) -> Result<String> {
    let from_block =
        crate::sync::next_number(conn, crate::sync::Series::OldContract, year, |id| {
            exists(conn, id)
        })?;
    if let Some(id) = from_block {
        return Ok(id);
    }
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM old_contracts WHERE id LIKE ?1",
        [format!("EK-{year}-%")],
        |r| r.get(0),
    )?;
    Ok(format!("EK-{year}-{:04}", n + 1))
}

pub fn insert_contract(conn: &Connection, id: &str, at: &str, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO old_contracts (id, created_at, created_by) VALUES (?1, ?2, ?3)",
        params![id, at, by],
    )?;
    Ok(())
}

/// Stores version `version` of contract `id`.
pub fn insert_version(
    conn: &Connection,
    id: &str,
    version: u32,
    (at, by, reason): (&str, &str, &str),
    c: &OldContract,
) -> Result<()> {
    conn.execute(
        "INSERT INTO old_contract_versions (contract_id, version, created_at, created_by, reason,
            offer_id, offer_name, counts_as_public, legal_basis, buyer_municipality,
            citizen_name, citizen_cpr, case_reference, start, end_date, amount, unit, document,
            note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19)",
        params![
            id,
            version,
            at,
            by,
            reason,
            c.offer_id,
            c.offer_name,
            c.counts_as_public,
            c.legal_basis.code(),
            c.buyer_municipality,
            c.citizen_name,
            c.citizen_cpr,
            c.case_reference,
            c.start.to_string(),
            c.end.map(|e| e.to_string()),
            c.amount.to_string(),
            c.unit.code(),
            c.document,
            c.note,
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "contract_id, version, created_at, created_by, reason, offer_id, offer_name,
    counts_as_public, legal_basis, buyer_municipality, citizen_name, citizen_cpr,
    case_reference, start, end_date, amount, unit, document, note";

/// One stored version: (contract id, the version's facts, the contract).
type Stored = (String, OldVersionView, OldContract);

fn from_row(r: &Row) -> rusqlite::Result<std::result::Result<Stored, String>> {
    let id: String = r.get("contract_id")?;
    let basis: String = r.get("legal_basis")?;
    let start: String = r.get("start")?;
    let end: Option<String> = r.get("end_date")?;
    let amount: String = r.get("amount")?;
    let unit: String = r.get("unit")?;
    let parsed = (|| {
        Some(OldContract {
            offer_id: r.get("offer_id").ok()?,
            offer_name: r.get("offer_name").ok()?,
            counts_as_public: r.get("counts_as_public").ok()?,
            legal_basis: LegalBasis::from_code(&basis)?,
            buyer_municipality: r.get("buyer_municipality").ok()?,
            citizen_name: r.get("citizen_name").ok()?,
            citizen_cpr: r.get("citizen_cpr").ok()?,
            case_reference: r.get("case_reference").ok()?,
            start: fmt::parse_date(&start)?,
            end: match end.as_deref() {
                Some(e) => Some(fmt::parse_date(e)?),
                None => None,
            },
            amount: Decimal::from_str(&amount).ok()?,
            unit: Unit::from_rate_code(&unit)?,
            document: r.get("document").ok()?,
            note: r.get("note").ok()?,
        })
    })();
    let view = OldVersionView {
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
        reason: r.get("reason")?,
    };
    Ok(parsed.map(|c| (id.clone(), view, c)).ok_or(id))
}

fn collect(rows: Vec<std::result::Result<Stored, String>>) -> Result<Vec<Stored>> {
    rows.into_iter()
        .map(|r| {
            r.map_err(|id| {
                Error::Internal(format!(
                    "Ældre kontrakt {id}: data i databasen kan ikke læses; databasen er måske skrevet af en anden version af Pladsoverblik."
                ))
            })
        })
        .collect()
}

/// Every version of contract `id`, oldest first (empty when it does not exist).
pub fn versions(conn: &Connection, id: &str) -> Result<Vec<(OldVersionView, OldContract)>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM old_contract_versions WHERE contract_id = ?1 ORDER BY version"
    ))?;
    let rows = st
        .query_map([id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(collect(rows)?.into_iter().map(|(_, v, c)| (v, c)).collect())
}

/// Every contract's latest version, by id: what the list and the reports count.
pub fn latest_all(conn: &Connection) -> Result<Vec<(String, OldVersionView, OldContract)>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM old_contract_versions v
         WHERE v.version = (SELECT MAX(version) FROM old_contract_versions w
                            WHERE w.contract_id = v.contract_id)
         ORDER BY contract_id"
    ))?;
    let rows = st
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    collect(rows)
}

/// The latest version's number of contract `id`, if it exists.
pub fn latest_version(conn: &Connection, id: &str) -> Result<Option<u32>> {
    Ok(conn
        .query_row(
            "SELECT MAX(version) FROM old_contract_versions WHERE contract_id = ?1",
            [id],
            |r| r.get::<_, Option<u32>>(0),
        )
        .optional()?
        .flatten())
}
