//! R7: the categories of offers (*højt specialiseret tilbud med regional betydning*,
//! *klyngetilbud*, *lokalt tilbud*) as Rammeaftale Syddanmark 2018 writes them (seed 002
//! L195-227). Only offers covered by an agreement with a categories rule are categorised; the
//! rule's figures come from the agreement record. A year's categories are set once
//! (`category_year::set`) and then read from what was stored; until then the report shows
//! what setting them would store.

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use super::rules::{self, CategoryFigures};
use super::store::{self, DecisionRow, LineRow, YearRow};
use super::Table;
use crate::agreements::model::CategoriesRule;
use crate::agreements::rules::Coverage;
use crate::catalogue::model::OperatorType;
use crate::error::Result;
use crate::{agreements, catalogue, contracts, fmt, rates};

pub use rules::Category;

/// The municipality's decision on an offer's category (002 L225: "Derudover vurderer den
/// enkelte kommune … faglighed, behov, specialisering og kompleksitet").
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub category: Category,
    pub category_label: String,
    pub reason: String,
    pub decided_by: String,
    /// `åååå-mm-ddTHH:MM:SS`
    pub decided_at: String,
    pub decided_at_text: String,
}

/// One categorised offer: the category computed by the agreement's rule with the figures that
/// decided it, and the category in force (the municipality's decision, else the computed).
#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub agreement_id: String,
    pub agreement_version: u32,
    /// The agreement had ended before the year (the last one in force is used).
    pub agreement_fallback: bool,
    pub rule: CategoriesRule,
    #[serde(flatten)]
    pub figures: CategoryFigures,
    /// `None`: no rate for the year, so the rule cannot decide.
    pub computed: Option<Category>,
    pub computed_label: String,
    /// "Afgjort af": "takst 1.950,00 kr. < 2.000,00 kr.; 5 andre købende kommuner".
    pub decided_by_text: String,
    pub decision: Option<Decision>,
    /// The category in force: the decision's, else the computed one.
    pub category: Option<Category>,
    pub category_label: String,
}

