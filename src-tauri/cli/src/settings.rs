//! `plads settings`: the user name for the audit log and the numbers the rules use.

use clap::Subcommand;
use pladsoverblik_core::Result;
use std::path::PathBuf;

use crate::{open, print_json};

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Vis indstillingerne.
    Show,
    /// Sæt en indstilling: user_name, stale_after_days, check_validity_days, check_radius_km,
    /// server_host, server_port, server_database, server_user (adgangskoden i ~/.pgpass).
    Set { key: String, value: String },
}

pub fn settings(command: Option<SettingsCommand>, db: &Option<PathBuf>, json: bool) -> Result<()> {
    let engine = open(db)?;
    let s = match command {
        None | Some(SettingsCommand::Show) => engine.settings()?,
        Some(SettingsCommand::Set { key, value }) => engine.set_setting(&key, &value)?,
    };
    if json {
        return print_json(&s);
    }
    outln!(
        "Brugernavn i loggen: {}{}",
        s.effective_user,
        if s.user_name.is_empty() {
            " (styresystemets bruger)"
        } else {
            ""
        }
    );
    outln!(
        "{}: {}",
        pladsoverblik_core::settings::STALE_AFTER_DAYS.label,
        s.stale_after_days
    );
    outln!(
        "{}: {}",
        pladsoverblik_core::settings::CHECK_VALIDITY_DAYS.label,
        s.check_validity_days
    );
    outln!(
        "{}: {}",
        pladsoverblik_core::settings::CHECK_RADIUS_KM.label,
        s.check_radius_km
    );
    match engine.with_db(|db| pladsoverblik_core::settings::server(db.conn()))? {
        Some(server) => outln!(
            "Kommunens server: {}:{}/{} som {} (plads sync; adgangskoden i ~/.pgpass)",
            server.host,
            server.port,
            server.database,
            server.user
        ),
        None => outln!("Kommunens server: ingen (computeren arbejder alene)"),
    }
    Ok(())
}
