//! The free-text index's own words, so that a search word becomes the words it is the start
//! of instead of an FTS5 prefix query (issue 16, docs/benchmarks.md round 9).
//!
//! FTS5 answers `"autisme"*` by merging the position lists of every word that starts with
//! "autisme" into one list before it returns the first match; `"autisme" OR
//! "autismecentret" OR "autismespektrumforstyrrelse"` walks the three lists side by side
//! and can skip ahead in them when another search word rules a stretch out. The matches are
//! the same set in the same order (by row key), so the search's results are too.
//!
//! Kept: the words that start with a letter, as FTS5 stores them (`fts5vocab`), in byte
//! order: about 400 for the generated 100.000 offers. Words that start with a digit
//! (postcodes, numbers, the generated ids: 100.000 of them) are not kept, and a search word
//! that starts with a digit stays a prefix query, as does any word with a character outside
//! a–z, 0–9, æ and ø (FTS5's folding of it is then not ours to repeat), and any word that
//! more than [`AT_MOST`] words start with (FTS5's merge is then as fast). The words are read
//! in the index's read transaction with the catalogue's stamp (`cache::stamp`) and used only
//! while the database has that stamp; any other import makes the search ask FTS5 with
//! prefixes again until the index is built anew.
//!
//! A word in at least one offer in [`POSTINGS_SHARE`] (for the generated 100.000 offers: 95
//! of the 369, "autisme" among them) also gets the set of offers that have it, a bit per
//! offer key, read from FTS5 the first time a search needs it (`"autisme"` alone) and kept
//! with the words. A search word made of such words is then their sets joined, without
//! FTS5; where the search has other words too, FTS5 is asked for those alone and its
//! matches kept where the sets have them. The matches stay the same set in the same order
//! (ascending key, as FTS5 returns them). FTS5 takes about 4 ms for the 25.000 offers with
//! "autisme"; a set answers at memory speed, and it costs (highest key + 1) / 8 bytes: 12,5
//! KB for 100.000 offers, 1,2 MB when every one of the 95 has been searched.

use std::sync::OnceLock;

use rusqlite::Connection;

use crate::catalogue;
use crate::error::Result;

/// A search word that more words start with stays a prefix query: measured on 100.000
/// offers, 28 and 29 words joined by OR were as fast as the prefix query, 1.111 many times
/// slower.
pub const AT_MOST: usize = 32;

/// A word in at least one offer in this many gets its set of offers (`KeySet`); a rarer
/// word is left to FTS5, which answers it about as fast as its list is long (below 1 ms for
/// 6.250 of 100.000 offers).
pub const POSTINGS_SHARE: u64 = 16;

const NO_SLOT: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Every word, one after the other, in byte order.
    text: String,
    /// Where each word ends in `text`.
    ends: Vec<u32>,
    /// The catalogue import they were read for (`cache::stamp`).
    stamp: String,
    /// Per word: its entry in `postings`, or `NO_SLOT` for a rarer word.
    slots: Vec<u32>,
    /// The common words' sets of offers, each read the first time a search needs it: the
    /// word (its index) and its set, or `None` when a key was beyond `key_limit`.
    postings: Vec<(u32, OnceLock<Option<KeySet>>)>,
    /// The highest offer key a set may hold, so that a set never takes more than half a byte
    /// per offer (keys are dense from 1; an import adds keys after the highest).
    key_limit: i64,
}

/// A set of offers: bit `key` for each offer key, in key order.
#[derive(Debug, Clone, Default)]
struct KeySet(Vec<u64>);

impl KeySet {
    /// Adds `key`; false (and nothing added) for a key below 0 or above `limit`.
    fn insert(&mut self, key: i64, limit: i64) -> bool {
        if !(0..=limit).contains(&key) {
            return false;
        }
        let Ok(k) = usize::try_from(key) else {
            return false;
        };
        let word = k / 64;
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << (k % 64);
        true
    }

    fn contains(&self, key: i64) -> bool {
        usize::try_from(key)
            .ok()
            .and_then(|k| self.0.get(k / 64).map(|w| w >> (k % 64) & 1 == 1))
            .unwrap_or(false)
    }

    fn union_with(&mut self, other: &KeySet) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    fn intersect_with(&mut self, other: &KeySet) {
        self.0.truncate(other.0.len());
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    /// The keys, ascending.
    fn keys(&self, keys: &mut Vec<i64>) {
        for (i, &bits) in self.0.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                keys.push((i * 64) as i64 + i64::from(bits.trailing_zeros()));
                bits &= bits - 1;
            }
        }
    }
}

