//! Offer search: free text through FTS5, filters and sorts over a compact in-memory index
//! of the catalogue (built once after open or import, about 16 MB for 100.000 offers).

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

use crate::catalogue::model::{ApprovalStatus, LegalBasis, OperatorPeriod, OperatorType};
use crate::catalogue::rules::age_text;
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::search_fold::{fold_char, fold_text, Fold};
use crate::{agreements, catalogue, fmt, rates};

pub mod cache;
pub mod words;

/// Free-place figures older than this many days are shown as stale, unless the query says
/// (the app passes the user's setting, `settings::STALE_AFTER_DAYS`).
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// Offers some agreement covers (true) or none does (false).
    pub covered_by_rammeaftale: Option<bool>,
    /// Only the public offers of this agreement's area (its members' and region's offers and
    /// those it covers): the public-first check's scope.
    pub agreement_area: Option<String>,
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
    /// Covered by some agreement (`agreements` says which).
    pub covered_by_rammeaftale: bool,
    /// The agreements that cover the offer (R0), by id.
    pub agreements: Vec<String>,
    pub approval: ApprovalStatus,
    pub min_age: u8,
    pub max_age: Option<u8>,
    /// On an agreement's list of most specialised offers (`agreements::most_specialised`):
    /// the marks, each naming its agreement and period. Left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub most_specialised: Vec<agreements::most_specialised::Mark>,
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

/// One year's rate in the index, packed in 4 bytes: the year from 2000 in the top 7 bits,
/// the lowest daily rate ex. VAT in øre below (up to 335.544,31 kr.: the importers allow
/// 250.000 kr. a day, or 7.700.000 kr. a month, 253.151 kr. a day).
#[derive(Debug, Clone, Copy)]
struct YearRate(u32);

impl YearRate {
    const OERE_BITS: u32 = 25;

    /// `None` for a year outside 2000-2127 or a rate that does not fit (neither passes
    /// the importers' checks).
    fn new(year: i32, oere: i64) -> Option<YearRate> {
        let y = u32::try_from(year.checked_sub(2000)?)
            .ok()
            .filter(|y| *y < 128)?;
        let o = u32::try_from(oere)
            .ok()
            .filter(|o| *o < 1 << Self::OERE_BITS)?;
        Some(YearRate(y << Self::OERE_BITS | o))
    }

    fn year(self) -> i32 {
        2000 + (self.0 >> Self::OERE_BITS) as i32
    }

