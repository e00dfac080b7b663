//! The reports' own types: which reports there are (`Kind`) and one computed report
//! (`Report`), laid out as a table, a glance or lines of text. Each report's lines and figures
//! are in its own file (`increases.rs`, `occupancy.rs`, `spend.rs`, `categories.rs`).

use serde::Serialize;

use super::{categories, glance, increases, occupancy, spend};
use super::{
    categories_table, occupancy_table, rate_increases_table, spend_table, CategoryReport, Glance,
    IncreaseReport, OccupancyReport, SpendReport, Table,
};
use crate::error::{Error, Result};

/// The reports there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    RateIncreases,
    Occupancy,
    Spend,
    Categories,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::RateIncreases,
        Kind::Occupancy,
        Kind::Spend,
        Kind::Categories,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::RateIncreases => "rate_increases",
            Kind::Occupancy => "occupancy",
            Kind::Spend => "spend",
            Kind::Categories => "categories",
        }
    }

    pub fn parse(s: &str) -> Result<Kind> {
        let t = s.trim().to_lowercase().replace('-', "_");
        Kind::ALL
            .into_iter()
            .find(|k| k.code() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Rapporten «{}» kendes ikke. Brug en af: {}.",
                    s.trim(),
                    Kind::ALL.map(|k| k.code()).join(", ")
                ))
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::RateIncreases => "Takststigninger",
            Kind::Occupancy => "Belægning",
            Kind::Spend => "Udgifter efter kontrakter",
            Kind::Categories => "Kategorier",
        }
    }

    /// Whether the report is for one year (all but the spend overview).
    pub fn needs_year(self) -> bool {
        self != Kind::Spend
    }
}

/// One computed report.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "report", rename_all = "snake_case")]
pub enum Report {
    RateIncreases(IncreaseReport),
    Occupancy(OccupancyReport),
    Spend(SpendReport),
    Categories(CategoryReport),
}

impl Report {
    pub fn kind(&self) -> Kind {
        match self {
            Report::RateIncreases(_) => Kind::RateIncreases,
            Report::Occupancy(_) => Kind::Occupancy,
            Report::Spend(_) => Kind::Spend,
            Report::Categories(_) => Kind::Categories,
        }
    }

    /// The report as a table: what the screen shows and the CSV and PDF hold.
    pub fn table(&self) -> Table {
        match self {
            Report::RateIncreases(r) => rate_increases_table(r),
            Report::Occupancy(r) => occupancy_table(r),
            Report::Spend(r) => spend_table(r),
            Report::Categories(r) => categories_table(r),
        }
    }

    /// The summary figures and the chart: what a steering group reads at a glance (the
    /// screen and the PDF show them above the table).
    pub fn glance(&self) -> Glance {
        glance::of(self)
    }

    /// The report as lines of text, for the command line.
    pub fn lines_text(&self) -> Vec<String> {
        match self {
            Report::RateIncreases(r) => increases::lines_text(r),
            Report::Occupancy(r) => occupancy::lines_text(r),
            Report::Spend(r) => spend::lines_text(r),
            Report::Categories(r) => categories::lines_text(r),
        }
    }

    /// The one-paragraph summary in Danish.
    pub fn text(&self) -> &str {
        match self {
            Report::RateIncreases(r) => &r.text,
            Report::Occupancy(r) => &r.text,
            Report::Spend(r) => &r.text,
            Report::Categories(r) => &r.text,
        }
    }
}
