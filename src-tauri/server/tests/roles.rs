//! Each role's forbidden reads and writes are refused by PostgreSQL itself: the tests connect
//! as each role directly, with no app in between (issue 15 point 2). Needs the throwaway
//! cluster of `make test-server`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::Server;
use postgres::Client;

const INSTALLATION: &str = "0123456789abcdef0123456789abcdef";

/// Two checks and two contracts, one each in unit Nord and unit Syd, pushed by the superuser
/// as the sync would push them.
fn fixture(server: &Server) {
    let nord = server.person("fixture_nord", "sagsbehandler", "Nord");
    let syd = server.person("fixture_syd", "sagsbehandler", "Syd");
    for (login, check, contract, cpr) in [
        (&nord, "A-2026-0001", "K-2026-0001", "010190-1234"),
        (&syd, "A-2026-0002", "K-2026-0002", "020290-2345"),
    ] {
        let mut c = server.as_user(login);
        c.execute(
            "SELECT * FROM plads.reserve_numbers('A', 2026, 10, $1)",
            &[&INSTALLATION],
        )
        .unwrap();
        c.execute(
            "INSERT INTO plads.checks (id, kind, closed_on, conclusion, doc, sha256, installation)
             VALUES ($1, 'privat', DATE '2026-11-20', 'privat_begrundet', '{}', 'x', $2)",
            &[&check, &INSTALLATION],
        )
        .unwrap();
        c.execute(
            "INSERT INTO plads.contracts (id, offer_id, check_id, installation)
             VALUES ($1, 'T-1001', $2, $3)",
            &[&contract, &check, &INSTALLATION],
        )
        .unwrap();
        c.execute(
            "INSERT INTO plads.contract_versions (contract_id, version, citizen_name, citizen_cpr,
                 offer_id, legal_basis, start_date, end_date, issued_on, data, sha256, installation)
             VALUES ($1, 1, 'Søren Ærø', $2, 'T-1001', 'SEL-108', DATE '2026-12-01',
                 DATE '2027-11-30', DATE '2026-11-21', '{\"price\": {\"total\": \"1000.00\"}}', 'y', $3)",
            &[&contract, &cpr, &INSTALLATION],
        )
        .unwrap();
    }
}

/// The statement fails with PostgreSQL's "insufficient privilege" (a missing grant or a
/// row-level security policy) or one of our triggers' refusals: refused by the database.
fn refused(client: &mut Client, sql: &str) -> String {
    let err = client
        .batch_execute(sql)
        .expect_err(&format!("the server allowed: {sql}"));
    let code = err.code().map(|c| c.code().to_string()).unwrap_or_default();
    assert!(
        code == "42501" || code == "P0001",
        "{sql}: refused with {code}, not for lack of rights: {err:?}"
    );
    code
}

