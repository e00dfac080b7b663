//! `plads-bench`: the catalogue figures of `make bench`. Generates a catalogue of N offers
//! (default 100.000), imports it into a fresh database file, then times a set of realistic
//! searches against a bare FTS5 MATCH on the same data. Prints Markdown for docs/benchmarks.md.

use chrono::NaiveDate;
use pladsoverblik_core::backup;
use pladsoverblik_core::catalogue::{generate, import, snapshot};
use pladsoverblik_core::contracts::ContractData;
use pladsoverblik_core::search::{self, SearchIndex, SearchQuery};
use pladsoverblik_core::store::Db;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0).replace('.', ",")
}

fn time<F: FnMut()>(iterations: usize, mut f: F) -> Vec<Duration> {
    for _ in 0..5 {
        f(); // warm-up
    }
    let mut v: Vec<Duration> = (0..iterations)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--pdf-first") {
        // One child process: its preparation and first contract PDF, in ns.
        let (prepared, first) = first_contract_pdf(args.iter().any(|a| a == "--cold"))?;
        println!("{} {}", prepared.as_nanos(), first.as_nanos());
        return Ok(());
    }
    let offers: usize = arg(&args, "--offers").unwrap_or(100_000);
    let iterations: usize = arg(&args, "--iterations").unwrap_or(200);
    if args.iter().any(|a| a == "--only-pdf") {
        return contract_pdf(iterations.min(100));
    }
    let record = args.iter().any(|a| a == "--record-fingerprints");
    let dir = tempfile::tempdir()?;
    let catalogue = Catalogue::build(dir.path(), offers)?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let queries = pladsoverblik_core::search_fingerprint::bench_queries();

    catalogue.print(offers);
    let identical = compare_fingerprints(&catalogue, offers, record)?;
    if args.iter().any(|a| a == "--only-catalogue") {
        return Ok(());
    }
    println!(
        "\n## Søgning (median af {RUNS} runder à {iterations} gentagelser, søgningen og den bare FTS5-forespørgsel på skift runde for runde; p99's spredning i parentes)\n"
    );
    println!("| forespørgsel | træffere | p50 ms | p99 ms | bar FTS5 p50 ms | bar FTS5 p99 ms | forhold p50 | forhold p99 |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut worst_p99 = Duration::ZERO;
    let mut worst_ratio: f64 = 0.0;
    for (label, query) in &queries {
        let (p99, ratio) = search_row(&catalogue, label, query, iterations, today)?;
        worst_p99 = worst_p99.max(p99);
        worst_ratio = worst_ratio.max(ratio.unwrap_or(0.0));
    }
    println!(
        "\nHøjeste p99: {} ms. Højeste forhold til bar FTS5 (p50 eller p99): {:.2}.",
        ms(worst_p99),
        worst_ratio
    );
    contract_pdf(iterations.min(100))?;
    if !identical {
        return Err("søgeresultaterne afviger fra de optagne".into());
    }
    Ok(())
}

/// The value after a flag (`--offers 1000`), when there is one that parses.
fn arg<T: std::str::FromStr>(args: &[String], flag: &str) -> Option<T> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

/// Next month's catalogue from this month's options: every tenth offer with other free
/// places, every hundredth gone, and as many new ones at the end.
fn next_month(opts: &generate::Options) -> impl Iterator<Item = snapshot::OfferRecord> + '_ {
    let new = generate::Options {
        offers: opts.offers / 100,
        seed: opts.seed + 1,
        ..opts.clone()
    };
    let added: Vec<snapshot::OfferRecord> = generate::offers(&new)
        .enumerate()
        .map(|(i, mut rec)| {
            rec.id = format!("NY-{i}");
            rec
        })
        .collect();
    generate::offers(opts)
        .enumerate()
        .filter(|(i, _)| i % 100 != 55)
        .map(|(i, mut rec)| {
            if i % 10 == 3 {
                for p in rec
                    .departments
                    .iter_mut()
                    .flat_map(|d| d.legal_bases.iter_mut())
                {
                    p.free_places = Some(match p.free_places {
                        Some(f) if f < p.places => f + 1,
                        Some(f) if f > 0 => f - 1,
                        Some(f) => f,
                        None => 0,
                    });
                    p.free_as_of = p
                        .free_as_of
                        .clone()
                        .or_else(|| Some(opts.extracted.to_string()));
                    p.free_source = p.free_source.clone().or_else(|| Some("tilbuddet".into()));
                }
            }
            rec
        })
        .chain(added)
}

