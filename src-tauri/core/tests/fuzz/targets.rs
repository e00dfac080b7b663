//! The fuzz targets, shared by the stable replay harness (`main.rs`), the regression corpus
//! (`corpus.rs`) and the nightly cargo-fuzz targets (`/fuzz`, included by path): one input
//! through the real reader, and the checks every input must pass. A target never panics by
//! itself: what it finds is returned as `Fault`s. A panic inside the core is the caller's to
//! catch (`catch_unwind` in the harness, a crash for libFuzzer).
//!
//! Every refusal must be of a clean kind (`Error::Rejected`/`Invalid` for the readers), say
//! what is wrong in Danish, and leave the database exactly as it was (a dump of every table,
//! `fingerprint`); an accepted input must leave a database that is whole and still works.

#![allow(dead_code)]

use chrono::NaiveDate;
use pladsoverblik_core::catalogue::import;
use pladsoverblik_core::contracts::{self, ContractForm};
use pladsoverblik_core::placement::{self, Closing, Need, NewCheck, Rejection};
use pladsoverblik_core::rates::import as ratesheet;
use pladsoverblik_core::search::SearchIndex;
use pladsoverblik_core::store::Db;
use pladsoverblik_core::{catalogue::model::LegalBasis, settings, Error};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;

/// The catalogue every target starts from: the core tests' small fixture (7 offers).
pub const BASE_CATALOGUE: &[u8] = include_bytes!("../fixtures/small.json");

/// The day the contract targets are judged on unless a case says otherwise.
pub fn base_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

/// The closed public-first check the base database holds (for the private offer P-2).
pub const BASE_CHECK: &str = "A-2026-0001";
/// The draft the base database holds (the base form), for `save_draft`.
pub const BASE_DRAFT: &str = "K-2026-0001";

/// What kind of thing went wrong with one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// A message with English words, or without a Danish one.
    English,
    /// A refusal of a kind the door must not give (a database or internal error for a bad
    /// file, say).
    Unclean,
    /// A refusal that changed the database.
    DatabaseChanged,
    /// The connection was left inside a transaction.
    OpenTransaction,
    /// Anything else that breaks a promise: an accepted file the app then cannot use, a
    /// preview and an import that disagree, a draft that does not open.
    Broken,
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub kind: FaultKind,
    pub detail: String,
}

/// The result of one input.
#[derive(Debug, Default)]
pub struct Run {
    /// Steps that stored or accepted the input.
    pub accepted: u32,
    /// Steps that refused it.
    pub refused: u32,
    pub faults: Vec<Fault>,
    /// Every message shown to the user (refusals and a contract's problems), for the
    /// harness's sense of novelty.
    pub messages: Vec<String>,
}

impl Run {
    fn fault(&mut self, kind: FaultKind, detail: impl Into<String>) {
        self.faults.push(Fault {
            kind,
            detail: detail.into(),
        });
    }

    /// A refusal: its kind must be one of `allowed`, its message Danish.
    fn refusal(&mut self, step: &str, e: &Error, allowed: &[&str], input: &dyn Fn() -> String) {
        self.refused += 1;
        let message = e.to_string();
        if !allowed.contains(&e.code()) {
            self.fault(
                FaultKind::Unclean,
                format!("{step}: fejlart «{}»: {message}", e.code()),
            );
        }
        self.message(step, message, input);
    }

    /// A message the user sees: it must be Danish.
    fn message(&mut self, step: &str, message: String, input: &dyn Fn() -> String) {
        if let Some(word) = english(&message, input) {
            self.fault(FaultKind::English, format!("{step}: «{word}» i: {message}"));
        }
        self.messages.push(message);
    }

    /// Whether the step did not change the database (and left no transaction open).
    fn unchanged(&mut self, step: &str, conn: &Connection, before: &[u8; 32]) {
        if !conn.is_autocommit() {
            self.fault(
                FaultKind::OpenTransaction,
                format!("{step}: en transaktion står åben"),
            );
        }
        match fingerprint(conn) {
            Ok(after) if &after == before => {}
            Ok(_) => self.fault(
                FaultKind::DatabaseChanged,
                format!("{step}: databasen er ændret"),
            ),
            Err(e) => self.fault(
                FaultKind::Broken,
                format!("{step}: databasen kan ikke læses: {e}"),
            ),
        }
    }
}

