//! The catalogue snapshot file format (version 2; version 1 still reads), documented in
//! `docs/catalogue-format.md`
//! with the JSON Schema `docs/catalogue.schema.json`.
//!
//! The file is one JSON object, read as a stream: each offer is checked and handed on as it
//! passes, so a 100.000-offer file is never held in memory. The header fields may stand in
//! any order; writers put them before `offers` so format and version are checked first.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use super::model::{ApprovalStatus, LegalBasis, OperatorType};
use crate::error::Problem;
use crate::geo;
use crate::limits::{
    self,
    text::{DESCRIPTION, LINE, NAME},
};
use crate::rates::{Calculation, Rate, Unit};

pub const FORMAT_NAME: &str = "pladsoverblik-katalog";
/// The version this app writes. Version 1 (a yes/no `covered_by_rammeaftale` instead of the
/// agreements by id) still imports.
pub const FORMAT_VERSION: i64 = 2;
pub const FORMAT_VERSIONS_READ: [i64; 2] = [1, 2];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupRecord {
    pub code: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OfferRecord {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_number: Option<String>,
    pub operators: Vec<OperatorRecord>,
    pub address: AddressRecord,
    pub location: LocationRecord,
    pub age: AgeRecord,
    pub approval: ApprovalRecord,
    /// Format 2: the agreements (*rammeaftaler*) that cover the offer, by id ("SJ-2025").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rammeaftaler: Vec<String>,
    /// Format 1: covered by "the" rammeaftale (read as the agreement in force for the
    /// operating municipality on the extraction date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_by_rammeaftale: Option<bool>,
    pub target_groups: Vec<String>,
    pub departments: Vec<DepartmentRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rates: Vec<RateRecord>,
    /// Places bought per municipality and year, where the source knows them (the rammeaftale
    /// secretariats' sales figures); feeds the categories report (R7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buyers: Vec<BuyerRecord>,
    #[serde(default)]
    pub contact: ContactRecord,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OperatorRecord {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality_code: Option<i64>,
    pub valid_from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AddressRecord {
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub municipality_code: i64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LocationRecord {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AgeRecord {
    pub min: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRecord {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub socialtilsyn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DepartmentRecord {
    pub id: String,
    pub name: String,
    /// Format 2: a secure department (SEL § 108 stk. 7), whose places are not for an ordinary
    /// need.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secure: bool,
    pub legal_bases: Vec<PlacesRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlacesRecord {
    pub basis: String,
    pub places: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_places: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_as_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_source: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RateRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<String>,
    pub basis: String,
    pub year: i64,
    pub amount: String,
    pub unit: String,
    /// VAT included in `amount`, in percent of the amount ex. VAT; "0" when ex. VAT.
    #[serde(default = "zero_text")]
    pub vat_pct: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation: Option<CalculationRecord>,
}

fn zero_text() -> String {
    "0".to_string()
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CalculationRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_costs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indirect_costs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead_pct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capital_costs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budgeted_occupancy_pct: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BuyerRecord {
    pub year: i64,
    pub municipality_code: i64,
    pub places: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// The header of a snapshot: everything before `offers`.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub format: String,
    pub format_version: i64,
    pub extracted: NaiveDate,
    pub source: String,
    pub example: bool,
    pub target_groups: Vec<TargetGroupRecord>,
}

// ---------------------------------------------------------------------------------------------
// Validated records

#[derive(Debug, Clone)]
pub struct Operator {
    pub kind: OperatorType,
    pub name: String,
    pub cvr: Option<String>,
    pub municipality_code: Option<u16>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Places {
    pub department_id: String,
    pub basis: LegalBasis,
    pub places: u32,
    pub free_places: Option<u32>,
    pub free_as_of: Option<NaiveDate>,
    pub free_source: Option<String>,
}

/// Places bought by one municipality in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buyer {
    pub year: i32,
    pub municipality_code: u16,
    pub places: i64,
}

/// An offer that passed validation, ready to store.
#[derive(Debug, Clone)]
pub struct Offer {
    pub record: OfferRecord,
    pub municipality_code: u16,
    pub min_age: u8,
    pub max_age: Option<u8>,
    pub approval: ApprovalStatus,
    pub approval_date: Option<NaiveDate>,
    pub operators: Vec<Operator>,
    pub places: Vec<Places>,
    pub rates: Vec<Rate>,
    pub buyers: Vec<Buyer>,
    /// The agreements named for the offer (format 2).
    pub agreements: Vec<String>,
    /// Format 1's `covered_by_rammeaftale: true`.
    pub covered_v1: bool,
}

// ---------------------------------------------------------------------------------------------
// Field checks shared with other importers

/// Parses an amount written as in the format: a dot as decimal separator, no thousands
/// separator ("4535.00"). Danish-formatted numbers are refused with an explanation.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let hint =
        "skriv beløb med punktum som decimaltegn og uden tusindtalsskilletegn, fx \"4535.50\"";
    if t.is_empty() {
        return Err(format!("beløbet er tomt; {hint}"));
    }
    if t.contains(',') {
        return Err(format!("«{t}» indeholder komma; {hint}"));
    }
    if t.matches('.').count() > 1 || t.contains(' ') {
        return Err(format!("«{t}» er ikke et gyldigt beløb; {hint}"));
    }
    Decimal::from_str_exact(t).map_err(|_| format!("«{t}» er ikke et gyldigt beløb; {hint}"))
}

/// CVR: 8 digits, not starting with 0, weights 2,7,6,5,4,3,2,1 (the contract's own check).
pub fn cvr_is_valid(cvr: &str) -> bool {
    cvr.len() == 8 && crate::contracts::ids::check_cvr(cvr).is_ok()
}

fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Collects problems for one record with the record's place prefixed. Field names are
/// passed as closures and made only for a problem: made for every field of every offer, they
/// were a quarter of the checks' time (6 million `format!` calls for 100.000 offers).
struct Checker<'p> {
    /// The offer's id and its number in the file, for the place of a problem.
    id: &'p str,
    index: usize,
    problems: &'p mut Vec<Problem>,
}

impl Checker<'_> {
    /// A year from 2000 to 2100.
    fn year(&mut self, field: impl Fn() -> String, value: i64) -> Option<i32> {
        match i32::try_from(value) {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                self.fail(
                    &field(),
                    format!("årstallet {value} er ikke mellem 2000 og 2100"),
                );
                None
            }
        }
    }

    fn fail(&mut self, field: &str, message: impl Into<String>) {
        let (id, index) = (self.id, self.index);
        let record = if id.trim().is_empty() {
            format!("tilbud nr. {index}")
        } else {
            format!("tilbud «{id}» (nr. {index})")
        };
        self.problems.push(Problem {
            place: format!("{record}, felt {field}"),
            message: message.into(),
        });
    }

    fn date(&mut self, field: impl Fn() -> String, value: &str) -> Option<NaiveDate> {
        let d = parse_iso_date(value);
        if d.is_none() {
            self.fail(
                &field(),
                format!("«{value}» er ikke en gyldig dato; skriv åååå-mm-dd, fx 2026-11-15"),
            );
        }
        d
    }

    /// An amount or per cent within `range` (`limits`).
    fn ranged(
        &mut self,
        field: impl Fn() -> String,
        value: &str,
        range: limits::Range,
    ) -> Option<Decimal> {
        let d = parse_amount(value)
            .map_err(|e| self.fail(&field(), e))
            .ok()?;
        if range.check(d, "").is_err() {
            self.fail(&field(), range.describe(d));
            return None;
        }
        Some(d)
    }

    /// A text of at most `max` characters.
    fn text(&mut self, field: impl Fn() -> String, value: &str, max: usize) {
        // Only a text longer than `max` bytes can be longer than `max` characters.
        if value.len() <= max {
            return;
        }
        let n = value.chars().count();
        if n > max {
            self.fail(
                &field(),
                format!("teksten er {n} tegn lang; højst {max} tegn er tilladt"),
            );
        }
    }

    /// The offer's agreements by id (format 2) or its yes/no flag (format 1), not both.
    fn agreements(&mut self, rec: &OfferRecord) -> Vec<String> {
        if rec.covered_by_rammeaftale.is_some() && !rec.rammeaftaler.is_empty() {
            self.fail(
                "covered_by_rammeaftale",
                "brug enten rammeaftaler (formatversion 2) eller covered_by_rammeaftale (version 1), ikke begge",
            );
        }
        let mut out: Vec<String> = Vec::new();
        for (i, id) in rec.rammeaftaler.iter().enumerate() {
            let ok = !id.is_empty()
                && id.len() <= 20
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                self.fail(
                    &format!("rammeaftaler[{i}]"),
                    format!("«{id}» er ikke et rammeaftale-id (fx SJ-2025)"),
                );
            } else if out.contains(id) {
                self.fail(
                    &format!("rammeaftaler[{i}]"),
                    format!("rammeaftalen «{id}» står der to gange"),
                );
            } else {
                out.push(id.clone());
            }
        }
        out
    }

    fn basis(&mut self, field: impl Fn() -> String, code: &str) -> Option<LegalBasis> {
        let b = LegalBasis::ALL.into_iter().find(|b| b.code() == code);
        if b.is_none() {
            self.fail(
                &field(),
                format!(
                    "lovgrundlaget «{code}» kendes ikke; brug en af {}",
                    LegalBasis::ALL.map(|b| b.code()).join(", ")
                ),
            );
        }
        b
    }
}

/// Validation context for one file. Checks that need the header (free-place dates against
/// the extraction date, target-group codes against the tree) are made by the importer at the
/// end, because JSON does not fix the order of an object's fields.
#[derive(Default)]
pub struct Validator {
    seen_ids: HashSet<String>,
}

impl Validator {
    pub fn new() -> Self {
        Validator::default()
    }

    /// Counts an offer that passed before and is taken unchanged, by its id; false when the
    /// file had that id already.
    pub fn unchanged(&mut self, id: &str) -> bool {
        self.seen_ids.insert(id.to_string())
    }

    /// Checks one offer (number `index`, counted from 1). Problems are appended; the offer
    /// is returned only when it has none.
    pub fn offer(
        &mut self,
        index: usize,
        rec: OfferRecord,
        problems: &mut Vec<Problem>,
    ) -> Option<Offer> {
        let before = problems.len();
        let mut c = Checker {
            id: &rec.id,
            index,
            problems,
        };
        c.identity(&rec, &mut self.seen_ids);
        c.texts(&rec);
        let operators = c.operators(&rec.operators);
        let municipality_code = c.address_and_location(&rec.address, rec.location);
        let (min_age, max_age) = c.age(rec.age);
        let (approval, approval_date) = c.approval(&rec.approval);
        if rec.target_groups.is_empty() {
            c.fail("target_groups", "der skal være mindst én målgruppe");
        }
        let (places, dept_ids) = c.departments(&rec.departments);
        let rates = c.rates(&rec, &places, &dept_ids);
        let buyers = c.buyers(&rec.buyers);
        let agreements = c.agreements(&rec);
        if c.problems.len() > before {
            return None;
        }
        Some(Offer {
            agreements,
            covered_v1: rec.covered_by_rammeaftale == Some(true),
            municipality_code,
            min_age,
            max_age,
            approval: approval.unwrap_or(ApprovalStatus::UnderGodkendelse),
            approval_date,
            operators,
            places,
            rates,
            buyers,
            record: rec,
        })
    }
}

// The sections of an offer, in the order `Validator::offer` checks them (the order of the
// problems reported).
impl Checker<'_> {
    /// Id (new in the file), name, CVR and P-number.
    fn identity(&mut self, rec: &OfferRecord, seen_ids: &mut HashSet<String>) {
        if rec.id.trim().is_empty() {
            self.fail("id", "id mangler");
        } else if !seen_ids.insert(rec.id.clone()) {
            self.fail(
                "id",
                format!("id «{}» findes allerede tidligere i filen", rec.id),
            );
        }
        if rec.name.trim().is_empty() {
            self.fail("name", "navnet mangler");
        }
        if let Some(cvr) = &rec.cvr {
            if !cvr_is_valid(cvr) {
                self.fail(
                    "cvr",
                    format!("CVR-nummeret «{cvr}» er ugyldigt (8 cifre med gyldigt kontrolciffer)"),
                );
            }
        }
        if let Some(p) = &rec.p_number {
            if p.len() != 10 || !p.chars().all(|ch| ch.is_ascii_digit()) {
                self.fail("p_number", format!("P-nummeret «{p}» skal være 10 cifre"));
            }
        }
    }

    /// Every text of the offer within its length (`limits::text`): a catalogue cannot make
    /// the app hold a description of hundreds of megabytes.
    fn texts(&mut self, rec: &OfferRecord) {
        let named = |name: &'static str| move || name.to_string();
        self.text(named("id"), &rec.id, LINE);
        self.text(named("name"), &rec.name, NAME);
        self.text(named("description"), &rec.description, DESCRIPTION);
        self.text(named("address.street"), &rec.address.street, LINE);
        self.text(named("address.city"), &rec.address.city, LINE);
        let tilsyn = &rec.approval.socialtilsyn;
        self.text(named("approval.socialtilsyn"), tilsyn, LINE);
        for (i, o) in rec.operators.iter().enumerate() {
            self.text(|| format!("operators[{i}].name"), &o.name, NAME);
        }
        for (i, d) in rec.departments.iter().enumerate() {
            self.text(|| format!("departments[{i}].id"), &d.id, LINE);
            self.text(|| format!("departments[{i}].name"), &d.name, NAME);
            for (j, p) in d.legal_bases.iter().enumerate() {
                if let Some(source) = &p.free_source {
                    let field = || format!("departments[{i}].legal_bases[{j}].free_source");
                    self.text(field, source, LINE);
                }
            }
        }
        for (i, t) in rec.target_groups.iter().enumerate() {
            self.text(|| format!("target_groups[{i}]"), t, LINE);
        }
        let contact = &rec.contact;
        for (name, value) in [
            ("manager", &contact.manager),
            ("phone", &contact.phone),
            ("email", &contact.email),
            ("website", &contact.website),
        ] {
            if let Some(v) = value {
                self.text(|| format!("contact.{name}"), v, LINE);
            }
        }
    }

    /// Operators (date-effective history): at least one, periods that do not overlap.
    fn operators(&mut self, records: &[OperatorRecord]) -> Vec<Operator> {
        let mut operators = Vec::new();
        if records.is_empty() {
            self.fail("operators", "der skal være mindst én driftsherre");
        }
        for (i, o) in records.iter().enumerate() {
            if let Some(operator) = self.operator(i, o) {
                operators.push(operator);
            }
        }
        operators.sort_by_key(|o| o.valid_from);
        for w in operators.windows(2) {
            if w[0].valid_to.is_none_or(|to| to > w[1].valid_from) {
                self.fail(
                    "operators",
                    "driftsherreperioderne overlapper; hver periode skal slutte, før den næste begynder",
                );
                break;
            }
        }
        operators
    }

    /// One operator period (`operators[i]`); it is kept when its type and start are valid.
    fn operator(&mut self, i: usize, o: &OperatorRecord) -> Option<Operator> {
        let f = |name: &str| format!("operators[{i}].{name}");
        let kind = OperatorType::ALL.into_iter().find(|t| t.code() == o.kind);
        if kind.is_none() {
            self.fail(
                &f("type"),
                format!("driftsherretypen «{}» kendes ikke; brug kommunal, regional, privat eller selvejende", o.kind),
            );
        }
        if o.name.trim().is_empty() {
            self.fail(&f("name"), "driftsherrens navn mangler");
        }
        let muni = match o.municipality_code {
            Some(code) => match u16::try_from(code).ok().and_then(geo::municipality) {
                Some(m) => Some(m.code),
                None => {
                    self.fail(
                        &f("municipality_code"),
                        format!("ukendt kommunekode {code}"),
                    );
                    None
                }
            },
            None => None,
        };
        if kind == Some(OperatorType::Kommunal) && o.municipality_code.is_none() {
            self.fail(
                &f("municipality_code"),
                "en kommunal driftsherre skal have en kommunekode",
            );
        }
        if let Some(cvr) = &o.cvr {
            if !cvr_is_valid(cvr) {
                self.fail(&f("cvr"), format!("CVR-nummeret «{cvr}» er ugyldigt"));
            }
        }
        let from = self.date(|| f("valid_from"), &o.valid_from);
        let to = o
            .valid_to
            .as_deref()
            .and_then(|t| self.date(|| f("valid_to"), t));
        if let (Some(a), Some(b)) = (from, to) {
            if b <= a {
                self.fail(&f("valid_to"), "slutdatoen skal ligge efter startdatoen");
            }
        }
        let (Some(kind), Some(valid_from)) = (kind, from) else {
            return None;
        };
        Some(Operator {
            kind,
            name: o.name.clone(),
            cvr: o.cvr.clone(),
            municipality_code: muni,
            valid_from,
            valid_to: to,
        })
    }

    /// Address and location; the municipality code (0 when unknown).
    fn address_and_location(&mut self, address: &AddressRecord, location: LocationRecord) -> u16 {
        let municipality_code = match u16::try_from(address.municipality_code)
            .ok()
            .and_then(geo::municipality)
        {
            Some(m) => m.code,
            None => {
                self.fail(
                    "address.municipality_code",
                    format!("ukendt kommunekode {}", address.municipality_code),
                );
                0
            }
        };
        if address.postcode.len() != 4 || !address.postcode.chars().all(|ch| ch.is_ascii_digit()) {
            self.fail(
                "address.postcode",
                format!("postnummeret «{}» skal være 4 cifre", address.postcode),
            );
        }
        if address.city.trim().is_empty() {
            self.fail("address.city", "bynavnet mangler");
        }
        let LocationRecord { lat, lon } = location;
        if !(54.4..=57.9).contains(&lat) || !(7.9..=15.3).contains(&lon) {
            self.fail(
                "location",
                format!("koordinaten {lat}, {lon} ligger ikke i Danmark"),
            );
        }
        municipality_code
    }

    /// Age: (minimum, maximum).
    fn age(&mut self, age: AgeRecord) -> (u8, Option<u8>) {
        let min_age = match u8::try_from(age.min) {
            Ok(a) if a <= 120 => a,
            _ => {
                self.fail(
                    "age.min",
                    format!("alderen {} er ikke mellem 0 og 120", age.min),
                );
                0
            }
        };
        let max_age = match age.max {
            None => None,
            Some(m) => match u8::try_from(m) {
                Ok(a) if a <= 120 && a >= min_age => Some(a),
                _ => {
                    self.fail(
                        "age.max",
                        format!("maksimumsalderen {m} skal være mellem minimumsalderen og 120"),
                    );
                    None
                }
            },
        };
        (min_age, max_age)
    }

    /// Approval: (status, date).
    fn approval(
        &mut self,
        approval: &ApprovalRecord,
    ) -> (Option<ApprovalStatus>, Option<NaiveDate>) {
        let status = ApprovalStatus::parse(&approval.status);
        if status.is_none() {
            self.fail(
                "approval.status",
                format!(
                    "godkendelsesstatus «{}» kendes ikke; brug godkendt, betinget_godkendt eller under_godkendelse",
                    approval.status
                ),
            );
        }
        let date = approval
            .date
            .as_deref()
            .and_then(|d| self.date(|| "approval.date".into(), d));
        if approval.socialtilsyn.trim().is_empty() {
            self.fail(
                "approval.socialtilsyn",
                "det tilsynsførende socialtilsyn mangler",
            );
        }
        (status, date)
    }

    /// Departments and places: the places by department and basis, and the departments' ids.
    fn departments<'r>(
        &mut self,
        departments: &'r [DepartmentRecord],
    ) -> (Vec<Places>, HashSet<&'r str>) {
        let mut places = Vec::new();
        let mut dept_ids = HashSet::new();
        if departments.is_empty() {
            self.fail("departments", "der skal være mindst én afdeling");
        }
        for (i, d) in departments.iter().enumerate() {
            if d.id.trim().is_empty() {
                self.fail(&format!("departments[{i}].id"), "afdelingens id mangler");
            } else if !dept_ids.insert(d.id.as_str()) {
                self.fail(
                    &format!("departments[{i}].id"),
                    format!("afdelings-id «{}» bruges to gange", d.id),
                );
            }
            if d.name.trim().is_empty() {
                self.fail(
                    &format!("departments[{i}].name"),
                    "afdelingens navn mangler",
                );
            }
            if d.legal_bases.is_empty() {
                self.fail(
                    &format!("departments[{i}].legal_bases"),
                    "afdelingen skal have mindst ét lovgrundlag",
                );
            }
            let mut seen_bases = HashSet::new();
            for (j, p) in d.legal_bases.iter().enumerate() {
                let field = || format!("departments[{i}].legal_bases[{j}]");
                if let Some(entry) = self.places(&field, &d.id, p, &mut seen_bases) {
                    places.push(entry);
                }
            }
        }
        (places, dept_ids)
    }

    /// One department's places under one basis (`field`: "departments[i].legal_bases[j]");
    /// kept when basis and number are valid.
    fn places(
        &mut self,
        field: &dyn Fn() -> String,
        department_id: &str,
        p: &PlacesRecord,
        seen_bases: &mut HashSet<LegalBasis>,
    ) -> Option<Places> {
        let f = |name: &str| format!("{}.{name}", field());
        let basis = self.basis(|| f("basis"), &p.basis);
        if let Some(b) = basis {
            if !seen_bases.insert(b) {
                self.fail(
                    &f("basis"),
                    format!("{} står to gange i samme afdeling", b.label()),
                );
            }
        }
        let n = match u32::try_from(p.places) {
            Ok(n) if Decimal::from(n) <= limits::PLACES.max => Some(n),
            Ok(n) => {
                self.fail(&f("places"), limits::PLACES.describe(Decimal::from(n)));
                None
            }
            Err(_) => {
                self.fail(
                    &f("places"),
                    format!("antal pladser kan ikke være negativt ({})", p.places),
                );
                None
            }
        };
        let (free, as_of) = self.free_places(field, p, n);
        let (Some(basis), Some(n)) = (basis, n) else {
            return None;
        };
        Some(Places {
            department_id: department_id.to_string(),
            basis,
            places: n,
            free_places: free,
            free_as_of: as_of,
            free_source: p.free_source.clone(),
        })
    }

    /// The free places of one entry (at most `places`), with their date and source.
    fn free_places(
        &mut self,
        field: &dyn Fn() -> String,
        p: &PlacesRecord,
        places: Option<u32>,
    ) -> (Option<u32>, Option<NaiveDate>) {
        let f = |name: &str| format!("{}.{name}", field());
        let free = match p.free_places {
            None => None,
            Some(v) if v < 0 => {
                self.fail(
                    &f("free_places"),
                    format!("antal ledige pladser kan ikke være negativt ({v})"),
                );
                None
            }
            Some(v) => match places {
                Some(total) if v > i64::from(total) => {
                    self.fail(
                        &f("free_places"),
                        format!("ledige pladser ({v}) er flere end pladser i alt ({total})"),
                    );
                    None
                }
                _ => u32::try_from(v).ok(),
            },
        };
        let as_of = match (&p.free_places, &p.free_as_of) {
            (Some(_), None) => {
                self.fail(
                    &f("free_as_of"),
                    "ledige pladser skal have en dato (free_as_of)",
                );
                None
            }
            (_, Some(s)) => self.date(|| f("free_as_of"), s),
            (None, None) => None,
        };
        if p.free_places.is_some() && p.free_source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.fail(
                &f("free_source"),
                "ledige pladser skal have en kilde (free_source)",
            );
        }
        (free, as_of)
    }

    /// Rates: each for a basis the offer has places under and a department it has, one per
    /// department, basis and year.
    fn rates(
        &mut self,
        rec: &OfferRecord,
        places: &[Places],
        dept_ids: &HashSet<&str>,
    ) -> Vec<Rate> {
        let mut rates = Vec::new();
        let mut seen_rates = HashSet::new();
        for (i, r) in rec.rates.iter().enumerate() {
            if let Some(rate) = self.rate(i, r, &rec.id, places, dept_ids, &mut seen_rates) {
                rates.push(rate);
            }
        }
        rates
    }

    /// One rate (`rates[i]`); kept when basis, year, amount, unit and VAT are valid.
    fn rate(
        &mut self,
        i: usize,
        r: &RateRecord,
        offer_id: &str,
        places: &[Places],
        dept_ids: &HashSet<&str>,
        seen_rates: &mut HashSet<(String, LegalBasis, i32)>,
    ) -> Option<Rate> {
        let f = |name: &str| format!("rates[{i}].{name}");
        let basis = self.basis(|| f("basis"), &r.basis);
        if let Some(b) = basis {
            if !places.iter().any(|p| p.basis == b) {
                self.fail(
                    &f("basis"),
                    format!("tilbuddet har ingen pladser efter {}", b.label()),
                );
            }
        }
        let dept = r.department_id.clone().unwrap_or_default();
        if !dept.is_empty() && !dept_ids.contains(dept.as_str()) {
            self.fail(
                &f("department_id"),
                format!("afdelingen «{dept}» findes ikke i tilbuddet"),
            );
        }
        let year = self.year(|| f("year"), r.year);
        let unit = Unit::from_rate_code(&r.unit);
        if unit.is_none() {
            self.fail(
                &f("unit"),
                format!("enheden «{}» kendes ikke; brug dag eller maaned", r.unit),
            );
        }
        let range = match unit {
            Some(Unit::Maaned) => limits::MONTHLY_RATE,
            _ => limits::DAILY_RATE,
        };
        let amount = self.ranged(|| f("amount"), &r.amount, range);
        if amount.is_some_and(|a| a.is_zero()) {
            self.fail(&f("amount"), "taksten er 0");
        }
        let vat_pct = self.ranged(|| f("vat_pct"), &r.vat_pct, limits::VAT_PCT);
        let calculation = self.calculation(i, r);
        if let (Some(basis), Some(year)) = (basis, year) {
            if !seen_rates.insert((dept.clone(), basis, year)) {
                self.fail(
                    &f("year"),
                    format!(
                        "der er to takster for {} i {year} for samme afdeling",
                        basis.label()
                    ),
                );
            }
        }
        let (Some(basis), Some(year), Some(amount), Some(unit), Some(vat_pct)) =
            (basis, year, amount, unit, vat_pct)
        else {
            return None;
        };
        Some(Rate {
            offer_id: offer_id.to_string(),
            department_id: dept,
            basis,
            year,
            amount,
            unit,
            vat_pct,
            calculation,
            actual_occupancy_pct: None,
        })
    }

    /// The optional calculation basis of rate `rates[i]`: amounts and percentages.
    fn calculation(&mut self, i: usize, r: &RateRecord) -> Calculation {
        let calc = r.calculation.clone().unwrap_or_default();
        let mut opt = |name: &str, v: &Option<String>, range: limits::Range| {
            v.as_deref()
                .and_then(|t| self.ranged(|| format!("rates[{i}].calculation.{name}"), t, range))
        };
        let direct_costs = opt("direct_costs", &calc.direct_costs, limits::YEAR_COST);
        let indirect_costs = opt("indirect_costs", &calc.indirect_costs, limits::YEAR_COST);
        let overhead_pct = opt("overhead_pct", &calc.overhead_pct, limits::OVERHEAD_PCT);
        let capital_costs = opt("capital_costs", &calc.capital_costs, limits::YEAR_COST);
        let budgeted_occupancy_pct = opt(
            "budgeted_occupancy_pct",
            &calc.budgeted_occupancy_pct,
            limits::BUDGET_OCCUPANCY_PCT,
        );
        Calculation {
            direct_costs,
            indirect_costs,
            overhead_pct,
            capital_costs,
            budgeted_occupancy_pct,
        }
    }

    /// Buyers: places bought per municipality and year, one entry for each.
    fn buyers(&mut self, records: &[BuyerRecord]) -> Vec<Buyer> {
        let mut buyers = Vec::new();
        let mut seen_buyers = HashSet::new();
        for (i, b) in records.iter().enumerate() {
            let f = |name: &str| format!("buyers[{i}].{name}");
            let year = self.year(|| f("year"), b.year);
            let muni = u16::try_from(b.municipality_code)
                .ok()
                .and_then(geo::municipality);
            if muni.is_none() {
                self.fail(
                    &f("municipality_code"),
                    format!("ukendt kommunekode {}", b.municipality_code),
                );
            }
            if b.places > limits::MAX_PLACES {
                self.fail(
                    &f("places"),
                    limits::PLACES.describe(Decimal::from(b.places)),
                );
            } else if b.places < 1 {
                self.fail(
                    &f("places"),
                    format!(
                        "antallet af købte pladser skal være mindst 1, ikke {}",
                        b.places
                    ),
                );
            }
            if let (Some(year), Some(m)) = (year, muni) {
                if !seen_buyers.insert((year, m.code)) {
                    self.fail(
                        &f("municipality_code"),
                        format!("{} Kommune står to gange som køber i {year}", m.name),
                    );
                } else if (1..=limits::MAX_PLACES).contains(&b.places) {
                    buyers.push(Buyer {
                        year,
                        municipality_code: m.code,
                        places: b.places,
                    });
                }
            }
        }
        buyers
    }
}

/// Checks the target-group tree: unique codes, labels present, every parent defined earlier.
pub fn check_target_groups(groups: &[TargetGroupRecord], problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    if groups.is_empty() {
        problems.push(Problem {
            place: "target_groups".into(),
            message: "målgruppetræet er tomt".into(),
        });
    }
    for (i, g) in groups.iter().enumerate() {
        let place = format!("målgruppe «{}» (target_groups[{i}])", g.code);
        if g.code.trim().is_empty() {
            problems.push(Problem {
                place: format!("target_groups[{i}]"),
                message: "koden mangler".into(),
            });
        }
        if g.label.trim().is_empty() {
            problems.push(Problem {
                place: place.clone(),
                message: "betegnelsen mangler".into(),
            });
        } else if g.label.chars().count() > LINE || g.code.chars().count() > LINE {
            problems.push(Problem {
                place: place.clone(),
                message: format!("kode og betegnelse må højst være {LINE} tegn"),
            });
        }
        if let Some(p) = &g.parent {
            if !seen.contains(p.as_str()) {
                problems.push(Problem {
                    place: place.clone(),
                    message: format!("overgruppen «{p}» skal stå tidligere i listen"),
                });
            }
        }
        if !seen.insert(g.code.as_str()) {
            problems.push(Problem {
                place,
                message: "koden findes to gange".into(),
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Streaming reader

/// What the streaming reader hands to its consumer, in file order.
pub enum Item<'a> {
    /// `offers` begins; the format version and the target groups are given when they came
    /// before it.
    OffersStart {
        format_version: Option<i64>,
        target_groups: Option<Vec<TargetGroupRecord>>,
    },
    Offer(usize, Box<OfferRecord>),
    /// An offer as its JSON text in the file, unparsed (when the consumer asks for that:
    /// `Consumer::raw_offers`). Read from memory, the text stands where it is in the file.
    RawOffer(usize, &'a str),
    /// The whole file has been read; the header is complete.
    End(Header),
}

/// Receives items while the file streams past. Returning `Err` stops reading.
pub trait Consumer {
    fn item(&mut self, item: Item<'_>) -> Result<(), String>;

    /// Whether the offers come as their text (`Item::RawOffer`) rather than parsed; asked
    /// once, after `Item::OffersStart`.
    fn raw_offers(&self) -> bool {
        false
    }
}

#[derive(Default)]
struct HeaderParts {
    format: Option<String>,
    format_version: Option<i64>,
    extracted: Option<String>,
    source: Option<String>,
    example: Option<bool>,
    target_groups: Option<Vec<TargetGroupRecord>>,
}

struct TopVisitor<'c> {
    consumer: &'c mut dyn Consumer,
    offers_seen: &'c std::cell::Cell<usize>,
    offers_done: &'c std::cell::Cell<bool>,
    /// The file is in memory: an offer's text can be handed on as it stands.
    in_memory: bool,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("et katalog-objekt")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut h = HeaderParts::default();
        let mut had_offers = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let v: String = map.next_value()?;
                    if v != FORMAT_NAME {
                        return Err(ours(format!(
                            "feltet «format» er «{v}», men skal være «{FORMAT_NAME}»; det er ikke en katalogfil til Pladsoverblik"
                        )));
                    }
                    h.format = Some(v);
                }
                "format_version" => {
                    let v: i64 = map.next_value()?;
                    if !FORMAT_VERSIONS_READ.contains(&v) {
                        return Err(ours(format!(
                            "filen har formatversion {v}, men denne version af Pladsoverblik læser version 1 og {FORMAT_VERSION}"
                        )));
                    }
                    h.format_version = Some(v);
                }
                "extracted" => h.extracted = Some(map.next_value()?),
                "source" => h.source = Some(map.next_value()?),
                "example" => h.example = Some(map.next_value()?),
                "target_groups" => h.target_groups = Some(map.next_value()?),
                "offers" => {
                    if had_offers {
                        return Err(ours("feltet «offers» står to gange"));
                    }
                    self.consumer
                        .item(Item::OffersStart {
                            format_version: h.format_version,
                            target_groups: h.target_groups.clone(),
                        })
                        .map_err(ours)?;
                    let raw = self.consumer.raw_offers();
                    map.next_value_seed(OffersSeed {
                        consumer: &mut *self.consumer,
                        offers_seen: self.offers_seen,
                        raw,
                        in_memory: self.in_memory,
                    })?;
                    self.offers_done.set(true);
                    had_offers = true;
                }
                other => return Err(ours(format!("ukendt felt «{other}» øverst i filen"))),
            }
        }
        if !had_offers {
            return Err(ours("feltet «offers» mangler"));
        }
        let header = finish_header(h).map_err(ours)?;
        self.consumer.item(Item::End(header)).map_err(ours)
    }
}

fn finish_header(h: HeaderParts) -> Result<Header, String> {
    let missing = |f: &str| format!("feltet «{f}» mangler øverst i filen");
    let extracted_text = h.extracted.ok_or_else(|| missing("extracted"))?;
    let extracted = parse_iso_date(&extracted_text).ok_or_else(|| {
        format!("feltet «extracted» er «{extracted_text}»; skriv datoen som åååå-mm-dd")
    })?;
    Ok(Header {
        format: h.format.ok_or_else(|| missing("format"))?,
        format_version: h.format_version.ok_or_else(|| missing("format_version"))?,
        extracted,
        source: h.source.ok_or_else(|| missing("source"))?,
        example: h.example.unwrap_or(false),
        target_groups: h.target_groups.ok_or_else(|| missing("target_groups"))?,
    })
}

struct OffersSeed<'c> {
    consumer: &'c mut dyn Consumer,
    offers_seen: &'c std::cell::Cell<usize>,
    /// Each offer handed on as its text.
    raw: bool,
    /// The file is in memory: an offer's text is handed on where it stands.
    in_memory: bool,
}

impl<'de> DeserializeSeed<'de> for OffersSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for OffersSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("en liste af tilbud")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.offers_seen.set(self.offers_seen.get() + 1);
            let index = self.offers_seen.get();
            let handed = match (self.raw, self.in_memory) {
                (true, true) => seq
                    .next_element::<&'de serde_json::value::RawValue>()?
                    .map(|raw| self.consumer.item(Item::RawOffer(index, raw.get()))),
                // From a stream the text is copied out of it.
                (true, false) => seq
                    .next_element::<Box<serde_json::value::RawValue>>()?
                    .map(|raw| self.consumer.item(Item::RawOffer(index, raw.get()))),
                (false, _) => seq
                    .next_element::<OfferRecord>()?
                    .map(|rec| self.consumer.item(Item::Offer(index, Box::new(rec)))),
            };
            match handed {
                Some(done) => done.map_err(ours)?,
                None => {
                    self.offers_seen.set(self.offers_seen.get() - 1);
                    return Ok(());
                }
            }
        }
    }
}

