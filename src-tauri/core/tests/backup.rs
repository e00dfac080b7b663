//! Backup and restore: a database with data in every table survives a backup and a restore
//! into a fresh folder row for row; damaged, newer and foreign files are refused in Danish
//! with the live database byte for byte unchanged; the automatic backups before imports and
//! migrations appear and are pruned to `backup::KEEP`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::backup::{self, KEEP};
use pladsoverblik_core::catalogue::model::LegalBasis;
use pladsoverblik_core::contracts::ContractForm;
use pladsoverblik_core::placement::{
    CheckKind, Closing, Conclusion, Confirmation, ContactMethod, Need, NewCheck, RejectReason,
    Rejection,
};
use pladsoverblik_core::search::SearchQuery;
use pladsoverblik_core::store::{latest_version, Db};
use pladsoverblik_core::{Engine, Error};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

const DB: &str = "pladsoverblik.sqlite";

/// The example catalogue plus a closed check with evidence, a contract draft with a CPR
/// number, a rate sheet and a setting: a row in every table.
fn full_engine(dir: &Path) -> Engine {
    let engine = Engine::open(&dir.join(DB)).unwrap();
    engine.set_setting("user_name", "Karen Jensen").unwrap();
    let first = closed_check(&engine);
    let sheet = dir.join("takster 2027.csv");
    std::fs::write(
        &sheet,
        // (X-9 is not in the catalogue: its rate waits in pending_rates.)
        format!("Tilbuds-id;Paragraf;År;Døgntakst;Moms %\n{first};108;2027;3.567,38;0\nX-9;108;2027;1.000,00;0\n"),
    )
    .unwrap();
    engine.rates_import(&sheet).unwrap();
    let draft = ContractForm {
        offer_id: first,
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        citizen_name: "Søren Ærø".into(),
        citizen_cpr: "010190-1234".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        ..Default::default()
    };
    engine.contract_create(&draft, today()).unwrap();
    // A second draft, discarded.
    let second = engine.contract_create(&draft, today()).unwrap();
    engine.contract_discard(&second.id, today()).unwrap();
    one_person_and_old_contract(&engine);
    steering(&engine);
    synced(&engine);
    engine
}

/// What a sync leaves in the working copy (issue 15): a number block, a record sent, a
/// setting's server revision, the audit mark, a record and a contract event pulled but not
/// taken (conflicts) and the snapshot of the last pull.
fn synced(engine: &Engine) {
    use pladsoverblik_core::sync::store;
    engine
        .with_db(|db| {
            let conn = db.conn();
            store::add_block(conn, "K", 2026, 51, 100, "2026-11-24T10:00:00")?;
            store::mark_pushed(
                conn,
                "check",
                "A-2026-0001",
                "ab12",
                "2026-11-24T10:00:00",
                None,
            )?;
            store::set_setting_base(conn, "stale_after_days", 2, "30")?;
            store::set_mark(conn, "audit", 3)?;
            store::add_received(
                conn,
                &store::ReceivedRow {
                    kind: "check".into(),
                    key: "A-2026-0099".into(),
                    subject: "A-2026-0099".into(),
                    sha256: "cd34".into(),
                    installation: "0123456789abcdef0123456789abcdef".into(),
                    pushed_by: "ole".into(),
                    pushed_at: "2026-11-24T10:00:00".into(),
                    conflict: Some("Afstemning A-2026-0099 … er ikke hentet.".into()),
                },
                "2026-11-24T10:00:00",
            )?;
            store::add_received_event(
                conn,
                &store::ReceivedEvent {
                    contract_id: "K-2026-0099".into(),
                    event: "underskrevet".into(),
                    data: "{}".into(),
                    sha256: "ef56".into(),
                    installation: "0123456789abcdef0123456789abcdef".into(),
                    pushed_by: "ole".into(),
                    pushed_at: "2026-11-24T10:00:00".into(),
                    conflict: Some("Kontrakt K-2026-0099 … er ikke anvendt her.".into()),
                },
                "2026-11-24T10:00:00",
            )?;
            // The catalogue file kept for the server (an example catalogue is never kept).
            pladsoverblik_core::catalogue::store::keep_file(
                conn,
                &pladsoverblik_core::catalogue::store::KeptFile {
                    sha256: "0a1b".into(),
                    extracted: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                    source: "Tilbudsportalen".into(),
                    file_name: "katalog.json".into(),
                    content: vec![0x1f, 0x8b, 0x08],
                },
                "2026-11-24T10:00:00",
            )?;
            store::set_pull_mark(conn, "checks", "800:800:")
        })
        .unwrap();
}

