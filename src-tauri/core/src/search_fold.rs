//! Search as Danes type: the one folding of text that the catalogue's FTS5 index (at import)
//! and every search (the query's words and the relevance test on names) share.
//!
//! What is folded, on both sides, before FTS5's own `unicode61 remove_diacritics 2`:
//! - case: everything lowercase;
//! - **aa = å**: "Aabenraa" and "Åbenrå" both become `abenra` (å loses its ring as FTS5
//!   always did, so "Abenra" finds it too);
//! - **ae = æ and oe = ø**: "Naestved" is `næstved`, "Koege" is `køge`, as Danes write on a
//!   keyboard without the letters;
//! - accents of other Latin letters (é → e, ü → u), as FTS5 folds them.
//!
//! æ and ø stay letters of their own: "bo" does not find "Bøgely" and "Ko" does not find
//! "Køge" (folding the other way, ø → oe, would make every search for "bo" list the offers
//! whose names start with "Bø"). The pairs are contracted, never expanded, and the index and the
//! query are folded by the same function, so a word always finds itself however it is
//! spelt. The price, documented in `docs/ARCHITECTURE.md`: two real words that differ only
//! by "oe" against "ø" (or "ae" against "æ", "aa" against "å") find each other ("roer" and
//! "rør", "boede" and "bøde"), and a name spelt with "ae" or "oe" is found once the "e" is
//! typed ("Micha" does not yet find "Michael"; "Michae" does).

use std::iter::Peekable;

/// The characters of a text as search compares them (see the module). Separators pass
/// through unchanged; a pair never spans two words.
pub struct Fold<I: Iterator<Item = char>> {
    chars: Peekable<I>,
}

impl<I: Iterator<Item = char>> Fold<I> {
    pub fn new(chars: I) -> Self {
        Fold {
            chars: chars.peekable(),
        }
    }
}

impl<I: Iterator<Item = char>> Iterator for Fold<I> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = lower(self.chars.next()?);
        let pair = match (c, self.chars.peek().map(|&n| lower(n))) {
            ('a', Some('a')) => Some('a'),
            ('a', Some('e')) => Some('æ'),
            ('o', Some('e')) => Some('ø'),
            _ => None,
        };
        Some(match pair {
            Some(folded) => {
                self.chars.next();
                folded
            }
            None => fold_diacritic(c),
        })
    }
}

/// A whole text folded (the catalogue's names and search bodies, before they go into FTS5).
pub fn fold_text(text: &str) -> String {
    Fold::new(text.chars()).collect()
}

/// One character folded on its own (case and accent), as it folds when it starts no pair.
pub fn fold_char(c: char) -> char {
    fold_diacritic(lower(c))
}

/// A character lowercase (its first lowercase character where there are several).
fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// What FTS5's `unicode61 remove_diacritics 2` makes of a lowercase letter of the Latin
/// alphabets: the base letter without its accent (å → a, é → e, ü → u). Letters of their
/// own, such as æ and ø, stay.
pub fn fold_diacritic(c: char) -> char {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_pairs_fold_to_their_letters_and_accents_go() {
        // Hand-checked: each pair contracted, å without its ring, case gone.
        assert_eq!(fold_text("Aabenraa"), "abenra");
        assert_eq!(fold_text("Åbenrå"), "abenra");
        assert_eq!(fold_text("AABENRAA"), "abenra");
        assert_eq!(fold_text("Naestved"), "næstved");
        assert_eq!(fold_text("Næstved"), "næstved");
        assert_eq!(fold_text("Koege"), "køge");
        assert_eq!(fold_text("KØGE"), "køge");
        assert_eq!(fold_text("Café Über"), "cafe uber");
        // A pair never spans two words, and the letters themselves stay.
        assert_eq!(fold_text("ka e-o e"), "ka e-o e");
        assert_eq!(fold_text("Bøgely"), "bøgely");
        assert_eq!(fold_text("Bo"), "bo");
        // Three a's: the first two are one å, the third stays.
        assert_eq!(fold_text("aaa"), "aa");
    }
}
