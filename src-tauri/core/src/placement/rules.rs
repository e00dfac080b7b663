//! The rules of the public-first check (R1) as pure functions: what a free-place figure says on
//! a given day, what counts as evidence, and which candidates still block a purchase outside
//! the agreement.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{
    Answer, Event, EventKind, InquiryRecord, OnePersonClosing, OnePersonRule, RejectReason,
};
use crate::agreements::Agreement;

/// Whether a record is evidence that a candidate that may have room has none for this citizen
/// (R1): a confirmation of 0 free places with its date, the method and the person at the offer;
/// or a rejection with a reason, a written explanation and who decided. "Ingen ledig plads" is
/// only evidence as a confirmation, never as a bare rejection code.
pub fn is_evidence(e: &Event) -> bool {
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|v| !v.trim().is_empty());
    match e.kind {
        EventKind::Bekraeftelse => {
            e.free_places == Some(0)
                && e.contacted_on.is_some()
                && e.method.is_some()
                && filled(&e.contact)
        }
        EventKind::Afvisning => {
            !matches!(e.reason, None | Some(RejectReason::IngenLedigPlads))
                && !e.note.trim().is_empty()
                && filled(&e.decided_by)
        }
    }
}

/// What a free-place figure tells on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeState {
    /// A current figure above zero.
    Ledig,
    /// A current figure of zero.
    Optaget,
    /// No figure, no date, or a figure older than the staleness limit: unknown until confirmed.
    Ukendt,
}

impl FreeState {
    pub fn label(self) -> &'static str {
        match self {
            FreeState::Ledig => "Ledig plads",
            FreeState::Optaget => "Ingen ledig plads",
            FreeState::Ukendt => "Ukendt",
        }
    }
}

/// The state of a figure `free` dated `as_of`, judged on `on` with the staleness limit.
pub fn free_state(
    free: Option<u32>,
    as_of: Option<NaiveDate>,
    on: NaiveDate,
    stale_after_days: i64,
) -> FreeState {
    match (free, as_of) {
        (Some(n), Some(d)) if (on - d).num_days() <= stale_after_days => {
            if n > 0 {
                FreeState::Ledig
            } else {
                FreeState::Optaget
            }
        }
        _ => FreeState::Ukendt,
    }
}

/// Whether a figure dated `as_of` is older than the limit on `on`.
pub fn is_stale(as_of: Option<NaiveDate>, on: NaiveDate, stale_after_days: i64) -> bool {
    as_of.is_none_or(|d| (on - d).num_days() > stale_after_days)
}

/// A candidate blocks a purchase outside the agreement while it may have a free place (a
/// current figure above zero, or an unknown one) and no rejection with evidence resolves it.
pub fn blocks_private(state: FreeState, rejected_with_evidence: bool) -> bool {
    !rejected_with_evidence && matches!(state, FreeState::Ledig | FreeState::Ukendt)
}

/// The last day a check closed on `closed_on` can be used.
pub fn valid_until(closed_on: NaiveDate, validity_days: i64) -> NaiveDate {
    closed_on + chrono::Duration::days(validity_days)
}

/// What the agreement binding the home municipality says about one-person projects (R4):
/// SJ-2025 requires asking whether other municipalities can join a botilbud first (seed 003
/// L226); an agreement without the rule leaves it "ikke fastsat", and then asking first is
/// only recommended.
pub fn one_person_rule(a: Option<&Agreement>) -> OnePersonRule {
    let Some(a) = a else {
        return OnePersonRule {
            required: false,
            agreement_id: String::new(),
            agreement_name: String::new(),
            value: "ikke fastsat".into(),
            source: String::new(),
            text: "Ingen rammeaftale binder hjemkommunen; det anbefales at spørge andre kommuner, om de kan være med i et botilbud, før et enkeltmandstilbud oprettes.".into(),
        };
    };
    let term = &a.terms.one_person;
    match &term.value {
        Some(value) => OnePersonRule {
            required: true,
            agreement_id: a.id.clone(),
            agreement_name: a.name.clone(),
            value: value.clone(),
            source: term.source.clone(),
            text: format!(
                "{} kræver det: «{}» ({}).",
                a.name,
                value.trim_end_matches('.'),
                term.source
            ),
        },
        None => OnePersonRule {
            required: false,
            agreement_id: a.id.clone(),
            agreement_name: a.name.clone(),
            value: "ikke fastsat".into(),
            source: term.source.clone(),
            text: format!(
                "{} fastsætter ingen regel om enkeltmandstilbud (ikke fastsat: {}); det anbefales at spørge andre kommuner, om de kan være med i et botilbud, før et enkeltmandstilbud oprettes.",
                a.name, term.source
            ),
        },
    }
}

/// The latest record for each asked municipality (later records replace earlier ones), in the
/// order the municipalities were first asked.
pub fn latest_per_municipality(records: &[InquiryRecord]) -> Vec<&InquiryRecord> {
    let mut out: Vec<&InquiryRecord> = Vec::new();
    for r in records {
        match out
            .iter_mut()
            .find(|x| x.municipality_code == r.municipality_code)
        {
            Some(slot) => *slot = r,
            None => out.push(r),
        }
    }
    out
}

