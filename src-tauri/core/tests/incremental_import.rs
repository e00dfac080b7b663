//! A catalogue imported again from disk takes the offers it already holds over unchanged
//! (issue 16, `catalogue/import.rs`). What it leaves must be what reading and writing every
//! offer leaves: these tests import one catalogue and then another both ways and compare every
//! catalogue table (row keys replaced by offer ids), the rates and buyers kept as history,
//! free-text matches in the search index, and the search results with their order.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::snapshot::{self, OfferRecord};
use pladsoverblik_core::catalogue::{generate, import};
use pladsoverblik_core::error::Error;
use pladsoverblik_core::search::SearchIndex;
use pladsoverblik_core::search_fingerprint::{self, fingerprints};
use pladsoverblik_core::store::Db;
use rusqlite::types::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn options(offers: usize, seed: u64) -> generate::Options {
    generate::Options {
        offers,
        seed,
        extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        sjaelland_only: false,
        example: false,
    }
}

fn offers(offers: usize, seed: u64) -> Vec<OfferRecord> {
    generate::offers(&options(offers, seed)).collect()
}

fn write(dir: &Path, name: &str, offers: &[OfferRecord]) -> PathBuf {
    write_with(dir, name, &generate::header(&options(0, 42)), offers)
}

fn write_with(
    dir: &Path,
    name: &str,
    header: &snapshot::Header,
    offers: &[OfferRecord],
) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    snapshot::write(
        std::io::BufWriter::new(file),
        header,
        offers.iter().cloned(),
    )
    .unwrap();
    path
}

/// The month after `a`: names, free places, rates and target groups changed in some offers,
/// some gone, two moved, new ones, and three offers of one name whose order in the file
/// changes (ties in the alphabetical order follow the file).
fn next_month(a: &[OfferRecord]) -> Vec<OfferRecord> {
    let mut b: Vec<OfferRecord> = a.to_vec();
    b[10].name = "Bostedet Ændret".into();
    for rec in b.iter_mut().skip(100).step_by(7) {
        for places in rec
            .departments
            .iter_mut()
            .flat_map(|d| d.legal_bases.iter_mut())
        {
            places.free_places =
                places
                    .free_places
                    .map(|f| if f < places.places { f + 1 } else { f - 1 });
        }
    }
    if let Some(rate) = b[12].rates.first_mut() {
        rate.amount = "9999.00".into();
    }
    b[13].target_groups = vec![b[14].target_groups[0].clone()];
    b[15].description = "Beskrivelse, der er ændret".into();
    if let Some(o) = b.iter_mut().find(|o| o.description.ends_with(" (ændres)")) {
        o.description = "Ændret beskrivelse".into();
    }
    b.swap(50, 51);
    let tied = b.remove(62);
    b.insert(60, tied);
    b.drain(200..230);
    let mut new = offers(40, 7);
    for (i, rec) in new.iter_mut().enumerate() {
        rec.id = format!("NY-{i}");
    }
    b.splice(300..300, new);
    b
}

/// Three offers with one name, so their order among themselves is the file's; and target
/// groups and operators not in the order the tables keep them (codes, periods) in offers
/// whose text changes next month.
fn with_ties(mut a: Vec<OfferRecord>) -> Vec<OfferRecord> {
    for rec in &mut a[60..63] {
        rec.name = "Bofællesskabet Tvillingen".into();
    }
    let mut codes: Vec<String> = a
        .iter()
        .take(40)
        .flat_map(|o| o.target_groups.clone())
        .collect();
    codes.sort();
    codes.dedup();
    codes.reverse();
    a[15].target_groups = codes.into_iter().take(4).collect();
    assert!(a[15].target_groups.len() > 1);
    let with_two = a
        .iter()
        .position(|o| o.operators.len() > 1)
        .expect("an offer with two operators");
    a[with_two].operators.reverse();
    a[with_two].description.push_str(" (ændres)");
    a
}

