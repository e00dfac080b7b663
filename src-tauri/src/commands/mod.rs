pub mod app;
pub mod catalogue;
