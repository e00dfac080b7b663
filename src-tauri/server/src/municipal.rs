//! Municipal data every laptop pulls (docs/server.md, "Agreements and rate sheets"): an
//! agreement version or a rate sheet imported on one computer is published by its next sync
//! (only by a role that may: økonomi and admin; the others skip it without a word), and every
//! sync installs what the server has and this computer lacks, through the core's own import
//! (the same checks; a rate sheet's rates upserted with their source as a local import does).
//!
//! Exactly once: an agreement is keyed by (id, version), a rate sheet by its file's SHA-256;
//! what was published or installed is kept in `sync_pushed` (kinds `agreement`, `rate_sheet`),
//! so neither is sent or fetched twice. A pull asks only for the keys, and fetches the content
//! of those this computer has not handled yet. An agreement version never changes: the same
//! (id, version) with other content is refused on the server, or not installed here, with a
//! Danish reason, and nothing is overwritten on either side.

use chrono::NaiveDate;
use pladsoverblik_core::agreements::{self, store::Stored, Agreement};
use pladsoverblik_core::catalogue;
use pladsoverblik_core::rates::import as rates;
use pladsoverblik_core::sync::store;
use pladsoverblik_core::{audit, fmt, Engine, Error, Result};
use postgres::Client;

use crate::errors::query_error;
use crate::sync::Report;

const AGREEMENT: &str = "agreement";
const RATE_SHEET: &str = "rate_sheet";
const CATALOGUE: &str = "catalogue";

/// The sync mark keeping what this login may publish, as the server said at the last sync
/// (bits: 1 agreements, 2 rate sheets, 4 catalogue snapshots): what waits is counted from it
/// without a connection.
const MAY_PUBLISH: &str = "may_publish";
const ALL_KINDS: i64 = 1 | 2 | 4;

/// What was imported here and waits to be published, as far as this login may publish (known
/// from the last sync). Before the first sync nothing is on the server yet and the server has
/// not said what this login may publish: every file imported here is counted as waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Waiting {
    pub agreements: usize,
    pub rate_sheets: usize,
    /// The extraction date of a catalogue imported here and not yet published.
    pub catalogue: Option<NaiveDate>,
}

pub fn waiting(conn: &rusqlite::Connection) -> Result<Waiting> {
    let may = store::mark_if_set(conn, MAY_PUBLISH)?.unwrap_or(ALL_KINDS);
    let mut w = Waiting::default();
    if may & 1 != 0 {
        let done = store::pushed_keys(conn, AGREEMENT)?;
        w.agreements = agreements::imported(conn)?
            .iter()
            .filter(|a| {
                let version = i32::try_from(a.version).unwrap_or(i32::MAX);
                !done.contains(&agreement_key(&a.id, version))
            })
            .count();
    }
    if may & 2 != 0 {
        let done = store::pushed_keys(conn, RATE_SHEET)?;
        w.rate_sheets = rates::imported_sheet_hashes(conn)?
            .iter()
            .filter(|sha| !done.contains(sha.as_str()))
            .count();
    }
    if may & 4 != 0 {
        let done = store::pushed_keys(conn, CATALOGUE)?;
        w.catalogue = catalogue::published::kept_key(conn)?
            .filter(|(sha, _)| !done.contains(sha))
            .map(|(_, extracted)| extracted);
    }
    Ok(w)
}

/// "2 rammeaftaler, 1 takstoversigt" (and ", kataloget pr. 20.11.2026" when one went).
pub fn counts(agreements: usize, sheets: usize, catalogue: Option<NaiveDate>) -> String {
    let mut text = format!(
        "{}, {}",
        fmt::count(agreements, "rammeaftale", "rammeaftaler"),
        fmt::count(sheets, "takstoversigt", "takstoversigter")
    );
    if let Some(on) = catalogue {
        text.push_str(&format!(", kataloget pr. {}", fmt::date(on)));
    }
    text
}

fn agreement_key(id: &str, version: i32) -> String {
    format!("{id}/{version}")
}

fn agreement_json(a: &Agreement) -> Result<serde_json::Value> {
    serde_json::to_value(a).map_err(|_| {
        Error::Internal(format!(
            "Rammeaftale {} version {} kunne ikke gemmes som JSON.",
            a.id, a.version
        ))
    })
}

