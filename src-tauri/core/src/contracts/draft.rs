//! Reads a contract form against the catalogue, the rate sheet, the templates, the settings
//! and the public-first check: every problem with the field it belongs to, and the figures.

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::price::{self, Unit};
use super::templates::{self, Template};
use super::*;
use crate::catalogue::model::RateUnit;
use crate::placement::{self, rules, CheckKind, Need, OfferClass};
use crate::{fmt, geo, settings};

struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.to_string(),
            message: message.into(),
        });
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

fn required(p: &mut Problems, field: &str, label: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        p.add(field, format!("{label}: skal udfyldes."));
        None
    } else {
        Some(v.to_string())
    }
}

struct OfferRow {
    name: String,
    address: String,
    offer_cvr: Option<String>,
    covered: bool,
    operator_type: OperatorType,
    operator_name: String,
    operator_cvr: Option<String>,
    bases: Vec<(String, LegalBasis)>,
    departments: Vec<(String, String)>,
}

fn offer_row(conn: &Connection, id: &str, today: NaiveDate) -> Result<Option<OfferRow>> {
    let row = conn
        .query_row(
            "SELECT key, name, street || ', ' || postcode || ' ' || city, cvr, covered_by_rammeaftale
             FROM offers WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((key, name, address, offer_cvr, covered)) = row else {
        return Ok(None);
    };
    let (kind, operator_name, operator_cvr): (String, String, Option<String>) = conn
        .query_row(
            "SELECT kind, name, cvr FROM offer_operators
             WHERE offer_key = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2)
             ORDER BY valid_from DESC LIMIT 1",
            rusqlite::params![key, today.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .unwrap_or_else(|| ("privat".into(), String::new(), None));
    let mut bases = Vec::new();
    {
        let mut st = conn.prepare(
            "SELECT department_id, legal_basis FROM department_places WHERE offer_key = ?1",
        )?;
        let mut rows = st.query([key])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(1)?;
            if let Some(b) = LegalBasis::from_code(&code) {
                bases.push((r.get(0)?, b));
            }
        }
    }
    let mut departments = Vec::new();
    {
        let mut st =
            conn.prepare("SELECT id, name FROM departments WHERE offer_key = ?1 ORDER BY ord")?;
        let mut rows = st.query([key])?;
        while let Some(r) = rows.next()? {
            departments.push((r.get(0)?, r.get(1)?));
        }
    }
    Ok(Some(OfferRow {
        name,
        address,
        offer_cvr,
        covered,
        operator_type: OperatorType::parse(&kind).unwrap_or(OperatorType::Privat),
        operator_name,
        operator_cvr,
        bases,
        departments,
    }))
}

/// The rate sheet's rate for (offer, department or offer level, basis, year).
struct SheetRate {
    amount: Decimal,
    unit: Unit,
    vat_pct: Decimal,
}

fn sheet_rate(
    conn: &Connection,
    offer: &str,
    department: &str,
    basis: LegalBasis,
    year: i32,
) -> Result<Option<SheetRate>> {
    let row = conn
        .query_row(
            "SELECT amount, unit, vat_pct FROM rates
             WHERE offer_id = ?1 AND legal_basis = ?2 AND year = ?3 AND department_id IN (?4, '')
             ORDER BY department_id = ?4 DESC LIMIT 1",
            rusqlite::params![offer, basis.code(), year, department],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(amount, unit, vat)| {
        Some(SheetRate {
            amount: Decimal::from_str(&amount).ok()?,
            unit: match RateUnit::parse(&unit)? {
                RateUnit::Day => Unit::Dag,
                RateUnit::Month => Unit::Maaned,
            },
            vat_pct: Decimal::from_str(&vat).ok()?,
        })
    }))
}

fn municipality_party(
    p: &mut Problems,
    field: &str,
    label: &str,
    input: &str,
) -> Option<&'static geo::Municipality> {
    match geo::find_municipality(input) {
        Ok(m) => Some(m),
        Err(e) => {
            p.add(field, format!("{label}: {e}"));
            None
        }
    }
}

fn ean_field(p: &mut Problems, field: &str, label: &str, value: &str) -> String {
    if value.trim().is_empty() {
        p.add(field, format!("{label}: skal udfyldes (13 cifre)."));
        return String::new();
    }
    match ids::check_ean(value) {
        Ok(v) => v,
        Err(m) => {
            p.add(field, format!("{label}: {m}"));
            value.trim().to_string()
        }
    }
}

