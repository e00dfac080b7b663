//! Reads a contract form against the catalogue, the rate sheet, the agreement that binds the
//! buyer, the templates, the settings and the public-first check: every problem with the field
//! it belongs to, and the figures. Never fails on user input: every problem is in the result.
//!
//! The sections follow the form: the offer and legal basis, the parties, the citizen, the term,
//! the agreement and template, the check, the terms, the add-ons, the price, and finally the
//! complete contract when nothing is wrong.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use rust_decimal::Decimal;

use super::model::*;
use super::price::{self, Unit};
use super::rules::{self, MissingRate, YearRate};
use super::templates::{self, Template};
use super::{ids, terms};
use crate::agreements::{self, rules::Coverage, Agreement};
use crate::catalogue::model::{LegalBasis, OfferFacts, OperatorType};
use crate::error::{Error, Result};
use crate::placement::{self, CheckKind, Need, OfferClass};
use crate::{catalogue, fmt, geo, limits, rates, settings};

/// The problems found so far, each with its field.
#[derive(Default)]
pub(super) struct Problems(pub Vec<FieldProblem>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.to_string(),
            message: message.into(),
        });
    }
}

/// What the evaluation reads once from the store.
pub(super) struct Context<'c> {
    pub conn: &'c Connection,
    pub today: NaiveDate,
    pub max_months: i64,
    pub agreements: Vec<Agreement>,
    pub extracted: Option<NaiveDate>,
}

impl<'c> Context<'c> {
    pub fn load(conn: &'c Connection, today: NaiveDate) -> Result<Context<'c>> {
        Ok(Context {
            conn,
            today,
            max_months: settings::number(conn, &settings::CONTRACT_MAX_TERM_MONTHS)?,
            agreements: agreements::store::active(conn)?,
            extracted: catalogue::store::extracted(conn)?,
        })
    }
}

/// A date field: `Some` when it reads, a problem otherwise.
fn date_field(p: &mut Problems, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        p.add(field, format!("{label}: skal udfyldes (dd.mm.åååå)."));
        return None;
    }
    let d = fmt::parse_date(v);
    if d.is_none() {
        p.add(
            field,
            format!("{label}: «{v}» er ikke en dato; skriv dd.mm.åååå."),
        );
    }
    d
}

pub(super) fn required(p: &mut Problems, field: &str, label: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        p.add(field, format!("{label}: skal udfyldes."));
        None
    } else {
        Some(v.to_string())
    }
}

