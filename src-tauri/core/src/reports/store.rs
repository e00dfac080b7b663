//! The only file with SQL on the steering tables (migration 0010): the categories set per
//! year with the municipality's decisions, and the occupancy reporting runs with their lines.
//! Set categories, decisions and submitted runs never change (the migration's triggers).

use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::rules::{Category, CategoryFigures};
use crate::error::{Error, Result};

fn dec(text: &str, what: &str) -> Result<Decimal> {
    Decimal::from_str(text)
        .map_err(|_| Error::Internal(format!("{what} «{text}» i databasen kan ikke læses.")))
}

fn opt_dec(text: Option<String>, what: &str) -> Result<Option<Decimal>> {
    text.map(|t| dec(&t, what)).transpose()
}

fn category(code: &str) -> Result<Category> {
    Category::from_code(code)
        .ok_or_else(|| Error::Internal(format!("Kategorien «{code}» i databasen kendes ikke.")))
}

// ---------------------------------------------------------------------------------------------
// Categories

/// When and by whom a year's categories were set, and how many offers were left out.
#[derive(Debug, Clone)]
pub struct YearRow {
    pub year: i32,
    pub set_at: String,
    pub set_by: String,
    pub not_covered: i64,
    pub not_covered_private: i64,
}

/// One categorised offer as set.
#[derive(Debug, Clone)]
pub struct LineRow {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub agreement_id: String,
    pub agreement_version: u32,
    pub agreement_fallback: bool,
    pub min_daily_rate: Decimal,
    pub min_other_buyers: u32,
    pub min_share_pct: Decimal,
    pub figures: CategoryFigures,
    pub computed: Option<Category>,
    pub decided_by_text: String,
}

/// A decision by the municipality on an offer's category.
#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub offer_id: String,
    pub category: Category,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