/// Categories set for 2026 with a decision, and an occupancy run with a stated line.
fn steering(engine: &Engine) {
    use pladsoverblik_core::reports::category_year::DecisionForm;
    use pladsoverblik_core::reports::occupancy_runs::LineForm;
    engine.categories_set(2026).unwrap();
    let decision = DecisionForm {
        offer_id: "SY-1003".into(),
        category: "hoejt".into(),
        reason: "Specialisering.".into(),
        decided_by: "Ib Holm".into(),
    };
    engine.category_decide(2026, &decision).unwrap();
    let run = engine
        .occupancy_run_create(2026, "q1-q3", None, today())
        .unwrap();
    let line = LineForm {
        actual: Some("90,25".into()),
        efterregulering: Some("ja".into()),
        note: Some("Færre henvisninger.".into()),
    };
    engine
        .occupancy_line_set(run.id, "SY-1001", &line, today())
        .unwrap();
}

/// A one-person check with an asked municipality, and a contract from before the standard.
fn one_person_and_old_contract(engine: &Engine) {
    use pladsoverblik_core::contracts::old::OldContractForm;
    use pladsoverblik_core::placement::forms::InquiryForm;
    let check = engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Enkeltmand,
                need: Need {
                    legal_basis: LegalBasis::Sel108,
                    target_group: "FN.P.PV.PER".into(),
                    age: 30,
                    home_municipality: 265,
                    wanted_start: day(2026, 12, 1),
                },
                reference: "Sag 2".into(),
                radius_km: None,
            },
            today(),
        )
        .unwrap();
    let asked = InquiryForm {
        municipality: "Køge".into(),
        asked_on: "20.11.2026".into(),
        method: "telefon".into(),
        contact: "Lis Berg".into(),
        ..Default::default()
    };
    engine
        .check_inquire(&check.id, &asked.parse().unwrap(), today())
        .unwrap();
    let old = OldContractForm {
        offer_id: check_offer(engine),
        legal_basis: "108".into(),
        buyer_municipality: "Roskilde".into(),
        case_reference: "Sag 3".into(),
        start: "01.07.2025".into(),
        amount: "3.000,00".into(),
        document: "ESDH 2025-1".into(),
        ..Default::default()
    };
    engine.old_contract_register(&old, today()).unwrap();
}

/// An offer of the example catalogue (the first of the search).
fn check_offer(engine: &Engine) -> String {
    engine.search(&Default::default(), today()).unwrap().hits[0]
        .id
        .clone()
}