/// How many times each figure is measured; the median is reported with the spread.
const RUNS: usize = 5;

/// The median and the spread (lowest–highest) of a few runs, in ms.
fn median_spread(mut runs: Vec<Duration>) -> String {
    runs.sort();
    match (runs.first(), runs.get(runs.len() / 2), runs.last()) {
        (Some(lo), Some(mid), Some(hi)) => {
            format!("{} ms ({}–{})", ms(*mid), ms(*lo), ms(*hi))
        }
        _ => "–".into(),
    }
}

/// The imports into the database that holds the catalogue, `RUNS` times each.
#[derive(Default)]
struct Imports {
    /// Next month's catalogue (`next_month`) over this month's (the monthly case), the
    /// automatic backup before it included.
    next_months: Vec<Duration>,
    /// What `next_month` changed: (changed, added, removed, unchanged).
    next_changes: (usize, usize, usize, usize),
    /// The same file imported again (every offer taken over), backup included.
    reimports: Vec<Duration>,
    /// An import that reads and writes every offer (another target-group tree), backup
    /// included.
    rewrites: Vec<Duration>,
    /// Next month's catalogue without the backup.
    without_backup: Vec<Duration>,
    /// The automatic backup alone, taken as the import takes it.
    backups: Vec<Duration>,
    backup_mb: f64,
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Writes a catalogue file.
fn write_catalogue(
    path: &Path,
    header: &snapshot::Header,
    offers: impl Iterator<Item = snapshot::OfferRecord>,
) -> BenchResult<()> {
    snapshot::write(
        std::io::BufWriter::new(std::fs::File::create(path)?),
        header,
        offers,
    )?;
    Ok(())
}

/// Imports `file` as the app does (the automatic backup first, kept): the report and the
/// time it took.
fn import_timed(db: &mut Db, file: &Path) -> BenchResult<(import::ImportReport, Duration)> {
    let t = Instant::now();
    let (report, copy) = import::import_file_backed_up(db, file, |_, _| {})?;
    let took = t.elapsed();
    if let Some(copy) = &copy {
        backup::keep(db.conn(), copy)?;
    }
    Ok((report, took))
}

/// Next month's catalogue and the same offers under a target-group tree with one label
/// changed (every offer's search text changes, so every offer is read and written), in `dir`
/// and on disk, so their pages are not flushed while imports are timed.
fn variants(dir: &Path, opts: &generate::Options) -> BenchResult<(PathBuf, PathBuf)> {
    let next = dir.join("katalog-naeste-maaned.json");
    write_catalogue(&next, &generate::header(opts), next_month(opts))?;
    let retree = dir.join("katalog-nyt-traee.json");
    let mut header = generate::header(opts);
    if let Some(g) = header.target_groups.first_mut() {
        g.label.push_str(" (ny betegnelse)");
    }
    write_catalogue(&retree, &header, generate::offers(opts))?;
    for f in [&next, &retree] {
        std::fs::File::open(f)?.sync_all()?;
    }
    Ok((next, retree))
}

impl Imports {
    /// Each import timed `RUNS` times into `db`, which holds `file`'s catalogue; each starts
    /// from it, imported in full. Returns the last report of `file`.
    fn time(
        &mut self,
        db: &mut Db,
        file: &Path,
        next: &Path,
        retree: &Path,
    ) -> BenchResult<import::ImportReport> {
        let mut report = None;
        for _ in 0..RUNS {
            let t = Instant::now();
            let copy = backup::automatic(db, backup::Reason::CatalogueImport)?;
            self.backups.push(t.elapsed());
            if let Some(copy) = copy {
                self.backup_mb = copy.bytes as f64 / 1_048_576.0;
                backup::discard(&copy);
            }
            let (next_report, took) = import_timed(db, next)?;
            self.next_months.push(took);
            if let Some(c) = next_report.changes {
                self.next_changes = (c.changed, c.added, c.removed, c.unchanged);
            }
            import_timed(db, file)?;
            let t = Instant::now();
            import::import_file(db, next, |_, _| {})?;
            self.without_backup.push(t.elapsed());
            import_timed(db, file)?;
            self.reimports.push(import_timed(db, file)?.1);
            self.rewrites.push(import_timed(db, retree)?.1);
            report = Some(import_timed(db, file)?.0);
        }
        report.ok_or_else(|| "no import was timed".into())
    }
}

/// The generated catalogue, imported and indexed, with what that took.
struct Catalogue {
    db: Db,
    index: SearchIndex,
    report: import::ImportReport,
    size_mb: f64,
    generate_time: Duration,
    first_import: Duration,
    imports: Imports,
    db_mb: f64,
    index_times: Vec<Duration>,
    rss_before: f64,
    rss_import: f64,
    rss_index: f64,
}

impl Catalogue {
    /// Generates a catalogue of `offers` offers in `dir`, imports it into a fresh database
    /// file there as the app does (the automatic backup first), imports it again `RUNS` times
    /// into the database that now holds it, and builds the search index, timing each step.
    fn build(dir: &Path, offers: usize) -> BenchResult<Catalogue> {
        let file = dir.join("katalog.json");
        let opts = generate::Options {
            offers,
            seed: 42,
            extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default(),
            sjaelland_only: false,
            example: false,
        };
        let t = Instant::now();
        write_catalogue(&file, &generate::header(&opts), generate::offers(&opts))?;
        let generate_time = t.elapsed();
        let size_mb = std::fs::metadata(&file)?.len() as f64 / 1_048_576.0;
        let rss_before = peak_rss_mb();

        let db_path = dir.join("bench.sqlite");
        let mut db = Db::open(&db_path)?;
        let first_import = import_timed(&mut db, &file)?.1;
        // Into an empty catalogue the file streams past without fingerprints; the second
        // import reads every offer once more and keeps them (a month in the app).
        import_timed(&mut db, &file)?;
        // Written after the first import, so their pages are not flushed during it.
        let (next, retree) = variants(dir, &opts)?;
        let mut imports = Imports::default();
        let report = imports.time(&mut db, &file, &next, &retree)?;
        let db_mb = std::fs::metadata(&db_path)?.len() as f64 / 1_048_576.0;
        let rss_import = peak_rss_mb();
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let mut index_times = Vec::new();
        let mut index = SearchIndex::build(db.conn(), day)?;
        for _ in 0..RUNS {
            let t = Instant::now();
            index = SearchIndex::build(db.conn(), day)?;
            index_times.push(t.elapsed());
        }
        let rss_index = peak_rss_mb();
        Ok(Catalogue {
            db,
            index,
            report,
            size_mb,
            generate_time,
            first_import,
            imports,
            db_mb,
            index_times,
            rss_before,
            rss_import,
            rss_index,
        })
    }

