//! The contract rules as pure functions (no connection, no clock): which template, whether the
//! citizen's age fits the legal basis and the offer, how a typed notice period reads, and how
//! the base rate moves from year to year inside and outside the buyer's agreement (R2-R4).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::model::{Actions, ContractState};
use super::price;
use crate::agreements::model::NoticeRule;
use crate::catalogue::model::LegalBasis;
use crate::catalogue::rules::age_text;
use crate::fmt;

/// Adults' legal bases apply from this age; Barnets Lov § 43 below it.
pub const ADULT_AGE: u8 = 18;
/// A placement under Barnets Lov can continue as support for young adults, at the latest until
/// the 23rd birthday.
pub const CHILDREN_UPTO_AGE: u8 = 22;

/// The children's template (Barnets Lov) for a children's legal basis or a citizen under 18
/// on the start date; else the adults'.
pub fn children_template(basis: LegalBasis, age_on_start: Option<u8>) -> bool {
    basis == LegalBasis::Bl43 || age_on_start.is_some_and(|a| a < ADULT_AGE)
}

/// Whole years of age on `on` for someone born on `birth`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u8 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u8::try_from(years.max(0)).unwrap_or(u8::MAX)
}

/// Why the citizen's age on the start date does not fit the legal basis, if it does not.
pub fn age_against_basis(age: u8, basis: LegalBasis) -> Option<String> {
    if basis == LegalBasis::Bl43 {
        (age > CHILDREN_UPTO_AGE).then(|| {
            format!(
                "Borgeren er {age} år på startdatoen; {} gælder børn og unge (højst til det fyldte {}. år). Brug et lovgrundlag for voksne.",
                basis.label(),
                CHILDREN_UPTO_AGE + 1
            )
        })
    } else {
        (age < ADULT_AGE).then(|| {
            format!(
                "Borgeren er {age} år på startdatoen; {} gælder voksne fra {ADULT_AGE} år. Brug {} for børn og unge.",
                basis.label(),
                LegalBasis::Bl43.label()
            )
        })
    }
}

/// Why the citizen's age does not fit the offer's age range, if it does not.
pub fn age_against_offer(age: u8, offer: &str, min: u8, max: Option<u8>) -> Option<String> {
    (age < min || max.is_some_and(|m| age > m)).then(|| {
        format!(
            "Borgeren er {age} år på startdatoen; {offer} har pladser til {}.",
            age_text(min, max)
        )
    })
}

/// A notice period as people write it: "løbende måned + 3 måneder", "3 måneder", "1 måned og
/// 14 dage", "14 dage". `None` when it does not read as one.
pub fn parse_notice(text: &str) -> Option<NoticeRule> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let (to_month_end, rest) = match t.strip_prefix("løbende måned") {
        Some(r) => (true, r.trim_start().trim_start_matches('+').trim()),
        None => (false, t.as_str()),
    };
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "og" && *w != "+")
        .collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return None;
    }
    let (mut months, mut days) = (None, None);
    for pair in words.chunks(2) {
        let n: u32 = pair[0].parse().ok()?;
        match pair[1] {
            "måned" | "måneder" | "mdr" | "mdr." if months.is_none() => months = Some(n),
            "dag" | "dage" if days.is_none() => days = Some(n),
            _ => return None,
        }
    }
    let rule = NoticeRule {
        months: months.unwrap_or(0),
        days: days.unwrap_or(0),
        to_month_end,
    };
    (rule.months <= 24 && rule.days <= 366).then_some(rule)
}

/// Where one year's base rate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearRate {
    /// The year's own rate from the rate sheet (or the catalogue).
    Sheet {
        amount: Decimal,
        from_catalogue: bool,
    },
    /// Within the agreement, the year's rate is missing: last year's, provisionally.
    Provisional { amount: Decimal, from_year: i32 },
    /// Outside the agreement: the previous year's rate uplifted by this year's PL rate.
    PlUplift {
        amount: Decimal,
        from_year: i32,
        pl_pct: Decimal,
    },
    /// A one-person project without a rate on the rate sheet: the rate agreed on the contract,
    /// whose individually costed budget is the calculation basis (R4).
    Individual { amount: Decimal },
}

