//! Contracts from before the standard: the form as typed, the registered contract, and the
//! views the list and the screen show.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::model::LegalBasis;
use crate::rates::Unit;

/// An existing, non-standard contract as the user types it. Everything is text; `register`
/// and `correct` name the field that is wrong.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct OldContractForm {
    pub offer_id: String,
    pub legal_basis: String,
    /// The acting (buying) municipality, code or name.
    pub buyer_municipality: String,
    /// The citizen: name and CPR as in a standard contract (masked everywhere), or only a case
    /// reference without CPR.
    pub citizen_name: String,
    pub citizen_cpr: String,
    pub case_reference: String,
    pub start: String,
    /// Empty: the contract has no end date ("uden slutdato").
    pub end: String,
    /// The price the contract states, per day or per month.
    pub amount: String,
    /// dag or maaned.
    pub unit: String,
    /// Where the signed contract is: an ESDH/journal number or the scanned file's name.
    pub document: String,
    pub note: String,
}

/// A registered contract from before the standard (one version).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OldContract {
    pub offer_id: String,
    /// The offer's name when registered (kept should the offer leave the catalogue).
    pub offer_name: String,
    /// A municipal or regional offer, or one the buyer's agreement covered on the start date
    /// (the spend report's "offentlige", as for standard contracts).
    pub counts_as_public: bool,
    pub legal_basis: LegalBasis,
    pub buyer_municipality: u16,
    pub citizen_name: String,
    /// `DDMMYY-SSSS`, or empty when the contract is known by its case reference only.
    pub citizen_cpr: String,
    pub case_reference: String,
    pub start: NaiveDate,
    /// `None`: uden slutdato.
    pub end: Option<NaiveDate>,
    pub amount: Decimal,
    pub unit: Unit,
    pub document: String,
    pub note: String,
}

/// One version of a registered contract: the first registration or a correction.
#[derive(Debug, Clone, Serialize)]
pub struct OldVersionView {
    pub version: u32,
    pub created_at: String,
    pub created_by: String,
    /// Why it replaces the previous version (empty for the registration).
    pub reason: String,
}

/// What a year of the contract costs (for the screen and the spend report).
#[derive(Debug, Clone, Serialize)]
pub struct OldYearAmount {
    pub year: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub amount: Decimal,
    pub text: String,
}

/// A registered contract with its versions and what the rules make of it today.
#[derive(Debug, Clone, Serialize)]
pub struct OldContractView {
    pub id: String,
    pub version: u32,
    pub versions: Vec<OldVersionView>,
    /// The current version.
    pub data: OldContract,
    /// The current version as a form (what a correction starts from).
    pub form: OldContractForm,
    pub citizen_cpr_masked: String,
    pub buyer_name: String,
    pub basis_label: String,
    /// "Ældre kontrakt (fra før standardkontrakterne)".
    pub kind_text: String,
    /// "01.07.2025–uden slutdato".
    pub period_text: String,
    /// "3.000,00 kr. pr. døgn".
    pub price_text: String,
    /// "Uden slutdato – genforhandles som standardkontrakt", …
    pub flags: Vec<String>,
    /// End-date warnings as for standard contracts ("Udløber om 23 dage (31.12.2026)").
    pub warnings: Vec<String>,
    /// What the buyer's agreement says about standard contracts (with its source), or
    /// "ikke fastsat".
    pub rule_text: String,
    /// What each calendar year costs (open-ended contracts through 31 December this year).
    pub years: Vec<OldYearAmount>,
}

impl OldContractView {
    /// The same view with the CPR number masked (`010190-xxxx`): what lists and JSON show
    /// unless the user asks to see the number.
    pub fn masked(mut self) -> OldContractView {
        for cpr in [&mut self.data.citizen_cpr, &mut self.form.citizen_cpr] {
            if !cpr.trim().is_empty() {
                *cpr = crate::contracts::ids::mask_cpr(cpr);
            }
        }
        self
    }
}
