//! The agreements' lists of most specialised offers (Rammeaftale Sjælland 2018-2020 names ten,
//! seed 000 L332-343) matched to catalogue offers, and the mark search results, the offer page
//! and a check show for them.
//!
//! The list is data on the agreement (`terms.most_specialised`). A listed name matches an
//! offer when both are equal once normalised (case, spaces and punctuation ignored; letters,
//! æ/ø/å included, kept as they are) and the offer lies in one of the agreement's member
//! municipalities. Nothing else is tried: a name that matches no offer is reported as such,
//! never guessed at (no prefixes, no similar spellings).
//!
//! Which list marks: per KKR area, the newest agreement (by start, then version) whose list is
//! set. A later agreement of the same area whose list is "ikke fastsat" does not withdraw it
//! (its source just does not name offers), so Sjælland's 2018-2020 list still marks, but every
//! mark names the agreement and its period and says when that agreement has ended.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

use super::model::Agreement;
use crate::error::Result;
use crate::{catalogue, fmt};

/// An offer's mark: it is on an agreement's list of most specialised offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    pub agreement_id: String,
    pub agreement_version: u32,
    /// "Rammeaftale Sjælland 2018-2020"
    pub agreement_short: String,
    pub agreement_name: String,
    /// "01.01.2018–31.12.2020"
    pub period_text: String,
    /// The agreement ended before the day asked about.
    pub expired: bool,
    /// The name as the list writes it, and what the list says about the offer.
    pub listed_name: String,
    pub note: String,
    /// "Mest specialiseret (2018-2020)": the short label for a list of results.
    pub label: String,
    /// "Et af de mest specialiserede tilbud i Rammeaftale Sjælland 2018-2020 (kilde …)".
    pub text: String,
    /// Whether the agreement is in force, and whether a later one of the area has a list.
    pub status_text: String,
    /// The agreed procedure exactly as the source words it, with the source.
    pub procedure: String,
    pub procedure_text: String,
    /// The record's full source note and the source's own words.
    pub source: String,
    pub quote: Option<String>,
}

/// `name` for comparing: lower case, every run of characters that are not letters or digits
/// one space, trimmed. "Synscenter  Refsnæs" and "synscenter refsnæs." are equal; "Kildebo"
/// and "Kildebo Syd" are not.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// "Rammeaftale Sjælland 2018-2020": the area without "KKR" and the years of the period.
pub fn short_name(a: &Agreement) -> String {
    use chrono::Datelike;
    let area = a.kkr.trim().trim_start_matches("KKR").trim();
    let (from, to) = (a.valid_from.year(), a.valid_to.year());
    let years = if from == to {
        from.to_string()
    } else {
        format!("{from}-{to}")
    };
    format!("Rammeaftale {area} {years}")
}

/// The citation part of a source note: "000_….txt L332-345" of "000_….txt L332-345; …".
fn citation(source: &str) -> &str {
    source.split(';').next().unwrap_or(source).trim()
}

/// The agreements whose list marks offers: per KKR area the newest one with a list.
pub fn lists(all: &[Agreement]) -> Vec<&Agreement> {
    let mut newest: Vec<&Agreement> = Vec::new();
    for a in all.iter().filter(|a| a.terms.most_specialised.is_set()) {
        match newest.iter_mut().find(|n| n.kkr == a.kkr) {
            Some(n) if (a.valid_from, a.version) > (n.valid_from, n.version) => *n = a,
            Some(_) => {}
            None => newest.push(a),
        }
    }
    newest
}

