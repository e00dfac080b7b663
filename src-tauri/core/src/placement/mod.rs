//! The public-first check (*afstemning*, rule R1) and its guard.
//!
//! A caseworker describes a need (legal basis, target group, age, home municipality, wanted
//! start; never the citizen's name or CPR). The check lists every matching public offer in
//! the home region (on the check's date) and within a radius, with its free-place figure as
//! the catalogue had it then. She records confirmations and rejections, keeps a shortlist,
//! and closes the check with a conclusion. A closed check never changes (the database
//! refuses it), and a private offer can only be chosen through a closed, still valid check
//! for the same need that justified private purchase.

pub mod forms;
pub mod rules;
mod store;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::model::{LegalBasis, OperatorType};
use crate::error::{Error, Result};
use crate::fmt;
use rules::FreeState;

pub use store::{
    add_to_shortlist, close, confirm, create, list, load, reject, remove_from_shortlist,
};

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

/// The area searched: the home region on a date, plus a radius around the home municipality.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub region_id: String,
    pub region_name: String,
    pub date: NaiveDate,
    pub radius_km: i64,
}

/// A matching public offer with its figures when the check was made, and what the check's
/// confirmations and rejections make of it.
#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
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

/// Why a public offer is not used.
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

    /// "Ikke egnet" and "Anden begrundelse" need the reason written out.
    pub fn needs_text(self) -> bool {
        matches!(self, RejectReason::IkkeEgnet | RejectReason::Andet)
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

/// A rejection with its reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rejection {
    pub offer_id: String,
    pub reason: RejectReason,
    #[serde(default)]
    pub note: String,
}

/// A recorded confirmation or rejection.
#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
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
            "offentligt_valgt" | "offentlig" => Ok(Conclusion::OffentligtValgt),
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
            Conclusion::PrivatBegrundet => "Køb hos privat leverandør er begrundet",
            Conclusion::EnkeltmandBegrundet => "Oprettelse af enkeltmandstilbud er begrundet",
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

#[derive(Debug, Clone, Serialize)]
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
    pub events: Vec<Event>,
    pub shortlist: Vec<ShortlistEntry>,
    /// Candidates that still need a confirmation or a reason.
    pub blocking: usize,
    pub text: CheckTexts,
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
    pub operator_type: OperatorType,
    pub covered_by_rammeaftale: bool,
}

impl Check {
    /// The guard used wherever a private offer (or a one-person project) is chosen: the check
    /// must be closed with a justifying conclusion of the right kind, still valid on `today`,
    /// and for the same need. Public offers need no check. The error says what is missing.
    pub fn allows(
        &self,
        need: &Need,
        offer: OfferClass,
        kind: CheckKind,
        today: NaiveDate,
    ) -> Result<()> {
        if kind == CheckKind::Privat
            && rules::counts_as_public(offer.operator_type, offer.covered_by_rammeaftale)
        {
            return Ok(());
        }
        let id = &self.id;
        if self.kind != kind {
            return Err(Error::Invalid(format!(
                "Afstemning {id} er lavet «{}», men her kræves en afstemning «{}».",
                self.kind.label().to_lowercase(),
                kind.label().to_lowercase()
            )));
        }
        let Some(closed) = &self.closed else {
            return Err(Error::Invalid(if self.blocking > 0 {
                format!(
                    "Afstemning {id} er ikke lukket. {} offentlige tilbud med ledig eller ukendt plads mangler en bekræftelse eller begrundelse; derefter kan afstemningen lukkes.",
                    self.blocking
                )
            } else {
                format!(
                    "Afstemning {id} er ikke lukket. Luk den med konklusionen «{}».",
                    match kind {
                        CheckKind::Privat => Conclusion::PrivatBegrundet.label(),
                        CheckKind::Enkeltmand => Conclusion::EnkeltmandBegrundet.label(),
                    }
                    .to_lowercase()
                )
            }));
        };
        let justifying = match kind {
            CheckKind::Privat => Conclusion::PrivatBegrundet,
            CheckKind::Enkeltmand => Conclusion::EnkeltmandBegrundet,
        };
        if closed.conclusion != justifying {
            return Err(Error::Invalid(format!(
                "Afstemning {id} blev lukket med konklusionen «{}»{}. Et privat tilbud kræver en afstemning, der begrunder privat køb.",
                closed.conclusion.label().to_lowercase(),
                closed
                    .chosen_offer_name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            )));
        }
        if today > closed.valid_until {
            return Err(Error::Invalid(format!(
                "Afstemning {id} udløb {} (gyldig i {} dage fra lukningen {}). Lav en ny afstemning.",
                fmt::date(closed.valid_until),
                self.validity_days,
                fmt::date(closed.on)
            )));
        }
        let differences = self.need.differences(need);
        if !differences.is_empty() {
            return Err(Error::Invalid(format!(
                "Afstemning {id} gælder et andet behov: {}. Lav en afstemning for dette behov.",
                differences.join("; ")
            )));
        }
        Ok(())
    }
}