/// Words that give away an English message (whole words, any case; `_` joins a word, so a
/// field name such as `free_as_of` is one word). A word the input itself contains is not
/// counted (messages quote what they refuse).
pub const ENGLISH: &[&str] = &[
    "error",
    "errors",
    "invalid",
    "expected",
    "failed",
    "failure",
    "found",
    "missing",
    "unexpected",
    "unknown",
    "duplicate",
    "trailing",
    "overflow",
    "unsupported",
    "denied",
    "constraint",
    "panicked",
    "eof",
    "eocd",
    "the",
    "not",
    "of",
    "column",
    "value",
    "string",
    "such",
    "file",
    "archive",
];

/// A Danish message has one of these words, or one of the letters æ, ø, å.
const DANISH: &[&str] = &[
    "er", "ikke", "og", "en", "et", "den", "det", "de", "i", "på", "til", "skal", "kan", "må",
    "har", "af", "med", "fra", "for", "som", "eller", "ved", "om", "at", "der", "efter", "over",
    "under", "mindst", "højst", "fx", "findes", "mangler", "ligger", "linje", "række", "felt",
    "kolonne", "filen", "tekst", "ugyldig", "ugyldigt", "intet", "dato", "skriv", "vælg",
];

/// The first English word of `message` (outside «quotes») that the input does not contain,
/// or a note that the message has no Danish word at all; `None` for a Danish message.
pub fn english(message: &str, input: &dyn Fn() -> String) -> Option<String> {
    let own = unquoted(message).to_lowercase();
    let words: Vec<&str> = own
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .collect();
    let danish = words.iter().any(|w| DANISH.contains(w)) || own.contains(['æ', 'ø', 'å']);
    if message.trim().is_empty() || !danish {
        return Some("ingen danske ord".into());
    }
    let suspects: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| ENGLISH.contains(w))
        .collect();
    let phrase = own.contains(" at line ");
    if suspects.is_empty() && !phrase {
        return None;
    }
    let text = input().to_lowercase();
    let typed: HashSet<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .collect();
    if phrase && !text.contains(" at line ") {
        return Some("at line".into());
    }
    suspects
        .into_iter()
        .find(|w| !typed.contains(w))
        .map(str::to_string)
}

/// `message` without the parts in «quotes» (what the user typed, quoted back).
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut depth = 0usize;
    for c in message.chars() {
        match c {
            '«' => depth += 1,
            '»' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A digest of everything the database holds: the schema, every row of every table (rows
/// sorted, so only content counts), and the schema version.
pub fn fingerprint(conn: &Connection) -> rusqlite::Result<[u8; 32]> {
    let mut hash = Sha256::new();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    hash.update(version.to_le_bytes());
    let mut tables = Vec::new();
    {
        let mut st =
            conn.prepare("SELECT name, ifnull(sql, '') FROM sqlite_master ORDER BY type, name")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            let sql: String = r.get(1)?;
            hash.update(name.as_bytes());
            hash.update(sql.as_bytes());
            if sql.starts_with("CREATE TABLE") {
                tables.push(name);
            }
        }
    }
    for table in tables {
        hash.update(table_digest(conn, &table)?);
    }
    Ok(hash.finalize().into())
}

fn table_digest(conn: &Connection, table: &str) -> rusqlite::Result<[u8; 32]> {
    let mut st = conn.prepare(&format!("SELECT * FROM \"{}\"", table.replace('"', "\"\"")))?;
    let n = st.column_count();
    let mut rows = st.query([])?;
    let mut all: Vec<Vec<u8>> = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::new();
        for i in 0..n {
            match r.get_ref(i)? {
                ValueRef::Null => row.push(0),
                ValueRef::Integer(v) => {
                    row.push(1);
                    row.extend(v.to_le_bytes());
                }
                ValueRef::Real(v) => {
                    row.push(2);
                    row.extend(v.to_le_bytes());
                }
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    row.push(3);
                    row.extend((t.len() as u64).to_le_bytes());
                    row.extend(t);
                }
            }
        }
        all.push(row);
    }
    all.sort();
    let mut hash = Sha256::new();
    for row in all {
        hash.update(row);
    }
    Ok(hash.finalize().into())
}