/// When and by whom the year's categories were set.
#[derive(Debug, Clone, Serialize)]
pub struct SetInfo {
    pub set_at: String,
    pub set_at_text: String,
    pub set_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryReport {
    pub year: i32,
    /// `None`: not set yet; the lines are what setting them would store.
    pub set: Option<SetInfo>,
    pub lines: Vec<CategoryLine>,
    /// Offers not covered by an agreement with a categories rule (not categorised), and how
    /// many of them are private.
    pub not_covered: i64,
    pub not_covered_private: i64,
    pub text: String,
}

/// What setting a year's categories stores.
pub(crate) struct Proposal {
    pub lines: Vec<LineRow>,
    pub not_covered: i64,
    pub not_covered_private: i64,
}

/// One offer's buying municipalities: municipality -> (places from the catalogue, contracts).
type Buyers = BTreeMap<u16, (i64, i64)>;

/// Buying municipalities per offer in `year`: offer id -> municipality -> (places from the
/// catalogue, contracts in this app running in the year).
fn buyers_by_offer(conn: &Connection, year: i32) -> Result<HashMap<String, Buyers>> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut buyers: HashMap<String, Buyers> = HashMap::new();
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

/// The figures of one offer: other buyers are municipalities other than the operating one
/// (for a regional offer, every buyer); per municipality the larger of the catalogue's and
/// the contracts' count, never their sum (both may describe the same purchases).
fn figures(
    rate: Option<Decimal>,
    places: i64,
    own: Option<u16>,
    b: Option<&Buyers>,
) -> CategoryFigures {
    let others: Vec<i64> = b
        .map(|b| {
            b.iter()
                .filter(|(m, _)| Some(**m) != own)
                .map(|(_, (cat, con))| *cat.max(con))
                .collect()
        })
        .unwrap_or_default();
    let places_to_others: i64 = others.iter().sum();
    CategoryFigures {
        daily_rate: rate,
        places,
        other_buyers: others.len(),
        places_to_others,
        share_pct: rules::share_pct(places_to_others, places),
    }
}

/// What the rule gives for `year` today: every offer covered by an agreement with a
/// categories rule, with the figures that decide it. The rate is the offer's highest daily
/// rate ex. VAT of the year (like for like, R4); buyers are the catalogue's sales figures for
/// the year and this app's issued contracts running in it.
pub(crate) fn propose(conn: &Connection, year: i32) -> Result<Proposal> {
    let all = agreements::store::active(conn)?;
    let extracted = catalogue::store::extracted(conn)?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let buyers = buyers_by_offer(conn, year)?;
    let highest = rates::store::highest_daily_of_year(conn, year)?;
    let (mut lines, mut not_covered, mut not_covered_private) = (Vec::new(), 0, 0);
    for offer in catalogue::store::all_offer_coverage(conn, first)? {
        let cov = Coverage::of_offer(&offer);
        let Some((a, fallback)) = rules::category_agreement(&all, &cov, extracted, year) else {
            not_covered += 1;
            if cov.operator == Some(OperatorType::Privat) {
                not_covered_private += 1;
            }
            continue;
        };
        let Some(rule) = a.terms.categories.value.clone() else {
            continue;
        };
        let own = offer.operator.as_ref().and_then(|o| o.municipality_code);
        let rate = highest.get(&offer.id).copied().map(rates::rules::from_oere);
        let f = figures(rate, offer.places, own, buyers.get(&offer.id));
        lines.push(LineRow {
            computed: rules::categorise(&rule, &f),
            decided_by_text: rules::explain(&rule, &f, year),
            operator_name: offer.operator.map(|o| o.name).unwrap_or_default(),
            offer_id: offer.id,
            offer_name: offer.name,
            agreement_id: a.id.clone(),
            agreement_version: a.version,
            agreement_fallback: fallback,
            min_daily_rate: rule.min_daily_rate,
            min_other_buyers: rule.min_other_buyers,
            min_share_pct: rule.min_share_pct,
            figures: f,
        });
    }
    Ok(Proposal {
        lines,
        not_covered,
        not_covered_private,
    })
}

fn label(c: Option<Category>) -> String {
    c.map(|c| c.label().to_string())
        .unwrap_or_else(|| "Ikke beregnet (ingen takst)".to_string())
}

fn line(row: LineRow, decision: Option<&DecisionRow>) -> CategoryLine {
    let decision = decision.map(|d| Decision {
        category: d.category,
        category_label: d.category.label().to_string(),
        reason: d.reason.clone(),
        decided_by: d.decided_by.clone(),
        decided_at_text: fmt::timestamp(&d.decided_at),
        decided_at: d.decided_at.clone(),
    });
    let category = decision.as_ref().map(|d| d.category).or(row.computed);
    CategoryLine {
        offer_id: row.offer_id,
        offer_name: row.offer_name,
        operator_name: row.operator_name,
        agreement_id: row.agreement_id,
        agreement_version: row.agreement_version,
        agreement_fallback: row.agreement_fallback,
        rule: CategoriesRule {
            min_daily_rate: row.min_daily_rate,
            min_other_buyers: row.min_other_buyers,
            min_share_pct: row.min_share_pct,
        },
        figures: row.figures,
        computed: row.computed,
        computed_label: label(row.computed),
        decided_by_text: row.decided_by_text,
        decision,
        category,
        category_label: label(category),
    }
}

/// The categories of `year`: as set (with the municipality's decisions), or, before they are
/// set, what setting them would store now.
pub fn categories(conn: &Connection, year: i32) -> Result<CategoryReport> {
    let (set, rows, not_covered, not_covered_private) = match store::category_year(conn, year)? {
        Some(y) => (
            Some(y.clone()),
            store::category_lines(conn, year)?,
            y.not_covered,
            y.not_covered_private,
        ),
        None => {
            let p = propose(conn, year)?;
            (None, p.lines, p.not_covered, p.not_covered_private)
        }
    };
    let decisions = store::decisions(conn, year)?;
    let lines: Vec<CategoryLine> = rows
        .into_iter()
        .map(|r| {
            let d = decisions.iter().find(|d| d.offer_id == r.offer_id);
            line(r, d)
        })
        .collect();
    let all = agreements::store::active(conn)?;
    let text = report_text(
        year,
        set.as_ref(),
        &lines,
        (not_covered, not_covered_private),
        &all,
    );
    Ok(CategoryReport {
        year,
        set: set.map(|y: YearRow| SetInfo {
            set_at_text: fmt::timestamp(&y.set_at),
            set_at: y.set_at,
            set_by: y.set_by,
        }),
        lines,
        not_covered,
        not_covered_private,
        text,
    })
}

/// The categories of `year` as set, or `None` before they are set, without computing the
/// proposal (on 100.000 offers 1,4 s) that only the categories report shows. The occupancy
/// report and runs need the set categories only.
pub fn set_categories(conn: &Connection, year: i32) -> Result<Option<CategoryReport>> {
    match store::category_year(conn, year)? {
        Some(_) => categories(conn, year).map(Some),
        None => Ok(None),
    }
}

/// The rule as the summary states it, per agreement used.
fn rules_text(lines: &[CategoryLine], all: &[agreements::Agreement]) -> String {
    let mut seen: Vec<(&str, u32)> = Vec::new();
    let mut parts = Vec::new();
    for l in lines {
        if seen.contains(&(l.agreement_id.as_str(), l.agreement_version)) {
            continue;
        }
        seen.push((l.agreement_id.as_str(), l.agreement_version));
        let a = all.iter().find(|a| a.id == l.agreement_id);
        let name = a
            .map(|a| a.name.as_str())
            .unwrap_or(l.agreement_id.as_str());
        let source = a
            .map(|a| a.terms.categories.source.as_str())
            .unwrap_or_default();
        let ended = match (a, l.agreement_fallback) {
            (Some(a), true) => format!(
                "; udløbet {}, den sidst gældende bruges",
                fmt::date(a.valid_to)
            ),
            _ => String::new(),
        };
        parts.push(format!(
            "{name} ({}{ended}): højt specialiseret ved en takst på mindst {} pr. døgn og salg til mindst {} andre kommuner eller af mindst {} % af pladserne til andre kommuner; klyngetilbud ved salg til andre kommuner og en takst under {}; ellers lokalt tilbud. Kilde: {}.",
            l.agreement_id,
            fmt::kr(l.rule.min_daily_rate),
            l.rule.min_other_buyers,
            fmt::number(l.rule.min_share_pct, 0),
            fmt::kr(l.rule.min_daily_rate),
            source.split(';').next().unwrap_or_default().trim()
        ));
    }
    parts.join(" ")
}

fn report_text(
    year: i32,
    set: Option<&YearRow>,
    lines: &[CategoryLine],
    (not_covered, private): (i64, i64),
    all: &[agreements::Agreement],
) -> String {
    let count = |c: Category| lines.iter().filter(|l| l.category == Some(c)).count();
    let decided = lines.iter().filter(|l| l.decision.is_some()).count();
    let without = lines.iter().filter(|l| l.category.is_none()).count();
    let head = match set {
        Some(y) => format!(
            "Kategorierne for {year} blev fastsat {} af {} og ændres ikke i løbet af året.",
            fmt::timestamp(&y.set_at),
            y.set_by
        ),
        None => format!(
            "Kategorierne for {year} er ikke fastsat. Forslag ud fra kataloget og kontrakterne i dag; «Fastsæt kategorier for {year}» gemmer det med tallene bag, og derefter ændres kategorierne ikke i løbet af året."
        ),
    };
    let n = |c: Category, one: &str, many: &str| {
        let k = count(c);
        format!("{k} {}", if k == 1 { one } else { many })
    };
    let mut text = format!(
        "{head} {}, {}, {}",
        n(
            Category::HoejtSpecialiseret,
            "højt specialiseret tilbud med regional betydning",
            "højt specialiserede tilbud med regional betydning"
        ),
        n(Category::Klyngetilbud, "klyngetilbud", "klyngetilbud"),
        n(Category::LokaltTilbud, "lokalt tilbud", "lokale tilbud")
    );
    if without > 0 {
        text.push_str(&format!(", {without} uden takst for {year}"));
    }
    if decided > 0 {
        text.push_str(&format!("; {decided} afgjort af kommunen"));
    }
    text.push_str(". ");
    text.push_str(&rules_text(lines, all));
    text.push_str(&format!(
        " Købende kommuner: katalogets salgstal for {year} og udstedte kontrakter i Pladsoverblik (pr. kommune det største af de to tal). {not_covered} tilbud er ikke omfattet af en rammeaftale med en kategoriregel og kategoriseres ikke (heraf {private} private)."
    ));
    text
}

/// The categories report as a table (CSV and PDF): computed and decided side by side.
pub fn categories_table(report: &CategoryReport) -> Table {
    let header: Vec<String> = "Tilbud;Tilbuds-id;Driftsherre;Beregnet kategori;Afgjort af;Besluttet kategori;Kommunens begrundelse;Besluttet af;Døgntakst ekskl. moms;Andre købende kommuner;Andel til andre kommuner %"
        .split(';')
        .map(String::from)
        .collect();
    let rows = report
        .lines
        .iter()
        .map(|l| {
            let d = l.decision.as_ref();
            vec![
                l.offer_name.clone(),
                l.offer_id.clone(),
                l.operator_name.clone(),
                l.computed_label.clone(),
                l.decided_by_text.clone(),
                l.category_label.clone(),
                d.map(|d| d.reason.clone()).unwrap_or_default(),
                d.map(|d| format!("{}, {}", d.decided_by, d.decided_at_text))
                    .unwrap_or_default(),
                l.figures
                    .daily_rate
                    .map(|r| fmt::number(r, 2))
                    .unwrap_or_default(),
                l.figures.other_buyers.to_string(),
                fmt::number(l.figures.share_pct, 1),
            ]
        })
        .collect();
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
            let decided = match &l.decision {
                Some(d) => format!(
                    "; besluttet: {} ({}, {}: {})",
                    d.category_label, d.decided_by, d.decided_at_text, d.reason
                ),
                None => String::new(),
            };
            format!(
                "{} ({}): {} – {}{decided}",
                l.offer_name, l.offer_id, l.computed_label, l.decided_by_text
            )
        })
        .collect()
}
