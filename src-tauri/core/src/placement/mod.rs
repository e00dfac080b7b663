//! The public-first check (*afstemning*, rule R1) and its guard.
//!
//! A caseworker describes a need (legal basis, target group, age, home municipality, wanted
//! start; never the citizen's name or CPR). The check lists every public offer of the area —
//! the agreement that binds the home municipality on the check's date — and within a radius
//! that fits the need, with its free-place figure as the catalogue had it then, and the
//! offers it left out with why. She records evidence for each candidate that may have room
//! (a confirmation of 0 free places, or a rejection with a written explanation and who
//! decided), keeps a shortlist, and closes the check with a conclusion. A closed check never
//! changes (the database refuses it), and an offer outside the buyer's agreement can only be
//! chosen through a closed, still valid check for the same need that justified it.

mod create;
pub mod forms;
mod guard;
mod inquiry;
pub mod model;
mod read;
mod received;
mod record;
pub mod rules;
mod store;
mod summary;
mod texts;

pub use create::create;
pub use inquiry::{answer, close_form, close_one_person, inquire, record_text};
pub use model::*;
pub use read::{list, load};
pub use received::{insert_received, SentCheck};
pub use record::{add_to_shortlist, close, confirm, reject, remove_from_shortlist};
pub use store::{closed as closed_ids, exists};
pub use summary::{summary, Summary};