/// Marker text that a consumer uses to stop the reader without a message of its own.
pub const STOPPED: &str = "\u{0}stopped";

/// Marks a message of our own (Danish already) among serde's, so it is not translated.
const OURS: char = '\u{2}';

/// A Danish message of the reader's own, as a serde error.
fn ours<E: de::Error>(message: impl fmt::Display) -> E {
    E::custom(format!("{OURS}{message}"))
}

/// The format version and target-group tree of a file whose header stands before `offers` in
/// `start` (its first bytes, BOM skipped); `None` when they do not (or it is no catalogue).
/// Lets an import decide how to read the file before reading it.
pub fn peek_header(start: &[u8]) -> Option<(i64, Vec<TargetGroupRecord>)> {
    type Found = (Option<i64>, Option<Vec<TargetGroupRecord>>);
    struct Peek<'f>(&'f mut Found);
    impl<'de> Visitor<'de> for Peek<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("et katalog-objekt")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "format_version" => self.0 .0 = Some(map.next_value()?),
                    "target_groups" => self.0 .1 = Some(map.next_value()?),
                    // What comes after is not needed (and may not be in `start`).
                    "offers" => return Err(de::Error::custom(STOPPED)),
                    _ => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
            }
            Err(de::Error::custom("feltet «offers» mangler"))
        }
    }
    let mut found: Found = (None, None);
    let mut de = serde_json::Deserializer::from_slice(start);
    match de::Deserializer::deserialize_map(&mut de, Peek(&mut found)) {
        Err(e) if e.to_string().starts_with(STOPPED) => match found {
            (Some(v), Some(groups)) => Some((v, groups)),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a snapshot from `reader`, handing each offer and then the header to `consumer`.
/// The header's fields may stand in any order; writers put them first (see `write`), which
/// lets the reader check the format and version before reading any offer.
/// Errors in the JSON itself come back as one Danish problem with line and column.
pub fn read<R: std::io::Read>(reader: R, consumer: &mut dyn Consumer) -> Result<usize, Problem> {
    read_from(
        serde_json::Deserializer::from_reader(reader),
        consumer,
        false,
    )
}

/// `read` from a file in memory; each offer comes as its text when the consumer asks for that
/// (`Consumer::raw_offers`). Problems name the same lines and columns.
pub fn read_slice(bytes: &[u8], consumer: &mut dyn Consumer) -> Result<usize, Problem> {
    read_from(serde_json::Deserializer::from_slice(bytes), consumer, true)
}

fn read_from<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    consumer: &mut dyn Consumer,
    in_memory: bool,
) -> Result<usize, Problem> {
    let offers_seen = std::cell::Cell::new(0usize);
    let offers_done = std::cell::Cell::new(false);
    let result = de::Deserializer::deserialize_map(
        &mut de,
        TopVisitor {
            consumer,
            offers_seen: &offers_seen,
            offers_done: &offers_done,
            in_memory,
        },
    )
    .and_then(|_| de.end());
    match result {
        Ok(_) => Ok(offers_seen.get()),
        // Past the offers, a problem is the header's, not the last offer's.
        Err(e) if offers_done.get() => Err(translate_json_error(&e, 0)),
        Err(e) => Err(translate_json_error(&e, offers_seen.get())),
    }
}

/// Turns a serde_json error into a Danish problem naming line, column and offer number.
pub fn translate_json_error(e: &serde_json::Error, offer_no: usize) -> Problem {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; we say it in Danish instead.
    let msg = raw
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(raw.clone());
    if e.classify() == serde_json::error::Category::Io {
        // Our readers' own refusals (BOM, UTF-16, an endless string) are Danish already.
        let message = match e.io_error_kind() {
            Some(std::io::ErrorKind::InvalidData) => msg.clone(),
            Some(kind) => crate::error::io_text(&std::io::Error::from(kind)),
            None => "filen kunne ikke læses".into(),
        };
        let place = if offer_no > 0 {
            format!("tilbud nr. {offer_no}")
        } else {
            "filen".into()
        };
        return Problem { place, message };
    }
    let place = if offer_no > 0 {
        format!(
            "linje {}, kolonne {} (tilbud nr. {offer_no})",
            e.line(),
            e.column()
        )
    } else {
        format!("linje {}, kolonne {}", e.line(), e.column())
    };
    let message = match e.classify() {
        serde_json::error::Category::Eof if e.line() == 1 && e.column() == 0 => {
            "filen er tom".to_string()
        }
        serde_json::error::Category::Eof => "filen slutter midt i JSON-strukturen".to_string(),
        serde_json::error::Category::Syntax => {
            format!("ugyldig JSON ({})", danish_serde(&msg))
        }
        serde_json::error::Category::Io => "filen kunne ikke læses".into(),
        serde_json::error::Category::Data => danish_serde(&msg),
    };
    Problem { place, message }
}

/// serde_json's messages in Danish. Every message it can give has a Danish text; one not
/// listed here (a newer serde_json) gets a general Danish text rather than the English one.
/// Over 80 lines on purpose: a table of serde_json's messages, one branch each, read top to
/// bottom against serde_json's own list; cut in two, the table would be in two places.
fn danish_serde(msg: &str) -> String {
    if let Some(own) = msg.strip_prefix(OURS) {
        return own.to_string();
    }
    let after = |prefix: &str| msg.strip_prefix(prefix);
    if let Some(rest) = after("missing field ") {
        return format!("feltet {} mangler", quote(rest));
    }
    if let Some(rest) = after("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest);
        return format!("ukendt felt {}", quote(name));
    }
    if let Some(rest) = after("duplicate field ") {
        return format!("feltet {} står to gange", quote(rest));
    }
    if let Some(rest) = after("unknown variant ") {
        let name = rest.split(',').next().unwrap_or(rest);
        return format!("ukendt værdi {}", quote(name));
    }
    for (prefix, what) in [
        ("invalid type: ", "forkert type"),
        ("invalid value: ", "ugyldig værdi"),
    ] {
        if let Some(rest) = after(prefix) {
            let (got, want) = rest.split_once(", expected ").unwrap_or((rest, "?"));
            return format!("{what}: fik {}, forventede {}", words(got), words(want));
        }
    }
    if after("invalid length ").is_some() {
        return "forkert antal elementer i listen".into();
    }
    const KNOWN: [(&str, &str); 16] = [
        ("expected value", "forventede en værdi"),
        (
            "trailing characters",
            "overskydende tegn efter JSON-værdien",
        ),
        (
            "trailing comma",
            "et komma for meget før en afsluttende parentes",
        ),
        (
            "expected `,` or `}`",
            "forventede komma eller afsluttende parentes",
        ),
        (
            "expected `,` or `]`",
            "forventede komma eller afsluttende parentes",
        ),
        ("expected `:`", "forventede kolon efter feltnavnet"),
        (
            "expected ident",
            "ugyldigt ord; brug true, false eller null",
        ),
        ("key must be a string", "feltnavne skal stå i anførselstegn"),
        ("invalid escape", "ugyldig escape-sekvens (\\) i en tekst"),
        (
            "invalid unicode code point",
            "ugyldigt unicode-tegn i en tekst",
        ),
        (
            "lone leading surrogate",
            "ugyldig unicode-escape (\\u) i en tekst",
        ),
        (
            "unexpected end of hex escape",
            "ufuldstændig unicode-escape (\\u) i en tekst",
        ),
        (
            "control character",
            "en tekst indeholder et kontroltegn (fx et linjeskift); skriv det som \\n",
        ),
        ("invalid number", "ugyldigt tal"),
        ("number out of range", "tallet er for stort"),
        (
            "recursion limit exceeded",
            "strukturen er for dybt indlejret",
        ),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| msg.starts_with(en))
        .map(|(_, da)| da.to_string())
        .unwrap_or_else(|| "værdien har ikke den form, formatet kræver".into())
}

fn quote(s: &str) -> String {
    format!("«{}»", s.trim().trim_matches('`'))
}

/// serde's names of what it got and expected, in Danish ("a string" → "tekst").
fn words(s: &str) -> String {
    let s = s.trim();
    if s.starts_with("struct ") || s.starts_with("a map") || s == "map" {
        return "et objekt".into();
    }
    if let Some(v) = s.strip_prefix("string ") {
        return format!("teksten {v}");
    }
    if let Some(v) = s.strip_prefix("integer ") {
        return format!("tallet {v}");
    }
    if let Some(v) = s.strip_prefix("floating point ") {
        return format!("tallet {}", v.trim_matches('`'));
    }
    if let Some(v) = s.strip_prefix("boolean ") {
        return format!("{} (sand/falsk)", v.trim_matches('`'));
    }
    match s {
        "a string" | "string" => "tekst".into(),
        "i64" | "u64" | "i32" | "u32" | "u16" | "u8" | "an integer" | "integer" => {
            "et heltal".into()
        }
        "f64" | "f32" | "a floating point number" => "et tal".into(),
        "a boolean" | "boolean" => "sand/falsk".into(),
        "a sequence" | "sequence" => "en liste".into(),
        "null" | "unit value" => "null".into(),
        "a character" | "char" => "ét tegn".into(),
        other if other.is_ascii() => "en anden værdi".into(),
        other => other.to_string(),
    }
}

/// Serialises a header and offers in the streaming order the reader requires.
pub fn write<W: std::io::Write>(
    mut out: W,
    header: &Header,
    offers: impl Iterator<Item = OfferRecord>,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Head<'a> {
        format: &'a str,
        format_version: i64,
        extracted: String,
        source: &'a str,
        example: bool,
        target_groups: &'a [TargetGroupRecord],
    }
    let head = Head {
        format: &header.format,
        format_version: header.format_version,
        extracted: header.extracted.format("%Y-%m-%d").to_string(),
        source: &header.source,
        example: header.example,
        target_groups: &header.target_groups,
    };
    let head_json = serde_json::to_string_pretty(&head)?;
    // Drop the closing brace and append the offers array, one offer per line.
    let open = head_json.trim_end().trim_end_matches('}').trim_end();
    out.write_all(open.as_bytes())?;
    out.write_all(b",\n  \"offers\": [")?;
    for (i, o) in offers.enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut out, &o)?;
    }
    out.write_all(b"\n  ]\n}\n")?;
    Ok(())
}

