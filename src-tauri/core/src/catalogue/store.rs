//! The catalogue's tables: the only SQL on `catalogue_meta`, `target_groups`, `offers`,
//! `offer_order`, `offer_operators`, `departments`, `department_places`,
//! `offer_target_groups`, `offer_agreements`, `offer_buyers` and the FTS5 table `offer_fts`.
//! Other areas read the catalogue through these functions (`offer_facts` above all).

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Statement};
use std::collections::HashMap;
use std::str::FromStr;

use super::model::{
    ApprovalStatus, LegalBasis, OfferCoverage, OfferFacts, OperatorPeriod, OperatorType,
};
use super::rules;
use super::snapshot::{Buyer, Header, Offer, TargetGroupRecord};
use crate::error::{Error, Result};
use crate::search_fold::fold_text;

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|t| NaiveDate::from_str(&t).ok())
}

// ---------------------------------------------------------------------------------------------
// The catalogue as a whole

/// The imported catalogue's own facts.
#[derive(Debug, Clone)]
pub struct Meta {
    pub extracted: Option<NaiveDate>,
    pub source: String,
    pub is_example: bool,
    pub imported_at: String,
    pub file_name: String,
    pub offer_count: i64,
    /// How many catalogue imports this database has had (the search index file's stamp).
    pub generation: i64,
}

pub fn meta(conn: &Connection) -> Result<Option<Meta>> {
    // Prepared once per connection: a text search reads the stamp each time.
    Ok(conn
        .prepare_cached(
            "SELECT extracted, source, is_example, imported_at, file_name, offer_count,
                    generation
             FROM catalogue_meta WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok(Meta {
                extracted: date(r.get(0)?),
                source: r.get(1)?,
                is_example: r.get(2)?,
                imported_at: r.get(3)?,
                file_name: r.get(4)?,
                offer_count: r.get(5)?,
                generation: r.get(6)?,
            })
        })
        .optional()?)
}

/// The catalogue's extraction date, if a catalogue is loaded.
pub fn extracted(conn: &Connection) -> Result<Option<NaiveDate>> {
    Ok(meta(conn)?.and_then(|m| m.extracted))
}

/// Whether a catalogue has been imported at all.
pub fn is_loaded(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM catalogue_meta)", [], |r| {
            r.get(0)
        })?,
    )
}

/// The target-group tree in the file's order: (code, parent, label).
pub fn target_groups(conn: &Connection) -> Result<Vec<(String, Option<String>, String)>> {
    let mut st = conn.prepare("SELECT code, parent, label FROM target_groups ORDER BY ord")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn target_group_label(conn: &Connection, code: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT label FROM target_groups WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .optional()?)
}

// ---------------------------------------------------------------------------------------------
// Import (inside the caller's transaction)

/// Empties the catalogue before a new one is written. Rates, buyers and agreements named by
/// offer id are history and stay.
pub fn clear(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM offer_target_groups;
         DELETE FROM offer_agreements;
         DELETE FROM offer_order;
         DELETE FROM department_places;
         DELETE FROM departments;
         DELETE FROM offer_operators;
         DELETE FROM offers;
         DELETE FROM target_groups;
         INSERT INTO offer_fts(offer_fts) VALUES('delete-all');",
    )?;
    Ok(())
}

/// An offer's fingerprint (`offers.file_digest`): 16 bytes of the SHA-256 of its JSON text.
pub type Digest = [u8; 16];

/// An offer held now, as an import that takes unchanged offers over finds it by its
/// fingerprint: row key, id, and the number of rates its text gave.
#[derive(Debug, Clone)]
pub struct Fingerprinted {
    pub key: i64,
    pub id: String,
    pub rates: u32,
}

/// The offers held now by their fingerprints.
pub type Fingerprints = std::collections::HashMap<Digest, Fingerprinted>;

/// The context fingerprint of the last import (`catalogue_meta.offers_context`); none when it
/// did not fingerprint its offers.
pub fn offers_context(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT offers_context FROM catalogue_meta WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The context fingerprint of the last import (`catalogue_meta.offers_context`) and every
/// offer's fingerprint; empty when that import did not fingerprint its offers.
pub fn fingerprints(conn: &Connection) -> Result<(Option<Vec<u8>>, Fingerprints)> {
    let context = offers_context(conn)?;
    let mut known = Fingerprints::new();
    if context.is_none() {
        return Ok((None, known));
    }
    let mut st = conn.prepare(
        "SELECT file_digest, key, id, file_rates FROM offers WHERE file_digest IS NOT NULL",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let digest: Vec<u8> = r.get(0)?;
        let Ok(digest) = Digest::try_from(digest.as_slice()) else {
            continue;
        };
        known.insert(
            digest,
            Fingerprinted {
                key: r.get(1)?,
                id: r.get(2)?,
                rates: r.get(3)?,
            },
        );
    }
    Ok((context, known))
}

/// Each offer's row key and name, in key order.
pub fn each_offer_name(conn: &Connection, mut visit: impl FnMut(i64, &str)) -> Result<()> {
    let mut st = conn.prepare("SELECT key, name FROM offers ORDER BY key")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        visit(
            r.get(0)?,
            r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?,
        );
    }
    Ok(())
}

/// Every offer's row key, in key order.
pub fn offer_keys(conn: &Connection) -> Result<Vec<i64>> {
    let mut st = conn.prepare("SELECT key FROM offers ORDER BY key")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_target_groups(conn: &Connection, groups: &[TargetGroupRecord]) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO target_groups (code, parent, label, ord) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, g) in groups.iter().enumerate() {
        ins.execute(params![g.code, g.parent, g.label, i as i64])?;
    }
    Ok(())
}

