//! The finance officer's rate sheet and the steering group's reports through the real window:
//! the PL rates in the settings, import a rate sheet through the open dialog (preview first),
//! then the Rapporter screen with one place per report: the 5 % report with its figures, its
//! chart (rate development with the PL line) and its table, exported as CSV and PDF through
//! the save dialog; then occupancy, categories and spend, each with its chart; and a report longer than the
//! screen shows. Needs a display
//! (make test-e2e). With PLADSOVERBLIK_SCREENSHOTS=docs/screenshots it saves a picture of each
//! report.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use fantoccini::Locator;
use pladsoverblik_tests::{answer_file_dialog, e2e_today, App};

/// Where the screenshots go when the variable is set (docs/screenshots).
const SHOTS: &str = "PLADSOVERBLIK_SCREENSHOTS";

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
    app.wait_text("#result-count", "188 tilbud").await;

    // The PL rates of 2026 and 2027, as the finance officer sets them from the økonomiaftale.
    app.click("#settings-button").await;
    app.type_into("#setting-pl_rate_2026", "3,1").await;
    app.type_into("#setting-pl_rate_2027", "2,9").await;
    app.click("#settings-save").await;
    app.wait_text("#message", "Indstillingerne er gemt").await;

    app.find("#tab-reports").await.click().await.unwrap();
    // One place per report: the list on the left, the rate-sheet import is one of them.
    app.click("#report-tab-rates").await;
    app.find("#rates-import").await.click().await.unwrap();
    answer_file_dialog("Vælg takstoversigt", sheet.to_str().unwrap(), false).await;
    let summary = app.wait_text("#rates-summary", "nye takster").await;
    assert!(summary.starts_with("3 nye takster, 0 ændrede"), "{summary}");
    app.find("#rates-commit").await.click().await.unwrap();
    app.wait_text("#message", "Takstoversigten er gemt").await;

    // The reports: one section per report (its year, figures, chart, table, exports).
    app.run_report("rate_increases", Some("2027")).await;
    app.wait_text(
        "#report-rate_increases .report-title",
        "Takststigninger 2026–2027",
    )
    .await;
    let report = app
        .wait_text(
            "#report-rate_increases .report-summary",
            "takster steg mere end 5,00 %",
        )
        .await;
    assert!(report.starts_with("2 takster steg"), "{report}");
    // 3.334 → 3.567,38 (+7,00 %); the private rate incl. 6 % VAT compared ex. VAT (+8,40 %);
    // SJ-1161 is unchanged and not listed.
    let row = app
        .wait_text(
            "#report-rate_increases .report-table tr[data-offer='SJ-1101']",
            "3.567,38",
        )
        .await;
    let rates = "rate_increases";
    assert_eq!(
        app.report_cell(rates, "SJ-1101", "Stigning %").await,
        "7,00",
        "{row}"
    );
    assert_eq!(
        app.report_cell(rates, "SJ-1101", "Takst 2026 pr. døgn ekskl. moms")
            .await,
        "3.334,00"
    );
    assert_eq!(
        app.report_cell(rates, "SJ-1174", "Stigning %").await,
        "8,40"
    );
    // Above PL as a relative figure: 1,07 / 1,029 − 1 = 3,98 % (not 7,00 − 2,9 = 4,10).
    assert_eq!(
        app.report_cell(rates, "SJ-1101", "Stigning ud over PL %")
            .await,
        "3,98"
    );
    // The threshold is the municipality's setting (R5, default the agreements' 5 %): at 8 %
    // only the private rate (+8,40 %) is over it.
    app.click("#settings-button").await;
    app.type_into("#setting-rate_increase_threshold_pct", "8")
        .await;
    app.click("#settings-save").await;
    app.wait_text("#message", "Indstillingerne er gemt").await;
    app.run_report("rate_increases", Some("2027")).await;
    let report = app
        .wait_text(
            "#report-rate_increases .report-summary",
            "takst steg mere end 8,00 %",
        )
        .await;
    assert!(report.starts_with("1 takst steg"), "{report}");
    app.click("#settings-button").await;
    app.type_into("#setting-rate_increase_threshold_pct", "5")
        .await;
    app.click("#settings-save").await;
    app.wait_text("#message", "Indstillingerne er gemt").await;
    app.run_report("rate_increases", Some("2027")).await;
    app.wait_text(
        "#report-rate_increases .report-summary",
        "takster steg mere end 5,00 %",
    )
    .await;
    // At a glance: the figures, and the chart of the rates over the years with the PL line.
    app.wait_text("#report-rate_increases .report-figures", "PL-sats 2027")
        .await;
    let points = chart_points(&app, rates, "circle.point").await;
    assert!(points >= 5, "{points} points");
    assert_eq!(
        chart_points(&app, rates, ".series.reference circle.point").await,
        3,
        "the PL line: 2025 (÷ 1,031), 2026 = 100 and 2027 (× 1,029)"
    );
    let label = app
        .find("#report-rate_increases svg.chart-svg")
        .await
        .attr("aria-labelledby")
        .await
        .unwrap()
        .unwrap();
    assert!(label.ends_with("-desc"), "{label}");
    app.wait_text(
        "#report-rate_increases figure.report-chart",
        "Takstudvikling 2024–2027 med PL-linjen",
    )
    .await;
    show_chart(&app, "rate_increases").await;
    app.screenshot_into(SHOTS, "reports-rate_increases.png")
        .await;
    assert!(app
        .client
        .find(Locator::Css(
            "#report-rate_increases .report-table tr[data-offer='SJ-1161']"
        ))
        .await
        .is_err());

    let target = dir.path().join("rapport til styregruppen.csv");
    app.click("#report-rate_increases-csv").await;
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
    app.click("#report-rate_increases-pdf").await;
    answer_file_dialog("Gem rapporten som PDF", pdf.to_str().unwrap(), true).await;
    app.wait_text("#message", "rapport.pdf (").await;
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
    assert!(
        pdf_text.contains("Takstudvikling 2024–2027 med PL-linjen")
            && pdf_text.contains("Tallene i grafen"),
        "the chart and its numbers are in the PDF: {pdf_text}"
    );

    // Occupancy is reported only for the klyngetilbud and højt specialiserede tilbud of a
    // year's set categories (seed 002 L152): none are set for 2027, so the report says so
    // (steering_flow.rs sets them and runs a report).
    app.run_report("occupancy", Some("2027")).await;
    app.wait_text(
        "#report-occupancy .report-summary",
        "Kategorierne for 2027 er ikke fastsat",
    )
    .await;
    // Categories: only offers under an agreement with a categories rule (the example's eight
    // Syddanmark offers under SD-2018, the private one left out); none has a 2027 rate.
    app.run_report("categories", Some("2027")).await;
    app.wait_text(
        "#report-categories .report-summary",
        "0 højt specialiserede tilbud med regional betydning, 0 klyngetilbud, 0 lokale tilbud, 7 uden takst for 2027",
    )
    .await;
    // 2026 from the example catalogue's sales figures (no contracts yet): before they are
    // set, what setting them would store.
    app.run_report("categories", Some("2026")).await;
    app.wait_text(
        "#report-categories .report-summary",
        "3 højt specialiserede tilbud med regional betydning, 2 klyngetilbud, 2 lokale tilbud",
    )
    .await;
    // Botilbuddet Engholm: 1.950 kr. with 5 other buyers and half its places sold is a
    // klyngetilbud, not højt specialiseret.
    app.wait_text(
        "#report-categories .report-table tr[data-offer='SY-1002']",
        "Klyngetilbud",
    )
    .await;
    let cat = "categories";
    assert_eq!(
        app.report_cell(cat, "SY-1002", "Afgjort af").await,
        "takst 1.950,00 kr. (under 2.000,00 kr.); 5 andre købende kommuner"
    );
    assert_eq!(
        app.report_cell(cat, "SY-1002", "Andre købende kommuner")
            .await,
        "5"
    );
    assert_eq!(
        app.report_cell(cat, "SY-1002", "Andel til andre kommuner %")
            .await,
        "50,0"
    );
    assert!(chart_points(&app, cat, "rect.bar").await >= 1);
    show_chart(&app, "categories").await;
    app.screenshot_into(SHOTS, "reports-categories.png").await;
    // Occupancy against budget per offer, once 2026's categories are set (seed 002 L152:
    // only klyngetilbud and højt specialiserede tilbud are reported; steering_flow.rs has the
    // runs): one row per offer, budgeted and actual side by side.
    app.click("#categories-set").await;
    app.wait_text("#message", "Kategorierne for 2026 er fastsat.")
        .await;
    // The actual occupancy arrives with a rate sheet (same rates, the occupancy added).
    let occupancy = dir.path().join("belægning 2026.csv");
    std::fs::write(
        &occupancy,
        "Tilbuds-id;Paragraf;År;Døgntakst;Budgetteret belægning %;Faktisk belægning %\r\nSY-1001;108;2026;2.450,00;95;90,25\r\nSY-1004;108;2026;4.100,00;92;93\r\nSY-1008;108;2026;2.100,00;93;97,5\r\n",
    )
    .unwrap();
    app.click("#report-tab-rates").await;
    app.click("#rates-import").await;
    answer_file_dialog("Vælg takstoversigt", occupancy.to_str().unwrap(), false).await;
    app.wait_text("#rates-summary", "3 ændrede").await;
    app.click("#rates-commit").await;
    app.wait_text("#message", "Takstoversigten er gemt").await;
    app.run_report("occupancy", Some("2026")).await;
    app.wait_text("#report-occupancy .report-summary", "Belægning 2026")
        .await;
    app.wait_text(
        "#report-occupancy figure.report-chart",
        "Belægning mod budget 2026",
    )
    .await;
    assert!(chart_points(&app, "occupancy", "rect.bar").await >= 2);
    show_chart(&app, "occupancy").await;
    app.screenshot_into(SHOTS, "reports-occupancy.png").await;

    // Spend: for every year, so it has no year field; no contracts issued yet.
    app.run_report("spend", None).await;
    assert!(
        app.client
            .find(Locator::Css("#report-spend .report-year"))
            .await
            .is_err(),
        "spend covers every year"
    );
    app.wait_text(
        "#report-spend .report-summary",
        "Ingen udstedte kontrakter endnu.",
    )
    .await;
    app.wait_text("#report-spend .report-title", "Udgifter efter kontrakter")
        .await;
    // A contract issued meanwhile (through the core, on the app's own database: the contract
    // flow itself is check_flow's) shows in the overview, 2026 and 2027 as bars.
    issue_a_contract(&app);
    app.click("#report-spend-run").await;
    let summary = app
        .wait_text("#report-spend .report-summary", "2027: offentlige tilbud")
        .await;
    assert!(summary.ends_with("kr."), "{summary}");
    assert!(!summary.contains("kr.."), "one full stop: {summary}");
    let heads = app
        .wait_text("#report-spend .report-table thead", "År")
        .await;
    assert!(heads.contains("Offentlig/privat"), "{heads}");
    assert!(chart_points(&app, "spend", "rect.bar").await >= 2);
    app.wait_text("#report-spend .report-figures", "Privat andel")
        .await;
    show_chart(&app, "spend").await;
    app.screenshot_into(SHOTS, "reports-spend.png").await;

    // A catalogue with thousands of rate increases, loaded with the window closed: the screen
    // lays out the report's first 1.000 rows and says where the rest are.
    let data = app.data_dir.path().to_path_buf();
    let app = app
        .restart_after(move || {
            use pladsoverblik_core::catalogue::{generate, snapshot};
            let opts = generate::Options {
                offers: 3_000,
                seed: 7,
                extracted: chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
                sjaelland_only: false,
                example: false,
            };
            let file = data.join("stort-katalog.json");
            let mut out = std::fs::File::create(&file).unwrap();
            snapshot::write(&mut out, &generate::header(&opts), generate::offers(&opts)).unwrap();
            pladsoverblik_core::Engine::open(&data.join(pladsoverblik_core::paths::DB_FILE_NAME))
                .unwrap()
                .import_file(&file, |_, _| {})
                .unwrap();
        })
        .await;
    // The window is up with the new catalogue before the Rapporter tab is asked for.
    app.wait_text("#result-count", "3.000 tilbud").await;
    app.click_until("#tab-reports", "#report-nav-title", "Rapporter")
        .await;
    app.run_report("rate_increases", Some("2026")).await;
    let more = app
        .wait_text(
            "#report-rate_increases .report-more",
            "Viser de første 1.000 af ",
        )
        .await;
    let total: usize = more
        .trim_start_matches("Viser de første 1.000 af ")
        .split(' ')
        .next()
        .unwrap()
        .replace('.', "")
        .parse()
        .unwrap();
    assert!(total > 1_000, "{more}");
    // The PDF has the first 2.000 rows; the CSV every row.
    let rest = if total > pladsoverblik_core::reports::PDF_ROWS {
        " linjer. Hele rapporten er i CSV-eksporten; PDF'en har de første 2.000."
    } else {
        " linjer. Hele rapporten er i CSV- og PDF-eksporten."
    };
    assert!(more.ends_with(rest), "{more}");
    let rows = app
        .client
        .execute(
            "return document.querySelectorAll('#report-rate_increases .report-table tbody tr').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.as_u64(), Some(1_000));
    app.close().await;
}

