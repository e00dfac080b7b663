//! The agreement rules as pure functions: which agreement binds a municipality on a day, which
//! offers an agreement covers, and the checks an agreement file must pass.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{Agreement, NoticeRule, Sourced};
use crate::catalogue::model::{OfferCoverage, OfferFacts, OperatorPeriod, OperatorType};
use crate::error::Problem;
use crate::{fmt, geo};

/// The agreement that binds a buyer on a day, and whether it is only the last one in force
/// (no agreement in force for the municipality that day: the app says so and asks for the
/// current agreement file).
#[derive(Debug, Clone, Copy)]
pub struct Applicable<'a> {
    pub agreement: &'a Agreement,
    pub fallback: bool,
}

impl Applicable<'_> {
    /// "Rammeaftale 2025-2026 …" or, for a fallback, with the Danish note that it has ended.
    pub fn text(&self, on: NaiveDate) -> String {
        let a = self.agreement;
        if self.fallback {
            format!(
                "{} (udløbet {}; ingen rammeaftale er indlæst for {}, så den sidst gældende bruges – indlæs den gældende rammeaftale)",
                a.name,
                fmt::date(a.valid_to),
                fmt::date(on)
            )
        } else {
            format!(
                "{} (gælder {}–{})",
                a.name,
                fmt::date(a.valid_from),
                fmt::date(a.valid_to)
            )
        }
    }
}

fn is_member(a: &Agreement, code: u16) -> bool {
    a.members.value.as_ref().is_some_and(|m| m.contains(&code))
}

/// The agreement in force for municipality `code` on `on`: the member agreement whose period
/// holds the day (the latest begun, if periods overlap); else the last one that ended before
/// it, marked as a fallback. `None` when the municipality has never been a member.
pub fn for_municipality(
    agreements: &[Agreement],
    code: u16,
    on: NaiveDate,
) -> Option<Applicable<'_>> {
    let member = || agreements.iter().filter(move |a| is_member(a, code));
    let in_force = member()
        .filter(|a| a.valid_from <= on && on <= a.valid_to)
        .max_by_key(|a| (a.valid_from, a.version));
    if let Some(agreement) = in_force {
        return Some(Applicable {
            agreement,
            fallback: false,
        });
    }
    member()
        .filter(|a| a.valid_to < on)
        .max_by_key(|a| (a.valid_to, a.version))
        .map(|agreement| Applicable {
            agreement,
            fallback: true,
        })
}

/// The facts about an offer that coverage looks at (the search index holds them without a
/// whole `OfferFacts`).
#[derive(Debug, Clone, Copy)]
pub struct Coverage<'a> {
    pub operator: Option<OperatorType>,
    pub operating_municipality: u16,
    /// Where the offer is.
    pub municipality: u16,
    /// The agreements the catalogue names for it (format 2).
    pub named: &'a [String],
    /// Format 1's yes/no flag.
    pub covered_v1: bool,
}

