//! The finance officer's rate sheet and the steering group's reports through the real window:
//! import a rate sheet through the open dialog (preview first), show the 5 % report, export it
//! as CSV and PDF through the save dialog, then occupancy, categories and spend on the same
//! screen. Needs a display (make test-e2e).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use fantoccini::Locator;
use pladsoverblik_tests::{answer_file_dialog, App};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn import_a_rate_sheet_and_export_the_rate_increase_report() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("takstoversigt 2027.csv");
    std::fs::write(
        &sheet,
        "\u{feff}Tilbuds-id;Paragraf;År;Døgntakst;Moms %;Budgetteret belægning %;Faktisk belægning %\r\nSJ-1101;108;2027;3.567,38;0;95;88\r\nSJ-1174;108;2027;3.400,00;6;;\r\nSJ-1161;108;2027;4.095,00;0;96;94\r\n",
    )
    .unwrap();
    let app = App::start().await;
    app.wait_text("#result-count", "180 tilbud").await;

    app.find("#tab-reports").await.click().await.unwrap();
    app.find("#rates-import").await.click().await.unwrap();
    answer_file_dialog("Vælg takstoversigt", sheet.to_str().unwrap(), false).await;
    let summary = app.wait_text("#rates-summary", "nye takster").await;
    assert!(summary.starts_with("3 nye takster, 0 ændrede"), "{summary}");
    app.find("#rates-commit").await.click().await.unwrap();
    app.wait_text("#message", "Takstoversigten er gemt").await;

    // The reports: one screen, one table per report (header, rows, summary).
    run_report(&app, "rate_increases", Some("2027")).await;
    app.wait_text("#report-title", "Takststigninger 2026–2027")
        .await;
    let report = app
        .wait_text("#report-summary", "takster steg mere end 5,00 %")
        .await;
    assert!(report.starts_with("2 takster steg"), "{report}");
    // 3.334 → 3.567,38 (+7,00 %); the private rate incl. 6 % VAT compared ex. VAT (+8,40 %);
    // SJ-1161 is unchanged and not listed.
    let row = app
        .wait_text("#report-table tr[data-offer='SJ-1101']", "3.567,38")
        .await;
    assert_eq!(cell(&app, "SJ-1101", "Stigning %").await, "7,00", "{row}");
    assert_eq!(
        cell(&app, "SJ-1101", "Takst 2026 pr. døgn ekskl. moms").await,
        "3.334,00"
    );
    assert_eq!(cell(&app, "SJ-1174", "Stigning %").await, "8,40");
    assert!(app
        .client
        .find(Locator::Css("#report-table tr[data-offer='SJ-1161']"))
        .await
        .is_err());

    let target = dir.path().join("rapport til styregruppen.csv");
    app.click("#report-csv").await;
    answer_file_dialog("Gem rapporten som CSV", target.to_str().unwrap(), true).await;
    app.wait_text("#message", "Rapporten er gemt som").await;
    let bytes = std::fs::read(&target).expect("the CSV was written where the user chose");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with BOM for Excel"
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(";3.334,00;3.567,38;7,00;"), "{text}");
    // The same report as PDF/A.
    let pdf = dir.path().join("rapport.pdf");
    app.click("#report-pdf").await;
    answer_file_dialog("Gem rapporten som PDF", pdf.to_str().unwrap(), true).await;
    app.wait_text("#message", "rapport.pdf (1 side)").await;
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pdf_text = String::from_utf8_lossy(&out.stdout);
    assert!(
        pdf_text.contains("Takststigninger 2026–2027") && pdf_text.contains("3.567,38"),
        "{pdf_text}"
    );

    // Occupancy: 88 % against a budget of 95 % is reported, 94 against 96 is not.
    run_report(&app, "occupancy", None).await;
    app.wait_text("#report-summary", "1 tilbud afveg 5 procentpoint")
        .await;
    app.wait_text("#report-table tr[data-offer='SJ-1101']", "-7,0")
        .await;
    assert_eq!(
        cell(&app, "SJ-1101", "Afvigelse procentpoint").await,
        "-7,0"
    );
    assert!(app
        .client
        .find(Locator::Css("#report-table tr[data-offer='SJ-1161']"))
        .await
        .is_err());
    // Categories: nobody buys yet, so every offer with a 2027 rate is local.
    run_report(&app, "categories", None).await;
    app.wait_text(
        "#report-summary",
        "2027: 0 højt specialiserede, 0 klyngetilbud, 3 lokale tilbud",
    )
    .await;
    // 2026 from the example catalogue's sales figures (no contracts yet).
    run_report(&app, "categories", Some("2026")).await;
    app.wait_text(
        "#report-summary",
        "2026: 78 højt specialiserede, 68 klyngetilbud, 34 lokale tilbud",
    )
    .await;
    app.wait_text(
        "#report-table tr[data-offer='SJ-1002']",
        "Højt specialiseret tilbud med regional betydning",
    )
    .await;
    assert_eq!(cell(&app, "SJ-1002", "Andre købende kommuner").await, "1");
    assert_eq!(
        cell(&app, "SJ-1002", "Pladser til andre kommuner").await,
        "30"
    );
    assert_eq!(cell(&app, "SJ-1002", "Andel %").await, "78,9");
    app.screenshot_if("PLADSOVERBLIK_SCREENSHOT_REPORTS").await;
    // Spend: for every year, so the year field is not used; no contracts issued yet.
    app.select("#report-kind", "spend").await;
    let year = app.find("#report-year").await;
    assert!(!year.is_enabled().await.unwrap(), "spend covers every year");
    app.click("#report-run").await;
    app.wait_text("#report-summary", "Ingen udstedte kontrakter endnu.")
        .await;
    app.wait_text("#report-title", "Udgifter efter kontrakter")
        .await;
    app.close().await;
}

/// Chooses report `kind`, types `year` (when given) and shows the report.
async fn run_report(app: &App, kind: &str, year: Option<&str>) {
    app.select("#report-kind", kind).await;
    if let Some(y) = year {
        app.type_into("#report-year", y).await;
    }
    app.click("#report-run").await;
}

/// The text of the report table's cell in column `header` of the (first) row for `offer`.
async fn cell(app: &App, offer: &str, header: &str) -> String {
    let value = app
        .client
        .execute(
            "const heads = Array.from(document.querySelectorAll('#report-table thead th')).map(th => th.textContent);
             const i = heads.indexOf(arguments[1]);
             const row = document.querySelector(`#report-table tr[data-offer='${arguments[0]}']`);
             return i < 0 || !row ? null : row.cells[i].textContent;",
            vec![offer.into(), header.into()],
        )
        .await
        .unwrap();
    value
        .as_str()
        .unwrap_or_else(|| panic!("no cell «{header}» for {offer}"))
        .to_string()
}
