//! Setting a year's categories once ("Tilbud kan ikke ændre kategori i løbet af året", seed
//! 002 L215) and the municipality's written decisions on single offers (L225). Both are
//! stored for good and audited.

use rusqlite::Connection;

use super::categories::{self, Category, CategoryReport};
use super::store::{self, DecisionRow, YearRow};
use crate::audit;
use crate::error::{Error, Result};
use crate::{fmt, limits};

/// A decision on one offer's category, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    pub offer_id: String,
    /// "hoejt", "klynge", "lokalt" (`Category::parse`).
    pub category: String,
    /// Why (faglighed, behov, specialisering, kompleksitet).
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
}

fn already_set(y: &YearRow) -> Error {
    Error::Conflict(format!(
        "Kategorierne for {} er allerede fastsat {} af {}. De ændres ikke i løbet af året (Rammeaftale Syddanmark 2018, 002 L215); en enkelt kategori ændres med en begrundet afgørelse.",
        y.year,
        fmt::timestamp(&y.set_at),
        y.set_by
    ))
}

/// "Fastsæt kategorier for år N": stores every covered offer's computed category with the
/// figures and the rule that decided it. Refused when the year is set already (it is not
/// computed again) or when no offer is covered by an agreement with a categories rule.
pub fn set(conn: &Connection, year: i32) -> Result<CategoryReport> {
    limits::year(i64::from(year), "År")?;
    if let Some(y) = store::category_year(conn, year)? {
        return Err(already_set(&y));
    }
    let p = categories::propose(conn, year)?;
    if p.lines.is_empty() {
        return Err(Error::Refused(format!(
            "Ingen tilbud i kataloget er omfattet af en rammeaftale med en kategoriregel for {year}, så der er intet at fastsætte. Kun Rammeaftale Syddanmark 2018 (SD-2018) har reglen blandt de indbyggede rammeaftaler."
        )));
    }
    let tx = conn.unchecked_transaction()?;
    let row = YearRow {
        year,
        set_at: audit::now_local(),
        set_by: audit::current_user(&tx),
        not_covered: p.not_covered,
        not_covered_private: p.not_covered_private,
    };
    store::insert_category_year(&tx, &row, &p.lines)?;
    audit::record(
        &tx,
        "categories.set",
        &year.to_string(),
        &serde_json::json!({
            "offers": p.lines.len(),
            "not_covered": p.not_covered,
        }),
    )?;
    tx.commit()?;
    categories::categories(conn, year)
}

/// The municipality decides another category for one offer of a set year, with a written
/// reason and who decided. The computed category stays beside it; an earlier decision stays
/// stored (the newest counts).
pub fn decide(conn: &Connection, year: i32, form: &DecisionForm) -> Result<CategoryReport> {
    limits::year(i64::from(year), "År")?;
    let category = Category::parse(&form.category)?;
    let reason = form.reason.trim();
    let decided_by = form.decided_by.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(
            "Begrundelse: skriv, hvorfor kommunen vælger en anden kategori (fx faglighed, behov, specialisering eller kompleksitet).".into(),
        ));
    }
    limits::text_len(reason, limits::text::NOTE, "Begrundelsen")?;
    if decided_by.is_empty() {
        return Err(Error::Invalid(
            "Besluttet af: skriv, hvem der har truffet afgørelsen.".into(),
        ));
    }
    limits::text_len(decided_by, limits::text::NAME, "Besluttet af")?;
    let Some(report) = categories::set_categories(conn, year)? else {
        return Err(Error::Refused(format!(
            "Kategorierne for {year} er ikke fastsat. Fastsæt dem først; derefter kan kommunen ændre en enkelt kategori med en begrundelse."
        )));
    };
    let offer_id = form.offer_id.trim();
    let Some(line) = report.lines.iter().find(|l| l.offer_id == offer_id) else {
        return Err(Error::NotFound(format!(
            "Tilbuddet «{offer_id}» er ikke kategoriseret for {year}: det er ikke omfattet af en rammeaftale med en kategoriregel."
        )));
    };
    if line.category == Some(category) {
        return Err(Error::Invalid(format!(
            "{} er allerede {} for {year}.",
            line.offer_name,
            category.label().to_lowercase()
        )));
    }
    let tx = conn.unchecked_transaction()?;
    let decision = DecisionRow {
        offer_id: offer_id.to_string(),
        category,
        reason: reason.to_string(),
        decided_by: decided_by.to_string(),
        decided_at: audit::now_local(),
    };
    store::insert_decision(&tx, year, &decision, &audit::current_user(&tx))?;
    audit::record(
        &tx,
        "categories.decide",
        offer_id,
        &serde_json::json!({
            "year": year,
            "computed": line.computed.map(Category::code),
            "decided": category.code(),
            "decided_by": decided_by,
            "reason": reason,
        }),
    )?;
    tx.commit()?;
    categories::categories(conn, year)
}

/// The years whose categories are set, newest first.
pub fn years(conn: &Connection) -> Result<Vec<i32>> {
    store::category_years(conn)
}
