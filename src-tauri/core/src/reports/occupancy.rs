//! R6 (seed 002 L152-158): the occupancy of klyngetilbud and højt specialiserede tilbud, per
//! offer (places-weighted over its departments and legal bases), against the budgeted
//! occupancy of its rates, with the deviation read as the agreement reads it (relative to the
//! budgeted percentage in SD-2018). Only the categories set for the year decide which offers
//! are in it. The reporting runs with their deadlines are in `occupancy_runs`.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

use super::categories::{self, Category};
use super::rules;
use super::Table;
use crate::error::Result;
use crate::{agreements, catalogue, fmt, rates, settings};

/// One offer's occupancy figures of a year.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OfferOccupancy {
    pub places: i64,
    pub budgeted: Option<Decimal>,
    pub actual: Option<Decimal>,
}

/// Per offer of `ids`: the budgeted occupancy of its rates of `year` and the actual occupancy
/// the rate sheets give, each weighted by the places of the department and legal basis the
/// rate is for (a rate for the whole offer weighs with all the offer's places under that
/// basis). An offer with two departments is one line.
pub(crate) fn offer_figures(
    conn: &Connection,
    year: i32,
    ids: &[&str],
) -> Result<HashMap<String, OfferOccupancy>> {
    let mut by_offer: HashMap<String, Vec<rates::Rate>> = HashMap::new();
    for r in rates::store::of_year(conn, year)? {
        if ids.contains(&r.offer_id.as_str()) {
            by_offer.entry(r.offer_id.clone()).or_default().push(r);
        }
    }
    let mut out = HashMap::new();
    for id in ids {
        let places = match catalogue::store::offer_key(conn, id)? {
            Some(key) => catalogue::store::places(conn, key)?,
            None => Vec::new(),
        };
        let (mut budget, mut actual) = (Vec::new(), Vec::new());
        for r in by_offer.get(*id).map(Vec::as_slice).unwrap_or_default() {
            let weight: i64 = places
                .iter()
                .filter(|p| p.basis == r.basis)
                .filter(|p| r.department_id.is_empty() || p.department_id == r.department_id)
                .map(|p| i64::from(p.places))
                .sum();
            if let Some(b) = r.calculation.budgeted_occupancy_pct {
                budget.push((weight, b));
            }
            if let Some(a) = r.actual_occupancy_pct {
                actual.push((weight, a));
            }
        }
        out.insert(
            id.to_string(),
            OfferOccupancy {
                places: places.iter().map(|p| i64::from(p.places)).sum(),
                budgeted: rules::weighted(&budget),
                actual: rules::weighted(&actual),
            },
        );
    }
    Ok(out)
}