/// How many data points (`what`: circles or bars) the chart of report `kind` draws, waiting
/// for the chart.
async fn chart_points(app: &App, kind: &str, what: &str) -> usize {
    let css = format!("#report-{kind} svg.chart-svg {what}");
    app.find(&css).await;
    let n = app
        .client
        .execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![css.into()],
        )
        .await
        .unwrap();
    n.as_u64().unwrap_or(0) as usize
}

/// Scrolls report `kind`'s chart into the middle of its section (for the screenshots).
async fn show_chart(app: &App, kind: &str) {
    let chart = app
        .find(&format!("#report-{kind} figure.report-chart"))
        .await;
    app.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&chart).unwrap()],
        )
        .await
        .unwrap();
}

/// Issues a standard contract on SJ-1101 (01.12.2026–30.11.2027) in the app's database.
fn issue_a_contract(app: &App) {
    use pladsoverblik_core::contracts::ContractForm;
    let db = app
        .data_dir
        .path()
        .join(pladsoverblik_core::paths::DB_FILE_NAME);
    let engine = pladsoverblik_core::Engine::open(&db).unwrap();
    let form = ContractForm {
        offer_id: "SJ-1101".into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        buyer_ean: "5798000000001".into(),
        buyer_contact: "Åse Ærbø, Socialafdelingen".into(),
        provider_ean: "5790000000005".into(),
        citizen_name: "Søren Ågård Østergård".into(),
        citizen_cpr: "150601-4234".into(),
        intervention: "Længerevarende botilbud med døgndækning.".into(),
        goals: "Mestre egen økonomi".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        followups: "01.03.2027, 01.09.2027".into(),
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "14".into(),
        closure: "Ved lukning varsles køber med leverandørens opsigelsesvarsel.".into(),
        ..Default::default()
    };
    let id = engine.contract_create(&form, e2e_today()).unwrap().id;
    let issued = engine.contract_issue(&id, e2e_today()).unwrap();
    assert!(issued.data.is_some(), "the contract is issued");
}
