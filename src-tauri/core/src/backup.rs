//! Backups of the whole database and restoring one, with SQLite's online backup API.
//!
//! **A backup** is a consistent copy taken while the app runs: the copy reads one snapshot in
//! a single step (in WAL mode writers are not held up). It is written beside its destination
//! under a temporary name, checked (`quick_check`) and renamed into place, so a crash never
//! leaves a half-written file under a backup's name. A backup is one self-contained file
//! (rollback journal, no `-wal` beside it).
//!
//! **Automatic backups** go to [`FOLDER`] beside the database before every migration, every
//! catalogue import and every restore; the newest [`KEEP`] of each kind are kept. A backup
//! whose step changed nothing (a refused catalogue file) is removed again, so trying bad files
//! never pushes a useful backup out.
//!
//! **A restore** does not touch the live database until the backup has been copied beside it,
//! checked (SQLite's `integrity_check` and `foreign_key_check`, a schema this build knows, the
//! tables of a Pladsoverblik database) and brought to the current schema. Then the live
//! database is copied aside (an automatic backup) and replaced through the backup API into
//! its open connection: one write transaction, atomic in WAL mode, and safe for another
//! process that has the file open (renaming a file under an open connection is not: its
//! `-wal` would then belong to the wrong file).
//!
//! Backups hold citizen data (CPR numbers in contracts): on Unix the files are created 0600
//! and the folder 0700. On Windows they inherit the access rights of the folder they are
//! written to (the per-user application data folder for the automatic ones). The audit log
//! records every backup and restore with file names and figures only.

use chrono::{DateTime, Local, NaiveDate};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Problem, Result};
use crate::store::{self, Db};
use crate::{audit, catalogue, contracts, fmt, paths, placement};

/// The folder beside the database that holds the automatic backups.
pub const FOLDER: &str = "sikkerhedskopier";

/// How many automatic backups of each kind are kept. Five catalogue imports go back about
/// five months of monthly catalogues, enough to step back past a wrong file imported more
/// than once; more copies would mean more copies of citizen data lying about, and each is as
/// large as the database.
pub const KEEP: usize = 5;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// How often a busy database is tried again (the connection itself waits up to 5 s each time).
const BUSY_TRIES: u32 = 3;
/// A temporary file not touched for this long was left by a crash and is removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// Why an automatic backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Migration,
    CatalogueImport,
    Restore,
}

impl Reason {
    pub const ALL: [Reason; 3] = [Reason::Migration, Reason::CatalogueImport, Reason::Restore];

    /// The file name's first part.
    fn slug(self) -> &'static str {
        match self {
            Reason::Migration => "foer-opdatering",
            Reason::CatalogueImport => "foer-katalogimport",
            Reason::Restore => "foer-gendannelse",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reason::Migration => "Før opdatering af databasen",
            Reason::CatalogueImport => "Før indlæsning af katalog",
            Reason::Restore => "Før gendannelse",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Reason::Migration => "migration",
            Reason::CatalogueImport => "catalogue_import",
            Reason::Restore => "restore",
        }
    }
}

/// A backup file as the user sees it.
#[derive(Debug, Clone, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    pub file_name: String,
    /// Set for an automatic backup.
    pub reason: Option<Reason>,
    /// "Før indlæsning af katalog", or "Taget manuelt".
    pub reason_text: String,
    pub bytes: u64,
    /// "3,2 MB"
    pub size_text: String,
    /// When it was written: "12.03.2026 kl. 14:05".
    pub taken_text: String,
}

impl BackupFile {
    fn read(path: &Path, reason: Option<Reason>) -> Result<BackupFile> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        let taken = meta.modified().ok().map(timestamp_text).unwrap_or_default();
        Ok(BackupFile {
            path: path.to_path_buf(),
            file_name: file_name(path),
            reason,
            reason_text: reason.map_or("Taget manuelt", Reason::label).to_string(),
            bytes: meta.len(),
            size_text: size_text(meta.len()),
            taken_text: taken,
        })
    }
}

/// A backup taken on request.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub file: BackupFile,
    pub text: String,
}