/// Writes a catalogue's offers inside the caller's transaction, each statement prepared once
/// for the whole import (looking a statement up in rusqlite's cache by its text, for each of
/// 1,2 million rows, was 2 % of an import's time).
pub struct Writer<'c> {
    offer: Statement<'c>,
    operator: Statement<'c>,
    department: Statement<'c>,
    place: Statement<'c>,
    group: Statement<'c>,
    agreement: Statement<'c>,
    fts: SearchTextWriter<'c>,
    buyers_gone: Statement<'c>,
    buyer: Statement<'c>,
    key_of: Statement<'c>,
    /// Deletes an offer's rows, one statement per table, and its search text (`remove`).
    gone: Vec<Statement<'c>>,
    fts_source: Statement<'c>,
    codes: Statement<'c>,
    fts_gone: Statement<'c>,
}

/// The tables with rows of one offer, by row key, children first.
const OFFER_TABLES: [&str; 7] = [
    "offer_target_groups",
    "offer_agreements",
    "offer_order",
    "department_places",
    "departments",
    "offer_operators",
    "offers",
];

/// The foreign-key check of an import that took the last import's unchanged offers over
/// (a whole import: `crate::store::check_foreign_keys`). It wrote and deleted rows of the
/// offers' own tables only by offer key, for the offers in `touched` (written again, added,
/// removed or given a new name rank), and changed no target group: those tables' rows of
/// other offers, and their parents, are as the last check left them. So those tables are
/// checked for the touched offers' rows only (on 100.000 offers 0,12 s → 0,06 s for next
/// month's catalogue, 1 ms for the same file again), every other table with a foreign key in
/// full — also a table a later migration adds that refers to an offer.
pub fn check_foreign_keys_for(conn: &Connection, touched: &[i64]) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_touched (key INTEGER PRIMARY KEY);
         DELETE FROM temp.import_touched;",
    )?;
    {
        let mut put =
            conn.prepare("INSERT OR IGNORE INTO temp.import_touched (key) VALUES (?1)")?;
        for key in touched {
            put.execute([key])?;
        }
    }
    let keys = crate::store::foreign_keys(conn)?;
    let by_offer = |fk: &crate::store::ForeignKey| {
        OFFER_TABLES.contains(&fk.table.as_str())
            && OFFER_TABLES.contains(&fk.parent.as_str())
            && fk.from.iter().any(|c| c == "offer_key")
            && fk.to.iter().all(Option::is_some)
    };
    let mut checked_in_full: Vec<&str> = Vec::new();
    for fk in &keys {
        if !keys.iter().filter(|k| k.table == fk.table).all(by_offer) {
            if !checked_in_full.contains(&fk.table.as_str()) {
                crate::store::check_foreign_keys_of(conn, &fk.table)?;
                checked_in_full.push(&fk.table);
            }
            continue;
        }
        let sql = match (fk.from.as_slice(), fk.to.as_slice()) {
            // The offer's key itself: per touched offer, rows but no parent.
            ([from], [Some(to)]) if from == "offer_key" => format!(
                "SELECT 1 FROM temp.import_touched t
                 WHERE EXISTS (SELECT 1 FROM \"{table}\" c WHERE c.offer_key = t.key)
                   AND NOT EXISTS (SELECT 1 FROM \"{parent}\" p WHERE p.\"{to}\" = t.key)
                 LIMIT 1",
                table = fk.table,
                parent = fk.parent,
            ),
            // More columns: per row of a touched offer. As SQLite checks a key, a row with a
            // NULL in a key column refers to nothing.
            _ => {
                let mut refers = Vec::new();
                let mut matches = Vec::new();
                for (from, to) in fk.from.iter().zip(&fk.to) {
                    let to = to.as_deref().unwrap_or_default();
                    refers.push(format!("c.\"{from}\" IS NOT NULL"));
                    matches.push(format!("p.\"{to}\" = c.\"{from}\""));
                }
                format!(
                    "SELECT 1 FROM \"{table}\" c
                     WHERE c.offer_key IN (SELECT key FROM temp.import_touched) AND {refers}
                       AND NOT EXISTS (SELECT 1 FROM \"{parent}\" p WHERE {matches})
                     LIMIT 1",
                    table = fk.table,
                    parent = fk.parent,
                    refers = refers.join(" AND "),
                    matches = matches.join(" AND "),
                )
            }
        };
        if conn.prepare(&sql)?.exists([])? {
            return Err(crate::store::broken_reference(&fk.table, &fk.parent));
        }
    }
    conn.execute_batch("DELETE FROM temp.import_touched;")?;
    Ok(())
}

impl<'c> Writer<'c> {
    pub fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Writer {
            offer: conn.prepare(
                "INSERT INTO offers (id, name, description, cvr, p_number, street, postcode,
                    city, municipality_code, lat, lon, min_age, max_age, approval_status,
                    approval_date, socialtilsyn, covered_by_rammeaftale, manager, phone, email,
                    website, key, file_digest, file_rates)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
            )?,
            operator: conn.prepare(
                "INSERT INTO offer_operators (offer_key, kind, name, cvr, municipality_code,
                    valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            department: conn.prepare(
                "INSERT INTO departments (offer_key, id, name, ord, secure)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            place: conn.prepare(
                "INSERT INTO department_places (offer_key, department_id, legal_basis, places,
                    free_places, free_as_of, free_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            group: conn.prepare(
                "INSERT OR IGNORE INTO offer_target_groups (offer_key, code) VALUES (?1, ?2)",
            )?,
            agreement: conn.prepare(
                "INSERT OR IGNORE INTO offer_agreements (offer_key, agreement_id) VALUES (?1, ?2)",
            )?,
            fts: SearchTextWriter::new(conn)?,
            buyers_gone: conn
                .prepare("DELETE FROM offer_buyers WHERE offer_id = ?1 AND year = ?2")?,
            buyer: conn.prepare(
                "INSERT INTO offer_buyers (offer_id, year, municipality_code, places)
                 VALUES (?1, ?2, ?3, ?4)",
            )?,
            key_of: conn.prepare("SELECT key FROM offers WHERE id = ?1")?,
            gone: OFFER_TABLES
                .iter()
                .map(|t| {
                    let column = if *t == "offers" { "key" } else { "offer_key" };
                    conn.prepare(&format!("DELETE FROM {t} WHERE {column} = ?1"))
                })
                .collect::<rusqlite::Result<_>>()?,
            fts_source: conn.prepare(&format!("{FTS_SOURCE_SQL} WHERE o.key = ?1"))?,
            codes: conn.prepare(
                "SELECT code FROM offer_target_groups WHERE offer_key = ?1 ORDER BY code",
            )?,
            // The index holds no text of its own (contentless): a row goes by giving the
            // text it was written with.
            fts_gone: conn.prepare(
                "INSERT INTO offer_fts (offer_fts, rowid, name, body) VALUES ('delete', ?1, ?2, ?3)",
            )?,
        })
    }

    /// The row key of the offer with this id, if the catalogue has it.
    pub fn key_of(&mut self, id: &str) -> Result<Option<i64>> {
        Ok(self.key_of.query_row([id], |r| r.get(0)).optional()?)
    }

    /// Deletes every row of the offer with this row key (its rates and buyers, history by
    /// offer id, stay), and its search text: `body` makes the body the import wrote from
    /// the offer's rows and target-group codes (sorted).
    pub fn remove(
        &mut self,
        key: i64,
        body: &dyn Fn(&FtsSource, &[String]) -> String,
    ) -> Result<()> {
        let codes = self
            .codes
            .query_map([key], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        let mut text = None;
        fts_sources(self.fts_source.query([key])?, |src| {
            text = Some((fold_text(src.name), fold_text(&body(&src, &codes))));
            Ok(())
        })?;
        if let Some((name, body)) = text {
            self.fts_gone.execute(params![key, name, body])?;
        }
        for st in &mut self.gone {
            st.execute([key])?;
        }
        Ok(())
    }

    /// Writes one validated offer with its operators, departments, places, target groups and
    /// named agreements, and the fingerprint of its text when there is one; returns its row
    /// key (`key`, when given: an offer written again in place).
    pub fn offer(&mut self, o: &Offer, key: Option<i64>, digest: Option<&Digest>) -> Result<i64> {
        let r = &o.record;
        let key = self.offer.insert(params![
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
            o.covered_v1,
            r.contact.manager,
            r.contact.phone,
            r.contact.email,
            r.contact.website,
            key,
            digest.map(|d| d.as_slice()),
            digest.map(|_| o.rates.len() as i64),
        ])?;
        self.offer_parts(key, o)?;
        Ok(key)
    }

    /// The offer's operators, departments, places, target groups and named agreements.
    fn offer_parts(&mut self, key: i64, o: &Offer) -> Result<()> {
        let r = &o.record;
        for op in &o.operators {
            self.operator.execute(params![
                key,
                op.kind.code(),
                op.name,
                op.cvr,
                op.municipality_code,
                op.valid_from.to_string(),
                op.valid_to.map(|d| d.to_string())
            ])?;
        }
        for (i, d) in r.departments.iter().enumerate() {
            self.department
                .execute(params![key, d.id, d.name, i as i64, d.secure])?;
        }
        for p in &o.places {
            self.place.execute(params![
                key,
                p.department_id,
                p.basis.code(),
                p.places,
                p.free_places,
                p.free_as_of.map(|d| d.to_string()),
                p.free_source
            ])?;
        }
        for code in &r.target_groups {
            self.group.execute(params![key, code])?;
        }
        for id in &o.agreements {
            self.agreement.execute(params![key, id])?;
        }
        Ok(())
    }

    /// The offer's words for free-text search: its name, and the body (description, places,
    /// operators, target groups with their ancestors), folded as every search folds its
    /// words (`search_fold`: aa = å, ae = æ, oe = ø, case and accents).
    pub fn search_text(&mut self, key: i64, name: &str, body: &str) -> Result<()> {
        self.fts.write(key, name, body)
    }

    /// `search_text` with the name and body folded already (the import folds on its
    /// reading thread).
    pub fn search_text_folded(&mut self, key: i64, name: &str, body: &str) -> Result<()> {
        self.fts.write_folded(key, name, body)
    }

    /// The file's years of places bought replace the stored ones; other years stay (history
    /// by offer id).
    pub fn buyers(&mut self, offer_id: &str, buyers: &[Buyer]) -> Result<()> {
        if buyers.is_empty() {
            return Ok(());
        }
        let mut years = buyers.iter().map(|b| b.year).collect::<Vec<_>>();
        years.sort_unstable();
        years.dedup();
        for year in years {
            self.buyers_gone.execute(params![offer_id, year])?;
        }
        for b in buyers {
            self.buyer
                .execute(params![offer_id, b.year, b.municipality_code, b.places])?;
        }
        Ok(())
    }
}

/// Writes offers' rows of the search text index (also alone: a migration fills the index
/// again from the tables of an older schema).
pub struct SearchTextWriter<'c>(Statement<'c>);

impl<'c> SearchTextWriter<'c> {
    pub fn new(conn: &'c Connection) -> Result<Self> {
        Ok(SearchTextWriter(conn.prepare(
            "INSERT INTO offer_fts (rowid, name, body) VALUES (?1, ?2, ?3)",
        )?))
    }

    /// Name and body folded as every search folds its words.
    pub fn write(&mut self, key: i64, name: &str, body: &str) -> Result<()> {
        self.write_folded(key, &fold_text(name), &fold_text(body))
    }

    pub fn write_folded(&mut self, key: i64, name: &str, body: &str) -> Result<()> {
        self.0.execute(params![key, name, body])?;
        Ok(())
    }
}

/// What the search text of each offer is made of, by row key: (key, name, description,
/// city, street, municipality code, operator names, department names, legal basis codes),
/// the lists joined by a line break in the catalogue's order. For rebuilding `offer_fts`.
pub struct FtsSource<'a> {
    pub key: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub city: &'a str,
    pub street: &'a str,
    pub municipality_code: u16,
    pub operators: &'a str,
    pub departments: &'a str,
    pub bases: &'a str,
}

