//! Creating a check (R1): the need is validated, the area is the agreement that binds the home
//! municipality on the check's date (plus a radius), and every public offer of the area that
//! fits the need is stored with its figures as of now — those that do not fit are stored too,
//! with why they were left out.

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use std::collections::HashSet;

use super::model::*;
use super::read::load;
use super::{store, texts};
use crate::catalogue::model::{ApprovalStatus, OperatorType};
use crate::error::{Error, Result};
use crate::search::{SearchHit, SearchIndex, SearchQuery, SortKey, MAX_LIMIT};
use crate::{agreements, audit, catalogue, fmt, geo, settings};

fn validate_need(need: &Need, today: NaiveDate) -> Result<&'static geo::Municipality> {
    let home = geo::municipality(need.home_municipality).ok_or_else(|| {
        Error::Invalid(format!(
            "Hjemkommune: kommunekoden {} findes ikke.",
            need.home_municipality
        ))
    })?;
    if need.age > 120 {
        return Err(Error::Invalid(format!(
            "Alder: {} år er ikke en gyldig alder.",
            need.age
        )));
    }
    let days_ahead = (need.wanted_start - today).num_days();
    if days_ahead < -30 {
        return Err(Error::Invalid(format!(
            "Ønsket start: {} ligger mere end 30 dage tilbage.",
            fmt::date(need.wanted_start)
        )));
    }
    if days_ahead > 365 {
        return Err(Error::Invalid(format!(
            "Ønsket start: {} ligger mere end et år frem.",
            fmt::date(need.wanted_start)
        )));
    }
    Ok(home)
}

fn radius(conn: &Connection, asked: Option<i64>) -> Result<i64> {
    let s = &settings::CHECK_RADIUS_KM;
    match asked {
        Some(r) if !(s.min..=s.max).contains(&r) => Err(Error::Invalid(format!(
            "Afstand: {r} km skal være mellem {} og {} km.",
            s.min, s.max
        ))),
        Some(r) => Ok(r),
        None => settings::number(conn, s),
    }
}

/// The check's area: the agreement binding the home municipality on `today` (the last one in
/// force, marked, when none is), and the home region for a municipality without any.
fn scope(
    conn: &Connection,
    home: &geo::Municipality,
    radius_km: i64,
    today: NaiveDate,
) -> Result<Scope> {
    let region = home.region_on(today).ok_or_else(|| {
        Error::Invalid(format!(
            "Hjemkommune: {} hører ikke til en region pr. {}.",
            home.name,
            fmt::date(today)
        ))
    })?;
    let found = agreements::for_municipality(conn, home.code, today)?;
    Ok(Scope {
        agreement_name: found
            .as_ref()
            .map(|(a, _)| a.name.clone())
            .unwrap_or_default(),
        agreement_id: found.as_ref().map(|(a, _)| a.id.clone()),
        agreement_version: found.as_ref().map(|(a, _)| a.version),
        agreement_fallback: found.as_ref().is_some_and(|(_, f)| *f),
        region_id: region.id.clone(),
        region_name: region.name.clone(),
        date: today,
        radius_km,
    })
}

/// A public offer: municipal or regional, or covered by an agreement (a private offer never).
fn is_public(h: &SearchHit) -> bool {
    matches!(
        h.operator_type,
        OperatorType::Kommunal | OperatorType::Regional
    ) || (h.operator_type != OperatorType::Privat && h.covered_by_rammeaftale)
}

