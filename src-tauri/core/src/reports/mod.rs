//! The steering group's reports, computed from data already in the app: rate increases (R5),
//! occupancy (R6), spend from contracts, and categories (R7). One `Kind` names them; `run`
//! computes one and `Report::table` lays it out for the screen, the CSV and the PDF, so the
//! app, the CLI and the PDF dispatch once.

pub mod categories;
pub mod category_year;
pub mod chart;
pub mod glance;
pub mod increases;
pub mod model;
pub mod occupancy;
pub mod occupancy_runs;
pub mod rules;
pub mod spend;
mod store;
pub mod table;

use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::HashMap;

use crate::error::Result;
use crate::{catalogue, fmt};
pub use categories::{categories, categories_table, Category, CategoryLine, CategoryReport};
pub use chart::Chart;
pub use glance::{Figure, Glance};
pub use increases::{rate_increases, rate_increases_table, IncreaseLine, IncreaseReport};
pub use model::{Kind, Report};
pub use occupancy::{occupancy_deviations, occupancy_table, OccupancyLine, OccupancyReport};
pub use spend::{spend, spend_table, SpendReport, SpendRow};
pub use table::{ScreenTable, Table, PDF_ROWS, SCREEN_ROWS};

/// Computes report `kind` for `year` (ignored by the spend overview, which covers every year).
pub fn run(conn: &Connection, kind: Kind, year: i32) -> Result<Report> {
    if kind.needs_year() {
        crate::limits::year(i64::from(year), "År")?;
    }
    Ok(match kind {
        Kind::RateIncreases => Report::RateIncreases(rate_increases(conn, year)?),
        Kind::Occupancy => Report::Occupancy(occupancy_deviations(conn, year)?),
        Kind::Spend => Report::Spend(spend(conn)?),
        Kind::Categories => Report::Categories(categories(conn, year)?),
    })
}

/// `text` as a sentence: a full stop is added unless it already ends with one, so a text
/// that ends with an amount ("1.071.530,00 kr.") does not get a second ("kr..").
pub(crate) fn full_stop(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A percentage with two decimals: "5,26 %".
fn pct_text(v: rust_decimal::Decimal) -> String {
    format!("{} %", fmt::number(v, 2))
}

/// Offer names and their operators as of 1 January of a report's year (the one operator
/// rule, `catalogue::rules::operator_on`), by offer id.
pub(crate) struct OfferNames {
    by_id: HashMap<String, OfferName>,
    unknown: OfferName,
}

pub(crate) struct OfferName {
    pub name: String,
    pub operator_name: String,
    pub operator_type: String,
}

impl OfferNames {
    pub(crate) fn load(conn: &Connection, year: i32) -> Result<OfferNames> {
        let on = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let by_id = catalogue::store::offer_summaries(conn)?
            .into_iter()
            .map(|o| {
                let op = catalogue::rules::operator_on(&o.operators, on);
                let name = OfferName {
                    name: o.name,
                    operator_name: op
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| "(ukendt driftsherre)".into()),
                    operator_type: op.map(|p| p.kind.code().to_string()).unwrap_or_default(),
                };
                (o.id, name)
            })
            .collect();
        Ok(OfferNames {
            by_id,
            unknown: OfferName {
                name: String::new(),
                operator_name: "(ukendt driftsherre)".into(),
                operator_type: String::new(),
            },
        })
    }

    /// The offer's names; an offer no longer in the catalogue keeps its id as name.
    pub(crate) fn get(&self, id: &str) -> OfferNameRef<'_> {
        match self.by_id.get(id) {
            Some(n) => OfferNameRef {
                name: std::borrow::Cow::Borrowed(&n.name),
                operator_name: &n.operator_name,
                operator_type: &n.operator_type,
            },
            None => OfferNameRef {
                name: std::borrow::Cow::Owned(id.to_string()),
                operator_name: &self.unknown.operator_name,
                operator_type: &self.unknown.operator_type,
            },
        }
    }
}

pub(crate) struct OfferNameRef<'a> {
    pub name: std::borrow::Cow<'a, str>,
    pub operator_name: &'a str,
    pub operator_type: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_ending_in_kr_gets_no_second_full_stop() {
        assert_eq!(
            full_stop("2027: offentlige tilbud 1.071.530,00 kr., private 0,00 kr."),
            "2027: offentlige tilbud 1.071.530,00 kr., private 0,00 kr."
        );
        assert_eq!(full_stop("3 tilbud  "), "3 tilbud.");
    }
}