    /// The catalogue table.
    fn print(&self, offers: usize) {
        println!("## Katalog: {offers} tilbud (median af {RUNS} kørsler, spredning i parentes)\n");
        println!("| måling | værdi |\n|---|---|");
        println!(
            "| katalogfil | {:.1} MB ({} tilbud, {} takster) |",
            self.size_mb, self.report.offers, self.report.rates
        );
        println!("| generering af filen | {} ms |", ms(self.generate_time));
        println!(
            "| første import i en tom database (sikkerhedskopi, læs, kontrollér, skriv) | {} ms |",
            ms(self.first_import)
        );
        let (changed, added, removed, unchanged) = self.imports.next_changes;
        println!(
            "| **næste måneds katalog oven i {offers} tilbud ({changed} ændrede, {added} nye, {removed} udgåede, {unchanged} uændrede), den automatiske sikkerhedskopi medregnet** | {} |",
            median_spread(self.imports.next_months.clone())
        );
        println!(
            "| samme import uden sikkerhedskopi | {} |",
            median_spread(self.imports.without_backup.clone())
        );
        println!(
            "| samme fil igen (alle tilbud uændrede), sikkerhedskopi medregnet | {} |",
            median_spread(self.imports.reimports.clone())
        );
        println!(
            "| import, der læser og skriver alle tilbud (en målgruppe med ny betegnelse), sikkerhedskopi medregnet | {} |",
            median_spread(self.imports.rewrites.clone())
        );
        println!(
            "| sikkerhedskopien alene ({:.0} MB; databasen {:.0} MB; tages ved siden af importen) | {} |",
            self.imports.backup_mb,
            self.db_mb,
            median_spread(self.imports.backups.clone())
        );
        println!(
            "| opbygning af søgeindeks | {} |",
            median_spread(self.index_times.clone())
        );
        println!(
            "| søgeindeksets egen hukommelse | {:.1} MB |",
            self.index.heap_bytes() as f64 / 1_048_576.0
        );
        println!(
            "| største RSS (VmHWM): før import / efter importerne / efter indeks | {:.0} / {:.0} / {:.0} MB |",
            self.rss_before, self.rss_import, self.rss_index
        );
    }
}

/// `a / b` with two decimals, written the Danish way ("1,53").
fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-9)).replace('.', ",")
}

