//! Checks in the database: create (matching public offers, snapshotting their figures),
//! record confirmations and rejections, keep the shortlist, close; read back with the rules
//! applied. Every change is in the audit log; the database itself refuses changes to a
//! closed check.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use super::rules::{self, FreeState};
use super::*;
use crate::audit;
use crate::catalogue::model::OperatorType;
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::search::{SearchIndex, SearchQuery, SortKey, MAX_LIMIT};
use crate::settings;

const MAX_SHORTLIST: usize = 8;

fn text_field(label: &str, value: &str, max: usize, required: bool) -> Result<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(Error::Invalid(format!("{label}: skal udfyldes.")));
    }
    if v.chars().count() > max {
        return Err(Error::Invalid(format!(
            "{label}: højst {max} tegn (der er {}).",
            v.chars().count()
        )));
    }
    if contains_cpr_like(v) {
        return Err(Error::Invalid(format!(
            "{label}: ligner et CPR-nummer. En afstemning må ikke indeholde borgerens personoplysninger; de hører kun til i kontrakten."
        )));
    }
    Ok(v.to_string())
}

/// Six digits, an optional dash or space, four digits: what a CPR number looks like.
fn contains_cpr_like(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let digits_at = |i: usize, n: usize| {
        chars
            .get(i..i + n)
            .is_some_and(|w| w.iter().all(char::is_ascii_digit))
    };
    (0..chars.len()).any(|i| {
        let starts = i == 0 || !chars[i - 1].is_ascii_digit();
        if !starts || !digits_at(i, 6) {
            return false;
        }
        let j = match chars.get(i + 6) {
            Some('-') | Some(' ') => i + 7,
            _ => i + 6,
        };
        digits_at(j, 4) && chars.get(j + 4).is_none_or(|c| !c.is_ascii_digit())
    })
}

fn home(code: u16) -> Result<(&'static geo::Municipality, Point)> {
    let m = geo::municipality(code)
        .ok_or_else(|| Error::Invalid(format!("Hjemkommune: kommunekoden {code} findes ikke.")))?;
    Ok((
        m,
        Point {
            lat: m.lat,
            lon: m.lon,
        },
    ))
}

fn date_of(timestamp: &str) -> NaiveDate {
    timestamp
        .get(..10)
        .and_then(crate::fmt::parse_date)
        .unwrap_or_default()
}

