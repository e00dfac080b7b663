//! Contracts in the database: drafts, issuing, versions, states, notice and renewal. Every
//! change of state is in the audit log (never the citizen's name or CPR).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use super::evaluate::evaluate;
use super::model::*;
use super::{ids, price};
use crate::error::{Error, Result};
use crate::{audit, fmt, settings};
use serde::Serialize;

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::Internal(format!("Kontrakten kunne ikke gemmes: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(id: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| {
        Error::Internal(format!(
            "Kontrakt {id}: data i databasen kan ikke læses; databasen er måske skrevet af en anden version af Pladsoverblik."
        ))
    })
}

/// The next contract number of a year: from this copy's number block when a server is set
/// up (`sync::next_number`), else counted here.
fn next_id(conn: &Connection, year: i32) -> Result<String> {
    let from_block = crate::sync::next_number(conn, crate::sync::Series::Contract, year, |id| {
        exists(conn, id)
    })?;
    if let Some(id) = from_block {
        return Ok(id);
    }
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM contracts WHERE id LIKE ?1",
        [format!("K-{year}-%")],
        |r| r.get(0),
    )?;
    // Counted here: past any number already in the file (a contract received from the
    // server while one was set up keeps its number).
    let mut n = n + 1;
    while exists(conn, &format!("K-{year}-{n:04}"))? {
        n += 1;
    }
    Ok(format!("K-{year}-{n:04}"))
}

/// Whether contract `id` exists here (a draft, issued, discarded or received).
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM contracts WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Refuses any change to a contract received from the municipality's server: it was issued
/// on another computer, and is changed there (its lifecycle is not synced yet).
fn refuse_received(conn: &Connection, id: &str) -> Result<()> {
    match crate::sync::received_text(conn, crate::sync::Kind::ContractVersion, id)? {
        Some(from) => Err(Error::Refused(format!(
            "Kontrakt {id} kan ikke ændres på denne computer: {from} Ret, opsig eller forny den på den computer, hvor den blev udstedt."
        ))),
        None => Ok(()),
    }
}

/// Starts a contract from a form (usually prefilled from a check or an offer).
pub fn create_draft(
    conn: &Connection,
    form: &ContractForm,
    today: NaiveDate,
) -> Result<ContractView> {
    if form.offer_id.trim().is_empty() {
        return Err(Error::Invalid(
            "Tilbud: vælg det tilbud, kontrakten gælder.".into(),
        ));
    }
    form.check_storable()?;
    // Evaluated before it is stored: a form that cannot be evaluated is not saved.
    evaluate(conn, form, today)?;
    let tx = conn.unchecked_transaction()?;
    let id = next_id(&tx, today.year())?;
    let user = audit::current_user(&tx);
    let check = form.check_id.trim();
    if !check.is_empty() && !crate::placement::exists(&tx, check)? {
        return Err(Error::Invalid(format!(
            "Afstemning: «{check}» findes ikke."
        )));
    }
    tx.execute(
        "INSERT INTO contracts (id, created_at, created_by, offer_id, check_id, state)
         VALUES (?1, ?2, ?3, ?4, ?5, 'kladde')",
        params![
            id,
            audit::now_local(),
            user,
            form.offer_id.trim(),
            (!check.is_empty()).then_some(check)
        ],
    )?;
    insert_version(&tx, &id, 1, form, "")?;
    audit::record(
        &tx,
        "contract.draft",
        &id,
        &serde_json::json!({ "offer_id": form.offer_id.trim(), "check_id": check }),
    )?;
    tx.commit()?;
    load(conn, &id, today)
}

fn insert_version(
    conn: &Connection,
    id: &str,
    version: u32,
    form: &ContractForm,
    reason: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO contract_versions (contract_id, version, created_at, created_by, form, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            version,
            audit::now_local(),
            audit::current_user(conn),
            json(form)?,
            reason
        ],
    )?;
    Ok(())
}

struct Header {
    state: ContractState,
    offer_id: String,
    check_id: Option<String>,
    renewed_from: Option<String>,
    notice: Option<(String, String, String)>,
}

fn header(conn: &Connection, id: &str) -> Result<Header> {
    let row = conn
        .query_row(
            "SELECT state, offer_id, check_id, renewed_from, notice_party, notice_given_on, end_after_notice
             FROM contracts WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some(row) = row else {
        return Err(missing(conn, id)?);
    };
    Ok(Header {
        state: ContractState::parse(&row.0)?,
        offer_id: row.1,
        check_id: row.2,
        renewed_from: row.3,
        notice: match (row.4, row.5, row.6) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            _ => None,
        },
    })
}

struct StoredVersion {
    view: VersionView,
    form: ContractForm,
    data: Option<ContractData>,
}

