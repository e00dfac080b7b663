//! `plads backup` and `plads restore` as a user runs them: a backup, a refused overwrite, a
//! preview that changes nothing, a restore into a fresh data folder, a refused file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::plads;
use std::process::Output;

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn a_backup_restored_into_a_fresh_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("gammel"), dir.path().join("ny"));
    let o = plads(&old, &["settings", "set", "user_name", "Karen Jensen"]);
    assert!(o.status.success(), "{}", text(&o));
    let file = dir.path().join("kopi.sqlite");
    let f = file.to_str().unwrap();
    let o = plads(&old, &["backup", f]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).starts_with(&format!("Sikkerhedskopien er gemt i {f} (")),
        "{}",
        text(&o)
    );
    let o = plads(&old, &["backup", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("findes allerede"), "{}", text(&o));
    assert!(plads(&old, &["backup", f, "--overwrite"]).status.success());

    let o = plads(&new, &["restore", f, "--preview"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("katalog pr. 15.11.2026 med 188 tilbud")
            && text(&o).contains("Intet er ændret (--preview)."),
        "{}",
        text(&o)
    );
    assert!(!new.join("pladsoverblik.sqlite").exists());
    let o = plads(&new, &["restore", f]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).starts_with(&format!("Databasen er gendannet fra {f} (")),
        "{}",
        text(&o)
    );
    let o = plads(&new, &["settings"]);
    assert!(text(&o).contains("Karen Jensen"), "{}", text(&o));

    let notes = dir.path().join("noter.sqlite");
    std::fs::write(&notes, "ikke en database").unwrap();
    let o = plads(&new, &["restore", notes.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("blev afvist, og intet er ændret")
            && text(&o).contains("Filen er ikke en SQLite-database"),
        "{}",
        text(&o)
    );
    // The restore kept nothing "before" in a fresh folder; the list says so in Danish.
    let o = plads(&new, &["backup"]);
    assert!(
        text(&o).contains("Der er ingen automatiske sikkerhedskopier endnu."),
        "{}",
        text(&o)
    );
}
