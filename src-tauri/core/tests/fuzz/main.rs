//! Fuzzing that stays (issue 12), on stable Rust.
//!
//! - `corpus_*`: the regression corpus (`tests/corpus/`, plus the large inputs generated in
//!   `corpus.rs`): every crafted bad input refused in Danish with the database file byte for
//!   byte unchanged, every good one accepted. Part of every `cargo test`.
//! - `fuzz_*` (ignored; `make test-fuzz` runs them): the replay/mutation harness
//!   (`harness.rs`, `mutate.rs`) on the three targets (`targets.rs`) for `FUZZ_SECONDS` each.
//!   Fails on any panic, hang, English message, unclean refusal or changed database.
//!
//! See `docs/reliability.md` for the figures and how to reproduce them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod corpus;
mod harness;
mod mutate;
mod targets;

use harness::{Budget, Figures, Input, RunFn};
use mutate::Rng;
use targets::{CatalogueTarget, ContractTarget, RateSheetTarget};

// ---- the regression corpus ----

fn assert_tally(t: &corpus::Tally, at_least: u32) {
    println!("{}", t.line());
    assert!(t.tried >= at_least, "{}: kun {} sager", t.kind, t.tried);
    assert!(t.wrong.is_empty(), "{}:\n{}", t.line(), t.wrong.join("\n"));
}

#[test]
fn corpus_catalogue() {
    let db = targets::catalogue_db(targets::BASE_CATALOGUE).unwrap();
    let (_dir, template) = corpus::template(&db);
    let mut cases = corpus::files("catalogue");
    cases.extend(corpus::catalogue_generated());
    let t = corpus::run_all("katalog", cases, &template, corpus::catalogue_step, false);
    assert_tally(&t, 20);
}

#[test]
fn corpus_ratesheet() {
    let db = targets::catalogue_db(targets::BASE_CATALOGUE).unwrap();
    let (_dir, template) = corpus::template(&db);
    let mut cases = corpus::files("ratesheet");
    cases.extend(corpus::ratesheet_generated());
    let t = corpus::run_all("takster", cases, &template, corpus::ratesheet_step, false);
    assert_tally(&t, 20);
}

#[test]
fn corpus_contract() {
    let db = targets::contract_db().unwrap();
    let (_dir, template) = corpus::template(&db);
    let t = corpus::run_all(
        "kontrakt",
        corpus::files("contract"),
        &template,
        corpus::contract_step,
        true,
    );
    assert_tally(&t, 10);
}

// ---- the bounded fuzz run ----

fn seeds(kind: &str, name: impl Fn(&std::path::Path) -> String) -> Vec<Input> {
    corpus::files(kind)
        .into_iter()
        .filter_map(|case| match case.source {
            corpus::Source::File(path) => Some(Input {
                name: name(&path),
                bytes: std::fs::read(&path).ok()?,
            }),
            _ => None,
        })
        .collect()
}

fn report(f: &Figures) {
    println!("{}", f.line());
    println!(
        "| {} | {:.0} s | {} | {} | {} | {} | {} | {} |",
        f.target,
        f.seconds,
        f.executions,
        f.refused,
        f.panics,
        f.hangs,
        f.english(),
        f.db_changed()
    );
    for note in f.notes.iter().take(10) {
        println!("  {note}");
    }
    for path in &f.saved {
        println!("  gemt: {}", path.display());
    }
    assert_eq!(f.bad(), 0, "{}", f.line());
}

fn catalogue_target() -> Result<RunFn, String> {
    let mut t = CatalogueTarget::new()?;
    Ok(Box::new(move |i: &Input| t.run(&i.bytes)))
}

fn catalogue_mutation(rng: &mut Rng, base: &Input, other: &Input) -> Input {
    let bytes = if rng.one_in(5) {
        let mut b = base.bytes.clone();
        mutate::bytes(rng, &mut b, &other.bytes);
        b
    } else {
        mutate::json(rng, &base.bytes, &other.bytes)
    };
    Input {
        name: base.name.clone(),
        bytes,
    }
}

#[test]
#[ignore = "tidsbegrænset fuzzing: make test-fuzz"]
fn fuzz_catalogue() {
    let seeds = seeds("catalogue", |_| "indlæst.json".into());
    let f = harness::fuzz(
        "katalog",
        seeds,
        catalogue_target,
        catalogue_mutation,
        &Budget::from_env(),
    );
    report(&f);
}

fn ratesheet_target() -> Result<RunFn, String> {
    let mut t = RateSheetTarget::new()?;
    Ok(Box::new(move |i: &Input| t.run(&i.name, &i.bytes)))
}

fn ratesheet_mutation(rng: &mut Rng, base: &Input, other: &Input) -> Input {
    let bytes = if rng.one_in(8) {
        let mut b = base.bytes.clone();
        mutate::bytes(rng, &mut b, &other.bytes);
        b
    } else if base.bytes.starts_with(b"PK") {
        mutate::xlsx(rng, &base.bytes, &other.bytes)
    } else {
        mutate::csv(rng, &base.bytes, &other.bytes)
    };
    let name = if rng.one_in(20) {
        rng.pick(&["takster.csv", "takster.xlsx", "takster.xls", "takster"])
            .to_string()
    } else {
        base.name.clone()
    };
    Input { name, bytes }
}

