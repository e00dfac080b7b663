//! Catalogue import: good files replace the catalogue in one go, bad files are refused with a
//! Danish message naming record and field, and leave the existing catalogue untouched.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::catalogue::{generate, import, snapshot};
use pladsoverblik_core::Error;
use serde_json::json;

/// Imports `file` into a database that holds the small catalogue, expects a refusal, checks
/// that nothing changed and returns the message.
fn refused(file_text: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut db = db_with_small(dir.path());
    let ids_before = offer_ids(&db);
    let audit_before: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, file_text).unwrap();
    let err = import::import_file(&mut db, &path, |_, _| {}).unwrap_err();
    assert!(matches!(err, Error::Rejected { .. }), "{err:?}");
    assert_eq!(offer_ids(&db), ids_before, "the catalogue changed");
    let extracted: String = db
        .conn()
        .query_row("SELECT extracted FROM catalogue_meta", [], |r| r.get(0))
        .unwrap();
    assert_eq!(extracted, "2026-11-15");
    let audit_after: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audit_after, audit_before);
    assert!(foreign_keys_on(&db), "foreign keys stay on after a refusal");
    assert_eq!(autocheckpoint(&db), 1000, "automatic checkpoints on again");
    let msg = err.to_string();
    assert!(
        msg.contains("bad.json blev afvist, og intet er ændret"),
        "{msg}"
    );
    msg
}

/// Whether the connection enforces foreign keys (the import turns row-by-row checks off for
/// its own transaction only).
fn foreign_keys_on(db: &pladsoverblik_core::store::Db) -> bool {
    db.conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))
        .unwrap()
        == 1
}

/// SQLite's automatic checkpoint threshold on the connection (the import turns it off for its
/// own commit and copies the WAL afterwards).
fn autocheckpoint(db: &pladsoverblik_core::store::Db) -> i64 {
    db.conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_broken_reference_is_found_by_the_check_before_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    assert!(foreign_keys_on(&db));
    pladsoverblik_core::store::check_foreign_keys(db.conn()).unwrap();
    db.conn()
        .execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO departments (offer_key, id, name, ord, secure)
                VALUES (999999, 'X', 'Afdeling uden tilbud', 0, 0);
             PRAGMA foreign_keys = ON;",
        )
        .unwrap();
    let e = pladsoverblik_core::store::check_foreign_keys(db.conn()).unwrap_err();
    assert!(
        e.to_string()
            .contains("en række i «departments» henviser til en række i «offers», som ikke findes"),
        "{e}"
    );
}

/// After an import that took offers over, the offers' own tables are checked for the rows of
/// the offers it wrote or removed (`check_foreign_keys_for`): a place line whose department
/// is gone is found when its offer is among them; the whole check finds it anyway.
#[test]
fn the_check_after_taking_offers_over_reads_the_touched_offers_rows() {
    use pladsoverblik_core::catalogue::store::check_foreign_keys_for;
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let conn = db.conn();
    let keys: Vec<i64> = conn
        .prepare("SELECT DISTINCT offer_key FROM department_places ORDER BY offer_key")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (broken, other) = (keys[0], keys[1]);
    check_foreign_keys_for(conn, &keys).unwrap();
    delete_unchecked(
        conn,
        &format!("DELETE FROM departments WHERE offer_key = {broken}"),
    );
    assert_broken(
        check_foreign_keys_for(conn, &[other, broken]),
        "department_places",
        "departments",
    );
    // An offer whose rows the import did not write is not read again.
    check_foreign_keys_for(conn, &[other]).unwrap();
    pladsoverblik_core::store::check_foreign_keys(conn).unwrap_err();
    // An offer removed without its departments.
    let removed = keys[2];
    delete_unchecked(conn, &format!("DELETE FROM offers WHERE key = {removed}"));
    assert_broken(
        check_foreign_keys_for(conn, &[other, removed]),
        "departments",
        "offers",
    );
}

/// Runs `delete` with foreign keys not enforced, as the import's transaction does.
fn delete_unchecked(conn: &rusqlite::Connection, delete: &str) {
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; {delete}; PRAGMA foreign_keys = ON;"
    ))
    .unwrap();
}

/// The check refused, naming a row of `table` whose row in `parent` is missing.
fn assert_broken(result: pladsoverblik_core::Result<()>, table: &str, parent: &str) {
    let e = result.unwrap_err();
    assert!(
        e.to_string().contains(&format!(
            "en række i «{table}» henviser til en række i «{parent}», som ikke findes"
        )),
        "{e}"
    );
}

