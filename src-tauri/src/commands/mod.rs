pub mod app;
pub mod catalogue;
pub mod checks;
pub mod contracts;
pub mod rates;