/// Every public offer of the area and the radius in the need's target group, nearest first:
/// (hit, in the agreement's area).
fn area_offers(
    conn: &Connection,
    index: &SearchIndex,
    need: &Need,
    scope: &Scope,
    stale_after: i64,
    today: NaiveDate,
) -> Result<Vec<(SearchHit, bool)>> {
    let base = SearchQuery {
        target_group: Some(need.target_group.trim().to_string()),
        operator_types: vec![
            OperatorType::Kommunal,
            OperatorType::Regional,
            OperatorType::Selvejende,
        ],
        near_municipality: Some(need.home_municipality),
        sort: SortKey::Distance,
        limit: Some(MAX_LIMIT),
        rate_year: Some(need.wanted_start.year()),
        stale_after_days: Some(stale_after),
        ..Default::default()
    };
    let area = match &scope.agreement_id {
        Some(id) => SearchQuery {
            agreement_area: Some(id.clone()),
            ..base.clone()
        },
        None => SearchQuery {
            region: Some(scope.region_id.clone()),
            region_date: Some(today),
            ..base.clone()
        },
    };
    let in_area = index.search(conn, &area, today)?;
    let nearby = index.search(
        conn,
        &SearchQuery {
            max_distance_km: Some(scope.radius_km as f64),
            ..base
        },
        today,
    )?;
    if in_area.total > in_area.hits.len() || nearby.total > nearby.hits.len() {
        return Err(Error::Invalid(format!(
            "Behovet matcher over {MAX_LIMIT} tilbud; vælg en mere præcis målgruppe."
        )));
    }
    let area_ids: HashSet<String> = in_area.hits.iter().map(|h| h.id.clone()).collect();
    let mut seen = HashSet::new();
    let mut hits: Vec<(SearchHit, bool)> = in_area
        .hits
        .into_iter()
        .chain(nearby.hits.into_iter().filter(is_public))
        .filter(|h| seen.insert(h.id.clone()))
        .map(|h| {
            let in_area = area_ids.contains(&h.id);
            (h, in_area)
        })
        .collect();
    hits.sort_by(|(a, _), (b, _)| {
        a.distance_km
            .unwrap_or(f64::MAX)
            .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
            .then_with(|| fmt::danish_cmp(&a.name, &b.name))
    });
    Ok(hits)
}

/// Why an offer of the area does not fit the need, if it does not: not approved, legal basis
/// or age outside the need, or only secure places (SEL § 108 stk. 7) for an ordinary need.
fn left_out(conn: &Connection, h: &SearchHit, need: &Need) -> Result<Option<String>> {
    if !h.approval.is_approved() {
        return Ok(Some(format!(
            "ikke godkendt af Socialtilsynet ({})",
            ApprovalStatus::label(h.approval).to_lowercase()
        )));
    }
    if !h.legal_bases.contains(&need.legal_basis) {
        return Ok(Some(format!(
            "tilbyder ikke pladser efter {} ({})",
            need.legal_basis.label(),
            h.text.legal_bases
        )));
    }
    if need.age < h.min_age || h.max_age.is_some_and(|m| need.age > m) {
        return Ok(Some(format!(
            "alder {} (behovet er {} år)",
            h.text.age, need.age
        )));
    }
    let key = catalogue::store::offer_key(conn, &h.id)?.unwrap_or_default();
    let places = catalogue::store::places(conn, key)?;
    let ordinary = places
        .iter()
        .any(|p| p.basis == need.legal_basis && !p.secure);
    if !ordinary {
        return Ok(Some(format!(
            "kun sikrede pladser (SEL § 108 stk. 7) efter {}; kræver en særlig afgørelse",
            need.legal_basis.label()
        )));
    }
    Ok(None)
}

#[allow(clippy::too_many_arguments)] // the hit, the need, the scope and the day
fn candidate(
    conn: &Connection,
    index: &SearchIndex,
    h: &SearchHit,
    need: &Need,
    scope: &Scope,
    in_area: bool,
    stale_after: i64,
    today: NaiveDate,
) -> Result<Candidate> {
    let home = geo::municipality(need.home_municipality).map(|m| geo::Point {
        lat: m.lat,
        lon: m.lon,
    });
    // The figures for the need's legal basis only.
    let f = index.hit_for(
        conn,
        &h.id,
        Some(need.legal_basis),
        home,
        today,
        stale_after,
    )?;
    let (phone, email) = catalogue::store::contact(conn, &h.id)?;
    Ok(Candidate {
        offer_id: f.id.clone(),
        name: f.name.clone(),
        city: f.city.clone(),
        municipality_code: f.municipality_code,
        municipality: f.municipality.clone(),
        operator_type: f.operator_type,
        operator_name: f.operator_name.clone(),
        // Covered by the check's agreement: bought within it. An offer of the area it does not
        // cover (a member's offer outside the agreement's list) is bought outside it.
        covered_by_rammeaftale: match &scope.agreement_id {
            Some(id) => f.agreements.contains(id),
            None => f.covered_by_rammeaftale,
        },
        places: f.places,
        free_places: f.free_places,
        free_as_of: f.free_as_of,
        distance_km: f.distance_km.unwrap_or_default(),
        in_region: in_area,
        daily_rate_ex_vat: f.daily_rate_ex_vat,
        rate_year: f.rate_year,
        phone,
        email,
        effective_free: None,
        effective_as_of: None,
        confirmed: false,
        state: super::rules::FreeState::Ukendt,
        rejection: None,
        blocking: true,
        text: CandidateTexts {
            operator_type: f.operator_type.code().to_string(),
            free: String::new(),
            as_of: String::new(),
            state: String::new(),
            distance: f.text.distance.clone(),
            daily_rate: String::new(),
            handling: String::new(),
        },
    })
}

