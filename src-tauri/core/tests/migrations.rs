//! The three migration tests of the architecture guide.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use pladsoverblik_core::store::{latest_version, Db, MIGRATIONS};
use pladsoverblik_core::Error;

#[test]
fn the_migration_set_is_valid() {
    // Numbered 0001.. without gaps, each applies cleanly in order, and the result passes
    // SQLite's own checks.
    for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", i + 1)),
            "migration {name} is out of order"
        );
    }
    let db = Db::open_in_memory().unwrap();
    assert_eq!(db.schema_version().unwrap(), latest_version());
    let ok: String = db
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let fk_problems: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk_problems, 0);
}

#[test]
fn an_old_database_file_upgrades_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        // A database as the first release left it: schema version 1 with a catalogue.
        let mut db = Db::open_unmigrated(&path).unwrap();
        db.migrate_to(1).unwrap();
        assert_eq!(db.schema_version().unwrap(), 1);
        db.conn()
            .execute(
                "INSERT INTO rates (offer_id, department_id, legal_basis, year, amount, unit,
                    vat_pct, daily_ex_vat_oere, source, updated_at)
                 VALUES ('K-1', '', 'SEL-108', 2024, '2900.00', 'dag', '0', 290000, 'katalog', 'x')",
                [],
            )
            .unwrap();
    }
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), latest_version());
    let amount: String = db
        .conn()
        .query_row("SELECT amount FROM rates WHERE offer_id = 'K-1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(amount, "2900.00");
    // The upgrade added the audit log; its one entry is the backup taken before it.
    let actions: Vec<String> = db
        .conn()
        .prepare("SELECT action FROM audit_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(actions, ["backup.create"]);
    let mode: String = db
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_newer_than_the_app_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    {
        let db = Db::open(&path).unwrap();
        db.conn()
            .pragma_update(None, "user_version", latest_version() + 5)
            .unwrap();
        db.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = match Db::open(&path) {
        Err(e) => e,
        Ok(_) => panic!("a newer database must be refused"),
    };
    assert!(matches!(err, Error::DatabaseTooNew { .. }));
    let msg = err.to_string();
    assert!(msg.contains("Filen er ikke ændret"), "{msg}");
    assert!(
        msg.contains(&format!("version {}", latest_version() + 5)),
        "{msg}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
