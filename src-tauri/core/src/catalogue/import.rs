//! Streaming import of a catalogue snapshot: every offer is checked as it streams past and
//! written inside one transaction; any problem rolls the whole import back, so the existing
//! catalogue stays untouched. Rates are upserted by (offer id, department, basis, year), so
//! rate history survives imports.
//!
//! A file imported from disk is read with each offer's JSON text fingerprinted (SHA-256).
//! When the file's context (format version, target-group tree) is the last import's, an offer
//! whose text is unchanged is taken over as it stands, neither parsed nor written; a changed
//! offer is written again under its row key, a new one added and one the file no longer has
//! removed, and the names are ranked again: the tables and the search index end as a fresh
//! import of the file leaves them (`tests/incremental_import.rs`). A refused file is read
//! again the classic way, so its problems are listed exactly as always.

use chrono::NaiveDate;
use rusqlite::Transaction;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use super::snapshot::{self, Consumer, Header, Item, Offer, Validator, STOPPED};
use super::store::{self, Digest};
use crate::error::{Error, Problem, Result};
use crate::search_fold::fold_text;
use crate::store::Db;
use crate::{audit, backup, geo, rates};

/// How many problems are listed before the import stops reading.
pub const MAX_PROBLEMS: usize = 25;

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub offers: usize,
    pub rates: usize,
    /// Rates of earlier rate sheets for offers this catalogue brought, taken into use, and
    /// the sentence that says so (none when there were none).
    pub sheet_rates: usize,
    pub sheet_rates_text: Option<String>,
    /// Against the last import, when its offers were taken over (an import from disk with the
    /// same format version and target-group tree): what the file changed, and the sentence
    /// that says so.
    pub changes: Option<Changes>,
    pub changes_text: Option<String>,
    pub extracted: NaiveDate,
    pub source: String,
    pub example: bool,
}

/// What an import that took the last import's offers over found in the file.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Changes {
    /// Offers whose text is as at the last import.
    pub unchanged: usize,
    /// Offers the last import had, with another text now.
    pub changed: usize,
    pub added: usize,
    /// Offers the last import had and this file has not.
    pub removed: usize,
}

impl Changes {
    fn text(&self) -> String {
        let n = |k: usize| crate::fmt::number(rust_decimal::Decimal::from(k), 0);
        format!(
            "Siden sidste katalog: {} tilbud ændret, {} nye, {} udgået og {} uændrede.",
            n(self.changed),
            n(self.added),
            n(self.removed),
            n(self.unchanged)
        )
    }
}

/// Reports bytes read so far, for a progress bar.
pub struct ProgressReader<R, F> {
    inner: R,
    read: u64,
    last_reported: u64,
    callback: F,
}

impl<R: Read, F: FnMut(u64)> ProgressReader<R, F> {
    pub fn new(inner: R, callback: F) -> Self {
        ProgressReader {
            inner,
            read: 0,
            last_reported: 0,
            callback,
        }
    }
}

impl<R: Read, F: FnMut(u64)> Read for ProgressReader<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if n == 0 || self.read - self.last_reported >= 256 * 1024 {
            self.last_reported = self.read;
            (self.callback)(self.read);
        }
        Ok(n)
    }
}

/// Imports the snapshot file at `path`. `progress` gets (bytes read, file size).
pub fn import_file(
    db: &mut Db,
    path: &Path,
    progress: impl FnMut(u64, u64) + Send,
) -> Result<ImportReport> {
    import_file_then(db, path, progress, &mut || Ok(()))
}

