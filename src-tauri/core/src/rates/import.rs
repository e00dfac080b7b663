//! Importing a rate sheet: nothing is saved until the user has seen the preview (new rates,
//! changed rates, offers not found); then exactly the rates the preview showed are saved in
//! one transaction. The window keeps the read sheet with its preview (`Previewed`, under a
//! token) and saves that, never the file read again: a file changed or replaced after the
//! preview cannot slip in. When the database has changed since the preview (another import
//! in between), the import is refused and the preview must be seen again.

use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

use super::model::Rate;
use super::sheet::{self, Sheet, SheetRate};
use super::{rules, store};
use crate::error::{Error, Result};
use crate::{audit, catalogue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Changed,
    Unchanged,
    OfferNotFound,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewLine {
    pub rate: SheetRate,
    pub basis_label: String,
    pub change: Change,
    /// The rate it replaces, as text ("3.200,00 kr. pr. døgn").
    pub before: Option<String>,
    pub after: String,
}

/// What an import would do, shown before anything is saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub file_name: String,
    /// The SHA-256 of the file as read (lower-case hex).
    pub sha256: String,
    /// Names this preview for `rates_import` in the window; empty when none is kept.
    pub token: String,
    pub lines: Vec<PreviewLine>,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub offers_not_found: usize,
    pub unknown_columns: Vec<String>,
    pub text: String,
}

fn change_of(before: Option<&Rate>, after: &Rate, offer_known: bool) -> Change {
    match before {
        _ if !offer_known => Change::OfferNotFound,
        None => Change::New,
        Some(b)
            if b.amount == after.amount
                && b.unit == after.unit
                && b.vat_pct == after.vat_pct
                && b.actual_occupancy_pct == after.actual_occupancy_pct =>
        {
            Change::Unchanged
        }
        Some(_) => Change::Changed,
    }
}

/// What saving `sheet` would change in the database as it is now.
pub fn preview_sheet(conn: &Connection, sheet: &Sheet) -> Result<Preview> {
    let mut lines = Vec::with_capacity(sheet.rates.len());
    for r in &sheet.rates {
        let known = catalogue::store::offer_exists(conn, &r.rate.offer_id)?;
        let before = store::get(
            conn,
            &r.rate.offer_id,
            &r.rate.department_id,
            r.rate.basis,
            r.rate.year,
        )?;
        lines.push(PreviewLine {
            basis_label: r.rate.basis.label().to_string(),
            change: change_of(before.as_ref(), &r.rate, known),
            before: before.map(|b| rules::amount_text(b.amount, b.unit, b.vat_pct)),
            after: rules::amount_text(r.rate.amount, r.rate.unit, r.rate.vat_pct),
            rate: r.clone(),
        });
    }
    let count = |c: Change| lines.iter().filter(|l| l.change == c).count();
    let (new, changed, unchanged, missing) = (
        count(Change::New),
        count(Change::Changed),
        count(Change::Unchanged),
        count(Change::OfferNotFound),
    );
    let mut text = format!(
        "{}, {}, {}, {missing} for tilbud, der ikke findes i kataloget (de gemmes og tages i brug, når et katalog med tilbuddet indlæses).",
        crate::fmt::count(new, "ny takst", "nye takster"),
        crate::fmt::count(changed, "ændret", "ændrede"),
        crate::fmt::count(unchanged, "uændret", "uændrede"),
    );
    if !sheet.unknown_columns.is_empty() {
        text.push_str(&format!(
            " Ukendte kolonner (ignoreres): {}.",
            sheet.unknown_columns.join(", ")
        ));
    }
    Ok(Preview {
        file_name: sheet.file_name.clone(),
        sha256: sheet.sha256.clone(),
        token: String::new(),
        lines,
        new,
        changed,
        unchanged,
        offers_not_found: missing,
        unknown_columns: sheet.unknown_columns.clone(),
        text,
    })
}

/// Saves the new and changed rates of `sheet` in one transaction; rates for offers not in the
/// catalogue are kept until a catalogue import adds the offer (`apply_pending`). With
/// `shown`, the preview the user saw: when the database would now give another preview,
/// nothing is saved (`Error::Conflict`). Returns the preview that was applied.
pub fn import_sheet(conn: &Connection, sheet: &Sheet, shown: Option<&Preview>) -> Result<Preview> {
    let tx = conn.unchecked_transaction()?;
    let mut preview = preview_sheet(&tx, sheet)?;
    if let Some(shown) = shown {
        if shown.lines != preview.lines {
            return Err(Error::Conflict(
                "Taksterne i databasen er ændret, siden forhåndsvisningen blev vist (fx af en anden indlæsning). Intet er gemt; vælg takstoversigten igen, se den nye forhåndsvisning, og gem derefter.".into(),
            ));
        }
        preview.token = shown.token.clone();
    }
    let source = format!("takstoversigt {}", preview.file_name);
    let now = audit::now_local();
    for l in preview
        .lines
        .iter()
        .filter(|l| matches!(l.change, Change::New | Change::Changed))
    {
        store::upsert(&tx, &l.rate.rate, &source, &now)?;
    }
    // The sheet as imported, for the municipality's server (docs/server.md).
    let rows: Vec<&Rate> = sheet.rates.iter().map(|r| &r.rate).collect();
    let rows = serde_json::to_string(&rows)
        .map_err(|e| Error::Internal(format!("Takstoversigten kunne ikke gemmes: {e}")))?;
    store::put_sheet(
        &tx,
        &store::ImportedSheet {
            sha256: sheet.sha256.clone(),
            file_name: sheet.file_name.clone(),
            rows,
        },
        &now,
    )?;
    for l in preview
        .lines
        .iter()
        .filter(|l| l.change == Change::OfferNotFound)
    {
        store::put_pending(&tx, &sheet.sha256, &l.rate.rate, &source)?;
    }
    audit::record(
        &tx,
        "rates.import",
        &preview.file_name,
        &serde_json::json!({
            "new": preview.new,
            "changed": preview.changed,
            "pending": preview.offers_not_found,
            "sha256": preview.sha256,
        }),
    )?;
    tx.commit()?;
    Ok(preview)
}

