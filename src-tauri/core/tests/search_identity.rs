//! Search results and their order, byte for byte, as recorded before the speed work of issue
//! 16 (`search_fingerprint`): the example catalogue and a generated catalogue of 5.000 offers
//! here; `plads-bench` compares the generated 100.000-offer catalogue the same way.
//! `PLADSOVERBLIK_RECORD_FINGERPRINTS=1` writes the lines of these two catalogues again (only
//! when a change of results is intended; say why in the commit).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::{generate, import, snapshot};
use pladsoverblik_core::search::SearchIndex;
use pladsoverblik_core::search_fingerprint::{self, fingerprints};
use pladsoverblik_core::store::Db;
use std::path::PathBuf;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search-fingerprints.txt")
}

/// The recorded lines of one catalogue: (label, fingerprint).
fn recorded(catalogue: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(fixture())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            (parts.next() == Some(catalogue))
                .then(|| (parts.next().unwrap().into(), parts.next().unwrap().into()))
        })
        .collect()
}

fn compare_or_record(catalogue: &str, db: &Db) {
    let index = SearchIndex::build(db.conn(), search_fingerprint::day()).unwrap();
    let now = fingerprints(db.conn(), &index);
    if std::env::var_os("PLADSOVERBLIK_RECORD_FINGERPRINTS").is_some() {
        let kept: String = std::fs::read_to_string(fixture())
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with(&format!("{catalogue}\t")))
            .map(|l| format!("{l}\n"))
            .collect();
        let all = kept + &search_fingerprint::lines(catalogue, &now);
        std::fs::write(fixture(), all).unwrap();
        return;
    }
    let before = recorded(catalogue);
    assert_eq!(
        before.len(),
        now.len(),
        "{catalogue}: the recorded query set"
    );
    for ((label, was), (_, is)) in before.iter().zip(&now) {
        assert_eq!(
            was, is,
            "{catalogue}: «{label}» differs from the recorded result"
        );
    }
    // Not all refused, and not all the same: the fingerprints tell results apart.
    assert!(now.iter().all(|(_, p)| !p.starts_with("fejl")), "{now:?}");
    let mut distinct: Vec<&String> = now.iter().map(|(_, p)| p).collect();
    distinct.sort();
    distinct.dedup();
    assert!(distinct.len() > now.len() / 2, "{now:?}");
}

#[test]
fn the_example_catalogue_searches_as_recorded() {
    let mut db = Db::open_in_memory().unwrap();
    import::import(
        &mut db,
        pladsoverblik_core::EXAMPLE_CATALOGUE,
        "eksempelkatalog.json",
    )
    .unwrap();
    compare_or_record("eksempel", &db);
}

#[test]
fn a_generated_catalogue_searches_as_recorded() {
    let opts = generate::Options {
        offers: 5000,
        seed: 42,
        extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        sjaelland_only: false,
        example: false,
    };
    let mut file = Vec::new();
    snapshot::write(&mut file, &generate::header(&opts), generate::offers(&opts)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(&dir.path().join("genereret.sqlite")).unwrap();
    import::import(&mut db, file.as_slice(), "genereret.json").unwrap();
    compare_or_record("genereret-5000", &db);
}