/// `FtsSource`'s query, for every offer or (`?1`) one.
const FTS_SOURCE_SQL: &str = "SELECT o.key, o.name, o.description, o.city, o.street,
        o.municipality_code,
        (SELECT group_concat(name, char(10)) FROM
            (SELECT name FROM offer_operators WHERE offer_key = o.key ORDER BY valid_from)),
        (SELECT group_concat(name, char(10)) FROM
            (SELECT name FROM departments WHERE offer_key = o.key ORDER BY ord)),
        (SELECT group_concat(legal_basis, char(10)) FROM
            (SELECT DISTINCT legal_basis FROM department_places WHERE offer_key = o.key))
     FROM offers o";

pub fn each_fts_source(
    conn: &Connection,
    visit: impl FnMut(FtsSource) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(&format!("{FTS_SOURCE_SQL} ORDER BY o.key"))?;
    let done = fts_sources(st.query([])?, visit);
    done
}

fn fts_sources(
    mut q: rusqlite::Rows,
    mut visit: impl FnMut(FtsSource) -> Result<()>,
) -> Result<()> {
    while let Some(r) = q.next()? {
        let text = |i: usize| -> rusqlite::Result<&str> {
            Ok(r.get_ref(i)?.as_str_or_null()?.unwrap_or_default())
        };
        visit(FtsSource {
            key: r.get(0)?,
            name: text(1)?,
            description: text(2)?,
            city: text(3)?,
            street: text(4)?,
            municipality_code: r.get(5)?,
            operators: text(6)?,
            departments: text(7)?,
            bases: text(8)?,
        })?;
    }
    Ok(())
}