#[test]
#[ignore = "tidsbegrænset fuzzing: make test-fuzz"]
fn fuzz_ratesheet() {
    let seeds = seeds("ratesheet", |p| {
        let ext = p.extension().unwrap_or_default().to_string_lossy();
        format!("takster.{ext}")
    });
    let f = harness::fuzz(
        "takster",
        seeds,
        ratesheet_target,
        ratesheet_mutation,
        &Budget::from_env(),
    );
    report(&f);
}

fn contract_target() -> Result<RunFn, String> {
    let mut t = ContractTarget::new()?;
    Ok(Box::new(move |i: &Input| {
        t.run_bytes(&i.bytes).unwrap_or_default()
    }))
}

fn contract_mutation(rng: &mut Rng, base: &Input, other: &Input) -> Input {
    let (mut today, mut form) = targets::contract_case(&base.bytes)
        .unwrap_or_else(|| (targets::base_today(), targets::base_form()));
    let (_, other) = targets::contract_case(&other.bytes)
        .unwrap_or_else(|| (targets::base_today(), targets::base_form()));
    mutate::form(rng, &mut form, &mut today, &other);
    Input {
        name: base.name.clone(),
        bytes: mutate::case_bytes(&form, today),
    }
}

#[test]
#[ignore = "tidsbegrænset fuzzing: make test-fuzz"]
fn fuzz_contract() {
    let seeds = seeds("contract", |_| "kontrakt.json".into());
    let f = harness::fuzz(
        "kontrakt",
        seeds,
        contract_target,
        contract_mutation,
        &Budget::from_env(),
    );
    report(&f);
}

/// Writes the `.xlsx` seeds made as Excel makes them (shared strings, styles, a percentage
/// format) with rust_xlsxwriter. Run once when the seeds change:
/// `FUZZ_WRITE_SEEDS=1 cargo test -p pladsoverblik-core --test fuzz -- --ignored write_seed`.
#[test]
#[ignore = "skriver korpusfiler: FUZZ_WRITE_SEEDS=1"]
fn write_seed_workbooks() {
    if std::env::var_os("FUZZ_WRITE_SEEDS").is_none() {
        return;
    }
    let dir = corpus::corpus_dir().join("ratesheet/good");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Takster 2027").unwrap();
    sheet
        .write_string(0, 0, "Takstoversigt 2027, Rammeaftale Sjælland")
        .unwrap();
    let head = [
        "Tilbuds-id",
        "Tilbudsnavn",
        "Lovgrundlag",
        "År",
        "Døgntakst",
        "Moms %",
        "Overhead %",
        "Budgetteret belægning %",
        "Kapitalomkostninger",
    ];
    for (c, h) in head.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, &str, f64, f64); 4] = [
        ("K-1", "Kildevang", "SEL § 108", 3424.0, 0.0),
        ("R-1", "Fjordhuset", "108", 5250.5, 0.0),
        ("P-2", "Autismehuset Ørnereden", "SEL-108", 3339.0, 6.0),
        ("X-9", "Findes ikke", "108", 1000.0, 0.0),
    ];
    for (i, (id, name, basis, rate, vat)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        sheet.write_string(r, 2, *basis).unwrap();
        sheet.write_number(r, 3, 2027.0).unwrap();
        sheet.write_number(r, 4, *rate).unwrap();
        sheet.write_number(r, 5, *vat).unwrap();
        sheet.write_number(r, 6, 7.5).unwrap();
        sheet.write_number(r, 7, 95.0).unwrap();
        sheet.write_number(r, 8, 125_000.0).unwrap();
    }
    book.save(dir.join("takster.xlsx")).unwrap();

    let mut book = rust_xlsxwriter::Workbook::new();
    let percent = rust_xlsxwriter::Format::new().set_num_format("0%");
    let sheet = book.add_worksheet().set_name("Takster").unwrap();
    for (c, h) in ["Tilbuds-id", "Paragraf", "År", "Månedstakst", "Moms"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "P-1").unwrap();
    sheet.write_string(1, 1, "BL-43").unwrap();
    sheet.write_number(1, 2, 2027.0).unwrap();
    sheet.write_number(1, 3, 98_000.5).unwrap();
    sheet
        .write_number_with_format(1, 4, 0.06, &percent)
        .unwrap();
    book.save(dir.join("takster-procent.xlsx")).unwrap();
}

/// Replays saved inputs and prints what the target said: `FUZZ_REPLAY=katalog:fil.json` (or
/// `takster:fil.xlsx`, `kontrakt:fil.json`; several separated by spaces).
#[test]
#[ignore = "genafspiller fund: FUZZ_REPLAY=mål:fil"]
fn replay() {
    let Ok(list) = std::env::var("FUZZ_REPLAY") else {
        return;
    };
    for item in list.split_whitespace() {
        let (target, path) = item.split_once(':').unwrap();
        let bytes = std::fs::read(path).unwrap();
        let run = match target {
            "katalog" => CatalogueTarget::new().unwrap().run(&bytes),
            "takster" => {
                let ext = path.rsplit('.').next().unwrap_or("csv");
                RateSheetTarget::new()
                    .unwrap()
                    .run(&format!("takster.{ext}"), &bytes)
            }
            _ => ContractTarget::new().unwrap().run_bytes(&bytes).unwrap(),
        };
        println!("{item}: {run:#?}");
    }
}
