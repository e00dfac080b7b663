//! Offer search: free text through FTS5, filters and sorts over a compact in-memory index
//! of the catalogue (built once after open or import, a few MB for 100.000 offers).

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use crate::catalogue::model::{ApprovalStatus, LegalBasis, OperatorType};
use crate::error::{Error, Result};
use crate::geo::{self, Point};
use crate::{fmt, rates};

/// Free-place figures older than this many days are shown as stale (a setting later).
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 30;
pub const DEFAULT_LIMIT: usize = 100;
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
    pub limit: Option<usize>,
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

#[derive(Debug, Clone)]
struct BasisAgg {
    basis: LegalBasis,
    places: u32,
    free: Option<u32>,
    free_as_of: Option<NaiveDate>,
    /// (year, lowest daily rate ex. VAT among the offer's departments)
    rates: Vec<(i32, i64)>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

/// One offer in the index. Kept small (strings live in one arena or are interned), so
/// 100.000 offers cost a few tens of MB.
#[derive(Debug, Clone)]
struct Row {
    id: Span,
    name: Span,
    /// Position in Danish alphabetical order of names.
    name_rank: u32,
    city: u32,
    operator_name: u32,
    municipality: u16,
    point: Point,
    min_age: u8,
    max_age: Option<u8>,
    approval: ApprovalStatus,
    covered: bool,
    operator_type: OperatorType,
    basis_bits: u8,
    bases: Vec<BasisAgg>,
    groups: Vec<u32>,
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
                eprintln!("indeks: {what} efter {} ms", t0.elapsed().as_millis());
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
        let on = extracted.unwrap_or_else(|| chrono::Local::now().date_naive());

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

