//! The `rates`, `rate_sheets` and `pending_rates` tables: the only SQL on them. Rates are
//! keyed by the offer's catalogue id (not its row), so their history survives catalogue
//! imports.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::model::{Calculation, Rate, Unit};
use super::rules::{daily_ex_vat, oere};
use crate::catalogue::model::LegalBasis;
use crate::error::{Error, Result};

/// Stores a rate by (offer id, department, basis, year), with its like-for-like daily rate.
/// A catalogue's rate never replaces a rate sheet's (the sheet is the settlement basis, R4),
/// and keeps the actual occupancy a sheet reported. A rate equal to the stored one is not
/// written again (`updated_at` is when it last changed; a re-import of an unchanged catalogue
/// rewrote 360.000 rows for nothing).
const UPSERT_SQL: &str =
    "INSERT INTO rates (offer_id, department_id, legal_basis, year, amount, unit,
        vat_pct, direct_costs, indirect_costs, overhead_pct, capital_costs, budgeted_occupancy_pct,
        actual_occupancy_pct, daily_ex_vat_oere, source, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
     ON CONFLICT (offer_id, department_id, legal_basis, year) DO UPDATE SET
        amount = excluded.amount, unit = excluded.unit, vat_pct = excluded.vat_pct,
        direct_costs = excluded.direct_costs, indirect_costs = excluded.indirect_costs,
        overhead_pct = excluded.overhead_pct, capital_costs = excluded.capital_costs,
        budgeted_occupancy_pct = excluded.budgeted_occupancy_pct,
        actual_occupancy_pct = CASE WHEN excluded.source = 'katalog'
            THEN rates.actual_occupancy_pct ELSE excluded.actual_occupancy_pct END,
        daily_ex_vat_oere = excluded.daily_ex_vat_oere,
        source = excluded.source, updated_at = excluded.updated_at
     WHERE (excluded.source <> 'katalog' OR rates.source = 'katalog')
        AND (rates.amount, rates.unit, rates.vat_pct, rates.direct_costs, rates.indirect_costs,
             rates.overhead_pct, rates.capital_costs, rates.budgeted_occupancy_pct,
             rates.actual_occupancy_pct, rates.source)
        IS NOT (excluded.amount, excluded.unit, excluded.vat_pct, excluded.direct_costs,
             excluded.indirect_costs, excluded.overhead_pct, excluded.capital_costs,
             excluded.budgeted_occupancy_pct,
             CASE WHEN excluded.source = 'katalog' THEN rates.actual_occupancy_pct
                  ELSE excluded.actual_occupancy_pct END, excluded.source)";

/// Stores one rate (the statement is prepared once per connection and reused).
pub fn upsert(conn: &Connection, r: &Rate, source: &str, now: &str) -> Result<()> {
    Upserter::new(conn)?.upsert(r, source, now)
}

/// `upsert` holding its statement, for the 360.000 rates of a catalogue import.
pub struct Upserter<'c> {
    st: rusqlite::CachedStatement<'c>,
}

impl<'c> Upserter<'c> {
    pub fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Upserter {
            st: conn.prepare_cached(UPSERT_SQL)?,
        })
    }

    pub fn upsert(&mut self, r: &Rate, source: &str, now: &str) -> Result<()> {
        let text = |d: Option<Decimal>| d.map(|v| v.to_string());
        let c = &r.calculation;
        let daily = oere(daily_ex_vat(r.amount, r.unit, r.vat_pct)?);
        self.st.execute(params![
            r.offer_id,
            r.department_id,
            r.basis.code(),
            r.year,
            r.amount.to_string(),
            r.unit.code(),
            r.vat_pct.to_string(),
            text(c.direct_costs),
            text(c.indirect_costs),
            text(c.overhead_pct),
            text(c.capital_costs),
            text(c.budgeted_occupancy_pct),
            text(r.actual_occupancy_pct),
            daily,
            source,
            now,
        ])?;
        Ok(())
    }
}

fn dec(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|_| Error::Internal(format!("Ugyldigt beløb i databasen: «{s}»")))
}

fn dec_opt(s: Option<String>) -> Result<Option<Decimal>> {
    s.as_deref().map(dec).transpose()
}

fn unit(s: &str) -> Result<Unit> {
    Unit::from_rate_code(s)
        .ok_or_else(|| Error::Internal(format!("Ugyldig takstenhed i databasen: «{s}»")))
}

const RATE_COLUMNS: &str = "offer_id, department_id, legal_basis, year, amount, unit, vat_pct,
    direct_costs, indirect_costs, overhead_pct, capital_costs, budgeted_occupancy_pct,
    actual_occupancy_pct";