/// The median of a few durations.
fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The median p50, the median p99 and the p99s' spread (lowest, highest) over the rounds.
type Summary = (Duration, Duration, Duration, Duration);

/// `RUNS` rounds of `iterations` timings each of `f`.
fn rounds<F: FnMut()>(iterations: usize, f: F) -> Summary {
    paired_rounds(iterations, f, None::<fn()>).0
}

/// `rounds` of `f` and, when given, of `g` taking turns round by round, so both meet the
/// machine in the same state (measured one after the other, a busy minute on this shared
/// 2-core machine once landed on one side of a ratio only).
fn paired_rounds<F: FnMut(), G: FnMut()>(
    iterations: usize,
    mut f: F,
    mut g: Option<G>,
) -> (Summary, Summary) {
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        first.push(time(iterations, &mut f));
        if let Some(g) = g.as_mut() {
            second.push(time(iterations, g));
        }
    }
    (summary(&first), summary(&second))
}

fn summary(rounds: &[Vec<Duration>]) -> Summary {
    let p50s: Vec<Duration> = rounds.iter().map(|t| percentile(t, 0.5)).collect();
    let p99s: Vec<Duration> = rounds.iter().map(|t| percentile(t, 0.99)).collect();
    let lo = p99s.iter().min().copied().unwrap_or_default();
    let hi = p99s.iter().max().copied().unwrap_or_default();
    (median(p50s), median(p99s), lo, hi)
}

/// Times one search (and, with a text, the bare FTS5 query) and prints its row; returns
/// the search's p99 and, with a text, the higher of its two ratios to the bare query.
fn search_row(
    c: &Catalogue,
    label: &str,
    query: &SearchQuery,
    iterations: usize,
    today: NaiveDate,
) -> Result<(Duration, Option<f64>), Box<dyn std::error::Error>> {
    let (index, db) = (&c.index, &c.db);
    let total = index.search(db.conn(), query, today)?.total;
    let text = query.text.as_deref();
    let ((p50, p99, lo, hi), (b50, b99, _, _)) = paired_rounds(
        iterations,
        || {
            let _ = index.search(db.conn(), query, today);
        },
        text.map(|text| {
            move || {
                let _ = search::bare_fts_count(db.conn(), text);
            }
        }),
    );
    let spread = format!("{}–{}", ms(lo), ms(hi));
    match text {
        Some(_) => {
            let r50 = p50.as_secs_f64() / b50.as_secs_f64();
            let r99 = p99.as_secs_f64() / b99.as_secs_f64();
            println!(
                "| {label} | {total} | {} | {} ({spread}) | {} | {} | {:.2} | {:.2} |",
                ms(p50),
                ms(p99),
                ms(b50),
                ms(b99),
                r50,
                r99
            );
            Ok((p99, Some(r50.max(r99))))
        }
        None => {
            println!(
                "| {label} | {total} | {} | {} ({spread}) | – | – | – | – |",
                ms(p50),
                ms(p99)
            );
            Ok((p99, None))
        }
    }
}

