//! The regression corpus: every crafted bad input of issue 12, as files under
//! `tests/corpus/<kind>/{good,bad}/` plus the large ones generated here (a 300 MB
//! description streamed, never held; a 100 MB CSV; zip bombs). Each runs through the app's
//! own door — `Engine` on a database file, as the window and `plads` use it. A bad input must
//! be refused with a Danish message and leave the database file byte for byte as it was (the
//! main file and its WAL, and a dump of every table); a good one must be accepted. Adding a
//! file to a folder adds a case.

use std::io::{Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::import;
use pladsoverblik_core::{Engine, Error};

use super::targets::{self, BASE_DRAFT};

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Accept,
    Refuse,
}

pub enum Source {
    File(PathBuf),
    /// Written into the case's folder when it runs.
    Made(fn(&Path) -> PathBuf),
    /// A catalogue too large for a file, streamed into the import.
    Stream(fn() -> Box<dyn Read + Send>),
}

pub struct Case {
    pub name: String,
    pub expect: Expect,
    pub source: Source,
}

/// The files of `<kind>/good` and `<kind>/bad`, sorted by name.
pub fn files(kind: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for (folder, expect) in [("good", Expect::Accept), ("bad", Expect::Refuse)] {
        let dir = corpus_dir().join(kind).join(folder);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.is_file()) {
            let name = format!(
                "{folder}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            out.push(Case {
                name,
                expect,
                source: Source::File(path),
            });
        }
    }
    out
}

/// What the corpus found for one kind of input.
#[derive(Debug, Default)]
pub struct Tally {
    pub kind: &'static str,
    pub tried: u32,
    pub refused_cleanly: u32,
    pub accepted: u32,
    pub panics: u32,
    pub db_changed: u32,
    /// Every case that did not go as it must, with why.
    pub wrong: Vec<String>,
}

impl Tally {
    pub fn line(&self) -> String {
        format!(
            "{:<10} {:>3} prøvet, {:>3} afvist rent, {:>2} godtaget som ventet | panik {} | database ændret {} | forkert {}",
            self.kind,
            self.tried,
            self.refused_cleanly,
            self.accepted,
            self.panics,
            self.db_changed,
            self.wrong.len()
        )
    }
}

/// The database file of a case: the app's engine on a copy of the template.
pub struct Env {
    dir: tempfile::TempDir,
    pub engine: Engine,
}

pub const DB_NAME: &str = "pladsoverblik.sqlite";

impl Env {
    pub fn open(template: &Path) -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(template, dir.path().join(DB_NAME)).unwrap();
        let engine = Engine::open(&dir.path().join(DB_NAME)).unwrap();
        Env { dir, engine }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database as bytes (main file and WAL) and as content.
    pub fn snapshot(&self) -> (Vec<u8>, Option<Vec<u8>>, [u8; 32]) {
        let main = std::fs::read(self.dir.path().join(DB_NAME)).unwrap();
        let wal = std::fs::read(self.dir.path().join(format!("{DB_NAME}-wal"))).ok();
        let print = self
            .engine
            .with_db(|db| Ok(targets::fingerprint(db.conn()).unwrap()))
            .unwrap();
        (main, wal, print)
    }
}

/// A template database file holding `db`, in a folder kept for the test's life.
pub fn template(db: &pladsoverblik_core::store::Db) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skabelon.sqlite");
    targets::write_db(db, &path).unwrap();
    (dir, path)
}

/// The outcome of one case's steps: `Ok` when each step did what the case expects, else why
/// not. A step that changed the database where it must not is counted apart.
pub enum Verdict {
    Accepted,
    Refused,
    Wrong(String),
    Changed(String),
}