/// Empties the search text index (before it is built again from the tables).
pub fn clear_fts(conn: &Connection) -> Result<()> {
    conn.execute_batch("INSERT INTO offer_fts(offer_fts) VALUES('delete-all');")?;
    Ok(())
}

/// Stores each offer's position in Danish alphabetical order (æ, ø, å after z), so sorting by
/// name needs no collation at search time. `names`: each offer's `fmt::sort_key` of its name
/// with its place in the file and row key (the import makes the keys on its reading thread).
/// The ranks are spaced apart and the stored ones kept where still in order
/// (`rules::name_ranks`), so only the ranks of new, renamed and rewritten offers are written:
/// their row keys are returned.
pub fn rank_names(conn: &Connection, mut names: Vec<(Vec<u8>, usize, i64)>) -> Result<Vec<i64>> {
    // (sort key, place in the file) pairs are unique: the order is the same
    names.sort_unstable();
    let mut stored = std::collections::HashMap::new();
    let mut st = conn.prepare("SELECT offer_key, name_rank FROM offer_order")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        stored.insert(r.get::<_, i64>(0)?, r.get::<_, i64>(1)?);
    }
    let before: Vec<Option<u32>> = names
        .iter()
        .map(|(_, _, key)| stored.get(key).and_then(|r| u32::try_from(*r).ok()))
        .collect();
    let ranks = rules::name_ranks(&before);
    let mut put =
        conn.prepare("INSERT OR REPLACE INTO offer_order (offer_key, name_rank) VALUES (?1, ?2)")?;
    let mut written = Vec::new();
    for (((_, _, key), rank), old) in names.iter().zip(ranks).zip(before) {
        if old != Some(rank) {
            put.execute(params![key, rank])?;
            written.push(*key);
        }
    }
    Ok(written)
}

pub fn set_meta(
    conn: &Connection,
    header: &Header,
    imported_at: &str,
    file_name: &str,
    offers: usize,
    offers_context: Option<&[u8]>,
) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO catalogue_meta
           (id, extracted, source, is_example, imported_at, file_name, offer_count, offers_context,
            generation)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 COALESCE((SELECT generation FROM catalogue_meta WHERE id = 1), 0) + 1)",
        params![
            header.extracted.to_string(),
            header.source,
            header.example,
            imported_at,
            file_name,
            offers as i64,
            offers_context
        ],
    )?;
    Ok(())
}

