//! Streaming import of a catalogue snapshot: every offer is checked as it streams past and
//! written inside one transaction; any problem rolls the whole import back, so the existing
//! catalogue stays untouched. Rates are upserted by (offer id, department, basis, year), so
//! rate history survives imports.

use chrono::NaiveDate;
use rusqlite::{params, Transaction};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use super::snapshot::{self, Consumer, Header, Item, Offer, Validator, STOPPED};
use crate::error::{Error, Problem, Result};
use crate::store::Db;
use crate::{audit, geo};

/// How many problems are listed before the import stops reading.
pub const MAX_PROBLEMS: usize = 25;

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub offers: usize,
    pub rates: usize,
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
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportReport> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let reader = std::io::BufReader::with_capacity(
        1 << 16,
        ProgressReader::new(file, |read| progress(read, size)),
    );
    import(db, reader, &name)
}

/// Imports a snapshot from any reader; `file_name` is used in messages and the catalogue info.
pub fn import<R: Read>(db: &mut Db, reader: R, file_name: &str) -> Result<ImportReport> {
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
    let result = import_in_transaction(db, reader, file_name, &mark);
    db.conn().pragma_update(None, "cache_size", -2000)?;
    result
}

fn import_in_transaction<R: Read>(
    db: &mut Db,
    reader: R,
    file_name: &str,
    mark: &dyn Fn(&str),
) -> Result<ImportReport> {
    let tx = db.conn_mut().transaction()?;
    let mut importer = Importer {
        tx: &tx,
        validator: Validator::new(),
        header: None,
        problems: Vec::new(),
        offers: 0,
        rates: 0,
        groups: None,
        fts_pending: Vec::new(),
        now: audit::now_local(),
        fatal: None,
    };
    let read = snapshot::read(reader, &mut importer);
    mark("læst og skrevet");
    if let Some(e) = importer.fatal.take() {
        return Err(e);
    }
    if let Err(p) = read {
        if !p.message.ends_with(STOPPED) {
            importer.problems.push(p);
        }
    }
    let Some(header) = importer.header.take() else {
        return Err(rejected(file_name, importer.problems));
    };
    if importer.offers == 0 && importer.problems.is_empty() {
        importer.problems.push(Problem {
            place: "offers".into(),
            message: "kataloget indeholder ingen tilbud".into(),
        });
    }
    importer.deferred_checks(header.extracted)?;
    mark("efterkontrol");
    if !importer.problems.is_empty() {
        return Err(rejected(file_name, importer.problems));
    }
    rank_names(&tx)?;
    mark("navneorden");
    let report = ImportReport {
        offers: importer.offers,
        rates: importer.rates,
        extracted: header.extracted,
        source: header.source.clone(),
        example: header.example,
    };
    tx.execute(
        "INSERT OR REPLACE INTO catalogue_meta
           (id, extracted, source, is_example, imported_at, file_name, offer_count)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            header.extracted.to_string(),
            header.source,
            header.example,
            importer.now,
            file_name,
            importer.offers as i64
        ],
    )?;
    audit::record(
        &tx,
        "catalogue.import",
        file_name,
        &serde_json::json!({
            "offers": report.offers,
            "rates": report.rates,
            "extracted": report.extracted.to_string(),
        }),
    )?;
    tx.commit()?;
    mark("commit");
    Ok(report)
}