/// Creates a check: validates the need, finds the matching public offers in the home region
/// (on `today`) and within the radius, and stores them with their figures as of now.
pub fn create(
    conn: &Connection,
    index: &SearchIndex,
    input: &NewCheck,
    today: NaiveDate,
) -> Result<Check> {
    let need = &input.need;
    let reference = text_field("Sagsreference", &input.reference, 100, false)?;
    let (home_m, _) = home(need.home_municipality)?;
    if need.age > 120 {
        return Err(Error::Invalid(format!(
            "Alder: {} år er ikke en gyldig alder.",
            need.age
        )));
    }
    if (need.wanted_start - today).num_days() < -30 {
        return Err(Error::Invalid(format!(
            "Ønsket start: {} ligger mere end 30 dage tilbage.",
            crate::fmt::date(need.wanted_start)
        )));
    }
    if (need.wanted_start - today).num_days() > 365 {
        return Err(Error::Invalid(format!(
            "Ønsket start: {} ligger mere end et år frem.",
            crate::fmt::date(need.wanted_start)
        )));
    }
    let group_label: String = conn
        .query_row(
            "SELECT label FROM target_groups WHERE code = ?1",
            [need.target_group.trim()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Målgruppe: «{}» findes ikke i kataloget.",
                need.target_group.trim()
            ))
        })?;
    let radius = match input.radius_km {
        Some(r) => {
            let s = &settings::CHECK_RADIUS_KM;
            if !(s.min..=s.max).contains(&r) {
                return Err(Error::Invalid(format!(
                    "Afstand: {r} km skal være mellem {} og {} km.",
                    s.min, s.max
                )));
            }
            r
        }
        None => settings::number(conn, &settings::CHECK_RADIUS_KM)?,
    };
    let stale_after = settings::number(conn, &settings::STALE_AFTER_DAYS)?;
    let validity = settings::number(conn, &settings::CHECK_VALIDITY_DAYS)?;
    let region = home_m.region_on(today).ok_or_else(|| {
        Error::Invalid(format!(
            "Hjemkommune: {} hører ikke til en region pr. {}.",
            home_m.name,
            crate::fmt::date(today)
        ))
    })?;
    let (extracted, source): (String, String) = conn
        .query_row(
            "SELECT extracted, source FROM catalogue_meta WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::Invalid("Der er intet katalog indlæst; indlæs et katalog først.".into())
        })?;

    // The matching public offers: in the home region on the check's date, or within the
    // radius of the home municipality.
    let base = SearchQuery {
        legal_bases: vec![need.legal_basis],
        target_group: Some(need.target_group.trim().to_string()),
        age: Some(need.age),
        operator_types: vec![
            OperatorType::Kommunal,
            OperatorType::Regional,
            OperatorType::Selvejende,
        ],
        only_approved: true,
        near_municipality: Some(need.home_municipality),
        sort: SortKey::Distance,
        limit: Some(MAX_LIMIT),
        rate_year: Some(need.wanted_start.year()),
        stale_after_days: Some(stale_after),
        ..Default::default()
    };
    let in_region = index.search(
        conn,
        &SearchQuery {
            region: Some(region.id.clone()),
            region_date: Some(today),
            ..base.clone()
        },
        today,
    )?;
    let nearby = index.search(
        conn,
        &SearchQuery {
            max_distance_km: Some(radius as f64),
            ..base
        },
        today,
    )?;
    if in_region.total > in_region.hits.len() || nearby.total > nearby.hits.len() {
        return Err(Error::Invalid(format!(
            "Behovet matcher over {MAX_LIMIT} tilbud; vælg en mere præcis målgruppe."
        )));
    }
    let region_set: HashSet<u16> = geo::municipalities_in_region(&region.id, today)
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let mut hits: Vec<_> = in_region
        .hits
        .into_iter()
        .chain(nearby.hits)
        .filter(|h| rules::counts_as_public(h.operator_type, h.covered_by_rammeaftale))
        .filter(|h| seen.insert(h.id.clone()))
        .collect();
    hits.sort_by(|a, b| {
        a.distance_km
            .unwrap_or(f64::MAX)
            .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
            .then_with(|| crate::fmt::danish_cmp(&a.name, &b.name))
    });

    let tx = conn.unchecked_transaction()?;
    let year = today.year();
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM checks WHERE id LIKE ?1",
        [format!("A-{year}-%")],
        |r| r.get(0),
    )?;
    let id = format!("A-{year}-{:04}", n + 1);
    let user = audit::current_user(&tx);
    tx.execute(
        "INSERT INTO checks (id, kind, created_at, created_by, reference, legal_basis,
            target_group, target_group_label, age, home_municipality, wanted_start,
            scope_region, scope_date, scope_radius_km, catalogue_extracted, catalogue_source,
            stale_after_days, validity_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            id,
            input.kind.code(),
            audit::now_local(),
            user,
            reference,
            need.legal_basis.code(),
            need.target_group.trim(),
            group_label,
            need.age,
            need.home_municipality,
            need.wanted_start.to_string(),
            region.id,
            today.to_string(),
            radius,
            extracted,
            source,
            stale_after,
            validity,
        ],
    )?;
    {
        let mut contact = tx.prepare("SELECT phone, email FROM offers WHERE id = ?1")?;
        let mut insert = tx.prepare(
            "INSERT INTO check_candidates (check_id, ord, offer_id, name, city,
                municipality_code, operator_type, operator_name, covered, places, free_places,
                free_as_of, distance_km, in_region, daily_rate_ex_vat, rate_year, phone, email)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        for (ord, h) in hits.iter().enumerate() {
            let (phone, email): (Option<String>, Option<String>) = contact
                .query_row([&h.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or_default();
            insert.execute(params![
                id,
                ord as i64,
                h.id,
                h.name,
                h.city,
                h.municipality_code,
                h.operator_type.code(),
                h.operator_name,
                h.covered_by_rammeaftale,
                h.places,
                h.free_places,
                h.free_as_of.map(|d| d.to_string()),
                h.distance_km.unwrap_or_default(),
                region_set.contains(&h.municipality_code),
                h.daily_rate_ex_vat.map(|r| r.to_string()),
                h.rate_year,
                phone,
                email,
            ])?;
        }
    }
    audit::record(
        &tx,
        "check.create",
        &id,
        &serde_json::json!({
            "kind": input.kind.code(),
            "legal_basis": need.legal_basis.code(),
            "target_group": need.target_group.trim(),
            "age": need.age,
            "home_municipality": need.home_municipality,
            "candidates": hits.len(),
            "radius_km": radius,
        }),
    )?;
    tx.commit()?;
    load(conn, &id, today)
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

fn event_text(e: &Event) -> String {
    match e.kind {
        EventKind::Bekraeftelse => {
            let n = e.free_places.unwrap_or(0);
            let places = if n == 1 {
                "1 ledig plads".to_string()
            } else {
                format!("{n} ledige pladser")
            };
            let mut s = format!(
                "Bekræftet: {} {}, {places}, talt med {}",
                e.method.map(ContactMethod::label).unwrap_or("kontakt"),
                e.contacted_on.map(crate::fmt::date).unwrap_or_default(),
                e.contact.as_deref().unwrap_or("")
            );
            if !e.note.is_empty() {
                s.push_str(&format!(" ({})", e.note));
            }
            s
        }
        EventKind::Afvisning => {
            let label = e.reason.map(RejectReason::label).unwrap_or("Afvist");
            if e.note.is_empty() {
                format!("Afvist: {label}")
            } else {
                format!("Afvist: {label}: {}", e.note)
            }
        }
    }
}

fn load_events(conn: &Connection, id: &str, names: &HashMap<String, String>) -> Result<Vec<Event>> {
    let mut st = conn.prepare(
        "SELECT id, offer_id, kind, recorded_at, recorded_by, contacted_on, free_places, method,
                contact, reason, note
         FROM check_events WHERE check_id = ?1 ORDER BY id",
    )?;
    let mut rows = st.query([id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let offer_id: String = r.get(1)?;
        let kind: String = r.get(2)?;
        let contacted: Option<String> = r.get(5)?;
        let method: Option<String> = r.get(7)?;
        let reason: Option<String> = r.get(9)?;
        let mut e = Event {
            id: r.get(0)?,
            offer_name: names.get(&offer_id).cloned().unwrap_or_default(),
            offer_id,
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
            text: String::new(),
        };
        e.text = event_text(&e);
        out.push(e);
    }
    Ok(out)
}

/// Applies the rules to a candidate: its latest event decides; a rejection resolves it, a
/// confirmation replaces the catalogue's figure.
fn judge(c: &mut Candidate, latest: Option<&Event>, on: NaiveDate, stale_after: i64) {
    let (free, as_of, confirmed) = match latest {
        Some(e) if e.kind == EventKind::Bekraeftelse => (e.free_places, e.contacted_on, true),
        _ => (c.free_places, c.free_as_of, false),
    };
    let rejection = latest
        .filter(|e| e.kind == EventKind::Afvisning)
        .map(|e| e.text.clone());
    c.effective_free = free;
    c.effective_as_of = as_of;
    c.confirmed = confirmed;
    c.state = rules::free_state(free, as_of, on, stale_after);
    c.blocking = rules::blocks_private(c.state, rejection.is_some());
    let stale = rules::is_stale(as_of, on, stale_after);
    c.text.free = match free {
        Some(n) => format!("{n} af {}", c.places),
        None => format!("ukendt af {}", c.places),
    };
    c.text.as_of = match as_of {
        Some(d) if confirmed && stale => format!("bekræftet {} (forældet)", crate::fmt::date(d)),
        Some(d) if confirmed => format!("bekræftet {}", crate::fmt::date(d)),
        Some(d) if stale => format!("pr. {} (forældet)", crate::fmt::date(d)),
        Some(d) => format!("pr. {}", crate::fmt::date(d)),
        None => "ingen dato".into(),
    };
    c.text.state = if rejection.is_some() {
        "Afvist".into()
    } else {
        c.state.label().into()
    };
    c.text.daily_rate = match (c.daily_rate_ex_vat, c.rate_year) {
        (Some(r), Some(y)) => format!("{} pr. døgn ({y})", crate::fmt::kr_whole(r)),
        _ => "ingen takst".into(),
    };
    c.text.handling = match (&rejection, latest, c.state) {
        (Some(text), _, _) => text.clone(),
        (None, _, FreeState::Ledig) => "Mangler begrundelse".into(),
        (None, _, FreeState::Ukendt) => "Mangler bekræftelse eller begrundelse".into(),
        (None, Some(e), FreeState::Optaget) => e.text.clone(),
        (None, None, FreeState::Optaget) => "Ingen ledig plads".into(),
    };
    c.rejection = rejection;
}

fn need_text(need: &Need, group_label: &str) -> String {
    format!(
        "{}, målgruppe {}, {} år, hjemkommune {}, ønsket start {}",
        need.legal_basis.label(),
        group_label,
        need.age,
        municipality_name(need.home_municipality),
        crate::fmt::date(need.wanted_start)
    )
}

fn timestamp_text(ts: &str, by: &str) -> String {
    let date = crate::fmt::date(date_of(ts));
    let time = ts.get(11..16).unwrap_or("");
    format!("{date} kl. {time} af {by}")
}

/// Reads a check with the rules applied on `today` (or, when closed, on its closing day).
pub fn load(conn: &Connection, id: &str, today: NaiveDate) -> Result<Check> {
    let id = id.trim();
    let row = conn
        .query_row(
            "SELECT kind, created_at, created_by, reference, legal_basis, target_group,
                    target_group_label, age, home_municipality, wanted_start, scope_region,
                    scope_date, scope_radius_km, catalogue_extracted, catalogue_source,
                    stale_after_days, validity_days, closed_at, closed_by, conclusion,
                    chosen_offer_id, chosen_offer_name, conclusion_note, closed_on
             FROM checks WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, u8>(7)?,
                    ),
                    (
                        r.get::<_, u16>(8)?,
                        r.get::<_, String>(9)?,
                        r.get::<_, String>(10)?,
                        r.get::<_, String>(11)?,
                        r.get::<_, i64>(12)?,
                        r.get::<_, String>(13)?,
                        r.get::<_, String>(14)?,
                        r.get::<_, i64>(15)?,
                    ),
                    (
                        r.get::<_, i64>(16)?,
                        r.get::<_, Option<String>>(17)?,
                        r.get::<_, Option<String>>(18)?,
                        r.get::<_, Option<String>>(19)?,
                        r.get::<_, Option<String>>(20)?,
                        r.get::<_, Option<String>>(21)?,
                        r.get::<_, String>(22)?,
                        r.get::<_, Option<String>>(23)?,
                    ),
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("Afstemningen «{id}» findes ikke.")))?;
    let (
        (kind, created_at, created_by, reference, basis, group, group_label, age),
        (home_code, wanted, region_id, scope_date, radius, extracted, source, stale_after),
        (validity, closed_at, closed_by, conclusion, chosen_id, chosen_name, note, closed_on),
    ) = row;
    let corrupt =
        |what: &str| Error::Invalid(format!("Afstemning {id}: ugyldig {what} i databasen."));
    let kind = CheckKind::parse(&kind)?;
    let need = Need {
        legal_basis: LegalBasis::from_code(&basis).ok_or_else(|| corrupt("lovgrundlag"))?,
        target_group: group,
        age,
        home_municipality: home_code,
        wanted_start: crate::fmt::parse_date(&wanted).ok_or_else(|| corrupt("startdato"))?,
    };
    let closed = match (closed_at, conclusion) {
        (Some(at), Some(c)) => {
            let on = closed_on
                .as_deref()
                .and_then(crate::fmt::parse_date)
                .unwrap_or_else(|| date_of(&at));
            Some(Closed {
                on,
                by: closed_by.unwrap_or_default(),
                conclusion: Conclusion::parse(&c)?,
                chosen_offer_id: chosen_id,
                chosen_offer_name: chosen_name,
                note,
                valid_until: rules::valid_until(on, validity),
                at,
            })
        }
        _ => None,
    };
    let judged_on = closed.as_ref().map_or(today, |c| c.on);

    let mut candidates = Vec::new();
    {
        let mut st =
            conn.prepare("SELECT * FROM check_candidates WHERE check_id = ?1 ORDER BY ord")?;
        let mut rows = st.query([id])?;
        while let Some(r) = rows.next()? {
            candidates.push(candidate_from_row(r)?);
        }
    }
    let names: HashMap<String, String> = candidates
        .iter()
        .map(|c| (c.offer_id.clone(), c.name.clone()))
        .collect();
    let events = load_events(conn, id, &names)?;
    for c in &mut candidates {
        let latest = events.iter().rev().find(|e| e.offer_id == c.offer_id);
        judge(c, latest, judged_on, stale_after);
    }
    // Free places first, then unknown, then none; nearest first within each.
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
    let blocking: Vec<&Candidate> = candidates.iter().filter(|c| c.blocking).collect();
    let status = match &closed {
        None => CheckStatus::Aaben,
        Some(c) if today > c.valid_until => CheckStatus::Udloebet,
        Some(_) => CheckStatus::Lukket,
    };
    let region_name = geo::region(&region_id)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| region_id.clone());
    let scope = Scope {
        region_id,
        region_name,
        date: crate::fmt::parse_date(&scope_date).ok_or_else(|| corrupt("dato"))?,
        radius_km: radius,
    };
    let extracted = crate::fmt::parse_date(&extracted).ok_or_else(|| corrupt("katalogdato"))?;
    let outstanding = if closed.is_some() {
        String::new()
    } else if blocking.is_empty() {
        "Alle offentlige tilbud med mulig ledig plads er afklaret; afstemningen kan lukkes.".into()
    } else {
        let mut names: Vec<&str> = blocking.iter().take(5).map(|c| c.name.as_str()).collect();
        let more = blocking.len().saturating_sub(names.len());
        let more_text = format!("{more} flere");
        if more > 0 {
            names.push(&more_text);
        }
        format!(
            "{} offentlige tilbud med ledig eller ukendt plads mangler en bekræftelse eller begrundelse: {}.",
            blocking.len(),
            names.join(", ")
        )
    };
    let blocking = blocking.len();
    let text = CheckTexts {
        kind: kind.label().into(),
        status: match (&closed, status) {
            (Some(c), CheckStatus::Lukket) => {
                format!(
                    "lukket, gyldig til og med {}",
                    crate::fmt::date(c.valid_until)
                )
            }
            (Some(c), _) => format!("udløbet {}", crate::fmt::date(c.valid_until)),
            (None, _) => "åben".into(),
        },
        need: need_text(&need, &group_label),
        scope: format!(
            "{} pr. {} og tilbud inden for {} km af {}",
            scope.region_name,
            crate::fmt::date(scope.date),
            scope.radius_km,
            municipality_name(need.home_municipality)
        ),
        created: timestamp_text(&created_at, &created_by),
        catalogue: format!("Katalog pr. {} ({source})", crate::fmt::date(extracted)),
        closed: closed
            .as_ref()
            .map(|c| timestamp_text(&c.at, &c.by))
            .unwrap_or_default(),
        conclusion: match &closed {
            None => "Ikke lukket".into(),
            Some(c) => {
                let mut s = c.conclusion.label().to_string();
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
            .map(|c| crate::fmt::date(c.valid_until))
            .unwrap_or_default(),
        outstanding,
    };
    let mut check = Check {
        id: id.to_string(),
        kind,
        created_on: crate::fmt::parse_date(&scope_date).ok_or_else(|| corrupt("dato"))?,
        created_at,
        created_by,
        reference,
        target_group_label: group_label,
        scope,
        catalogue_extracted: extracted,
        catalogue_source: source,
        stale_after_days: stale_after,
        validity_days: validity,
        closed,
        status,
        judged_on,
        candidates,
        events,
        shortlist: Vec::new(),
        blocking,
        text,
        need,
    };
    let mut st =
        conn.prepare("SELECT figures FROM check_shortlist WHERE check_id = ?1 ORDER BY ord")?;
    let mut rows = st.query([id])?;
    let mut shortlist = Vec::new();
    while let Some(r) = rows.next()? {
        let json: String = r.get(0)?;
        let figures: Figures = serde_json::from_str(&json).map_err(|_| corrupt("kortliste"))?;
        let verdict = check.allows(
            &check.need,
            OfferClass {
                operator_type: figures.operator_type,
                covered_by_rammeaftale: figures.covered_by_rammeaftale,
            },
            CheckKind::Privat,
            today,
        );
        shortlist.push(ShortlistEntry {
            choosable: verdict.is_ok(),
            choosable_text: match verdict {
                Ok(()) if figures.counts_as_public => "Offentligt tilbud: kan vælges".into(),
                Ok(()) => format!(
                    "Kan vælges gennem afstemning {} (gyldig til og med {})",
                    check.id, check.text.valid_until
                ),
                Err(e) => e.to_string(),
            },
            figures,
        });
    }
    check.shortlist = shortlist;
    Ok(check)
}

fn open_check(conn: &Connection, id: &str, today: NaiveDate) -> Result<Check> {
    let check = load(conn, id, today)?;
    if let Some(c) = &check.closed {
        return Err(Error::Invalid(format!(
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
    let contact = text_field("Kontaktperson", &c.contact, 100, true)?;
    let note = text_field("Bemærkning", &c.note, 500, false)?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO check_events (check_id, offer_id, kind, recorded_at, recorded_by,
            contacted_on, free_places, method, contact, note)
         VALUES (?1, ?2, 'bekraeftelse', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            check.id,
            cand.offer_id,
            audit::now_local(),
            audit::current_user(&tx),
            c.contacted_on.to_string(),
            c.free_places,
            c.method.code(),
            contact,
            note,
        ],
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

/// Records why a candidate is not used.
pub fn reject(conn: &Connection, id: &str, r: &Rejection, today: NaiveDate) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    let cand = candidate(&check, &r.offer_id)?;
    let note =
        text_field("Begrundelse", &r.note, 500, r.reason.needs_text()).map_err(|e| match e {
            Error::Invalid(m) if m.ends_with("skal udfyldes.") => Error::Invalid(format!(
                "Begrundelse: skriv hvorfor («{}» kræver en forklaring).",
                r.reason.label()
            )),
            other => other,
        })?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO check_events (check_id, offer_id, kind, recorded_at, recorded_by, reason, note)
         VALUES (?1, ?2, 'afvisning', ?3, ?4, ?5, ?6)",
        params![
            check.id,
            cand.offer_id,
            audit::now_local(),
            audit::current_user(&tx),
            r.reason.code(),
            note,
        ],
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
    let (_, home_point) = home(check.need.home_municipality)?;
    let hit = index.hit_for(
        conn,
        offer_id,
        Some(check.need.legal_basis),
        Some(home_point),
        today,
        check.stale_after_days,
    )?;
    let mut groups = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT g.label FROM offer_target_groups o
             JOIN offers f ON f.key = o.offer_key
             JOIN target_groups g ON g.code = o.code
             WHERE f.id = ?1 ORDER BY g.ord",
        )?;
        let mut rows = st.query([offer_id])?;
        while let Some(r) = rows.next()? {
            groups.push(r.get::<_, String>(0)?);
        }
    }
    let added_at = audit::now_local();
    let figures = Figures {
        offer_id: hit.id.clone(),
        name: hit.name.clone(),
        city: hit.city.clone(),
        municipality: hit.municipality.clone(),
        operator_type: hit.operator_type,
        operator_name: hit.operator_name.clone(),
        covered_by_rammeaftale: hit.covered_by_rammeaftale,
        counts_as_public: rules::counts_as_public(hit.operator_type, hit.covered_by_rammeaftale),
        legal_bases: hit.text.legal_bases.clone(),
        target_groups: groups,
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
        .map_err(|e| Error::Invalid(format!("Kortlisten kunne ikke gemmes: {e}")))?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO check_shortlist (check_id, offer_id, ord, added_at, figures)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(ord), 0) + 1 FROM check_shortlist WHERE check_id = ?1), ?3, ?4)",
        params![check.id, hit.id, added_at, json],
    )?;
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
    let n = tx.execute(
        "DELETE FROM check_shortlist WHERE check_id = ?1 AND offer_id = ?2",
        params![check.id, offer_id.trim()],
    )?;
    if n == 0 {
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

/// Closes a check with its conclusion. Private purchase (or a one-person project) is only
/// justified when no candidate still blocks; a chosen public offer must be a candidate that
/// was not rejected, or a public offer on the shortlist.
pub fn close(conn: &Connection, id: &str, closing: &Closing, today: NaiveDate) -> Result<Check> {
    let check = open_check(conn, id, today)?;
    let note = text_field("Bemærkning", &closing.note, 1000, false)?;
    let chosen = closing
        .chosen_offer_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let chosen_name: Option<String> = match closing.conclusion {
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
                Some(c.name.clone())
            } else if let Some(s) = check
                .shortlist
                .iter()
                .find(|s| s.figures.offer_id == offer && s.figures.counts_as_public)
            {
                Some(s.figures.name.clone())
            } else {
                return Err(Error::Invalid(format!(
                    "Valgt tilbud: «{offer}» er hverken en offentlig kandidat eller et offentligt tilbud på kortlisten."
                )));
            }
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
            if check.blocking > 0 {
                return Err(Error::Invalid(format!(
                    "Afstemningen kan ikke lukkes med «{}»: {}",
                    closing.conclusion.label().to_lowercase(),
                    check.text.outstanding
                )));
            }
            match chosen {
                None => None,
                Some(offer) => {
                    let entry = check
                        .shortlist
                        .iter()
                        .find(|s| s.figures.offer_id == offer && !s.figures.counts_as_public)
                        .ok_or_else(|| {
                            Error::Invalid(format!(
                                "Valgt tilbud: «{offer}» skal være et privat tilbud på kortlisten."
                            ))
                        })?;
                    Some(entry.figures.name.clone())
                }
            }
        }
    };
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE checks SET closed_at = ?2, closed_by = ?3, conclusion = ?4, chosen_offer_id = ?5,
            chosen_offer_name = ?6, conclusion_note = ?7, closed_on = ?8
         WHERE id = ?1",
        params![
            check.id,
            audit::now_local(),
            audit::current_user(&tx),
            closing.conclusion.code(),
            chosen,
            chosen_name,
            note,
            today.to_string(),
        ],
    )?;
    audit::record(
        &tx,
        "check.close",
        &check.id,
        &serde_json::json!({
            "conclusion": closing.conclusion.code(),
            "chosen_offer_id": chosen,
            "candidates": check.candidates.len(),
        }),
    )?;
    tx.commit()?;
    load(conn, &check.id, today)
}