impl YearRate {
    pub fn amount(&self) -> Decimal {
        match self {
            YearRate::Sheet { amount, .. }
            | YearRate::Provisional { amount, .. }
            | YearRate::PlUplift { amount, .. }
            | YearRate::Individual { amount } => *amount,
        }
    }

    pub fn provisional(&self) -> bool {
        matches!(self, YearRate::Provisional { .. })
    }

    /// "Takstoversigt 2027", "Foreløbig: 2026-takst (takstoversigten for 2027 er ikke
    /// indlæst)", "2026-takst + PL 2,9 %".
    pub fn text(&self, year: i32) -> String {
        match self {
            YearRate::Sheet {
                from_catalogue: false,
                ..
            } => format!("Takstoversigt {year}"),
            YearRate::Sheet {
                from_catalogue: true,
                ..
            } => format!("Katalogets takst {year} (ikke fra en indlæst takstoversigt)"),
            YearRate::Provisional { from_year, .. } => {
                format!("Foreløbig: {from_year}-takst (takstoversigten for {year} er ikke indlæst)")
            }
            YearRate::PlUplift {
                from_year, pl_pct, ..
            } => format!("{from_year}-takst + PL {} %", fmt::number(*pl_pct, 1)),
            YearRate::Individual { .. } => {
                format!("Individuelt beregnet takst {year} (enkeltmandstilbuddets budget)")
            }
        }
    }
}

/// Why a year's rate cannot be set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingRate {
    /// No rate for the start year (or, within the agreement, for any year so far).
    Sheet(i32),
    /// Outside the agreement: the PL rate of this year is not set.
    Pl(i32),
}

/// The base rate of each calendar year from `start_year` to `end_year` (R4): within the
/// agreement each year's sheet rate (last year's, provisionally, while missing); outside it
/// the start year's sheet rate, uplifted on 1 January of each later year by that year's PL rate
/// — never replaced by a later sheet rate. `sheet(year)` gives the sheet's rate and whether it
/// came only from the catalogue; `pl(year)` the year's PL rate in per cent.
pub fn year_rates(
    start_year: i32,
    end_year: i32,
    within: bool,
    sheet: impl Fn(i32) -> Option<(Decimal, bool)>,
    pl: impl Fn(i32) -> Option<Decimal>,
) -> Result<Vec<(i32, YearRate)>, MissingRate> {
    let mut out: Vec<(i32, YearRate)> = Vec::new();
    for year in start_year..=end_year {
        let previous = out.last().map(|(y, r)| (*y, r.amount()));
        let rate = match (sheet(year), previous) {
            (Some((amount, from_catalogue)), None) => YearRate::Sheet {
                amount,
                from_catalogue,
            },
            (Some((amount, from_catalogue)), Some(_)) if within => YearRate::Sheet {
                amount,
                from_catalogue,
            },
            (None, None) => return Err(MissingRate::Sheet(year)),
            (None, Some((from_year, amount))) if within => {
                YearRate::Provisional { amount, from_year }
            }
            (_, Some((from_year, amount))) => {
                let pl_pct = pl(year).ok_or(MissingRate::Pl(year))?;
                YearRate::PlUplift {
                    amount: price::round_oere(
                        amount * (Decimal::ONE + pl_pct / Decimal::ONE_HUNDRED),
                    ),
                    from_year,
                    pl_pct,
                }
            }
        };
        out.push((year, rate));
    }
    Ok(out)
}