fn versions(conn: &Connection, id: &str) -> Result<Vec<StoredVersion>> {
    let mut st = conn.prepare(
        "SELECT version, created_at, created_by, form, data, data_sha256, issued_at, issued_by, reason, pdf_sha256
         FROM contract_versions WHERE contract_id = ?1 ORDER BY version",
    )?;
    let mut rows = st.query([id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let form: String = r.get(3)?;
        let data: Option<String> = r.get(4)?;
        let issued_at: Option<String> = r.get(6)?;
        out.push(StoredVersion {
            view: VersionView {
                version: r.get(0)?,
                issued: issued_at.is_some(),
                created_at: r.get(1)?,
                created_by: r.get(2)?,
                issued_at,
                issued_by: r.get(7)?,
                reason: r.get(8)?,
                data_sha256: r.get(5)?,
                pdf_sha256: r.get(9)?,
            },
            form: from_json(id, &form)?,
            data: data.as_deref().map(|d| from_json(id, d)).transpose()?,
        });
    }
    Ok(out)
}

/// The contract with its current version judged on `today`.
pub fn load(conn: &Connection, id: &str, today: NaiveDate) -> Result<ContractView> {
    let id = id.trim();
    let h = header(conn, id)?;
    let mut all = versions(conn, id)?;
    let Some(current) = all.pop() else {
        return Err(missing(conn, id)?);
    };
    // A stored draft always opens: should its evaluation fail, that is shown as its problem,
    // so the draft can still be corrected or discarded.
    let evaluation = evaluate(conn, &current.form, today).unwrap_or_else(|e| Evaluation {
        problems: vec![FieldProblem {
            field: "offer_id".into(),
            message: format!("Kladden kan ikke vurderes: {e}"),
        }],
        ..Evaluation::default()
    });
    let renewed_by: Option<String> = conn
        .query_row(
            "SELECT id FROM contracts WHERE renewed_from = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let termination = h.notice.as_ref().and_then(termination);
    let warn_days = settings::number(conn, &settings::CONTRACT_WARN_DAYS)?;
    let data_for_warnings = current
        .data
        .as_ref()
        .or(all.iter().rev().find_map(|v| v.data.as_ref()));
    let warnings = data_for_warnings
        .map(|d| warnings(h.state, d, termination.as_ref(), today, warn_days))
        .unwrap_or_default();
    let mut version_views: Vec<VersionView> = all.into_iter().map(|v| v.view).collect();
    version_views.push(current.view.clone());
    let received = match crate::sync::received_text(conn, crate::sync::Kind::ContractVersion, id)? {
        Some(text) => match crate::sync::received_events_text(conn, id)? {
            Some(events) => Some(format!("{text} {events}")),
            None => Some(text),
        },
        None => None,
    };
    let actions = actions(
        h.state,
        current.view.issued,
        renewed_by.is_some(),
        received.is_some(),
    );
    let citizen_cpr_masked = ids::mask_cpr(
        current
            .data
            .as_ref()
            .map_or(&current.form.citizen_cpr, |d| &d.citizen_cpr),
    );
    Ok(ContractView {
        id: id.to_string(),
        state_text: match (&termination, &renewed_by) {
            (Some(t), _) => format!("{} – {}", h.state.label(), t.text),
            (None, Some(r)) if h.state == ContractState::Fornyet => format!("Fornyet som {r}"),
            _ => h.state.label().to_string(),
        },
        state: h.state,
        offer_id: h.offer_id,
        check_id: h.check_id,
        renewed_from: h.renewed_from,
        renewed_by,
        versions: version_views,
        current: current.view,
        form: current.form,
        evaluation,
        data: current.data,
        termination,
        warnings,
        citizen_cpr_masked,
        actions,
        received,
    })
}

/// The stored notice (party, day given, last day) as the contract's termination.
fn termination((party, given, last): &(String, String, String)) -> Option<Termination> {
    let party = NoticeParty::parse(party).ok()?;
    let given = fmt::parse_date(given)?;
    let last = fmt::parse_date(last)?;
    Some(Termination {
        text: format!(
            "Opsagt af {} den {}; sidste dag {}.",
            party.label(),
            fmt::date(given),
            fmt::date(last)
        ),
        party,
        given_on: given,
        last_day: last,
    })
}

/// What may be done now; a contract received from another computer is read-only here (only
/// its PDF).
fn actions(state: ContractState, issued: bool, renewed: bool, received: bool) -> Actions {
    if received {
        Actions {
            export_pdf: issued,
            ..Actions::default()
        }
    } else {
        super::rules::actions(state, issued, renewed)
    }
}

fn warnings(
    state: ContractState,
    d: &ContractData,
    termination: Option<&Termination>,
    today: NaiveDate,
    warn_days: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(state, ContractState::Fornyet | ContractState::Kladde) {
        return out;
    }
    let end = termination.map_or(d.end, |t| t.last_day);
    let left = (end - today).num_days();
    if left < 0 {
        out.push(format!("Udløbet {}", fmt::date(end)));
    } else if left <= warn_days {
        out.push(if left == 0 {
            "Udløber i dag".to_string()
        } else {
            format!("Udløber om {left} dage ({})", fmt::date(end))
        });
    }
    if let Some(f) = d.followups.iter().find(|f| **f >= today) {
        let until = (*f - today).num_days();
        if until <= 14 {
            out.push(format!("Opfølgning {} (om {until} dage)", fmt::date(*f)));
        }
    }
    out
}

fn current_version(conn: &Connection, id: &str) -> Result<(u32, bool, String)> {
    match conn
        .query_row(
            "SELECT version, issued_at IS NOT NULL, form FROM contract_versions
             WHERE contract_id = ?1 ORDER BY version DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
    {
        Some(v) => Ok(v),
        None => Err(missing(conn, id)?),
    }
}

/// Why contract `id` has no version: it was discarded, it is a contract from before the
/// standard (never handled as a standard contract), or it does not exist.
fn missing(conn: &Connection, id: &str) -> Result<Error> {
    if super::old::store::exists(conn, id)? {
        return Ok(super::old::not_standard(id));
    }
    let discarded: Option<(String, String)> = conn
        .query_row(
            "SELECT discarded_at, discarded_by FROM contract_discards WHERE contract_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match discarded {
        Some((at, by)) => Error::NotFound(format!(
            "Kontrakt {id} er en kasseret kladde (kasseret {} af {by}).",
            fmt::timestamp(&at)
        )),
        None => Error::NotFound(format!("Kontrakten «{id}» findes ikke.")),
    })
}

/// Discards the draft version of contract `id`, which was never issued: a new contract's
/// only draft (the contract is then a discarded draft; its number is not reused), or a
/// correction's draft (the contract goes back to its issued version). The draft — the
/// citizen's data with it — is deleted; the audit log says who and when. Returns what
/// happened, in Danish.
pub fn discard(conn: &Connection, id: &str, today: NaiveDate) -> Result<String> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let (version, issued, _) = current_version(conn, id)?;
    if issued {
        return Err(Error::Refused(format!(
            "Kontrakt {id} version {version} er udstedt og kan ikke kasseres; en udstedt kontrakt opsiges eller rettes."
        )));
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "DELETE FROM contract_versions WHERE contract_id = ?1 AND version = ?2",
        params![id, version],
    )?;
    if version == 1 {
        tx.execute(
            "INSERT INTO contract_discards (contract_id, discarded_at, discarded_by)
             VALUES (?1, ?2, ?3)",
            params![id, audit::now_local(), audit::current_user(&tx)],
        )?;
    }
    audit::record(
        &tx,
        "contract.discard",
        id,
        &serde_json::json!({ "version": version }),
    )?;
    tx.commit()?;
    Ok(if version == 1 {
        format!("Kladden {id} er kasseret; nummeret bruges ikke igen.")
    } else {
        let back = load(conn, id, today)?;
        format!(
            "Rettelsen (version {version}) af kontrakt {id} er kasseret; version {} gælder fortsat ({}).",
            back.current.version,
            back.state_text.to_lowercase()
        )
    })
}

/// Saves the current draft version with what the user typed (problems or not).
pub fn save_draft(
    conn: &Connection,
    id: &str,
    form: &ContractForm,
    today: NaiveDate,
) -> Result<ContractView> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let (version, issued, _) = current_version(conn, id)?;
    if issued {
        return Err(Error::Refused(format!(
            "Kontrakt {id} version {version} er udstedt og kan ikke ændres. Lav en rettelse (ny version)."
        )));
    }
    form.check_storable()?;
    evaluate(conn, form, today)?;
    // As `create_draft`: a check that does not exist is named, not a foreign-key failure.
    let check = form.check_id.trim();
    if !check.is_empty() && !crate::placement::exists(conn, check)? {
        return Err(Error::Invalid(format!(
            "Afstemning: «{check}» findes ikke."
        )));
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE contract_versions SET form = ?3 WHERE contract_id = ?1 AND version = ?2",
        params![id, version, json(form)?],
    )?;
    tx.execute(
        "UPDATE contracts SET offer_id = ?2, check_id = ?3 WHERE id = ?1",
        params![
            id,
            form.offer_id.trim(),
            Some(form.check_id.trim()).filter(|c| !c.is_empty())
        ],
    )?;
    audit::record(
        &tx,
        "contract.save",
        id,
        &serde_json::json!({ "version": version }),
    )?;
    tx.commit()?;
    load(conn, id, today)
}

