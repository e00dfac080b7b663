//! The search index kept in a file beside the database between starts of the window
//! (issue 16: the first results of a 100.000-offer catalogue wait for the index's 0,3 s of
//! building, which also takes a core from WebKit while the page starts).
//!
//! The file is only a head start, never the truth: the window searches with it while the
//! index is built again from the database once the first results are on screen; the built
//! index then replaces it, and the window searches again if the two differ (a rate sheet
//! imported by `plads` meanwhile, or an operator whose period ended overnight). Until then
//! only searching uses it: a check, a shortlist or an offer's figures wait for the index
//! built from the database (`Engine::open_for_window`). A file from another catalogue import
//! (its offers' keys are others) or another format is not used; a damaged one is refused by
//! the bounds checks here and never makes a search panic. A file from an earlier day is used:
//! the first start of the day is the one that counts, and the build corrects what the day
//! changed.
//!
//! Layout: `PLADSIDX`, the format number, the catalogue's stamp, then the index's
//! arrays in a fixed order, little-endian, every length before its items, maps in key order,
//! so the same index always gives the same bytes (the engine compares their `fingerprint` with
//! the one `load` took of the file).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use super::{BasisAgg, Coverage, Row, SearchIndex, Slice, Span, Strings, YearRate, NO_ROW};
use crate::agreements::most_specialised::Mark;
use crate::catalogue::model::{ApprovalStatus, LegalBasis, OperatorType};
use crate::catalogue::store;
use crate::error::Result;

const MAGIC: &[u8; 8] = b"PLADSIDX";
/// Raise when the layout below changes: an older file is then not read.
const FORMAT: u32 = 2;
const NO_DATE: i32 = i32::MIN;

/// The file beside the database: `pladsoverblik.sqlite-søgeindeks`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-søgeindeks");
    db.with_file_name(name)
}

/// Which catalogue import the index was built from; a file from another one is not used.
/// The import's number tells apart two imports within the same second; its time, file and
/// extraction date a database restored from a backup or made anew.
pub fn stamp(conn: &Connection) -> Result<String> {
    Ok(match store::meta(conn)? {
        Some(m) => format!(
            "{}|{}|{}|{}|{:?}",
            m.generation, m.imported_at, m.file_name, m.offer_count, m.extracted
        ),
        None => String::new(),
    })
}

/// The index as the file's bytes, for the catalogue `stamp`.
pub fn encode(index: &SearchIndex, stamp: &str) -> Vec<u8> {
    let mut o = Out(Vec::with_capacity(index.heap_bytes() + 4096));
    o.0.extend_from_slice(MAGIC);
    o.u32(FORMAT);
    o.str(stamp);
    o.len(index.rows.len());
    for r in &index.rows {
        o.row(r);
    }
    o.len(index.bases.len());
    for b in &index.bases {
        o.u8(basis_code(b.basis));
        o.u8(b.rates_len);
        o.u32(b.places);
        o.u32(b.free);
        o.date(b.free_as_of);
        o.u32(b.rates_start);
    }
    o.len(index.rates.len());
    for r in &index.rates {
        o.u32(r.0);
    }
    o.u32s(&index.groups);
    o.u32s(&index.by_key);
    o.str(&index.strings.arena);
    o.len(index.strings.interned.len());
    for s in &index.strings.interned {
        o.str(s);
    }
    let mut groups: Vec<(&String, &u32)> = index.group_index.iter().collect();
    groups.sort();
    o.len(groups.len());
    for (code, i) in groups {
        o.str(code);
        o.u32(*i);
    }
    o.len(index.group_parent.len());
    for p in &index.group_parent {
        o.u32(p.unwrap_or(NO_ROW));
    }
    o.date(index.extracted);
    o.len(index.agreement_ids.len());
    for id in &index.agreement_ids {
        o.str(id);
    }
    o.len(index.coverages.len());
    for c in &index.coverages {
        o.u64(c.covered);
        o.u64(c.area);
    }
    o.len(index.marks.len());
    for m in &index.marks {
        o.mark(m);
    }
    let mut marked: Vec<(&Box<str>, &Vec<u16>)> = index.marked.iter().collect();
    marked.sort();
    o.len(marked.len());
    for (id, marks) in marked {
        o.str(id);
        o.len(marks.len());
        for m in marks {
            o.u16(*m);
        }
    }
    o.0
}

