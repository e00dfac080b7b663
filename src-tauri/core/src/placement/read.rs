//! Reading a check back with the rules applied: each candidate judged on the closing day (or
//! today while open) from its figure and the evidence recorded for it.

use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::HashMap;

use super::model::*;
use super::rules::{self, FreeState};
use super::store::{self, CheckRow, EventRow};
use super::OfferClass;
use crate::catalogue::model::LegalBasis;
use crate::error::{Error, Result};
use crate::{fmt, geo};

pub(super) fn municipality_name(code: u16) -> String {
    geo::municipality(code)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn date_of(timestamp: &str) -> Option<NaiveDate> {
    timestamp.get(..10).and_then(fmt::parse_date)
}

fn event_text(e: &Event) -> String {
    match e.kind {
        EventKind::Bekraeftelse => {
            let n = e.free_places.unwrap_or(0);
            let places = fmt::count(n as usize, "ledig plads", "ledige pladser");
            let mut s = format!(
                "Bekræftet: {} {}, {places}, talt med {}",
                e.method.map(ContactMethod::label).unwrap_or("kontakt"),
                e.contacted_on.map(fmt::date).unwrap_or_default(),
                e.contact.as_deref().unwrap_or("")
            );
            if !e.note.is_empty() {
                s.push_str(&format!(" ({})", e.note));
            }
            s
        }
        EventKind::Afvisning => {
            let label = e.reason.map(RejectReason::label).unwrap_or("Afvist");
            let mut s = if e.note.is_empty() {
                format!("Afvist: {label}")
            } else {
                format!("Afvist: {label}: {}", e.note)
            };
            if let Some(by) = e.decided_by.as_deref().filter(|b| !b.is_empty()) {
                s.push_str(&format!(" (besluttet af {by})"));
            }
            s
        }
    }
}

fn event(row: EventRow, names: &HashMap<String, String>) -> Event {
    let mut e = Event {
        id: row.id,
        offer_name: names.get(&row.offer_id).cloned().unwrap_or_default(),
        offer_id: row.offer_id,
        kind: row.kind,
        recorded_at: row.recorded_at,
        recorded_by: row.recorded_by,
        contacted_on: row.contacted_on,
        free_places: row.free_places,
        method: row.method,
        contact: row.contact,
        reason: row.reason,
        note: row.note,
        decided_by: row.decided_by,
        evidence: false,
        text: String::new(),
    };
    e.evidence = rules::is_evidence(&e);
    e.text = event_text(&e);
    e
}

/// Applies the rules to a candidate: its latest record decides. A confirmation replaces the
/// catalogue's figure; a rejection resolves it only when it is evidence (reason, explanation
/// and who decided); a rejection recorded without that by an earlier version does not.
fn judge(c: &mut Candidate, latest: Option<&Event>, on: NaiveDate, stale_after: i64) {
    let (free, as_of, confirmed) = match latest {
        Some(e) if e.kind == EventKind::Bekraeftelse => (e.free_places, e.contacted_on, true),
        _ => (c.free_places, c.free_as_of, false),
    };
    let rejected = latest.filter(|e| e.kind == EventKind::Afvisning);
    let resolved_by_rejection = rejected.is_some_and(|e| e.evidence);
    c.effective_free = free;
    c.effective_as_of = as_of;
    c.confirmed = confirmed;
    c.state = rules::free_state(free, as_of, on, stale_after);
    c.blocking = rules::blocks_private(c.state, resolved_by_rejection);
    let stale = rules::is_stale(as_of, on, stale_after);
    c.text.free = match free {
        Some(n) => format!("{n} af {}", c.places),
        None => format!("ukendt af {}", c.places),
    };
    c.text.as_of = match as_of {
        Some(d) if confirmed && stale => format!("bekræftet {} (forældet)", fmt::date(d)),
        Some(d) if confirmed => format!("bekræftet {}", fmt::date(d)),
        Some(d) if stale => format!("pr. {} (forældet)", fmt::date(d)),
        Some(d) => format!("pr. {}", fmt::date(d)),
        None => "ingen dato".into(),
    };
    c.text.state = if resolved_by_rejection {
        "Afvist".into()
    } else {
        c.state.label().into()
    };
    c.text.daily_rate = match (c.daily_rate_ex_vat, c.rate_year) {
        (Some(r), Some(y)) => format!("{} pr. døgn ({y})", fmt::kr_whole(r)),
        _ => "ingen takst".into(),
    };
    c.text.handling = match (rejected, latest, c.state) {
        (Some(e), _, _) if e.evidence => e.text.clone(),
        (Some(e), _, _) if c.blocking => format!(
            "{} – mangler skriftlig begrundelse og hvem der har besluttet",
            e.text
        ),
        (Some(e), _, _) => e.text.clone(),
        (None, _, FreeState::Ledig) => "Mangler begrundelse".into(),
        (None, _, FreeState::Ukendt) => "Mangler bekræftelse eller begrundelse".into(),
        (None, Some(e), FreeState::Optaget) => e.text.clone(),
        (None, None, FreeState::Optaget) => "Ingen ledig plads".into(),
    };
    c.rejection = rejected.filter(|e| e.evidence).map(|e| e.text.clone());
}

fn need_text(need: &Need, group_label: &str) -> String {
    format!(
        "{}, målgruppe {}, {} år, hjemkommune {}, ønsket start {}",
        need.legal_basis.label(),
        group_label,
        need.age,
        municipality_name(need.home_municipality),
        fmt::date(need.wanted_start)
    )
}

fn timestamp_text(on: NaiveDate, ts: &str, by: &str) -> String {
    let time = ts.get(11..16).unwrap_or("");
    format!("{} kl. {time} af {by}", fmt::date(on))
}

fn scope_text(scope: &Scope, need: &Need) -> String {
    let area = match &scope.agreement_id {
        Some(_) if scope.agreement_fallback => format!(
            "De offentlige tilbud i {} (udløbet; ingen rammeaftale var indlæst for {}, så den sidst gældende er brugt)",
            scope.agreement_name,
            fmt::date(scope.date)
        ),
        Some(_) => format!("De offentlige tilbud i {} pr. {}", scope.agreement_name, fmt::date(scope.date)),
        None => format!(
            "{} pr. {} (ingen rammeaftale er indlæst for hjemkommunen)",
            scope.region_name,
            fmt::date(scope.date)
        ),
    };
    // The exclusions `create::area_offers` and `create::left_out` apply, in words.
    format!(
        "{area} og offentlige tilbud inden for {} km af {}, med målgruppen eller en af dens undergrupper. Private tilbud indgår ikke. Udeladt med begrundelse (se «Udeladt»): tilbud, der ikke er godkendt af Socialtilsynet, ikke har pladser efter {}, ikke passer til alderen ({} år) eller kun har sikrede pladser.",
        scope.radius_km,
        municipality_name(need.home_municipality),
        need.legal_basis.label(),
        need.age
    )
}

fn outstanding(closed: bool, blocking: &[&Candidate]) -> String {
    if closed {
        return String::new();
    }
    if blocking.is_empty() {
        return "Alle offentlige tilbud med mulig ledig plads er afklaret; afstemningen kan lukkes.".into();
    }
    let mut names: Vec<&str> = blocking.iter().take(5).map(|c| c.name.as_str()).collect();
    let more = blocking.len().saturating_sub(names.len());
    let more_text = format!("{more} flere");
    if more > 0 {
        names.push(&more_text);
    }
    format!(
        "{} med ledig eller ukendt plads mangler en bekræftelse af 0 ledige pladser eller en afvisning med skriftlig begrundelse: {}.",
        fmt::count(blocking.len(), "offentligt tilbud", "offentlige tilbud"),
        names.join(", ")
    )
}

fn closed_of(row: &CheckRow, corrupt: &dyn Fn(&str) -> Error) -> Result<Option<Closed>> {
    Ok(match (&row.closed_at, &row.conclusion) {
        (Some(at), Some(c)) => {
            let on = row
                .closed_on
                .as_deref()
                .and_then(fmt::parse_date)
                .or_else(|| date_of(at))
                .ok_or_else(|| corrupt("lukkedato"))?;
            Some(Closed {
                on,
                by: row.closed_by.clone().unwrap_or_default(),
                conclusion: Conclusion::parse(c)?,
                chosen_offer_id: row.chosen_offer_id.clone(),
                chosen_offer_name: row.chosen_offer_name.clone(),
                note: row.conclusion_note.clone(),
                valid_until: rules::valid_until(on, row.validity_days),
                at: at.clone(),
            })
        }
        _ => None,
    })
}

fn scope_of(row: &CheckRow, corrupt: &dyn Fn(&str) -> Error) -> Result<Scope> {
    Ok(Scope {
        agreement_name: match (&row.agreement_id, row.agreement_version) {
            (Some(id), Some(_)) => format!("rammeaftale {id}"),
            _ => String::new(),
        },
        agreement_id: row.agreement_id.clone(),
        agreement_version: row.agreement_version,
        agreement_fallback: row.agreement_fallback,
        region_name: geo::region(&row.scope_region)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| row.scope_region.clone()),
        region_id: row.scope_region.clone(),
        date: fmt::parse_date(&row.scope_date).ok_or_else(|| corrupt("dato"))?,
        radius_km: row.scope_radius_km,
    })
}