/// Every catalogue table and the rates and buyers, row keys replaced by offer ids, rows
/// sorted; the import's own time and file name left out. A name rank is shown as its place
/// among the ranks: only their order means anything, and an import that takes offers over
/// keeps the stored ranks that are still in order (`catalogue::rules::name_ranks`).
fn tables(db: &Db) -> Vec<(String, Vec<String>)> {
    let conn = db.conn();
    let ids: HashMap<i64, String> = conn
        .prepare("SELECT key, id FROM offers")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let places: HashMap<i64, usize> = conn
        .prepare("SELECT name_rank FROM offer_order ORDER BY name_rank")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .enumerate()
        .map(|(place, rank)| (rank.unwrap(), place))
        .collect();
    let mut out = Vec::new();
    for table in [
        "catalogue_meta",
        "target_groups",
        "offers",
        "offer_order",
        "offer_operators",
        "departments",
        "department_places",
        "offer_target_groups",
        "offer_agreements",
        "offer_buyers",
        "rates",
    ] {
        let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let names: Vec<String> = st.column_names().map(|c| c.to_string()).collect();
        let mut rows: Vec<String> = st
            .query_map([], |r| {
                let mut line = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let v: Value = r.get(i)?;
                    let shown = match (name.as_str(), &v) {
                        (
                            "imported_at" | "file_name" | "offers_context" | "updated_at"
                            | "file_digest" | "file_rates" | "generation",
                            _,
                        ) => continue,
                        ("key" | "offer_key", Value::Integer(k)) => ids[k].clone(),
                        ("name_rank", Value::Integer(rank)) => format!("plads {}", places[rank]),
                        _ => format!("{v:?}"),
                    };
                    line.push(format!("{name}={shown}"));
                }
                Ok(line.join(" "))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        out.push((table.to_string(), rows));
    }
    out
}

/// Every word of the free-text index with the offer (by id), column and position it stands
/// at (`fts5vocab`), sorted: the index's whole content.
fn text_index(db: &Db) -> Vec<String> {
    db.conn()
        .execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, offer_fts, instance)",
        )
        .unwrap();
    let mut words: Vec<String> = db
        .conn()
        .prepare(
            "SELECT w.term, o.id, w.col, w.offset FROM temp.words w JOIN offers o ON o.key = w.doc",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(format!(
                "{} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let all: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM temp.words", [], |r| r.get(0))
        .unwrap();
    assert_eq!(all as usize, words.len(), "a word of an offer that is gone");
    words.sort();
    words
}

fn searches(db: &Db) -> Vec<(String, String)> {
    let index = SearchIndex::build(db.conn(), search_fingerprint::day()).unwrap();
    fingerprints(db.conn(), &index)
}

fn assert_same(taken_over: &Db, read_whole: &Db) {
    let (a, b) = (tables(taken_over), tables(read_whole));
    for ((table, rows_a), (_, rows_b)) in a.iter().zip(&b) {
        let may_be_empty = ["offer_agreements", "offer_buyers"].contains(&table.as_str());
        assert!(!rows_b.is_empty() || may_be_empty, "{table} is empty");
        assert_eq!(rows_a.len(), rows_b.len(), "{table}: row count");
        for (x, y) in rows_a.iter().zip(rows_b) {
            assert_eq!(x, y, "{table}");
        }
    }
    let (words_a, words_b) = (text_index(taken_over), text_index(read_whole));
    assert!(words_b.len() > 1000, "{}", words_b.len());
    assert!(words_a == words_b, "the free-text indexes differ");
    assert_eq!(searches(taken_over), searches(read_whole));
}

/// `first` then `second` from disk (the second taking offers over), and the same two read
/// whole; returns both databases and the second import's report.
fn both_ways(dir: &Path, first: &Path, second: &Path) -> (Db, Db, import::ImportReport) {
    let mut taken_over = Db::open(&dir.join("a.sqlite")).unwrap();
    // Into an empty catalogue the file streams past without fingerprints; the import after
    // it reads every offer and keeps them; the one after that takes offers over.
    for _ in 0..2 {
        let report = import::import_file(&mut taken_over, first, |_, _| {}).unwrap();
        assert_eq!(report.changes, None, "nothing to compare with yet");
    }
    assert!(digests(&taken_over).len() > 100);
    let report = import::import_file(&mut taken_over, second, |_, _| {}).unwrap();
    let mut whole = Db::open(&dir.join("b.sqlite")).unwrap();
    for file in [first, first, second] {
        let bytes = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        import::import(&mut whole, bytes.as_slice(), &name).unwrap();
    }
    (taken_over, whole, report)
}

#[test]
fn next_months_catalogue_leaves_what_reading_every_offer_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let a = with_ties(offers(1000, 42));
    let b = next_month(&a);
    let first = write(dir.path(), "november.json", &a);
    let second = write(dir.path(), "december.json", &b);
    let (taken_over, whole, report) = both_ways(dir.path(), &first, &second);
    let changes = report.changes.expect("offers taken over");
    // Offers 10, 12, 13, 15 and some of every 7th from 100 (their free places) changed; 30
    // gone, 40 new; the moved ones are unchanged.
    assert_eq!(changes.removed, 30);
    assert_eq!(changes.added, 40);
    assert!((5..=140).contains(&changes.changed), "{changes:?}");
    assert_eq!(
        changes.unchanged + changes.changed + changes.added,
        report.offers
    );
    assert_eq!(report.offers, b.len());
    assert_eq!(
        report.changes_text.as_deref(),
        Some(
            format!(
                "Siden sidste katalog: {} tilbud ændret, 40 nye, 30 udgået og {} uændrede.",
                changes.changed, changes.unchanged
            )
            .as_str()
        )
    );
    assert_same(&taken_over, &whole);
    // Every offer's fingerprint as a first import of the file from disk stores it.
    let mut fresh = Db::open(&dir.path().join("fresh.sqlite")).unwrap();
    import::import_file(&mut fresh, &second, |_, _| {}).unwrap();
    assert!(digests(&fresh).is_empty(), "a first import streams");
    import::import_file(&mut fresh, &second, |_, _| {}).unwrap();
    assert_eq!(digests(&taken_over), digests(&fresh));
    assert_eq!(digests(&fresh).len(), b.len());
    // The tie follows the new file: offer 62 of November stands before 60 and 61 now.
    let rank = |id: &str| -> i64 {
        taken_over
            .conn()
            .query_row(
                "SELECT name_rank FROM offer_order JOIN offers ON key = offer_key WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(rank(&a[62].id) < rank(&a[60].id) && rank(&a[60].id) < rank(&a[61].id));
}

#[test]
fn the_same_file_again_takes_every_offer_over() {
    let dir = tempfile::tempdir().unwrap();
    let a = offers(600, 42);
    let file = write(dir.path(), "katalog.json", &a);
    let (taken_over, whole, report) = both_ways(dir.path(), &file, &file);
    assert_eq!(
        report.changes,
        Some(import::Changes {
            unchanged: 600,
            ..Default::default()
        })
    );
    assert_eq!(report.offers, 600);
    assert_eq!(report.rates, whole_rates(&a));
    assert_same(&taken_over, &whole);
    // And back to it after another month: the gone offers come back as new.
    let b = next_month(&a);
    let second = write(dir.path(), "december.json", &b);
    let mut db = taken_over;
    import::import_file(&mut db, &second, |_, _| {}).unwrap();
    let back = import::import_file(&mut db, &file, |_, _| {}).unwrap();
    let changes = back.changes.unwrap();
    assert_eq!((changes.added, changes.removed), (30, 40));
    let mut whole2 = Db::open(&dir.path().join("c.sqlite")).unwrap();
    for f in [&file, &file, &second, &file] {
        let bytes = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        import::import(&mut whole2, bytes.as_slice(), &name).unwrap();
    }
    assert_same(&db, &whole2);
}

/// Taking offers over, the import checks the offers' own tables for the offers it wrote or
/// removed, and every other table with a foreign key in full: a table outside the catalogue
/// (as a later migration might add one) whose row refers to an offer the new file no longer
/// has refuses the import, and nothing changes.
#[test]
fn a_reference_to_an_offer_the_file_drops_refuses_an_import_that_takes_offers_over() {
    let dir = tempfile::tempdir().unwrap();
    let a = offers(600, 42);
    let b = next_month(&a);
    let first = write(dir.path(), "november.json", &a);
    let second = write(dir.path(), "december.json", &b);
    let mut db = Db::open(&dir.path().join("a.sqlite")).unwrap();
    for _ in 0..2 {
        import::import_file(&mut db, &first, |_, _| {}).unwrap();
    }
    let gone = a.iter().find(|o| b.iter().all(|n| n.id != o.id)).unwrap();
    let key: i64 = db
        .conn()
        .query_row("SELECT key FROM offers WHERE id = ?1", [&gone.id], |r| {
            r.get(0)
        })
        .unwrap();
    db.conn()
        .execute_batch(&format!(
            "CREATE TABLE later_notes (offer_key INTEGER REFERENCES offers(key));
             INSERT INTO later_notes (offer_key) VALUES ({key});"
        ))
        .unwrap();
    let before = tables(&db);
    let e = import::import_file(&mut db, &second, |_, _| {}).unwrap_err();
    assert!(
        e.to_string().contains(
            "en række i «later_notes» henviser til en række i «offers», som ikke findes; intet er ændret"
        ),
        "{e}"
    );
    assert_eq!(tables(&db), before);
    // Without it the file goes in, taking the unchanged offers over.
    db.conn().execute_batch("DELETE FROM later_notes").unwrap();
    let report = import::import_file(&mut db, &second, |_, _| {}).unwrap();
    assert_eq!(report.changes.unwrap().removed, 30);
}

/// (id, fingerprint, rates) of every fingerprinted offer, by id.
fn digests(db: &Db) -> Vec<(String, Vec<u8>, i64)> {
    db.conn()
        .prepare("SELECT id, file_digest, file_rates FROM offers WHERE file_digest IS NOT NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn whole_rates(offers: &[OfferRecord]) -> usize {
    offers.iter().map(|o| o.rates.len()).sum()
}

#[test]
fn another_target_group_tree_reads_every_offer() {
    let dir = tempfile::tempdir().unwrap();
    let a = offers(300, 42);
    let first = write(dir.path(), "a.json", &a);
    let mut header = generate::header(&options(0, 42));
    header.target_groups[0].label = "Et nyt navn til målgruppen".into();
    let second = write_with(dir.path(), "b.json", &header, &a);
    let (taken_over, whole, report) = both_ways(dir.path(), &first, &second);
    assert_eq!(report.changes, None);
    assert_same(&taken_over, &whole);
}

/// A refused file is refused with the problems the classic reading lists, and nothing
/// changes.
#[test]
fn a_refused_file_lists_its_problems_as_always() {
    let dir = tempfile::tempdir().unwrap();
    let a = offers(300, 42);
    let first = write(dir.path(), "a.json", &a);
    let mut db = Db::open(&dir.path().join("a.sqlite")).unwrap();
    // Fingerprinted, so the refused files are read from memory to take offers over.
    for _ in 0..2 {
        import::import_file(&mut db, &first, |_, _| {}).unwrap();
    }
    assert!(!digests(&db).is_empty());
    let before = tables(&db);

    let mut bad = a.clone();
    bad[5].name = String::new();
    bad[40].departments.clear();
    // The same text twice: taken over the first time, a repeated id the second.
    bad.push(a[7].clone());
    let refused = write(dir.path(), "bad.json", &bad);
    let err = import::import_file(&mut db, &refused, |_, _| {}).unwrap_err();
    let mut classic = Db::open_in_memory().unwrap();
    let bytes = std::fs::read(&refused).unwrap();
    let err_classic = import::import(&mut classic, bytes.as_slice(), "bad.json").unwrap_err();
    assert_eq!(format!("{err:?}"), format!("{err_classic:?}"));
    let Error::Rejected { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(problems.len() >= 3, "{problems:?}");
    assert!(
        problems.iter().any(|p| p
            .message
            .contains(&format!("id «{}» findes allerede", a[7].id))),
        "{problems:?}"
    );
    assert_eq!(tables(&db), before);

    // Broken JSON inside an offer: the same line and column as always.
    let text = std::fs::read_to_string(&first).unwrap();
    let cut = text.replacen("\"free_places\":", "\"free_places\" ", 1);
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, cut.as_bytes()).unwrap();
    let err = import::import_file(&mut db, &broken, |_, _| {}).unwrap_err();
    let err_classic = import::import(&mut classic, cut.as_bytes(), "broken.json").unwrap_err();
    assert_eq!(format!("{err:?}"), format!("{err_classic:?}"));
    assert_eq!(tables(&db), before);
}

/// The automatic backup before an import that takes offers over cannot be taken: nothing
/// changes, and the import is not tried again without it.
#[test]
fn no_backup_no_import() {
    let dir = tempfile::tempdir().unwrap();
    let a = offers(600, 42);
    let first = write(dir.path(), "november.json", &a);
    let second = write(dir.path(), "december.json", &next_month(&a));
    let db_path = dir.path().join("db").join("a.sqlite");
    let mut db = Db::open(&db_path).unwrap();
    for _ in 0..2 {
        import::import_file(&mut db, &first, |_, _| {}).unwrap();
    }
    let before = tables(&db);
    // A file where the backups' folder should be.
    let blocked = pladsoverblik_core::backup::folder(&db_path);
    std::fs::write(&blocked, b"ikke en mappe").unwrap();
    let err = import::import_file_backed_up(&mut db, &second, |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("sikkerhedskopi"), "{err}");
    assert_eq!(tables(&db), before);
    std::fs::remove_file(&blocked).unwrap();
    let (report, copy) = import::import_file_backed_up(&mut db, &second, |_, _| {}).unwrap();
    assert!(copy.is_some());
    assert_eq!(report.changes.unwrap().removed, 30);
}
