//! Search over the small fixture catalogue: filters, sorts, free text, distance, staleness.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::catalogue::model::{LegalBasis, OperatorType};
use pladsoverblik_core::search::{SearchIndex, SearchQuery, SortKey};
use pladsoverblik_core::store::Db;
use rust_decimal::Decimal;
use std::str::FromStr;

struct Fixture {
    _dir: tempfile::TempDir,
    db: Db,
    index: SearchIndex,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let index = SearchIndex::build(db.conn(), today()).unwrap();
    Fixture {
        _dir: dir,
        db,
        index,
    }
}

impl Fixture {
    fn ids(&self, q: &SearchQuery) -> Vec<String> {
        self.index
            .search(self.db.conn(), q, today())
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    fn sorted_ids(&self, q: &SearchQuery) -> Vec<String> {
        let mut v = self.ids(q);
        v.sort();
        v
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_caseworkers_search_autism_108_free_near_roskilde_by_distance() {
    let f = fixture();
    let q = SearchQuery {
        text: Some("autisme".into()),
        legal_bases: vec![LegalBasis::Sel108],
        only_free: true,
        near_municipality: Some(265),
        sort: SortKey::Distance,
        ..Default::default()
    };
    let r = f.index.search(f.db.conn(), &q, today()).unwrap();
    let got: Vec<_> = r.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(got, vec!["K-1", "P-2", "S-1", "H-1"]);
    let k1 = &r.hits[0];
    assert_eq!(k1.operator_type, OperatorType::Kommunal);
    assert_eq!(k1.free_places, Some(2));
    assert_eq!(k1.free_as_of, Some(day(2026, 11, 10)));
    assert!(!k1.free_stale);
    assert_eq!(k1.text.free_as_of, "pr. 10.11.2026");
    assert_eq!(k1.text.daily_rate, "3.200 kr. pr. døgn");
    assert_eq!(k1.text.distance, "0,0 km");
    let h1 = &r.hits[3];
    assert!((28.0..36.0).contains(&h1.distance_km.unwrap()));
    // The private rate is shown like for like: 3.180 kr. incl. 6 % VAT = 3.000 kr. ex. VAT.
    assert_eq!(r.hits[1].daily_rate_ex_vat, Some(Decimal::from(3000)));
}

#[test]
fn free_text_prefix_and_danish_letters() {
    let f = fixture();
    let text = |t: &str| SearchQuery {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(f.ids(&text("æblehav")), ids(&["P-1"]));
    assert_eq!(f.ids(&text("ÆBLEHAVEN")), ids(&["P-1"]));
    assert_eq!(f.ids(&text("ørne")), ids(&["P-2"]));
    assert_eq!(f.sorted_ids(&text("lindehøj")), ids(&["S-1", "S-2"]));
    // Relevance: the name match outranks a body match.
    assert_eq!(f.ids(&text("Lindehøj Nord"))[0], "S-2");
    // By town and by target-group ancestors.
    assert_eq!(f.ids(&text("næstved")), ids(&["P-1"]));
    assert_eq!(f.sorted_ids(&text("udviklingshæmning")), ids(&["R-1"]));
    assert_eq!(
        f.sorted_ids(&text("intellektuel")),
        ids(&["H-1", "K-1", "P-2", "R-1", "S-1"])
    );
}

#[test]
fn no_user_input_is_a_syntax_error() {
    let f = fixture();
    for t in [
        "\"",
        "*",
        "autisme*",
        "NEAR(a b)",
        "a OR b",
        "-x",
        "^",
        "(",
        ")",
        "a:b",
        "'",
        "§",
        "AND",
        "NOT autisme",
        "\u{0}",
        "😀 æøå",
        "{}[]",
        "%_",
        "a\"b\"c",
        "10-17",
    ] {
        let q = SearchQuery {
            text: Some(t.into()),
            ..Default::default()
        };
        assert!(
            f.index.search(f.db.conn(), &q, today()).is_ok(),
            "input {t:?}"
        );
    }
    // Text with no words at all searches without a text condition.
    let q = SearchQuery {
        text: Some(" ** ".into()),
        ..Default::default()
    };
    assert_eq!(f.ids(&q).len(), 7);
}

#[test]
fn target_group_includes_its_subtree() {
    let f = fixture();
    let q = |code: &str| SearchQuery {
        target_group: Some(code.into()),
        ..Default::default()
    };
    assert_eq!(
        f.sorted_ids(&q("FN.P.IK")),
        ids(&["H-1", "K-1", "P-2", "R-1", "S-1"])
    );
    assert_eq!(
        f.sorted_ids(&q("FN.P")),
        ids(&["H-1", "K-1", "P-2", "R-1", "S-1", "S-2"])
    );
    assert_eq!(f.sorted_ids(&q("SP")), ids(&["P-1"]));
    let err = f
        .index
        .search(f.db.conn(), &q("XX"), today())
        .unwrap_err()
        .to_string();
    assert_eq!(err, "Målgruppen «XX» findes ikke i kataloget.");
}

#[test]
fn age_operator_type_municipality_and_rammeaftale() {
    let f = fixture();
    let q = SearchQuery {
        age: Some(35),
        ..Default::default()
    };
    // R-1 takes 18-30 and P-1 10-17.
    assert_eq!(f.sorted_ids(&q), ids(&["H-1", "K-1", "P-2", "S-1", "S-2"]));
    let q = SearchQuery {
        age: Some(12),
        ..Default::default()
    };
    assert_eq!(f.sorted_ids(&q), ids(&["P-1"]));
    let q = SearchQuery {
        operator_types: vec![OperatorType::Privat],
        ..Default::default()
    };
    assert_eq!(f.sorted_ids(&q), ids(&["P-1", "P-2"]));
    let q = SearchQuery {
        operator_types: vec![OperatorType::Kommunal, OperatorType::Regional],
        ..Default::default()
    };
    assert_eq!(f.sorted_ids(&q), ids(&["H-1", "K-1", "R-1"]));
    let q = SearchQuery {
        municipalities: vec![265],
        ..Default::default()
    };
    assert_eq!(f.sorted_ids(&q), ids(&["K-1", "P-2"]));
    let q = SearchQuery {
        covered_by_rammeaftale: Some(false),
        ..Default::default()
    };
    assert_eq!(f.sorted_ids(&q), ids(&["P-1", "P-2", "S-2"]));
}

#[test]
fn region_as_of_a_date_knows_oestdanmark() {
    let f = fixture();
    let q = |region: &str, y, m, d| SearchQuery {
        region: Some(region.into()),
        region_date: Some(day(y, m, d)),
        ..Default::default()
    };
    assert_eq!(f.ids(&q("sjaelland", 2026, 12, 31)).len(), 6);
    assert_eq!(f.ids(&q("hovedstaden", 2026, 12, 31)), ids(&["H-1"]));
    assert_eq!(f.ids(&q("oestdanmark", 2026, 12, 31)).len(), 0);
    assert_eq!(f.ids(&q("oestdanmark", 2027, 1, 1)).len(), 7);
    assert_eq!(f.ids(&q("sjaelland", 2027, 1, 1)).len(), 0);
    // Without a date, the region is taken as of today.
    let q = SearchQuery {
        region: Some("Region Sjælland".into()),
        ..Default::default()
    };
    assert_eq!(f.ids(&q).len(), 6);
}

#[test]
fn max_daily_rate_is_like_for_like_ex_vat() {
    let f = fixture();
    let q = SearchQuery {
        max_daily_rate: Some(Decimal::from(3000)),
        ..Default::default()
    };
    // P-1: 95.000 kr./month incl. 6 % VAT = 2.946,50 kr./day ex. VAT; P-2: 3.180 incl. VAT
    // = 3.000,00 ex. VAT. K-1 (3.200) and S-2 (3.100) are above.
    assert_eq!(f.sorted_ids(&q), ids(&["P-1", "P-2"]));
    let r = f.index.search(f.db.conn(), &q, today()).unwrap();
    let p1 = r.hits.iter().find(|h| h.id == "P-1").unwrap();
    assert_eq!(
        p1.daily_rate_ex_vat,
        Some(Decimal::from_str("2946.50").unwrap())
    );
}

#[test]
fn rate_year_falls_back_to_the_latest_earlier_year() {
    let f = fixture();
    let q = SearchQuery {
        text: Some("kildevang".into()),
        rate_year: Some(2025),
        ..Default::default()
    };
    let r = f.index.search(f.db.conn(), &q, today()).unwrap();
    assert_eq!(r.hits[0].daily_rate_ex_vat, Some(Decimal::from(3000)));
    let q = SearchQuery {
        text: Some("kildevang".into()),
        rate_year: Some(2027),
        ..Default::default()
    };
    let r = f.index.search(f.db.conn(), &q, today()).unwrap();
    assert_eq!(r.hits[0].daily_rate_ex_vat, Some(Decimal::from(3200)));
    assert_eq!(r.hits[0].text.daily_rate, "3.200 kr. pr. døgn (2026)");
}

#[test]
fn stale_free_place_figures_are_marked() {
    let f = fixture();
    let q = SearchQuery {
        text: Some("fjordhuset".into()),
        legal_bases: vec![LegalBasis::Sel107],
        ..Default::default()
    };
    let r = f.index.search(f.db.conn(), &q, today()).unwrap();
    let h = &r.hits[0];
    assert_eq!(h.free_places, Some(1));
    assert!(h.free_stale);
    assert_eq!(h.text.free_as_of, "pr. 01.09.2026 (forældet)");
    // With § 108 only, the figure is 0 free and recent.
    let q = SearchQuery {
        legal_bases: vec![LegalBasis::Sel108],
        only_free: true,
        ..Default::default()
    };
    assert!(!f.ids(&q).contains(&"R-1".to_string()));
}

#[test]
fn sorts() {
    let f = fixture();
    let by = |sort| SearchQuery {
        sort,
        ..Default::default()
    };
    assert_eq!(
        f.ids(&by(SortKey::Rate)),
        ids(&["P-1", "P-2", "S-2", "K-1", "S-1", "H-1", "R-1"])
    );
    assert_eq!(f.ids(&by(SortKey::FreePlaces))[0], "H-1");
    // Danish alphabetical order: Æ and Ø after Z.
    assert_eq!(
        f.ids(&by(SortKey::Name)),
        ids(&["P-2", "H-1", "R-1", "K-1", "S-1", "S-2", "P-1"])
    );
    let err = f
        .index
        .search(f.db.conn(), &by(SortKey::Distance), today())
        .unwrap_err()
        .to_string();
    assert!(err.contains("Vælg en hjemkommune"), "{err}");
}

#[test]
fn distance_limit_from_a_point() {
    let f = fixture();
    let q = SearchQuery {
        near_point: Some(pladsoverblik_core::geo::Point {
            lat: 55.6415,
            lon: 12.0803,
        }),
        max_distance_km: Some(22.0),
        ..Default::default()
    };
    // Roskilde's two offers and Køge (21,4 km); not Holbæk (24,3 km), København, Næstved or Sorø.
    assert_eq!(f.ids(&q), ids(&["K-1", "P-2", "S-1"]));
}

#[test]
fn operator_history_gives_the_operator_in_force() {
    let f = fixture();
    let q = SearchQuery {
        text: Some("ørnereden".into()),
        ..Default::default()
    };
    let r = f.index.search(f.db.conn(), &q, today()).unwrap();
    assert_eq!(r.hits[0].operator_type, OperatorType::Privat);
    let d = pladsoverblik_core::catalogue::detail::offer_detail(f.db.conn(), "P-2", today(), None)
        .unwrap();
    assert_eq!(d.operators.len(), 2);
    assert!(d.operators[0].current);
    assert_eq!(d.operators[1].kind, OperatorType::Selvejende);
    assert_eq!(d.operators[1].period_text, "01.01.2001 – 31.12.2014");
}

#[test]
fn offer_detail_shows_figures_with_their_age() {
    let f = fixture();
    let d = pladsoverblik_core::catalogue::detail::offer_detail(f.db.conn(), "R-1", today(), None)
        .unwrap();
    assert_eq!(d.name, "Fjordhuset");
    assert_eq!(d.region_today, "Region Sjælland");
    assert_eq!(d.age_text, "18-30 år");
    assert_eq!(d.departments.len(), 1);
    let lines = &d.departments[0].places;
    assert_eq!(lines.len(), 2);
    let l107 = lines
        .iter()
        .find(|l| l.basis == LegalBasis::Sel107)
        .unwrap();
    assert_eq!(
        l107.free_text,
        "1 ledig pr. 01.09.2026 (84 dage gammelt, forældet, Tilbudsportalen)"
    );
    assert_eq!(d.rates.len(), 1);
    assert_eq!(d.rates[0].amount_text, "5.000,00 kr. pr. døgn");
    assert!(!d.rates[0].has_calculation);
    assert_eq!(
        d.target_groups,
        vec!["Funktionsnedsættelse › Psykisk funktionsnedsættelse › Intellektuel og kognitiv forstyrrelse › Udviklingshæmning"]
    );
    let err =
        pladsoverblik_core::catalogue::detail::offer_detail(f.db.conn(), "NOPE", today(), None)
            .unwrap_err()
            .to_string();
    assert_eq!(err, "Tilbuddet «NOPE» findes ikke i kataloget.");
}

#[test]
fn distance_from_a_postcode() {
    let f = fixture();
    let near = |pc: &str| SearchQuery {
        near_postcode: Some(pc.into()),
        sort: SortKey::Distance,
        ..Default::default()
    };
    // 4000 is Roskilde's: the same as choosing Roskilde Kommune.
    let by_postcode = f.index.search(f.db.conn(), &near("4000"), today()).unwrap();
    let by_municipality = f
        .index
        .search(
            f.db.conn(),
            &SearchQuery {
                near_municipality: Some(265),
                sort: SortKey::Distance,
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    let ids = |r: &pladsoverblik_core::search::SearchResult| {
        r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&by_postcode), ids(&by_municipality));
    assert_eq!(by_postcode.origin, by_municipality.origin);
    // 2300 is no municipality's main postcode, but H-1 lies there.
    let r = f.index.search(f.db.conn(), &near("2300"), today()).unwrap();
    assert_eq!(r.hits[0].id, "H-1");
    assert_eq!(r.hits[0].text.distance, "0,0 km");
    let err = |pc: &str| {
        f.index
            .search(f.db.conn(), &near(pc), today())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("9999"),
        "Postnummeret 9999 kendes ikke i Pladsoverblik. Vælg borgerens hjemkommune, eller skriv en koordinat."
    );
    assert_eq!(err("40O0"), "Postnummeret «40O0» skal være 4 cifre.");
}

/// Relevance on the example catalogue: every offer with all the words in its name first,
/// each group in Danish name order; pages of any size continue each other exactly.
#[test]
fn relevance_puts_names_first_and_pages_continue_each_other() {
    let engine = pladsoverblik_core::Engine::open_in_memory().unwrap();
    let query = |text: &str, limit: usize, offset: usize| SearchQuery {
        text: Some(text.into()),
        limit: Some(limit),
        offset: Some(offset),
        ..Default::default()
    };
    for text in ["bo", "ungecentret", "autisme", "bo autisme"] {
        let all = engine.search(&query(text, 5000, 0), today()).unwrap();
        assert!(all.total > 3, "{text}: {}", all.total);
        assert_eq!(all.hits.len(), all.total);
        let words: Vec<String> = text.split(' ').map(str::to_lowercase).collect();
        let in_name = |name: &str| {
            let lower = name.to_lowercase();
            let name_words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            words
                .iter()
                .all(|w| name_words.iter().any(|n| n.starts_with(w.as_str())))
        };
        let flags: Vec<bool> = all.hits.iter().map(|h| in_name(&h.name)).collect();
        // No name match after a body-only match.
        assert!(flags.windows(2).all(|w| w[0] || !w[1]), "{text}: {flags:?}");
        for group in [true, false] {
            let names: Vec<String> = all
                .hits
                .iter()
                .filter(|h| in_name(&h.name) == group)
                .map(|h| h.name.clone())
                .collect();
            let mut sorted = names.clone();
            sorted.sort_by_key(|n| pladsoverblik_core::fmt::sort_key(n));
            assert_eq!(names, sorted, "{text}, in name: {group}");
        }
        for page in [1, 3, 7] {
            let mut paged = Vec::new();
            let mut offset = 0;
            while offset < all.total {
                let r = engine.search(&query(text, page, offset), today()).unwrap();
                assert_eq!(r.total, all.total);
                paged.extend(r.hits.into_iter().map(|h| h.id));
                offset += page;
            }
            let expected: Vec<String> = all.hits.iter().map(|h| h.id.clone()).collect();
            assert_eq!(paged, expected, "{text}, page {page}");
        }
    }
}
