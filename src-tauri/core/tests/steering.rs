//! Steering as Rammeaftale Syddanmark 2018 writes it (issue 13, seed 002): categories set once
//! a year with the municipality's written decisions (R7, L195-227), and occupancy reported per
//! offer relative to the budget in two runs a year with their deadlines (R6, L152-158). On a
//! real SQLite file with the bundled example catalogue, whose eight Syddanmark offers
//! (`catalogue/example_syddanmark.rs`) are the hand-checked cases.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::contracts::ContractForm;
use pladsoverblik_core::reports::category_year::DecisionForm;
use pladsoverblik_core::reports::occupancy_runs::{LineForm, RunView};
use pladsoverblik_core::reports::{self, Category, CategoryReport, Kind, Report};
use pladsoverblik_core::{Engine, Error};
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn engine(dir: &Path) -> Engine {
    let engine = Engine::open(&dir.join("steering.sqlite")).unwrap();
    engine.set_setting("user_name", "Karen Jensen").unwrap();
    engine
}

fn categories(e: &Engine, year: i32) -> CategoryReport {
    match e.report(Kind::Categories, year).unwrap() {
        Report::Categories(r) => r,
        other => panic!("{other:?}"),
    }
}

fn occupancy(e: &Engine, year: i32) -> reports::OccupancyReport {
    match e.report(Kind::Occupancy, year).unwrap() {
        Report::Occupancy(r) => r,
        other => panic!("{other:?}"),
    }
}

fn line<'a>(r: &'a CategoryReport, offer: &str) -> &'a reports::CategoryLine {
    r.lines
        .iter()
        .find(|l| l.offer_id == offer)
        .unwrap_or_else(|| panic!("{offer} is not categorised"))
}

/// The example catalogue with `change` applied to its JSON, written to `dir`.
fn example_with(dir: &Path, change: impl FnOnce(&mut serde_json::Value)) -> std::path::PathBuf {
    let mut cat: serde_json::Value =
        serde_json::from_slice(pladsoverblik_core::EXAMPLE_CATALOGUE).unwrap();
    change(&mut cat);
    write_json(dir, "katalog.json", &cat)
}

fn offer_mut<'a>(cat: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
    cat["offers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["id"] == id)
        .unwrap()
}

#[test]
fn only_offers_under_a_categories_rule_are_categorised_and_1950_kr_is_a_klyngetilbud() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let r = categories(&e, 2026);
    assert!(r.set.is_none());
    let ids: Vec<&str> = r.lines.iter().map(|l| l.offer_id.as_str()).collect();
    // The Sjælland offers (SJ-2025 has no categories rule) and the private SY-1006 are left out.
    assert_eq!(
        ids,
        ["SY-1001", "SY-1002", "SY-1003", "SY-1004", "SY-1005", "SY-1007", "SY-1008"]
    );
    assert_eq!(r.not_covered, 181);
    // Botilbuddet Engholm: 1.950 kr., 5 other buyers, 8 of 16 places (50 %). The old reading
    // "(rate ≥ 2.000 and ≥ 4 buyers) or ≥ 40 %" made it højt specialiseret.
    let engholm = line(&r, "SY-1002");
    assert_eq!(engholm.computed, Some(Category::Klyngetilbud));
    assert_eq!(
        engholm.decided_by_text,
        "takst 1.950,00 kr. (under 2.000,00 kr.); 5 andre købende kommuner"
    );
    assert_eq!(engholm.figures.share_pct, d("50"));
    // Vadehavet: 2.450 kr., 4 others (Varde, Vejen, Fanø, Tønder) with 10 of 24 places.
    let vadehavet = line(&r, "SY-1001");
    assert_eq!(vadehavet.computed, Some(Category::HoejtSpecialiseret));
    assert_eq!(
        vadehavet.decided_by_text,
        "takst 2.450,00 kr. (mindst 2.000,00 kr.); 4 andre købende kommuner (mindst 4); 10 af 24 pladser = 41,7 % til andre kommuner (mindst 40 %)"
    );
    // Marsken: 3.200 kr. but only 2 others with 6 of 30: neither footnote, so local.
    assert_eq!(line(&r, "SY-1003").computed, Some(Category::LokaltTilbud));
    // Sønderskov is the region's: every buying municipality is "other" (6).
    assert_eq!(line(&r, "SY-1004").figures.other_buyers, 6);
    assert!(
        r.text.contains(
            "3 højt specialiserede tilbud med regional betydning, 2 klyngetilbud, 2 lokale tilbud"
        ),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("(SD-2018; udløbet 31.12.2018, den sidst gældende bruges)"),
        "{}",
        r.text
    );
    assert!(r
        .text
        .contains("181 tilbud er ikke omfattet af en rammeaftale med en kategoriregel"));
    assert!(r.text.starts_with("Kategorierne for 2026 er ikke fastsat."));
    // Before any is set the occupancy report says why it has no lines.
    let o = occupancy(&e, 2026);
    assert!(o.lines.is_empty() && !o.categories_set);
    assert!(o.text.starts_with("Kategorierne for 2026 er ikke fastsat"));
}

