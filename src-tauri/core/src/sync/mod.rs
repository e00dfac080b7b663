//! The working copy's side of the municipality's server (issue 15, `docs/server.md`): its
//! installation id, the blocks of human numbers reserved for it, and what has been sent. No
//! network code here: the `pladsoverblik-server` crate talks to PostgreSQL and calls these.

pub mod receive;
pub mod store;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// A series of human numbers: checks (`A-`), contracts (`K-`), contracts from before the
/// standard (`EK-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Check,
    Contract,
    OldContract,
}

impl Series {
    pub const ALL: [Series; 3] = [Series::Check, Series::Contract, Series::OldContract];

    pub fn code(self) -> &'static str {
        match self {
            Series::Check => "A",
            Series::Contract => "K",
            Series::OldContract => "EK",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Series::Check => "afstemninger",
            Series::Contract => "kontrakter",
            Series::OldContract => "kontrakter fra før standarden",
        }
    }

    /// The printed number: `K-2026-0042`.
    pub fn format(self, year: i32, n: i64) -> String {
        format!("{}-{year}-{n:04}", self.code())
    }
}

/// The next number of `series` in `year` for a new record. Without a server set up: `None`,
/// and the owner counts locally as before. With one: the next number of a block the server
/// reserved for this copy (skipping one already used here, as when a copy that counted
/// locally joins a server), or a Danish refusal when the blocks are used up offline.
pub fn next_number(
    conn: &Connection,
    series: Series,
    year: i32,
    taken: impl Fn(&str) -> Result<bool>,
) -> Result<Option<String>> {
    if crate::settings::server(conn)?.is_none() {
        return Ok(None);
    }
    while let Some(n) = store::take_from_block(conn, series.code(), year)? {
        let number = series.format(year, n);
        if !taken(&number)? {
            return Ok(Some(number));
        }
    }
    Err(Error::Refused(format!(
        "Der er ikke flere reserverede numre til {} i {year} på denne computer. Numrene \
         reserveres på kommunens server, så de aldrig bruges to gange: forbind computeren til \
         netværket og synkronisér (plads sync), så hentes en ny nummerblok.",
        series.label()
    )))
}

/// The numbers left in this copy's blocks for `series` in `year`.
pub fn numbers_left(conn: &Connection, series: Series, year: i32) -> Result<i64> {
    store::numbers_left(conn, series.code(), year)
}

pub use store::installation_id;

/// A copy restored from a backup or copied to another machine: a new id, and the numbers left
/// in its blocks given up (they may have been used after the copy was taken). Audited.
pub fn new_identity(conn: &Connection) -> Result<String> {
    let old = store::installation_id(conn)?;
    let id = store::new_identity(conn, &crate::audit::now_local())?;
    crate::audit::record(
        conn,
        "sync.new_identity",
        &id,
        &serde_json::json!({ "previous": old }),
    )?;
    Ok(id)
}

/// What kind of record came from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Check,
    ContractVersion,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Check => "check",
            Kind::ContractVersion => "contract_version",
        }
    }
}

/// "Hentet fra kommunens server: sendt af karen 24.11.2026 kl. 10:15 fra en anden computer."
/// for a check or contract received from the server; None for this computer's own.
pub fn received_text(conn: &Connection, kind: Kind, subject: &str) -> Result<Option<String>> {
    Ok(
        store::received_subject(conn, kind.code(), subject)?.map(|r| {
            format!(
                "Hentet fra kommunens server: sendt af {} {} fra en anden computer.",
                r.pushed_by,
                crate::fmt::timestamp(&r.pushed_at)
            )
        }),
    )
}

/// The lifecycle events received for contract `id`, each with when and by whom it was marked
/// on the computer that issued it: "Underskrevet 24.11.2026 kl. 10:15 af karen; aktiv …".
/// None when none was received (or an event came from a version without that information).
pub fn received_events_text(conn: &Connection, id: &str) -> Result<Option<String>> {
    let parts: Vec<String> = store::received_events(conn, id)?
        .into_iter()
        .filter(|e| e.conflict.is_none())
        .filter_map(|e| {
            let data: serde_json::Value = serde_json::from_str(&e.data).ok()?;
            let at = data.get("at")?.as_str()?;
            let by = data.get("by")?.as_str()?;
            let label = crate::contracts::ContractState::parse(&e.event)
                .ok()?
                .label();
            Some(format!(
                "{} {} af {by}",
                label.to_lowercase(),
                crate::fmt::timestamp(at)
            ))
        })
        .collect();
    Ok((!parts.is_empty()).then(|| {
        let text = parts.join("; ");
        let mut chars = text.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        format!("{}{}.", first.unwrap_or_default(), chars.as_str())
    }))
}