/// Free-place figures dated after `extracted`: (offer id, department, basis, date).
pub fn free_dates_after(
    conn: &Connection,
    extracted: NaiveDate,
    limit: usize,
) -> Result<Vec<(String, String, String, String)>> {
    let mut st = conn.prepare(
        "SELECT o.id, p.department_id, p.legal_basis, p.free_as_of
         FROM department_places p JOIN offers o ON o.key = p.offer_key
         WHERE p.free_as_of > ?1 ORDER BY o.key LIMIT ?2",
    )?;
    let rows = st.query_map(params![extracted.to_string(), limit as i64], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Target-group codes of offers that the tree does not have: (offer id, code).
pub fn unknown_target_groups(conn: &Connection, limit: usize) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare(
        "SELECT o.id, t.code FROM offer_target_groups t JOIN offers o ON o.key = t.offer_key
         WHERE t.code NOT IN (SELECT code FROM target_groups) ORDER BY o.key LIMIT ?1",
    )?;
    let rows = st.query_map(params![limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---------------------------------------------------------------------------------------------
// One offer

pub fn offer_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM offers WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

pub fn offer_key(conn: &Connection, id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT key FROM offers WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

pub fn offer_name(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM offers WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The offer's row as stored.
#[derive(Debug, Clone)]
pub struct OfferRow {
    pub key: i64,
    pub id: String,
    pub name: String,
    pub description: String,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub municipality_code: u16,
    pub lat: f64,
    pub lon: f64,
    pub min_age: u8,
    pub max_age: Option<u8>,
    pub approval: ApprovalStatus,
    pub approval_date: Option<NaiveDate>,
    pub socialtilsyn: String,
    pub covered_v1: bool,
    pub manager: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// The columns `offer_row_from` reads, in its order.
const OFFER_ROW_COLUMNS: &str = "key, id, name, description, cvr, p_number, street, postcode, city,
    municipality_code, lat, lon, min_age, max_age, approval_status, approval_date,
    socialtilsyn, covered_by_rammeaftale, manager, phone, email, website";

fn offer_row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<OfferRow> {
    let approval: String = r.get(14)?;
    Ok(OfferRow {
        key: r.get(0)?,
        id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        cvr: r.get(4)?,
        p_number: r.get(5)?,
        street: r.get(6)?,
        postcode: r.get(7)?,
        city: r.get(8)?,
        municipality_code: r.get(9)?,
        lat: r.get(10)?,
        lon: r.get(11)?,
        min_age: r.get(12)?,
        max_age: r.get(13)?,
        approval: ApprovalStatus::parse(&approval).unwrap_or(ApprovalStatus::UnderGodkendelse),
        approval_date: date(r.get(15)?),
        socialtilsyn: r.get(16)?,
        covered_v1: r.get(17)?,
        manager: r.get(18)?,
        phone: r.get(19)?,
        email: r.get(20)?,
        website: r.get(21)?,
    })
}

pub fn offer_row(conn: &Connection, id: &str) -> Result<Option<OfferRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {OFFER_ROW_COLUMNS} FROM offers WHERE id = ?1"
    ))?;
    Ok(st.query_row([id], offer_row_from).optional()?)
}

/// The offer's operators, oldest period first.
pub fn operators(conn: &Connection, key: i64) -> Result<Vec<OperatorPeriod>> {
    let mut st = conn.prepare_cached(
        "SELECT kind, name, cvr, municipality_code, valid_from, valid_to FROM offer_operators
         WHERE offer_key = ?1 ORDER BY valid_from",
    )?;
    let mut q = st.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        let from: String = r.get(4)?;
        out.push(OperatorPeriod {
            kind: OperatorType::parse(&r.get::<_, String>(0)?)?,
            name: r.get(1)?,
            cvr: r.get(2)?,
            municipality_code: r.get(3)?,
            valid_from: NaiveDate::from_str(&from)
                .map_err(|_| Error::Invalid(format!("Ugyldig dato i databasen: «{from}»")))?,
            valid_to: date(r.get(5)?),
        });
    }
    Ok(out)
}

/// Each of the offer's target groups with its path: "Funktionsnedsættelse › Psykisk ›
/// Autisme", in Danish order.
pub fn target_group_paths(conn: &Connection, key: i64) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached(
        "WITH RECURSIVE path(code, parent, label, leaf, depth) AS (
             SELECT t.code, t.parent, t.label, t.code, 0
               FROM offer_target_groups o JOIN target_groups t ON t.code = o.code
              WHERE o.offer_key = ?1
             UNION ALL
             SELECT t.code, t.parent, t.label, p.leaf, p.depth + 1
               FROM path p JOIN target_groups t ON t.code = p.parent
              WHERE p.depth < 16)
         SELECT leaf, group_concat(label, ' › ') FROM
             (SELECT leaf, label FROM path ORDER BY leaf, depth DESC)
         GROUP BY leaf",
    )?;
    let rows = st.query_map([key], |r| r.get::<_, String>(1))?;
    let mut out: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| crate::fmt::danish_cmp(a, b));
    Ok(out)
}