/// Copies `from` over `to` (SQLite's backup API): the pristine state back after an input
/// was accepted.
pub fn restore(from: &Db, to: &mut Db) -> rusqlite::Result<()> {
    let backup = rusqlite::backup::Backup::new(from.conn(), to.conn_mut())?;
    backup.run_to_completion(1 << 20, std::time::Duration::ZERO, None)
}

/// A database in memory at the latest schema holding `catalogue`.
pub fn catalogue_db(catalogue: &[u8]) -> Result<Db, Error> {
    let mut db = Db::open_in_memory()?;
    import::import(&mut db, catalogue, "grundkatalog.json")?;
    Ok(db)
}

/// A working copy and its pristine original, with the original's fingerprint.
pub struct Pair {
    pub db: Db,
    pub pristine: Db,
    pub print: [u8; 32],
}

impl Pair {
    pub fn new(pristine: Db) -> Result<Pair, String> {
        let mut db = Db::open_in_memory().map_err(|e| e.to_string())?;
        restore(&pristine, &mut db).map_err(|e| e.to_string())?;
        let print = fingerprint(db.conn()).map_err(|e| e.to_string())?;
        Ok(Pair {
            db,
            pristine,
            print,
        })
    }

    /// Back to the pristine state after an accepted input.
    fn reset(&mut self, run: &mut Run) {
        if let Err(e) = restore(&self.pristine, &mut self.db) {
            run.fault(
                FaultKind::Broken,
                format!("databasen kunne ikke sættes tilbage: {e}"),
            );
        }
    }

    /// Checks a database that accepted an input: whole, every reference resolved, and the
    /// search index builds (the app builds it after every import).
    fn accepted_whole(&self, run: &mut Run, today: NaiveDate) {
        let conn = self.db.conn();
        let integrity: rusqlite::Result<String> =
            conn.query_row("PRAGMA integrity_check", [], |r| r.get(0));
        if !matches!(integrity.as_deref(), Ok("ok")) {
            run.fault(FaultKind::Broken, format!("integrity_check: {integrity:?}"));
        }
        let dangling = conn
            .prepare("PRAGMA foreign_key_check")
            .and_then(|mut st| st.query([])?.next().map(|r| r.is_some()));
        if !matches!(dangling, Ok(false)) {
            run.fault(
                FaultKind::Broken,
                "foreign_key_check finder henvisninger, der ikke findes",
            );
        }
        if let Err(e) = SearchIndex::build(conn, today) {
            run.fault(
                FaultKind::Broken,
                format!("søgeindekset kan ikke bygges: {e}"),
            );
        }
    }
}

fn lossy(bytes: &[u8]) -> impl Fn() -> String + '_ {
    move || String::from_utf8_lossy(bytes).into_owned()
}

/// The catalogue reader and import (`catalogue::import::import`, what `plads
/// import-catalogue` and the window call after the automatic backup).
pub struct CatalogueTarget {
    pair: Pair,
    dir: tempfile::TempDir,
}

impl CatalogueTarget {
    /// The base catalogue imported a second time from a file, so its offers are fingerprinted
    /// and an input with its header is read from memory to take offers over (another header
    /// streams past).
    pub fn new() -> Result<CatalogueTarget, String> {
        let mut db = catalogue_db(BASE_CATALOGUE).map_err(|e| e.to_string())?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let base = dir.path().join("grundkatalog.json");
        std::fs::write(&base, BASE_CATALOGUE).map_err(|e| e.to_string())?;
        import::import_file(&mut db, &base, |_, _| {}).map_err(|e| e.to_string())?;
        Ok(CatalogueTarget {
            pair: Pair::new(db)?,
            dir,
        })
    }

    /// The input imported as a file, as the app and `plads import-catalogue` do.
    pub fn run(&mut self, input: &[u8]) -> Run {
        let mut run = Run::default();
        let path = self.dir.path().join("indlæst.json");
        if let Err(e) = std::fs::write(&path, input) {
            run.fault(FaultKind::Broken, format!("filen kunne ikke skrives: {e}"));
            return run;
        }
        match import::import_file(&mut self.pair.db, &path, |_, _| {}) {
            Ok(_) => {
                run.accepted += 1;
                self.pair.accepted_whole(&mut run, base_today());
                self.pair.reset(&mut run);
            }
            Err(e) => {
                run.refusal("import", &e, &["rejected", "invalid"], &lossy(input));
                run.unchanged("import", self.pair.db.conn(), &self.pair.print);
            }
        }
        run
    }
}

