//! Rates (*takster*): one rate of an offer for a legal basis and a year, per day or per month,
//! with its VAT and, where known, its calculation basis. The catalogue import, the rate-sheet
//! import, the offer page and the contracts all use this one type.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::model::LegalBasis;

/// What an amount is per: a day (*døgntakst*), a month (*månedstakst*), or once (an add-on's
/// one-off amount; a rate is never `Engang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Dag,
    Maaned,
    Engang,
}

impl Unit {
    /// The code in files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Dag => "dag",
            Unit::Maaned => "maaned",
            Unit::Engang => "engang",
        }
    }

    /// Exactly a rate's code ("dag", "maaned"), as files and the database hold it.
    pub fn from_rate_code(s: &str) -> Option<Unit> {
        match s {
            "dag" => Some(Unit::Dag),
            "maaned" => Some(Unit::Maaned),
            _ => None,
        }
    }

    /// As people type it: "dag", "døgn", "pr. måned", "engangsbeløb", ….
    pub fn parse(s: &str) -> Option<Unit> {
        match s.trim().to_lowercase().as_str() {
            "dag" | "døgn" | "pr. døgn" | "døgntakst" => Some(Unit::Dag),
            "maaned" | "måned" | "pr. måned" | "månedstakst" => Some(Unit::Maaned),
            "engang" | "engangsbeløb" => Some(Unit::Engang),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::Dag => "pr. døgn",
            Unit::Maaned => "pr. måned",
            Unit::Engang => "engangsbeløb",
        }
    }
}

/// The calculation basis of a rate, where the source gives it (R4: an open calculation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calculation {
    pub direct_costs: Option<Decimal>,
    pub indirect_costs: Option<Decimal>,
    pub overhead_pct: Option<Decimal>,
    pub capital_costs: Option<Decimal>,
    pub budgeted_occupancy_pct: Option<Decimal>,
}

/// One rate: offer (and department, or the whole offer when empty), legal basis, year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub offer_id: String,
    /// Empty: the rate holds for the whole offer.
    pub department_id: String,
    pub basis: LegalBasis,
    pub year: i32,
    pub amount: Decimal,
    pub unit: Unit,
    /// VAT included in `amount`, in per cent of the amount ex. VAT (0 when ex. VAT).
    pub vat_pct: Decimal,
    #[serde(flatten)]
    pub calculation: Calculation,
    /// The actual occupancy of the year, as a rate sheet reports it (R6).
    pub actual_occupancy_pct: Option<Decimal>,
}

/// The `source` of a rate that came with a catalogue import.
pub const SOURCE_CATALOGUE: &str = "katalog";
