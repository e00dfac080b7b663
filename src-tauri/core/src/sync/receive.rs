//! Records received from the municipality's server (docs/server.md, "Pull"): what this
//! working copy does with a closed check or an issued contract version that the server holds.
//! No network here; `pladsoverblik-server` fetches them and calls these, one record at a
//! time, each in one transaction.
//!
//! - Not here yet: written into the check or contract tables as a *received* record
//!   (immutable here as well, marked with who sent it from which installation) and counted
//!   as on the server, so it is never sent back.
//! - Here already with the same hash, or made by this installation: skipped (a record of
//!   this computer coming back is never doubled).
//! - Here under the same number with other content: a conflict, reported in Danish and kept
//!   (`plads sync --status`); nothing is overwritten.

use rusqlite::Connection;

use super::store::{self, ReceivedRow};
use super::Kind;
use crate::contracts::store::IssuedVersion;
use crate::contracts::{self, ContractData};
use crate::error::{Error, Result};
use crate::{audit, fmt, placement};

/// Who sent a record to the server, and the server's hash of it.
#[derive(Debug, Clone)]
pub struct Origin {
    pub sha256: String,
    pub installation: String,
    pub pushed_by: String,
    /// When it reached the server, as a local timestamp (`åååå-mm-ddTHH:MM:SS`).
    pub pushed_at: String,
}

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written here as a received record.
    Taken,
    /// Here already (the same record, or this computer's own).
    AlreadyHere,
    /// Not taken: this computer has another record under the number (Danish, kept).
    Conflict(String),
}

fn row(kind: Kind, key: &str, subject: &str, o: &Origin, conflict: Option<String>) -> ReceivedRow {
    ReceivedRow {
        kind: kind.code().into(),
        key: key.into(),
        subject: subject.into(),
        sha256: o.sha256.clone(),
        installation: o.installation.clone(),
        pushed_by: o.pushed_by.clone(),
        pushed_at: o.pushed_at.clone(),
        conflict,
    }
}

/// A record received before under `key`: the same one, or one already reported. A record
/// changed on the server since (it never should be: the server refuses changes, but a
/// restore could) is reported and not taken.
fn seen_before(seen: &ReceivedRow, o: &Origin, what: &str) -> Outcome {
    if seen.sha256 == o.sha256 || seen.conflict.is_some() {
        return Outcome::AlreadyHere;
    }
    Outcome::Conflict(format!(
        "{what} på kommunens server (sendt af {}) afviger fra den, der tidligere blev hentet hertil; den hentede er bevaret uændret. Kontakt IT (docs/server.md, \"Konflikter\").",
        o.pushed_by
    ))
}

/// Keeps a conflict (so it stays visible and is not reported again) and returns it.
fn conflict(
    conn: &Connection,
    kind: Kind,
    key: &str,
    subject: &str,
    o: &Origin,
    why: String,
) -> Result<Outcome> {
    let tx = conn.unchecked_transaction()?;
    store::add_received(
        &tx,
        &row(kind, key, subject, o, Some(why.clone())),
        &audit::now_local(),
    )?;
    audit::record(
        &tx,
        "sync.conflict",
        key,
        &serde_json::json!({ "kind": kind.code(), "from": o.pushed_by }),
    )?;
    tx.commit()?;
    Ok(Outcome::Conflict(why))
}

/// Marks a record taken: kept as received, counted as on the server (never sent back), and
/// audited (never with citizen data).
fn taken(conn: &Connection, kind: Kind, key: &str, subject: &str, o: &Origin) -> Result<()> {
    let at = audit::now_local();
    store::add_received(conn, &row(kind, key, subject, o, None), &at)?;
    store::mark_pushed(conn, kind.code(), key, &o.sha256, &at, None)?;
    audit::record(
        conn,
        "sync.receive",
        key,
        &serde_json::json!({
            "kind": kind.code(),
            "from": o.pushed_by,
            "installation": o.installation,
        }),
    )
}