/// Candidates judged and in the order the screen shows them: free places first, then unknown,
/// then none; rejected last; nearest first within each.
fn judged_candidates(
    conn: &Connection,
    id: &str,
    events: &[Event],
    on: NaiveDate,
    stale_after: i64,
) -> Result<Vec<Candidate>> {
    let mut candidates = store::candidates(conn, id)?;
    for c in &mut candidates {
        let latest = events.iter().rev().find(|e| e.offer_id == c.offer_id);
        judge(c, latest, on, stale_after);
    }
    let rank = |c: &Candidate| match (c.rejection.is_some(), c.state) {
        (false, FreeState::Ledig) => 0,
        (false, FreeState::Ukendt) => 1,
        (false, FreeState::Optaget) => 2,
        (true, _) => 3,
    };
    candidates.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.distance_km.total_cmp(&b.distance_km))
    });
    Ok(candidates)
}

/// The check's Danish texts.
#[allow(clippy::too_many_arguments)] // every part of a check the texts describe
fn texts(
    kind: &CheckKind,
    row: &CheckRow,
    need: &Need,
    scope: &Scope,
    closed: Option<&Closed>,
    status: CheckStatus,
    extracted: NaiveDate,
    blocking: &[&Candidate],
) -> CheckTexts {
    CheckTexts {
        kind: kind.label().into(),
        status: match (closed, status) {
            (Some(c), CheckStatus::Lukket) => {
                format!("lukket, gyldig til og med {}", fmt::date(c.valid_until))
            }
            (Some(c), _) => format!("udløbet {}", fmt::date(c.valid_until)),
            (None, _) => "åben".into(),
        },
        need: need_text(need, &row.target_group_label),
        scope: scope_text(scope, need),
        created: timestamp_text(scope.date, &row.created_at, &row.created_by),
        catalogue: format!(
            "Katalog pr. {} ({})",
            fmt::date(extracted),
            row.catalogue_source
        ),
        closed: closed
            .as_ref()
            .map(|c| timestamp_text(c.on, &c.at, &c.by))
            .unwrap_or_default(),
        conclusion: match closed {
            None => "Ikke lukket".into(),
            Some(c) => {
                let mut s = c.conclusion.label_for(*kind).to_string();
                if let Some(name) = &c.chosen_offer_name {
                    s.push_str(&format!(": {name}"));
                }
                if !c.note.is_empty() {
                    s.push_str(&format!(". {}", c.note));
                }
                s
            }
        },
        valid_until: closed
            .as_ref()
            .map(|c| fmt::date(c.valid_until))
            .unwrap_or_default(),
        outstanding: outstanding(closed.is_some(), blocking),
    }
}

