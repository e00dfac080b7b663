//! A closed check received from the municipality's server (docs/server.md, "Pull"): the JSON
//! of `Check` as its author's computer sent it, written into this copy's check tables as it
//! was recorded there, and closed as it was closed. From then on the database keeps it
//! closed like any other, and the guard reads it the same way.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Deserialize;

use super::model::*;
use super::store;
use crate::error::{Error, Result};
use crate::geo;

/// The parts of a sent check that are stored; what `read::load` derives from them (states,
/// texts) is left out and derived again here.
#[derive(Debug, Deserialize)]
pub struct SentCheck {
    pub id: String,
    kind: CheckKind,
    created_at: String,
    created_by: String,
    #[serde(default)]
    reference: String,
    need: Need,
    target_group_label: String,
    scope: Scope,
    catalogue_extracted: NaiveDate,
    catalogue_source: String,
    stale_after_days: i64,
    validity_days: i64,
    closed: Option<Closed>,
    #[serde(default)]
    candidates: Vec<Candidate>,
    #[serde(default)]
    excluded: Vec<Excluded>,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    shortlist: Vec<ShortlistEntry>,
    #[serde(default)]
    inquiries: Vec<InquiryRecord>,
}

impl SentCheck {
    /// Reads check `id` as the server holds it; a Danish reason when it cannot be read (sent
    /// by a newer Pladsoverblik, or not closed).
    pub fn parse(id: &str, doc: &serde_json::Value) -> Result<SentCheck> {
        let unreadable = |why: String| {
            Error::Invalid(format!(
                "Afstemning {id} fra kommunens server kan ikke læses af denne version af Pladsoverblik ({why}); opdatér Pladsoverblik."
            ))
        };
        let sent: SentCheck =
            serde_json::from_value(doc.clone()).map_err(|e| unreadable(e.to_string()))?;
        if sent.id != id {
            return Err(unreadable(format!("den har nummeret {}", sent.id)));
        }
        if sent.closed.is_none() {
            return Err(unreadable("den er ikke lukket".into()));
        }
        Ok(sent)
    }
}

/// Writes a received check into the check tables (in the caller's transaction): the check
/// open, its candidates, exclusions, records, shortlist and inquiries as recorded, then its
/// closing.
pub fn insert_received(conn: &Connection, s: &SentCheck) -> Result<()> {
    let Some(closed) = &s.closed else {
        return Err(Error::Invalid(format!(
            "Afstemning {} er ikke lukket.",
            s.id
        )));
    };
    store::insert_check(
        conn,
        &store::NewRow {
            id: &s.id,
            kind: s.kind,
            created_at: &s.created_at,
            created_by: &s.created_by,
            reference: &s.reference,
            need: &s.need,
            target_group_label: &s.target_group_label,
            scope: &s.scope,
            catalogue_extracted: &s.catalogue_extracted.to_string(),
            catalogue_source: &s.catalogue_source,
            stale_after_days: s.stale_after_days,
            validity_days: s.validity_days,
        },
    )?;
    for (ord, c) in s.candidates.iter().enumerate() {
        store::insert_candidate(conn, &s.id, ord + 1, c)?;
    }
    for (ord, x) in s.excluded.iter().enumerate() {
        // The sent check names the municipality; the table keeps its code.
        let code = geo::find_municipality(&x.municipality).map_or(0, |m| m.code);
        store::insert_excluded(conn, &s.id, ord + 1, &x.offer_id, &x.name, code, &x.reason)?;
    }
    let mut events: Vec<&Event> = s.events.iter().collect();
    events.sort_by_key(|e| e.id);
    for e in events {
        store::insert_event(conn, &s.id, e)?;
    }
    for entry in &s.shortlist {
        let f = &entry.figures;
        let json = serde_json::to_string(f).map_err(|_| {
            Error::Internal(format!("Afstemning {}: kortlisten kan ikke gemmes.", s.id))
        })?;
        store::insert_shortlist(conn, &s.id, &f.offer_id, &f.added_at, &json)?;
    }
    for q in &s.inquiries {
        let inquiry = Inquiry {
            municipality: q.municipality_code,
            asked_on: q.asked_on,
            method: q.method,
            contact: q.contact.clone(),
            answer: match (q.answer, q.answered_on) {
                (Some(answer), Some(answered_on)) => Some(InquiryAnswer {
                    answer,
                    answered_on,
                    text: q.answer_text.clone(),
                }),
                _ => None,
            },
        };
        store::insert_inquiry(conn, &s.id, &q.recorded_at, &q.recorded_by, &inquiry)?;
    }
    store::close(
        conn,
        &s.id,
        &store::CloseRow {
            at: &closed.at,
            by: &closed.by,
            on: closed.on,
            conclusion: closed.conclusion,
            chosen: closed.chosen_offer_id.as_deref(),
            chosen_name: closed.chosen_offer_name.as_deref(),
            note: &closed.note,
        },
    )
}
