//! Seed 002's steering rules as pure functions (no connection, no clock): the categories of
//! footnotes 2-3 (R7, L225-227), which agreement's rule applies to an offer in a year, the
//! occupancy deviation and threshold (R6, L154) and the reporting deadlines (L157-158).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::agreements::model::{Agreement, CategoriesRule, OccupancyRule, OccupancyRun};
use crate::agreements::rules::{covers, Coverage};
use crate::error::{Error, Result};
use crate::fmt;

/// R7's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    HoejtSpecialiseret,
    Klyngetilbud,
    LokaltTilbud,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::HoejtSpecialiseret,
        Category::Klyngetilbud,
        Category::LokaltTilbud,
    ];

    /// The code in the database and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Category::HoejtSpecialiseret => "hoejt_specialiseret",
            Category::Klyngetilbud => "klyngetilbud",
            Category::LokaltTilbud => "lokalt_tilbud",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::HoejtSpecialiseret => "Højt specialiseret tilbud med regional betydning",
            Category::Klyngetilbud => "Klyngetilbud",
            Category::LokaltTilbud => "Lokalt tilbud",
        }
    }

    /// Exactly a stored code.
    pub fn from_code(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == s)
    }

    /// As people type it: "klynge", "højt", "hoejt_specialiseret", "Lokalt tilbud", ….
    pub fn parse(s: &str) -> Result<Category> {
        let t = s.trim().to_lowercase().replace(['-', ' '], "_");
        let found = match t.as_str() {
            "hoejt" | "højt" | "hoejt_specialiseret" | "højt_specialiseret" => {
                Some(Category::HoejtSpecialiseret)
            }
            "klynge" | "klyngetilbud" => Some(Category::Klyngetilbud),
            "lokal" | "lokalt" | "lokalt_tilbud" => Some(Category::LokaltTilbud),
            _ => Category::ALL
                .into_iter()
                .find(|c| c.label().to_lowercase().replace(' ', "_") == t),
        };
        found.ok_or_else(|| {
            Error::Invalid(format!(
                "Kategori: «{}» kendes ikke. Brug hoejt (højt specialiseret), klynge eller lokalt.",
                s.trim()
            ))
        })
    }

    /// Whether occupancy is reported for the category (002 L152).
    pub fn reports_occupancy(self) -> bool {
        self != Category::LokaltTilbud
    }
}

/// The figures a category is decided from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CategoryFigures {
    /// The offer's highest daily rate ex. VAT of the year (like for like), if it has one.
    pub daily_rate: Option<Decimal>,
    pub places: i64,
    /// Municipalities other than the operating one that buy places.
    pub other_buyers: usize,
    pub places_to_others: i64,
    /// Places to others in per cent of the places (exact, not rounded).
    pub share_pct: Decimal,
}

/// `part` of `whole` in per cent, exactly (0 when there are no places).
pub fn share_pct(part: i64, whole: i64) -> Decimal {
    if whole <= 0 {
        return Decimal::ZERO;
    }
    Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole)
}

/// 002 fn 2-3: *højt specialiseret* = rate at least the threshold AND (places sold to at
/// least N municipalities besides the operating one OR at least the share of the places to
/// other municipalities); *klyngetilbud* = sells places to other municipalities and has a
/// rate below the threshold; otherwise *lokalt tilbud*. `None` without a rate for the year.
pub fn categorise(rule: &CategoriesRule, f: &CategoryFigures) -> Option<Category> {
    let rate = f.daily_rate?;
    let enough_buyers = f.other_buyers >= rule.min_other_buyers as usize;
    let enough_share = f.share_pct >= rule.min_share_pct;
    Some(
        if rate >= rule.min_daily_rate && (enough_buyers || enough_share) {
            Category::HoejtSpecialiseret
        } else if f.other_buyers > 0 && rate < rule.min_daily_rate {
            Category::Klyngetilbud
        } else {
            Category::LokaltTilbud
        },
    )
}

fn buyers_text(n: usize) -> String {
    match n {
        0 => "ingen andre købende kommuner".to_string(),
        1 => "1 anden købende kommune".to_string(),
        n => format!("{n} andre købende kommuner"),
    }
}