/// All checks, newest first, with their status on `today`.
pub fn list(conn: &Connection, today: NaiveDate) -> Result<Vec<CheckListItem>> {
    let mut st = conn.prepare(
        "SELECT id, kind, scope_date, reference, legal_basis, target_group_label, age,
                home_municipality, COALESCE(closed_on, closed_at), conclusion, validity_days,
                (SELECT COUNT(*) FROM check_candidates c WHERE c.check_id = checks.id)
         FROM checks ORDER BY created_at DESC, id DESC",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let kind = CheckKind::parse(&r.get::<_, String>(1)?)?;
        let created_at: String = r.get(2)?;
        let basis: String = r.get(4)?;
        let group: String = r.get(5)?;
        let age: i64 = r.get(6)?;
        let home: u16 = r.get(7)?;
        let closed_at: Option<String> = r.get(8)?;
        let conclusion: Option<String> = r.get(9)?;
        let validity: i64 = r.get(10)?;
        let candidates: i64 = r.get(11)?;
        let conclusion = conclusion.as_deref().map(Conclusion::parse).transpose()?;
        let valid_until = closed_at
            .as_deref()
            .map(|at| rules::valid_until(date_of(at), validity));
        let status = match valid_until {
            None => CheckStatus::Aaben,
            Some(v) if today > v => CheckStatus::Udloebet,
            Some(_) => CheckStatus::Lukket,
        };
        let basis_label = LegalBasis::from_code(&basis).map_or(basis.clone(), |b| b.label().into());
        out.push(CheckListItem {
            text: ListTexts {
                created: crate::fmt::date(date_of(&created_at)),
                need: format!(
                    "{basis_label}, {group}, {age} år, {}",
                    municipality_name(home)
                ),
                status: status.label().into(),
                conclusion: conclusion
                    .map(|c| c.label().to_string())
                    .unwrap_or_default(),
                valid_until: valid_until.map(crate::fmt::date).unwrap_or_default(),
            },
            id,
            kind,
            created_on: date_of(&created_at),
            reference: r.get(3)?,
            status,
            conclusion,
            valid_until,
            candidates: usize::try_from(candidates).unwrap_or(0),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::contains_cpr_like;

    #[test]
    fn cpr_like_text_is_spotted() {
        assert!(contains_cpr_like("010190-1234"));
        assert!(contains_cpr_like("borger 0101901234 ok"));
        assert!(contains_cpr_like("010190 1234"));
        assert!(!contains_cpr_like("Sag 2026-1234"));
        assert!(!contains_cpr_like("27.13.20-P20-1-26"));
        assert!(!contains_cpr_like("12345678901"));
    }
}
