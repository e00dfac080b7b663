//! The check's model: the need, the scope, the candidates with their figures, confirmations
//! and rejections, the shortlist, the conclusion, and the views the screens show.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::rules::FreeState;
use crate::catalogue::model::{LegalBasis, OperatorType};
use crate::error::{Error, Result};

/// What the check is for: a private purchase (R1) or a one-person project (R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    Privat,
    Enkeltmand,
}

impl CheckKind {
    pub fn code(self) -> &'static str {
        match self {
            CheckKind::Privat => "privat",
            CheckKind::Enkeltmand => "enkeltmand",
        }
    }

    pub fn parse(s: &str) -> Result<CheckKind> {
        match s.trim().to_lowercase().as_str() {
            "privat" => Ok(CheckKind::Privat),
            "enkeltmand" | "enkeltmandstilbud" => Ok(CheckKind::Enkeltmand),
            other => Err(Error::Invalid(format!(
                "Afstemningstypen «{other}» kendes ikke. Brug privat eller enkeltmand."
            ))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Privat => "Før køb hos privat leverandør",
            CheckKind::Enkeltmand => "Før oprettelse af enkeltmandstilbud",
        }
    }
}

/// The citizen's need, without any personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub legal_basis: LegalBasis,
    /// Target group code in the catalogue's tree; its subtree matches.
    pub target_group: String,
    pub age: u8,
    pub home_municipality: u16,
    pub wanted_start: NaiveDate,
}

impl Need {
    /// The ways `other` differs from this need, in Danish (empty when they are the same).
    pub fn differences(&self, other: &Need) -> Vec<String> {
        let mut out = Vec::new();
        if self.legal_basis != other.legal_basis {
            out.push(format!(
                "lovgrundlag {} (afstemningen gælder {})",
                other.legal_basis.label(),
                self.legal_basis.label()
            ));
        }
        if self.target_group != other.target_group {
            out.push(format!(
                "målgruppe {} (afstemningen gælder {})",
                other.target_group, self.target_group
            ));
        }
        if self.age != other.age {
            out.push(format!(
                "alder {} år (afstemningen gælder {} år)",
                other.age, self.age
            ));
        }
        if self.home_municipality != other.home_municipality {
            out.push(format!(
                "hjemkommune {} (afstemningen gælder {})",
                municipality_name(other.home_municipality),
                municipality_name(self.home_municipality)
            ));
        }
        out
    }
}

fn municipality_name(code: u16) -> String {
    crate::geo::municipality(code)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// A new check as the user asks for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCheck {
    pub kind: CheckKind,
    pub need: Need,
    /// The case reference (journal number); never a name or CPR.
    #[serde(default)]
    pub reference: String,
    /// Extra radius beyond the home region; the setting when none.
    #[serde(default)]
    pub radius_km: Option<i64>,
}

/// The area searched: the public offers of the agreement binding the home municipality on the
/// check's date (its members' and region's offers and those it covers), plus a radius around
/// the home municipality. Without any agreement, the home region's public offers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scope {
    /// The agreement (id and version), if the home municipality has one.
    pub agreement_id: Option<String>,
    pub agreement_version: Option<u32>,
    pub agreement_name: String,
    /// No agreement was in force on the date: the last one in force was used.
    pub agreement_fallback: bool,
    /// The home region on the date (used only when there is no agreement).
    pub region_id: String,
    pub region_name: String,
    pub date: NaiveDate,
    pub radius_km: i64,
}

/// A public offer of the area that was left out, and why (not approved, a secure unit for an
/// ordinary need, age or legal basis outside the need).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Excluded {
    pub offer_id: String,
    pub name: String,
    pub municipality: String,
    pub reason: String,
}

