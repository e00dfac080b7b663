//! The search as the user types it (all text), parsed once, in the core, into a `SearchQuery`
//! with Danish messages that name the field. The desktop app and the CLI both send this form, so
//! neither repeats the input rules.

use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

use crate::catalogue::model::{LegalBasis, OperatorType};
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::search::{SearchQuery, SortKey};
use crate::{fmt, limits};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    pub text: String,
    /// Legal bases as people write them: "108", "SEL § 107", "BL-43".
    pub bases: Vec<String>,
    /// A target-group code (its subtree matches).
    pub target_group: String,
    pub age: String,
    /// kommunal, regional, privat, selvejende.
    pub operators: Vec<String>,
    /// Municipalities where the offer lies, by code or name.
    pub municipalities: Vec<String>,
    /// A region by id or name.
    pub region: String,
    /// The day the region is read on (dd.mm.åååå); today when empty.
    pub region_date: String,
    pub only_free: bool,
    /// The highest daily rate ex. VAT: "3500", "3.500,50".
    pub max_rate: String,
    /// "ja" (covered by an agreement), "nej" (not), or empty.
    pub rammeaftale: String,
    pub only_approved: bool,
    /// The citizen's home: a municipality (code or name), a postcode, or "55.64, 12.08".
    pub near: String,
    pub max_km: String,
    /// relevance, distance, rate, free_places or name.
    pub sort: String,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

fn given(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|t| !t.is_empty())
}

/// An age in whole years, 0-120.
pub fn age(input: &str) -> Result<u8> {
    input
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|v| *v <= 120)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Alderen «{}» skal være et helt tal mellem 0 og 120.",
                input.trim()
            ))
        })
}

/// A date as `dd.mm.åååå` (or ISO).
pub fn date(input: &str) -> Result<chrono::NaiveDate> {
    fmt::parse_date(input).ok_or_else(|| {
        Error::Invalid(format!(
            "Datoen «{}» kan ikke læses; skriv dd.mm.åååå.",
            input.trim()
        ))
    })
}

/// The highest daily rate: "3500", "3.500", "3.500,50", "3500.50", within `limits::DAILY_RATE`.
fn max_rate(input: &str) -> Result<Decimal> {
    let value = fmt::parse_amount(input).ok_or_else(|| {
        Error::Invalid(format!(
            "Maks. døgntakst: «{}» kan ikke læses; skriv fx 3.500 eller 3.500,50.",
            input.trim()
        ))
    })?;
    limits::DAILY_RATE.check(value, "Maks. døgntakst")
}

/// A point, a postcode or a municipality: where distances are measured from.
fn near(input: &str, q: &mut SearchQuery) -> Result<()> {
    let t = input.trim();
    if t.chars().any(|c| c.is_ascii_digit()) && (t.contains(',') || t.contains(' ')) {
        q.near_point = Some(Point::parse(t)?);
    } else if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) {
        q.near_postcode = Some(t.to_string());
    } else {
        q.near_municipality = Some(geo::find_municipality(t)?.code);
    }
    Ok(())
}

fn yes_no(input: &str) -> Result<bool> {
    match input.trim().to_lowercase().as_str() {
        "ja" | "yes" | "1" | "true" => Ok(true),
        "nej" | "no" | "0" | "false" => Ok(false),
        other => Err(Error::Invalid(format!(
            "Rammeaftale: skal være ja eller nej, ikke «{other}»."
        ))),
    }
}

/// Farther than any two places in Denmark (Gedser–Skagen is about 400 km; Bornholm adds
/// some): a larger figure is a typing error.
const MAX_KM: f64 = 1000.0;

fn km(input: &str) -> Result<f64> {
    input
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && (0.0..=MAX_KM).contains(v))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Afstanden «{}» skal være et tal i km mellem 0 og {MAX_KM}.",
                input.trim()
            ))
        })
}

impl SearchForm {
    pub fn parse(&self) -> Result<SearchQuery> {
        let mut q = SearchQuery {
            text: given(&self.text).map(String::from),
            target_group: given(&self.target_group).map(String::from),
            region: given(&self.region).map(String::from),
            only_free: self.only_free,
            only_approved: self.only_approved,
            limit: self.limit,
            offset: self.offset,
            ..SearchQuery::default()
        };
        for b in self.bases.iter().filter_map(|b| given(b)) {
            q.legal_bases.push(LegalBasis::parse(b)?);
        }
        for o in self.operators.iter().filter_map(|o| given(o)) {
            q.operator_types.push(OperatorType::parse(o)?);
        }
        for m in self.municipalities.iter().filter_map(|m| given(m)) {
            q.municipalities.push(geo::find_municipality(m)?.code);
        }
        q.age = given(&self.age).map(age).transpose()?;
        q.region_date = given(&self.region_date).map(date).transpose()?;
        q.max_daily_rate = given(&self.max_rate).map(max_rate).transpose()?;
        q.covered_by_rammeaftale = given(&self.rammeaftale).map(yes_no).transpose()?;
        if let Some(n) = given(&self.near) {
            near(n, &mut q)?;
        }
        q.max_distance_km = given(&self.max_km).map(km).transpose()?;
        if let Some(s) = given(&self.sort) {
            q.sort = SortKey::from_str(s)?;
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_as_people_type_it() {
        let q = SearchForm {
            text: " autisme ".into(),
            bases: vec!["108".into(), "".into()],
            age: "30".into(),
            near: "4000".into(),
            max_rate: "3.500,50".into(),
            rammeaftale: "ja".into(),
            max_km: "12,5".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(q.text.as_deref(), Some("autisme"));
        assert_eq!(q.legal_bases, vec![LegalBasis::Sel108]);
        assert_eq!(q.age, Some(30));
        assert_eq!(q.near_postcode.as_deref(), Some("4000"));
        assert_eq!(
            q.max_daily_rate,
            Some(Decimal::from_str("3500.50").unwrap())
        );
        assert_eq!(q.covered_by_rammeaftale, Some(true));
        assert_eq!(q.max_distance_km, Some(12.5));
        let err = |f: SearchForm| f.parse().unwrap_err().to_string();
        assert_eq!(
            err(SearchForm {
                age: "200".into(),
                ..Default::default()
            }),
            "Alderen «200» skal være et helt tal mellem 0 og 120."
        );
        assert_eq!(
            err(SearchForm {
                max_km: "-1".into(),
                ..Default::default()
            }),
            "Afstanden «-1» skal være et tal i km mellem 0 og 1000."
        );
        assert_eq!(
            err(SearchForm {
                max_rate: "tre".into(),
                ..Default::default()
            }),
            "Maks. døgntakst: «tre» kan ikke læses; skriv fx 3.500 eller 3.500,50."
        );
        // Decimal::MAX itself reads, and is refused by the range, not by a panic later.
        assert!(err(SearchForm {
            max_rate: "79228162514264337593543950335".into(),
            ..Default::default()
        })
        .starts_with("Maks. døgntakst: døgntaksten 79.228.162.514.264.337.593.543.950.335"));
        assert_eq!(
            err(SearchForm {
                max_rate: "1.000.000".into(),
                ..Default::default()
            }),
            "Maks. døgntakst: døgntaksten 1.000.000,00 kr. ligger uden for det mulige (0,00 kr. til 250.000,00 kr.)."
        );
    }
}