/// Runs every case with `step`, a fresh database after each case that stored something (after
/// every case with `always_fresh`).
pub fn run_all(
    kind: &'static str,
    cases: Vec<Case>,
    template: &Path,
    step: fn(&Env, &Case) -> Verdict,
    always_fresh: bool,
) -> Tally {
    let mut tally = Tally {
        kind,
        ..Tally::default()
    };
    let mut env = Env::open(template);
    for case in &cases {
        tally.tried += 1;
        let verdict = panic::catch_unwind(AssertUnwindSafe(|| step(&env, case)));
        let fresh = match verdict {
            Ok(Verdict::Refused) => {
                tally.refused_cleanly += 1;
                false
            }
            Ok(Verdict::Accepted) => {
                tally.accepted += 1;
                true
            }
            Ok(Verdict::Wrong(why)) => {
                tally.wrong.push(format!("{}: {why}", case.name));
                true
            }
            Ok(Verdict::Changed(why)) => {
                tally.db_changed += 1;
                tally.wrong.push(format!("{}: {why}", case.name));
                true
            }
            Err(_) => {
                tally.panics += 1;
                tally.wrong.push(format!("{}: panik", case.name));
                true
            }
        };
        if fresh || always_fresh {
            env = Env::open(template);
        }
    }
    tally
}

/// Judges a refusal: expected, of an allowed kind, Danish, and the database unchanged.
fn judge_refusal(
    env: &Env,
    case: &Case,
    before: &(Vec<u8>, Option<Vec<u8>>, [u8; 32]),
    e: &Error,
    allowed: &[&str],
    text: &dyn Fn() -> String,
) -> Option<Verdict> {
    let message = e.to_string();
    if case.expect == Expect::Accept {
        return Some(Verdict::Wrong(format!(
            "afvist, skulle godtages: {message}"
        )));
    }
    if !allowed.contains(&e.code()) {
        return Some(Verdict::Wrong(format!("fejlart «{}»: {message}", e.code())));
    }
    if let Some(word) = targets::english(&message, text) {
        return Some(Verdict::Wrong(format!("engelsk «{word}»: {message}")));
    }
    if &env.snapshot() != before {
        return Some(Verdict::Changed(format!("databasen er ændret: {message}")));
    }
    None
}

fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    if bytes.len() > (1 << 20) {
        return String::new();
    }
    targets::sheet_text(&bytes)
}

// ---- catalogue ----

/// A catalogue through `Engine::import_file` (the automatic backup first), or streamed into
/// the same import.
pub fn catalogue_step(env: &Env, case: &Case) -> Verdict {
    let before = env.snapshot();
    let (result, text): (_, Box<dyn Fn() -> String>) = match &case.source {
        Source::File(path) => (env.engine.import_file(path, |_, _| {}), {
            let p = path.clone();
            Box::new(move || read_text(&p))
        }),
        Source::Made(make) => {
            let path = make(env.dir());
            (
                env.engine.import_file(&path, |_, _| {}),
                Box::new(move || read_text(&path)),
            )
        }
        Source::Stream(open) => (
            env.engine
                .with_db(|db| import::import(db, open(), "stor-beskrivelse.json")),
            Box::new(String::new),
        ),
    };
    match result {
        Ok(_) if case.expect == Expect::Accept => Verdict::Accepted,
        Ok(_) => Verdict::Wrong("godtaget, skulle afvises".into()),
        Err(e) => judge_refusal(env, case, &before, &e, &["rejected", "invalid"], &text)
            .unwrap_or(Verdict::Refused),
    }
}

/// The large catalogue inputs, made when they run.
pub fn catalogue_generated() -> Vec<Case> {
    vec![
        Case {
            name: "genereret/beskrivelse-300-mb".into(),
            expect: Expect::Refuse,
            source: Source::Stream(description_300_mb),
        },
        Case {
            name: "genereret/indlejring-100000".into(),
            expect: Expect::Refuse,
            source: Source::Made(|dir| {
                let text = String::from_utf8_lossy(targets::BASE_CATALOGUE).replacen(
                    "\"Testtilbud Kildevang.\"",
                    &format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
                    1,
                );
                write(dir, "indlejret.json", text.as_bytes())
            }),
        },
    ]
}