/// "mindst" or "under": words, since the PDF's font has no ≥.
fn cmp(at_least: bool) -> &'static str {
    if at_least {
        "mindst"
    } else {
        "under"
    }
}

/// What decided the category, in Danish: "takst 1.950,00 kr. (under 2.000,00 kr.); 5 andre
/// købende kommuner".
pub fn explain(rule: &CategoriesRule, f: &CategoryFigures, year: i32) -> String {
    let Some(rate) = f.daily_rate else {
        return format!("ingen døgntakst for {year}: kategorien kan ikke beregnes");
    };
    let high = rate >= rule.min_daily_rate;
    let rate_text = format!(
        "takst {} ({} {})",
        fmt::kr(rate),
        cmp(high),
        fmt::kr(rule.min_daily_rate)
    );
    if !high {
        return format!("{rate_text}; {}", buyers_text(f.other_buyers));
    }
    let buyers = f.other_buyers >= rule.min_other_buyers as usize;
    let share = f.share_pct >= rule.min_share_pct;
    format!(
        "{rate_text}; {} ({} {}); {} af {} pladser = {} % til andre kommuner ({} {} %)",
        buyers_text(f.other_buyers),
        cmp(buyers),
        rule.min_other_buyers,
        f.places_to_others,
        f.places,
        fmt::number(f.share_pct, 1),
        cmp(share),
        fmt::number(rule.min_share_pct, 0)
    )
}

fn first_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default()
}

fn last_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default()
}

/// The agreement whose categories rule applies to an offer in `year`: among the agreements
/// with such a rule that cover the offer (never a private one) and began by the end of the
/// year, the one in force in the year (the latest begun); else the last one that ended before
/// it, marked as a fallback (the app says the agreement has ended). `None`: no such rule.
pub fn category_agreement<'a>(
    all: &'a [Agreement],
    offer: &Coverage,
    extracted: Option<NaiveDate>,
    year: i32,
) -> Option<(&'a Agreement, bool)> {
    let candidates = || {
        all.iter().filter(move |a| {
            a.terms.categories.is_set()
                && a.valid_from <= last_day(year)
                && covers(a, all, offer, extracted)
        })
    };
    if let Some(a) = candidates()
        .filter(|a| a.valid_to >= first_day(year))
        .max_by_key(|a| (a.valid_from, a.version))
    {
        return Some((a, false));
    }
    candidates()
        .max_by_key(|a| (a.valid_to, a.version))
        .map(|a| (a, true))
}

/// The agreements whose occupancy rule gives the deadlines on `today`: per KKR area the
/// latest begun by then that has such a rule, with whether it has ended (a fallback).
pub fn occupancy_agreements(all: &[Agreement], today: NaiveDate) -> Vec<(&Agreement, bool)> {
    let mut by_kkr: Vec<&Agreement> = Vec::new();
    for a in all
        .iter()
        .filter(|a| a.terms.occupancy.is_set() && a.valid_from <= today)
    {
        match by_kkr.iter_mut().find(|b| b.kkr == a.kkr) {
            Some(b) if (a.valid_from, a.version) > (b.valid_from, b.version) => *b = a,
            Some(_) => {}
            None => by_kkr.push(a),
        }
    }
    by_kkr
        .into_iter()
        .map(|a| (a, a.valid_to < today))
        .collect()
}

