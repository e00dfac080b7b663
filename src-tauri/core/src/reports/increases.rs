//! R5: rate increases over the threshold, year over year, like for like (per day, ex. VAT),
//! with the increase above the year's PL rate, grouped by operator.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{pct_text, OfferNames, Table};
use crate::catalogue::model::LegalBasis;
use crate::error::Result;
use crate::{fmt, rates, settings};

#[derive(Debug, Clone, Serialize)]
pub struct IncreaseLine {
    pub offer_id: String,
    pub offer_name: String,
    pub department_id: String,
    pub operator_type: String,
    pub operator_name: String,
    pub basis: LegalBasis,
    /// Per day ex. VAT.
    pub previous: Decimal,
    pub current: Decimal,
    pub increase_pct: Decimal,
    pub above_pl_pct: Option<Decimal>,
    pub texts: IncreaseTexts,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncreaseTexts {
    pub basis: String,
    pub previous: String,
    pub current: String,
    pub increase: String,
    pub above_pl: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncreaseReport {
    pub year: i32,
    pub threshold_pct: Decimal,
    pub pl_pct: Option<Decimal>,
    /// Operator name → its lines, operators in Danish order.
    pub groups: Vec<(String, Vec<IncreaseLine>)>,
    pub lines: usize,
    /// Rates compared (both years present).
    pub compared: usize,
    /// Rates of the year without a rate the year before (not compared).
    pub without_previous: usize,
    pub text: String,
}

/// The lines grouped by operator, operators in Danish order, largest increase first within each.
fn by_operator(mut lines: Vec<IncreaseLine>) -> Vec<(String, Vec<IncreaseLine>)> {
    lines.sort_by(|a, b| {
        fmt::danish_cmp(&a.operator_name, &b.operator_name)
            .then(b.increase_pct.cmp(&a.increase_pct))
            .then_with(|| fmt::danish_cmp(&a.offer_name, &b.offer_name))
    });
    let mut groups: Vec<(String, Vec<IncreaseLine>)> = Vec::new();
    for l in lines {
        match groups.last_mut() {
            Some((name, list)) if *name == l.operator_name => list.push(l),
            _ => groups.push((l.operator_name.clone(), vec![l])),
        }
    }
    groups
}

/// Rate increases from `year - 1` to `year` above the threshold (a setting, default 5 %):
/// strictly above, so exactly 5,00 % is not reported.
pub fn rate_increases(conn: &Connection, year: i32) -> Result<IncreaseReport> {
    let threshold = Decimal::from(settings::number(
        conn,
        &settings::RATE_INCREASE_THRESHOLD_PCT,
    )?);
    let pl = settings::pl_rate(conn, year)?;
    let offers = OfferNames::load(conn, year)?;
    let mut lines = Vec::new();
    let (mut compared, mut without_previous) = (0, 0);
    for pair in rates::store::year_pairs(conn, year)? {
        let Some(prev) = pair.previous_oere.filter(|p| *p > 0) else {
            without_previous += 1;
            continue;
        };
        compared += 1;
        let cur = pair.current_oere;
        // Strictly above the threshold, compared exactly in øre: (cur - prev) × 100 > t × prev.
        if Decimal::from(cur - prev) * Decimal::ONE_HUNDRED <= threshold * Decimal::from(prev) {
            continue;
        }
        let (previous, current) = (rates::rules::from_oere(prev), rates::rules::from_oere(cur));
        let increase = ((current - previous) / previous * Decimal::ONE_HUNDRED).round_dp(2);
        let above_pl = pl.map(|p| (increase - p).round_dp(2));
        let Some(basis) = LegalBasis::from_code(&pair.basis_code) else {
            continue;
        };
        let offer = offers.get(&pair.offer_id);
        lines.push(IncreaseLine {
            offer_name: offer.name.to_string(),
            operator_type: offer.operator_type.to_string(),
            operator_name: offer.operator_name.to_string(),
            offer_id: pair.offer_id,
            department_id: pair.department_id,
            basis,
            texts: IncreaseTexts {
                basis: basis.label().to_string(),
                previous: fmt::kr(previous),
                current: fmt::kr(current),
                increase: pct_text(increase),
                above_pl: above_pl
                    .map(pct_text)
                    .unwrap_or_else(|| "PL-sats ikke sat".into()),
            },
            previous,
            current,
            increase_pct: increase,
            above_pl_pct: above_pl,
        });
    }
    let count = lines.len();
    let groups = by_operator(lines);
    Ok(IncreaseReport {
        text: format!(
            "{count} takster steg mere end {} fra {} til {year} (pr. døgn ekskl. moms). {compared} takster sammenlignet; {without_previous} uden takst året før.{}",
            pct_text(threshold),
            year - 1,
            match pl {
                Some(p) => format!(" PL-sats {year}: {}.", pct_text(p)),
                None => format!(" PL-satsen for {year} er ikke sat (Indstillinger)."),
            }
        ),
        year,
        threshold_pct: threshold,
        pl_pct: pl,
        groups,
        lines: count,
        compared,
        without_previous,
    })
}

/// The rate-increase report as a table (CSV and PDF).
pub fn rate_increases_table(report: &IncreaseReport) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let y = report.year;
    let header: Vec<String> = vec![
        "Driftsherre".to_string(),
        "Driftsherretype".into(),
        "Tilbud".into(),
        "Tilbuds-id".into(),
        "Afdeling".into(),
        "Lovgrundlag".into(),
        format!("Takst {} pr. døgn ekskl. moms", y - 1),
        format!("Takst {y} pr. døgn ekskl. moms"),
        "Stigning %".into(),
        "Stigning ud over PL %".into(),
    ];
    for (_, lines) in &report.groups {
        for l in lines {
            rows.push(vec![
                l.operator_name.clone(),
                l.operator_type.clone(),
                l.offer_name.clone(),
                l.offer_id.clone(),
                l.department_id.clone(),
                l.basis.label().to_string(),
                fmt::number(l.previous, 2),
                fmt::number(l.current, 2),
                fmt::number(l.increase_pct, 2),
                l.above_pl_pct
                    .map(|v| fmt::number(v, 2))
                    .unwrap_or_default(),
            ]);
        }
    }
    Table {
        title: format!("Takststigninger {}–{}", report.year - 1, report.year),
        summary: report.text.clone(),
        header,
        rows,
    }
}

/// The report as lines of text, grouped by operator.
pub fn lines_text(report: &IncreaseReport) -> Vec<String> {
    let mut out = Vec::new();
    for (operator, lines) in &report.groups {
        out.push(operator.clone());
        for l in lines {
            out.push(format!(
                "  {} ({}) {}: {} → {} pr. døgn ekskl. moms, +{} (ud over PL: {})",
                l.offer_name,
                l.offer_id,
                l.basis.label(),
                l.texts.previous,
                l.texts.current,
                l.texts.increase,
                l.texts.above_pl
            ));
        }
    }
    out
}