/// The fingerprints of the fixed query set (`search_fingerprint`) on this catalogue against
/// the recorded ones (`--record-fingerprints` writes them); prints the outcome.
fn compare_fingerprints(
    c: &Catalogue,
    offers: usize,
    record: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    use pladsoverblik_core::search_fingerprint as fp;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/search-fingerprints.txt");
    let catalogue = format!("genereret-{offers}");
    let now = fp::fingerprints(c.db.conn(), &c.index);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    if record {
        let kept: String = text
            .lines()
            .filter(|l| !l.starts_with(&format!("{catalogue}\t")))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&path, kept + &fp::lines(&catalogue, &now))?;
        println!("\nSøgeresultaternes fingeraftryk er optaget for {catalogue}.");
        return Ok(true);
    }
    let recorded: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(&format!("{catalogue}\t")))
        .collect();
    let lines = fp::lines(&catalogue, &now);
    let same = lines.lines().filter(|l| recorded.contains(l)).count();
    if recorded.is_empty() {
        println!("\nIntet optaget fingeraftryk for {catalogue} (kør med --record-fingerprints).");
        return Ok(true);
    }
    println!(
        "\nSøgeresultater og rækkefølge byte for byte som optaget før ændringerne: {same} af {} forespørgsler ens.",
        now.len()
    );
    Ok(same == now.len() && recorded.len() == now.len())
}

/// An issued contract of the example catalogue and its data hash.
fn issued_contract() -> Result<(ContractData, String), Box<dyn std::error::Error>> {
    use pladsoverblik_core::contracts::{AddOnForm, ContractForm};
    let engine = pladsoverblik_core::Engine::open_in_memory()?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    let form = ContractForm {
        offer_id: "SJ-1101".into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        buyer_ean: "5798000000001".into(),
        provider_ean: "5790000000005".into(),
        citizen_name: "Søren Ågård Østergård".into(),
        // 25 on the start date: Bostedet Fjordglimt takes 18-30 år.
        citizen_cpr: "150601-4234".into(),
        intervention: "Længerevarende botilbud med døgndækning.".into(),
        goals: "Mestre egen økonomi\nDeltage i et dagtilbud".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        followups: "01.03.2027, 01.09.2027".into(),
        // The agreement leaves these terms "ikke fastsat": agreed on the contract.
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "14".into(),
        addons: vec![AddOnForm {
            description: "Ekstra nattevagt".into(),
            basis: "2 timer pr. døgn à 225 kr.".into(),
            amount: "450,00".into(),
            unit: "dag".into(),
        }],
        ..Default::default()
    };
    let id = engine.contract_create(&form, today)?.id;
    let view = engine.contract_issue(&id, today)?;
    match (view.data, view.current.data_sha256) {
        (Some(data), Some(hash)) => Ok((data, hash)),
        _ => Err("the contract was not issued".into()),
    }
}

/// In a fresh process: (the preparation the app runs in the background when a contract is
/// first opened, or zero with `cold`; then the first contract PDF).
fn first_contract_pdf(cold: bool) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let (data, hash) = issued_contract()?;
    let t = Instant::now();
    if !cold {
        pladsoverblik_pdf::prepare();
    }
    let prepared = t.elapsed();
    let t = Instant::now();
    pladsoverblik_pdf::render_contract(&data, None, &hash)?;
    Ok((prepared, t.elapsed()))
}