/// "Region Sjælland til 31.12.2026, derefter Region Østdanmark".
fn region_text(m: &geo::Municipality, start: NaiveDate, end: NaiveDate) -> String {
    let mut parts: Vec<(String, NaiveDate)> = Vec::new();
    let mut day = start;
    while day <= end {
        let name = m.region_on(day).map(|r| r.name.clone()).unwrap_or_default();
        if parts.last().map(|(n, _)| n != &name).unwrap_or(true) {
            parts.push((name, day));
        }
        // Regions change on 1 January at most: step to the next New Year.
        match NaiveDate::from_ymd_opt(day.year() + 1, 1, 1) {
            Some(next) => day = next,
            None => break,
        }
    }
    match parts.as_slice() {
        [] => String::new(),
        [(only, _)] => only.clone(),
        many => many
            .iter()
            .enumerate()
            .map(|(i, (name, from))| {
                if i == 0 {
                    format!(
                        "{name} til {}",
                        fmt::date(many[1].1.pred_opt().unwrap_or(*from))
                    )
                } else {
                    format!("derefter {name} fra {}", fmt::date(*from))
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Evaluates `form` on `today`. Never fails on user input: every problem is in the result.
pub fn evaluate(conn: &Connection, form: &ContractForm, today: NaiveDate) -> Result<Evaluation> {
    let mut p = Problems(Vec::new());
    let max_months = settings::number(conn, &settings::CONTRACT_MAX_TERM_MONTHS)?;

    // The offer and its operator as of today.
    let offer_id = form.offer_id.trim();
    let offer = if offer_id.is_empty() {
        p.add("offer_id", "Tilbud: vælg tilbuddet.");
        None
    } else {
        let o = offer_row(conn, offer_id, today)?;
        if o.is_none() {
            p.add(
                "offer_id",
                format!("Tilbud: «{offer_id}» findes ikke i kataloget."),
            );
        }
        o
    };
    let basis = match LegalBasis::parse(&form.legal_basis) {
        Ok(b) => Some(b),
        Err(e) if form.legal_basis.trim().is_empty() => {
            drop(e);
            p.add("legal_basis", "Lovgrundlag: vælg lovgrundlaget.");
            None
        }
        Err(e) => {
            p.add("legal_basis", format!("Lovgrundlag: {e}"));
            None
        }
    };
    let department = form.department_id.trim();
    let mut department_name = None;
    if let Some(o) = &offer {
        if !department.is_empty() {
            match o.departments.iter().find(|(id, _)| id == department) {
                Some((_, name)) => department_name = Some(name.clone()),
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
    }
    let public = offer
        .as_ref()
        .map(|o| rules::counts_as_public(o.operator_type, o.covered));
    let template: Option<&Template> = match (basis, public) {
        (Some(b), Some(public)) => Some(templates::choose(b == LegalBasis::Bl43, public)?),
        _ => None,
    };

    // Parties.
    let buyer_m = if form.buyer_municipality.trim().is_empty() {
        p.add(
            "buyer_municipality",
            "Køber (handlekommune): vælg kommunen.",
        );
        None
    } else {
        municipality_party(
            &mut p,
            "buyer_municipality",
            "Køber (handlekommune)",
            &form.buyer_municipality,
        )
    };
    let buyer_ean = ean_field(&mut p, "buyer_ean", "Købers EAN-nummer", &form.buyer_ean);
    let payer_m = if form.payer_municipality.trim().is_empty() {
        buyer_m
    } else {
        municipality_party(
            &mut p,
            "payer_municipality",
            "Betalingskommune",
            &form.payer_municipality,
        )
    };
    let payer_ean = if form.payer_municipality.trim().is_empty() && form.payer_ean.trim().is_empty()
    {
        buyer_ean.clone()
    } else {
        ean_field(
            &mut p,
            "payer_ean",
            "Betalingskommunens EAN-nummer",
            &form.payer_ean,
        )
    };
    let provider_ean = ean_field(
        &mut p,
        "provider_ean",
        "Leverandørens EAN-nummer",
        &form.provider_ean,
    );
    let provider_cvr = if form.provider_cvr.trim().is_empty() {
        if public == Some(false) {
            p.add("provider_cvr", "Leverandørens CVR-nummer: skal udfyldes for en privat eller selvejende leverandør.");
        }
        None
    } else {
        match ids::check_cvr(&form.provider_cvr) {
            Ok(c) => Some(c),
            Err(m) => {
                p.add("provider_cvr", format!("Leverandørens CVR-nummer: {m}"));
                None
            }
        }
    };

    // The citizen.
    let citizen_name = required(&mut p, "citizen_name", "Borgerens navn", &form.citizen_name);
    let birth = if form.citizen_cpr.trim().is_empty() {
        p.add("citizen_cpr", "CPR-nummer: skal udfyldes.");
        None
    } else {
        match ids::check_cpr(&form.citizen_cpr) {
            Ok(d) => Some(d),
            Err(m) => {
                p.add("citizen_cpr", format!("CPR-nummer: {m}"));
                None
            }
        }
    };
    let intervention = required(&mut p, "intervention", "Indsats", &form.intervention);
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

    // The term and follow-ups.
    let start = date_field(&mut p, "start", "Startdato", &form.start);
    let end = date_field(&mut p, "end", "Slutdato", &form.end);
    let max_end = start.map(|s| price::term_end(s, max_months as u32));
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
                    "Slutdato: kontrakten må højst løbe {max_months} måneder, dvs. til og med {}.",
                    fmt::date(max)
                ),
            );
        }
    }
    if let Some(s) = start {
        if (today - s).num_days() > 365 {
            p.add(
                "start",
                format!("Startdato: {} ligger mere end et år tilbage.", fmt::date(s)),
            );
        }
    }
    let mut followups = Vec::new();
    for token in form
        .followups
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        match fmt::parse_date(token) {
            Some(d) => followups.push(d),
            None => p.add(
                "followups",
                format!("Opfølgning: «{token}» er ikke en dato; skriv dd.mm.åååå."),
            ),
        }
    }
    followups.sort();
    followups.dedup();
    if followups.is_empty() && !form.followups.trim().chars().any(|c| c.is_ascii_digit()) {
        p.add(
            "followups",
            "Opfølgning: angiv mindst én opfølgningsdato inden for kontraktens periode.",
        );
    }
    if let (Some(s), Some(e)) = (start, end) {
        for f in &followups {
            if *f < s || *f > e {
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
    }

    // The public-first check: a private offer needs a closed, valid check for this need.
    let check_id = form.check_id.trim();
    let check = if check_id.is_empty() {
        None
    } else {
        match placement::load(conn, check_id, today) {
            Ok(c) => Some(c),
            Err(e) => {
                p.add("check_id", format!("Afstemning: {e}"));
                None
            }
        }
    };
    if let (Some(o), Some(false)) = (&offer, public) {
        match &check {
            None if check_id.is_empty() => p.add(
                "check_id",
                format!(
                    "Afstemning: {} er {} og kan kun vælges gennem en lukket afstemning, der begrunder privat køb. Lav afstemningen under Afstemninger.",
                    o.name,
                    if o.operator_type == OperatorType::Privat { "et privat tilbud" } else { "et selvejende tilbud uden for rammeaftalen" }
                ),
            ),
            None => {}
            Some(c) => {
                let age_then = birth.map(|b| age_on(b, c.created_on)).unwrap_or(c.need.age);
                let need = Need {
                    legal_basis: basis.unwrap_or(c.need.legal_basis),
                    target_group: c.need.target_group.clone(),
                    age: age_then,
                    home_municipality: buyer_m.map(|m| m.code).unwrap_or(c.need.home_municipality),
                    wanted_start: start.unwrap_or(c.need.wanted_start),
                };
                let class = OfferClass {
                    operator_type: o.operator_type,
                    covered_by_rammeaftale: o.covered,
                };
                if let Err(e) = c.allows(&need, class, CheckKind::Privat, today) {
                    p.add("check_id", format!("Afstemning: {e}"));
                }
            }
        }
    }

    // Payment terms.
    let payment = template.map(|t| {
        let timing = form.payment_timing.trim().to_lowercase();
        let timing = if t.payment.timing_negotiable && !timing.is_empty() {
            if timing != "forud" && timing != "bagud" {
                p.add(
                    "payment_timing",
                    format!("Betaling: «{timing}» kendes ikke; vælg forud eller bagud."),
                );
            }
            timing
        } else {
            t.payment.timing.clone()
        };
        PaymentTerms {
            days_after_invoice: t.payment.days_after_invoice,
            timing,
        }
    });

    // Add-ons.
    let mut addon_lines = Vec::new();
    for (i, a) in form.addons.iter().enumerate() {
        let n = i + 1;
        let field = format!("addons[{i}]");
        if a.description.trim().is_empty()
            && a.amount.trim().is_empty()
            && a.basis.trim().is_empty()
        {
            continue;
        }
        let description = required(
            &mut p,
            &field,
            &format!("Tillægsydelse {n}, beskrivelse"),
            &a.description,
        );
        let basis_text = required(
            &mut p,
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
        if let (Some(d), Some(b), Some(v), Some(u)) = (description, basis_text, amount, unit) {
            addon_lines.push((d, b, v, u));
        }
    }

    // Base rate per calendar year of the term, from the rate sheet only.
    let mut lines: Vec<PriceLine> = Vec::new();
    let mut vat_seen = Decimal::ZERO;
    if let (Some(o), Some(b), Some(t), Some(s), Some(e)) = (&offer, basis, template, start, end) {
        if e >= s {
            let mut previous: Option<(i32, Decimal, Unit, Decimal)> = None;
            for (from, to) in price::year_segments(s, e) {
                let year = from.year();
                let (amount, unit, vat, source, provisional) =
                    match sheet_rate(conn, offer_id, department, b, year)? {
                        Some(r) => (r.amount, r.unit, r.vat_pct, format!("Takstoversigt {year}"), false),
                        None => match previous {
                            None => {
                                p.add(
                                    "start",
                                    format!(
                                        "Takst: takstoversigten har ingen takst for {} efter {} i {year}. Indlæs takstoversigten for {year}.",
                                        o.name,
                                        b.label()
                                    ),
                                );
                                break;
                            }
                            Some((py, pa, pu, pv)) if t.pl_uplift => match settings::pl_rate(conn, year)? {
                                Some(pl) => (
                                    price::round_oere(pa * (Decimal::ONE + pl / Decimal::ONE_HUNDRED)),
                                    pu,
                                    pv,
                                    format!("{py}-takst + PL {} %", fmt::number(pl, 1)),
                                    false,
                                ),
                                None => {
                                    p.add(
                                        "end",
                                        format!(
                                            "Takst: kontrakten løber ind i {year}, og taksten skal fremskrives med PL-satsen for {year}, som ikke er sat. Sæt den under Indstillinger (pl_rate_{year})."
                                        ),
                                    );
                                    break;
                                }
                            },
                            Some((py, pa, pu, pv)) => (
                                pa,
                                pu,
                                pv,
                                format!("Foreløbig: {py}-takst (takstoversigten for {year} er ikke indlæst)"),
                                true,
                            ),
                        },
                    };
                vat_seen = vat_seen.max(vat);
                let days = price::days_inclusive(from, to);
                let total = price::line_total(amount, unit, from, to);
                lines.push(PriceLine {
                    label: format!(
                        "Grundtakst {year} ({}–{}, {days} dage)",
                        fmt::date(from),
                        fmt::date(to)
                    ),
                    basis: source,
                    amount,
                    unit,
                    vat_pct: vat,
                    from,
                    to,
                    days,
                    total,
                    provisional,
                    amount_text: price::amount_text(amount, unit),
                    total_text: fmt::kr(total),
                });
                previous = Some((year, amount, unit, vat));
            }
        }
    }
    let price = match (start, end, lines.first().cloned()) {
        (Some(s), Some(e), Some(first)) if e >= s => {
            for (d, b, v, u) in &addon_lines {
                let total = price::line_total(*v, *u, s, e);
                lines.push(PriceLine {
                    label: format!("Tillægsydelse: {d}"),
                    basis: b.clone(),
                    amount: *v,
                    unit: *u,
                    vat_pct: first.vat_pct,
                    from: s,
                    to: e,
                    days: price::days_inclusive(s, e),
                    total,
                    provisional: false,
                    amount_text: price::amount_text(*v, *u),
                    total_text: fmt::kr(total),
                });
            }
            let per_day = price::round_oere(
                price::per_day(first.amount, first.unit)
                    + addon_lines
                        .iter()
                        .map(|(_, _, v, u)| price::per_day(*v, *u))
                        .sum::<Decimal>(),
            );
            let per_month = price::round_oere(
                price::per_month(first.amount, first.unit)
                    + addon_lines
                        .iter()
                        .map(|(_, _, v, u)| price::per_month(*v, *u))
                        .sum::<Decimal>(),
            );
            let total: Decimal = lines.iter().map(|l| l.total).sum();
            Some(Price {
                days: price::days_inclusive(s, e),
                per_day_text: fmt::kr(per_day),
                per_month_text: fmt::kr(per_month),
                total_text: fmt::kr(total),
                vat_text: if vat_seen.is_zero() {
                    "Beløbene er uden moms.".into()
                } else {
                    format!(
                        "Beløbene er inkl. {} % moms som i takstoversigten.",
                        fmt::number(vat_seen, if vat_seen.fract().is_zero() { 0 } else { 2 })
                    )
                },
                lines,
                per_day,
                per_month,
                total,
            })
        }
        _ => None,
    };

    // Notice.
    let notice = template.map(|t| NoticeTerms {
        buyer: t.notice.buyer,
        provider: t.notice.provider,
        buyer_text: t.notice.buyer.text(),
        provider_text: t.notice.provider.text(),
        example_values: t.notice.buyer.example || t.notice.provider.example,
    });
    let notice_today_text = match (&notice, start, end) {
        (Some(n), Some(s), Some(e)) if e >= s && today <= e => {
            let from = today.max(s);
            format!(
                "Opsiges kontrakten i dag, er sidste dag {} ved købers opsigelse og {} ved leverandørens.",
                fmt::date(price::last_day_after_notice(from, &n.buyer, e)),
                fmt::date(price::last_day_after_notice(from, &n.provider, e))
            )
        }
        _ => String::new(),
    };

    let payment_timing_negotiable = template.is_some_and(|t| t.payment.timing_negotiable);
    let template_ref = template.map(|t| TemplateRef {
        id: t.id.clone(),
        version: t.version.clone(),
        title: t.title.clone(),
    });
    let offer_ref = offer.as_ref().map(|o| OfferRef {
        id: offer_id.to_string(),
        name: o.name.clone(),
        department_id: (!department.is_empty()).then(|| department.to_string()),
        department_name: department_name.clone(),
        address: o.address.clone(),
        operator_type: o.operator_type,
        operator_name: o.operator_name.clone(),
        covered_by_rammeaftale: o.covered,
        counts_as_public: rules::counts_as_public(o.operator_type, o.covered),
    });

    let data = if p.0.is_empty() {
        match (
            &template_ref,
            template,
            &offer_ref,
            &offer,
            basis,
            buyer_m,
            payer_m,
            &citizen_name,
            &intervention,
            start,
            end,
            &price,
            &payment,
            &notice,
        ) {
            (
                Some(tref),
                Some(t),
                Some(oref),
                Some(o),
                Some(b),
                Some(bm),
                Some(pm),
                Some(name),
                Some(intervention),
                Some(s),
                Some(e),
                Some(price),
                Some(payment),
                Some(notice),
            ) => {
                let values: Vec<(&str, String)> = vec![
                    ("lovgrundlag", b.label().to_string()),
                    ("tilbud", o.name.clone()),
                    ("maks_loebetid", format!("{max_months} måneder")),
                    ("regulering", t.regulation.clone()),
                    ("betaling_tidspunkt", payment.timing.clone()),
                    ("betalingsfrist", payment.days_after_invoice.to_string()),
                    ("fravaer_dage", t.absence.absence_days.to_string()),
                    ("hospital_dage", t.absence.hospital_days.to_string()),
                    ("koeber_varsel", notice.buyer_text.clone()),
                    ("leverandoer_varsel", notice.provider_text.clone()),
                ];
                Some(ContractData {
                    number: String::new(),
                    version: 0,
                    template: tref.clone(),
                    clauses: templates::render(t, &values)?,
                    check_id: (!check_id.is_empty()).then(|| check_id.to_string()),
                    offer: oref.clone(),
                    legal_basis: b,
                    legal_basis_label: format!(
                        "{} ({})",
                        b.label(),
                        b.description().to_lowercase()
                    ),
                    buyer: Party {
                        name: format!("{} Kommune", bm.name),
                        municipality_code: Some(bm.code),
                        cvr: None,
                        ean: buyer_ean.clone(),
                        address: String::new(),
                        contact: form.buyer_contact.trim().to_string(),
                    },
                    payer: Party {
                        name: format!("{} Kommune", pm.name),
                        municipality_code: Some(pm.code),
                        cvr: None,
                        ean: payer_ean.clone(),
                        address: String::new(),
                        contact: String::new(),
                    },
                    provider: Party {
                        name: if o.operator_name.is_empty() {
                            o.name.clone()
                        } else {
                            o.operator_name.clone()
                        },
                        municipality_code: None,
                        cvr: provider_cvr
                            .clone()
                            .or(o.operator_cvr.clone())
                            .or(o.offer_cvr.clone()),
                        ean: provider_ean.clone(),
                        address: o.address.clone(),
                        contact: String::new(),
                    },
                    citizen_name: name.clone(),
                    citizen_cpr: ids::normalise_cpr(&form.citizen_cpr),
                    intervention: intervention.clone(),
                    goals: goals.clone(),
                    start: s,
                    end: e,
                    followups: followups.clone(),
                    price: price.clone(),
                    payment: payment.clone(),
                    notice: notice.clone(),
                    absence: t.absence.clone(),
                    buyer_region_text: region_text(bm, s, e),
                    issued_on: today,
                })
            }
            _ => None,
        }
    } else {
        None
    };

    Ok(Evaluation {
        problems: p.0,
        template: template_ref,
        offer: offer_ref,
        price,
        notice,
        notice_today_text,
        payment_timing_negotiable,
        max_end,
        data,
    })
}

/// Whole years of age on `on` for someone born on `birth`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u8 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u8::try_from(years.max(0)).unwrap_or(u8::MAX)
}

fn remembered(
    conn: &Connection,
    pick: impl Fn(&ContractForm) -> Option<String>,
) -> Result<Option<String>> {
    let mut st =
        conn.prepare("SELECT form FROM contract_versions ORDER BY created_at DESC LIMIT 200")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let text: String = r.get(0)?;
        if let Ok(form) = serde_json::from_str::<ContractForm>(&text) {
            if let Some(v) = pick(&form).filter(|v| !v.trim().is_empty()) {
                return Ok(Some(v));
            }
        }
    }
    Ok(None)
}

/// A new contract's form, filled from a closed check (its chosen offer and need) or from an
/// offer: offer, legal basis, buyer, start, the longest allowed end, a first follow-up after
/// three months, the provider's CVR from the catalogue, and EAN numbers remembered from
/// earlier contracts with the same buyer and provider.
pub fn prefill(
    conn: &Connection,
    check_id: Option<&str>,
    offer_id: Option<&str>,
    today: NaiveDate,
) -> Result<ContractForm> {
    let mut form = ContractForm::default();
    let mut start = today;
    if let Some(id) = check_id.map(str::trim).filter(|s| !s.is_empty()) {
        let check = placement::load(conn, id, today)?;
        form.check_id = check.id.clone();
        form.legal_basis = check.need.legal_basis.code().into();
        form.buyer_municipality = check.need.home_municipality.to_string();
        form.offer_id = check
            .closed
            .as_ref()
            .and_then(|c| c.chosen_offer_id.clone())
            .unwrap_or_default();
        start = check.need.wanted_start.max(today);
    }
    if let Some(o) = offer_id.map(str::trim).filter(|s| !s.is_empty()) {
        form.offer_id = o.to_string();
    }
    if form.offer_id.is_empty() {
        return Err(Error::Invalid(
            "Tilbud: vælg tilbuddet (afstemningen har intet valgt tilbud).".into(),
        ));
    }
    let offer = offer_row(conn, &form.offer_id, today)?.ok_or_else(|| {
        Error::NotFound(format!(
            "Tilbuddet «{}» findes ikke i kataloget.",
            form.offer_id
        ))
    })?;
    if form.legal_basis.is_empty() {
        if let Some((_, b)) = offer.bases.first() {
            form.legal_basis = b.code().into();
        }
    }
    form.provider_cvr = offer
        .operator_cvr
        .clone()
        .or(offer.offer_cvr.clone())
        .unwrap_or_default();
    let max_months = settings::number(conn, &settings::CONTRACT_MAX_TERM_MONTHS)?;
    form.start = fmt::date(start);
    form.end = fmt::date(price::term_end(start, max_months as u32));
    form.followups = start
        .checked_add_months(chrono::Months::new(3))
        .map(fmt::date)
        .unwrap_or_default();
    let buyer = form.buyer_municipality.clone();
    if !buyer.is_empty() {
        form.buyer_ean = remembered(conn, |f| {
            (f.buyer_municipality == buyer).then(|| f.buyer_ean.clone())
        })?
        .unwrap_or_default();
    }
    let offer_id = form.offer_id.clone();
    form.provider_ean = remembered(conn, |f| {
        (f.offer_id == offer_id).then(|| f.provider_ean.clone())
    })?
    .unwrap_or_default();
    let template = templates::choose(
        form.legal_basis == LegalBasis::Bl43.code(),
        rules::counts_as_public(offer.operator_type, offer.covered),
    )?;
    form.payment_timing = template.payment.timing.clone();
    Ok(form)
}
