//! Offer search: free text through FTS5, filters and sorts over a compact in-memory index
//! of the catalogue (built once after open or import, about 16 MB for 100.000 offers).

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

use crate::catalogue::model::{ApprovalStatus, LegalBasis, OperatorType};
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::{fmt, rates};

/// Free-place figures older than this many days are shown as stale (a setting later).
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 30;
/// One page of results, as the app shows them ("Vis flere" fetches the next).
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Offers with every search word in their name first, then by name; without text: by
    /// distance if there is an origin, else by name.
    #[default]
    Relevance,
    Distance,
    Rate,
    FreePlaces,
    Name,
}

impl FromStr for SortKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "relevance" | "relevans" => Ok(SortKey::Relevance),
            "distance" | "afstand" => Ok(SortKey::Distance),
            "rate" | "takst" => Ok(SortKey::Rate),
            "free" | "free_places" | "ledige" => Ok(SortKey::FreePlaces),
            "name" | "navn" => Ok(SortKey::Name),
            other => Err(Error::Invalid(format!(
                "Sorteringen «{other}» kendes ikke. Brug relevance, distance, rate, free_places eller name."
            ))),
        }
    }
}

/// What the user asks for. Every field is optional; an empty query lists the whole catalogue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub legal_bases: Vec<LegalBasis>,
    /// A target-group code; offers in its whole subtree match.
    pub target_group: Option<String>,
    /// The citizen's age.
    pub age: Option<u8>,
    pub operator_types: Vec<OperatorType>,
    /// Offers located in one of these municipalities.
    pub municipalities: Vec<u16>,
    /// Offers located in this region (id, e.g. "sjaelland") on `region_date`.
    pub region: Option<String>,
    pub region_date: Option<NaiveDate>,
    pub only_free: bool,
    /// Highest daily rate, like for like: per day, ex. VAT.
    pub max_daily_rate: Option<Decimal>,
    pub covered_by_rammeaftale: Option<bool>,
    pub only_approved: bool,
    /// Distance is measured from this municipality (the citizen's home) …
    pub near_municipality: Option<u16>,
    /// … or from this point …
    pub near_point: Option<Point>,
    /// … or from this postcode (its town, or where the catalogue's offers with it lie).
    pub near_postcode: Option<String>,
    pub max_distance_km: Option<f64>,
    pub sort: SortKey,
    /// At most this many hits (default: one page of `DEFAULT_LIMIT`) …
    pub limit: Option<usize>,
    /// … after skipping this many (the next page).
    pub offset: Option<usize>,
    /// Rates of this year are shown and filtered on (default: the year of `today`).
    pub rate_year: Option<i32>,
    pub stale_after_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub name: String,
    pub city: String,
    pub municipality_code: u16,
    pub municipality: String,
    pub operator_type: OperatorType,
    pub operator_name: String,
    pub legal_bases: Vec<LegalBasis>,
    pub places: u32,
    /// Free places in the matching legal bases; none when no figure is known.
    pub free_places: Option<u32>,
    /// The oldest date among the figures summed into `free_places`.
    pub free_as_of: Option<NaiveDate>,
    pub free_stale: bool,
    pub daily_rate_ex_vat: Option<Decimal>,
    pub rate_year: Option<i32>,
    pub distance_km: Option<f64>,
    pub covered_by_rammeaftale: bool,
    pub approval: ApprovalStatus,
    pub min_age: u8,
    pub max_age: Option<u8>,
    /// Danish display texts (the UI and CLI show these as they are).
    pub text: HitTexts,
}

#[derive(Debug, Clone, Serialize)]
pub struct HitTexts {
    pub legal_bases: String,
    pub free_places: String,
    pub free_as_of: String,
    pub daily_rate: String,
    /// The same without "pr. døgn", for a column headed "Døgntakst".
    pub daily_rate_short: String,
    pub distance: String,
    pub operator_type: String,
    pub age: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    /// Matches in all (the hits are the first `limit` of them).
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub rate_year: i32,
    pub today: NaiveDate,
    pub stale_after_days: i64,
    /// The point distances were measured from, if any.
    pub origin: Option<Point>,
}

/// A run of entries in one of the index's flat arrays.
#[derive(Debug, Clone, Copy, Default)]
struct Slice {
    start: u32,
    len: u32,
}

