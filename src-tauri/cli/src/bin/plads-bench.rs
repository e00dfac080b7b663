//! `plads-bench`: the catalogue figures of `make bench`. Generates a catalogue of N offers
//! (default 100.000), imports it into a fresh database file, then times a set of realistic
//! searches against a bare FTS5 MATCH on the same data. Prints Markdown for docs/benchmarks.md.

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::model::{LegalBasis, OperatorType};
use pladsoverblik_core::catalogue::{generate, import, snapshot};
use pladsoverblik_core::search::{self, SearchIndex, SearchQuery, SortKey};
use pladsoverblik_core::store::Db;
use rust_decimal::Decimal;
use std::path::Path;
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
    let offers: usize = arg(&args, "--offers").unwrap_or(100_000);
    let iterations: usize = arg(&args, "--iterations").unwrap_or(200);
    let dir = tempfile::tempdir()?;
    let catalogue = Catalogue::build(dir.path(), offers)?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let queries = queries();

    catalogue.print(offers);
    println!("\n## Søgning ({iterations} gentagelser pr. forespørgsel)\n");
    println!("| forespørgsel | træffere | p50 ms | p99 ms | bar FTS5 p50 ms | bar FTS5 p99 ms | forhold p50 | forhold p99 |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut worst_p99 = Duration::ZERO;
    for (label, query) in &queries {
        let p99 = search_row(&catalogue, label, query, iterations, today)?;
        worst_p99 = worst_p99.max(p99);
    }
    println!("\nHøjeste p99: {} ms.", ms(worst_p99));
    contract_pdf(iterations.min(100))?;
    Ok(())
}

/// The value after a flag (`--offers 1000`), when there is one that parses.
fn arg<T: std::str::FromStr>(args: &[String], flag: &str) -> Option<T> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

/// The generated catalogue, imported and indexed, with what that took.
struct Catalogue {
    db: Db,
    index: SearchIndex,
    report: import::ImportReport,
    size_mb: f64,
    generate_time: Duration,
    import_time: Duration,
    index_time: Duration,
    rss_before: f64,
    rss_import: f64,
    rss_index: f64,
}

