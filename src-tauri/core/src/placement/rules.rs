//! The rules of the public-first check (R1) as pure functions: what a free-place figure says on
//! a given day, what counts as evidence, and which candidates still block a purchase outside
//! the agreement.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{Event, EventKind, RejectReason};

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