/// The index in `bytes` when they were written for `stamp` by this format and every
/// reference in them points inside the index; `None` otherwise.
pub fn decode(bytes: &[u8], stamp: &str) -> Option<SearchIndex> {
    read(bytes, bytes.len(), stamp)
}

/// `decode` from a reader of `len` bytes, item by item: the file is never held whole (a 16 MB
/// buffer freed again would also leave the allocator keeping freed memory for every smaller
/// allocation after it: with `Engine`'s keeping of the file's index, 10 MB more in the window,
/// measured).
fn read<R: Read>(r: R, len: usize, stamp: &str) -> Option<SearchIndex> {
    let mut i = In { r, remaining: len };
    if i.take(MAGIC.len())? != MAGIC || i.u32()? != FORMAT || i.str()? != stamp {
        return None;
    }
    let rows = i.list(51, In::row)?;
    let bases = i.list(18, |i| {
        Some(BasisAgg {
            basis: basis_from(i.u8()?)?,
            rates_len: i.u8()?,
            places: i.u32()?,
            free: i.u32()?,
            free_as_of: i.date()?,
            rates_start: i.u32()?,
        })
    })?;
    let rates = i.list(4, |i| i.u32().map(YearRate))?;
    let groups = i.list(4, In::u32)?;
    let by_key = i.list(4, In::u32)?;
    let arena = i.str()?;
    let interned = i.list(4, In::str)?;
    let group_index: HashMap<String, u32> = i
        .list(8, |i| Some((i.str()?, i.u32()?)))?
        .into_iter()
        .collect();
    let group_parent = i.list(4, |i| i.u32().map(|p| (p != NO_ROW).then_some(p)))?;
    let extracted = i.date()?;
    let agreement_ids = i.list(4, In::str)?;
    let coverages = i.list(16, |i| {
        Some(Coverage {
            covered: i.u64()?,
            area: i.u64()?,
        })
    })?;
    let marks = i.list(40, In::mark)?;
    let marked: HashMap<Box<str>, Vec<u16>> = i
        .list(8, |i| {
            Some((i.str()?.into_boxed_str(), i.list(2, In::u16)?))
        })?
        .into_iter()
        .collect();
    if i.remaining != 0 || i.r.read(&mut [0]).ok()? != 0 {
        return None;
    }
    let index = SearchIndex {
        rows,
        bases,
        rates,
        groups,
        by_key,
        strings: Strings {
            arena,
            interned,
            lookup: HashMap::new(),
        },
        group_index,
        group_parent,
        extracted,
        agreement_ids,
        coverages,
        marks,
        marked,
        words: super::words::Words::default(),
    };
    index.references_hold().then_some(index)
}

/// Reads the file; `None` when there is none or it is not for `stamp`.
pub fn load(path: &Path, stamp: &str) -> Option<(SearchIndex, u64)> {
    let file = std::fs::File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let mut hashed = Hashed {
        inner: file,
        hasher: DefaultHasher::new(),
    };
    let index = read(
        std::io::BufReader::with_capacity(1 << 16, &mut hashed),
        len,
        stamp,
    )?;
    Some((index, hashed.hasher.finish()))
}

/// A fingerprint of the file's bytes, to tell whether an index built later is the same
/// without keeping the bytes (the same as `load` computes as it reads).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// A reader that hashes what passes through it (SipHash is a streaming hash: the chunks'
/// boundaries do not change the result).
struct Hashed<R> {
    inner: R,
    hasher: DefaultHasher,
}

impl<R: Read> Read for Hashed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.write(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}