fn form(offer: &str, buyer: &str) -> ContractForm {
    ContractForm {
        offer_id: offer.into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: buyer.into(),
        buyer_ean: "5798000000001".into(),
        buyer_contact: "Karen Jensen, 7000 0000".into(),
        provider_ean: "5790000000005".into(),
        citizen_name: "Søren Ærø Åberg".into(),
        citizen_cpr: "010190-1234".into(),
        intervention: "Længerevarende botilbud med døgndækning.".into(),
        goals: "Mestre egen økonomi".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        followups: "01.03.2027".into(),
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "30".into(),
        closure: "Ved lukning varsles køber med leverandørens opsigelsesvarsel.".into(),
        ..Default::default()
    }
}

#[test]
fn categories_set_for_2026_do_not_change_after_a_new_contract_or_import() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let set = e.categories_set(2026).unwrap();
    let info = set.set.as_ref().unwrap();
    assert_eq!(info.set_by, "Karen Jensen");
    assert!(
        set.text.starts_with("Kategorierne for 2026 blev fastsat "),
        "{}",
        set.text
    );
    assert_eq!(line(&set, "SY-1003").computed, Some(Category::LokaltTilbud));
    // Setting the year again is refused, not computed again.
    let again = e.categories_set(2026).unwrap_err();
    assert!(matches!(again, Error::Conflict(_)), "{again}");
    assert!(again
        .to_string()
        .contains("Kategorierne for 2026 er allerede fastsat"));

    // Marsken gets two more buying municipalities: a contract from Vejle and, in a new
    // catalogue, places bought by Haderslev in 2026.
    let t = today();
    let c = e.contract_create(&form("SY-1003", "Vejle"), t).unwrap();
    let issued = e.contract_issue(&c.id, t);
    assert!(issued.is_ok(), "{:?}", issued.err());
    let file = example_with(dir.path(), |cat| {
        let o = offer_mut(cat, "SY-1003");
        let buyers = o["buyers"].as_array_mut().unwrap();
        buyers.push(serde_json::json!({"year": 2026, "municipality_code": 510, "places": 2}));
    });
    e.import_file(&file, |_, _| {}).unwrap();

    // What was set stands, figures and all.
    let after = categories(&e, 2026);
    let marsken = line(&after, "SY-1003");
    assert_eq!(marsken.computed, Some(Category::LokaltTilbud));
    assert_eq!(marsken.category, Some(Category::LokaltTilbud));
    assert_eq!(marsken.figures.other_buyers, 2);
    assert_eq!(after.lines.len(), set.lines.len());

    // A fresh database with the same purchases would compute it højt specialiseret now.
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = engine(fresh_dir.path());
    fresh.import_file(&file, |_, _| {}).unwrap();
    let c = fresh.contract_create(&form("SY-1003", "Vejle"), t).unwrap();
    fresh.contract_issue(&c.id, t).unwrap();
    let now = categories(&fresh, 2026);
    assert_eq!(
        line(&now, "SY-1003").computed,
        Some(Category::HoejtSpecialiseret)
    );
    assert_eq!(line(&now, "SY-1003").figures.other_buyers, 4);

    // The database itself refuses to change a set category.
    let refused = e.with_db(|db| {
        Ok(db.conn().execute(
            "UPDATE category_lines SET computed = 'hoejt_specialiseret' WHERE offer_id = 'SY-1003'",
            [],
        ))
    });
    assert!(refused.unwrap().is_err());
}