/// Issues the current draft: every problem must be solved. From then on the version never
/// changes; its canonical data and SHA-256 are stored.
pub fn issue(conn: &Connection, id: &str, today: NaiveDate) -> Result<ContractView> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let (version, issued, form) = current_version(conn, id)?;
    if issued {
        return Err(Error::Refused(format!(
            "Kontrakt {id} version {version} er allerede udstedt."
        )));
    }
    let form: ContractForm = from_json(id, &form)?;
    let evaluation = evaluate(conn, &form, today)?;
    let Some(mut data) = evaluation.data else {
        let list: Vec<String> = evaluation
            .problems
            .iter()
            .map(|p| format!("  - {}", p.message))
            .collect();
        return Err(Error::Refused(format!(
            "Kontrakt {id} kan ikke udstedes, før {} fejl er rettet:\n{}",
            list.len(),
            list.join("\n")
        )));
    };
    data.number = id.to_string();
    data.version = version;
    let canonical = serde_json::to_vec(&data)
        .map_err(|e| Error::Internal(format!("Kontrakten kunne ikke gemmes: {e}")))?;
    let hash = crate::fmt::sha256_hex(&canonical);
    let h = header(conn, id)?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE contract_versions SET data = ?3, data_sha256 = ?4, issued_at = ?5, issued_by = ?6
         WHERE contract_id = ?1 AND version = ?2",
        params![
            id,
            version,
            String::from_utf8_lossy(&canonical),
            hash,
            audit::now_local(),
            audit::current_user(&tx)
        ],
    )?;
    tx.execute(
        "UPDATE contracts SET state = 'udstedt', check_id = ?2 WHERE id = ?1",
        params![id, data.check_id],
    )?;
    if let Some(old) = &h.renewed_from {
        tx.execute(
            "UPDATE contracts SET state = 'fornyet' WHERE id = ?1",
            [old],
        )?;
        audit::record(
            &tx,
            "contract.renewed",
            old,
            &serde_json::json!({ "renewed_by": id }),
        )?;
    }
    audit::record(
        &tx,
        "contract.issue",
        id,
        &serde_json::json!({ "version": version, "sha256": hash, "template": data.template.id, "check_id": data.check_id }),
    )?;
    tx.commit()?;
    load(conn, id, today)
}