/// The rate-sheet reader, CSV and `.xlsx` (`rates::import::preview` as the window calls it,
/// then `import` as `plads rates import` does).
pub struct RateSheetTarget {
    pair: Pair,
    dir: tempfile::TempDir,
}

impl RateSheetTarget {
    pub fn new() -> Result<RateSheetTarget, String> {
        let db = catalogue_db(BASE_CATALOGUE).map_err(|e| e.to_string())?;
        Ok(RateSheetTarget {
            pair: Pair::new(db)?,
            dir: tempfile::tempdir().map_err(|e| e.to_string())?,
        })
    }

    /// `name` decides the file's extension (`takster.csv`, `takster.xlsx`).
    pub fn run(&mut self, name: &str, input: &[u8]) -> Run {
        let mut run = Run::default();
        let path = self.dir.path().join(name);
        if let Err(e) = std::fs::write(&path, input) {
            run.fault(FaultKind::Broken, format!("filen kunne ikke skrives: {e}"));
            return run;
        }
        let text = || sheet_text(input);
        let conn = self.pair.db.conn();
        let preview = ratesheet::preview(conn, &path);
        let import = match &preview {
            Ok(_) => None,
            Err(e) => {
                run.refusal("preview", e, &["rejected", "invalid"], &text);
                run.unchanged("preview", conn, &self.pair.print);
                Some(e.to_string())
            }
        };
        match (ratesheet::import(conn, &path), import) {
            (Ok(applied), None) => {
                run.accepted += 1;
                if preview.is_ok_and(|p| p.lines != applied.lines) {
                    run.fault(
                        FaultKind::Broken,
                        "importen gemte andet end forhåndsvisningen",
                    );
                }
                self.pair.accepted_whole(&mut run, base_today());
                self.pair.reset(&mut run);
            }
            (Ok(_), Some(refused)) => {
                run.fault(
                    FaultKind::Broken,
                    format!("forhåndsvisningen afviste, importen gemte: {refused}"),
                );
                self.pair.reset(&mut run);
            }
            (Err(e), refused) => {
                if refused.as_deref() != Some(e.to_string().as_str()) {
                    run.fault(
                        FaultKind::Broken,
                        format!(
                            "forhåndsvisningen godtog eller sagde andet, importen afviste: {e}"
                        ),
                    );
                }
                run.unchanged("import", conn, &self.pair.print);
            }
        }
        std::fs::remove_file(&path).ok();
        run
    }
}

/// The text of a sheet for the English check: the file as text, or for an `.xlsx` the text of
/// its parts.
pub fn sheet_text(input: &[u8]) -> String {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(input)) else {
        return String::from_utf8_lossy(input).into_owned();
    };
    let mut text = String::new();
    for i in 0..zip.len().min(64) {
        if let Ok(part) = zip.by_index(i) {
            let mut bytes = Vec::new();
            use std::io::Read;
            if part.take(8 << 20).read_to_end(&mut bytes).is_ok() {
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    text
}

/// A contract case as the corpus and the fuzzers write it: `{"today": "2026-11-24", "form":
/// {…}}`, the form's fields over the base form (`base_form`). A value may be `{"repeat": "Å",
/// "times": 50000}` (also for `addons`, with an add-on to repeat), so long inputs stay small
/// files.
pub fn contract_case(bytes: &[u8]) -> Option<(NaiveDate, ContractForm)> {
    let case: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let today = match case.get("today") {
        None => base_today(),
        Some(t) => t.as_str()?.parse().ok()?,
    };
    let mut form = serde_json::to_value(base_form()).ok()?;
    if let Some(fields) = case.get("form").and_then(|f| f.as_object()) {
        for (key, value) in fields {
            form[key] = expand(value)?;
        }
    }
    Some((today, serde_json::from_value(form).ok()?))
}

/// The most `times` a case may repeat a value.
const MAX_REPEAT: u64 = 1_000_000;

fn expand(value: &serde_json::Value) -> Option<serde_json::Value> {
    use serde_json::Value;
    let (Some(what), Some(times)) = (value.get("repeat"), value.get("times")) else {
        return Some(value.clone());
    };
    let times = times.as_u64().filter(|t| *t <= MAX_REPEAT)?;
    Some(match what {
        Value::String(s) => Value::String(s.repeat(times as usize)),
        other => Value::Array(vec![other.clone(); times as usize]),
    })
}

/// The base form: Kildevang (K-1) under the buyer's agreement, issuable as it is on
/// `base_today()`.
pub fn base_form() -> ContractForm {
    ContractForm {
        offer_id: "K-1".into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        buyer_ean: "5798000000001".into(),
        buyer_contact: "Karen Jensen, 4631 0000".into(),
        provider_ean: "5790000000005".into(),
        citizen_name: "Søren Ærø Åberg".into(),
        citizen_cpr: "010190-1234".into(),
        intervention: "Længerevarende botilbud med døgndækning.".into(),
        goals: "Mestre egen økonomi\nDeltage i beskæftigelse".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        followups: "01.03.2027".into(),
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "30".into(),
        closure: "Ved lukning varsles køber med leverandørens opsigelsesvarsel.".into(),
        ..Default::default()
    }
}

/// A form of the core's from JSON, for the contract database's setup.
fn setup<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("kontraktdatabasen kan ikke bygges: {e}")))
}