/// The base catalogue with Kildevang's description 300 MB long, produced as it is read.
fn description_300_mb() -> Box<dyn Read + Send> {
    let text = String::from_utf8_lossy(targets::BASE_CATALOGUE).into_owned();
    let (head, tail) = text
        .split_once("Testtilbud Kildevang.")
        .map(|(h, t)| (h.to_string(), t.to_string()))
        .unwrap();
    Box::new(
        std::io::Cursor::new(head.into_bytes())
            .chain(std::io::repeat(b'x').take(300 << 20))
            .chain(std::io::Cursor::new(tail.into_bytes())),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

// ---- rate sheets ----

/// A rate sheet through the window's preview and the CLI's import: both refuse alike, or
/// both accept.
pub fn ratesheet_step(env: &Env, case: &Case) -> Verdict {
    let path = match &case.source {
        Source::File(p) => p.clone(),
        Source::Made(make) => make(env.dir()),
        Source::Stream(_) => return Verdict::Wrong("en takstoversigt er altid en fil".into()),
    };
    let text = || read_text(&path);
    let before = env.snapshot();
    match env.engine.rates_preview(&path) {
        Ok(_) if case.expect == Expect::Refuse => {
            return Verdict::Wrong("forhåndsvisningen godtog, skulle afvise".into())
        }
        Ok(_) => {}
        Err(e) => {
            if let Some(v) = judge_refusal(env, case, &before, &e, &["rejected", "invalid"], &text)
            {
                return v;
            }
        }
    }
    match env.engine.rates_import(&path) {
        Ok(_) if case.expect == Expect::Accept => Verdict::Accepted,
        Ok(_) => Verdict::Wrong("importen gemte, skulle afvise".into()),
        Err(e) => judge_refusal(env, case, &before, &e, &["rejected", "invalid"], &text)
            .unwrap_or(Verdict::Refused),
    }
}

/// The large and crafted rate sheets, made when they run.
pub fn ratesheet_generated() -> Vec<Case> {
    let made = |name: &str, make: fn(&Path) -> PathBuf| Case {
        name: format!("genereret/{name}"),
        expect: Expect::Refuse,
        source: Source::Made(make),
    };
    vec![
        made("csv-100-mb", |dir| {
            let path = dir.join("stor.csv");
            let mut f = std::fs::File::create(&path).unwrap();
            f.write_all("Tilbuds-id;Paragraf;År;Takst\n".as_bytes())
                .unwrap();
            let row = b"K-1;108;2027;3.424,00\n";
            // 100 MB as a sparse file: the size is refused before a byte is read.
            f.write_all(&row.repeat(1_000)).unwrap();
            f.set_len(100_000_000).unwrap();
            path
        }),
        made("csv-20001-raekker", |dir| {
            let mut text = String::from("Tilbuds-id;Paragraf;År;Takst\n");
            for _ in 0..20_000 {
                text.push_str("X-9;108;2027;1.000,00\n");
            }
            write(dir, "mange.csv", text.as_bytes())
        }),
        made("xlsx-zip-bombe-48-mb", |dir| {
            write(dir, "bombe.xlsx", &bomb(48, None))
        }),
        made("xlsx-zip-bombe-erklaeret-2-5-gb", |dir| {
            write(dir, "bombe-stor.xlsx", &bomb(48, Some(2_684_354_560)))
        }),
        made("xlsx-zip-bombe-erklaeret-1-kb", |dir| {
            write(dir, "bombe-løgn.xlsx", &bomb(48, Some(1024)))
        }),
        made("xlsx-1001-dele", |dir| {
            write(dir, "dele.xlsx", &many_parts(1_001))
        }),
        made("xlsx-3-dele-paa-39-mb", |dir| {
            write(dir, "tre.xlsx", &big_parts(3, 39))
        }),
    ]
}

fn seed_workbook() -> Vec<u8> {
    std::fs::read(corpus_dir().join("ratesheet/good/takster.xlsx")).unwrap()
}

/// The seed workbook with its shared strings replaced by `megabytes` MB of one string
/// (about 1.000:1 compressed), its declared size optionally falsified.
fn bomb(megabytes: usize, declared: Option<u32>) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let xlsx = seed_workbook();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let f = src.by_index_raw(i).unwrap();
        if f.name().unwrap() != "xl/sharedStrings.xml" {
            out.raw_copy_file(f).unwrap();
        }
    }
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/sharedStrings.xml", options).unwrap();
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Tilbuds-id</t></si><si><t>").unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..megabytes {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"</t></si></sst>").unwrap();
    let mut bytes = out.finish().unwrap().into_inner();
    if let Some(size) = declared {
        declare_size(&mut bytes, b"xl/sharedStrings.xml", size);
    }
    bytes
}

