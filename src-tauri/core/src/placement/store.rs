//! The check tables (`checks`, `check_candidates`, `check_excluded`, `check_events`,
//! `check_shortlist`, `check_inquiries`): the only SQL on them. The database itself refuses any change to a
//! closed check (migration 0003).

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::model::*;
use super::rules::FreeState;
use crate::catalogue::model::OperatorType;
use crate::error::Result;
use crate::geo;

/// A check's own row.
pub struct CheckRow {
    pub kind: String,
    pub created_at: String,
    pub created_by: String,
    pub reference: String,
    pub legal_basis: String,
    pub target_group: String,
    pub target_group_label: String,
    pub age: u8,
    pub home_municipality: u16,
    pub wanted_start: String,
    pub scope_region: String,
    pub scope_date: String,
    pub scope_radius_km: i64,
    pub catalogue_extracted: String,
    pub catalogue_source: String,
    pub stale_after_days: i64,
    pub validity_days: i64,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub conclusion: Option<String>,
    pub chosen_offer_id: Option<String>,
    pub chosen_offer_name: Option<String>,
    pub conclusion_note: String,
    pub closed_on: Option<String>,
    pub agreement_id: Option<String>,
    pub agreement_version: Option<u32>,
    pub agreement_fallback: bool,
}

pub fn check_row(conn: &Connection, id: &str) -> Result<Option<CheckRow>> {
    Ok(conn
        .query_row(
            "SELECT kind, created_at, created_by, reference, legal_basis, target_group,
                    target_group_label, age, home_municipality, wanted_start, scope_region,
                    scope_date, scope_radius_km, catalogue_extracted, catalogue_source,
                    stale_after_days, validity_days, closed_at, closed_by, conclusion,
                    chosen_offer_id, chosen_offer_name, conclusion_note, closed_on,
                    agreement_id, agreement_version, agreement_fallback
             FROM checks WHERE id = ?1",
            [id],
            |r| {
                Ok(CheckRow {
                    kind: r.get(0)?,
                    created_at: r.get(1)?,
                    created_by: r.get(2)?,
                    reference: r.get(3)?,
                    legal_basis: r.get(4)?,
                    target_group: r.get(5)?,
                    target_group_label: r.get(6)?,
                    age: r.get(7)?,
                    home_municipality: r.get(8)?,
                    wanted_start: r.get(9)?,
                    scope_region: r.get(10)?,
                    scope_date: r.get(11)?,
                    scope_radius_km: r.get(12)?,
                    catalogue_extracted: r.get(13)?,
                    catalogue_source: r.get(14)?,
                    stale_after_days: r.get(15)?,
                    validity_days: r.get(16)?,
                    closed_at: r.get(17)?,
                    closed_by: r.get(18)?,
                    conclusion: r.get(19)?,
                    chosen_offer_id: r.get(20)?,
                    chosen_offer_name: r.get(21)?,
                    conclusion_note: r.get(22)?,
                    closed_on: r.get(23)?,
                    agreement_id: r.get(24)?,
                    agreement_version: r.get(25)?,
                    agreement_fallback: r.get(26)?,
                })
            },
        )
        .optional()?)
}

/// Whether check `id` exists.
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM checks WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// The next check number of a year: `A-2026-0001`; from this copy's number block when a
/// server is set up (`sync::next_number`), else counted here.
pub fn next_number(conn: &Connection, year: i32) -> Result<String> {
    let from_block = crate::sync::next_number(conn, crate::sync::Series::Check, year, |id| {
        exists(conn, id)
    })?;
    if let Some(id) = from_block {
        return Ok(id);
    }
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM checks WHERE id LIKE ?1",
        [format!("A-{year}-%")],
        |r| r.get(0),
    )?;
    // Counted here: past any number already in the file (a check received from the server
    // while one was set up keeps its number).
    let mut n = n + 1;
    while exists(conn, &format!("A-{year}-{n:04}"))? {
        n += 1;
    }
    Ok(format!("A-{year}-{n:04}"))
}

