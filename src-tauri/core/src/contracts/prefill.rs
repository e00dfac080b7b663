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
