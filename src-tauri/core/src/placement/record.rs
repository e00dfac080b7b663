//! Recording on an open check: confirmations, rejections (with evidence), the shortlist, and
//! closing with a conclusion. Every change is in the audit log.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::model::*;
use super::read::load;
use super::store;
use super::{rules, texts};
use crate::catalogue::model::OfferFacts;
use crate::error::{Error, Result};
use crate::search::SearchIndex;
use crate::{agreements, audit, catalogue, geo};

const MAX_SHORTLIST: usize = 8;

pub(super) fn open_check(conn: &Connection, id: &str, today: NaiveDate) -> Result<Check> {
    let check = load(conn, id, today)?;
    if let Some(c) = &check.closed {
        return Err(Error::Refused(format!(
            "Afstemning {} blev lukket {} og kan ikke ændres.",
            check.id,
            crate::fmt::date(c.on)
        )));
    }
    Ok(check)
}

fn candidate<'a>(check: &'a Check, offer_id: &str) -> Result<&'a Candidate> {
    check
        .candidates
        .iter()
        .find(|c| c.offer_id == offer_id.trim())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Tilbuddet «{}» er ikke blandt afstemning {}s offentlige kandidater.",
                offer_id.trim(),
                check.id
            ))
        })
}

/// Records a confirmation of a candidate's free places (it replaces the catalogue's figure).
/// A confirmation of 0 free places with date, method and contact is evidence (R1).
pub fn confirm(conn: &Connection, id: &str, c: &Confirmation, today: NaiveDate) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    let cand = candidate(&check, &c.offer_id)?;
    if c.contacted_on > today {
        return Err(Error::Invalid(format!(
            "Kontaktdato: {} ligger i fremtiden.",
            crate::fmt::date(c.contacted_on)
        )));
    }
    if rules::is_stale(Some(c.contacted_on), today, check.stale_after_days) {
        return Err(Error::Invalid(format!(
            "Kontaktdato: {} er mere end {} dage gammel og kan ikke bekræfte en ledig plads i dag.",
            crate::fmt::date(c.contacted_on),
            check.stale_after_days
        )));
    }
    if c.free_places > 999 {
        return Err(Error::Invalid(format!(
            "Ledige pladser: {} er ikke et troværdigt antal.",
            c.free_places
        )));
    }
    let contact = texts::field("Kontaktperson på tilbuddet", &c.contact, 100, true)?;
    let note = texts::field("Bemærkning", &c.note, 500, false)?;
    let tx = conn.unchecked_transaction()?;
    let user = audit::current_user(&tx);
    store::insert_confirmation(
        &tx,
        &check.id,
        &cand.offer_id,
        &audit::now_local(),
        &user,
        c,
        &contact,
        &note,
    )?;
    audit::record(
        &tx,
        "check.confirm",
        &check.id,
        &serde_json::json!({
            "offer_id": cand.offer_id,
            "contacted_on": c.contacted_on.to_string(),
            "free_places": c.free_places,
            "method": c.method.code(),
        }),
    )?;
    tx.commit()?;
    load(conn, &check.id, today)
}

/// Records why a candidate is not used: a reason, a written explanation and who decided. "Ingen
/// ledig plads" is refused here: it is recorded as a confirmation of 0 free places.
pub fn reject(conn: &Connection, id: &str, r: &Rejection, today: NaiveDate) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    let cand = candidate(&check, &r.offer_id)?;
    if r.reason == RejectReason::IngenLedigPlads {
        return Err(Error::Invalid(
            "Begrundelse: «Ingen ledig plads» registreres som en bekræftelse med 0 ledige pladser (dato, kontaktform og kontaktperson på tilbuddet), ikke som en afvisning.".into(),
        ));
    }
    let note = texts::field("Begrundelse", &r.note, 1000, false)?;
    if note.is_empty() {
        return Err(Error::Invalid(format!(
            "Begrundelse: skriv hvorfor «{}» ikke bruges («{}» alene er ikke en begrundelse).",
            cand.name,
            r.reason.label()
        )));
    }
    let decided_by = texts::field("Besluttet af", &r.decided_by, 100, false)?;
    if decided_by.is_empty() {
        return Err(Error::Invalid(
            "Besluttet af: skriv hvem der har truffet beslutningen (navn og titel).".into(),
        ));
    }
    let tx = conn.unchecked_transaction()?;
    let user = audit::current_user(&tx);
    store::insert_rejection(
        &tx,
        &check.id,
        &cand.offer_id,
        &audit::now_local(),
        &user,
        r.reason,
        &note,
        &decided_by,
    )?;
    audit::record(
        &tx,
        "check.reject",
        &check.id,
        &serde_json::json!({ "offer_id": cand.offer_id, "reason": r.reason.code() }),
    )?;
    tx.commit()?;
    load(conn, &check.id, today)
}

/// Whether the agreement of the check's scope covers the offer (then it is choosable without
/// the check).
fn within_scope_agreement(conn: &Connection, check: &Check, facts: &OfferFacts) -> Result<bool> {
    let Some(id) = &check.scope.agreement_id else {
        return Ok(false);
    };
    let all = agreements::store::active(conn)?;
    let extracted = catalogue::store::extracted(conn)?;
    Ok(all.iter().find(|a| &a.id == id).is_some_and(|a| {
        agreements::rules::covers(a, &all, &agreements::rules::Coverage::of(facts), extracted)
    }))
}

