//! A restored database that works with the municipality's server takes a new installation id
//! and gives up the numbers left in its blocks, so no number used after the backup was taken
//! is given again (issue 15, docs/server.md "Identity and numbers"). Without a server nothing
//! changes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::today;
use pladsoverblik_core::sync::{self, Series};
use pladsoverblik_core::{backup, Engine};

fn identity_and_left(engine: &Engine) -> (String, i64) {
    engine
        .with_db(|db| {
            Ok((
                sync::installation_id(db.conn())?,
                sync::numbers_left(db.conn(), Series::Contract, 2026)?,
            ))
        })
        .unwrap()
}

fn backup_with_block(dir: &std::path::Path, server: bool) -> (Engine, String, std::path::PathBuf) {
    let engine = Engine::open(&dir.join("pladsoverblik.sqlite")).unwrap();
    if server {
        engine
            .set_setting("server_host", "pladsoverblik.kommune.dk")
            .unwrap();
        engine.set_setting("server_user", "karen").unwrap();
    }
    engine
        .with_db(|db| sync::store::add_block(db.conn(), "K", 2026, 1, 50, "2026-11-24T10:00:00"))
        .unwrap();
    let (id, left) = identity_and_left(&engine);
    assert_eq!(left, 50);
    let file = dir.join("kopi.sqlite");
    engine
        .with_db(|db| backup::backup_to(db, &file, false))
        .unwrap();
    (engine, id, file)
}

#[test]
fn a_restored_server_copy_takes_a_new_id_and_gives_up_its_unused_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, before, file) = backup_with_block(dir.path(), true);
    engine.restore_from(&file, today()).unwrap();
    let (after, left) = identity_and_left(&engine);
    assert_ne!(after, before);
    assert_eq!(after.len(), 32);
    assert_eq!(left, 0);
    // Numbers now wait for the next sync instead of repeating one given after the backup.
    let msg = engine
        .with_db(|db| sync::next_number(db.conn(), Series::Contract, 2026, |_| Ok(false)))
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("Der er ikke flere reserverede numre til kontrakter i 2026"),
        "{msg}"
    );
    let lines = common::audit_lines(&engine);
    assert!(
        lines.iter().any(|l| l.contains("sync.new_identity")),
        "{lines:?}"
    );
}

#[test]
fn without_a_server_a_restore_keeps_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, before, file) = backup_with_block(dir.path(), false);
    engine.restore_from(&file, today()).unwrap();
    assert_eq!(identity_and_left(&engine), (before, 50));
}