fn rate_of(r: &rusqlite::Row) -> Result<Rate> {
    let code: String = r.get(2)?;
    Ok(Rate {
        offer_id: r.get(0)?,
        department_id: r.get(1)?,
        basis: LegalBasis::from_code(&code)
            .ok_or_else(|| Error::Internal(format!("Ukendt lovgrundlag i databasen: «{code}»")))?,
        year: r.get(3)?,
        amount: dec(&r.get::<_, String>(4)?)?,
        unit: unit(&r.get::<_, String>(5)?)?,
        vat_pct: dec(&r.get::<_, String>(6)?)?,
        calculation: Calculation {
            direct_costs: dec_opt(r.get(7)?)?,
            indirect_costs: dec_opt(r.get(8)?)?,
            overhead_pct: dec_opt(r.get(9)?)?,
            capital_costs: dec_opt(r.get(10)?)?,
            budgeted_occupancy_pct: dec_opt(r.get(11)?)?,
        },
        actual_occupancy_pct: dec_opt(r.get(12)?)?,
    })
}

/// Every rate of an offer, newest year first.
pub fn of_offer(conn: &Connection, offer_id: &str) -> Result<Vec<Rate>> {
    let mut st = conn.prepare(&format!(
        "SELECT {RATE_COLUMNS} FROM rates WHERE offer_id = ?1
         ORDER BY year DESC, legal_basis, department_id"
    ))?;
    let mut q = st.query([offer_id])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(rate_of(r)?);
    }
    Ok(out)
}

/// The rate of (offer, department, basis, year) exactly as stored, if any.
pub fn get(
    conn: &Connection,
    offer_id: &str,
    department_id: &str,
    basis: LegalBasis,
    year: i32,
) -> Result<Option<Rate>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {RATE_COLUMNS} FROM rates
         WHERE offer_id = ?1 AND department_id = ?2 AND legal_basis = ?3 AND year = ?4"
    ))?;
    let mut q = st.query(params![offer_id, department_id, basis.code(), year])?;
    q.next()?.map(rate_of).transpose()
}

/// The rate a contract uses: the department's own rate for the year, else the offer's; and
/// whether it came only from the catalogue (not from a rate sheet).
pub fn for_contract(
    conn: &Connection,
    offer_id: &str,
    department_id: &str,
    basis: LegalBasis,
    year: i32,
) -> Result<Option<(Rate, bool)>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {RATE_COLUMNS}, source FROM rates
         WHERE offer_id = ?1 AND legal_basis = ?2 AND year = ?3 AND department_id IN (?4, '')
         ORDER BY department_id = ?4 DESC LIMIT 1"
    ))?;
    let mut q = st.query(params![offer_id, basis.code(), year, department_id])?;
    match q.next()? {
        Some(r) => {
            let source: String = r.get(13)?;
            Ok(Some((rate_of(r)?, source == super::SOURCE_CATALOGUE)))
        }
        None => Ok(None),
    }
}

/// Every rate of a year (the reports read them all).
pub fn of_year(conn: &Connection, year: i32) -> Result<Vec<Rate>> {
    let mut st = conn.prepare(&format!(
        "SELECT {RATE_COLUMNS} FROM rates WHERE year = ?1 ORDER BY offer_id, department_id, legal_basis"
    ))?;
    let mut q = st.query([year])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(rate_of(r)?);
    }
    Ok(out)
}

/// A rate of `year` with the same key's rate the year before, both per day ex. VAT in øre
/// (R5: like for like).
pub struct YearPair {
    pub offer_id: String,
    pub department_id: String,
    pub basis_code: String,
    pub current_oere: i64,
    pub previous_oere: Option<i64>,
}

