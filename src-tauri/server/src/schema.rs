//! The municipal schema: numbered migrations embedded in the binary, each in one transaction
//! with the version recorded in `plads.schema_version`; a server newer than this app is
//! refused untouched. `init` first creates the four group roles (cluster-wide).

use pladsoverblik_core::{Error, Result};
use postgres::Client;
use serde::Serialize;

use crate::errors::query_error;

/// The server migrations, in order. Append only.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_municipal_schema.sql",
        include_str!("../migrations/0001_municipal_schema.sql"),
    ),
    (
        "0002_pull_marks.sql",
        include_str!("../migrations/0002_pull_marks.sql"),
    ),
    (
        "0003_contract_events.sql",
        include_str!("../migrations/0003_contract_events.sql"),
    ),
    (
        "0004_catalogue_retention.sql",
        include_str!("../migrations/0004_catalogue_retention.sql"),
    ),
];

/// The group roles, created by `init` (they belong to the whole PostgreSQL cluster).
pub const ROLES: &str = include_str!("../migrations/roles.sql");

/// An arbitrary key for the advisory lock that keeps two `migrate` runs from overlapping.
const MIGRATE_LOCK: i64 = 0x706c_6164_7331;

/// The schema version this build knows.
pub fn latest() -> i32 {
    MIGRATIONS.len() as i32
}

/// The server's schema version (0: no schema yet).
pub fn version(client: &mut Client) -> Result<i32> {
    let what = "da skemaversionen skulle læses";
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('plads.schema_version') IS NOT NULL",
            &[],
        )
        .map_err(|e| query_error(what, &e))?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM plads.schema_version",
            &[],
        )
        .map_err(|e| query_error(what, &e))?
        .get(0))
}

/// Refuses a server whose schema is newer than this app, or missing or older (then IT runs
/// `plads server migrate`).
pub fn require_current(client: &mut Client) -> Result<()> {
    let found = version(client)?;
    if found > latest() {
        return Err(Error::Refused(format!(
            "Serverens database har skemaversion {found}, men denne version af Pladsoverblik kender kun op til {}. Opdatér Pladsoverblik; intet er sendt.",
            latest()
        )));
    }
    if found < latest() {
        return Err(Error::Refused(format!(
            "Serverens database har skemaversion {found} og skal opgraderes til {} (plads server migrate, docs/server.md); intet er sendt.",
            latest()
        )));
    }
    Ok(())
}

/// Creates the group roles (when missing) and migrates.
pub fn init(client: &mut Client) -> Result<Vec<String>> {
    client
        .batch_execute(ROLES)
        .map_err(|e| query_error("da rollerne skulle oprettes (kræver CREATEROLE)", &e))?;
    migrate(client)
}

/// Applies the migrations not yet applied, each in its own transaction; returns their names.
pub fn migrate(client: &mut Client) -> Result<Vec<String>> {
    let mut applied = Vec::new();
    loop {
        let mut tx = client
            .transaction()
            .map_err(|e| query_error("da opgraderingen skulle begynde", &e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .map_err(|e| query_error("da opgraderingen skulle låses", &e))?;
        let found = {
            let exists: bool = tx
                .query_one(
                    "SELECT to_regclass('plads.schema_version') IS NOT NULL",
                    &[],
                )
                .map_err(|e| query_error("da skemaversionen skulle læses", &e))?
                .get(0);
            if exists {
                tx.query_one(
                    "SELECT coalesce(max(version), 0) FROM plads.schema_version",
                    &[],
                )
                .map_err(|e| query_error("da skemaversionen skulle læses", &e))?
                .get::<_, i32>(0)
            } else {
                0
            }
        };
        if found > latest() {
            return Err(Error::Refused(format!(
                "Serverens database har skemaversion {found}, nyere end denne version af Pladsoverblik ({}). Intet er ændret; opdatér Pladsoverblik.",
                latest()
            )));
        }
        let Some((name, sql)) = MIGRATIONS.get(found as usize) else {
            return Ok(applied);
        };
        let what = format!("da migreringen {name} skulle køres");
        tx.batch_execute(sql).map_err(|e| query_error(&what, &e))?;
        tx.execute(
            "INSERT INTO plads.schema_version (version, name) VALUES ($1, $2)",
            &[&(found + 1), name],
        )
        .map_err(|e| query_error(&what, &e))?;
        tx.commit().map_err(|e| query_error(&what, &e))?;
        applied.push((*name).to_string());
    }
}

/// What `plads server status` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub version: i32,
    pub latest: i32,
    /// The connected user's roles among the four, and unit.
    pub roles: Vec<String>,
    pub unit: Option<String>,
    pub server_version: String,
    pub tls: bool,
}

pub fn status(client: &mut Client, tls: bool) -> Result<Status> {
    let what = "da status skulle læses";
    let version = version(client)?;
    let row = client
        .query_one(
            "SELECT current_setting('server_version'),
                    ARRAY(SELECT rolname::text FROM pg_roles
                          WHERE rolname IN ('sagsbehandler', 'oekonomi', 'leder', 'admin')
                            AND pg_has_role(session_user, oid, 'MEMBER')
                          ORDER BY array_position(
                              ARRAY['sagsbehandler', 'oekonomi', 'leder', 'admin'], rolname::text))",
            &[],
        )
        .map_err(|e| query_error(what, &e))?;
    let unit = if version >= 1 {
        client
            .query_one("SELECT plads.my_unit()", &[])
            .map_err(|e| query_error(what, &e))?
            .get(0)
    } else {
        None
    };
    Ok(Status {
        version,
        latest: latest(),
        roles: row.get(1),
        unit,
        server_version: row.get(0),
        tls,
    })
}