/// What a backup holds, shown before it is restored.
#[derive(Debug, Clone, Serialize)]
pub struct Contents {
    pub file: BackupFile,
    pub schema_version: i64,
    /// "katalog pr. 15.11.2026 med 180 tilbud" or "intet katalog".
    pub catalogue_text: String,
    pub checks: Option<usize>,
    pub contracts: Option<usize>,
    /// One sentence: file, date, size and contents.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub restored: Contents,
    /// Where the database as it was before the restore now is.
    pub previous: Option<PathBuf>,
    pub text: String,
}

/// The automatic backups and where they are.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub folder: Option<PathBuf>,
    pub keep: usize,
    /// Newest first.
    pub automatic: Vec<BackupFile>,
    pub text: String,
}

/// The automatic backups' folder for the database at `db_path`.
pub fn folder(db_path: &Path) -> PathBuf {
    parent_dir(db_path).join(FOLDER)
}

/// Takes a backup of `db` into `dest` (a consistent copy, also while the app writes). An
/// existing file is replaced only with `overwrite` (the app's save dialog has asked).
pub fn backup_to(db: &Db, dest: &Path, overwrite: bool) -> Result<BackupReport> {
    if db.path().is_some_and(|live| same_file(live, dest)) {
        return Err(Error::Invalid(
            "En sikkerhedskopi kan ikke gemmes oven i selve databasen; vælg en anden fil.".into(),
        ));
    }
    if dest.is_dir() {
        return Err(Error::Invalid(format!(
            "{} er en mappe; vælg et filnavn til sikkerhedskopien.",
            dest.display()
        )));
    }
    let dir = parent_dir(dest);
    if !dir.is_dir() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        return Err(io_error(&dir, &missing));
    }
    if dest.exists() && !overwrite {
        return Err(Error::Conflict(format!(
            "Filen {} findes allerede. Vælg et andet filnavn, eller erstat den med --overwrite.",
            dest.display()
        )));
    }
    write_copy(db.conn(), dest, true)?;
    let file = BackupFile::read(dest, None)?;
    record(db.conn(), "backup.create", &file, serde_json::json!({}))?;
    let text = format!(
        "Sikkerhedskopien er gemt i {} ({}, {}). Den indeholder borgeroplysninger \
         (CPR-numre i kontrakterne); opbevar den lige så sikkert som selve databasen.",
        file.path.display(),
        file.size_text,
        file.taken_text
    );
    Ok(BackupReport { file, text })
}

/// Takes an automatic backup of a database in a file into [`FOLDER`] (nothing for one in
/// memory). The caller keeps it ([`keep`]) once its step succeeded, or [`discard`]s it.
pub fn automatic(db: &Db, reason: Reason) -> Result<Option<BackupFile>> {
    let Some(path) = db.path() else {
        return Ok(None);
    };
    take_automatic(db.conn(), path, reason).map(Some)
}

/// The copy into [`FOLDER`] beside `path`, read through `src`.
fn take_automatic(src: &Connection, path: &Path, reason: Reason) -> Result<BackupFile> {
    let taken = (|| {
        let dir = folder(path);
        create_private_dir(&dir)?;
        remove_stale_temps(&dir, ".");
        let dest = free_name(&dir, reason);
        write_copy(src, &dest, reason != Reason::Restore)?;
        BackupFile::read(&dest, Some(reason))
    })();
    taken.map_err(|e| {
        Error::Internal(format!(
            "Den automatiske sikkerhedskopi ({}) kunne ikke tages, så intet er ændret: {e}",
            reason.label().to_lowercase()
        ))
    })
}

/// An automatic backup being taken in a thread of its own.
pub struct Pending(std::thread::JoinHandle<Result<BackupFile>>);

impl Pending {
    /// Waits for the copy: the file, or why it could not be taken.
    pub fn join(self) -> Result<Option<BackupFile>> {
        self.0
            .join()
            .unwrap_or_else(|_| {
                Err(Error::Internal(
                "Den automatiske sikkerhedskopi stoppede med en intern fejl, så intet er ændret."
                    .into(),
            ))
            })
            .map(Some)
    }
}

