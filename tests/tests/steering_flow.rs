//! The steering steps of Rammeaftale Syddanmark 2018 (issue 13, seed 002) through the real
//! window, on the example catalogue's Syddanmark offers with "today" fixed at 25.11.2026:
//! set the categories for 2026 and decide one otherwise with a reason; an occupancy run with a
//! line marked "medfører efterregulering: ja", submitted and exported as CSV and PDF. One
//! WebDriver session per flow. Needs a display (make test-e2e).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use fantoccini::Locator;
use pladsoverblik_tests::{answer_file_dialog, App};

/// The Kategorier section for 2026, not set yet.
async fn open_categories_2026(app: &App) {
    app.wait_text("#result-count", "188 tilbud").await;
    app.click("#tab-reports").await;
    app.run_report("categories", Some("2026")).await;
    app.wait_text(
        "#report-categories .report-summary",
        "Kategorierne for 2026 er ikke fastsat.",
    )
    .await;
}

/// "Fastsæt kategorier for 2026" in the open Kategorier section.
async fn set_categories_2026(app: &App) {
    app.wait_text("#categories-set", "Fastsæt kategorier for 2026")
        .await;
    app.click("#categories-set").await;
    app.wait_text("#message", "Kategorierne for 2026 er fastsat.")
        .await;
    app.wait_text(
        "#report-categories .report-summary",
        "Kategorierne for 2026 blev fastsat ",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn set_the_categories_for_a_year_and_decide_one_otherwise() {
    let app = App::start().await;
    open_categories_2026(&app).await;
    // Before they are set: the proposal, computed by SD-2018's rule. The 1.950 kr. offer with
    // five other buyers is a klyngetilbud; the private SY-1006 is not categorised.
    app.wait_text(
        "#report-categories .report-table tr[data-offer='SY-1002']",
        "Klyngetilbud",
    )
    .await;
    let cat = "categories";
    assert_eq!(
        app.report_cell(cat, "SY-1002", "Beregnet kategori").await,
        "Klyngetilbud"
    );
    assert!(app
        .client
        .find(Locator::Css(
            "#report-categories .report-table tr[data-offer='SY-1006']"
        ))
        .await
        .is_err());
    set_categories_2026(&app).await;
    // Set once: the step is not offered again; a decision on one offer is.
    assert!(app
        .client
        .find(Locator::Id("categories-set"))
        .await
        .is_err());
    app.click("#category-decision-box summary").await;
    app.select("#category-offer", "SY-1003").await;
    app.select("#category-choice", "hoejt").await;
    let reason = "Specialisering og kompleksitet: eneste tilbud i regionen til målgruppen.";
    app.type_into("#category-reason", reason).await;
    app.type_into("#category-decided-by", "Socialdirektør Ib Holm")
        .await;
    app.click("#category-decide").await;
    app.wait_text(
        "#message",
        "Afgørelsen er gemt: Specialbostedet Marsken er nu højt specialiseret tilbud med regional betydning for 2026.",
    )
    .await;
    // Computed and decided side by side, with the reason and who decided.
    app.wait_text(
        "#report-categories .report-table tr[data-offer='SY-1003']",
        reason,
    )
    .await;
    assert_eq!(
        app.report_cell(cat, "SY-1003", "Beregnet kategori").await,
        "Lokalt tilbud"
    );
    assert_eq!(
        app.report_cell(cat, "SY-1003", "Besluttet kategori").await,
        "Højt specialiseret tilbud med regional betydning"
    );
    assert_eq!(
        app.report_cell(cat, "SY-1003", "Kommunens begrundelse")
            .await,
        reason
    );
    assert!(app
        .report_cell(cat, "SY-1003", "Besluttet af")
        .await
        .starts_with("Socialdirektør Ib Holm, "));
    assert!(app
        .report_cell(cat, "SY-1003", "Afgjort af")
        .await
        .starts_with(
            "takst 3.200,00 kr. (mindst 2.000,00 kr.); 2 andre købende kommuner (under 4)"
        ));
    app.wait_text(
        "#report-categories .report-summary",
        "; 1 afgjort af kommunen",
    )
    .await;
    app.screenshot_if("PLADSOVERBLIK_SCREENSHOT_CATEGORIES")
        .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn an_occupancy_run_with_a_line_marked_efterregulering_ja() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start().await;
    open_categories_2026(&app).await;
    set_categories_2026(&app).await;
    app.run_report("occupancy", Some("2026")).await;
    app.wait_text(
        "#report-occupancy .report-summary",
        "Belægning 2026 for klyngetilbud og højt specialiserede tilbud",
    )
    .await;
    // On 25.11.2026 the next deadline is the first quarter of 2027; 2026's were missed.
    app.wait_text("#occupancy-next", "Næste frist: 01.05.2027")
        .await;
    app.wait_text(
        "#occupancy-overdue",
        "1.-3. kvartal 2026: frist 01.11.2026 – ikke påbegyndt (fristen er overskredet)",
    )
    .await;
    app.type_into("#occupancy-run-year", "2026").await;
    app.select("#occupancy-run-period", "q1-q3").await;
    app.click("#occupancy-run-create").await;
    app.wait_text("#message", "Indberetning nr. 1 er startet")
        .await;
    app.wait_text(
        "#occupancy-run-title",
        "Nr. 1: Belægningsindberetning 1.-3. kvartal 2026",
    )
    .await;
    // Bostedet Vadehavet's first three quarters: 90,25 % against 95 % budgeted: -5,0 % of
    // the budget, so it is reported; efterregulering: ja, with the text.
    let text = "Færre henvisninger fra nabokommunerne, to pladser omlægges til aflastning.";
    app.type_into("#occ-actual-SY-1001", "90,25").await;
    app.select("#occ-efterregulering-SY-1001", "ja").await;
    app.type_into("#occ-note-SY-1001", text).await;
    app.click("#occ-save-SY-1001").await;
    app.wait_text("#message", "Linjen for SY-1001 er gemt.")
        .await;
    let row = "#occupancy-lines tr[data-offer='SY-1001']";
    app.wait_text(&format!("{row} .deviation"), "-5,0 %").await;
    app.wait_text(&format!("{row} .due-cell"), "ja").await;
    app.click("#occupancy-submit").await;
    app.wait_text(
        "#message",
        "Indberetning nr. 1 er indsendt og kan ikke ændres.",
    )
    .await;
    // (The time of submission is the real time of day, like the audit log's.)
    app.wait_text("#occupancy-run-state", "Indsendt ").await;
    // Kept with the run, and locked: the line shows the answers, not inputs.
    app.wait_text(&format!("{row} .efterregulering"), "ja")
        .await;
    app.wait_text(&format!("{row} .note"), text).await;
    assert!(app
        .client
        .find(Locator::Id("occ-actual-SY-1001"))
        .await
        .is_err());
    app.wait_text(
        "#occupancy-run-list",
        "Nr. 1: 1.-3. kvartal 2026 (SD-2018), frist 01.11.2026 – Indsendt",
    )
    .await;

    let csv = dir.path().join("indberetning.csv");
    app.click("#occupancy-run-csv").await;
    answer_file_dialog("Gem rapporten som CSV", csv.to_str().unwrap(), true).await;
    app.wait_text("#message", "Indberetningen er gemt som")
        .await;
    let body = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    assert!(
        body.contains(&format!(
            "Bostedet Vadehavet;SY-1001;Esbjerg Kommune;Højt specialiseret tilbud med regional betydning;95,00;90,25;-5,0;ja;{text}\r\n"
        )),
        "{body}"
    );
    let pdf = dir.path().join("indberetning.pdf");
    app.click("#occupancy-run-pdf").await;
    answer_file_dialog("Gem rapporten som PDF", pdf.to_str().unwrap(), true).await;
    app.wait_text("#message", "indberetning.pdf (1 side)").await;
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pdf_text = String::from_utf8_lossy(&out.stdout);
    assert!(
        pdf_text.contains("Belægningsindberetning 1.-3. kvartal 2026")
            && pdf_text.contains("90,25"),
        "{pdf_text}"
    );
    app.screenshot_if("PLADSOVERBLIK_SCREENSHOT_OCCUPANCY")
        .await;
    app.close().await;
}
