//! `plads server init|migrate|status` and `plads sync` (issue 15, docs/server.md): the
//! municipality's PostgreSQL database, reached with the server, database and user set in the
//! settings (or given here) and the password from `~/.pgpass`.

use clap::{Args, Subcommand};
use pladsoverblik_core::settings::ServerSettings;
use pladsoverblik_core::{settings, Engine, Error, Result};
use pladsoverblik_server::{connect, schema, sync, Target};
use std::path::PathBuf;

use crate::{open, print_json, today};

#[derive(Subcommand)]
pub enum ServerCommand {
    /// Opret kommunens skema og de fire roller (sagsbehandler, oekonomi, leder, admin); køres af
    /// IT som en bruger med CREATEROLE, fx postgres.
    Init(ServerArgs),
    /// Opgradér serverens skema til denne versions migreringer.
    Migrate(ServerArgs),
    /// Vis serverens skemaversion, din rolle og enhed, og hvad der venter på at blive sendt.
    Status(ServerArgs),
}

#[derive(Args)]
pub struct ServerArgs {
    /// Serverens værtsnavn (ellers indstillingen server_host).
    #[arg(long)]
    host: Option<String>,
    /// Porten (ellers server_port, ellers 5432).
    #[arg(long)]
    port: Option<u16>,
    /// Databasen (ellers server_database).
    #[arg(long)]
    database: Option<String>,
    /// Brugeren på serveren (ellers server_user).
    #[arg(long)]
    user: Option<String>,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct SyncArgs {
    /// Vis kun, hvornår der sidst blev synkroniseret, og hvad der venter; intet sendes.
    #[arg(long)]
    status: bool,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long)]
    today: Option<String>,
    #[arg(long)]
    json: bool,
}

const NOT_SET_UP: &str = "Der er ikke sat en server op. Sæt den med plads settings set server_host VÆRT, server_database DATABASE og server_user BRUGER (adgangskoden i ~/.pgpass), eller giv --host, --database og --user.";

/// The server as set up here, with the arguments given instead where given.
fn target(engine: &Engine, a: &ServerArgs) -> Result<Target> {
    let set = engine.with_db(|db| settings::server(db.conn()))?;
    let host = a
        .host
        .clone()
        .or_else(|| set.as_ref().map(|s| s.host.clone()))
        .ok_or_else(|| Error::Invalid(NOT_SET_UP.into()))?;
    Ok(Target::new(ServerSettings {
        host,
        port: a.port.or(set.as_ref().map(|s| s.port)).unwrap_or(5432),
        database: a
            .database
            .clone()
            .or_else(|| set.as_ref().map(|s| s.database.clone()))
            .unwrap_or_else(|| "pladsoverblik".into()),
        user: a
            .user
            .clone()
            .or_else(|| set.as_ref().map(|s| s.user.clone()))
            .unwrap_or_default(),
    }))
}

pub fn server(command: ServerCommand) -> Result<()> {
    match command {
        ServerCommand::Init(a) => schema_change(&a, true),
        ServerCommand::Migrate(a) => schema_change(&a, false),
        ServerCommand::Status(a) => status(&a),
    }
}

fn schema_change(a: &ServerArgs, init: bool) -> Result<()> {
    let engine = open(&a.db)?;
    let target = target(&engine, a)?;
    let mut client = connect(&target)?;
    let applied = if init {
        schema::init(&mut client)?
    } else {
        schema::migrate(&mut client)?
    };
    if a.json {
        return print_json(&applied);
    }
    if applied.is_empty() {
        outln!(
            "Serverens skema {} er allerede på version {}; intet er ændret.",
            target.describe(),
            schema::latest()
        );
    } else {
        outln!(
            "Serverens skema {} er nu på version {} ({}).",
            target.describe(),
            schema::latest(),
            applied.join(", ")
        );
    }
    Ok(())
}

fn status(a: &ServerArgs) -> Result<()> {
    let engine = open(&a.db)?;
    let target = target(&engine, a)?;
    let mut client = connect(&target)?;
    let status = schema::status(
        &mut client,
        !pladsoverblik_server::connect::is_local(&target.server.host),
    )?;
    let pending = sync::pending(&engine)?;
    if a.json {
        return print_json(&serde_json::json!({ "server": status, "pending": pending }));
    }
    outln!(
        "Server: {} (PostgreSQL {}, {}).",
        target.describe(),
        status.server_version,
        if status.tls {
            "TLS med certifikattjek"
        } else {
            "på denne computer, uden TLS"
        }
    );
    outln!(
        "Skemaversion: {} af {}{}.",
        status.version,
        status.latest,
        if status.version < status.latest {
            " – kør plads server migrate"
        } else {
            ""
        }
    );
    outln!(
        "Rolle: {}; enhed: {}.",
        if status.roles.is_empty() {
            "ingen af de fire".to_string()
        } else {
            status.roles.join(", ")
        },
        status
            .unit
            .as_deref()
            .unwrap_or("ikke knyttet til en enhed")
    );
    pending_lines(&pending);
    Ok(())
}

fn pending_lines(p: &sync::Pending) {
    outln!(
        "Sidst synkroniseret: {}.",
        p.last_sync.as_deref().unwrap_or("aldrig")
    );
    outln!("Venter på at blive sendt: {}.", p.waiting_text());
    for r in &p.refused {
        outln!("Afvist af serveren: {r}");
    }
    outln!("Hentet fra serveren i alt: {}.", p.received_text());
    let municipal = p.received_municipal_parts();
    if !municipal.is_empty() {
        outln!("Hentet fra kommunen i alt: {}.", municipal.join(", "));
    }
    for c in &p.received_conflicts {
        outln!("Ikke hentet: {c}");
    }
}

pub fn run_sync(a: SyncArgs) -> Result<()> {
    let engine = open(&a.db)?;
    if a.status {
        let pending = sync::pending(&engine)?;
        if a.json {
            return print_json(&pending);
        }
        pending_lines(&pending);
        return Ok(());
    }
    let day = today(&a.today)?;
    let set = engine
        .with_db(|db| settings::server(db.conn()))?
        .ok_or_else(|| Error::Invalid(NOT_SET_UP.into()))?;
    let report = sync::sync(&engine, &Target::new(set), day)?;
    if a.json {
        return print_json(&report);
    }
    for line in report.lines() {
        outln!("{line}");
    }
    Ok(())
}