/// Keeps that a record is on the server (or, with `refused`, why it is not).
pub(crate) fn mark(
    engine: &Engine,
    kind: &str,
    key: &str,
    sha: &str,
    refused: Option<&str>,
) -> Result<()> {
    engine.with_db(|db| store::mark_pushed(db.conn(), kind, key, sha, &audit::now_local(), refused))
}

/// Keeps that a record of the server's was installed here (`sync --status` counts them).
fn mark_received(engine: &Engine, kind: &str, key: &str, sha: &str) -> Result<()> {
    engine.with_db(|db| store::mark_received(db.conn(), kind, key, sha, &audit::now_local()))
}

/// Agreements, rate sheets and catalogue snapshots installed from the server so far.
pub fn received(conn: &rusqlite::Connection) -> Result<Received> {
    Ok(Received {
        agreements: store::received_marks(conn, AGREEMENT)?,
        rate_sheets: store::received_marks(conn, RATE_SHEET)?,
        catalogues: store::received_marks(conn, CATALOGUE)?,
    })
}

/// See [`received`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Received {
    pub agreements: usize,
    pub rate_sheets: usize,
    pub catalogues: usize,
}

/// Publishes what was imported here, then installs what the server has that this computer
/// lacks.
pub fn sync(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let row = client
        .query_one(
            "SELECT has_table_privilege('plads.agreements', 'INSERT'),
                    has_table_privilege('plads.rate_sheets', 'INSERT'),
                    has_table_privilege('plads.catalogue_snapshots', 'INSERT')",
            &[],
        )
        .map_err(|e| query_error("da rettighederne på serveren skulle læses", &e))?;
    let (may_agreements, may_sheets, may_catalogue): (bool, bool, bool) =
        (row.get(0), row.get(1), row.get(2));
    let bits =
        i64::from(may_agreements) | i64::from(may_sheets) << 1 | i64::from(may_catalogue) << 2;
    engine.with_db(|db| store::set_mark(db.conn(), MAY_PUBLISH, bits))?;
    if may_agreements {
        publish_agreements(engine, client, report)?;
    }
    if may_sheets {
        publish_sheets(engine, client, report)?;
    }
    if may_catalogue {
        publish_catalogue(engine, client, report)?;
    }
    pull_agreements(engine, client, report)?;
    pull_sheets(engine, client, report)?;
    pull_catalogue(engine, client, report)
}

fn publish_agreements(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let (mine, done) = engine.with_db(|db| {
        Ok((
            agreements::imported(db.conn())?,
            store::pushed_keys(db.conn(), AGREEMENT)?,
        ))
    })?;
    for a in mine {
        let version = i32::try_from(a.version).unwrap_or(i32::MAX);
        let key = agreement_key(&a.id, version);
        if done.contains(&key) {
            continue;
        }
        let what = format!("da rammeaftale {} version {} skulle deles", a.id, a.version);
        let doc = agreement_json(&a)?;
        let sha = fmt::sha256_hex(doc.to_string().as_bytes());
        let inserted = client
            .execute(
                "INSERT INTO plads.agreements (id, version, doc) VALUES ($1, $2, $3)
                 ON CONFLICT (id, version) DO NOTHING",
                &[&a.id, &version, &doc],
            )
            .map_err(|e| query_error(&what, &e))?;
        if inserted == 1 {
            report.agreements_sent += 1;
            mark(engine, AGREEMENT, &key, &sha, None)?;
            continue;
        }
        let row = client
            .query_one(
                "SELECT doc, published_by FROM plads.agreements WHERE id = $1 AND version = $2",
                &[&a.id, &version],
            )
            .map_err(|e| query_error(&what, &e))?;
        let (theirs, by): (serde_json::Value, String) = (row.get(0), row.get(1));
        let same = serde_json::from_value::<Agreement>(theirs).is_ok_and(|t| t == a);
        if same {
            report.already_there += 1;
            mark(engine, AGREEMENT, &key, &sha, None)?;
        } else {
            let why = format!(
                "Rammeaftale {} version {} findes allerede på kommunens server med et andet indhold (delt af {by}). En version ændres aldrig; den her er ikke delt, og serverens gælder for de andre computere. Giv den nye udgave version {}.",
                a.id,
                a.version,
                a.version + 1
            );
            report.refused.push(why.clone());
            mark(engine, AGREEMENT, &key, &sha, Some(&why))?;
        }
    }
    Ok(())
}

