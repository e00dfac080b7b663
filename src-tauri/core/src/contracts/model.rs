//! The contract model: the form as typed, the evaluation, the issued contract data, and the
//! views the screens show. Issued data is stored as JSON; fields added later have defaults,
//! so every contract issued by an earlier version still reads.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::templates::RenderedClause;
use crate::agreements::model::{AbsenceRule, NoticeRule};
use crate::catalogue::model::{LegalBasis, OperatorType};
use crate::error::{Error, Result};
use crate::rates::Unit;

/// One add-on service (*tillægsydelse*) as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct AddOnForm {
    pub description: String,
    /// Why it is needed and what it is computed from.
    pub basis: String,
    pub amount: String,
    /// dag, maaned or engang.
    pub unit: String,
}

/// One line of a one-person project's budget as typed: the amount (per day or per month, as
/// the rate) and how it is computed (the open calculation basis).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct BudgetLineForm {
    pub amount: String,
    pub basis: String,
}

/// A one-person project's individually costed budget as typed (R4): staffing, premises,
/// overhead and other costs, in the rate's unit, adding up to the rate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct BudgetForm {
    /// dag or maaned (the rate sheet's unit wins when it has a rate for the offer).
    pub unit: String,
    /// The agreed rate, when the rate sheet has none for the offer's start year (then the
    /// budget is its calculation basis). Left empty when the rate sheet has one.
    pub rate: String,
    pub staffing: BudgetLineForm,
    pub premises: BudgetLineForm,
    pub overhead: BudgetLineForm,
    pub other: BudgetLineForm,
}

impl BudgetForm {
    /// The four lines with their field names and Danish labels.
    pub fn lines(&self) -> [(&'static str, &'static str, &BudgetLineForm); 4] {
        [
            ("budget.staffing", "Personale", &self.staffing),
            ("budget.premises", "Lokaler", &self.premises),
            (
                "budget.overhead",
                "Overhead (administration og ledelse)",
                &self.overhead,
            ),
            ("budget.other", "Andet", &self.other),
        ]
    }
}

/// The contract as the user types it. Everything is text, so a draft keeps exactly what was
/// typed; `evaluate` says what is wrong with it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ContractForm {
    pub offer_id: String,
    pub department_id: String,
    pub legal_basis: String,
    /// The public-first check the contract rests on (required for private offers).
    pub check_id: String,
    /// The acting (buying) municipality, code or name.
    pub buyer_municipality: String,
    pub buyer_ean: String,
    pub buyer_contact: String,
    /// Empty when the paying municipality is the buyer.
    pub payer_municipality: String,
    pub payer_ean: String,
    pub provider_cvr: String,
    pub provider_ean: String,
    pub citizen_name: String,
    pub citizen_cpr: String,
    pub intervention: String,
    /// One goal per line.
    pub goals: String,
    pub start: String,
    pub end: String,
    /// Follow-up dates, separated by commas, spaces or lines.
    pub followups: String,
    /// The terms, typed where the agreement does not fix them ("ikke fastsat") or the offer
    /// is outside the buyer's agreement. Where the agreement fixes a term, it wins and these
    /// are not used.
    /// forud or bagud.
    pub payment_timing: String,
    /// Days after the invoice is received.
    pub payment_days: String,
    /// "løbende måned + 1 måned", "3 måneder", "14 dage".
    pub notice_buyer: String,
    pub notice_provider: String,
    /// Days the rate is paid during absence / hospital stays.
    pub absence_days: String,
    pub hospital_days: String,
    /// Closure of places or the offer and settling up, as agreed.
    pub closure: String,
    pub addons: Vec<AddOnForm>,
    /// A one-person project (*enkeltmandstilbud*, R4): costed individually (`budget`), and
    /// issued only after a closed check that asked other municipalities first where the
    /// buyer's agreement requires it (seed 003 L226).
    pub one_person: bool,
    /// That check (kind "enkeltmand").
    pub one_person_check_id: String,
    pub budget: BudgetForm,
}

/// At most this many add-ons on one contract.
pub const MAX_ADDONS: usize = 50;