        let mut rows = Vec::new();
        let mut by_key: Vec<u32> = Vec::new();
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
                rows.push(Row {
                    id: strings.push(r.get_ref(1)?.as_str().unwrap_or_default()),
                    name: strings.push(r.get_ref(2)?.as_str().unwrap_or_default()),
                    name_rank: r.get::<_, Option<u32>>(11)?.unwrap_or(u32::MAX),
                    city: strings.intern(r.get(3)?),
                    operator_name: u32::MAX,
                    municipality: r.get(4)?,
                    point: Point {
                        lat: r.get(5)?,
                        lon: r.get(6)?,
                    },
                    min_age: r.get(7)?,
                    max_age: r.get(8)?,
                    approval: ApprovalStatus::parse(&approval)
                        .unwrap_or(ApprovalStatus::UnderGodkendelse),
                    covered: r.get(10)?,
                    operator_type: OperatorType::Privat,
                    basis_bits: 0,
                    bases: Vec::new(),
                    groups: Vec::new(),
                });
            }
        }
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
        {
            // In primary-key order (offer, department, basis): summed per offer and basis here,
            // which is faster than a GROUP BY's temporary B-tree.
            let mut st = conn.prepare(
                "SELECT offer_key, legal_basis, places, free_places, free_as_of FROM department_places",
            )?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let key: i64 = r.get(0)?;
                let Some(i) = row_of(key) else { continue };
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
                let row = &mut rows[i];
                row.basis_bits |= basis.bit();
                match row.bases.iter_mut().find(|b| b.basis == basis) {
                    Some(agg) => {
                        agg.places += places;
                        // A sum is only a figure when every department reported one.
                        agg.free = match (agg.free, free) {
                            (Some(a), Some(b)) => Some(a + b),
                            _ => None,
                        };
                        agg.free_as_of = match (agg.free_as_of, as_of) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                    }
                    None => row.bases.push(BasisAgg {
                        basis,
                        places,
                        free,
                        free_as_of: as_of,
                        rates: Vec::new(),
                    }),
                }
            }
        }
        mark("pladser");
        {
            // Rates are keyed by the catalogue id (so history survives imports). Both sides in
            // id order, merged: no join and no hash map.
            let mut by_id: Vec<usize> = (0..rows.len()).collect();
            by_id.sort_unstable_by(|&a, &b| strings.get(rows[a].id).cmp(strings.get(rows[b].id)));
            let mut cursor = 0usize;
            let mut st = conn.prepare(
                "SELECT offer_id, legal_basis, year, daily_ex_vat_oere FROM rates ORDER BY offer_id",
            )?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let offer_id = r.get_ref(0)?.as_str().unwrap_or_default();
                while cursor < by_id.len() && strings.get(rows[by_id[cursor]].id) < offer_id {
                    cursor += 1;
                }
                let Some(&i) = by_id
                    .get(cursor)
                    .filter(|&&i| strings.get(rows[i].id) == offer_id)
                else {
                    continue;
                };
                let Some(basis) = LegalBasis::from_code(r.get_ref(1)?.as_str().unwrap_or_default())
                else {
                    continue;
                };
                let year: i32 = r.get(2)?;
                let daily: i64 = r.get(3)?;
                if let Some(agg) = rows[i].bases.iter_mut().find(|b| b.basis == basis) {
                    match agg.rates.iter_mut().find(|(y, _)| *y == year) {
                        Some((_, v)) if daily < *v => *v = daily,
                        Some(_) => {}
                        None => agg.rates.push((year, daily)),
                    }
                }
            }
        }
        mark("takster");
        {
            let mut st = conn.prepare("SELECT offer_key, code FROM offer_target_groups")?;
            let mut q = st.query([])?;
            while let Some(r) = q.next()? {
                let key: i64 = r.get(0)?;
                let code: String = r.get(1)?;
                if let (Some(i), Some(&g)) = (row_of(key), group_index.get(&code)) {
                    rows[i].groups.push(g);
                }
            }
        }
        for row in &mut rows {
            row.bases.sort_by_key(|b| b.basis);
            for b in &mut row.bases {
                b.rates.sort_by_key(|(y, _)| *y);
            }
        }
        mark("målgrupper");
        Ok(SearchIndex {
            rows,
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
        let distance = origin.map(|o| geo::distance_km(o, row.point));
        Ok(self.hit(row, bits, today.year(), today, stale_after_days, distance))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
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
        let region_munis: Option<HashSet<u16>> = match &q.region {
            Some(r) if !r.trim().is_empty() => {
                let region = geo::find_region(r)?;
                let on = q.region_date.unwrap_or(today);
                Some(
                    geo::municipalities_in_region(&region.id, on)
                        .into_iter()
                        .collect(),
                )
            }
            _ => None,
        };
        // Relevance: offers with every search word in their name first. It is computed only
        // when it decides the order, with one more (small) FTS query on the name column, so a
        // search costs about what a bare FTS5 MATCH costs.
        let text_scores: Option<Vec<(i64, f64)>> = match q.text.as_deref().map(fts_query) {
            Some(Some(expr)) => {
                let mut matches = fts_rowids(conn, &expr)?;
                if q.sort == SortKey::Relevance {
                    let mut in_name: Vec<i64> = fts_rowids(conn, &format!("name : ({expr})"))?
                        .into_iter()
                        .map(|(k, _)| k)
                        .collect();
                    in_name.sort_unstable();
                    for m in &mut matches {
                        if in_name.binary_search(&m.0).is_err() {
                            m.1 = 1.0;
                        }
                    }
                }
                Some(matches)
            }
            _ => None,
        };
        let wanted_bits: u8 = q.legal_bases.iter().fold(0, |acc, b| acc | b.bit());
        let max_oere = q.max_daily_rate.map(rates::oere);

        // (row index, relevance score, distance)
        let mut matches: Vec<(usize, f64, Option<f64>)> = Vec::new();
        let candidate = |i: usize, score: f64, matches: &mut Vec<(usize, f64, Option<f64>)>| {
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
            if let Some(set) = &region_munis {
                if !set.contains(&row.municipality) {
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
                if !row.groups.iter().any(|&g| self.in_subtree(g, root)) {
                    return;
                }
            }
            let bases = || {
                row.bases
                    .iter()
                    .filter(move |b| wanted_bits == 0 || b.basis.bit() & wanted_bits != 0)
            };
            if q.only_free && !bases().any(|b| b.free.unwrap_or(0) > 0) {
                return;
            }
            if let Some(max) = max_oere {
                let cheapest = bases()
                    .filter_map(|b| rate_for_year(&b.rates, rate_year))
                    .min();
                if cheapest.is_none_or(|r| r > max) {
                    return;
                }
            }
            let distance = origin.map(|o| geo::distance_km(o, row.point));
            if let (Some(max), Some(d)) = (q.max_distance_km, distance) {
                if d > max {
                    return;
                }
            }
            matches.push((i, score, distance));
        };
        match &text_scores {
            Some(scores) => {
                for &(key, score) in scores {
                    if let Some(i) = self.row_of(key) {
                        candidate(i, score, &mut matches);
                    }
                }
            }
            None => {
                for i in 0..self.rows.len() {
                    candidate(i, 0.0, &mut matches);
                }
            }
        }

        let total = matches.len();
        let sort = match q.sort {
            SortKey::Relevance if text_scores.is_none() && origin.is_some() => SortKey::Distance,
            SortKey::Relevance if text_scores.is_none() => SortKey::Name,
            s => s,
        };
        let by_name = |a: usize, b: usize| self.rows[a].name_rank.cmp(&self.rows[b].name_rank);
        // Rate and free places are computed once per match, not in every comparison: the
        // key goes in the score slot, which only relevance uses.
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
            SortKey::Relevance | SortKey::Rate | SortKey::FreePlaces => {
                a.1.total_cmp(&b.1).then_with(|| by_name(a.0, b.0))
            }
            SortKey::Distance => {
                a.2.unwrap_or(f64::MAX)
                    .total_cmp(&b.2.unwrap_or(f64::MAX))
                    .then_with(|| by_name(a.0, b.0))
            }
            SortKey::Name => by_name(a.0, b.0),
        };
        if matches.len() > limit {
            matches.select_nth_unstable_by(limit - 1, cmp);
            matches.truncate(limit);
        }
        matches.sort_by(cmp);

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
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
        {
            if let Some(f) = b.free {
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
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
            .filter_map(|b| rate_for_year(&b.rates, year))
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
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
            .filter_map(|b| {
                b.rates
                    .iter()
                    .rev()
                    .find(|(y, _)| *y <= year)
                    .map(|(y, _)| *y)
            })
            .max();
        let legal_bases: Vec<LegalBasis> = row.bases.iter().map(|b| b.basis).collect();
        let places = row
            .bases
            .iter()
            .filter(|b| bits == 0 || b.basis.bit() & bits != 0)
            .map(|b| b.places)
            .sum();
        let municipality = geo::municipality(row.municipality)
            .map(|m| m.name.clone())
            .unwrap_or_default();
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
            daily_rate: match (rate, rate_year) {
                (Some(r), Some(y)) if y == year => format!("{} pr. døgn", fmt::kr_whole(r)),
                (Some(r), Some(y)) => format!("{} pr. døgn ({y})", fmt::kr_whole(r)),
                _ => "ingen takst".into(),
            },
            daily_rate_short: match (rate, rate_year) {
                (Some(r), Some(y)) if y == year => fmt::kr_whole(r),
                (Some(r), Some(y)) => format!("{} ({y})", fmt::kr_whole(r)),
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
fn rate_for_year(rates: &[(i32, i64)], year: i32) -> Option<i64> {
    rates
        .iter()
        .rev()
        .find(|(y, _)| *y <= year)
        .map(|(_, r)| *r)
}

/// Turns anything a user types into a safe FTS5 expression: every word becomes a quoted
/// prefix term, all of them required. Returns `None` when there is no word at all.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// (rowid, 0.0) of every match of an FTS5 expression.
fn fts_rowids(conn: &Connection, expr: &str) -> Result<Vec<(i64, f64)>> {
    let mut st = conn.prepare_cached("SELECT rowid FROM offer_fts WHERE offer_fts MATCH ?1")?;
    let mut q = st.query([expr])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push((r.get(0)?, 0.0));
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
}
