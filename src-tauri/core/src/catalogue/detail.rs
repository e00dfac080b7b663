//! One offer, everything the offer page shows, with the age of every figure.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

use super::model::{ApprovalStatus, LegalBasis, OperatorType, RateUnit};
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::search::age_text;
use crate::{fmt, rates};

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

#[derive(Debug, Clone, Serialize)]
pub struct RateLine {
    pub department_id: String,
    pub department_name: String,
    pub basis: LegalBasis,
    pub basis_label: String,
    pub year: i32,
    pub amount: Decimal,
    pub unit: RateUnit,
    pub vat_pct: Decimal,
    pub daily_ex_vat: Decimal,
    pub amount_text: String,
    pub daily_ex_vat_text: String,
    pub direct_costs: Option<Decimal>,
    pub indirect_costs: Option<Decimal>,
    pub overhead_pct: Option<Decimal>,
    pub capital_costs: Option<Decimal>,
    pub budgeted_occupancy_pct: Option<Decimal>,
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

fn date_opt(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|t| NaiveDate::from_str(&t).ok())
}

fn dec(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|_| Error::Invalid(format!("Ugyldigt beløb i databasen: «{s}»")))
}

fn dec_opt(s: Option<String>) -> Result<Option<Decimal>> {
    s.as_deref().map(dec).transpose()
}

pub fn days_old_text(days: i64) -> String {
    match days {
        i64::MIN..=-1 => "fremtidig dato".into(),
        0 => "i dag".into(),
        1 => "1 dag gammelt".into(),
        n => format!("{n} dage gammelt"),
    }
}

