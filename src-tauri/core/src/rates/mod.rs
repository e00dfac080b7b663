//! Rates (*takster*): the model, the arithmetic (like for like, per day ⇄ per month, checked),
//! the `rates` table (`store`, its only SQL) and rate sheets (`file` bounds and opens them,
//! `csv_rows` and `xlsx_rows` read their rows, `sheet` checks them, `import` previews and
//! saves them).

mod csv_rows;
pub mod file;
pub mod import;
pub mod model;
pub mod rules;
pub mod sheet;
pub mod store;
mod xlsx_rows;

pub use model::{Calculation, Rate, Unit, SOURCE_CATALOGUE};