/// A check with a confirmation, rejections, a shortlist and a conclusion; its first offer.
fn closed_check(engine: &Engine) -> String {
    let t = today();
    let check = engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Privat,
                need: Need {
                    legal_basis: LegalBasis::Sel108,
                    target_group: "FN.P.PV.PER".into(),
                    age: 30,
                    home_municipality: 265,
                    wanted_start: day(2026, 12, 1),
                },
                reference: "Sag 1".into(),
                radius_km: None,
            },
            t,
        )
        .unwrap();
    let first = check.candidates[0].offer_id.clone();
    engine
        .check_confirm(
            &check.id,
            &Confirmation {
                offer_id: first.clone(),
                contacted_on: day(2026, 11, 24),
                free_places: 0,
                method: ContactMethod::Telefon,
                contact: "Hanne Holm".into(),
                note: String::new(),
            },
            t,
        )
        .unwrap();
    for c in check.candidates.iter().skip(1) {
        engine
            .check_reject(
                &check.id,
                &Rejection {
                    offer_id: c.offer_id.clone(),
                    reason: RejectReason::AfslaaetAfTilbuddet,
                    note: "Tilbuddet kan ikke tage borgeren ind.".into(),
                    decided_by: "Lone Leder".into(),
                },
                t,
            )
            .unwrap();
    }
    engine.check_shortlist_add(&check.id, &first, t).unwrap();
    engine
        .check_close(
            &check.id,
            &Closing {
                conclusion: Conclusion::PrivatBegrundet,
                chosen_offer_id: None,
                note: String::new(),
            },
            t,
        )
        .unwrap();
    first
}

fn tables(conn: &Connection) -> Vec<String> {
    let mut st = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Every row of a table as text, in the order of all its columns.
fn rows(conn: &Connection, table: &str) -> Vec<String> {
    let n = conn
        .prepare(&format!("SELECT * FROM \"{table}\""))
        .unwrap()
        .column_count();
    let order: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    let mut st = conn
        .prepare(&format!(
            "SELECT * FROM \"{table}\" ORDER BY {}",
            order.join(", ")
        ))
        .unwrap();
    st.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
            .collect::<Vec<_>>()
            .join(" | "))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

fn read_only(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// `a` and `b` hold the same rows in every table, except that `b`'s audit log has one more
/// entry at the end, with `action`.
fn same_rows_but_one_log_entry(a: &Connection, b: &Connection, action: &str) {
    let names = tables(a);
    assert_eq!(names, tables(b));
    for t in &names {
        let (ra, mut rb) = (rows(a, t), rows(b, t));
        if t == "audit_log" {
            let last = rb.pop().unwrap();
            assert!(last.contains(&format!("{action:?}")), "{last}");
        }
        assert_eq!(ra.len(), rb.len(), "table {t}");
        for (i, (x, y)) in ra.iter().zip(&rb).enumerate() {
            assert_eq!(x, y, "table {t}, row {i}");
        }
    }
}

fn log_actions(conn: &Connection, action: &str) -> i64 {
    conn.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_backup_restored_into_a_fresh_folder_holds_every_row_of_every_table() {
    let t0 = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let live_dir = dir.path().join("live");
    std::fs::create_dir(&live_dir).unwrap();
    let engine = full_engine(&live_dir);
    let file = dir.path().join("kopi.sqlite");
    let report = engine.backup_to(&file, false).unwrap();
    assert!(
        report
            .text
            .starts_with(&format!("Sikkerhedskopien er gemt i {} (", file.display()))
            && report.text.contains(" kl. ")
            && report.text.contains("CPR-numre"),
        "{}",
        report.text
    );
    // Only the user may read it; one self-contained file in rollback mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        files_in(dir.path()),
        ["kopi.sqlite".to_string(), "live".to_string()]
    );
    let copy = read_only(&file);
    let mode: String = copy
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    // Every table has data, so the comparison below means something.
    let live = engine
        .with_db(|db| Ok(db.path().unwrap().to_path_buf()))
        .unwrap();
    let live_conn = read_only(&live);
    for t in tables(&live_conn) {
        assert!(!rows(&live_conn, &t).is_empty(), "table {t} is empty");
    }
    // The backup is the database as it was; the live log then records the backup.
    same_rows_but_one_log_entry(&copy, &live_conn, "backup.create");

    // Into a fresh folder, as `plads restore` does it.
    let fresh = dir.path().join("ny").join(DB);
    let restored = backup::restore_at(&fresh, &file, today()).unwrap();
    assert!(
        restored
            .text
            .starts_with(&format!("Databasen er gendannet fra {} (", file.display()))
            && restored
                .text
                .contains("katalog pr. 15.11.2026 med 188 tilbud, 2 afstemninger og "),
        "{}",
        restored.text
    );
    assert!(restored.restored.contracts.unwrap_or(0) >= 1);
    let fresh_conn = read_only(&fresh);
    same_rows_but_one_log_entry(&copy, &fresh_conn, "backup.restore");
    let ok: String = fresh_conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // No copy of citizen data left beside the database.
    assert!(files_in(fresh.parent().unwrap())
        .iter()
        .all(|n| !n.ends_with(".tmp")));
    eprintln!(
        "backup and restore round trip: {} ms",
        t0.elapsed().as_millis()
    );
}

/// The database file and its WAL, byte for byte.
fn live_bytes(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    (
        std::fs::read(path).unwrap(),
        std::fs::read(wal).unwrap_or_default(),
    )
}

fn refused(db: &mut Db, file: &Path) -> Error {
    let live = db.path().unwrap().to_path_buf();
    let before = live_bytes(&live);
    let listing = files_in(live.parent().unwrap());
    let err = backup::restore(db, file, today()).unwrap_err();
    assert!(before == live_bytes(&live), "the live database changed");
    let after: Vec<String> = files_in(live.parent().unwrap());
    assert_eq!(listing, after, "files beside the database changed");
    // Nor could a preview change anything.
    assert_eq!(
        backup::inspect(&live, file, today())
            .unwrap_err()
            .to_string(),
        err.to_string()
    );
    err
}

/// A live database in `dir/live` and a good backup of it.
fn live_and_backup(dir: &Path) -> (Db, PathBuf) {
    let live_dir = dir.join("live");
    std::fs::create_dir(&live_dir).unwrap();
    let db = db_with_small(&live_dir);
    let good = dir.join("god.sqlite");
    backup::backup_to(&db, &good, false).unwrap();
    (db, good)
}

#[test]
fn damaged_and_cut_short_backups_are_refused_and_the_live_database_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut db, good) = live_and_backup(dir.path());

    // Damaged: everything after the first page overwritten.
    let damaged = dir.path().join("beskadiget.sqlite");
    let mut bytes = std::fs::read(&good).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let msg = refused(&mut db, &damaged).to_string();
    assert!(
        msg.starts_with(&format!(
            "Sikkerhedskopien i {} blev afvist, og intet er ændret.",
            damaged.display()
        )) && msg.contains("beskadiget"),
        "{msg}"
    );
    // Cut short: the second half missing.
    let short = dir.path().join("halv.sqlite");
    let full = std::fs::read(&good).unwrap();
    std::fs::write(&short, &full[..full.len() / 2]).unwrap();
    let msg = refused(&mut db, &short).to_string();
    assert!(msg.contains("blev afvist, og intet er ændret"), "{msg}");
}

