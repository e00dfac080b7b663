//! R5: rate increases over the threshold, year over year, like for like (per day, ex. VAT),
//! with the increase above the year's PL rate as a relative figure, grouped by operator; and
//! the reported rates' development over the last years for the chart.

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
    /// The increase above the PL rate, relative: ((1 + r) / (1 + PL) − 1) × 100.
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
    /// The reported rates over the last years (the chart).
    pub history: History,
    pub text: String,
}

/// How many years the chart looks back over, the report's year included.
pub const HISTORY_YEARS: i32 = 5;
/// How many lines the chart draws at most (the largest increases; the table has them all).
pub const HISTORY_LINES: usize = 8;

/// The development of the largest reported increases over the years `first..=year`, like for
/// like, with the PL rates of those years.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub first: i32,
    pub year: i32,
    /// (year, PL rate in per cent) for the years after `first` that have one.
    pub pl: Vec<(i32, Decimal)>,
    pub lines: Vec<HistoryLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    pub offer_id: String,
    /// "Bostedet Fjordglimt, SEL § 108" (the department too when the offer has several lines).
    pub label: String,
    /// (year, per day ex. VAT), oldest first; years without a rate are left out.
    pub rates: Vec<(i32, Decimal)>,
}

/// The lines grouped by operator, operators in Danish order, largest increase first within each.
fn by_operator(mut lines: Vec<IncreaseLine>) -> Vec<(String, Vec<IncreaseLine>)> {
    // The order of `fmt::danish_cmp` on operator and offer name, each key made once per
    // line (made per comparison, the keys took most of a 60.000-line report's time).
    lines.sort_by_cached_key(|l| {
        (
            fmt::sort_key(&l.operator_name),
            l.operator_name.clone(),
            std::cmp::Reverse(l.increase_pct),
            fmt::sort_key(&l.offer_name),
            l.offer_name.clone(),
        )
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
        let above_pl = pl.map(|p| above_pl(previous, current, p));
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
    let history = history(conn, year, &lines)?;
    let groups = by_operator(lines);
    Ok(IncreaseReport {
        text: format!(
            "{} steg mere end {} fra {} til {year} (pr. døgn ekskl. moms). {} sammenlignet; {without_previous} uden takst året før.{}",
            fmt::count(count, "takst", "takster"),
            pct_text(threshold),
            year - 1,
            fmt::count(compared, "takst", "takster"),
            match pl {
                Some(p) => format!(
                    " PL-sats {year}: {}. Stigningen ud over PL er relativ: (1 + stigning) / (1 + PL) - 1.",
                    pct_text(p)
                ),
                None => format!(" PL-satsen for {year} er ikke sat (Indstillinger)."),
            }
        ),
        history,
        year,
        threshold_pct: threshold,
        pl_pct: pl,
        groups,
        lines: count,
        compared,
        without_previous,
    })
}

/// The increase from `previous` to `current` above the PL rate `pl_pct`, relative to what PL
/// alone would have given: ((1 + r) / (1 + PL) − 1) × 100, two decimals. 3.200 → 3.424 kr.
/// (+7,00 %) with PL 2,9 %: 1,07 / 1,029 − 1 = 3,98 %, not 7,00 − 2,9 = 4,10.
pub fn above_pl(previous: Decimal, current: Decimal, pl_pct: Decimal) -> Decimal {
    let pl = Decimal::ONE + pl_pct / Decimal::ONE_HUNDRED;
    if previous.is_zero() || pl.is_zero() {
        return Decimal::ZERO;
    }
    ((current / previous / pl - Decimal::ONE) * Decimal::ONE_HUNDRED).round_dp(2)
}

/// The largest reported increases' rates over the last `HISTORY_YEARS` years, and the PL
/// rates of those years.
fn history(conn: &Connection, year: i32, lines: &[IncreaseLine]) -> Result<History> {
    let first = year - HISTORY_YEARS + 1;
    let mut largest: Vec<&IncreaseLine> = lines.iter().collect();
    largest.sort_by_cached_key(|l| {
        (
            std::cmp::Reverse(l.increase_pct),
            fmt::sort_key(&l.offer_name),
            l.offer_name.clone(),
        )
    });
    largest.truncate(HISTORY_LINES);
    let mut out = Vec::new();
    for l in largest {
        let several = lines.iter().filter(|o| o.offer_id == l.offer_id).count() > 1;
        let department = if several && !l.department_id.is_empty() {
            format!(", afd. {}", l.department_id)
        } else {
            String::new()
        };
        let rates = rates::store::daily_history(
            conn,
            &l.offer_id,
            &l.department_id,
            l.basis.code(),
            (first, year),
        )?
        .into_iter()
        .map(|(y, oere)| (y, rates::rules::from_oere(oere)))
        .collect();
        out.push(HistoryLine {
            offer_id: l.offer_id.clone(),
            label: format!("{}, {}{department}", l.offer_name, l.basis.label()),
            rates,
        });
    }
    let mut pl = Vec::new();
    for y in first + 1..=year {
        if let Some(p) = settings::pl_rate(conn, y)? {
            pl.push((y, p));
        }
    }
    Ok(History {
        first,
        year,
        pl,
        lines: out,
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