/// Loads offer `id`. `origin` (the citizen's home) gives the distance line.
pub fn offer_detail(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
    origin: Option<Point>,
) -> Result<OfferDetail> {
    let stale_after = crate::settings::number(conn, &crate::settings::STALE_AFTER_DAYS)?;
    let row = conn
        .query_row(
            "SELECT key, id, name, description, cvr, p_number, street, postcode, city,
                    municipality_code, lat, lon, min_age, max_age, approval_status, approval_date,
                    socialtilsyn, covered_by_rammeaftale, manager, phone, email, website
             FROM offers WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    (
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ),
                    (
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                        r.get::<_, u16>(9)?,
                        r.get::<_, f64>(10)?,
                        r.get::<_, f64>(11)?,
                    ),
                    (
                        r.get::<_, u8>(12)?,
                        r.get::<_, Option<u8>>(13)?,
                        r.get::<_, String>(14)?,
                        r.get::<_, Option<String>>(15)?,
                        r.get::<_, String>(16)?,
                        r.get::<_, bool>(17)?,
                    ),
                    (
                        r.get::<_, Option<String>>(18)?,
                        r.get::<_, Option<String>>(19)?,
                        r.get::<_, Option<String>>(20)?,
                        r.get::<_, Option<String>>(21)?,
                    ),
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("Tilbuddet «{id}» findes ikke i kataloget.")))?;
    let (key, (id, name, description, cvr, p_number), addr, misc, contact) = row;
    let (street, postcode, city, municipality_code, lat, lon) = addr;
    let (min_age, max_age, approval, approval_date, socialtilsyn, covered) = misc;
    let (manager, phone, email, website) = contact;
    let approval = ApprovalStatus::parse(&approval).unwrap_or(ApprovalStatus::UnderGodkendelse);
    let approval_text = match date_opt(approval_date) {
        Some(d) => format!("{} ({})", approval.label(), fmt::date(d)),
        None => approval.label().to_string(),
    };
    let extracted: Option<NaiveDate> = conn
        .query_row(
            "SELECT extracted FROM catalogue_meta WHERE id = 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|s| NaiveDate::from_str(&s).ok());
    let on = extracted.unwrap_or(today);

    let mut operators = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT kind, name, cvr, valid_from, valid_to FROM offer_operators
             WHERE offer_key = ?1 ORDER BY valid_from DESC",
        )?;
        let mut q = st.query([key])?;
        while let Some(r) = q.next()? {
            let from = date_opt(r.get(3)?).unwrap_or(on);
            let to = date_opt(r.get(4)?);
            operators.push(OperatorPeriod {
                kind: OperatorType::parse(&r.get::<_, String>(0)?)?,
                name: r.get(1)?,
                cvr: r.get(2)?,
                valid_from: from,
                valid_to: to,
                period_text: match to {
                    Some(t) => format!(
                        "{} – {}",
                        fmt::date(from),
                        fmt::date(t.pred_opt().unwrap_or(t))
                    ),
                    None => format!("fra {}", fmt::date(from)),
                },
                current: from <= on && to.is_none_or(|t| on < t),
            });
        }
    }

    let mut target_groups = Vec::new();
    {
        // Each target group with its path: "Funktionsnedsættelse › Psykisk › Autisme".
        let mut st = conn.prepare(
            "WITH RECURSIVE path(code, parent, label, leaf, depth) AS (
                 SELECT t.code, t.parent, t.label, t.code, 0
                   FROM offer_target_groups o JOIN target_groups t ON t.code = o.code
                  WHERE o.offer_key = ?1
                 UNION ALL
                 SELECT t.code, t.parent, t.label, p.leaf, p.depth + 1
                   FROM path p JOIN target_groups t ON t.code = p.parent
                  WHERE p.depth < 16)
             SELECT leaf, group_concat(label, ' › ') FROM
                 (SELECT leaf, label FROM path ORDER BY leaf, depth DESC)
             GROUP BY leaf",
        )?;
        let mut q = st.query([key])?;
        while let Some(r) = q.next()? {
            target_groups.push(r.get::<_, String>(1)?);
        }
        target_groups.sort_by(|a, b| fmt::danish_cmp(a, b));
    }

    let mut departments: Vec<Department> = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT d.id, d.name, p.legal_basis, p.places, p.free_places, p.free_as_of, p.free_source
             FROM departments d JOIN department_places p
               ON p.offer_key = d.offer_key AND p.department_id = d.id
             WHERE d.offer_key = ?1 ORDER BY d.ord, p.legal_basis",
        )?;
        let mut q = st.query([key])?;
        while let Some(r) = q.next()? {
            let dept_id: String = r.get(0)?;
            let basis = LegalBasis::parse(&r.get::<_, String>(2)?)?;
            let places: u32 = r.get(3)?;
            let free: Option<u32> = r.get(4)?;
            let as_of = date_opt(r.get(5)?);
            let source: Option<String> = r.get(6)?;
            let age = as_of.map(|d| (today - d).num_days());
            let stale = age.is_some_and(|a| a > stale_after);
            let free_text = match (free, as_of) {
                (Some(n), Some(d)) => format!(
                    "{n} {} pr. {} ({}{}, {})",
                    if n == 1 { "ledig" } else { "ledige" },
                    fmt::date(d),
                    days_old_text(age.unwrap_or(0)),
                    if stale { ", forældet" } else { "" },
                    source.clone().unwrap_or_default()
                ),
                _ => "Ledige pladser ukendt".into(),
            };
            let line = PlacesLine {
                basis,
                basis_label: basis.label().into(),
                places,
                free_places: free,
                free_as_of: as_of,
                free_source: source,
                free_stale: stale,
                free_text,
            };
            match departments.last_mut() {
                Some(d) if d.id == dept_id => d.places.push(line),
                _ => departments.push(Department {
                    id: dept_id,
                    name: r.get(1)?,
                    places: vec![line],
                }),
            }
        }
    }

    let mut buyers: Vec<BuyerYear> = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT year, municipality_code, places FROM offer_buyers WHERE offer_id = ?1
             ORDER BY year DESC, places DESC, municipality_code",
        )?;
        let mut q = st.query([&id])?;
        while let Some(r) = q.next()? {
            let (year, code, places): (i32, u16, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let name = geo::municipality(code)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| code.to_string());
            match buyers.last_mut() {
                Some(b) if b.year == year => b.buyers.push((name, places)),
                _ => buyers.push(BuyerYear {
                    year,
                    buyers: vec![(name, places)],
                    text: String::new(),
                }),
            }
        }
        for b in &mut buyers {
            let total: i64 = b.buyers.iter().map(|(_, n)| n).sum();
            let list: Vec<String> = b.buyers.iter().map(|(m, n)| format!("{m} {n}")).collect();
            b.text = format!(
                "{} (i alt {total} {})",
                list.join(", "),
                if total == 1 { "plads" } else { "pladser" }
            );
        }
    }

    let mut rate_lines = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT department_id, legal_basis, year, amount, unit, vat_pct, direct_costs,
                    indirect_costs, overhead_pct, capital_costs, budgeted_occupancy_pct
             FROM rates WHERE offer_id = ?1 ORDER BY year DESC, legal_basis, department_id",
        )?;
        let mut q = st.query(params![id])?;
        while let Some(r) = q.next()? {
            let department_id: String = r.get(0)?;
            let basis = LegalBasis::parse(&r.get::<_, String>(1)?)?;
            let amount = dec(&r.get::<_, String>(3)?)?;
            let unit = RateUnit::parse(&r.get::<_, String>(4)?).unwrap_or(RateUnit::Day);
            let vat_pct = dec(&r.get::<_, String>(5)?)?;
            let direct_costs = dec_opt(r.get(6)?)?;
            let indirect_costs = dec_opt(r.get(7)?)?;
            let overhead_pct = dec_opt(r.get(8)?)?;
            let capital_costs = dec_opt(r.get(9)?)?;
            let budgeted_occupancy_pct = dec_opt(r.get(10)?)?;
            let daily = rates::daily_ex_vat(amount, unit, vat_pct);
            let mut calc = Vec::new();
            if let Some(v) = direct_costs {
                calc.push(format!("Direkte omkostninger: {}", fmt::kr_whole(v)));
            }
            if let Some(v) = indirect_costs {
                calc.push(format!("Indirekte omkostninger: {}", fmt::kr_whole(v)));
            }
            if let Some(v) = overhead_pct {
                calc.push(format!("Overhead: {} %", fmt::number(v, 1)));
            }
            if let Some(v) = capital_costs {
                calc.push(format!("Kapitalomkostninger: {}", fmt::kr_whole(v)));
            }
            if let Some(v) = budgeted_occupancy_pct {
                calc.push(format!("Budgetteret belægning: {} %", fmt::number(v, 1)));
            }
            let department_name = departments
                .iter()
                .find(|d| d.id == department_id)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| "Hele tilbuddet".into());
            rate_lines.push(RateLine {
                amount_text: format!(
                    "{} {}{}",
                    fmt::kr(amount),
                    unit.label(),
                    if vat_pct.is_zero() {
                        String::new()
                    } else {
                        format!(" inkl. moms ({} %)", fmt::number(vat_pct, 2))
                    }
                ),
                daily_ex_vat_text: format!("{} pr. døgn ekskl. moms", fmt::kr(daily)),
                has_calculation: !calc.is_empty(),
                calculation_text: calc,
                department_id,
                department_name,
                basis,
                basis_label: basis.label().into(),
                year: r.get(2)?,
                amount,
                unit,
                vat_pct,
                daily_ex_vat: daily,
                direct_costs,
                indirect_costs,
                overhead_pct,
                capital_costs,
                budgeted_occupancy_pct,
            });
        }
    }

    let municipality = geo::municipality(municipality_code);
    let distance_text = origin
        .map(|o| fmt::km(geo::distance_km(o, Point { lat, lon })))
        .unwrap_or_default();
    Ok(OfferDetail {
        id,
        name,
        description,
        cvr,
        p_number,
        street,
        postcode,
        city,
        municipality_code,
        municipality: municipality.map(|m| m.name.clone()).unwrap_or_default(),
        region_today: municipality
            .and_then(|m| m.region_on(today))
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        lat,
        lon,
        distance_text,
        age_text: age_text(min_age, max_age),
        approval,
        approval_text,
        socialtilsyn,
        covered_by_rammeaftale: covered,
        operators,
        target_groups,
        departments,
        rates: rate_lines,
        buyers,
        manager,
        phone,
        email,
        website,
        catalogue_extracted_text: extracted
            .map(|d| format!("Katalog pr. {}", fmt::date(d)))
            .unwrap_or_default(),
    })
}