impl Catalogue {
    /// Generates a catalogue of `offers` offers in `dir`, imports it into a fresh database
    /// file there and builds the search index, timing each step.
    fn build(dir: &Path, offers: usize) -> Result<Catalogue, Box<dyn std::error::Error>> {
        let file = dir.join("katalog.json");
        let opts = generate::Options {
            offers,
            seed: 42,
            extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default(),
            sjaelland_only: false,
            example: false,
        };
        let t = Instant::now();
        snapshot::write(
            std::io::BufWriter::new(std::fs::File::create(&file)?),
            &generate::header(&opts),
            generate::offers(&opts),
        )?;
        let generate_time = t.elapsed();
        let size_mb = std::fs::metadata(&file)?.len() as f64 / 1_048_576.0;
        let rss_before = peak_rss_mb();

        let mut db = Db::open(&dir.join("bench.sqlite"))?;
        let t = Instant::now();
        let report = import::import_file(&mut db, &file, |_, _| {})?;
        let import_time = t.elapsed();
        let rss_import = peak_rss_mb();
        let t = Instant::now();
        let index = SearchIndex::build(
            db.conn(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
        )?;
        let index_time = t.elapsed();
        let rss_index = peak_rss_mb();
        Ok(Catalogue {
            db,
            index,
            report,
            size_mb,
            generate_time,
            import_time,
            index_time,
            rss_before,
            rss_import,
            rss_index,
        })
    }

    /// The catalogue table.
    fn print(&self, offers: usize) {
        println!("## Katalog: {offers} tilbud\n");
        println!("| måling | værdi |\n|---|---|");
        println!(
            "| katalogfil | {:.1} MB ({} tilbud, {} takster) |",
            self.size_mb, self.report.offers, self.report.rates
        );
        println!("| generering af filen | {} ms |", ms(self.generate_time));
        println!(
            "| import (læs, kontrollér, skriv i én transaktion) | {} ms |",
            ms(self.import_time)
        );
        println!("| opbygning af søgeindeks | {} ms |", ms(self.index_time));
        println!(
            "| søgeindeksets egen hukommelse | {:.1} MB |",
            self.index.heap_bytes() as f64 / 1_048_576.0
        );
        println!(
            "| største RSS (VmHWM): før import / efter import / efter indeks | {:.0} / {:.0} / {:.0} MB |",
            self.rss_before, self.rss_import, self.rss_index
        );
    }
}

/// The realistic searches that are timed, with their labels.
fn queries() -> Vec<(&'static str, SearchQuery)> {
    let q = |text: Option<&str>| SearchQuery {
        text: text.map(Into::into),
        ..Default::default()
    };
    vec![
        ("autisme", q(Some("autisme"))),
        (
            "autisme, § 108, ledige, nær Roskilde, efter afstand",
            SearchQuery {
                legal_bases: vec![LegalBasis::Sel108],
                only_free: true,
                near_municipality: Some(265),
                sort: SortKey::Distance,
                ..q(Some("autisme"))
            },
        ),
        ("kildevang (navn)", q(Some("kildevang"))),
        (
            "udviklingshæmning, 30 år, Region Sjælland",
            SearchQuery {
                age: Some(30),
                region: Some("sjaelland".into()),
                ..q(Some("udviklingshæmning"))
            },
        ),
        (
            "opholdssted, BL § 43, 14 år, maks. 4.000 kr.",
            SearchQuery {
                legal_bases: vec![LegalBasis::Bl43],
                age: Some(14),
                max_daily_rate: Some(Decimal::from(4000)),
                ..q(Some("opholdssted"))
            },
        ),
        ("neuro hjerneskade", q(Some("neuro hjerneskade"))),
        ("roskilde", q(Some("roskilde"))),
        (
            "uden tekst: § 108, ledige, ≤ 50 km fra Roskilde",
            SearchQuery {
                legal_bases: vec![LegalBasis::Sel108],
                only_free: true,
                near_municipality: Some(265),
                max_distance_km: Some(50.0),
                ..q(None)
            },
        ),
        (
            "uden tekst: FN.P.IK, kommunal, efter takst",
            SearchQuery {
                target_group: Some("FN.P.IK".into()),
                operator_types: vec![OperatorType::Kommunal],
                sort: SortKey::Rate,
                ..q(None)
            },
        ),
    ]
}

/// Times one search (and, with a text, the bare FTS5 query) and prints its row; returns
/// the search's p99.
fn search_row(
    c: &Catalogue,
    label: &str,
    query: &SearchQuery,
    iterations: usize,
    today: NaiveDate,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let (index, db) = (&c.index, &c.db);
    let total = index.search(db.conn(), query, today)?.total;
    let ours = time(iterations, || {
        let _ = index.search(db.conn(), query, today);
    });
    let p99 = percentile(&ours, 0.99);
    match query.text.as_deref() {
        Some(text) => {
            let bare = time(iterations, || {
                let _ = search::bare_fts_count(db.conn(), text);
            });
            let r50 = percentile(&ours, 0.5).as_secs_f64() / percentile(&bare, 0.5).as_secs_f64();
            let r99 = p99.as_secs_f64() / percentile(&bare, 0.99).as_secs_f64();
            println!(
                "| {label} | {total} | {} | {} | {} | {} | {:.2} | {:.2} |",
                ms(percentile(&ours, 0.5)),
                ms(p99),
                ms(percentile(&bare, 0.5)),
                ms(percentile(&bare, 0.99)),
                r50,
                r99
            );
        }
        None => println!(
            "| {label} | {total} | {} | {} | – | – | – | – |",
            ms(percentile(&ours, 0.5)),
            ms(p99)
        ),
    }
    Ok(p99)
}

/// The time to render an issued contract to its signable PDF (layout, PDF/A export,
/// signature fields), on the example catalogue: a fresh render each time (new World).
fn contract_pdf(iterations: usize) -> Result<(), Box<dyn std::error::Error>> {
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
    let (Some(data), Some(hash)) = (view.data, view.current.data_sha256) else {
        return Err("the contract was not issued".into());
    };
    let first = Instant::now();
    let rendered = pladsoverblik_pdf::render_contract(&data, None, &hash)?;
    let first = first.elapsed();
    // typst memoises layout work across renders; evicting its cache each time measures a
    // render as the app does it the first time for a contract.
    let times = time(iterations, || {
        pladsoverblik_pdf::evict_cache();
        let _ = pladsoverblik_pdf::render_contract(&data, None, &hash);
    });
    let warm = time(iterations, || {
        let _ = pladsoverblik_pdf::render_contract(&data, None, &hash);
    });
    println!(
        "\n## Kontrakt-PDF ({} sider, {iterations} gentagelser)\n",
        rendered.pages
    );
    println!("| måling | værdi |\n|---|---|");
    println!("| første PDF i processen | {} ms |", ms(first));
    println!(
        "| p50 / p99 pr. kontrakt (layout, PDF/A, underskriftsfelter) | {} / {} ms |",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );
    println!(
        "| p50 ved gentagen eksport af samme kontrakt (typst-cache) | {} ms |",
        ms(percentile(&warm, 0.5))
    );
    println!("| filstørrelse | {} KB |", rendered.bytes.len() / 1024);
    Ok(())
}