/// Stores the new check with its candidates and left-out offers, and audits it (inside the
/// caller's transaction).
fn save(
    conn: &Connection,
    row: &store::NewRow,
    candidates: &[Candidate],
    excluded: &[(SearchHit, String)],
) -> Result<()> {
    store::insert_check(conn, row)?;
    for (ord, c) in candidates.iter().enumerate() {
        store::insert_candidate(conn, row.id, ord, c)?;
    }
    for (ord, (h, reason)) in excluded.iter().enumerate() {
        store::insert_excluded(
            conn,
            row.id,
            ord,
            &h.id,
            &h.name,
            h.municipality_code,
            reason,
        )?;
    }
    let need = row.need;
    audit::record(
        conn,
        "check.create",
        row.id,
        &serde_json::json!({
            "kind": row.kind.code(),
            "legal_basis": need.legal_basis.code(),
            "target_group": need.target_group.trim(),
            "age": need.age,
            "home_municipality": need.home_municipality,
            "agreement": row.scope.agreement_id,
            "candidates": candidates.len(),
            "excluded": excluded.len(),
            "radius_km": row.scope.radius_km,
        }),
    )
}

/// Creates a check: validates the need, finds the public offers of the area (the agreement's)
/// and the radius, and stores those that fit the need with their figures as of now, and those
/// that do not with the reason.
pub fn create(
    conn: &Connection,
    index: &SearchIndex,
    input: &NewCheck,
    today: NaiveDate,
) -> Result<Check> {
    let need = &input.need;
    let reference = texts::field("Sagsreference", &input.reference, 100, false)?;
    let home = validate_need(need, today)?;
    let group_label = catalogue::store::target_group_label(conn, need.target_group.trim())?
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Målgruppe: «{}» findes ikke i kataloget.",
                need.target_group.trim()
            ))
        })?;
    let radius_km = radius(conn, input.radius_km)?;
    let stale_after = settings::number(conn, &settings::STALE_AFTER_DAYS)?;
    let validity = settings::number(conn, &settings::CHECK_VALIDITY_DAYS)?;
    let meta = catalogue::store::meta(conn)?.ok_or_else(|| {
        Error::Invalid("Der er intet katalog indlæst; indlæs et katalog først.".into())
    })?;
    let scope = scope(conn, home, radius_km, today)?;
    let mut candidates = Vec::new();
    let mut excluded = Vec::new();
    // A one-person check asks municipalities whether they can join (recorded afterwards,
    // `placement::inquire`); it is not a search for free places.
    let offers = match input.kind {
        CheckKind::Privat => area_offers(conn, index, need, &scope, stale_after, today)?,
        CheckKind::Enkeltmand => Vec::new(),
    };
    for (h, in_area) in offers {
        match left_out(conn, &h, need)? {
            Some(reason) => excluded.push((h, reason)),
            None => candidates.push(candidate(
                conn,
                index,
                &h,
                need,
                &scope,
                in_area,
                stale_after,
                today,
            )?),
        }
    }
    let tx = conn.unchecked_transaction()?;
    let id = store::next_number(&tx, today.year())?;
    let created_at = audit::now_local();
    let row = store::NewRow {
        id: &id,
        kind: input.kind,
        created_at: &created_at,
        created_by: &audit::current_user(&tx),
        reference: &reference,
        need,
        target_group_label: &group_label,
        scope: &scope,
        catalogue_extracted: &meta.extracted.map(|d| d.to_string()).unwrap_or_default(),
        catalogue_source: &meta.source,
        stale_after_days: stale_after,
        validity_days: validity,
    };
    save(&tx, &row, &candidates, &excluded)?;
    tx.commit()?;
    load(conn, &id, today)
}