/// `import_file` with a last step before the commit; its error rolls the import back.
///
/// Each offer's text is fingerprinted. When the file's header says its context is the last
/// import's, the file is read into memory and the unchanged offers are taken over; else it
/// streams past and every offer is written (the least memory; the writing, not the reading,
/// sets the pace). Into an empty catalogue it streams past the classic way. A refused file
/// is read once more the classic way for its list of problems.
fn import_file_then(
    db: &mut Db,
    path: &Path,
    mut progress: impl FnMut(u64, u64) + Send,
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<ImportReport> {
    let open = || std::fs::File::open(path).map_err(|e| Error::io(path.display(), e));
    let file = open()?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let streamed = match store::is_loaded(db.conn())? {
        false => Some(Reading::Classic),
        true => (!takes_over(db, path, size)?).then_some(Reading::Fingerprinted),
    };
    let attempt = match streamed {
        Some(reading) => {
            let reader = ProgressReader::new(file, |read| progress(read, size));
            import_then(db, Input::Stream(reader, reading), &name, before_commit)
        }
        None => {
            // The checks of the stream (BOM, UTF-16, string lengths) apply as the file is
            // read in; a file they refuse is read the classic way below for the message.
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            match crate::input::JsonInput::new(std::io::BufReader::with_capacity(1 << 16, file))
                .read_to_end(&mut bytes)
            {
                Ok(_) => {
                    let mut progress = |done: u64| progress(done, size);
                    import_then(
                        db,
                        Input::<std::fs::File>::Memory(&bytes, &mut progress),
                        &name,
                        before_commit,
                    )
                }
                Err(e) => Err(rejected(
                    &name,
                    vec![Problem {
                        place: name.clone(),
                        message: crate::error::io_text(&e),
                    }],
                )),
            }
        }
    };
    // Only a refused file is read again; any other failure (the backup before the commit
    // above all) is the import's.
    match attempt {
        Err(Error::Rejected { .. }) if streamed != Some(Reading::Classic) => import_then(
            db,
            Input::Stream(open()?, Reading::Classic),
            &name,
            before_commit,
        ),
        done => done,
    }
}

/// Whether an import of the file at `path` will take offers over: its header (before
/// `offers`, in its first megabyte) gives the context the last import kept.
fn takes_over(db: &Db, path: &Path, size: u64) -> Result<bool> {
    let Some(stored) = store::offers_context(db.conn())? else {
        return Ok(false);
    };
    if size > IN_MEMORY_MAX {
        return Ok(false);
    }
    let mut start = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(1 << 20).read_to_end(&mut start));
    if read.is_err() {
        return Ok(false);
    }
    let header = crate::input::strip_bom(&start)
        .ok()
        .and_then(snapshot::peek_header);
    Ok(header.is_some_and(|(v, groups)| offers_context(v, &groups) == stored))
}

/// The largest catalogue file read into memory to take offers over; a larger one streams
/// past. Tilbudsportalen's whole country is about 10 MB in this format, the generated
/// 100.000 offers of the benchmark 160 MB.
const IN_MEMORY_MAX: u64 = 256 << 20;

/// Where the import reads the file from.
enum Input<'a, R> {
    /// Each offer read as it streams past, fingerprinted or not (`Reading`).
    Stream(R, Reading),
    /// The file in memory: each offer's text fingerprinted, and unchanged offers taken over.
    /// The callback gets the bytes passed.
    Memory(&'a [u8], &'a mut (dyn FnMut(u64) + Send)),
}

/// How the reading thread takes the file's offers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Each offer parsed; no fingerprints (the next import reads every offer). A refusal
    /// lists every problem up to `MAX_PROBLEMS`.
    Classic,
    /// Each offer's text fingerprinted first; stops at the first problem (the file is then
    /// read the classic way for the list).
    Fingerprinted,
}

/// Bumped when the import stores an offer's text differently, so that no offer stored the
/// old way is taken over.
const OFFERS_CONTEXT_VERSION: &str = "pladsoverblik-tilbud-1";

/// What every offer's rows depend on besides its own text.
fn offers_context(format_version: i64, groups: &[snapshot::TargetGroupRecord]) -> Vec<u8> {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    h.update(OFFERS_CONTEXT_VERSION.as_bytes());
    h.update(format!("\n{format_version}\n").as_bytes());
    // The tree as its JSON, field by field in a fixed order.
    h.update(serde_json::to_vec(groups).unwrap_or_default());
    h.finalize().to_vec()
}