/// Writes the file under a temporary name and renames it into place, so a crash never
/// leaves half a file under its name; one writer at a time (the start's build and an import
/// can finish together). A failure only costs the head start of the next start.
pub fn save(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".skrives");
    let tmp = path.with_file_name(tmp_name);
    // 0600 like everything the app writes beside the database.
    match crate::paths::write_private(&tmp, bytes) {
        Ok(()) => std::fs::rename(&tmp, path),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

impl SearchIndex {
    /// Every position stored in the index points inside it, so no lookup can go outside an
    /// array (the search itself reads through `get` as well, but this keeps a damaged file
    /// from giving quietly wrong answers where a check is cheap).
    fn references_hold(&self) -> bool {
        let rows = self.rows.len();
        let fits = |s: Slice, len: usize| (s.start as usize + s.len as usize) <= len;
        let span_fits = |s: Span| {
            self.strings
                .arena
                .get(s.start as usize..s.start as usize + s.len as usize)
                .is_some()
        };
        let interned = |i: u32| i == u32::MAX || (i as usize) < self.strings.interned.len();
        self.rows.iter().all(|r| {
            span_fits(r.id())
                && span_fits(r.name())
                && interned(r.city)
                && interned(r.operator_name)
                && fits(r.bases(), self.bases.len())
                && fits(r.groups(), self.groups.len())
                && usize::from(r.coverage) < self.coverages.len()
        }) && self.bases.iter().all(|b| {
            fits(
                Slice {
                    start: b.rates_start,
                    len: u32::from(b.rates_len),
                },
                self.rates.len(),
            )
        }) && self
            .by_key
            .iter()
            .all(|&i| i == NO_ROW || (i as usize) < rows)
            && self
                .groups
                .iter()
                .all(|&g| (g as usize) < self.group_parent.len())
            && self
                .group_parent
                .iter()
                .flatten()
                .all(|&g| (g as usize) < self.group_parent.len())
            && self
                .group_index
                .values()
                .all(|&g| (g as usize) < self.group_parent.len())
            && self.agreement_ids.len() <= 64
            && self
                .marked
                .values()
                .flatten()
                .all(|&m| usize::from(m) < self.marks.len())
    }
}

fn basis_code(b: LegalBasis) -> u8 {
    LegalBasis::ALL.iter().position(|x| *x == b).unwrap_or(0) as u8
}

fn basis_from(code: u8) -> Option<LegalBasis> {
    LegalBasis::ALL.get(usize::from(code)).copied()
}

fn operator_code(t: OperatorType) -> u8 {
    OperatorType::ALL.iter().position(|x| *x == t).unwrap_or(0) as u8
}

fn operator_from(code: u8) -> Option<OperatorType> {
    OperatorType::ALL.get(usize::from(code)).copied()
}

const APPROVALS: [ApprovalStatus; 3] = [
    ApprovalStatus::Godkendt,
    ApprovalStatus::BetingetGodkendt,
    ApprovalStatus::UnderGodkendelse,
];

fn approval_code(a: ApprovalStatus) -> u8 {
    APPROVALS.iter().position(|x| *x == a).unwrap_or(0) as u8
}

fn approval_from(code: u8) -> Option<ApprovalStatus> {
    APPROVALS.get(usize::from(code)).copied()
}

struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn date(&mut self, d: Option<NaiveDate>) {
        self.i32(d.map_or(NO_DATE, |d| d.num_days_from_ce()));
    }
    fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        for x in v {
            self.u32(*x);
        }
    }
    fn row(&mut self, r: &Row) {
        self.u32(r.text);
        self.u16(r.id_len);
        self.u16(r.name_len);
        for v in [r.name_rank, r.city, r.operator_name] {
            self.u32(v);
        }
        self.u32(r.lat.to_bits());
        self.u32(r.lon.to_bits());
        self.u32(r.bases_start);
        self.u8(r.bases_len);
        self.u32(r.groups_start);
        self.u16(r.groups_len);
        self.u16(r.municipality);
        self.u8(r.min_age);
        self.u8(r.max_age);
        self.u8(approval_code(r.approval));
        self.u16(r.coverage);
        self.u8(operator_code(r.operator_type));
        self.u8(r.basis_bits);
        self.0.extend_from_slice(&r.initials);
    }
    fn mark(&mut self, m: &Mark) {
        self.str(&m.agreement_id);
        self.u32(m.agreement_version);
        for s in [
            &m.agreement_short,
            &m.agreement_name,
            &m.period_text,
            &m.listed_name,
            &m.note,
            &m.label,
            &m.text,
            &m.status_text,
            &m.procedure,
            &m.procedure_text,
            &m.source,
        ] {
            self.str(s);
        }
        self.u8(u8::from(m.expired));
        match &m.quote {
            Some(q) => {
                self.u8(1);
                self.str(q);
            }
            None => self.u8(0),
        }
    }
}

