//! `plads sync`: push, then pull (docs/server.md, "Sync"). Closed checks, issued contract
//! versions and audit entries are immutable and go to the server exactly once: every insert
//! is keyed (the number, number and version, installation and local id) and a retry finds the
//! record already there instead of adding it again. Municipal settings (the rules' numbers and
//! PL rates) carry the server's revision, so two machines changing one never overwrite each
//! other silently. Each refusal has a Danish reason, kept in the working copy.

use chrono::NaiveDate;
use pladsoverblik_core::contracts::store::IssuedVersion;
use pladsoverblik_core::contracts::ContractData;
use pladsoverblik_core::sync::{self as local, store};
use pladsoverblik_core::{audit, fmt, placement, settings, Engine, Error, Result};
use postgres::Client;
use serde::Serialize;

use crate::errors::{is_unique_violation, query_error};
use crate::{connect, numbers, schema, Target};

/// Audit entries per round trip.
const AUDIT_BATCH: usize = 500;

/// What one sync did, for the CLI and the window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub checks_sent: usize,
    pub versions_sent: usize,
    pub audit_sent: usize,
    /// Records found on the server already (a retry after a lost answer).
    pub already_there: usize,
    /// Records the server refused this time, each with its Danish reason.
    pub refused: Vec<String>,
    pub settings_pulled: Vec<String>,
    pub settings_sent: Vec<String>,
    /// Settings changed here and on the server since the last sync: the server's value won.
    pub conflicts: Vec<String>,
    /// Number blocks reserved.
    pub reserved: Vec<String>,
    /// Closed checks and issued contracts received from the server (new here), and later
    /// versions (corrections) of contracts.
    pub checks_received: usize,
    pub contracts_received: usize,
    pub corrections_received: usize,
    /// Records on the server this copy cannot read yet (sent by a newer Pladsoverblik).
    pub unreadable: Vec<String>,
    /// Checks, contract versions, agreements and rate sheets read from the server by the
    /// pull (new or not).
    pub fetched: usize,
    /// Agreement versions and rate sheets imported here and published on the server.
    pub agreements_sent: usize,
    pub rate_sheets_sent: usize,
    /// Agreement versions and rate sheets published by another computer, installed here.
    pub agreements_received: usize,
    pub rate_sheets_received: usize,
    /// Contract lifecycle events (signed, active, notice, renewed) sent, and received and
    /// applied to a received contract here.
    pub events_sent: usize,
    pub events_received: usize,
    /// The extraction date of the catalogue snapshot published, and of the one imported.
    pub catalogue_sent: Option<NaiveDate>,
    pub catalogue_received: Option<NaiveDate>,
}

impl Report {
    /// The report in Danish lines.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "Sendt: {}{}.",
            sent_counts(self.checks_sent, self.versions_sent, self.audit_sent),
            if self.already_there > 0 {
                format!(" ({} var der allerede)", self.already_there)
            } else {
                String::new()
            }
        )];
        out.push(crate::pull::received_line(
            self.checks_received,
            self.contracts_received,
            self.corrections_received,
        ));
        if self.events_sent + self.events_received > 0 {
            out.push(format!(
                "Kontrakthændelser (underskrevet, aktiv, opsagt, fornyet): {} sendt, {} hentet.",
                self.events_sent, self.events_received
            ));
        }
        if self.agreements_sent + self.rate_sheets_sent > 0 || self.catalogue_sent.is_some() {
            out.push(format!(
                "Delt med kommunen: {}.",
                crate::municipal::counts(
                    self.agreements_sent,
                    self.rate_sheets_sent,
                    self.catalogue_sent
                )
            ));
        }
        if self.agreements_received + self.rate_sheets_received > 0
            || self.catalogue_received.is_some()
        {
            out.push(format!(
                "Hentet fra kommunen: {}.",
                crate::municipal::counts(
                    self.agreements_received,
                    self.rate_sheets_received,
                    self.catalogue_received
                )
            ));
        }
        out.extend(self.refused.iter().map(|r| format!("Afvist: {r}")));
        out.extend(self.unreadable.iter().map(|r| format!("Ikke hentet: {r}")));
        out.extend(self.conflicts.iter().map(|c| format!("Konflikt: {c}")));
        out.extend(self.settings_pulled.iter().map(|s| format!("Hentet: {s}")));
        out.extend(self.settings_sent.iter().map(|s| format!("Delt: {s}")));
        out.extend(
            self.reserved
                .iter()
                .map(|b| format!("Nye numre reserveret: {b}")),
        );
        out
    }
}