/// A correction: a new draft version with the issued form, pointing to it, with a reason.
pub fn correct(
    conn: &Connection,
    id: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<ContractView> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(
            "Årsag: skriv hvorfor kontrakten rettes.".into(),
        ));
    }
    crate::limits::text_len(reason, crate::limits::text::NOTE, "Årsag")?;
    let (version, issued, form) = current_version(conn, id)?;
    if !issued {
        return Err(Error::Refused(format!(
            "Kontrakt {id} version {version} er endnu ikke udstedt; ret kladden direkte."
        )));
    }
    let h = header(conn, id)?;
    if matches!(h.state, ContractState::Opsagt | ContractState::Fornyet) {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er {} og kan ikke rettes.",
            h.state.label().to_lowercase()
        )));
    }
    let form: ContractForm = from_json(id, &form)?;
    let tx = conn.unchecked_transaction()?;
    insert_version(&tx, id, version + 1, &form, reason)?;
    audit::record(
        &tx,
        "contract.correct",
        id,
        &serde_json::json!({ "version": version + 1, "replaces": version }),
    )?;
    tx.commit()?;
    load(conn, id, today)
}

/// Marks an issued contract signed or active.
pub fn set_state(
    conn: &Connection,
    id: &str,
    state: ContractState,
    today: NaiveDate,
) -> Result<ContractView> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let h = header(conn, id)?;
    let (_, issued, _) = current_version(conn, id)?;
    let can = super::rules::actions(h.state, issued, false);
    let allowed = match state {
        ContractState::Underskrevet => can.mark_signed,
        ContractState::Aktiv => can.mark_active,
        _ => false,
    };
    if !allowed {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er {} og kan ikke markeres som {}.",
            h.state.label().to_lowercase(),
            state.label().to_lowercase()
        )));
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE contracts SET state = ?2 WHERE id = ?1",
        params![id, state.code()],
    )?;
    audit::record(
        &tx,
        "contract.state",
        id,
        &serde_json::json!({ "from": h.state.code(), "to": state.code() }),
    )?;
    tx.commit()?;
    load(conn, id, today)
}

