//! The public-first check through the real window: need → candidates → reason → close →
//! the private offer on the shortlist becomes choosable. Needs a display (make test-e2e).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use fantoccini::Locator;
use pladsoverblik_core::placement::forms::{NeedForm, NewCheckForm};
use pladsoverblik_core::Engine;
use pladsoverblik_tests::{e2e_today, App};

/// A need the example catalogue answers with one public candidate and one private offer.
const BASIS: &str = "SEL-108";
const GROUP: &str = "FN.P.PV.PER";
const AGE: &str = "30";
const HOME: &str = "265";
const PRIVATE: &str = "SJ-1174";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn a_private_offer_becomes_choosable_only_through_a_closed_check() {
    // What the core finds for this need on the example catalogue.
    let engine = Engine::open_in_memory().unwrap();
    let expected = engine
        .check_create(
            &NewCheckForm {
                need: NeedForm {
                    legal_basis: BASIS.into(),
                    target_group: GROUP.into(),
                    age: AGE.into(),
                    home_municipality: HOME.into(),
                    wanted_start: e2e_today().to_string(),
                },
                ..Default::default()
            }
            .parse()
            .unwrap(),
            e2e_today(),
        )
        .unwrap();
    let want: Vec<String> = expected
        .candidates
        .iter()
        .map(|c| c.offer_id.clone())
        .collect();
    assert!(!want.is_empty(), "the need must have public candidates");
    assert!(expected.blocking > 0);

    let app = App::start().await;
    let c = &app.client;
    app.wait_text("#result-count", "180 tilbud").await;

    // 0. The caseworker's name for the audit log, in the settings.
    app.click("#settings-button").await;
    app.find("#setting-user_name")
        .await
        .send_keys("Karen Jensen")
        .await
        .unwrap();
    // The PL rate for next year: a private contract's rate is uplifted by it from 1 January.
    let next_year = chrono::Datelike::year(&e2e_today()) + 1;
    app.find(&format!("#setting-pl_rate_{next_year}"))
        .await
        .send_keys("2,9")
        .await
        .unwrap();
    app.click("#settings-save").await;
    app.wait_text("#message", "Loggen skriver «Karen Jensen»")
        .await;

    // 1. The need, from the search screen's filters.
    c.find(Locator::Id("basis"))
        .await
        .unwrap()
        .select_by_value(BASIS)
        .await
        .unwrap();
    c.find(Locator::Id("target-group"))
        .await
        .unwrap()
        .select_by_value(GROUP)
        .await
        .unwrap();
    c.find(Locator::Id("age"))
        .await
        .unwrap()
        .send_keys(AGE)
        .await
        .unwrap();
    c.find(Locator::Id("near"))
        .await
        .unwrap()
        .select_by_value(HOME)
        .await
        .unwrap();
    app.click("#start-check").await;
    let basis = app.find("#nc-basis").await;
    assert_eq!(basis.prop("value").await.unwrap().as_deref(), Some(BASIS));
    let age = app.find("#nc-age").await;
    assert_eq!(age.prop("value").await.unwrap().as_deref(), Some(AGE));
    app.click("#nc-submit").await;

    // 2. The candidates: the same as the core's, each with its figure and date.
    let title = app.wait_text("#check-title", "Afstemning A-").await;
    let id = title.trim_start_matches("Afstemning ").to_string();
    app.wait_text("#check-panel .facts", "af Karen Jensen")
        .await;
    app.find("#check-candidates").await;
    let value = c
        .execute(
            "return Array.from(document.querySelectorAll('#check-candidates tbody tr[data-offer]')).map(r => r.dataset.offer);",
            vec![],
        )
        .await
        .unwrap();
    let mut got: Vec<String> = serde_json::from_value(value).unwrap();
    let mut want_sorted = want.clone();
    got.sort();
    want_sorted.sort();
    assert_eq!(got, want_sorted);
    app.wait_text(
        "#check-outstanding",
        "mangler en bekræftelse eller begrundelse",
    )
    .await;

    // 3. Closing as a private purchase is refused while a public offer may have room.
    app.click("#conclusion-private").await;
    app.click("#close-check").await;
    let msg = app
        .wait_text("#message:not([hidden])", "kan ikke lukkes")
        .await;
    assert!(
        msg.contains("mangler en bekræftelse eller begrundelse"),
        "{msg}"
    );
    app.wait_text("#check-status", "åben").await;

    // 4. A reason for every public candidate that may have room.
    for offer in &expected.candidates {
        if !offer.blocking {
            continue;
        }
        app.click(&format!(
            "#check-candidates tr[data-offer='{}'] button[data-action='reject']",
            offer.offer_id
        ))
        .await;
        app.find("#reject-form select[name='reason']")
            .await
            .select_by_value("ikke_egnet")
            .await
            .unwrap();
        app.find("#reject-form input[name='note']")
            .await
            .send_keys("kan ikke rumme borgerens behov for skærmet enkeltbolig")
            .await
            .unwrap();
        app.click("#reject-form button[type='submit']").await;
        app.wait_text(
            &format!(
                "#check-candidates tr[data-offer='{}'] .handling",
                offer.offer_id
            ),
            "Afvist: Ikke egnet: kan ikke rumme",
        )
        .await;
    }
    app.wait_text("#check-outstanding", "afstemningen kan lukkes")
        .await;

    // 5. The private offer, found from the search screen, goes on the shortlist.
    app.click("#find-more").await;
    app.wait_text("#shortlist-banner", &id).await;
    app.click(&format!("#results tbody tr[data-id='{PRIVATE}'] td"))
        .await;
    app.click("#add-to-shortlist").await;
    app.wait_text("#add-to-shortlist", "På kortlisten").await;
    app.click("#back-to-check").await;
    let cell = format!("#shortlist td.choosable[data-offer='{PRIVATE}']");
    let before = app.wait_text(&cell, "ikke lukket").await;
    assert!(before.contains(&id), "{before}");
    let class = app.find(&cell).await.attr("class").await.unwrap().unwrap();
    assert!(class.contains("no"), "{class}");

    if let Some(path) = std::env::var_os("PLADSOVERBLIK_SCREENSHOT_CHECK") {
        app.settle().await;
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }

    // 6. Close: private purchase justified, the private offer chosen.
    app.click("#conclusion-private").await;
    app.find("#close-form select[name='private_offer']")
        .await
        .select_by_value(PRIVATE)
        .await
        .unwrap();
    app.click("#close-check").await;
    app.wait_text("#check-status", "lukket, gyldig til og med")
        .await;
    let after = app.wait_text(&cell, "Kan vælges gennem afstemning").await;
    assert!(after.contains(&id), "{after}");
    let class = app.find(&cell).await.attr("class").await.unwrap().unwrap();
    assert!(class.contains("yes"), "{class}");
    // A closed check offers no more changes.
    assert!(c.find(Locator::Css("#close-form")).await.is_err());
    assert!(c
        .find(Locator::Css(
            "#check-candidates button[data-action='reject']"
        ))
        .await
        .is_err());
    // And the list says so.
    app.wait_text(&format!("#check-list tr[data-id='{id}']"), "lukket")
        .await;

    // 7. The contract: drafted from the closed check, completed, issued.
    app.click("#create-contract").await;
    let title = app.wait_text("#contract-title", "Kontrakt K-").await;
    let contract = title
        .trim_start_matches("Kontrakt ")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    app.wait_text("#contract-problems", "CPR-nummer: skal udfyldes.")
        .await;
    for (field, value) in [
        ("#c-buyer_ean", "5798000000001"),
        ("#c-provider_cvr", "29403473"),
        ("#c-provider_ean", "5790000000005"),
        ("#c-citizen_name", "Søren Ærø Åberg"),
        ("#c-citizen_cpr", "010196-1235"),
        (
            "#c-intervention",
            "Længerevarende botilbud med døgndækning.",
        ),
        ("#c-goals", "Mestre egen økonomi"),
    ] {
        let input = app.find(field).await;
        c.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&input).unwrap()],
        )
        .await
        .unwrap();
        input.clear().await.unwrap();
        input
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("typing into {field}: {e}"));
    }
    app.find("#contract-ready").await;
    if let Some(path) = std::env::var_os("PLADSOVERBLIK_SCREENSHOT_CONTRACT") {
        app.settle().await;
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }
    let total = app.wait_text("#contract-total", " kr.").await;
    assert!(
        total.ends_with(",00 kr.") || total.contains(','),
        "a Danish amount: {total}"
    );
    app.click("#contract-issue").await;
    app.wait_text("#contract-state", "Udstedt").await;
    let facts = app.wait_text("#contract-facts", "SHA-256").await;
    assert!(
        facts.contains(&id),
        "the contract rests on the check: {facts}"
    );
    assert!(facts.contains("Botilbuddet Solsikken"), "{facts}");
    // The list masks the CPR.
    let row = app
        .wait_text(
            &format!("#contract-list tr[data-id='{contract}']"),
            "010196-xxxx",
        )
        .await;
    assert!(!row.contains("1235"), "{row}");

    // 8. The PDF for signing: the save dialog suggests a name; the file is a valid PDF.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("kontrakt til underskrift.pdf");
    app.click("#export-pdf").await;
    pladsoverblik_tests::answer_file_dialog(
        "Gem kontrakten som PDF",
        target.to_str().unwrap(),
        true,
    )
    .await;
    app.wait_text("#message", "Kontrakten er gemt som").await;
    let bytes = std::fs::read(&target).expect("the PDF was written where the user chose");
    assert!(bytes.starts_with(b"%PDF-"));
    let qpdf = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        qpdf.status.success(),
        "{}",
        String::from_utf8_lossy(&qpdf.stdout)
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&target)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&contract) && text.contains("Søren Ærø Åberg"),
        "{text}"
    );
    app.wait_text("#contract-facts", "SHA-256 (PDF)").await;
    app.close().await;
}