fn need_of(row: &CheckRow, corrupt: &dyn Fn(&str) -> Error) -> Result<Need> {
    Ok(Need {
        legal_basis: LegalBasis::from_code(&row.legal_basis)
            .ok_or_else(|| corrupt("lovgrundlag"))?,
        target_group: row.target_group.clone(),
        age: row.age,
        home_municipality: row.home_municipality,
        wanted_start: fmt::parse_date(&row.wanted_start).ok_or_else(|| corrupt("startdato"))?,
    })
}

fn status_of(closed: Option<&Closed>, today: NaiveDate) -> CheckStatus {
    match closed {
        None => CheckStatus::Aaben,
        Some(c) if today > c.valid_until => CheckStatus::Udloebet,
        Some(_) => CheckStatus::Lukket,
    }
}

/// Reads a check with the rules applied on `today` (or, when closed, on its closing day).
pub fn load(conn: &Connection, id: &str, today: NaiveDate) -> Result<Check> {
    let id = id.trim();
    let row = store::check_row(conn, id)?
        .ok_or_else(|| Error::NotFound(format!("Afstemningen «{id}» findes ikke.")))?;
    let corrupt =
        |what: &str| Error::Internal(format!("Afstemning {id}: ugyldig {what} i databasen."));
    let kind = CheckKind::parse(&row.kind)?;
    let need = need_of(&row, &corrupt)?;
    let closed = closed_of(&row, &corrupt)?;
    let judged_on = closed.as_ref().map_or(today, |c| c.on);
    let mut scope = scope_of(&row, &corrupt)?;
    let agreement = match (&row.agreement_id, row.agreement_version) {
        (Some(aid), Some(v)) => crate::agreements::store::version(conn, aid, v)?,
        _ => None,
    };
    if let Some(a) = &agreement {
        scope.agreement_name = a.name.clone();
    }
    let home = need.home_municipality;
    let op = super::inquiry::parts(conn, id, kind, agreement.as_ref(), home, &corrupt)?;
    let names: HashMap<String, String> = store::candidates(conn, id)?
        .into_iter()
        .map(|c| (c.offer_id, c.name))
        .collect();
    let events: Vec<Event> = store::events(conn, id)?
        .into_iter()
        .map(|e| event(e, &names))
        .collect();
    let candidates = judged_candidates(conn, id, &events, judged_on, row.stale_after_days)?;
    let blocking: Vec<&Candidate> = candidates.iter().filter(|c| c.blocking).collect();
    let status = status_of(closed.as_ref(), today);
    let created_on = scope.date;
    let extracted =
        fmt::parse_date(&row.catalogue_extracted).ok_or_else(|| corrupt("katalogdato"))?;
    let mut text = texts(
        &kind,
        &row,
        &need,
        &scope,
        closed.as_ref(),
        status,
        extracted,
        &blocking,
    );
    let blocking = blocking.len();
    if kind == CheckKind::Enkeltmand {
        super::inquiry::texts(&mut text, &op, closed.is_some(), &scope);
    }
    let mut check = Check {
        id: id.to_string(),
        kind,
        created_on,
        created_at: row.created_at,
        created_by: row.created_by,
        reference: row.reference,
        target_group_label: row.target_group_label,
        scope,
        catalogue_extracted: extracted,
        catalogue_source: row.catalogue_source,
        stale_after_days: row.stale_after_days,
        validity_days: row.validity_days,
        closed,
        status,
        judged_on,
        candidates,
        excluded: store::excluded(conn, id)?,
        events,
        shortlist: Vec::new(),
        blocking,
        not_asked: op.not_asked,
        one_person_rule: op.rule,
        inquiries: op.inquiries,
        asked: op.asked,
        text,
        need,
        received: crate::sync::received_text(conn, crate::sync::Kind::Check, id)?,
    };
    check.shortlist = shortlist(conn, &check, today)?;
    Ok(check)
}

