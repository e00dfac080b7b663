//! `plads-sync-bench`: the sync figures of `make bench` (issue 15, docs/server.md). Against a
//! real PostgreSQL — the throwaway cluster `scripts/bench.sh` starts with `pg_virtualenv`,
//! which sets PGHOST, PGPORT, PGUSER and PGPASSWORD of a superuser — it fills a laptop's
//! working copy with 10.000 immutable records through the core's own API (closed checks,
//! contracts issued from them, and the audit entries they and the caseworker's other work
//! leave), then times, on a fresh database and a fresh copy each run: the first `sync` sending
//! them all, a second one with nothing new, and a finance officer's empty working copy pulling
//! the checks and contracts. Every run checks what arrived, so a figure for a sync that lost
//! records is never printed. Prints Markdown for docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::model::LegalBasis;
use pladsoverblik_core::contracts::ContractForm;
use pladsoverblik_core::placement::{
    CheckKind, Closing, Conclusion, Need, NewCheck, RejectReason, Rejection,
};
use pladsoverblik_core::settings::ServerSettings;
use pladsoverblik_core::{fmt, Engine};
use pladsoverblik_server::errors::query_error;
use pladsoverblik_server::{connect, schema, sync, Target};
use rust_decimal::Decimal;

type Failure = Box<dyn std::error::Error>;

/// Synkroniseringsmålingerne til `make bench` (issue 15); kør under pg_virtualenv.
#[derive(clap::Parser)]
struct Args {
    /// Uforanderlige poster i arbejdskopien.
    #[arg(long, default_value_t = 10_000)]
    records: usize,
    /// Lukkede afstemninger, hver med en kontrakt udstedt ud fra den; med deres egne poster i
    /// revisionssporet giver 1.200 ≈ 9.600 af posterne, ændrede indstillinger resten.
    #[arg(long, default_value_t = 1_200)]
    contracts: usize,
    /// Kørsler; medianen vises med spredningen.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    runs: u16,
}
/// The database every run makes afresh.
const DATABASE: &str = "plads_bench";
/// The caseworker whose laptop sends, and the finance officer whose empty copy pulls.
const CASEWORKER: (&str, &str, &str) = ("plads_bench_karen", "sagsbehandler", "Nord");
const FINANCE: (&str, &str, &str) = ("plads_bench_oekonomi", "oekonomi", "Økonomi");
/// The catalogue the core's tests use: a handful of offers around Roskilde.
const CATALOGUE: &str = include_str!("../../../core/tests/fixtures/small.json");

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plads-sync-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Failure> {
    let Args {
        records,
        contracts,
        runs,
    } = <Args as clap::Parser>::parse();
    let runs = usize::from(runs);
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("ugyldig dato")?;
    let dir = tempfile::tempdir()?;
    let server = Cluster::from_env(dir.path())?;

    let started = Instant::now();
    let laptop = prepare_caseworker(dir.path(), &server, contracts, records, today)?;
    let finance = prepare_finance(dir.path(), &server)?;
    let prepared = started.elapsed();

    let (mut first, mut second, mut pulls) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let (a, b, c) = one_run(&server, dir.path(), i, &laptop, &finance, today)?;
        eprintln!(
            "kørsel {}: første {} ms, anden {} ms, hentning {} ms",
            i + 1,
            whole_ms(a),
            whole_ms(b),
            whole_ms(c)
        );
        first.push(a);
        second.push(b);
        pulls.push(c);
    }
    print_table(&laptop, runs, &first, &second, &pulls, prepared, &server);
    Ok(())
}

