//! R6: actual occupancy against the budgeted occupancy of the rate sheet.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{OfferNames, Table};
use crate::catalogue::model::LegalBasis;
use crate::error::Result;
use crate::{fmt, rates, settings};

#[derive(Debug, Clone, Serialize)]
pub struct OccupancyLine {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub department_id: String,
    pub basis: LegalBasis,
    pub budgeted_pct: Decimal,
    pub actual_pct: Decimal,
    /// Actual minus budgeted, in percentage points.
    pub deviation_pp: Decimal,
    pub texts: OccupancyTexts,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupancyTexts {
    pub basis: String,
    pub budgeted: String,
    pub actual: String,
    pub deviation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupancyReport {
    pub year: i32,
    pub threshold_pp: Decimal,
    pub lines: Vec<OccupancyLine>,
    /// Rates of the year with both figures.
    pub compared: usize,
    /// Rates of the year without a budgeted or an actual occupancy.
    pub without_data: usize,
    pub text: String,
}

/// Offers whose actual occupancy in `year` deviates from the budgeted by the threshold
/// (a setting, default 5 percentage points) or more, either way; largest deviations first.
pub fn occupancy_deviations(conn: &Connection, year: i32) -> Result<OccupancyReport> {
    let threshold = Decimal::from(settings::number(conn, &settings::OCCUPANCY_DEVIATION_PCT)?);
    let offers = OfferNames::load(conn, year)?;
    let (mut lines, mut compared, mut without_data) = (Vec::new(), 0, 0);
    for r in rates::store::of_year(conn, year)? {
        let (Some(budgeted), Some(actual)) =
            (r.calculation.budgeted_occupancy_pct, r.actual_occupancy_pct)
        else {
            without_data += 1;
            continue;
        };
        compared += 1;
        let deviation = actual - budgeted;
        if deviation.abs() < threshold {
            continue;
        }
        let basis = r.basis;
        let pct = |v: Decimal| format!("{} %", fmt::number(v, 1));
        let offer = offers.get(&r.offer_id);
        lines.push(OccupancyLine {
            offer_name: offer.name.to_string(),
            operator_name: offer.operator_name.to_string(),
            offer_id: r.offer_id,
            department_id: r.department_id,
            texts: OccupancyTexts {
                basis: basis.label().to_string(),
                budgeted: pct(budgeted),
                actual: pct(actual),
                deviation: format!(
                    "{}{} procentpoint",
                    if deviation.is_sign_positive() {
                        "+"
                    } else {
                        ""
                    },
                    fmt::number(deviation, 1)
                ),
            },
            basis,
            budgeted_pct: budgeted,
            actual_pct: actual,
            deviation_pp: deviation,
        });
    }
    lines.sort_by(|a, b| {
        b.deviation_pp
            .abs()
            .cmp(&a.deviation_pp.abs())
            .then_with(|| fmt::danish_cmp(&a.offer_name, &b.offer_name))
    });
    Ok(OccupancyReport {
        text: format!(
            "{} tilbud afveg {} procentpoint eller mere fra den budgetterede belægning i {year}. {compared} sammenlignet; {without_data} uden belægningstal.",
            lines.len(),
            fmt::number(threshold, 0)
        ),
        year,
        threshold_pp: threshold,
        lines,
        compared,
        without_data,
    })
}

/// The occupancy report as a table (CSV and PDF).
pub fn occupancy_table(report: &OccupancyReport) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = "Driftsherre;Tilbud;Tilbuds-id;Afdeling;Lovgrundlag;Budgetteret belægning %;Faktisk belægning %;Afvigelse procentpoint".split(';').map(String::from).collect();
    for l in &report.lines {
        rows.push(vec![
            l.operator_name.clone(),
            l.offer_name.clone(),
            l.offer_id.clone(),
            l.department_id.clone(),
            l.basis.label().to_string(),
            fmt::number(l.budgeted_pct, 1),
            fmt::number(l.actual_pct, 1),
            fmt::number(l.deviation_pp, 1),
        ]);
    }
    Table {
        title: format!("Belægningsafvigelser {}", report.year),
        summary: report.text.clone(),
        header,
        rows,
    }
}

/// The report as lines of text.
pub fn lines_text(report: &OccupancyReport) -> Vec<String> {
    report
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} ({}) {}, {}: budget {}, faktisk {}, {}",
                l.offer_name,
                l.offer_id,
                l.texts.basis,
                l.operator_name,
                l.texts.budgeted,
                l.texts.actual,
                l.texts.deviation
            )
        })
        .collect()
}
