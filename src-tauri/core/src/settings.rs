//! User settings kept in the database: the user name for the audit log and the numbers the
//! rules use (staleness limit, a check's validity, the check's extra radius). Each setting has
//! a Danish label, a default and a valid range; a bad value is refused with a Danish message.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};

/// A numeric setting: key, Danish label, default, allowed range.
pub struct NumberSetting {
    pub key: &'static str,
    pub label: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

/// Free-place figures older than this many days count as stale (R1).
pub const STALE_AFTER_DAYS: NumberSetting = NumberSetting {
    key: "stale_after_days",
    label: "Ledige pladser er forældede efter (dage)",
    default: 30,
    min: 1,
    max: 365,
};

/// A closed check can be used for this many days (R1).
pub const CHECK_VALIDITY_DAYS: NumberSetting = NumberSetting {
    key: "check_validity_days",
    label: "En afstemning er gyldig i (dage)",
    default: 14,
    min: 1,
    max: 90,
};

/// Beyond the home region, a check also covers public offers within this distance.
pub const CHECK_RADIUS_KM: NumberSetting = NumberSetting {
    key: "check_radius_km",
    label: "Afstemningen omfatter også tilbud inden for (km)",
    default: 50,
    min: 0,
    max: 500,
};

/// The longest term a contract may have (R3).
pub const CONTRACT_MAX_TERM_MONTHS: NumberSetting = NumberSetting {
    key: "contract_max_term_months",
    label: "En kontrakt må højst løbe (måneder)",
    default: 12,
    min: 1,
    max: 36,
};

/// Contracts ending within this many days are flagged (R3).
pub const CONTRACT_WARN_DAYS: NumberSetting = NumberSetting {
    key: "contract_warn_days",
    label: "Advar om kontrakter, der udløber inden for (dage)",
    default: 60,
    min: 1,
    max: 365,
};

/// Rate increases above this per cent go into the steering group's report (R5).
pub const RATE_INCREASE_THRESHOLD_PCT: NumberSetting = NumberSetting {
    key: "rate_increase_threshold_pct",
    label: "Rapportér takststigninger over (%)",
    default: 5,
    min: 0,
    max: 100,
};

/// R6: occupancy deviating this many per cent of the budgeted occupancy or more is reported,
/// where the agreement fixes no threshold (an agreement's occupancy rule, like SD-2018's 5 %
/// read relative to the budget, wins). The categories' thresholds (R7) are the agreement's
/// only: no setting overrides an agreement value.
pub const OCCUPANCY_DEVIATION_PCT: NumberSetting = NumberSetting {
    key: "occupancy_deviation_pct",
    label: "Rapportér belægningsafvigelser på (% af den budgetterede belægning), hvor rammeaftalen ikke fastsætter en grænse",
    default: 5,
    min: 0,
    max: 100,
};

pub const NUMBERS: [&NumberSetting; 7] = [
    &STALE_AFTER_DAYS,
    &CHECK_VALIDITY_DAYS,
    &CHECK_RADIUS_KM,
    &CONTRACT_MAX_TERM_MONTHS,
    &CONTRACT_WARN_DAYS,
    &RATE_INCREASE_THRESHOLD_PCT,
    &OCCUPANCY_DEVIATION_PCT,
];

/// The PL rate of a year (from the latest økonomiaftale), in per cent: `pl_rate_2027`.
pub const PL_RATE_PREFIX: &str = "pl_rate_";

/// The PL rate set for `year`, if any.
pub fn pl_rate(conn: &Connection, year: i32) -> Result<Option<Decimal>> {
    Ok(raw(conn, &format!("{PL_RATE_PREFIX}{year}"))?
        .and_then(|v| v.replace(',', ".").parse::<Decimal>().ok()))
}

/// All PL rates set, by year.
pub fn pl_rates(conn: &Connection) -> Result<Vec<(i32, Decimal)>> {
    let mut st =
        conn.prepare("SELECT key, value FROM settings WHERE key LIKE 'pl_rate_%' ORDER BY key")?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let value: String = r.get(1)?;
        if let (Some(year), Ok(rate)) = (
            key.strip_prefix(PL_RATE_PREFIX)
                .and_then(|y| y.parse::<i32>().ok()),
            value.replace(',', ".").parse::<Decimal>(),
        ) {
            out.push((year, rate));
        }
    }
    Ok(out)
}

