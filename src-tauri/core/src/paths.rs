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