/// The contract database: the base catalogue with Kildevang's rates for 2027 and 2028, a
/// closed check that justifies the private offer P-2 (`BASE_CHECK`), the PL rate for 2027,
/// and a draft of the base form (`BASE_DRAFT`).
pub fn contract_db() -> Result<Db, Error> {
    let mut catalogue: serde_json::Value = serde_json::from_slice(BASE_CATALOGUE)
        .map_err(|_| Error::Internal("grundkataloget kan ikke læses".into()))?;
    for (year, amount) in [(2027, "3300.00"), (2028, "3400.00")] {
        if let Some(rates) = catalogue["offers"][0]["rates"].as_array_mut() {
            rates.push(serde_json::json!({"basis": "SEL-108", "year": year, "amount": amount, "unit": "dag", "vat_pct": "0"}));
        }
    }
    let db = catalogue_db(catalogue.to_string().as_bytes())?;
    let today = base_today();
    let conn = db.conn();
    let index = SearchIndex::build(conn, today)?;
    let need = Need {
        legal_basis: LegalBasis::Sel108,
        target_group: "FN.P.IK.AU".into(),
        age: 36,
        home_municipality: 265,
        wanted_start: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
    };
    // Built from JSON, so a field added to these forms later (with a default) needs no change.
    let new_check: NewCheck = setup(serde_json::json!({
        "kind": "privat",
        "need": serde_json::to_value(need).map_err(|e| Error::Internal(e.to_string()))?,
        "radius_km": 0,
    }))?;
    let check = placement::create(conn, &index, &new_check, today)?;
    for c in &check.candidates {
        let rejection: Rejection = setup(serde_json::json!({
            "offer_id": c.offer_id,
            "reason": "afslaaet_af_tilbuddet",
            "note": "Tilbuddet kan ikke tage borgeren ind.",
            "decided_by": "Lone Leder",
        }))?;
        placement::reject(conn, &check.id, &rejection, today)?;
    }
    let closing: Closing = setup(serde_json::json!({ "conclusion": "privat_begrundet" }))?;
    placement::close(conn, &check.id, &closing, today)?;
    settings::set(conn, "pl_rate_2027", "2,9")?;
    contracts::create_draft(conn, &base_form(), today)?;
    Ok(db)
}

/// The contract form: `contracts::evaluate`, `save_draft` over the base draft, `create_draft`,
/// and `issue` when the form has no problems.
pub struct ContractTarget {
    pair: Pair,
}

/// What a contract step may refuse with; a database or internal error is not a clean answer
/// to a form.
const CONTRACT_REFUSALS: &[&str] = &["invalid", "refused", "not_found", "conflict"];

impl ContractTarget {
    pub fn new() -> Result<ContractTarget, String> {
        let db = contract_db().map_err(|e| e.to_string())?;
        Ok(ContractTarget {
            pair: Pair::new(db)?,
        })
    }

