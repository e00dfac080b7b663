//! "Today" for the desktop app and the CLI, from one place.
//!
//! Every rule in the core takes the day it is judged on as an argument (`today`); only the
//! edges (the Tauri commands, the CLI) ask this module for it. `PLADSOVERBLIK_TODAY`
//! (`dd.mm.åååå` or `åååå-mm-dd`) fixes the day: the end-to-end tests and demonstrations use
//! it, so that what they check does not depend on the wall clock. The audit log keeps the
//! real time of day regardless (`audit::now_local`).

use chrono::NaiveDate;

/// The environment variable that fixes "today".
pub const TODAY_VAR: &str = "PLADSOVERBLIK_TODAY";

/// The day the app works on: `PLADSOVERBLIK_TODAY` when set and readable, else the local date.
pub fn today() -> NaiveDate {
    fixed_today().unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The day `PLADSOVERBLIK_TODAY` fixes, if it is set and is a date.
pub fn fixed_today() -> Option<NaiveDate> {
    crate::fmt::parse_date(&std::env::var(TODAY_VAR).ok()?)
}