/// Whether a record here under the same number is this record: made by this installation
/// (or the one this copy was before a restore), or sent from here with the same hash.
fn ours(conn: &Connection, kind: Kind, key: &str, o: &Origin) -> Result<bool> {
    if store::is_own_installation(conn, &o.installation)? {
        return Ok(true);
    }
    Ok(matches!(
        store::pushed(conn, kind.code(), key)?,
        Some((sha, None)) if sha == o.sha256
    ))
}

/// A closed check the server holds (`doc`: the check as its computer sent it).
pub fn receive_check(
    conn: &Connection,
    id: &str,
    doc: &serde_json::Value,
    o: &Origin,
) -> Result<Outcome> {
    let kind = Kind::Check;
    if let Some(seen) = store::received(conn, kind.code(), id)? {
        return Ok(seen_before(&seen, o, &format!("Afstemning {id}")));
    }
    if placement::exists(conn, id)? {
        if ours(conn, kind, id, o)? {
            return Ok(Outcome::AlreadyHere);
        }
        let why = format!(
            "Afstemning {id} på kommunens server (lukket på en anden computer, sendt af {}) er ikke hentet: denne computer har en anden afstemning med samme nummer. Nummeret er brugt to gange; afstemningen her er bevaret uændret. Kontakt IT (docs/server.md, \"Numre\").",
            o.pushed_by
        );
        return conflict(conn, kind, id, id, o, why);
    }
    let sent = placement::SentCheck::parse(id, doc)?;
    let tx = conn.unchecked_transaction()?;
    placement::insert_received(&tx, &sent)?;
    taken(&tx, kind, id, id, o)?;
    tx.commit()?;
    Ok(Outcome::Taken)
}

/// The issued data of a received version, read and checked: its number and version, and its
/// SHA-256 recomputed from the canonical JSON equal to the server's (the hash printed in the
/// contract's PDF). Returns the data and the canonical JSON.
fn issued_data(v: &IssuedVersion) -> Result<(ContractData, String)> {
    let unreadable = |why: &str| {
        Error::Invalid(format!(
            "Kontrakt {} version {} fra kommunens server kan ikke læses af denne version af Pladsoverblik ({why}); opdatér Pladsoverblik.",
            v.contract_id, v.version
        ))
    };
    let data: ContractData =
        serde_json::from_str(&v.data).map_err(|e| unreadable(&e.to_string()))?;
    if data.number != v.contract_id || data.version != v.version {
        return Err(unreadable("nummer eller version passer ikke"));
    }
    let canonical =
        serde_json::to_string(&data).map_err(|_| unreadable("kontraktdata kan ikke gemmes"))?;
    if fmt::sha256_hex(canonical.as_bytes()) != v.sha256 {
        return Err(unreadable(
            "kontrolsummen (SHA-256) passer ikke med den udstedte",
        ));
    }
    Ok((data, canonical))
}

