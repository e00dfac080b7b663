//! Files the user picks in a native dialog. The dialog is opened here, in Rust, for a named
//! purpose (its title and file types are fixed here too); the page gets an opaque token for
//! the picked file, never a path, and every file command takes such a token for its own
//! purpose. So a script in the page can neither read nor write a file the user did not pick,
//! nor use a file picked for one thing (a report to save) for another (a catalogue to read).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::IpcResult;
use pladsoverblik_core::Error;

/// What a file is picked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A catalogue to import (open).
    Catalogue,
    /// An agreement file to import (open).
    Agreements,
    /// A rate sheet to preview and import (open).
    RateSheet,
    /// A backup to inspect and restore (open).
    Backup,
    /// Where to save a backup.
    BackupSave,
    /// Where to save a report as CSV.
    ReportCsv,
    /// Where to save a report as PDF.
    ReportPdf,
    /// Where to save a contract's PDF.
    ContractPdf,
}

struct Dialog {
    title: &'static str,
    filter: &'static str,
    extensions: &'static [&'static str],
    save: bool,
}

impl Purpose {
    fn dialog(self) -> Dialog {
        let (title, filter, extensions, save): (_, _, &'static [&'static str], _) = match self {
            Purpose::Catalogue => ("Vælg katalogfil", "Katalog (JSON)", &["json"], false),
            Purpose::Agreements => (
                "Vælg rammeaftalefil",
                "Rammeaftaler (JSON)",
                &["json"],
                false,
            ),
            Purpose::RateSheet => (
                "Vælg takstoversigt",
                "Takstoversigt (Excel eller CSV)",
                &["xlsx", "csv"],
                false,
            ),
            Purpose::Backup => (
                "Vælg sikkerhedskopi",
                "Sikkerhedskopi (SQLite)",
                &["sqlite", "db"],
                false,
            ),
            Purpose::BackupSave => (
                "Gem sikkerhedskopi",
                "Sikkerhedskopi (SQLite)",
                &["sqlite"],
                true,
            ),
            Purpose::ReportCsv => ("Gem rapporten som CSV", "CSV (Excel)", &["csv"], true),
            Purpose::ReportPdf => ("Gem rapporten som PDF", "PDF", &["pdf"], true),
            Purpose::ContractPdf => ("Gem kontrakten som PDF", "PDF", &["pdf"], true),
        };
        Dialog {
            title,
            filter,
            extensions,
            save,
        }
    }
}

/// The files picked in this session, by token.
#[derive(Default)]
pub struct Picked {
    files: Mutex<HashMap<String, (Purpose, PathBuf)>>,
}

impl Picked {
    /// The file behind `token`, when it was picked for `purpose`.
    pub fn path(&self, token: &str, purpose: Purpose) -> Result<PathBuf, Error> {
        let files = self
            .files
            .lock()
            .map_err(|_| Error::Internal("Listen over valgte filer er utilgængelig.".into()))?;
        match files.get(token) {
            Some((p, path)) if *p == purpose => Ok(path.clone()),
            _ => Err(Error::Refused(
                "Filen er ikke valgt i dialogen til dette formål; vælg den igen.".into(),
            )),
        }
    }

    fn add(&self, purpose: Purpose, path: PathBuf) -> Result<String, Error> {
        let token = new_token();
        self.files
            .lock()
            .map_err(|_| Error::Internal("Listen over valgte filer er utilgængelig.".into()))?
            .insert(token.clone(), (purpose, path));
        Ok(token)
    }
}

/// 128 random bits as hex, from the operating system's source (via `RandomState`'s keys,
/// which std seeds from it): not guessable by a script in the page.
fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        h.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

/// A picked file as the page sees it: the token and the file's name (for showing).
#[derive(Serialize)]
pub struct PickedFile {
    pub token: String,
    pub name: String,
}

/// Opens the open or save dialog for `purpose` (`suggested_name`: the save dialog's file
/// name); `None` when the user cancels.
#[tauri::command(async)]
pub fn pick_file<R: Runtime>(
    app: AppHandle<R>,
    picked: State<'_, Picked>,
    purpose: Purpose,
    suggested_name: Option<String>,
) -> IpcResult<Option<PickedFile>> {
    let d = purpose.dialog();
    let mut builder = app
        .dialog()
        .file()
        .set_title(d.title)
        .add_filter(d.filter, d.extensions);
    if let Some(window) = app.get_webview_window("main") {
        builder = builder.set_parent(&window);
    }
    if purpose == Purpose::Backup {
        if let Some(dir) = pladsoverblik_core::paths::data_dir() {
            builder = builder.set_directory(dir.join(pladsoverblik_core::backup::FOLDER));
        }
    }
    let chosen = if d.save {
        if let Some(name) = suggested_name.as_deref().map(safe_name) {
            builder = builder.set_file_name(name);
        }
        builder.blocking_save_file()
    } else {
        builder.blocking_pick_file()
    };
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen
        .into_path()
        .map_err(|_| Error::Invalid("Den valgte fil er ikke en fil på denne computer.".into()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let token = picked.add(purpose, path)?;
    Ok(Some(PickedFile { token, name }))
}

/// A suggested file name without folders or characters a file system refuses.
fn safe_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .filter(|c| !c.is_control())
        .take(150)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_only_its_own_file_for_its_own_purpose() {
        let picked = Picked::default();
        let token = picked
            .add(Purpose::ReportCsv, PathBuf::from("/tmp/rapport.csv"))
            .unwrap();
        assert_eq!(
            picked.path(&token, Purpose::ReportCsv).unwrap(),
            PathBuf::from("/tmp/rapport.csv")
        );
        assert!(picked.path(&token, Purpose::Catalogue).is_err());
        assert!(picked.path("/etc/passwd", Purpose::ReportCsv).is_err());
        let other = picked
            .add(Purpose::ReportCsv, PathBuf::from("/tmp/b.csv"))
            .unwrap();
        assert_ne!(token, other);
        assert_eq!(token.len(), 32);
    }

    #[test]
    fn suggested_names_have_no_folders() {
        assert_eq!(safe_name("../../etc/passwd"), "....etcpasswd");
        assert_eq!(
            safe_name("Kontrakt K-2026-0001 Kildebo v1.pdf"),
            "Kontrakt K-2026-0001 Kildebo v1.pdf"
        );
    }
}