pub fn category_year(conn: &Connection, year: i32) -> Result<Option<YearRow>> {
    Ok(conn
        .query_row(
            "SELECT year, set_at, set_by, not_covered, not_covered_private
             FROM category_years WHERE year = ?1",
            [year],
            |r| {
                Ok(YearRow {
                    year: r.get(0)?,
                    set_at: r.get(1)?,
                    set_by: r.get(2)?,
                    not_covered: r.get(3)?,
                    not_covered_private: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// The years whose categories are set, newest first.
pub fn category_years(conn: &Connection) -> Result<Vec<i32>> {
    let mut st = conn.prepare("SELECT year FROM category_years ORDER BY year DESC")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores a year's categories (the caller holds the transaction).
pub fn insert_category_year(conn: &Connection, y: &YearRow, lines: &[LineRow]) -> Result<()> {
    conn.execute(
        "INSERT INTO category_years (year, set_at, set_by, not_covered, not_covered_private)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            y.year,
            y.set_at,
            y.set_by,
            y.not_covered,
            y.not_covered_private
        ],
    )?;
    let mut st = conn.prepare(
        "INSERT INTO category_lines (year, offer_id, offer_name, operator_name, agreement_id,
             agreement_version, agreement_fallback, min_daily_rate, min_other_buyers,
             min_share_pct, daily_rate, places, other_buyers, places_to_others, share_pct,
             computed, decided_by_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;
    for l in lines {
        let f = &l.figures;
        st.execute(params![
            y.year,
            l.offer_id,
            l.offer_name,
            l.operator_name,
            l.agreement_id,
            l.agreement_version,
            l.agreement_fallback,
            l.min_daily_rate.to_string(),
            l.min_other_buyers,
            l.min_share_pct.to_string(),
            f.daily_rate.map(|r| r.to_string()),
            f.places,
            f.other_buyers as i64,
            f.places_to_others,
            f.share_pct.to_string(),
            l.computed.map(Category::code),
            l.decided_by_text,
        ])?;
    }
    Ok(())
}

fn line_row(r: &Row) -> Result<LineRow> {
    let computed: Option<String> = r.get(15)?;
    Ok(LineRow {
        offer_id: r.get(0)?,
        offer_name: r.get(1)?,
        operator_name: r.get(2)?,
        agreement_id: r.get(3)?,
        agreement_version: r.get(4)?,
        agreement_fallback: r.get(5)?,
        min_daily_rate: dec(&r.get::<_, String>(6)?, "Takstgrænsen")?,
        min_other_buyers: r.get(7)?,
        min_share_pct: dec(&r.get::<_, String>(8)?, "Andelsgrænsen")?,
        figures: CategoryFigures {
            daily_rate: opt_dec(r.get(9)?, "Taksten")?,
            places: r.get(10)?,
            other_buyers: usize::try_from(r.get::<_, i64>(11)?).unwrap_or_default(),
            places_to_others: r.get(12)?,
            share_pct: dec(&r.get::<_, String>(13)?, "Andelen")?,
        },
        computed: computed.as_deref().map(category).transpose()?,
        decided_by_text: r.get(14)?,
    })
}

/// A year's categorised offers, in offer id order.
pub fn category_lines(conn: &Connection, year: i32) -> Result<Vec<LineRow>> {
    let mut st = conn.prepare(
        "SELECT offer_id, offer_name, operator_name, agreement_id, agreement_version,
                agreement_fallback, min_daily_rate, min_other_buyers, min_share_pct, daily_rate,
                places, other_buyers, places_to_others, share_pct, decided_by_text, computed
         FROM category_lines WHERE year = ?1 ORDER BY offer_id",
    )?;
    let mut q = st.query([year])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(line_row(r)?);
    }
    Ok(out)
}

/// The municipality's latest decision per offer of the year (earlier ones stay stored).
pub fn decisions(conn: &Connection, year: i32) -> Result<Vec<DecisionRow>> {
    let mut st = conn.prepare(
        "SELECT o.offer_id, o.category, o.reason, o.decided_by, o.decided_at
         FROM category_overrides o
         WHERE o.year = ?1 AND o.id = (SELECT MAX(id) FROM category_overrides l
                                       WHERE l.year = o.year AND l.offer_id = o.offer_id)
         ORDER BY o.offer_id",
    )?;
    let mut q = st.query([year])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(DecisionRow {
            offer_id: r.get(0)?,
            category: category(&r.get::<_, String>(1)?)?,
            reason: r.get(2)?,
            decided_by: r.get(3)?,
            decided_at: r.get(4)?,
        });
    }
    Ok(out)
}

pub fn insert_decision(
    conn: &Connection,
    year: i32,
    d: &DecisionRow,
    recorded_by: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO category_overrides (year, offer_id, category, reason, decided_by,
             decided_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            year,
            d.offer_id,
            d.category.code(),
            d.reason,
            d.decided_by,
            d.decided_at,
            recorded_by
        ],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Occupancy runs

/// A reporting run as stored.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: i64,
    pub year: i32,
    pub agreement_id: String,
    pub agreement_version: u32,
    pub label: String,
    pub months: u32,
    pub deadline: String,
    pub threshold_pct: Decimal,
    pub reading: String,
    pub rule_source: String,
    pub created_at: String,
    pub created_by: String,
    pub submitted_at: Option<String>,
    pub submitted_by: Option<String>,
}

/// One offer's line of a run as stored.
#[derive(Debug, Clone)]
pub struct RunLineRow {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub category: Category,
    pub places: i64,
    pub budgeted_pct: Option<Decimal>,
    pub actual_pct: Option<Decimal>,
    /// "takstoversigt", "indtastet" or "".
    pub actual_source: String,
    pub efterregulering: Option<bool>,
    pub note: String,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

const RUN_COLUMNS: &str = "id, year, agreement_id, agreement_version, label, months, deadline,
    threshold_pct, reading, rule_source, created_at, created_by, submitted_at, submitted_by";

fn run_row(r: &Row) -> Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        year: r.get(1)?,
        agreement_id: r.get(2)?,
        agreement_version: r.get(3)?,
        label: r.get(4)?,
        months: r.get(5)?,
        deadline: r.get(6)?,
        threshold_pct: dec(&r.get::<_, String>(7)?, "Grænsen")?,
        reading: r.get(8)?,
        rule_source: r.get(9)?,
        created_at: r.get(10)?,
        created_by: r.get(11)?,
        submitted_at: r.get(12)?,
        submitted_by: r.get(13)?,
    })
}

pub fn run(conn: &Connection, id: i64) -> Result<Option<RunRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS} FROM occupancy_runs WHERE id = ?1"
    ))?;
    let mut q = st.query([id])?;
    q.next()?.map(run_row).transpose()
}