/// An offer's fingerprint: the first 16 bytes of the SHA-256 of its JSON text.
fn digest_of(text: &str) -> Digest {
    use sha2::{Digest as _, Sha256};
    let full = Sha256::digest(text.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// Imports the snapshot file at `path` after an automatic backup of the database (nothing
/// for one in memory), as the app and `plads import-catalogue` do. The backup is removed
/// again when the file is refused; on success the caller keeps it (`backup::keep`) once the
/// rest of its step has succeeded.
pub fn import_file_backed_up(
    db: &mut Db,
    path: &Path,
    progress: impl FnMut(u64, u64) + Send,
) -> Result<(ImportReport, Option<backup::BackupFile>)> {
    // The copy is taken on a connection of its own while the import reads and writes (two
    // cores): it holds the database as it was before the import's one transaction, which is
    // not committed until the copy is complete and checked.
    let mut pending = backup::automatic_in_background(db, backup::Reason::CatalogueImport)?;
    let mut copy = None;
    let imported = import_file_then(db, path, progress, &mut || {
        if let Some(p) = pending.take() {
            copy = p.join()?;
        }
        Ok(())
    });
    // A refused file: wait for the copy and remove it again.
    let waited = pending.take().map(backup::Pending::join);
    match imported {
        Ok(report) => Ok((report, copy)),
        Err(e) => {
            for c in copy
                .iter()
                .chain(waited.and_then(|w| w.ok()).flatten().iter())
            {
                backup::discard(c);
            }
            Err(e)
        }
    }
}

/// Imports a snapshot from any reader; `file_name` is used in messages and the catalogue info.
/// Every offer is read and written (a reader cannot be read twice for a refusal's problems).
pub fn import<R: Read + Send>(db: &mut Db, reader: R, file_name: &str) -> Result<ImportReport> {
    import_then(
        db,
        Input::Stream(reader, Reading::Classic),
        file_name,
        &mut || Ok(()),
    )
}

fn import_then<R: Read + Send>(
    db: &mut Db,
    input: Input<R>,
    file_name: &str,
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<ImportReport> {
    let t0 = std::time::Instant::now();
    let mark = |what: &str| {
        if std::env::var_os("PLADSOVERBLIK_TIMING").is_some() {
            eprintln!("import: {what} efter {} ms", t0.elapsed().as_millis());
        }
    };
    // A page cache for the one large transaction that holds a 100.000-offer database (about
    // 125 MB; the default is 2 MB), so no page is spilled and read back while the tables and
    // the FTS index grow (5,5 → 4,7 s; peak RSS 104 → 162 MB). Set back afterwards.
    db.conn().pragma_update(None, "cache_size", -262_144)?;
    // A BOM is skipped, UTF-16 refused, and no string may grow past 1 MB as it streams.
    // serde_json reads a reader one byte at a time; only a `BufReader` on the outside hands
    // those bytes over from its buffer without a call through every reader below it.
    let input = match input {
        Input::Stream(reader, reading) => Input::Stream(
            std::io::BufReader::with_capacity(
                1 << 16,
                crate::input::JsonInput::new(std::io::BufReader::with_capacity(1 << 16, reader)),
            ),
            reading,
        ),
        Input::Memory(bytes, progress) => Input::Memory(bytes, progress),
    };
    let result = db.with_checkpoint_after(|db| {
        db.without_row_by_row_foreign_keys(|db| {
            import_in_transaction(db, input, file_name, &mark, before_commit)
        })
    });
    db.conn().pragma_update(None, "cache_size", -2000)?;
    result
}

fn import_in_transaction<R: Read + Send>(
    db: &mut Db,
    input: Input<R>,
    file_name: &str,
    mark: &dyn Fn(&str),
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<ImportReport> {
    let tx = db.conn_mut().transaction()?;
    // Offers are taken over only from memory; a stream fingerprints them for next time.
    let (reading, stored_context, known) = match input {
        Input::Stream(_, reading) => (reading, None, None),
        Input::Memory(..) => {
            let (context, known) = store::fingerprints(&tx)?;
            (Reading::Fingerprinted, context, Some(known))
        }
    };
    mark("fingeraftryk hentet");
    let mut importer = Importer::new(&tx)?;
    let checker = Checker::new(reading, stored_context, known);
    let (read, problems) = read_and_write(input, checker, &mut importer);
    mark("læst og skrevet");
    let header = importer.checked(read, problems?, file_name)?;
    mark("efterkontrol");
    importer.rank_names()?;
    mark("navneorden");
    // A rate sheet's rates kept for offers the catalogue here did not have yet (R4).
    let sheet_rates = rates::import::apply_pending(&tx, &importer.now)?;
    let report = ImportReport::of(&importer, &header, sheet_rates);
    store::set_meta(
        &tx,
        &header,
        &importer.now,
        file_name,
        importer.offers,
        importer.context.as_deref(),
    )?;
    audit::record(
        &tx,
        "catalogue.import",
        file_name,
        &serde_json::json!({
            "offers": report.offers,
            "rates": report.rates,
            "sheet_rates": report.sheet_rates,
            "extracted": report.extracted.to_string(),
        }),
    )?;
    let touched = importer
        .incremental
        .then(|| std::mem::take(&mut importer.touched));
    // Its prepared statements borrow the transaction.
    drop(importer);
    match touched {
        Some(keys) => store::check_foreign_keys_for(&tx, &keys)?,
        None => crate::store::check_foreign_keys(&tx)?,
    }
    mark("fremmednøgler");
    before_commit()?;
    mark("sikkerhedskopi færdig");
    tx.commit()?;
    mark("commit");
    Ok(report)
}

impl ImportReport {
    fn of(importer: &Importer, header: &Header, sheet_rates: usize) -> ImportReport {
        ImportReport {
            offers: importer.offers,
            rates: importer.rates,
            sheet_rates,
            sheet_rates_text: (sheet_rates > 0).then(|| {
                format!(
                    "{} fra tidligere indlæste takstoversigter for tilbud, kataloget nu har, er taget i brug.",
                    crate::fmt::count(sheet_rates, "takst", "takster")
                )
            }),
            changes: importer.incremental.then_some(importer.changes),
            changes_text: importer.incremental.then(|| importer.changes.text()),
            extracted: header.extracted,
            source: header.source.clone(),
            example: header.example,
        }
    }
}

fn rejected(file: &str, mut problems: Vec<Problem>) -> Error {
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    Error::Rejected {
        what: "Kataloget",
        file: file.to_string(),
        problems,
        more,
    }
}

/// code -> (label, parent)
type Groups = HashMap<String, (String, Option<String>)>;

/// How many checked offers may wait between the reading and the writing thread.
const QUEUE: usize = 256;

/// Reads and checks the file in a thread of its own while this one writes what it hands
/// over (two cores: JSON, checks and folding on one, SQLite on the other). Returns the
/// reader's result and its problems; a failure in writing stops the reader and comes back
/// as the error.
fn read_and_write<'a, R: Read + Send>(
    input: Input<'a, R>,
    mut checker: Checker<'a>,
    importer: &mut Importer,
) -> (std::result::Result<usize, Problem>, Result<Vec<Problem>>) {
    let (out, steps) = std::sync::mpsc::sync_channel::<Step>(QUEUE);
    // Written steps go back to be freed where they were made (3 % of the writer's time).
    let (done, spent) = std::sync::mpsc::channel::<Step>();
    checker.out = Some(out);
    checker.spent = Some(spent);
    std::thread::scope(|scope| {
        let reading = std::thread::Builder::new()
            .name("katalog-læs".into())
            .spawn_scoped(scope, move || {
                let read = match input {
                    Input::Stream(reader, _) => snapshot::read(reader, &mut checker),
                    Input::Memory(bytes, progress) => {
                        checker.progress = Some(Progress {
                            callback: progress,
                            start: bytes.as_ptr() as usize,
                            reported: 0,
                        });
                        let read = snapshot::read_slice(bytes, &mut checker);
                        if let Some(p) = &mut checker.progress {
                            (p.callback)(bytes.len() as u64);
                        }
                        read
                    }
                };
                (read, checker.problems)
            });
        let Ok(reading) = reading else {
            return (
                Ok(0),
                Err(Error::Internal(
                    "kunne ikke starte indlæsningen af kataloget".into(),
                )),
            );
        };
        let mut failed = None;
        while let Ok(mut step) = steps.recv() {
            if let Err(e) = importer.step(&mut step) {
                failed = Some(e);
                break;
            }
            // Once the reader has finished, the step is freed here.
            let _ = done.send(step);
        }
        // The reader stops at its next offer once nobody receives.
        drop(steps);
        match (reading.join(), failed) {
            (Ok((read, _)), Some(e)) => (read, Err(e)),
            (Ok((read, problems)), None) => (read, Ok(problems)),
            (Err(_), _) => (
                Ok(0),
                Err(Error::Internal(
                    "indlæsningen af kataloget stoppede uventet".into(),
                )),
            ),
        }
    })
}

/// What the reading thread hands to the writing one.
enum Step {
    /// `offers` begins: the old catalogue goes, unless its unchanged offers are taken over
    /// (`incremental`). `context`: what the offers' fingerprints hold for (none: no
    /// fingerprints are kept).
    Start {
        incremental: bool,
        context: Option<Vec<u8>>,
    },
    Offer(Box<Checked>),
    /// Offers whose text is as at the last import: (row key, place in the file, rates),
    /// handed over in batches (one wake-up of the writer per offer was a tenth of the
    /// reading).
    Same(Vec<Same>),
    End(Header),
}

/// An offer taken over: (row key, place in the file, rates).
type Same = (i64, usize, u32);

/// How many offers taken over are handed to the writer at a time.
const SAME_BATCH: usize = 4096;

/// A checked offer with its search text.
struct Checked {
    offer: Offer,
    text: SearchText,
    /// The name's `fmt::sort_key`, for the offers' alphabetical order.
    sort_key: Vec<u8>,
    /// Its place in the file (from 1).
    index: usize,
    /// Its text's fingerprint, when the file is read fingerprinted.
    digest: Option<Digest>,
}

enum SearchText {
    /// Name and body folded, the target groups' labels included.
    Folded { name: String, body: String },
    /// The target-group tree comes after the offers in this file: the labels are added at
    /// the end.
    Pending { body: String },
}

/// The reading side: checks each offer as it streams past and prepares its search text.
struct Checker<'p> {
    validator: Validator,
    problems: Vec<Problem>,
    groups: Option<Groups>,
    reading: Reading,
    /// The last import's context fingerprint, and its offers by fingerprint when they can be
    /// taken over (emptied when this file's context differs).
    stored_context: Option<Vec<u8>>,
    known: Option<store::Fingerprints>,
    /// Offers taken over, not yet handed to the writer.
    same: Vec<Same>,
    /// Reading from memory: how far, for a progress bar.
    progress: Option<Progress<'p>>,
    /// Set when the thread starts.
    out: Option<std::sync::mpsc::SyncSender<Step>>,
    /// Steps the writer is done with.
    spent: Option<std::sync::mpsc::Receiver<Step>>,
}

/// Bytes of the file passed, told from where an offer's text stands in it.
struct Progress<'p> {
    callback: &'p mut (dyn FnMut(u64) + Send),
    /// The address of the file's first byte.
    start: usize,
    reported: u64,
}

impl Progress<'_> {
    fn at(&mut self, text: &str) {
        let done = (text.as_ptr() as usize).saturating_sub(self.start) as u64;
        if done - self.reported.min(done) >= 256 * 1024 {
            self.reported = done;
            (self.callback)(done);
        }
    }
}