/// The words of the index that one search word starts (`Words::starts`).
enum Starts {
    /// Asked as FTS5's prefix query: a word outside a–z, 0–9, æ, ø, or one that more than
    /// `AT_MOST` words start.
    Prefix,
    /// No word of the index starts with it.
    None,
    /// These words (indices, in byte order).
    Words(Vec<usize>),
}

/// One search word as the search answers it (`Words::matches`).
enum Term {
    /// FTS5 alone: this expression.
    Fts(String),
    /// The sets of these common words (their `postings` entries) joined with FTS5's matches
    /// of the `rest`, the rarer words it starts; `all` is the whole word as FTS5 asks it.
    Sets {
        common: Vec<usize>,
        rest: Option<String>,
        all: String,
    },
}

impl Words {
    /// The index's words that start with a letter, for the catalogue `stamp` of `offers`
    /// offers whose highest key is `max_key`, read in the caller's transaction.
    pub fn read(conn: &Connection, stamp: String, offers: usize, max_key: i64) -> Result<Words> {
        let mut words = Words {
            stamp,
            key_limit: max_key
                .max(0)
                .min(i64::try_from(offers).unwrap_or(0).saturating_mul(4)),
            ..Words::default()
        };
        let offers = u64::try_from(offers).unwrap_or(u64::MAX);
        let mut too_long = false;
        catalogue::store::fts_words_from_letters(conn, |w, n| {
            words.text.push_str(w);
            match u32::try_from(words.text.len()) {
                Ok(end) => words.ends.push(end),
                Err(_) => too_long = true,
            }
            let slot = match n.saturating_mul(POSTINGS_SHARE) >= offers && n > 0 {
                true => {
                    // This word's index (one slot per word before it) and its entry's.
                    let (word, entry) = (words.slots.len(), words.postings.len());
                    words.postings.push((word as u32, OnceLock::new()));
                    entry as u32
                }
                false => NO_SLOT,
            };
            words.slots.push(slot);
        })?;
        if too_long {
            // Four gigabytes of words: not a catalogue this app reads; ask FTS5 as before.
            return Ok(Words::default());
        }
        words.text.shrink_to_fit();
        words.ends.shrink_to_fit();
        words.slots.shrink_to_fit();
        words.postings.shrink_to_fit();
        Ok(words)
    }

    /// Whether these are the words of the catalogue with `stamp`.
    pub fn are_for(&self, stamp: &str) -> bool {
        !self.stamp.is_empty() && self.stamp == stamp
    }

    pub fn heap_bytes(&self) -> usize {
        let sets: usize = self
            .postings
            .iter()
            .filter_map(|(_, p)| p.get().and_then(Option::as_ref))
            .map(|set| set.0.capacity() * 8)
            .sum();
        self.text.capacity()
            + (self.ends.capacity() + self.slots.capacity()) * 4
            + self.stamp.capacity()
            + self.postings.capacity() * std::mem::size_of::<(u32, OnceLock<Option<KeySet>>)>()
            + sets
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn word(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(0) as usize,
        };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or_default()
    }