/// "1 afstemning, 2 kontraktversioner, 1 post i revisionssporet".
pub fn sent_counts(checks: usize, versions: usize, audit: usize) -> String {
    format!(
        "{}, {}, {} i revisionssporet",
        fmt::count(checks, "afstemning", "afstemninger"),
        fmt::count(versions, "kontraktversion", "kontraktversioner"),
        fmt::count(audit, "post", "poster")
    )
}

/// One record's fate on the server.
enum Outcome {
    Sent,
    AlreadyThere,
    Refused(String),
}

/// A statement failed: a refusal of this record (the server answered), or the connection
/// is gone (then the whole sync stops and is retried later; nothing is lost).
fn refusal(what: &str, e: &postgres::Error) -> Result<Outcome> {
    if e.as_db_error().is_none() {
        return Err(query_error(what, e));
    }
    Ok(Outcome::Refused(query_error(what, e).to_string()))
}

/// Push then pull, with `today` as the app's today.
pub fn sync(engine: &Engine, target: &Target, today: NaiveDate) -> Result<Report> {
    let mut client = connect(target)?;
    schema::require_current(&mut client)?;
    let installation = engine.with_db(|db| local::installation_id(db.conn()))?;
    client
        .execute("SELECT plads.register_installation($1)", &[&installation])
        .map_err(|e| query_error("da computeren skulle registreres", &e))?;
    let mut report = Report::default();
    push_checks(engine, &mut client, &installation, &mut report)?;
    push_versions(engine, &mut client, &installation, &mut report)?;
    crate::events::push(engine, &mut client, &installation, &mut report)?;
    push_audit(engine, &mut client, &installation, &mut report)?;
    crate::pull::pull(engine, &mut client, &mut report)?;
    crate::municipal::sync(engine, &mut client, &mut report)?;
    sync_settings(engine, &mut client, &mut report)?;
    report.reserved = numbers::top_up(&mut client, engine, today)?;
    engine.with_db(|db| {
        store::set_mark(db.conn(), "synced", chrono::Utc::now().timestamp())?;
        audit::record(
            db.conn(),
            "sync",
            &target.describe(),
            &serde_json::json!({
                "checks": report.checks_sent,
                "versions": report.versions_sent,
                "audit": report.audit_sent,
                "refused": report.refused.len(),
                "conflicts": report.conflicts.len(),
                "received_checks": report.checks_received,
                "received_versions": report.contracts_received + report.corrections_received,
                "agreements_sent": report.agreements_sent,
                "events_sent": report.events_sent,
                "received_events": report.events_received,
                "rate_sheets_sent": report.rate_sheets_sent,
                "received_agreements": report.agreements_received,
                "received_rate_sheets": report.rate_sheets_received,
            }),
        )
    })?;
    Ok(report)
}

fn sha256_of(text: &str) -> String {
    fmt::sha256_hex(text.as_bytes())
}

/// Records the outcome in the working copy and the report.
fn settle(
    engine: &Engine,
    kind: &str,
    key: &str,
    sha: &str,
    outcome: Outcome,
    sent: &mut usize,
    report: &mut Report,
) -> Result<()> {
    let refused = match outcome {
        Outcome::Sent => {
            *sent += 1;
            None
        }
        Outcome::AlreadyThere => {
            report.already_there += 1;
            None
        }
        Outcome::Refused(why) => {
            report.refused.push(why.clone());
            Some(why)
        }
    };
    engine.with_db(|db| {
        store::mark_pushed(
            db.conn(),
            kind,
            key,
            sha,
            &audit::now_local(),
            refused.as_deref(),
        )
    })
}