/// An issued contract version the server holds (`v.data`: its JSON there, `v.sha256` and
/// `o.sha256`: the server's hash).
pub fn receive_version(conn: &Connection, v: &IssuedVersion, o: &Origin) -> Result<Outcome> {
    let kind = Kind::ContractVersion;
    let id = v.contract_id.as_str();
    let key = format!("{id}/{}", v.version);
    let what = format!("Kontrakt {id} version {}", v.version);
    if let Some(seen) = store::received(conn, kind.code(), &key)? {
        return Ok(seen_before(&seen, o, &what));
    }
    let here = contracts::store::version_hash(conn, id, v.version)?;
    if let Some(hash) = here {
        if hash.as_deref() == Some(o.sha256.as_str()) {
            return Ok(Outcome::AlreadyHere);
        }
        let why = format!(
            "{what} på kommunens server (udstedt på en anden computer, sendt af {}) er ikke hentet: versionen her har et andet indhold. Versionen her er bevaret uændret; aftal hvilken der gælder (docs/server.md, \"Konflikter\").",
            o.pushed_by
        );
        return conflict(conn, kind, &key, id, o, why);
    }
    let received_contract = store::received_subject(conn, kind.code(), id)?.is_some();
    if contracts::store::exists(conn, id)? && !received_contract {
        let why = format!(
            "{what} er udstedt på en anden computer (sendt af {}) og er ikke hentet: kontrakten {id} her er denne computers egen og er ikke ændret. Aftal hvilken version der gælder (docs/server.md, \"Konflikter\").",
            o.pushed_by
        );
        return conflict(conn, kind, &key, id, o, why);
    }
    let (data, canonical) = issued_data(v)?;
    let tx = conn.unchecked_transaction()?;
    // The received row first: the database lets a received contract take only versions
    // received (migration 0014).
    taken(&tx, kind, &key, id, o)?;
    contracts::store::insert_received(
        &tx,
        &contracts::store::ReceivedVersion {
            data: &data,
            offer_id: &v.offer_id,
            check_id: v.check_id.as_deref(),
            renewed_from: v.renewed_from.as_deref(),
            reason: &v.reason,
            canonical: &canonical,
            sha256: &o.sha256,
            at: &o.pushed_at,
            by: &o.pushed_by,
        },
    )?;
    tx.commit()?;
    Ok(Outcome::Taken)
}

/// A contract's lifecycle event the server holds (`event`: underskrevet, aktiv, opsagt,
/// fornyet; `data` as pushed). Applied to the contract here when it is the one received from
/// the server (its state moves on, never back); this computer's own event coming back is
/// skipped; an event for a contract that is not the server's here (another contract under the
/// number, or none) is kept with its Danish reason, changes nothing and is reported once.
pub fn receive_event(
    conn: &Connection,
    contract_id: &str,
    event: &str,
    data: &serde_json::Value,
    o: &Origin,
) -> Result<Outcome> {
    if store::has_received_event(conn, contract_id, event)? {
        return Ok(Outcome::AlreadyHere);
    }
    if store::is_own_installation(conn, &o.installation)? {
        return Ok(Outcome::AlreadyHere);
    }
    let state = contracts::ContractState::parse(event).map_err(|_| {
        Error::Invalid(format!(
            "Hændelsen «{event}» for kontrakt {contract_id} fra kommunens server kan ikke læses af denne version af Pladsoverblik; opdatér Pladsoverblik."
        ))
    })?;
    let mut kept = store::ReceivedEvent {
        contract_id: contract_id.into(),
        event: event.into(),
        data: data.to_string(),
        sha256: o.sha256.clone(),
        installation: o.installation.clone(),
        pushed_by: o.pushed_by.clone(),
        pushed_at: o.pushed_at.clone(),
        conflict: None,
    };
    let received =
        store::received_subject(conn, Kind::ContractVersion.code(), contract_id)?.is_some();
    let at = audit::now_local();
    let tx = conn.unchecked_transaction()?;
    if !received {
        let why = format!(
            "Kontrakt {contract_id} er markeret «{}» på kommunens server (af {}), men det er ikke anvendt her: {}. Intet er ændret (docs/server.md, \"Konflikter\").",
            state.label().to_lowercase(),
            o.pushed_by,
            if contracts::store::exists(&tx, contract_id)? {
                "kontrakten med det nummer her er en anden end serverens"
            } else {
                "kontrakten findes ikke på denne computer"
            }
        );
        kept.conflict = Some(why.clone());
        store::add_received_event(&tx, &kept, &at)?;
        tx.commit()?;
        return Ok(Outcome::Conflict(why));
    }
    // The kept event first: the database lets a received contract's state move only to a
    // received event's (migration 0016).
    store::add_received_event(&tx, &kept, &at)?;
    contracts::store::apply_received_event(&tx, contract_id, state, data)?;
    audit::record(
        &tx,
        "sync.receive_event",
        contract_id,
        &serde_json::json!({ "event": event, "from": o.pushed_by }),
    )?;
    tx.commit()?;
    Ok(Outcome::Taken)
}