/// A matching public offer with its figures when the check was made, and what the check's
/// confirmations and rejections make of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Candidate {
    pub offer_id: String,
    pub name: String,
    pub city: String,
    pub municipality_code: u16,
    pub municipality: String,
    pub operator_type: OperatorType,
    pub operator_name: String,
    pub covered_by_rammeaftale: bool,
    pub places: u32,
    pub free_places: Option<u32>,
    pub free_as_of: Option<NaiveDate>,
    pub distance_km: f64,
    pub in_region: bool,
    pub daily_rate_ex_vat: Option<Decimal>,
    pub rate_year: Option<i32>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The figure that counts now: a confirmation's if there is one, else the catalogue's.
    pub effective_free: Option<u32>,
    pub effective_as_of: Option<NaiveDate>,
    pub confirmed: bool,
    pub state: FreeState,
    pub rejection: Option<String>,
    /// Still needs a confirmation or a reason before private purchase can be justified.
    pub blocking: bool,
    pub text: CandidateTexts,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CandidateTexts {
    pub operator_type: String,
    pub free: String,
    pub as_of: String,
    pub state: String,
    pub distance: String,
    pub daily_rate: String,
    /// What the caseworker must still do, or what was recorded.
    pub handling: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Bekraeftelse,
    Afvisning,
}

/// How a free place was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Telefon,
    Email,
    Tilbudsportalen,
    Andet,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 4] = [
        ContactMethod::Telefon,
        ContactMethod::Email,
        ContactMethod::Tilbudsportalen,
        ContactMethod::Andet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContactMethod::Telefon => "telefon",
            ContactMethod::Email => "email",
            ContactMethod::Tilbudsportalen => "tilbudsportalen",
            ContactMethod::Andet => "andet",
        }
    }

    pub fn parse(s: &str) -> Result<ContactMethod> {
        let t = s.trim().to_lowercase().replace('-', "");
        ContactMethod::ALL
            .into_iter()
            .find(|m| m.code() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Kontaktform «{}» kendes ikke. Brug telefon, email, tilbudsportalen eller andet.",
                    s.trim()
                ))
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Telefon => "ringet",
            ContactMethod::Email => "e-mail",
            ContactMethod::Tilbudsportalen => "Tilbudsportalen",
            ContactMethod::Andet => "anden kontakt",
        }
    }
}

/// Why a public offer is not used. "Ingen ledig plads" is not a reason to reject: it is a
/// confirmation of 0 free places (with date, method and the person at the offer). It stays
/// here only to read rejections recorded by earlier versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    IngenLedigPlads,
    AfslaaetAfTilbuddet,
    IkkeEgnet,
    Andet,
}

impl RejectReason {
    pub const ALL: [RejectReason; 4] = [
        RejectReason::IngenLedigPlads,
        RejectReason::AfslaaetAfTilbuddet,
        RejectReason::IkkeEgnet,
        RejectReason::Andet,
    ];

    /// The reasons a rejection may give now.
    pub const CHOOSABLE: [RejectReason; 3] = [
        RejectReason::AfslaaetAfTilbuddet,
        RejectReason::IkkeEgnet,
        RejectReason::Andet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RejectReason::IngenLedigPlads => "ingen_ledig_plads",
            RejectReason::AfslaaetAfTilbuddet => "afslaaet_af_tilbuddet",
            RejectReason::IkkeEgnet => "ikke_egnet",
            RejectReason::Andet => "andet",
        }
    }

    pub fn parse(s: &str) -> Result<RejectReason> {
        let t = s.trim().to_lowercase().replace(['-', ' '], "_");
        RejectReason::ALL
            .into_iter()
            .find(|r| r.code() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Begrundelsen «{}» kendes ikke. Brug en af: {}.",
                    s.trim(),
                    RejectReason::ALL.map(|r| r.code()).join(", ")
                ))
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            RejectReason::IngenLedigPlads => "Ingen ledig plads",
            RejectReason::AfslaaetAfTilbuddet => "Afslået af tilbuddet",
            RejectReason::IkkeEgnet => "Ikke egnet",
            RejectReason::Andet => "Anden begrundelse",
        }
    }
}

/// A confirmation as the user records it ("ringet 21.11.2026, 1 ledig plads, talt med NN").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Confirmation {
    pub offer_id: String,
    pub contacted_on: NaiveDate,
    pub free_places: u32,
    pub method: ContactMethod,
    /// Who at the offer gave the figure.
    pub contact: String,
    #[serde(default)]
    pub note: String,
}

/// A rejection: a reason, a written explanation, and who decided it (R1: a bare code is never
/// evidence).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rejection {
    pub offer_id: String,
    pub reason: RejectReason,
    #[serde(default)]
    pub note: String,
    /// Who decided (name and title).
    #[serde(default)]
    pub decided_by: String,
}

