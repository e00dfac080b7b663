//! The public-first check (R1): which offers match, what blocks a private purchase, the
//! closed check's immutability, and the guard a contract will use.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::catalogue::model::LegalBasis;
use pladsoverblik_core::placement::rules::FreeState;
use pladsoverblik_core::placement::{
    CheckKind, CheckStatus, Closing, Conclusion, Confirmation, ContactMethod, Need, NewCheck,
    RejectReason, Rejection,
};
use pladsoverblik_core::{Engine, Error};
use serde_json::{json, Value};

/// The small fixture plus offers that must not match (wrong basis, wrong age, not approved,
/// far away, self-governing outside the rammeaftale) and one with a stale figure.
fn catalogue() -> Value {
    let mut cat = small_json();
    let offers = cat["offers"].as_array_mut().unwrap();
    let kildevang = offers[0].clone();
    let lindehoj = offers[3].clone();
    let variant = |base: &Value, id: &str, f: &dyn Fn(&mut Value)| {
        let mut o = base.clone();
        o["id"] = json!(id);
        o["name"] = json!(format!("Testtilbud {id}"));
        f(&mut o);
        o
    };
    let basis = |o: &mut Value, b: &str, free: u32, as_of: &str| {
        o["departments"][0]["legal_bases"][0]["basis"] = json!(b);
        o["departments"][0]["legal_bases"][0]["free_places"] = json!(free);
        o["departments"][0]["legal_bases"][0]["free_as_of"] = json!(as_of);
        o["rates"][0]["basis"] = json!(b);
        o["rates"][1]["basis"] = json!(b);
    };
    offers.push(variant(&kildevang, "W-1", &|o| {
        basis(o, "SEL-107", 3, "2026-11-10")
    }));
    offers.push(variant(&kildevang, "W-2", &|o| {
        o["age"] = json!({"min": 18, "max": 25});
    }));
    offers.push(variant(&kildevang, "X-1", &|o| {
        o["approval"]["status"] = json!("under_godkendelse");
    }));
    offers.push(variant(&kildevang, "F-1", &|o| {
        // Aalborg's own offer, in Aalborg (the operator decides the agreement, not the place).
        o["operators"][0]["name"] = json!("Aalborg Kommune");
        o["operators"][0]["municipality_code"] = json!(851);
        o["address"]["municipality_code"] = json!(851);
        o["address"]["postcode"] = json!("9000");
        o["address"]["city"] = json!("Aalborg");
        o["location"] = json!({"lat": 57.048, "lon": 9.919});
    }));
    offers.push(variant(&kildevang, "T-1", &|o| {
        o["address"]["municipality_code"] = json!(350);
        o["location"] = json!({"lat": 55.604, "lon": 11.967});
        basis(o, "SEL-108", 2, "2026-09-01");
    }));
    offers.push(variant(&lindehoj, "S-3", &|o| {
        o["covered_by_rammeaftale"] = json!(false);
    }));
    offers.push(variant(&kildevang, "Z-1", &|o| {
        // Only a secure unit (SEL § 108 stk. 7): not for an ordinary § 108 need.
        o["departments"][0]["secure"] = json!(true);
    }));
    cat
}

struct Fixture {
    dir: tempfile::TempDir,
    engine: Engine,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("test.sqlite")).unwrap();
    let file = write_json(dir.path(), "katalog.json", &catalogue());
    engine.import_file(&file, |_, _| {}).unwrap();
    engine
        .set_setting("user_name", "Karen Sagsbehandler")
        .unwrap();
    Fixture { dir, engine }
}

fn need() -> Need {
    Need {
        legal_basis: LegalBasis::Sel108,
        target_group: "FN.P.IK".into(), // the subtree holds autism
        age: 40,
        home_municipality: 265,
        wanted_start: day(2026, 12, 1),
    }
}

fn new_check(radius: Option<i64>) -> NewCheck {
    NewCheck {
        kind: CheckKind::Privat,
        need: need(),
        reference: "Sag 27.13.20-P20-1-26".into(),
        radius_km: radius,
    }
}

fn sorted_ids(check: &pladsoverblik_core::placement::Check) -> Vec<&str> {
    let mut v: Vec<&str> = check
        .candidates
        .iter()
        .map(|c| c.offer_id.as_str())
        .collect();
    v.sort();
    v
}