impl ContractForm {
    /// The form of an issued contract received from another computer (whose form is not
    /// sent): its fields as the issued data has them, for the list and for prefilling.
    pub fn from_issued(d: &ContractData) -> ContractForm {
        let municipality = |p: &Party| {
            p.municipality_code
                .map_or_else(|| p.name.clone(), |c| c.to_string())
        };
        let payer_differs = d.payer != d.buyer;
        ContractForm {
            offer_id: d.offer.id.clone(),
            department_id: d.offer.department_id.clone().unwrap_or_default(),
            legal_basis: d.legal_basis.code().to_string(),
            check_id: d.check_id.clone().unwrap_or_default(),
            buyer_municipality: municipality(&d.buyer),
            buyer_ean: d.buyer.ean.clone(),
            buyer_contact: d.buyer.contact.clone(),
            payer_municipality: if payer_differs {
                municipality(&d.payer)
            } else {
                String::new()
            },
            payer_ean: if payer_differs {
                d.payer.ean.clone()
            } else {
                String::new()
            },
            provider_cvr: d.provider.cvr.clone().unwrap_or_default(),
            provider_ean: d.provider.ean.clone(),
            citizen_name: d.citizen_name.clone(),
            citizen_cpr: d.citizen_cpr.clone(),
            intervention: d.intervention.clone(),
            goals: d.goals.join("\n"),
            start: crate::fmt::date(d.start),
            end: crate::fmt::date(d.end),
            followups: d
                .followups
                .iter()
                .map(|f| crate::fmt::date(*f))
                .collect::<Vec<_>>()
                .join(", "),
            payment_timing: d.payment.timing.clone(),
            payment_days: d.payment.days_after_invoice.to_string(),
            notice_buyer: d.notice.buyer_text.clone(),
            notice_provider: d.notice.provider_text.clone(),
            absence_days: d.absence.absence_days.to_string(),
            hospital_days: d.absence.hospital_days.to_string(),
            closure: d.closure.text.clone(),
            one_person: d.one_person.is_some(),
            one_person_check_id: d
                .one_person
                .as_ref()
                .and_then(|o| o.check_id.clone())
                .unwrap_or_default(),
            ..ContractForm::default()
        }
    }
}

impl ContractForm {
    /// Every text of the form with its field, its label and its longest allowed length
    /// (`limits::text`): checked before issuing, so an issued contract always fits its PDF.
    pub fn texts(&self) -> Vec<(String, String, &str, usize)> {
        use crate::limits::text::{LINE, NAME, NOTE};
        let f = self;
        let fields: [(&str, &str, &String); 28] = [
            ("offer_id", "Tilbud", &f.offer_id),
            ("department_id", "Afdeling", &f.department_id),
            ("legal_basis", "Lovgrundlag", &f.legal_basis),
            ("check_id", "Afstemning", &f.check_id),
            ("buyer_municipality", "Køber", &f.buyer_municipality),
            ("buyer_ean", "Købers EAN-nummer", &f.buyer_ean),
            ("buyer_contact", "Købers kontaktperson", &f.buyer_contact),
            (
                "payer_municipality",
                "Betalingskommune",
                &f.payer_municipality,
            ),
            ("payer_ean", "Betalingskommunens EAN-nummer", &f.payer_ean),
            ("provider_cvr", "Leverandørens CVR-nummer", &f.provider_cvr),
            ("provider_ean", "Leverandørens EAN-nummer", &f.provider_ean),
            ("citizen_name", "Borgerens navn", &f.citizen_name),
            ("citizen_cpr", "CPR-nummer", &f.citizen_cpr),
            ("intervention", "Indsatsen", &f.intervention),
            ("goals", "Mål", &f.goals),
            ("start", "Startdato", &f.start),
            ("end", "Slutdato", &f.end),
            ("followups", "Opfølgningsdatoer", &f.followups),
            (
                "payment_timing",
                "Betaling forud eller bagud",
                &f.payment_timing,
            ),
            ("payment_days", "Betalingsfrist", &f.payment_days),
            ("notice_buyer", "Købers opsigelsesvarsel", &f.notice_buyer),
            (
                "notice_provider",
                "Leverandørens opsigelsesvarsel",
                &f.notice_provider,
            ),
            ("absence_days", "Fravær", &f.absence_days),
            ("hospital_days", "Hospitalsophold", &f.hospital_days),
            ("closure", "Lukning af pladser", &f.closure),
            (
                "one_person_check_id",
                "Afstemning før enkeltmandstilbud",
                &f.one_person_check_id,
            ),
            ("budget.unit", "Budget, enhed", &f.budget.unit),
            ("budget.rate", "Aftalt takst", &f.budget.rate),
        ];
        let max = |field: &str| match field {
            "citizen_name" => NAME,
            "intervention" | "goals" | "closure" => NOTE,
            _ => LINE,
        };
        let mut out: Vec<(String, String, &str, usize)> = fields
            .into_iter()
            .map(|(field, label, v)| (field.to_string(), label.to_string(), v.as_str(), max(field)))
            .collect();
        out.extend(self.line_texts());
        out
    }