fn push_checks(
    engine: &Engine,
    client: &mut Client,
    installation: &str,
    report: &mut Report,
) -> Result<()> {
    let (closed, done) = engine.with_db(|db| {
        Ok((
            placement::closed_ids(db.conn())?,
            store::pushed_keys(db.conn(), "check")?,
        ))
    })?;
    for (id, closed_on) in closed.into_iter().filter(|(id, _)| !done.contains(id)) {
        let on = fmt::parse_date(&closed_on)
            .or_else(|| NaiveDate::parse_from_str(&closed_on, "%Y-%m-%d").ok())
            .ok_or_else(|| Error::Internal(format!("Afstemning {id}: ugyldig lukkedag.")))?;
        // Read on its closing day: the check as it was closed, the same on every retry.
        let check = engine.with_db(|db| placement::load(db.conn(), &id, on))?;
        let doc = serde_json::to_value(&check)
            .map_err(|_| Error::Internal(format!("Afstemning {id} kunne ikke gemmes som JSON.")))?;
        let sha = sha256_of(&doc.to_string());
        let outcome = push_check(client, installation, &check, &doc, &sha)?;
        let mut sent = report.checks_sent;
        settle(engine, "check", &id, &sha, outcome, &mut sent, report)?;
        report.checks_sent = sent;
    }
    Ok(())
}

fn push_check(
    client: &mut Client,
    installation: &str,
    check: &placement::Check,
    doc: &serde_json::Value,
    sha: &str,
) -> Result<Outcome> {
    let what = format!("da afstemning {} skulle sendes", check.id);
    let Some(closed) = &check.closed else {
        return Ok(Outcome::Refused(format!(
            "Afstemning {} er ikke lukket.",
            check.id
        )));
    };
    let inserted = client.execute(
        "INSERT INTO plads.checks (id, kind, closed_on, conclusion, doc, sha256, installation)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        &[
            &check.id,
            &check.kind.code(),
            &closed.on,
            &closed.conclusion.code(),
            doc,
            &sha,
            &installation,
        ],
    );
    match inserted {
        Ok(1) => Ok(Outcome::Sent),
        Ok(_) => {
            let row = client
                .query_one(
                    "SELECT sha256, installation, pushed_by FROM plads.checks WHERE id = $1",
                    &[&check.id],
                )
                .map_err(|e| query_error(&what, &e))?;
            let (their_sha, their_copy, by): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            // This copy's own record (sent before; a derived text may read differently now).
            if their_sha == sha || their_copy == installation {
                Ok(Outcome::AlreadyThere)
            } else {
                Ok(Outcome::Refused(format!(
                    "Afstemning {} findes allerede på serveren fra en anden computer (sendt af {by}); nummeret er brugt to gange og afstemningen her er ikke sendt. Kontakt IT (docs/server.md, \"Numre\").",
                    check.id
                )))
            }
        }
        Err(e) => refusal(&what, &e),
    }
}

fn push_versions(
    engine: &Engine,
    client: &mut Client,
    installation: &str,
    report: &mut Report,
) -> Result<()> {
    let (versions, done) = engine.with_db(|db| {
        Ok((
            pladsoverblik_core::contracts::store::issued_versions(db.conn())?,
            store::pushed_keys(db.conn(), "contract_version")?,
        ))
    })?;
    for v in versions {
        let key = format!("{}/{}", v.contract_id, v.version);
        if done.contains(&key) {
            continue;
        }
        let outcome = push_version(client, installation, &v)?;
        let mut sent = report.versions_sent;
        settle(
            engine,
            "contract_version",
            &key,
            &v.sha256,
            outcome,
            &mut sent,
            report,
        )?;
        report.versions_sent = sent;
    }
    Ok(())
}