impl FromStr for LegalBasis {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LegalBasis::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_serde_message_is_danish() {
        for (en, da) in [
            ("duplicate field `name`", "feltet «name» står to gange"),
            (
                "invalid unicode code point",
                "ugyldigt unicode-tegn i en tekst",
            ),
            ("invalid escape", "ugyldig escape-sekvens (\\) i en tekst"),
            (
                "invalid type: string \"x\", expected i64",
                "forkert type: fik teksten \"x\", forventede et heltal",
            ),
            (
                "invalid type: integer `5`, expected a string",
                "forkert type: fik tallet `5`, forventede tekst",
            ),
            (
                "invalid type: map, expected a sequence",
                "forkert type: fik et objekt, forventede en liste",
            ),
            ("unknown variant `x`, expected `a`", "ukendt værdi «x»"),
            (
                "something serde_json says in a later version",
                "værdien har ikke den form, formatet kræver",
            ),
        ] {
            assert_eq!(danish_serde(en), da, "{en}");
        }
    }

    #[test]
    fn amounts_must_use_a_dot() {
        assert_eq!(parse_amount("4535.50").unwrap(), Decimal::new(453550, 2));
        assert!(parse_amount("4.535,50").unwrap_err().contains("komma"));
        assert!(parse_amount("4,535.50").unwrap_err().contains("komma"));
        assert!(parse_amount("4.535.50").is_err());
        assert!(parse_amount("").is_err());
    }

