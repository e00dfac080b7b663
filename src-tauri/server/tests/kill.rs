//! Three laptops push 1.000 audit entries each while the server is killed with `kill -9` 20
//! times mid-sync (issue 15): afterwards every entry is on the server exactly once and no
//! laptop lost anything. Each kill is a whole-server crash: the postmaster and every process
//! it started get SIGKILL at once (as when the server's machine loses power, minus the disk),
//! then the cluster is started again with `pg_ctlcluster` and recovers from its log. The
//! cluster is `make test-server`'s throwaway one (pg_virtualenv: `$PGVERSION`, cluster
//! `regress`); this test has its own binary (cargo runs test binaries one at a time), so no
//! other test shares the cluster meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::Server;
use pladsoverblik_core::Engine;
use pladsoverblik_server::sync;

const KILLS: usize = 20;
const ROUNDS: usize = 20;
const PER_ROUND: usize = 50;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// The postmaster's process id, from the first line of its lock file.
fn postmaster_pid(data_directory: &str) -> Option<i32> {
    let pid_file = std::fs::read_to_string(format!("{data_directory}/postmaster.pid")).ok()?;
    pid_file.lines().next()?.trim().parse().ok()
}

fn try_superuser(server: &Server) -> Option<postgres::Client> {
    pladsoverblik_server::connect(&server.target(&std::env::var("PGUSER").unwrap())).ok()
}

/// Crashes the whole server while a laptop is connected: SIGKILL to the postmaster, then to
/// every process it had started, then starts the cluster again (crash recovery) and waits until
/// it takes connections. False, and nothing killed, when no laptop was connected.
fn crash_server(server: &Server, prefix: &str, data_directory: &str) -> bool {
    let Some(mut su) = try_superuser(server) else {
        return false;
    };
    let Ok(rows) = su.query(
        "SELECT pid FROM pg_stat_activity WHERE usename LIKE $1 || '%'",
        &[&prefix],
    ) else {
        return false;
    };
    drop(su);
    if rows.is_empty() {
        return false;
    }
    let postmaster = postmaster_pid(data_directory).expect("postmaster.pid");
    let killed = std::process::Command::new("kill")
        .args(["-9", &postmaster.to_string()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill -9 {postmaster}");
    // Its children would otherwise finish their statement first; a crash does not wait.
    let _ = std::process::Command::new("pkill")
        .args(["-9", "-P", &postmaster.to_string()])
        .status();
    let version = std::env::var("PGVERSION").expect("PGVERSION (pg_virtualenv)");
    let started = Instant::now();
    loop {
        // Refused while a killed process still holds the shared memory; then it starts.
        let start = std::process::Command::new("pg_ctlcluster")
            .args([&version, "regress", "start"])
            .output()
            .unwrap();
        if start.status.success() && try_superuser(server).is_some() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the cluster did not start again: {}",
            String::from_utf8_lossy(&start.stderr)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_ne!(postmaster_pid(data_directory), Some(postmaster));
    true
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn every_entry_arrives_exactly_once_through_twenty_crashes() {
    let server = Server::fresh("kill");
    let data_directory: String = server
        .superuser()
        .query_one("SHOW data_directory", &[])
        .unwrap()
        .get(0);
    let laptops: Vec<(Engine, pladsoverblik_server::Target, tempfile::TempDir)> = ["a", "b", "c"]
        .iter()
        .map(|l| {
            let login = server.person(l, "sagsbehandler", "Nord");
            let dir = tempfile::tempdir().unwrap();
            let engine = Engine::open(&dir.path().join("p.sqlite")).unwrap();
            (engine, server.target(&login), dir)
        })
        .collect();
    let prefix = format!("{}_", server.database);
    let done = AtomicBool::new(false);
    let kills = AtomicUsize::new(0);
    let failed_syncs = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            let started = Instant::now();
            while kills.load(Ordering::SeqCst) < KILLS
                && started.elapsed() < Duration::from_secs(240)
            {
                std::thread::sleep(Duration::from_millis(
                    20 + (kills.load(Ordering::SeqCst) as u64 * 37) % 60,
                ));
                if crash_server(&server, &prefix, &data_directory) {
                    kills.fetch_add(1, Ordering::SeqCst);
                }
            }
            done.store(true, Ordering::SeqCst);
        });
        for (engine, target, _) in &laptops {
            let (done, failed) = (&done, &failed_syncs);
            s.spawn(move || {
                let mut round = 0;
                // Records keep coming while the server is killed; every sync is retried until
                // it gets through.
                while round < ROUNDS || !done.load(Ordering::SeqCst) {
                    if round < ROUNDS {
                        for i in 0..PER_ROUND {
                            engine
                                .set_setting("user_name", &format!("Bruger {round}-{i}"))
                                .unwrap();
                        }
                        round += 1;
                    }
                    if sync::sync(engine, target, today()).is_err() {
                        failed.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                    }
                }
            });
        }
    });
    assert_eq!(
        kills.load(Ordering::SeqCst),
        KILLS,
        "the server was not killed 20 times"
    );
    assert!(
        failed_syncs.load(Ordering::SeqCst) > 0,
        "no sync was cut off"
    );

    // One last sync each once the server is up again; then compare, entry by entry.
    let mut su = try_superuser(&server).expect("the server is up after the last crash");
    for (engine, target, _) in &laptops {
        let report = loop {
            match sync::sync(engine, target, today()) {
                Ok(r) => break r,
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        assert!(report.refused.is_empty(), "{report:?}");
        let local: Vec<pladsoverblik_core::audit::Entry> = engine
            .with_db(|db| pladsoverblik_core::audit::entries_after(db.conn(), 0, 100_000))
            .unwrap();
        let installation = engine
            .with_db(|db| pladsoverblik_core::sync::installation_id(db.conn()))
            .unwrap();
        let on_server: Vec<(i64, String, String)> = su
            .query(
                "SELECT local_id, action, subject FROM plads.audit_log WHERE installation = $1
                 ORDER BY local_id",
                &[&installation],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        // Every entry but the last sync's own, once, as it is here.
        let expected: Vec<(i64, String, String)> = local[..local.len() - 1]
            .iter()
            .map(|e| (e.id, e.action.clone(), e.subject.clone()))
            .collect();
        assert!(expected.len() > ROUNDS * PER_ROUND);
        assert_eq!(on_server, expected);
        let settings_set = expected.iter().filter(|e| e.1 == "settings.set").count();
        assert_eq!(settings_set, ROUNDS * PER_ROUND);
    }
}
