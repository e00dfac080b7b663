//! Standard contracts (R2-R4): drafted from the offer, the rate sheet and the check; always
//! time-limited with follow-up dates; issued versions never change.
//!
//! A draft is the form as the user typed it (nothing typed is ever lost). `evaluate` reads
//! the form against the catalogue, the rate sheet, the agreement binding the buyer, the
//! templates and the public-first check and returns every problem (Danish, naming the field)
//! plus the price, terms and notice figures. `model` holds the types, `rules` and `price` the
//! pure rules, `store` the only SQL on the contract tables.
//! Issuing requires no problems and stores the complete contract as canonical JSON with its
//! SHA-256.

mod data;
mod evaluate;
pub mod ids;
pub mod model;
pub mod old;
mod one_person;
mod prefill;
pub mod price;
pub mod rules;
pub mod store;
pub mod templates;
mod terms;

pub use evaluate::{evaluate, vat_text};
pub use model::*;
pub use prefill::{create_typed_draft, prefill, term_from_start, untouched};
pub use rules::age_on;
pub use store::{
    correct, create_draft, issue, list, load, record_pdf, renew, save_draft, set_state, terminate,
    PdfRecord,
};