/// The check laid out as plain data for printing (the contract's appendix): Danish labels and
/// values, ready to place.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub candidate_header: Vec<String>,
    pub candidates: Vec<Vec<String>>,
    pub events: Vec<String>,
    pub shortlist: Vec<String>,
    pub conclusion: String,
}

pub fn summary(check: &Check) -> Summary {
    let mut facts = vec![
        ("Afstemning".to_string(), check.id.clone()),
        ("Formål".to_string(), check.text.kind.clone()),
        ("Oprettet".to_string(), check.text.created.clone()),
        ("Behov".to_string(), check.text.need.clone()),
        ("Afgrænsning".to_string(), check.text.scope.clone()),
        ("Katalog".to_string(), check.text.catalogue.clone()),
        (
            "Forældet efter".to_string(),
            format!("{} dage", check.stale_after_days),
        ),
        ("Status".to_string(), check.text.status.clone()),
    ];
    if !check.reference.is_empty() {
        facts.insert(1, ("Sagsreference".to_string(), check.reference.clone()));
    }
    if check.closed.is_some() {
        facts.push(("Lukket".to_string(), check.text.closed.clone()));
        facts.push((
            "Gyldig til og med".to_string(),
            check.text.valid_until.clone(),
        ));
    }
    Summary {
        title: format!("Afstemning {} af ledige offentlige pladser", check.id),
        facts,
        candidate_header: [
            "Tilbud",
            "Driftsherre",
            "Kommune",
            "Afstand",
            "Ledige",
            "Opgjort",
            "Vurdering",
            "Håndtering",
        ]
        .map(String::from)
        .to_vec(),
        candidates: check
            .candidates
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    format!("{} ({})", c.operator_name, c.text.operator_type),
                    c.municipality.clone(),
                    c.text.distance.clone(),
                    c.text.free.clone(),
                    c.text.as_of.clone(),
                    c.text.state.clone(),
                    c.text.handling.clone(),
                ]
            })
            .collect(),
        events: check
            .events
            .iter()
            .map(|e| {
                format!(
                    "{} {} – {}: {}",
                    e.recorded_at.replace('T', " kl. "),
                    e.recorded_by,
                    e.offer_name,
                    e.text
                )
            })
            .collect(),
        shortlist: check
            .shortlist
            .iter()
            .map(|s| {
                format!(
                    "{} ({}, {}): {} ledige {}, {}",
                    s.figures.name,
                    s.figures.operator_type.code(),
                    s.figures.municipality,
                    s.figures.free_text,
                    s.figures.free_as_of_text,
                    s.figures.daily_rate_text
                )
            })
            .collect(),
        conclusion: check.text.conclusion.clone(),
    }
}

impl Summary {
    /// The summary as plain text (the CLI's `check show`).
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n\n", self.title);
        let width = self
            .facts
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        for (label, value) in &self.facts {
            out.push_str(&format!("{label:width$}  {value}\n"));
        }
        out.push_str(&format!("\nKandidater ({}):\n", self.candidates.len()));
        if self.candidates.is_empty() {
            out.push_str("  Ingen offentlige tilbud matcher behovet i afgrænsningen.\n");
        }
        for row in &self.candidates {
            out.push_str(&format!("  - {}\n", row.join(" | ")));
        }
        if !self.events.is_empty() {
            out.push_str("\nRegistreringer:\n");
            for e in &self.events {
                out.push_str(&format!("  - {e}\n"));
            }
        }
        if !self.shortlist.is_empty() {
            out.push_str("\nKortliste:\n");
            for s in &self.shortlist {
                out.push_str(&format!("  - {s}\n"));
            }
        }
        out.push_str(&format!("\nKonklusion: {}\n", self.conclusion));
        out
    }
}