/// Takes into use the kept rates of rate sheets whose offer is now in the catalogue, in the
/// order the sheets were imported (inside a catalogue import's transaction, after its
/// offers are written): a sheet's rate replaces the catalogue's, as when the sheet is
/// imported. Returns how many.
pub fn apply_pending(conn: &Connection, now: &str) -> Result<usize> {
    let mut applied = 0;
    for p in store::pending(conn)? {
        if catalogue::store::offer_exists(conn, &p.rate.offer_id)? {
            store::upsert(conn, &p.rate, &p.source, now)?;
            store::remove_pending(conn, p.seq)?;
            applied += 1;
        }
    }
    Ok(applied)
}

/// What importing the file at `path` would change (reads and checks it; saves nothing).
pub fn preview(conn: &Connection, path: &Path) -> Result<Preview> {
    preview_sheet(conn, &sheet::read(path)?)
}

/// Reads, checks and saves the file at `path` in one step (the CLI, which shows no preview
/// first): the same checks as the window's preview, then the same transaction.
pub fn import(conn: &Connection, path: &Path) -> Result<Preview> {
    import_sheet(conn, &sheet::read(path)?, None)
}

/// Imports a rate sheet published on the municipality's server by another computer (its
/// rows, file name and SHA-256): checked as a file is (`sheet::from_published`), then saved by
/// the same transaction as a local import, with the same source («takstoversigt <fil>»).
/// Returns None when this sheet was imported here already.
pub fn receive_sheet(
    conn: &Connection,
    file_name: &str,
    sha256: &str,
    rows: &str,
) -> Result<Option<Preview>> {
    if store::has_sheet(conn, sha256)? {
        return Ok(None);
    }
    let sheet = sheet::from_published(file_name, sha256, rows)?;
    import_sheet(conn, &sheet, None).map(Some)
}

/// The sheets imported here: (SHA-256, file name, rows as JSON).
pub fn imported_sheets(conn: &Connection) -> Result<Vec<store::ImportedSheet>> {
    store::sheets(conn)
}

/// The SHA-256 of every sheet kept here, without the rows.
pub fn imported_sheet_hashes(conn: &Connection) -> Result<Vec<String>> {
    store::sheet_hashes(conn)
}

/// A sheet the user has seen previewed, kept until it is saved or replaced.
#[derive(Debug)]
pub struct Previewed {
    sheet: Sheet,
    preview: Preview,
}

impl Previewed {
    /// Previews `sheet` against the database and names the preview `token`.
    pub fn new(conn: &Connection, sheet: Sheet, token: String) -> Result<Previewed> {
        let mut preview = preview_sheet(conn, &sheet)?;
        preview.token = token;
        Ok(Previewed { sheet, preview })
    }

    pub fn preview(&self) -> &Preview {
        &self.preview
    }

    pub fn token(&self) -> &str {
        &self.preview.token
    }

    /// Saves exactly the previewed rates, unless the database has changed since.
    pub fn import(&self, conn: &Connection) -> Result<Preview> {
        import_sheet(conn, &self.sheet, Some(&self.preview))
    }
}

/// The window's pending preview: at most one, the latest, under a fresh token each time.
#[derive(Debug, Default)]
pub struct Pending {
    seq: u64,
    current: Option<Previewed>,
}

impl Pending {
    /// A token for a new preview of `sheet`: a sequence number and the file's digest.
    pub fn next_token(&mut self, sheet: &Sheet) -> String {
        self.seq += 1;
        let digest: String = sheet.sha256.chars().take(16).collect();
        format!("{}-{digest}", self.seq)
    }

    /// Keeps `previewed` in place of any earlier preview.
    pub fn keep(&mut self, previewed: Previewed) {
        self.current = Some(previewed);
    }

    /// Takes the preview named `token`; a token that is not the latest preview's is refused
    /// (the preview was saved, replaced by a newer one, or the app was restarted).
    pub fn take(&mut self, token: &str) -> Result<Previewed> {
        match self.current.take() {
            Some(p) if p.token() == token => Ok(p),
            other => {
                self.current = other;
                Err(Error::Conflict(
                    "Der er ingen forhåndsvisning at gemme: den er allerede gemt, erstattet af en nyere, eller programmet er startet igen. Vælg takstoversigten igen, og gem fra den nye forhåndsvisning.".into(),
                ))
            }
        }
    }
}