impl Slice {
    fn of<T>(self, items: &[T]) -> &[T] {
        let start = self.start as usize;
        items
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

/// One year's rate in the index, packed in 8 bytes: the year from 2000 in the top 7 bits,
/// the lowest daily rate ex. VAT in øre below.
#[derive(Debug, Clone, Copy)]
struct YearRate(u64);

impl YearRate {
    const OERE_BITS: u32 = 57;

    /// `None` for a year outside 2000-2127 or a rate that does not fit (neither passes
    /// the importers' checks).
    fn new(year: i32, oere: i64) -> Option<YearRate> {
        let y = u64::try_from(year.checked_sub(2000)?)
            .ok()
            .filter(|y| *y < 128)?;
        let o = u64::try_from(oere)
            .ok()
            .filter(|o| *o < 1 << Self::OERE_BITS)?;
        Some(YearRate(y << Self::OERE_BITS | o))
    }

    fn year(self) -> i32 {
        2000 + (self.0 >> Self::OERE_BITS) as i32
    }

    fn oere(self) -> i64 {
        (self.0 & ((1 << Self::OERE_BITS) - 1)) as i64
    }
}

#[derive(Debug, Clone, Copy)]
struct BasisAgg {
    basis: LegalBasis,
    /// The lowest daily rate ex. VAT among the offer's departments per year: `rates_len`
    /// entries of `SearchIndex::rates` from `rates_start`, by year (at most 128 years).
    rates_len: u8,
    places: u32,
    /// Free places; `UNKNOWN_FREE` when not every department reported a figure.
    free: u32,
    free_as_of: Option<NaiveDate>,
    rates_start: u32,
}

const UNKNOWN_FREE: u32 = u32::MAX;

impl BasisAgg {
    fn free(&self) -> Option<u32> {
        (self.free != UNKNOWN_FREE).then_some(self.free)
    }

    fn rates(&self) -> Slice {
        Slice {
            start: self.rates_start,
            len: u32::from(self.rates_len),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

/// One offer in the index. Kept small and flat: strings live in one arena or are interned,
/// legal bases, rates and target groups in shared arrays, so 100.000 offers cost about
/// 20 MB in a handful of allocations.
#[derive(Debug, Clone)]
struct Row {
    id: Span,
    name: Span,
    /// Position in Danish alphabetical order of names.
    name_rank: u32,
    city: u32,
    operator_name: u32,
    /// WGS84 degrees; f32 is good to about a metre here.
    lat: f32,
    lon: f32,
    /// In `SearchIndex::bases`, by legal basis.
    bases: Slice,
    /// In `SearchIndex::groups`.
    groups: Slice,
    municipality: u16,
    min_age: u8,
    max_age: Option<u8>,
    approval: ApprovalStatus,
    covered: bool,
    operator_type: OperatorType,
    basis_bits: u8,
    /// The folded first letters of the name's words (see `initials`): a search word whose
    /// first letter is not among them cannot start a word of the name.
    initials: [u8; 3],
}

impl Row {
    fn point(&self) -> Point {
        Point {
            lat: f64::from(self.lat),
            lon: f64::from(self.lon),
        }
    }
}

/// Strings stored once: offer ids and names in one arena, repeated ones (towns, operators)
/// interned.
#[derive(Default)]
struct Strings {
    arena: String,
    interned: Vec<String>,
    lookup: HashMap<String, u32>,
}

impl Strings {
    fn push(&mut self, s: &str) -> Span {
        let start = self.arena.len() as u32;
        self.arena.push_str(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }
    fn get(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.arena
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }
    fn intern(&mut self, s: String) -> u32 {
        if let Some(&i) = self.lookup.get(&s) {
            return i;
        }
        let i = self.interned.len() as u32;
        self.interned.push(s.clone());
        self.lookup.insert(s, i);
        i
    }
    fn interned(&self, i: u32) -> &str {
        self.interned
            .get(i as usize)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// The in-memory search index over the current catalogue.
pub struct SearchIndex {
    rows: Vec<Row>,
    bases: Vec<BasisAgg>,
    rates: Vec<YearRate>,
    groups: Vec<u32>,
    /// offer row key -> index in `rows` (keys are SQLite rowids, dense from 1).
    by_key: Vec<u32>,
    strings: Strings,
    /// target group code -> index; parents by index.
    group_index: HashMap<String, u32>,
    group_parent: Vec<Option<u32>>,
    pub extracted: Option<NaiveDate>,
}

const NO_ROW: u32 = u32::MAX;

impl SearchIndex {
    /// Builds the index from the store. The operator shown is the one in force on the
    /// catalogue's extraction date.
    pub fn build(conn: &Connection) -> Result<SearchIndex> {
        let t0 = std::time::Instant::now();
        let mark = |what: &str| {
            if std::env::var_os("PLADSOVERBLIK_TIMING").is_some() {
                let rss = std::fs::read_to_string("/proc/self/status")
                    .ok()
                    .and_then(|s| {
                        s.lines()
                            .find(|l| l.starts_with("VmRSS:"))
                            .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
                    })
                    .unwrap_or_default();
                eprintln!(
                    "indeks: {what} efter {} ms, RSS {rss} kB",
                    t0.elapsed().as_millis()
                );
            }
        };
        let extracted: Option<NaiveDate> = conn
            .query_row(
                "SELECT extracted FROM catalogue_meta WHERE id = 1",
                [],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .and_then(|s| NaiveDate::from_str(&s).ok());
        let on = extracted.unwrap_or_else(crate::clock::today);

        let mut group_index = HashMap::new();
        let mut parents_by_code = Vec::new();
        {
            let mut st = conn.prepare("SELECT code, parent FROM target_groups ORDER BY ord")?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let code: String = r.get(0)?;
                let parent: Option<String> = r.get(1)?;
                group_index.insert(code, parents_by_code.len() as u32);
                parents_by_code.push(parent);
            }
        }
        let group_parent = parents_by_code
            .iter()
            .map(|p| p.as_ref().and_then(|c| group_index.get(c).copied()))
            .collect();

        // Exact capacities: a growing Vec leaves its smaller copies behind as freed memory.
        let count = |sql: &str| -> Result<usize> {
            let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
            Ok(usize::try_from(n).unwrap_or(0))
        };
        let mut rows: Vec<Row> = Vec::with_capacity(count("SELECT COUNT(*) FROM offers")?);
        let max_key: i64 =
            conn.query_row("SELECT COALESCE(MAX(key), 0) FROM offers", [], |r| r.get(0))?;
        let mut by_key: Vec<u32> = Vec::with_capacity(usize::try_from(max_key).unwrap_or(0) + 1);
        let mut strings = Strings::default();
        {
            let mut st = conn.prepare(
                "SELECT key, id, name, city, municipality_code, lat, lon, min_age, max_age,
                        approval_status, covered_by_rammeaftale, name_rank
                 FROM offers LEFT JOIN offer_order ON offer_key = key ORDER BY key",
            )?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let key: i64 = r.get(0)?;
                let approval: String = r.get(9)?;
                let slot = usize::try_from(key).unwrap_or(0);
                if by_key.len() <= slot {
                    by_key.resize(slot + 1, NO_ROW);
                }
                by_key[slot] = rows.len() as u32;
                let (lat, lon): (f64, f64) = (r.get(5)?, r.get(6)?);
                let name = r.get_ref(2)?.as_str().unwrap_or_default();
                rows.push(Row {
                    id: strings.push(r.get_ref(1)?.as_str().unwrap_or_default()),
                    name: strings.push(name),
                    name_rank: r.get::<_, Option<u32>>(11)?.unwrap_or(u32::MAX),
                    city: strings.intern(r.get(3)?),
                    operator_name: u32::MAX,
                    municipality: r.get(4)?,
                    lat: lat as f32,
                    lon: lon as f32,
                    min_age: r.get(7)?,
                    max_age: r.get(8)?,
                    approval: ApprovalStatus::parse(&approval)
                        .unwrap_or(ApprovalStatus::UnderGodkendelse),
                    covered: r.get(10)?,
                    operator_type: OperatorType::Privat,
                    basis_bits: 0,
                    initials: initials(name),
                    bases: Slice::default(),
                    groups: Slice::default(),
                });
            }
        }
        strings.arena.shrink_to_fit();
        mark("tilbud");
        let row_of = |key: i64| -> Option<usize> {
            let slot = usize::try_from(key).ok()?;
            by_key
                .get(slot)
                .copied()
                .filter(|&i| i != NO_ROW)
                .map(|i| i as usize)
        };
        {
            // Operator in force on the catalogue date; the latest one if none is.
            let mut st = conn.prepare(
                "SELECT offer_key, kind, name, valid_from FROM offer_operators
                 ORDER BY offer_key, valid_from",
            )?;
            let mut q = st.query([])?;
            let on_text = on.to_string();
            while let Some(r) = q.next()? {
                let key: i64 = r.get(0)?;
                let Some(i) = row_of(key) else { continue };
                let from: String = r.get(3)?;
                // Periods come in order and do not overlap: the last one begun by the
                // catalogue date is in force (or the first one, if none has begun).
                if rows[i].operator_name == u32::MAX || from <= on_text {
                    let kind: String = r.get(1)?;
                    rows[i].operator_type = OperatorType::parse(&kind)?;
                    rows[i].operator_name = strings.intern(r.get(2)?);
                }
            }
        }
        mark("driftsherrer");
        // Legal bases: the table's key order (offer, department, basis) brings each offer's
        // rows together; they are summed per basis and appended as one run per offer.
        let mut bases: Vec<BasisAgg> = Vec::new();
        {
            let mut st = conn.prepare(
                "SELECT offer_key, legal_basis, places, free_places, free_as_of
                 FROM department_places ORDER BY offer_key",
            )?;
            let mut q = st.query([])?;
            let mut current: Option<usize> = None;
            let mut pending: Vec<BasisAgg> = Vec::new();
            let flush = |row: Option<usize>,
                         pending: &mut Vec<BasisAgg>,
                         bases: &mut Vec<BasisAgg>,
                         rows: &mut Vec<Row>| {
                if let Some(i) = row {
                    pending.sort_by_key(|b| b.basis);
                    rows[i].bases = Slice {
                        start: bases.len() as u32,
                        len: pending.len() as u32,
                    };
                    bases.append(pending);
                }
                pending.clear();
            };
            while let Some(r) = q.next()? {
                let key: i64 = r.get(0)?;
                let Some(i) = row_of(key) else { continue };
                if current != Some(i) {
                    flush(current, &mut pending, &mut bases, &mut rows);
                    current = Some(i);
                }
                let Some(basis) = LegalBasis::from_code(r.get_ref(1)?.as_str().unwrap_or_default())
                else {
                    continue;
                };
                let places: u32 = r.get(2)?;
                let free: Option<u32> = r.get(3)?;
                let as_of = r
                    .get_ref(4)?
                    .as_str_or_null()
                    .ok()
                    .flatten()
                    .and_then(|s| NaiveDate::from_str(s).ok());
                rows[i].basis_bits |= basis.bit();
                match pending.iter_mut().find(|b| b.basis == basis) {
                    Some(agg) => {
                        agg.places += places;
                        // A sum is only a figure when every department reported one.
                        agg.free = match (agg.free(), free) {
                            (Some(a), Some(b)) => a.saturating_add(b).min(UNKNOWN_FREE - 1),
                            _ => UNKNOWN_FREE,
                        };
                        agg.free_as_of = match (agg.free_as_of, as_of) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                    None => pending.push(BasisAgg {
                        basis,
                        rates_len: 0,
                        places,
                        free: free.map_or(UNKNOWN_FREE, |f| f.min(UNKNOWN_FREE - 1)),
                        free_as_of: as_of,
                        rates_start: 0,
                    }),
                }
            }
            flush(current, &mut pending, &mut bases, &mut rows);
        }
        bases.shrink_to_fit();
        mark("pladser");
        let mut rate_runs: Vec<YearRate> = Vec::with_capacity(count(
            "SELECT COUNT(*) FROM rates", // an upper bound: departments' rates are merged
        )?);
        {
            // Rates are keyed by the catalogue id (so history survives imports). Both sides in
            // id order, merged: no join and no hash map. Each offer's rates arrive together
            // and are appended per basis, by year, keeping the lowest of its departments'.
            let mut by_id: Vec<u32> = (0..rows.len() as u32).collect();
            by_id.sort_unstable_by(|&a, &b| {
                strings
                    .get(rows[a as usize].id)
                    .cmp(strings.get(rows[b as usize].id))
            });
            let mut cursor = 0usize;
            let mut st = conn.prepare(
                "SELECT offer_id, legal_basis, year, daily_ex_vat_oere FROM rates ORDER BY offer_id",
            )?;
            let mut q = st.query([])?;
            let mut current: Option<usize> = None;
            // (basis, year, daily) of the current offer
            let mut pending: Vec<(LegalBasis, i32, i64)> = Vec::new();
            let flush = |row: Option<usize>,
                         pending: &mut Vec<(LegalBasis, i32, i64)>,
                         runs: &mut Vec<YearRate>,
                         bases: &mut [BasisAgg],
                         rows: &[Row]| {
                if let Some(i) = row {
                    pending.sort_unstable();
                    let range = rows[i].bases;
                    let start = range.start as usize;
                    for b in bases
                        .get_mut(start..start + range.len as usize)
                        .unwrap_or_default()
                    {
                        let start = runs.len();
                        b.rates_start = start as u32;
                        // Sorted by year and then daily rate: the first of a year is the
                        // lowest among the offer's departments.
                        let mut last_year = None;
                        for &(_, year, daily) in pending.iter().filter(|p| p.0 == b.basis) {
                            if last_year != Some(year) && runs.len() - start < usize::from(u8::MAX)
                            {
                                runs.extend(YearRate::new(year, daily));
                                last_year = Some(year);
                            }
                        }
                        b.rates_len = u8::try_from(runs.len() - start).unwrap_or(u8::MAX);
                    }
                }
                pending.clear();
            };
            while let Some(r) = q.next()? {
                let offer_id = r.get_ref(0)?.as_str().unwrap_or_default();
                while cursor < by_id.len()
                    && strings.get(rows[by_id[cursor] as usize].id) < offer_id
                {
                    cursor += 1;
                }
                let Some(i) = by_id
                    .get(cursor)
                    .map(|&i| i as usize)
                    .filter(|&i| strings.get(rows[i].id) == offer_id)
                else {
                    continue;
                };
                if current != Some(i) {
                    flush(current, &mut pending, &mut rate_runs, &mut bases, &rows);
                    current = Some(i);
                }
                let Some(basis) = LegalBasis::from_code(r.get_ref(1)?.as_str().unwrap_or_default())
                else {
                    continue;
                };
                pending.push((basis, r.get(2)?, r.get(3)?));
            }
            flush(current, &mut pending, &mut rate_runs, &mut bases, &rows);
        }
        rate_runs.shrink_to_fit();
        mark("takster");
        let mut groups: Vec<u32> =
            Vec::with_capacity(count("SELECT COUNT(*) FROM offer_target_groups")?);
        {
            let mut st =
                conn.prepare("SELECT offer_key, code FROM offer_target_groups ORDER BY offer_key")?;
            let mut q = st.query([])?;
            let mut current: Option<usize> = None;
            while let Some(r) = q.next()? {
                let key: i64 = r.get(0)?;
                let Some(i) = row_of(key) else { continue };
                if current != Some(i) {
                    rows[i].groups.start = groups.len() as u32;
                    current = Some(i);
                }
                if let Some(&g) = group_index.get(r.get_ref(1)?.as_str().unwrap_or_default()) {
                    groups.push(g);
                    rows[i].groups.len += 1;
                }
            }
        }
        mark("målgrupper");
        // Interning is done: only the strings themselves are needed from here on.
        strings.lookup = HashMap::new();
        Ok(SearchIndex {
            rows,
            bases,
            rates: rate_runs,
            groups,
            by_key,
            strings,
            group_index,
            group_parent,
            extracted,
        })
    }

    fn row_of(&self, key: i64) -> Option<usize> {
        let slot = usize::try_from(key).ok()?;
        self.by_key
            .get(slot)
            .copied()
            .filter(|&i| i != NO_ROW)
            .map(|i| i as usize)
    }

    /// One offer as a search hit, by its catalogue id: figures for `basis` (all bases when
    /// none), distance from `origin`. For the shortlist and the check's comparison view.
    pub fn hit_for(
        &self,
        conn: &Connection,
        offer_id: &str,
        basis: Option<LegalBasis>,
        origin: Option<Point>,
        today: NaiveDate,
        stale_after_days: i64,
    ) -> Result<SearchHit> {
        let key: Option<i64> = conn
            .query_row("SELECT key FROM offers WHERE id = ?1", [offer_id], |r| {
                r.get(0)
            })
            .optional()?;
        let row = key.and_then(|k| self.row_of(k)).ok_or_else(|| {
            Error::NotFound(format!("Tilbuddet «{offer_id}» findes ikke i kataloget."))
        })?;
        let row = &self.rows[row];
        let bits = basis.map_or(0, LegalBasis::bit);
        let distance = origin.map(|o| geo::distance_km(o, row.point()));
        Ok(self.hit(row, bits, today.year(), today, stale_after_days, distance))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The memory the index holds (its arrays' and strings' capacities), for the benchmark.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let strings = &self.strings;
        self.rows.capacity() * size_of::<Row>()
            + self.bases.capacity() * size_of::<BasisAgg>()
            + self.rates.capacity() * size_of::<YearRate>()
            + (self.groups.capacity() + self.by_key.capacity()) * size_of::<u32>()
            + strings.arena.capacity()
            + strings
                .interned
                .iter()
                .map(|s| 2 * (s.capacity() + size_of::<String>()) + size_of::<u32>())
                .sum::<usize>()
            + self
                .group_index
                .keys()
                .map(|k| k.capacity() + size_of::<String>() + 2 * size_of::<u32>())
                .sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn in_subtree(&self, group: u32, root: u32) -> bool {
        let mut cur = Some(group);
        let mut steps = 0;
        while let Some(g) = cur {
            if g == root {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            cur = self.group_parent.get(g as usize).copied().flatten();
        }
        false
    }

    /// Runs a search. `today` decides staleness and the default rate year.
    pub fn search(
        &self,
        conn: &Connection,
        q: &SearchQuery,
        today: NaiveDate,
    ) -> Result<SearchResult> {
        let stale_after = q.stale_after_days.unwrap_or(DEFAULT_STALE_AFTER_DAYS);
        let rate_year = q.rate_year.unwrap_or(today.year());
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);

        let origin = match (q.near_point, q.near_municipality) {
            (Some(p), _) => Some(p),
            (None, Some(code)) => {
                let m = geo::municipality(code)
                    .ok_or_else(|| Error::Invalid(format!("Kommunekoden {code} findes ikke.")))?;
                Some(Point {
                    lat: m.lat,
                    lon: m.lon,
                })
            }
            (None, None) => match q.near_postcode.as_deref().map(str::trim) {
                Some(pc) if !pc.is_empty() => Some(locate_postcode(conn, pc)?),
                _ => None,
            },
        };
        if q.max_distance_km.is_some() && origin.is_none() {
            return Err(Error::Invalid(
                "Vælg en hjemkommune eller et punkt for at begrænse afstanden.".into(),
            ));
        }
        if q.sort == SortKey::Distance && origin.is_none() {
            return Err(Error::Invalid(
                "Vælg en hjemkommune eller et punkt for at sortere efter afstand.".into(),
            ));
        }
        let group_root = match &q.target_group {
            Some(code) if !code.trim().is_empty() => {
                Some(*self.group_index.get(code.trim()).ok_or_else(|| {
                    Error::Invalid(format!(
                        "Målgruppen «{}» findes ikke i kataloget.",
                        code.trim()
                    ))
                })?)
            }
            _ => None,
        };
        // Membership by municipality code (101-860), looked up per candidate.
        let region_munis: Option<Vec<bool>> = match &q.region {
            Some(r) if !r.trim().is_empty() => {
                let region = geo::find_region(r)?;
                let on = q.region_date.unwrap_or(today);
                let mut member = vec![false; 1000];
                for code in geo::municipalities_in_region(&region.id, on) {
                    if let Some(m) = member.get_mut(usize::from(code)) {
                        *m = true;
                    }
                }
                Some(member)
            }
            _ => None,
        };
        // Relevance: offers with every search word in their name first. The name test runs
        // on the index's names (folded as the FTS5 tokenizer folds them), only for offers
        // that pass the filters and only when it decides the order, so a search costs about
        // what a bare FTS5 MATCH costs.
        let text = q.text.as_deref().unwrap_or_default();
        let text_matches: Option<Vec<i64>> = match fts_query(text) {
            Some(expr) => Some(fts_rowids(conn, &expr)?),
            None => None,
        };
        let name_terms =
            (q.sort == SortKey::Relevance && text_matches.is_some()).then(|| NameTerms::new(text));
        let wanted_bits: u8 = q.legal_bases.iter().fold(0, |acc, b| acc | b.bit());
        let max_oere = q.max_daily_rate.map(rates::oere);

        // (row index, sort key for rate or free places, distance)
        let mut matches: Vec<(usize, f64, Option<f64>)> = Vec::new();
        let candidate = |i: usize, matches: &mut Vec<(usize, f64, Option<f64>)>| {
            let row = &self.rows[i];
            if wanted_bits != 0 && row.basis_bits & wanted_bits == 0 {
                return;
            }
            if let Some(age) = q.age {
                if age < row.min_age || row.max_age.is_some_and(|m| age > m) {
                    return;
                }
            }
            if !q.operator_types.is_empty() && !q.operator_types.contains(&row.operator_type) {
                return;
            }
            if !q.municipalities.is_empty() && !q.municipalities.contains(&row.municipality) {
                return;
            }
            if let Some(member) = &region_munis {
                if !member
                    .get(usize::from(row.municipality))
                    .copied()
                    .unwrap_or(false)
                {
                    return;
                }
            }
            if let Some(c) = q.covered_by_rammeaftale {
                if row.covered != c {
                    return;
                }
            }
            if q.only_approved && !row.approval.is_approved() {
                return;
            }
            if let Some(root) = group_root {
                if !row
                    .groups
                    .of(&self.groups)
                    .iter()
                    .any(|&g| self.in_subtree(g, root))
                {
                    return;
                }
            }
            let bases = || {
                row.bases
                    .of(&self.bases)
                    .iter()
                    .filter(move |b| wanted_bits == 0 || b.basis.bit() & wanted_bits != 0)
            };
            if q.only_free && !bases().any(|b| b.free().unwrap_or(0) > 0) {
                return;
            }
            if let Some(max) = max_oere {
                let cheapest = bases()
                    .filter_map(|b| rate_for_year(b.rates().of(&self.rates), rate_year))
                    .min();
                if cheapest.is_none_or(|r| r > max) {
                    return;
                }
            }
            let distance = origin.map(|o| geo::distance_km(o, row.point()));
            if let (Some(max), Some(d)) = (q.max_distance_km, distance) {
                if d > max {
                    return;
                }
            }
            matches.push((i, 0.0, distance));
        };
        match &text_matches {
            Some(keys) => {
                matches.reserve(keys.len());
                for &key in keys {
                    if let Some(i) = self.row_of(key) {
                        candidate(i, &mut matches);
                    }
                }
            }
            None => {
                for i in 0..self.rows.len() {
                    candidate(i, &mut matches);
                }
            }
        }

        let total = matches.len();
        let sort = match q.sort {
            SortKey::Relevance if text_matches.is_none() && origin.is_some() => SortKey::Distance,
            SortKey::Relevance if text_matches.is_none() => SortKey::Name,
            s => s,
        };
        let by_name = |a: usize, b: usize| self.rows[a].name_rank.cmp(&self.rows[b].name_rank);
        // Rate and free places are computed once per match, not in every comparison: the
        // key goes in the score slot.
        match sort {
            SortKey::Rate => {
                for m in &mut matches {
                    m.1 = self
                        .rate_for(&self.rows[m.0], wanted_bits, rate_year)
                        .map_or(f64::MAX, |r| r as f64);
                }
            }
            SortKey::FreePlaces => {
                for m in &mut matches {
                    m.1 = -f64::from(self.free_for(&self.rows[m.0], wanted_bits).0.unwrap_or(0));
                }
            }
            _ => {}
        }
        let cmp = |a: &(usize, f64, Option<f64>), b: &(usize, f64, Option<f64>)| match sort {
            SortKey::Rate | SortKey::FreePlaces => {
                a.1.total_cmp(&b.1).then_with(|| by_name(a.0, b.0))
            }
            SortKey::Distance => {
                a.2.unwrap_or(f64::MAX)
                    .total_cmp(&b.2.unwrap_or(f64::MAX))
                    .then_with(|| by_name(a.0, b.0))
            }
            // Relevance with a text is ordered below (names first); without one it is by
            // name or distance.
            SortKey::Name | SortKey::Relevance => by_name(a.0, b.0),
        };
        let offset = q.offset.unwrap_or(0).min(total);
        let wanted = offset + limit;
        match &name_terms {
            // Names first: walk the matches in name order and stop once a page of them has
            // every word in its name; only when fewer do, are all of them tested.
            Some(terms) => {
                // (name rank, position in `matches`) packed in one integer sorts fastest.
                let mut order: Vec<u64> = matches
                    .iter()
                    .enumerate()
                    .map(|(j, m)| (u64::from(self.rows[m.0].name_rank) << 32) | j as u64)
                    .collect();
                order.sort_unstable();
                let mut in_name = Vec::with_capacity(wanted.min(total));
                let mut others = Vec::new();
                for m in order
                    .iter()
                    .filter_map(|o| matches.get((o & 0xFFFF_FFFF) as usize))
                {
                    if in_name.len() == wanted {
                        break;
                    }
                    if terms.all_in(&self.rows[m.0], &self.strings) {
                        in_name.push(*m);
                    } else if others.len() < wanted {
                        others.push(*m);
                    }
                }
                let room = wanted - in_name.len();
                in_name.extend(others.into_iter().take(room));
                matches = in_name;
            }
            None => {
                if matches.len() > wanted {
                    matches.select_nth_unstable_by(wanted - 1, cmp);
                    matches.truncate(wanted);
                }
                matches.sort_by(cmp);
            }
        }
        matches.drain(..offset.min(matches.len()));

        let hits = matches
            .into_iter()
            .map(|(i, _, distance)| {
                self.hit(
                    &self.rows[i],
                    wanted_bits,
                    rate_year,
                    today,
                    stale_after,
                    distance,
                )
            })
            .collect();
        Ok(SearchResult {
            total,
            hits,
            rate_year,
            today,
            stale_after_days: stale_after,
            origin,
        })
    }

    /// (free places, oldest as-of date) over the bases that match `bits` (all when 0).
    fn free_for(&self, row: &Row, bits: u8) -> (Option<u32>, Option<NaiveDate>) {
        let mut sum: Option<u32> = None;
        let mut oldest: Option<NaiveDate> = None;
        for b in row
            .bases
            .of(&self.bases)
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
        {
            if let Some(f) = b.free() {
                sum = Some(sum.unwrap_or(0) + f);
            }
            if let Some(d) = b.free_as_of {
                oldest = Some(oldest.map_or(d, |o: NaiveDate| o.min(d)));
            }
        }
        (sum, oldest)
    }

    /// The lowest daily rate ex. VAT (øre) among the matching bases in `year`.
    fn rate_for(&self, row: &Row, bits: u8, year: i32) -> Option<i64> {
        row.bases
            .of(&self.bases)
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
            .filter_map(|b| rate_for_year(b.rates().of(&self.rates), year))
            .min()
    }

    fn hit(
        &self,
        row: &Row,
        bits: u8,
        year: i32,
        today: NaiveDate,
        stale_after: i64,
        distance: Option<f64>,
    ) -> SearchHit {
        let (free, as_of) = self.free_for(row, bits);
        let stale = as_of.is_some_and(|d| (today - d).num_days() > stale_after);
        let rate = self.rate_for(row, bits, year).map(rates::from_oere);
        let rate_year = row
            .bases
            .of(&self.bases)
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
            .filter_map(|b| {
                b.rates()
                    .of(&self.rates)
                    .iter()
                    .rev()
                    .map(|r| r.year())
                    .find(|y| *y <= year)
            })
            .max();
        let legal_bases: Vec<LegalBasis> =
            row.bases.of(&self.bases).iter().map(|b| b.basis).collect();
        let places = row
            .bases
            .of(&self.bases)
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
            .map(|b| b.places)
            .sum();
        let municipality = geo::municipality(row.municipality)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let rate_kr = rate.map(fmt::kr_whole);
        let text = HitTexts {
            legal_bases: legal_bases
                .iter()
                .map(|b| b.label())
                .collect::<Vec<_>>()
                .join(", "),
            free_places: match free {
                Some(n) => format!("{n} af {places}"),
                None => format!("ukendt af {places}"),
            },
            free_as_of: match as_of {
                Some(d) if stale => format!("pr. {} (forældet)", fmt::date(d)),
                Some(d) => format!("pr. {}", fmt::date(d)),
                None => "ingen dato".into(),
            },
            daily_rate: match (&rate_kr, rate_year) {
                (Some(kr), Some(y)) if y == year => format!("{kr} pr. døgn"),
                (Some(kr), Some(y)) => format!("{kr} pr. døgn ({y})"),
                _ => "ingen takst".into(),
            },
            daily_rate_short: match (rate_kr, rate_year) {
                (Some(kr), Some(y)) if y == year => kr,
                (Some(kr), Some(y)) => format!("{kr} ({y})"),
                _ => "ingen takst".into(),
            },
            distance: distance.map(fmt::km).unwrap_or_default(),
            operator_type: row.operator_type.code().to_string(),
            age: age_text(row.min_age, row.max_age),
        };
        SearchHit {
            id: self.strings.get(row.id).to_string(),
            name: self.strings.get(row.name).to_string(),
            city: self.strings.interned(row.city).to_string(),
            municipality_code: row.municipality,
            municipality,
            operator_type: row.operator_type,
            operator_name: self.strings.interned(row.operator_name).to_string(),
            legal_bases,
            places,
            free_places: free,
            free_as_of: as_of,
            free_stale: stale,
            daily_rate_ex_vat: rate,
            rate_year,
            distance_km: distance,
            covered_by_rammeaftale: row.covered,
            approval: row.approval,
            min_age: row.min_age,
            max_age: row.max_age,
            text,
        }
    }
}

/// A postcode as a point: the town of a municipality with that postcode, else the middle of
/// the catalogue's offers with it. Unknown postcodes are refused with a Danish message.
pub fn locate_postcode(conn: &Connection, postcode: &str) -> Result<Point> {
    if postcode.len() != 4 || !postcode.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Invalid(format!(
            "Postnummeret «{postcode}» skal være 4 cifre."
        )));
    }
    if let Some(m) = geo::geography()
        .municipalities
        .iter()
        .find(|m| m.postcode == postcode)
    {
        return Ok(Point {
            lat: m.lat,
            lon: m.lon,
        });
    }
    let found: (Option<f64>, Option<f64>) = conn.query_row(
        "SELECT AVG(lat), AVG(lon) FROM offers WHERE postcode = ?1",
        [postcode],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match found {
        (Some(lat), Some(lon)) => Ok(Point { lat, lon }),
        _ => Err(Error::Invalid(format!(
            "Postnummeret {postcode} kendes ikke i Pladsoverblik. Vælg borgerens hjemkommune, eller skriv en koordinat."
        ))),
    }
}

pub fn age_text(min: u8, max: Option<u8>) -> String {
    match max {
        Some(m) => format!("{min}-{m} år"),
        None => format!("fra {min} år"),
    }
}

/// The rate of `year`, or of the latest earlier year when `year` has none.
fn rate_for_year(rates: &[YearRate], year: i32) -> Option<i64> {
    rates
        .iter()
        .rev()
        .find(|r| r.year() <= year)
        .map(|r| r.oere())
}

/// The words of a search text, lowercased (at most 16, as in the FTS5 query).
fn search_words(input: &str) -> impl Iterator<Item = String> + '_ {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
}

/// Turns anything a user types into a safe FTS5 expression: every word becomes a quoted
/// prefix term, all of them required. Returns `None` when there is no word at all.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = search_words(input).map(|w| format!("\"{w}\"*")).collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// The search words, folded as the catalogue's FTS5 tokenizer folds them, for the test
/// "every word starts a word of the name".
struct NameTerms {
    terms: Vec<Vec<char>>,
}

impl NameTerms {
    fn new(text: &str) -> NameTerms {
        NameTerms {
            terms: search_words(text)
                .map(|w| w.chars().map(fold_diacritic).collect())
                .collect(),
        }
    }

    /// Whether every term starts some word of the row's name, with the name folded on the
    /// fly (case and accents, as FTS5 folds them; no folded copy of the names is kept). The
    /// row's initials rule most names out without reading them.
    fn all_in(&self, row: &Row, strings: &Strings) -> bool {
        let mask = u32::from_le_bytes([row.initials[0], row.initials[1], row.initials[2], 0]);
        self.terms
            .iter()
            .all(|t| t.first().is_none_or(|&c| mask & initial_bit(c) != 0))
            && self
                .terms
                .iter()
                .all(|t| starts_a_word(strings.get(row.name), t))
    }
}

/// The bit for a folded first letter: a to v one each, w to z one, anything else one.
fn initial_bit(c: char) -> u32 {
    match c {
        'a'..='v' => 1 << (c as u32 - 'a' as u32),
        'w'..='z' => 1 << 22,
        _ => 1 << 23,
    }
}

/// The initials of a name's words as three bytes of bits (see `initial_bit`).
fn initials(name: &str) -> [u8; 3] {
    let mut mask = 0u32;
    let mut after_word = false;
    for c in name.chars() {
        let alphanumeric = c.is_alphanumeric();
        if alphanumeric && !after_word {
            mask |= initial_bit(fold_char(c));
        }
        after_word = alphanumeric;
    }
    let [a, b, c, _] = mask.to_le_bytes();
    [a, b, c]
}

fn starts_a_word(name: &str, term: &[char]) -> bool {
    let Some(&first) = term.first() else {
        return true;
    };
    let mut after_word = false;
    for (pos, c) in name.char_indices() {
        let alphanumeric = c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric());
        if alphanumeric && !after_word && fold_char(c) == first {
            let mut rest = name.get(pos..).unwrap_or_default().chars().map(fold_char);
            if term.iter().all(|t| rest.next() == Some(*t)) {
                return true;
            }
        }
        after_word = alphanumeric;
    }
    false
}

/// One character of a name as the FTS5 tokenizer folds it (lowercase, accent removed).
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        fold_diacritic(c.to_lowercase().next().unwrap_or(c))
    }
}

/// What FTS5's `unicode61 remove_diacritics 2` makes of a lowercase letter of the Latin
/// alphabets: the base letter without its accent (å → a, é → e, ü → u). Letters of their
/// own, such as æ and ø, stay.
fn fold_diacritic(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        c => c,
    }
}

/// The rowids of every match of an FTS5 expression.
fn fts_rowids(conn: &Connection, expr: &str) -> Result<Vec<i64>> {
    let mut st = conn.prepare_cached("SELECT rowid FROM offer_fts WHERE offer_fts MATCH ?1")?;
    let mut q = st.query([expr])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(r.get(0)?);
    }
    Ok(out)
}

/// The bare FTS5 query the benchmark compares against: the same MATCH, rowids only.
pub fn bare_fts_count(conn: &Connection, text: &str) -> Result<usize> {
    let Some(expr) = fts_query(text) else {
        return Ok(0);
    };
    let mut st = conn.prepare_cached("SELECT rowid FROM offer_fts WHERE offer_fts MATCH ?1")?;
    let mut q = st.query([expr])?;
    let mut n = 0;
    while q.next()?.is_some() {
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_input_becomes_a_safe_fts_query() {
        assert_eq!(fts_query("autisme"), Some("\"autisme\"*".into()));
        assert_eq!(
            fts_query("Bo\"fælles* (AND) NEAR/2 -x"),
            Some("\"bo\"* \"fælles\"* \"and\"* \"near\"* \"2\"* \"x\"*".into())
        );
        assert_eq!(fts_query("  ^*()\" "), None);
        assert_eq!(fts_query("§ 108"), Some("\"108\"*".into()));
    }

    /// The name test agrees with FTS5's own column filter on every offer of the example
    /// catalogue, for words with and without Danish letters and accents.
    #[test]
    fn the_name_test_agrees_with_an_fts5_name_query() {
        let mut db = crate::store::Db::open_in_memory().unwrap();
        crate::catalogue::import::import(&mut db, crate::EXAMPLE_CATALOGUE, "eksempel").unwrap();
        let index = SearchIndex::build(db.conn()).unwrap();
        let mut compared = 0;
        for text in [
            "kildevang",
            "bo",
            "opholdssted",
            "ungecentret fuglsang",
            "åbrinken",
            "abrinken",
            "æblehaven",
            "søbredden",
            "lærke",
            "roskilde",
            "botilbuddet bøgely",
        ] {
            let expr = fts_query(text).unwrap();
            let in_fts: std::collections::HashSet<i64> =
                fts_rowids(db.conn(), &format!("name : ({expr})"))
                    .unwrap()
                    .into_iter()
                    .collect();
            let terms = NameTerms::new(text);
            for key in fts_rowids(db.conn(), &expr).unwrap() {
                let row = &index.rows[index.row_of(key).unwrap()];
                let name = index.strings.get(row.name);
                assert_eq!(
                    terms.all_in(row, &index.strings),
                    in_fts.contains(&key),
                    "{text:?} in {name:?}"
                );
                compared += 1;
            }
        }
        assert!(compared > 200, "{compared}");
    }

    #[test]
    fn year_rates_pack_into_eight_bytes() {
        let r = YearRate::new(2027, 123_456_789).unwrap();
        assert_eq!((r.year(), r.oere()), (2027, 123_456_789));
        let r = YearRate::new(2127, (1 << 57) - 1).unwrap();
        assert_eq!((r.year(), r.oere()), (2127, (1 << 57) - 1));
        assert!(YearRate::new(1999, 100).is_none());
        assert!(YearRate::new(2128, 100).is_none());
        assert!(YearRate::new(2027, -1).is_none());
        assert_eq!(std::mem::size_of::<YearRate>(), 8);
    }

    #[test]
    fn name_words_are_compared_as_fts5_folds_them() {
        let t = |text: &str, name: &str| {
            let mut strings = Strings::default();
            let row = Row {
                id: strings.push("X"),
                name: strings.push(name),
                name_rank: 0,
                city: 0,
                operator_name: 0,
                lat: 0.0,
                lon: 0.0,
                bases: Slice::default(),
                groups: Slice::default(),
                municipality: 101,
                min_age: 0,
                max_age: None,
                approval: ApprovalStatus::Godkendt,
                covered: true,
                operator_type: OperatorType::Kommunal,
                basis_bits: 0,
                initials: initials(name),
            };
            NameTerms::new(text).all_in(&row, &strings)
        };
        assert!(t("afd 2", "  Café «Østergården», afd. 2 "));
        assert!(t("2 café", "  Café «Østergården», afd. 2 "));
        assert!(t("opholds ÅBRI", "Opholdsstedet Åbrinken"));
        assert!(t("abrinken", "Opholdsstedet Åbrinken"));
        assert!(t("cafe øster", "Café Østergården"));
        // ø is a letter of its own, not an o with an accent; prefixes only start words.
        assert!(!t("oster", "Café Østergården"));
        assert!(!t("vang", "Bostedet Kildevang"));
        assert!(!t("kildevang roskilde", "Bostedet Kildevang"));
        // w to z share a bit: the mask lets "xa" through, the name test does not.
        assert!(t("wa zo", "Wagner Zoo"));
        assert!(!t("xa", "Wagner Zoo"));
        // The row stays one cache line; a legal basis takes 20 bytes.
        assert!(std::mem::size_of::<Row>() <= 64);
        assert_eq!(std::mem::size_of::<BasisAgg>(), 20);
    }
}