fn reject(f: &Fixture, id: &str, offer: &str) {
    f.engine
        .check_reject(
            id,
            &Rejection {
                offer_id: offer.into(),
                reason: RejectReason::AfslaaetAfTilbuddet,
                note: "Tilbuddet har afslået: målgruppen passer ikke ind i den nuværende gruppe."
                    .into(),
                decided_by: "Lone Leder, afdelingsleder".into(),
            },
            today(),
        )
        .unwrap();
}

fn confirm(offer: &str, free: u32) -> Confirmation {
    Confirmation {
        offer_id: offer.into(),
        contacted_on: day(2026, 11, 23),
        free_places: free,
        method: ContactMethod::Telefon,
        contact: "Hanne Holm, afdelingsleder".into(),
        note: String::new(),
    }
}

fn message(e: Error) -> String {
    e.to_string()
}

#[test]
fn only_matching_public_offers_in_scope_are_candidates() {
    let f = fixture();
    let check = f
        .engine
        .check_create(&new_check(Some(50)), today())
        .unwrap();
    // K-1 (own municipality), S-1 (self-governing, covered), T-1 (stale), and H-1 in
    // Copenhagen: outside Region Sjælland but within 50 km. Not: W-1 (§ 107 only), W-2 (too
    // old), X-1 (not approved), F-1 (Aalborg), S-3 (self-governing outside the rammeaftale),
    // P-2 (private), R-1 (other target group).
    assert_eq!(sorted_ids(&check), vec!["H-1", "K-1", "S-1", "T-1"]);
    let h1 = check
        .candidates
        .iter()
        .find(|c| c.offer_id == "H-1")
        .unwrap();
    assert!(!h1.in_region);
    assert!(check
        .candidates
        .iter()
        .filter(|c| c.offer_id != "H-1")
        .all(|c| c.in_region));
    assert_eq!(check.scope.region_id, "sjaelland");
    assert_eq!(check.scope.radius_km, 50);
    assert_eq!(check.catalogue_extracted, day(2026, 11, 15));
    assert_eq!(check.scope.agreement_id.as_deref(), Some("SJ-2025"));
    assert!(!check.scope.agreement_fallback);
    assert!(
        check.text.scope.starts_with(
            "De offentlige tilbud i Rammeaftale 2025-2026 for det specialiserede socialområde, KKR Sjælland pr. 24.11.2026 og offentlige tilbud inden for 50 km af Roskilde, med målgruppen eller en af dens undergrupper."
        ),
        "{}",
        check.text.scope
    );
    // The scope says what the check leaves out: unapproved offers and the other exclusions.
    for said in [
        "Private tilbud indgår ikke.",
        "ikke er godkendt af Socialtilsynet",
        "ikke har pladser efter SEL § 108",
        "ikke passer til alderen (40 år)",
        "kun har sikrede pladser",
    ] {
        assert!(
            check.text.scope.contains(said),
            "{said}: {}",
            check.text.scope
        );
    }
    // The offers of the area left out are listed with why.
    let excluded: Vec<(&str, &str)> = check
        .excluded
        .iter()
        .map(|e| (e.offer_id.as_str(), e.reason.as_str()))
        .collect();
    assert!(
        excluded
            .iter()
            .any(|(id, r)| *id == "W-1" && r.contains("tilbyder ikke pladser efter SEL § 108")),
        "{excluded:?}"
    );
    assert!(
        excluded.iter().any(|(id, r)| *id == "Z-1"
            && r.contains("kun sikrede pladser (SEL § 108 stk. 7) efter SEL § 108")),
        "{excluded:?}"
    );
    assert!(
        excluded
            .iter()
            .any(|(id, r)| *id == "W-2" && r.contains("alder 18-25 år")),
        "{excluded:?}"
    );
    assert!(
        excluded
            .iter()
            .any(|(id, r)| *id == "X-1" && r.contains("ikke godkendt")),
        "{excluded:?}"
    );

    // Without the extra distance, Copenhagen drops out.
    let narrow = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    assert_eq!(sorted_ids(&narrow), vec!["K-1", "S-1", "T-1"]);
    assert_ne!(narrow.id, check.id);
}

