//! One owner per table: SQL on a table appears only in the file that owns it (an area's
//! `store.rs`, or `audit.rs` / `settings.rs` for their one table). Other areas ask the owner
//! (`catalogue::store::offer_facts`, …). Every table the migrations create has an owner.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// table -> the one file (relative to `src/`) allowed to write SQL on it.
const OWNERS: &[(&str, &[&str])] = &[
    (
        "catalogue/store.rs",
        &[
            "catalogue_meta",
            "target_groups",
            "offers",
            "offer_order",
            "offer_operators",
            "departments",
            "department_places",
            "offer_target_groups",
            "offer_agreements",
            "offer_buyers",
            "offer_fts",
            "catalogue_files",
        ],
    ),
    ("rates/store.rs", &["rates", "rate_sheets", "pending_rates"]),
    (
        "placement/store.rs",
        &[
            "checks",
            "check_candidates",
            "check_excluded",
            "check_events",
            "check_shortlist",
            "check_inquiries",
        ],
    ),
    (
        "contracts/store.rs",
        &["contracts", "contract_versions", "contract_discards"],
    ),
    (
        "contracts/old/store.rs",
        &["old_contracts", "old_contract_versions"],
    ),
    ("agreements/store.rs", &["agreements"]),
    (
        "reports/store.rs",
        &[
            "category_years",
            "category_lines",
            "category_overrides",
            "occupancy_runs",
            "occupancy_lines",
        ],
    ),
    ("audit.rs", &["audit_log"]),
    ("settings.rs", &["settings"]),
    (
        "sync/store.rs",
        &[
            "sync_installation",
            "sync_number_blocks",
            "sync_pushed",
            "sync_settings",
            "sync_marks",
            "sync_received",
            "sync_received_events",
            "sync_pull_marks",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of Rust source (normal and raw), without the unit tests at the end.
fn literals(source: &str) -> Vec<String> {
    let code = match source.find("#[cfg(test)]") {
        Some(i) => &source[..i],
        None => source,
    };
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' => {
                // A char literal ('"' included) or a lifetime: skip what cannot open a string.
                if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else if chars.get(i + 1) == Some(&'\\') {
                    i += 4;
                } else {
                    i += 1;
                }
            }
            'r' if chars.get(i + 1) == Some(&'"') || chars.get(i + 1) == Some(&'#') => {
                let mut j = i + 1;
                let mut hashes = 0;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let rest: String = chars[j + 1..].iter().collect();
                let end = rest.find(&close).unwrap_or(rest.len());
                out.push(rest[..end].to_string());
                i = j + 1 + rest[..end].chars().count() + close.len();
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        s.push(*c);
                    }
                    i += 1;
                }
                out.push(s);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The tables a piece of SQL names after FROM, JOIN, INTO, UPDATE or TABLE.
fn tables_in(sql: &str) -> BTreeSet<String> {
    let words: Vec<String> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = BTreeSet::new();
    for pair in words.windows(2) {
        if matches!(
            pair[0].as_str(),
            "from" | "join" | "into" | "update" | "table"
        ) {
            out.insert(pair[1].clone());
        }
    }
    out
}

fn migration_tables() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let words: Vec<String> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        for w in words.windows(4) {
            if w[0] == "create" && w[1] == "table" {
                out.insert(w[2].clone());
            }
            if w[0] == "create" && w[1] == "virtual" && w[2] == "table" {
                out.insert(w[3].clone());
            }
        }
    }
    out
}

#[test]
fn every_table_has_one_owner_and_only_the_owner_writes_sql_on_it() {
    let owner_of: BTreeMap<&str, &str> = OWNERS
        .iter()
        .flat_map(|(file, tables)| tables.iter().map(move |t| (*t, *file)))
        .collect();
    let tables = migration_tables();
    for t in &tables {
        assert!(
            owner_of.contains_key(t.as_str()),
            "table {t} has no owner in OWNERS"
        );
    }
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = 0;
    let mut trespass = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        for lit in literals(&text) {
            for t in tables_in(&lit).into_iter().filter(|t| tables.contains(t)) {
                found += 1;
                if owner_of.get(t.as_str()) != Some(&rel.as_str()) {
                    trespass.push(format!(
                        "{rel}: SQL on «{t}» (owner: {})",
                        owner_of[t.as_str()]
                    ));
                }
            }
        }
    }
    assert!(
        found > 50,
        "the scan found only {found} table uses: is it reading the sources?"
    );
    assert!(
        trespass.is_empty(),
        "SQL outside the table's owner:\n{}",
        trespass.join("\n")
    );
}

#[test]
fn the_scanner_sees_sql_in_strings_and_not_in_comments_or_tests() {
    let src = r##"
        // SELECT * FROM offers
        let a = "SELECT key FROM offers WHERE id = ?1";
        let b = r#"INSERT INTO rates (x) VALUES ("y")"#;
        let c = '"';
        #[cfg(test)]
        mod tests { const X: &str = "DELETE FROM checks"; }
    "##;
    let all: BTreeSet<String> = literals(src).iter().flat_map(|l| tables_in(l)).collect();
    assert_eq!(
        all,
        BTreeSet::from(["offers".to_string(), "rates".to_string()])
    );
}