    /// The texts of the budget lines and the add-ons, each named by its place on the form.
    fn line_texts(&self) -> Vec<(String, String, &str, usize)> {
        use crate::limits::text::{LINE, NOTE};
        let mut out = Vec::new();
        for (field, label, l) in self.budget.lines() {
            out.push((
                field.into(),
                format!("Budget, {label}"),
                l.amount.as_str(),
                LINE,
            ));
            out.push((
                field.into(),
                format!("Budget, {label}, beregning"),
                l.basis.as_str(),
                NOTE,
            ));
        }
        for (i, a) in self.addons.iter().enumerate() {
            let n = i + 1;
            let field = format!("addons[{i}]");
            for (label, value, max) in [
                ("beskrivelse", &a.description, LINE),
                ("begrundelse og beregningsgrundlag", &a.basis, NOTE),
                ("beløb", &a.amount, LINE),
                ("enhed", &a.unit, LINE),
            ] {
                let label = format!("Tillægsydelse {n}, {label}");
                out.push((field.clone(), label, value.as_str(), max));
            }
        }
        out
    }

    /// Refuses a form too large to keep as a draft: a field more than ten times its length
    /// limit, or more add-ons than `MAX_ADDONS`. (Within that, a draft keeps what was typed,
    /// and the evaluation names what must be shortened before issuing.)
    pub fn check_storable(&self) -> crate::error::Result<()> {
        if self.addons.len() > MAX_ADDONS {
            return Err(crate::error::Error::Invalid(format!(
                "Tillægsydelser: højst {MAX_ADDONS} på én kontrakt (der er {}).",
                self.addons.len()
            )));
        }
        for (_, label, value, max) in self.texts() {
            crate::limits::text_len(value, max * 10, &label)?;
        }
        Ok(())
    }
}

/// One term of the contract: fixed by the agreement, or to be given on the form.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TermStatus {
    /// The form field ("notice_buyer", "payment_days", …).
    pub field: String,
    pub label: String,
    /// Fixed by the agreement: the form's value is not used.
    pub from_agreement: bool,
    /// The value in force (Danish), or "ikke fastsat".
    pub value: String,
    pub source: String,
}

/// A problem with one field of the form.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub municipality_code: Option<u16>,
    pub cvr: Option<String>,
    pub ean: String,
    pub address: String,
    pub contact: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfferRef {
    pub id: String,
    pub name: String,
    pub department_id: Option<String>,
    pub department_name: Option<String>,
    pub address: String,
    pub operator_type: OperatorType,
    pub operator_name: String,
    /// Covered by the buyer's agreement (the template within it).
    pub covered_by_rammeaftale: bool,
    /// A municipal or regional offer, or one the buyer's agreement covers (the spend report's
    /// "offentlige").
    pub counts_as_public: bool,
    /// Other agreements that cover the offer (then a concrete payment agreement is needed).
    #[serde(default)]
    pub other_agreements: Vec<String>,
}

/// The agreement a contract was drafted under.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AgreementRef {
    pub id: String,
    pub version: u32,
    pub name: String,
    /// No agreement was in force for the buyer on the start date: the last one was used.
    pub fallback: bool,
    /// "Rammeaftale … (gælder …)" or the fallback note.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TemplateRef {
    pub id: String,
    pub version: String,
    pub title: String,
}

/// One line of the price table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PriceLine {
    pub label: String,
    /// Where the amount comes from ("Takstoversigt 2026", "2026-takst + PL 2,9 %", the add-on's
    /// stated basis).
    pub basis: String,
    pub amount: Decimal,
    pub unit: Unit,
    pub vat_pct: Decimal,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    pub total: Decimal,
    pub provisional: bool,
    pub amount_text: String,
    pub total_text: String,
}

