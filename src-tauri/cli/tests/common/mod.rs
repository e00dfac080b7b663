//! Running `plads` as a user does, for the CLI's test files.
#![allow(dead_code)] // each test file uses some of these
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::Path;
use std::process::{Command, Output};

/// `plads ARGS` with its data in `data_dir`.
pub fn plads(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plads"))
        .args(args)
        .env("PLADSOVERBLIK_DATA_DIR", data_dir)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