/// Puts an offer (public or private) on the check's shortlist with its figures as of now.
pub fn add_to_shortlist(
    conn: &Connection,
    index: &SearchIndex,
    id: &str,
    offer_id: &str,
    today: NaiveDate,
) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    let offer_id = offer_id.trim();
    if check
        .shortlist
        .iter()
        .any(|s| s.figures.offer_id == offer_id)
    {
        return Err(Error::Invalid(format!(
            "Tilbuddet «{offer_id}» står allerede på kortlisten."
        )));
    }
    if check.shortlist.len() >= MAX_SHORTLIST {
        return Err(Error::Invalid(format!(
            "Kortlisten har allerede {MAX_SHORTLIST} tilbud; fjern et, før du tilføjer et nyt."
        )));
    }
    let home = geo::municipality(check.need.home_municipality).map(|m| geo::Point {
        lat: m.lat,
        lon: m.lon,
    });
    let hit = index.hit_for(
        conn,
        offer_id,
        Some(check.need.legal_basis),
        home,
        today,
        check.stale_after_days,
    )?;
    let facts = catalogue::store::offer_facts(conn, offer_id, today)?.ok_or_else(|| {
        Error::NotFound(format!("Tilbuddet «{offer_id}» findes ikke i kataloget."))
    })?;
    let key = catalogue::store::offer_key(conn, offer_id)?.unwrap_or_default();
    let added_at = audit::now_local();
    let figures = Figures {
        offer_id: hit.id.clone(),
        name: hit.name.clone(),
        city: hit.city.clone(),
        municipality: hit.municipality.clone(),
        operator_type: hit.operator_type,
        operator_name: hit.operator_name.clone(),
        covered_by_rammeaftale: hit.covered_by_rammeaftale,
        counts_as_public: within_scope_agreement(conn, &check, &facts)?,
        legal_bases: hit.text.legal_bases.clone(),
        target_groups: catalogue::store::target_group_labels(conn, key)?,
        age: hit.text.age.clone(),
        places: hit.places,
        free_places: hit.free_places,
        free_as_of: hit.free_as_of,
        free_text: hit.text.free_places.clone(),
        free_as_of_text: hit.text.free_as_of.clone(),
        free_stale: hit.free_stale,
        daily_rate_ex_vat: hit.daily_rate_ex_vat,
        daily_rate_text: hit.text.daily_rate.clone(),
        distance_km: hit.distance_km.unwrap_or_default(),
        distance_text: hit.text.distance.clone(),
        approval: hit.approval.label().to_string(),
        added_at: added_at.clone(),
    };
    let json = serde_json::to_string(&figures)
        .map_err(|e| Error::Internal(format!("Kortlisten kunne ikke gemmes: {e}")))?;
    let tx = conn.unchecked_transaction()?;
    store::insert_shortlist(&tx, &check.id, &hit.id, &added_at, &json)?;
    audit::record(
        &tx,
        "check.shortlist_add",
        &check.id,
        &serde_json::json!({ "offer_id": hit.id }),
    )?;
    tx.commit()?;
    load(conn, &check.id, today)
}

pub fn remove_from_shortlist(
    conn: &Connection,
    id: &str,
    offer_id: &str,
    today: NaiveDate,
) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    let tx = conn.unchecked_transaction()?;
    if store::remove_shortlist(&tx, &check.id, offer_id.trim())? == 0 {
        return Err(Error::Invalid(format!(
            "Tilbuddet «{}» står ikke på kortlisten.",
            offer_id.trim()
        )));
    }
    audit::record(
        &tx,
        "check.shortlist_remove",
        &check.id,
        &serde_json::json!({ "offer_id": offer_id.trim() }),
    )?;
    tx.commit()?;
    load(conn, &check.id, today)
}