#[test]
fn newer_foreign_and_missing_files_are_refused_and_the_live_database_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut db, good) = live_and_backup(dir.path());

    // Written by a newer Pladsoverblik: the store's own message.
    let newer = dir.path().join("nyere.sqlite");
    std::fs::copy(&good, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", latest_version() + 1)
        .unwrap();
    let err = refused(&mut db, &newer);
    assert!(matches!(err, Error::DatabaseTooNew { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "Databasen {} har skemaversion {}, men denne version af Pladsoverblik kender kun op \
             til version {}. Filen er ikke ændret; opdatér Pladsoverblik.",
            newer.display(),
            latest_version() + 1,
            latest_version()
        )
    );

    // Not a database at all, and a database that is not Pladsoverblik's.
    let text = dir.path().join("noter.sqlite");
    std::fs::write(&text, "Dette er ikke en database.\n").unwrap();
    let msg = refused(&mut db, &text).to_string();
    assert!(msg.contains("Filen er ikke en SQLite-database"), "{msg}");
    let empty = dir.path().join("tom.sqlite");
    std::fs::write(&empty, "").unwrap();
    let msg = refused(&mut db, &empty).to_string();
    assert!(msg.contains("Filen er ikke en SQLite-database"), "{msg}");
    let foreign = dir.path().join("fremmed.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE noter (tekst TEXT); INSERT INTO noter VALUES ('hej');")
        .unwrap();
    let msg = refused(&mut db, &foreign).to_string();
    assert!(msg.contains("ikke en database fra Pladsoverblik"), "{msg}");
    // A missing file.
    let err =
        backup::restore(&mut db, &dir.path().join("findes-ikke.sqlite"), today()).unwrap_err();
    assert!(err.to_string().contains("findes ikke"), "{err}");

    // Nothing refused left a backup "before restore" behind; the good one restores.
    let folder = backup::folder(db.path().unwrap());
    assert!(files_in(&folder)
        .iter()
        .all(|n| !n.starts_with("foer-gendannelse")));
    backup::restore(&mut db, &good, today()).unwrap();
    assert_eq!(
        files_in(&folder)
            .iter()
            .filter(|n| n.starts_with("foer-gendannelse"))
            .count(),
        1
    );
}

fn kept(folder: &Path, kind: &str) -> Vec<String> {
    files_in(folder)
        .into_iter()
        .filter(|n| n.starts_with(kind) && n.ends_with(".sqlite"))
        .collect()
}

#[test]
fn a_backup_before_every_catalogue_import_and_the_newest_five_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB);
    let engine = Engine::open(&path).unwrap();
    let folder = backup::folder(&path);
    for i in 0..KEEP + 2 {
        let file = write_json(dir.path(), &format!("k{i}.json"), &small_json());
        engine.import_file(&file, |_, _| {}).unwrap();
    }
    let names = kept(&folder, "foer-katalogimport-");
    assert_eq!(names.len(), KEEP, "{names:?}");
    // Each is a whole database; the oldest kept is from before the import of k2.json, the
    // newest from before the last import.
    let catalogue_of = |name: &str| {
        let conn = read_only(&folder.join(name));
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        pladsoverblik_core::catalogue::info(&conn, today())
            .unwrap()
            .file_name
    };
    assert_eq!(catalogue_of(&names[0]), "k1.json");
    assert_eq!(catalogue_of(&names[KEEP - 1]), format!("k{}.json", KEEP));
    // A refused file changes nothing, so its backup is removed again and pushes none out.
    let bad = dir.path().join("forkert.json");
    std::fs::write(&bad, "{ \"format\": 1 ").unwrap();
    assert!(engine.import_file(&bad, |_, _| {}).is_err());
    assert_eq!(kept(&folder, "foer-katalogimport-"), names);
    assert!(files_in(&folder).iter().all(|n| !n.ends_with(".tmp")));
    let conn = read_only(&path);
    assert_eq!(log_actions(&conn, "backup.create"), (KEEP + 2) as i64);
    // The status the settings show: newest first.
    let status = engine.backup_status().unwrap();
    assert_eq!(status.automatic.len(), KEEP);
    assert_eq!(status.automatic[0].file_name, names[KEEP - 1]);
    assert_eq!(status.automatic[0].reason_text, "Før indlæsning af katalog");
    assert!(
        status.text.contains("De seneste 5 af hver slags"),
        "{}",
        status.text
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        for n in &names {
            assert_eq!(mode(&folder.join(n)), 0o600, "{n}");
        }
    }
}