/// Records notice given by `party` on `given_on` and the computed last day.
pub fn terminate(
    conn: &Connection,
    id: &str,
    party: NoticeParty,
    given_on: NaiveDate,
    today: NaiveDate,
) -> Result<ContractView> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let view = load(conn, id, today)?;
    let Some(data) = &view.data else {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er ikke udstedt og kan ikke opsiges."
        )));
    };
    if !matches!(
        view.state,
        ContractState::Udstedt | ContractState::Underskrevet | ContractState::Aktiv
    ) {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er {} og kan ikke opsiges.",
            view.state.label().to_lowercase()
        )));
    }
    if given_on > today {
        return Err(Error::Invalid(format!(
            "Opsigelsesdato: {} ligger i fremtiden; registrér opsigelsen, når den er givet.",
            fmt::date(given_on)
        )));
    }
    if given_on > data.end {
        return Err(Error::Invalid(format!(
            "Opsigelsesdato: {} ligger efter kontraktens slutdato {}.",
            fmt::date(given_on),
            fmt::date(data.end)
        )));
    }
    let rule = match party {
        NoticeParty::Koeber => &data.notice.buyer,
        NoticeParty::Leverandoer => &data.notice.provider,
    };
    let last = price::last_day_after_notice(given_on.max(data.start), rule, data.end);
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE contracts SET state = 'opsagt', notice_party = ?2, notice_given_on = ?3, end_after_notice = ?4 WHERE id = ?1",
        params![id, party.code(), given_on.to_string(), last.to_string()],
    )?;
    audit::record(
        &tx,
        "contract.terminate",
        id,
        &serde_json::json!({ "party": party.code(), "given_on": given_on.to_string(), "last_day": last.to_string() }),
    )?;
    tx.commit()?;
    load(conn, id, today)
}

enum Shift {
    Months(u32),
    Days(i64),
}

/// Renewal: a new time-limited contract drafted from the old one, starting the day after it
/// ends, with the follow-ups moved along. It is linked to the old one, which becomes
/// "fornyet" when the new one is issued.
pub fn renew(conn: &Connection, id: &str, today: NaiveDate) -> Result<ContractView> {
    let id = id.trim();
    refuse_received(conn, id)?;
    let view = load(conn, id, today)?;
    let Some(data) = &view.data else {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er ikke udstedt og kan ikke fornyes."
        )));
    };
    if matches!(view.state, ContractState::Opsagt | ContractState::Fornyet) {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er {} og kan ikke fornyes.",
            view.state.label().to_lowercase()
        )));
    }
    if let Some(next) = &view.renewed_by {
        return Err(Error::Refused(format!(
            "Kontrakt {id} er allerede fornyet som {next}."
        )));
    }
    let max_months = settings::number(conn, &settings::CONTRACT_MAX_TERM_MONTHS)?;
    let start = data.end.succ_opt().unwrap_or(data.end);
    // The same term as before: whole months stay whole months (leap days or not).
    let longest = price::term_end(start, max_months as u32);
    let end = match price::months_and_days(data.start, data.end) {
        (months, 0) => price::term_end(start, months),
        _ => start + chrono::Duration::days((data.end - data.start).num_days()),
    }
    .min(longest);
    // Follow-ups move with the term: by whole months when the term moved by whole months.
    let shift = match price::months_and_days(data.start, data.end) {
        (months, 0) => Shift::Months(months),
        _ => Shift::Days((start - data.start).num_days()),
    };
    let followups: Vec<String> = data
        .followups
        .iter()
        .filter_map(|f| match shift {
            Shift::Months(m) => f.checked_add_months(chrono::Months::new(m)),
            Shift::Days(d) => Some(*f + chrono::Duration::days(d)),
        })
        .filter(|f| *f <= end)
        .map(fmt::date)
        .collect();
    let form = ContractForm {
        start: fmt::date(start),
        end: fmt::date(end),
        followups: followups.join(", "),
        ..view.form.clone()
    };
    let tx = conn.unchecked_transaction()?;
    let new_id = next_id(&tx, today.year())?;
    tx.execute(
        "INSERT INTO contracts (id, created_at, created_by, offer_id, check_id, state, renewed_from)
         VALUES (?1, ?2, ?3, ?4, ?5, 'kladde', ?6)",
        params![
            new_id,
            audit::now_local(),
            audit::current_user(&tx),
            form.offer_id.trim(),
            Some(form.check_id.trim()).filter(|c| !c.is_empty()),
            id
        ],
    )?;
    insert_version(&tx, &new_id, 1, &form, &format!("Fornyelse af {id}"))?;
    audit::record(
        &tx,
        "contract.renew",
        &new_id,
        &serde_json::json!({ "renews": id }),
    )?;
    tx.commit()?;
    load(conn, &new_id, today)
}

/// What re-exporting a PDF proved.
#[derive(Debug, Clone, Serialize)]
pub struct PdfRecord {
    /// The hash stored with the version (the first export's).
    pub stored_sha256: String,
    pub first_export: bool,
    /// The new PDF has the same bytes as the first export.
    pub unchanged: bool,
    pub text: String,
}

