//! The SQLite store: one connection, opened on a file (WAL) or in memory, with numbered
//! migrations embedded in the binary and applied in order, each in its own transaction. An
//! existing file is copied into `sikkerhedskopier/` before its schema changes (`backup`).

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

use crate::backup::{self, Reason};
use crate::error::{Error, Result};

/// SQLite's default: a commit that leaves more than this many pages in the WAL copies them
/// into the database file.
const WAL_AUTOCHECKPOINT: i64 = 1000;

/// From this many pages in the WAL (40 MB) a large write's checkpoint runs in the background.
const BACKGROUND_CHECKPOINT: i64 = 10_000;

/// The migrations, in order. Append only: never edit a migration that has been released.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_catalogue.sql",
        include_str!("../migrations/0001_catalogue.sql"),
    ),
    (
        "0002_audit_settings.sql",
        include_str!("../migrations/0002_audit_settings.sql"),
    ),
    (
        "0003_checks.sql",
        include_str!("../migrations/0003_checks.sql"),
    ),
    (
        "0004_contracts.sql",
        include_str!("../migrations/0004_contracts.sql"),
    ),
    (
        "0005_occupancy.sql",
        include_str!("../migrations/0005_occupancy.sql"),
    ),
    (
        "0006_buyers.sql",
        include_str!("../migrations/0006_buyers.sql"),
    ),
    (
        "0007_check_dates.sql",
        include_str!("../migrations/0007_check_dates.sql"),
    ),
    (
        "0008_agreements.sql",
        include_str!("../migrations/0008_agreements.sql"),
    ),
    (
        "0009_contract_discards.sql",
        include_str!("../migrations/0009_contract_discards.sql"),
    ),
    (
        "0010_steering.sql",
        include_str!("../migrations/0010_steering.sql"),
    ),
    (
        "0011_one_person_and_old_contracts.sql",
        include_str!("../migrations/0011_one_person_and_old_contracts.sql"),
    ),
    ("0012_sync.sql", include_str!("../migrations/0012_sync.sql")),
    (
        "0013_search_folding.sql",
        include_str!("../migrations/0013_search_folding.sql"),
    ),
    (
        "0014_received.sql",
        include_str!("../migrations/0014_received.sql"),
    ),
    (
        "0015_rate_sheets.sql",
        include_str!("../migrations/0015_rate_sheets.sql"),
    ),
    (
        "0016_contract_events.sql",
        include_str!("../migrations/0016_contract_events.sql"),
    ),
    (
        "0017_catalogue_files.sql",
        include_str!("../migrations/0017_catalogue_files.sql"),
    ),
    (
        "0018_pending_rates.sql",
        include_str!("../migrations/0018_pending_rates.sql"),
    ),
    (
        "0019_received_marks.sql",
        include_str!("../migrations/0019_received_marks.sql"),
    ),
    (
        "0020_incremental_import.sql",
        include_str!("../migrations/0020_incremental_import.sql"),
    ),
    (
        "0021_catalogue_generation.sql",
        include_str!("../migrations/0021_catalogue_generation.sql"),
    ),
];

/// The migrations after which the search text index is filled again from the catalogue's
/// tables, in the same transaction (13: its folding changed; 20: it can delete rows).
const SEARCH_TEXT_REBUILT: [i64; 2] = [13, 20];

/// The schema version this build knows (= number of migrations).
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Refuses a database (`name`: its path) written by a newer Pladsoverblik.
pub fn check_version(name: &str, found: i64) -> Result<()> {
    if found > latest_version() {
        return Err(Error::DatabaseTooNew {
            path: name.to_string(),
            found,
            known: latest_version(),
        });
    }
    Ok(())
}

pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
}

/// About how many pages the WAL file of the database at `path` holds (0 without one).
fn wal_pages(path: &Path, conn: &Connection) -> i64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let bytes = std::fs::metadata(wal).map_or(0, |m| m.len());
    let page: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap_or(4096);
    // Each frame is a page and a 24-byte header.
    i64::try_from(bytes).unwrap_or(i64::MAX) / (page + 24)
}

/// Folds a write-ahead log left large (from `BACKGROUND_CHECKPOINT` pages) back into the
/// database file and empties it (`wal_checkpoint(TRUNCATE)`), on a connection of its own. A
/// large write whose background checkpoint never ran (`plads import-catalogue` ends first, or
/// the window was killed) leaves its WAL behind, and every later open reads all of it: 100–300
/// ms at 100.000 offers. Waits at most 200 ms for other connections to finish what they read
/// or write, else leaves it to the next time. True when it folded one.
pub fn fold_large_wal(path: &Path) -> Result<bool> {
    fold_wal_from(path, BACKGROUND_CHECKPOINT)
}

