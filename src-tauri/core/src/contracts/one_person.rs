//! A one-person project's contract (*enkeltmandstilbud*, R4; seed 003 L226): the check that
//! asked other municipalities first — required where the buyer's agreement has the rule
//! (SJ-2025), recommended where it is "ikke fastsat" — and the individually costed budget
//! (staffing, premises, overhead, other; per day or per month like the rate) that must add up
//! to the rate to the øre. The rate is the rate sheet's for the start year when it has one;
//! otherwise the rate agreed on the contract, whose budget is then its open calculation basis
//! (seed 003 L177), uplifted on 1 January of a later year by that year's PL rate.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::evaluate::{BaseRate, Binding, Context, Problems};
use super::model::*;
use super::price::{self, Unit};
use super::rules::{self, MissingRate, YearRate};
use crate::catalogue::model::{LegalBasis, OfferFacts};
use crate::error::Result;
use crate::placement::{self, CheckKind, Need, OfferClass, OnePersonRule};
use crate::{fmt, limits, rates, settings};

/// What the one-person part of a form comes to.
pub(super) struct Read {
    pub budget: OnePerson,
    /// The rate agreed on the contract, when the rate sheet has none for the start year: the
    /// price is computed from it.
    pub typed_rate: Option<(Decimal, Unit)>,
}

/// The contract's side of the need a check must match: basis, the citizen's birth date, the
/// buyer and the start.
pub(super) struct ContractNeed {
    pub basis: Option<LegalBasis>,
    pub birth: Option<NaiveDate>,
    pub buyer: Option<u16>,
    pub start: Option<NaiveDate>,
}

/// The check that asked other municipalities first: required where the agreement has the
/// rule, recommended otherwise; a check given must justify the one-person project for this
/// need either way. Returns the check's inquiries and conclusion for the contract.
fn check(
    cx: &Context,
    form: &ContractForm,
    rule: &OnePersonRule,
    need: &ContractNeed,
    p: &mut Problems,
    notes: &mut Vec<String>,
) -> (Option<String>, Vec<String>, String) {
    let id = form.one_person_check_id.trim();
    if id.is_empty() {
        if rule.required {
            p.add(
                "one_person_check_id",
                format!(
                    "Afstemning før enkeltmandstilbud: {} Angiv en lukket afstemning «før oprettelse af enkeltmandstilbud» for samme behov, der viser hvilke kommuner der er spurgt, hvornår, hvordan og deres svar. Lav den under Afstemninger.",
                    rule.text
                ),
            );
        } else {
            notes.push(format!("Enkeltmandstilbud: {}", rule.text));
        }
        return (None, Vec::new(), String::new());
    }
    let c = match placement::load(cx.conn, id, cx.today) {
        Ok(c) => c,
        Err(e) => {
            p.add(
                "one_person_check_id",
                format!("Afstemning før enkeltmandstilbud: {e}"),
            );
            return (None, Vec::new(), String::new());
        }
    };
    let wanted = Need {
        legal_basis: need.basis.unwrap_or(c.need.legal_basis),
        target_group: c.need.target_group.clone(),
        age: need
            .birth
            .map(|b| rules::age_on(b, c.created_on))
            .unwrap_or(c.need.age),
        home_municipality: need.buyer.unwrap_or(c.need.home_municipality),
        wanted_start: need.start.unwrap_or(c.need.wanted_start),
    };
    let outside = OfferClass {
        within_agreement: false,
    };
    if let Err(e) = c.allows(&wanted, outside, CheckKind::Enkeltmand, cx.today) {
        p.add(
            "one_person_check_id",
            format!("Afstemning før enkeltmandstilbud: {e}"),
        );
    }
    let asked = c.asked.iter().map(|r| r.text.clone()).collect();
    (Some(c.id.clone()), asked, c.text.conclusion.clone())
}

/// An amount as typed: empty is 0; otherwise 0 or more.
fn amount(p: &mut Problems, field: &str, label: &str, typed: &str) -> Option<Decimal> {
    if typed.trim().is_empty() {
        return Some(Decimal::ZERO);
    }
    let v = fmt::parse_amount(typed).filter(|v| !v.is_sign_negative());
    if v.is_none() {
        p.add(
            field,
            format!(
                "{label}: «{}» skal være et beløb (0 eller derover), fx 3.250,00.",
                typed.trim()
            ),
        );
    }
    v
}