    #[test]
    fn the_header_is_peeked_before_the_offers() {
        let groups = r#"[{"code": "A", "label": "Autisme"}]"#;
        let before = format!(
            r#"{{"format": "pladsoverblik-katalog", "format_version": 2, "extracted": "2026-11-15", "source": "x", "target_groups": {groups}, "offers": [{{"id": "#
        );
        let (version, tree) = peek_header(before.as_bytes()).unwrap();
        assert_eq!(
            (version, tree.len(), tree[0].label.as_str()),
            (2, 1, "Autisme")
        );
        // The tree after the offers, or no version: not known before the offers.
        let after = r#"{"format_version": 2, "offers": [], "target_groups": []}"#;
        assert_eq!(peek_header(after.as_bytes()), None);
        let without = format!(r#"{{"target_groups": {groups}, "offers": []}}"#);
        assert_eq!(peek_header(without.as_bytes()), None);
        assert_eq!(peek_header(b"[1, 2]"), None);
        assert_eq!(peek_header(b"{\"format_version\": 2, \"target_gr"), None);
    }

    #[test]
    fn cvr_check() {
        // 29188505 is Faxe Kommune's CVR; weights 2,7,6,5,4,3,2,1 sum to a multiple of 11.
        assert!(cvr_is_valid("29188505"));
        assert!(!cvr_is_valid("29188506"));
        assert!(!cvr_is_valid("1234567"));
        assert!(!cvr_is_valid("abcdefgh"));
    }
}