/// Why a list from `a` is still shown on `on`: in force, or ended with no later list.
fn status_text(a: &Agreement, all: &[Agreement], on: NaiveDate) -> String {
    if on <= a.valid_to {
        return format!("{} gælder {}.", short_name(a), period(a));
    }
    let later: Vec<String> = all
        .iter()
        .filter(|b| b.kkr == a.kkr && b.valid_from > a.valid_from)
        .map(short_name)
        .collect();
    let after = if later.is_empty() {
        String::new()
    } else {
        format!(
            " De senere aftaler for {} ({}) fastsætter ingen liste, så denne er den seneste.",
            a.kkr,
            later.join(", ")
        )
    };
    format!(
        "Listen er fra {}, som gjaldt {} og er udløbet.{after}",
        short_name(a),
        period(a)
    )
}

fn period(a: &Agreement) -> String {
    format!("{}–{}", fmt::date(a.valid_from), fmt::date(a.valid_to))
}

/// The marks `a`'s list gives, by normalised listed name.
fn marks_of(a: &Agreement, all: &[Agreement], on: NaiveDate) -> Vec<(String, Mark)> {
    let Some(list) = a.terms.most_specialised.value.as_ref() else {
        return Vec::new();
    };
    let source = &a.terms.most_specialised.source;
    let short = short_name(a);
    let years = short.rsplit(' ').next().unwrap_or_default().to_string();
    list.offers
        .iter()
        .map(|o| {
            let mark = Mark {
                agreement_id: a.id.clone(),
                agreement_version: a.version,
                agreement_short: short.clone(),
                agreement_name: a.name.clone(),
                period_text: period(a),
                expired: on > a.valid_to,
                listed_name: o.name.clone(),
                note: o.note.clone(),
                label: format!("Mest specialiseret ({years})"),
                text: format!(
                    "Et af de mest specialiserede tilbud i {short} (kilde {})",
                    citation(source)
                ),
                status_text: status_text(a, all, on),
                procedure: list.procedure.clone(),
                procedure_text: format!(
                    "{short} om de mest specialiserede tilbud: «{}» (kilde {}). Selve proceduren er ikke beskrevet i kilden.",
                    list.procedure,
                    citation(source)
                ),
                source: source.clone(),
                quote: a.terms.most_specialised.quote.clone(),
            };
            (normalise(&o.name), mark)
        })
        .collect()
}

/// Every list's marks, to look offers up by name and municipality.
pub struct Marker<'a> {
    by_name: HashMap<String, Vec<(&'a Agreement, Mark)>>,
    /// The municipalities any list's agreement binds: an offer elsewhere has no mark, and
    /// its name need not be normalised (the index asks for 100.000 offers at start-up).
    members: std::collections::HashSet<u16>,
}

