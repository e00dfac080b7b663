//! Search as Danes type (issue 14): aa = å, ae = æ, oe = ø, both ways, in the index and in
//! the query alike, on the bundled example catalogue; and a database indexed before the
//! folding gets its index rebuilt by the schema upgrade.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::import;
use pladsoverblik_core::search::{SearchIndex, SearchQuery};
use pladsoverblik_core::store::{latest_version, Db};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn ids(db: &Db, text: &str) -> Vec<String> {
    let index = SearchIndex::build(db.conn(), today()).unwrap();
    let q = SearchQuery {
        text: Some(text.into()),
        limit: Some(500),
        ..Default::default()
    };
    index
        .search(db.conn(), &q, today())
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn example() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    import::import(
        &mut db,
        pladsoverblik_core::EXAMPLE_CATALOGUE,
        "eksempelkatalog.json",
    )
    .unwrap();
    db
}

#[test]
fn aa_is_aa_both_ways() {
    let db = example();
    // Hand-checked in assets/eksempelkatalog.json: the one offer in Aabenraa (town and
    // municipality) is SY-1006 Opholdsstedet Klitten.
    assert_eq!(ids(&db, "Aabenraa"), ["SY-1006"]);
    assert_eq!(ids(&db, "Åbenrå"), ["SY-1006"]);
    assert_eq!(ids(&db, "åbenraa"), ["SY-1006"]);
    // Seven offers are named "… Åbrinken"; spelt with aa they come first, as with å.
    let with_ring = ids(&db, "Åbrinken");
    let with_aa = ids(&db, "Aabrinken");
    assert_eq!(with_aa, with_ring);
    assert_eq!(
        sorted(with_aa[..7].to_vec()),
        ["SJ-1007", "SJ-1045", "SJ-1051", "SJ-1066", "SJ-1087", "SJ-1089", "SJ-1130"]
    );
}

#[test]
fn ae_is_ae_and_oe_is_oe_both_ways() {
    let db = example();
    let naestved = ids(&db, "Naestved");
    assert_eq!(naestved, ids(&db, "Næstved"));
    // Hand-checked: ten of the offers lie in Næstved (town), among them these.
    for id in ["SJ-1010", "SJ-1024", "SJ-1071", "SJ-1174"] {
        assert!(naestved.contains(&id.to_string()), "{id}");
    }
    let koege = ids(&db, "Koege");
    assert_eq!(koege, ids(&db, "KØGE"));
    for id in ["SJ-1018", "SJ-1077", "SJ-1098", "SJ-1119"] {
        assert!(koege.contains(&id.to_string()), "{id}");
    }
    // The name test folds as the index does: the five offers named "… Bøgely" come first
    // when it is spelt "Boegely".
    let boegely = ids(&db, "Boegely");
    assert_eq!(boegely, ids(&db, "bøgely"));
    assert_eq!(
        sorted(boegely[..5].to_vec()),
        ["SJ-1002", "SJ-1035", "SJ-1081", "SJ-1097", "SJ-1119"]
    );
}

#[test]
fn the_folding_gives_no_false_hits() {
    let db = example();
    // ø is a letter of its own: "koge" is not Køge, and "bo" is not "bø" (folding ø to oe
    // would have made "bo" find every "Bø…" word).
    let koege = ids(&db, "køge");
    assert!(!koege.is_empty());
    assert!(ids(&db, "koge").iter().all(|id| !koege.contains(id)));
    // "Børne- og Ungehjemmet Fuglsang" (SJ-1012) has no word that starts with "bo"; folding
    // ø to oe would have found it by "bo". It is found by "bø" and "boerne".
    assert!(!ids(&db, "bo fuglsang").contains(&"SJ-1012".to_string()));
    assert!(ids(&db, "bø fuglsang").contains(&"SJ-1012".to_string()));
    assert!(ids(&db, "boerne fuglsang").contains(&"SJ-1012".to_string()));
}

#[test]
fn an_index_from_before_the_folding_is_rebuilt_by_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut db = Db::open_unmigrated(&path).unwrap();
        db.migrate_to(11).unwrap();
        // Today's import also takes waiting rate-sheet rates into use (migration 18's table)
        // and keeps fingerprints (migration 20's columns) and its number (migration 21's):
        // empty stand-ins for the import, removed again before the upgrade creates them.
        db.conn()
            .execute_batch(
                "CREATE TABLE pending_rates (seq INTEGER PRIMARY KEY, sha256 TEXT, offer_id TEXT,
                    rate TEXT, source TEXT);
                 ALTER TABLE offers ADD COLUMN file_digest BLOB;
                 ALTER TABLE offers ADD COLUMN file_rates INTEGER;
                 ALTER TABLE catalogue_meta ADD COLUMN offers_context BLOB;
                 ALTER TABLE catalogue_meta ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;",
            )
            .unwrap();
        import::import(
            &mut db,
            pladsoverblik_core::EXAMPLE_CATALOGUE,
            "eksempelkatalog.json",
        )
        .unwrap();
        db.conn()
            .execute_batch(
                "DROP TABLE pending_rates;
                 ALTER TABLE offers DROP COLUMN file_digest;
                 ALTER TABLE offers DROP COLUMN file_rates;
                 ALTER TABLE catalogue_meta DROP COLUMN offers_context;",
            )
            .unwrap();
        // The index as version 11 wrote it: the words as they are spelt, unfolded.
        pladsoverblik_core::catalogue::store::clear_fts(db.conn()).unwrap();
        db.conn()
            .execute_batch(
                "INSERT INTO offer_fts (rowid, name, body) SELECT key, name, city FROM offers",
            )
            .unwrap();
        // "Aabenraa" in the old index is not found as "Åbenrå".
        assert_eq!(ids(&db, "Åbenrå"), Vec::<String>::new());
        // Today's index reads the import's number (migration 21's column) with its words.
        db.conn()
            .execute_batch("ALTER TABLE catalogue_meta DROP COLUMN generation;")
            .unwrap();
    }
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), latest_version());
    assert_eq!(ids(&db, "Åbenrå"), ["SY-1006"]);
    assert_eq!(
        ids(&db, "Aabrinken").len(),
        ids(&example(), "Åbrinken").len()
    );
    // The rebuilt index holds the whole search text again (target groups, legal bases).
    assert_eq!(ids(&db, "autisme"), ids(&example(), "autisme"));
    assert_eq!(
        ids(&db, "hjerneskade 108"),
        ids(&example(), "hjerneskade 108")
    );
}