/// The closed checks with their closing day, oldest number first (what a sync sends).
pub fn closed(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare(
        "SELECT id, closed_on FROM checks WHERE closed_at IS NOT NULL ORDER BY scope_date, id",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A new check's row.
pub struct NewRow<'a> {
    pub id: &'a str,
    pub kind: CheckKind,
    pub created_at: &'a str,
    pub created_by: &'a str,
    pub reference: &'a str,
    pub need: &'a Need,
    pub target_group_label: &'a str,
    pub scope: &'a Scope,
    pub catalogue_extracted: &'a str,
    pub catalogue_source: &'a str,
    pub stale_after_days: i64,
    pub validity_days: i64,
}

pub fn insert_check(conn: &Connection, c: &NewRow) -> Result<()> {
    conn.execute(
        "INSERT INTO checks (id, kind, created_at, created_by, reference, legal_basis,
            target_group, target_group_label, age, home_municipality, wanted_start,
            scope_region, scope_date, scope_radius_km, catalogue_extracted, catalogue_source,
            stale_after_days, validity_days, agreement_id, agreement_version, agreement_fallback)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21)",
        params![
            c.id,
            c.kind.code(),
            c.created_at,
            c.created_by,
            c.reference,
            c.need.legal_basis.code(),
            c.need.target_group.trim(),
            c.target_group_label,
            c.need.age,
            c.need.home_municipality,
            c.need.wanted_start.to_string(),
            c.scope.region_id,
            c.scope.date.to_string(),
            c.scope.radius_km,
            c.catalogue_extracted,
            c.catalogue_source,
            c.stale_after_days,
            c.validity_days,
            c.scope.agreement_id,
            c.scope.agreement_version,
            c.scope.agreement_fallback,
        ],
    )?;
    Ok(())
}

pub fn insert_candidate(
    conn: &Connection,
    check_id: &str,
    ord: usize,
    c: &Candidate,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO check_candidates (check_id, ord, offer_id, name, city,
            municipality_code, operator_type, operator_name, covered, places, free_places,
            free_as_of, distance_km, in_region, daily_rate_ex_vat, rate_year, phone, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        check_id,
        ord as i64,
        c.offer_id,
        c.name,
        c.city,
        c.municipality_code,
        c.operator_type.code(),
        c.operator_name,
        c.covered_by_rammeaftale,
        c.places,
        c.free_places,
        c.free_as_of.map(|d| d.to_string()),
        c.distance_km,
        c.in_region,
        c.daily_rate_ex_vat.map(|r| r.to_string()),
        c.rate_year,
        c.phone,
        c.email,
    ])?;
    Ok(())
}

pub fn insert_excluded(
    conn: &Connection,
    check_id: &str,
    ord: usize,
    offer_id: &str,
    name: &str,
    municipality_code: u16,
    reason: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO check_excluded (check_id, ord, offer_id, name, municipality_code, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        check_id,
        ord as i64,
        offer_id,
        name,
        municipality_code,
        reason
    ])?;
    Ok(())
}

fn candidate_from_row(r: &Row) -> rusqlite::Result<Candidate> {
    let code: u16 = r.get("municipality_code")?;
    let op: String = r.get("operator_type")?;
    let operator_type = OperatorType::parse(&op).unwrap_or(OperatorType::Kommunal);
    let free_as_of: Option<String> = r.get("free_as_of")?;
    let rate: Option<String> = r.get("daily_rate_ex_vat")?;
    Ok(Candidate {
        offer_id: r.get("offer_id")?,
        name: r.get("name")?,
        city: r.get("city")?,
        municipality_code: code,
        municipality: geo::municipality(code)
            .map(|m| m.name.clone())
            .unwrap_or_default(),
        operator_type,
        operator_name: r.get("operator_name")?,
        covered_by_rammeaftale: r.get("covered")?,
        places: r.get("places")?,
        free_places: r.get("free_places")?,
        free_as_of: free_as_of.as_deref().and_then(crate::fmt::parse_date),
        distance_km: r.get("distance_km")?,
        in_region: r.get("in_region")?,
        daily_rate_ex_vat: rate.as_deref().and_then(|s| Decimal::from_str(s).ok()),
        rate_year: r.get("rate_year")?,
        phone: r.get("phone")?,
        email: r.get("email")?,
        effective_free: None,
        effective_as_of: None,
        confirmed: false,
        state: FreeState::Ukendt,
        rejection: None,
        blocking: true,
        text: CandidateTexts {
            operator_type: operator_type.code().to_string(),
            free: String::new(),
            as_of: String::new(),
            state: String::new(),
            distance: crate::fmt::km(r.get("distance_km")?),
            daily_rate: String::new(),
            handling: String::new(),
        },
    })
}