#[test]
fn free_places_first_and_a_stale_figure_is_unknown_until_confirmed() {
    let f = fixture();
    let check = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    let order: Vec<(&str, FreeState)> = check
        .candidates
        .iter()
        .map(|c| (c.offer_id.as_str(), c.state))
        .collect();
    assert_eq!(
        order,
        vec![
            ("K-1", FreeState::Ledig),
            ("S-1", FreeState::Ledig),
            ("T-1", FreeState::Ukendt)
        ]
    );
    let t1 = &check.candidates[2];
    assert_eq!(t1.free_places, Some(2));
    assert_eq!(t1.text.as_of, "pr. 01.09.2026 (forældet)");
    assert!(t1.blocking);
    assert_eq!(check.blocking, 3);

    // A phone call: no free place after all. It overrides the stale figure.
    let check = f
        .engine
        .check_confirm(&check.id, &confirm("T-1", 0), today())
        .unwrap();
    let t1 = check
        .candidates
        .iter()
        .find(|c| c.offer_id == "T-1")
        .unwrap();
    assert_eq!(t1.state, FreeState::Optaget);
    assert!(t1.confirmed);
    assert!(!t1.blocking);
    assert_eq!(t1.text.as_of, "bekræftet 23.11.2026");
    assert_eq!(check.blocking, 2);
    assert_eq!(
        check.events[0].text,
        "Bekræftet: ringet 23.11.2026, 0 ledige pladser, talt med Hanne Holm, afdelingsleder"
    );
    assert_eq!(check.events[0].recorded_by, "Karen Sagsbehandler");
    // The catalogue's own figure is kept beside the confirmation.
    assert_eq!(t1.free_places, Some(2));
}

#[test]
fn private_purchase_needs_a_reason_for_every_public_offer_that_may_have_room() {
    let f = fixture();
    let check = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    let id = check.id.clone();
    let private = Closing {
        conclusion: Conclusion::PrivatBegrundet,
        chosen_offer_id: None,
        note: String::new(),
    };
    let err = message(f.engine.check_close(&id, &private, today()).unwrap_err());
    assert!(err.contains("3 offentlige tilbud"), "{err}");
    assert!(
        err.contains("Kildevang") && err.contains("Lindehøj"),
        "{err}"
    );

    // A bare code is never evidence: the reason must be written out and who decided named;
    // "ingen ledig plads" is a confirmation of 0 places, not a rejection. Nothing is recorded.
    let bare = Rejection {
        offer_id: "K-1".into(),
        reason: RejectReason::IkkeEgnet,
        note: "  ".into(),
        decided_by: "Lone Leder".into(),
    };
    let err = message(f.engine.check_reject(&id, &bare, today()).unwrap_err());
    assert_eq!(
        err,
        "Begrundelse: skriv hvorfor «Kildevang» ikke bruges («Ikke egnet» alene er ikke en begrundelse)."
    );
    let nobody = Rejection {
        note: "kan ikke rumme udadreagerende adfærd".into(),
        decided_by: String::new(),
        ..bare.clone()
    };
    let err = message(f.engine.check_reject(&id, &nobody, today()).unwrap_err());
    assert!(err.starts_with("Besluttet af: skriv hvem"), "{err}");
    let no_place = Rejection {
        reason: RejectReason::IngenLedigPlads,
        ..nobody.clone()
    };
    let err = message(f.engine.check_reject(&id, &no_place, today()).unwrap_err());
    assert!(
        err.contains("registreres som en bekræftelse med 0 ledige pladser"),
        "{err}"
    );
    assert!(f.engine.check(&id, today()).unwrap().events.is_empty());

    f.engine
        .check_reject(
            &id,
            &Rejection {
                decided_by: "Lone Leder, afdelingsleder".into(),
                ..nobody
            },
            today(),
        )
        .unwrap();
    reject(&f, &id, "S-1");
    let err = message(f.engine.check_close(&id, &private, today()).unwrap_err());
    assert!(
        err.contains("1 offentligt tilbud med ledig") && err.contains("Testtilbud T-1"),
        "{err}"
    );
    f.engine
        .check_confirm(&id, &confirm("T-1", 0), today())
        .unwrap();

    // The private offer is on the shortlist; before closing it cannot be chosen.
    let check = f.engine.check_shortlist_add(&id, "P-2", today()).unwrap();
    let entry = &check.shortlist[0];
    assert!(!entry.figures.counts_as_public);
    assert!(!entry.choosable);
    assert!(
        entry.choosable_text.contains("ikke lukket"),
        "{}",
        entry.choosable_text
    );
    assert!(f.engine.check_allows(&id, "P-2", None, today()).is_err());

    let closed = f
        .engine
        .check_close(
            &id,
            &Closing {
                chosen_offer_id: Some("P-2".into()),
                ..private
            },
            today(),
        )
        .unwrap();
    assert_eq!(closed.status, CheckStatus::Lukket);
    let c = closed.closed.as_ref().unwrap();
    assert_eq!(c.conclusion, Conclusion::PrivatBegrundet);
    assert_eq!(
        c.chosen_offer_name.as_deref(),
        Some("Autismehuset Ørnereden")
    );
    assert_eq!(c.by, "Karen Sagsbehandler");
    assert!(closed.shortlist[0].choosable);
    let ok = f.engine.check_allows(&id, "P-2", None, today()).unwrap();
    assert!(ok.contains("kan vælges gennem afstemning"), "{ok}");
    // S-3 is self-governing and not covered by the buyer's agreement: it also needs the check.
    assert!(f.engine.check_allows(&id, "S-3", None, today()).is_ok());

    // The audit log has every step, with the user's name and no citizen data.
    let actions: Vec<(String, String)> = f
        .engine
        .with_db(|db| {
            let mut st = db
                .conn()
                .prepare("SELECT action, user FROM audit_log WHERE subject = ?1 ORDER BY id")?;
            let rows = st.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.map(|r| r.unwrap()).collect())
        })
        .unwrap();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "check.create",
            "check.reject",
            "check.reject",
            "check.confirm",
            "check.shortlist_add",
            "check.close"
        ]
    );
    assert!(actions.iter().all(|(_, u)| u == "Karen Sagsbehandler"));
}

