//! The whole path without a mouse: need → check → confirmation → close → contract → issue →
//! PDF export, with keys only (Tab, Shift+Tab, Enter, Space, the arrows, typing) sent to
//! whatever has focus — no element is clicked — asserting where focus is after each step
//! (id, role and accessible name of `document.activeElement`). The native save dialog is
//! answered with xdotool, as in the other flows. One WebDriver session; the keyboard model is
//! in docs/accessibility.md. Needs a display (make test-e2e).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use fantoccini::key::Key;
use pladsoverblik_tests::{answer_file_dialog, App};

/// A need with one public candidate (the check flow's), confirmed to have a free place and
/// chosen.
const BASIS: &str = "SEL-108";
const GROUP: &str = "FN.P.PV.PER";
const AGE: &str = "30";
const HOME: &str = "265";

/// Where pictures of the focus ring go when the variable is set (docs/screenshots).
const SHOTS: &str = "PLADSOVERBLIK_SCREENSHOTS";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn the_whole_path_by_keyboard() {
    let app = App::start().await;
    app.wait_text("#result-count", "188 tilbud").await;

    // The search field has focus from the start.
    let f = app.focus_on("q").await;
    assert_eq!(f.role, "input", "{f}");

    // Switching view moves focus to the new view's heading, and back.
    app.tab_until("#tab-checks", 12, true).await;
    // Every control shows a focus ring of ≥ 3:1 (here white on the teal bar).
    app.assert_focus_ring().await;
    app.press(Key::Enter).await;
    let f = app.focus_on("checks-title").await;
    assert_eq!(
        (f.role.as_str(), f.name.as_str()),
        ("h2", "Afstemninger"),
        "{f}"
    );
    app.assert_focus_ring().await;
    app.tab_until("#tab-search", 12, true).await;
    app.press(Key::Space).await;
    app.focus_on("search-title").await;

    // The result list is one Tab stop: Tab from the last filter button lands on the first
    // row's button, the next Tab leaves the list; the arrows move inside it.
    app.tab_until("#start-check", 40, false).await;
    app.press(Key::Tab).await;
    let first = app.focus().await;
    assert_eq!(first.role, "button", "{first}");
    assert!(!first.key.is_empty(), "a result row's button: {first}");
    app.assert_focus_ring().await;
    app.screenshot_into(SHOTS, "keyboard-result-row.png").await;
    app.press(Key::Tab).await;
    let after = app.focus().await;
    assert_eq!(after.id, "more", "one Tab leaves the list: {after}");
    app.type_keys(&format!("{}{}", Key::Shift, Key::Tab)).await;
    assert_eq!(app.focus().await.key, first.key, "back on the same row");
    app.press(Key::Down).await;
    let second = app.focus().await;
    assert_ne!(
        second.key, first.key,
        "Down moves to the next row: {second}"
    );
    app.press(Key::End).await;
    let last = app.focus().await;
    let ids = app.data_of_all("#results tbody tr[data-id]", "id").await;
    assert_eq!(Some(&last.key), ids.last(), "End: the last row");
    app.press(Key::Home).await;
    assert_eq!(app.focus().await.key, first.key, "Home: the first row");
    // Enter opens the offer (focus on its name); Escape closes it, focus back on the row.
    app.press(Key::Enter).await;
    let f = app.focus_on("offer-name").await;
    assert_eq!(f.role, "h2", "{f}");
    app.press(Key::Escape).await;
    app.find("#offer[hidden]").await;
    assert_eq!(
        app.focus().await.key,
        first.key,
        "back on the row it opened"
    );

    // The need in the filters: selects by the arrow keys, the age typed.
    app.tab_until("#basis", 40, true).await;
    app.assert_focus_ring().await;
    app.screenshot_into(SHOTS, "keyboard-select.png").await;
    app.choose_with_arrows(BASIS).await;
    app.press(Key::Tab).await;
    app.focus_on("target-group").await;
    app.choose_with_arrows(GROUP).await;
    app.press(Key::Tab).await;
    app.focus_on("age").await;
    app.type_keys(AGE).await;
    app.tab_until("#near", 3, false).await;
    app.choose_with_arrows(HOME).await;

    // A new check from the search's need: the form opens with it, focus on its first field.
    app.tab_until("#only-free", 20, false).await;
    app.assert_focus_ring().await;
    app.tab_until("#start-check", 10, false).await;
    app.press(Key::Enter).await;
    let f = app.focus_on("nc-basis").await;
    assert_eq!(f.role, "select", "{f}");
    app.tab_until("#nc-submit", 12, false).await;
    app.press(Key::Enter).await;
    let f = app.focus_on("check-title").await;
    assert!(f.name.starts_with("Afstemning A-"), "{f}");
    let check = f.name.trim_start_matches("Afstemning ").to_string();

    // The confirmation: the candidate's "Bekræft" names its offer; the form opens with focus
    // in it; Enter in the last field saves it, and focus is back on the candidate's button.
    let candidates = app
        .data_of_all("#check-candidates tbody tr.blocking[data-offer]", "offer")
        .await;
    assert_eq!(candidates.len(), 1, "one public candidate: {candidates:?}");
    let offer = &candidates[0];
    let confirm = format!("#check-candidates tr[data-offer='{offer}'] [data-action='confirm']");
    app.tab_until(&confirm, 20, false).await;
    let f = app.focus().await;
    assert!(
        f.name.starts_with("Bekræft – ") && f.name.len() > "Bekræft – ".len(),
        "{f}"
    );
    let offer_name = f.name.trim_start_matches("Bekræft – ").to_string();
    app.screenshot_into(SHOTS, "keyboard-candidate.png").await;
    app.press(Key::Enter).await;
    app.find("#confirm-form").await;
    assert_eq!(app.focus().await.role, "input", "focus in the form");
    app.tab_until("#confirm-form input[name='free_places']", 2, false)
        .await;
    // The hint under a field describes it (it is not read as part of its name).
    let hint = app
        .client
        .execute(
            "const ids = (document.activeElement.getAttribute('aria-describedby') ?? '').split(' ');
             return ids.map((i) => document.getElementById(i)?.textContent ?? '').join(' ');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hint.as_str(), Some("0 = ingen ledig plads"));
    app.type_keys("1").await;
    app.tab_until("#confirm-form input[name='contact']", 3, false)
        .await;
    app.type_keys("Hanne Holm, afdelingsleder").await;
    app.press(Key::Enter).await;
    app.wait_text(
        "#message",
        &format!("Bekræftelsen for {offer_name} er registreret"),
    )
    .await;
    let f = app.focus().await;
    assert_eq!(
        (f.key.as_str(), f.name.as_str()),
        (offer.as_str(), format!("Bekræft – {offer_name}").as_str()),
        "focus back on the candidate's button: {f}"
    );

    // Close: the conclusion is a radio group (Space chooses), the offer chosen by arrows.
    app.tab_until("#conclusion-public", 30, false).await;
    app.assert_focus_ring().await;
    app.press(Key::Space).await;
    app.press(Key::Tab).await;
    app.choose_with_arrows(offer).await;
    app.tab_until("#close-check", 6, false).await;
    app.press(Key::Enter).await;
    app.wait_text("#check-status", "lukket").await;
    let f = app.focus_on("check-title").await;
    assert_eq!(f.name, format!("Afstemning {check}"), "{f}");

    // The contract from the closed check: focus on the new contract's title.
    app.tab_until("#create-contract", 40, false).await;
    let f = app.focus().await;
    assert!(f.name.contains(&offer_name), "{f}");
    app.press(Key::Enter).await;
    let f = app.focus_on("contract-title").await;
    assert_eq!(f.role, "h2", "{f}");
    for (css, value) in [
        ("#c-buyer_ean", "5798000000001"),
        ("#c-provider_ean", "5790000000005"),
        ("#c-citizen_name", "Ida Mølgaard Øster"),
        ("#c-citizen_cpr", "020396-1238"),
        ("#c-intervention", "Botilbud med støtte hele døgnet."),
        ("#c-goals", "Egen indkøbsrutine"),
        // The terms Rammeaftale Sjælland 2025-2026 leaves to the contract.
        ("#c-notice_buyer", "3 måneder"),
        ("#c-notice_provider", "løbende måned + 2 måneder"),
        ("#c-payment_timing", "forud"),
        ("#c-payment_days", "20"),
        ("#c-absence_days", "14"),
        ("#c-hospital_days", "45"),
    ] {
        app.tab_until(css, 30, false).await;
        if css.ends_with("timing") {
            app.choose_with_arrows(value).await;
        } else {
            app.retype(value).await;
        }
    }
    app.wait_text("#contract-evaluation", "klar til at blive udstedt")
        .await;

    // Issue: focus goes to the issued contract's title; the next Tab is the PDF export.
    app.tab_until("#contract-issue", 40, false).await;
    app.press(Key::Enter).await;
    app.wait_text("#contract-state", "Udstedt").await;
    let f = app.focus_on("contract-title").await;
    assert_eq!(f.role, "h2", "{f}");
    let contract = f.name.split_whitespace().nth(1).unwrap().to_string();
    app.tab_until("#export-pdf", 3, false).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("kontrakt.pdf");
    app.press(Key::Enter).await;
    answer_file_dialog("Gem kontrakten som PDF", target.to_str().unwrap(), true).await;
    app.wait_text("#message", "Kontrakten er gemt som").await;
    let bytes = std::fs::read(&target).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF-"));
    // The view shows the PDF's hash now; focus is still on the export button.
    app.wait_text("#contract-facts", "SHA-256 (PDF)").await;
    let f = app.focus_on("export-pdf").await;
    assert_eq!(f.role, "button", "{f}");
    assert!(contract.starts_with("K-"), "{contract}");
    app.close().await;
}
