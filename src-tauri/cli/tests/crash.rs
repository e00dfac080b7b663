//! Crash tests that stay: `plads import-catalogue` (a generated catalogue of 2.000 offers) and
//! `plads rates import` (a rate sheet of about 10.000 rows) are started as child processes
//! and killed with SIGKILL at random points, at least 20 times each. The points come from a
//! seeded generator, so a failure replays with the same seed (`PLADS_KILL_SEED`). After every
//! kill the database must open as the app opens it, pass `PRAGMA integrity_check` and
//! `foreign_key_check`, and hold either the data from before the import or the data after it,
//! whole; the caseworker's own records (a check, a contract) are never lost. Every backup left
//! under a backup's name must be whole too. The figures are printed and written to
//! `$CARGO_TARGET_TMPDIR/kill-tests.md` (docs/reliability.md has those of a run).
//!
//! Time columns (`…_at`, the log's `at`) and the log entries of automatic backups are left
//! out of the comparison: they differ between two runs of the same import.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use pladsoverblik_core::catalogue::model::LegalBasis;
use pladsoverblik_core::contracts::ContractForm;
use pladsoverblik_core::placement::{CheckKind, Need, NewCheck};
use pladsoverblik_core::store::Db;
use pladsoverblik_core::Engine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const KILLS: usize = 20;
const OFFERS: &str = "2000";
const DEFAULT_SEED: u64 = 0x5EED_0012;

/// splitmix64: small, seedable, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration in `[0, max)`.
    fn below(&mut self, max: Duration) -> Duration {
        let micros = max.as_micros().max(1) as u64;
        Duration::from_micros(self.next() % micros)
    }
}

fn plads(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plads"));
    c.args(args)
        .env("PLADSOVERBLIK_DATA_DIR", dir.join("standard"));
    c
}

fn run_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let o = plads(dir, args).output().unwrap();
    assert!(
        o.status.success(),
        "plads {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Every row of every table (time columns and backup log entries left out) as a multiset.
type Rows = BTreeMap<String, usize>;

/// Opens the database as the app does and reads it; Err says what is broken.
fn state(path: &Path) -> Result<Rows, String> {
    let db = Db::open(path).map_err(|e| format!("åbner ikke: {e}"))?;
    let conn = db.conn();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if ok != "ok" {
        return Err(format!("integrity_check: {ok}"));
    }
    let broken: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| e.to_string())?;
    if broken > 0 {
        return Err(format!("foreign_key_check: {broken} rækker"));
    }
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
               AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>())
        .map_err(|e| e.to_string())?;
    let mut rows = Rows::new();
    for t in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .and_then(|mut st| {
                st.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<_, _>>()
            })
            .map_err(|e| e.to_string())?;
        let kept: Vec<String> = columns
            .into_iter()
            .filter(|c| c != "at" && !c.ends_with("_at"))
            .map(|c| format!("quote(\"{c}\")"))
            .collect();
        let filter = if t == "audit_log" {
            " WHERE action NOT LIKE 'backup.%'"
        } else {
            ""
        };
        let sql = format!("SELECT {} FROM \"{t}\"{filter}", kept.join(", "));
        let mut st = conn.prepare(&sql).map_err(|e| e.to_string())?;
        let n = kept.len();
        let found: Vec<String> = st
            .query_map([], |r| {
                let mut line = t.clone();
                for i in 0..n {
                    line.push('|');
                    line.push_str(&r.get::<_, String>(i)?);
                }
                Ok(line)
            })
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| e.to_string())?;
        for line in found {
            *rows.entry(line).or_default() += 1;
        }
    }
    Ok(rows)
}

/// Rows of `expected` missing from `actual`.
fn missing(expected: &Rows, actual: &Rows) -> usize {
    expected
        .iter()
        .map(|(k, n)| n.saturating_sub(actual.get(k).copied().unwrap_or(0)))
        .sum()
}

/// Backups under their final name that are not whole (a temporary name is not a backup).
fn broken_backups(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir.join("sikkerhedskopier")) else {
        return 0;
    };
    let whole = |p: &Path| {
        Db::open_unmigrated(p)
            .and_then(|db| {
                Ok(db
                    .conn()
                    .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))?)
            })
            .is_ok_and(|ok| ok == "ok")
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sqlite"))
        .filter(|p| !whole(p))
        .count()
}