fn refused_json(v: &serde_json::Value) -> String {
    refused(serde_json::to_string_pretty(v).unwrap().as_bytes())
}

#[test]
fn malformed_json() {
    let text = std::fs::read_to_string(fixture_path("small.json")).unwrap();
    let broken = text.replacen("\"name\": \"Kildevang\",", "\"name\": \"Kildevang\"", 1);
    let msg = refused(broken.as_bytes());
    assert!(msg.contains("ugyldig JSON"), "{msg}");
    assert!(msg.contains("tilbud nr. 1"), "{msg}");
    assert!(msg.contains("linje "), "{msg}");
    let truncated = &text.as_bytes()[..text.len() / 2];
    let msg = refused(truncated);
    assert!(
        msg.contains("filen slutter midt i JSON-strukturen"),
        "{msg}"
    );
}

#[test]
fn empty_file() {
    let msg = refused(b"");
    assert!(msg.contains("filen er tom"), "{msg}");
    let msg = refused_json(&json!({
        "format": "pladsoverblik-katalog", "format_version": 1, "extracted": "2026-11-15",
        "source": "x", "target_groups": small_json()["target_groups"], "offers": []
    }));
    assert!(msg.contains("kataloget indeholder ingen tilbud"), "{msg}");
}

#[test]
fn wrong_version() {
    let mut v = small_json();
    v["format_version"] = json!(3);
    let msg = refused_json(&v);
    assert!(
        msg.contains(
            "filen har formatversion 3, men denne version af Pladsoverblik læser version 1 og 2"
        ),
        "{msg}"
    );
    let mut v = small_json();
    v["format"] = json!("noget-andet");
    assert!(refused_json(&v).contains("det er ikke en katalogfil til Pladsoverblik"));
}

#[test]
fn unknown_municipality_code() {
    let mut v = small_json();
    v["offers"][2]["address"]["municipality_code"] = json!(999);
    let msg = refused_json(&v);
    assert!(
        msg.contains(
            "tilbud «P-1» (nr. 3), felt address.municipality_code: ukendt kommunekode 999"
        ),
        "{msg}"
    );
}

#[test]
fn negative_places() {
    let mut v = small_json();
    v["offers"][0]["departments"][0]["legal_bases"][0]["places"] = json!(-3);
    let msg = refused_json(&v);
    assert!(
        msg.contains("tilbud «K-1» (nr. 1), felt departments[0].legal_bases[0].places: antal pladser kan ikke være negativt (-3)"),
        "{msg}"
    );
}

#[test]
fn free_places_above_places() {
    let mut v = small_json();
    v["offers"][1]["departments"][0]["legal_bases"][1]["free_places"] = json!(5);
    let msg = refused_json(&v);
    assert!(
        msg.contains("tilbud «R-1» (nr. 2), felt departments[0].legal_bases[1].free_places: ledige pladser (5) er flere end pladser i alt (4)"),
        "{msg}"
    );
}

#[test]
fn buyers_are_checked_field_by_field() {
    let mut v = small_json();
    v["offers"][0]["buyers"] = json!([
        {"year": 2026, "municipality_code": 259, "places": 2},
        {"year": 1999, "municipality_code": 259, "places": 1},
        {"year": 2026, "municipality_code": 999, "places": 1},
        {"year": 2026, "municipality_code": 350, "places": 0},
        {"year": 2026, "municipality_code": 259, "places": 1}
    ]);
    let msg = refused_json(&v);
    for expected in [
        "tilbud «K-1» (nr. 1), felt buyers[1].year: årstallet 1999 er ikke mellem 2000 og 2100",
        "felt buyers[2].municipality_code: ukendt kommunekode 999",
        "felt buyers[3].places: antallet af købte pladser skal være mindst 1, ikke 0",
        "felt buyers[4].municipality_code: Køge Kommune står to gange som køber i 2026",
    ] {
        assert!(msg.contains(expected), "{expected} not in {msg}");
    }
    assert!(!msg.contains("buyers[0]"), "{msg}");
}

