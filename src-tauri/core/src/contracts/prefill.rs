//! A new contract's form, filled from a closed check (its chosen offer and need) or from an
//! offer: offer, legal basis, buyer, start, the longest allowed end, a first follow-up after
//! three months, the provider's CVR from the catalogue, and EAN numbers remembered from
//! earlier contracts with the same buyer and provider. Terms are never filled in: they come
//! from the agreement or are typed.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::model::ContractForm;
use super::{price, store};
use crate::error::{Error, Result};
use crate::{catalogue, fmt, placement, settings};

/// The first non-empty value `pick` finds in the most recent contract forms.
fn remembered(
    conn: &Connection,
    pick: impl Fn(&ContractForm) -> Option<String>,
) -> Result<Option<String>> {
    Ok(store::recent_forms(conn, 200)?
        .iter()
        .find_map(|f| pick(f).filter(|v| !v.trim().is_empty())))
}

/// Start, the longest allowed end and a first follow-up three months in, from `start`.
pub fn term_from_start(conn: &Connection, start: NaiveDate, form: &mut ContractForm) -> Result<()> {
    let max_months = settings::number(conn, &settings::CONTRACT_MAX_TERM_MONTHS)?;
    form.start = fmt::date(start);
    form.end = fmt::date(price::term_end(
        start,
        u32::try_from(max_months).unwrap_or(12),
    ));
    form.followups = start
        .checked_add_months(chrono::Months::new(3))
        .map(fmt::date)
        .unwrap_or_default();
    Ok(())
}

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
        if check.kind == placement::CheckKind::Enkeltmand {
            // A one-person project: its check asked other municipalities first; a purchase
            // outside the buyer's agreement still needs its own public-first check.
            form.one_person = true;
            form.one_person_check_id = check.id.clone();
        } else {
            form.check_id = check.id.clone();
        }
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
    let offer = catalogue::store::offer_facts(conn, &form.offer_id, start)?.ok_or_else(|| {
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
        .operator
        .as_ref()
        .and_then(|o| o.cvr.clone())
        .or(offer.cvr.clone())
        .unwrap_or_default();
    term_from_start(conn, start, &mut form)?;
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
    Ok(form)
}

/// Whether `form` holds nothing beyond what `prefill` puts in a new contract for the same
/// check and offer: the window stores a new draft only once something is in it, that is once
/// the user has typed or changed at least one field (a field changed and changed back counts
/// as nothing). A form whose check or offer cannot be prefilled any more is not untouched.
pub fn untouched(conn: &Connection, form: &ContractForm, today: NaiveDate) -> Result<bool> {
    let check = if form.one_person {
        &form.one_person_check_id
    } else {
        &form.check_id
    };
    let check = (!check.trim().is_empty()).then_some(check.as_str());
    Ok(match prefill(conn, check, Some(&form.offer_id), today) {
        Ok(prefilled) => comparable(&prefilled) == comparable(form),
        Err(_) => false,
    })
}

/// A form as compared by `untouched`: spaces around a text are nothing typed, and the budget's
/// unit the window shows first ("dag") is what an empty unit means.
fn comparable(form: &ContractForm) -> serde_json::Value {
    let mut f = form.clone();
    if f.budget.unit.trim().is_empty() {
        f.budget.unit = "dag".into();
    }
    let mut value = serde_json::to_value(&f).unwrap_or(serde_json::Value::Null);
    trim_strings(&mut value);
    value
}

fn trim_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = s.trim().to_string(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(trim_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(trim_strings),
        _ => {}
    }
}

/// A new contract from the window: stored as a draft only when something is in it beyond the
/// prefill (`untouched`); otherwise refused and nothing is stored, so "Opret kontrakt" never
/// leaves an empty draft behind.
pub fn create_typed_draft(
    conn: &Connection,
    form: &ContractForm,
    today: NaiveDate,
) -> Result<super::ContractView> {
    if untouched(conn, form, today)? {
        return Err(Error::Refused(
            "Kladden er ikke gemt: der er ikke skrevet eller ændret noget ud over det forudfyldte. Udfyld et felt, så gemmes kladden.".into(),
        ));
    }
    store::create_draft(conn, form, today)
}