impl Consumer for Checker<'_> {
    fn item(&mut self, item: Item<'_>) -> std::result::Result<(), String> {
        if let Some(spent) = &self.spent {
            spent.try_iter().for_each(drop);
        }
        let step = match item {
            Item::OffersStart {
                format_version,
                target_groups,
            } => Some(self.start(format_version, target_groups)),
            Item::Offer(index, rec) => self
                .validator
                .offer(index, *rec, &mut self.problems)
                .map(|offer| Step::Offer(Box::new(self.checked(offer, index, None)))),
            Item::RawOffer(index, text) => self.raw_offer(index, text),
            Item::End(h) => Some(Step::End(h)),
        };
        self.send(step)?;
        // Read fingerprinted, the first problem ends the reading: the file is read again
        // the classic way for the whole list.
        let enough = match self.reading {
            Reading::Classic => MAX_PROBLEMS,
            Reading::Fingerprinted => 1,
        };
        if self.problems.len() >= enough {
            return Err(STOPPED.into());
        }
        Ok(())
    }

    fn raw_offers(&self) -> bool {
        self.reading == Reading::Fingerprinted
    }
}

impl Checker<'_> {
    fn new(
        reading: Reading,
        stored_context: Option<Vec<u8>>,
        known: Option<store::Fingerprints>,
    ) -> Self {
        Checker {
            validator: Validator::new(),
            problems: Vec::new(),
            groups: None,
            reading,
            stored_context,
            known,
            same: Vec::new(),
            progress: None,
            out: None,
            spent: None,
        }
    }

    /// Hands a step to the writer; the offers taken over go in batches, and before any
    /// other step.
    fn send(&mut self, step: Option<Step>) -> std::result::Result<(), String> {
        let Some(out) = &self.out else {
            return Ok(());
        };
        // The writer stopped (its error is the import's).
        let stopped = |_| STOPPED.to_string();
        if self.same.len() >= SAME_BATCH || (step.is_some() && !self.same.is_empty()) {
            out.send(Step::Same(std::mem::take(&mut self.same)))
                .map_err(stopped)?;
        }
        if let Some(step) = step {
            out.send(step).map_err(stopped)?;
        }
        Ok(())
    }

    /// `offers` begins: whether the unchanged offers can be taken over.
    fn start(
        &mut self,
        format_version: Option<i64>,
        target_groups: Option<Vec<snapshot::TargetGroupRecord>>,
    ) -> Step {
        self.groups = target_groups.as_deref().map(group_map);
        let context = match (self.reading, format_version, &target_groups) {
            (Reading::Fingerprinted, Some(v), Some(groups)) => Some(offers_context(v, groups)),
            _ => None,
        };
        let incremental =
            self.known.is_some() && context.is_some() && context == self.stored_context;
        if !incremental {
            self.known = None;
        }
        Step::Start {
            incremental,
            context,
        }
    }

    /// An offer as its text: taken over when the last import had the same text, else parsed
    /// and checked.
    fn raw_offer(&mut self, index: usize, text: &str) -> Option<Step> {
        if let Some(p) = &mut self.progress {
            p.at(text);
        }
        let digest = digest_of(text);
        // Removed, so that the same text twice in the file is parsed the second time and
        // refused as a repeated id.
        if let Some(f) = self.known.as_mut().and_then(|k| k.remove(&digest)) {
            if self.validator.unchanged(&f.id) {
                self.same.push((f.key, index, f.rates));
                return None;
            }
            self.problems.push(Problem {
                place: format!("tilbud nr. {index}"),
                message: format!("id «{}» findes allerede tidligere i filen", f.id),
            });
            return None;
        }
        match serde_json::from_str(text) {
            Ok(rec) => self
                .validator
                .offer(index, rec, &mut self.problems)
                .map(|offer| Step::Offer(Box::new(self.checked(offer, index, Some(digest))))),
            Err(e) => {
                self.problems
                    .push(snapshot::translate_json_error(&e, index));
                None
            }
        }
    }

    fn checked(&self, offer: Offer, index: usize, digest: Option<Digest>) -> Checked {
        let body = search_body(&offer);
        let text = match &self.groups {
            Some(groups) => SearchText::Folded {
                name: fold_text(&offer.record.name),
                body: fold_text(&format!(
                    "{body} \n {}",
                    group_labels(groups, &offer.record.target_groups)
                )),
            },
            None => SearchText::Pending { body },
        };
        let sort_key = crate::fmt::sort_key(&offer.record.name);
        Checked {
            offer,
            text,
            sort_key,
            index,
            digest,
        }
    }
}

