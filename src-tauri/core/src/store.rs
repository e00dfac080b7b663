//! The SQLite store: one connection, opened on a file (WAL) or in memory, with numbered
//! migrations embedded in the binary and applied in order, each in its own transaction.

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
];

/// The schema version this build knows (= number of migrations).
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Db {
    /// Opens (creating if needed) the database file and brings it to the latest schema.
    /// A file written by a newer version is refused and left untouched.
    pub fn open(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
            }
        }
        // Check the version read-only first, so a too-new file is not even switched to WAL.
        if path.exists() {
            let ro = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            let found: i64 = ro.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found > latest_version() {
                return Err(Error::DatabaseTooNew {
                    path: path.display().to_string(),
                    found,
                    known: latest_version(),
                });
            }
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut db = Db {
            conn,
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

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Applies the migrations after the current version up to `target`, each in a transaction.
    pub fn migrate_to(&mut self, target: i64) -> Result<()> {
        let current = self.schema_version()?;
        if current > latest_version() {
            return Err(Error::DatabaseTooNew {
                path: self
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| ":memory:".into()),
                found: current,
                known: latest_version(),
            });
        }
        for (i, (_name, sql)) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= current || version > target {
                continue;
            }
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
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
