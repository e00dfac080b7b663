//! One offer, everything the offer page shows, with the age of every figure.

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::model::{ApprovalStatus, LegalBasis, OperatorType};
use super::rules::{age_text, days_old_text};
use super::store::{self, OfferRow, PlacesRow};
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::rates::{self, Rate};
use crate::{agreements, fmt};

#[derive(Debug, Clone, Serialize)]
pub struct OperatorPeriod {
    pub kind: OperatorType,
    pub name: String,
    pub cvr: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub period_text: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlacesLine {
    pub basis: LegalBasis,
    pub basis_label: String,
    pub places: u32,
    pub free_places: Option<u32>,
    pub free_as_of: Option<NaiveDate>,
    pub free_source: Option<String>,
    pub free_stale: bool,
    /// "3 ledige pr. 10.11.2026 (14 dage gammelt, Tilbudsportalen)"
    pub free_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub places: Vec<PlacesLine>,
}

/// One rate as the offer page shows it: the rate (flattened: offer, department, basis, year,
/// amount, unit, VAT, calculation) with its texts.
#[derive(Debug, Clone, Serialize)]
pub struct RateLine {
    #[serde(flatten)]
    pub rate: Rate,
    pub department_name: String,
    pub basis_label: String,
    pub daily_ex_vat: Decimal,
    pub amount_text: String,
    pub daily_ex_vat_text: String,
    pub has_calculation: bool,
    /// Danish lines describing the calculation basis, empty when none is known.
    pub calculation_text: Vec<String>,
}

/// Places bought per municipality in one year, as the catalogue reports them.
#[derive(Debug, Clone, Serialize)]
pub struct BuyerYear {
    pub year: i32,
    /// (municipality name, places), most places first.
    pub buyers: Vec<(String, i64)>,
    /// "Roskilde 5, Køge 2 (i alt 7 pladser)".
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfferDetail {
    pub id: String,
    pub name: String,
    pub description: String,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub municipality_code: u16,
    pub municipality: String,
    pub region_today: String,
    pub lat: f64,
    pub lon: f64,
    pub distance_text: String,
    pub age_text: String,
    pub approval: ApprovalStatus,
    pub approval_text: String,
    pub socialtilsyn: String,
    pub covered_by_rammeaftale: bool,
    /// "Omfattet af Rammeaftale 2025-2026 … (SJ-2025)", or that no agreement covers it.
    pub agreements_text: String,
    /// On an agreement's list of most specialised offers: the marks, each with its agreement,
    /// period, source and the agreed procedure as the source words it.
    pub most_specialised: Vec<agreements::most_specialised::Mark>,
    pub operators: Vec<OperatorPeriod>,
    pub target_groups: Vec<String>,
    pub departments: Vec<Department>,
    pub rates: Vec<RateLine>,
    pub buyers: Vec<BuyerYear>,
    pub manager: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub catalogue_extracted_text: String,
}

fn operator_periods(conn: &Connection, key: i64, on: NaiveDate) -> Result<Vec<OperatorPeriod>> {
    let periods = store::operators(conn, key)?;
    let current = super::rules::operator_on(&periods, on).cloned();
    Ok(periods
        .into_iter()
        .rev()
        .map(|p| OperatorPeriod {
            period_text: match p.valid_to {
                Some(t) => format!(
                    "{} – {}",
                    fmt::date(p.valid_from),
                    fmt::date(t.pred_opt().unwrap_or(t))
                ),
                None => format!("fra {}", fmt::date(p.valid_from)),
            },
            current: current.as_ref() == Some(&p),
            kind: p.kind,
            name: p.name,
            cvr: p.cvr,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
        })
        .collect())
}

fn places_line(p: PlacesRow, today: NaiveDate, stale_after: i64) -> PlacesLine {
    let age = p.free_as_of.map(|d| (today - d).num_days());
    let stale = age.is_some_and(|a| a > stale_after);
    let free_text = match (p.free_places, p.free_as_of) {
        (Some(n), Some(d)) => format!(
            "{n} {} pr. {} ({}{}, {})",
            if n == 1 { "ledig" } else { "ledige" },
            fmt::date(d),
            days_old_text(age.unwrap_or(0)),
            if stale { ", forældet" } else { "" },
            p.free_source.clone().unwrap_or_default()
        ),
        _ => "Ledige pladser ukendt".into(),
    };
    PlacesLine {
        basis: p.basis,
        basis_label: p.basis.label().into(),
        places: p.places,
        free_places: p.free_places,
        free_as_of: p.free_as_of,
        free_source: p.free_source,
        free_stale: stale,
        free_text,
    }
}

fn departments(rows: Vec<PlacesRow>, today: NaiveDate, stale_after: i64) -> Vec<Department> {
    let mut out: Vec<Department> = Vec::new();
    for p in rows {
        let (id, name) = (p.department_id.clone(), p.department_name.clone());
        let line = places_line(p, today, stale_after);
        match out.last_mut() {
            Some(d) if d.id == id => d.places.push(line),
            _ => out.push(Department {
                id,
                name,
                places: vec![line],
            }),
        }
    }
    out
}

fn buyer_years(rows: Vec<(i32, u16, i64)>) -> Vec<BuyerYear> {
    let mut out: Vec<BuyerYear> = Vec::new();
    for (year, code, places) in rows {
        let name = geo::municipality(code)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| code.to_string());
        match out.last_mut() {
            Some(b) if b.year == year => b.buyers.push((name, places)),
            _ => out.push(BuyerYear {
                year,
                buyers: vec![(name, places)],
                text: String::new(),
            }),
        }
    }
    for b in &mut out {
        let total: i64 = b.buyers.iter().map(|(_, n)| n).sum();
        let list: Vec<String> = b.buyers.iter().map(|(m, n)| format!("{m} {n}")).collect();
        b.text = format!(
            "{} (i alt {total} {})",
            list.join(", "),
            if total == 1 { "plads" } else { "pladser" }
        );
    }
    out
}

fn calculation_text(r: &Rate) -> Vec<String> {
    let c = &r.calculation;
    let mut calc = Vec::new();
    if let Some(v) = c.direct_costs {
        calc.push(format!("Direkte omkostninger: {}", fmt::kr_whole(v)));
    }
    if let Some(v) = c.indirect_costs {
        calc.push(format!("Indirekte omkostninger: {}", fmt::kr_whole(v)));
    }
    if let Some(v) = c.overhead_pct {
        calc.push(format!("Overhead: {} %", fmt::number(v, 1)));
    }
    if let Some(v) = c.capital_costs {
        calc.push(format!("Kapitalomkostninger: {}", fmt::kr_whole(v)));
    }
    if let Some(v) = c.budgeted_occupancy_pct {
        calc.push(format!("Budgetteret belægning: {} %", fmt::number(v, 1)));
    }
    calc
}

fn rate_line(r: Rate, departments: &[Department]) -> Result<RateLine> {
    let daily = rates::rules::daily_ex_vat(r.amount, r.unit, r.vat_pct)?;
    let calc = calculation_text(&r);
    Ok(RateLine {
        department_name: departments
            .iter()
            .find(|d| d.id == r.department_id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "Hele tilbuddet".into()),
        basis_label: r.basis.label().into(),
        amount_text: rates::rules::amount_text(r.amount, r.unit, r.vat_pct),
        daily_ex_vat_text: format!("{} pr. døgn ekskl. moms", fmt::kr(daily)),
        has_calculation: !calc.is_empty(),
        calculation_text: calc,
        daily_ex_vat: daily,
        rate: r,
    })
}

/// "Omfattet af Rammeaftale … (SJ-2025)" for each agreement that covers the offer today.
fn agreements_text(conn: &Connection, id: &str, today: NaiveDate) -> Result<(bool, String)> {
    let all = agreements::store::active(conn)?;
    let extracted = store::extracted(conn)?;
    let Some(facts) = store::offer_facts(conn, id, today)? else {
        return Ok((false, String::new()));
    };
    let c = agreements::rules::Coverage::of(&facts);
    let names: Vec<String> = all
        .iter()
        .filter(|a| agreements::rules::covers(a, &all, &c, extracted))
        .map(|a| format!("{} ({})", a.name, a.id))
        .collect();
    Ok(if names.is_empty() {
        (false, "Ikke omfattet af en rammeaftale".into())
    } else {
        (true, format!("Omfattet af {}", names.join("; ")))
    })
}

/// Loads offer `id`. `origin` (the citizen's home) gives the distance line.
pub fn offer_detail(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    origin: Option<Point>,
) -> Result<OfferDetail> {
    let stale_after = crate::settings::number(conn, &crate::settings::STALE_AFTER_DAYS)?;
    let row: OfferRow = store::offer_row(conn, id)?
        .ok_or_else(|| Error::NotFound(format!("Tilbuddet «{id}» findes ikke i kataloget.")))?;
    let extracted = store::extracted(conn)?;
    let departments = departments(store::places(conn, row.key)?, today, stale_after);
    let rates = rates::store::of_offer(conn, &row.id)?
        .into_iter()
        .map(|r| rate_line(r, &departments))
        .collect::<Result<_>>()?;
    let (covered, agreements_text) = agreements_text(conn, &row.id, today)?;
    let most_specialised =
        agreements::most_specialised::marks_for(conn, &row.name, row.municipality_code, today)?;
    let municipality = geo::municipality(row.municipality_code);
    Ok(OfferDetail {
        operators: operator_periods(conn, row.key, today)?,
        target_groups: store::target_group_paths(conn, row.key)?,
        buyers: buyer_years(store::buyers(conn, &row.id)?),
        departments,
        rates,
        covered_by_rammeaftale: covered,
        agreements_text,
        most_specialised,
        distance_text: origin
            .map(|o| {
                fmt::km(geo::distance_km(
                    o,
                    Point {
                        lat: row.lat,
                        lon: row.lon,
                    },
                ))
            })
            .unwrap_or_default(),
        municipality: municipality.map(|m| m.name.clone()).unwrap_or_default(),
        region_today: municipality
            .and_then(|m| m.region_on(today))
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        age_text: age_text(row.min_age, row.max_age),
        approval_text: match row.approval_date {
            Some(d) => format!("{} ({})", row.approval.label(), fmt::date(d)),
            None => row.approval.label().to_string(),
        },
        catalogue_extracted_text: extracted
            .map(|d| format!("Katalog pr. {}", fmt::date(d)))
            .unwrap_or_default(),
        id: row.id,
        name: row.name,
        description: row.description,
        cvr: row.cvr,
        p_number: row.p_number,
        street: row.street,
        postcode: row.postcode,
        city: row.city,
        municipality_code: row.municipality_code,
        lat: row.lat,
        lon: row.lon,
        approval: row.approval,
        socialtilsyn: row.socialtilsyn,
        manager: row.manager,
        phone: row.phone,
        email: row.email,
        website: row.website,
    })
}