/// The writing side: everything inside the import's one transaction.
struct Importer<'t> {
    tx: &'t Transaction<'t>,
    writer: store::Writer<'t>,
    rate_writer: rates::store::Upserter<'t>,
    header: Option<Header>,
    problems: Vec<Problem>,
    offers: usize,
    rates: usize,
    /// Offers read before the target-group tree: (row key, name, body, group codes).
    fts_pending: Vec<(i64, String, String, Vec<String>)>,
    /// Each written offer's name sort key with its place in the file and row key.
    names: Vec<(Vec<u8>, usize, i64)>,
    /// Offers taken over unchanged: row key -> place in the file.
    taken_over: HashMap<i64, usize>,
    /// The row key of every offer in the file, taken over or written (`incremental`).
    placed: Vec<i64>,
    /// The last import's unchanged offers are taken over.
    incremental: bool,
    /// Then the row keys of the offers written again, added or removed (the foreign-key
    /// check looks at their rows).
    touched: Vec<i64>,
    changes: Changes,
    /// The stored target-group tree, when offers are taken over (their old search text is
    /// made from it to delete it).
    stored_groups: Groups,
    /// What the offers' fingerprints hold for (`Step::Start`).
    context: Option<Vec<u8>>,
    now: String,
}

fn group_map(groups: &[snapshot::TargetGroupRecord]) -> Groups {
    groups
        .iter()
        .map(|g| (g.code.clone(), (g.label.clone(), g.parent.clone())))
        .collect()
}