/// The name recorded in the audit log (empty: the OS user).
pub const USER_NAME: &str = "user_name";

/// The municipality's server (issue 15, docs/server.md): host name, port, database and the
/// user's own database role. Never the password (that is in `~/.pgpass`).
pub const SERVER_HOST: &str = "server_host";
pub const SERVER_PORT: &str = "server_port";
pub const SERVER_DATABASE: &str = "server_database";
pub const SERVER_USER: &str = "server_user";
pub const SERVER_KEYS: [&str; 4] = [SERVER_HOST, SERVER_PORT, SERVER_DATABASE, SERVER_USER];

/// The connection to the municipality's server as set up here.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
}

/// The server set up here, or `None` when no server host is set (the app then works alone).
pub fn server(conn: &Connection) -> Result<Option<ServerSettings>> {
    let host = raw(conn, SERVER_HOST)?.unwrap_or_default();
    if host.is_empty() {
        return Ok(None);
    }
    Ok(Some(ServerSettings {
        host,
        port: raw(conn, SERVER_PORT)?
            .and_then(|p| p.parse().ok())
            .unwrap_or(5432),
        database: raw(conn, SERVER_DATABASE)?.unwrap_or_else(|| "pladsoverblik".into()),
        user: raw(conn, SERVER_USER)?.unwrap_or_default(),
    }))
}

/// Whether a setting is the municipality's (pulled from the server, the same on every
/// machine): the rules' numbers and the PL rates; not the user name or the server itself.
pub fn is_municipal(key: &str) -> bool {
    key.starts_with(PL_RATE_PREFIX) || NUMBERS.iter().any(|s| s.key == key)
}

/// All municipal settings set here: (key, value).
pub fn municipal(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(all.into_iter().filter(|(k, _)| is_municipal(k)).collect())
}

