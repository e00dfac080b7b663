//! The most specialised offers (Rammeaftale Sjælland 2018-2020, seed 000 L332-345): listed
//! names matched to the catalogue by normalised name within the members' municipalities, the
//! mark on search hits and on the offer page with the agreement's period, and the names that
//! match no offer reported.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::search::SearchQuery;
use pladsoverblik_core::Engine;

/// The small fixture with two offers renamed: R-1 (Holbæk, a member of KKR Sjælland) as
/// "KOFOEDSMINDE." and H-1 (Copenhagen, not a member) as "Kildebo".
fn engine(dir: &std::path::Path) -> Engine {
    let mut cat = small_json();
    for o in cat["offers"].as_array_mut().unwrap() {
        match o["id"].as_str().unwrap() {
            "R-1" => o["name"] = "KOFOEDSMINDE.".into(),
            "H-1" => o["name"] = "Kildebo".into(),
            _ => {}
        }
    }
    let file = write_json(dir, "katalog.json", &cat);
    let engine = Engine::open(&dir.join("t.sqlite")).unwrap();
    engine.import_file(&file, |_, _| {}).unwrap();
    engine
}

#[test]
fn a_listed_offer_is_marked_in_search_and_on_its_page_with_the_agreements_period() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path());
    let all = engine.search(&SearchQuery::default(), today()).unwrap();
    let marked: Vec<(&str, Vec<&str>)> = all
        .hits
        .iter()
        .filter(|h| !h.most_specialised.is_empty())
        .map(|h| {
            (
                h.id.as_str(),
                h.most_specialised
                    .iter()
                    .map(|m| m.label.as_str())
                    .collect(),
            )
        })
        .collect();
    // Kildebo in Copenhagen is not the Sjælland list's Kildebo.
    assert_eq!(
        marked,
        vec![("R-1", vec!["Mest specialiseret (2018-2020)"])]
    );
    let m = &all
        .hits
        .iter()
        .find(|h| h.id == "R-1")
        .unwrap()
        .most_specialised[0];
    assert_eq!(m.agreement_id, "SJ-2018");
    assert!(m.expired, "SJ-2018 ended 31.12.2020");
    assert_eq!(
        m.text,
        "Et af de mest specialiserede tilbud i Rammeaftale Sjælland 2018-2020 (kilde 000_39627fb6eac471a3.txt L332-345)"
    );
    // The JSON of an unmarked hit has no field for it.
    let unmarked = all.hits.iter().find(|h| h.id == "K-1").unwrap();
    assert!(serde_json::to_value(unmarked)
        .unwrap()
        .get("most_specialised")
        .is_none());

    let page = engine.offer("R-1", today(), None).unwrap();
    assert_eq!(page.most_specialised.len(), 1);
    let p = &page.most_specialised[0];
    assert_eq!(p.listed_name, "Kofoedsminde");
    assert_eq!(p.note, "sikret afdeling");
    assert!(
        p.status_text
            .contains("som gjaldt 01.01.2018–31.12.2020 og er udløbet")
            && p.status_text.contains("Rammeaftale Sjælland 2025-2026"),
        "{}",
        p.status_text
    );
    assert_eq!(
        p.procedure_text,
        "Rammeaftale Sjælland 2018-2020 om de mest specialiserede tilbud: «Hvis de tilbud får problemer med driften, er der aftalt en procedure for, hvordan tilbuddet hurtigt kan støttes, hvis der fortsat er behov for de ydelser tilbuddet leverer.» (kilde 000_39627fb6eac471a3.txt L332-345). Selve proceduren er ikke beskrevet i kilden."
    );
    assert!(engine
        .offer("H-1", today(), None)
        .unwrap()
        .most_specialised
        .is_empty());
}

#[test]
fn the_names_that_match_no_offer_are_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path());
    let lists = engine.most_specialised(today()).unwrap();
    assert_eq!(lists.len(), 1, "only SJ-2018 names offers");
    let l = &lists[0];
    assert_eq!(l.agreement_id, "SJ-2018");
    let kofoed = l.names.iter().find(|n| n.name == "Kofoedsminde").unwrap();
    assert_eq!(kofoed.text, "R-1 KOFOEDSMINDE. (Holbæk)");
    assert_eq!(l.unmatched.len(), 9);
    assert!(l.unmatched.contains(&"Kildebo".to_string()));
    assert_eq!(
        l.text,
        "1 af 10 navne matcher et tilbud i kataloget; 9 matcher intet: Kildebo, BOMI, Platangården, Børneskolen Filadelfia, Bakkegården, Synscenter Refsnæs, Orions Bælte, Himmelev, Hanne Marie."
    );
}