/// One calendar year of the term: the base rate and add-ons per day and per month, and the
/// rule the year's rate follows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct YearFigures {
    pub year: i32,
    pub per_day: Decimal,
    pub per_month: Decimal,
    pub per_day_text: String,
    pub per_month_text: String,
    /// "Takstoversigt 2027", "2026-takst + PL 2,9 %", "Foreløbig: 2026-takst".
    pub rule: String,
    pub provisional: bool,
    /// The term's days in this year and what they cost (base rate and add-ons; the years add
    /// up to the total). Absent (0) on contracts issued before they were recorded.
    #[serde(default)]
    pub days: i64,
    #[serde(default)]
    pub amount: Decimal,
    #[serde(default)]
    pub amount_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Price {
    pub days: i64,
    pub lines: Vec<PriceLine>,
    /// Each calendar year's figures (rates change on 1 January).
    #[serde(default)]
    pub years: Vec<YearFigures>,
    /// The term's average per day and per month (total over the term's days), labelled so.
    pub per_day: Decimal,
    pub per_month: Decimal,
    pub total: Decimal,
    pub per_day_text: String,
    pub per_month_text: String,
    pub total_text: String,
    /// How the rate moves: within the agreement each year's rate sheet; outside, the start
    /// year's rate uplifted on 1 January by the PL rate.
    #[serde(default)]
    pub rule_text: String,
    /// The provider's non-deductible VAT in the rate (momsrefusion), or that there is none.
    pub vat_text: String,
    /// On which basis the figures are, said plainly: "inkl. leverandørens ikke-fradragsberettigede
    /// moms (5,75 %)" or "uden moms" (a search and a shortlist compare rates ex. VAT).
    #[serde(default)]
    pub basis_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NoticeTerms {
    pub buyer: NoticeRule,
    pub provider: NoticeRule,
    pub buyer_text: String,
    pub provider_text: String,
    /// Kept for contracts issued by earlier versions (always false now: no example values).
    #[serde(default)]
    pub example_values: bool,
    /// Where each comes from: the agreement (with its source) or "aftalt i kontrakten".
    #[serde(default)]
    pub buyer_source: String,
    #[serde(default)]
    pub provider_source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PaymentTerms {
    pub days_after_invoice: u32,
    pub timing: String,
    #[serde(default)]
    pub source: String,
}

/// Absence and hospital stays, and where the rule comes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AbsenceTerms {
    pub absence_days: u32,
    pub hospital_days: u32,
    #[serde(default)]
    pub source: String,
}

impl From<AbsenceRule> for AbsenceTerms {
    fn from(r: AbsenceRule) -> Self {
        AbsenceTerms {
            absence_days: r.absence_days,
            hospital_days: r.hospital_days,
            source: String::new(),
        }
    }
}

/// Closure of places or the offer, and settling up.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClosureTerms {
    pub text: String,
    pub source: String,
}

/// One line of a one-person project's budget.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BudgetLine {
    pub label: String,
    /// How the amount is computed.
    pub basis: String,
    pub amount: Decimal,
    pub amount_text: String,
}

/// A one-person project (R4): the individually costed budget against the rate, and the check
/// that asked other municipalities first, as it stood when evaluated (issued: as it stood on
/// the issue day).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OnePerson {
    /// What the buyer's agreement says (required by SJ-2025, seed 003 L226; else "ikke
    /// fastsat" and only recommended).
    pub rule: crate::placement::OnePersonRule,
    pub check_id: Option<String>,
    /// The municipalities asked and their answers (the check's latest record of each).
    pub asked: Vec<String>,
    /// The check's conclusion.
    pub conclusion: String,
    pub lines: Vec<BudgetLine>,
    pub unit: Unit,
    pub total: Decimal,
    pub total_text: String,
    /// The rate the budget must add up to (the start year's), when there is one.
    pub rate: Option<Decimal>,
    pub rate_text: String,
    /// "Takstoversigt 2026" or "Aftalt i kontrakten; budgettet er beregningsgrundlaget".
    pub rate_source: String,
    /// The budget equals the rate to the øre.
    pub adds_up: bool,
    /// "I alt 5.100,00 kr. pr. døgn mod taksten 5.000,00 kr. pr. døgn: 100,00 kr. for meget".
    pub sum_text: String,
}