fn push_version(client: &mut Client, installation: &str, v: &IssuedVersion) -> Result<Outcome> {
    let what = format!(
        "da kontrakt {} version {} skulle sendes",
        v.contract_id, v.version
    );
    let data: ContractData = serde_json::from_str(&v.data).map_err(|_| {
        Error::Internal(format!(
            "Kontrakt {} version {}: de gemte kontraktdata kan ikke læses.",
            v.contract_id, v.version
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(&v.data)
        .map_err(|_| Error::Internal(format!("Kontrakt {}: ugyldig JSON.", v.contract_id)))?;
    let mut tx = client.transaction().map_err(|e| query_error(&what, &e))?;
    let contract = tx.execute(
        "INSERT INTO plads.contracts (id, offer_id, check_id, renewed_from, installation)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        &[
            &v.contract_id,
            &v.offer_id,
            &v.check_id,
            &v.renewed_from,
            &installation,
        ],
    );
    match contract {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            return Ok(Outcome::Refused(one_per_check(client, v)?));
        }
        Err(e) => return refusal(&what, &e),
    }
    let inserted = tx.execute(
        "INSERT INTO plads.contract_versions (contract_id, version, citizen_name, citizen_cpr,
             offer_id, legal_basis, start_date, end_date, issued_on, reason, data, sha256,
             installation)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (contract_id, version) DO NOTHING",
        &[
            &v.contract_id,
            &(v.version as i32),
            &data.citizen_name,
            &data.citizen_cpr,
            &v.offer_id,
            &data.legal_basis.code(),
            &data.start,
            &data.end,
            &data.issued_on,
            &v.reason,
            &json,
            &v.sha256,
            &installation,
        ],
    );
    match inserted {
        Ok(1) => {
            tx.commit().map_err(|e| query_error(&what, &e))?;
            Ok(Outcome::Sent)
        }
        Ok(_) => already_there(&mut tx, v, &what),
        Err(e) => refusal(&what, &e),
    }
}

/// Version `v` was on the server already: the same bytes (a retry) or another computer's
/// version of the same number, which stands.
fn already_there(
    tx: &mut postgres::Transaction<'_>,
    v: &IssuedVersion,
    what: &str,
) -> Result<Outcome> {
    let row = tx
        .query_one(
            "SELECT sha256, pushed_by, issued_on FROM plads.contract_versions
             WHERE contract_id = $1 AND version = $2",
            &[&v.contract_id, &(v.version as i32)],
        )
        .map_err(|e| query_error(what, &e))?;
    let (their_sha, by, on): (String, String, NaiveDate) = (row.get(0), row.get(1), row.get(2));
    if their_sha == v.sha256 {
        return Ok(Outcome::AlreadyThere);
    }
    Ok(Outcome::Refused(format!(
        "Kontrakt {} version {} er også udstedt på en anden computer (af {by}, {}), og den version gælder på serveren. Versionen her er ikke sendt, og versionskæden på serveren er uændret: ret kontrakten igen ud fra serverens version.",
        v.contract_id,
        v.version,
        fmt::date(on)
    )))
}

/// The refusal of a second contract from the same check.
fn one_per_check(client: &mut Client, v: &IssuedVersion) -> Result<String> {
    let check = v.check_id.clone().unwrap_or_default();
    let other = client
        .query_opt(
            "SELECT id, pushed_by FROM plads.contracts
             WHERE check_id = $1 AND renewed_from IS NULL",
            &[&check],
        )
        .map_err(|e| query_error("da kontrakten skulle sendes", &e))?;
    let who = other.map_or_else(
        || "en anden kontrakt".to_string(),
        |r| {
            format!(
                "kontrakt {} (sendt af {})",
                r.get::<_, String>(0),
                r.get::<_, String>(1)
            )
        },
    );
    Ok(format!(
        "Kontrakt {} er ikke sendt: afstemning {check} er allerede brugt til {who}. En afstemning giver kun én kontrakt; aftal hvilken der gælder, og opsig eller kassér den anden.",
        v.contract_id
    ))
}

fn push_audit(
    engine: &Engine,
    client: &mut Client,
    installation: &str,
    report: &mut Report,
) -> Result<()> {
    loop {
        let entries = engine.with_db(|db| {
            let after = store::mark(db.conn(), "audit")?;
            audit::entries_after(db.conn(), after, AUDIT_BATCH)
        })?;
        let Some(last) = entries.last().map(|e| e.id) else {
            return Ok(());
        };
        let what = "da revisionssporet skulle sendes";
        let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
        let col = |f: fn(&audit::Entry) -> &String| -> Vec<String> {
            entries.iter().map(|e| f(e).clone()).collect()
        };
        let n = client
            .execute(
                "INSERT INTO plads.audit_log (installation, local_id, at, user_name, action,
                     subject, details)
                 SELECT $1, u.id, u.at::timestamp, u.usr, u.act, u.subj, u.det
                 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                             $7::text[]) AS u(id, at, usr, act, subj, det)
                 ON CONFLICT (installation, local_id) DO NOTHING",
                &[
                    &installation,
                    &ids,
                    &col(|e| &e.at),
                    &col(|e| &e.user),
                    &col(|e| &e.action),
                    &col(|e| &e.subject),
                    &col(|e| &e.details),
                ],
            )
            .map_err(|e| query_error(what, &e))?;
        report.audit_sent += n as usize;
        report.already_there += entries.len() - n as usize;
        engine.with_db(|db| store::set_mark(db.conn(), "audit", last))?;
    }
}

