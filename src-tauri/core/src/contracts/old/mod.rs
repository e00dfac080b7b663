//! Contracts from before the standard (issue 13, point 4; seed 003 L169-175: standard
//! contracts are obligatory for "Kun nye kontrakter"). An existing, non-standard contract is
//! registered — offer, citizen (name and CPR, masked everywhere, or a case reference without
//! CPR), period or "uden slutdato", price per day or month, legal basis and where the signed
//! contract is — so that the spend figures, the end-date warnings and the contract list are
//! complete. It is shown as "ældre kontrakt" and is never a standard contract: it has its own
//! numbers (`EK-åååå-nnnn`) and tables, and is never drafted, issued or exported here; a
//! correction is a new version with a reason. Contracts without an end date are flagged for
//! renegotiation as a (time-limited) standard contract.

pub mod model;
pub mod rules;
pub mod store;

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use super::ids;
use super::model::{ContractListItem, ContractState};
use crate::agreements::{self, rules::Coverage, Agreement};
use crate::catalogue::model::{LegalBasis, OperatorType};
use crate::error::{Error, Result};
use crate::limits::text::{LINE, NAME, NOTE};
use crate::rates::Unit;
use crate::{audit, catalogue, fmt, geo, limits, settings};
pub use model::*;

/// "Ældre kontrakt" as the list and the screen call it.
pub const KIND_TEXT: &str = "Ældre kontrakt (fra før standardkontrakterne)";

/// Why a registered contract cannot be handled as a standard contract.
pub fn not_standard(id: &str) -> Error {
    Error::Refused(format!(
        "{id} er en ældre kontrakt (registreret fra før standardkontrakterne) og kan ikke redigeres, udstedes, opsiges, fornyes eller eksporteres som standardkontrakt. Ret den med en ny version og en årsag («Ret ældre kontrakt» eller plads contract correct-old)."
    ))
}

fn invalid(label: &str, message: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{label}: {message}"))
}

/// A text within its length, and never a CPR-like number (those belong in the CPR field).
fn text(label: &str, value: &str, max: usize) -> Result<String> {
    let v = limits::text_len(value.trim(), max, label)?;
    if ids::contains_cpr_like(v) {
        return Err(invalid(
            label,
            "ligner et CPR-nummer. CPR-nummeret hører til i feltet CPR-nummer (det vises maskeret overalt).",
        ));
    }
    Ok(v.to_string())
}

fn date(label: &str, value: &str) -> Result<NaiveDate> {
    let d = fmt::parse_date(value).ok_or_else(|| {
        invalid(
            label,
            format!("«{}» er ikke en dato; skriv dd.mm.åååå.", value.trim()),
        )
    })?;
    limits::year(i64::from(d.year()), label)?;
    Ok(d)
}

/// The citizen: name and CPR (a valid birth date, not in the future), or a case reference
/// without CPR. (name, CPR, case reference)
fn citizen(form: &OldContractForm, today: NaiveDate) -> Result<(String, String, String)> {
    let reference = text("Sagsreference", &form.case_reference, LINE)?;
    let cpr = form.citizen_cpr.trim();
    let name = limits::text_len(form.citizen_name.trim(), NAME, "Borgerens navn")?.to_string();
    if cpr.is_empty() {
        if reference.is_empty() {
            return Err(Error::Invalid(
                "Borger: angiv borgerens navn og CPR-nummer som i en standardkontrakt, eller en sagsreference uden CPR-nummer.".into(),
            ));
        }
        return Ok((name, String::new(), reference));
    }
    let birth = ids::check_cpr(cpr).map_err(|m| invalid("CPR-nummer", m))?;
    if birth > today {
        return Err(invalid(
            "CPR-nummer",
            format!("fødselsdatoen {} ligger efter i dag.", fmt::date(birth)),
        ));
    }
    if name.is_empty() {
        return Err(invalid(
            "Borgerens navn",
            "skal udfyldes, når CPR-nummeret er angivet.",
        ));
    }
    Ok((name, ids::normalise_cpr(cpr), reference))
}