/// Overwrites the uncompressed size of part `name` in its local header and in the central
/// directory.
fn declare_size(bytes: &mut [u8], name: &[u8], size: u32) {
    let mut i = 0;
    while i + 46 < bytes.len() {
        if bytes[i..].starts_with(b"PK\x03\x04") && bytes[i + 30..].starts_with(name) {
            bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        }
        if bytes[i..].starts_with(b"PK\x01\x02") && bytes[i + 46..].starts_with(name) {
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

/// The seed workbook with `n` extra empty parts.
fn many_parts(n: usize) -> Vec<u8> {
    extra_parts(n, 0)
}

/// The seed workbook with `n` extra parts of `megabytes` MB each.
fn big_parts(n: usize, megabytes: usize) -> Vec<u8> {
    extra_parts(n, megabytes)
}

fn extra_parts(n: usize, megabytes: usize) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(seed_workbook())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        out.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
    }
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let chunk = vec![0u8; 1 << 20];
    for i in 0..n {
        out.start_file(format!("xl/media/del{i}.bin"), options)
            .unwrap();
        for _ in 0..megabytes {
            out.write_all(&chunk).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

// ---- contracts ----

/// A contract case through the engine: evaluated, saved over the base draft, created as a
/// new draft and issued. A good case is issued; a bad one is never issued, and every step
/// that refuses leaves the database as it was.
pub fn contract_step(env: &Env, case: &Case) -> Verdict {
    let Source::File(path) = &case.source else {
        return Verdict::Wrong("en kontraktsag er altid en fil".into());
    };
    let Some((today, form)) = targets::contract_case(&std::fs::read(path).unwrap()) else {
        return Verdict::Wrong("filen er ikke en kontraktsag".into());
    };
    let typed = || serde_json::to_string(&form).unwrap_or_default();
    let e = &env.engine;
    let problems = match e.contract_evaluate(&form, today) {
        Ok(ev) => ev.problems.into_iter().map(|p| p.message).collect(),
        Err(err) => vec![err.to_string()],
    };
    for p in &problems {
        if let Some(word) = targets::english(p, &typed) {
            return Verdict::Wrong(format!("engelsk «{word}»: {p}"));
        }
    }
    match (case.expect, problems.is_empty()) {
        (Expect::Accept, false) => return Verdict::Wrong(format!("problemer: {problems:?}")),
        (Expect::Refuse, true) => return Verdict::Wrong("ingen problemer, skulle afvises".into()),
        _ => {}
    }
    let before = env.snapshot();
    if let Err(err) = e.contract_save(BASE_DRAFT, &form, today) {
        if let Some(v) = judge_refusal(env, case, &before, &err, CONTRACT, &typed) {
            return v;
        }
    }
    let before = env.snapshot();
    let id = match e.contract_create(&form, today) {
        Ok(view) => view.id,
        Err(err) => {
            return judge_refusal(env, case, &before, &err, CONTRACT, &typed)
                .unwrap_or(Verdict::Refused)
        }
    };
    issue(env, case, &id, today, &typed)
}

const CONTRACT: &[&str] = &["invalid", "refused", "not_found", "conflict"];

fn issue(
    env: &Env,
    case: &Case,
    id: &str,
    today: NaiveDate,
    typed: &dyn Fn() -> String,
) -> Verdict {
    let before = env.snapshot();
    match env.engine.contract_issue(id, today) {
        Ok(_) if case.expect == Expect::Accept => Verdict::Accepted,
        Ok(_) => Verdict::Wrong("udstedt, skulle afvises".into()),
        Err(err) => {
            judge_refusal(env, case, &before, &err, CONTRACT, typed).unwrap_or(Verdict::Refused)
        }
    }
}
