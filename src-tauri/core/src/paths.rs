//! Where the desktop app keeps its database, so that the CLI finds the same file.

use std::path::PathBuf;

/// Must match `identifier` in `src-tauri/tauri.conf.json` (Tauri's app data directory).
pub const APP_IDENTIFIER: &str = "dk.pladsoverblik.app";
/// Development builds (`make run`, `cargo run`) keep their data apart, so trying the app never
/// touches a real user's database.
pub const DEV_IDENTIFIER: &str = "dk.pladsoverblik.app.dev";

/// The data folder's name: the release identifier, or the development one in a debug build.
pub fn identifier() -> &'static str {
    if cfg!(debug_assertions) {
        DEV_IDENTIFIER
    } else {
        APP_IDENTIFIER
    }
}
pub const DB_FILE_NAME: &str = "pladsoverblik.sqlite";

/// The per-user data directory. `PLADSOVERBLIK_DATA_DIR` overrides it (tests, portable use).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PLADSOVERBLIK_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join(identifier()))
}

pub fn default_db_path() -> Option<PathBuf> {
    data_dir().map(|d| d.join(DB_FILE_NAME))
}

/// Creates `dir` and its missing parents, readable by the user only (0700 on Unix). On
/// Windows the per-user folder under %APPDATA% already admits only the user (and the system
/// and administrators) by its inherited access list; nothing is changed there.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Sets `path` (a file or folder) to the user only: 0600 for a file, 0700 for a folder, on
/// Unix. A missing file is no error.
pub fn restrict(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes `bytes` to `path`, readable by the user only (0600 on Unix): contract PDFs hold the
/// full CPR number, and reports and backups hold what the database holds.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    // A file that existed before keeps its old mode through open(); set it.
    restrict(path)
}

/// Creates an empty database file readable by the user only, when there is none yet, so that
/// SQLite (which gives its WAL and shared-memory files the database file's mode) never
/// creates one that others can read.
pub fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    if path.exists() {
        return restrict(path);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => restrict(path),
        Err(e) => Err(e),
    }
}
