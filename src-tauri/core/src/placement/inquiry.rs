//! The one-person check (R4, seed 003 L226: "Vi afsøger om andre kommuner kan være med i et
//! botilbud, før vi opretter et enkeltmandstilbud"): which municipalities were asked whether
//! they could join an existing or shared offer, when, how, who was asked and what they
//! answered — not a search for free places. Closing needs at least one answer; the conclusion
//! is either that no municipality could join (the one-person project is justified) or a shared
//! or existing offer with a municipality that answered yes. Every record is in the audit log.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::forms::ClosingForm;
use super::model::*;
use super::read::load;
use super::record::open_check;
use super::store::{self, InquiryRow};
use super::{rules, texts};
use crate::error::{Error, Result};
use crate::{audit, fmt, geo};

/// The check, if it is a one-person check.
fn one_person_check(conn: &Connection, id: &str, today: NaiveDate) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    if check.kind != CheckKind::Enkeltmand {
        return Err(Error::Invalid(format!(
            "Afstemning {} er lavet «{}». Forespørgsler til andre kommuner hører til en afstemning «{}».",
            check.id,
            check.kind.label().to_lowercase(),
            CheckKind::Enkeltmand.label().to_lowercase()
        )));
    }
    Ok(check)
}

/// An asked or answered date: not after today, not more than a year back.
fn past_date(label: &str, d: NaiveDate, today: NaiveDate) -> Result<()> {
    if d > today {
        return Err(Error::Invalid(format!(
            "{label}: {} ligger i fremtiden.",
            fmt::date(d)
        )));
    }
    if (today - d).num_days() > 365 {
        return Err(Error::Invalid(format!(
            "{label}: {} ligger mere end et år tilbage.",
            fmt::date(d)
        )));
    }
    Ok(())
}

/// The inquiry checked and its texts trimmed: a real municipality other than the home one,
/// dates in order and not in the future, who was asked, and the answer in words.
fn checked(check: &Check, q: &Inquiry, today: NaiveDate) -> Result<Inquiry> {
    let m = geo::municipality(q.municipality).ok_or_else(|| {
        Error::Invalid(format!(
            "Kommune: kommunekoden {} findes ikke.",
            q.municipality
        ))
    })?;
    if m.code == check.need.home_municipality {
        return Err(Error::Invalid(format!(
            "Kommune: {} er borgerens hjemkommune; spørg de andre kommuner, om de kan være med.",
            m.name
        )));
    }
    past_date("Spurgt", q.asked_on, today)?;
    let contact = texts::field("Spurgt hos kommunen", &q.contact, 100, true)?;
    let answer = match &q.answer {
        None => None,
        Some(a) => {
            past_date("Svardato", a.answered_on, today)?;
            if a.answered_on < q.asked_on {
                return Err(Error::Invalid(format!(
                    "Svardato: {} ligger før kommunen blev spurgt ({}).",
                    fmt::date(a.answered_on),
                    fmt::date(q.asked_on)
                )));
            }
            let text = texts::field("Svar", &a.text, 1000, false)?;
            if text.is_empty() {
                return Err(Error::Invalid(format!(
                    "Svar: skriv hvad {} Kommune svarede («{}» alene er ikke et svar).",
                    m.name,
                    a.answer.label()
                )));
            }
            Some(InquiryAnswer {
                answer: a.answer,
                answered_on: a.answered_on,
                text,
            })
        }
    };
    Ok(Inquiry {
        municipality: m.code,
        asked_on: q.asked_on,
        method: q.method,
        contact,
        answer,
    })
}

fn save(conn: &Connection, check: &Check, q: &Inquiry, today: NaiveDate) -> Result<Check> {
    let tx = conn.unchecked_transaction()?;
    let user = audit::current_user(&tx);
    store::insert_inquiry(&tx, &check.id, &audit::now_local(), &user, q)?;
    audit::record(
        &tx,
        "check.inquire",
        &check.id,
        &serde_json::json!({
            "municipality": q.municipality,
            "asked_on": q.asked_on.to_string(),
            "method": q.method.code(),
            "answer": q.answer.as_ref().map(|a| a.answer.code()),
        }),
    )?;
    tx.commit()?;
    load(conn, &check.id, today)
}

/// Records that a municipality was asked whether it could join an existing or shared offer
/// (with its answer, when it came at once).
pub fn inquire(conn: &Connection, id: &str, q: &Inquiry, today: NaiveDate) -> Result<Check> {
    let check = one_person_check(conn, id, today)?;
    let q = checked(&check, q, today)?;
    save(conn, &check, &q, today)
}