/// The check's candidates with their figures as recorded (not yet judged).
pub fn candidates(conn: &Connection, id: &str) -> Result<Vec<Candidate>> {
    let mut st = conn.prepare("SELECT * FROM check_candidates WHERE check_id = ?1 ORDER BY ord")?;
    let rows = st.query_map([id], candidate_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn excluded(conn: &Connection, id: &str) -> Result<Vec<Excluded>> {
    let mut st = conn.prepare(
        "SELECT offer_id, name, municipality_code, reason FROM check_excluded
         WHERE check_id = ?1 ORDER BY ord",
    )?;
    let rows = st.query_map([id], |r| {
        let code: u16 = r.get(2)?;
        Ok(Excluded {
            offer_id: r.get(0)?,
            name: r.get(1)?,
            municipality: geo::municipality(code)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            reason: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A confirmation or rejection as recorded.
pub struct EventRow {
    pub id: i64,
    pub offer_id: String,
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
}

pub fn events(conn: &Connection, id: &str) -> Result<Vec<EventRow>> {
    let mut st = conn.prepare(
        "SELECT id, offer_id, kind, recorded_at, recorded_by, contacted_on, free_places, method,
                contact, reason, note, decided_by
         FROM check_events WHERE check_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([id], |r| {
        let kind: String = r.get(2)?;
        let contacted: Option<String> = r.get(5)?;
        let method: Option<String> = r.get(7)?;
        let reason: Option<String> = r.get(9)?;
        Ok(EventRow {
            id: r.get(0)?,
            offer_id: r.get(1)?,
            kind: if kind == "afvisning" {
                EventKind::Afvisning
            } else {
                EventKind::Bekraeftelse
            },
            recorded_at: r.get(3)?,
            recorded_by: r.get(4)?,
            contacted_on: contacted.as_deref().and_then(crate::fmt::parse_date),
            free_places: r.get(6)?,
            method: method.as_deref().and_then(|m| ContactMethod::parse(m).ok()),
            contact: r.get(8)?,
            reason: reason.as_deref().and_then(|m| RejectReason::parse(m).ok()),
            note: r.get(10)?,
            decided_by: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[allow(clippy::too_many_arguments)] // one column each
pub fn insert_confirmation(
    conn: &Connection,
    check_id: &str,
    offer_id: &str,
    at: &str,
    by: &str,
    c: &Confirmation,
    contact: &str,
    note: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO check_events (check_id, offer_id, kind, recorded_at, recorded_by,
            contacted_on, free_places, method, contact, note)
         VALUES (?1, ?2, 'bekraeftelse', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            check_id,
            offer_id,
            at,
            by,
            c.contacted_on.to_string(),
            c.free_places,
            c.method.code(),
            contact,
            note,
        ],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one column each
pub fn insert_rejection(
    conn: &Connection,
    check_id: &str,
    offer_id: &str,
    at: &str,
    by: &str,
    reason: RejectReason,
    note: &str,
    decided_by: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO check_events (check_id, offer_id, kind, recorded_at, recorded_by, reason, note, decided_by)
         VALUES (?1, ?2, 'afvisning', ?3, ?4, ?5, ?6, ?7)",
        params![check_id, offer_id, at, by, reason.code(), note, decided_by],
    )?;
    Ok(())
}

/// The shortlist's figures (JSON), in the order added.
pub fn shortlist(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut st =
        conn.prepare("SELECT figures FROM check_shortlist WHERE check_id = ?1 ORDER BY ord")?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_shortlist(
    conn: &Connection,
    check_id: &str,
    offer_id: &str,
    added_at: &str,
    figures: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO check_shortlist (check_id, offer_id, ord, added_at, figures)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(ord), 0) + 1 FROM check_shortlist WHERE check_id = ?1), ?3, ?4)",
        params![check_id, offer_id, added_at, figures],
    )?;
    Ok(())
}

/// Removes an offer from the shortlist; how many rows went.
pub fn remove_shortlist(conn: &Connection, check_id: &str, offer_id: &str) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM check_shortlist WHERE check_id = ?1 AND offer_id = ?2",
        params![check_id, offer_id],
    )?)
}

/// How a check is closed.
pub struct CloseRow<'a> {
    pub at: &'a str,
    pub by: &'a str,
    pub on: NaiveDate,
    pub conclusion: Conclusion,
    pub chosen: Option<&'a str>,
    pub chosen_name: Option<&'a str>,
    pub note: &'a str,
}

pub fn close(conn: &Connection, id: &str, c: &CloseRow) -> Result<()> {
    conn.execute(
        "UPDATE checks SET closed_at = ?2, closed_by = ?3, conclusion = ?4, chosen_offer_id = ?5,
            chosen_offer_name = ?6, conclusion_note = ?7, closed_on = ?8
         WHERE id = ?1",
        params![
            id,
            c.at,
            c.by,
            c.conclusion.code(),
            c.chosen,
            c.chosen_name,
            c.note,
            c.on.to_string(),
        ],
    )?;
    Ok(())
}

/// One check in the list: (id, kind, created on, reference, basis, target group label, age,
/// home municipality, closed on, conclusion, validity days, candidates).
pub struct ListRow {
    pub id: String,
    pub kind: String,
    pub created_on: String,
    pub reference: String,
    pub legal_basis: String,
    pub target_group_label: String,
    pub age: i64,
    pub home_municipality: u16,
    pub closed_on: Option<String>,
    pub conclusion: Option<String>,
    pub validity_days: i64,
    pub candidates: i64,
}

pub fn list(conn: &Connection) -> Result<Vec<ListRow>> {
    let mut st = conn.prepare(
        "SELECT id, kind, scope_date, reference, legal_basis, target_group_label, age,
                home_municipality, COALESCE(closed_on, substr(closed_at, 1, 10)), conclusion,
                validity_days,
                (SELECT COUNT(*) FROM check_candidates c WHERE c.check_id = checks.id)
         FROM checks ORDER BY created_at DESC, id DESC",
    )?;
    let rows = st.query_map([], |r| {
        Ok(ListRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            created_on: r.get(2)?,
            reference: r.get(3)?,
            legal_basis: r.get(4)?,
            target_group_label: r.get(5)?,
            age: r.get(6)?,
            home_municipality: r.get(7)?,
            closed_on: r.get(8)?,
            conclusion: r.get(9)?,
            validity_days: r.get(10)?,
            candidates: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A one-person check's inquiry as recorded (`check_inquiries`, migration 0011).
pub struct InquiryRow {
    pub id: i64,
    pub municipality_code: u16,
    pub asked_on: String,
    pub method: String,
    pub contact: String,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    pub answer_text: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Every inquiry of check `id`, oldest first.
pub fn inquiries(conn: &Connection, id: &str) -> Result<Vec<InquiryRow>> {
    let mut st = conn.prepare(
        "SELECT id, municipality_code, asked_on, method, contact, answer, answered_on,
                answer_text, recorded_at, recorded_by
         FROM check_inquiries WHERE check_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([id], |r| {
        Ok(InquiryRow {
            id: r.get(0)?,
            municipality_code: r.get(1)?,
            asked_on: r.get(2)?,
            method: r.get(3)?,
            contact: r.get(4)?,
            answer: r.get(5)?,
            answered_on: r.get(6)?,
            answer_text: r.get(7)?,
            recorded_at: r.get(8)?,
            recorded_by: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records an inquiry (with its answer, if any) on an open check.
pub fn insert_inquiry(
    conn: &Connection,
    check_id: &str,
    at: &str,
    by: &str,
    q: &Inquiry,
) -> Result<()> {
    conn.execute(
        "INSERT INTO check_inquiries (check_id, municipality_code, asked_on, method, contact,
            answer, answered_on, answer_text, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            check_id,
            q.municipality,
            q.asked_on.to_string(),
            q.method.code(),
            q.contact,
            q.answer.as_ref().map(|a| a.answer.code()),
            q.answer.as_ref().map(|a| a.answered_on.to_string()),
            q.answer.as_ref().map(|a| a.text.as_str()).unwrap_or(""),
            at,
            by,
        ],
    )?;
    Ok(())
}

/// Records a confirmation or rejection as another computer recorded it (a received check,
/// `placement::received`): every column as it was, in the order given.
pub fn insert_event(conn: &Connection, check_id: &str, e: &Event) -> Result<()> {
    let kind = match e.kind {
        EventKind::Bekraeftelse => "bekraeftelse",
        EventKind::Afvisning => "afvisning",
    };
    conn.execute(
        "INSERT INTO check_events (check_id, offer_id, kind, recorded_at, recorded_by,
            contacted_on, free_places, method, contact, reason, note, decided_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            check_id,
            e.offer_id,
            kind,
            e.recorded_at,
            e.recorded_by,
            e.contacted_on.map(|d| d.to_string()),
            e.free_places,
            e.method.map(ContactMethod::code),
            e.contact,
            e.reason.map(RejectReason::code),
            e.note,
            e.decided_by,
        ],
    )?;
    Ok(())
}
