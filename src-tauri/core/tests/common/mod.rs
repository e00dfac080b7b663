#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
//! Fixtures shared by the core integration tests (test code: unwrap is the point).

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::import;
use pladsoverblik_core::store::Db;
use std::path::{Path, PathBuf};

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn small_json() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture_path("small.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The day the search tests are "run" on: nine days after the fixture's extraction date.
pub fn today() -> NaiveDate {
    day(2026, 11, 24)
}

/// A database file in `dir` holding the small fixture catalogue.
pub fn db_with_small(dir: &Path) -> Db {
    let mut db = Db::open(&dir.join("test.sqlite")).unwrap();
    import::import_file(&mut db, &fixture_path("small.json"), |_, _| {}).unwrap();
    db
}

pub fn write_json(dir: &Path, name: &str, value: &serde_json::Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(value).unwrap()).unwrap();
    p
}

pub fn offer_ids(db: &Db) -> Vec<String> {
    texts(db, "SELECT id FROM offers ORDER BY id")
}

/// The first column of every row `sql` gives, as text.
pub fn texts(db: &Db, sql: &str) -> Vec<String> {
    let mut st = db.conn().prepare(sql).unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Every audit-log entry as "action subject details", oldest first.
pub fn audit_lines(engine: &pladsoverblik_core::Engine) -> Vec<String> {
    engine
        .with_db(|db| {
            let mut st = db.conn().prepare(
                "SELECT action || ' ' || subject || ' ' || details FROM audit_log ORDER BY id",
            )?;
            let rows = st.query_map([], |r| r.get(0))?;
            Ok(rows.map(|r| r.unwrap()).collect())
        })
        .unwrap()
}