/// The name of the chosen offer, checked against the conclusion: a public choice must be a
/// candidate not rejected (or a public offer on the shortlist); a justified purchase outside
/// the agreement may name an offer on the shortlist that is outside it.
fn chosen_name(check: &Check, closing: &Closing, chosen: Option<&str>) -> Result<Option<String>> {
    match closing.conclusion {
        Conclusion::OffentligtValgt => {
            let offer = chosen.ok_or_else(|| {
                Error::Invalid("Valgt tilbud: vælg det offentlige tilbud, der er valgt.".into())
            })?;
            if let Some(c) = check.candidates.iter().find(|c| c.offer_id == offer) {
                if c.rejection.is_some() {
                    return Err(Error::Invalid(format!(
                        "Valgt tilbud: {} er afvist i afstemningen og kan ikke vælges.",
                        c.name
                    )));
                }
                return Ok(Some(c.name.clone()));
            }
            check
                .shortlist
                .iter()
                .find(|s| s.figures.offer_id == offer && s.figures.counts_as_public)
                .map(|s| Some(s.figures.name.clone()))
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "Valgt tilbud: «{offer}» er hverken en offentlig kandidat eller et tilbud på kortlisten, der er omfattet af rammeaftalen."
                    ))
                })
        }
        Conclusion::PrivatBegrundet | Conclusion::EnkeltmandBegrundet => {
            let fits = matches!(
                (check.kind, closing.conclusion),
                (CheckKind::Privat, Conclusion::PrivatBegrundet)
                    | (CheckKind::Enkeltmand, Conclusion::EnkeltmandBegrundet)
            );
            if !fits {
                return Err(Error::Invalid(format!(
                    "Konklusion: «{}» passer ikke til en afstemning «{}».",
                    closing.conclusion.label().to_lowercase(),
                    check.kind.label().to_lowercase()
                )));
            }
            // A public offer of the area that the agreement does not cover may itself be the one
            // bought outside it: it does not block its own choice.
            let outside_candidate = chosen.and_then(|o| {
                check
                    .candidates
                    .iter()
                    .find(|c| c.offer_id == o && !c.covered_by_rammeaftale)
            });
            let blocking = check
                .candidates
                .iter()
                .filter(|c| {
                    c.blocking && outside_candidate.is_none_or(|o| o.offer_id != c.offer_id)
                })
                .count();
            if blocking > 0 {
                return Err(Error::Refused(format!(
                    "Afstemningen kan ikke lukkes med «{}»: {}",
                    closing.conclusion.label().to_lowercase(),
                    check.text.outstanding
                )));
            }
            let Some(offer) = chosen else {
                return Ok(None);
            };
            if let Some(c) = outside_candidate {
                return Ok(Some(c.name.clone()));
            }
            check
                .shortlist
                .iter()
                .find(|s| s.figures.offer_id == offer && !s.figures.counts_as_public)
                .map(|s| Some(s.figures.name.clone()))
                .ok_or_else(|| Error::Invalid(format!("Valgt tilbud: «{offer}» skal være et tilbud uden for rammeaftalen: på kortlisten eller en kandidat, som rammeaftalen ikke omfatter.")))
        }
    }
}

/// Closes a check with its conclusion, dated `today` (the guard's calendar). Purchase outside
/// the agreement (or a one-person project) is only justified when no candidate still blocks.
pub fn close(conn: &Connection, id: &str, closing: &Closing, today: NaiveDate) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    if check.kind == CheckKind::Enkeltmand {
        return close_one_person_as(conn, &check, closing, today);
    }
    let note = texts::field("Bemærkning", &closing.note, 1000, false)?;
    let chosen = closing
        .chosen_offer_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let name = chosen_name(&check, closing, chosen)?;
    let audit = serde_json::json!({
        "conclusion": closing.conclusion.code(),
        "chosen_offer_id": chosen,
        "candidates": check.candidates.len(),
    });
    let row = Closed {
        conclusion: closing.conclusion,
        chosen,
        chosen_name: name.as_deref(),
        note: &note,
    };
    commit_close(conn, &check.id, today, &row, &audit)
}

/// How a check was closed, as `commit_close` stores it.
pub(super) struct Closed<'a> {
    pub conclusion: Conclusion,
    pub chosen: Option<&'a str>,
    pub chosen_name: Option<&'a str>,
    pub note: &'a str,
}

/// Stores the closing of check `id` with who and when, and its audit entry (`detail`), in
/// one transaction; returns the closed check.
pub(super) fn commit_close(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    closed: &Closed,
    detail: &serde_json::Value,
) -> Result<Check> {
    let tx = conn.unchecked_transaction()?;
    let user = audit::current_user(&tx);
    let at = audit::now_local();
    store::close(
        &tx,
        id,
        &store::CloseRow {
            at: &at,
            by: &user,
            on: today,
            conclusion: closed.conclusion,
            chosen: closed.chosen,
            chosen_name: closed.chosen_name,
            note: closed.note,
        },
    )?;
    audit::record(&tx, "check.close", id, detail)?;
    tx.commit()?;
    load(conn, id, today)
}

/// A one-person check closed through the general closing: "no municipality could join" (with
/// the chosen offer, if any); a shared offer names its municipality (`close_one_person`).
fn close_one_person_as(
    conn: &Connection,
    check: &Check,
    closing: &Closing,
    today: NaiveDate,
) -> Result<Check> {
    match closing.conclusion {
        Conclusion::EnkeltmandBegrundet => super::inquiry::close_one_person(
            conn,
            &check.id,
            &OnePersonClosing {
                shared_with: None,
                offer_id: closing.chosen_offer_id.clone(),
                note: closing.note.clone(),
            },
            today,
        ),
        Conclusion::OffentligtValgt => Err(Error::Invalid(format!(
            "Konklusion: et fælles eller eksisterende tilbud på afstemning {} angives med den kommune, der har svaret ja.",
            check.id
        ))),
        Conclusion::PrivatBegrundet => Err(Error::Invalid(format!(
            "Konklusion: «{}» passer ikke til en afstemning «{}».",
            closing.conclusion.label().to_lowercase(),
            check.kind.label().to_lowercase()
        ))),
    }
}