#[test]
fn rate_with_a_comma_in_the_wrong_place() {
    let mut v = small_json();
    v["offers"][0]["rates"][1]["amount"] = json!("3.200,00");
    let msg = refused_json(&v);
    assert!(
        msg.contains("tilbud «K-1» (nr. 1), felt rates[1].amount: «3.200,00» indeholder komma"),
        "{msg}"
    );
    let mut v = small_json();
    v["offers"][3]["rates"][0]["amount"] = json!("3,600.00");
    assert!(refused_json(&v).contains("«3,600.00» indeholder komma"));
    // A number instead of text is a type error, also named.
    let mut v = small_json();
    v["offers"][3]["rates"][0]["amount"] = json!(3600.5);
    let msg = refused_json(&v);
    assert!(msg.contains("forkert type"), "{msg}");
    assert!(msg.contains("tilbud nr. 4"), "{msg}");
}

#[test]
fn duplicate_ids() {
    let mut v = small_json();
    v["offers"][4]["id"] = json!("K-1");
    let msg = refused_json(&v);
    assert!(
        msg.contains("tilbud «K-1» (nr. 5), felt id: id «K-1» findes allerede tidligere i filen"),
        "{msg}"
    );
}

#[test]
fn several_problems_are_listed_together() {
    let mut v = small_json();
    v["offers"][0]["cvr"] = json!("12345678");
    v["offers"][1]["target_groups"] = json!(["FINDES.IKKE"]);
    v["offers"][2]["age"] = json!({"min": 18, "max": 10});
    v["offers"][3]["departments"][0]["legal_bases"][0]["basis"] = json!("SEL-85");
    let msg = refused_json(&v);
    assert!(msg.contains("5 fejl"), "{msg}");
    assert!(msg.contains("felt rates[0].basis: tilbuddet har ingen pladser efter SEL § 108"));
    assert!(msg.contains("CVR-nummeret «12345678» er ugyldigt"), "{msg}");
    assert!(
        msg.contains("målgruppen «FINDES.IKKE» findes ikke"),
        "{msg}"
    );
    assert!(msg.contains("felt age.max"), "{msg}");
    assert!(msg.contains("lovgrundlaget «SEL-85» kendes ikke"), "{msg}");
}

#[test]
fn header_fields_may_follow_the_offers() {
    // JSON does not order an object's fields: a file written with the header last (as tools
    // that sort keys do) imports the same, search text included.
    let v = small_json();
    let text = format!(
        "{{\"offers\": {}, \"target_groups\": {}, \"source\": \"x\", \"extracted\": \"2026-11-15\", \"format_version\": 1, \"format\": \"pladsoverblik-katalog\"}}",
        v["offers"], v["target_groups"]
    );
    let dir = tempfile::tempdir().unwrap();
    let mut db = pladsoverblik_core::store::Db::open(&dir.path().join("t.sqlite")).unwrap();
    let report = import::import(&mut db, text.as_bytes(), "sidst.json").unwrap();
    assert_eq!(report.offers, 7);
    let hits: i64 = db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM offer_fts WHERE offer_fts MATCH '\"udviklingshæmning\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits, 1);
    // A missing header field is named, and not blamed on the last offer.
    let without = text.replace(", \"extracted\": \"2026-11-15\"", "");
    let msg = refused(without.as_bytes());
    assert!(
        msg.contains("feltet «extracted» mangler øverst i filen"),
        "{msg}"
    );
    assert!(!msg.contains("tilbud nr."), "{msg}");
}

#[test]
fn free_place_dates_after_the_extraction_date() {
    let mut v = small_json();
    v["offers"][5]["departments"][0]["legal_bases"][0]["free_as_of"] = json!("2026-12-01");
    let msg = refused_json(&v);
    assert!(
        msg.contains("tilbud «S-2», afdeling «A1», SEL-107, felt free_as_of: datoen 01.12.2026 ligger efter katalogets udtræksdato 15.11.2026"),
        "{msg}"
    );
}