/// Records the SHA-256 of an issued version's PDF the first time it is exported; later
/// exports are compared with it. Audited.
pub fn record_pdf(conn: &Connection, id: &str, version: u32, sha256: &str) -> Result<PdfRecord> {
    let stored: Option<Option<String>> = conn
        .query_row(
            "SELECT pdf_sha256 FROM contract_versions WHERE contract_id = ?1 AND version = ?2 AND issued_at IS NOT NULL",
            params![id, version],
            |r| r.get(0),
        )
        .optional()?;
    let Some(stored) = stored else {
        return Err(Error::Refused(format!(
            "Kontrakt {id} version {version} er ikke udstedt; kun udstedte versioner kan eksporteres."
        )));
    };
    let tx = conn.unchecked_transaction()?;
    let record = match stored {
        None => {
            tx.execute(
                "UPDATE contract_versions SET pdf_sha256 = ?3 WHERE contract_id = ?1 AND version = ?2 AND pdf_sha256 IS NULL",
                params![id, version, sha256],
            )?;
            PdfRecord {
                stored_sha256: sha256.to_string(),
                first_export: true,
                unchanged: true,
                text: format!("PDF'ens SHA-256 er gemt med kontrakten: {sha256}"),
            }
        }
        Some(first) => PdfRecord {
            unchanged: first == sha256,
            text: if first == sha256 {
                format!("PDF'en er identisk med den første eksport (SHA-256 {first}).")
            } else {
                format!(
                    "Advarsel: PDF'en afviger fra den første eksport (SHA-256 {first}); layoutet er ændret siden. Kontraktens data er uændrede."
                )
            },
            stored_sha256: first,
            first_export: false,
        },
    };
    audit::record(
        &tx,
        "contract.pdf",
        id,
        &serde_json::json!({ "version": version, "sha256": sha256, "unchanged": record.unchanged }),
    )?;
    tx.commit()?;
    Ok(record)
}