/// The labels of the offer's own target groups, in the tree's order.
pub fn target_group_labels(conn: &Connection, key: i64) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT g.label FROM offer_target_groups o JOIN target_groups g ON g.code = o.code
         WHERE o.offer_key = ?1 ORDER BY g.ord",
    )?;
    let rows = st.query_map([key], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn target_group_codes(conn: &Connection, key: i64) -> Result<Vec<String>> {
    let mut st =
        conn.prepare_cached("SELECT code FROM offer_target_groups WHERE offer_key = ?1")?;
    let rows = st.query_map([key], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One department's places under one legal basis, with its free-place figure.
#[derive(Debug, Clone)]
pub struct PlacesRow {
    pub department_id: String,
    pub department_name: String,
    pub basis: LegalBasis,
    pub places: u32,
    pub free_places: Option<u32>,
    pub free_as_of: Option<NaiveDate>,
    pub free_source: Option<String>,
    /// A secure department (SEL § 108 stk. 7).
    pub secure: bool,
}

/// The offer's places, department by department in the catalogue's order.
pub fn places(conn: &Connection, key: i64) -> Result<Vec<PlacesRow>> {
    let mut st = conn.prepare_cached(
        "SELECT d.id, d.name, p.legal_basis, p.places, p.free_places, p.free_as_of, p.free_source,
                d.secure
         FROM departments d JOIN department_places p
           ON p.offer_key = d.offer_key AND p.department_id = d.id
         WHERE d.offer_key = ?1 ORDER BY d.ord, p.legal_basis",
    )?;
    let mut q = st.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(PlacesRow {
            department_id: r.get(0)?,
            department_name: r.get(1)?,
            basis: LegalBasis::parse(&r.get::<_, String>(2)?)?,
            places: r.get(3)?,
            free_places: r.get(4)?,
            free_as_of: date(r.get(5)?),
            free_source: r.get(6)?,
            secure: r.get(7)?,
        });
    }
    Ok(out)
}

/// The departments of an offer without places: (id, name), in the catalogue's order.
fn departments(conn: &Connection, key: i64) -> Result<Vec<(String, String)>> {
    let mut st =
        conn.prepare_cached("SELECT id, name FROM departments WHERE offer_key = ?1 ORDER BY ord")?;
    let rows = st.query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The agreements the catalogue names for the offer (format 2).
fn named_agreements(conn: &Connection, key: i64) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT agreement_id FROM offer_agreements WHERE offer_key = ?1 ORDER BY agreement_id",
    )?;
    let rows = st.query_map([key], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Places bought per municipality and year: (year, municipality code, places), newest year
/// and most places first.
pub fn buyers(conn: &Connection, offer_id: &str) -> Result<Vec<(i32, u16, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT year, municipality_code, places FROM offer_buyers WHERE offer_id = ?1
         ORDER BY year DESC, places DESC, municipality_code",
    )?;
    let rows = st.query_map([offer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Places bought in `year`: (offer id, municipality code, places).
pub fn buyers_of_year(conn: &Connection, year: i32) -> Result<Vec<(String, u16, i64)>> {
    let mut st = conn
        .prepare("SELECT offer_id, municipality_code, places FROM offer_buyers WHERE year = ?1")?;
    let rows = st.query_map([year], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The offer's phone and e-mail.
pub fn contact(conn: &Connection, id: &str) -> Result<(Option<String>, Option<String>)> {
    Ok(conn
        .prepare_cached("SELECT phone, email FROM offers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or_default())
}

/// What the rules need to know about offer `id` on `on`, the operator in force that day
/// included (`rules::operator_on`). `None` when the catalogue has no such offer.
pub fn offer_facts(conn: &Connection, id: &str, on: NaiveDate) -> Result<Option<OfferFacts>> {
    let Some(row) = offer_row(conn, id)? else {
        return Ok(None);
    };
    let bases = places(conn, row.key)?
        .into_iter()
        .map(|p| (p.department_id, p.basis))
        .collect();
    Ok(Some(OfferFacts {
        operator: rules::operator_on(&operators(conn, row.key)?, on).cloned(),
        bases,
        departments: departments(conn, row.key)?,
        target_groups: target_group_codes(conn, row.key)?,
        agreements: named_agreements(conn, row.key)?,
        ..facts_of(row)
    }))
}

/// An offer's facts from its row, before its operator, bases, departments, target groups and
/// agreements are added.
fn facts_of(row: OfferRow) -> OfferFacts {
    OfferFacts {
        address: format!("{}, {} {}", row.street, row.postcode, row.city),
        operator: None,
        bases: Vec::new(),
        departments: Vec::new(),
        target_groups: Vec::new(),
        agreements: Vec::new(),
        id: row.id,
        name: row.name,
        cvr: row.cvr,
        municipality_code: row.municipality_code,
        approval: row.approval,
        min_age: row.min_age,
        max_age: row.max_age,
        covered_v1: row.covered_v1,
    }
}

/// Every offer's coverage facts on `on`, in id order: each table read once, in key order,
/// and only the columns the categories rule needs (reading every offer's whole facts took
/// most of the categories report's 1,2 s on 100.000 offers). The operator is the one
/// `rules::operator_on` gives, as `offer_facts` has it.
pub fn all_offer_coverage(conn: &Connection, on: NaiveDate) -> Result<Vec<OfferCoverage>> {
    let mut offers: Vec<(i64, OfferCoverage)> = Vec::new();
    let mut st = conn.prepare(
        "SELECT o.key, o.id, o.name, o.municipality_code, o.covered_by_rammeaftale,
                COALESCE(p.places, 0)
         FROM offers o
         LEFT JOIN (SELECT offer_key, SUM(places) AS places FROM department_places
                    GROUP BY offer_key) p ON p.offer_key = o.key
         ORDER BY o.key",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let coverage = OfferCoverage {
            id: r.get(1)?,
            name: r.get(2)?,
            municipality_code: r.get(3)?,
            covered_v1: r.get(4)?,
            places: r.get(5)?,
            operator: None,
            agreements: Vec::new(),
        };
        offers.push((r.get(0)?, coverage));
    }
    let position = |offers: &[(i64, OfferCoverage)], key: i64| {
        offers.binary_search_by_key(&key, |(k, _)| *k).ok()
    };
    // Periods come by key and start; each offer's run decides its operator on `on`.
    let mut run: (Option<usize>, Vec<OperatorPeriod>) = (None, Vec::new());
    let mut decided: Vec<(usize, Option<OperatorPeriod>)> = Vec::new();
    each_operator(conn, |key, period| {
        let at = position(&offers, key);
        if at != run.0 {
            if let Some(i) = run.0 {
                decided.push((i, rules::operator_on(&run.1, on).cloned()));
            }
            run = (at, Vec::new());
        }
        run.1.push(period);
        Ok(())
    })?;
    if let Some(i) = run.0 {
        decided.push((i, rules::operator_on(&run.1, on).cloned()));
    }
    for (i, operator) in decided {
        offers[i].1.operator = operator;
    }
    let mut st = conn.prepare(
        "SELECT offer_key, agreement_id FROM offer_agreements ORDER BY offer_key, agreement_id",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        if let Some(i) = position(&offers, r.get(0)?) {
            offers[i].1.agreements.push(r.get(1)?);
        }
    }
    let mut out: Vec<OfferCoverage> = offers.into_iter().map(|(_, c)| c).collect();
    out.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Every offer's operator periods in one read, by offer key (as the search index reads them;
/// the periods `operators` gives offer by offer).
fn operators_by_key(conn: &Connection) -> Result<HashMap<i64, Vec<OperatorPeriod>>> {
    let mut by_key: HashMap<i64, Vec<OperatorPeriod>> = HashMap::new();
    each_operator(conn, |key, period| {
        by_key.entry(key).or_default().push(period);
        Ok(())
    })?;
    Ok(by_key)
}

/// Every offer's id, name, operator periods and total places, in id order (the reports).
pub struct OfferSummary {
    pub id: String,
    pub name: String,
    pub operators: Vec<OperatorPeriod>,
    pub places: i64,
}

pub fn offer_summaries(conn: &Connection) -> Result<Vec<OfferSummary>> {
    let mut st = conn.prepare(
        "SELECT o.key, o.id, o.name,
                (SELECT COALESCE(SUM(places), 0) FROM department_places p WHERE p.offer_key = o.key)
         FROM offers o ORDER BY o.id",
    )?;
    let rows: Vec<(i64, String, String, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // One query per offer took 40 % of a report over 100.000 offers.
    let mut by_key = operators_by_key(conn)?;
    Ok(rows
        .into_iter()
        .map(|(key, id, name, places)| OfferSummary {
            operators: by_key.remove(&key).unwrap_or_default(),
            id,
            name,
            places,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Bulk reads for the search index (each table once, in key order)

/// (offers, highest row key, target-group links): the index sizes its arrays exactly.
pub fn index_sizes(conn: &Connection) -> Result<(usize, i64, usize)> {
    Ok(conn.query_row(
        "SELECT (SELECT COUNT(*) FROM offers), (SELECT COALESCE(MAX(key), 0) FROM offers),
                (SELECT COUNT(*) FROM offer_target_groups)",
        [],
        |r| {
            let n: i64 = r.get(0)?;
            let links: i64 = r.get(2)?;
            Ok((
                usize::try_from(n).unwrap_or(0),
                r.get(1)?,
                usize::try_from(links).unwrap_or(0),
            ))
        },
    )?)
}

/// One offer as the index reads it (borrowed from the row being read).
pub struct IndexOffer<'a> {
    pub key: i64,
    pub id: &'a str,
    pub name: &'a str,
    pub city: &'a str,
    pub municipality_code: u16,
    pub lat: f64,
    pub lon: f64,
    pub min_age: u8,
    pub max_age: Option<u8>,
    pub approval: ApprovalStatus,
    pub covered_v1: bool,
    pub name_rank: Option<u32>,
}

pub fn each_offer(
    conn: &Connection,
    mut visit: impl FnMut(IndexOffer) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT key, id, name, city, municipality_code, lat, lon, min_age, max_age,
                approval_status, covered_by_rammeaftale, name_rank
         FROM offers LEFT JOIN offer_order ON offer_key = key ORDER BY key",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let approval = r.get_ref(9)?.as_str().unwrap_or_default();
        visit(IndexOffer {
            key: r.get(0)?,
            id: r.get_ref(1)?.as_str().unwrap_or_default(),
            name: r.get_ref(2)?.as_str().unwrap_or_default(),
            city: r.get_ref(3)?.as_str().unwrap_or_default(),
            municipality_code: r.get(4)?,
            lat: r.get(5)?,
            lon: r.get(6)?,
            min_age: r.get(7)?,
            max_age: r.get(8)?,
            approval: ApprovalStatus::parse(approval).unwrap_or(ApprovalStatus::UnderGodkendelse),
            covered_v1: r.get(10)?,
            name_rank: r.get(11)?,
        })?;
    }
    Ok(())
}

/// Every operator period, by offer key and then start: (key, period).
pub fn each_operator(
    conn: &Connection,
    mut visit: impl FnMut(i64, OperatorPeriod) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT offer_key, kind, name, cvr, municipality_code, valid_from, valid_to
         FROM offer_operators ORDER BY offer_key, valid_from",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let Some(valid_from) = date(r.get(5)?) else {
            continue;
        };
        visit(
            r.get(0)?,
            OperatorPeriod {
                kind: OperatorType::parse(r.get_ref(1)?.as_str().unwrap_or_default())?,
                name: r.get(2)?,
                cvr: r.get(3)?,
                municipality_code: r.get(4)?,
                valid_from,
                valid_to: date(r.get(6)?),
            },
        )?;
    }
    Ok(())
}

/// Every place line by offer key: (key, basis code, places, free places, free as of).
pub fn each_places(
    conn: &Connection,
    mut visit: impl FnMut(i64, &str, u32, Option<u32>, Option<NaiveDate>) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT offer_key, legal_basis, places, free_places, free_as_of
         FROM department_places ORDER BY offer_key",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let as_of = r
            .get_ref(4)?
            .as_str_or_null()
            .ok()
            .flatten()
            .and_then(|s| NaiveDate::from_str(s).ok());
        visit(
            r.get(0)?,
            r.get_ref(1)?.as_str().unwrap_or_default(),
            r.get(2)?,
            r.get(3)?,
            as_of,
        )?;
    }
    Ok(())
}

/// Every (offer key, target-group code) link, by offer key.
pub fn each_target_group_link(
    conn: &Connection,
    mut visit: impl FnMut(i64, &str) -> Result<()>,
) -> Result<()> {
    let mut st =
        conn.prepare("SELECT offer_key, code FROM offer_target_groups ORDER BY offer_key, code")?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        visit(r.get(0)?, r.get_ref(1)?.as_str().unwrap_or_default())?;
    }
    Ok(())
}

/// Every (offer key, agreement id) the catalogue names, by offer key.
pub fn each_named_agreement(
    conn: &Connection,
    mut visit: impl FnMut(i64, &str) -> Result<()>,
) -> Result<()> {
    let mut st =
        conn.prepare("SELECT offer_key, agreement_id FROM offer_agreements ORDER BY offer_key")?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        visit(r.get(0)?, r.get_ref(1)?.as_str().unwrap_or_default())?;
    }
    Ok(())
}

/// The words of the free-text index that start with anything but a digit, in byte order,
/// each with the number of offers whose text has it (FTS5's own vocabulary, through
/// `fts5vocab`; a temporary table on this connection).
pub fn fts_words_from_letters(conn: &Connection, mut visit: impl FnMut(&str, u64)) -> Result<()> {
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.offer_fts_words
           USING fts5vocab(main, offer_fts, row)",
    )?;
    // ':' follows the digits; no word of the index starts with a character before them.
    let mut st =
        conn.prepare_cached("SELECT term, doc FROM temp.offer_fts_words WHERE term >= ':'")?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let offers: i64 = r.get(1)?;
        visit(
            r.get_ref(0)?.as_str().unwrap_or_default(),
            u64::try_from(offers).unwrap_or(0),
        );
    }
    Ok(())
}

/// The row keys of offers matching an FTS5 query (`expr` is built by the search from quoted
/// terms, so it is never a syntax error).
pub fn fts_keys(conn: &Connection, expr: &str, mut visit: impl FnMut(i64)) -> Result<()> {
    let mut st = conn.prepare_cached("SELECT rowid FROM offer_fts WHERE offer_fts MATCH ?1")?;
    let mut q = st.query([expr])?;
    while let Some(r) = q.next()? {
        visit(r.get(0)?);
    }
    Ok(())
}

/// The mean position of the offers at a postcode, if any.
pub fn postcode_centre(conn: &Connection, postcode: &str) -> Result<Option<(f64, f64)>> {
    let found: (Option<f64>, Option<f64>) = conn.query_row(
        "SELECT AVG(lat), AVG(lon) FROM offers WHERE postcode = ?1",
        [postcode],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match found {
        (Some(lat), Some(lon)) => Some((lat, lon)),
        _ => None,
    })
}

/// The catalogue snapshot file kept for the municipality's server (gzip).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    pub sha256: String,
    pub extracted: NaiveDate,
    pub source: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// Keeps `file` as the one snapshot file here (replacing the one before).
pub fn keep_file(conn: &Connection, file: &KeptFile, now: &str) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute("DELETE FROM catalogue_files", [])?;
    tx.execute(
        "INSERT INTO catalogue_files (sha256, extracted, source, file_name, content, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            file.sha256,
            file.extracted.to_string(),
            file.source,
            file.file_name,
            file.content,
            now
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// The snapshot file kept for the server, if any.
/// The kept snapshot's SHA-256 and extraction date, without its content (what a status
/// line needs; the content of 100.000 offers is about 40 MB).
pub fn kept_file_key(conn: &Connection) -> Result<Option<(String, NaiveDate)>> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT sha256, extracted FROM catalogue_files", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(sha256, extracted)| {
        date(Some(extracted.clone()))
            .map(|on| (sha256, on))
            .ok_or_else(|| {
                Error::Internal(format!("Ugyldig udtræksdato i databasen: «{extracted}»"))
            })
    })
    .transpose()
}

pub fn kept_file(conn: &Connection) -> Result<Option<KeptFile>> {
    let row: Option<(String, String, String, String, Vec<u8>)> = conn
        .query_row(
            "SELECT sha256, extracted, source, file_name, content FROM catalogue_files",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    row.map(|(sha256, extracted, source, file_name, content)| {
        Ok(KeptFile {
            extracted: date(Some(extracted.clone())).ok_or_else(|| {
                Error::Internal(format!("Ugyldig udtræksdato i databasen: «{extracted}»"))
            })?,
            sha256,
            source,
            file_name,
            content,
        })
    })
    .transpose()
}