#[test]
fn a_good_import_replaces_the_catalogue_and_keeps_rate_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = db_with_small(dir.path());
    assert_eq!(offer_ids(&db).len(), 7);

    // Next snapshot: K-1 only, with a 2027 rate; the 2025-2026 rates stay as history.
    let mut v = small_json();
    let mut k1 = v["offers"][0].clone();
    k1["rates"] = json!([{ "basis": "SEL-108", "year": 2027, "amount": "3400.00", "unit": "dag" }]);
    v["offers"] = json!([k1]);
    v["extracted"] = json!("2026-12-01");
    let path = write_json(dir.path(), "next.json", &v);
    let report = import::import_file(&mut db, &path, |_, _| {}).unwrap();
    assert_eq!(report.offers, 1);
    assert!(foreign_keys_on(&db));
    assert_eq!(offer_ids(&db), vec!["K-1".to_string()]);
    let years: Vec<(i64, String)> = db
        .conn()
        .prepare("SELECT year, amount FROM rates WHERE offer_id = 'K-1' ORDER BY year")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        years,
        vec![
            (2025, "3000.00".to_string()),
            (2026, "3200.00".to_string()),
            (2027, "3400.00".to_string())
        ]
    );
    // The import is in the audit log.
    let actions: i64 = db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'catalogue.import'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actions, 2);
}

#[test]
fn progress_is_reported_up_to_the_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = pladsoverblik_core::store::Db::open(&dir.path().join("p.sqlite")).unwrap();
    let path = dir.path().join("big.json");
    let opts = generate::Options {
        offers: 3000,
        seed: 3,
        extracted: day(2026, 11, 15),
        sjaelland_only: false,
        example: false,
    };
    let file = std::fs::File::create(&path).unwrap();
    snapshot::write(file, &generate::header(&opts), generate::offers(&opts)).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let mut seen = Vec::new();
    let report =
        import::import_file(&mut db, &path, |read, total| seen.push((read, total))).unwrap();
    assert_eq!(report.offers, 3000);
    assert!(
        seen.len() > 2,
        "progress reported only {} times",
        seen.len()
    );
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(seen.last().unwrap(), &(size, size));
    // The import's commit left its pages in the WAL (automatic checkpoints off) and copied
    // them into the database file right after, as SQLite's own checkpoint would have: the file
    // holds every page.
    assert_eq!(autocheckpoint(&db), 1000);
    let pages = |what: &str| -> i64 {
        db.conn()
            .query_row(&format!("PRAGMA {what}"), [], |r| r.get(0))
            .unwrap()
    };
    let wal = std::fs::metadata(dir.path().join("p.sqlite-wal"))
        .unwrap()
        .len() as i64;
    assert!(
        wal / (pages("page_size") + 24) >= 1000,
        "the import wrote {wal} bytes to the WAL"
    );
    assert_eq!(
        std::fs::metadata(dir.path().join("p.sqlite"))
            .unwrap()
            .len() as i64,
        pages("page_count") * pages("page_size")
    );
}

#[test]
fn the_bundled_example_catalogue_is_what_the_generator_writes() {
    let opts = generate::Options::example();
    let mut out = Vec::new();
    snapshot::write(&mut out, &generate::header(&opts), generate::offers(&opts)).unwrap();
    assert!(
        out == pladsoverblik_core::EXAMPLE_CATALOGUE,
        "assets/eksempelkatalog.json is out of date: run `make example-catalogue`"
    );
    // And it is what the issue asks for: Region Sjælland, 150+ offers, all six legal bases,
    // every operator type, marked as example data; plus eight offers in Region Syddanmark's
    // Jutland municipalities (SY-…) for the categories and occupancy rules of SD-2018.
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["example"], json!(true));
    let offers = v["offers"].as_array().unwrap();
    assert!(offers.len() >= 150);
    let sjaelland =
        pladsoverblik_core::geo::municipalities_in_region("sjaelland", day(2026, 11, 15));
    let syddanmark =
        pladsoverblik_core::geo::municipalities_in_region("syddanmark", day(2026, 11, 15));
    let mut in_syddanmark = 0;
    let mut bases = std::collections::BTreeSet::new();
    let mut kinds = std::collections::BTreeSet::new();
    let mut municipal_operators = std::collections::BTreeSet::new();
    for o in offers {
        let code = o["address"]["municipality_code"].as_u64().unwrap() as u16;
        if o["id"].as_str().unwrap().starts_with("SY-") {
            assert!(syddanmark.contains(&code));
            in_syddanmark += 1;
            continue;
        }
        assert!(sjaelland.contains(&code));
        for d in o["departments"].as_array().unwrap() {
            for b in d["legal_bases"].as_array().unwrap() {
                bases.insert(b["basis"].as_str().unwrap().to_string());
            }
        }
        for op in o["operators"].as_array().unwrap() {
            kinds.insert(op["type"].as_str().unwrap().to_string());
            if op["type"] == "kommunal" {
                municipal_operators.insert(op["municipality_code"].as_u64().unwrap());
            }
        }
    }
    assert_eq!(bases.len(), 6, "{bases:?}");
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(municipal_operators.len(), 17, "{municipal_operators:?}");
    assert_eq!(in_syddanmark, 8);
}