/// `RUNS` fresh processes of this program measuring their first contract PDF.
fn first_in_processes(
    cold: bool,
) -> Result<(Vec<Duration>, Vec<Duration>), Box<dyn std::error::Error>> {
    let me = std::env::current_exe()?;
    let (mut prepared, mut first) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let mut cmd = std::process::Command::new(&me);
        cmd.arg("--pdf-first");
        if cold {
            cmd.arg("--cold");
        }
        let out = String::from_utf8(cmd.output()?.stdout)?;
        let mut figures = out.split_whitespace().map(|n| n.parse::<u64>());
        match (figures.next(), figures.next()) {
            (Some(Ok(p)), Some(Ok(f))) => {
                prepared.push(Duration::from_nanos(p));
                first.push(Duration::from_nanos(f));
            }
            _ => return Err(format!("plads-bench --pdf-first: {out}").into()),
        }
    }
    Ok((prepared, first))
}

/// Citizens' first names for the varied contracts of the PDF measurement.
const NAMES: [&str; 5] = [
    "Søren Ågård",
    "Mette Ørsted",
    "Jens Æbelø",
    "Aisha Hansen",
    "Bo Li",
];

/// The time to render an issued contract to its signable PDF (layout, PDF/A export,
/// signature fields), on the example catalogue: the first in a process (in fresh processes),
/// then a fresh render each time (typst's cache evicted).
fn contract_pdf(iterations: usize) -> Result<(), Box<dyn std::error::Error>> {
    let (_, cold) = first_in_processes(true)?;
    let (prepared, first) = first_in_processes(false)?;
    let (data, hash) = issued_contract()?;
    pladsoverblik_pdf::prepare();
    let rendered = pladsoverblik_pdf::render_contract(&data, None, &hash)?;
    // typst memoises layout work across renders; evicting its cache each time measures a
    // render as the app does it the first time for a contract.
    let fresh = rounds(iterations, || {
        pladsoverblik_pdf::evict_cache();
        let _ = pladsoverblik_pdf::render_contract(&data, None, &hash);
    });
    let warm = time(iterations, || {
        let _ = pladsoverblik_pdf::render_contract(&data, None, &hash);
    });
    // As a finance officer exports them: a different contract each time, with typst's cache
    // emptied after each export as the app empties it. The machine's own spread in the same
    // minutes: `fixed_work` taking turns with the exports round by round; the PDF's p99 is
    // read against it.
    let contracts = varied_contracts(&data, iterations);
    let mut next = 0;
    let mut numbers = vec![0_u32; 1 << 20];
    let (app, fixed) = paired_rounds(
        iterations,
        || {
            let (d, h) = &contracts[next % contracts.len()];
            next += 1;
            let _ = pladsoverblik_pdf::render_contract(d, None, h);
            pladsoverblik_pdf::evict_cache();
        },
        Some(|| fixed_work(&mut numbers)),
    );
    let after_dialog = after_dialog(&contracts)?;
    print_pdf_table(PdfFigures {
        pages: rendered.pages,
        kb: rendered.bytes.len() / 1024,
        iterations,
        cold,
        prepared,
        first,
        fresh,
        app,
        fixed,
        after_dialog,
        warm_p50: percentile(&warm, 0.5),
    });
    Ok(())
}

/// As the window exports: the PDF laid out while the save dialog is open
/// (`render_contract_ahead`; the dialog's time, untimed, stood in for by waiting until the PDF
/// thread is idle), then the export's render, which takes it.
fn after_dialog(
    contracts: &[(ContractData, String)],
) -> Result<Summary, Box<dyn std::error::Error>> {
    let mut rounds = Vec::new();
    for _ in 0..RUNS {
        let mut took = Vec::new();
        for (d, h) in contracts {
            pladsoverblik_pdf::render_contract_ahead(d, None, h);
            pladsoverblik_pdf::settle();
            let t = Instant::now();
            let rendered = pladsoverblik_pdf::render_contract(d, None, h)?;
            took.push(t.elapsed());
            if !rendered.laid_out_ahead {
                return Err(format!("contract {} was not laid out ahead", d.number).into());
            }
        }
        took.sort();
        rounds.push(took);
    }
    Ok(summary(&rounds))
}