/// A check closed as justifying private purchase, for the guard tests.
fn closed_private(f: &Fixture) -> String {
    let check = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    for offer in ["K-1", "S-1", "T-1"] {
        reject(f, &check.id, offer);
    }
    f.engine
        .check_close(
            &check.id,
            &Closing {
                conclusion: Conclusion::PrivatBegrundet,
                chosen_offer_id: None,
                note: "Ingen offentlige pladser kan bruges.".into(),
            },
            today(),
        )
        .unwrap();
    check.id
}

#[test]
fn the_guard_refuses_an_expired_check_and_a_different_need() {
    let f = fixture();
    let id = closed_private(&f);
    let check = f.engine.check(&id, today()).unwrap();
    let closed = check.closed.clone().unwrap();
    assert_eq!(closed.valid_until, closed.on + chrono::Duration::days(14));

    // Valid through the last day, not the day after.
    assert!(f
        .engine
        .check_allows(&id, "P-2", None, closed.valid_until)
        .is_ok());
    let late = closed.valid_until.succ_opt().unwrap();
    let err = message(f.engine.check_allows(&id, "P-2", None, late).unwrap_err());
    assert!(
        err.contains("udløb") && err.contains("Lav en ny afstemning"),
        "{err}"
    );
    assert_eq!(
        f.engine.check(&id, late).unwrap().status,
        CheckStatus::Udloebet
    );

    // The same check cannot carry another need.
    let other = Need {
        age: 19,
        legal_basis: LegalBasis::Sel107,
        ..need()
    };
    let err = message(
        f.engine
            .check_allows(&id, "P-2", Some(&other), closed.on)
            .unwrap_err(),
    );
    assert!(err.contains("gælder et andet behov"), "{err}");
    assert!(err.contains("SEL § 107") && err.contains("19 år"), "{err}");

    // Public offers need no check at all.
    assert!(f
        .engine
        .check_allows(&id, "K-1", Some(&other), late)
        .is_ok());

    // A check that chose a public offer does not justify a private one.
    let check = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    f.engine
        .check_close(
            &check.id,
            &Closing {
                conclusion: Conclusion::OffentligtValgt,
                chosen_offer_id: Some("K-1".into()),
                note: String::new(),
            },
            today(),
        )
        .unwrap();
    let err = message(
        f.engine
            .check_allows(&check.id, "P-2", None, today())
            .unwrap_err(),
    );
    assert!(
        err.contains("«et offentligt tilbud er valgt» (Kildevang)"),
        "{err}"
    );
}