/// Start (not in the future: a contract from before the standard is already running; a new
/// one is a standard contract) and end (empty: uden slutdato; not before the start).
fn period(form: &OldContractForm, today: NaiveDate) -> Result<(NaiveDate, Option<NaiveDate>)> {
    if form.start.trim().is_empty() {
        return Err(invalid("Startdato", "skal udfyldes (dd.mm.åååå)."));
    }
    let start = date("Startdato", &form.start)?;
    if start > today {
        return Err(invalid(
            "Startdato",
            format!(
                "{} ligger i fremtiden. En ældre kontrakt er en kontrakt, der allerede løber; en ny kontrakt oprettes som standardkontrakt.",
                fmt::date(start)
            ),
        ));
    }
    let end = match form.end.trim() {
        "" => None,
        e => Some(date("Slutdato", e)?),
    };
    if let Some(e) = end.filter(|e| *e < start) {
        return Err(invalid(
            "Slutdato",
            format!(
                "{} ligger før startdatoen {}.",
                fmt::date(e),
                fmt::date(start)
            ),
        ));
    }
    Ok((start, end))
}

/// The price: an amount above 0 per day or per month, within the plausible range.
fn price(form: &OldContractForm) -> Result<(rust_decimal::Decimal, Unit)> {
    let unit = match form.unit.trim() {
        "" => Unit::Dag,
        u => Unit::parse(u)
            .filter(|u| *u != Unit::Engang)
            .ok_or_else(|| {
                invalid(
                    "Enhed",
                    format!("«{u}» kendes ikke; brug dag eller maaned."),
                )
            })?,
    };
    let amount = fmt::parse_amount(&form.amount)
        .filter(|a| a.is_sign_positive() && !a.is_zero())
        .ok_or_else(|| {
            invalid(
                "Pris",
                format!(
                    "«{}» skal være et beløb over 0, fx 3.250,00.",
                    form.amount.trim()
                ),
            )
        })?;
    let range = match unit {
        Unit::Maaned => limits::MONTHLY_RATE,
        _ => limits::DAILY_RATE,
    };
    Ok((range.check(amount, "Pris")?, unit))
}

/// A municipal or regional offer on the start date, or one the agreement binding the buyer
/// then covers (the spend report's "offentlige", as for standard contracts).
fn counts_as_public(
    conn: &Connection,
    facts: &catalogue::model::OfferFacts,
    buyer: u16,
    start: NaiveDate,
) -> Result<bool> {
    if matches!(
        facts.operator_type(),
        Some(OperatorType::Kommunal | OperatorType::Regional)
    ) {
        return Ok(true);
    }
    let all = agreements::store::active(conn)?;
    let extracted = catalogue::store::extracted(conn)?;
    Ok(
        agreements::rules::for_municipality(&all, buyer, start).is_some_and(|a| {
            agreements::rules::covers(a.agreement, &all, &Coverage::of(facts), extracted)
        }),
    )
}

/// The form read into a contract, or the first problem, naming its field.
pub fn parse(conn: &Connection, form: &OldContractForm, today: NaiveDate) -> Result<OldContract> {
    let offer_id = form.offer_id.trim();
    if offer_id.is_empty() {
        return Err(invalid("Tilbud", "vælg tilbuddet, kontrakten gælder."));
    }
    if form.legal_basis.trim().is_empty() {
        return Err(invalid("Lovgrundlag", "vælg lovgrundlaget."));
    }
    let (legal_basis, _) =
        LegalBasis::parse_with_note(&form.legal_basis).map_err(|e| invalid("Lovgrundlag", e))?;
    if form.buyer_municipality.trim().is_empty() {
        return Err(invalid("Køber (handlekommune)", "vælg kommunen."));
    }
    let buyer = geo::find_municipality(&form.buyer_municipality)
        .map_err(|e| invalid("Køber (handlekommune)", e))?
        .code;
    let (citizen_name, citizen_cpr, case_reference) = citizen(form, today)?;
    let (start, end) = period(form, today)?;
    let facts = catalogue::store::offer_facts(conn, offer_id, start)?
        .ok_or_else(|| invalid("Tilbud", format!("«{offer_id}» findes ikke i kataloget.")))?;
    let (amount, unit) = price(form)?;
    let document = text("Kontraktdokument", &form.document, LINE)?;
    if document.is_empty() {
        return Err(invalid(
            "Kontraktdokument",
            "angiv hvor den underskrevne kontrakt ligger (ESDH-/journalnummer eller den scannede fils navn).",
        ));
    }
    Ok(OldContract {
        offer_id: facts.id.clone(),
        offer_name: facts.name.clone(),
        counts_as_public: counts_as_public(conn, &facts, buyer, start)?,
        legal_basis,
        buyer_municipality: buyer,
        citizen_name,
        citizen_cpr,
        case_reference,
        start,
        end,
        amount,
        unit,
        document,
        note: text("Bemærkning", &form.note, NOTE)?,
    })
}