/// The threshold and its reading that apply under agreement `id` version `version`: the
/// agreement's occupancy rule (seed 002 L154: 5 %, read relative to the budget) wins; the
/// setting `occupancy_deviation_pct` applies only where the agreement fixes none. Returns
/// (threshold, reading, where it comes from).
pub(crate) fn threshold(
    conn: &Connection,
    id: &str,
    version: u32,
) -> Result<(Decimal, String, String)> {
    let agreement = agreements::store::version(conn, id, version)?;
    if let Some(a) = &agreement {
        if let Some(rule) = &a.terms.occupancy.value {
            let source = a
                .terms
                .occupancy
                .source
                .split(';')
                .next()
                .unwrap_or_default();
            return Ok((
                rule.threshold_pct,
                rule.reading.clone(),
                format!("{id}, {}", source.trim()),
            ));
        }
    }
    let setting = Decimal::from(settings::number(conn, &settings::OCCUPANCY_DEVIATION_PCT)?);
    Ok((
        setting,
        "relativ".to_string(),
        format!(
            "indstillingen «{}» ({id} fastsætter ingen grænse)",
            settings::OCCUPANCY_DEVIATION_PCT.label
        ),
    ))
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupancyLine {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub category: Category,
    pub places: i64,
    pub budgeted_pct: Decimal,
    pub actual_pct: Decimal,
    /// Relative to the budget (per cent of the budgeted percentage) or in percentage points,
    /// as `reading` says.
    pub deviation_pct: Decimal,
    /// At the threshold or beyond: to be reported.
    pub due: bool,
    pub texts: OccupancyTexts,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupancyTexts {
    pub category: String,
    pub budgeted: String,
    pub actual: String,
    pub deviation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupancyReport {
    pub year: i32,
    pub categories_set: bool,
    pub threshold_pct: Decimal,
    /// "relativ" or "procentpoint".
    pub reading: String,
    pub lines: Vec<OccupancyLine>,
    /// Offers in scope with both figures, and those without.
    pub compared: usize,
    pub without_data: usize,
    pub text: String,
}

/// "-5,0 %" or "+6,0 procentpoint".
pub(crate) fn deviation_text(v: Decimal, reading: &str) -> String {
    let sign = if v.is_sign_positive() && !v.is_zero() {
        "+"
    } else {
        ""
    };
    let unit = if reading == "procentpoint" {
        " procentpoint"
    } else {
        " %"
    };
    format!("{sign}{}{unit}", fmt::number(v, 1))
}

pub(crate) fn pct(v: Decimal) -> String {
    format!("{} %", fmt::number(v, 2))
}

/// The year's occupancy of the klyngetilbud and højt specialiserede tilbud (the categories set
/// for the year), per offer, largest deviation first; those at the threshold or beyond are
/// due in the year's reporting runs.
pub fn occupancy_deviations(conn: &Connection, year: i32) -> Result<OccupancyReport> {
    let cat = categories::set_categories(conn, year)?;
    let in_scope: Vec<&categories::CategoryLine> = cat
        .iter()
        .flat_map(|c| &c.lines)
        .filter(|l| l.category.is_some_and(Category::reports_occupancy))
        .collect();
    let ids: Vec<&str> = in_scope.iter().map(|l| l.offer_id.as_str()).collect();
    let figures = offer_figures(conn, year, &ids)?;
    let (threshold_pct, reading, source) = match in_scope.first() {
        Some(l) => threshold(conn, &l.agreement_id, l.agreement_version)?,
        None => (Decimal::ZERO, "relativ".to_string(), String::new()),
    };
    let (mut lines, mut missing) = (Vec::new(), Vec::new());
    // One agreement (rarely two) for every line: each one's threshold read once.
    let mut thresholds: HashMap<(&str, u32), (Decimal, String)> = HashMap::new();
    for l in &in_scope {
        let f = figures.get(&l.offer_id).copied().unwrap_or_default();
        let key = (l.agreement_id.as_str(), l.agreement_version);
        let (line_threshold, line_reading) = match thresholds.get(&key) {
            Some(t) => t.clone(),
            None => {
                let (t, r, _) = threshold(conn, key.0, key.1)?;
                thresholds.insert(key, (t, r.clone()));
                (t, r)
            }
        };
        let (Some(b), Some(a)) = (f.budgeted, f.actual) else {
            missing.push(l.offer_name.clone());
            continue;
        };
        let Some(dev) = rules::deviation(&line_reading, b, a) else {
            missing.push(l.offer_name.clone());
            continue;
        };
        let category = l.category.unwrap_or(Category::LokaltTilbud);
        lines.push(OccupancyLine {
            offer_id: l.offer_id.clone(),
            offer_name: l.offer_name.clone(),
            operator_name: l.operator_name.clone(),
            category,
            places: f.places,
            budgeted_pct: b,
            actual_pct: a,
            deviation_pct: dev,
            due: rules::is_due(dev, line_threshold),
            texts: OccupancyTexts {
                category: category.label().to_string(),
                budgeted: pct(b),
                actual: pct(a),
                deviation: deviation_text(dev, &line_reading),
            },
        });
    }
    lines.sort_by(|a, b| {
        b.deviation_pct
            .abs()
            .cmp(&a.deviation_pct.abs())
            .then_with(|| fmt::danish_cmp(&a.offer_name, &b.offer_name))
    });
    let text = year_text(
        year,
        cat.is_some(),
        &lines,
        &missing,
        (threshold_pct, &reading, &source),
    );
    Ok(OccupancyReport {
        categories_set: cat.is_some(),
        compared: lines.len(),
        without_data: missing.len(),
        year,
        threshold_pct,
        reading,
        lines,
        text,
    })
}

fn year_text(
    year: i32,
    set: bool,
    lines: &[OccupancyLine],
    missing: &[String],
    (threshold, reading, source): (Decimal, &str, &str),
) -> String {
    if !set {
        return format!(
            "Kategorierne for {year} er ikke fastsat, så det er ikke afgjort, hvilke tilbud der er klyngetilbud og højt specialiserede tilbud med regional betydning; kun dem indberettes der belægning for (002 L152). Fastsæt kategorierne for {year} under Kategorier."
        );
    }
    let due = lines.iter().filter(|l| l.due).count();
    let mut text = format!(
        "Belægning {year} for klyngetilbud og højt specialiserede tilbud (kategorierne fastsat for {year}), pr. tilbud vægtet med pladserne i afdelingerne, efter takstoversigternes belægningstal. Der indberettes, når afvigelsen er {} ({source}). {due} af {} tilbud skal indberettes.",
        rules::reading_text(reading, threshold),
        lines.len()
    );
    if !missing.is_empty() {
        text.push_str(&format!(
            " Uden budgetteret eller faktisk belægning: {}.",
            missing.join(", ")
        ));
    }
    text
}

/// The deviation column's heading.
pub(crate) fn deviation_heading(reading: &str) -> &'static str {
    if reading == "procentpoint" {
        "Afvigelse procentpoint"
    } else {
        "Afvigelse % af budgetteret"
    }
}

/// The occupancy report as a table (CSV and PDF).
pub fn occupancy_table(report: &OccupancyReport) -> Table {
    let mut header: Vec<String> =
        "Tilbud;Tilbuds-id;Driftsherre;Kategori;Pladser;Budgetteret belægning %;Faktisk belægning %"
            .split(';')
            .map(String::from)
            .collect();
    header.push(deviation_heading(&report.reading).to_string());
    header.push("Skal indberettes".to_string());
    let rows = report
        .lines
        .iter()
        .map(|l| {
            vec![
                l.offer_name.clone(),
                l.offer_id.clone(),
                l.operator_name.clone(),
                l.texts.category.clone(),
                l.places.to_string(),
                fmt::number(l.budgeted_pct, 2),
                fmt::number(l.actual_pct, 2),
                fmt::number(l.deviation_pct, 1),
                if l.due { "ja" } else { "nej" }.to_string(),
            ]
        })
        .collect();
    Table {
        title: format!("Belægning {}", report.year),
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
                "{} ({}), {}: budget {}, faktisk {}, afvigelse {}{}",
                l.offer_name,
                l.offer_id,
                l.texts.category,
                l.texts.budgeted,
                l.texts.actual,
                l.texts.deviation,
                if l.due { " – skal indberettes" } else { "" }
            )
        })
        .collect()
}
