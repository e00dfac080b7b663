//! The rules for contracts from before the standard, as pure functions: which flags the list
//! shows, the end-date warnings, and what each calendar year costs.

use chrono::{Datelike, NaiveDate};

use super::model::{OldContract, OldYearAmount};
use crate::contracts::price;
use crate::error::Result;
use crate::fmt;

/// The flag of a contract without an end date: a time-limited standard contract replaces it
/// (seed 003 L173-175: "tidsbegrænsede standardkontrakter").
pub const NO_END_FLAG: &str = "Uden slutdato – genforhandles som standardkontrakt";

/// The buyer's agreement's rule on standard contracts, when it has one: (agreement name,
/// valid from, the seed source).
pub struct StandardRule<'a> {
    pub agreement: &'a str,
    pub valid_from: NaiveDate,
    pub source: &'a str,
}

/// The flags the list shows: no end date (renegotiate as a standard contract), and a start on
/// or after the day the buyer's agreement made standard contracts obligatory for new
/// contracts ("Kun nye kontrakter", seed 003 L169-175) — such a contract is new and should
/// have been a standard contract.
pub fn flags(c: &OldContract, rule: Option<&StandardRule>) -> Vec<String> {
    let mut out = Vec::new();
    if c.end.is_none() {
        out.push(NO_END_FLAG.to_string());
    }
    if let Some(r) = rule.filter(|r| c.start >= r.valid_from) {
        // The seed lines only: the rest of the source note is on the contract's page.
        let source = r.source.split(';').next().unwrap_or(r.source).trim();
        out.push(format!(
            "Startet {} under {}, hvor standardkontrakter er obligatoriske for nye kontrakter ({source}) – genforhandles som standardkontrakt",
            fmt::date(c.start),
            r.agreement,
        ));
    }
    out
}

/// The flags as the contract list shows them: short enough for a list row (the contract's
/// page has them in full, with the agreement and its source).
pub fn list_flags(c: &OldContract, rule: Option<&StandardRule>) -> Vec<String> {
    let mut out = Vec::new();
    if c.end.is_none() {
        out.push(NO_END_FLAG.to_string());
    }
    if rule.is_some_and(|r| c.start >= r.valid_from) {
        out.push(format!(
            "Startet {} efter kravet om standardkontrakter – genforhandles som standardkontrakt",
            fmt::date(c.start)
        ));
    }
    out
}

/// End-date warnings as for standard contracts: expired, or running out within `warn_days`.
pub fn warnings(end: Option<NaiveDate>, today: NaiveDate, warn_days: i64) -> Vec<String> {
    let Some(end) = end else {
        return Vec::new();
    };
    let left = (end - today).num_days();
    if left < 0 {
        vec![format!("Udløbet {}", fmt::date(end))]
    } else if left == 0 {
        vec!["Udløber i dag".to_string()]
    } else if left <= warn_days {
        vec![format!("Udløber om {left} dage ({})", fmt::date(end))]
    } else {
        Vec::new()
    }
}

/// The last day an open-ended contract is counted in the spend figures: 31 December of
/// `today`'s year (the current year's expected spend, as a standard contract's whole term is
/// counted; no later year is guessed).
pub fn horizon(today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today)
}

/// What each calendar year of the contract costs, from its start to its end (an open-ended
/// contract to `horizon`), at the contract's price per day or per month.
pub fn year_amounts(c: &OldContract, horizon: NaiveDate) -> Result<Vec<OldYearAmount>> {
    let last = c.end.unwrap_or(horizon);
    let mut out = Vec::new();
    for (from, to) in price::year_segments(c.start, last) {
        let amount = price::line_total(c.amount, c.unit, from, to)?;
        out.push(OldYearAmount {
            year: from.year(),
            from,
            to,
            text: format!(
                "{}: {} ({}–{}, {} dage)",
                from.year(),
                fmt::kr(amount),
                fmt::date(from),
                fmt::date(to),
                price::days_inclusive(from, to)
            ),
            amount,
        });
    }
    Ok(out)
}

/// "01.07.2025–uden slutdato" or "01.07.2025–30.06.2027".
pub fn period_text(start: NaiveDate, end: Option<NaiveDate>) -> String {
    match end {
        Some(e) => format!("{}–{}", fmt::date(start), fmt::date(e)),
        None => format!("{}–uden slutdato", fmt::date(start)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::LegalBasis;
    use crate::rates::Unit;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn contract(start: NaiveDate, end: Option<NaiveDate>, amount: &str, unit: Unit) -> OldContract {
        OldContract {
            offer_id: "X".into(),
            offer_name: "X".into(),
            counts_as_public: false,
            legal_basis: LegalBasis::Sel108,
            buyer_municipality: 265,
            citizen_name: String::new(),
            citizen_cpr: String::new(),
            case_reference: "Sag 1".into(),
            start,
            end,
            amount: Decimal::from_str(amount).unwrap(),
            unit,
            document: "ESDH 1".into(),
            note: String::new(),
        }
    }

    #[test]
    fn an_open_ended_contract_counts_to_the_end_of_this_year() {
        // 3.000 kr. per day from 01.07.2025, no end: 2025 has 184 days (552.000 kr.), 2026
        // all 365 (1.095.000 kr.), and nothing is counted for 2027.
        let c = contract(d(2025, 7, 1), None, "3000", Unit::Dag);
        let years = year_amounts(&c, horizon(d(2026, 11, 25))).unwrap();
        let got: Vec<(i32, Decimal)> = years.iter().map(|y| (y.year, y.amount)).collect();
        assert_eq!(
            got,
            vec![
                (2025, Decimal::from(552_000)),
                (2026, Decimal::from(1_095_000))
            ]
        );
        assert_eq!(flags(&c, None), vec![NO_END_FLAG.to_string()]);
        assert!(warnings(None, d(2026, 11, 25), 60).is_empty());
    }

    #[test]
    fn a_monthly_price_over_whole_months_and_the_flags_of_a_new_contract() {
        // 25.000 kr. per month, 01.01.2026-30.06.2026: six whole months, 150.000 kr.
        let c = contract(d(2026, 1, 1), Some(d(2026, 6, 30)), "25000", Unit::Maaned);
        let years = year_amounts(&c, horizon(d(2026, 11, 25))).unwrap();
        assert_eq!(years.len(), 1);
        assert_eq!(years[0].amount, Decimal::from(150_000));
        let rule = StandardRule {
            agreement: "Rammeaftale 2025-2026",
            valid_from: d(2025, 1, 1),
            source: "003 L169-175",
        };
        let f = flags(&c, Some(&rule));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].starts_with("Startet 01.01.2026 under Rammeaftale 2025-2026"),
            "{f:?}"
        );
        assert_eq!(
            warnings(c.end, d(2026, 6, 1), 60),
            vec!["Udløber om 29 dage (30.06.2026)".to_string()]
        );
        assert_eq!(
            warnings(c.end, d(2026, 7, 1), 60),
            vec!["Udløbet 30.06.2026".to_string()]
        );
        assert_eq!(period_text(c.start, None), "01.01.2026–uden slutdato");
    }
}
