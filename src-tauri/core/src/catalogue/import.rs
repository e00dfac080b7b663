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
    let tx = db.conn_mut().transaction()?;
    let mut importer = Importer {
        tx: &tx,
        validator: None,
        header: None,
        problems: Vec::new(),
        more_problems: 0,
        offers: 0,
        rates: 0,
        groups: HashMap::new(),
        now: audit::now_local(),
        fatal: None,
    };
    let read = snapshot::read(reader, &mut importer);
    if let Some(e) = importer.fatal.take() {
        return Err(e);
    }
    if let Err(p) = read {
        if p.message != STOPPED && !p.message.ends_with(STOPPED) {
            importer.problems.push(p);
        }
    }
    let Some(header) = importer.header.take() else {
        return Err(rejected(file_name, importer.problems, 0));
    };
    if importer.problems.is_empty() && importer.offers == 0 {
        importer.problems.push(Problem {
            place: "offers".into(),
            message: "kataloget indeholder ingen tilbud".into(),
        });
    }
    if !importer.problems.is_empty() {
        let more = importer.more_problems;
        return Err(rejected(file_name, importer.problems, more));
    }
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
    Ok(report)
}

fn rejected(file: &str, mut problems: Vec<Problem>, more: usize) -> Error {
    let extra = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    Error::Rejected {
        file: file.to_string(),
        problems,
        more: more + extra,
    }
}

struct Importer<'t> {
    tx: &'t Transaction<'t>,
    validator: Option<Validator>,
    header: Option<Header>,
    problems: Vec<Problem>,
    more_problems: usize,
    offers: usize,
    rates: usize,
    /// code -> (label, parent)
    groups: HashMap<String, (String, Option<String>)>,
    now: String,
    fatal: Option<Error>,
}

impl Consumer for Importer<'_> {
    fn item(&mut self, item: Item) -> std::result::Result<(), String> {
        let result = match item {
            Item::Header(h) => self.header(h),
            Item::Offer(index, rec) => self.offer(index, rec),
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

impl Importer<'_> {
    fn header(&mut self, h: Header) -> Result<()> {
        snapshot::check_target_groups(&h.target_groups, &mut self.problems);
        self.tx.execute_batch(
            "DELETE FROM offer_target_groups;
             DELETE FROM department_places;
             DELETE FROM departments;
             DELETE FROM offer_operators;
             DELETE FROM offers;
             DELETE FROM target_groups;
             INSERT INTO offer_fts(offer_fts) VALUES('delete-all');",
        )?;
        let mut ins = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO target_groups (code, parent, label, ord) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, g) in h.target_groups.iter().enumerate() {
            self.groups
                .insert(g.code.clone(), (g.label.clone(), g.parent.clone()));
            if self.problems.is_empty() {
                ins.execute(params![g.code, g.parent, g.label, i as i64])?;
            }
        }
        self.validator = Some(Validator::new(h.extracted));
        self.header = Some(h);
        Ok(())
    }

    fn offer(&mut self, index: usize, rec: snapshot::OfferRecord) -> Result<()> {
        let Some(validator) = self.validator.as_mut() else {
            return Ok(());
        };
        let before = self.problems.len();
        let unknown: Vec<String> = rec
            .target_groups
            .iter()
            .filter(|c| !self.groups.contains_key(*c))
            .cloned()
            .collect();
        let id = rec.id.clone();
        let offer = validator.offer(index, rec, &mut self.problems);
        for code in unknown {
            self.problems.push(Problem {
                place: format!("tilbud «{id}» (nr. {index}), felt target_groups"),
                message: format!("målgruppen «{code}» findes ikke i filens målgruppetræ"),
            });
        }
        if self.problems.len() > before || !self.problems.is_empty() {
            return Ok(());
        }
        if let Some(offer) = offer {
            self.insert(&offer)?;
        }
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
            let mut ins = tx.prepare_cached(
                "INSERT INTO rates (offer_id, department_id, legal_basis, year, amount, unit, vat_pct,
                    direct_costs, indirect_costs, overhead_pct, capital_costs, budgeted_occupancy_pct,
                    source, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'katalog', ?13)
                 ON CONFLICT (offer_id, department_id, legal_basis, year) DO UPDATE SET
                    amount = excluded.amount, unit = excluded.unit, vat_pct = excluded.vat_pct,
                    direct_costs = excluded.direct_costs, indirect_costs = excluded.indirect_costs,
                    overhead_pct = excluded.overhead_pct, capital_costs = excluded.capital_costs,
                    budgeted_occupancy_pct = excluded.budgeted_occupancy_pct,
                    source = excluded.source, updated_at = excluded.updated_at",
            )?;
            let text = |d: &Option<rust_decimal::Decimal>| d.map(|v| v.to_string());
            for rate in &o.rates {
                ins.execute(params![
                    r.id,
                    rate.department_id,
                    rate.basis.code(),
                    rate.year,
                    rate.amount.to_string(),
                    rate.unit.code(),
                    rate.vat_pct.to_string(),
                    text(&rate.direct_costs),
                    text(&rate.indirect_costs),
                    text(&rate.overhead_pct),
                    text(&rate.capital_costs),
                    text(&rate.budgeted_occupancy_pct),
                    self.now,
                ])?;
                self.rates += 1;
            }
        }
        tx.prepare_cached("INSERT INTO offer_fts (rowid, name, body) VALUES (?1, ?2, ?3)")?
            .execute(params![key, r.name, self.search_body(o)])?;
        self.offers += 1;
        Ok(())
    }

    /// The free text a search can find an offer by, besides its name.
    fn search_body(&self, o: &Offer) -> String {
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
        let mut bases = HashSet::new();
        for p in &o.places {
            bases.insert(p.basis);
        }
        let mut sorted: Vec<_> = bases.into_iter().collect();
        sorted.sort();
        for b in &sorted {
            parts.push(b.label());
            parts.push(b.description());
        }
        // Target groups with their ancestors, so "udviklingshæmning" finds its subgroups' offers.
        let mut labels: Vec<&str> = Vec::new();
        for code in &r.target_groups {
            let mut cur = Some(code.as_str());
            let mut guard = 0;
            while let Some(c) = cur {
                guard += 1;
                if guard > 16 {
                    break;
                }
                match self.groups.get(c) {
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
        parts.extend(labels);
        parts.join(" \n ")
    }
}
