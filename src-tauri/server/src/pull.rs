//! The pull half of `plads sync` for immutable records (docs/server.md, "Pull"): the closed
//! checks and issued contract versions this person may read on the server (row-level
//! security narrows them: a sagsbehandler gets every check but only their own unit's
//! contracts; leder reads neither and gets none) that this copy does not have. Each is
//! handed to the core (`sync::receive`), which writes it as a received record, skips one
//! that is here already, or keeps a conflict.
//!
//! Incremental: every row on the server carries the id of the transaction that inserted it
//! (server migration 0002). A pull reads in one snapshot and keeps it per table
//! (`sync_pull_marks`); the next pull asks only for rows not visible in it. A row committed
//! late by a transaction still running at the last pull is therefore found, and a pull with
//! nothing new fetches nothing — also while other laptops are syncing. The snapshot is kept
//! per person, unit and group (what row-level security shows them): when IT moves a person to
//! another unit or group, or another person syncs on the laptop, the next pull starts from the
//! beginning, and what was hidden before is found (what is here already is skipped).

use pladsoverblik_core::contracts::store::IssuedVersion;
use pladsoverblik_core::sync::receive::{self, Origin, Outcome};
use pladsoverblik_core::sync::store;
use pladsoverblik_core::{fmt, Engine, Error, Result};
use postgres::{Client, IsolationLevel, Row};

use crate::errors::query_error;
use crate::sync::Report;

const CHECKS_MARK: &str = "checks";
const VERSIONS_MARK: &str = "contract_versions";
const EVENTS_MARK: &str = "contract_events";

/// $1: the snapshot of the last pull (NULL: never pulled). Rows from its oldest running
/// transaction on (the index on txid) that it did not see.
const CHECKS: &str = "SELECT id, doc, sha256, installation, pushed_by, pushed_at
     FROM plads.checks
     WHERE $1::text IS NULL
        OR (txid >= pg_snapshot_xmin($1::text::pg_snapshot)
            AND NOT pg_visible_in_snapshot(txid, $1::text::pg_snapshot))
     ORDER BY txid, id";

const VERSIONS: &str = "SELECT v.contract_id, v.version, c.offer_id, c.check_id, c.renewed_from,
         v.reason, v.data, v.sha256, v.installation, v.pushed_by, v.pushed_at
     FROM plads.contract_versions v JOIN plads.contracts c ON c.id = v.contract_id
     WHERE $1::text IS NULL
        OR (v.txid >= pg_snapshot_xmin($1::text::pg_snapshot)
            AND NOT pg_visible_in_snapshot(v.txid, $1::text::pg_snapshot))
     ORDER BY v.txid, v.contract_id, v.version";

const EVENTS: &str = "SELECT contract_id, event, data, sha256, installation, pushed_by, pushed_at
     FROM plads.contract_events
     WHERE $1::text IS NULL
        OR (txid >= pg_snapshot_xmin($1::text::pg_snapshot)
            AND NOT pg_visible_in_snapshot(txid, $1::text::pg_snapshot))
     ORDER BY txid, contract_id, event";

/// "Hentet: 1 afstemning, 1 kontrakt." (and the corrections, when there are any).
pub fn received_line(checks: usize, contracts: usize, corrections: usize) -> String {
    format!(
        "Hentet: {}.",
        received_counts(checks, contracts, corrections)
    )
}

/// "1 afstemning, 1 kontrakt" (and the corrections, when there are any).
pub fn received_counts(checks: usize, contracts: usize, corrections: usize) -> String {
    let mut text = format!(
        "{}, {}",
        fmt::count(checks, "afstemning", "afstemninger"),
        fmt::count(contracts, "kontrakt", "kontrakter")
    );
    if corrections > 0 {
        text.push_str(&format!(
            " og {}",
            fmt::count(
                corrections,
                "rettet kontraktversion",
                "rettede kontraktversioner"
            )
        ));
    }
    text
}