fn publish_sheets(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let (mine, done) = engine.with_db(|db| {
        Ok((
            rates::imported_sheets(db.conn())?,
            store::pushed_keys(db.conn(), RATE_SHEET)?,
        ))
    })?;
    for s in mine.into_iter().filter(|s| !done.contains(&s.sha256)) {
        let what = format!("da takstoversigten {} skulle deles", s.file_name);
        let rows: serde_json::Value = serde_json::from_str(&s.rows).map_err(|_| {
            Error::Internal(format!(
                "Takstoversigten {}: de gemte takster kan ikke læses.",
                s.file_name
            ))
        })?;
        let inserted = client
            .execute(
                "INSERT INTO plads.rate_sheets (sha256, file_name, rows) VALUES ($1, $2, $3)
                 ON CONFLICT (sha256) DO NOTHING",
                &[&s.sha256, &s.file_name, &rows],
            )
            .map_err(|e| query_error(&what, &e))?;
        // The same file (its SHA-256) is the same sheet: there already counts as published.
        if inserted == 1 {
            report.rate_sheets_sent += 1;
        } else {
            report.already_there += 1;
        }
        mark(engine, RATE_SHEET, &s.sha256, &s.sha256, None)?;
    }
    Ok(())
}

fn pull_agreements(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let what = "da rammeaftalerne skulle hentes";
    let keys = client
        .query(
            "SELECT id, version FROM plads.agreements ORDER BY published_at, id, version",
            &[],
        )
        .map_err(|e| query_error(what, &e))?;
    let done = engine.with_db(|db| store::pushed_keys(db.conn(), AGREEMENT))?;
    for k in keys {
        let (id, version): (String, i32) = (k.get(0), k.get(1));
        let key = agreement_key(&id, version);
        if done.contains(&key) {
            continue;
        }
        let row = client
            .query_one(
                "SELECT doc, published_by FROM plads.agreements WHERE id = $1 AND version = $2",
                &[&id, &version],
            )
            .map_err(|e| query_error(what, &e))?;
        report.fetched += 1;
        let (doc, by): (serde_json::Value, String) = (row.get(0), row.get(1));
        let sha = fmt::sha256_hex(doc.to_string().as_bytes());
        match engine.agreement_receive(&doc, &by) {
            Ok(Stored::New) => {
                report.agreements_received += 1;
                mark_received(engine, AGREEMENT, &key, &sha)?;
            }
            Ok(Stored::Unchanged) => mark(engine, AGREEMENT, &key, &sha, None)?,
            Err(Error::Conflict(_)) => {
                let why = format!(
                    "Rammeaftale {id} version {version} på kommunens server (delt af {by}) er ikke hentet: denne computer har en anden udgave af samme version. En version ændres aldrig; den her er bevaret uændret. Kontakt økonomi, så udgaven får et nyt versionsnummer."
                );
                report.conflicts.push(why.clone());
                mark(engine, AGREEMENT, &key, &sha, Some(&why))?;
            }
            // Not readable by this version of Pladsoverblik: left for after an update.
            Err(e @ (Error::Rejected { .. } | Error::Invalid(_))) => {
                report.unreadable.push(format!(
                    "Rammeaftale {id} version {version} (delt af {by}): {e}"
                ));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn pull_sheets(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let what = "da takstoversigterne skulle hentes".to_string();
    let keys = client
        .query(
            "SELECT sha256 FROM plads.rate_sheets ORDER BY published_at, sha256",
            &[],
        )
        .map_err(|e| query_error(&what, &e))?;
    let done = engine.with_db(|db| store::pushed_keys(db.conn(), RATE_SHEET))?;
    for k in keys {
        let sha: String = k.get(0);
        if done.contains(&sha) {
            continue;
        }
        let row = client
            .query_one(
                "SELECT file_name, rows, published_by FROM plads.rate_sheets WHERE sha256 = $1",
                &[&sha],
            )
            .map_err(|e| query_error(&what, &e))?;
        report.fetched += 1;
        let (file_name, rows, by): (String, serde_json::Value, String) =
            (row.get(0), row.get(1), row.get(2));
        let rows = rows.to_string();
        match engine.rates_receive(&file_name, &sha, &rows) {
            Ok(Some(_)) => {
                report.rate_sheets_received += 1;
                mark_received(engine, RATE_SHEET, &sha, &sha)?;
            }
            // Imported here already.
            Ok(None) => mark(engine, RATE_SHEET, &sha, &sha, None)?,
            Err(e @ (Error::Rejected { .. } | Error::Invalid(_))) => {
                report
                    .unreadable
                    .push(format!("Takstoversigten {file_name} (delt af {by}): {e}"));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Publishes the catalogue snapshot file imported here (gzip, with its extraction date and
/// source), once.
fn publish_catalogue(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let (file, done) = engine.with_db(|db| {
        Ok((
            catalogue::published::kept(db.conn())?,
            store::pushed_keys(db.conn(), CATALOGUE)?,
        ))
    })?;
    let Some(file) = file.filter(|f| !done.contains(&f.sha256)) else {
        return Ok(());
    };
    let what = format!("da kataloget {} skulle deles", file.file_name);
    let inserted = client
        .execute(
            "INSERT INTO plads.catalogue_snapshots (sha256, extracted, source, content)
             VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
            &[&file.sha256, &file.extracted, &file.source, &file.content],
        )
        .map_err(|e| query_error(&what, &e))?;
    if inserted == 1 {
        report.catalogue_sent = Some(file.extracted);
    } else {
        report.already_there += 1;
    }
    mark(engine, CATALOGUE, &file.sha256, &file.sha256, None)
}

/// Imports the newest catalogue snapshot on the server when its extraction date is later
/// than this computer's catalogue (or this one is example data): newest wins, an older one
/// never replaces a newer one. Imported through the normal import, with its backup.
fn pull_catalogue(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let what = "da kataloget skulle hentes";
    let newest = client
        .query_opt(
            "SELECT sha256, extracted, published_by FROM plads.catalogue_snapshots
             ORDER BY extracted DESC, published_at DESC LIMIT 1",
            &[],
        )
        .map_err(|e| query_error(what, &e))?;
    let Some(newest) = newest else {
        return Ok(());
    };
    let (sha, extracted, by): (String, NaiveDate, String) =
        (newest.get(0), newest.get(1), newest.get(2));
    let (here, done) = engine.with_db(|db| {
        Ok((
            catalogue::store::meta(db.conn())?,
            store::pushed_keys(db.conn(), CATALOGUE)?,
        ))
    })?;
    let newer = match &here {
        Some(m) if !m.is_example => m.extracted.is_none_or(|d| d < extracted),
        _ => true,
    };
    if !newer || done.contains(&sha) {
        return Ok(());
    }
    let Some(row) = client
        .query_opt(
            "SELECT content FROM plads.catalogue_snapshots WHERE sha256 = $1",
            &[&sha],
        )
        .map_err(|e| query_error(what, &e))?
    else {
        // Removed since (three newer ones were published meanwhile): the next sync takes the
        // newest.
        return Ok(());
    };
    let content: Vec<u8> = row.get(0);
    report.fetched += 1;
    match engine.catalogue_receive(&content, extracted) {
        Ok(_) => {
            report.catalogue_received = Some(extracted);
            mark_received(engine, CATALOGUE, &sha, &sha)
        }
        // Refused by the import's checks: reported, and not fetched again.
        Err(e @ (Error::Rejected { .. } | Error::Invalid(_))) => {
            let why = format!(
                "Kataloget pr. {} (delt af {by}) er ikke indlæst: {e}",
                fmt::date(extracted)
            );
            report.unreadable.push(why.clone());
            mark(engine, CATALOGUE, &sha, &sha, Some(&why))
        }
        Err(e) => Err(e),
    }
}