#[test]
fn a_decision_keeps_its_reason_beside_the_computed_category() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let decide = |offer: &str, category: &str, reason: &str, by: &str| {
        e.category_decide(
            2026,
            &DecisionForm {
                offer_id: offer.into(),
                category: category.into(),
                reason: reason.into(),
                decided_by: by.into(),
            },
        )
    };
    let before = decide(
        "SY-1003",
        "hoejt",
        "Specialisering.",
        "Socialdirektør Ib Holm",
    )
    .unwrap_err();
    assert!(matches!(before, Error::Refused(_)), "{before}");
    e.categories_set(2026).unwrap();
    let no_reason = decide("SY-1003", "hoejt", "  ", "Ib Holm").unwrap_err();
    assert!(
        no_reason.to_string().starts_with("Begrundelse:"),
        "{no_reason}"
    );
    let no_one = decide("SY-1003", "hoejt", "Specialisering.", "").unwrap_err();
    assert!(no_one.to_string().starts_with("Besluttet af:"), "{no_one}");
    let private = decide("SY-1006", "klynge", "Faglighed.", "Ib Holm").unwrap_err();
    assert!(matches!(private, Error::NotFound(_)), "{private}");
    let same = decide("SY-1003", "lokalt", "Faglighed.", "Ib Holm").unwrap_err();
    assert!(
        same.to_string().contains("er allerede lokalt tilbud"),
        "{same}"
    );

    let reason = "Specialisering og kompleksitet: eneste tilbud i regionen for svær sindslidelse med udadreagerende adfærd.";
    let r = decide("SY-1003", "højt", reason, "Socialdirektør Ib Holm").unwrap();
    let marsken = line(&r, "SY-1003");
    assert_eq!(marsken.computed, Some(Category::LokaltTilbud));
    assert_eq!(marsken.category, Some(Category::HoejtSpecialiseret));
    let decision = marsken.decision.as_ref().unwrap();
    assert_eq!(decision.reason, reason);
    assert_eq!(decision.decided_by, "Socialdirektør Ib Holm");
    assert!(r.text.contains("; 1 afgjort af kommunen"), "{}", r.text);
    // Side by side in the table (CSV and PDF).
    let table = reports::categories_table(&r);
    let row = table.rows.iter().find(|row| row[1] == "SY-1003").unwrap();
    let col = |name: &str| table.header.iter().position(|h| h == name).unwrap();
    assert_eq!(row[col("Beregnet kategori")], "Lokalt tilbud");
    assert_eq!(
        row[col("Besluttet kategori")],
        "Højt specialiseret tilbud med regional betydning"
    );
    assert_eq!(row[col("Kommunens begrundelse")], reason);
    assert!(row[col("Besluttet af")].starts_with("Socialdirektør Ib Holm, "));
    assert!(row[col("Afgjort af")].starts_with("takst 3.200,00 kr. (mindst 2.000,00 kr.); 2 andre"));
    // The decision is in the audit log.
    let logged: i64 = e
        .with_db(|db| {
            Ok(db.conn().query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'categories.decide' AND subject = 'SY-1003'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(logged, 1);
    // Deciding it back to the computed category is a new decision; the earlier one stays.
    let back = decide("SY-1003", "lokalt", "Ny vurdering af behovet.", "Ib Holm").unwrap();
    assert_eq!(
        line(&back, "SY-1003").category,
        Some(Category::LokaltTilbud)
    );
    assert_eq!(
        line(&back, "SY-1003").decision.as_ref().unwrap().reason,
        "Ny vurdering af behovet."
    );
}

/// A rate sheet with actual occupancy: Engholm's two departments, Vadehavet and Sønderskov.
fn occupancy_sheet(dir: &Path) -> std::path::PathBuf {
    let sheet = dir.join("belægning 2026.csv");
    std::fs::write(
        &sheet,
        "Tilbuds-id;Afdeling;Paragraf;År;Døgntakst;Budgetteret belægning %;Faktisk belægning %\n\
         SY-1002;A1;108;2026;1.950,00;90;80\n\
         SY-1002;A2;108;2026;1.950,00;94;84\n\
         SY-1001;;108;2026;2.450,00;95;90,25\n\
         SY-1004;;108;2026;4.100,00;92;91\n",
    )
    .unwrap();
    sheet
}

#[test]
fn occupancy_per_offer_relative_to_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    e.categories_set(2026).unwrap();
    e.rates_import(&occupancy_sheet(dir.path())).unwrap();
    let r = occupancy(&e, 2026);
    let got: Vec<(&str, &str, bool)> = r
        .lines
        .iter()
        .map(|l| (l.offer_id.as_str(), l.texts.deviation.as_str(), l.due))
        .collect();
    // Engholm once: budget (10 × 90 + 6 × 94) / 16 = 91,5 %, actual (10 × 80 + 6 × 84) / 16
    // = 81,5 %: −10,9 % of the budget. Vadehavet 90,25 against 95: −5,0 % (reported at 5 %).
    // Sønderskov 91 against 92: −1,1 %.
    assert_eq!(
        got,
        [
            ("SY-1002", "-10,9 %", true),
            ("SY-1001", "-5,0 %", true),
            ("SY-1004", "-1,1 %", false)
        ]
    );
    let engholm = &r.lines[0];
    assert_eq!(
        (engholm.budgeted_pct, engholm.actual_pct),
        (d("91.5"), d("81.5"))
    );
    assert_eq!((r.compared, r.without_data), (3, 2));
    assert!(
        r.text
            .contains("5 % eller mere, regnet relativt til den budgetterede belægningsprocent"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains(
            "Uden budgetteret eller faktisk belægning: Bostedet Åstrup, Botilbuddet Hedebo."
        ),
        "{}",
        r.text
    );
    let csv = String::from_utf8(reports::occupancy_table(&r).to_csv()).unwrap();
    assert!(csv.contains(";SY-1001;Esbjerg Kommune;Højt specialiseret tilbud med regional betydning;24;95,00;90,25;-5,0;ja\r\n"), "{csv}");
    // The lokale tilbud (Marsken, Lindeparken) are not in it.
    assert!(!r
        .lines
        .iter()
        .any(|l| l.offer_id == "SY-1003" || l.offer_id == "SY-1005"));
}

fn line_of<'a>(v: &'a RunView, offer: &str) -> &'a reports::occupancy_runs::RunLine {
    v.lines.iter().find(|l| l.offer_id == offer).unwrap()
}

