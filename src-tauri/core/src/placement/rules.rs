//! The rules of the public-first check (R1) as pure functions: what counts as public, what a
//! free-place figure says on a given day, and which candidates still block a private purchase.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::model::OperatorType;

/// Municipal and regional offers count as public; a self-governing offer counts as public
/// when the rammeaftale covers it, otherwise as private.
pub fn counts_as_public(operator: OperatorType, covered_by_rammeaftale: bool) -> bool {
    match operator {
        OperatorType::Kommunal | OperatorType::Regional => true,
        OperatorType::Selvejende => covered_by_rammeaftale,
        OperatorType::Privat => false,
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

/// A candidate blocks a private purchase while it may have a free place (a current figure
/// above zero, or an unknown one) and has no recorded rejection.
pub fn blocks_private(state: FreeState, rejected: bool) -> bool {
    !rejected && matches!(state, FreeState::Ledig | FreeState::Ukendt)
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

    #[test]
    fn public_means_municipal_regional_or_covered_self_governing() {
        assert!(counts_as_public(OperatorType::Kommunal, false));
        assert!(counts_as_public(OperatorType::Regional, false));
        assert!(counts_as_public(OperatorType::Selvejende, true));
        assert!(!counts_as_public(OperatorType::Selvejende, false));
        assert!(!counts_as_public(OperatorType::Privat, true));
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
