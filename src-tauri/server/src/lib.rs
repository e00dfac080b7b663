//! The municipality's shared PostgreSQL database (issue 15). The laptop's SQLite file stays
//! the offline working copy; this crate is the only place with network code. See
//! `docs/server.md`.

pub mod connect;
pub mod errors;
pub mod pgpass;
pub mod schema;
pub mod state;

pub use connect::{connect, Target};
pub mod events;
pub mod municipal;
pub mod numbers;
pub mod pull;
pub mod sync;