    /// The words that start with `prefix`, in byte order.
    fn starting_with<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = usize> + 'a {
        let first = partition(self.len(), |i| self.word(i) < prefix);
        (first..self.len()).take_while(move |&i| self.word(i).starts_with(prefix))
    }

    /// The words one search word (folded as the index folds, `search_words`) starts.
    fn starts(&self, word: &str) -> Starts {
        if !expandable(word) {
            return Starts::Prefix;
        }
        let found: Vec<usize> = self.starting_with(word).take(AT_MOST + 1).collect();
        match found.len() {
            0 => Starts::None,
            n if n > AT_MOST => Starts::Prefix,
            _ => Starts::Words(found),
        }
    }

    /// The words as one FTS5 term: the word alone, or the words joined by OR.
    fn any_of(&self, words: &[usize]) -> Option<String> {
        let (first, rest) = words.split_first()?;
        let quoted = |i: usize| format!("\"{}\"", self.word(i));
        Some(match rest.is_empty() {
            true => quoted(*first),
            false => {
                let or: Vec<String> = words.iter().map(|&i| quoted(i)).collect();
                format!("({})", or.join(" OR "))
            }
        })
    }

    /// One search word as the search answers it: the common words it starts by their sets.
    fn plan(&self, word: &str) -> Option<Term> {
        let found = match self.starts(word) {
            Starts::Prefix => return Some(Term::Fts(prefix_term(word))),
            Starts::None => return None,
            Starts::Words(found) => found,
        };
        let all = self.any_of(&found)?;
        let (common, rarer): (Vec<usize>, Vec<usize>) = found
            .iter()
            .partition(|&&i| self.slots.get(i).is_some_and(|&s| s != NO_SLOT));
        Some(match common.is_empty() {
            true => Term::Fts(all),
            false => Term::Sets {
                common: common
                    .iter()
                    .filter_map(|&i| self.slots.get(i).map(|&s| s as usize))
                    .collect(),
                rest: self.any_of(&rarer),
                all,
            },
        })
    }

    /// The set of offers with the common word of `postings` entry `slot`, read from FTS5
    /// the first time; `None` when a key was out of range (FTS5 then answers the word).
    fn postings(&self, conn: &Connection, slot: usize) -> Result<Option<&KeySet>> {
        let Some((word, cell)) = self.postings.get(slot) else {
            return Ok(None);
        };
        if let Some(set) = cell.get() {
            return Ok(set.as_ref());
        }
        let mut set = KeySet::default();
        let mut in_range = true;
        let quoted = format!("\"{}\"", self.word(*word as usize));
        catalogue::store::fts_keys(conn, &quoted, |k| in_range &= set.insert(k, self.key_limit))?;
        set.0.shrink_to_fit();
        // Another search may have read it meanwhile: the same set.
        let _ = cell.set(in_range.then_some(set));
        Ok(cell.get().and_then(Option::as_ref))
    }

    /// The offers with any of the `common` words' sets or FTS5's matches of `rest`.
    fn any_set(
        &self,
        conn: &Connection,
        common: &[usize],
        rest: Option<&str>,
    ) -> Result<Option<KeySet>> {
        let mut set = KeySet::default();
        for &slot in common {
            match self.postings(conn, slot)? {
                Some(p) => set.union_with(p),
                None => return Ok(None),
            }
        }
        if let Some(rest) = rest {
            let mut in_range = true;
            catalogue::store::fts_keys(conn, rest, |k| in_range &= set.insert(k, self.key_limit))?;
            if !in_range {
                return Ok(None);
            }
        }
        Ok(Some(set))
    }

    /// The row keys of the offers whose text has every search word of `words` (each the
    /// start of one of its words), ascending, as FTS5 gives them for `expression`; `None`
    /// when there is no word.
    pub fn matches(
        &self,
        conn: &Connection,
        words: impl Iterator<Item = String>,
    ) -> Result<Option<Vec<i64>>> {
        let mut terms = Vec::new();
        for w in words {
            match self.plan(&w) {
                Some(t) => terms.push(t),
                None => return Ok(Some(Vec::new())),
            }
        }
        if terms.is_empty() {
            return Ok(None);
        }
        let (mut fts, mut sets) = (Vec::new(), Vec::new());
        for term in terms {
            match term {
                Term::Fts(t) => fts.push(t),
                Term::Sets { common, rest, all } => {
                    match self.any_set(conn, &common, rest.as_deref())? {
                        Some(set) => sets.push(set),
                        None => fts.push(all),
                    }
                }
            }
        }
        let mut keys = Vec::new();
        match fts.is_empty() {
            true => {
                let mut sets = sets.into_iter();
                if let Some(mut all) = sets.next() {
                    sets.for_each(|s| all.intersect_with(&s));
                    all.keys(&mut keys);
                }
            }
            false => catalogue::store::fts_keys(conn, &fts.join(" AND "), |k| {
                if sets.iter().all(|s| s.contains(k)) {
                    keys.push(k);
                }
            })?,
        }
        Ok(Some(keys))
    }
}

/// The first index in `0..len` for which `before` is false (`before` is true, then false).
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// A word FTS5 keeps as it is and whose every continuation is among the kept words: it starts
/// with a letter and has only a–z, 0–9, æ and ø (what `search_fold` leaves of Danish text;
/// FTS5's `unicode61 remove_diacritics 2` leaves these alone).
fn expandable(word: &str) -> bool {
    let letter = |c: char| c.is_ascii_lowercase() || c == 'æ' || c == 'ø';
    word.chars().next().is_some_and(letter) && word.chars().all(|c| letter(c) || c.is_ascii_digit())
}

/// The FTS5 prefix query for one search word (the form `fts_query` gives every word).
pub fn prefix_term(word: &str) -> String {
    format!("\"{word}\"*")
}

/// The whole search text as one FTS5 expression, as the search asked it before the common
/// words had their sets: the tests compare the two.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expression {
    /// The text has no word.
    None,
    /// A word that no word of the index starts with: nothing matches.
    Nothing,
    /// An FTS5 expression.
    Match(String),
}