/// The contract as a form again (what a correction starts from).
pub fn form_of(c: &OldContract) -> OldContractForm {
    OldContractForm {
        offer_id: c.offer_id.clone(),
        legal_basis: c.legal_basis.code().into(),
        buyer_municipality: c.buyer_municipality.to_string(),
        citizen_name: c.citizen_name.clone(),
        citizen_cpr: c.citizen_cpr.clone(),
        case_reference: c.case_reference.clone(),
        start: fmt::date(c.start),
        end: c.end.map(fmt::date).unwrap_or_default(),
        amount: fmt::number(c.amount, 2),
        unit: c.unit.code().into(),
        document: c.document.clone(),
        note: c.note.clone(),
    }
}

fn audit_facts(c: &OldContract) -> serde_json::Value {
    // Never the citizen's name, CPR or case reference.
    serde_json::json!({
        "offer_id": c.offer_id,
        "start": c.start.to_string(),
        "end": c.end.map(|e| e.to_string()),
        "unit": c.unit.code(),
        "has_cpr": !c.citizen_cpr.is_empty(),
    })
}

/// Registers an existing, non-standard contract (`EK-åååå-nnnn`).
pub fn register(
    conn: &Connection,
    form: &OldContractForm,
    today: NaiveDate,
) -> Result<OldContractView> {
    let c = parse(conn, form, today)?;
    let tx = conn.unchecked_transaction()?;
    let id = store::next_id(&tx, today.year())?;
    let (at, by) = (audit::now_local(), audit::current_user(&tx));
    store::insert_contract(&tx, &id, &at, &by)?;
    store::insert_version(&tx, &id, 1, (&at, &by, ""), &c)?;
    audit::record(&tx, "old_contract.register", &id, &audit_facts(&c))?;
    tx.commit()?;
    load(conn, &id, today)
}

/// A correction: a new version with the corrected contract and why (the earlier stays).
pub fn correct(
    conn: &Connection,
    id: &str,
    form: &OldContractForm,
    reason: &str,
    today: NaiveDate,
) -> Result<OldContractView> {
    let id = id.trim();
    let Some(version) = store::latest_version(conn, id)? else {
        return Err(Error::NotFound(format!(
            "Den ældre kontrakt «{id}» findes ikke."
        )));
    };
    let reason = text("Årsag", reason, NOTE)?;
    if reason.is_empty() {
        return Err(invalid("Årsag", "skriv hvorfor kontrakten rettes."));
    }
    let previous = store::versions(conn, id)?.pop().map(|(_, c)| c);
    // The window only ever sees the CPR masked: a masked number left as it was keeps the
    // stored one.
    let mut form = form.clone();
    if let Some(p) = previous.as_ref().filter(|p| !p.citizen_cpr.is_empty()) {
        if form.citizen_cpr.trim() == ids::mask_cpr(&p.citizen_cpr) {
            form.citizen_cpr = p.citizen_cpr.clone();
        }
    }
    let c = parse(conn, &form, today)?;
    if previous.as_ref() == Some(&c) {
        return Err(Error::Invalid(format!(
            "Rettelsen ændrer intet i {id}; ret de felter, der er forkerte."
        )));
    }
    let tx = conn.unchecked_transaction()?;
    let (at, by) = (audit::now_local(), audit::current_user(&tx));
    store::insert_version(&tx, id, version + 1, (&at, &by, &reason), &c)?;
    let mut facts = audit_facts(&c);
    facts["version"] = serde_json::json!(version + 1);
    audit::record(&tx, "old_contract.correct", id, &facts)?;
    tx.commit()?;
    load(conn, id, today)
}

/// The rule on standard contracts in the agreement binding the buyer on the start date.
fn standard_rule<'a>(
    all: &'a [Agreement],
    c: &OldContract,
) -> (Option<rules::StandardRule<'a>>, String) {
    let Some(a) = agreements::rules::for_municipality(all, c.buyer_municipality, c.start) else {
        return (
            None,
            "Ingen indlæst rammeaftale bandt køber på startdatoen.".into(),
        );
    };
    let a = a.agreement;
    let term = &a.terms.standard_contracts;
    match &term.value {
        Some(v) => (
            Some(rules::StandardRule {
                agreement: &a.name,
                valid_from: a.valid_from,
                source: &term.source,
            }),
            format!(
                "{}: «{}» ({})",
                a.name,
                v.trim_end_matches('.'),
                term.source
            ),
        ),
        None => (
            None,
            format!(
                "{}: standardkontrakter ikke fastsat ({}).",
                a.name, term.source
            ),
        ),
    }
}

