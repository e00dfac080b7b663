//! WCAG 2.1 AA by test: axe-core runs inside the real window on every screen and state a
//! caseworker meets — search, an offer, a check with its candidates and the rejection form
//! (also with a field error), the shortlist, the closed check, the contract editor, the issued
//! contract, each report and the rate-sheet section, the settings, Rammeaftaler — and the test
//! fails on any violation of a WCAG 2.1 A/AA rule and on best-practice rules of impact moderate
//! or above, printing each (rule, impact, help, the elements' selectors). One WebDriver
//! session; axe-core is injected by the test only (docs/accessibility.md). Needs a display
//! (make test-e2e).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use pladsoverblik_tests::a11y::Audit;
use pladsoverblik_tests::App;

/// A need the example catalogue answers with public candidates and a private offer (the
/// check flow's).
const PRIVATE: &str = "SJ-1174";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn every_screen_passes_axe_core() {
    let app = App::start().await;
    let mut audit = Audit::default();
    app.wait_text("#result-count", "188 tilbud").await;
    app.axe(&mut audit, "Søg: resultater").await;

    // The settings dialog; next year's PL rate, which the contract below needs.
    app.click("#settings-button").await;
    app.find("#settings-form").await;
    app.find("#backup-list p").await;
    // With «Kommunens server» (its fields, the password text, the state below the buttons);
    // the section with an unreachable server is checked in server_settings.rs.
    app.wait_text("#server-status-line", "Der er ikke sat en server op")
        .await;
    app.axe(&mut audit, "Indstillinger").await;
    app.type_into("#setting-pl_rate_2027", "2,9").await;
    app.click("#settings-save").await;
    app.wait_text("#message", "Indstillingerne er gemt").await;

    // A bad filter value: the message and the field it is about.
    app.type_into("#age", "tolv").await;
    app.wait_text("#message:not([hidden])", "Alderen").await;
    app.axe(&mut audit, "Søg: fejl i et filter").await;
    app.type_into("#age", "30").await;

    // The offer page beside the results.
    app.select("#basis", "SEL-108").await;
    app.select("#target-group", "FN.P.PV.PER").await;
    app.select("#near", "265").await;
    app.click(&format!("#results tbody tr[data-id='{PRIVATE}'] td"))
        .await;
    app.find("#offer:not([hidden]) #offer-places").await;
    app.axe(&mut audit, "Søg: tilbud åbnet").await;
    app.click("#close-offer").await;

    // A check with candidates, and the rejection form open.
    app.click("#start-check").await;
    app.click("#nc-submit").await;
    app.wait_text("#check-title", "Afstemning A-").await;
    app.find("#check-candidates").await;
    app.axe(&mut audit, "Afstemning: kandidater").await;
    let blocking = app
        .data_of_all("#check-candidates tbody tr.blocking[data-offer]", "offer")
        .await;
    assert!(!blocking.is_empty(), "the need has a blocking candidate");
    let first = &blocking[0];
    app.click(&format!(
        "#check-candidates tr[data-offer='{first}'] button[data-action='reject']"
    ))
    .await;
    app.find("#reject-form").await;
    app.axe(&mut audit, "Afstemning: afvisningsformular").await;
    app.select("#reject-form select[name='reason']", "ikke_egnet")
        .await;
    app.click("#reject-form button[type='submit']").await;
    app.find("#message.error:not([hidden])").await;
    // The field the message is about is marked, described by the message and focused.
    let tied = app
        .client
        .execute(
            "const e = document.activeElement;
             return [e.closest('#reject-form') !== null, e.getAttribute('aria-invalid'), e.getAttribute('aria-describedby')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        tied,
        serde_json::json!([true, "true", "message"]),
        "the refused field"
    );
    app.axe(&mut audit, "Afstemning: afvisning med fejl").await;

    // Evidence for each blocking candidate: no free place, confirmed by phone.
    for offer in &blocking {
        app.click(&format!(
            "#check-candidates tr[data-offer='{offer}'] button[data-action='confirm']"
        ))
        .await;
        app.type_into("#confirm-form input[name='free_places']", "0")
            .await;
        app.type_into("#confirm-form input[name='contact']", "Lene Dam, leder")
            .await;
        app.click("#confirm-form button[type='submit']").await;
        app.wait_text(
            &format!("#check-candidates tr[data-offer='{offer}'] .handling"),
            "talt med Lene Dam",
        )
        .await;
    }

    // The private offer on the shortlist, found from the search screen.
    app.click("#find-more").await;
    app.wait_text("#shortlist-banner", "er åben").await;
    app.axe(&mut audit, "Søg: med åben afstemning").await;
    app.click(&format!("#results tbody tr[data-id='{PRIVATE}'] td"))
        .await;
    app.click("#add-to-shortlist").await;
    app.wait_text("#add-to-shortlist", "På kortlisten").await;
    app.click("#back-to-check").await;
    // Back in the check, focus is on its title.
    app.focus_on("check-title").await;
    app.find(&format!("#shortlist th[data-offer='{PRIVATE}']"))
        .await;
    app.axe(&mut audit, "Afstemning: kortliste").await;

    // Closed.
    app.click("#conclusion-private").await;
    app.select("#close-form select[name='private_offer']", PRIVATE)
        .await;
    app.click("#close-check").await;
    app.wait_text("#check-status", "lukket").await;
    app.axe(&mut audit, "Afstemning: lukket").await;

    // The contract editor with its problems, then issued.
    app.click("#create-contract").await;
    app.find("#contract-form").await;
    app.wait_text("#contract-problems", "CPR-nummer").await;
    // Each field with a problem is invalid and described by the problem's text.
    let unlinked = app
        .client
        .execute(
            "const form = document.getElementById('contract-form');
             return Array.from(document.querySelectorAll('#contract-problems li[data-field]'))
               .filter((li) => form.elements[li.dataset.field]?.setAttribute)
               .filter((li) => {
                 const el = form.elements[li.dataset.field];
                 return el.getAttribute('aria-invalid') !== 'true'
                   || !(el.getAttribute('aria-describedby') ?? '').split(' ').includes(li.id);
               })
               .map((li) => li.dataset.field);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        unlinked,
        serde_json::json!([]),
        "fields not linked to their problem"
    );
    let cpr = app.find("#c-citizen_cpr").await;
    let described = cpr
        .attr("aria-describedby")
        .await
        .unwrap()
        .unwrap_or_default();
    let problem = app
        .find(&format!(
            "#{}",
            described
                .split_whitespace()
                .find(|id| id.starts_with("contract-problem-"))
                .unwrap_or_default()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(problem.starts_with("CPR-nummer"), "{problem}");
    app.axe(&mut audit, "Kontrakt: kladde med fejl").await;
    for (field, value) in [
        ("#c-buyer_ean", "5798000000001"),
        ("#c-provider_cvr", "29403473"),
        ("#c-provider_ean", "5790000000005"),
        ("#c-citizen_name", "Ida Mølgaard"),
        ("#c-citizen_cpr", "010196-1235"),
        ("#c-intervention", "Botilbud med støtte døgnet rundt."),
        ("#c-goals", "Egen bolig inden for to år"),
        ("#c-notice_buyer", "3 måneder"),
        ("#c-notice_provider", "6 måneder"),
        ("#c-payment_days", "20"),
        ("#c-absence_days", "14"),
        ("#c-hospital_days", "30"),
        (
            "#c-closure",
            "Varsles med 3 måneder; ingen efterregulering.",
        ),
    ] {
        app.type_into(field, value).await;
    }
    app.select("#c-payment_timing", "bagud").await;
    app.wait_text("#contract-evaluation", "klar til at blive udstedt")
        .await;
    app.axe(&mut audit, "Kontrakt: kladde klar").await;
    app.click("#contract-issue").await;
    app.wait_text("#contract-state", "Udstedt").await;
    app.find("#export-pdf").await;
    app.axe(&mut audit, "Kontrakt: udstedt").await;

    // A contract from before the standard: the registration form.
    app.click("#register-old-contract").await;
    app.find("#old-contract-form").await;
    app.axe(&mut audit, "Kontrakter: ældre kontrakt").await;

    // A check before a one-person project: the municipalities asked, the form to ask one.
    app.click("#tab-checks").await;
    app.click("#new-check-button").await;
    app.select("#nc-kind", "enkeltmand").await;
    app.select("#nc-basis", "SEL-108").await;
    app.select("#nc-group", "FN.P.PV.PER").await;
    app.type_into("#nc-age", "25").await;
    app.select("#nc-home", "265").await;
    app.click("#nc-submit").await;
    app.find("#inquiry-form").await;
    app.axe(&mut audit, "Afstemning: enkeltmandstilbud").await;

    // Every report, and the rate-sheet section; the categories set for 2026 with the
    // decision form opened, and an occupancy run with its lines.
    app.click("#tab-reports").await;
    for (kind, year) in [("rate_increases", Some("2027")), ("spend", None)] {
        app.run_report(kind, year).await;
        app.find(&format!("#report-{kind} .report-title")).await;
        app.axe(&mut audit, &format!("Rapporter: {kind}")).await;
    }
    app.run_report("categories", Some("2026")).await;
    app.wait_text("#categories-set", "Fastsæt kategorier for 2026")
        .await;
    app.axe(&mut audit, "Rapporter: categories, forslag").await;
    app.click("#categories-set").await;
    app.wait_text("#message", "Kategorierne for 2026 er fastsat.")
        .await;
    app.click("#category-decision-box summary").await;
    app.find("#category-decision").await;
    app.axe(&mut audit, "Rapporter: categories, fastsat").await;
    app.run_report("occupancy", Some("2026")).await;
    app.find("#report-occupancy .report-title").await;
    app.axe(&mut audit, "Rapporter: occupancy").await;
    app.type_into("#occupancy-run-year", "2026").await;
    app.select("#occupancy-run-period", "q1-q3").await;
    app.click("#occupancy-run-create").await;
    app.find("#occupancy-lines").await;
    app.axe(&mut audit, "Rapporter: occupancy, indberetning")
        .await;
    app.click("#report-tab-rates").await;
    app.find("#report-rates:not([hidden])").await;
    app.axe(&mut audit, "Rapporter: takstoversigter").await;

    // Rammeaftaler: which agreement binds a municipality, and one agreement opened.
    app.click("#tab-agreements").await;
    app.select("#af-municipality", "265").await;
    app.click("#af-submit").await;
    app.find("#agreement-answer-text").await;
    app.click("#agreement-list details summary").await;
    app.axe(&mut audit, "Rammeaftaler").await;

    app.close().await;
    audit.assert_clean();
}