/// Writes a municipal setting as pulled from the server (audited as `settings.pull`).
pub fn apply_pulled(conn: &Connection, key: &str, value: &str) -> Result<()> {
    if raw(conn, key)?.as_deref() == Some(value) {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    crate::audit::record(
        conn,
        "settings.pull",
        key,
        &serde_json::json!({ "value": value }),
    )
}

/// A server setting's value checked: a host name or address, a port, a database or role name.
fn check_server_value(key: &str, value: &str) -> Result<()> {
    let name_ok = |v: &str, max: usize| {
        v.chars().count() <= max
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
    };
    match key {
        SERVER_PORT => match value.parse::<u32>() {
            Ok(p) if (1..=65535).contains(&p) => Ok(()),
            _ => Err(Error::Invalid(format!(
                "Serverens port: «{value}» skal være et tal mellem 1 og 65535 (normalt 5432)."
            ))),
        },
        SERVER_HOST if !name_ok(value, 253) => Err(Error::Invalid(format!(
            "Serveren: «{value}» er ikke et værtsnavn eller en IP-adresse (fx pladsoverblik.kommune.dk)."
        ))),
        SERVER_DATABASE | SERVER_USER if value.is_empty() || !name_ok(value, 63) => {
            let what = if key == SERVER_USER { "Brugeren på serveren" } else { "Databasen på serveren" };
            Err(Error::Invalid(format!(
                "{what}: «{value}» skal være 1-63 tegn: bogstaverne a-z, tal, punktum, bindestreg eller understreg."
            )))
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Settings {
    pub user_name: String,
    /// The name actually recorded: the setting, else the OS user.
    pub effective_user: String,
    pub stale_after_days: i64,
    pub check_validity_days: i64,
    pub check_radius_km: i64,
    pub contract_max_term_months: i64,
    pub contract_warn_days: i64,
    /// R5: rate increases above this per cent are reported.
    pub rate_increase_threshold_pct: i64,
    /// R6: occupancy deviations from this per cent of the budget, where the agreement fixes
    /// no threshold.
    pub occupancy_deviation_pct: i64,
    /// (year, PL rate in per cent)
    pub pl_rates: Vec<(i32, Decimal)>,
}

fn raw(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The user name set for the audit log, if any.
pub fn user_name(conn: &Connection) -> Option<String> {
    raw(conn, USER_NAME).ok().flatten()
}

/// A numeric setting's value, or its default when unset or unreadable.
pub fn number(conn: &Connection, setting: &NumberSetting) -> Result<i64> {
    Ok(raw(conn, setting.key)?
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| (setting.min..=setting.max).contains(v))
        .unwrap_or(setting.default))
}

pub fn load(conn: &Connection) -> Result<Settings> {
    Ok(Settings {
        user_name: raw(conn, USER_NAME)?.unwrap_or_default(),
        effective_user: crate::audit::current_user(conn),
        stale_after_days: number(conn, &STALE_AFTER_DAYS)?,
        check_validity_days: number(conn, &CHECK_VALIDITY_DAYS)?,
        check_radius_km: number(conn, &CHECK_RADIUS_KM)?,
        contract_max_term_months: number(conn, &CONTRACT_MAX_TERM_MONTHS)?,
        contract_warn_days: number(conn, &CONTRACT_WARN_DAYS)?,
        rate_increase_threshold_pct: number(conn, &RATE_INCREASE_THRESHOLD_PCT)?,
        occupancy_deviation_pct: number(conn, &OCCUPANCY_DEVIATION_PCT)?,
        pl_rates: pl_rates(conn)?,
    })
}

/// Sets one setting by key. Numbers are checked against their range; the user name is
/// trimmed (empty means the OS user). The change is in the audit log.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    let value = value.trim();
    if let Some(year) = key.strip_prefix(PL_RATE_PREFIX) {
        let ok_year = year
            .parse::<i32>()
            .is_ok_and(|y| (2000..=2100).contains(&y));
        if !ok_year {
            return Err(Error::Invalid(format!(
                "PL-sats: «{year}» er ikke et årstal (brug fx {PL_RATE_PREFIX}2027)."
            )));
        }
        let rate = crate::fmt::parse_amount(value);
        if !rate.is_some_and(|r| r >= Decimal::ZERO && r <= Decimal::from(20)) {
            return Err(Error::Invalid(format!(
                "PL-sats for {year}: «{value}» skal være en procentsats mellem 0 og 20, fx 2,9."
            )));
        }
    } else if key == USER_NAME {
        if value.chars().count() > 80 {
            return Err(Error::Invalid("Brugernavnet må højst være 80 tegn.".into()));
        }
        // The user name is written to the append-only audit log with every step.
        if crate::contracts::ids::contains_cpr_like(value) {
            return Err(Error::Invalid(
                "Brugernavnet ligner et CPR-nummer. Navnet skrives i revisionssporet ved hver handling og må ikke indeholde personnumre; brug fx dit navn eller initialer.".into(),
            ));
        }
    } else if SERVER_KEYS.contains(&key) {
        check_server_value(key, value)?;
    } else {
        let setting = NUMBERS.iter().find(|s| s.key == key).ok_or_else(|| {
            Error::Invalid(format!(
                "Indstillingen «{key}» findes ikke. Brug en af: {USER_NAME}, {}, {PL_RATE_PREFIX}ÅÅÅÅ, {}.",
                NUMBERS.map(|s| s.key).join(", "),
                SERVER_KEYS.join(", ")
            ))
        })?;
        let n: i64 = value.parse().map_err(|_| {
            Error::Invalid(format!("{}: «{value}» er ikke et helt tal.", setting.label))
        })?;
        if !(setting.min..=setting.max).contains(&n) {
            return Err(Error::Invalid(format!(
                "{}: {n} skal være mellem {} og {}.",
                setting.label, setting.min, setting.max
            )));
        }
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    crate::audit::record(
        &tx,
        "settings.set",
        key,
        &serde_json::json!({ "value": value }),
    )?;
    tx.commit()?;
    Ok(())
}
