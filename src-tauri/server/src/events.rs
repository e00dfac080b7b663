//! A contract's lifecycle events (signed, active, notice, renewed) pushed exactly once
//! (docs/server.md, "Contract events"): each happens at most once to a contract, so (contract,
//! event) is the key on the server (`plads.contract_events`, server migration 0003). Only the
//! computer that issued a contract records its events (a received contract refuses them), so
//! the same key from another computer is a conflict, refused in Danish. The pull
//! (`pull.rs`) applies them on the laptops that hold the received contract.

use pladsoverblik_core::contracts::store::{self as contracts, LifecycleEvent};
use pladsoverblik_core::sync::store;
use pladsoverblik_core::{fmt, Engine, Result};
use postgres::Client;
use rusqlite::Connection;

use crate::errors::query_error;
use crate::sync::Report;

pub const KIND: &str = "contract_event";

fn key(e: &LifecycleEvent) -> String {
    format!("{}/{}", e.contract_id, e.event.code())
}

/// Whether the server refused the first version of `contract` (its number is another
/// computer's): then its events are never sent.
fn contract_refused(conn: &Connection, contract: &str) -> Result<bool> {
    let first = format!("{contract}/1");
    Ok(matches!(
        store::pushed(conn, "contract_version", &first)?,
        Some((_, Some(_)))
    ))
}

/// How many events recorded here wait for the server (not sent, and of a contract the server
/// did not refuse).
pub fn waiting(conn: &Connection) -> Result<usize> {
    let done = store::pushed_keys(conn, KIND)?;
    let mut n = 0;
    for e in contracts::lifecycle_events(conn)? {
        if !done.contains(&key(&e)) && !contract_refused(conn, &e.contract_id)? {
            n += 1;
        }
    }
    Ok(n)
}

/// Pushes the events of the contracts made here that have not reached the server yet.
pub fn push(
    engine: &Engine,
    client: &mut Client,
    installation: &str,
    report: &mut Report,
) -> Result<()> {
    let (events, done) = engine.with_db(|db| {
        Ok((
            contracts::lifecycle_events(db.conn())?,
            store::pushed_keys(db.conn(), KIND)?,
        ))
    })?;
    for e in events {
        let key = key(&e);
        if done.contains(&key) {
            continue;
        }
        // Only for a contract that is on the server as this computer's: a contract whose
        // first version the server refused (its number is another computer's) sends nothing.
        let first = format!("{}/1", e.contract_id);
        let sent = engine.with_db(|db| store::pushed(db.conn(), "contract_version", &first))?;
        if !matches!(sent, Some((_, None))) {
            continue;
        }
        let sha = fmt::sha256_hex(e.data.to_string().as_bytes());
        let what = format!(
            "da kontrakt {} skulle sendes som «{}»",
            e.contract_id,
            e.event.label().to_lowercase()
        );
        let inserted = client.execute(
            "INSERT INTO plads.contract_events (contract_id, event, data, sha256, installation)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contract_id, event) DO NOTHING",
            &[
                &e.contract_id,
                &e.event.code(),
                &e.data,
                &sha,
                &installation,
            ],
        );
        let refused = match inserted {
            Ok(1) => {
                report.events_sent += 1;
                None
            }
            Ok(_) => {
                let row = client
                    .query_one(
                        "SELECT installation, pushed_by FROM plads.contract_events
                         WHERE contract_id = $1 AND event = $2",
                        &[&e.contract_id, &e.event.code()],
                    )
                    .map_err(|err| query_error(&what, &err))?;
                let (their_copy, by): (String, String) = (row.get(0), row.get(1));
                if their_copy == installation {
                    report.already_there += 1;
                    None
                } else {
                    Some(format!(
                        "Kontrakt {} er også markeret «{}» fra en anden computer (af {by}); den gælder på serveren, og markeringen her er ikke sendt.",
                        e.contract_id,
                        e.event.label().to_lowercase()
                    ))
                }
            }
            // The server answered: a refusal of this event (the contract is not there, or
            // not in this person's unit). A lost connection stops the sync.
            Err(err) if err.as_db_error().is_some() => Some(query_error(&what, &err).to_string()),
            Err(err) => return Err(query_error(&what, &err)),
        };
        if let Some(why) = &refused {
            report.refused.push(why.clone());
        }
        crate::municipal::mark(engine, KIND, &key, &sha, refused.as_deref())?;
    }
    Ok(())
}