struct In<R> {
    r: R,
    /// What the file's length leaves to read.
    remaining: usize,
}

impl<R: Read> In<R> {
    fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        self.remaining = self.remaining.checked_sub(n)?;
        let mut out = vec![0; n];
        self.r.read_exact(&mut out).ok()?;
        Some(out)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.remaining = self.remaining.checked_sub(N)?;
        let mut out = [0; N];
        self.r.read_exact(&mut out).ok()?;
        Some(out)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }
    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }
    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?).ok()
    }
    fn date(&mut self) -> Option<Option<NaiveDate>> {
        match self.i32()? {
            NO_DATE => Some(None),
            days => NaiveDate::from_num_days_from_ce_opt(days).map(Some),
        }
    }
    /// A length and that many items; a length the remaining bytes cannot hold (at least
    /// `min_size` bytes an item) is refused before anything is allocated.
    fn list<T>(
        &mut self,
        min_size: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let n = self.u32()? as usize;
        if n.checked_mul(min_size)? > self.remaining {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Some(out)
    }
    /// A row as `Out::row` writes it (51 bytes).
    fn row(&mut self) -> Option<Row> {
        Some(Row {
            text: self.u32()?,
            id_len: self.u16()?,
            name_len: self.u16()?,
            name_rank: self.u32()?,
            city: self.u32()?,
            operator_name: self.u32()?,
            lat: f32::from_bits(self.u32()?),
            lon: f32::from_bits(self.u32()?),
            bases_start: self.u32()?,
            bases_len: self.u8()?,
            groups_start: self.u32()?,
            groups_len: self.u16()?,
            municipality: self.u16()?,
            min_age: self.u8()?,
            max_age: self.u8()?,
            approval: approval_from(self.u8()?)?,
            coverage: self.u16()?,
            operator_type: operator_from(self.u8()?)?,
            basis_bits: self.u8()?,
            initials: self.array()?,
        })
    }
    fn mark(&mut self) -> Option<Mark> {
        let agreement_id = self.str()?;
        let agreement_version = self.u32()?;
        let mut strings = Vec::with_capacity(11);
        for _ in 0..11 {
            strings.push(self.str()?);
        }
        let expired = self.u8()? != 0;
        let quote = match self.u8()? {
            0 => None,
            1 => Some(self.str()?),
            _ => return None,
        };
        let mut s = strings.into_iter();
        let mut next = || s.next().unwrap_or_default();
        Some(Mark {
            agreement_id,
            agreement_version,
            agreement_short: next(),
            agreement_name: next(),
            period_text: next(),
            listed_name: next(),
            note: next(),
            label: next(),
            text: next(),
            status_text: next(),
            procedure: next(),
            procedure_text: next(),
            source: next(),
            expired,
            quote,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;
    use crate::search::{SearchQuery, SortKey};

    fn example() -> (crate::store::Db, NaiveDate) {
        let mut db = crate::store::Db::open_in_memory().unwrap();
        crate::catalogue::import::import(
            &mut db,
            crate::EXAMPLE_CATALOGUE,
            crate::EXAMPLE_CATALOGUE_NAME,
        )
        .unwrap();
        (db, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
    }

    fn queries() -> Vec<SearchQuery> {
        let mut out = vec![SearchQuery::default()];
        for text in ["autisme", "kildevang", "roskilde", "neuro hjerneskade"] {
            out.push(SearchQuery {
                text: Some(text.into()),
                ..Default::default()
            });
        }
        out.push(SearchQuery {
            near_municipality: Some(265),
            sort: SortKey::Distance,
            ..Default::default()
        });
        out.push(SearchQuery {
            target_group: Some("FN.P".into()),
            sort: SortKey::Rate,
            ..Default::default()
        });
        out
    }

    fn results(db: &crate::store::Db, index: &SearchIndex, on: NaiveDate) -> Vec<String> {
        queries()
            .iter()
            .map(|q| serde_json::to_string(&index.search(db.conn(), q, on).unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn two_imports_within_one_second_have_different_stamps() {
        let (mut db, _) = example();
        let mut before = (
            store::meta(db.conn()).unwrap().unwrap(),
            stamp(db.conn()).unwrap(),
        );
        // The import time is kept to the second: import the same file again until two
        // imports fall within one second (the example takes milliseconds).
        for _ in 0..50 {
            crate::catalogue::import::import(
                &mut db,
                crate::EXAMPLE_CATALOGUE,
                crate::EXAMPLE_CATALOGUE_NAME,
            )
            .unwrap();
            let after = (
                store::meta(db.conn()).unwrap().unwrap(),
                stamp(db.conn()).unwrap(),
            );
            if after.0.imported_at == before.0.imported_at {
                assert_eq!(after.0.generation, before.0.generation + 1);
                assert_ne!(
                    after.1, before.1,
                    "the index file of the import before is not used"
                );
                return;
            }
            before = after;
        }
        panic!("no two imports within one second");
    }

    #[test]
    fn the_file_gives_back_the_same_index() {
        let (db, on) = example();
        let built = SearchIndex::build(db.conn(), on).unwrap();
        let stamp = stamp(db.conn()).unwrap();
        assert!(stamp.contains(crate::EXAMPLE_CATALOGUE_NAME), "{stamp}");
        let bytes = encode(&built, &stamp);
        let read = decode(&bytes, &stamp).expect("decodes");
        // Byte for byte the same index, and the same answers.
        assert_eq!(encode(&read, &stamp), bytes);
        assert_eq!(results(&db, &read, on), results(&db, &built, on));
        assert!(!read.is_empty());
        // Another catalogue import: not used.
        assert!(decode(&bytes, "en anden import").is_none());
    }

    #[test]
    fn a_damaged_file_is_refused_or_searched_without_a_panic() {
        let (db, on) = example();
        let built = SearchIndex::build(db.conn(), on).unwrap();
        let stamp = stamp(db.conn()).unwrap();
        let bytes = encode(&built, &stamp);
        // Cut anywhere: refused.
        for cut in (0..bytes.len()).step_by(97) {
            assert!(decode(&bytes[..cut], &stamp).is_none(), "cut at {cut}");
        }
        // Bytes changed at random (seeded): refused, or an index every query runs on.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut refused, mut searched) = (0, 0);
        for _ in 0..300 {
            let mut damaged = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % damaged.len() as u64) as usize;
                damaged[at] = next() as u8;
            }
            match decode(&damaged, &stamp) {
                None => refused += 1,
                Some(index) => {
                    for q in queries() {
                        let _ = index.search(db.conn(), &q, on);
                    }
                    searched += 1;
                }
            }
        }
        assert!(
            refused > 0 && searched > 0,
            "{refused} refused, {searched} searched"
        );
    }

    #[test]
    fn the_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(&dir.path().join("pladsoverblik.sqlite"));
        save(&path, b"first").unwrap();
        save(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        // No temporary file is left beside it, and it is the user's only.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