/// The budget's lines, each amount with how it is computed (the open calculation basis).
fn lines(form: &BudgetForm, unit: Unit, p: &mut Problems) -> Option<Vec<BudgetLine>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (field, label, l) in form.lines() {
        let label_full = format!("Budget, {}", label.to_lowercase());
        let Some(a) = amount(p, field, &label_full, &l.amount) else {
            ok = false;
            continue;
        };
        if !a.is_zero() && l.basis.trim().is_empty() {
            p.add(
                field,
                format!(
                    "{label_full}: skriv hvordan beløbet er beregnet (fx normering, timer og løn)."
                ),
            );
        }
        out.push(BudgetLine {
            label: label.to_string(),
            basis: l.basis.trim().to_string(),
            amount_text: price::amount_text(a, unit),
            amount: a,
        });
    }
    if ok && out.iter().all(|l| l.amount.is_zero()) {
        p.add(
            "budget.staffing",
            "Budget: udfyld enkeltmandstilbuddets budget (personale, lokaler, overhead og andet), der skal gå op i taksten.",
        );
    }
    ok.then_some(out)
}

/// The rate the budget must add up to: the rate sheet's for the start year (its unit), or the
/// rate agreed on the contract. (rate, unit, source, typed)
fn rate(
    cx: &Context,
    form: &ContractForm,
    o: &OfferFacts,
    basis: LegalBasis,
    start: NaiveDate,
    p: &mut Problems,
) -> Result<Option<(Decimal, Unit, String, bool)>> {
    let year = start.year();
    let typed = form.budget.rate.trim();
    let dept = form.department_id.trim();
    if let Some((r, from_catalogue)) =
        rates::store::for_contract(cx.conn, &o.id, dept, basis, year)?
    {
        if !typed.is_empty() && fmt::parse_amount(typed) != Some(r.amount) {
            p.add(
                "budget.rate",
                format!(
                    "Aftalt takst: takstoversigten har {} for {year}; taksten kommer fra takstoversigten (R4). Lad feltet stå tomt.",
                    price::amount_text(r.amount, r.unit)
                ),
            );
        }
        let source = rules::YearRate::Sheet {
            amount: r.amount,
            from_catalogue,
        }
        .text(year);
        return Ok(Some((r.amount, r.unit, source, false)));
    }
    let unit = match form.budget.unit.trim() {
        "" => Unit::Dag,
        u => match Unit::parse(u).filter(|u| *u != Unit::Engang) {
            Some(u) => u,
            None => {
                p.add(
                    "budget.unit",
                    format!("Budget, enhed: «{u}» kendes ikke; brug dag eller maaned."),
                );
                return Ok(None);
            }
        },
    };
    if typed.is_empty() {
        p.add(
            "budget.rate",
            format!(
                "Aftalt takst: {} har ingen takst i takstoversigten for {year} efter {}; skriv den aftalte takst, som budgettet er beregningsgrundlag for.",
                o.name,
                basis.label()
            ),
        );
        return Ok(None);
    }
    let range = match unit {
        Unit::Maaned => limits::MONTHLY_RATE,
        _ => limits::DAILY_RATE,
    };
    let checked = fmt::parse_amount(typed)
        .filter(|v| !v.is_zero() && v.is_sign_positive())
        .ok_or_else(|| format!("Aftalt takst: «{typed}» skal være et beløb over 0, fx 6.850,00."))
        .and_then(|v| range.check(v, "Aftalt takst").map_err(|e| e.to_string()));
    match checked {
        Ok(v) => Ok(Some((
            v,
            unit,
            "Aftalt i kontrakten; budgettet er beregningsgrundlaget".into(),
            true,
        ))),
        Err(m) => {
            p.add("budget.rate", m);
            Ok(None)
        }
    }
}

/// "I alt 5.100,00 kr. pr. døgn mod taksten 5.000,00 kr. pr. døgn: 100,00 kr. for meget."
fn sum_text(total: Decimal, rate: Option<Decimal>, unit: Unit) -> (bool, String) {
    let total_text = price::amount_text(total, unit);
    match rate {
        None => (false, format!("I alt {total_text}; taksten mangler.")),
        Some(r) if r == total => (
            true,
            format!("I alt {total_text}: budgettet går op i taksten."),
        ),
        Some(r) => {
            let diff = (total - r).abs();
            let way = if total > r { "for meget" } else { "for lidt" };
            (
                false,
                format!(
                    "I alt {total_text} mod taksten {}: {} {way}.",
                    price::amount_text(r, unit),
                    fmt::kr(diff)
                ),
            )
        }
    }
}