fn fold_wal_from(path: &Path, pages: i64) -> Result<bool> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    if wal_pages(path, &conn) < pages {
        return Ok(false);
    }
    conn.busy_timeout(std::time::Duration::from_millis(200))?;
    // (busy, frames in the WAL, frames copied); busy is 1 when another connection was in the
    // way. SQLITE_BUSY itself may also come back as an error.
    let busy = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    });
    Ok(matches!(busy, Ok(0)))
}

/// Fails when any row refers to a row that is not there (`PRAGMA foreign_key_check`): the
/// check a step run under `Db::without_row_by_row_foreign_keys` makes before it commits.
pub fn check_foreign_keys(conn: &Connection) -> Result<()> {
    first_broken(
        conn,
        "SELECT \"table\", parent FROM pragma_foreign_key_check",
        [],
    )
}

/// The same check for one table's rows.
pub fn check_foreign_keys_of(conn: &Connection, table: &str) -> Result<()> {
    first_broken(
        conn,
        "SELECT \"table\", parent FROM pragma_foreign_key_check(?1)",
        [table],
    )
}

fn first_broken<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> Result<()> {
    let mut st = conn.prepare(sql)?;
    let mut rows = st.query(params)?;
    match rows.next()? {
        Some(r) => Err(broken_reference(
            &r.get::<_, String>(0)?,
            &r.get::<_, String>(1)?,
        )),
        None => Ok(()),
    }
}

/// The refusal when a row of `table` refers to a row of `parent` that is not there.
pub fn broken_reference(table: &str, parent: &str) -> Error {
    Error::Internal(format!(
        "en række i «{table}» henviser til en række i «{parent}», som ikke findes; intet er ændret"
    ))
}

/// One foreign key as the schema declares it: `table(from…)` refers to `parent(to…)`; a
/// parent column is `None` where the key names the parent's primary key implicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub table: String,
    pub parent: String,
    pub from: Vec<String>,
    pub to: Vec<Option<String>>,
}

/// Every foreign key of every table, by table and key, read from the schema itself.
pub fn foreign_keys(conn: &Connection) -> Result<Vec<ForeignKey>> {
    let mut st = conn.prepare(
        "SELECT s.name, f.id, f.\"table\", f.\"from\", f.\"to\"
         FROM sqlite_schema s, pragma_foreign_key_list(s.name) f
         WHERE s.type = 'table'
         ORDER BY s.name, f.id, f.seq",
    )?;
    let mut rows = st.query([])?;
    let mut out: Vec<(i64, ForeignKey)> = Vec::new();
    while let Some(r) = rows.next()? {
        let (table, id): (String, i64) = (r.get(0)?, r.get(1)?);
        let (from, to): (String, Option<String>) = (r.get(3)?, r.get(4)?);
        match out.last_mut() {
            Some((last, fk)) if *last == id && fk.table == table => {
                fk.from.push(from);
                fk.to.push(to);
            }
            _ => out.push((
                id,
                ForeignKey {
                    table,
                    parent: r.get(2)?,
                    from: vec![from],
                    to: vec![to],
                },
            )),
        }
    }
    Ok(out.into_iter().map(|(_, fk)| fk).collect())
}