impl<'a> Marker<'a> {
    /// The marks of the lists in `all` as of `on`.
    pub fn new(all: &'a [Agreement], on: NaiveDate) -> Marker<'a> {
        let mut by_name: HashMap<String, Vec<(&'a Agreement, Mark)>> = HashMap::new();
        let mut members = std::collections::HashSet::new();
        for a in lists(all) {
            for (key, mark) in marks_of(a, all, on) {
                by_name.entry(key).or_default().push((a, mark));
            }
            members.extend(a.members.value.iter().flatten().copied());
        }
        Marker { by_name, members }
    }

    /// The marks of an offer named `name` in municipality `municipality`.
    pub fn marks(&self, name: &str, municipality: u16) -> Vec<Mark> {
        if !self.members.contains(&municipality) {
            return Vec::new();
        }
        self.by_name
            .get(&normalise(name))
            .map(|found| {
                found
                    .iter()
                    .filter(|(a, _)| {
                        a.members
                            .value
                            .as_ref()
                            .is_some_and(|m| m.contains(&municipality))
                    })
                    .map(|(_, m)| m.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// The marks of one offer (the offer page).
pub fn marks_for(
    conn: &Connection,
    name: &str,
    municipality: u16,
    on: NaiveDate,
) -> Result<Vec<Mark>> {
    let all = super::store::active(conn)?;
    Ok(Marker::new(&all, on).marks(name, municipality))
}

/// A catalogue offer a listed name matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedOffer {
    pub id: String,
    pub name: String,
    pub municipality: String,
}

/// One listed name and the offers it matched (none: the name matches no offer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameMatch {
    pub name: String,
    pub note: String,
    pub offers: Vec<MatchedOffer>,
    /// "SJ-1234 Kofoedsminde (Lolland)", or "matcher intet tilbud i kataloget".
    pub text: String,
}

/// An agreement's list matched against the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListMatches {
    pub agreement_id: String,
    pub agreement_short: String,
    pub period_text: String,
    pub expired: bool,
    pub status_text: String,
    pub names: Vec<NameMatch>,
    /// The listed names that match no offer.
    pub unmatched: Vec<String>,
    /// "3 af 10 navne matcher et tilbud i kataloget; 7 matcher intet: …".
    pub text: String,
    pub procedure_text: String,
}

/// Matches `a`'s list against `offers` (id, name, municipality code).
pub fn match_list(
    a: &Agreement,
    all: &[Agreement],
    offers: &[(String, String, u16)],
    on: NaiveDate,
) -> Option<ListMatches> {
    let list = a.terms.most_specialised.value.as_ref()?;
    let members = a.members.value.as_deref().unwrap_or_default();
    let names: Vec<NameMatch> = list
        .offers
        .iter()
        .map(|o| {
            let key = normalise(&o.name);
            let found: Vec<MatchedOffer> = offers
                .iter()
                .filter(|(_, name, m)| members.contains(m) && normalise(name) == key)
                .map(|(id, name, m)| MatchedOffer {
                    id: id.clone(),
                    name: name.clone(),
                    municipality: crate::geo::municipality(*m)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| m.to_string()),
                })
                .collect();
            let text = if found.is_empty() {
                "matcher intet tilbud i kataloget".to_string()
            } else {
                found
                    .iter()
                    .map(|f| format!("{} {} ({})", f.id, f.name, f.municipality))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            NameMatch {
                name: o.name.clone(),
                note: o.note.clone(),
                offers: found,
                text,
            }
        })
        .collect();
    let unmatched: Vec<String> = names
        .iter()
        .filter(|n| n.offers.is_empty())
        .map(|n| n.name.clone())
        .collect();
    let matched = names.len() - unmatched.len();
    let text = if unmatched.is_empty() {
        format!("Alle {} navne matcher et tilbud i kataloget.", names.len())
    } else {
        format!(
            "{matched} af {} navne matcher et tilbud i kataloget; {} matcher intet: {}.",
            names.len(),
            unmatched.len(),
            unmatched.join(", ")
        )
    };
    let mark = marks_of(a, all, on).into_iter().next().map(|(_, m)| m);
    Some(ListMatches {
        agreement_id: a.id.clone(),
        agreement_short: short_name(a),
        period_text: period(a),
        expired: on > a.valid_to,
        status_text: status_text(a, all, on),
        procedure_text: mark.map(|m| m.procedure_text).unwrap_or_default(),
        names,
        unmatched,
        text,
    })
}

/// Every marking list matched against the catalogue, by agreement id.
pub fn matches(conn: &Connection, on: NaiveDate) -> Result<Vec<ListMatches>> {
    let all = super::store::active(conn)?;
    let mut offers: Vec<(String, String, u16)> = Vec::new();
    catalogue::store::each_offer(conn, |o| {
        offers.push((o.id.to_string(), o.name.to_string(), o.municipality_code));
        Ok(())
    })?;
    Ok(lists(&all)
        .into_iter()
        .filter_map(|a| match_list(a, &all, &offers, on))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> Vec<Agreement> {
        super::super::built_in()
            .map(|f| f.agreements)
            .unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn names_are_compared_without_case_spaces_or_punctuation() {
        assert_eq!(normalise("  Synscenter   Refsnæs. "), "synscenter refsnæs");
        assert_eq!(normalise("ORIONS-BÆLTE"), "orions bælte");
        assert_eq!(
            normalise("Børneskolen Filadelfia"),
            normalise("børneskolen  filadelfia")
        );
        assert_ne!(normalise("Kildebo"), normalise("Kildebo Syd"));
        assert_ne!(normalise("Bakkegården"), normalise("Bakkegaarden"));
    }

    #[test]
    fn sjaellands_2018_list_marks_with_its_period_after_it_ended() {
        let all = built_in();
        let marking: Vec<&str> = lists(&all).iter().map(|a| a.id.as_str()).collect();
        // Only SJ-2018 has a list; SJ-2021 and SJ-2025 leave it "ikke fastsat".
        assert_eq!(marking, ["SJ-2018"]);
        let marker = Marker::new(&all, day(2026, 11, 25));
        // Kofoedsminde in Lolland (360), a member of KKR Sjælland.
        let marks = marker.marks("Kofoedsminde", 360);
        assert_eq!(marks.len(), 1, "{marks:?}");
        let m = &marks[0];
        assert_eq!(
            m.text,
            "Et af de mest specialiserede tilbud i Rammeaftale Sjælland 2018-2020 (kilde 000_39627fb6eac471a3.txt L332-345)"
        );
        assert_eq!(m.label, "Mest specialiseret (2018-2020)");
        assert!(m.expired);
        assert!(
            m.status_text.starts_with(
                "Listen er fra Rammeaftale Sjælland 2018-2020, som gjaldt 01.01.2018–31.12.2020 og er udløbet."
            ),
            "{}",
            m.status_text
        );
        // The procedure as the seed words it (000 L345), and that it is not described.
        assert_eq!(
            m.procedure,
            "Hvis de tilbud får problemer med driften, er der aftalt en procedure for, hvordan tilbuddet hurtigt kan støttes, hvis der fortsat er behov for de ydelser tilbuddet leverer."
        );
        assert!(m
            .procedure_text
            .ends_with("Selve proceduren er ikke beskrevet i kilden."));
        // In force in 2019.
        let m19 = &Marker::new(&all, day(2019, 6, 1)).marks("kofoedsminde", 360)[0];
        assert!(!m19.expired);
        assert_eq!(
            m19.status_text,
            "Rammeaftale Sjælland 2018-2020 gælder 01.01.2018–31.12.2020."
        );
        // The same name outside the members' municipalities (Odense, 461) is not marked.
        assert!(marker.marks("Kofoedsminde", 461).is_empty());
        assert!(marker.marks("Kofoedsminde Syd", 360).is_empty());
    }

    #[test]
    fn a_name_that_matches_no_offer_is_reported() {
        let all = built_in();
        let a = lists(&all)[0];
        let offers = vec![
            ("SJ-9001".to_string(), "Kofoedsminde".to_string(), 360),
            (
                "SJ-9002".to_string(),
                "Synscenter  Refsnæs".to_string(),
                326,
            ),
            // A Kildebo outside Sjælland does not match the Sjælland list.
            ("SD-9003".to_string(), "Kildebo".to_string(), 461),
            ("SJ-9004".to_string(), "Himmelev Botilbud".to_string(), 265),
        ];
        let m = match_list(a, &all, &offers, day(2026, 11, 25)).unwrap();
        assert_eq!(m.names.len(), 10);
        let kofoed = m.names.iter().find(|n| n.name == "Kofoedsminde").unwrap();
        assert_eq!(kofoed.text, "SJ-9001 Kofoedsminde (Lolland)");
        assert_eq!(
            m.unmatched,
            [
                "Kildebo",
                "BOMI",
                "Platangården",
                "Børneskolen Filadelfia",
                "Bakkegården",
                "Orions Bælte",
                "Himmelev",
                "Hanne Marie"
            ]
        );
        assert!(
            m.text.starts_with(
                "2 af 10 navne matcher et tilbud i kataloget; 8 matcher intet: Kildebo, BOMI,"
            ),
            "{}",
            m.text
        );
    }
}