/// The issued contract: complete, canonical, and what the PDF is made from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContractData {
    pub number: String,
    pub version: u32,
    pub template: TemplateRef,
    pub clauses: Vec<RenderedClause>,
    pub check_id: Option<String>,
    pub offer: OfferRef,
    pub legal_basis: LegalBasis,
    pub legal_basis_label: String,
    pub buyer: Party,
    pub payer: Party,
    pub provider: Party,
    pub citizen_name: String,
    pub citizen_cpr: String,
    pub intervention: String,
    pub goals: Vec<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub followups: Vec<NaiveDate>,
    pub price: Price,
    pub payment: PaymentTerms,
    pub notice: NoticeTerms,
    pub absence: AbsenceTerms,
    #[serde(default)]
    pub closure: ClosureTerms,
    /// The agreement binding the buyer on the start date (none for contracts issued before
    /// agreements were data).
    #[serde(default)]
    pub agreement: Option<AgreementRef>,
    /// Notes that are not problems ("SEL § 66 er afløst af Barnets Lov § 43").
    #[serde(default)]
    pub notes: Vec<String>,
    /// The buyer's region through the term ("Region Sjælland til 31.12.2026, derefter Region
    /// Østdanmark").
    pub buyer_region_text: String,
    pub issued_on: NaiveDate,
    /// A one-person project: its budget and the check that asked other municipalities first
    /// (none for other contracts and for contracts issued before one-person projects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_person: Option<OnePerson>,
}

/// What the form comes to now: problems, and the figures that could be computed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    pub problems: Vec<FieldProblem>,
    /// Notes that do not block issuing.
    pub notes: Vec<String>,
    pub agreement: Option<AgreementRef>,
    /// Which terms the agreement fixes (shown read-only) and which the form must give.
    pub terms: Vec<TermStatus>,
    pub template: Option<TemplateRef>,
    pub offer: Option<OfferRef>,
    pub price: Option<Price>,
    pub notice: Option<NoticeTerms>,
    /// "Opsiges i dag: køber til og med 31.12.2026, leverandør til og med 28.02.2027".
    pub notice_today_text: String,
    pub payment: Option<PaymentTerms>,
    pub absence: Option<AbsenceTerms>,
    pub closure: Option<ClosureTerms>,
    pub payment_timing_negotiable: bool,
    pub max_end: Option<NaiveDate>,
    /// A one-person project: the budget against the rate, live.
    pub one_person: Option<OnePerson>,
    /// The complete contract when there are no problems (number and version filled in by the
    /// store when issued).
    pub data: Option<ContractData>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractState {
    Kladde,
    Udstedt,
    Underskrevet,
    Aktiv,
    Opsagt,
    Fornyet,
}

impl ContractState {
    pub fn code(self) -> &'static str {
        match self {
            ContractState::Kladde => "kladde",
            ContractState::Udstedt => "udstedt",
            ContractState::Underskrevet => "underskrevet",
            ContractState::Aktiv => "aktiv",
            ContractState::Opsagt => "opsagt",
            ContractState::Fornyet => "fornyet",
        }
    }

    pub fn parse(s: &str) -> Result<ContractState> {
        [
            ContractState::Kladde,
            ContractState::Udstedt,
            ContractState::Underskrevet,
            ContractState::Aktiv,
            ContractState::Opsagt,
            ContractState::Fornyet,
        ]
        .into_iter()
        .find(|c| c.code() == s.trim().to_lowercase())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Kontraktstatus «{}» kendes ikke. Brug underskrevet eller aktiv.",
                s.trim()
            ))
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            ContractState::Kladde => "Kladde",
            ContractState::Udstedt => "Udstedt",
            ContractState::Underskrevet => "Underskrevet",
            ContractState::Aktiv => "Aktiv",
            ContractState::Opsagt => "Opsagt",
            ContractState::Fornyet => "Fornyet",
        }
    }
}

/// Which party gives notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeParty {
    Koeber,
    Leverandoer,
}