/// Starts an automatic backup of a database file on a second connection, in a thread, and
/// returns once that connection holds its read snapshot: the copy is the database as it is
/// now, whatever the caller writes next in its own transaction. The caller must not commit
/// before [`Pending::join`] has returned the copy (in WAL mode the reader never sees the
/// writer's uncommitted pages, and the commit waits for the copy). Nothing for a database in
/// memory.
pub fn automatic_in_background(db: &Db, reason: Reason) -> Result<Option<Pending>> {
    let Some(path) = db.path().map(Path::to_path_buf) else {
        return Ok(None);
    };
    let src = Connection::open(&path)?;
    src.busy_timeout(Duration::from_secs(5))?;
    // The read transaction starts with its first read: from here the snapshot is fixed.
    src.execute_batch("BEGIN")?;
    src.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let handle = std::thread::Builder::new()
        .name("sikkerhedskopi".into())
        .spawn(move || take_automatic(&src, &path, reason))
        .map_err(|e| Error::io("sikkerhedskopiens tråd", e))?;
    Ok(Some(Pending(handle)))
}

/// Keeps an automatic backup: removes the oldest of its kind beyond [`KEEP`] and records it
/// in the audit log.
pub fn keep(conn: &Connection, file: &BackupFile) -> Result<()> {
    prune(file);
    let reason = file.reason.map_or("manual", Reason::code);
    record(
        conn,
        "backup.create",
        file,
        serde_json::json!({ "automatic": reason }),
    )
}

/// Removes an automatic backup whose step changed nothing.
pub fn discard(file: &BackupFile) {
    remove_db_files(&file.path);
}

/// The automatic backups of the database at `db_path`, newest first.
pub fn status(db_path: Option<&Path>) -> Result<Status> {
    let Some(db_path) = db_path else {
        return Ok(Status {
            folder: None,
            keep: KEEP,
            automatic: Vec::new(),
            text:
                "Databasen ligger kun i hukommelsen; der tages ingen automatiske sikkerhedskopier."
                    .into(),
        });
    };
    let dir = folder(db_path);
    let mut automatic = Vec::new();
    for reason in Reason::ALL {
        for path in of_kind(&dir, reason) {
            automatic.push(BackupFile::read(&path, Some(reason))?);
        }
    }
    automatic.sort_by(|a, b| stamp(&b.file_name).cmp(stamp(&a.file_name)));
    let text = format!(
        "Før hver opdatering af databasen, hver indlæsning af et katalog og hver gendannelse \
         tages en sikkerhedskopi automatisk. De seneste {KEEP} af hver slags gemmes i {}.",
        dir.display()
    );
    Ok(Status {
        folder: Some(dir),
        keep: KEEP,
        automatic,
        text,
    })
}

/// Checks a backup as a restore would, without changing anything, and says what it holds.
pub fn inspect(live: &Path, src: &Path, today: NaiveDate) -> Result<Contents> {
    let copy = Prepared::new(src, live, None)?;
    describe(copy.db()?, src, today)
}

/// Replaces the database with the backup in `src` (see the module comment). On any problem
/// with the backup, the live database is not changed.
pub fn restore(db: &mut Db, src: &Path, today: NaiveDate) -> Result<RestoreReport> {
    restore_with(db, src, today, true)
}

fn restore_with(
    db: &mut Db,
    src: &Path,
    today: NaiveDate,
    keep_previous: bool,
) -> Result<RestoreReport> {
    let live = db.path().map(Path::to_path_buf).ok_or_else(|| {
        Error::Invalid("Der kan kun gendannes til en database, der ligger i en fil.".into())
    })?;
    let page_size: i64 = db.conn().query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let copy = Prepared::new(src, &live, Some(page_size))?;
    let restored = describe(copy.db()?, src, today)?;
    let previous = if keep_previous {
        automatic(db, Reason::Restore)?
    } else {
        None
    };
    // Recorded in the copy, so the entry arrives with the data in the same transaction.
    record(
        copy.db()?.conn(),
        "backup.restore",
        &restored.file,
        serde_json::json!({
            "schema_version": restored.schema_version,
            "previous": previous.as_ref().map(|p| p.file_name.clone()),
        }),
    )?;
    // A copy that works with the municipality's server takes a new installation id and gives
    // up the numbers left in its blocks: those after the backup may be in use (issue 15).
    if crate::settings::server(copy.db()?.conn())?.is_some() {
        crate::sync::new_identity(copy.db()?.conn())?;
    }
    copy_all(copy.db()?.conn(), db.conn_mut())?;
    // The copy went through the WAL; give the space back. A reader elsewhere may hold it.
    let _ = db
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    if let Some(p) = &previous {
        prune(p);
    }
    let text = format!(
        "Databasen er gendannet fra {} {}",
        restored.text,
        previous
            .as_ref()
            .map(|p| format!("Den hidtidige database er gemt i {}.", p.path.display()))
            .unwrap_or_default()
    );
    Ok(RestoreReport {
        restored,
        previous: previous.map(|p| p.path),
        text: text.trim_end().to_string(),
    })
}

