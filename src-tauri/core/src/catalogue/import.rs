//! Streaming import of a catalogue snapshot: every offer is checked as it streams past and
//! written inside one transaction; any problem rolls the whole import back, so the existing
//! catalogue stays untouched. Rates are upserted by (offer id, department, basis, year), so
//! rate history survives imports.

use chrono::NaiveDate;
use rusqlite::Transaction;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use super::snapshot::{self, Consumer, Header, Item, Offer, Validator, STOPPED};
use super::store;
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
    pub extracted: NaiveDate,
    pub source: String,
    pub example: bool,
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
fn import_file_then(
    db: &mut Db,
    path: &Path,
    mut progress: impl FnMut(u64, u64) + Send,
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<ImportReport> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let reader = ProgressReader::new(file, |read| progress(read, size));
    import_then(db, reader, &name, before_commit)
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
pub fn import<R: Read + Send>(db: &mut Db, reader: R, file_name: &str) -> Result<ImportReport> {
    import_then(db, reader, file_name, &mut || Ok(()))
}

fn import_then<R: Read + Send>(
    db: &mut Db,
    reader: R,
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
    let reader = std::io::BufReader::with_capacity(
        1 << 16,
        crate::input::JsonInput::new(std::io::BufReader::with_capacity(1 << 16, reader)),
    );
    let result = db.with_checkpoint_after(|db| {
        db.without_row_by_row_foreign_keys(|db| {
            import_in_transaction(db, reader, file_name, &mark, before_commit)
        })
    });
    db.conn().pragma_update(None, "cache_size", -2000)?;
    result
}

fn import_in_transaction<R: Read + Send>(
    db: &mut Db,
    reader: R,
    file_name: &str,
    mark: &dyn Fn(&str),
    before_commit: &mut dyn FnMut() -> Result<()>,
) -> Result<ImportReport> {
    let tx = db.conn_mut().transaction()?;
    let mut importer = Importer {
        tx: &tx,
        writer: store::Writer::new(&tx)?,
        rate_writer: rates::store::Upserter::new(&tx)?,
        header: None,
        problems: Vec::new(),
        offers: 0,
        rates: 0,
        fts_pending: Vec::new(),
        names: Vec::new(),
        now: audit::now_local(),
    };
    let (read, problems) = read_and_write(reader, &mut importer);
    mark("læst og skrevet");
    let header = importer.checked(read, problems?, file_name)?;
    mark("efterkontrol");
    store::rank_names(&tx, std::mem::take(&mut importer.names))?;
    mark("navneorden");
    // A rate sheet's rates kept for offers the catalogue here did not have yet (R4).
    let sheet_rates = rates::import::apply_pending(&tx, &importer.now)?;
    let report = ImportReport::of(&importer, &header, sheet_rates);
    store::set_meta(&tx, &header, &importer.now, file_name, importer.offers)?;
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
    // Its prepared statements borrow the transaction.
    drop(importer);
    crate::store::check_foreign_keys(&tx)?;
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
fn read_and_write<R: Read + Send>(
    reader: R,
    importer: &mut Importer,
) -> (std::result::Result<usize, Problem>, Result<Vec<Problem>>) {
    let (out, steps) = std::sync::mpsc::sync_channel::<Step>(QUEUE);
    // Written steps go back to be freed where they were made (3 % of the writer's time).
    let (done, spent) = std::sync::mpsc::channel::<Step>();
    std::thread::scope(|scope| {
        let reading = std::thread::Builder::new()
            .name("katalog-læs".into())
            .spawn_scoped(scope, move || {
                let mut checker = Checker {
                    validator: Validator::new(),
                    problems: Vec::new(),
                    groups: None,
                    out,
                    spent,
                };
                let read = snapshot::read(reader, &mut checker);
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
    /// `offers` begins: the old catalogue goes.
    Start,
    Offer(Box<Checked>),
    End(Header),
}

/// A checked offer with its search text.
struct Checked {
    offer: Offer,
    text: SearchText,
    /// The name's `fmt::sort_key`, for the offers' alphabetical order.
    sort_key: Vec<u32>,
}

enum SearchText {
    /// Name and body folded, the target groups' labels included.
    Folded { name: String, body: String },
    /// The target-group tree comes after the offers in this file: the labels are added at
    /// the end.
    Pending { body: String },
}

/// The reading side: checks each offer as it streams past and prepares its search text.
struct Checker {
    validator: Validator,
    problems: Vec<Problem>,
    groups: Option<Groups>,
    out: std::sync::mpsc::SyncSender<Step>,
    /// Steps the writer is done with.
    spent: std::sync::mpsc::Receiver<Step>,
}

impl Consumer for Checker {
    fn item(&mut self, item: Item) -> std::result::Result<(), String> {
        self.spent.try_iter().for_each(drop);
        let step = match item {
            Item::OffersStart(groups) => {
                self.groups = groups.as_deref().map(group_map);
                Some(Step::Start)
            }
            Item::Offer(index, rec) => self
                .validator
                .offer(index, *rec, &mut self.problems)
                .map(|offer| Step::Offer(Box::new(self.checked(offer)))),
            Item::End(h) => Some(Step::End(h)),
        };
        if let Some(step) = step {
            // The writer stopped (its error is the import's).
            self.out.send(step).map_err(|_| STOPPED.to_string())?;
        }
        if self.problems.len() >= MAX_PROBLEMS {
            return Err(STOPPED.into());
        }
        Ok(())
    }
}

impl Checker {
    fn checked(&self, offer: Offer) -> Checked {
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
    /// Each offer's name sort key with its row key.
    names: Vec<(Vec<u32>, i64)>,
    now: String,
}

fn group_map(groups: &[snapshot::TargetGroupRecord]) -> Groups {
    groups
        .iter()
        .map(|g| (g.code.clone(), (g.label.clone(), g.parent.clone())))
        .collect()
}

impl Importer<'_> {
    fn step(&mut self, step: &mut Step) -> Result<()> {
        match step {
            // The old catalogue goes (inside the transaction) before the first new offer.
            Step::Start => store::clear(self.tx),
            Step::Offer(checked) => self.insert(checked),
            Step::End(h) => self.end(h),
        }
    }

    fn end(&mut self, h: &Header) -> Result<()> {
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

    fn insert(&mut self, checked: &mut Checked) -> Result<()> {
        let o = &checked.offer;
        let r = &o.record;
        let key = self.writer.offer(o)?;
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
            .push((std::mem::take(&mut checked.sort_key), key));
        self.offers += 1;
        Ok(())
    }
}

/// The free text a search can find an offer by, besides its name and target groups.
fn search_body(o: &Offer) -> String {
    let r = &o.record;
    body_text(
        &r.description,
        &r.address.city,
        &r.address.street,
        o.municipality_code,
        r.operators.iter().map(|op| op.name.as_str()),
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
    let groups: Groups = store::target_groups(conn)?
        .into_iter()
        .map(|(code, parent, label)| (code, (label, parent)))
        .collect();
    let mut links: Vec<(i64, String)> = Vec::new();
    store::each_target_group_link(conn, |key, code| {
        links.push((key, code.to_string()));
        Ok(())
    })?;
    let mut next = 0;
    store::clear_fts(conn)?;
    let mut writer = store::Writer::new(conn)?;
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
        let full = format!("{body} \n {}", group_labels(&groups, &codes));
        writer.search_text(src.key, src.name, &full)
    })
}

/// Target-group labels with their ancestors, so "udviklingshæmning" or "intellektuel" finds
/// the offers of every subgroup.
fn group_labels(groups: &Groups, codes: &[String]) -> String {
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