fn shortlist(conn: &Connection, check: &Check, today: NaiveDate) -> Result<Vec<ShortlistEntry>> {
    let mut out = Vec::new();
    for json in store::shortlist(conn, &check.id)? {
        let figures: Figures = serde_json::from_str(&json).map_err(|_| {
            Error::Internal(format!(
                "Afstemning {}: ugyldig kortliste i databasen.",
                check.id
            ))
        })?;
        let class = OfferClass {
            within_agreement: figures.counts_as_public,
        };
        let verdict = check.allows(&check.need, class, CheckKind::Privat, today);
        out.push(ShortlistEntry {
            choosable: verdict.is_ok(),
            choosable_text: match verdict {
                Ok(()) if figures.counts_as_public => "Omfattet af rammeaftalen: kan vælges".into(),
                Ok(()) => format!(
                    "Kan vælges gennem afstemning {} (gyldig til og med {})",
                    check.id, check.text.valid_until
                ),
                Err(e) => e.to_string(),
            },
            figures,
        });
    }
    Ok(out)
}

/// All checks, newest first, with their status on `today`.
pub fn list(conn: &Connection, today: NaiveDate) -> Result<Vec<CheckListItem>> {
    let mut out = Vec::new();
    for r in store::list(conn)? {
        let kind = CheckKind::parse(&r.kind)?;
        let created_on = fmt::parse_date(&r.created_on).unwrap_or_default();
        let conclusion = r.conclusion.as_deref().map(Conclusion::parse).transpose()?;
        let valid_until = r
            .closed_on
            .as_deref()
            .and_then(fmt::parse_date)
            .map(|on| rules::valid_until(on, r.validity_days));
        let status = match valid_until {
            None => CheckStatus::Aaben,
            Some(v) if today > v => CheckStatus::Udloebet,
            Some(_) => CheckStatus::Lukket,
        };
        let basis_label = LegalBasis::from_code(&r.legal_basis)
            .map_or(r.legal_basis.clone(), |b| b.label().into());
        out.push(CheckListItem {
            text: ListTexts {
                created: fmt::date(created_on),
                need: format!(
                    "{basis_label}, {}, {} år, {}",
                    r.target_group_label,
                    r.age,
                    municipality_name(r.home_municipality)
                ),
                status: status.label().into(),
                conclusion: conclusion
                    .map(|c| c.label().to_string())
                    .unwrap_or_default(),
                valid_until: valid_until.map(fmt::date).unwrap_or_default(),
            },
            id: r.id,
            kind,
            created_on,
            reference: r.reference,
            status,
            conclusion,
            valid_until,
            candidates: usize::try_from(r.candidates).unwrap_or(0),
        });
    }
    Ok(out)
}