    fn oere(self) -> i64 {
        i64::from(self.0 & ((1 << Self::OERE_BITS) - 1))
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

/// One offer in the index. Kept small and flat (52 bytes): strings live in one arena or are
/// interned, legal bases, rates and target groups in shared arrays, so 100.000 offers cost
/// about 15 MB in a handful of allocations.
#[derive(Debug, Clone)]
struct Row {
    /// The offer's id and right after it its name in `Strings::arena` (`Strings::push_pair`).
    text: u32,
    id_len: u16,
    name_len: u16,
    /// Position in Danish alphabetical order of names.
    name_rank: u32,
    city: u32,
    operator_name: u32,
    /// WGS84 degrees; f32 is good to about a metre here.
    lat: f32,
    lon: f32,
    /// `bases_len` entries of `SearchIndex::bases` from here, by legal basis.
    bases_start: u32,
    /// `groups_len` entries of `SearchIndex::groups` from here.
    groups_start: u32,
    groups_len: u16,
    bases_len: u8,
    municipality: u16,
    min_age: u8,
    /// `NO_MAX_AGE` when the offer has no upper age.
    max_age: u8,
    approval: ApprovalStatus,
    /// In `SearchIndex::coverages`.
    coverage: u16,
    operator_type: OperatorType,
    basis_bits: u8,
    /// The folded first letters of the name's words (see `initials`): a search word whose
    /// first letter is not among them cannot start a word of the name.
    initials: [u8; 3],
}

// The index's size is a target of issue 16 (docs/benchmarks.md): a field added here costs
// 100.000 times its size in the window.
const _: () = assert!(std::mem::size_of::<Row>() == 52);
const _: () = assert!(std::mem::size_of::<BasisAgg>() == 20);
const _: () = assert!(std::mem::size_of::<YearRate>() == 4);

impl Row {
    fn point(&self) -> Point {
        Point {
            lat: f64::from(self.lat),
            lon: f64::from(self.lon),
        }
    }

    fn id(&self) -> Span {
        Span {
            start: self.text,
            len: u32::from(self.id_len),
        }
    }

    fn name(&self) -> Span {
        Span {
            start: self.text.saturating_add(u32::from(self.id_len)),
            len: u32::from(self.name_len),
        }
    }

    fn bases(&self) -> Slice {
        Slice {
            start: self.bases_start,
            len: u32::from(self.bases_len),
        }
    }

    fn groups(&self) -> Slice {
        Slice {
            start: self.groups_start,
            len: u32::from(self.groups_len),
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
    /// `id` and `name` one after the other (a `Row`'s `text`, `id_len`, `name_len`), each
    /// cut at a character to at most 65.535 bytes (the importers allow 2.000 and 800).
    fn push_pair(&mut self, id: &str, name: &str) -> (u32, u16, u16) {
        let start = self.arena.len() as u32;
        let id = cut_to(id, usize::from(u16::MAX));
        let name = cut_to(name, usize::from(u16::MAX));
        self.arena.push_str(id);
        self.arena.push_str(name);
        (start, id.len() as u16, name.len() as u16)
    }
    fn get(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.arena
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.lookup.get(s) {
            return i;
        }
        let i = self.interned.len() as u32;
        self.interned.push(s.to_string());
        self.lookup.insert(s.to_string(), i);
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
    /// The agreements the coverage bits refer to (at most 64).
    agreement_ids: Vec<String>,
    /// Coverage classes; each row points to one.
    coverages: Vec<Coverage>,
    /// The most specialised marks (a handful), and which offers (by id) carry which.
    marks: Vec<agreements::most_specialised::Mark>,
    marked: HashMap<Box<str>, Vec<u16>>,
    /// The free-text index's words, read with the index (none when the index came from
    /// its file: those searches ask FTS5 with prefixes).
    words: words::Words,
}

const NO_ROW: u32 = u32::MAX;
const NO_MAX_AGE: u8 = u8::MAX;

/// What `SearchIndex::build` gathers, table by table, before it becomes the index.
struct Build {
    on: NaiveDate,
    extracted: Option<NaiveDate>,
    rows: Vec<Row>,
    by_key: Vec<u32>,
    strings: Strings,
    bases: Vec<BasisAgg>,
    rates: Vec<YearRate>,
    groups: Vec<u32>,
    group_index: HashMap<String, u32>,
    group_parent: Vec<Option<u32>>,
    /// Per row: the operating municipality (the operator's, else the location's) and whether
    /// format 1 marked it covered, for the agreement coverage.
    operating: Vec<u16>,
    covered_v1: Vec<bool>,
    agreements: Vec<crate::agreements::Agreement>,
    coverages: Vec<Coverage>,
    marks: Vec<agreements::most_specialised::Mark>,
    marked: HashMap<Box<str>, Vec<u16>>,
}

impl Build {
    /// The offers on an agreement's list of most specialised offers (matched by normalised
    /// name within the agreement's member municipalities), as of the index's day.
    fn most_specialised(&mut self) {
        let marker = agreements::most_specialised::Marker::new(&self.agreements, self.on);
        if marker.is_empty() {
            return;
        }
        for row in &self.rows {
            for mark in marker.marks(self.strings.get(row.name()), row.municipality) {
                let i = match self.marks.iter().position(|m| *m == mark) {
                    Some(i) => i,
                    None => {
                        self.marks.push(mark);
                        self.marks.len() - 1
                    }
                };
                self.marked
                    .entry(self.strings.get(row.id()).into())
                    .or_default()
                    .push(u16::try_from(i).unwrap_or(u16::MAX));
            }
        }
    }

    fn row_of(&self, key: i64) -> Option<usize> {
        let slot = usize::try_from(key).ok()?;
        self.by_key
            .get(slot)
            .copied()
            .filter(|&i| i != NO_ROW)
            .map(|i| i as usize)
    }

    fn target_groups(&mut self, conn: &Connection) -> Result<()> {
        let tree = catalogue::store::target_groups(conn)?;
        for (i, (code, _, _)) in tree.iter().enumerate() {
            self.group_index.insert(code.clone(), i as u32);
        }
        self.group_parent = tree
            .iter()
            .map(|(_, p, _)| p.as_ref().and_then(|c| self.group_index.get(c).copied()))
            .collect();
        Ok(())
    }

    fn offers(&mut self, conn: &Connection) -> Result<()> {
        // Exact capacities: a growing Vec leaves its smaller copies behind as freed memory.
        let (count, max_key, links) = catalogue::store::index_sizes(conn)?;
        self.rows.reserve_exact(count);
        self.by_key
            .reserve_exact(usize::try_from(max_key).unwrap_or(0) + 1);
        self.groups.reserve_exact(links);
        self.operating.reserve_exact(count);
        self.covered_v1.reserve_exact(count);
        catalogue::store::each_offer(conn, |o| {
            let slot = usize::try_from(o.key).unwrap_or(0);
            if self.by_key.len() <= slot {
                self.by_key.resize(slot + 1, NO_ROW);
            }
            self.by_key[slot] = self.rows.len() as u32;
            let (text, id_len, name_len) = self.strings.push_pair(o.id, o.name);
            self.rows.push(Row {
                text,
                id_len,
                name_len,
                name_rank: o.name_rank.unwrap_or(u32::MAX),
                city: self.strings.intern(o.city),
                operator_name: u32::MAX,
                municipality: o.municipality_code,
                lat: o.lat as f32,
                lon: o.lon as f32,
                min_age: o.min_age,
                max_age: o.max_age.unwrap_or(NO_MAX_AGE),
                approval: o.approval,
                coverage: 0,
                operator_type: OperatorType::Privat,
                basis_bits: 0,
                initials: initials(o.name),
                bases_start: 0,
                bases_len: 0,
                groups_start: 0,
                groups_len: 0,
            });
            self.operating.push(o.municipality_code);
            self.covered_v1.push(o.covered_v1);
            Ok(())
        })?;
        self.strings.arena.shrink_to_fit();
        Ok(())
    }

    /// The operator in force on the index's day (`catalogue::rules::operator_on`, the one
    /// rule every area uses).
    fn operators(&mut self, conn: &Connection) -> Result<()> {
        // The periods of the offer being read (they arrive by offer key), in one buffer.
        let mut row: Option<usize> = None;
        let mut periods: Vec<OperatorPeriod> = Vec::new();
        catalogue::store::each_operator(conn, |key, period| {
            let Some(i) = self.row_of(key) else {
                return Ok(());
            };
            if row != Some(i) {
                self.set_operator(row, &mut periods);
                row = Some(i);
            }
            periods.push(period);
            Ok(())
        })?;
        self.set_operator(row, &mut periods);
        Ok(())
    }

    fn set_operator(&mut self, row: Option<usize>, periods: &mut Vec<OperatorPeriod>) {
        if let Some(i) = row {
            if let Some(p) = catalogue::rules::operator_on(periods, self.on) {
                self.rows[i].operator_type = p.kind;
                self.rows[i].operator_name = self.strings.intern(&p.name);
                if let Some(m) = p.municipality_code {
                    self.operating[i] = m;
                }
            }
        }
        periods.clear();
    }

    /// Legal bases: the table's key order (offer, department, basis) brings each offer's rows
    /// together; they are summed per basis and appended as one run per offer.
    fn places(&mut self, conn: &Connection) -> Result<()> {
        let mut current: Option<usize> = None;
        let mut pending: Vec<BasisAgg> = Vec::new();
        catalogue::store::each_places(conn, |key, code, places, free, as_of| {
            let Some(i) = self.row_of(key) else {
                return Ok(());
            };
            if current != Some(i) {
                self.flush_bases(current, &mut pending);
                current = Some(i);
            }
            let Some(basis) = LegalBasis::from_code(code) else {
                return Ok(());
            };
            self.rows[i].basis_bits |= basis.bit();
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
            Ok(())
        })?;
        self.flush_bases(current, &mut pending);
        self.bases.shrink_to_fit();
        Ok(())
    }

    fn flush_bases(&mut self, row: Option<usize>, pending: &mut Vec<BasisAgg>) {
        if let Some(i) = row {
            pending.sort_by_key(|b| b.basis);
            // At most one entry per legal basis.
            self.rows[i].bases_start = self.bases.len() as u32;
            self.rows[i].bases_len = u8::try_from(pending.len()).unwrap_or(u8::MAX);
            pending.truncate(usize::from(u8::MAX));
            self.bases.append(pending);
        }
        pending.clear();
    }

    /// Rates are keyed by the catalogue id (so history survives imports). Both sides in id
    /// order, merged: no join and no hash map. Each offer's rates arrive together and are
    /// appended per basis, by year, keeping the lowest of its departments'.
    fn rates(&mut self, conn: &Connection) -> Result<()> {
        // An upper bound: departments' rates are merged.
        self.rates.reserve_exact(rates::store::count(conn)?);
        let mut by_id: Vec<u32> = (0..self.rows.len() as u32).collect();
        by_id.sort_unstable_by(|&a, &b| {
            self.strings
                .get(self.rows[a as usize].id())
                .cmp(self.strings.get(self.rows[b as usize].id()))
        });
        let mut cursor = 0usize;
        let mut current: Option<usize> = None;
        // (basis, year, daily) of the current offer
        let mut pending: Vec<(LegalBasis, i32, i64)> = Vec::new();
        rates::store::each_daily_by_offer(conn, |offer_id, code, year, daily| {
            while cursor < by_id.len()
                && self.strings.get(self.rows[by_id[cursor] as usize].id()) < offer_id
            {
                cursor += 1;
            }
            let Some(i) = by_id
                .get(cursor)
                .map(|&i| i as usize)
                .filter(|&i| self.strings.get(self.rows[i].id()) == offer_id)
            else {
                return Ok(());
            };
            if current != Some(i) {
                self.flush_rates(current, &mut pending);
                current = Some(i);
            }
            if let Some(basis) = LegalBasis::from_code(code) {
                pending.push((basis, year, daily));
            }
            Ok(())
        })?;
        self.flush_rates(current, &mut pending);
        self.rates.shrink_to_fit();
        Ok(())
    }

    fn flush_rates(&mut self, row: Option<usize>, pending: &mut Vec<(LegalBasis, i32, i64)>) {
        if let Some(i) = row {
            pending.sort_unstable();
            let range = self.rows[i].bases();
            let start = range.start as usize;
            let end = start + range.len as usize;
            for b in self.bases.get_mut(start..end).unwrap_or_default() {
                let start = self.rates.len();
                b.rates_start = start as u32;
                // Sorted by year and then daily rate: the first of a year is the lowest among
                // the offer's departments.
                let mut last_year = None;
                for &(_, year, daily) in pending.iter().filter(|p| p.0 == b.basis) {
                    if last_year != Some(year) && self.rates.len() - start < usize::from(u8::MAX) {
                        self.rates.extend(YearRate::new(year, daily));
                        last_year = Some(year);
                    }
                }
                b.rates_len = u8::try_from(self.rates.len() - start).unwrap_or(u8::MAX);
            }
        }
        pending.clear();
    }

    fn target_group_links(&mut self, conn: &Connection) -> Result<()> {
        let mut current: Option<usize> = None;
        catalogue::store::each_target_group_link(conn, |key, code| {
            let Some(i) = self.row_of(key) else {
                return Ok(());
            };
            if current != Some(i) {
                self.rows[i].groups_start = self.groups.len() as u32;
                current = Some(i);
            }
            // An offer names each target group once, of a tree far smaller than 65.535.
            if let Some(&g) = self.group_index.get(code) {
                if self.rows[i].groups_len < u16::MAX {
                    self.groups.push(g);
                    self.rows[i].groups_len += 1;
                }
            }
            Ok(())
        })
    }

    /// Which agreements cover each offer and which have it in their area (R0, R1), as a
    /// class shared by every offer with the same answer.
    fn coverage(&mut self, conn: &Connection) -> Result<()> {
        self.agreements = crate::agreements::store::active(conn)?;
        self.agreements.truncate(64);
        // (row, agreement) pairs with the few agreement ids stored once: one flat array, not
        // a Vec and a String per offer (100.000 small allocations the allocator kept after
        // they were freed).
        let mut ids: Vec<String> = Vec::new();
        let mut pairs: Vec<(u32, u16)> = Vec::new();
        catalogue::store::each_named_agreement(conn, |key, id| {
            if let Some(i) = self.row_of(key) {
                let at = match ids.iter().position(|x| x == id) {
                    Some(at) => at,
                    None => {
                        ids.push(id.to_string());
                        ids.len() - 1
                    }
                };
                pairs.push((i as u32, u16::try_from(at).unwrap_or(u16::MAX)));
            }
            Ok(())
        })?;
        pairs.sort_by_key(|p| p.0);
        let mut next_pair = 0;
        let mut names: Vec<String> = Vec::new();
        let mut classes: HashMap<Coverage, u16> = HashMap::new();
        self.coverages = vec![Coverage::default()];
        classes.insert(Coverage::default(), 0);
        for i in 0..self.rows.len() {
            names.clear();
            while let Some(&(row, at)) = pairs.get(next_pair) {
                if row as usize != i {
                    break;
                }
                names.extend(ids.get(usize::from(at)).cloned());
                next_pair += 1;
            }
            let c = agreements::rules::Coverage {
                operator: Some(self.rows[i].operator_type),
                operating_municipality: self.operating[i],
                municipality: self.rows[i].municipality,
                named: &names,
                covered_v1: self.covered_v1[i],
            };
            let mut class = Coverage::default();
            for (bit, a) in self.agreements.iter().enumerate() {
                if agreements::rules::covers(a, &self.agreements, &c, self.extracted) {
                    class.covered |= 1 << bit;
                }
                if agreements::rules::in_area(a, &self.agreements, &c, self.extracted) {
                    class.area |= 1 << bit;
                }
            }
            let next = self.coverages.len();
            let id = *classes
                .entry(class)
                .or_insert_with(|| u16::try_from(next).unwrap_or(0));
            if usize::from(id) == next {
                self.coverages.push(class);
            }
            self.rows[i].coverage = id;
        }
        self.operating = Vec::new();
        self.covered_v1 = Vec::new();
        Ok(())
    }
}

/// Which of the index's agreements cover an offer, and which have it in their area (bit i =
/// `SearchIndex::agreements[i]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Coverage {
    covered: u64,
    area: u64,
}

impl SearchIndex {
    /// Builds the index from the store, with each offer's operator as in force on `on` (the
    /// app's today: the same rule and day as the checks and contracts use).
    pub fn build(conn: &Connection, on: NaiveDate) -> Result<SearchIndex> {
        SearchIndex::build_after(conn, on, None)
    }

    /// As `build`, taking the free-text index's words over from the `earlier` index when they
    /// were read for the same catalogue import (only an import changes them; a rate sheet or an
    /// agreement imported since does not), instead of reading them again.
    pub fn build_after(
        conn: &Connection,
        on: NaiveDate,
        earlier: Option<&SearchIndex>,
    ) -> Result<SearchIndex> {
        let mut b = Build {
            on,
            extracted: catalogue::store::extracted(conn)?,
            rows: Vec::new(),
            by_key: Vec::new(),
            strings: Strings::default(),
            bases: Vec::new(),
            rates: Vec::new(),
            groups: Vec::new(),
            group_index: HashMap::new(),
            group_parent: Vec::new(),
            operating: Vec::new(),
            covered_v1: Vec::new(),
            agreements: Vec::new(),
            coverages: Vec::new(),
            marks: Vec::new(),
            marked: HashMap::new(),
        };
        b.target_groups(conn)?;
        b.offers(conn)?;
        b.operators(conn)?;
        b.places(conn)?;
        b.rates(conn)?;
        b.target_group_links(conn)?;
        b.coverage(conn)?;
        b.most_specialised();
        // Interning is done: only the strings themselves are needed from here on.
        b.strings.lookup = HashMap::new();
        let stamp = cache::stamp(conn)?;
        let words = match earlier {
            Some(e) if e.words.are_for(&stamp) => e.words.clone(),
            _ => words::Words::read(conn, stamp, b.rows.len(), b.by_key.len() as i64 - 1)?,
        };
        Ok(SearchIndex {
            rows: b.rows,
            bases: b.bases,
            rates: b.rates,
            groups: b.groups,
            by_key: b.by_key,
            strings: b.strings,
            group_index: b.group_index,
            group_parent: b.group_parent,
            extracted: b.extracted,
            agreement_ids: b.agreements.into_iter().map(|a| a.id).collect(),
            coverages: b.coverages,
            marks: b.marks,
            marked: b.marked,
            words,
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
        let key = catalogue::store::offer_key(conn, offer_id)?;
        let row = key.and_then(|k| self.row_of(k)).ok_or_else(|| {
            Error::NotFound(format!("Tilbuddet «{offer_id}» findes ikke i kataloget."))
        })?;
        let row = &self.rows[row];
        let bits = basis.map_or(0, LegalBasis::bit);
        let distance = origin.map(|o| geo::distance_km(o, row.point()));
        Ok(self.hit(row, bits, today.year(), today, stale_after_days, distance))
    }

    fn max_age(&self, row: &Row) -> Option<u8> {
        (row.max_age != NO_MAX_AGE).then_some(row.max_age)
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
            + self.coverages.capacity() * size_of::<Coverage>()
            + self
                .marked
                .keys()
                .map(|k| k.len() + size_of::<Box<str>>() + size_of::<Vec<u16>>())
                .sum::<usize>()
            + self
                .agreement_ids
                .iter()
                .map(|s| s.capacity() + size_of::<String>())
                .sum::<usize>()
            + self
                .group_index
                .keys()
                .map(|k| k.capacity() + size_of::<String>() + 2 * size_of::<u32>())
                .sum::<usize>()
            + self.words.heap_bytes()
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

        let origin = query_origin(conn, q)?;
        let in_group = self.group_root(q)?.map(|root| self.subtree(root));
        let region_munis = region_members(q, today)?;
        // Relevance: offers with every search word in their name first. The name test runs
        // on the index's names (folded as the FTS5 tokenizer folds them), only for offers
        // that pass the filters and only when it decides the order, so a search costs about
        // what a bare FTS5 MATCH costs.
        let text = q.text.as_deref().unwrap_or_default();
        let text_matches = self.text_matches(conn, text)?;
        let name_terms =
            (q.sort == SortKey::Relevance && text_matches.is_some()).then(|| NameTerms::new(text));
        let filter = Filter {
            q,
            wanted_bits: q.legal_bases.iter().fold(0, |acc, b| acc | b.bit()),
            // An agreement the index does not know has no offers in its area.
            area_bit: q.agreement_area.as_deref().map(|id| {
                self.agreement_ids
                    .iter()
                    .position(|a| a == id)
                    .map_or(0, |i| 1 << i)
            }),
            max_oere: q.max_daily_rate.map(rates::rules::oere),
            region_munis,
            in_group,
            origin,
            rate_year,
        };
        let mut matches = self.matches(&filter, text_matches.as_deref());

        let total = matches.len();
        let sort = match q.sort {
            SortKey::Relevance if text_matches.is_none() && origin.is_some() => SortKey::Distance,
            SortKey::Relevance if text_matches.is_none() => SortKey::Name,
            s => s,
        };
        self.fill_sort_keys(&mut matches, sort, filter.wanted_bits, rate_year);
        let offset = q.offset.unwrap_or(0).min(total);
        let wanted = offset + limit;
        match &name_terms {
            Some(terms) => matches = self.names_first(&matches, terms, wanted),
            None => self.first_sorted(&mut matches, sort, wanted),
        }
        matches.drain(..offset.min(matches.len()));

        let hits = matches
            .into_iter()
            .map(|(i, _, distance)| {
                self.hit(
                    &self.rows[i],
                    filter.wanted_bits,
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

    /// The target group whose subtree the query asks for; an unknown code is refused.
    fn group_root(&self, q: &SearchQuery) -> Result<Option<u32>> {
        Ok(match &q.target_group {
            Some(code) if !code.trim().is_empty() => {
                Some(*self.group_index.get(code.trim()).ok_or_else(|| {
                    Error::Invalid(format!(
                        "Målgruppen «{}» findes ikke i kataloget.",
                        code.trim()
                    ))
                })?)
            }
            _ => None,
        })
    }

    /// Per target group: whether it is `root` or below it, worked out once per search instead
    /// of walking each candidate's groups up to the root.
    fn subtree(&self, root: u32) -> Vec<bool> {
        (0..self.group_parent.len())
            .map(|g| self.in_subtree(g as u32, root))
            .collect()
    }

    /// The row keys of the offers whose text has every search word (each the start of one of
    /// its words), in key order; `None` when the text has no word. The words the index knows
    /// replace prefix queries, and their sets of offers FTS5, while the database holds the
    /// catalogue they were read from.
    fn text_matches(&self, conn: &Connection, text: &str) -> Result<Option<Vec<i64>>> {
        if self.words.are_for(&cache::stamp(conn)?) {
            return self.words.matches(conn, search_words(text));
        }
        Ok(match fts_query(text) {
            None => None,
            Some(expr) => {
                let mut keys = Vec::new();
                catalogue::store::fts_keys(conn, &expr, |k| keys.push(k))?;
                Some(keys)
            }
        })
    }

    /// The rows that pass the filters, in the order they are tried: the text's matches as
    /// FTS5 returns them, or every row.
    fn matches(&self, f: &Filter, text_matches: Option<&[i64]>) -> Vec<Match> {
        let mut matches: Vec<Match> = Vec::new();
        match text_matches {
            Some(keys) => {
                matches.reserve(keys.len());
                for &key in keys {
                    if let Some(i) = self.row_of(key) {
                        self.candidate(f, i, &mut matches);
                    }
                }
            }
            None => {
                for i in 0..self.rows.len() {
                    self.candidate(f, i, &mut matches);
                }
            }
        }
        matches
    }

    /// Adds row `i` to `matches` when it passes every filter, with its distance.
    #[inline]
    fn candidate(&self, f: &Filter, i: usize, matches: &mut Vec<Match>) {
        let row = &self.rows[i];
        if !self.row_passes(f, row) || !self.figures_pass(f, row) {
            return;
        }
        let distance = f.origin.map(|o| geo::distance_km(o, row.point()));
        if let (Some(max), Some(d)) = (f.q.max_distance_km, distance) {
            if d > max {
                return;
            }
        }
        matches.push((i, 0.0, distance));
    }

    /// The filters on the row itself: legal bases, age, operator, place, agreements,
    /// approval and target group.
    #[inline]
    fn row_passes(&self, f: &Filter, row: &Row) -> bool {
        let q = f.q;
        if f.wanted_bits != 0 && row.basis_bits & f.wanted_bits == 0 {
            return false;
        }
        if let Some(age) = q.age {
            if age < row.min_age || (row.max_age != NO_MAX_AGE && age > row.max_age) {
                return false;
            }
        }
        if !q.operator_types.is_empty() && !q.operator_types.contains(&row.operator_type) {
            return false;
        }
        if !q.municipalities.is_empty() && !q.municipalities.contains(&row.municipality) {
            return false;
        }
        if let Some(member) = &f.region_munis {
            if !member
                .get(usize::from(row.municipality))
                .copied()
                .unwrap_or(false)
            {
                return false;
            }
        }
        let coverage = self.coverages[usize::from(row.coverage)];
        if let Some(c) = q.covered_by_rammeaftale {
            if (coverage.covered != 0) != c {
                return false;
            }
        }
        if let Some(bit) = f.area_bit {
            if coverage.area & bit == 0 {
                return false;
            }
        }
        if q.only_approved && !row.approval.is_approved() {
            return false;
        }
        if let Some(inside) = &f.in_group {
            if !row
                .groups()
                .of(&self.groups)
                .iter()
                .any(|&g| inside.get(g as usize).copied().unwrap_or(false))
            {
                return false;
            }
        }
        true
    }

    /// The filters on the figures of the wanted legal bases: free places and highest rate.
    #[inline]
    fn figures_pass(&self, f: &Filter, row: &Row) -> bool {
        if f.q.only_free
            && !self
                .matching_bases(row, f.wanted_bits)
                .any(|b| b.free().unwrap_or(0) > 0)
        {
            return false;
        }
        if let Some(max) = f.max_oere {
            let cheapest = self
                .matching_bases(row, f.wanted_bits)
                .filter_map(|b| rate_for_year(b.rates().of(&self.rates), f.rate_year))
                .min();
            if cheapest.is_none_or(|r| r > max) {
                return false;
            }
        }
        true
    }

    /// The row's legal bases that match `bits` (all when 0).
    #[inline]
    fn matching_bases<'a>(&'a self, row: &'a Row, bits: u8) -> impl Iterator<Item = &'a BasisAgg> {
        row.bases()
            .of(&self.bases)
            .iter()
            .filter(move |b| bits == 0 || b.basis.bit() & bits != 0)
    }

    /// Rate and free places are computed once per match, not in every comparison: the key
    /// goes in the score slot.
    fn fill_sort_keys(&self, matches: &mut [Match], sort: SortKey, bits: u8, rate_year: i32) {
        match sort {
            SortKey::Rate => {
                for m in matches {
                    m.1 = self
                        .rate_for(&self.rows[m.0], bits, rate_year)
                        .map_or(f64::MAX, |r| r as f64);
                }
            }
            SortKey::FreePlaces => {
                for m in matches {
                    m.1 = -f64::from(self.free_for(&self.rows[m.0], bits).0.unwrap_or(0));
                }
            }
            _ => {}
        }
    }

    /// Names first: walk the matches in name order and stop once a page of them (`wanted`)
    /// has every word in its name; only when fewer do, are all of them tested.
    fn names_first(&self, matches: &[Match], terms: &NameTerms, wanted: usize) -> Vec<Match> {
        let total = matches.len();
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
        in_name
    }

    /// The first `wanted` matches in `sort` order (ties by name), sorted.
    fn first_sorted(&self, matches: &mut Vec<Match>, sort: SortKey, wanted: usize) {
        let by_name = |a: usize, b: usize| self.rows[a].name_rank.cmp(&self.rows[b].name_rank);
        let cmp = |a: &Match, b: &Match| match sort {
            SortKey::Rate | SortKey::FreePlaces => {
                a.1.total_cmp(&b.1).then_with(|| by_name(a.0, b.0))
            }
            SortKey::Distance => {
                a.2.unwrap_or(f64::MAX)
                    .total_cmp(&b.2.unwrap_or(f64::MAX))
                    .then_with(|| by_name(a.0, b.0))
            }
            // Relevance with a text is ordered by `names_first`; without one it is by name
            // or distance.
            SortKey::Name | SortKey::Relevance => by_name(a.0, b.0),
        };
        if matches.len() > wanted {
            matches.select_nth_unstable_by(wanted - 1, cmp);
            matches.truncate(wanted);
        }
        matches.sort_by(cmp);
    }

    /// (free places, oldest as-of date) over the bases that match `bits` (all when 0).
    fn free_for(&self, row: &Row, bits: u8) -> (Option<u32>, Option<NaiveDate>) {
        let mut sum: Option<u32> = None;
        let mut oldest: Option<NaiveDate> = None;
        for b in row
            .bases()
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
        row.bases()
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
        let rate = self.rate_for(row, bits, year).map(rates::rules::from_oere);
        let rate_year = self.latest_rate_year(row, bits, year);
        let legal_bases: Vec<LegalBasis> = row
            .bases()
            .of(&self.bases)
            .iter()
            .map(|b| b.basis)
            .collect();
        let places = self.matching_bases(row, bits).map(|b| b.places).sum();
        let municipality = geo::municipality(row.municipality)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let (daily_rate, daily_rate_short) = daily_rate_texts(rate, rate_year, year);
        let text = HitTexts {
            legal_bases: bases_text(&legal_bases),
            free_places: free_places_text(free, places),
            free_as_of: free_as_of_text(as_of, stale),
            daily_rate,
            daily_rate_short,
            distance: distance.map(fmt::km).unwrap_or_default(),
            operator_type: row.operator_type.code().to_string(),
            age: age_text(row.min_age, self.max_age(row)),
        };
        let covered = self.coverages[usize::from(row.coverage)].covered;
        let id = self.strings.get(row.id());
        SearchHit {
            most_specialised: self
                .marked
                .get(id)
                .map(|marks| {
                    marks
                        .iter()
                        .filter_map(|&i| self.marks.get(usize::from(i)).cloned())
                        .collect()
                })
                .unwrap_or_default(),
            id: id.to_string(),
            name: self.strings.get(row.name()).to_string(),
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
            covered_by_rammeaftale: covered != 0,
            agreements: self.covering_agreements(covered),
            approval: row.approval,
            min_age: row.min_age,
            max_age: self.max_age(row),
            text,
        }
    }

    /// The year of the rate shown for `year` among the matching bases: `year` itself, or the
    /// latest earlier year with a rate.
    fn latest_rate_year(&self, row: &Row, bits: u8, year: i32) -> Option<i32> {
        self.matching_bases(row, bits)
            .filter_map(|b| {
                b.rates()
                    .of(&self.rates)
                    .iter()
                    .rev()
                    .map(|r| r.year())
                    .find(|y| *y <= year)
            })
            .max()
    }

    /// The ids of the agreements whose bits are set in a coverage's `covered`.
    fn covering_agreements(&self, covered: u64) -> Vec<String> {
        self.agreement_ids
            .iter()
            .enumerate()
            .filter(|(i, _)| covered & (1 << i) != 0)
            .map(|(_, id)| id.clone())
            .collect()
    }
}

/// The filters of one search, resolved once and passed to the per-row tests by reference.
struct Filter<'q> {
    q: &'q SearchQuery,
    wanted_bits: u8,
    area_bit: Option<u64>,
    max_oere: Option<i64>,
    /// Membership by municipality code (101-860), looked up per candidate.
    region_munis: Option<Vec<bool>>,
    /// Per target group: inside the subtree the query asks for (`SearchIndex::subtree`).
    in_group: Option<Vec<bool>>,
    origin: Option<Point>,
    rate_year: i32,
}

/// A match while a search sorts: (row index, sort key for rate or free places, distance).
type Match = (usize, f64, Option<f64>);

/// The point distances are measured from (a point, else a municipality, else a postcode).
/// A distance limit or sort without one is refused.
fn query_origin(conn: &Connection, q: &SearchQuery) -> Result<Option<Point>> {
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
    Ok(origin)
}

/// The municipalities of the query's region on its date, as membership by municipality
/// code (101-860); an unknown region is refused.
fn region_members(q: &SearchQuery, today: NaiveDate) -> Result<Option<Vec<bool>>> {
    Ok(match &q.region {
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
    })
}

// A hit's texts are appended piece by piece rather than with `format!`: 50 hits per search,
// and for a small result ("roskilde", 0,2 ms) their texts were an eighth of the search
// (docs/benchmarks.md, round 6).

/// "SEL § 107, SEL § 108".
fn bases_text(bases: &[LegalBasis]) -> String {
    let mut out = String::with_capacity(12 * bases.len());
    for (i, b) in bases.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(b.label());
    }
    out
}

/// "3 af 12", "ukendt af 12".
fn free_places_text(free: Option<u32>, places: u32) -> String {
    let mut out = String::with_capacity(16);
    match free {
        Some(n) => fmt::push_uint(&mut out, u64::from(n)),
        None => out.push_str("ukendt"),
    }
    out.push_str(" af ");
    fmt::push_uint(&mut out, u64::from(places));
    out
}

/// "pr. 01.11.2026", with " (forældet)" when stale.
fn free_as_of_text(as_of: Option<NaiveDate>, stale: bool) -> String {
    let Some(d) = as_of else {
        return "ingen dato".into();
    };
    let mut out = String::with_capacity(26);
    out.push_str("pr. ");
    fmt::push_date(&mut out, d);
    if stale {
        out.push_str(" (forældet)");
    }
    out
}

/// The daily rate as shown, with "pr. døgn" and without; the year is named when it is not
/// the year asked for.
fn daily_rate_texts(rate: Option<Decimal>, rate_year: Option<i32>, year: i32) -> (String, String) {
    match (rate.map(fmt::kr_whole), rate_year) {
        (Some(kr), Some(y)) if y == year => {
            let mut daily = String::with_capacity(kr.len() + 10);
            daily.push_str(&kr);
            daily.push_str(" pr. døgn");
            (daily, kr)
        }
        (Some(kr), Some(y)) => (format!("{kr} pr. døgn ({y})"), format!("{kr} ({y})")),
        _ => ("ingen takst".into(), "ingen takst".into()),
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
    match catalogue::store::postcode_centre(conn, postcode)? {
        Some((lat, lon)) => Ok(Point { lat, lon }),
        None => Err(Error::Invalid(format!(
            "Postnummeret {postcode} kendes ikke i Pladsoverblik. Vælg borgerens hjemkommune, eller skriv en koordinat."
        ))),
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

/// The words of a search text, folded as the catalogue's index is (`search_fold`: case,
/// aa = å, ae = æ, oe = ø, accents), at most 16, as in the FTS5 query.
fn search_words(input: &str) -> impl Iterator<Item = String> + '_ {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(fold_text)
}

/// Turns anything a user types into a safe FTS5 expression: every word, folded as the index
/// is, becomes a quoted prefix term, all of them required. Returns `None` when there is no
/// word at all.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = search_words(input)
        .map(|w| words::prefix_term(&w))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// The search words, folded as the catalogue's index folds them, for the test "every word
/// starts a word of the name".
struct NameTerms {
    terms: Vec<Vec<char>>,
}

impl NameTerms {
    fn new(text: &str) -> NameTerms {
        NameTerms {
            terms: search_words(text).map(|w| w.chars().collect()).collect(),
        }
    }

    /// Whether every term starts some word of the row's name, with the name folded on the
    /// fly (`search_fold`, as the index folds it; no folded copy of the names is kept). The
    /// row's initials rule most names out without reading them.
    fn all_in(&self, row: &Row, strings: &Strings) -> bool {
        let mask = u32::from_le_bytes([row.initials[0], row.initials[1], row.initials[2], 0]);
        self.terms
            .iter()
            .all(|t| t.first().is_none_or(|&c| mask & initial_bit(c) != 0))
            && self
                .terms
                .iter()
                .all(|t| starts_a_word(strings.get(row.name()), t))
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

/// `s` cut at a character boundary to at most `max` bytes.
fn cut_to(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// The initials of a name's words as three bytes of bits (see `initial_bit`).
fn initials(name: &str) -> [u8; 3] {
    let mut mask = 0u32;
    let mut after_word = false;
    for (pos, c) in name.char_indices() {
        let alphanumeric = c.is_alphanumeric();
        if alphanumeric && !after_word {
            let first = Fold::new(name.get(pos..).unwrap_or_default().chars()).next();
            mask |= initial_bit(first.unwrap_or(c));
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
        // Most words are ruled out by their first letter alone; only a or o may start a pair
        // (ae = æ, oe = ø) and fold to another first letter.
        if alphanumeric && !after_word && could_start(fold_char(c), first) {
            // A word's folding starts with the word (a pair never spans two words).
            let mut rest = Fold::new(name.get(pos..).unwrap_or_default().chars());
            if rest.next() == Some(first) && term.iter().skip(1).all(|t| rest.next() == Some(*t)) {
                return true;
            }
        }
        after_word = alphanumeric;
    }
    false
}

/// Whether a word whose first letter folds to `letter` on its own may fold to start with
/// `first` (the same letter, or a or o starting a pair: ae = æ, oe = ø).
fn could_start(letter: char, first: char) -> bool {
    letter == first || (letter == 'a' && first == 'æ') || (letter == 'o' && first == 'ø')
}

/// The rowids of every match of an FTS5 expression.
#[cfg(test)]
fn fts_rowids(conn: &Connection, expr: &str) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    catalogue::store::fts_keys(conn, expr, |k| out.push(k))?;
    Ok(out)
}

/// The bare FTS5 query the benchmark compares against: the same MATCH, rowids only.
pub fn bare_fts_count(conn: &Connection, text: &str) -> Result<usize> {
    let Some(expr) = fts_query(text) else {
        return Ok(0);
    };
    let mut n = 0;
    catalogue::store::fts_keys(conn, &expr, |_| n += 1)?;
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
        let index = SearchIndex::build(db.conn(), NaiveDate::default()).unwrap();
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
            // Danish folding (search_fold): aa = å, oe = ø, ae = æ; "bo" is not "bø".
            "aabrinken",
            "Opholdsstedet Aadalen",
            "boerne og",
            "bo",
            "lyngbo",
            "laerkereden",
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
                let name = index.strings.get(row.name());
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

    /// The words the index knows give the same matches, in the same order, as FTS5's prefix
    /// queries: every start of every word of the example catalogue's index, alone and with
    /// the next word's start, numbers, unknown words; and after another import (the words
    /// are then another catalogue's) the prefix queries are asked again.
    #[test]
    fn known_words_match_as_prefix_queries_do() {
        let mut db = crate::store::Db::open_in_memory().unwrap();
        crate::catalogue::import::import(&mut db, crate::EXAMPLE_CATALOGUE, "eksempel").unwrap();
        let index = SearchIndex::build(db.conn(), NaiveDate::default()).unwrap();
        let all: Vec<String> = index.words.iter().map(str::to_string).collect();
        assert!(all.len() > 100, "{}", all.len());
        assert!(index.words.are_for(&cache::stamp(db.conn()).unwrap()));
        let mut texts = vec![
            "30".to_string(),
            "2 bo".into(),
            "xyzq".into(),
            "AUTISME".into(),
        ];
        texts.extend(["Aabrinken", "boerne og", "café", "bo-fælles", "ø", "æ"].map(String::from));
        for (i, w) in all.iter().enumerate() {
            let chars: Vec<char> = w.chars().collect();
            let next = all.get(i + 1).map_or("", |n| n.get(..2).unwrap_or(n));
            for n in 1..=chars.len() {
                let start: String = chars[..n].iter().collect();
                texts.push(format!("{start} {next}"));
                texts.push(start);
            }
        }
        let (mut expanded, mut nothing) = (0, 0);
        let check = |db: &crate::store::Db, text: &str| {
            let ours = index
                .text_matches(db.conn(), text)
                .unwrap()
                .unwrap_or_default();
            let fts = fts_query(text).map_or_else(Vec::new, |e| fts_rowids(db.conn(), &e).unwrap());
            assert_eq!(ours, fts, "{text:?}");
            ours.is_empty()
        };
        assert_eq!(
            index.words.sets().1,
            0,
            "no set is read before a search needs it"
        );
        for text in &texts {
            match index.words.expression(search_words(text)) {
                words::Expression::Nothing => nothing += 1,
                words::Expression::Match(e) if !e.contains('*') => expanded += 1,
                _ => {}
            }
            check(&db, text);
        }
        assert!(expanded > 1000 && nothing > 0, "{expanded} {nothing}");
        // The common words' sets, read by the searches above, answer the same again.
        let (sets, read) = index.words.sets();
        assert!(sets > 20 && read == sets, "{sets} {read}");
        assert!(sets < all.len() / 2, "{sets} of {}", all.len());
        for text in &texts {
            check(&db, text);
        }
        // Another catalogue imported since the index was built: its words are not used.
        use crate::catalogue::{generate, snapshot};
        let opts = generate::Options {
            offers: 300,
            seed: 7,
            ..generate::Options::example()
        };
        let mut other = Vec::new();
        // One offer with a word the example does not have: the old words would find nothing.
        let offers = generate::offers(&opts).enumerate().map(|(i, mut o)| {
            if i == 0 {
                o.name = "Zyxbakken".into();
            }
            o
        });
        snapshot::write(&mut other, &generate::header(&opts), offers).unwrap();
        crate::catalogue::import::import(&mut db, other.as_slice(), "andet").unwrap();
        let stamp = cache::stamp(db.conn()).unwrap();
        assert!(!index.words.are_for(&stamp));
        assert!(!check(&db, "zyx"), "the new word is found");
        let found = texts.iter().filter(|t| !check(&db, t)).count();
        assert!(found > 100, "{found}");
    }

    /// A rebuild takes the words over from the index before it only for the same catalogue
    /// import: a word written into the free-text index without an import (which only this
    /// test does) is read by a fresh build and not by one after the earlier index; after
    /// another import the words are read again.
    #[test]
    fn a_rebuild_reads_the_words_again_only_after_an_import() {
        let mut db = crate::store::Db::open_in_memory().unwrap();
        crate::catalogue::import::import(&mut db, crate::EXAMPLE_CATALOGUE, "eksempel").unwrap();
        let day = NaiveDate::default();
        let earlier = SearchIndex::build(db.conn(), day).unwrap();
        db.conn()
            .execute(
                "INSERT INTO offer_fts (rowid, name, body) VALUES (999999, 'qqqord', '')",
                [],
            )
            .unwrap();
        let has = |i: &SearchIndex| i.words.iter().any(|w| w == "qqqord");
        let fresh = SearchIndex::build(db.conn(), day).unwrap();
        assert!(has(&fresh));
        // A common word's set cannot hold a key far beyond the catalogue's: FTS5 answers it,
        // and the same as the prefix query (with the row written above).
        db.conn()
            .execute(
                "INSERT INTO offer_fts (rowid, name, body) VALUES (99999999, 'og', '')",
                [],
            )
            .unwrap();
        let og = fts_rowids(db.conn(), &fts_query("og").unwrap()).unwrap();
        assert_eq!(og.last(), Some(&99999999));
        assert_eq!(fresh.text_matches(db.conn(), "og").unwrap(), Some(og));
        assert!(
            fresh.words.heap_bytes() < 100_000,
            "{}",
            fresh.words.heap_bytes()
        );
        let after = SearchIndex::build_after(db.conn(), day, Some(&earlier)).unwrap();
        assert!(!has(&after));
        assert_eq!(after.words.len(), earlier.words.len());
        crate::catalogue::import::import(&mut db, crate::EXAMPLE_CATALOGUE, "igen").unwrap();
        let stamp = cache::stamp(db.conn()).unwrap();
        let again = SearchIndex::build_after(db.conn(), day, Some(&earlier)).unwrap();
        assert!(again.words.are_for(&stamp) && !earlier.words.are_for(&stamp));
    }

    #[test]
    fn a_row_keeps_its_id_and_name_apart_and_cuts_at_a_character() {
        let mut strings = Strings::default();
        let (a, a_id, a_name) = strings.push_pair("SJ-1", "Åbo");
        let (b, b_id, b_name) = strings.push_pair("SJ-22", "Kildevang");
        assert_eq!((a, a_id, a_name, b, b_id, b_name), (0, 4, 4, 8, 5, 9));
        assert_eq!(
            strings.get(Span {
                start: b + 5,
                len: 9
            }),
            "Kildevang"
        );
        // "æ" is two bytes: three bytes of "æøå" keep only the whole "æ".
        assert_eq!(cut_to("æøå", 3), "æ");
        assert_eq!(cut_to("æøå", 6), "æøå");
        let long = "ø".repeat(40_000);
        let (_, id_len, name_len) = strings.push_pair(&long, "x");
        assert_eq!((id_len, name_len), (65_534, 1));
    }

    #[test]
    fn year_rates_pack_into_four_bytes() {
        let r = YearRate::new(2027, 1_234_567).unwrap();
        assert_eq!((r.year(), r.oere()), (2027, 1_234_567));
        let r = YearRate::new(2127, (1 << 25) - 1).unwrap();
        assert_eq!((r.year(), r.oere()), (2127, (1 << 25) - 1));
        assert!(YearRate::new(2027, 1 << 25).is_none());
        assert!(YearRate::new(1999, 100).is_none());
        assert!(YearRate::new(2128, 100).is_none());
        assert!(YearRate::new(2027, -1).is_none());
        // The highest rate any importer lets in, a day or a month, and every year the app
        // reasons about fit.
        let highest_daily = rates::rules::oere(crate::limits::DAILY_RATE.max);
        let from_monthly = rates::rules::oere(
            rates::rules::month_to_day(crate::limits::MONTHLY_RATE.max).unwrap(),
        );
        for oere in [highest_daily, from_monthly] {
            for year in crate::limits::YEARS {
                let r = YearRate::new(year, oere).unwrap();
                assert_eq!((r.year(), r.oere()), (year, oere));
            }
        }
    }

    #[test]
    fn name_words_are_compared_as_fts5_folds_them() {
        let t = |text: &str, name: &str| {
            let mut strings = Strings::default();
            let (start, id_len, name_len) = strings.push_pair("X", name);
            let row = Row {
                text: start,
                id_len,
                name_len,
                name_rank: 0,
                city: 0,
                operator_name: 0,
                lat: 0.0,
                lon: 0.0,
                bases_start: 0,
                bases_len: 0,
                groups_start: 0,
                groups_len: 0,
                municipality: 101,
                min_age: 0,
                max_age: NO_MAX_AGE,
                approval: ApprovalStatus::Godkendt,
                coverage: 0,
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
        // Danish folding, both ways: aa = å, ae = æ, oe = ø (search_fold).
        assert!(t("aabrinken", "Opholdsstedet Åbrinken"));
        assert!(t("åbenrå", "Opholdsstedet Aabenraa"));
        assert!(t("koege naes", "Køge Næstved"));
        assert!(t("KØGE", "Koege"));
        // No false hit: ø is not o, and a name's "Bø" is not found by "bo".
        assert!(!t("koge", "Køge"));
        assert!(!t("bo", "Børne- og Ungehjemmet"));
        // A name spelt with "ae" is found once the "e" is typed.
        assert!(!t("micha", "Michael"));
        assert!(t("michae", "Michael"));
        // w to z share a bit: the mask lets "xa" through, the name test does not.
        assert!(t("wa zo", "Wagner Zoo"));
        assert!(!t("xa", "Wagner Zoo"));
        // The row stays one cache line; a legal basis takes 20 bytes.
        assert!(std::mem::size_of::<Row>() <= 64);
        assert_eq!(std::mem::size_of::<BasisAgg>(), 20);
    }
}
