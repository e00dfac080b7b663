//! A fixed set of searches and the SHA-256 of each one's complete result as JSON (every hit,
//! every field, in order). Recorded once in `core/tests/fixtures/search-fingerprints.txt` and
//! compared by `core/tests/search_identity.rs` (the example catalogue and a generated one of
//! 5.000 offers) and by `plads-bench` (100.000 offers), so a change made for speed is shown to
//! leave every result and its order byte for byte as it was.

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::catalogue::model::{LegalBasis, OperatorType};
use crate::geo::Point;
use crate::search::{SearchIndex, SearchQuery, SortKey};

/// The day the fingerprints are taken on (staleness and the rate year depend on it).
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

/// The benchmark's searches (`plads-bench` times them against a bare FTS5 query), one page
/// of the default size.
pub fn bench_queries() -> Vec<(&'static str, SearchQuery)> {
    let q = |text: &str| SearchQuery {
        text: (!text.is_empty()).then(|| text.to_string()),
        ..Default::default()
    };
    vec![
        ("autisme", q("autisme")),
        (
            "autisme, § 108, ledige, nær Roskilde, efter afstand",
            SearchQuery {
                legal_bases: vec![LegalBasis::Sel108],
                only_free: true,
                near_municipality: Some(265),
                sort: SortKey::Distance,
                ..q("autisme")
            },
        ),
        ("kildevang", q("kildevang")),
        (
            "udviklingshæmning, 30 år, Region Sjælland",
            SearchQuery {
                age: Some(30),
                region: Some("sjaelland".into()),
                ..q("udviklingshæmning")
            },
        ),
        (
            "opholdssted, BL § 43, 14 år, maks. 4.000 kr.",
            SearchQuery {
                legal_bases: vec![LegalBasis::Bl43],
                age: Some(14),
                max_daily_rate: Some(Decimal::from(4000)),
                ..q("opholdssted")
            },
        ),
        ("neuro hjerneskade", q("neuro hjerneskade")),
        ("roskilde", q("roskilde")),
        (
            "uden tekst: § 108, ledige, ≤ 50 km fra Roskilde",
            SearchQuery {
                legal_bases: vec![LegalBasis::Sel108],
                only_free: true,
                near_municipality: Some(265),
                max_distance_km: Some(50.0),
                ..q("")
            },
        ),
        (
            "uden tekst: FN.P.IK, kommunal, efter takst",
            SearchQuery {
                target_group: Some("FN.P.IK".into()),
                operator_types: vec![OperatorType::Kommunal],
                sort: SortKey::Rate,
                ..q("")
            },
        ),
    ]
}

/// The searches fingerprinted: the benchmark's (200 hits each), every sort, pages, filters and
/// the Danish folding.
// Over 80 lines on purpose: a table of fixed inputs, one entry per search, read top to bottom.
pub fn queries() -> Vec<(&'static str, SearchQuery)> {
    let q = |text: &str| SearchQuery {
        text: (!text.is_empty()).then(|| text.to_string()),
        limit: Some(200),
        ..Default::default()
    };
    let mut all: Vec<(&'static str, SearchQuery)> = bench_queries()
        .into_iter()
        .map(|(label, query)| {
            (
                label,
                SearchQuery {
                    limit: Some(200),
                    ..query
                },
            )
        })
        .collect();
    all.extend([
        ("uden tekst, side 1", q("")),
        (
            "uden tekst, side 3",
            SearchQuery {
                offset: Some(400),
                ..q("")
            },
        ),
        (
            "bo, side 2",
            SearchQuery {
                offset: Some(200),
                ..q("bo")
            },
        ),
        ("bo", q("bo")),
        ("Åbenrå", q("Åbenrå")),
        ("Aabenraa", q("Aabenraa")),
        ("koege", q("koege")),
        ("Næstved bø", q("Næstved bø")),
        ("botilbud psykisk", q("botilbud psykisk")),
        (
            "center, efter navn",
            SearchQuery {
                sort: SortKey::Name,
                ..q("center")
            },
        ),
        (
            "center, efter ledige pladser",
            SearchQuery {
                sort: SortKey::FreePlaces,
                ..q("center")
            },
        ),
        (
            "center, efter takst 2025",
            SearchQuery {
                sort: SortKey::Rate,
                rate_year: Some(2025),
                ..q("center")
            },
        ),
        (
            "privat og selvejende, godkendt, uden rammeaftale",
            SearchQuery {
                operator_types: vec![OperatorType::Privat, OperatorType::Selvejende],
                only_approved: true,
                covered_by_rammeaftale: Some(false),
                ..q("")
            },
        ),
        (
            "SJ-2025's område, § 107, 40 år",
            SearchQuery {
                agreement_area: Some("SJ-2025".into()),
                legal_bases: vec![LegalBasis::Sel107],
                age: Some(40),
                ..q("")
            },
        ),
        (
            "Region Østdanmark 01.01.2027, efter afstand fra et punkt",
            SearchQuery {
                region: Some("oestdanmark".into()),
                region_date: NaiveDate::from_ymd_opt(2027, 1, 1),
                near_point: Some(Point {
                    lat: 55.4,
                    lon: 11.8,
                }),
                max_distance_km: Some(80.0),
                ..q("")
            },
        ),
        (
            "kommuner 253 og 259, forældet efter 7 dage",
            SearchQuery {
                municipalities: vec![253, 259],
                stale_after_days: Some(7),
                ..q("")
            },
        ),
    ]);
    all
}

/// (label, SHA-256 of the result as JSON) for every query, or the Danish error text when a
/// query is refused (so a change in what is refused shows too).
pub fn fingerprints(conn: &Connection, index: &SearchIndex) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (label, query) in queries() {
        let print = match index.search(conn, &query, day()) {
            Ok(result) => match serde_json::to_vec(&result) {
                Ok(json) => crate::fmt::sha256_hex(&json),
                Err(e) => format!("fejl: {e}"),
            },
            Err(e) => format!("fejl: {e}"),
        };
        out.push((label.to_string(), print));
    }
    out
}

/// The fingerprints as the fixture file writes them: "catalogue<TAB>label<TAB>sha256".
pub fn lines(catalogue: &str, prints: &[(String, String)]) -> String {
    prints
        .iter()
        .map(|(label, print)| format!("{catalogue}\t{label}\t{print}\n"))
        .collect()
}
