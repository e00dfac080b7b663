pub mod catalogue;