#[test]
fn amounts_and_texts_out_of_range_are_refused() {
    let mut v = small_json();
    v["offers"][0]["rates"] = json!([
        {"basis": "SEL-108", "year": 2026, "amount": "1000000000000000000000000000", "unit": "dag"},
        {"basis": "SEL-108", "year": 2027, "amount": "3300.00", "unit": "dag", "vat_pct": "-100"},
        {"basis": "SEL-108", "year": 2028, "amount": "3300.00", "unit": "dag",
         "calculation": {"budgeted_occupancy_pct": "900"}}
    ]);
    v["offers"][0]["description"] = json!("Å".repeat(20_001));
    v["offers"][1]["departments"][0]["legal_bases"][0]["places"] = json!(10_001);
    // 201 characters is one too many; 200 two-byte characters (400 bytes) are not.
    v["offers"][1]["departments"][0]["name"] = json!("x".repeat(201));
    v["offers"][1]["operators"][0]["name"] = json!("Ø".repeat(200));
    let msg = refused_json(&v);
    assert!(!msg.contains("operators[0].name"), "{msg}");
    for expected in [
        "felt rates[0].amount: døgntaksten 1.000.000.000.000.000.000.000.000.000,00 kr. ligger uden for det mulige (0,00 kr. til 250.000,00 kr.)",
        "felt rates[1].vat_pct: momsandelen -100 % ligger uden for det mulige (0 % til 25 %)",
        "felt rates[2].calculation.budgeted_occupancy_pct: den budgetterede belægning 900 % ligger uden for det mulige (1 % til 100 %)",
        "felt description: teksten er 20001 tegn lang; højst 20000 tegn er tilladt",
        "felt departments[0].legal_bases[0].places: antal pladser 10.001 ligger uden for det mulige (0 til 10.000)",
        "(nr. 2), felt departments[0].name: teksten er 201 tegn lang; højst 200 tegn er tilladt",
    ] {
        assert!(msg.contains(expected), "{expected}\nnot in\n{msg}");
    }
}

#[test]
fn a_string_of_megabytes_is_refused_while_it_streams() {
    let mut v = small_json();
    v["offers"][0]["description"] = json!("x".repeat(3 << 20));
    let msg = refused_json(&v);
    assert!(
        msg.contains("tilbud nr. 1: en tekst i filen er længere end 1 MB"),
        "{msg}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_utf16_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = db_with_small(dir.path());
    let text = std::fs::read(fixture_path("small.json")).unwrap();
    let path = dir.path().join("bom.json");
    std::fs::write(&path, [&[0xEF, 0xBB, 0xBF][..], &text].concat()).unwrap();
    import::import_file(&mut db, &path, |_, _| {}).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            String::from_utf8(text)
                .unwrap()
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let msg = refused(&utf16);
    assert!(
        msg.contains("filen: filen er gemt som UTF-16; gem den som UTF-8"),
        "{msg}"
    );
}

#[test]
fn serde_messages_reach_the_user_in_danish() {
    let text = std::fs::read_to_string(fixture_path("small.json")).unwrap();
    let dup = text.replacen(
        "\"name\": \"Kildevang\",",
        "\"name\": \"Kildevang\", \"name\": \"X\",",
        1,
    );
    let msg = refused(dup.as_bytes());
    assert!(msg.contains("feltet «name» står to gange"), "{msg}");
    let bad_escape = text.replacen(
        "\"name\": \"Kildevang\"",
        "\"name\": \"Kilde\\uD800vang\"",
        1,
    );
    let msg = refused(bad_escape.as_bytes());
    assert!(msg.contains("unicode"), "{msg}");
    assert!(!msg.contains("lone") && !msg.contains("invalid"), "{msg}");
}

#[test]
fn a_missing_file_is_named_in_danish() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = db_with_small(dir.path());
    let e = import::import_file(&mut db, &dir.path().join("findes-ikke.json"), |_, _| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("findes-ikke.json): filen eller mappen findes ikke."),
        "{e}"
    );
}