impl<'t> Importer<'t> {
    fn new(tx: &'t Transaction<'t>) -> Result<Self> {
        Ok(Importer {
            tx,
            writer: store::Writer::new(tx)?,
            rate_writer: rates::store::Upserter::new(tx)?,
            header: None,
            problems: Vec::new(),
            offers: 0,
            rates: 0,
            fts_pending: Vec::new(),
            names: Vec::new(),
            taken_over: HashMap::new(),
            placed: Vec::new(),
            incremental: false,
            touched: Vec::new(),
            changes: Changes::default(),
            stored_groups: Groups::new(),
            context: None,
            now: audit::now_local(),
        })
    }

    fn step(&mut self, step: &mut Step) -> Result<()> {
        match step {
            Step::Start {
                incremental,
                context,
            } => {
                self.incremental = *incremental;
                self.context = context.take();
                // The old catalogue goes (inside the transaction) before the first new
                // offer, unless its unchanged offers are taken over.
                if *incremental {
                    self.stored_groups = stored_groups(self.tx)?;
                    Ok(())
                } else {
                    store::clear(self.tx)
                }
            }
            Step::Offer(checked) => self.insert(checked),
            Step::Same(batch) => {
                for &(key, index, rates) in batch.iter() {
                    self.taken_over.insert(key, index);
                    self.placed.push(key);
                    self.rates += rates as usize;
                }
                self.offers += batch.len();
                self.changes.unchanged += batch.len();
                Ok(())
            }
            Step::End(h) => self.end(h),
        }
    }

    fn end(&mut self, h: &Header) -> Result<()> {
        if self.incremental {
            // The tree is the last import's (it is part of the context); offers the file
            // no longer has go.
            self.remove_missing()?;
            self.header = Some(h.clone());
            return Ok(());
        }
        let before = self.problems.len();
        snapshot::check_target_groups(&h.target_groups, &mut self.problems);
        if self.problems.len() == before {
            store::insert_target_groups(self.tx, &h.target_groups)?;
        }
        let groups = group_map(&h.target_groups);
        for (key, name, body, codes) in std::mem::take(&mut self.fts_pending) {
            let full = format!("{body} \n {}", group_labels(&groups, &codes));
            self.writer.search_text(key, &name, &full)?;
        }
        self.header = Some(h.clone());
        Ok(())
    }