#[derive(Default)]
struct Figures {
    what: &'static str,
    kills: usize,
    finished: usize,
    /// Kills that left a WAL with frames behind: killed while writing or before checkpointing.
    wal_left: usize,
    old: usize,
    new: usize,
    corrupt: usize,
    partial: usize,
    lost: usize,
    broken_backups: usize,
    full_run: Duration,
    problems: Vec<String>,
}

impl Figures {
    /// Opens the database after a kill and says whether it holds the old or the new data.
    fn judge(&mut self, db: &Path, old: &Rows, new: &Rows) {
        match state(db) {
            Err(e) => {
                self.corrupt += 1;
                self.problems.push(format!("{}: {e}", self.what));
            }
            Ok(now) if now == *old => self.old += 1,
            Ok(now) if now == *new => self.new += 1,
            Ok(now) => {
                self.partial += 1;
                self.lost += missing(old, &now).min(missing(new, &now));
                self.problems
                    .push(format!("{}: hverken før eller efter", self.what));
            }
        }
        self.broken_backups += broken_backups(db.parent().unwrap());
    }
}

/// Kills `child` with SIGKILL at a point chosen by `attempt`'s turn: anywhere in an
/// undisturbed run (`full_run`); in its second half and a little beyond (the commit, the
/// checkpoint and the log entry after it); or as soon as the WAL has frames, within 5 ms (the
/// commit's own writing: the import's transaction is mostly in memory until then, its page
/// cache is large). False when the child had finished first.
fn kill_at(
    mut child: std::process::Child,
    attempt: usize,
    rng: &mut Rng,
    full_run: Duration,
    wal: &Path,
) -> bool {
    match attempt % 3 {
        0 => std::thread::sleep(rng.below(full_run)),
        1 => std::thread::sleep(full_run / 2 + rng.below(full_run * 6 / 10)),
        _ => {
            let started = Instant::now();
            while !std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
                && child.try_wait().unwrap().is_none()
                && started.elapsed() < full_run * 3
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(rng.below(Duration::from_millis(5)));
        }
    }
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap(); // SIGKILL
    }
    child.wait().unwrap();
    killed
}

fn copy_db(from: &Path, to: &Path) {
    let dir = to.parent().unwrap();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(from, to).unwrap();
}

/// Runs `args` (with `--db` added) on copies of `base`, killing it at random points.
fn kill_at_random(
    what: &'static str,
    work: &Path,
    base: &Path,
    args: &[&str],
    rng: &mut Rng,
) -> (Figures, PathBuf) {
    let old = state(base).unwrap();
    let done = work.join("fuldført").join("db.sqlite");
    copy_db(base, &done);
    let mut full: Vec<&str> = args.to_vec();
    let done_arg = done.to_str().unwrap().to_string();
    full.extend(["--db", &done_arg]);
    let t = Instant::now();
    run_ok(work, &full);
    let mut f = Figures {
        what,
        full_run: t.elapsed(),
        ..Default::default()
    };
    let new = state(&done).unwrap();
    assert_ne!(old, new, "{what}: the import changed nothing");
    let db = work.join("dræbt").join("db.sqlite");
    let db_arg = db.to_str().unwrap().to_string();
    let mut killed: Vec<&str> = args.to_vec();
    killed.extend(["--db", &db_arg]);
    let wal = PathBuf::from(format!("{db_arg}-wal"));
    let mut attempt = 0;
    while f.kills < KILLS && attempt < 3 * KILLS {
        copy_db(base, &db);
        let child = plads(work, &killed)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if kill_at(child, attempt, rng, f.full_run, &wal) {
            f.kills += 1;
        } else {
            f.finished += 1;
        }
        attempt += 1;
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            f.wal_left += 1;
        }
        f.judge(&db, &old, &new);
    }
    (f, done)
}