impl NoticeParty {
    pub fn code(self) -> &'static str {
        match self {
            NoticeParty::Koeber => "koeber",
            NoticeParty::Leverandoer => "leverandoer",
        }
    }

    pub fn parse(s: &str) -> Result<NoticeParty> {
        match s.trim().to_lowercase().as_str() {
            "koeber" | "køber" => Ok(NoticeParty::Koeber),
            "leverandoer" | "leverandør" => Ok(NoticeParty::Leverandoer),
            other => Err(Error::Invalid(format!(
                "Opsigende part «{other}» kendes ikke. Brug koeber eller leverandoer."
            ))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoticeParty::Koeber => "køber",
            NoticeParty::Leverandoer => "leverandøren",
        }
    }
}

/// Notice as typed: the party ("koeber"/"leverandoer") and the date it was given.
pub fn parse_notice(party: &str, given_on: &str) -> Result<(NoticeParty, NaiveDate)> {
    let party = NoticeParty::parse(party)?;
    let date = crate::fmt::parse_date(given_on).ok_or_else(|| {
        Error::Invalid(format!(
            "Opsigelsesdato: «{}» er ikke en dato; skriv dd.mm.åååå.",
            given_on.trim()
        ))
    })?;
    Ok((party, date))
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub version: u32,
    pub issued: bool,
    pub created_at: String,
    pub created_by: String,
    pub issued_at: Option<String>,
    pub issued_by: Option<String>,
    pub reason: String,
    pub data_sha256: Option<String>,
    pub pdf_sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Termination {
    pub party: NoticeParty,
    pub given_on: NaiveDate,
    pub last_day: NaiveDate,
    pub text: String,
}

/// A contract with its versions; the current (latest) version's form, evaluation and, when
/// issued, its data.
#[derive(Debug, Clone, Serialize)]
pub struct ContractView {
    pub id: String,
    pub state: ContractState,
    pub state_text: String,
    pub offer_id: String,
    pub check_id: Option<String>,
    pub renewed_from: Option<String>,
    pub renewed_by: Option<String>,
    pub versions: Vec<VersionView>,
    pub current: VersionView,
    pub form: ContractForm,
    pub evaluation: Evaluation,
    pub data: Option<ContractData>,
    pub termination: Option<Termination>,
    pub warnings: Vec<String>,
    /// The citizen's CPR number masked (`010190-xxxx`), for every place that shows it.
    pub citizen_cpr_masked: String,
    /// What may be done now (the window shows these buttons only).
    pub actions: Actions,
    /// Received from the municipality's server (issued on another computer): who sent it,
    /// in Danish. Such a contract is read-only here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
}

impl ContractView {
    /// The same view with every CPR number masked (`010190-xxxx`): what lists and JSON
    /// output show unless the user asks to see the number.
    pub fn masked(mut self) -> ContractView {
        let mask = |cpr: &mut String| {
            if !cpr.trim().is_empty() {
                *cpr = super::ids::mask_cpr(cpr);
            }
        };
        mask(&mut self.form.citizen_cpr);
        if let Some(d) = self.data.as_mut() {
            mask(&mut d.citizen_cpr);
        }
        if let Some(d) = self.evaluation.data.as_mut() {
            mask(&mut d.citizen_cpr);
        }
        self
    }
}

/// What the user may do with a contract now (`rules::actions`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Actions {
    pub edit: bool,
    pub issue: bool,
    pub discard: bool,
    pub mark_signed: bool,
    pub mark_active: bool,
    pub terminate: bool,
    pub renew: bool,
    pub correct: bool,
    pub export_pdf: bool,
}

/// A line in the contract list: the CPR masked.
#[derive(Debug, Clone, Serialize)]
pub struct ContractListItem {
    pub id: String,
    pub version: u32,
    pub state: ContractState,
    pub state_text: String,
    pub offer_name: String,
    pub citizen_name: String,
    pub citizen_cpr_masked: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub next_followup: Option<NaiveDate>,
    pub period_text: String,
    pub next_followup_text: String,
    /// "Udløber om 23 dage", "Opfølgning 01.12.2026 (om 6 dage)".
    pub warnings: Vec<String>,
    /// A registered contract from before the standard ("ældre kontrakt", `contracts::old`).
    pub old: bool,
    /// A contract for a one-person project (enkeltmandstilbud).
    pub one_person: bool,
    /// What the list flags besides warnings ("Uden slutdato – genforhandles som
    /// standardkontrakt").
    pub flags: Vec<String>,
}