    /// Checks that need the whole file: free-place dates after the extraction date, and
    /// target-group codes missing from the tree.
    /// After the reading: every problem, the reader's first (in the file's order) and the
    /// writer's after them, plus the checks that need the whole file; the file's header when
    /// there is none, else the refusal naming them.
    fn checked(
        &mut self,
        read: std::result::Result<usize, Problem>,
        mut problems: Vec<Problem>,
        file_name: &str,
    ) -> Result<Header> {
        problems.append(&mut self.problems);
        self.problems = problems;
        if let Err(p) = read {
            if !p.message.ends_with(STOPPED) {
                self.problems.push(p);
            }
        }
        let Some(header) = self.header.take() else {
            return Err(rejected(file_name, std::mem::take(&mut self.problems)));
        };
        if self.offers == 0 && self.problems.is_empty() {
            self.problems.push(Problem {
                place: "offers".into(),
                message: "kataloget indeholder ingen tilbud".into(),
            });
        }
        self.deferred_checks(header.extracted)?;
        if !self.problems.is_empty() {
            return Err(rejected(file_name, std::mem::take(&mut self.problems)));
        }
        Ok(header)
    }

    fn deferred_checks(&mut self, extracted: NaiveDate) -> Result<()> {
        for (id, dept, basis, date) in store::free_dates_after(self.tx, extracted, MAX_PROBLEMS)? {
            let shown = NaiveDate::from_str(&date)
                .map(crate::fmt::date)
                .unwrap_or(date);
            self.problems.push(Problem {
                place: format!("tilbud «{id}», afdeling «{dept}», {basis}, felt free_as_of"),
                message: format!(
                    "datoen {shown} ligger efter katalogets udtræksdato {}",
                    crate::fmt::date(extracted)
                ),
            });
        }
        for (id, code) in store::unknown_target_groups(self.tx, MAX_PROBLEMS)? {
            self.problems.push(Problem {
                place: format!("tilbud «{id}», felt target_groups"),
                message: format!("målgruppen «{code}» findes ikke i filens målgruppetræ"),
            });
        }
        Ok(())
    }

    /// Taking over the last import's offers: those the file no longer has are removed.
    fn remove_missing(&mut self) -> Result<()> {
        let mut placed = std::mem::take(&mut self.placed);
        placed.sort_unstable();
        for key in store::offer_keys(self.tx)? {
            if placed.binary_search(&key).is_err() {
                self.remove(key)?;
                self.changes.removed += 1;
            }
        }
        Ok(())
    }

    /// Deletes an offer held before, its search text made from its rows and the stored tree.
    fn remove(&mut self, key: i64) -> Result<()> {
        self.touched.push(key);
        let groups = &self.stored_groups;
        self.writer
            .remove(key, &|src, codes| stored_body(src, groups, codes))
    }

    /// Every offer's place in Danish alphabetical order, ties in the file's order; the names
    /// of offers taken over are read from the tables.
    fn rank_names(&mut self) -> Result<()> {
        let mut names = std::mem::take(&mut self.names);
        if self.incremental {
            let taken_over = std::mem::take(&mut self.taken_over);
            store::each_offer_name(self.tx, |key, name| {
                if let Some(&index) = taken_over.get(&key) {
                    names.push((crate::fmt::sort_key(name), index, key));
                }
            })?;
        }
        // Its rows are written for offers taken over too.
        let written = store::rank_names(self.tx, names)?;
        if self.incremental {
            self.touched.extend(written);
        }
        Ok(())
    }

    fn insert(&mut self, checked: &mut Checked) -> Result<()> {
        let o = &checked.offer;
        let r = &o.record;
        // Taking over the last import's offers, a changed one is written again in place.
        let old = match self.incremental {
            true => self.writer.key_of(&r.id)?,
            false => None,
        };
        if let Some(old) = old {
            self.remove(old)?;
        }
        let key = self.writer.offer(o, old, checked.digest.as_ref())?;
        if self.incremental {
            self.placed.push(key);
            if old.is_none() {
                self.touched.push(key);
            }
            match old {
                Some(_) => self.changes.changed += 1,
                None => self.changes.added += 1,
            }
        }
        for rate in &o.rates {
            self.rate_writer
                .upsert(rate, rates::SOURCE_CATALOGUE, &self.now)?;
            self.rates += 1;
        }
        self.writer.buyers(&r.id, &o.buyers)?;
        match &checked.text {
            SearchText::Folded { name, body } => self.writer.search_text_folded(key, name, body)?,
            SearchText::Pending { body } => {
                self.fts_pending
                    .push((key, r.name.clone(), body.clone(), r.target_groups.clone()))
            }
        }
        self.names
            .push((std::mem::take(&mut checked.sort_key), checked.index, key));
        self.offers += 1;
        Ok(())
    }
}