/// A run's deadline in `year` ("05-01" → 01.05.year).
pub fn deadline(run: &OccupancyRun, year: i32) -> Option<NaiveDate> {
    let (m, d) = run.deadline.split_once('-')?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

/// The next deadline on or after `today`: (year, run, date). On 15.04 it is 01.05 (1. kvartal),
/// on 15.10 it is 01.11 (1.-3. kvartal), on the deadline day that day.
pub fn next_deadline(
    rule: &OccupancyRule,
    today: NaiveDate,
) -> Option<(i32, &OccupancyRun, NaiveDate)> {
    [today.year(), today.year() + 1]
        .into_iter()
        .flat_map(|y| {
            rule.runs
                .iter()
                .filter_map(move |r| deadline(r, y).map(|d| (y, r, d)))
        })
        .filter(|(_, _, d)| *d >= today)
        .min_by_key(|(_, _, d)| *d)
}

/// The short code of a run for the command line: "q1" (3 months), "q1-q3" (9 months).
pub fn period_code(run: &OccupancyRun) -> String {
    match run.months {
        3 => "q1".to_string(),
        m if m % 3 == 0 => format!("q1-q{}", m / 3),
        m => format!("{m}m"),
    }
}

fn squash(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['–', '—'], "-")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The run `period` names: its code ("q1", "q1-q3") or its label ("1. kvartal").
pub fn find_run<'a>(rule: &'a OccupancyRule, period: &str) -> Result<&'a OccupancyRun> {
    let p = squash(period);
    rule.runs
        .iter()
        .find(|r| period_code(r) == p || squash(&r.label) == p)
        .ok_or_else(|| {
            let known: Vec<String> = rule
                .runs
                .iter()
                .map(|r| format!("{} ({})", period_code(r), r.label))
                .collect();
            Error::Invalid(format!(
                "Periode: «{}» kendes ikke. Brug {}.",
                period.trim(),
                known.join(" eller ")
            ))
        })
}

/// 002 L154: the deviation of the actual from the budgeted occupancy, in per cent of the
/// budgeted percentage ("relativ": (faktisk - budgetteret) / budgetteret) or in percentage
/// points ("procentpoint"), as the agreement reads it. `None` without a budget above 0.
pub fn deviation(reading: &str, budgeted: Decimal, actual: Decimal) -> Option<Decimal> {
    if reading == "procentpoint" {
        return Some(actual - budgeted);
    }
    if budgeted <= Decimal::ZERO {
        return None;
    }
    Some((actual - budgeted) * Decimal::ONE_HUNDRED / budgeted)
}

/// "afviger 5 % eller mere": at the threshold or beyond, either way.
pub fn is_due(deviation: Decimal, threshold: Decimal) -> bool {
    deviation.abs() >= threshold
}

/// How the deviation is read, for the report's text.
pub fn reading_text(reading: &str, threshold: Decimal) -> String {
    let t = fmt::number(threshold, if threshold.fract().is_zero() { 0 } else { 1 });
    if reading == "procentpoint" {
        format!("{t} procentpoint eller mere fra den budgetterede belægningsprocent")
    } else {
        format!("{t} % eller mere, regnet relativt til den budgetterede belægningsprocent: (faktisk - budgetteret) / budgetteret")
    }
}

