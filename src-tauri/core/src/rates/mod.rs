//! Rates (*takster*): the model, the arithmetic (like for like, per day ⇄ per month), the
//! `rates` table (`store`, its only SQL) and rate sheets (`sheet` reads them, `import`
//! previews and saves them).

pub mod import;
pub mod model;
pub mod rules;
pub mod sheet;
pub mod store;

pub use model::{Calculation, Rate, Unit, SOURCE_CATALOGUE};
