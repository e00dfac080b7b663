//! The last step of an evaluation: the complete contract (clauses rendered from the template
//! with the agreement's or the contract's terms) when nothing is wrong, and the evaluation the
//! screens show either way.

use chrono::{Datelike, NaiveDate};

use super::evaluate::{Context, Parts};
use super::model::*;
use super::{ids, price, templates};
use crate::catalogue::model::{OfferFacts, OperatorType};
use crate::{fmt, geo};

/// "Region Sjælland til 31.12.2026, derefter Region Østdanmark fra 01.01.2027".
fn region_text(m: &geo::Municipality, start: NaiveDate, end: NaiveDate) -> String {
    let mut parts: Vec<(String, NaiveDate)> = Vec::new();
    let mut day = start;
    while day <= end {
        let name = m.region_on(day).map(|r| r.name.clone()).unwrap_or_default();
        if parts.last().is_none_or(|(n, _)| n != &name) {
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

fn offer_ref(o: &OfferFacts, parts: &Parts, department_id: &str) -> OfferRef {
    let op = o.operator.as_ref();
    OfferRef {
        id: o.id.clone(),
        name: o.name.clone(),
        department_id: (!department_id.is_empty()).then(|| department_id.to_string()),
        department_name: parts.department_name.clone(),
        address: o.address.clone(),
        operator_type: o.operator_type().unwrap_or(OperatorType::Privat),
        operator_name: op.map(|p| p.name.clone()).unwrap_or_default(),
        covered_by_rammeaftale: parts.within,
        counts_as_public: parts.within
            || matches!(
                o.operator_type(),
                Some(OperatorType::Kommunal | OperatorType::Regional)
            ),
        other_agreements: parts.others.clone(),
    }
}

/// The placeholders a template's clauses are filled with.
fn clause_values(
    cx: &Context,
    parts: &Parts,
    o: &OfferFacts,
    t: &Terms,
) -> Vec<(&'static str, String)> {
    let (notice, payment, absence, closure) = (&t.notice, &t.payment, &t.absence, &t.closure);
    vec![
        (
            "aftale",
            parts
                .agreement
                .as_ref()
                .map(|a| format!("{} ({})", a.name, a.id))
                .unwrap_or_else(|| "ingen rammeaftale".into()),
        ),
        (
            "lovgrundlag",
            parts
                .basis
                .map(|b| b.label().to_string())
                .unwrap_or_default(),
        ),
        ("tilbud", o.name.clone()),
        ("maks_loebetid", format!("{} måneder", cx.max_months)),
        (
            "moms",
            parts
                .price
                .as_ref()
                .map(|p| p.vat_text.clone())
                .unwrap_or_default(),
        ),
        ("betaling_tidspunkt", payment.timing.clone()),
        ("betalingsfrist", payment.days_after_invoice.to_string()),
        ("betaling_kilde", payment.source.clone()),
        ("fravaer_dage", absence.absence_days.to_string()),
        ("hospital_dage", absence.hospital_days.to_string()),
        ("fravaer_kilde", absence.source.clone()),
        ("koeber_varsel", notice.buyer_text.clone()),
        ("koeber_varsel_kilde", notice.buyer_source.clone()),
        ("leverandoer_varsel", notice.provider_text.clone()),
        ("leverandoer_varsel_kilde", notice.provider_source.clone()),
        ("lukning", closure.text.clone()),
        ("lukning_kilde", closure.source.clone()),
        ("betalingsaftale", parts.payment_note.clone()),
    ]
}

/// The terms, once every one is set.
struct Terms {
    notice: NoticeTerms,
    payment: PaymentTerms,
    absence: AbsenceTerms,
    closure: ClosureTerms,
}

fn municipality_party(m: &geo::Municipality, ean: &str, contact: &str) -> Party {
    Party {
        name: format!("{} Kommune", m.name),
        municipality_code: Some(m.code),
        cvr: None,
        ean: ean.to_string(),
        address: String::new(),
        contact: contact.to_string(),
    }
}

/// The provider: the operator (or the offer when it has none), with the CVR number typed, the
/// operator's or the offer's.
fn provider(o: &OfferFacts, offer: &OfferRef, parts: &Parts) -> Party {
    Party {
        name: if offer.operator_name.is_empty() {
            o.name.clone()
        } else {
            offer.operator_name.clone()
        },
        municipality_code: None,
        cvr: parts
            .parties
            .provider_cvr
            .clone()
            .or(o.operator.as_ref().and_then(|p| p.cvr.clone()))
            .or(o.cvr.clone()),
        ean: parts.parties.provider_ean.clone(),
        address: o.address.clone(),
        contact: String::new(),
    }
}

/// The complete contract (number and version are filled in when it is issued). `None` when a
/// part is missing, which only happens together with a problem.
pub(super) fn assemble(
    cx: &Context,
    form: &ContractForm,
    parts: &Parts,
    notes: &[String],
) -> crate::error::Result<Option<ContractData>> {
    let t = &parts.terms;
    let (Some(o), Some(b), Some(tpl), Some(buyer), Some(payer), Some(price)) = (
        &parts.offer,
        parts.basis,
        parts.template,
        parts.parties.buyer,
        parts.parties.payer,
        &parts.price,
    ) else {
        return Ok(None);
    };
    let (Some(notice), Some(payment), Some(absence), Some(closure)) =
        (&t.notice, &t.payment, &t.absence, &t.closure)
    else {
        return Ok(None);
    };
    let (Some(name), Some(intervention), Some((start, end))) = (
        &parts.citizen_name,
        &parts.intervention,
        parts.term.period(),
    ) else {
        return Ok(None);
    };
    let terms = Terms {
        notice: notice.clone(),
        payment: payment.clone(),
        absence: absence.clone(),
        closure: closure.clone(),
    };
    let offer = offer_ref(o, parts, form.department_id.trim());
    Ok(Some(ContractData {
        number: String::new(),
        version: 0,
        template: TemplateRef {
            id: tpl.id.clone(),
            version: tpl.version.clone(),
            title: tpl.title.clone(),
        },
        clauses: templates::render(tpl, &clause_values(cx, parts, o, &terms))?,
        check_id: Some(form.check_id.trim().to_string()).filter(|c| !c.is_empty()),
        legal_basis: b,
        legal_basis_label: format!("{} ({})", b.label(), b.description().to_lowercase()),
        buyer: municipality_party(buyer, &parts.parties.buyer_ean, form.buyer_contact.trim()),
        payer: municipality_party(payer, &parts.parties.payer_ean, ""),
        provider: provider(o, &offer, parts),
        offer,
        citizen_name: name.clone(),
        citizen_cpr: ids::normalise_cpr(&form.citizen_cpr),
        intervention: intervention.clone(),
        goals: parts.goals.clone(),
        start,
        end,
        followups: parts.term.followups.clone(),
        price: price.clone(),
        payment: terms.payment,
        notice: terms.notice,
        absence: terms.absence,
        closure: terms.closure,
        agreement: parts.agreement.clone(),
        notes: notes.to_vec(),
        buyer_region_text: region_text(buyer, start, end),
        issued_on: cx.today,
        one_person: parts.one_person.clone(),
    }))
}

/// "Opsiges kontrakten i dag, er sidste dag … ved købers opsigelse og … ved leverandørens."
fn notice_today(cx: &Context, parts: &Parts) -> String {
    match (&parts.terms.notice, parts.term.period()) {
        (Some(n), Some((s, e))) if cx.today <= e => {
            let from = cx.today.max(s);
            format!(
                "Opsiges kontrakten i dag, er sidste dag {} ved købers opsigelse og {} ved leverandørens.",
                fmt::date(price::last_day_after_notice(from, &n.buyer, e)),
                fmt::date(price::last_day_after_notice(from, &n.provider, e))
            )
        }
        _ => String::new(),
    }
}

pub(super) fn evaluation(
    cx: &Context,
    form: &ContractForm,
    parts: Parts,
    problems: Vec<FieldProblem>,
    notes: Vec<String>,
    data: Option<ContractData>,
) -> Evaluation {
    let offer = parts
        .offer
        .as_ref()
        .map(|o| offer_ref(o, &parts, form.department_id.trim()));
    Evaluation {
        notice_today_text: notice_today(cx, &parts),
        template: parts.template.map(|t| TemplateRef {
            id: t.id.clone(),
            version: t.version.clone(),
            title: t.title.clone(),
        }),
        payment_timing_negotiable: parts
            .terms
            .statuses
            .iter()
            .any(|s| s.field == "payment_timing" && !s.from_agreement),
        max_end: parts.term.max_end,
        one_person: parts.one_person,
        problems,
        notes,
        agreement: parts.agreement,
        offer,
        price: parts.price,
        notice: parts.terms.notice,
        payment: parts.terms.payment,
        absence: parts.terms.absence,
        closure: parts.terms.closure,
        terms: parts.terms.statuses,
        data,
    }
}