#[test]
fn a_backup_before_a_migration_holds_the_old_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB);
    {
        let mut db = Db::open_unmigrated(&path).unwrap();
        db.migrate_to(1).unwrap();
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
    let folder = backup::folder(&path);
    let names = kept(&folder, "foer-opdatering-");
    assert_eq!(names.len(), 1, "{:?}", files_in(&folder));
    let old = read_only(&folder.join(&names[0]));
    let version: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let amount: String = old
        .query_row("SELECT amount FROM rates", [], |r| r.get(0))
        .unwrap();
    assert_eq!(amount, "2900.00");
    assert_eq!(log_actions(db.conn(), "backup.create"), 1);
    // Opening it again migrates nothing and copies nothing; a new database gets no copy.
    drop(db);
    Db::open(&path).unwrap();
    assert_eq!(kept(&folder, "foer-opdatering-").len(), 1);
    let other = dir.path().join("ny").join(DB);
    Db::open(&other).unwrap();
    assert!(!backup::folder(&other).exists());
}

#[test]
fn a_restore_while_the_app_runs_shows_the_restored_data_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB);
    let engine = Engine::open(&path).unwrap();
    let everything = SearchQuery {
        limit: Some(1),
        ..Default::default()
    };
    assert_eq!(engine.search(&everything, today()).unwrap().total, 188);
    let file = dir.path().join("før.sqlite");
    engine.backup_to(&file, false).unwrap();
    // Taking it again into the same file needs the word.
    let err = engine.backup_to(&file, false).unwrap_err();
    assert!(err.to_string().contains("findes allerede"), "{err}");
    engine.backup_to(&file, true).unwrap();
    let err = engine.backup_to(&path, true).unwrap_err();
    assert!(err.to_string().contains("oven i selve databasen"), "{err}");

    let small = write_json(dir.path(), "lille.json", &small_json());
    engine.import_file(&small, |_, _| {}).unwrap();
    assert_eq!(engine.search(&everything, today()).unwrap().total, 7);

    let contents = engine.backup_inspect(&file, today()).unwrap();
    assert!(
        contents
            .text
            .contains("katalog pr. 15.11.2026 med 188 tilbud"),
        "{}",
        contents.text
    );
    assert_eq!(engine.search(&everything, today()).unwrap().total, 7);
    let report = engine.restore_from(&file, today()).unwrap();
    assert_eq!(engine.search(&everything, today()).unwrap().total, 188);
    assert_eq!(engine.info(today()).unwrap().offer_count, 188);
    let previous = report.previous.unwrap();
    assert!(report.text.ends_with(&format!(
        "Den hidtidige database er gemt i {}.",
        previous.display()
    )));
    // The database as it was before the restore, kept: the small catalogue.
    let before = read_only(&previous);
    assert_eq!(
        pladsoverblik_core::catalogue::info(&before, today())
            .unwrap()
            .offer_count,
        7
    );
    let last: String = engine
        .with_db(|db| {
            Ok(db.conn().query_row(
                "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(last, "backup.restore");
}

/// The backup reads one snapshot: a write another program has not committed is not in it,
/// and the writer is not held up.
#[test]
fn a_backup_taken_while_another_program_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB);
    let db = Db::open(&path).unwrap();
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('user_name', 'Halvt');",
        )
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let committer = std::thread::spawn(move || {
        rx.recv().unwrap();
        writer.execute_batch("COMMIT").unwrap();
    });
    let file = dir.path().join("kopi.sqlite");
    // The copy finishes while the write is open; recording it in the log then waits for it.
    let started = std::time::Instant::now();
    let recorder = std::thread::spawn(move || {
        let r = backup::backup_to(&db, &file, false).map(|r| r.file.path);
        (r, db)
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    tx.send(()).unwrap();
    committer.join().unwrap();
    let (file, _db) = recorder.join().unwrap();
    let file = file.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let copy = read_only(&file);
    let n: i64 = copy
        .query_row(
            "SELECT COUNT(*) FROM settings WHERE key = 'user_name'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0, "an uncommitted write is in the backup");
}

/// The log names the backup file, unless its name looks like a CPR number.
#[test]
fn a_file_name_like_a_cpr_number_stays_out_of_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join(DB)).unwrap();
    backup::backup_to(&db, &dir.path().join("Søren 010190-1234.sqlite"), false).unwrap();
    backup::backup_to(&db, &dir.path().join("uge 48.sqlite"), false).unwrap();
    let subjects: Vec<String> = db
        .conn()
        .prepare("SELECT subject FROM audit_log WHERE action = 'backup.create' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(subjects, ["(filnavn udeladt)", "uge 48.sqlite"]);
}
