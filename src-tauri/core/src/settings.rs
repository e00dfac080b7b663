//! User settings kept in the database: the user name for the audit log and the numbers the
//! rules use (staleness limit, a check's validity, the check's extra radius). Each setting has
//! a Danish label, a default and a valid range; a bad value is refused with a Danish message.

use rusqlite::{params, Connection, OptionalExtension};
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

pub const NUMBERS: [&NumberSetting; 3] =
    [&STALE_AFTER_DAYS, &CHECK_VALIDITY_DAYS, &CHECK_RADIUS_KM];

/// The name recorded in the audit log (empty: the OS user).
pub const USER_NAME: &str = "user_name";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Settings {
    pub user_name: String,
    /// The name actually recorded: the setting, else the OS user.
    pub effective_user: String,
    pub stale_after_days: i64,
    pub check_validity_days: i64,
    pub check_radius_km: i64,
}

fn raw(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
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
    })
}

/// Sets one setting by key. Numbers are checked against their range; the user name is
/// trimmed (empty means the OS user). The change is in the audit log.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    let value = value.trim();
    if key == USER_NAME {
        if value.chars().count() > 80 {
            return Err(Error::Invalid("Brugernavnet må højst være 80 tegn.".into()));
        }
    } else {
        let setting = NUMBERS.iter().find(|s| s.key == key).ok_or_else(|| {
            Error::Invalid(format!(
                "Indstillingen «{key}» findes ikke. Brug en af: {USER_NAME}, {}.",
                NUMBERS.map(|s| s.key).join(", ")
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