/// The free text a search can find an offer by, besides its name and target groups.
fn search_body(o: &Offer) -> String {
    let r = &o.record;
    // In the order of their periods, as the table holds them.
    let mut operators: Vec<&snapshot::Operator> = o.operators.iter().collect();
    operators.sort_by_key(|op| op.valid_from);
    body_text(
        &r.description,
        &r.address.city,
        &r.address.street,
        o.municipality_code,
        operators.iter().map(|op| op.name.as_str()),
        r.departments.iter().map(|d| d.name.as_str()),
        o.places.iter().map(|p| p.basis),
    )
}

/// The body's parts in one order, from a file's offer or from the tables: description,
/// town, street, municipality, operators, departments, and each legal basis once.
fn body_text<'a>(
    description: &'a str,
    city: &'a str,
    street: &'a str,
    municipality_code: u16,
    operators: impl Iterator<Item = &'a str>,
    departments: impl Iterator<Item = &'a str>,
    bases: impl Iterator<Item = crate::catalogue::model::LegalBasis>,
) -> String {
    let mut parts: Vec<&str> = vec![description, city, street];
    if let Some(m) = geo::municipality(municipality_code) {
        parts.push(&m.name);
    }
    parts.extend(operators);
    parts.extend(departments);
    let mut bases: Vec<_> = bases.collect::<HashSet<_>>().into_iter().collect();
    bases.sort();
    for b in &bases {
        parts.push(b.label());
        parts.push(b.description());
    }
    parts.join(" \n ")
}

/// Builds the search text index again from the catalogue's tables (a schema upgrade that
/// changes how the index folds text): the same name and body an import writes.
pub(crate) fn rebuild_search_text(conn: &rusqlite::Connection) -> Result<()> {
    let groups = stored_groups(conn)?;
    let mut links: Vec<(i64, String)> = Vec::new();
    store::each_target_group_link(conn, |key, code| {
        links.push((key, code.to_string()));
        Ok(())
    })?;
    let mut next = 0;
    store::clear_fts(conn)?;
    let mut writer = store::SearchTextWriter::new(conn)?;
    store::each_fts_source(conn, |src| {
        while links.get(next).is_some_and(|(k, _)| *k < src.key) {
            next += 1;
        }
        let mut codes = Vec::new();
        while let Some((k, code)) = links.get(next) {
            if *k != src.key {
                break;
            }
            codes.push(code.clone());
            next += 1;
        }
        writer.write(src.key, src.name, &stored_body(&src, &groups, &codes))
    })
}

/// The search text body of an offer as its rows in the tables make it: exactly the text the
/// import wrote (`search_body` and `group_labels` take operators, departments, bases and
/// target groups in the tables' order), so that it can be deleted from the index again.
fn stored_body(src: &store::FtsSource, groups: &Groups, codes: &[String]) -> String {
    let body = body_text(
        src.description,
        src.city,
        src.street,
        src.municipality_code,
        src.operators.split('\n').filter(|s| !s.is_empty()),
        src.departments.split('\n').filter(|s| !s.is_empty()),
        src.bases
            .split('\n')
            .filter_map(crate::catalogue::model::LegalBasis::from_code),
    );
    format!("{body} \n {}", group_labels(groups, codes))
}

/// The target-group tree stored with the catalogue.
fn stored_groups(conn: &rusqlite::Connection) -> Result<Groups> {
    Ok(store::target_groups(conn)?
        .into_iter()
        .map(|(code, parent, label)| (code, (label, parent)))
        .collect())
}

/// Target-group labels with their ancestors, so "udviklingshæmning" or "intellektuel" finds
/// the offers of every subgroup. The codes are taken in their sorted order, as the table
/// holds them.
fn group_labels(groups: &Groups, codes: &[String]) -> String {
    let mut codes: Vec<&String> = codes.iter().collect();
    codes.sort_unstable();
    codes.dedup();
    let mut labels: Vec<&str> = Vec::new();
    for code in codes {
        let mut cur = Some(code.as_str());
        let mut depth = 0;
        while let (Some(c), true) = (cur, depth < 16) {
            depth += 1;
            match groups.get(c) {
                Some((label, parent)) => {
                    if !labels.contains(&label.as_str()) {
                        labels.push(label);
                    }
                    cur = parent.as_deref();
                }
                None => break,
            }
        }
    }
    labels.join(" \n ")
}
