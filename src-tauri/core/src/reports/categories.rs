//! R7: the categories of offers (*højt specialiseret*, *klyngetilbud*, *lokalt tilbud*) with
//! the figures that decided each.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use super::Table;
use crate::error::Result;
use crate::{catalogue, contracts, fmt, rates, settings};

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

/// One offer's buying municipalities: municipality -> (places from the catalogue, contracts).
type Buyers = BTreeMap<u16, (i64, i64)>;

/// Buying municipalities per offer in `year`: offer id -> municipality -> (places from the
/// catalogue, contracts in this app running in the year).
fn buyers_by_offer(conn: &Connection, year: i32) -> Result<HashMap<String, Buyers>> {
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut buyers: HashMap<String, BTreeMap<u16, (i64, i64)>> = HashMap::new();
    for (id, code, places) in catalogue::store::buyers_of_year(conn, year)? {
        buyers.entry(id).or_default().entry(code).or_default().0 += places;
    }
    for (_, end, d) in contracts::store::issued_latest(conn)? {
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
    Ok(buyers)
}

/// The figures that decided a category, in Danish.
fn reason(
    rate: Decimal,
    other_buyers: usize,
    (from_catalogue, from_contracts): (usize, usize),
    places_to_others: i64,
    places: i64,
    share: Decimal,
) -> String {
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
    format!(
        "døgntakst {}, {buyers_text}{sources}, {places_to_others} af {places} pladser ({} %) til andre kommuner",
        fmt::kr(rate),
        fmt::number(share, 1)
    )
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
    let min_rate = Decimal::from(settings::number(conn, &settings::CATEGORY_MIN_RATE)?);
    let min_buyers = settings::number(conn, &settings::CATEGORY_MIN_BUYERS)? as usize;
    let min_share = Decimal::from(settings::number(conn, &settings::CATEGORY_MIN_SHARE_PCT)?);
    let first = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let buyers = buyers_by_offer(conn, year)?;
    let highest = rates::store::highest_daily_of_year(conn, year)?;
    let mut lines = Vec::new();
    for offer in catalogue::store::offer_summaries(conn)? {
        let Some(rate) = highest.get(&offer.id).copied().map(rates::rules::from_oere) else {
            continue;
        };
        let operator = catalogue::rules::operator_on(&offer.operators, first);
        let own: Option<u16> = operator.and_then(|o| o.municipality_code);
        let places = offer.places;
        let id = offer.id;
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
        let sources = (from_catalogue, from_contracts);
        lines.push(CategoryLine {
            reason: reason(rate, other_buyers, sources, places_to_others, places, share),
            category_label: category.label().to_string(),
            offer_id: id,
            offer_name: offer.name,
            operator_name: operator.map(|o| o.name.clone()).unwrap_or_default(),
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

/// The report as lines of text.
pub fn lines_text(report: &CategoryReport) -> Vec<String> {
    report
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} ({}): {} – {}",
                l.offer_name, l.offer_id, l.category_label, l.reason
            )
        })
        .collect()
}