/// Restores into the database file at `live` (the command line), which need not exist yet.
/// A database that cannot even be opened (damaged beyond SQLite's recovery) is moved into
/// [`FOLDER`] first, so a backup can replace it.
pub fn restore_at(live: &Path, src: &Path, today: NaiveDate) -> Result<RestoreReport> {
    use rusqlite::ErrorCode as C;
    if !live.exists() {
        // A fresh folder: nothing to keep, and nothing is created for a backup that is refused.
        Prepared::new(src, live, None)?;
        return restore_with(&mut Db::open(live)?, src, today, false);
    }
    match Db::open(live) {
        Ok(mut db) => restore(&mut db, src, today),
        Err(Error::Database(e))
            if matches!(
                e.sqlite_error_code(),
                Some(C::DatabaseCorrupt | C::NotADatabase)
            ) =>
        {
            // Check the backup before moving anything.
            Prepared::new(src, live, None)?;
            let moved = set_aside(live)?;
            let mut db = Db::open(live)?;
            let mut report = restore_with(&mut db, src, today, false)?;
            report.text = format!(
                "{} Den beskadigede database er flyttet til {}.",
                report.text,
                moved.display()
            );
            report.previous = Some(moved);
            Ok(report)
        }
        Err(e) => Err(e),
    }
}

/// Removes the oldest automatic backups of `file`'s kind beyond [`KEEP`].
fn prune(file: &BackupFile) {
    if let (Some(reason), Some(dir)) = (file.reason, file.path.parent()) {
        for old in of_kind(dir, reason).into_iter().skip(KEEP) {
            remove_db_files(&old);
        }
    }
}

/// A verified copy of a backup beside the live database, at the current schema; removed
/// when dropped.
struct Prepared {
    path: PathBuf,
    db: Option<Db>,
}

impl Prepared {
    fn new(src: &Path, live: &Path, page_size: Option<i64>) -> Result<Prepared> {
        let name = src.display().to_string();
        if same_file(live, src) {
            return Err(Error::Invalid(
                "Det er den database, der er i brug; vælg en sikkerhedskopi.".into(),
            ));
        }
        let source = open_source(src, &name)?;
        let dir = parent_dir(live);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        remove_stale_temps(&dir, &format!(".{}.", file_name(live)));
        let mut prepared = Prepared {
            path: dir.join(temp_name(live, "gendannes")),
            db: None,
        };
        let conn = copy_to_new_file(&source, &prepared.path).map_err(|e| damaged(&name, e))?;
        drop(source);
        verify(&conn, &name)?;
        if let Some(size) = page_size {
            let own: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            if own != size {
                conn.pragma_update(None, "page_size", size)?;
                conn.execute_batch("VACUUM")?;
            }
        }
        drop(conn);
        prepared.db = Some(Db::open_copy(&prepared.path).map_err(|e| damaged(&name, e))?);
        Ok(prepared)
    }

    fn db(&self) -> Result<&Db> {
        self.db
            .as_ref()
            .ok_or_else(|| Error::Internal("Kopien af sikkerhedskopien er ikke åben.".into()))
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        self.db = None;
        remove_db_files(&self.path);
    }
}