/// Reads the one-person part of the form: the check, the budget and the rate, with every
/// problem named by its field.
pub(super) fn read(
    cx: &Context,
    form: &ContractForm,
    offer: Option<&OfferFacts>,
    binding: &Binding,
    need: &ContractNeed,
    p: &mut Problems,
    notes: &mut Vec<String>,
) -> Result<Read> {
    let rule = placement::rules::one_person_rule(binding.applicable.map(|a| a.agreement));
    let (check_id, asked, conclusion) = check(cx, form, &rule, need, p, notes);
    let found = match (offer, need.basis, need.start) {
        (Some(o), Some(b), Some(s)) => rate(cx, form, o, b, s, p)?,
        _ => None,
    };
    let unit = found.as_ref().map_or(Unit::Dag, |f| f.1);
    let lines = lines(&form.budget, unit, p).unwrap_or_default();
    let total = price::sum(lines.iter().map(|l| l.amount))?;
    let rate = found.as_ref().map(|f| f.0);
    let (adds_up, sum_text) = sum_text(total, rate, unit);
    if !adds_up && rate.is_some() && !total.is_zero() {
        p.add(
            "budget",
            format!("Budget: {sum_text} Budgettet skal gå op i taksten."),
        );
    }
    Ok(Read {
        typed_rate: found.as_ref().filter(|f| f.3).map(|f| (f.0, f.1)),
        budget: OnePerson {
            rule,
            check_id,
            asked,
            conclusion,
            lines,
            unit,
            total_text: price::amount_text(total, unit),
            total,
            rate_text: rate
                .map(|r| price::amount_text(r, unit))
                .unwrap_or_default(),
            rate,
            rate_source: found.map(|f| f.2).unwrap_or_default(),
            adds_up,
            sum_text,
        },
    })
}

/// The base rate of each year for a rate agreed on the contract: the start year's is the
/// agreed rate (its budget is the basis), each later year's is uplifted on 1 January by that
/// year's PL rate (the contract's own price clause; no rate sheet governs it).
pub(super) fn base_rates(
    cx: &Context,
    (amount, unit): (Decimal, Unit),
    (start, end): (NaiveDate, NaiveDate),
    p: &mut Problems,
) -> Result<Option<Vec<BaseRate>>> {
    let mut pl: Vec<(i32, Decimal)> = Vec::new();
    for year in start.year()..=end.year() {
        if let Some(v) = settings::pl_rate(cx.conn, year)? {
            pl.push((year, v));
        }
    }
    let found = rules::year_rates(
        start.year(),
        end.year(),
        false,
        |y| (y == start.year()).then_some((amount, false)),
        |y| pl.iter().find(|(py, _)| *py == y).map(|(_, v)| *v),
    );
    match found {
        Ok(years) => Ok(Some(
            years
                .into_iter()
                .map(|(year, rate)| {
                    let rate = match rate {
                        YearRate::Sheet { amount, .. } => YearRate::Individual { amount },
                        other => other,
                    };
                    (year, rate, unit, Decimal::ZERO)
                })
                .collect(),
        )),
        Err(MissingRate::Pl(year)) => {
            p.add(
                "end",
                format!(
                    "Takst: kontrakten løber ind i {year}, og den aftalte takst skal reguleres med PL-satsen for {year}, som ikke er sat. Sæt den under Indstillinger («PL-sats {year}»); prisen er ikke beregnet."
                ),
            );
            Ok(None)
        }
        Err(MissingRate::Sheet(_)) => Ok(None),
    }
}

/// The VAT of an agreed rate: the contract does not split it out, the budget shows it.
pub(super) const VAT_TEXT: &str = "Taksten er aftalt i kontrakten; leverandørens eventuelle ikke-fradragsberettigede moms indgår i budgettets linjer.";

/// How the price of a one-person project with an agreed rate moves.
pub(super) const RULE_TEXT: &str = "Enkeltmandstilbud: taksten er aftalt i kontrakten med budgettet som beregningsgrundlag; den reguleres pr. 1. januar med årets PL-sats.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sum_names_the_difference_in_kroner() {
        let r = Decimal::from(5000);
        assert_eq!(
            sum_text(Decimal::from(5100), Some(r), Unit::Dag),
            (
                false,
                "I alt 5.100,00 kr. pr. døgn mod taksten 5.000,00 kr. pr. døgn: 100,00 kr. for meget."
                    .to_string()
            )
        );
        assert!(sum_text(Decimal::new(499_995, 2), Some(r), Unit::Dag)
            .1
            .ends_with("0,05 kr. for lidt."));
        assert!(sum_text(r, Some(r), Unit::Dag).0);
    }
}