/// A database with the generated catalogue, a check and a contract draft with a CPR number.
fn base_database(work: &Path) -> PathBuf {
    let catalogue = work.join("katalog-a.json");
    std::fs::write(
        &catalogue,
        run_ok(
            work,
            &["generate-catalogue", "--offers", OFFERS, "--seed", "1"],
        ),
    )
    .unwrap();
    let base = work.join("base").join("db.sqlite");
    std::fs::create_dir_all(base.parent().unwrap()).unwrap();
    let engine = Engine::open(&base).unwrap();
    engine.import_file(&catalogue, |_, _| {}).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let check = engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Privat,
                need: Need {
                    legal_basis: LegalBasis::Sel108,
                    target_group: "FN.P.PV.PER".into(),
                    age: 30,
                    home_municipality: 265,
                    wanted_start: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                },
                reference: "Sag 7".into(),
                radius_km: None,
            },
            today,
        )
        .unwrap();
    engine
        .contract_create(
            &ContractForm {
                offer_id: check
                    .candidates
                    .first()
                    .map_or("T-100001", |c| &c.offer_id)
                    .into(),
                legal_basis: "SEL-108".into(),
                citizen_name: "Søren Ærø".into(),
                citizen_cpr: "010190-1234".into(),
                check_id: check.id,
                ..Default::default()
            },
            today,
        )
        .unwrap();
    drop(engine);
    base
}

/// A rate sheet for every offer and legal basis of `catalogue`, for 2027 to 2030 (under the 20.000 rows a sheet may have).
fn rate_sheet(catalogue: &Path, to: &Path) {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(catalogue).unwrap()).unwrap();
    let mut out = String::from("Tilbuds-id;Paragraf;År;Døgntakst;Moms %\n");
    for (i, o) in json["offers"].as_array().unwrap().iter().enumerate() {
        let mut bases: Vec<&str> = o["departments"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["legal_bases"].as_array().unwrap())
            .map(|b| b["basis"].as_str().unwrap())
            .collect();
        bases.sort_unstable();
        bases.dedup();
        for basis in bases {
            for year in 2027..=2030 {
                let id = o["id"].as_str().unwrap();
                out.push_str(&format!(
                    "{id};{basis};{year};{}.{:03},50;0\n",
                    2 + i % 5,
                    (i * 7 + year as usize) % 1000
                ));
            }
        }
    }
    std::fs::write(to, out).unwrap();
}

fn table(figures: &[Figures], seed: u64) -> String {
    let mut s = format!(
        "Kill-tests (seed {seed:#x}, {KILLS} kills each, debug build)\n\n\
         | command | kills | finished first | WAL left to recover | old data | new data | \
         corruptions | neither old nor new | lost records | broken backups | full run |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for f in figures {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} ms |\n",
            f.what,
            f.kills,
            f.finished,
            f.wal_left,
            f.old,
            f.new,
            f.corrupt,
            f.partial,
            f.lost,
            f.broken_backups,
            f.full_run.as_millis()
        ));
    }
    s
}

#[test]
fn killed_imports_leave_the_old_or_the_new_data_whole() {
    let started = Instant::now();
    let seed = std::env::var("PLADS_KILL_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(DEFAULT_SEED);
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let base = base_database(work);
    let catalogue = work.join("katalog-b.json");
    std::fs::write(
        &catalogue,
        run_ok(
            work,
            &["generate-catalogue", "--offers", OFFERS, "--seed", "2"],
        ),
    )
    .unwrap();
    let cat = catalogue.to_str().unwrap().to_string();
    let (cat_figures, after_catalogue) = kill_at_random(
        "plads import-catalogue",
        &work.join("katalog"),
        &base,
        &["import-catalogue", &cat],
        &mut rng,
    );
    let sheet = work.join("takster.csv");
    rate_sheet(&catalogue, &sheet);
    let sheet = sheet.to_str().unwrap().to_string();
    let (rate_figures, _) = kill_at_random(
        "plads rates import",
        &work.join("takster"),
        &after_catalogue,
        &["rates", "import", &sheet],
        &mut rng,
    );
    let figures = [cat_figures, rate_figures];
    let text = table(&figures, seed);
    println!("{text}\nI alt {} s.", started.elapsed().as_secs());
    let _ = std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("kill-tests.md"),
        &text,
    );
    for f in &figures {
        assert!(f.kills >= KILLS, "{}: only {} kills", f.what, f.kills);
        assert_eq!(
            (f.corrupt, f.partial, f.lost, f.broken_backups),
            (0, 0, 0, 0),
            "{text}\n{:?}",
            f.problems
        );
    }
}
