//! The municipality's server in the window (issue 15, point 6): without a server the top bar
//! shows nothing about it; the server, port, database and user are typed into Indstillinger
//! («Kommunens server»), a bad port is refused at its field, the password file's line is
//! shown; the background sync, woken by the save, finds nothing there and its event updates
//! the state line; «Test forbindelsen» against a port where nothing listens says in Danish
//! within a second or two that the server cannot be reached; the state line says so and
//! that the work is kept here, opens the server section in one click, and searching goes on
//! meanwhile. One WebDriver session; axe-core on the section and the state line. Needs a
//! display (make test-e2e). With PLADSOVERBLIK_SCREENSHOTS=docs/screenshots it saves
//! `settings-server.png` and `server-state-line.png`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use pladsoverblik_tests::a11y::Audit;
use pladsoverblik_tests::App;
use std::time::{Duration, Instant};

const SHOTS: &str = "PLADSOVERBLIK_SCREENSHOTS";
const UNREACHABLE: &str = "Serveren kan ikke nås – arbejdet gemmes her og sendes senere";

/// A port on this machine where nothing listens (bound, then given back).
fn unused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn js(app: &App, script: &str) -> serde_json::Value {
    app.client.execute(script, vec![]).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display and tauri-driver: make test-e2e"]
async fn server_settings_test_and_state_line() {
    let app = App::start().await;
    let mut audit = Audit::default();
    app.wait_text("#result-count", "188 tilbud").await;

    // No server: nothing about one in the top bar; the section says everything stays here.
    assert_eq!(
        js(&app, "return document.getElementById('sync-state').hidden;").await,
        serde_json::Value::Bool(true)
    );
    app.click("#settings-button").await;
    app.find("#server-form").await;
    app.wait_text("#server-status-line", "Der er ikke sat en server op")
        .await;
    app.wait_text("#server-password", ".pgpass").await;
    app.wait_text("#server-password", "chmod 600").await;

    // A port out of range is refused at its field, naming it; nothing is saved.
    let port = unused_port();
    app.type_into("#setting-server_host", "127.0.0.1").await;
    app.type_into("#setting-server_port", "99999").await;
    app.type_into("#setting-server_database", "pladsoverblik")
        .await;
    app.type_into("#setting-server_user", "karen").await;
    app.click("#server-save").await;
    app.wait_text("#setting-server_port-error", "Serverens port: «99999»")
        .await;
    assert_eq!(
        js(
            &app,
            "return document.getElementById('setting-server_port').getAttribute('aria-invalid');"
        )
        .await,
        serde_json::Value::from("true")
    );

    // Corrected and saved; the password file's line names this server.
    app.type_into("#setting-server_port", &port.to_string())
        .await;
    app.click("#server-save").await;
    app.wait_text("#server-note", "Serveren er gemt.").await;
    app.wait_text(
        "#server-password-line",
        &format!("127.0.0.1:{port}:pladsoverblik:karen:ADGANGSKODE"),
    )
    .await;

    // Saving a server wakes the background sync: it finds nothing there, and its event
    // updates the state line under the top bar and the section, before any button is pressed.
    app.wait_text("#sync-state-open", UNREACHABLE).await;
    app.wait_text("#server-status-line", UNREACHABLE).await;
    app.wait_text("#server-details", "Sidst synkroniseret: aldrig")
        .await;

    // «Test forbindelsen»: nothing listens there, so it says so in Danish, quickly.
    let started = Instant::now();
    app.click("#server-test").await;
    let said = app
        .wait_text(
            "#server-note",
            &format!("Kommunens server 127.0.0.1:{port} kan ikke nås"),
        )
        .await;
    let took = started.elapsed();
    eprintln!("Test forbindelsen answered «kan ikke nås» in {took:?} (click to text)");
    assert!(took < Duration::from_secs(3), "the test took {took:?}");
    assert!(
        said.contains("Arbejdet fortsætter på denne computer"),
        "{said}"
    );
    app.wait_text("#server-status-line", UNREACHABLE).await;
    app.axe(&mut audit, "Indstillinger: kommunens server kan ikke nås")
        .await;
    app.screenshot_into(SHOTS, "settings-server.png").await;

    // Closed: the top bar says the server cannot be reached and the work is kept here.
    app.click("#settings-form .actions button.secondary").await;
    app.wait_text("#sync-state-open", UNREACHABLE).await;
    assert_eq!(
        js(
            &app,
            "return document.getElementById('sync-state').getAttribute('role');"
        )
        .await,
        serde_json::Value::from("status")
    );
    app.axe(&mut audit, "Søg: serveren kan ikke nås").await;

    // Searching goes on while the server is away (and the background retries it).
    app.type_into("#q", "Kildevang").await;
    let deadline = Instant::now() + pladsoverblik_tests::E2E_WAIT;
    let count = loop {
        let count = app.wait_text("#result-count", "tilbud").await;
        if !count.starts_with("188 tilbud") {
            break count;
        }
        assert!(Instant::now() < deadline, "the search never ran: {count}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    };
    assert!(!count.starts_with("0 tilbud"), "{count}");
    app.wait_text("#results tbody", "Kildevang").await;
    app.screenshot_into(SHOTS, "server-state-line.png").await;

    // One click on the state line opens the server section with the details; «Synkronisér
    // nu» says the same as the test and nothing is lost.
    app.click("#sync-state-open").await;
    app.find("#server-form").await;
    assert_eq!(
        js(&app, "return document.activeElement.id;").await,
        serde_json::Value::from("server-title")
    );
    app.click("#server-sync").await;
    app.wait_text("#server-note", "kan ikke nås").await;
    app.wait_text("#server-status-line", UNREACHABLE).await;
    app.wait_text("#server-details", "Sidst synkroniseret: aldrig")
        .await;

    // The server removed again: the top bar shows nothing about one.
    app.find("#setting-server_host")
        .await
        .clear()
        .await
        .unwrap();
    app.click("#server-save").await;
    app.wait_text("#server-note", "Serveren er gemt.").await;
    app.wait_text("#server-status-line", "Der er ikke sat en server op")
        .await;
    assert_eq!(
        js(&app, "return document.getElementById('sync-state').hidden;").await,
        serde_json::Value::Bool(true)
    );

    app.close().await;
    audit.assert_clean();
}