#[test]
fn a_closed_check_never_changes_not_even_in_the_database() {
    let f = fixture();
    let id = closed_private(&f);
    let before = serde_json::to_value(f.engine.check(&id, today()).unwrap()).unwrap();

    let err = message(
        f.engine
            .check_confirm(&id, &confirm("K-1", 1), today())
            .unwrap_err(),
    );
    assert!(err.contains("blev lukket"), "{err}");
    assert!(f.engine.check_shortlist_add(&id, "P-2", today()).is_err());
    let again = Closing {
        conclusion: Conclusion::OffentligtValgt,
        chosen_offer_id: Some("K-1".into()),
        note: String::new(),
    };
    assert!(f.engine.check_close(&id, &again, today()).is_err());

    // Behind the app's back, the triggers refuse too.
    f.engine
        .with_db(|db| {
            let c = db.conn();
            for sql in [
                "UPDATE checks SET conclusion = 'offentligt_valgt' WHERE id = ?1",
                "DELETE FROM checks WHERE id = ?1",
                "UPDATE check_candidates SET free_places = 0 WHERE check_id = ?1",
                "DELETE FROM check_candidates WHERE check_id = ?1",
                "DELETE FROM check_events WHERE check_id = ?1",
                "INSERT INTO check_events (check_id, offer_id, kind, recorded_at, recorded_by)
                 VALUES (?1, 'K-1', 'afvisning', 'x', 'y')",
            ] {
                let r = c.execute(sql, [&id]);
                assert!(r.is_err(), "{sql} was allowed");
            }
            Ok(())
        })
        .unwrap();
    let after = serde_json::to_value(f.engine.check(&id, today()).unwrap()).unwrap();
    assert_eq!(before, after);
}

#[test]
fn candidates_keep_their_figures_after_a_new_catalogue_import() {
    let f = fixture();
    let check = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    let mut cat = catalogue();
    cat["extracted"] = json!("2026-11-20");
    let offers = cat["offers"].as_array_mut().unwrap();
    offers[0]["departments"][0]["legal_bases"][0]["free_places"] = json!(0);
    offers.retain(|o| o["id"] != "S-1");
    let file = write_json(f.dir.path(), "ny.json", &cat);
    f.engine.import_file(&file, |_, _| {}).unwrap();

    let again = f.engine.check(&check.id, today()).unwrap();
    assert_eq!(sorted_ids(&again), vec!["K-1", "S-1", "T-1"]);
    let k1 = again
        .candidates
        .iter()
        .find(|c| c.offer_id == "K-1")
        .unwrap();
    assert_eq!(k1.free_places, Some(2));
    assert_eq!(again.catalogue_extracted, day(2026, 11, 15));
    // A new check sees the new catalogue.
    let fresh = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    assert_eq!(sorted_ids(&fresh), vec!["K-1", "T-1"]);
}

#[test]
fn bad_input_is_refused_in_danish_and_stores_nothing() {
    let f = fixture();
    let cases: Vec<(NewCheck, &str)> = vec![
        (
            NewCheck {
                reference: "borger 010190-1234".into(),
                ..new_check(None)
            },
            "Sagsreference: ligner et CPR-nummer",
        ),
        (
            NewCheck {
                need: Need {
                    target_group: "FN.X".into(),
                    ..need()
                },
                ..new_check(None)
            },
            "Målgruppe: «FN.X» findes ikke i kataloget.",
        ),
        (
            NewCheck {
                need: Need {
                    home_municipality: 999,
                    ..need()
                },
                ..new_check(None)
            },
            "Hjemkommune: kommunekoden 999 findes ikke.",
        ),
        (
            NewCheck {
                need: Need {
                    wanted_start: day(2028, 1, 1),
                    ..need()
                },
                ..new_check(None)
            },
            "Ønsket start: 01.01.2028 ligger mere end et år frem.",
        ),
        (
            new_check(Some(900)),
            "Afstand: 900 km skal være mellem 0 og 500 km.",
        ),
    ];
    for (input, expected) in cases {
        let err = message(f.engine.check_create(&input, today()).unwrap_err());
        assert!(err.starts_with(expected), "{err}");
    }
    assert!(f.engine.checks(today()).unwrap().is_empty());
    let id = f.engine.check_create(&new_check(None), today()).unwrap().id;
    let future = Confirmation {
        contacted_on: day(2026, 11, 30),
        ..confirm("K-1", 1)
    };
    let err = message(f.engine.check_confirm(&id, &future, today()).unwrap_err());
    assert_eq!(err, "Kontaktdato: 30.11.2026 ligger i fremtiden.");
    let err = message(
        f.engine
            .check_confirm(&id, &confirm("P-2", 1), today())
            .unwrap_err(),
    );
    assert!(err.contains("ikke blandt afstemning"), "{err}");
    assert!(f.engine.check(&id, today()).unwrap().events.is_empty());
}