/// One run on a fresh database and fresh copies: the first sync, the second, and the empty
/// copy's pull, each checked.
fn one_run(
    server: &Cluster,
    dir: &Path,
    i: usize,
    laptop: &Prepared,
    finance: &Path,
    today: NaiveDate,
) -> Result<(Duration, Duration, Duration), Failure> {
    server.fresh_database()?;
    let engine = Engine::open(&copy_of(&laptop.file, dir, &format!("karen-{i}"))?)?;
    let caseworker = server.target(CASEWORKER.0);
    let t = Instant::now();
    let report = sync::sync(&engine, &caseworker, today)?;
    let first = t.elapsed();
    expect_sent(&report, laptop)?;
    server.expect_on_server(laptop)?;

    let t = Instant::now();
    let again = sync::sync(&engine, &caseworker, today)?;
    let second = t.elapsed();
    // Only the first sync's own audit entry is new.
    if (again.checks_sent, again.versions_sent, again.audit_sent) != (0, 0, 1) {
        return Err(format!("den anden synkronisering sendte noget nyt: {again:?}").into());
    }

    let empty = Engine::open(&copy_of(finance, dir, &format!("oekonomi-{i}"))?)?;
    let t = Instant::now();
    let pulled = sync::sync(&empty, &server.target(FINANCE.0), today)?;
    let pull = t.elapsed();
    let wanted = (laptop.checks, laptop.versions);
    if (pulled.checks_received, pulled.contracts_received) != wanted
        || !pulled.conflicts.is_empty()
        || !pulled.unreadable.is_empty()
    {
        return Err(format!(
            "hentningen gav ikke {} afstemninger og {} kontrakter: {pulled:?}",
            wanted.0, wanted.1
        )
        .into());
    }
    Ok((first, second, pull))
}

/// The caseworker's prepared working copy and what waits in it to be sent.
struct Prepared {
    file: PathBuf,
    checks: usize,
    versions: usize,
    audit: usize,
    /// Of the audit entries, those of settings changed to fill up to the number of records.
    filler: usize,
}

impl Prepared {
    fn total(&self) -> usize {
        self.checks + self.versions + self.audit
    }
}

/// The cluster from pg_virtualenv's environment, and a password file for its roles.
struct Cluster {
    host: String,
    port: u16,
    super_user: String,
    pgpass: PathBuf,
}

fn env(name: &str) -> Result<String, Failure> {
    std::env::var(name).map_err(|_| {
        format!(
            "{name} er ikke sat: kør under pg_virtualenv, som `make bench` gør (scripts/bench.sh)"
        )
        .into()
    })
}

impl Cluster {
    fn from_env(dir: &Path) -> Result<Cluster, Failure> {
        let port = match std::env::var("PGPORT") {
            Ok(p) => p
                .parse()
                .map_err(|_| format!("PGPORT «{p}» er ikke et portnummer"))?,
            Err(_) => 5432,
        };
        let cluster = Cluster {
            host: env("PGHOST")?,
            port,
            super_user: env("PGUSER")?,
            pgpass: dir.join("pgpass"),
        };
        let mut lines = vec![format!(
            "*:*:*:{}:{}",
            cluster.super_user,
            env("PGPASSWORD")?
        )];
        for (login, _, _) in [CASEWORKER, FINANCE] {
            lines.push(format!("*:*:{DATABASE}:{login}:pw-{login}"));
        }
        pladsoverblik_core::paths::write_private(
            &cluster.pgpass,
            (lines.join("\n") + "\n").as_bytes(),
        )?;
        Ok(cluster)
    }

    fn settings(&self, user: &str, database: &str) -> ServerSettings {
        ServerSettings {
            host: self.host.clone(),
            port: self.port,
            database: database.into(),
            user: user.into(),
        }
    }

    fn target(&self, user: &str) -> Target {
        Target {
            server: self.settings(user, DATABASE),
            pgpass: Some(self.pgpass.clone()),
        }
    }

    /// The superuser on `database` (connect with `connect`).
    fn superuser(&self, database: &str) -> Target {
        Target {
            server: self.settings(&self.super_user, database),
            pgpass: Some(self.pgpass.clone()),
        }
    }