    /// Runs a case's bytes (`contract_case`); bytes that are no case are skipped (`None`).
    pub fn run_bytes(&mut self, input: &[u8]) -> Option<Run> {
        let (today, form) = contract_case(input)?;
        Some(self.run(&form, today))
    }

    pub fn run(&mut self, form: &ContractForm, today: NaiveDate) -> Run {
        let mut run = Run::default();
        let typed = || form_text(form);
        let issuable = self.evaluate(&mut run, form, today, &typed);
        self.save(&mut run, form, today, &typed);
        self.create(&mut run, form, today, issuable, &typed);
        run
    }

    /// The evaluation: never a panic; every problem Danish. Whether it found no problem.
    fn evaluate(
        &self,
        run: &mut Run,
        form: &ContractForm,
        today: NaiveDate,
        typed: &dyn Fn() -> String,
    ) -> bool {
        match contracts::evaluate(self.pair.db.conn(), form, today) {
            Ok(e) => {
                for p in &e.problems {
                    run.message("evaluate", p.message.clone(), typed);
                }
                if e.problems.is_empty() && e.data.is_none() {
                    run.fault(
                        FaultKind::Broken,
                        "ingen problemer, men heller ingen kontrakt",
                    );
                }
                e.problems.is_empty()
            }
            Err(e) => {
                run.refusal("evaluate", &e, &["invalid"], typed);
                false
            }
        }
    }

    /// The form saved over the base draft: stored (and the draft opens) or refused unchanged.
    fn save(
        &mut self,
        run: &mut Run,
        form: &ContractForm,
        today: NaiveDate,
        typed: &dyn Fn() -> String,
    ) {
        let conn = self.pair.db.conn();
        match contracts::save_draft(conn, BASE_DRAFT, form, today) {
            Ok(view) => {
                run.accepted += 1;
                if view.form != *form {
                    run.fault(FaultKind::Broken, "kladden gemte ikke det indtastede");
                }
                self.pair.reset(run);
            }
            Err(e) => {
                run.refusal("save_draft", &e, CONTRACT_REFUSALS, typed);
                run.unchanged("save_draft", conn, &self.pair.print);
            }
        }
    }

    /// A new draft from the form: stored (it opens, and is issued or refused cleanly when it
    /// has no problems) or refused unchanged.
    fn create(
        &mut self,
        run: &mut Run,
        form: &ContractForm,
        today: NaiveDate,
        issuable: bool,
        typed: &dyn Fn() -> String,
    ) {
        let conn = self.pair.db.conn();
        let view = match contracts::create_draft(conn, form, today) {
            Ok(view) => view,
            Err(e) => {
                run.refusal("create_draft", &e, CONTRACT_REFUSALS, typed);
                run.unchanged("create_draft", conn, &self.pair.print);
                return;
            }
        };
        run.accepted += 1;
        if let Err(e) = contracts::load(conn, &view.id, today) {
            run.fault(FaultKind::Broken, format!("kladden kan ikke åbnes: {e}"));
        }
        if view.form != *form {
            run.fault(FaultKind::Broken, "kladden gemte ikke det indtastede");
        }
        if issuable {
            match fingerprint(conn) {
                Ok(before) => match contracts::issue(conn, &view.id, today) {
                    Ok(_) => run.accepted += 1,
                    Err(e) => {
                        run.refusal("issue", &e, CONTRACT_REFUSALS, typed);
                        run.unchanged("issue", conn, &before);
                    }
                },
                Err(e) => run.fault(FaultKind::Broken, format!("databasen kan ikke læses: {e}")),
            }
        }
        self.pair.reset(run);
    }

    /// The working database (the corpus test reads it).
    pub fn db(&self) -> &Db {
        &self.pair.db
    }
}

/// The values of a form, for the English check (what the user typed may be quoted back).
fn form_text(form: &ContractForm) -> String {
    form.texts()
        .into_iter()
        .map(|(_, _, value, _)| value)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `db` to a file (the corpus test opens it as the app would).
pub fn write_db(db: &Db, path: &Path) -> Result<(), String> {
    db.conn()
        .backup(
            rusqlite::MAIN_DB,
            path,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| e.to_string())
}