#[test]
fn a_one_person_project_needs_its_own_kind_of_check() {
    let f = fixture();
    let check = f
        .engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Enkeltmand,
                ..new_check(Some(0))
            },
            today(),
        )
        .unwrap();
    // It asks municipalities whether they can join; it is not a search for free places.
    assert!(check.candidates.is_empty() && check.excluded.is_empty());
    let asked = pladsoverblik_core::placement::Inquiry {
        municipality: 259,
        asked_on: day(2026, 11, 20),
        method: pladsoverblik_core::placement::InquiryMethod::Email,
        contact: "Lis Berg, visitationschef".into(),
        answer: Some(pladsoverblik_core::placement::InquiryAnswer {
            answer: pladsoverblik_core::placement::Answer::Nej,
            answered_on: day(2026, 11, 23),
            text: "Ingen ledige boliger og ingen borgere med samme behov.".into(),
        }),
    };
    f.engine.check_inquire(&check.id, &asked, today()).unwrap();
    let wrong = Closing {
        conclusion: Conclusion::PrivatBegrundet,
        chosen_offer_id: None,
        note: String::new(),
    };
    let err = message(
        f.engine
            .check_close(&check.id, &wrong, today())
            .unwrap_err(),
    );
    assert!(err.contains("passer ikke"), "{err}");
    let closed = f
        .engine
        .check_close(
            &check.id,
            &Closing {
                conclusion: Conclusion::EnkeltmandBegrundet,
                ..wrong
            },
            today(),
        )
        .unwrap();
    let offer = pladsoverblik_core::placement::OfferClass {
        within_agreement: false,
    };
    assert!(closed
        .allows(&need(), offer, CheckKind::Enkeltmand, today())
        .is_ok());
    let err = message(
        closed
            .allows(&need(), offer, CheckKind::Privat, today())
            .unwrap_err(),
    );
    assert!(err.contains("før oprettelse af enkeltmandstilbud"), "{err}");
    // The private purchase check does not justify a one-person project either.
    let id = closed_private(&f);
    let private = f.engine.check(&id, today()).unwrap();
    assert!(private
        .allows(&need(), offer, CheckKind::Enkeltmand, today())
        .is_err());
}

#[test]
fn a_confirmation_of_free_places_is_not_evidence_but_of_none_is() {
    let f = fixture();
    let check = f.engine.check_create(&new_check(Some(0)), today()).unwrap();
    // K-1 confirms one free place: it still blocks until a rejection gives a reason.
    let check = f
        .engine
        .check_confirm(&check.id, &confirm("K-1", 1), today())
        .unwrap();
    let k1 = check
        .candidates
        .iter()
        .find(|c| c.offer_id == "K-1")
        .unwrap();
    assert!(k1.blocking);
    assert!(!check.events[0].evidence);
    let check = f
        .engine
        .check_confirm(&check.id, &confirm("K-1", 0), today())
        .unwrap();
    let k1 = check
        .candidates
        .iter()
        .find(|c| c.offer_id == "K-1")
        .unwrap();
    assert!(!k1.blocking);
    assert!(check.events[1].evidence);
    // The appendix prints the evidence for each candidate.
    let summary = pladsoverblik_core::placement::summary(&check);
    let k1_row = summary
        .candidates
        .iter()
        .find(|r| r[0] == "Kildevang")
        .unwrap();
    assert!(
        k1_row[7].contains("0 ledige pladser, talt med Hanne Holm"),
        "{k1_row:?}"
    );
}

#[test]
fn the_area_is_the_buyers_agreement_not_the_new_region() {
    // On 05.01.2027 Roskilde lies in Region Østdanmark with Copenhagen, but no agreement binds
    // them together: the check's area is the last Sjælland agreement (marked as such), so
    // Bostedet Øresund (København) is not a candidate.
    let f = fixture();
    let on = day(2027, 1, 5);
    let input = NewCheck {
        need: Need {
            wanted_start: day(2027, 1, 15),
            ..need()
        },
        ..new_check(Some(0))
    };
    let check = f.engine.check_create(&input, on).unwrap();
    assert_eq!(check.scope.agreement_id.as_deref(), Some("SJ-2025"));
    assert!(check.scope.agreement_fallback);
    assert!(check.text.scope.contains("udløbet"), "{}", check.text.scope);
    assert!(
        !sorted_ids(&check).contains(&"H-1"),
        "{:?}",
        sorted_ids(&check)
    );
    assert_eq!(sorted_ids(&check), vec!["K-1", "S-1", "T-1"]);
}