/// Every text within its length (`limits::text`), and not more add-ons than the contract
/// holds: a contract that issues always fits its PDF.
fn text_lengths(form: &ContractForm, p: &mut Problems) {
    for (field, label, value, max) in form.texts() {
        if let Err(e) = limits::text_len(value.trim(), max, &label) {
            p.add(&field, e.to_string());
        }
    }
    if form.addons.len() > MAX_ADDONS {
        p.add(
            "addons",
            format!(
                "Tillægsydelser: højst {MAX_ADDONS} på én kontrakt (der er {}).",
                form.addons.len()
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The offer and the legal basis

/// The offer as in force on `on` (its operator that day), or a problem.
fn offer(
    cx: &Context,
    form: &ContractForm,
    on: NaiveDate,
    p: &mut Problems,
) -> Result<Option<OfferFacts>> {
    let id = form.offer_id.trim();
    if id.is_empty() {
        p.add("offer_id", "Tilbud: vælg tilbuddet.");
        return Ok(None);
    }
    let facts = catalogue::store::offer_facts(cx.conn, id, on)?;
    if facts.is_none() {
        p.add(
            "offer_id",
            format!("Tilbud: «{id}» findes ikke i kataloget."),
        );
    }
    Ok(facts)
}

/// The legal basis; an old paragraph (SEL § 66) is read as today's with a note.
fn basis(form: &ContractForm, p: &mut Problems, notes: &mut Vec<String>) -> Option<LegalBasis> {
    if form.legal_basis.trim().is_empty() {
        p.add("legal_basis", "Lovgrundlag: vælg lovgrundlaget.");
        return None;
    }
    match LegalBasis::parse_with_note(&form.legal_basis) {
        Ok((b, note)) => {
            notes.extend(note);
            Some(b)
        }
        Err(e) => {
            p.add("legal_basis", format!("Lovgrundlag: {e}"));
            None
        }
    }
}

/// The department (optional), checked against the offer, and that the offer has places under
/// the basis there.
fn department(
    form: &ContractForm,
    o: &OfferFacts,
    basis: Option<LegalBasis>,
    p: &mut Problems,
) -> Option<String> {
    let department = form.department_id.trim();
    let mut name = None;
    if !department.is_empty() {
        match o.departments.iter().find(|(id, _)| id == department) {
            Some((_, n)) => name = Some(n.clone()),
            None => p.add(
                "department_id",
                format!("Afdeling: «{department}» findes ikke i {}.", o.name),
            ),
        }
    }
    if let Some(b) = basis {
        let offered = o
            .bases
            .iter()
            .any(|(d, ob)| *ob == b && (department.is_empty() || d == department));
        if !offered {
            p.add(
                "legal_basis",
                format!(
                    "Lovgrundlag: {} tilbyder ikke pladser efter {}.",
                    o.name,
                    b.label()
                ),
            );
        }
    }
    name
}

// ---------------------------------------------------------------------------------------------
// The parties

pub(super) struct Parties {
    pub buyer: Option<&'static geo::Municipality>,
    pub payer: Option<&'static geo::Municipality>,
    pub buyer_ean: String,
    pub payer_ean: String,
    pub provider_ean: String,
    pub provider_cvr: Option<String>,
}

fn municipality(
    p: &mut Problems,
    field: &str,
    label: &str,
    input: &str,
) -> Option<&'static geo::Municipality> {
    if input.trim().is_empty() {
        p.add(field, format!("{label}: vælg kommunen."));
        return None;
    }
    geo::find_municipality(input)
        .map_err(|e| p.add(field, format!("{label}: {e}")))
        .ok()
}

fn ean(p: &mut Problems, field: &str, label: &str, value: &str) -> String {
    if value.trim().is_empty() {
        p.add(field, format!("{label}: skal udfyldes (13 cifre)."));
        return String::new();
    }
    ids::check_ean(value).unwrap_or_else(|m| {
        p.add(field, format!("{label}: {m}"));
        value.trim().to_string()
    })
}

/// A private or self-governing provider must give its CVR number.
fn parties(form: &ContractForm, needs_cvr: bool, p: &mut Problems) -> Parties {
    let buyer = municipality(
        p,
        "buyer_municipality",
        "Køber (handlekommune)",
        &form.buyer_municipality,
    );
    let buyer_ean = ean(p, "buyer_ean", "Købers EAN-nummer", &form.buyer_ean);
    let own_payer = form.payer_municipality.trim().is_empty();
    let payer = if own_payer {
        buyer
    } else {
        municipality(
            p,
            "payer_municipality",
            "Betalingskommune",
            &form.payer_municipality,
        )
    };
    let payer_ean = if own_payer && form.payer_ean.trim().is_empty() {
        buyer_ean.clone()
    } else {
        ean(
            p,
            "payer_ean",
            "Betalingskommunens EAN-nummer",
            &form.payer_ean,
        )
    };
    let provider_ean = ean(
        p,
        "provider_ean",
        "Leverandørens EAN-nummer",
        &form.provider_ean,
    );
    let provider_cvr = if form.provider_cvr.trim().is_empty() {
        if needs_cvr {
            p.add("provider_cvr", "Leverandørens CVR-nummer: skal udfyldes for en privat eller selvejende leverandør.");
        }
        None
    } else {
        ids::check_cvr(&form.provider_cvr)
            .map_err(|m| p.add("provider_cvr", format!("Leverandørens CVR-nummer: {m}")))
            .ok()
    };
    Parties {
        buyer,
        payer,
        buyer_ean,
        payer_ean,
        provider_ean,
        provider_cvr,
    }
}

// ---------------------------------------------------------------------------------------------
// The citizen

/// The citizen's name and birth date (from the CPR number, which must not lie in the future).
fn citizen(
    form: &ContractForm,
    today: NaiveDate,
    p: &mut Problems,
) -> (Option<String>, Option<NaiveDate>) {
    let name = required(p, "citizen_name", "Borgerens navn", &form.citizen_name);
    if form.citizen_cpr.trim().is_empty() {
        p.add("citizen_cpr", "CPR-nummer: skal udfyldes.");
        return (name, None);
    }
    let birth = match ids::check_cpr(&form.citizen_cpr) {
        Ok(d) if d > today => {
            p.add(
                "citizen_cpr",
                format!(
                    "CPR-nummer: fødselsdatoen {} ligger efter i dag.",
                    fmt::date(d)
                ),
            );
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            p.add("citizen_cpr", format!("CPR-nummer: {m}"));
            None
        }
    };
    (name, birth)
}

/// The citizen's age on the start date against the legal basis and the offer's age range.
fn age_problems(age: u8, basis: Option<LegalBasis>, o: Option<&OfferFacts>, p: &mut Problems) {
    if let Some(m) = basis.and_then(|b| rules::age_against_basis(age, b)) {
        p.add("citizen_cpr", format!("Alder: {m}"));
    }
    if let Some(m) = o.and_then(|o| rules::age_against_offer(age, &o.name, o.min_age, o.max_age)) {
        p.add("citizen_cpr", format!("Alder: {m}"));
    }
}

// ---------------------------------------------------------------------------------------------
// The term and follow-ups

pub(super) struct Term {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub max_end: Option<NaiveDate>,
    pub followups: Vec<NaiveDate>,
}

impl Term {
    /// Start and end when both read and the end is not before the start.
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        match (self.start, self.end) {
            (Some(s), Some(e)) if e >= s => Some((s, e)),
            _ => None,
        }
    }
}

fn term(cx: &Context, form: &ContractForm, p: &mut Problems) -> Term {
    let start = date_field(p, "start", "Startdato", &form.start);
    let end = date_field(p, "end", "Slutdato", &form.end);
    let max_months = u32::try_from(cx.max_months).unwrap_or(12);
    let max_end = start.map(|s| price::term_end(s, max_months));
    if let (Some(s), Some(e), Some(max)) = (start, end, max_end) {
        if e < s {
            p.add(
                "end",
                format!(
                    "Slutdato: {} ligger før startdatoen {}.",
                    fmt::date(e),
                    fmt::date(s)
                ),
            );
        } else if e > max {
            p.add(
                "end",
                format!(
                    "Slutdato: kontrakten må højst løbe {} måneder, dvs. til og med {}.",
                    cx.max_months,
                    fmt::date(max)
                ),
            );
        }
    }
    if let Some(s) = start {
        if (cx.today - s).num_days() > 365 {
            p.add(
                "start",
                format!("Startdato: {} ligger mere end et år tilbage.", fmt::date(s)),
            );
        }
    }
    let followups = followups(form, start, end, p);
    Term {
        start,
        end,
        max_end,
        followups,
    }
}

fn followups(
    form: &ContractForm,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    p: &mut Problems,
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for token in form
        .followups
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        match fmt::parse_date(token) {
            Some(d) => out.push(d),
            None => p.add(
                "followups",
                format!("Opfølgning: «{token}» er ikke en dato; skriv dd.mm.åååå."),
            ),
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() && !form.followups.trim().chars().any(|c| c.is_ascii_digit()) {
        p.add(
            "followups",
            "Opfølgning: angiv mindst én opfølgningsdato inden for kontraktens periode.",
        );
    }
    if let (Some(s), Some(e)) = (start, end) {
        for f in out.iter().filter(|f| **f < s || **f > e) {
            p.add(
                "followups",
                format!(
                    "Opfølgning: {} ligger uden for kontraktens periode {}–{}.",
                    fmt::date(*f),
                    fmt::date(s),
                    fmt::date(e)
                ),
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The agreement and the template

/// The agreement that binds the buyer on the contract's start date (today before there is
/// one), and whether it covers the offer.
pub(super) struct Binding<'a> {
    pub applicable: Option<agreements::Applicable<'a>>,
    pub on: NaiveDate,
    pub within: bool,
    /// Other agreements that cover the offer.
    pub others: Vec<&'a Agreement>,
}

fn binding<'a>(
    cx: &'a Context,
    buyer: Option<&geo::Municipality>,
    o: Option<&OfferFacts>,
    start: Option<NaiveDate>,
) -> Binding<'a> {
    let on = start.unwrap_or(cx.today);
    let applicable =
        buyer.and_then(|m| agreements::rules::for_municipality(&cx.agreements, m.code, on));
    let covers = |a: &Agreement| {
        o.is_some_and(|o| {
            agreements::rules::covers(a, &cx.agreements, &Coverage::of(o), cx.extracted)
        })
    };
    let within = applicable.is_some_and(|a| covers(a.agreement));
    let others = cx
        .agreements
        .iter()
        .filter(|a| applicable.is_none_or(|b| b.agreement.id != a.id) && covers(a))
        .collect();
    Binding {
        applicable,
        on,
        within,
        others,
    }
}

fn agreement_ref(b: &Binding) -> Option<AgreementRef> {
    b.applicable.map(|a| AgreementRef {
        id: a.agreement.id.clone(),
        version: a.agreement.version,
        name: a.agreement.name.clone(),
        fallback: a.fallback,
        text: a.text(b.on),
    })
}

fn binding_notes(b: &Binding, buyer: Option<&geo::Municipality>, notes: &mut Vec<String>) {
    match (b.applicable, buyer) {
        (Some(a), _) if a.fallback => notes.push(format!("Rammeaftale: {}.", a.text(b.on))),
        (None, Some(m)) => notes.push(format!(
            "Rammeaftale: {} er ikke medlem af en indlæst rammeaftale pr. {}; kontrakten er uden for rammeaftale. Indlæs kommunens rammeaftale under Rammeaftaler.",
            m.name,
            fmt::date(b.on)
        )),
        _ => {}
    }
    if !b.within && !b.others.is_empty() {
        notes.push(terms::payment_agreement_note(b));
    }
}

// ---------------------------------------------------------------------------------------------
// The public-first check (R1): a purchase outside the buyer's agreement needs a closed, valid
// check for this need.

/// The contract's side of the need the check must match: legal basis, the citizen's birth date,
/// the buyer, the start.
type ContractNeed<'a> = (
    Option<LegalBasis>,
    Option<NaiveDate>,
    &'a Parties,
    Option<NaiveDate>,
);

fn check_problems(
    cx: &Context,
    form: &ContractForm,
    o: &OfferFacts,
    within: bool,
    (basis, birth, parties, start): ContractNeed,
    p: &mut Problems,
) -> Result<()> {
    let check_id = form.check_id.trim();
    let check = if check_id.is_empty() {
        None
    } else {
        match placement::load(cx.conn, check_id, cx.today) {
            Ok(c) => Some(c),
            Err(e) => {
                p.add("check_id", format!("Afstemning: {e}"));
                return Ok(());
            }
        }
    };
    if within {
        return Ok(());
    }
    let Some(c) = check else {
        let what = match o.operator_type() {
            Some(OperatorType::Privat) | None => "et privat tilbud".to_string(),
            Some(OperatorType::Selvejende) => {
                "et selvejende tilbud uden for købers rammeaftale".into()
            }
            Some(_) => "et offentligt tilbud uden for købers rammeaftale".into(),
        };
        p.add(
            "check_id",
            format!(
                "Afstemning: {} er {what} og kan kun vælges gennem en lukket afstemning, der begrunder køb uden for rammeaftalen. Lav afstemningen under Afstemninger.",
                o.name
            ),
        );
        return Ok(());
    };
    let need = Need {
        legal_basis: basis.unwrap_or(c.need.legal_basis),
        target_group: c.need.target_group.clone(),
        age: birth
            .map(|b| rules::age_on(b, c.created_on))
            .unwrap_or(c.need.age),
        home_municipality: parties
            .buyer
            .map(|m| m.code)
            .unwrap_or(c.need.home_municipality),
        wanted_start: start.unwrap_or(c.need.wanted_start),
    };
    let class = OfferClass {
        within_agreement: within,
    };
    if let Err(e) = c.allows(&need, class, CheckKind::Privat, cx.today) {
        p.add("check_id", format!("Afstemning: {e}"));
    }
    Ok(())
}

/// The intervention and its goals (one per line).
fn intervention(form: &ContractForm, p: &mut Problems) -> (Option<String>, Vec<String>) {
    let intervention = required(p, "intervention", "Indsats", &form.intervention);
    let goals: Vec<String> = form
        .goals
        .lines()
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(String::from)
        .collect();
    if goals.is_empty() {
        p.add("goals", "Mål: skriv mindst ét mål for indsatsen.");
    }
    (intervention, goals)
}

// ---------------------------------------------------------------------------------------------
// Add-ons

pub(super) struct AddOn {
    pub description: String,
    pub basis: String,
    pub amount: Decimal,
    pub unit: Unit,
}

fn addons(form: &ContractForm, p: &mut Problems) -> Vec<AddOn> {
    let mut out = Vec::new();
    for (i, a) in form.addons.iter().enumerate() {
        let n = i + 1;
        let field = format!("addons[{i}]");
        if [&a.description, &a.amount, &a.basis]
            .iter()
            .all(|t| t.trim().is_empty())
        {
            continue;
        }
        let description = required(
            p,
            &field,
            &format!("Tillægsydelse {n}, beskrivelse"),
            &a.description,
        );
        let basis = required(
            p,
            &field,
            &format!("Tillægsydelse {n}, begrundelse og beregningsgrundlag"),
            &a.basis,
        );
        let amount = fmt::parse_amount(&a.amount).filter(|v| !v.is_zero());
        if amount.is_none() {
            p.add(
                &field,
                format!(
                    "Tillægsydelse {n}, beløb: «{}» skal være et beløb over 0, fx 450,00.",
                    a.amount.trim()
                ),
            );
        }
        let unit = Unit::parse(if a.unit.trim().is_empty() {
            "dag"
        } else {
            &a.unit
        });
        if unit.is_none() {
            p.add(
                &field,
                format!(
                    "Tillægsydelse {n}, enhed: «{}» kendes ikke; brug dag, maaned eller engang.",
                    a.unit.trim()
                ),
            );
        }
        let amount = match (amount, unit) {
            (Some(a), Some(u)) => {
                let range = match u {
                    Unit::Dag => limits::DAILY_RATE,
                    Unit::Maaned => limits::MONTHLY_RATE,
                    Unit::Engang => limits::ONE_OFF,
                };
                range
                    .check(a, &format!("Tillægsydelse {n}, beløb"))
                    .map_err(|e| p.add(&field, e.to_string()))
                    .ok()
            }
            _ => amount,
        };
        if let (Some(description), Some(basis), Some(amount), Some(unit)) =
            (description, basis, amount, unit)
        {
            out.push(AddOn {
                description,
                basis,
                amount,
                unit,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The price (R4)

/// One year's base rate with its unit and VAT.
pub(super) type BaseRate = (i32, YearRate, Unit, Decimal);

/// The base rate of each year of the term, with its unit and VAT (the year's own, or the
/// year's it was carried or uplifted from).
fn base_rates(
    cx: &Context,
    o: &OfferFacts,
    department: &str,
    basis: LegalBasis,
    (start, end): (NaiveDate, NaiveDate),
    within: bool,
    p: &mut Problems,
) -> Result<Option<Vec<BaseRate>>> {
    let mut sheet: Vec<(i32, rates::Rate, bool)> = Vec::new();
    let mut pl: Vec<(i32, Decimal)> = Vec::new();
    for year in start.year()..=end.year() {
        if let Some((r, from_catalogue)) =
            rates::store::for_contract(cx.conn, &o.id, department, basis, year)?
        {
            sheet.push((year, r, from_catalogue));
        }
        if let Some(v) = settings::pl_rate(cx.conn, year)? {
            pl.push((year, v));
        }
    }
    let found = rules::year_rates(
        start.year(),
        end.year(),
        within,
        |y| {
            sheet
                .iter()
                .find(|(sy, ..)| *sy == y)
                .map(|(_, r, c)| (r.amount, *c))
        },
        |y| pl.iter().find(|(py, _)| *py == y).map(|(_, v)| *v),
    );
    match found {
        Ok(years) => {
            let mut unit_vat = (Unit::Dag, Decimal::ZERO);
            Ok(Some(
                years
                    .into_iter()
                    .map(|(year, rate)| {
                        if let (YearRate::Sheet { .. }, Some((_, r, _))) =
                            (&rate, sheet.iter().find(|(sy, ..)| *sy == year))
                        {
                            unit_vat = (r.unit, r.vat_pct);
                        }
                        (year, rate, unit_vat.0, unit_vat.1)
                    })
                    .collect(),
            ))
        }
        Err(MissingRate::Sheet(year)) => {
            p.add(
                "start",
                format!(
                    "Takst: takstoversigten har ingen takst for {} efter {} i {year}. Indlæs takstoversigten for {year}.",
                    o.name,
                    basis.label()
                ),
            );
            Ok(None)
        }
        Err(MissingRate::Pl(year)) => {
            p.add(
                "end",
                format!(
                    "Takst: kontrakten løber ind i {year}, og taksten skal reguleres med PL-satsen for {year}, som ikke er sat. Sæt den under Indstillinger («PL-sats {year}»); prisen er ikke beregnet."
                ),
            );
            Ok(None)
        }
    }
}

fn line(
    label: String,
    basis: String,
    amount: Decimal,
    unit: Unit,
    vat_pct: Decimal,
    (from, to): (NaiveDate, NaiveDate),
    provisional: bool,
) -> Result<PriceLine> {
    let total = price::line_total(amount, unit, from, to)?;
    Ok(PriceLine {
        label,
        basis,
        amount,
        unit,
        vat_pct,
        from,
        to,
        days: price::days_inclusive(from, to),
        total,
        provisional,
        amount_text: price::amount_text(amount, unit),
        total_text: fmt::kr(total),
    })
}

/// "Taksten indeholder leverandørens ikke-fradragsberettigede moms …" or that it holds none.
/// Social services are VAT-exempt: the VAT in a private rate is the provider's own VAT on its
/// costs, which the municipality partly gets back (momsrefusion), never "inkl. moms".
pub fn vat_text(vat_pct: Decimal) -> String {
    if vat_pct.is_zero() {
        "Taksterne indeholder ingen moms.".into()
    } else {
        let pct = fmt::number(vat_pct, if vat_pct.fract().is_zero() { 0 } else { 2 });
        format!(
            "Taksten indeholder leverandørens ikke-fradragsberettigede moms ({pct} % af taksten uden moms, efter takstoversigten). Kommunen får en del af betalingen tilbage efter momsrefusionsordningen."
        )
    }
}

/// The basis of the contract's figures in a few words, for headings: the rate sheet's
/// amounts, with the provider's non-deductible VAT where the rate has it.
pub fn basis_text(vat_pct: Decimal) -> String {
    if vat_pct.is_zero() {
        "Beløb uden moms (taksten indeholder ingen moms)".into()
    } else {
        let pct = fmt::number(vat_pct, if vat_pct.fract().is_zero() { 0 } else { 2 });
        format!("Beløb inkl. leverandørens ikke-fradragsberettigede moms ({pct} %) som i takstoversigten")
    }
}

/// Each year's amount: its base-rate line plus its part of every add-on; the years add up to
/// the lines' total (`price::split_by_years`). The base-rate lines come first, one per year.
fn year_amounts(
    figures: &mut [YearFigures],
    lines: &[PriceLine],
    period: (NaiveDate, NaiveDate),
) -> Result<()> {
    let segments = price::year_segments(period.0, period.1);
    let n = figures.len().min(segments.len());
    for (f, l) in figures.iter_mut().zip(lines) {
        f.amount = l.total;
    }
    for l in lines.iter().skip(figures.len()) {
        let parts = price::split_by_years(l.amount, l.unit, l.total, &segments[..n])?;
        for (f, part) in figures.iter_mut().zip(parts) {
            f.amount = limits::add(f.amount, part, "prisen")?;
        }
    }
    for f in figures.iter_mut() {
        f.amount_text = fmt::kr(f.amount);
    }
    Ok(())
}

fn price_rule_text(b: &Binding) -> String {
    match (b.within, b.applicable) {
        (true, Some(a)) => format!(
            "Inden for {}: hvert års takst fra takstoversigten; mangler den, betales det foregående års takst foreløbigt.",
            a.agreement.name
        ),
        _ => "Uden for købers rammeaftale: startårets takst fra takstoversigten reguleres pr. 1. januar med årets PL-sats.".into(),
    }
}

/// One base-rate line and the per-day and per-month figures (add-ons included) for each
/// calendar year of the term.
fn year_lines(
    years: &[BaseRate],
    period: (NaiveDate, NaiveDate),
    addons: &[AddOn],
) -> Result<(Vec<PriceLine>, Vec<YearFigures>)> {
    let segments = price::year_segments(period.0, period.1);
    let per_days = addons.iter().map(|a| price::per_day(a.amount, a.unit));
    let addon_day = price::sum(per_days.collect::<Result<Vec<_>>>()?)?;
    let per_months = addons.iter().map(|a| price::per_month(a.amount, a.unit));
    let addon_month = price::sum(per_months.collect::<Result<Vec<_>>>()?)?;
    let mut lines = Vec::new();
    let mut figures = Vec::new();
    for ((year, rate, unit, vat_pct), seg) in years.iter().zip(&segments) {
        let days = price::days_inclusive(seg.0, seg.1);
        lines.push(line(
            format!(
                "Grundtakst {year} ({}–{}, {days} dage)",
                fmt::date(seg.0),
                fmt::date(seg.1)
            ),
            rate.text(*year),
            rate.amount(),
            *unit,
            *vat_pct,
            *seg,
            rate.provisional(),
        )?);
        let per_day = price::round_oere(price::sum([
            price::per_day(rate.amount(), *unit)?,
            addon_day,
        ])?);
        let per_month = price::round_oere(price::sum([
            price::per_month(rate.amount(), *unit)?,
            addon_month,
        ])?);
        figures.push(YearFigures {
            year: *year,
            per_day_text: fmt::kr(per_day),
            per_month_text: fmt::kr(per_month),
            per_day,
            per_month,
            rule: rate.text(*year),
            provisional: rate.provisional(),
            days,
            amount: Decimal::ZERO,
            amount_text: String::new(),
        });
    }
    Ok((lines, figures))
}

/// The rate a price is computed from: the rate sheet's (the offer, basis and department), or
/// a one-person project's rate agreed on the contract.
pub(super) enum RateFrom<'a> {
    Sheet(&'a OfferFacts, &'a str, LegalBasis),
    Agreed(Decimal, Unit),
}

fn price(
    cx: &Context,
    from: RateFrom,
    period: (NaiveDate, NaiveDate),
    binding: &Binding,
    addons: &[AddOn],
    p: &mut Problems,
) -> Result<Option<Price>> {
    let years = match from {
        RateFrom::Sheet(o, department, basis) => {
            base_rates(cx, o, department, basis, period, binding.within, p)?
        }
        RateFrom::Agreed(amount, unit) => {
            super::one_person::base_rates(cx, (amount, unit), period, p)?
        }
    };
    let Some(years) = years else {
        return Ok(None);
    };
    let (mut lines, mut figures) = year_lines(&years, period, addons)?;
    let vat = years.iter().map(|y| y.3).max().unwrap_or_default();
    for a in addons {
        lines.push(line(
            format!("Tillægsydelse: {}", a.description),
            a.basis.clone(),
            a.amount,
            a.unit,
            vat,
            period,
            false,
        )?);
    }
    year_amounts(&mut figures, &lines, period)?;
    let days = price::days_inclusive(period.0, period.1);
    let total = price::sum(lines.iter().map(|l| l.total))?;
    let running = price::sum(
        lines
            .iter()
            .filter(|l| l.unit != Unit::Engang)
            .map(|l| l.total),
    )?;
    let per_day = price::round_oere(running / Decimal::from(days.max(1)));
    let per_month = price::round_oere(rates::rules::day_to_month(per_day)?);
    Ok(Some(Price {
        days,
        lines,
        years: figures,
        per_day_text: format!("{} (gennemsnit over perioden)", fmt::kr(per_day)),
        per_month_text: format!("{} (gennemsnit over perioden)", fmt::kr(per_month)),
        total_text: fmt::kr(total),
        rule_text: price_rule_text(binding),
        vat_text: vat_text(vat),
        basis_text: basis_text(vat),
        per_day,
        per_month,
        total,
    }))
}

/// The form's price: amounts too large to compute with are the form's problem, not a failure;
/// a one-person project's agreed rate says how it moves.
fn form_price(
    cx: &Context,
    from: RateFrom,
    period: (NaiveDate, NaiveDate),
    (binding, addons): (&Binding, &[AddOn]),
    p: &mut Problems,
) -> Result<Option<Price>> {
    let agreed = matches!(from, RateFrom::Agreed(..));
    match price(cx, from, period, binding, addons, p) {
        Ok(price) => Ok(price.map(|mut pr| {
            if agreed {
                pr.rule_text = super::one_person::RULE_TEXT.into();
                pr.vat_text = super::one_person::VAT_TEXT.into();
                pr.basis_text = "Beløb som aftalt i kontrakten (budgettets linjer)".into();
            }
            pr
        })),
        Err(Error::Invalid(m)) => {
            p.add("addons", format!("Pris: {m}"));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// The evaluation

/// What the form's sections came to.
pub(super) struct Parts {
    pub offer: Option<OfferFacts>,
    pub basis: Option<LegalBasis>,
    pub department_name: Option<String>,
    pub parties: Parties,
    pub citizen_name: Option<String>,
    pub intervention: Option<String>,
    pub goals: Vec<String>,
    pub term: Term,
    pub template: Option<&'static Template>,
    pub agreement: Option<AgreementRef>,
    pub terms: terms::Terms,
    pub price: Option<Price>,
    pub within: bool,
    pub others: Vec<String>,
    pub payment_note: String,
    /// A one-person project's budget and check.
    pub one_person: Option<OnePerson>,
}

/// Evaluates `form` on `today`. Never fails on user input: every problem is in the result.
pub fn evaluate(conn: &Connection, form: &ContractForm, today: NaiveDate) -> Result<Evaluation> {
    let cx = Context::load(conn, today)?;
    let mut p = Problems::default();
    let mut notes = Vec::new();
    let parts = read(&cx, form, &mut p, &mut notes)?;
    let data = if p.0.is_empty() {
        super::data::assemble(&cx, form, &parts, &notes)?
    } else {
        None
    };
    Ok(super::data::evaluation(&cx, form, parts, p.0, notes, data))
}

/// A private or self-governing provider (or one without an operator) must give its CVR.
fn needs_cvr(offer: Option<&OfferFacts>) -> bool {
    offer.is_some_and(|o| {
        matches!(
            o.operator_type(),
            Some(OperatorType::Privat | OperatorType::Selvejende) | None
        )
    })
}

/// The template: the children's for Barnets Lov or a citizen under 18, within the buyer's
/// agreement or outside it.
fn template_for(
    basis: Option<LegalBasis>,
    offer: Option<&OfferFacts>,
    age: Option<u8>,
    within: bool,
) -> Result<Option<&'static Template>> {
    Ok(match basis {
        Some(b) if offer.is_some() => {
            Some(templates::choose(rules::children_template(b, age), within)?)
        }
        _ => None,
    })
}

fn read(
    cx: &Context,
    form: &ContractForm,
    p: &mut Problems,
    notes: &mut Vec<String>,
) -> Result<Parts> {
    text_lengths(form, p);
    let term = term(cx, form, p);
    let on = term.start.unwrap_or(cx.today);
    let offer = offer(cx, form, on, p)?;
    let basis = basis(form, p, notes);
    let department_name = offer.as_ref().and_then(|o| department(form, o, basis, p));
    let parties = parties(form, needs_cvr(offer.as_ref()), p);
    let (citizen_name, birth) = citizen(form, cx.today, p);
    let age = birth.zip(term.start).map(|(b, s)| rules::age_on(b, s));
    if let Some(a) = age {
        age_problems(a, basis, offer.as_ref(), p);
    }
    let (intervention, goals) = intervention(form, p);
    let binding = binding(cx, parties.buyer, offer.as_ref(), term.start);
    binding_notes(&binding, parties.buyer, notes);
    let template = template_for(basis, offer.as_ref(), age, binding.within)?;
    if let Some(o) = &offer {
        let need = (basis, birth, &parties, term.start);
        check_problems(cx, form, o, binding.within, need, p)?;
    }
    let need = super::one_person::ContractNeed {
        basis,
        birth,
        buyer: parties.buyer.map(|m| m.code),
        start: term.start,
    };
    let one_person = match form.one_person {
        true => Some(super::one_person::read(
            cx,
            form,
            offer.as_ref(),
            &binding,
            &need,
            p,
            notes,
        )?),
        false => None,
    };
    let agreed = one_person.as_ref().and_then(|r| r.typed_rate);
    let terms = terms::read(form, &binding, p);
    let addons = addons(form, p);
    let price = match (&offer, basis, term.period()) {
        (Some(o), Some(b), Some(period)) => {
            let from = match agreed {
                Some((amount, unit)) => RateFrom::Agreed(amount, unit),
                None => RateFrom::Sheet(o, form.department_id.trim(), b),
            };
            form_price(cx, from, period, (&binding, &addons), p)?
        }
        _ => None,
    };
    Ok(Parts {
        agreement: agreement_ref(&binding),
        within: binding.within,
        others: binding.others.iter().map(|a| a.id.clone()).collect(),
        payment_note: if !binding.within && !binding.others.is_empty() {
            terms::payment_agreement_note(&binding)
        } else {
            String::new()
        },
        one_person: one_person.map(|r| r.budget),
        offer,
        basis,
        department_name,
        parties,
        citizen_name,
        intervention,
        goals,
        term,
        template,
        terms,
        price,
    })
}
