//! Plausible ranges for every figure and text a user or a file brings in: rates, add-ons, VAT,
//! occupancy, places, text lengths. Every door (catalogue, rate sheet, contract form, agreement
//! file, CLI flags, the search form) checks with these before anything is stored or computed,
//! so nothing stored can make the arithmetic overflow; the money arithmetic is checked as well
//! (`mul`, `add`, `div`), so a value that got past a door still gives a Danish error, not a
//! panic.
//!
//! The ranges are technical bounds of plausibility, not agreement values: no seed sets a
//! highest rate. They are wide enough for the most specialised places (secure units cost a few
//! tens of thousands of kroner a day) and narrow enough that a typing error of a few digits or
//! a sign is caught.

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::fmt;

/// A closed range of amounts or per cents, with what the value is in Danish ("døgntaksten").
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub min: Decimal,
    pub max: Decimal,
    /// The value's name as a sentence uses it: "døgntaksten", "momsandelen".
    pub what: &'static str,
    pub unit: Kind,
}

/// How the range's bounds are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Kroner,
    Percent,
    Count,
}

const fn kr(whole: i64) -> Decimal {
    Decimal::from_parts(
        (whole as u64 & 0xFFFF_FFFF) as u32,
        ((whole as u64) >> 32) as u32,
        0,
        false,
        0,
    )
}

/// A rate per day (døgntakst), ex. VAT or with the provider's VAT share.
pub const DAILY_RATE: Range = Range {
    min: kr(0),
    max: kr(250_000),
    what: "døgntaksten",
    unit: Kind::Kroner,
};

/// A rate per month (månedstakst): the daily bound × 365 / 12, rounded up.
pub const MONTHLY_RATE: Range = Range {
    min: kr(0),
    max: kr(7_700_000),
    what: "månedstaksten",
    unit: Kind::Kroner,
};

/// A one-off amount (an add-on's engangsbeløb).
pub const ONE_OFF: Range = Range {
    min: kr(0),
    max: kr(100_000_000),
    what: "engangsbeløbet",
    unit: Kind::Kroner,
};

/// A year's cost line in a calculation basis (direct, indirect, capital costs).
pub const YEAR_COST: Range = Range {
    min: kr(0),
    max: kr(10_000_000_000),
    what: "beløbet",
    unit: Kind::Kroner,
};

/// The provider's VAT share in per cent of the amount ex. VAT: at most the Danish VAT rate.
pub const VAT_PCT: Range = Range {
    min: kr(0),
    max: kr(25),
    what: "momsandelen",
    unit: Kind::Percent,
};

/// Budgeted occupancy (budgetteret belægning): above 0, at most every place every day.
pub const BUDGET_OCCUPANCY_PCT: Range = Range {
    min: kr(1),
    max: kr(100),
    what: "den budgetterede belægning",
    unit: Kind::Percent,
};

/// Actual occupancy of a year: overbelægning happens, ten times the places does not.
pub const ACTUAL_OCCUPANCY_PCT: Range = Range {
    min: kr(0),
    max: kr(150),
    what: "den faktiske belægning",
    unit: Kind::Percent,
};

/// An overhead share in per cent.
pub const OVERHEAD_PCT: Range = Range {
    min: kr(0),
    max: kr(100),
    what: "overheadprocenten",
    unit: Kind::Percent,
};

/// The most places one department (or one buying municipality) can have.
pub const MAX_PLACES: i64 = 10_000;

/// Places in one department or offer.
pub const PLACES: Range = Range {
    min: kr(0),
    max: kr(MAX_PLACES),
    what: "antal pladser",
    unit: Kind::Count,
};

/// A year the app reasons about (rates, reports, contracts).
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Text lengths in characters.
pub mod text {
    /// Names: a citizen, an offer, a person, a department.
    pub const NAME: usize = 200;
    /// One line: an address, a case number, a reason's title, a term typed by hand.
    pub const LINE: usize = 500;
    /// A written reason, a note, a special condition.
    pub const NOTE: usize = 4_000;
    /// An offer's description in the catalogue.
    pub const DESCRIPTION: usize = 20_000;
}

impl Range {
    fn bound_text(&self, v: Decimal) -> String {
        match self.unit {
            Kind::Kroner => fmt::kr(v),
            Kind::Percent => format!(
                "{} %",
                fmt::number(v, if v.fract().is_zero() { 0 } else { 2 })
            ),
            Kind::Count => fmt::number(v, 0),
        }
    }

    /// `value` when it lies in the range; otherwise a Danish message that names the place
    /// ("Række 4", "Tillæg 2"), the value and the range.
    pub fn check(&self, value: Decimal, place: &str) -> Result<Decimal> {
        if value >= self.min && value <= self.max {
            return Ok(value);
        }
        Err(Error::Invalid(self.message(value, place)))
    }