fn names(list: &[&InquiryRecord]) -> String {
    list.iter()
        .map(|r| format!("{} Kommune", r.municipality))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a one-person check cannot be closed as asked, if it cannot: at least one municipality
/// must have answered; a shared or existing offer needs a municipality that answered yes; and
/// a one-person project despite a yes needs a written reason.
pub fn one_person_closing_problem(
    asked: &[&InquiryRecord],
    closing: &OnePersonClosing,
) -> Option<String> {
    if asked.is_empty() {
        return Some("Ingen kommune er spurgt endnu. Registrér hvilke kommuner der er spurgt, om de kan være med i et botilbud, hvornår, hvordan og hvad de svarede.".into());
    }
    if asked.iter().all(|r| r.answer.is_none()) {
        return Some(format!(
            "Ingen af de spurgte kommuner har svaret endnu ({}). Registrér mindst ét svar, før afstemningen lukkes.",
            names(asked)
        ));
    }
    let yes: Vec<&InquiryRecord> = asked
        .iter()
        .copied()
        .filter(|r| r.answer.is_some_and(Answer::is_yes))
        .collect();
    match closing.shared_with {
        Some(code) => match asked.iter().find(|r| r.municipality_code == code) {
            Some(r) if r.answer.is_some_and(Answer::is_yes) => None,
            Some(r) => Some(format!(
                "{} Kommune har ikke svaret ja; et fælles eller eksisterende tilbud kræver en kommune, der har svaret ja.",
                r.municipality
            )),
            None => Some(format!(
                "Kommunekode {code} er ikke spurgt i afstemningen; vælg en kommune, der har svaret ja."
            )),
        },
        None if !yes.is_empty() && closing.note.trim().is_empty() => Some(format!(
            "{} har svaret ja. Skriv i bemærkningen, hvorfor der alligevel oprettes et enkeltmandstilbud, eller luk med et fælles tilbud.",
            names(&yes)
        )),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn event(kind: EventKind) -> Event {
        Event {
            id: 1,
            offer_id: "X".into(),
            offer_name: "X".into(),
            kind,
            recorded_at: String::new(),
            recorded_by: String::new(),
            contacted_on: Some(d("2026-11-24")),
            free_places: Some(0),
            method: Some(super::super::model::ContactMethod::Telefon),
            contact: Some("Hanne Holm".into()),
            reason: None,
            note: String::new(),
            decided_by: None,
            evidence: false,
            text: String::new(),
        }
    }

    #[test]
    fn evidence_is_a_confirmed_zero_or_an_explained_and_decided_rejection() {
        assert!(is_evidence(&event(EventKind::Bekraeftelse)));
        let one_free = Event {
            free_places: Some(1),
            ..event(EventKind::Bekraeftelse)
        };
        assert!(!is_evidence(&one_free));
        let no_contact = Event {
            contact: Some(" ".into()),
            ..event(EventKind::Bekraeftelse)
        };
        assert!(!is_evidence(&no_contact));
        let reject = |reason, note: &str, by: Option<&str>| Event {
            reason: Some(reason),
            note: note.into(),
            decided_by: by.map(String::from),
            ..event(EventKind::Afvisning)
        };
        assert!(is_evidence(&reject(
            RejectReason::IkkeEgnet,
            "Kan ikke rumme …",
            Some("Leder A")
        )));
        // A bare code is never evidence; nor is "ingen ledig plads" as a rejection.
        assert!(!is_evidence(&reject(
            RejectReason::IkkeEgnet,
            "",
            Some("Leder A")
        )));
        assert!(!is_evidence(&reject(
            RejectReason::IkkeEgnet,
            "Kan ikke rumme …",
            None
        )));
        assert!(!is_evidence(&reject(
            RejectReason::IngenLedigPlads,
            "Fuldt",
            Some("Leder A")
        )));
    }

    #[test]
    fn a_figure_is_current_up_to_and_including_the_limit() {
        let on = d("2026-11-25");
        assert_eq!(
            free_state(Some(2), Some(d("2026-10-26")), on, 30),
            FreeState::Ledig
        );
        assert_eq!(
            free_state(Some(2), Some(d("2026-10-25")), on, 30),
            FreeState::Ukendt
        );
        assert_eq!(
            free_state(Some(0), Some(d("2026-11-20")), on, 30),
            FreeState::Optaget
        );
        assert_eq!(
            free_state(None, Some(d("2026-11-20")), on, 30),
            FreeState::Ukendt
        );
        assert_eq!(free_state(Some(1), None, on, 30), FreeState::Ukendt);
        assert!(is_stale(Some(d("2026-10-25")), on, 30));
        assert!(!is_stale(Some(d("2026-10-26")), on, 30));
        assert!(is_stale(None, on, 30));
    }

    #[test]
    fn only_possible_free_places_without_a_reason_block() {
        assert!(blocks_private(FreeState::Ledig, false));
        assert!(blocks_private(FreeState::Ukendt, false));
        assert!(!blocks_private(FreeState::Optaget, false));
        assert!(!blocks_private(FreeState::Ledig, true));
        assert!(!blocks_private(FreeState::Ukendt, true));
    }

    #[test]
    fn validity_counts_from_the_closing_day() {
        assert_eq!(valid_until(d("2026-11-25"), 14), d("2026-12-09"));
    }
}