/// Opens a backup read-only after checking that it is a Pladsoverblik database whose schema
/// this build knows.
fn open_source(src: &Path, name: &str) -> Result<Connection> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(src).map_err(|e| io_error(src, &e))?;
    let short = std::io::Read::read_exact(&mut file, &mut head).is_err();
    drop(file);
    if short || &head != SQLITE_HEADER {
        return Err(not_sqlite(name));
    }
    let conn = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| damaged(name, e.into()))?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| damaged(name, e.into()))?;
    store::check_version(name, found)?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut st| {
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(|e| damaged(name, e.into()))?;
    let needed: &[&str] = if found >= 2 {
        &["catalogue_meta", "offers", "audit_log"]
    } else {
        &["catalogue_meta", "offers"]
    };
    if found < 1 || !needed.iter().all(|t| tables.iter().any(|n| n == t)) {
        return Err(rejected(
            name,
            "Indhold",
            "Filen er en SQLite-database, men ikke en database fra Pladsoverblik (tabellerne \
             til katalog og log mangler). Vælg en sikkerhedskopi, som Pladsoverblik har taget.",
        ));
    }
    Ok(conn)
}

/// SQLite's own checks: every page and index (`integrity_check`) and every reference
/// (`foreign_key_check`).
fn verify(conn: &Connection, name: &str) -> Result<()> {
    let lines: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut st| {
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(|e| damaged(name, e.into()))?;
    if lines != ["ok"] {
        return Err(rejected(
            name,
            "Integritetstjek",
            &format!(
                "SQLite fandt {} fejl i filen; den er beskadiget. Vælg en anden sikkerhedskopi.",
                lines.len()
            ),
        ));
    }
    let broken: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| damaged(name, e.into()))?;
    if broken > 0 {
        return Err(rejected(
            name,
            "Henvisninger",
            &format!(
                "{broken} rækker henviser til rækker, der ikke findes; filen er ikke hel. \
                 Vælg en anden sikkerhedskopi."
            ),
        ));
    }
    Ok(())
}

fn describe(db: &Db, src: &Path, today: NaiveDate) -> Result<Contents> {
    let name = file_name(src);
    let reason = Reason::ALL
        .into_iter()
        .find(|r| name.starts_with(&format!("{}-", r.slug())));
    let file = BackupFile::read(src, reason)?;
    let conn = db.conn();
    let info = catalogue::info(conn, today)?;
    let catalogue_text = match info.extracted {
        Some(d) if info.loaded => format!(
            "katalog pr. {} med {} tilbud",
            fmt::date(d),
            count(info.offer_count)
        ),
        _ => "intet katalog".to_string(),
    };
    let checks = placement::list(conn, today).ok().map(|l| l.len());
    let contracts = contracts::list(conn, today).ok().map(|l| l.len());
    let mut parts = vec![catalogue_text.clone()];
    if let Some(n) = checks {
        parts.push(plural(n, "afstemning", "afstemninger"));
    }
    if let Some(n) = contracts {
        parts.push(plural(n, "kontrakt", "kontrakter"));
    }
    let text = format!(
        "{} ({}, {}): {}.",
        file.path.display(),
        file.taken_text,
        file.size_text,
        join_and(&parts)
    );
    Ok(Contents {
        file,
        schema_version: db.schema_version()?,
        catalogue_text,
        checks,
        contracts,
        text,
    })
}

/// Copies `src` into a new file at `dest` through a temporary file beside it; `check` runs
/// SQLite's `quick_check` on the copy before it gets its name.
fn write_copy(src: &Connection, dest: &Path, check: bool) -> Result<()> {
    let tmp = temp_beside(dest, "kopieres");
    let written = (|| {
        let conn = copy_to_new_file(src, &tmp)?;
        if check {
            let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if ok != "ok" {
                return Err(Error::Internal(
                    "Databasen er beskadiget (SQLite's hurtige tjek fandt fejl), så \
                     kopien er ikke gemt. Gendan fra en tidligere sikkerhedskopi."
                        .into(),
                ));
            }
        }
        drop(conn);
        std::fs::rename(&tmp, dest).map_err(|e| io_error(dest, &e))
    })();
    if written.is_err() {
        remove_db_files(&tmp);
    }
    written
}