/// The places-weighted average of `(places, value)`; `None` when there is nothing to weigh.
/// Items without places count with equal weight when no item has places.
pub fn weighted(items: &[(i64, Decimal)]) -> Option<Decimal> {
    if items.is_empty() {
        return None;
    }
    let total: i64 = items.iter().map(|(w, _)| (*w).max(0)).sum();
    if total == 0 {
        let sum: Decimal = items.iter().map(|(_, v)| *v).sum();
        return Some((sum / Decimal::from(items.len() as u64)).round_dp(2));
    }
    let sum: Decimal = items
        .iter()
        .map(|(w, v)| Decimal::from((*w).max(0)) * *v)
        .sum();
    Some((sum / Decimal::from(total)).round_dp(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn rule() -> CategoriesRule {
        CategoriesRule {
            min_daily_rate: d("2000"),
            min_other_buyers: 4,
            min_share_pct: d("40"),
        }
    }

    fn figures(rate: &str, others: usize, to_others: i64, places: i64) -> CategoryFigures {
        CategoryFigures {
            daily_rate: Some(d(rate)),
            places,
            other_buyers: others,
            places_to_others: to_others,
            share_pct: share_pct(to_others, places),
        }
    }

    #[test]
    fn a_rate_below_2000_is_never_highly_specialised() {
        // 1.950 kr., 5 other buyers, 50 % of the places: klyngetilbud, not højt
        // specialiseret (the old reading "(rate and 4) or 40 %" made it højt).
        let f = figures("1950", 5, 8, 16);
        assert_eq!(categorise(&rule(), &f), Some(Category::Klyngetilbud));
        assert_eq!(
            explain(&rule(), &f, 2026),
            "takst 1.950,00 kr. (under 2.000,00 kr.); 5 andre købende kommuner"
        );
        // Without other buyers it is local.
        let f = figures("1950", 0, 0, 16);
        assert_eq!(categorise(&rule(), &f), Some(Category::LokaltTilbud));
    }

    #[test]
    fn from_2000_four_other_buyers_or_40_percent() {
        assert_eq!(
            categorise(&rule(), &figures("2000", 4, 4, 20)),
            Some(Category::HoejtSpecialiseret)
        );
        // 40 % exactly (8 of 20) with 2 buyers.
        assert_eq!(
            categorise(&rule(), &figures("2450", 2, 8, 20)),
            Some(Category::HoejtSpecialiseret)
        );
        // Neither: 3 buyers and 7 of 20 (35 %): local by the footnotes (not klynge: the
        // rate is not below 2.000).
        let f = figures("3200", 3, 7, 20);
        assert_eq!(categorise(&rule(), &f), Some(Category::LokaltTilbud));
        assert_eq!(
            explain(&rule(), &f, 2026),
            "takst 3.200,00 kr. (mindst 2.000,00 kr.); 3 andre købende kommuner (under 4); 7 af 20 pladser = 35,0 % til andre kommuner (under 40 %)"
        );
        let none = CategoryFigures {
            daily_rate: None,
            ..figures("1", 5, 5, 10)
        };
        assert_eq!(categorise(&rule(), &none), None);
    }

    #[test]
    fn the_deviation_is_relative_to_the_budget() {
        // 90,25 % against 95 %: -4,75 points = -5,0 % of 95: reported.
        let dev = deviation("relativ", d("95"), d("90.25")).unwrap();
        assert_eq!(dev, d("-5"));
        assert!(is_due(dev, d("5")));
        // 91 against 95: -4,21 %: not reported.
        assert!(!is_due(
            deviation("relativ", d("95"), d("91")).unwrap(),
            d("5")
        ));
        assert_eq!(
            deviation("procentpoint", d("95"), d("90.25")),
            Some(d("-4.75"))
        );
    }

    fn occupancy_rule() -> OccupancyRule {
        let run = |label: &str, months, deadline: &str| OccupancyRun {
            label: label.into(),
            months,
            deadline: deadline.into(),
        };
        OccupancyRule {
            threshold_pct: d("5"),
            reading: "relativ".into(),
            runs: vec![
                run("1. kvartal", 3, "05-01"),
                run("1.-3. kvartal", 9, "11-01"),
            ],
        }
    }

    #[test]
    fn the_next_deadline() {
        let r = occupancy_rule();
        let day = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let (y, run, date) = next_deadline(&r, day(2026, 4, 15)).unwrap();
        assert_eq!((y, run.months, date), (2026, 3, day(2026, 5, 1)));
        let (_, run, date) = next_deadline(&r, day(2026, 10, 15)).unwrap();
        assert_eq!((run.months, date), (9, day(2026, 11, 1)));
        assert_eq!(
            next_deadline(&r, day(2026, 5, 1)).unwrap().2,
            day(2026, 5, 1)
        );
        let (y, run, date) = next_deadline(&r, day(2026, 11, 25)).unwrap();
        assert_eq!((y, run.months, date), (2027, 3, day(2027, 5, 1)));
        assert_eq!(find_run(&r, "Q1–Q3").unwrap().months, 9);
        assert_eq!(find_run(&r, "1. kvartal").unwrap().months, 3);
        assert!(find_run(&r, "q2")
            .unwrap_err()
            .to_string()
            .contains("q1 (1. kvartal) eller q1-q3"));
    }

    #[test]
    fn places_weighted() {
        // 10 places at 90 % and 6 at 94 %: (900 + 564) / 16 = 91,5.
        assert_eq!(weighted(&[(10, d("90")), (6, d("94"))]), Some(d("91.5")));
        assert_eq!(weighted(&[]), None);
    }

    #[test]
    fn categories_parse_as_typed() {
        assert_eq!(Category::parse("klynge").unwrap(), Category::Klyngetilbud);
        assert_eq!(
            Category::parse("Højt").unwrap(),
            Category::HoejtSpecialiseret
        );
        assert_eq!(
            Category::parse("lokalt tilbud").unwrap(),
            Category::LokaltTilbud
        );
        assert!(Category::parse("stor").is_err());
    }
}
