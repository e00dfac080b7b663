//! What the issued contracts cost per calendar year, public vs private, per legal basis.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::Table;
use crate::catalogue::model::LegalBasis;
use crate::error::Result;
use crate::{contracts, fmt};

/// Spend in one year on one legal basis, public or private.
#[derive(Debug, Clone, Serialize)]
pub struct SpendRow {
    pub year: i32,
    pub public: bool,
    pub basis: LegalBasis,
    pub total: Decimal,
    pub contracts: usize,
    pub total_text: String,
    pub basis_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpendReport {
    pub rows: Vec<SpendRow>,
    /// (year, public, private)
    pub years: Vec<(i32, Decimal, Decimal)>,
    pub text: String,
}

/// What the issued contracts (their latest issued version; up to the last day after notice
/// when terminated) cost per calendar year, public vs private, per legal basis. Add-ons over
/// several years are split by year; a one-off amount counts in its start year.
pub fn spend(conn: &Connection) -> Result<SpendReport> {
    use crate::contracts::price;
    use crate::rates::Unit;
    use std::collections::BTreeMap;
    // (year, public, basis) -> (total, contract ids)
    let mut sums: BTreeMap<(i32, bool, LegalBasis), (Decimal, Vec<String>)> = BTreeMap::new();
    for (id, last, d) in contracts::store::issued_latest(conn)? {
        for line in &d.price.lines {
            let to = line.to.min(last);
            if line.from > to {
                continue;
            }
            let parts: Vec<(i32, Decimal)> = match line.unit {
                Unit::Engang => vec![(chrono::Datelike::year(&line.from), line.total)],
                unit => price::year_segments(line.from, to)
                    .into_iter()
                    .map(|(a, b)| {
                        Ok((
                            chrono::Datelike::year(&a),
                            price::line_total(line.amount, unit, a, b)?,
                        ))
                    })
                    .collect::<Result<_>>()?,
            };
            for (year, amount) in parts {
                let e = sums
                    .entry((year, d.offer.counts_as_public, d.legal_basis))
                    .or_insert((Decimal::ZERO, Vec::new()));
                e.0 += amount;
                if !e.1.contains(&id) {
                    e.1.push(id.clone());
                }
            }
        }
    }
    let mut years: BTreeMap<i32, (Decimal, Decimal)> = BTreeMap::new();
    let rows: Vec<SpendRow> = sums
        .into_iter()
        .map(|((year, public, basis), (total, ids))| {
            let y = years.entry(year).or_insert((Decimal::ZERO, Decimal::ZERO));
            if public {
                y.0 += total;
            } else {
                y.1 += total;
            }
            SpendRow {
                year,
                public,
                basis,
                total,
                contracts: ids.len(),
                total_text: fmt::kr(total),
                basis_label: basis.label().to_string(),
            }
        })
        .collect();
    let years: Vec<(i32, Decimal, Decimal)> =
        years.into_iter().map(|(y, (p, q))| (y, p, q)).collect();
    let text = years
        .iter()
        .map(|(y, p, q)| {
            format!(
                "{y}: offentlige tilbud {}, private {}",
                fmt::kr(*p),
                fmt::kr(*q)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(SpendReport {
        text: if text.is_empty() {
            "Ingen udstedte kontrakter endnu.".into()
        } else {
            format!("Udgifter efter udstedte kontrakter. {text}.")
        },
        rows,
        years,
    })
}

/// The spend overview as a table (CSV and PDF).
pub fn spend_table(report: &SpendReport) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = "År;Tilbud;Lovgrundlag;Kontrakter;Udgift kr."
        .split(';')
        .map(String::from)
        .collect();
    for r in &report.rows {
        rows.push(vec![
            r.year.to_string(),
            if r.public { "Offentlige" } else { "Private" }.to_string(),
            r.basis_label.clone(),
            r.contracts.to_string(),
            fmt::number(r.total, 2),
        ]);
    }
    Table {
        title: "Udgifter efter kontrakter".to_string(),
        summary: report.text.clone(),
        header,
        rows,
    }
}

/// The report as lines of text.
pub fn lines_text(report: &SpendReport) -> Vec<String> {
    report
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {:<9} {:<18} {:>18}  ({} kontrakter)",
                r.year,
                if r.public { "offentlig" } else { "privat" },
                r.basis_label,
                r.total_text,
                r.contracts
            )
        })
        .collect()
}