/// Copies `src` into a new private file at `path` and returns a connection to the copy, which
/// is one self-contained file (the copy carries the source's WAL mark; it is switched back).
fn copy_to_new_file(src: &Connection, path: &Path) -> Result<Connection> {
    remove_db_files(path);
    create_private_file(path)?;
    {
        let mut conn = Connection::open(path)?;
        copy_all(src, &mut conn)?;
    }
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(conn)
}

/// A temporary name beside `path`, unique in this process; `.tmp` at the end so a copy left
/// by a crash is recognised and removed later.
fn temp_beside(path: &Path, what: &str) -> PathBuf {
    parent_dir(path).join(temp_name(path, what))
}

fn temp_name(path: &Path, what: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(".{}.{what}-{}-{n}.tmp", file_name(path), std::process::id())
}

/// The whole database in one step: one read transaction on the source (a consistent
/// snapshot) and one write transaction on the destination (all or nothing).
fn copy_all(src: &Connection, dst: &mut Connection) -> Result<()> {
    let backup = Backup::new(src, dst)?;
    for _ in 0..BUSY_TRIES {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    Err(Error::Conflict(
        "Databasen er optaget af et andet program (Pladsoverblik eller plads). Prøv igen om lidt; \
         intet er ændret."
            .into(),
    ))
}

fn record(
    conn: &Connection,
    action: &str,
    file: &BackupFile,
    mut details: serde_json::Value,
) -> Result<()> {
    if let Some(map) = details.as_object_mut() {
        map.insert("bytes".into(), file.bytes.into());
    }
    // File names only: a path can name a person (a home folder); a name that looks like a CPR
    // number is left out.
    let subject = if contracts::ids::contains_cpr_like(&file.file_name) {
        "(filnavn udeladt)".to_string()
    } else {
        file.file_name.clone()
    };
    audit::record(conn, action, &subject, &details)
}

/// Moves a database that cannot be opened, with its `-wal` and `-shm`, into [`FOLDER`].
fn set_aside(live: &Path) -> Result<PathBuf> {
    let dir = folder(live);
    create_private_dir(&dir)?;
    let dest = dir.join(format!(
        "beskadiget-{}.sqlite",
        Local::now().format("%Y-%m-%d-%H%M%S")
    ));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let from = with_suffix(live, suffix);
        if from.exists() {
            std::fs::rename(&from, with_suffix(&dest, suffix)).map_err(|e| io_error(&from, &e))?;
        }
    }
    Ok(dest)
}

/// A file name in `dir` for a new automatic backup: kind, then the local time to the
/// millisecond, so names sort by age.
fn free_name(dir: &Path, reason: Reason) -> PathBuf {
    let mut at = Local::now();
    loop {
        let path = dir.join(format!(
            "{}-{}.sqlite",
            reason.slug(),
            at.format("%Y-%m-%d-%H%M%S-%3f")
        ));
        if !path.exists() {
            return path;
        }
        at += chrono::TimeDelta::milliseconds(1);
    }
}

/// The automatic backups of one kind in `dir`, newest first.
fn of_kind(dir: &Path, reason: Reason) -> Vec<PathBuf> {
    let prefix = format!("{}-", reason.slug());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = file_name(p);
            n.starts_with(&prefix) && n.ends_with(".sqlite")
        })
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(file_name(p)));
    found
}

/// The time part of an automatic backup's name (sorts by age across kinds).
fn stamp(name: &str) -> &str {
    let end = name.len().saturating_sub(".sqlite".len());
    name.get(end.saturating_sub(21)..end).unwrap_or(name)
}

