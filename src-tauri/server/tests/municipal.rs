//! Municipal data every laptop pulls (issue 15 point 3, docs/server.md "Agreements and rate
//! sheets"): an agreement file and a rate sheet imported by økonomi on one laptop are
//! published by its sync and installed on a caseworker's laptop by hers, through the core's
//! own import; a second sync moves nothing, a retry after a lost answer publishes nothing
//! twice, a caseworker's own import is never published, and a changed agreement version is a
//! conflict on both sides with nothing overwritten. Needs `make test-server`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::Server;
use pladsoverblik_core::Engine;
use pladsoverblik_server::sync::{self, Report};
use pladsoverblik_server::Target;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

struct Laptop {
    dir: tempfile::TempDir,
    engine: Engine,
    target: Target,
}

impl Laptop {
    /// A laptop with the core tests' small catalogue, set up for the server as `login`.
    fn new(server: &Server, login: &str) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(&dir.path().join("pladsoverblik.sqlite")).unwrap();
        let catalogue =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/small.json");
        engine.import_file(&catalogue, |_, _| {}).unwrap();
        let target = server.target(login);
        for (key, value) in [
            ("server_host", target.server.host.clone()),
            ("server_port", target.server.port.to_string()),
            ("server_database", target.server.database.clone()),
            ("server_user", target.server.user.clone()),
        ] {
            engine.set_setting(key, &value).unwrap();
        }
        Laptop {
            dir,
            engine,
            target,
        }
    }

    fn sync(&self) -> Report {
        sync::sync(&self.engine, &self.target, today()).unwrap()
    }

    fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("pladsoverblik.sqlite")).unwrap()
    }

    /// An agreement file with Sjælland's 2025 agreement as version 2, under `name`.
    fn agreement_file(&self, name: &str) -> PathBuf {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/agreements/rammeaftaler.json"),
        )
        .unwrap();
        let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
        let all = file["agreements"].as_array().unwrap();
        let mut a = all.iter().find(|a| a["id"] == "SJ-2025").unwrap().clone();
        a["version"] = serde_json::json!(2);
        a["name"] = serde_json::json!(name);
        file["agreements"] = serde_json::json!([a]);
        let path = self.dir.path().join("rammeaftale-sj-2025-v2.json");
        std::fs::write(&path, file.to_string()).unwrap();
        path
    }

    /// A rate sheet with Kildevang's (K-1) 2028 rate: 3.555,00 kr. per day.
    fn rate_sheet(&self) -> PathBuf {
        self.rate_sheet_for(2028)
    }

    /// `takster-<year>.csv`: Kildevang's § 108 rate for `year`, 3.555,00 kr. per day.
    fn rate_sheet_for(&self, year: i32) -> PathBuf {
        let path = self.dir.path().join(format!("takster-{year}.csv"));
        std::fs::write(
            &path,
            format!("Tilbuds-id;Tilbudsnavn;Paragraf;År;Takst;Enhed;Moms %\nK-1;Kildevang;§ 108;{year};3.555,00;døgn;0\n"),
        )
        .unwrap();
        path
    }

    /// The agreement binding Roskilde on 1 June 2026: (id, version, name, origin).
    fn roskilde_agreement(&self) -> (String, u32, String, String) {
        let on = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let a = self
            .engine
            .agreement_for("Roskilde", on)
            .unwrap()
            .agreement
            .unwrap();
        (a.id, a.version, a.name, a.origin)
    }

    /// K-1's 2028 rate as the offer's detail shows it, and its source.
    fn k1_rate_2028(&self) -> Option<(String, String)> {
        let detail = self.engine.offer("K-1", today(), None).unwrap();
        let line = detail.rates.iter().find(|r| r.rate.year == 2028)?;
        let source: String = self
            .sqlite()
            .query_row(
                "SELECT source FROM rates WHERE offer_id = 'K-1' AND year = 2028",
                [],
                |r| r.get(0),
            )
            .unwrap();
        Some((line.amount_text.clone(), source))
    }
}

