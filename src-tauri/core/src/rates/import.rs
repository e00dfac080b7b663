//! Importing a rate sheet: nothing is saved until the user has seen the preview (new rates,
//! changed rates, offers not found); then the new and changed rates are saved in one
//! transaction.

use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

use super::model::Rate;
use super::sheet::{self, SheetRate};
use super::{rules, store};
use crate::error::Result;
use crate::{audit, catalogue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Changed,
    Unchanged,
    OfferNotFound,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewLine {
    pub rate: SheetRate,
    pub basis_label: String,
    pub change: Change,
    /// The rate it replaces, as text ("3.200,00 kr. pr. døgn").
    pub before: Option<String>,
    pub after: String,
}

/// What an import would do, shown before anything is saved.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub file_name: String,
    pub lines: Vec<PreviewLine>,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub offers_not_found: usize,
    pub unknown_columns: Vec<String>,
    pub text: String,
}

fn change_of(before: Option<&Rate>, after: &Rate, offer_known: bool) -> Change {
    match before {
        _ if !offer_known => Change::OfferNotFound,
        None => Change::New,
        Some(b)
            if b.amount == after.amount
                && b.unit == after.unit
                && b.vat_pct == after.vat_pct
                && b.actual_occupancy_pct == after.actual_occupancy_pct =>
        {
            Change::Unchanged
        }
        Some(_) => Change::Changed,
    }
}

/// What importing `path` would change.
pub fn preview(conn: &Connection, path: &Path) -> Result<Preview> {
    let (rates, unknown_columns) = sheet::read(path)?;
    let mut lines = Vec::with_capacity(rates.len());
    for r in rates {
        let known = catalogue::store::offer_exists(conn, &r.rate.offer_id)?;
        let before = store::get(
            conn,
            &r.rate.offer_id,
            &r.rate.department_id,
            r.rate.basis,
            r.rate.year,
        )?;
        lines.push(PreviewLine {
            basis_label: r.rate.basis.label().to_string(),
            change: change_of(before.as_ref(), &r.rate, known),
            before: before.map(|b| rules::amount_text(b.amount, b.unit, b.vat_pct)),
            after: rules::amount_text(r.rate.amount, r.rate.unit, r.rate.vat_pct),
            rate: r,
        });
    }
    let count = |c: Change| lines.iter().filter(|l| l.change == c).count();
    let (new, changed, unchanged, missing) = (
        count(Change::New),
        count(Change::Changed),
        count(Change::Unchanged),
        count(Change::OfferNotFound),
    );
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut text = format!(
        "{new} nye takster, {changed} ændrede, {unchanged} uændrede, {missing} for tilbud, der ikke findes i kataloget (de springes over)."
    );
    if !unknown_columns.is_empty() {
        text.push_str(&format!(
            " Ukendte kolonner (ignoreres): {}.",
            unknown_columns.join(", ")
        ));
    }
    Ok(Preview {
        file_name,
        lines,
        new,
        changed,
        unchanged,
        offers_not_found: missing,
        unknown_columns,
        text,
    })
}

/// Saves the new and changed rates of `path` in one transaction (rates for offers not in the
/// catalogue are skipped). Returns the preview that was applied.
pub fn import(conn: &Connection, path: &Path) -> Result<Preview> {
    let preview = preview(conn, path)?;
    let tx = conn.unchecked_transaction()?;
    let source = format!("takstoversigt {}", preview.file_name);
    let now = audit::now_local();
    for l in preview
        .lines
        .iter()
        .filter(|l| matches!(l.change, Change::New | Change::Changed))
    {
        store::upsert(&tx, &l.rate.rate, &source, &now)?;
    }
    audit::record(
        &tx,
        "rates.import",
        &preview.file_name,
        &serde_json::json!({ "new": preview.new, "changed": preview.changed, "skipped": preview.offers_not_found }),
    )?;
    tx.commit()?;
    Ok(preview)
}