fn count(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn each_role_is_refused_what_it_may_not_do() {
    let server = Server::fresh("roles");
    fixture(&server);
    let sb = server.person("sb", "sagsbehandler", "Nord");
    let oe = server.person("oe", "oekonomi", "Økonomi");
    let leder = server.person("leder", "leder", "Ledelse");
    let admin = server.person("admin", "admin", "IT");

    // Sagsbehandler: every check, but only the contracts (and CPR numbers) of their own unit.
    let mut c = server.as_user(&sb);
    assert_eq!(count(&mut c, "SELECT count(*) FROM plads.checks"), 2);
    assert_eq!(
        count(&mut c, "SELECT count(*) FROM plads.contract_versions"),
        1
    );
    let cpr: String = c
        .query_one("SELECT citizen_cpr FROM plads.contract_versions", &[])
        .unwrap()
        .get(0);
    assert_eq!(cpr, "010190-1234");
    assert_eq!(count(&mut c, "SELECT count(*) FROM plads.contracts"), 1);
    // A contract from the other unit's check is not theirs to write.
    assert_eq!(
        refused(
            &mut c,
            &format!("INSERT INTO plads.contracts (id, offer_id, check_id, installation) VALUES ('K-2026-0009', 'T-1001', 'A-2026-0002', '{INSTALLATION}')")
        ),
        "42501"
    );
    refused(
        &mut c,
        "UPDATE plads.settings SET value = '20' WHERE key = 'stale_after_days'",
    );
    refused(
        &mut c,
        "INSERT INTO plads.settings (key, value) VALUES ('stale_after_days', '20')",
    );
    refused(
        &mut c,
        "INSERT INTO plads.agreements (id, version, doc) VALUES ('SJ-2025', 9, '{}')",
    );
    // The log: only the entries they sent themselves (none yet).
    assert_eq!(count(&mut c, "SELECT count(*) FROM plads.audit_log"), 0);
    refused(&mut c, "SELECT count(*) FROM plads.staff");
    refused(
        &mut c,
        "UPDATE plads.checks SET conclusion = 'offentligt_valgt'",
    );
    refused(&mut c, "DELETE FROM plads.contract_versions");
    refused(&mut c, "INSERT INTO plads.number_blocks (series, year, first_no, last_no, installation) VALUES ('A', 2026, 500, 600, '0123456789abcdef0123456789abcdef')");
    // Audit entries may be added under their own name only.
    refused(&mut c, &format!("INSERT INTO plads.audit_log (installation, local_id, at, user_name, action, subject, details, pushed_by) VALUES ('{INSTALLATION}', 1, now(), 'x', 'x', '', '', 'en_anden')"));
    c.batch_execute(&format!("INSERT INTO plads.audit_log (installation, local_id, at, user_name, action, subject, details) VALUES ('{INSTALLATION}', 1, now(), 'Karen', 'check.close', 'A-2026-0001', '{{}}')")).unwrap();

    // Økonomi: every contract; settings; never a check of their own, never the audit log.
    let mut c = server.as_user(&oe);
    assert_eq!(
        count(&mut c, "SELECT count(*) FROM plads.contract_versions"),
        2
    );
    c.batch_execute("INSERT INTO plads.settings (key, value) VALUES ('stale_after_days', '45')")
        .unwrap();
    c.batch_execute("UPDATE plads.settings SET value = '40', revision = revision + 1 WHERE key = 'stale_after_days'")
        .unwrap();
    refused(&mut c, &format!("INSERT INTO plads.checks (id, kind, closed_on, conclusion, doc, sha256, installation) VALUES ('A-2026-0100', 'privat', DATE '2026-11-20', 'privat_begrundet', '{{}}', 'x', '{INSTALLATION}')"));
    // Not the caseworker's audit entry.
    assert_eq!(count(&mut c, "SELECT count(*) FROM plads.audit_log"), 0);
    refused(
        &mut c,
        "UPDATE plads.contract_versions SET citizen_cpr = '111111-1111'",
    );
    refused(&mut c, "DELETE FROM plads.contracts");

    // Leder: reports only, through views without CPR or names.
    let mut c = server.as_user(&leder);
    assert_eq!(
        count(&mut c, "SELECT count(*) FROM plads.report_contracts"),
        2
    );
    assert_eq!(count(&mut c, "SELECT count(*) FROM plads.report_checks"), 2);
    let columns: Vec<String> = c
        .query("SELECT * FROM plads.report_contracts LIMIT 1", &[])
        .unwrap()[0]
        .columns()
        .iter()
        .map(|col| col.name().to_string())
        .collect();
    assert!(columns.contains(&"price".to_string()), "{columns:?}");
    assert!(
        !columns
            .iter()
            .any(|n| n.contains("cpr") || n.contains("name") || n == "data"),
        "{columns:?}"
    );
    let everything: String = c
        .query_one(
            "SELECT string_agg(r::text, ' ') FROM plads.report_contracts r",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        !everything.contains("010190") && !everything.contains("Søren"),
        "{everything}"
    );
    refused(&mut c, "SELECT count(*) FROM plads.contract_versions");
    refused(&mut c, "SELECT citizen_cpr FROM plads.contract_versions");
    refused(&mut c, "SELECT count(*) FROM plads.contracts");
    refused(&mut c, "SELECT count(*) FROM plads.checks");
    refused(&mut c, "UPDATE plads.settings SET value = '1'");
    refused(
        &mut c,
        "SELECT * FROM plads.reserve_numbers('K', 2026, 10, '0123456789abcdef0123456789abcdef')",
    );

    // Admin: reads the audit log and keeps plads.staff, but cannot change the log or a record.
    let mut c = server.as_user(&admin);
    assert_eq!(count(&mut c, "SELECT count(*) FROM plads.audit_log"), 1);
    refused(&mut c, "UPDATE plads.audit_log SET user_name = 'x'");
    refused(&mut c, "DELETE FROM plads.audit_log");
    c.batch_execute("UPDATE plads.staff SET unit = 'Syd' WHERE role_name LIKE '%_sb'")
        .unwrap();

    // Not even the owner changes an immutable record: the triggers hold for everyone.
    let mut su = server.superuser();
    assert_eq!(refused(&mut su, "DELETE FROM plads.checks"), "P0001");
    assert_eq!(
        refused(
            &mut su,
            "UPDATE plads.contract_versions SET citizen_name = 'x'"
        ),
        "P0001"
    );
    assert_eq!(refused(&mut su, "DELETE FROM plads.audit_log"), "P0001");
    // The unit moved: the sagsbehandler now sees Syd's contract, not Nord's.
    let mut c = server.as_user(&sb);
    let seen: String = c
        .query_one("SELECT contract_id FROM plads.contract_versions", &[])
        .unwrap()
        .get(0);
    assert_eq!(seen, "K-2026-0002");
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn init_and_migrate_again_change_nothing_and_status_tells_the_version() {
    let server = Server::fresh("migrate");
    let mut su = server.superuser();
    let latest = pladsoverblik_server::schema::latest();
    assert_eq!(latest, 4);
    assert_eq!(
        pladsoverblik_server::schema::version(&mut su).unwrap(),
        latest
    );
    assert!(pladsoverblik_server::schema::init(&mut su)
        .unwrap()
        .is_empty());
    assert!(pladsoverblik_server::schema::migrate(&mut su)
        .unwrap()
        .is_empty());
    let sb = server.person("sb", "sagsbehandler", "Nord");
    let status = pladsoverblik_server::schema::status(&mut server.as_user(&sb), false).unwrap();
    assert_eq!(status.version, latest);
    assert_eq!(status.roles, vec!["sagsbehandler".to_string()]);
    assert_eq!(status.unit.as_deref(), Some("Nord"));
    // A server newer than this app is refused, and nothing is changed.
    su.batch_execute(&format!(
        "INSERT INTO plads.schema_version (version, name) VALUES ({}, 'fremtid.sql')",
        latest + 1
    ))
    .unwrap();
    let msg = pladsoverblik_server::schema::migrate(&mut su)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains(&format!("skemaversion {}", latest + 1)) && msg.contains("Intet er ændret"),
        "{msg}"
    );
    let msg = pladsoverblik_server::schema::require_current(&mut su)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("Opdatér Pladsoverblik"), "{msg}");
}
