//! The core must build without WebKit: its dependency tree may never contain Tauri.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::process::Command;

#[test]
fn the_core_does_not_depend_on_tauri() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "pladsoverblik-core",
            "--edges",
            "normal,build,dev",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // Under `make test-any-date` this binary runs with libfaketime's frozen clock; cargo
        // waits for its file locks with sleeps that never end there, so it gets the real one.
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("rusqlite"), "unexpected tree:\n{tree}");
    let forbidden: Vec<&str> = tree
        .lines()
        .filter(|l| {
            let name = l.split_whitespace().next().unwrap_or("");
            name.starts_with("tauri")
                || name == "wry"
                || name.starts_with("webkit2gtk")
                || name == "tao"
        })
        .collect();
    assert!(forbidden.is_empty(), "the core depends on {forbidden:?}");
}