#[test]
fn an_occupancy_run_keeps_efterregulering_and_the_text_and_is_locked_when_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let t = day(2026, 4, 15);
    let before = e.occupancy_run_create(2026, "q1", None, t).unwrap_err();
    assert!(matches!(before, Error::Refused(_)), "{before}");
    e.categories_set(2026).unwrap();
    e.rates_import(&occupancy_sheet(dir.path())).unwrap();
    let bad = e.occupancy_run_create(2026, "q2", None, t).unwrap_err();
    assert!(
        bad.to_string()
            .contains("Brug q1 (1. kvartal) eller q1-q3 (1.-3. kvartal)"),
        "{bad}"
    );

    let run = e.occupancy_run_create(2026, "q1", None, t).unwrap();
    assert_eq!(
        (run.label.as_str(), run.deadline_text.as_str()),
        ("1. kvartal", "01.05.2026")
    );
    assert_eq!(run.lines.len(), 5);
    assert_eq!(run.state_text, "Kladde – ikke indsendt (frist om 16 dage)");
    assert_eq!(line_of(&run, "SY-1002").due, Some(true));
    assert_eq!(line_of(&run, "SY-1008").due, None);
    // Hedebo's first quarter typed in: 85 % against 93 %: −8,6 %.
    let set = |offer: &str, f: LineForm| e.occupancy_line_set(run.id, offer, &f, t);
    let v = set(
        "SY-1008",
        LineForm {
            actual: Some("85".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(line_of(&v, "SY-1008").texts.deviation, "-8,6 %");
    assert_eq!(
        line_of(&v, "SY-1008").texts.actual_source,
        "indtastet af Karen Jensen"
    );
    let refused = e.occupancy_run_submit(run.id, t).unwrap_err();
    assert!(
        refused.to_string().contains("Botilbuddet Engholm"),
        "{refused}"
    );
    let wrong = set(
        "SY-1001",
        LineForm {
            efterregulering: Some("måske".into()),
            ..Default::default()
        },
    );
    assert!(wrong.unwrap_err().to_string().contains("svar ja eller nej"));

    let text =
        "Vigende efterspørgsel fra nabokommunerne; to pladser omlægges til aflastning fra 1. juli.";
    for (offer, answer) in [("SY-1001", "ja"), ("SY-1002", "nej"), ("SY-1008", "ja")] {
        set(
            offer,
            LineForm {
                efterregulering: Some(answer.into()),
                note: Some(text.into()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let sent = e.occupancy_run_submit(run.id, t).unwrap();
    assert!(
        sent.submitted && sent.state_text.starts_with("Indsendt "),
        "{}",
        sent.state_text
    );
    let vadehavet = line_of(&sent, "SY-1001");
    assert_eq!(
        (vadehavet.efterregulering, vadehavet.note.as_str()),
        (Some(true), text)
    );
    assert_eq!(vadehavet.texts.deviation, "-5,0 %");

    // The report: only the offers that are due, with the answers.
    let table = reports::occupancy_runs::run_table(&sent);
    assert_eq!(table.title, "Belægningsindberetning 1. kvartal 2026");
    let ids: Vec<&str> = table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ids, ["SY-1001", "SY-1002", "SY-1008"]);
    let csv = String::from_utf8(table.to_csv()).unwrap();
    assert!(
        csv.contains("Medfører efterregulering;Udfordringer og initiativer\r\n"),
        "{csv}"
    );
    // The text holds a semicolon, so the CSV quotes it.
    assert!(
        csv.contains(&format!(";95,00;90,25;-5,0;ja;\"{text}\"\r\n")),
        "{csv}"
    );

    // Locked: no change through the app or in the database; a second run is refused.
    let locked = set(
        "SY-1001",
        LineForm {
            note: Some("Rettet.".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(locked.to_string().contains("er indsendt"), "{locked}");
    let sql = e.with_db(|db| {
        Ok(db
            .conn()
            .execute("UPDATE occupancy_lines SET note = 'x'", []))
    });
    assert!(sql.unwrap().is_err());
    let twice = e
        .occupancy_run_create(2026, "1. kvartal", None, t)
        .unwrap_err();
    assert!(matches!(twice, Error::Conflict(_)), "{twice}");
    // Kept after the database is opened again.
    drop(e);
    let e = engine(dir.path());
    let again = e.occupancy_run(run.id, t).unwrap();
    assert_eq!(line_of(&again, "SY-1001").efterregulering, Some(true));
    assert_eq!(line_of(&again, "SY-1001").note, text);
}

#[test]
fn the_next_deadline_on_15_april_is_1_may_and_on_15_october_1_november() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let s = e.occupancy_status(day(2026, 4, 15)).unwrap();
    let next = s.next.unwrap();
    assert_eq!(
        (next.deadline_text.as_str(), next.label.as_str(), next.year),
        ("01.05.2026", "1. kvartal", 2026)
    );
    assert!(
        next.agreement_text.contains("(SD-2018; udløbet 31.12.2018"),
        "{}",
        next.agreement_text
    );
    assert!(
        s.due_text
            .starts_with("Kategorierne for 2026 er ikke fastsat endnu"),
        "{}",
        s.due_text
    );

    e.categories_set(2026).unwrap();
    e.rates_import(&occupancy_sheet(dir.path())).unwrap();
    let s = e.occupancy_status(day(2026, 10, 15)).unwrap();
    let next = s.next.unwrap();
    assert_eq!(
        (next.deadline_text.as_str(), next.label.as_str()),
        ("01.11.2026", "1.-3. kvartal")
    );
    assert_eq!(next.days_left, 17);
    assert_eq!(next.run_id, None);
    let due: Vec<&str> = s.due.iter().map(|o| o.offer_id.as_str()).collect();
    assert_eq!(due, ["SY-1002", "SY-1001"]);
    // The first quarter's deadline passed without a submitted run.
    assert_eq!(s.overdue.len(), 1);
    assert!(
        s.overdue[0]
            .text
            .starts_with("1. kvartal 2026: frist 01.05.2026 – ikke påbegyndt"),
        "{}",
        s.overdue[0].text
    );
    let run = e
        .occupancy_run_create(2026, "q1-q3", None, day(2026, 10, 15))
        .unwrap();
    let s = e.occupancy_status(day(2026, 10, 15)).unwrap();
    assert_eq!(s.next.unwrap().run_id, Some(run.id));
    assert_eq!(s.runs.len(), 1);
    // After 1 November the next is the next year's first quarter.
    let s = e.occupancy_status(day(2026, 11, 25)).unwrap();
    assert_eq!(s.next.unwrap().deadline_text, "01.05.2027");
}

#[test]
fn buyers_come_from_the_catalogue_and_the_contracts_without_double_counting() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // Bostedet Åstrup (Fredericia's own, 10 places): the catalogue says Vejle bought 1 place in
    // 2026: a klyngetilbud at 1.750 kr.
    let r = categories(&e, 2026);
    let aastrup = line(&r, "SY-1007");
    assert_eq!(
        (
            aastrup.figures.other_buyers,
            aastrup.figures.places_to_others
        ),
        (1, 1)
    );
    assert_eq!(aastrup.computed, Some(Category::Klyngetilbud));
    // Contracts running in 2026: Fredericia's own purchase is no sale; Vejle's is likely the
    // place the catalogue already has (the larger figure counts, not the sum); Kolding's adds
    // a buyer and a place.
    let t = today();
    for buyer in ["Fredericia", "Vejle", "Kolding"] {
        let c = e.contract_create(&form("SY-1007", buyer), t).unwrap();
        e.contract_issue(&c.id, t).unwrap();
    }
    let r = categories(&e, 2026);
    let aastrup = line(&r, "SY-1007");
    assert_eq!(
        (
            aastrup.figures.other_buyers,
            aastrup.figures.places_to_others
        ),
        (2, 2)
    );
    assert_eq!(aastrup.figures.share_pct, d("20"));
    // In 2025 the catalogue has no other buyer and the contracts start in December 2026.
    let r = categories(&e, 2025);
    assert_eq!(line(&r, "SY-1007").computed, Some(Category::LokaltTilbud));
    assert_eq!(
        line(&r, "SY-1007").decided_by_text,
        "takst 1.700,00 kr. (under 2.000,00 kr.); ingen andre købende kommuner"
    );
}

/// The example catalogue in a database of its own, on a plain connection, with its offers'
/// row keys by id.
fn example_offers() -> (
    tempfile::TempDir,
    rusqlite::Connection,
    std::collections::HashMap<String, i64>,
) {
    let dir = tempfile::tempdir().unwrap();
    drop(engine(dir.path()));
    let conn = rusqlite::Connection::open(dir.path().join("steering.sqlite")).unwrap();
    let keys = conn
        .prepare("SELECT key, id FROM offers")
        .unwrap()
        .query_map([], |r| Ok((r.get(1)?, r.get(0)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (dir, conn, keys)
}

/// The reports read every offer's operators in one query (`offer_summaries`); each offer gets
/// exactly the periods the per-offer read gives, in the same order — also the example's offers
/// whose operator changes.
#[test]
fn offer_summaries_give_each_offer_its_own_operators() {
    let (_dir, conn, keys) = example_offers();
    let summaries = pladsoverblik_core::catalogue::store::offer_summaries(&conn).unwrap();
    assert_eq!(summaries.len(), keys.len());
    let mut changing = 0;
    for s in &summaries {
        let one_by_one =
            pladsoverblik_core::catalogue::store::operators(&conn, keys[&s.id]).unwrap();
        assert!(!one_by_one.is_empty(), "{}", s.id);
        assert_eq!(s.operators, one_by_one, "{}", s.id);
        changing += usize::from(one_by_one.len() > 1);
    }
    assert!(
        changing >= 1,
        "the example has offers whose operator changes"
    );
}

/// The categories report reads every offer's coverage facts at once (`all_offer_coverage`);
/// each is what `offer_facts` gives for that offer and day, with the offer's places summed
/// over its departments — on a day before and after some of the example's operator changes
/// (2009, 2011) and today, in id order.
#[test]
fn all_offer_coverage_is_each_offers_facts() {
    use pladsoverblik_core::catalogue::store;
    let (_dir, conn, keys) = example_offers();
    let mut ids: Vec<&String> = keys.keys().collect();
    ids.sort();
    let mut operators_on = Vec::new();
    for on in ["2008-06-01", "2012-06-01", "2026-11-30"] {
        let on = chrono::NaiveDate::from_str(on).unwrap();
        let all = store::all_offer_coverage(&conn, on).unwrap();
        assert_eq!(
            all.iter().map(|c| &c.id).collect::<Vec<_>>(),
            ids,
            "every offer once, in id order"
        );
        for c in &all {
            let one = store::offer_facts(&conn, &c.id, on).unwrap().unwrap();
            let places: i64 = store::places(&conn, keys[&c.id])
                .unwrap()
                .iter()
                .map(|p| i64::from(p.places))
                .sum();
            assert!(places > 0, "{}", c.id);
            let id = &c.id;
            assert_eq!(c.name, one.name, "{id}");
            assert_eq!(c.municipality_code, one.municipality_code, "{id}");
            assert_eq!(c.operator, one.operator, "{id} on {on}");
            assert_eq!(c.agreements, one.agreements, "{id}");
            assert_eq!(c.covered_v1, one.covered_v1, "{id}");
            assert_eq!(c.places, places, "{id}");
        }
        operators_on.push(
            all.iter()
                .map(|c| c.operator.as_ref().map(|o| o.name.clone()))
                .collect::<Vec<_>>(),
        );
    }
    // The days were chosen so that some offer has another operator on each.
    assert_ne!(operators_on[0], operators_on[1]);
    assert_ne!(operators_on[1], operators_on[2]);
}