/// A recorded confirmation or rejection.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub offer_id: String,
    pub offer_name: String,
    pub kind: EventKind,
    pub recorded_at: String,
    pub recorded_by: String,
    pub contacted_on: Option<NaiveDate>,
    pub free_places: Option<u32>,
    pub method: Option<ContactMethod>,
    pub contact: Option<String>,
    pub reason: Option<RejectReason>,
    pub note: String,
    pub decided_by: Option<String>,
    /// Whether this record is evidence that the candidate has no room for the citizen (R1):
    /// a confirmation of 0 free places with date, method and contact, or a rejection with a
    /// reason, a written explanation and who decided.
    pub evidence: bool,
    /// One Danish line: "Bekræftet: ringet 21.11.2026, 1 ledig plads, talt med NN".
    pub text: String,
}

/// An offer on the shortlist with its figures when it was added.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figures {
    pub offer_id: String,
    pub name: String,
    pub city: String,
    pub municipality: String,
    pub operator_type: OperatorType,
    pub operator_name: String,
    pub covered_by_rammeaftale: bool,
    /// Covered by the agreement of the check's home municipality (choosable without the check).
    pub counts_as_public: bool,
    pub legal_bases: String,
    pub target_groups: Vec<String>,
    pub age: String,
    pub places: u32,
    pub free_places: Option<u32>,
    pub free_as_of: Option<NaiveDate>,
    pub free_text: String,
    pub free_as_of_text: String,
    pub free_stale: bool,
    pub daily_rate_ex_vat: Option<Decimal>,
    pub daily_rate_text: String,
    pub distance_km: f64,
    pub distance_text: String,
    pub approval: String,
    pub added_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShortlistEntry {
    pub figures: Figures,
    /// Whether the offer can be chosen through this check now, and if not, why (Danish).
    pub choosable: bool,
    pub choosable_text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    /// A public offer was chosen.
    OffentligtValgt,
    /// Every matching public offer that may have had a free place has a recorded reason.
    PrivatBegrundet,
    /// The same for a one-person project: no other municipality's offer can take the task.
    EnkeltmandBegrundet,
}

impl Conclusion {
    pub fn code(self) -> &'static str {
        match self {
            Conclusion::OffentligtValgt => "offentligt_valgt",
            Conclusion::PrivatBegrundet => "privat_begrundet",
            Conclusion::EnkeltmandBegrundet => "enkeltmand_begrundet",
        }
    }

    pub fn parse(s: &str) -> Result<Conclusion> {
        match s.trim().to_lowercase().replace('-', "_").as_str() {
            "offentligt_valgt" | "offentlig" | "faelles" | "faelles_tilbud" | "fælles" => {
                Ok(Conclusion::OffentligtValgt)
            }
            "privat_begrundet" | "privat" => Ok(Conclusion::PrivatBegrundet),
            "enkeltmand_begrundet" | "enkeltmand" => Ok(Conclusion::EnkeltmandBegrundet),
            other => Err(Error::Invalid(format!(
                "Konklusionen «{other}» kendes ikke. Brug offentligt_valgt, privat_begrundet eller enkeltmand_begrundet."
            ))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Conclusion::OffentligtValgt => "Et offentligt tilbud er valgt",
            Conclusion::PrivatBegrundet => "Køb uden for rammeaftalen er begrundet",
            Conclusion::EnkeltmandBegrundet => "Oprettelse af enkeltmandstilbud er begrundet",
        }
    }

    /// The label as a check of `kind` means it: on a one-person check, a public choice is a
    /// shared or existing offer with another municipality, and the justified conclusion says
    /// that no municipality could join.
    pub fn label_for(self, kind: CheckKind) -> &'static str {
        match (kind, self) {
            (CheckKind::Enkeltmand, Conclusion::OffentligtValgt) => {
                "Fælles eller eksisterende tilbud med en anden kommune"
            }
            (CheckKind::Enkeltmand, Conclusion::EnkeltmandBegrundet) => {
                "Ingen anden kommune kunne være med; oprettelse af enkeltmandstilbud er begrundet"
            }
            _ => self.label(),
        }
    }
}