/// Pulls what this person may read: checks first (a contract refers to its check).
pub fn pull(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let what = "da rettighederne på serveren skulle læses";
    let row = client
        .query_one(
            "SELECT has_table_privilege('plads.checks', 'SELECT'),
                    has_table_privilege('plads.contract_versions', 'SELECT'),
                    has_table_privilege('plads.contract_events', 'SELECT'),
                    concat_ws('|', session_user, plads.my_unit(),
                              pg_has_role('oekonomi', 'MEMBER'), pg_has_role('admin', 'MEMBER'))",
            &[],
        )
        .map_err(|e| query_error(what, &e))?;
    let (checks, versions, events, scope): (bool, bool, bool, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if checks {
        let mark = format!("{CHECKS_MARK}|{scope}");
        pull_table(engine, client, &mark, CHECKS, report, take_check)?;
    }
    if versions {
        let mark = format!("{VERSIONS_MARK}|{scope}");
        pull_table(engine, client, &mark, VERSIONS, report, take_version)?;
    }
    // After the versions: an event applies to a contract received here.
    if events {
        let mark = format!("{EVENTS_MARK}|{scope}");
        pull_table(engine, client, &mark, EVENTS, report, take_event)?;
    }
    Ok(())
}

type Take = fn(&Engine, &Row, &mut Report) -> Result<()>;

/// Fetches the rows of `sql` from the table's mark on, in one snapshot, takes each, and
/// moves the mark on — unless a row could not be read (sent by a newer Pladsoverblik): then
/// the mark stays, and the rows are fetched again after an update (those taken are skipped).
fn pull_table(
    engine: &Engine,
    client: &mut Client,
    mark_name: &str,
    sql: &str,
    report: &mut Report,
    take: Take,
) -> Result<()> {
    let what = "da afstemninger og kontrakter skulle hentes";
    let mark = engine.with_db(|db| store::pull_mark(db.conn(), mark_name))?;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| query_error(what, &e))?;
    // The first statement takes the snapshot both queries read.
    let next: String = tx
        .query_one("SELECT pg_current_snapshot()::text", &[])
        .map_err(|e| query_error(what, &e))?
        .get(0);
    let rows = tx.query(sql, &[&mark]).map_err(|e| query_error(what, &e))?;
    report.fetched += rows.len();
    tx.commit().map_err(|e| query_error(what, &e))?;
    let unreadable_before = report.unreadable.len();
    for row in &rows {
        take(engine, row, report)?;
    }
    if report.unreadable.len() == unreadable_before {
        engine.with_db(|db| store::set_pull_mark(db.conn(), mark_name, &next))?;
    }
    Ok(())
}

fn origin(row: &Row, sha: usize) -> Origin {
    let at: chrono::DateTime<chrono::Utc> = row.get(sha + 3);
    Origin {
        sha256: row.get(sha),
        installation: row.get(sha + 1),
        pushed_by: row.get(sha + 2),
        pushed_at: at
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
    }
}

/// Counts one outcome; a record that cannot be read is reported and left for later.
fn settle(outcome: Result<Outcome>, taken: &mut usize, report: &mut Report) -> Result<()> {
    match outcome {
        Ok(Outcome::Taken) => *taken += 1,
        Ok(Outcome::AlreadyHere) => {}
        Ok(Outcome::Conflict(why)) => report.conflicts.push(why),
        Err(Error::Invalid(why)) => report.unreadable.push(why),
        Err(e) => return Err(e),
    }
    Ok(())
}

fn take_check(engine: &Engine, row: &Row, report: &mut Report) -> Result<()> {
    let id: String = row.get(0);
    let doc: serde_json::Value = row.get(1);
    let o = origin(row, 2);
    let outcome = engine.with_db(|db| Ok(receive::receive_check(db.conn(), &id, &doc, &o)))?;
    let mut taken = 0;
    settle(outcome, &mut taken, report)?;
    report.checks_received += taken;
    Ok(())
}

fn take_version(engine: &Engine, row: &Row, report: &mut Report) -> Result<()> {
    let version: i32 = row.get(1);
    let data: serde_json::Value = row.get(6);
    let v = IssuedVersion {
        contract_id: row.get(0),
        version: u32::try_from(version).unwrap_or(0),
        offer_id: row.get(2),
        check_id: row.get(3),
        renewed_from: row.get(4),
        reason: row.get(5),
        data: data.to_string(),
        sha256: row.get(7),
    };
    let o = origin(row, 7);
    let outcome = engine.with_db(|db| Ok(receive::receive_version(db.conn(), &v, &o)))?;
    let mut taken = 0;
    settle(outcome, &mut taken, report)?;
    if v.version <= 1 {
        report.contracts_received += taken;
    } else {
        report.corrections_received += taken;
    }
    Ok(())
}

fn take_event(engine: &Engine, row: &Row, report: &mut Report) -> Result<()> {
    let (id, event): (String, String) = (row.get(0), row.get(1));
    let data: serde_json::Value = row.get(2);
    let o = origin(row, 3);
    let outcome =
        engine.with_db(|db| Ok(receive::receive_event(db.conn(), &id, &event, &data, &o)))?;
    let mut taken = 0;
    settle(outcome, &mut taken, report)?;
    report.events_received += taken;
    Ok(())
}