/// Stores each offer's position in Danish alphabetical order (æ, ø, å after z), so sorting by
/// name needs no collation at search time.
fn rank_names(tx: &Transaction) -> Result<()> {
    let mut names: Vec<(Vec<u32>, i64)> = {
        let mut st = tx.prepare("SELECT key, name FROM offers")?;
        let rows = st.query_map([], |r| {
            Ok((
                crate::fmt::sort_key(&r.get::<_, String>(1)?),
                r.get::<_, i64>(0)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    names.sort_unstable(); // (key, rowid) pairs are unique: the order is the same
    let mut ins = tx.prepare("INSERT INTO offer_order (offer_key, name_rank) VALUES (?1, ?2)")?;
    for (rank, (_, key)) in names.iter().enumerate() {
        ins.execute(params![key, rank as i64])?;
    }
    Ok(())
}

fn rejected(file: &str, mut problems: Vec<Problem>) -> Error {
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    Error::Rejected {
        file: file.to_string(),
        problems,
        more,
    }
}

/// code -> (label, parent)
type Groups = HashMap<String, (String, Option<String>)>;

struct Importer<'t> {
    tx: &'t Transaction<'t>,
    validator: Validator,
    header: Option<Header>,
    problems: Vec<Problem>,
    offers: usize,
    rates: usize,
    /// The target-group tree, once known.
    groups: Option<Groups>,
    /// Offers read before the target-group tree: (row key, name, body, group codes).
    fts_pending: Vec<(i64, String, String, Vec<String>)>,
    now: String,
    fatal: Option<Error>,
}

impl Consumer for Importer<'_> {
    fn item(&mut self, item: Item) -> std::result::Result<(), String> {
        let result = match item {
            Item::OffersStart(groups) => self.start(groups),
            Item::Offer(index, rec) => self.offer(index, rec),
            Item::End(h) => self.end(h),
        };
        if let Err(e) = result {
            self.fatal = Some(e);
            return Err(STOPPED.into());
        }
        if self.problems.len() >= MAX_PROBLEMS {
            return Err(STOPPED.into());
        }
        Ok(())
    }
}

fn group_map(groups: &[snapshot::TargetGroupRecord]) -> Groups {
    groups
        .iter()
        .map(|g| (g.code.clone(), (g.label.clone(), g.parent.clone())))
        .collect()
}

impl Importer<'_> {
    /// The old catalogue goes (inside the transaction) before the first new offer arrives.
    fn start(&mut self, groups: Option<Vec<snapshot::TargetGroupRecord>>) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM offer_target_groups;
             DELETE FROM offer_order;
             DELETE FROM department_places;
             DELETE FROM departments;
             DELETE FROM offer_operators;
             DELETE FROM offers;
             DELETE FROM target_groups;
             INSERT INTO offer_fts(offer_fts) VALUES('delete-all');",
        )?;
        self.groups = groups.as_deref().map(group_map);
        Ok(())
    }

    fn end(&mut self, h: Header) -> Result<()> {
        let before = self.problems.len();
        snapshot::check_target_groups(&h.target_groups, &mut self.problems);
        if self.problems.len() == before {
            let mut ins = self.tx.prepare_cached(
                "INSERT INTO target_groups (code, parent, label, ord) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, g) in h.target_groups.iter().enumerate() {
                ins.execute(params![g.code, g.parent, g.label, i as i64])?;
            }
        }
        let groups = group_map(&h.target_groups);
        for (key, name, body, codes) in std::mem::take(&mut self.fts_pending) {
            let full = format!("{body} \n {}", group_labels(&groups, &codes));
            self.insert_fts(key, &name, &full)?;
        }
        self.groups = Some(groups);
        self.header = Some(h);
        Ok(())
    }

    /// Checks that need the whole file: free-place dates after the extraction date, and
    /// target-group codes missing from the tree.
    fn deferred_checks(&mut self, extracted: NaiveDate) -> Result<()> {
        let mut st = self.tx.prepare(
            "SELECT o.id, p.department_id, p.legal_basis, p.free_as_of
             FROM department_places p JOIN offers o ON o.key = p.offer_key
             WHERE p.free_as_of > ?1 ORDER BY o.key LIMIT ?2",
        )?;
        let mut q = st.query(params![extracted.to_string(), MAX_PROBLEMS as i64])?;
        while let Some(r) = q.next()? {
            let (id, dept, basis, date): (String, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
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
        let mut st = self.tx.prepare(
            "SELECT o.id, t.code FROM offer_target_groups t JOIN offers o ON o.key = t.offer_key
             WHERE t.code NOT IN (SELECT code FROM target_groups) ORDER BY o.key LIMIT ?1",
        )?;
        let mut q = st.query(params![MAX_PROBLEMS as i64])?;
        while let Some(r) = q.next()? {
            let (id, code): (String, String) = (r.get(0)?, r.get(1)?);
            self.problems.push(Problem {
                place: format!("tilbud «{id}», felt target_groups"),
                message: format!("målgruppen «{code}» findes ikke i filens målgruppetræ"),
            });
        }
        Ok(())
    }

    fn offer(&mut self, index: usize, rec: Box<snapshot::OfferRecord>) -> Result<()> {
        if let Some(offer) = self.validator.offer(index, *rec, &mut self.problems) {
            self.insert(&offer)?;
        }
        Ok(())
    }

    fn insert_fts(&self, key: i64, name: &str, body: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO offer_fts (rowid, name, body) VALUES (?1, ?2, ?3)")?
            .execute(params![key, name, body])?;
        Ok(())
    }

    fn insert(&mut self, o: &Offer) -> Result<()> {
        let r = &o.record;
        let tx = self.tx;
        tx.prepare_cached(
            "INSERT INTO offers (id, name, description, cvr, p_number, street, postcode, city,
                municipality_code, lat, lon, min_age, max_age, approval_status, approval_date,
                socialtilsyn, covered_by_rammeaftale, manager, phone, email, website)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21)",
        )?
        .execute(params![
            r.id,
            r.name,
            r.description,
            r.cvr,
            r.p_number,
            r.address.street,
            r.address.postcode,
            r.address.city,
            o.municipality_code,
            r.location.lat,
            r.location.lon,
            o.min_age,
            o.max_age,
            o.approval.code(),
            o.approval_date.map(|d| d.to_string()),
            r.approval.socialtilsyn,
            r.covered_by_rammeaftale,
            r.contact.manager,
            r.contact.phone,
            r.contact.email,
            r.contact.website,
        ])?;
        let key = tx.last_insert_rowid();
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO offer_operators (offer_key, kind, name, cvr, municipality_code, valid_from, valid_to)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for op in &o.operators {
                ins.execute(params![
                    key,
                    op.kind.code(),
                    op.name,
                    op.cvr,
                    op.municipality_code,
                    op.valid_from.to_string(),
                    op.valid_to.map(|d| d.to_string())
                ])?;
            }
        }
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO departments (offer_key, id, name, ord) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, d) in r.departments.iter().enumerate() {
                ins.execute(params![key, d.id, d.name, i as i64])?;
            }
        }
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO department_places (offer_key, department_id, legal_basis, places,
                    free_places, free_as_of, free_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for p in &o.places {
                ins.execute(params![
                    key,
                    p.department_id,
                    p.basis.code(),
                    p.places,
                    p.free_places,
                    p.free_as_of.map(|d| d.to_string()),
                    p.free_source
                ])?;
            }
        }
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO offer_target_groups (offer_key, code) VALUES (?1, ?2)",
            )?;
            for code in &r.target_groups {
                ins.execute(params![key, code])?;
            }
        }
        {
            let mut ins = tx.prepare_cached(crate::rates::UPSERT_SQL)?;
            for rate in &o.rates {
                let row = crate::rates::RateRow {
                    offer_id: &r.id,
                    department_id: &rate.department_id,
                    basis: rate.basis,
                    year: rate.year,
                    amount: rate.amount,
                    unit: rate.unit,
                    vat_pct: rate.vat_pct,
                    calculation: [
                        rate.direct_costs,
                        rate.indirect_costs,
                        rate.overhead_pct,
                        rate.capital_costs,
                        rate.budgeted_occupancy_pct,
                    ],
                    actual_occupancy_pct: None,
                };
                crate::rates::upsert(&mut ins, &row, crate::rates::SOURCE_CATALOGUE, &self.now)?;
                self.rates += 1;
            }
        }
        if !o.buyers.is_empty() {
            // The file's years replace the stored ones; other years stay (history by offer id).
            let mut del =
                tx.prepare_cached("DELETE FROM offer_buyers WHERE offer_id = ?1 AND year = ?2")?;
            let mut years = o.buyers.iter().map(|b| b.year).collect::<Vec<_>>();
            years.sort_unstable();
            years.dedup();
            for year in years {
                del.execute(params![r.id, year])?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT INTO offer_buyers (offer_id, year, municipality_code, places)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for b in &o.buyers {
                ins.execute(params![r.id, b.year, b.municipality_code, b.places])?;
            }
        }
        let body = search_body(o);
        match &self.groups {
            Some(groups) => {
                let full = format!("{body} \n {}", group_labels(groups, &r.target_groups));
                self.insert_fts(key, &r.name, &full)?;
            }
            None => self
                .fts_pending
                .push((key, r.name.clone(), body, r.target_groups.clone())),
        }
        self.offers += 1;
        Ok(())
    }
}

/// The free text a search can find an offer by, besides its name and target groups.
fn search_body(o: &Offer) -> String {
    let r = &o.record;
    let mut parts: Vec<&str> = vec![&r.description, &r.address.city, &r.address.street];
    if let Some(m) = geo::municipality(o.municipality_code) {
        parts.push(&m.name);
    }
    for op in &r.operators {
        parts.push(&op.name);
    }
    for d in &r.departments {
        parts.push(&d.name);
    }
    let mut bases: Vec<_> = o
        .places
        .iter()
        .map(|p| p.basis)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    bases.sort();
    for b in &bases {
        parts.push(b.label());
        parts.push(b.description());
    }
    parts.join(" \n ")
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
