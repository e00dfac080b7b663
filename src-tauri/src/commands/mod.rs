pub mod agreements;
pub mod app;
pub mod catalogue;
pub mod checks;
pub mod contracts;
pub mod rates;
pub mod reports;
pub mod settings;