/// The run of a year, agreement and period, if one was started.
pub fn run_for(
    conn: &Connection,
    year: i32,
    agreement: &str,
    months: u32,
) -> Result<Option<RunRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS} FROM occupancy_runs
         WHERE year = ?1 AND agreement_id = ?2 AND months = ?3"
    ))?;
    let mut q = st.query(params![year, agreement, months])?;
    q.next()?.map(run_row).transpose()
}

/// Every run, newest period first.
pub fn runs(conn: &Connection) -> Result<Vec<RunRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS} FROM occupancy_runs ORDER BY year DESC, months DESC, id DESC"
    ))?;
    let mut q = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(run_row(r)?);
    }
    Ok(out)
}

/// Stores a new run with its lines (the caller holds the transaction); its id.
pub fn insert_run(conn: &Connection, run: &RunRow, lines: &[RunLineRow]) -> Result<i64> {
    conn.execute(
        "INSERT INTO occupancy_runs (year, agreement_id, agreement_version, label, months,
             deadline, threshold_pct, reading, rule_source, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            run.year,
            run.agreement_id,
            run.agreement_version,
            run.label,
            run.months,
            run.deadline,
            run.threshold_pct.to_string(),
            run.reading,
            run.rule_source,
            run.created_at,
            run.created_by
        ],
    )?;
    let id = conn.last_insert_rowid();
    let mut st = conn.prepare(
        "INSERT INTO occupancy_lines (run_id, offer_id, ord, offer_name, operator_name, category,
             places, budgeted_pct, actual_pct, actual_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, l) in lines.iter().enumerate() {
        st.execute(params![
            id,
            l.offer_id,
            i as i64,
            l.offer_name,
            l.operator_name,
            l.category.code(),
            l.places,
            l.budgeted_pct.map(|v| v.to_string()),
            l.actual_pct.map(|v| v.to_string()),
            l.actual_source
        ])?;
    }
    Ok(id)
}

/// A run's lines in their stored order.
pub fn run_lines(conn: &Connection, run_id: i64) -> Result<Vec<RunLineRow>> {
    let mut st = conn.prepare(
        "SELECT offer_id, offer_name, operator_name, category, places, budgeted_pct, actual_pct,
                actual_source, efterregulering, note, updated_at, updated_by
         FROM occupancy_lines WHERE run_id = ?1 ORDER BY ord",
    )?;
    let mut q = st.query([run_id])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(RunLineRow {
            offer_id: r.get(0)?,
            offer_name: r.get(1)?,
            operator_name: r.get(2)?,
            category: category(&r.get::<_, String>(3)?)?,
            places: r.get(4)?,
            budgeted_pct: opt_dec(r.get(5)?, "Den budgetterede belægning")?,
            actual_pct: opt_dec(r.get(6)?, "Den faktiske belægning")?,
            actual_source: r.get(7)?,
            efterregulering: r.get(8)?,
            note: r.get(9)?,
            updated_at: r.get(10)?,
            updated_by: r.get(11)?,
        });
    }
    Ok(out)
}

/// Writes what the user states on a draft's line.
pub fn update_line(conn: &Connection, run_id: i64, l: &RunLineRow) -> Result<()> {
    conn.execute(
        "UPDATE occupancy_lines SET actual_pct = ?3, actual_source = ?4, efterregulering = ?5,
             note = ?6, updated_at = ?7, updated_by = ?8
         WHERE run_id = ?1 AND offer_id = ?2",
        params![
            run_id,
            l.offer_id,
            l.actual_pct.map(|v| v.to_string()),
            l.actual_source,
            l.efterregulering,
            l.note,
            l.updated_at,
            l.updated_by
        ],
    )?;
    Ok(())
}

/// Marks a draft as submitted; from then on the run and its lines never change.
pub fn submit(conn: &Connection, run_id: i64, at: &str, by: &str) -> Result<()> {
    conn.execute(
        "UPDATE occupancy_runs SET submitted_at = ?2, submitted_by = ?3
         WHERE id = ?1 AND submitted_at IS NULL",
        params![run_id, at, by],
    )?;
    Ok(())
}