/// Records the answer of a municipality already asked (a new record; the earlier one stays).
pub fn answer(
    conn: &Connection,
    id: &str,
    municipality: u16,
    a: &InquiryAnswer,
    today: NaiveDate,
) -> Result<Check> {
    let check = one_person_check(conn, id, today)?;
    let asked = check
        .asked
        .iter()
        .find(|r| r.municipality_code == municipality)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Kommune: {} er ikke spurgt i afstemning {}; registrér først, at den er spurgt.",
                municipality_name(municipality),
                check.id
            ))
        })?;
    let q = Inquiry {
        municipality,
        asked_on: asked.asked_on,
        method: asked.method,
        contact: asked.contact.clone(),
        answer: Some(a.clone()),
    };
    let q = checked(&check, &q, today)?;
    save(conn, &check, &q, today)
}

fn municipality_name(code: u16) -> String {
    geo::municipality(code)
        .map(|m| format!("{} Kommune", m.name))
        .unwrap_or_else(|| format!("kommunekode {code}"))
}

/// The chosen offer's name for a justified one-person project: an offer on the shortlist.
fn chosen_offer(check: &Check, offer_id: Option<&str>) -> Result<Option<String>> {
    let Some(offer) = offer_id.map(str::trim).filter(|o| !o.is_empty()) else {
        return Ok(None);
    };
    check
        .shortlist
        .iter()
        .find(|s| s.figures.offer_id == offer)
        .map(|s| Some(s.figures.name.clone()))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Valgt tilbud: «{offer}» står ikke på afstemningens kortliste."
            ))
        })
}

/// Closes a one-person check: no municipality could join (the one-person project is
/// justified), or a shared or existing offer with a municipality that answered yes.
pub fn close_one_person(
    conn: &Connection,
    id: &str,
    closing: &OnePersonClosing,
    today: NaiveDate,
) -> Result<Check> {
    let check = one_person_check(conn, id, today)?;
    let asked: Vec<&InquiryRecord> = check.asked.iter().collect();
    if let Some(problem) = rules::one_person_closing_problem(&asked, closing) {
        return Err(Error::Refused(format!(
            "Afstemning {} kan ikke lukkes: {problem}",
            check.id
        )));
    }
    let note = texts::field("Bemærkning", &closing.note, 1000, false)?;
    let (conclusion, chosen, name) = match closing.shared_with {
        Some(code) => {
            let yes = asked
                .iter()
                .find(|r| r.municipality_code == code)
                .and_then(|r| r.answer);
            let what = match yes {
                Some(Answer::JaEksisterende) => "Eksisterende tilbud i",
                _ => "Fælles tilbud med",
            };
            let name = format!("{what} {}", municipality_name(code));
            (Conclusion::OffentligtValgt, None, Some(name))
        }
        None => {
            let offer = closing.offer_id.as_deref().map(str::trim);
            let name = chosen_offer(&check, offer)?;
            let offer = offer.filter(|o| !o.is_empty());
            (Conclusion::EnkeltmandBegrundet, offer, name)
        }
    };
    let audit = serde_json::json!({
        "conclusion": conclusion.code(),
        "shared_with": closing.shared_with,
        "chosen_offer_id": chosen,
        "asked": asked.len(),
    });
    let row = super::record::Closed {
        conclusion,
        chosen,
        chosen_name: name.as_deref(),
        note: &note,
    };
    super::record::commit_close(conn, &check.id, today, &row, &audit)
}

/// Closes a check as typed: a one-person check through `close_one_person`, any other
/// through `record::close`.
pub fn close_form(
    conn: &Connection,
    id: &str,
    form: &ClosingForm,
    today: NaiveDate,
) -> Result<Check> {
    let check = load(conn, id, today)?;
    if check.kind == CheckKind::Enkeltmand {
        close_one_person(conn, &check.id, &form.parse_one_person()?, today)
    } else {
        super::record::close(conn, &check.id, &form.parse()?, today)
    }
}

/// A stored row as the model shows it, with its Danish line.
pub(super) fn record(row: InquiryRow, corrupt: &dyn Fn(&str) -> Error) -> Result<InquiryRecord> {
    let asked_on = fmt::parse_date(&row.asked_on).ok_or_else(|| corrupt("forespørgselsdato"))?;
    let answered_on = row.answered_on.as_deref().and_then(fmt::parse_date);
    let answer = row.answer.as_deref().map(Answer::parse).transpose()?;
    let mut r = InquiryRecord {
        id: row.id,
        municipality_code: row.municipality_code,
        municipality: geo::municipality(row.municipality_code)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| row.municipality_code.to_string()),
        asked_on,
        method: InquiryMethod::parse(&row.method)?,
        contact: row.contact,
        answer,
        answered_on,
        answer_text: row.answer_text,
        recorded_at: row.recorded_at,
        recorded_by: row.recorded_by,
        text: String::new(),
    };
    r.text = record_text(&r);
    Ok(r)
}