pub fn year_pairs(conn: &Connection, year: i32) -> Result<Vec<YearPair>> {
    let mut st = conn.prepare(
        "SELECT cur.offer_id, cur.department_id, cur.legal_basis, cur.daily_ex_vat_oere,
                prev.daily_ex_vat_oere
         FROM rates cur
         LEFT JOIN rates prev ON prev.offer_id = cur.offer_id AND prev.department_id = cur.department_id
              AND prev.legal_basis = cur.legal_basis AND prev.year = cur.year - 1
         WHERE cur.year = ?1",
    )?;
    let rows = st.query_map([year], |r| {
        Ok(YearPair {
            offer_id: r.get(0)?,
            department_id: r.get(1)?,
            basis_code: r.get(2)?,
            current_oere: r.get(3)?,
            previous_oere: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One key's like-for-like daily rates (øre) in the years `first..=last`: (year, øre), oldest
/// first (the rate-increase report's chart).
pub fn daily_history(
    conn: &Connection,
    offer_id: &str,
    department_id: &str,
    basis_code: &str,
    (first, last): (i32, i32),
) -> Result<Vec<(i32, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT year, daily_ex_vat_oere FROM rates
         WHERE offer_id = ?1 AND department_id = ?2 AND legal_basis = ?3 AND year BETWEEN ?4 AND ?5
         ORDER BY year",
    )?;
    let rows = st.query_map(
        params![offer_id, department_id, basis_code, first, last],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Each offer's highest daily rate ex. VAT (øre) in `year`, by offer id.
pub fn highest_daily_of_year(
    conn: &Connection,
    year: i32,
) -> Result<std::collections::HashMap<String, i64>> {
    let mut st = conn.prepare(
        "SELECT offer_id, MAX(daily_ex_vat_oere) FROM rates WHERE year = ?1 GROUP BY offer_id",
    )?;
    let rows = st.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many rates there are (an upper bound for the search index's rate runs).
pub fn count(conn: &Connection) -> Result<usize> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM rates", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Visits every rate's like-for-like daily figure in offer-id order: (offer id, basis code,
/// year, øre). The search index merges them with its rows without a join.
pub fn each_daily_by_offer(
    conn: &Connection,
    mut visit: impl FnMut(&str, &str, i32, i64) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT offer_id, legal_basis, year, daily_ex_vat_oere FROM rates ORDER BY offer_id",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        visit(
            r.get_ref(0)?.as_str().unwrap_or_default(),
            r.get_ref(1)?.as_str().unwrap_or_default(),
            r.get(2)?,
            r.get(3)?,
        )?;
    }
    Ok(())
}

/// A rate sheet as imported: the file's SHA-256, its name and its validated rows (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSheet {
    pub sha256: String,
    pub file_name: String,
    pub rows: String,
}

/// Keeps a sheet as imported (again: a sheet already kept, by its SHA-256, is left).
pub fn put_sheet(conn: &Connection, sheet: &ImportedSheet, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO rate_sheets (sha256, file_name, rows, imported_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256) DO NOTHING",
        params![sheet.sha256, sheet.file_name, sheet.rows, now],
    )?;
    Ok(())
}

/// Every sheet imported here, in the order imported.
/// The SHA-256 of every kept sheet, without its rows.
pub fn sheet_hashes(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT sha256 FROM rate_sheets ORDER BY imported_at, sha256")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

pub fn sheets(conn: &Connection) -> Result<Vec<ImportedSheet>> {
    let mut st = conn
        .prepare("SELECT sha256, file_name, rows FROM rate_sheets ORDER BY imported_at, sha256")?;
    let rows = st.query_map([], |r| {
        Ok(ImportedSheet {
            sha256: r.get(0)?,
            file_name: r.get(1)?,
            rows: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A sheet's rate waiting for its offer to come into the catalogue (`pending_rates`).
#[derive(Debug, Clone)]
pub struct PendingRate {
    pub seq: i64,
    pub rate: Rate,
    pub source: String,
}

/// Keeps `rate` of the sheet `sha256` until its offer is in the catalogue (once, also when the
/// sheet is imported again).
pub fn put_pending(conn: &Connection, sha256: &str, rate: &Rate, source: &str) -> Result<()> {
    let json = serde_json::to_string(rate)
        .map_err(|e| Error::Internal(format!("Taksten kunne ikke gemmes: {e}")))?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO pending_rates (sha256, offer_id, rate, source)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![sha256, rate.offer_id, json, source])?;
    Ok(())
}

/// Every waiting rate, in the order the sheets were imported.
pub fn pending(conn: &Connection) -> Result<Vec<PendingRate>> {
    let mut st =
        conn.prepare("SELECT seq, offer_id, rate, source FROM pending_rates ORDER BY seq")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, offer_id, json, source) = row?;
        let rate = serde_json::from_str(&json).map_err(|_| {
            Error::Internal(format!(
                "En ventende takst for tilbud «{offer_id}» i databasen kan ikke læses."
            ))
        })?;
        out.push(PendingRate { seq, rate, source });
    }
    Ok(out)
}

/// Removes a waiting rate once it is taken into use.
pub fn remove_pending(conn: &Connection, seq: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM pending_rates WHERE seq = ?1")?
        .execute([seq])?;
    Ok(())
}

/// Whether the sheet with this SHA-256 was imported here.
pub fn has_sheet(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM rate_sheets WHERE sha256 = ?1)",
        [sha256],
        |r| r.get(0),
    )?)
}