impl Db {
    /// Opens (creating if needed) the database file and brings it to the latest schema.
    /// A file written by a newer version is refused and left untouched.
    pub fn open(path: &Path) -> Result<Db> {
        // Citizen data: the folder the app creates is the user's only (0700), and so are the
        // database and its WAL files (0600; `paths`). A folder the user chose is not changed.
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                crate::paths::create_private_dir(dir).map_err(|e| Error::io(dir.display(), e))?;
                if crate::paths::data_dir().as_deref() == Some(dir) {
                    crate::paths::restrict(dir).map_err(|e| Error::io(dir.display(), e))?;
                }
            }
        }
        crate::paths::create_private_file(path).map_err(|e| Error::io(path.display(), e))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            let side = std::path::PathBuf::from(side);
            crate::paths::restrict(&side).map_err(|e| Error::io(side.display(), e))?;
        }
        // Check the version read-only first, so a too-new file is not even switched to WAL.
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            let ro = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            let found: i64 = ro.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            check_version(&path.display().to_string(), found)?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut db = Db {
            conn,
            path: Some(path.to_path_buf()),
        };
        db.configure()?;
        // A database with data is copied aside before its schema changes; the copy is kept
        // (and the oldest beyond `backup::KEEP` removed) once the migration has run.
        let found = db.schema_version()?;
        let copy = if found > 0 && found < latest_version() {
            backup::automatic(&db, Reason::Migration)?
        } else {
            None
        };
        db.migrate_to(latest_version())?;
        crate::agreements::install_built_in(&db.conn)?;
        if let Some(copy) = copy {
            backup::keep(&db.conn, &copy)?;
        }
        Ok(db)
    }

    /// Brings a verified copy of a backup to the latest schema (a restore): no WAL and no
    /// automatic backup of the copy itself.
    pub(crate) fn open_copy(path: &Path) -> Result<Db> {
        let mut db = Db {
            conn: Connection::open(path)?,
            path: Some(path.to_path_buf()),
        };
        db.configure()?;
        db.migrate_to(latest_version())?;
        crate::agreements::install_built_in(&db.conn)?;
        Ok(db)
    }

    /// An in-memory database at the latest schema (tests, benchmarks).
    pub fn open_in_memory() -> Result<Db> {
        let mut db = Db {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        db.configure()?;
        db.migrate_to(latest_version())?;
        crate::agreements::install_built_in(&db.conn)?;
        Ok(db)
    }

    fn configure(&self) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(())
    }

    /// Runs `work` with foreign keys not enforced row by row, then checks the whole database
    /// for a broken reference before handing the result back: a bulk step that replaces a
    /// parent table and all its children (the catalogue import) then empties them in one go
    /// instead of checking five child tables for each of 100.000 deleted rows (1,4 s → 0,1
    /// s). Foreign keys are on again afterwards, also when `work` fails. `work` must run its
    /// own transaction and call `check` before committing.
    pub fn without_row_by_row_foreign_keys<T>(
        &mut self,
        work: impl FnOnce(&mut Db) -> Result<T>,
    ) -> Result<T> {
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = work(self);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        result
    }

    /// Runs `work` (one large write: a catalogue import) with automatic checkpoints off, so
    /// its commit only appends its pages to the WAL. A large WAL (a 100.000-offer catalogue:
    /// ≈ 30.000 pages, 0,2 s to copy) is then copied into the database file on a connection
    /// of its own in the background, while the app builds its search index; a smaller one at
    /// once, as SQLite's automatic checkpoint would have. Until the copy is done readers find
    /// the pages in the WAL; a checkpoint that does not run (the process ends first, or it
    /// fails) is done by the next commit or the next open, so nothing depends on it.
    pub fn with_checkpoint_after<T>(
        &mut self,
        work: impl FnOnce(&mut Db) -> Result<T>,
    ) -> Result<T> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let result = work(self);
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT)?;
        if result.is_ok() {
            match self.wal_pages() {
                n if n < WAL_AUTOCHECKPOINT => {}
                n if n < BACKGROUND_CHECKPOINT => {
                    self.conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
                }
                _ => self.checkpoint_in_background(),
            }
        }
        result
    }

    fn checkpoint_in_background(&self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        // A thread that cannot start leaves the checkpoint to the next commit.
        let _ = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || {
                if let Ok(conn) =
                    Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)
                {
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            });
    }

    /// About how many pages the WAL file holds (0 without one).
    fn wal_pages(&self) -> i64 {
        self.path
            .as_deref()
            .map_or(0, |path| wal_pages(path, &self.conn))
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Applies the migrations after the current version up to `target`, each in a transaction.
    pub fn migrate_to(&mut self, target: i64) -> Result<()> {
        let current = self.schema_version()?;
        let name = self
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ":memory:".into());
        check_version(&name, current)?;
        for (i, (_name, sql)) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= current || version > target {
                continue;
            }
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            if SEARCH_TEXT_REBUILT.contains(&version) {
                crate::catalogue::import::rebuild_search_text(&tx)?;
            }
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Opens a file without migrating (tests of the migration path).
    #[doc(hidden)]
    pub fn open_unmigrated(path: &Path) -> Result<Db> {
        let db = Db {
            conn: Connection::open(path)?,
            path: Some(path.to_path_buf()),
        };
        db.configure()?;
        Ok(db)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    fn wal_bytes(path: &Path) -> u64 {
        std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len())
    }

    /// A WAL left large is folded into the database and emptied, nothing lost; a reader still
    /// reading from it makes the fold wait briefly and then leave it for the next time.
    #[test]
    fn a_large_wal_left_behind_is_folded_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.sqlite");
        let db = Db::open(&path).unwrap();
        db.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .unwrap();
        db.conn
            .execute_batch(
                "CREATE TABLE t(x BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                 INSERT INTO t SELECT randomblob(4000) FROM n;",
            )
            .unwrap();
        assert!(wal_pages(&path, &db.conn) >= 300);
        assert!(!fold_wal_from(&path, 1_000_000).unwrap(), "under the mark");

        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let seen: i64 = reader
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seen, 300);
        let started = std::time::Instant::now();
        assert!(!fold_wal_from(&path, 100).unwrap(), "a reader in the way");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(wal_bytes(&path) > 0);
        reader.execute_batch("COMMIT").unwrap();

        assert!(fold_wal_from(&path, 100).unwrap());
        assert_eq!(wal_bytes(&path), 0, "emptied");
        drop(reader);
        drop(db);
        let again = Db::open(&path).unwrap();
        let n: i64 = again
            .conn
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 300, "nothing lost");
    }
}