#[cfg(test)]
impl Words {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.word(i))
    }

    /// One search word as FTS5 is asked for it: the words it starts, joined by OR, when
    /// they are known and few; else its prefix query. `None` when no word of the index
    /// starts with it.
    fn term(&self, word: &str) -> Option<String> {
        match self.starts(word) {
            Starts::Prefix => Some(prefix_term(word)),
            Starts::None => None,
            Starts::Words(found) => self.any_of(&found),
        }
    }

    /// The FTS5 expression for the search `words`, each required.
    pub fn expression(&self, words: impl Iterator<Item = String>) -> Expression {
        let mut terms = Vec::new();
        for w in words {
            match self.term(&w) {
                Some(t) => terms.push(t),
                None => return Expression::Nothing,
            }
        }
        match terms.is_empty() {
            true => Expression::None,
            // FTS5 joins phrases by AND implicitly, but not a parenthesised OR.
            false => Expression::Match(terms.join(" AND ")),
        }
    }

    /// How many of the words have a set of offers, and how many of those have been read.
    pub fn sets(&self) -> (usize, usize) {
        let read = self
            .postings
            .iter()
            .filter(|(_, p)| p.get().is_some())
            .count();
        (self.postings.len(), read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Words {
        let mut w = Words {
            stamp: "s".into(),
            ..Words::default()
        };
        let mut sorted = list.to_vec();
        sorted.sort();
        for x in sorted {
            w.text.push_str(x);
            w.ends.push(w.text.len() as u32);
        }
        w
    }

    fn expr(w: &Words, text: &[&str]) -> Expression {
        w.expression(text.iter().map(|s| s.to_string()))
    }

    #[test]
    fn a_search_word_becomes_the_words_it_starts() {
        let w = words(&[
            "autisme",
            "autismecentret",
            "aut0",
            "bo",
            "bofællesskab",
            "køge",
        ]);
        assert_eq!(
            expr(&w, &["autisme"]),
            Expression::Match("(\"autisme\" OR \"autismecentret\")".into())
        );
        assert_eq!(
            expr(&w, &["aut", "køg"]),
            Expression::Match(
                "(\"aut0\" OR \"autisme\" OR \"autismecentret\") AND \"køge\"".into()
            )
        );
        assert_eq!(
            expr(&w, &["bof"]),
            Expression::Match("\"bofællesskab\"".into())
        );
        // A word nothing starts with: no match, without asking FTS5.
        assert_eq!(expr(&w, &["bo", "x"]), Expression::Nothing);
        assert_eq!(expr(&w, &[]), Expression::None);
        // Digits first, other characters, or too many words: the prefix query.
        assert_eq!(expr(&w, &["30"]), Expression::Match("\"30\"*".into()));
        assert_eq!(expr(&w, &["αβ"]), Expression::Match("\"αβ\"*".into()));
        let many: Vec<String> = (0..=AT_MOST).map(|i| format!("m{i:03}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let w = words(&refs);
        assert_eq!(expr(&w, &["m"]), Expression::Match("\"m\"*".into()));
        assert_eq!(
            expr(&w, &["m00"]),
            Expression::Match(format!(
                "({})",
                (0..10)
                    .map(|i| format!("\"m00{i}\""))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ))
        );
    }

    #[test]
    fn key_sets_join_and_give_their_keys_in_order() {
        let set = |keys: &[i64]| {
            let mut s = KeySet::default();
            for &k in keys {
                assert!(s.insert(k, 1000));
            }
            s
        };
        let mut a = set(&[1, 63, 64, 700]);
        let b = set(&[2, 64, 130]);
        let mut keys = Vec::new();
        a.keys(&mut keys);
        assert_eq!(keys, [1, 63, 64, 700]);
        assert!(a.contains(700) && !a.contains(701) && !a.contains(-1) && !a.contains(5000));
        let mut or = a.clone();
        or.union_with(&b);
        keys.clear();
        or.keys(&mut keys);
        assert_eq!(keys, [1, 2, 63, 64, 130, 700]);
        a.intersect_with(&b);
        keys.clear();
        a.keys(&mut keys);
        assert_eq!(keys, [64]);
        let mut s = KeySet::default();
        assert!(!s.insert(-1, 1000) && !s.insert(1001, 1000) && s.insert(1000, 1000));
        assert_eq!(s.0.len(), 1000 / 64 + 1);
    }

    #[test]
    fn words_are_only_for_their_catalogue() {
        let w = words(&["a"]);
        assert!(w.are_for("s"));
        assert!(!w.are_for("t"));
        assert!(!Words::default().are_for(""));
    }
}