/// `n` contracts made from `data`, each with its own number, citizen, one more goal and hash.
fn varied_contracts(data: &ContractData, n: usize) -> Vec<(ContractData, String)> {
    (0..n)
        .map(|i| {
            let mut d = data.clone();
            d.number = format!("K-2026-{:04}", 100 + i);
            d.citizen_name = format!("{} {}", NAMES[i % NAMES.len()], i);
            d.goals.push(format!(
                "Delmål nr. {i}: deltage i {} aktiviteter om ugen",
                i % 7 + 1
            ));
            (d, format!("{:064x}", i + 1))
        })
        .collect()
}

/// A fixed piece of work of about a render's length and of its kind (branches and memory,
/// not one instruction in a loop: SHA-256 of 4 MB, measured, barely moves when layout does):
/// the same pseudo-random numbers written and sorted each time, no allocation.
fn fixed_work(numbers: &mut [u32]) {
    let mut x = 0x9e37_79b9_u32;
    for n in numbers.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *n = x;
    }
    numbers.sort_unstable();
    std::hint::black_box(&numbers);
}

/// What `contract_pdf` measured.
struct PdfFigures {
    pages: usize,
    kb: usize,
    iterations: usize,
    cold: Vec<Duration>,
    prepared: Vec<Duration>,
    first: Vec<Duration>,
    fresh: Summary,
    app: Summary,
    fixed: Summary,
    after_dialog: Summary,
    warm_p50: Duration,
}

fn print_pdf_table(f: PdfFigures) {
    let row = |(p50, p99, lo, hi): Summary| {
        format!("{} / {} ms (p99 {}–{})", ms(p50), ms(p99), ms(lo), ms(hi))
    };
    println!(
        "\n## Kontrakt-PDF ({} sider; {RUNS} nye processer, {RUNS} runder à {} gentagelser)\n",
        f.pages, f.iterations
    );
    println!("| måling | værdi |\n|---|---|");
    println!(
        "| første PDF i en proces, uden forberedelse | {} |",
        median_spread(f.cold)
    );
    println!(
        "| forberedelse (skrifter, typst-bibliotek, én lille side), i baggrunden når en kontrakt åbnes | {} |",
        median_spread(f.prepared)
    );
    println!(
        "| **første PDF i en proces efter forberedelsen** | {} |",
        median_spread(f.first)
    );
    println!(
        "| p50 / p99 pr. kontrakt med tom typst-cache hver gang (layout, PDF/A, underskriftsfelter) | {} |",
        row(f.fresh)
    );
    println!(
        "| **p50 / p99 pr. kontrakt dannet ved eksporten** (`plads contract export`; i vinduet når gem-dialogen lukkes, før PDF'en er færdig): en ny kontrakt hver gang, typst-cachen tømt efter hver eksport | {} |",
        row(f.app)
    );
    println!(
        "| maskinens egen spredning i de samme minutter: en fast regneopgave (de samme 1.048.576 tal sorteret hver gang) på skift med eksporterne i rækken ovenfor, p50 / p99 | {}; p99 / p50 = {} (eksporterne: {}) |",
        row(f.fixed),
        ratio(f.fixed.1, f.fixed.0),
        ratio(f.app.1, f.app.0)
    );
    println!(
        "| **p50 / p99 pr. eksport i vinduet**: PDF'en dannet, mens gem-dialogen er åben (`prepare_export`), og taget ved eksporten; ventetiden efter dialogen | {} |",
        row(f.after_dialog)
    );
    println!(
        "| p50 ved gentagen eksport af samme kontrakt (typst-cache) | {} ms |",
        ms(f.warm_p50)
    );
    println!("| filstørrelse | {} KB |", f.kb);
}
