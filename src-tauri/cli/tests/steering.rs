//! `plads categories …` and `plads occupancy …` as a user runs them on the example catalogue
//! (its Syddanmark offers under Rammeaftale Syddanmark 2018).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::{plads, stderr, stdout};
use std::path::Path;

fn ok(d: &Path, args: &[&str]) -> String {
    let o = plads(d, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn categories_are_set_once_and_a_decision_shows_beside_the_computed_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["settings", "set", "user_name", "Karen Jensen"]);
    // Before they are set, the report shows what setting them would store.
    let out = ok(d, &["report", "categories", "--year", "2026"]);
    assert!(
        out.contains("Kategorierne for 2026 er ikke fastsat."),
        "{out}"
    );
    assert!(
        out.contains("Botilbuddet Engholm (SY-1002): Klyngetilbud – takst 1.950,00 kr. (under 2.000,00 kr.); 5 andre købende kommuner"),
        "{out}"
    );
    assert!(
        !out.contains("SY-1006"),
        "a private offer is not categorised: {out}"
    );
    let out = ok(d, &["categories", "set", "--year", "2026"]);
    assert!(out.contains("Kategorierne for 2026 blev fastsat "), "{out}");
    assert!(
        out.contains(" af Karen Jensen og ændres ikke i løbet af året."),
        "{out}"
    );
    let o = plads(d, &["categories", "set", "--year", "2026"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Fejl: Kategorierne for 2026 er allerede fastsat"),
        "{}",
        stderr(&o)
    );

    let o = plads(
        d,
        &[
            "categories",
            "override",
            "SY-1003",
            "--year",
            "2026",
            "--category",
            "hoejt",
            "--reason",
            "",
            "--decided-by",
            "Ib Holm",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Begrundelse:"), "{}", stderr(&o));
    let out = ok(
        d,
        &[
            "categories",
            "override",
            "SY-1003",
            "--year",
            "2026",
            "--category",
            "hoejt",
            "--reason",
            "Specialisering: eneste tilbud i regionen til målgruppen.",
            "--decided-by",
            "Socialdirektør Ib Holm",
        ],
    );
    assert!(out.contains("Specialbostedet Marsken (SY-1003): Lokalt tilbud – takst 3.200,00 kr. (mindst 2.000,00 kr.); 2 andre købende kommuner (under 4)"), "{out}");
    assert!(out.contains("; besluttet: Højt specialiseret tilbud med regional betydning (Socialdirektør Ib Holm, "), "{out}");
    assert!(
        out.contains(": Specialisering: eneste tilbud i regionen til målgruppen.)"),
        "{out}"
    );
    // The CSV has computed and decided side by side.
    let csv = d.join("kategorier.csv");
    ok(
        d,
        &[
            "report",
            "categories",
            "--year",
            "2026",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    assert!(
        text.contains(
            "Beregnet kategori;Afgjort af;Besluttet kategori;Kommunens begrundelse;Besluttet af"
        ),
        "{text}"
    );
    // And as PDF/A (every character in the embedded font).
    let pdf = d.join("kategorier.pdf");
    let out = ok(
        d,
        &[
            "report",
            "categories",
            "--year",
            "2026",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(out.contains("PDF skrevet til"), "{out}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert!(
        text.contains("Specialbostedet Marsken;SY-1003;Tønder Kommune;Lokalt tilbud;"),
        "{text}"
    );
}

#[test]
fn an_occupancy_run_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let today = ["--today", "15.04.2026"];
    let out = ok(d, &["occupancy", "status", today[0], today[1]]);
    assert!(
        out.starts_with("Næste frist: 01.05.2026 – 1. kvartal 2026"),
        "{out}"
    );
    let out = ok(d, &["occupancy", "status", "--today", "15.10.2026"]);
    assert!(
        out.starts_with("Næste frist: 01.11.2026 – 1.-3. kvartal 2026"),
        "{out}"
    );
    let o = plads(
        d,
        &[
            "occupancy",
            "run",
            "--year",
            "2026",
            "--period",
            "q1",
            today[0],
            today[1],
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Kategorierne for 2026 er ikke fastsat"),
        "{}",
        stderr(&o)
    );
    ok(d, &["categories", "set", "--year", "2026"]);
    let out = ok(
        d,
        &[
            "occupancy",
            "run",
            "--year",
            "2026",
            "--period",
            "q1",
            today[0],
            today[1],
        ],
    );
    assert!(
        out.starts_with("Indberetning nr. 1: Belægningsindberetning 1. kvartal 2026"),
        "{out}"
    );
    assert!(
        out.contains("Kladde – ikke indsendt (frist om 16 dage)"),
        "{out}"
    );
    // Vadehavet's first quarter: 90,25 % against 95 %: −5,0 % of the budget, reported.
    let out = ok(
        d,
        &[
            "occupancy",
            "line",
            "1",
            "SY-1001",
            "--actual",
            "90,25",
            today[0],
            today[1],
        ],
    );
    assert!(out.contains("Bostedet Vadehavet (SY-1001), Højt specialiseret tilbud med regional betydning: budget 95,00 %, faktisk 90,25 %, afvigelse -5,0 %; skal indberettes: ja; medfører efterregulering: ikke angivet"), "{out}");
    let o = plads(d, &["occupancy", "submit", "1", today[0], today[1]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("for Bostedet Vadehavet mangler"),
        "{}",
        stderr(&o)
    );
    let text = "Færre henvisninger fra nabokommunerne; to pladser omlægges.";
    ok(
        d,
        &[
            "occupancy",
            "line",
            "1",
            "SY-1001",
            "--efterregulering",
            "ja",
            "--text",
            text,
            today[0],
            today[1],
        ],
    );
    let out = ok(d, &["occupancy", "submit", "1", today[0], today[1]]);
    assert!(
        out.contains("medfører efterregulering: ja; Færre henvisninger"),
        "{out}"
    );
    assert!(out.contains("Indsendt "), "{out}");
    let o = plads(
        d,
        &[
            "occupancy",
            "line",
            "1",
            "SY-1001",
            "--efterregulering",
            "nej",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("er indsendt") && stderr(&o).contains("kan ikke ændres"),
        "{}",
        stderr(&o)
    );
    // The run exports as CSV (only the offers that are due) and as JSON.
    let csv = d.join("indberetning.csv");
    ok(
        d,
        &["occupancy", "show", "1", "--csv", csv.to_str().unwrap()],
    );
    let body = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    assert!(
        body.contains(&format!(";95,00;90,25;-5,0;ja;\"{text}\"\r\n")),
        "{body}"
    );
    assert_eq!(body.lines().count(), 2, "{body}");
    let pdf = d.join("indberetning.pdf");
    let out = ok(
        d,
        &["occupancy", "show", "1", "--pdf", pdf.to_str().unwrap()],
    );
    assert!(
        out.contains("PDF skrevet til") && out.contains("(1 side)"),
        "{out}"
    );
    let json = ok(d, &["occupancy", "show", "1", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["submitted"], true);
    let line = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["offer_id"] == "SY-1001")
        .unwrap();
    assert_eq!(line["efterregulering"], true);
    assert_eq!(line["note"], text);
}