/// What may be done with a contract in `state` whose current version is `issued` (or a
/// draft), `renewed` when a renewal exists: the state machine in one place. The window shows
/// only these buttons, and the store refuses the rest with the same rule.
pub fn actions(state: ContractState, issued: bool, renewed: bool) -> Actions {
    use ContractState as S;
    let open = issued && matches!(state, S::Udstedt | S::Underskrevet | S::Aktiv);
    Actions {
        edit: !issued,
        issue: !issued,
        discard: !issued,
        mark_signed: issued && state == S::Udstedt,
        mark_active: issued && matches!(state, S::Udstedt | S::Underskrevet),
        terminate: open,
        renew: open && !renewed,
        correct: open,
        export_pdf: issued,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn notice_periods_read_as_written() {
        let r = |months, days, to_month_end| {
            Some(NoticeRule {
                months,
                days,
                to_month_end,
            })
        };
        assert_eq!(parse_notice("løbende måned + 3 måneder"), r(3, 0, true));
        assert_eq!(parse_notice("Løbende måned +1 måned"), r(1, 0, true));
        assert_eq!(parse_notice("3 måneder"), r(3, 0, false));
        assert_eq!(parse_notice("1 måned og 14 dage"), r(1, 14, false));
        assert_eq!(parse_notice("14 dage"), r(0, 14, false));
        assert_eq!(parse_notice(""), None);
        assert_eq!(parse_notice("en måned"), None);
        assert_eq!(parse_notice("3 uger"), None);
        assert_eq!(parse_notice("30 måneder"), None);
    }

    #[test]
    fn ages_against_the_legal_basis() {
        // An 8-year-old on an adult § 108 contract is refused; a 30-year-old passes.
        assert!(age_against_basis(8, LegalBasis::Sel108)
            .unwrap()
            .starts_with("Borgeren er 8 år på startdatoen; SEL § 108 gælder voksne fra 18 år."));
        assert_eq!(age_against_basis(30, LegalBasis::Sel108), None);
        assert_eq!(age_against_basis(17, LegalBasis::Bl43), None);
        assert_eq!(age_against_basis(22, LegalBasis::Bl43), None);
        assert!(age_against_basis(23, LegalBasis::Bl43).is_some());
        assert!(children_template(LegalBasis::Sel107, Some(17)));
        assert!(children_template(LegalBasis::Bl43, Some(19)));
        assert!(!children_template(LegalBasis::Sel107, Some(18)));
    }

    #[test]
    fn within_each_year_from_the_sheet_outside_the_start_year_plus_pl() {
        let sheet = |y: i32| match y {
            2026 => Some((dec("3180.00"), false)),
            2027 => Some((dec("3500.00"), false)),
            _ => None,
        };
        let pl = |y: i32| (y == 2027).then(|| dec("2.9"));
        let within = year_rates(2026, 2028, true, sheet, pl).unwrap();
        assert_eq!(within[1].1.amount(), dec("3500.00"));
        assert!(within[2].1.provisional());
        assert_eq!(within[2].1.amount(), dec("3500.00"));
        // Outside: 3.180 × 1,029 = 3.272,22 in 2027, never the sheet's 3.500.
        let outside = year_rates(2026, 2027, false, sheet, pl).unwrap();
        assert_eq!(outside[1].1.amount(), dec("3272.22"));
        assert_eq!(outside[1].1.text(2027), "2026-takst + PL 2,9 %");
        assert_eq!(
            year_rates(2026, 2028, false, sheet, pl),
            Err(MissingRate::Pl(2028))
        );
        assert_eq!(
            year_rates(2025, 2026, true, sheet, pl),
            Err(MissingRate::Sheet(2025))
        );
    }

    #[test]
    fn the_state_machine_in_one_place() {
        use ContractState as S;
        let draft = actions(S::Kladde, false, false);
        assert!(
            draft.edit && draft.issue && draft.discard && !draft.terminate && !draft.export_pdf
        );
        let issued = actions(S::Udstedt, true, false);
        assert!(issued.mark_signed && issued.mark_active && issued.terminate && issued.renew);
        assert!(!issued.edit && !issued.discard);
        let signed = actions(S::Underskrevet, true, false);
        assert!(!signed.mark_signed && signed.mark_active);
        let active_renewed = actions(S::Aktiv, true, true);
        assert!(!active_renewed.mark_active && !active_renewed.renew && active_renewed.correct);
        for ended in [S::Opsagt, S::Fornyet] {
            let a = actions(ended, true, false);
            assert!(!a.terminate && !a.renew && !a.correct && a.export_pdf);
        }
        // A correction in draft: the draft's actions, not the issued contract's.
        let correcting = actions(S::Aktiv, false, false);
        assert!(correcting.edit && correcting.discard && !correcting.terminate);
    }
}