/// How the user closes a check.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closing {
    pub conclusion: Conclusion,
    #[serde(default)]
    pub chosen_offer_id: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// How a municipality was asked whether it could join (R4, seed 003 L226).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InquiryMethod {
    Telefon,
    Email,
    Moede,
    Brev,
    Andet,
}

impl InquiryMethod {
    pub const ALL: [InquiryMethod; 5] = [
        InquiryMethod::Telefon,
        InquiryMethod::Email,
        InquiryMethod::Moede,
        InquiryMethod::Brev,
        InquiryMethod::Andet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InquiryMethod::Telefon => "telefon",
            InquiryMethod::Email => "email",
            InquiryMethod::Moede => "moede",
            InquiryMethod::Brev => "brev",
            InquiryMethod::Andet => "andet",
        }
    }

    pub fn parse(s: &str) -> Result<InquiryMethod> {
        let t = s.trim().to_lowercase().replace(['-', ' '], "");
        let t = match t.as_str() {
            "møde" => "moede".to_string(),
            _ => t,
        };
        InquiryMethod::ALL
            .into_iter()
            .find(|m| m.code() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Kontaktform «{}» kendes ikke. Brug telefon, email, moede, brev eller andet.",
                    s.trim()
                ))
            })
    }

    /// "pr. telefon", "pr. e-mail", "på møde", …
    pub fn label(self) -> &'static str {
        match self {
            InquiryMethod::Telefon => "pr. telefon",
            InquiryMethod::Email => "pr. e-mail",
            InquiryMethod::Moede => "på møde",
            InquiryMethod::Brev => "pr. brev",
            InquiryMethod::Andet => "på anden måde",
        }
    }
}

/// What an asked municipality answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// It cannot join: no offer and no shared project.
    Nej,
    /// The citizen can join one of its existing offers.
    JaEksisterende,
    /// It would join a shared offer (a botilbud for more than one citizen).
    JaFaelles,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Nej, Answer::JaEksisterende, Answer::JaFaelles];

    pub fn code(self) -> &'static str {
        match self {
            Answer::Nej => "nej",
            Answer::JaEksisterende => "ja_eksisterende",
            Answer::JaFaelles => "ja_faelles",
        }
    }

    pub fn parse(s: &str) -> Result<Answer> {
        let t = s.trim().to_lowercase().replace(['-', ' '], "_");
        let t = t.replace('æ', "ae");
        Answer::ALL
            .into_iter()
            .find(|a| a.code() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Svaret «{}» kendes ikke. Brug nej, ja_eksisterende eller ja_faelles.",
                    s.trim()
                ))
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Nej => "Nej, kan ikke være med",
            Answer::JaEksisterende => "Ja, borgeren kan indgå i et eksisterende tilbud",
            Answer::JaFaelles => "Ja, vil være med i et fælles tilbud",
        }
    }

    /// A yes: the municipality could be part of an offer for the citizen.
    pub fn is_yes(self) -> bool {
        self != Answer::Nej
    }
}

/// An answer as recorded: what, when, and the answer in the municipality's words.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InquiryAnswer {
    pub answer: Answer,
    pub answered_on: NaiveDate,
    pub text: String,
}

/// A municipality asked whether it could join an existing or shared offer, perhaps with its
/// answer (an answer that comes later is recorded with `placement::answer`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inquiry {
    pub municipality: u16,
    pub asked_on: NaiveDate,
    pub method: InquiryMethod,
    /// Who at the municipality was asked (name and title).
    pub contact: String,
    #[serde(default)]
    pub answer: Option<InquiryAnswer>,
}

/// A recorded inquiry (one row; the latest row per municipality counts).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InquiryRecord {
    pub id: i64,
    pub municipality_code: u16,
    pub municipality: String,
    pub asked_on: NaiveDate,
    pub method: InquiryMethod,
    pub contact: String,
    pub answer: Option<Answer>,
    pub answered_on: Option<NaiveDate>,
    pub answer_text: String,
    pub recorded_at: String,
    pub recorded_by: String,
    /// "Køge Kommune: spurgt 02.11.2026 pr. e-mail (Lis Berg, visitationschef); svar
    /// 05.11.2026: Nej, kan ikke være med – …"
    pub text: String,
}