/// Removes temporary files (`prefix…tmp`) that a crash left in `dir` over an hour ago.
fn remove_stale_temps(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let stale = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP);
        let name = file_name(&path);
        if name.starts_with(prefix) && name.ends_with(".tmp") && stale {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn remove_db_files(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Creates an empty file only the user may read (Unix: 0600); SQLite's journal files take
/// the same mode.
fn create_private_file(path: &Path) -> Result<()> {
    paths::create_private_file(path).map_err(|e| io_error(path, &e))
}

/// Creates the folder, the user's only (Unix: 0700, also when it exists).
fn create_private_dir(dir: &Path) -> Result<()> {
    paths::create_private_dir(dir)
        .and_then(|()| paths::restrict(dir))
        .map_err(|e| io_error(dir, &e))
}

fn not_sqlite(name: &str) -> Error {
    rejected(
        name,
        "Filtype",
        "Filen er ikke en SQLite-database og dermed ikke en sikkerhedskopi fra Pladsoverblik. \
         Vælg en sikkerhedskopi, som Pladsoverblik har taget (.sqlite).",
    )
}

/// A backup that SQLite cannot read through; other errors keep their own message.
fn damaged(name: &str, e: Error) -> Error {
    match e {
        Error::Database(inner) => rejected(
            name,
            "Filen",
            &format!("{}. Vælg en anden sikkerhedskopi.", sqlite_text(&inner)),
        ),
        other => other,
    }
}

fn sqlite_text(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseCorrupt) => "Filen er beskadiget".into(),
        Some(C::NotADatabase) => "Filen er ikke en SQLite-database".into(),
        Some(C::CannotOpen) => "Filen kan ikke åbnes".into(),
        Some(C::PermissionDenied) => "Der er ikke adgang til filen".into(),
        Some(C::DatabaseBusy | C::DatabaseLocked) => "Filen er optaget af et andet program".into(),
        Some(C::DiskFull) => "Disken er fuld".into(),
        Some(code) => format!("SQLite kunne ikke læse filen (fejlkode {code:?})"),
        None => "SQLite kunne ikke læse filen".into(),
    }
}

fn rejected(name: &str, place: &str, message: &str) -> Error {
    Error::Rejected {
        what: "Sikkerhedskopien",
        file: name.to_string(),
        problems: vec![Problem {
            place: place.to_string(),
            message: message.to_string(),
        }],
        more: 0,
    }
}

/// A file error with a Danish description of what went wrong.
fn io_error(path: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "filen eller mappen findes ikke",
        K::PermissionDenied => "der er ikke adgang",
        K::AlreadyExists => "filen findes allerede",
        K::StorageFull => "disken er fuld",
        K::ReadOnlyFilesystem => "drevet er skrivebeskyttet",
        K::IsADirectory => "det er en mappe",
        _ => "filen kunne ikke læses eller skrives",
    };
    Error::io(path.display(), std::io::Error::new(e.kind(), text))
}

/// "3,2 MB", "740 kB", "512 byte".
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!(
            "{} MB",
            fmt::number(Decimal::from(bytes) / Decimal::from(1_000_000), 1)
        )
    } else if bytes >= 1_000 {
        format!(
            "{} kB",
            fmt::number(Decimal::from(bytes) / Decimal::from(1_000), 0)
        )
    } else {
        format!("{bytes} byte")
    }
}

/// "12.03.2026 kl. 14:05" (local time, as the window writes timestamps).
pub fn timestamp_text(t: SystemTime) -> String {
    DateTime::<Local>::from(t)
        .format("%d.%m.%Y kl. %H:%M")
        .to_string()
}

fn count(n: i64) -> String {
    fmt::number(Decimal::from(n), 0)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        fmt::number(Decimal::from(n as u64), 0),
        if n == 1 { one } else { many }
    )
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} og {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_lists_read_as_danish() {
        assert_eq!(size_text(512), "512 byte");
        assert_eq!(size_text(740_400), "740 kB");
        assert_eq!(size_text(3_249_000), "3,2 MB");
        assert_eq!(size_text(125_000_000), "125,0 MB");
        assert_eq!(join_and(&["a".into(), "b".into(), "c".into()]), "a, b og c");
        assert_eq!(plural(1, "kontrakt", "kontrakter"), "1 kontrakt");
        assert_eq!(plural(1200, "kontrakt", "kontrakter"), "1.200 kontrakter");
    }

    #[test]
    fn backup_names_sort_by_age_across_kinds() {
        let a = "foer-katalogimport-2026-03-12-140512-123.sqlite";
        let b = "foer-opdatering-2026-03-12-140513-001.sqlite";
        assert_eq!(stamp(a), "2026-03-12-140512-123");
        assert!(stamp(b) > stamp(a));
    }
}