/// The view and the list's short flags.
fn view(
    id: &str,
    all: &[Agreement],
    versions: Vec<(OldVersionView, OldContract)>,
    (today, warn_days): (NaiveDate, i64),
) -> Result<(OldContractView, Vec<String>)> {
    let Some((_, c)) = versions.last().cloned() else {
        return Err(Error::NotFound(format!(
            "Den ældre kontrakt «{id}» findes ikke."
        )));
    };
    let (rule, rule_text) = standard_rule(all, &c);
    let list_flags = rules::list_flags(&c, rule.as_ref());
    let view = OldContractView {
        id: id.to_string(),
        version: versions.len() as u32,
        versions: versions.into_iter().map(|(v, _)| v).collect(),
        form: form_of(&c),
        citizen_cpr_masked: if c.citizen_cpr.is_empty() {
            String::new()
        } else {
            ids::mask_cpr(&c.citizen_cpr)
        },
        buyer_name: geo::municipality(c.buyer_municipality)
            .map(|m| format!("{} Kommune", m.name))
            .unwrap_or_default(),
        basis_label: c.legal_basis.label().to_string(),
        kind_text: KIND_TEXT.to_string(),
        period_text: rules::period_text(c.start, c.end),
        price_text: format!("{} {}", fmt::kr(c.amount), c.unit.label()),
        flags: rules::flags(&c, rule.as_ref()),
        warnings: rules::warnings(c.end, today, warn_days),
        rule_text,
        years: rules::year_amounts(&c, rules::horizon(today))?,
        data: c,
    };
    Ok((view, list_flags))
}

/// A registered contract with its versions, judged on `today`.
pub fn load(conn: &Connection, id: &str, today: NaiveDate) -> Result<OldContractView> {
    let id = id.trim();
    let all = agreements::store::active(conn)?;
    let warn_days = settings::number(conn, &settings::CONTRACT_WARN_DAYS)?;
    Ok(view(id, &all, store::versions(conn, id)?, (today, warn_days))?.0)
}

/// Every registered contract as a line of the contract list (CPR masked).
pub fn list_items(conn: &Connection, today: NaiveDate) -> Result<Vec<ContractListItem>> {
    let all = agreements::store::active(conn)?;
    let warn_days = settings::number(conn, &settings::CONTRACT_WARN_DAYS)?;
    let mut out = Vec::new();
    for (id, v, _) in store::latest_all(conn)? {
        let (view, flags) = view(&id, &all, store::versions(conn, &id)?, (today, warn_days))?;
        let c = &view.data;
        out.push(ContractListItem {
            id: id.clone(),
            version: v.version,
            state: ContractState::Aktiv,
            state_text: "Ældre kontrakt".into(),
            offer_name: c.offer_name.clone(),
            citizen_name: if c.citizen_name.is_empty() {
                format!("Sagsreference {}", c.case_reference)
            } else {
                c.citizen_name.clone()
            },
            citizen_cpr_masked: view.citizen_cpr_masked.clone(),
            start: Some(c.start),
            end: c.end,
            days_left: c.end.map(|e| (e - today).num_days()),
            next_followup: None,
            period_text: view.period_text.clone(),
            next_followup_text: String::new(),
            warnings: view.warnings.clone(),
            old: true,
            one_person: false,
            flags,
        });
    }
    Ok(out)
}

/// One registered contract's spend: (id, public, legal basis, each year's amount).
pub type SpendYears = (String, bool, LegalBasis, Vec<OldYearAmount>);

/// What each registered contract costs per calendar year (open-ended ones through 31
/// December of `today`'s year). The spend report adds these to the standard contracts'.
pub fn spend_years(conn: &Connection, today: NaiveDate) -> Result<Vec<SpendYears>> {
    let horizon = rules::horizon(today);
    store::latest_all(conn)?
        .into_iter()
        .map(|(id, _, c)| {
            let years = rules::year_amounts(&c, horizon)?;
            Ok((id, c.counts_as_public, c.legal_basis, years))
        })
        .collect()
}