impl<'a> Coverage<'a> {
    pub fn of(offer: &'a OfferFacts) -> Coverage<'a> {
        Coverage::of_parts(
            offer.operator.as_ref(),
            offer.municipality_code,
            &offer.agreements,
            offer.covered_v1,
        )
    }

    /// The same from the whole catalogue's read (`catalogue::store::all_offer_coverage`).
    pub fn of_offer(offer: &'a OfferCoverage) -> Coverage<'a> {
        Coverage::of_parts(
            offer.operator.as_ref(),
            offer.municipality_code,
            &offer.agreements,
            offer.covered_v1,
        )
    }

    fn of_parts(
        operator: Option<&OperatorPeriod>,
        municipality: u16,
        named: &'a [String],
        covered_v1: bool,
    ) -> Coverage<'a> {
        Coverage {
            operator: operator.map(|o| o.kind),
            operating_municipality: crate::catalogue::rules::operating_municipality(
                operator,
                municipality,
            ),
            municipality,
            named,
            covered_v1,
        }
    }
}

/// Whether `agreement` covers the offer (its styringsaftale governs the purchase, seed 002
/// L189-191: the agreement's list of offers): never a private offer; an offer the catalogue
/// names the agreement for; a format-1 offer marked covered, read as the agreement in force
/// for its operating municipality on the catalogue's extraction date.
pub fn covers(
    agreement: &Agreement,
    all: &[Agreement],
    o: &Coverage,
    extracted: Option<NaiveDate>,
) -> bool {
    if matches!(o.operator, None | Some(OperatorType::Privat)) {
        return false;
    }
    if o.named.contains(&agreement.id) {
        return true;
    }
    o.covered_v1
        && extracted
            .and_then(|on| v1_agreement(all, o.operating_municipality, on))
            .is_some_and(|a| a.id == agreement.id)
}

/// Whether the offer is one of the agreement's public offers that a public-first check looks
/// at (R1, seed 003 L191: "i andre kommuner og i regionen"): a member municipality's own
/// offer, the party region's offer in the members' area, or an offer the agreement covers.
pub fn in_area(
    agreement: &Agreement,
    all: &[Agreement],
    o: &Coverage,
    extracted: Option<NaiveDate>,
) -> bool {
    match o.operator {
        Some(OperatorType::Kommunal) if is_member(agreement, o.operating_municipality) => true,
        Some(OperatorType::Regional)
            if agreement.region.is_set() && is_member(agreement, o.municipality) =>
        {
            true
        }
        _ => covers(agreement, all, o, extracted),
    }
}

/// The agreement a format-1 catalogue's `covered_by_rammeaftale: true` stands for: the one
/// in force for the operating municipality on the extraction date.
pub fn v1_agreement(
    all: &[Agreement],
    municipality: u16,
    extracted: NaiveDate,
) -> Option<&Agreement> {
    for_municipality(all, municipality, extracted).map(|a| a.agreement)
}

/// A notice period in Danish: "løbende måned + 3 måneder", "14 dage".
pub fn notice_text(rule: &NoticeRule) -> String {
    let mut parts = Vec::new();
    match rule.months {
        0 => {}
        1 => parts.push("1 måned".to_string()),
        n => parts.push(format!("{n} måneder")),
    }
    match rule.days {
        0 => {}
        1 => parts.push("1 dag".to_string()),
        n => parts.push(format!("{n} dage")),
    }
    let span = if parts.is_empty() {
        "0 dage".to_string()
    } else {
        parts.join(" og ")
    };
    if rule.to_month_end {
        format!("løbende måned + {span}")
    } else {
        span
    }
}

/// The Danish text for a value no source fixes.
pub const NOT_SET: &str = "ikke fastsat";

// ---------------------------------------------------------------------------------------------
// Checks of an agreement file

fn problem(out: &mut Vec<Problem>, a: &Agreement, field: &str, message: impl Into<String>) {
    out.push(Problem {
        place: format!("rammeaftale «{}» version {}, felt {field}", a.id, a.version),
        message: message.into(),
    });
}

fn check_text<T>(out: &mut Vec<Problem>, a: &Agreement, field: &str, v: &Sourced<T>) {
    if v.source.trim().is_empty() {
        problem(
            out,
            a,
            &format!("{field}.source"),
            "kilden mangler (hvor værdien kommer fra, eller hvorfor den ikke er fastsat)",
        );
    }
    if v.source.chars().count() > 1000 || v.quote.as_ref().is_some_and(|q| q.chars().count() > 4000)
    {
        problem(out, a, field, "kilden eller citatet er for langt");
    }
}

fn pct_ok(v: Decimal) -> bool {
    v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED
}

/// Every problem with one agreement, each naming the agreement and the field.
pub fn check(a: &Agreement) -> Vec<Problem> {
    let mut out = Vec::new();
    let id_ok = !a.id.is_empty()
        && a.id.len() <= 20
        && a.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !id_ok {
        problem(
            &mut out,
            a,
            "id",
            "skal være 1-20 tegn af A-Z, 0-9 og bindestreg, fx SJ-2025",
        );
    }
    if a.version == 0 {
        problem(&mut out, a, "version", "skal være 1 eller mere");
    }
    if a.name.trim().is_empty() || a.name.chars().count() > 200 {
        problem(&mut out, a, "name", "skal udfyldes (højst 200 tegn)");
    }
    if a.valid_to < a.valid_from {
        problem(
            &mut out,
            a,
            "valid_to",
            format!(
                "slutdatoen {} ligger før startdatoen {}",
                fmt::date(a.valid_to),
                fmt::date(a.valid_from)
            ),
        );
    }
    check_members(&mut out, a);
    if let Some(region) = &a.region.value {
        if geo::region(region).is_none() {
            problem(
                &mut out,
                a,
                "region.value",
                format!("regionen «{region}» kendes ikke"),
            );
        }
    }
    check_text(&mut out, a, "members", &a.members);
    check_text(&mut out, a, "region", &a.region);
    check_terms(&mut out, a);
    out
}

fn check_members(out: &mut Vec<Problem>, a: &Agreement) {
    let Some(members) = &a.members.value else {
        problem(
            out,
            a,
            "members.value",
            "en rammeaftale skal have sine medlemskommuner",
        );
        return;
    };
    if members.is_empty() {
        problem(
            out,
            a,
            "members.value",
            "listen over medlemskommuner er tom",
        );
    }
    for (i, code) in members.iter().enumerate() {
        if geo::municipality(*code).is_none() {
            problem(
                out,
                a,
                &format!("members.value[{i}]"),
                format!("kommunekoden {code} findes ikke"),
            );
        }
        if members[..i].contains(code) {
            problem(
                out,
                a,
                &format!("members.value[{i}]"),
                format!("kommunekoden {code} står der to gange"),
            );
        }
    }
}

fn check_terms(out: &mut Vec<Problem>, a: &Agreement) {
    check_contract_terms(out, a);
    check_texts(out, a);
    check_steering_rules(out, a);
}

/// Notice, payment and absence: the terms a contract prints.
fn check_contract_terms(out: &mut Vec<Problem>, a: &Agreement) {
    let t = &a.terms;
    for (field, rule) in [
        ("notice_buyer", &t.notice_buyer),
        ("notice_provider", &t.notice_provider),
    ] {
        check_text(out, a, &format!("terms.{field}"), rule);
        if let Some(r) = &rule.value {
            if r.months > 24 || r.days > 366 {
                problem(
                    out,
                    a,
                    &format!("terms.{field}.value"),
                    "et opsigelsesvarsel skal være højst 24 måneder og 366 dage",
                );
            }
        }
    }
    check_text(out, a, "terms.payment", &t.payment);
    if let Some(p) = &t.payment.value {
        if !(1..=90).contains(&p.days_after_invoice) {
            problem(
                out,
                a,
                "terms.payment.value.days_after_invoice",
                "betalingsfristen skal være 1-90 dage",
            );
        }
    }
    check_text(out, a, "terms.absence", &t.absence);
    if let Some(r) = &t.absence.value {
        if r.absence_days > 366 || r.hospital_days > 366 {
            problem(
                out,
                a,
                "terms.absence.value",
                "fraværsdage skal være højst 366",
            );
        }
    }
}

/// The terms that are texts.
fn check_texts(out: &mut Vec<Problem>, a: &Agreement) {
    let t = &a.terms;
    for (field, text) in [
        ("closure", &t.closure),
        ("efterregulering", &t.efterregulering),
        ("pl_rule", &t.pl_rule),
        ("public_first", &t.public_first),
        ("standard_contracts", &t.standard_contracts),
        ("rate_sheet", &t.rate_sheet),
        ("one_person", &t.one_person),
        ("outside_purchase", &t.outside_purchase),
    ] {
        check_text(out, a, &format!("terms.{field}"), text);
        if text
            .value
            .as_ref()
            .is_some_and(|v| v.trim().is_empty() || v.chars().count() > 4000)
        {
            problem(
                out,
                a,
                &format!("terms.{field}.value"),
                "teksten skal udfyldes (højst 4.000 tegn) eller være null (ikke fastsat)",
            );
        }
    }
}

/// The steering rules: rate increases (R5), occupancy (R6), categories (R7), the most
/// specialised offers.
fn check_steering_rules(out: &mut Vec<Problem>, a: &Agreement) {
    let t = &a.terms;
    check_text(out, a, "terms.rate_increase", &t.rate_increase);
    if t.rate_increase
        .value
        .as_ref()
        .is_some_and(|r| !pct_ok(r.threshold_pct))
    {
        problem(
            out,
            a,
            "terms.rate_increase.value.threshold_pct",
            "skal være mellem 0 og 100",
        );
    }
    check_text(out, a, "terms.occupancy", &t.occupancy);
    if let Some(o) = &t.occupancy.value {
        if !pct_ok(o.threshold_pct) {
            problem(
                out,
                a,
                "terms.occupancy.value.threshold_pct",
                "skal være mellem 0 og 100",
            );
        }
        if o.reading != "relativ" && o.reading != "procentpoint" {
            problem(
                out,
                a,
                "terms.occupancy.value.reading",
                "skal være «relativ» eller «procentpoint»",
            );
        }
        for (i, run) in o.runs.iter().enumerate() {
            let ok = (1..=12).contains(&run.months)
                && NaiveDate::parse_from_str(&format!("2024-{}", run.deadline), "%Y-%m-%d").is_ok();
            if !ok {
                problem(
                    out,
                    a,
                    &format!("terms.occupancy.value.runs[{i}]"),
                    "months skal være 1-12 og deadline MM-DD, fx 05-01",
                );
            }
        }
    }
    check_text(out, a, "terms.categories", &t.categories);
    if let Some(c) = &t.categories.value {
        if c.min_daily_rate < Decimal::ZERO
            || c.min_daily_rate > Decimal::from(100_000)
            || !pct_ok(c.min_share_pct)
            || c.min_other_buyers > 98
        {
            problem(
                out,
                a,
                "terms.categories.value",
                "takst 0-100.000 kr., andel 0-100 % og højst 98 kommuner",
            );
        }
    }
    check_text(out, a, "terms.most_specialised", &t.most_specialised);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_texts() {
        let r = NoticeRule {
            months: 1,
            days: 0,
            to_month_end: true,
        };
        assert_eq!(notice_text(&r), "løbende måned + 1 måned");
        let r = NoticeRule {
            months: 0,
            days: 14,
            to_month_end: false,
        };
        assert_eq!(notice_text(&r), "14 dage");
        let r = NoticeRule {
            months: 3,
            days: 1,
            to_month_end: false,
        };
        assert_eq!(notice_text(&r), "3 måneder og 1 dag");
    }
}
