//! The window's search index file (`search::cache`, issue 16): the window searches with the
//! index of the last start at once, the index is then built from the database, and when the
//! database changed meanwhile (a rate sheet imported by `plads`, here) the built index replaces
//! the file's and the window is told to search again. (That checks and their figures never
//! use the file's index is tested beside `IndexSlot` in `engine.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::Path;

use chrono::NaiveDate;
use pladsoverblik_core::search::{cache, SearchQuery};
use pladsoverblik_core::Engine;
use rust_decimal::Decimal;

fn today() -> NaiveDate {
    pladsoverblik_core::clock::today()
}

/// Botilbuddet Søbredden's (SJ-1009, § 108 only) day rate for 2028 as a search shows it: the
/// 2028 rate when there is one, else the latest year's (the example catalogue ends in 2026).
fn rate_2028(engine: &Engine) -> (Option<Decimal>, Option<i32>) {
    let q = SearchQuery {
        text: Some("Søbredden".into()),
        rate_year: Some(2028),
        ..Default::default()
    };
    let result = engine.search(&q, today()).unwrap();
    let hit = result
        .hits
        .iter()
        .find(|h| h.id == "SJ-1009")
        .expect("SJ-1009");
    (hit.daily_rate_ex_vat, hit.rate_year)
}

const BEFORE: (Option<Decimal>, Option<i32>) = (
    Some(Decimal::from_parts(354_300, 0, 0, false, 2)),
    Some(2026),
);
const AFTER: (Option<Decimal>, Option<i32>) = (
    Some(Decimal::from_parts(355_500, 0, 0, false, 2)),
    Some(2028),
);

/// The file is written in the background after the index is in place: waits (at most 10 s)
/// until its bytes satisfy `done`, and returns them.
fn file_when(file: &Path, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let bytes = std::fs::read(file).unwrap_or_default();
        if done(&bytes) {
            return bytes;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the index file was not written"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn import_2028_sheet(db: &Path) {
    // As `plads rates import` would: another process, no index file.
    let engine = Engine::open(db).unwrap();
    let sheet = db.with_file_name("takster-2028.csv");
    std::fs::write(
        &sheet,
        "Tilbuds-id;Paragraf;År;Takst\nSJ-1009;108;2028;3.555,00\n",
    )
    .unwrap();
    engine.rates_import(&sheet).unwrap();
}

#[test]
fn the_window_searches_with_the_last_index_until_the_database_s_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pladsoverblik.sqlite");
    let file = cache::path_for(&db);
    assert_eq!(file.file_name().unwrap(), "pladsoverblik.sqlite-søgeindeks");

    // First start: no file; the index is built and written.
    let first = Engine::open_for_window(&db).unwrap();
    assert_eq!(rate_2028(&first), BEFORE);
    first.first_results_shown();
    assert!(
        !first.index_checked().unwrap(),
        "nothing was searched with a file"
    );
    let written = file_when(&file, |b| !b.is_empty());
    drop(first);

    // The CLI opens without the file and leaves it alone.
    import_2028_sheet(&db);
    assert_eq!(std::fs::read(&file).unwrap(), written);

    // Next start: the file's index answers at once (the rate sheet is not in it yet) ...
    let second = Engine::open_for_window(&db).unwrap();
    assert_eq!(rate_2028(&second), BEFORE);
    // The index is built from the database once the first results are shown.
    second.first_results_shown();
    // The built index differed: the window is told once, and searches see the new rate.
    assert!(second.index_checked().unwrap());
    assert!(!second.index_checked().unwrap());
    assert_eq!(rate_2028(&second), AFTER);
    file_when(&file, |b| b != written);
    drop(second);

    // The file was written again: the third start answers with the new rate at once, and
    // the built index is the same.
    let third = Engine::open_for_window(&db).unwrap();
    assert_eq!(rate_2028(&third), AFTER);
    third.first_results_shown();
    assert!(!third.index_checked().unwrap());
}

#[test]
fn a_damaged_or_foreign_file_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pladsoverblik.sqlite");
    let file = cache::path_for(&db);
    let first = Engine::open_for_window(&db).unwrap();
    first.first_results_shown();
    first.index_checked().unwrap();
    let good = file_when(&file, |b| !b.is_empty());
    drop(first);
    for damaged in [
        good[..good.len() / 2].to_vec(),
        b"not an index".to_vec(),
        Vec::new(),
        {
            // One byte of the catalogue's stamp changed: another import.
            let mut b = good.clone();
            b[16] ^= 1;
            b
        },
    ] {
        std::fs::write(&file, &damaged).unwrap();
        let engine = Engine::open_for_window(&db).unwrap();
        // Nothing to search with until the index is built from the database, which then
        // starts at once (it does not wait for the window) and writes the file again.
        assert_eq!(rate_2028(&engine), BEFORE);
        assert!(!engine.index_checked().unwrap());
        file_when(&file, |b| b == good.as_slice());
        drop(engine);
    }
}
