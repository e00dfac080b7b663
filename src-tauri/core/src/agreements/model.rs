//! The rammeaftale (with its styringsaftale) as data: a versioned, date-effective record with
//! its parties and terms. Every value carries where it comes from (seed file and lines, or the
//! municipality's own agreement file); a value no source fixes is `null` and shown as
//! "ikke fastsat", never given a default.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The file format's name and version (`assets/agreements/rammeaftaler.json`, and the files a
/// municipality imports with `plads agreements import`). Documented in `docs/agreements.md`.
pub const FORMAT_NAME: &str = "pladsoverblik-rammeaftaler";
pub const FORMAT_VERSION: i64 = 1;

/// A value with its source. `value: null` means the source does not fix it ("ikke fastsat").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: Option<T>,
    /// Where the value comes from, e.g. `003_7da9664d5a385aa8.txt L181`, or why it is not set
    /// (`Ikke fastsat i 003_7da9664d5a385aa8.txt`).
    pub source: String,
    /// The source's own words, where it has any (verbatim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

impl<T> Sourced<T> {
    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// A notice period: "løbende måned + 3 måneder" is `{months: 3, days: 0, to_month_end: true}`.
/// (Unknown fields are ignored: contracts issued by earlier versions stored an `example` flag
/// in it.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRule {
    pub months: u32,
    pub days: u32,
    /// "løbende måned + …": the notice runs to the end of a month.
    pub to_month_end: bool,
}

/// forud (in advance) or bagud (in arrears).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentTiming {
    Forud,
    Bagud,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentTerm {
    pub timing: PaymentTiming,
    /// Payment is due this many days after the invoice is received.
    pub days_after_invoice: u32,
}

/// Whether the rate is paid during absence and hospital stays, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsenceRule {
    /// The rate is paid in full for up to this many days of absence.
    pub absence_days: u32,
    /// … and for up to this many days of hospital stay.
    pub hospital_days: u32,
}

/// R5: cost/rate increases above the threshold are reported (Sjælland, seed 003 L181).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateIncreaseRule {
    /// Strictly above this per cent is reported.
    pub threshold_pct: Decimal,
    /// Who the reports go to ("Socialtilsyn Øst").
    pub report_to: String,
    /// How often the steering group discusses them ("2 gange om året").
    pub discussed: String,
}

/// One reporting run of the occupancy rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccupancyRun {
    /// "1. kvartal", "1.-3. kvartal".
    pub label: String,
    /// The run covers the year's first `months` months.
    pub months: u32,
    /// The deadline in the same year, `MM-DD` ("05-01").
    pub deadline: String,
}

/// R6 (Syddanmark, seed 002 L152-158).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccupancyRule {
    /// A deviation of this per cent or more of the budgeted occupancy is reported.
    pub threshold_pct: Decimal,
    /// How the threshold is read: "relativ" (of the budgeted percentage) or "procentpoint".
    pub reading: String,
    pub runs: Vec<OccupancyRun>,
}

/// R7 (Syddanmark, seed 002 footnotes 2-3, L225-227).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoriesRule {
    /// kr. per day from which an offer may be "højt specialiseret".
    pub min_daily_rate: Decimal,
    /// … and sells places to at least this many municipalities besides the operating one …
    pub min_other_buyers: u32,
    /// … or at least this per cent of its places to other municipalities.
    pub min_share_pct: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedOffer {
    pub name: String,
    /// What the source says about it ("hjerneskade").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The agreement's list of most specialised offers and what is agreed about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MostSpecialised {
    pub offers: Vec<NamedOffer>,
    /// The agreed procedure, as the source words it.
    pub procedure: String,
}

/// The terms of an agreement. Texts are Danish, as printed in contracts and reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    pub notice_buyer: Sourced<NoticeRule>,
    pub notice_provider: Sourced<NoticeRule>,
    pub payment: Sourced<PaymentTerm>,
    pub absence: Sourced<AbsenceRule>,
    /// Closure or re-labelling of offers, and who bears the closure costs.
    pub closure: Sourced<String>,
    /// How surpluses and deficits are settled (efterregulering).
    pub efterregulering: Sourced<String>,
    /// How rates are indexed (PL).
    pub pl_rule: Sourced<String>,
    pub rate_increase: Sourced<RateIncreaseRule>,
    pub occupancy: Sourced<OccupancyRule>,
    pub categories: Sourced<CategoriesRule>,
    pub most_specialised: Sourced<MostSpecialised>,
    /// The public-first principle (R1) as the agreement words it.
    pub public_first: Sourced<String>,
    /// Standard contracts (R2, R3) as the agreement words them.
    pub standard_contracts: Sourced<String>,
    /// Settlement only from a rate sheet (R4).
    pub rate_sheet: Sourced<String>,
    /// One-person projects (R4): ask other municipalities first.
    pub one_person: Sourced<String>,
    /// Purchases outside the agreement's area (a concrete payment agreement).
    pub outside_purchase: Sourced<String>,
}

/// One agreement, as the file holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// "SJ-2025". The catalogue names agreements by this id (`rammeaftaler`).
    pub id: String,
    /// A newer version of the same agreement replaces the older one.
    pub version: u32,
    pub name: String,
    /// The KKR area ("KKR Sjælland").
    pub kkr: String,
    pub valid_from: NaiveDate,
    /// The last day the agreement is in force (included).
    pub valid_to: NaiveDate,
    /// The member municipalities' codes.
    pub members: Sourced<Vec<u16>>,
    /// The region that is a party (its id in `assets/geography`), if any: its offers in the
    /// members' area are covered.
    pub region: Sourced<String>,
    /// The source documents this record is read from.
    pub sources: Vec<String>,
    pub terms: Terms,
}

/// An agreement file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementFile {
    pub format: String,
    pub format_version: i64,
    pub agreements: Vec<Agreement>,
}
