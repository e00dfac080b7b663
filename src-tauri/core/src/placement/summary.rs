//! The check laid out for printing (the contract's appendix) and for the CLI: Danish labels and
//! values, the evidence recorded for each candidate, and the offers left out with why.

use serde::Serialize;

use super::model::*;

/// The check laid out as plain data for printing (the contract's appendix): Danish labels and
/// values, ready to place.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub candidate_header: Vec<String>,
    pub candidates: Vec<Vec<String>>,
    pub events: Vec<String>,
    pub shortlist: Vec<String>,
    /// Public offers of the area left out, with why.
    pub excluded: Vec<String>,
    /// A one-person check: the municipalities asked (the latest record of each) and what the
    /// agreement says about one-person projects.
    pub inquiries: Vec<String>,
    pub one_person_rule: String,
    pub conclusion: String,
}

/// The facts at the top of the printed check.
fn facts(check: &Check) -> Vec<(String, String)> {
    let mut facts = vec![
        ("Afstemning".to_string(), check.id.clone()),
        ("Formål".to_string(), check.text.kind.clone()),
        ("Oprettet".to_string(), check.text.created.clone()),
        ("Behov".to_string(), check.text.need.clone()),
        ("Afgrænsning".to_string(), check.text.scope.clone()),
        ("Katalog".to_string(), check.text.catalogue.clone()),
        (
            "Forældet efter".to_string(),
            format!("{} dage", check.stale_after_days),
        ),
        ("Status".to_string(), check.text.status.clone()),
    ];
    if check.kind == CheckKind::Enkeltmand {
        // No free-place figures on a one-person check.
        facts.retain(|(label, _)| label != "Forældet efter");
    }
    if !check.reference.is_empty() {
        facts.insert(1, ("Sagsreference".to_string(), check.reference.clone()));
    }
    if check.closed.is_some() {
        facts.push(("Lukket".to_string(), check.text.closed.clone()));
        facts.push((
            "Gyldig til og med".to_string(),
            check.text.valid_until.clone(),
        ));
    }
    facts
}

/// One candidate as a row: name, operator, place, figures, assessment and the evidence.
fn candidate_row(c: &Candidate) -> Vec<String> {
    vec![
        c.name.clone(),
        format!("{} ({})", c.operator_name, c.text.operator_type),
        c.municipality.clone(),
        c.text.distance.clone(),
        c.text.free.clone(),
        c.text.as_of.clone(),
        c.text.state.clone(),
        c.text.handling.clone(),
    ]
}

pub fn summary(check: &Check) -> Summary {
    let facts = facts(check);
    Summary {
        title: match check.kind {
            CheckKind::Privat => format!("Afstemning {} af ledige offentlige pladser", check.id),
            CheckKind::Enkeltmand => format!(
                "Afstemning {}: andre kommuner spurgt før oprettelse af enkeltmandstilbud",
                check.id
            ),
        },
        inquiries: check.asked.iter().map(|r| r.text.clone()).collect(),
        one_person_rule: check
            .one_person_rule
            .as_ref()
            .map(|r| r.text.clone())
            .unwrap_or_default(),
        facts,
        candidate_header: [
            "Tilbud",
            "Driftsherre",
            "Kommune",
            "Afstand",
            "Ledige",
            "Opgjort",
            "Vurdering",
            "Dokumentation",
        ]
        .map(String::from)
        .to_vec(),
        candidates: check.candidates.iter().map(candidate_row).collect(),
        events: check
            .events
            .iter()
            .map(|e| {
                format!(
                    "{} {} – {}: {}",
                    crate::fmt::timestamp(&e.recorded_at),
                    e.recorded_by,
                    e.offer_name,
                    e.text
                )
            })
            .collect(),
        shortlist: check
            .shortlist
            .iter()
            .map(|s| {
                format!(
                    "{} ({}, {}): {} ledige {}, {}",
                    s.figures.name,
                    s.figures.operator_type.code(),
                    s.figures.municipality,
                    s.figures.free_text,
                    s.figures.free_as_of_text,
                    s.figures.daily_rate_text
                )
            })
            .collect(),
        excluded: check
            .excluded
            .iter()
            .map(|e| format!("{} ({}): {}", e.name, e.municipality, e.reason))
            .collect(),
        conclusion: check.text.conclusion.clone(),
    }
}

impl Summary {
    /// The summary as plain text (the CLI's `check show`).
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n\n", self.title);
        let width = self
            .facts
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        for (label, value) in &self.facts {
            out.push_str(&format!("{label:width$}  {value}\n"));
        }
        if !self.one_person_rule.is_empty() {
            out.push_str(&format!("\nRegel: {}\n", self.one_person_rule));
            out.push_str(&format!("\nSpurgte kommuner ({}):\n", self.inquiries.len()));
            if self.inquiries.is_empty() {
                out.push_str("  Ingen kommune er spurgt endnu.\n");
            }
            for q in &self.inquiries {
                out.push_str(&format!("  - {q}\n"));
            }
        } else {
            out.push_str(&format!("\nKandidater ({}):\n", self.candidates.len()));
            if self.candidates.is_empty() {
                out.push_str("  Ingen offentlige tilbud matcher behovet i afgrænsningen.\n");
            }
            for row in &self.candidates {
                out.push_str(&format!("  - {}\n", row.join(" | ")));
            }
        }
        if !self.events.is_empty() {
            out.push_str("\nRegistreringer:\n");
            for e in &self.events {
                out.push_str(&format!("  - {e}\n"));
            }
        }
        if !self.excluded.is_empty() {
            out.push_str(&format!("\nUdeladt ({}):\n", self.excluded.len()));
            for e in &self.excluded {
                out.push_str(&format!("  - {e}\n"));
            }
        }
        if !self.shortlist.is_empty() {
            out.push_str("\nKortliste:\n");
            for s in &self.shortlist {
                out.push_str(&format!("  - {s}\n"));
            }
        }
        out.push_str(&format!("\nKonklusion: {}\n", self.conclusion));
        out
    }
}
