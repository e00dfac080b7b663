//! The finance officer's rate sheet and the 5 % report through the real window: import a rate
//! sheet through the open dialog (preview first), open the report, export it as CSV through
//! the save dialog. Needs a display (make test-e2e).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use fantoccini::elements::Element;
use fantoccini::Locator;
use pladsoverblik_tests::{answer_file_dialog, App};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

async fn find(app: &App, css: &str) -> Element {
    app.client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} never appeared"))
}

/// Waits until the element's text contains `needle`; returns the text.
async fn wait_text(app: &App, css: &str, needle: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let text = match app.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} never said «{needle}»; it says «{text}»"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

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
    wait_text(&app, "#result-count", "180 tilbud").await;

    find(&app, "#tab-reports").await.click().await.unwrap();
    find(&app, "#rates-import").await.click().await.unwrap();
    answer_file_dialog("Vælg takstoversigt", sheet.to_str().unwrap(), false).await;
    let summary = wait_text(&app, "#rates-summary", "nye takster").await;
    assert!(summary.starts_with("3 nye takster, 0 ændrede"), "{summary}");
    find(&app, "#rates-commit").await.click().await.unwrap();
    wait_text(&app, "#message", "Takstoversigten er gemt").await;

    let year = find(&app, "#report-year").await;
    year.clear().await.unwrap();
    year.send_keys("2027").await.unwrap();
    find(&app, "#report-run").await.click().await.unwrap();
    let report = wait_text(&app, "#report-summary", "takster steg mere end 5,00 %").await;
    assert!(report.starts_with("2 takster steg"), "{report}");
    // 3.334 → 3.567,38 (+7,00 %); the private rate incl. 6 % VAT compared ex. VAT (+8,40 %);
    // SJ-1161 is unchanged and not listed.
    let row = wait_text(&app, "#report-table tr[data-offer='SJ-1101']", "7,00 %").await;
    assert!(
        row.contains("3.334,00 kr.") && row.contains("3.567,38 kr."),
        "{row}"
    );
    wait_text(&app, "#report-table tr[data-offer='SJ-1174']", "8,40 %").await;
    assert!(app
        .client
        .find(Locator::Css("#report-table tr[data-offer='SJ-1161']"))
        .await
        .is_err());

    let target = dir.path().join("rapport til styregruppen.csv");
    find(&app, "#report-csv").await.click().await.unwrap();
    answer_file_dialog("Gem rapporten som CSV", target.to_str().unwrap(), true).await;
    wait_text(&app, "#message", "Rapporten er gemt som").await;
    let bytes = std::fs::read(&target).expect("the CSV was written where the user chose");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with BOM for Excel"
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(";3.334,00;3.567,38;7,00;"), "{text}");
    // The same report as PDF/A.
    let pdf = dir.path().join("rapport.pdf");
    find(&app, "#report-pdf").await.click().await.unwrap();
    answer_file_dialog("Gem rapporten som PDF", pdf.to_str().unwrap(), true).await;
    wait_text(&app, "#message", "rapport.pdf (1 side)").await;
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
    find(&app, "#occupancy-run").await.click().await.unwrap();
    wait_text(&app, "#occupancy-summary", "1 tilbud afveg 5 procentpoint").await;
    wait_text(
        &app,
        "#occupancy-table tr[data-offer='SJ-1101']",
        "-7,0 procentpoint",
    )
    .await;
    // Categories: nobody buys yet, so every offer with a 2027 rate is local.
    find(&app, "#categories-run").await.click().await.unwrap();
    wait_text(
        &app,
        "#categories-summary",
        "2027: 0 højt specialiserede, 0 klyngetilbud, 3 lokale tilbud",
    )
    .await;
    // Spend: no contracts issued yet.
    find(&app, "#spend-run").await.click().await.unwrap();
    wait_text(&app, "#spend-summary", "Ingen udstedte kontrakter endnu.").await;
    app.close().await;
}