/// Settings: a value changed here since the last pull is sent with the revision it was
/// based on; the server takes it only if nobody changed it meanwhile. Otherwise, and for
/// every value changed only on the server, the server's value is taken here.
fn sync_settings(engine: &Engine, client: &mut Client, report: &mut Report) -> Result<()> {
    let what = "da indstillingerne skulle hentes";
    let rows = client
        .query(
            "SELECT key, value, revision, changed_by FROM plads.settings",
            &[],
        )
        .map_err(|e| query_error(what, &e))?;
    let server: std::collections::BTreeMap<String, (String, i32, String)> = rows
        .iter()
        .map(|r| (r.get::<_, String>(0), (r.get(1), r.get(2), r.get(3))))
        .filter(|(k, _)| settings::is_municipal(k))
        .collect();
    let here: std::collections::BTreeMap<String, String> = engine
        .with_db(|db| settings::municipal(db.conn()))?
        .into_iter()
        .collect();
    let mut keys: Vec<&String> = server.keys().chain(here.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let base = engine.with_db(|db| store::setting_base(db.conn(), key))?;
        let mine = here.get(key);
        let theirs = server.get(key);
        let changed_here = match (&base, mine) {
            (Some((_, was)), Some(now)) => was != now,
            (None, Some(_)) => theirs.is_none(),
            _ => false,
        };
        if changed_here {
            if let Some(value) = mine {
                if send_setting(client, key, value, base.as_ref().map(|b| b.0), report)? {
                    let revision = base.map_or(1, |b| b.0 + 1);
                    engine
                        .with_db(|db| store::set_setting_base(db.conn(), key, revision, value))?;
                    continue;
                }
                // Refused or changed meanwhile: fall through and take the server's value.
                if let Some((value_s, _, by)) = theirs {
                    report.conflicts.push(format!(
                        "«{key}» blev ændret til {value_s} på serveren (af {by}), mens den her var ændret til {value}; kommunens værdi {value_s} gælder nu. Ret den igen, hvis din skal gælde."
                    ));
                }
            }
        }
        if let Some((value_s, revision, _)) = theirs {
            engine.with_db(|db| {
                settings::apply_pulled(db.conn(), key, value_s)?;
                store::set_setting_base(db.conn(), key, i64::from(*revision), value_s)
            })?;
            if mine != Some(value_s) {
                report.settings_pulled.push(format!("{key} = {value_s}"));
            }
        }
    }
    Ok(())
}

/// Sends one changed setting; false when the server keeps its own (changed meanwhile, or the
/// role may not change municipal settings: then the reason is in the report).
fn send_setting(
    client: &mut Client,
    key: &str,
    value: &str,
    base: Option<i64>,
    report: &mut Report,
) -> Result<bool> {
    let what = format!("da indstillingen «{key}» skulle deles");
    let result = match base {
        Some(revision) => client.execute(
            "UPDATE plads.settings SET value = $2, revision = revision + 1,
                 changed_by = session_user, changed_at = now()
             WHERE key = $1 AND revision = $3",
            &[&key, &value, &(revision as i32)],
        ),
        None => client.execute(
            "INSERT INTO plads.settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&key, &value],
        ),
    };
    match result {
        Ok(1) => {
            report.settings_sent.push(format!("{key} = {value}"));
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) => match refusal(&what, &e)? {
            Outcome::Refused(why) => {
                report.refused.push(why);
                Ok(false)
            }
            _ => Ok(false),
        },
    }
}

/// What `plads sync --status` and the window show without a connection: the last sync and
/// what is waiting to be sent.
#[derive(Debug, Clone, Serialize)]
pub struct Pending {
    pub last_sync: Option<String>,
    pub checks: usize,
    pub versions: usize,
    /// Lifecycle events (signed, active, notice, renewed) of contracts made here.
    pub events: usize,
    /// Agreements, rate sheets and a catalogue imported here, to be published.
    pub municipal: crate::municipal::Waiting,
    pub audit: i64,
    pub refused: Vec<String>,
    /// Received from the server so far: closed checks, contracts, contract versions.
    pub received_checks: i64,
    pub received_contracts: i64,
    pub received_versions: i64,
    /// Agreements, rate sheets and catalogue snapshots installed from the server so far.
    pub received_municipal: crate::municipal::Received,
    /// Records on the server not taken here (another record here under the number), why.
    pub received_conflicts: Vec<String>,
}