/// All contracts, those running out first; the CPR masked.
pub fn list(conn: &Connection, today: NaiveDate) -> Result<Vec<ContractListItem>> {
    let ids: Vec<String> = {
        let mut st = conn.prepare("SELECT id FROM contracts ORDER BY id DESC")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let warn_days = settings::number(conn, &settings::CONTRACT_WARN_DAYS)?;
    let mut out = Vec::new();
    for id in ids {
        let h = header(conn, &id)?;
        let all = versions(conn, &id)?;
        let Some(current) = all.last() else { continue };
        let issued = all.iter().rev().find_map(|v| v.data.as_ref());
        let form = &current.form;
        let (start, end, followups) = match issued {
            Some(d) if current.data.is_some() => (Some(d.start), Some(d.end), d.followups.clone()),
            _ => (
                fmt::parse_date(&form.start),
                fmt::parse_date(&form.end),
                Vec::new(),
            ),
        };
        let termination = h.notice.as_ref().and_then(|(party, given, last)| {
            Some(Termination {
                party: NoticeParty::parse(party).ok()?,
                given_on: fmt::parse_date(given)?,
                last_day: fmt::parse_date(last)?,
                text: String::new(),
            })
        });
        let end = termination.as_ref().map(|t| t.last_day).or(end);
        let next_followup = followups.iter().find(|f| **f >= today).copied();
        let offer_name: String = crate::catalogue::store::offer_name(conn, &h.offer_id)?
            .or_else(|| issued.map(|d| d.offer.name.clone()))
            .unwrap_or_else(|| h.offer_id.clone());
        out.push(ContractListItem {
            warnings: issued
                .filter(|_| current.data.is_some())
                .map(|d| warnings(h.state, d, termination.as_ref(), today, warn_days))
                .unwrap_or_default(),
            id,
            version: current.view.version,
            state: h.state,
            state_text: state_text(h.state, current.view.version, current.data.is_none()),
            offer_name,
            citizen_name: form.citizen_name.trim().to_string(),
            // A draft without a CPR number shows none (not "xxxxxx-xxxx").
            citizen_cpr_masked: if form.citizen_cpr.trim().is_empty() {
                String::new()
            } else {
                ids::mask_cpr(&form.citizen_cpr)
            },
            days_left: end.map(|e| (e - today).num_days()),
            period_text: match (start, end) {
                (Some(s), Some(e)) => format!("{}–{}", fmt::date(s), fmt::date(e)),
                _ => "ikke udfyldt".into(),
            },
            next_followup_text: next_followup.map(fmt::date).unwrap_or_default(),
            start,
            end,
            next_followup,
            old: false,
            one_person: form.one_person,
            flags: Vec::new(),
        });
    }
    // Contracts from before the standard, so that the list is complete.
    out.extend(super::old::list_items(conn, today)?);
    // Running out soonest first; drafts and ended ones after.
    out.sort_by_key(|c| {
        let open = matches!(
            c.state,
            ContractState::Udstedt | ContractState::Underskrevet | ContractState::Aktiv
        );
        (!open, c.days_left.filter(|d| *d >= 0).unwrap_or(i64::MAX))
    });
    Ok(out)
}

/// The state as the list shows it: a correction being drafted is named with its version.
fn state_text(state: ContractState, version: u32, draft: bool) -> String {
    if draft && version > 1 {
        format!("{} (rettelse v{version} i kladde)", state.label())
    } else {
        state.label().to_string()
    }
}

/// Every contract's latest issued version, with its last day (the end, or the last day after
/// notice when it was terminated): what the reports count.
pub fn issued_latest(conn: &Connection) -> Result<Vec<(String, NaiveDate, ContractData)>> {
    let mut st = conn.prepare(
        "SELECT c.id, c.end_after_notice, v.data FROM contracts c
         JOIN contract_versions v ON v.contract_id = c.id
         WHERE v.issued_at IS NOT NULL
           AND v.version = (SELECT MAX(version) FROM contract_versions w
                            WHERE w.contract_id = c.id AND w.issued_at IS NOT NULL)
         ORDER BY c.id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let cut: Option<String> = r.get(1)?;
        let json: String = r.get(2)?;
        let d: ContractData = from_json(&id, &json)?;
        let last = cut
            .as_deref()
            .and_then(fmt::parse_date)
            .unwrap_or(d.end)
            .min(d.end);
        out.push((id, last, d));
    }
    Ok(out)
}

/// An issued contract version as a sync sends it, or receives it from the server: the
/// stored contract data (JSON) and its hash.
#[derive(Debug, Clone)]
pub struct IssuedVersion {
    pub contract_id: String,
    pub version: u32,
    pub offer_id: String,
    pub check_id: Option<String>,
    pub renewed_from: Option<String>,
    pub reason: String,
    pub data: String,
    pub sha256: String,
}

/// Every issued version, oldest first.
pub fn issued_versions(conn: &Connection) -> Result<Vec<IssuedVersion>> {
    let mut st = conn.prepare(
        "SELECT v.contract_id, v.version, c.offer_id, c.check_id, c.renewed_from, v.reason,
                v.data, v.data_sha256
         FROM contract_versions v JOIN contracts c ON c.id = v.contract_id
         WHERE v.issued_at IS NOT NULL
         ORDER BY v.issued_at, v.contract_id, v.version",
    )?;
    let rows = st.query_map([], |r| {
        Ok(IssuedVersion {
            contract_id: r.get(0)?,
            version: r.get(1)?,
            offer_id: r.get(2)?,
            check_id: r.get(3)?,
            renewed_from: r.get(4)?,
            reason: r.get(5)?,
            data: r.get(6)?,
            sha256: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The forms of the most recent contract versions (prefill remembers EAN numbers from them).
pub fn recent_forms(conn: &Connection, limit: usize) -> Result<Vec<ContractForm>> {
    let mut st =
        conn.prepare("SELECT form FROM contract_versions ORDER BY created_at DESC LIMIT ?1")?;
    let rows = st.query_map([limit as i64], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for text in rows {
        if let Ok(form) = serde_json::from_str::<ContractForm>(&text?) {
            out.push(form);
        }
    }
    Ok(out)
}

/// The hash of version `version` of contract `id` here: None when there is no such version,
/// Some(None) for a draft.
pub fn version_hash(conn: &Connection, id: &str, version: u32) -> Result<Option<Option<String>>> {
    Ok(conn
        .query_row(
            "SELECT data_sha256 FROM contract_versions WHERE contract_id = ?1 AND version = ?2",
            params![id, version],
            |r| r.get(0),
        )
        .optional()?)
}

/// An issued contract version received from the municipality's server.
pub struct ReceivedVersion<'a> {
    pub data: &'a ContractData,
    pub offer_id: &'a str,
    pub check_id: Option<&'a str>,
    pub renewed_from: Option<&'a str>,
    pub reason: &'a str,
    /// The data as issued (canonical JSON) and its SHA-256.
    pub canonical: &'a str,
    pub sha256: &'a str,
    /// When and by whom it reached the server.
    pub at: &'a str,
    pub by: &'a str,
}

/// Writes a received version (in the caller's transaction; `sync::receive` has decided that
/// it is new here), with the contract's own row when the contract is new here. Its check and
/// predecessor are linked when they are here too.
pub fn insert_received(conn: &Connection, r: &ReceivedVersion) -> Result<()> {
    let id = r.data.number.as_str();
    if !exists(conn, id)? {
        let check = match r.check_id {
            Some(c) if crate::placement::exists(conn, c)? => Some(c),
            _ => None,
        };
        let renewed_from = match r.renewed_from {
            Some(c) if exists(conn, c)? => Some(c),
            _ => None,
        };
        conn.execute(
            "INSERT INTO contracts (id, created_at, created_by, offer_id, check_id, state,
                 renewed_from)
             VALUES (?1, ?2, ?3, ?4, ?5, 'udstedt', ?6)",
            params![id, r.at, r.by, r.offer_id, check, renewed_from],
        )?;
    }
    conn.execute(
        "INSERT INTO contract_versions (contract_id, version, created_at, created_by, form,
             data, data_sha256, issued_at, issued_by, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3, ?4, ?8)",
        params![
            id,
            r.data.version,
            r.at,
            r.by,
            json(&ContractForm::from_issued(r.data))?,
            r.canonical,
            r.sha256,
            r.reason
        ],
    )?;
    Ok(())
}

/// A lifecycle event of a contract issued on this computer, as a sync pushes it: the state
/// it reached (underskrevet, aktiv, opsagt, fornyet) and what goes with it (notice: who gave
/// it, when, the last day; renewal: the contract that renews it). Each happens at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleEvent {
    pub contract_id: String,
    pub event: ContractState,
    pub data: serde_json::Value,
}

/// The lifecycle events of the contracts made here (not those received from the server), one
/// per change as the audit log recorded it, oldest first: two changes between two syncs are
/// two events, each with its own time (`at`) and who made it (`by`).
pub fn lifecycle_events(conn: &Connection) -> Result<Vec<LifecycleEvent>> {
    let entries = audit::entries_of(
        conn,
        &["contract.state", "contract.terminate", "contract.renewed"],
    )?;
    let mut out = Vec::new();
    for e in entries {
        if crate::sync::received_text(conn, crate::sync::Kind::ContractVersion, &e.subject)?
            .is_some()
        {
            continue;
        }
        let details: serde_json::Value = serde_json::from_str(&e.details).map_err(|err| {
            Error::Internal(format!(
                "Revisionslinje {} for kontrakt {} kunne ikke læses: {err}",
                e.id, e.subject
            ))
        })?;
        let text = |k: &str| details.get(k).cloned().unwrap_or(serde_json::Value::Null);
        let (event, mut data) = match e.action.as_str() {
            "contract.terminate" => (
                ContractState::Opsagt,
                serde_json::json!({
                    "party": text("party"),
                    "given_on": text("given_on"),
                    "last_day": text("last_day"),
                }),
            ),
            "contract.renewed" => (
                ContractState::Fornyet,
                serde_json::json!({ "renewed_by": text("renewed_by") }),
            ),
            _ => (
                ContractState::parse(details.get("to").and_then(|v| v.as_str()).unwrap_or(""))?,
                serde_json::json!({}),
            ),
        };
        data["at"] = serde_json::Value::String(e.at);
        data["by"] = serde_json::Value::String(e.user);
        out.push(LifecycleEvent {
            contract_id: e.subject,
            event,
            data,
        });
    }
    Ok(out)
}

/// How far along its life a state is: a received event never moves a contract back.
fn rank(state: ContractState) -> u8 {
    match state {
        ContractState::Kladde => 0,
        ContractState::Udstedt => 1,
        ContractState::Underskrevet => 2,
        ContractState::Aktiv => 3,
        ContractState::Opsagt | ContractState::Fornyet => 4,
    }
}

/// Applies a received lifecycle event to the received contract `id` (in the caller's
/// transaction, after the event is kept in `sync_received_events`): its state moves on to the
/// event's, never back; notice brings who gave it, when and the last day. Returns whether
/// the state changed.
pub fn apply_received_event(
    conn: &Connection,
    id: &str,
    event: ContractState,
    data: &serde_json::Value,
) -> Result<bool> {
    let h = header(conn, id)?;
    if rank(event) <= rank(h.state) {
        return Ok(false);
    }
    if event == ContractState::Opsagt {
        let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let party = NoticeParty::parse(&text("party").unwrap_or_default())?;
        let date = |k: &str| {
            text(k)
                .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "Opsigelsen af kontrakt {id} fra kommunens server mangler en gyldig dato ({k})."
                    ))
                })
        };
        let (given_on, last_day) = (date("given_on")?, date("last_day")?);
        conn.execute(
            "UPDATE contracts SET state = 'opsagt', notice_party = ?2, notice_given_on = ?3,
                 end_after_notice = ?4 WHERE id = ?1",
            params![id, party.code(), given_on.to_string(), last_day.to_string()],
        )?;
    } else {
        conn.execute(
            "UPDATE contracts SET state = ?2 WHERE id = ?1",
            params![id, event.code()],
        )?;
    }
    Ok(true)
}
