//! The steering group's reports, computed from data already in the app. First: rate
//! increases over the threshold (R5), year over year, like for like (per day, ex. VAT), with
//! the increase above the year's PL rate, grouped by operator. Exported as CSV that opens
//! correctly in Danish Excel (semicolon, UTF-8 with BOM, decimal comma).

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

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

fn pct_text(v: Decimal) -> String {
    format!("{} %", fmt::number(v, 2))
}

/// Rate increases from `year - 1` to `year` above the threshold (a setting, default 5 %):
/// strictly above, so exactly 5,00 % is not reported.
pub fn rate_increases(conn: &Connection, year: i32) -> Result<IncreaseReport> {
    let threshold = Decimal::from(settings::number(
        conn,
        &settings::RATE_INCREASE_THRESHOLD_PCT,
    )?);
    let pl = settings::pl_rate(conn, year)?;
    let mut st = conn.prepare(
        "SELECT cur.offer_id, cur.department_id, cur.legal_basis, cur.daily_ex_vat_oere,
                prev.daily_ex_vat_oere,
                COALESCE(o.name, cur.offer_id),
                (SELECT kind FROM offer_operators op WHERE op.offer_key = o.key ORDER BY valid_from DESC LIMIT 1),
                (SELECT name FROM offer_operators op WHERE op.offer_key = o.key ORDER BY valid_from DESC LIMIT 1)
         FROM rates cur
         LEFT JOIN rates prev ON prev.offer_id = cur.offer_id AND prev.department_id = cur.department_id
              AND prev.legal_basis = cur.legal_basis AND prev.year = cur.year - 1
         LEFT JOIN offers o ON o.id = cur.offer_id
         WHERE cur.year = ?1",
    )?;
    let mut rows = st.query([year])?;
    let mut lines = Vec::new();
    let (mut compared, mut without_previous) = (0, 0);
    while let Some(r) = rows.next()? {
        let prev: Option<i64> = r.get(4)?;
        let Some(prev) = prev.filter(|p| *p > 0) else {
            without_previous += 1;
            continue;
        };
        compared += 1;
        let cur: i64 = r.get(3)?;
        // Strictly above the threshold, compared exactly in øre: (cur - prev) × 100 > t × prev.
        if Decimal::from(cur - prev) * Decimal::ONE_HUNDRED <= threshold * Decimal::from(prev) {
            continue;
        }
        let (previous, current) = (rates::from_oere(prev), rates::from_oere(cur));
        let increase = ((current - previous) / previous * Decimal::ONE_HUNDRED).round_dp(2);
        let above_pl = pl.map(|p| (increase - p).round_dp(2));
        let code: String = r.get(2)?;
        let Some(basis) = LegalBasis::from_code(&code) else {
            continue;
        };
        lines.push(IncreaseLine {
            offer_id: r.get(0)?,
            department_id: r.get(1)?,
            basis,
            offer_name: r.get(5)?,
            operator_type: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            operator_name: r
                .get::<_, Option<String>>(7)?
                .unwrap_or_else(|| "(ukendt driftsherre)".into()),
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
    lines.sort_by(|a, b| {
        fmt::danish_cmp(&a.operator_name, &b.operator_name)
            .then(b.increase_pct.cmp(&a.increase_pct))
            .then_with(|| fmt::danish_cmp(&a.offer_name, &b.offer_name))
    });
    let count = lines.len();
    let mut groups: Vec<(String, Vec<IncreaseLine>)> = Vec::new();
    for l in lines {
        match groups.last_mut() {
            Some((name, list)) if *name == l.operator_name => list.push(l),
            _ => groups.push((l.operator_name.clone(), vec![l])),
        }
    }
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
    let mut st = conn.prepare(
        "SELECT r.offer_id, r.department_id, r.legal_basis, r.budgeted_occupancy_pct,
                r.actual_occupancy_pct, COALESCE(o.name, r.offer_id),
                (SELECT name FROM offer_operators op WHERE op.offer_key = o.key ORDER BY valid_from DESC LIMIT 1)
         FROM rates r LEFT JOIN offers o ON o.id = r.offer_id
         WHERE r.year = ?1",
    )?;
    let mut rows = st.query([year])?;
    let (mut lines, mut compared, mut without_data) = (Vec::new(), 0, 0);
    while let Some(r) = rows.next()? {
        let parse = |v: Option<String>| v.and_then(|s| s.parse::<Decimal>().ok());
        let (Some(budgeted), Some(actual)) = (parse(r.get(3)?), parse(r.get(4)?)) else {
            without_data += 1;
            continue;
        };
        compared += 1;
        let deviation = actual - budgeted;
        if deviation.abs() < threshold {
            continue;
        }
        let code: String = r.get(2)?;
        let Some(basis) = LegalBasis::from_code(&code) else {
            continue;
        };
        let pct = |v: Decimal| format!("{} %", fmt::number(v, 1));
        lines.push(OccupancyLine {
            offer_id: r.get(0)?,
            department_id: r.get(1)?,
            offer_name: r.get(5)?,
            operator_name: r
                .get::<_, Option<String>>(6)?
                .unwrap_or_else(|| "(ukendt driftsherre)".into()),
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

/// As CSV for Danish Excel.
pub fn occupancy_csv(report: &OccupancyReport) -> Vec<u8> {
    occupancy_table(report).to_csv()
}

/// Every contract's latest issued version, with its last day (the end, or the last day
/// after notice when it was terminated).
fn issued_contracts(
    conn: &Connection,
) -> Result<Vec<(String, chrono::NaiveDate, crate::contracts::ContractData)>> {
    let mut st = conn.prepare(
        "SELECT c.id, c.end_after_notice, v.data FROM contracts c
         JOIN contract_versions v ON v.contract_id = c.id
         WHERE v.issued_at IS NOT NULL
           AND v.version = (SELECT MAX(version) FROM contract_versions w
                            WHERE w.contract_id = c.id AND w.issued_at IS NOT NULL)
         ORDER BY c.id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let cut: Option<String> = r.get(1)?;
        let json: String = r.get(2)?;
        let Ok(d) = serde_json::from_str::<crate::contracts::ContractData>(&json) else {
            continue;
        };
        let last = cut
            .as_deref()
            .and_then(fmt::parse_date)
            .unwrap_or(d.end)
            .min(d.end);
        out.push((id, last, d));
    }
    Ok(out)
}

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
    use crate::contracts::price::{self, Unit};
    use std::collections::BTreeMap;
    // (year, public, basis) -> (total, contract ids)
    let mut sums: BTreeMap<(i32, bool, LegalBasis), (Decimal, Vec<String>)> = BTreeMap::new();
    for (id, last, d) in issued_contracts(conn)? {
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
                        (
                            chrono::Datelike::year(&a),
                            price::line_total(line.amount, unit, a, b),
                        )
                    })
                    .collect(),
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

/// R7's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    HoejtSpecialiseret,
    Klyngetilbud,
    LokaltTilbud,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::HoejtSpecialiseret => "Højt specialiseret tilbud med regional betydning",
            Category::Klyngetilbud => "Klyngetilbud",
            Category::LokaltTilbud => "Lokalt tilbud",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub category: Category,
    /// The highest daily rate ex. VAT of the year among the offer's legal bases.
    pub daily_rate: Option<Decimal>,
    pub places: i64,
    /// Other municipalities buying places (from the catalogue and this app's contracts).
    pub other_buyers: usize,
    pub places_to_others: usize,
    pub share_pct: Decimal,
    pub category_label: String,
    /// The figures that decided it, in Danish.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryReport {
    pub year: i32,
    pub lines: Vec<CategoryLine>,
    pub text: String,
}

/// R7 per offer with a rate in `year`: *højt specialiseret* when the daily rate is at least
/// the threshold and places are sold to at least N other municipalities, or at least the share
/// of places goes to other municipalities; *klyngetilbud* when places are sold to others below
/// that; otherwise *lokalt tilbud*. "Other" means other than the operating municipality.
///
/// Buyers come from two sources: the catalogue's places bought per municipality and year, and
/// this app's issued contracts running in the year (one place each). Both may describe the
/// same purchases, so per buying municipality the larger of the two counts, never their sum.
pub fn categories(conn: &Connection, year: i32) -> Result<CategoryReport> {
    use std::collections::{BTreeMap, HashMap};
    let min_rate = Decimal::from(settings::number(conn, &settings::CATEGORY_MIN_RATE)?);
    let min_buyers = settings::number(conn, &settings::CATEGORY_MIN_BUYERS)? as usize;
    let min_share = Decimal::from(settings::number(conn, &settings::CATEGORY_MIN_SHARE_PCT)?);
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    // offer id -> buying municipality -> (places from the catalogue, contracts in this app)
    let mut buyers: HashMap<String, BTreeMap<u16, (i64, i64)>> = HashMap::new();
    {
        let mut st = conn.prepare(
            "SELECT offer_id, municipality_code, places FROM offer_buyers WHERE year = ?1",
        )?;
        let mut rows = st.query([year])?;
        while let Some(r) = rows.next()? {
            let (id, code, places): (String, u16, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            buyers.entry(id).or_default().entry(code).or_default().0 += places;
        }
    }
    for (_, end, d) in issued_contracts(conn)? {
        if d.start <= last && end >= first {
            if let Some(code) = d.buyer.municipality_code {
                buyers
                    .entry(d.offer.id.clone())
                    .or_default()
                    .entry(code)
                    .or_default()
                    .1 += 1;
            }
        }
    }
    let mut st = conn.prepare(
        "SELECT o.id, o.name,
                (SELECT name FROM offer_operators op WHERE op.offer_key = o.key ORDER BY valid_from DESC LIMIT 1),
                (SELECT municipality_code FROM offer_operators op WHERE op.offer_key = o.key ORDER BY valid_from DESC LIMIT 1),
                (SELECT COALESCE(SUM(places), 0) FROM department_places p WHERE p.offer_key = o.key),
                (SELECT MAX(daily_ex_vat_oere) FROM rates r WHERE r.offer_id = o.id AND r.year = ?1)
         FROM offers o ORDER BY o.id",
    )?;
    let mut rows = st.query([year])?;
    let mut lines = Vec::new();
    while let Some(r) = rows.next()? {
        let rate: Option<i64> = r.get(5)?;
        let Some(rate) = rate.map(rates::from_oere) else {
            continue;
        };
        let id: String = r.get(0)?;
        let own: Option<u16> = r.get(3)?;
        let places: i64 = r.get(4)?;
        let others: Vec<(i64, i64)> = buyers
            .get(&id)
            .map(|b| {
                b.iter()
                    .filter(|(m, _)| Some(**m) != own)
                    .map(|(_, counts)| *counts)
                    .collect()
            })
            .unwrap_or_default();
        let other_buyers = others.len();
        let places_to_others: i64 = others.iter().map(|(cat, con)| *cat.max(con)).sum();
        let from_catalogue = others.iter().filter(|(cat, _)| *cat > 0).count();
        let from_contracts = others.iter().filter(|(_, con)| *con > 0).count();
        let share = if places > 0 {
            (Decimal::from(places_to_others) * Decimal::ONE_HUNDRED / Decimal::from(places))
                .round_dp(1)
        } else {
            Decimal::ZERO
        };
        let category = if (rate >= min_rate && other_buyers >= min_buyers) || share >= min_share {
            Category::HoejtSpecialiseret
        } else if other_buyers > 0 {
            Category::Klyngetilbud
        } else {
            Category::LokaltTilbud
        };
        let buyers_text = match other_buyers {
            0 => "ingen andre købende kommuner".to_string(),
            1 => "1 anden købende kommune".to_string(),
            n => format!("{n} andre købende kommuner"),
        };
        let sources = if other_buyers > 0 {
            format!(" (i kataloget: {from_catalogue}, i kontrakter: {from_contracts})")
        } else {
            String::new()
        };
        lines.push(CategoryLine {
            reason: format!(
                "døgntakst {}, {buyers_text}{sources}, {places_to_others} af {places} pladser ({} %) til andre kommuner",
                fmt::kr(rate),
                fmt::number(share, 1)
            ),
            category_label: category.label().to_string(),
            offer_id: id,
            offer_name: r.get(1)?,
            operator_name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            category,
            daily_rate: Some(rate),
            places,
            other_buyers,
            places_to_others: usize::try_from(places_to_others).unwrap_or_default(),
            share_pct: share,
        });
    }
    let count = |c: Category| lines.iter().filter(|l| l.category == c).count();
    Ok(CategoryReport {
        text: format!(
            "{year}: {} højt specialiserede, {} klyngetilbud, {} lokale tilbud. Købende kommuner tælles ud fra katalogets salgstal og udstedte kontrakter i Pladsoverblik (pr. kommune det største af de to tal).",
            count(Category::HoejtSpecialiseret),
            count(Category::Klyngetilbud),
            count(Category::LokaltTilbud)
        ),
        year,
        lines,
    })
}

/// A report as a plain table: what the CSV and the PDF are made from.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    pub summary: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// CSV for Danish Excel: UTF-8 with BOM, semicolons, decimal comma (in the cells), CRLF.
    pub fn to_csv(&self) -> Vec<u8> {
        let line = |cells: &[String]| {
            cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(";")
                + "\r\n"
        };
        let mut out = String::from("\u{feff}");
        out.push_str(&line(&self.header));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out.into_bytes()
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
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

/// As CSV for Danish Excel.
pub fn rate_increases_csv(report: &IncreaseReport) -> Vec<u8> {
    rate_increases_table(report).to_csv()
}

/// The categories report as a table (CSV and PDF).
pub fn categories_table(report: &CategoryReport) -> Table {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header: Vec<String> = "Tilbud;Tilbuds-id;Driftsherre;Kategori;Døgntakst ekskl. moms;Andre købende kommuner;Pladser;Pladser til andre kommuner;Andel %".split(';').map(String::from).collect();
    for l in &report.lines {
        rows.push(vec![
            l.offer_name.clone(),
            l.offer_id.clone(),
            l.operator_name.clone(),
            l.category_label.clone(),
            l.daily_rate.map(|r| fmt::number(r, 2)).unwrap_or_default(),
            l.other_buyers.to_string(),
            l.places.to_string(),
            l.places_to_others.to_string(),
            fmt::number(l.share_pct, 1),
        ]);
    }
    Table {
        title: format!("Kategorier {}", report.year),
        summary: report.text.clone(),
        header,
        rows,
    }
}

/// As CSV for Danish Excel.
pub fn categories_csv(report: &CategoryReport) -> Vec<u8> {
    categories_table(report).to_csv()
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

/// As CSV for Danish Excel.
pub fn spend_csv(report: &SpendReport) -> Vec<u8> {
    spend_table(report).to_csv()
}