    /// An empty database with the municipal schema (`plads server init`) and the two people.
    fn fresh_database(&self) -> Result<(), Failure> {
        let mut admin = connect(&self.superuser("postgres"))?;
        for sql in [
            format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"),
            format!("CREATE DATABASE {DATABASE}"),
        ] {
            admin
                .batch_execute(&sql)
                .map_err(|e| query_error("da databasen skulle laves på ny", &e))?;
        }
        let mut su = connect(&self.superuser(DATABASE))?;
        schema::init(&mut su)?;
        for (login, role, unit) in [CASEWORKER, FINANCE] {
            su.batch_execute(&format!(
                "DO $$ BEGIN
                     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{login}') THEN
                         CREATE ROLE {login} LOGIN;
                     END IF;
                 END $$;
                 ALTER ROLE {login} PASSWORD 'pw-{login}';
                 GRANT {role} TO {login};
                 GRANT CONNECT ON DATABASE {DATABASE} TO {login};
                 INSERT INTO plads.staff (role_name, unit) VALUES ('{login}', '{unit}');"
            ))
            .map_err(|e| query_error(&format!("da {login} skulle oprettes"), &e))?;
        }
        Ok(())
    }

    /// Every record of the caseworker's copy is on the server, once.
    fn expect_on_server(&self, laptop: &Prepared) -> Result<(), Failure> {
        let mut su = connect(&self.superuser(DATABASE))?;
        let row = su.query_one(
            "SELECT (SELECT count(*) FROM plads.checks), (SELECT count(*) FROM plads.contract_versions),
                    (SELECT count(*) FROM plads.audit_log)",
            &[],
        )
        .map_err(|e| query_error("da posterne på serveren skulle tælles", &e))?;
        let found: (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        let wanted = (
            i64::try_from(laptop.checks)?,
            i64::try_from(laptop.versions)?,
            i64::try_from(laptop.audit)?,
        );
        if found != wanted {
            return Err(format!(
                "på serveren: {found:?} (afstemninger, kontraktversioner, revisionsspor), ventet {wanted:?}"
            )
            .into());
        }
        Ok(())
    }
}

/// A copy of a prepared working copy, as a fresh laptop file.
fn copy_of(file: &Path, dir: &Path, name: &str) -> Result<PathBuf, Failure> {
    let run_dir = dir.join(name);
    std::fs::create_dir_all(&run_dir)?;
    let copy = run_dir.join("pladsoverblik.sqlite");
    std::fs::copy(file, &copy)?;
    Ok(copy)
}

/// A laptop: its own file with the small catalogue imported.
fn laptop(dir: &Path, name: &str) -> Result<Engine, Failure> {
    let home = dir.join(name);
    std::fs::create_dir_all(&home)?;
    let catalogue = home.join("katalog.json");
    std::fs::write(&catalogue, CATALOGUE)?;
    let engine = Engine::open(&home.join("pladsoverblik.sqlite"))?;
    engine.import_file(&catalogue, |_, _| {})?;
    Ok(engine)
}

/// Sets the server up in a laptop's settings, as `plads settings set` does.
fn join(engine: &Engine, server: &Cluster, user: &str) -> Result<(), Failure> {
    engine.set_setting("server_port", &server.port.to_string())?;
    engine.set_setting("server_database", DATABASE)?;
    engine.set_setting("server_user", user)?;
    engine.set_setting("server_host", &server.host)?;
    Ok(())
}

/// A consistent copy of a laptop's file (as a backup takes it) that no engine keeps open.
fn frozen(engine: &Engine, dir: &Path, name: &str) -> Result<PathBuf, Failure> {
    let file = dir.join(format!("{name}.sqlite"));
    engine.backup_to(&file, false)?;
    Ok(file)
}

/// The caseworker's laptop: `contracts` checks closed and a contract issued from each while
/// it counted its numbers alone, then joined to the server, and the other work of the day
/// (settings changed) in the audit log until exactly `records` records wait to be sent.
fn prepare_caseworker(
    dir: &Path,
    server: &Cluster,
    contracts: usize,
    records: usize,
    today: NaiveDate,
) -> Result<Prepared, Failure> {
    let engine = laptop(dir, "karen")?;
    for _ in 0..contracts {
        let check = closed_check(&engine, today)?;
        let id = engine
            .contract_create(&contract_form(&engine, &check, today)?, today)?
            .id;
        engine.contract_issue(&id, today)?;
    }
    join(&engine, server, CASEWORKER.0)?;
    let waiting = |engine: &Engine| -> Result<(usize, usize, usize), Failure> {
        let p = sync::pending(engine)?;
        Ok((p.checks, p.versions, usize::try_from(p.audit)?))
    };
    let (checks, versions, audit) = waiting(&engine)?;
    let missing = records
        .checked_sub(checks + versions + audit)
        .ok_or(format!(
            "{contracts} kontrakter giver allerede {} poster, flere end {records}",
            checks + versions + audit
        ))?;
    for i in 0..missing {
        engine.set_setting("user_name", &format!("Karen Jensen {}", i % 7))?;
    }
    let file = frozen(&engine, dir, "karen-skabelon")?;
    // The copy holds exactly what waited in the laptop when it was taken.
    let copy = Engine::open(&copy_of(&file, dir, "karen-kontrol")?)?;
    let (checks, versions, audit) = waiting(&copy)?;
    let prepared = Prepared {
        file,
        checks,
        versions,
        audit,
        filler: missing,
    };
    if prepared.total() != records || (checks, versions) != (contracts, contracts) {
        return Err(format!(
            "arbejdskopien har {checks} afstemninger, {versions} kontraktversioner og {audit} poster i revisionssporet, ikke {records} poster"
        )
        .into());
    }
    Ok(prepared)
}

/// The finance officer's laptop: the catalogue and the server, no checks or contracts.
fn prepare_finance(dir: &Path, server: &Cluster) -> Result<PathBuf, Failure> {
    let engine = laptop(dir, "oekonomi")?;
    join(&engine, server, FINANCE.0)?;
    frozen(&engine, dir, "oekonomi-skabelon")
}

/// A private-offer check for a 36-year-old from Roskilde (SEL § 108, autism), every public
/// candidate rejected with its reason and who decided, closed.
fn closed_check(engine: &Engine, today: NaiveDate) -> Result<String, Failure> {
    let check = engine.check_create(
        &NewCheck {
            kind: CheckKind::Privat,
            need: Need {
                legal_basis: LegalBasis::Sel108,
                target_group: "FN.P.IK.AU".into(),
                age: 36,
                home_municipality: 265,
                wanted_start: NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("ugyldig dato")?,
            },
            reference: String::new(),
            radius_km: Some(0),
        },
        today,
    )?;
    for c in &check.candidates {
        let rejection = Rejection {
            offer_id: c.offer_id.clone(),
            reason: RejectReason::AfslaaetAfTilbuddet,
            note: "Tilbuddet kan ikke tage borgeren ind.".into(),
            decided_by: "Lone Leder".into(),
        };
        engine.check_reject(&check.id, &rejection, today)?;
    }
    let closing = Closing {
        conclusion: Conclusion::PrivatBegrundet,
        chosen_offer_id: None,
        note: String::new(),
    };
    engine.check_close(&check.id, &closing, today)?;
    Ok(check.id)
}

/// The contract "Opret kontrakt" starts from `check` for the private offer P-2 (prefilled by
/// the core: check, legal basis, buyer, term), with what the finance officer types (the
/// catalogue has no CVR number for P-2); December only, so it needs no PL rate for a later year.
fn contract_form(engine: &Engine, check: &str, today: NaiveDate) -> Result<ContractForm, Failure> {
    let mut form = engine.contract_prefill(Some(check), Some("P-2"), today)?;
    form.buyer_ean = "5798000000001".into();
    form.provider_ean = "5790000000005".into();
    form.provider_cvr = "29403473".into();
    form.buyer_contact = "Karen Jensen, 4631 0000".into();
    form.citizen_name = "Søren Ærø Åberg".into();
    form.citizen_cpr = "010190-1234".into();
    form.intervention = "Længerevarende botilbud med døgndækning.".into();
    form.goals = "Mestre egen økonomi".into();
    form.end = "31.12.2026".into();
    form.followups = "15.12.2026".into();
    form.notice_buyer = "løbende måned + 1 måned".into();
    form.notice_provider = "løbende måned + 3 måneder".into();
    form.payment_timing = "forud".into();
    form.payment_days = "30".into();
    form.absence_days = "30".into();
    form.hospital_days = "30".into();
    form.closure = "Ved lukning varsles køber med leverandørens opsigelsesvarsel.".into();
    Ok(form)
}

/// The first sync sent everything, once, and the server refused nothing.
fn expect_sent(report: &sync::Report, laptop: &Prepared) -> Result<(), Failure> {
    let sent = (report.checks_sent, report.versions_sent, report.audit_sent);
    if sent != (laptop.checks, laptop.versions, laptop.audit)
        || report.already_there > 0
        || !report.refused.is_empty()
    {
        return Err(format!(
            "den første synkronisering sendte ikke alt præcis én gang: {report:?}"
        )
        .into());
    }
    Ok(())
}

fn whole_ms(d: Duration) -> String {
    fmt::number(Decimal::from(d.as_millis()), 0)
}

/// "1.234 ms (1.100–1.400)": the median and the spread of a few runs.
fn median_with_spread(runs: &[Duration]) -> (Duration, String) {
    let mut sorted = runs.to_vec();
    sorted.sort();
    let (lo, mid, hi) = (
        sorted.first().copied().unwrap_or_default(),
        sorted.get(sorted.len() / 2).copied().unwrap_or_default(),
        sorted.last().copied().unwrap_or_default(),
    );
    (
        mid,
        format!("{} ms ({}–{})", whole_ms(mid), whole_ms(lo), whole_ms(hi)),
    )
}

/// Records per second at the median, whole.
fn per_second(records: usize, took: Duration) -> String {
    let micros = Decimal::from(took.as_micros().max(1));
    fmt::number(
        Decimal::from(records) * Decimal::from(1_000_000) / micros,
        0,
    )
}

fn print_table(
    laptop: &Prepared,
    runs: usize,
    first: &[Duration],
    second: &[Duration],
    pulls: &[Duration],
    prepared: Duration,
    server: &Cluster,
) {
    let n = |v: usize| fmt::number(Decimal::from(v), 0);
    let (first_mid, first_text) = median_with_spread(first);
    let (_, second_text) = median_with_spread(second);
    let (pull_mid, pull_text) = median_with_spread(pulls);
    let pulled = laptop.checks + laptop.versions;
    let version = connect(&server.superuser("postgres"))
        .ok()
        .and_then(|mut c| c.query_one("SHOW server_version", &[]).ok())
        .map(|r| r.get::<_, String>(0))
        .unwrap_or_else(|| "ukendt".into());
    println!("## Synkronisering med kommunens server (median af {runs} kørsler)\n");
    println!(
        "PostgreSQL {version} på denne maskine (en midlertidig klynge fra `pg_virtualenv`, forbundet over {}). \
         Hver kørsel: en ny database og en ny kopi af sagsbehandlerens arbejdskopi med {} uforanderlige poster — \
         {} lukkede afstemninger, {} udstedte kontraktversioner og {} poster i revisionssporet ({} af dem fra \
         afstemningerne og kontrakterne, resten ændrede indstillinger) — lavet med kernens egne funktioner ({} ms for at lave arbejdskopierne, ikke medregnet). Hver kørsel kontrollerer, at alt er \
         på serveren præcis én gang, og at alt er hentet.\n",
        if server.host.starts_with('/') { "en Unix-sokkel" } else { "TCP" },
        n(laptop.total()),
        n(laptop.checks),
        n(laptop.versions),
        n(laptop.audit),
        n(laptop.audit - laptop.filler),
        whole_ms(prepared)
    );
    println!("| måling | værdi |\n|---|---|");
    println!(
        "| første synkronisering: {} poster sendt | {first_text} |",
        n(laptop.total())
    );
    println!(
        "| poster pr. sekund (første synkronisering) | {} |",
        per_second(laptop.total(), first_mid)
    );
    println!("| anden synkronisering, intet nyt | {second_text} |");
    println!(
        "| en tom arbejdskopis første synkronisering (økonomi): {} afstemninger og {} kontrakter hentet | {pull_text} |",
        n(laptop.checks),
        n(laptop.versions)
    );
    println!(
        "| poster pr. sekund (hentning) | {} |",
        per_second(pulled, pull_mid)
    );
}
