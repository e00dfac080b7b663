//! What the contracts cost per calendar year, public vs private, per legal basis: the issued
//! standard contracts, and the registered contracts from before the standard ("ældre
//! kontrakter", `contracts::old`) so that the figures are complete.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// Of which registered contracts from before the standard.
    pub old_total: Decimal,
    pub old_contracts: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpendReport {
    pub rows: Vec<SpendRow>,
    /// (year, public, private)
    pub years: Vec<(i32, Decimal, Decimal)>,
    pub text: String,
}

/// One (year, public, basis) cell: the total with the contracts in it, and the part from
/// contracts before the standard.
#[derive(Default)]
struct Cell {
    total: Decimal,
    ids: Vec<String>,
    old_total: Decimal,
    old_ids: Vec<String>,
}

type Cells = BTreeMap<(i32, bool, LegalBasis), Cell>;

fn add(cells: &mut Cells, key: (i32, bool, LegalBasis), id: &str, amount: Decimal, old: bool) {
    let e = cells.entry(key).or_default();
    e.total += amount;
    if !e.ids.iter().any(|i| i == id) {
        e.ids.push(id.to_string());
    }
    if old {
        e.old_total += amount;
        if !e.old_ids.iter().any(|i| i == id) {
            e.old_ids.push(id.to_string());
        }
    }
}

/// The issued standard contracts (their latest issued version; up to the last day after
/// notice when terminated). Lines over several years are split by year; a one-off amount
/// counts in its start year.
fn standard(conn: &Connection, cells: &mut Cells) -> Result<()> {
    use crate::contracts::price;
    use crate::rates::Unit;
    for (id, last, d) in contracts::store::issued_latest(conn)? {
        for line in &d.price.lines {
            let to = line.to.min(last);
            if line.from > to {
                continue;
            }
            let parts: Vec<(i32, Decimal)> = match line.unit {
                Unit::Engang => vec![(line.from.year(), line.total)],
                unit => price::year_segments(line.from, to)
                    .into_iter()
                    .map(|(a, b)| Ok((a.year(), price::line_total(line.amount, unit, a, b)?)))
                    .collect::<Result<_>>()?,
            };
            for (year, amount) in parts {
                let key = (year, d.offer.counts_as_public, d.legal_basis);
                add(cells, key, &id, amount, false);
            }
        }
    }
    Ok(())
}

/// The registered contracts from before the standard, at their price per day or month from
/// start to end (without an end date: through 31 December of `today`'s year).
fn old(conn: &Connection, cells: &mut Cells, today: NaiveDate) -> Result<usize> {
    let all = contracts::old::spend_years(conn, today)?;
    for (id, public, basis, years) in &all {
        for y in years {
            add(cells, (y.year, *public, *basis), id, y.amount, true);
        }
    }
    Ok(all.len())
}

/// What the contracts cost per calendar year, public vs private, per legal basis, judged
/// today (`clock::today`): see `spend_on`.
pub fn spend(conn: &Connection) -> Result<SpendReport> {
    spend_on(conn, crate::clock::today())
}

/// What the issued standard contracts and the registered contracts from before the standard
/// cost per calendar year, public vs private, per legal basis. `today` sets how far a
/// contract without an end date is counted: through 31 December of its year.
pub fn spend_on(conn: &Connection, today: NaiveDate) -> Result<SpendReport> {
    let mut cells = Cells::new();
    standard(conn, &mut cells)?;
    let olds = old(conn, &mut cells, today)?;
    let mut years: BTreeMap<i32, (Decimal, Decimal)> = BTreeMap::new();
    let rows: Vec<SpendRow> = cells
        .into_iter()
        .map(|((year, public, basis), c)| {
            let y = years.entry(year).or_insert((Decimal::ZERO, Decimal::ZERO));
            if public {
                y.0 += c.total;
            } else {
                y.1 += c.total;
            }
            SpendRow {
                year,
                public,
                basis,
                total: c.total,
                contracts: c.ids.len(),
                total_text: fmt::kr(c.total),
                basis_label: basis.label().to_string(),
                old_total: c.old_total,
                old_contracts: c.old_ids.len(),
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
    let old_note = if olds == 0 {
        String::new()
    } else {
        format!(
            " Heri {olds} ældre kontrakt(er) fra før standardkontrakterne; uden slutdato medregnet til og med 31.12.{}.",
            today.year()
        )
    };
    Ok(SpendReport {
        text: if text.is_empty() {
            "Ingen udstedte kontrakter endnu.".into()
        } else {
            super::full_stop(&format!(
                "Udgifter efter udstedte kontrakter. {}{old_note}",
                super::full_stop(&text)
            ))
        },
        rows,
        years,
    })
}

/// The spend overview as a table (CSV and PDF).
pub fn spend_table(report: &SpendReport) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> =
        "År;Offentlig/privat;Lovgrundlag;Kontrakter;Udgift kr.;Heraf ældre kontrakter kr."
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
            fmt::number(r.old_total, 2),
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
            let old = if r.old_contracts == 0 {
                String::new()
            } else {
                format!(
                    ", heraf {} ældre kontrakt(er) {}",
                    r.old_contracts,
                    fmt::kr(r.old_total)
                )
            };
            format!(
                "{} {:<9} {:<18} {:>18}  ({}{old})",
                r.year,
                if r.public { "offentlig" } else { "privat" },
                r.basis_label,
                r.total_text,
                fmt::count(r.contracts, "kontrakt", "kontrakter")
            )
        })
        .collect()
}