/// "2 afstemninger", "1 kontrakt", … for each (count, singular, plural) whose count is not 0.
pub fn counted_parts(counts: &[(usize, &str, &str)]) -> Vec<String> {
    counts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| fmt::count(n, one, many))
        .collect()
}

impl Pending {
    /// "1 afstemning, 2 kontraktversioner, 1 kontrakthændelse, 3 poster i revisionssporet"
    /// (and ", 1 rammeaftale, kataloget pr. 20.11.2026" when such wait to be published).
    pub fn waiting_text(&self) -> String {
        let mut text = format!(
            "{}, {}, {}, {} i revisionssporet",
            fmt::count(self.checks, "afstemning", "afstemninger"),
            fmt::count(self.versions, "kontraktversion", "kontraktversioner"),
            fmt::count(self.events, "kontrakthændelse", "kontrakthændelser"),
            fmt::count(usize::try_from(self.audit).unwrap_or(0), "post", "poster")
        );
        for part in self.municipal_parts() {
            text.push_str(", ");
            text.push_str(&part);
        }
        text
    }

    /// The checks and contracts received from the server so far: "2 afstemninger, 1 kontrakt"
    /// (and the corrections, when there are any).
    pub fn received_text(&self) -> String {
        let n = |v: i64| usize::try_from(v).unwrap_or(0);
        crate::pull::received_counts(
            n(self.received_checks),
            n(self.received_contracts),
            n(self.received_versions - self.received_contracts),
        )
    }

    /// The municipal data installed from the server so far, one part each: "1 rammeaftale",
    /// "2 takstoversigter", "1 katalog" (none when nothing was).
    pub fn received_municipal_parts(&self) -> Vec<String> {
        let m = &self.received_municipal;
        counted_parts(&[
            (m.agreements, "rammeaftale", "rammeaftaler"),
            (m.rate_sheets, "takstoversigt", "takstoversigter"),
            (m.catalogues, "katalog", "kataloger"),
        ])
    }

    /// The municipal data waiting, one part each: "1 rammeaftale", "kataloget pr. …".
    pub fn municipal_parts(&self) -> Vec<String> {
        let m = &self.municipal;
        let mut parts = counted_parts(&[
            (m.agreements, "rammeaftale", "rammeaftaler"),
            (m.rate_sheets, "takstoversigt", "takstoversigter"),
        ]);
        if let Some(on) = m.catalogue {
            parts.push(format!("kataloget pr. {}", fmt::date(on)));
        }
        parts
    }
}

pub fn pending(engine: &Engine) -> Result<Pending> {
    engine.with_db(|db| {
        let conn = db.conn();
        let checks = placement::closed_ids(conn)?;
        let sent_checks = store::pushed_keys(conn, "check")?;
        let versions = pladsoverblik_core::contracts::store::issued_versions(conn)?;
        let sent_versions = store::pushed_keys(conn, "contract_version")?;
        let audit_after = store::mark(conn, "audit")?;
        let synced = store::mark(conn, "synced")?;
        let (received_checks, _) = store::received_count(conn, "check")?;
        let (received_versions, received_contracts) =
            store::received_count(conn, "contract_version")?;
        Ok(Pending {
            last_sync: (synced > 0)
                .then(|| chrono::DateTime::from_timestamp(synced, 0))
                .flatten()
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%d.%m.%Y kl. %H:%M")
                        .to_string()
                }),
            checks: checks
                .iter()
                .filter(|(id, _)| !sent_checks.contains(id))
                .count(),
            versions: versions
                .iter()
                .filter(|v| !sent_versions.contains(&format!("{}/{}", v.contract_id, v.version)))
                .count(),
            events: crate::events::waiting(conn)?,
            municipal: crate::municipal::waiting(conn)?,
            audit: audit::count_after(conn, audit_after)?,
            refused: store::refusals(conn)?
                .into_iter()
                .map(|(_, _, why)| why)
                .collect(),
            received_checks,
            received_contracts,
            received_versions,
            received_municipal: crate::municipal::received(conn)?,
            received_conflicts: store::received_conflicts(conn)?,
        })
    })
}