/// A municipality of the check's agreement, for the list of those not asked yet.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityRef {
    pub code: u16,
    pub name: String,
}

/// What the agreement binding the home municipality says about one-person projects (R4):
/// required (SJ-2025, seed 003 L226) or "ikke fastsat" (then asking first is recommended).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OnePersonRule {
    pub required: bool,
    /// The agreement's id and name, empty when none binds the municipality.
    pub agreement_id: String,
    pub agreement_name: String,
    /// The agreement's text of the rule, or "ikke fastsat".
    pub value: String,
    pub source: String,
    /// One Danish sentence for the screen and the contract.
    pub text: String,
}

/// How a one-person check is closed: no other municipality could join (the one-person project
/// is justified), or a shared or existing offer with a municipality that answered yes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnePersonClosing {
    /// The municipality whose shared or existing offer is used; `None`: no one could join.
    #[serde(default)]
    pub shared_with: Option<u16>,
    /// The offer the one-person project is bought from, if known (from the shortlist).
    #[serde(default)]
    pub offer_id: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closed {
    pub at: String,
    pub by: String,
    pub on: NaiveDate,
    pub conclusion: Conclusion,
    pub chosen_offer_id: Option<String>,
    pub chosen_offer_name: Option<String>,
    pub note: String,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Aaben,
    Lukket,
    Udloebet,
}

impl CheckStatus {
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Aaben => "åben",
            CheckStatus::Lukket => "lukket",
            CheckStatus::Udloebet => "udløbet",
        }
    }
}

/// A check as stored, with what its rules make of it on the day it is read.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: String,
    pub kind: CheckKind,
    pub created_at: String,
    pub created_by: String,
    pub created_on: NaiveDate,
    pub reference: String,
    pub need: Need,
    pub target_group_label: String,
    pub scope: Scope,
    pub catalogue_extracted: NaiveDate,
    pub catalogue_source: String,
    pub stale_after_days: i64,
    pub validity_days: i64,
    pub closed: Option<Closed>,
    pub status: CheckStatus,
    /// The day the candidates' states are judged on: the closing day, else today.
    pub judged_on: NaiveDate,
    pub candidates: Vec<Candidate>,
    /// Public offers of the area left out, with why.
    pub excluded: Vec<Excluded>,
    pub events: Vec<Event>,
    pub shortlist: Vec<ShortlistEntry>,
    /// Candidates that still need a confirmation or a reason.
    pub blocking: usize,
    /// One-person check (R4): every inquiry recorded, oldest first.
    pub inquiries: Vec<InquiryRecord>,
    /// One-person check: the latest record per asked municipality, in Danish order.
    pub asked: Vec<InquiryRecord>,
    /// One-person check: the agreement's member municipalities not asked yet (not the home
    /// municipality).
    pub not_asked: Vec<MunicipalityRef>,
    /// One-person check: what the agreement says about one-person projects.
    pub one_person_rule: Option<OnePersonRule>,
    pub text: CheckTexts,
    /// Received from the municipality's server (closed on another computer): who sent it,
    /// in Danish. Absent on this computer's own checks (and so from what a sync sends).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckTexts {
    pub kind: String,
    pub status: String,
    pub need: String,
    pub scope: String,
    pub created: String,
    pub catalogue: String,
    pub closed: String,
    pub conclusion: String,
    pub valid_until: String,
    /// What stands between the check and a justified private purchase.
    pub outstanding: String,
}

/// One line in the list of checks.
#[derive(Debug, Clone, Serialize)]
pub struct CheckListItem {
    pub id: String,
    pub kind: CheckKind,
    pub created_on: NaiveDate,
    pub reference: String,
    pub status: CheckStatus,
    pub conclusion: Option<Conclusion>,
    pub valid_until: Option<NaiveDate>,
    pub candidates: usize,
    pub text: ListTexts,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListTexts {
    pub created: String,
    pub need: String,
    pub status: String,
    pub conclusion: String,
    pub valid_until: String,
}

/// What the offer to be bought is, for the guard.
#[derive(Debug, Clone, Copy)]
pub struct OfferClass {
    /// Covered by the agreement that binds the buyer: no check is needed.
    pub within_agreement: bool,
}