fn server_counts(server: &Server) -> (i64, i64) {
    let mut su = server.superuser();
    let row = su
        .query_one(
            "SELECT (SELECT count(*) FROM plads.agreements), (SELECT count(*) FROM plads.rate_sheets)",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

fn moved(r: &Report) -> usize {
    r.agreements_sent + r.rate_sheets_sent + r.agreements_received + r.rate_sheets_received
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn finance_imports_reach_the_caseworkers_laptop_once() {
    let server = Server::fresh("municipal_data");
    let finance = server.person("oek", "oekonomi", "Økonomi");
    let karen = server.person("karen", "sagsbehandler", "Nord");
    let a = Laptop::new(&server, &finance);
    let b = Laptop::new(&server, &karen);
    assert_eq!(b.k1_rate_2028(), None, "no 2028 rate before the sync");
    assert_eq!(b.roskilde_agreement().1, 1);

    a.engine
        .agreements_import(&a.agreement_file("Rammeaftale 2025-2026, revideret"))
        .unwrap();
    let sheet = a.engine.rates_import(&a.rate_sheet()).unwrap();
    // Before the first sync the laptop does not know what this login may publish: all that
    // was imported here waits.
    let waiting = || pladsoverblik_server::sync::pending(&a.engine).unwrap();
    assert_eq!(
        (
            waiting().municipal.agreements,
            waiting().municipal.rate_sheets
        ),
        (1, 1)
    );
    let first = a.sync();
    assert_eq!(
        (first.agreements_sent, first.rate_sheets_sent),
        (1, 1),
        "{:?}",
        first.lines()
    );
    assert!(first
        .lines()
        .contains(&"Delt med kommunen: 1 rammeaftale, 1 takstoversigt.".to_string()));
    assert_eq!(server_counts(&server), (1, 1));
    let mut su = server.superuser();
    let row = su
        .query_one(
            "SELECT sha256, file_name, jsonb_array_length(rows), published_by FROM plads.rate_sheets",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), sheet.sha256);
    assert_eq!(row.get::<_, String>(1), "takster-2028.csv");
    assert_eq!(row.get::<_, i32>(2), 1);
    assert_eq!(row.get::<_, String>(3), finance);

    let received = b.sync();
    assert_eq!(
        (received.agreements_received, received.rate_sheets_received),
        (1, 1),
        "{:?}",
        received.lines()
    );
    assert!(received
        .lines()
        .contains(&"Hentet fra kommunen: 1 rammeaftale, 1 takstoversigt.".to_string()));
    let (id, version, name, origin) = b.roskilde_agreement();
    assert_eq!((id.as_str(), version), ("SJ-2025", 2));
    assert_eq!(name, "Rammeaftale 2025-2026, revideret");
    assert_eq!(origin, format!("indlæst fra kommunens server ({finance})"));
    assert_eq!(
        b.k1_rate_2028(),
        Some((
            "3.555,00 kr. pr. døgn".to_string(),
            "takstoversigt takster-2028.csv".to_string()
        ))
    );

    // Nothing waits after the sync; another rate sheet imported by økonomi waits until the
    // next one, and says so.
    assert_eq!(waiting().municipal, Default::default());
    a.engine.rates_import(&a.rate_sheet_for(2029)).unwrap();
    assert_eq!(waiting().municipal.rate_sheets, 1);
    assert!(
        waiting().waiting_text().ends_with(", 1 takstoversigt"),
        "{}",
        waiting().waiting_text()
    );
    assert_eq!(a.sync().rate_sheets_sent, 1);
    assert_eq!(waiting().municipal.rate_sheets, 0);
    assert_eq!(b.sync().rate_sheets_received, 1);
    // `plads sync --status` counts what each laptop received: the caseworker's laptop one
    // agreement and two rate sheets, the finance laptop (which published them) nothing.
    let status = |l: &Laptop| pladsoverblik_server::sync::pending(&l.engine).unwrap();
    assert_eq!(
        status(&b).received_municipal_parts(),
        ["1 rammeaftale", "2 takstoversigter"]
    );
    assert!(status(&a).received_municipal_parts().is_empty());
    // A caseworker's login may not publish rate sheets (docs/server.md): one imported on her
    // laptop stays there, and once the server has said so it is not counted as waiting.
    b.engine.rates_import(&b.rate_sheet_for(2030)).unwrap();
    assert_eq!(status(&b).municipal.rate_sheets, 0);

    // A second sync on either laptop moves nothing and fetches nothing.
    for laptop in [&a, &b] {
        let again = laptop.sync();
        assert_eq!(moved(&again), 0, "{:?}", again.lines());
        assert_eq!(again.fetched, 0);
        assert_eq!(again.already_there, 0);
    }
    assert_eq!(server_counts(&server), (1, 2));

    // The answers lost: the retry finds both there and adds nothing.
    a.sqlite()
        .execute(
            "DELETE FROM sync_pushed WHERE kind IN ('agreement', 'rate_sheet')",
            [],
        )
        .unwrap();
    let retry = a.sync();
    assert_eq!(moved(&retry), 0, "{:?}", retry.lines());
    assert_eq!(retry.already_there, 3);
    assert!(retry.refused.is_empty(), "{:?}", retry.refused);
    assert_eq!(server_counts(&server), (1, 2));
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn a_caseworkers_import_stays_home_and_a_changed_version_is_a_conflict() {
    let server = Server::fresh("municipal_conflict");
    let finance = server.person("oek", "oekonomi", "Økonomi");
    let karen = server.person("karen", "sagsbehandler", "Nord");
    let a = Laptop::new(&server, &finance);
    let b = Laptop::new(&server, &karen);

    // Karen's own imports are not published, and no error is reported for it.
    b.engine
        .agreements_import(&b.agreement_file("Karens udgave"))
        .unwrap();
    b.engine.rates_import(&b.rate_sheet()).unwrap();
    let own = b.sync();
    assert_eq!(moved(&own), 0, "{:?}", own.lines());
    assert!(own.refused.is_empty(), "{:?}", own.refused);
    // Nor are they counted as waiting: this login may not publish them.
    assert_eq!(
        pladsoverblik_server::sync::pending(&b.engine)
            .unwrap()
            .municipal,
        Default::default()
    );
    assert_eq!(server_counts(&server), (0, 0));

    // Finance publishes another content under the same version and the same rate sheet.
    a.engine
        .agreements_import(&a.agreement_file("Økonomis udgave"))
        .unwrap();
    a.engine.rates_import(&a.rate_sheet()).unwrap();
    let published = a.sync();
    assert_eq!(
        (published.agreements_sent, published.rate_sheets_sent),
        (1, 1)
    );

    let pulled = b.sync();
    assert_eq!(moved(&pulled), 0, "{:?}", pulled.lines());
    assert_eq!(pulled.conflicts.len(), 1, "{:?}", pulled.lines());
    assert!(
        pulled.conflicts[0].starts_with("Rammeaftale SJ-2025 version 2 på kommunens server"),
        "{}",
        pulled.conflicts[0]
    );
    assert!(pulled.conflicts[0].contains("er ikke hentet"));
    assert_eq!(
        b.roskilde_agreement().2,
        "Karens udgave",
        "nothing overwritten"
    );
    let again = b.sync();
    assert!(
        again.conflicts.is_empty(),
        "reported once: {:?}",
        again.lines()
    );

    // On the server the version stands as finance published it; a third laptop of økonomi
    // that imported yet another content is refused, in Danish, with nothing changed.
    let other = server.person("oek2", "oekonomi", "Økonomi");
    let c = Laptop::new(&server, &other);
    c.engine
        .agreements_import(&c.agreement_file("En tredje udgave"))
        .unwrap();
    let refused = c.sync();
    assert_eq!(refused.agreements_sent, 0);
    assert_eq!(refused.refused.len(), 1, "{:?}", refused.lines());
    assert!(refused.refused[0].contains("findes allerede på kommunens server med et andet indhold"));
    let mut su = server.superuser();
    let name: String = su
        .query_one("SELECT doc->>'name' FROM plads.agreements", &[])
        .unwrap()
        .get(0);
    assert_eq!(name, "Økonomis udgave");
    assert!(c.sync().refused.is_empty(), "refused once, not again");
}

/// The test catalogue as extracted on `extracted`, with Kildevang (K-1) renamed to show which
/// one is in use; written into the laptop's folder.
fn catalogue_file(laptop: &Laptop, extracted: &str) -> PathBuf {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/small.json"),
    )
    .unwrap();
    let mut cat: serde_json::Value = serde_json::from_str(&text).unwrap();
    cat["extracted"] = serde_json::json!(extracted);
    cat["offers"][0]["name"] = serde_json::json!(format!("Kildevang {extracted}"));
    let path = laptop.dir.path().join(format!("katalog-{extracted}.json"));
    std::fs::write(&path, cat.to_string()).unwrap();
    path
}

impl Laptop {
    /// The catalogue's extraction date and K-1's name as this laptop has them.
    fn catalogue(&self) -> (NaiveDate, String) {
        let info = self.engine.info(today()).unwrap();
        let name = self.engine.offer("K-1", today(), None).unwrap().name;
        (info.extracted.unwrap(), name)
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn the_newest_catalogue_snapshot_wins_on_every_laptop_and_an_older_never_replaces_it() {
    let server = Server::fresh("catalogue_snapshots");
    let karen = server.person("karen", "sagsbehandler", "Nord");
    let finance = server.person("oek", "oekonomi", "Økonomi");
    let ole = server.person("ole", "sagsbehandler", "Syd");
    let (a, b, c) = (
        Laptop::new(&server, &karen),
        Laptop::new(&server, &finance),
        Laptop::new(&server, &ole),
    );
    // The catalogue each laptop started with (imported before the server was set up) is not
    // published.
    for laptop in [&a, &b, &c] {
        let r = laptop.sync();
        assert_eq!((r.catalogue_sent, r.catalogue_received), (None, None));
    }
    let snapshots =
        |server: &Server| count_rows(server, "SELECT count(*) FROM plads.catalogue_snapshots");
    assert_eq!(snapshots(&server), 0);

    // Karen imports the catalogue of 20.11.2026: her sync publishes it, the finance laptop's
    // imports it (with a backup first, and the unpacked file removed afterwards).
    a.engine
        .import_file(&catalogue_file(&a, "2026-11-20"), |_, _| {})
        .unwrap();
    // Until then it waits, and says so (the kept file's date, its content not read).
    let waiting = || pladsoverblik_server::sync::pending(&a.engine).unwrap();
    assert_eq!(waiting().municipal.catalogue, Some(date("2026-11-20")));
    assert!(
        waiting()
            .waiting_text()
            .ends_with(", kataloget pr. 20.11.2026"),
        "{}",
        waiting().waiting_text()
    );
    let sent = a.sync();
    assert_eq!(waiting().municipal.catalogue, None);
    assert_eq!(sent.catalogue_sent, Some(date("2026-11-20")));
    assert!(sent.lines().contains(
        &"Delt med kommunen: 0 rammeaftaler, 0 takstoversigter, kataloget pr. 20.11.2026."
            .to_string()
    ));
    assert_eq!(snapshots(&server), 1);
    let got = b.sync();
    assert_eq!(
        got.catalogue_received,
        Some(date("2026-11-20")),
        "{:?}",
        got.lines()
    );
    assert_eq!(
        b.catalogue(),
        (date("2026-11-20"), "Kildevang 2026-11-20".to_string())
    );
    let backups = std::fs::read_dir(b.dir.path().join("sikkerhedskopier"))
        .unwrap()
        .count();
    assert!(backups >= 1);
    let left: Vec<String> = std::fs::read_dir(b.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("fra-kommunens-server"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Nothing twice.
    for laptop in [&a, &b] {
        let again = laptop.sync();
        assert_eq!(
            (again.catalogue_sent, again.catalogue_received),
            (None, None)
        );
        assert_eq!(again.fetched, 0);
    }
    assert_eq!(snapshots(&server), 1);

    // Ole's laptop has a newer one (25.11.2026) of its own: it publishes it and keeps it.
    c.engine
        .import_file(&catalogue_file(&c, "2026-11-25"), |_, _| {})
        .unwrap();
    let r = c.sync();
    assert_eq!(
        (r.catalogue_sent, r.catalogue_received),
        (Some(date("2026-11-25")), None)
    );
    assert_eq!(c.catalogue().0, date("2026-11-25"));
    // The finance laptop imports an older one (18.11.2026) and syncs: it is published, but
    // the newest on the server replaces it here.
    b.engine
        .import_file(&catalogue_file(&b, "2026-11-18"), |_, _| {})
        .unwrap();
    let r = b.sync();
    assert_eq!(r.catalogue_sent, Some(date("2026-11-18")));
    assert_eq!(r.catalogue_received, Some(date("2026-11-25")));
    assert_eq!(
        b.catalogue(),
        (date("2026-11-25"), "Kildevang 2026-11-25".to_string())
    );
    // Karen gets the newest, never the older one published after it.
    let r = a.sync();
    assert_eq!(r.catalogue_received, Some(date("2026-11-25")));
    assert_eq!(a.catalogue().0, date("2026-11-25"));
    for laptop in [&a, &b, &c] {
        let r = laptop.sync();
        assert_eq!(r.catalogue_received, None);
        assert_eq!(laptop.catalogue().0, date("2026-11-25"));
    }
    assert_eq!(snapshots(&server), 3);
    // Received, as `plads sync --status` counts them: Karen's laptop the 25.11 (the 20.11 was
    // her own), the finance laptop the 20.11 and the 25.11, Ole's none (the 25.11 is his).
    let received = |l: &Laptop| {
        pladsoverblik_server::sync::pending(&l.engine)
            .unwrap()
            .received_municipal
            .catalogues
    };
    assert_eq!((received(&a), received(&b), received(&c)), (1, 2, 0));

    // A fourth: the server keeps the three newest extraction dates and removes the oldest
    // (18.11.2026) itself; no login may remove a snapshot.
    a.engine
        .import_file(&catalogue_file(&a, "2026-11-27"), |_, _| {})
        .unwrap();
    assert_eq!(a.sync().catalogue_sent, Some(date("2026-11-27")));
    let kept: Vec<String> = server
        .superuser()
        .query(
            "SELECT extracted::text FROM plads.catalogue_snapshots ORDER BY extracted",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kept, ["2026-11-20", "2026-11-25", "2026-11-27"]);
    for login in [&karen, &finance] {
        let e = server
            .as_user(login)
            .execute("DELETE FROM plads.catalogue_snapshots", &[])
            .unwrap_err();
        assert_eq!(e.code().map(|c| c.code()), Some("42501"), "{e}");
    }
    let r = b.sync();
    assert_eq!(r.catalogue_received, Some(date("2026-11-27")));
    assert_eq!(snapshots(&server), 3);
}

fn count_rows(server: &Server, sql: &str) -> i64 {
    server.superuser().query_one(sql, &[]).unwrap().get(0)
}