/// "Køge Kommune: spurgt 02.11.2026 pr. e-mail (Lis Berg); svar 05.11.2026: Nej, kan ikke
/// være med – Ingen ledige boliger."
pub fn record_text(r: &InquiryRecord) -> String {
    let asked = format!(
        "{} Kommune: spurgt {} {} ({})",
        r.municipality,
        fmt::date(r.asked_on),
        r.method.label(),
        r.contact
    );
    match (r.answer, r.answered_on) {
        (Some(a), Some(on)) => format!(
            "{asked}; svar {}: {} – {}",
            fmt::date(on),
            a.label(),
            r.answer_text
        ),
        _ => format!("{asked}; intet svar endnu"),
    }
}

/// A check's inquiries as the check shows them (none on a private-purchase check).
pub(super) struct Parts {
    pub inquiries: Vec<InquiryRecord>,
    pub asked: Vec<InquiryRecord>,
    pub not_asked: Vec<MunicipalityRef>,
    pub rule: Option<OnePersonRule>,
}

/// Reads check `id`'s inquiries: every record, the latest per municipality in Danish order,
/// the agreement's members not asked yet, and the agreement's rule on one-person projects.
pub(super) fn parts(
    conn: &Connection,
    id: &str,
    kind: CheckKind,
    agreement: Option<&crate::agreements::Agreement>,
    home: u16,
    corrupt: &dyn Fn(&str) -> Error,
) -> Result<Parts> {
    let inquiries = store::inquiries(conn, id)?
        .into_iter()
        .map(|r| record(r, corrupt))
        .collect::<Result<Vec<_>>>()?;
    let mut asked: Vec<InquiryRecord> = rules::latest_per_municipality(&inquiries)
        .into_iter()
        .cloned()
        .collect();
    asked.sort_by(|a, b| fmt::danish_cmp(&a.municipality, &b.municipality));
    if kind != CheckKind::Enkeltmand {
        return Ok(Parts {
            inquiries,
            asked,
            not_asked: Vec::new(),
            rule: None,
        });
    }
    let members = agreement
        .and_then(|a| a.members.value.clone())
        .unwrap_or_default();
    Ok(Parts {
        not_asked: not_asked(&members, home, &asked),
        rule: Some(rules::one_person_rule(agreement)),
        inquiries,
        asked,
    })
}

/// A one-person check's own texts: what it still waits for, and what its scope is.
pub(super) fn texts(text: &mut CheckTexts, parts: &Parts, closed: bool, scope: &Scope) {
    text.outstanding = outstanding(closed, &parts.asked);
    let area = if scope.agreement_name.is_empty() {
        &scope.region_name
    } else {
        &scope.agreement_name
    };
    text.scope = format!(
        "Kommunerne i {area} og andre kommuner efter behov: spurgt om de kan være med i et eksisterende eller fælles botilbud (ikke en søgning efter ledige pladser)."
    );
}

/// What stands between a one-person check and its closing.
fn outstanding(closed: bool, asked: &[InquiryRecord]) -> String {
    if closed {
        return String::new();
    }
    let answered = asked.iter().filter(|r| r.answer.is_some()).count();
    match (asked.len(), answered) {
        (0, _) => "Ingen kommune er spurgt endnu. Registrér hvilke kommuner der er spurgt, om de kan være med i et eksisterende eller fælles botilbud, hvornår, hvordan og hvad de svarede.".into(),
        (n, 0) => format!("{} er spurgt; ingen har svaret endnu. Afstemningen kan lukkes, når mindst én har svaret.", crate::fmt::count(n, "kommune", "kommuner")),
        (n, a) => format!("{} er spurgt, {a} har svaret. Afstemningen kan lukkes.", crate::fmt::count(n, "kommune", "kommuner")),
    }
}

/// The agreement's member municipalities not asked yet (not the home municipality).
fn not_asked(members: &[u16], home: u16, asked: &[InquiryRecord]) -> Vec<MunicipalityRef> {
    let mut out: Vec<MunicipalityRef> = members
        .iter()
        .filter(|c| **c != home && !asked.iter().any(|r| r.municipality_code == **c))
        .filter_map(|c| geo::municipality(*c))
        .map(|m| MunicipalityRef {
            code: m.code,
            name: m.name.clone(),
        })
        .collect();
    out.sort_by(|a, b| fmt::danish_cmp(&a.name, &b.name));
    out
}
