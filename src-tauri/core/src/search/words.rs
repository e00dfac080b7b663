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

use rusqlite::Connection;

use crate::catalogue;
use crate::error::Result;

/// A search word that more words start with stays a prefix query: measured on 100.000
/// offers, 28 and 29 words joined by OR were as fast as the prefix query, 1.111 many times
/// slower.
pub const AT_MOST: usize = 32;

#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Every word, one after the other, in byte order.
    text: String,
    /// Where each word ends in `text`.
    ends: Vec<u32>,
    /// The catalogue import they were read for (`cache::stamp`).
    stamp: String,
}

/// What the search asks FTS5 for one search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expression {
    /// The text has no word.
    None,
    /// A word that no word of the index starts with: nothing matches.
    Nothing,
    /// An FTS5 expression.
    Match(String),
}

impl Words {
    /// The index's words that start with a letter, for the catalogue `stamp`, read in the
    /// caller's transaction.
    pub fn read(conn: &Connection, stamp: String) -> Result<Words> {
        let mut words = Words {
            stamp,
            ..Words::default()
        };
        let mut too_long = false;
        catalogue::store::fts_words_from_letters(conn, |w| {
            words.text.push_str(w);
            match u32::try_from(words.text.len()) {
                Ok(end) => words.ends.push(end),
                Err(_) => too_long = true,
            }
        })?;
        if too_long {
            // Four gigabytes of words: not a catalogue this app reads; ask FTS5 as before.
            return Ok(Words::default());
        }
        words.text.shrink_to_fit();
        words.ends.shrink_to_fit();
        Ok(words)
    }

    /// Whether these are the words of the catalogue with `stamp`.
    pub fn are_for(&self, stamp: &str) -> bool {
        !self.stamp.is_empty() && self.stamp == stamp
    }

    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.stamp.capacity()
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
    fn starting_with<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let first = partition(self.len(), |i| self.word(i) < prefix);
        (first..self.len())
            .map(|i| self.word(i))
            .take_while(move |w| w.starts_with(prefix))
    }

    /// One search word (folded as the index folds, `search_words`) as FTS5 is asked for it:
    /// the words it starts, joined by OR, when they are known and few; else its prefix
    /// query. `None` when no word of the index starts with it.
    fn term(&self, word: &str) -> Option<String> {
        if !expandable(word) {
            return Some(prefix_term(word));
        }
        let mut found = self.starting_with(word).take(AT_MOST + 1);
        let first = found.next()?;
        let rest: Vec<&str> = found.collect();
        Some(match rest.len() {
            0 => format!("\"{first}\""),
            n if n >= AT_MOST => prefix_term(word),
            _ => {
                let mut or = format!("(\"{first}\"");
                for w in rest {
                    or.push_str(" OR \"");
                    or.push_str(w);
                    or.push('"');
                }
                or.push(')');
                or
            }
        })
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

#[cfg(test)]
impl Words {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.word(i))
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
    fn words_are_only_for_their_catalogue() {
        let w = words(&["a"]);
        assert!(w.are_for("s"));
        assert!(!w.are_for("t"));
        assert!(!Words::default().are_for(""));
    }
}