    /// The message `check` gives, for importers that collect problems.
    pub fn message(&self, value: Decimal, place: &str) -> String {
        if place.is_empty() {
            format!("{}.", capitalise(&self.describe(value)))
        } else {
            format!("{place}: {}.", self.describe(value))
        }
    }

    /// "døgntaksten -7.700,00 kr. ligger uden for det mulige (0,00 kr. til 250.000,00 kr.)",
    /// for problem lists that put the place in front themselves.
    pub fn describe(&self, value: Decimal) -> String {
        format!(
            "{} {} ligger uden for det mulige ({} til {})",
            self.what,
            self.bound_text(value),
            self.bound_text(self.min),
            self.bound_text(self.max)
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `text` when it has at most `max` characters; otherwise a message naming the field and both
/// lengths.
pub fn text_len<'a>(text: &'a str, max: usize, field: &str) -> Result<&'a str> {
    let n = text.chars().count();
    if n <= max {
        Ok(text)
    } else {
        Err(Error::Invalid(format!(
            "{field} er {} tegn lang; højst {} tegn er tilladt.",
            fmt::number(Decimal::from(n as u64), 0),
            fmt::number(Decimal::from(max as u64), 0)
        )))
    }
}

/// A year in `YEARS`, or a message naming the field.
pub fn year(y: i64, field: &str) -> Result<i32> {
    i32::try_from(y)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{field}: året {y} ligger uden for {}–{}.",
                YEARS.start(),
                YEARS.end()
            ))
        })
}

fn too_large(what: &str) -> Error {
    Error::Invalid(format!(
        "Beregningen af {what} giver et tal, der er for stort at regne med; tjek beløb og antal."
    ))
}

/// `a × b`, or a Danish error naming what was computed instead of a panic.
pub fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(|| too_large(what))
}

/// `a + b`, checked.
pub fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| too_large(what))
}

/// `a − b`, checked.
pub fn sub(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(|| too_large(what))
}

/// `a / b`, checked (division by zero included).
pub fn div(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    if b.is_zero() {
        return Err(Error::Invalid(format!(
            "Beregningen af {what} deler med nul; tjek moms- og belægningsprocenterne."
        )));
    }
    a.checked_div(b).ok_or_else(|| too_large(what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn ranges_name_the_place_the_value_and_the_bounds() {
        assert_eq!(DAILY_RATE.check(d("3200"), "Række 4").unwrap(), d("3200"));
        assert_eq!(
            DAILY_RATE.check(d("-7700"), "Række 4").unwrap_err().to_string(),
            "Række 4: døgntaksten -7.700,00 kr. ligger uden for det mulige (0,00 kr. til 250.000,00 kr.)."
        );
        assert_eq!(
            VAT_PCT.check(d("-100"), "").unwrap_err().to_string(),
            "Momsandelen -100 % ligger uden for det mulige (0 % til 25 %)."
        );
        assert!(VAT_PCT.check(d("25"), "").is_ok());
        assert!(ACTUAL_OCCUPANCY_PCT.check(d("900"), "").is_err());
        assert!(BUDGET_OCCUPANCY_PCT.check(d("0"), "").is_err());
        assert_eq!(MONTHLY_RATE.max, d("7700000"));
        assert_eq!(YEAR_COST.max, d("10000000000"));
    }

    #[test]
    fn arithmetic_never_panics() {
        let huge = Decimal::MAX;
        assert!(mul(huge, d("2"), "prisen").is_err());
        assert!(add(huge, huge, "prisen").is_err());
        assert!(sub(Decimal::MIN, huge, "prisen").is_err());
        assert_eq!(
            div(d("1"), Decimal::ZERO, "taksten ekskl. moms")
                .unwrap_err()
                .to_string(),
            "Beregningen af taksten ekskl. moms deler med nul; tjek moms- og belægningsprocenterne."
        );
        assert_eq!(mul(d("3200"), d("365"), "prisen").unwrap(), d("1168000"));
    }

    #[test]
    fn texts_and_years() {
        assert!(text_len("Åse", text::NAME, "Navn").is_ok());
        let long = "Å".repeat(17_000);
        assert_eq!(
            text_len(&long, text::NAME, "Borgerens navn")
                .unwrap_err()
                .to_string(),
            "Borgerens navn er 17.000 tegn lang; højst 200 tegn er tilladt."
        );
        assert_eq!(year(2027, "--year").unwrap(), 2027);
        assert_eq!(
            year(-2147483648, "--year").unwrap_err().to_string(),
            "--year: året -2147483648 ligger uden for 2000–2100."
        );
    }
}
