//! Opening a rate sheet before anything is parsed: its size is bounded, its kind is read from
//! its first bytes (not only its name), its SHA-256 is taken for the audit log, and every
//! failure is a Danish sentence that says what to do.
//!
//! The bounds are for a *rate sheet*: a secretariat's sheet has a few hundred to a few
//! thousand rows and 10–30 columns and fills well under 1 MB as `.xlsx`. They are wide enough
//! for a whole region's sheet many times over and narrow enough that no file can make the
//! reader use more than some hundred megabytes (see `docs/` and the tests in
//! `core/tests/ratesheet.rs`).

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::{Error, Problem, Result};
use crate::fmt;

/// The largest rate-sheet file, as stored on disk (`.xlsx` or CSV): 20 MiB.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// The most rows a sheet may use (title rows and the header row included).
pub const MAX_ROWS: usize = 20_000;
/// The most columns a sheet may use (A to CV).
pub const MAX_COLUMNS: usize = 100;
/// The largest single part of an `.xlsx` unpacked (the sheet's XML, the shared strings): 40 MiB.
pub const MAX_PART_BYTES: u64 = 40 * 1024 * 1024;
/// All parts of an `.xlsx` unpacked together: 100 MiB.
pub const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;
/// The most parts (files inside the zip) an `.xlsx` may have.
pub const MAX_PARTS: usize = 1_000;
/// All the cell text read from a sheet together: 32 MiB.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// What the file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A zip: an `.xlsx` workbook (or something else zipped, which the reader refuses).
    Xlsx,
    /// Text: read as CSV.
    Csv,
}

/// An opened rate sheet: the file at its start, what it is, its name and its SHA-256.
pub(super) struct Opened {
    pub file: File,
    pub kind: Kind,
    pub name: String,
    pub sha256: String,
}

/// The refusal of a whole file, with one problem: what is wrong and what to do.
pub(super) fn refuse(file: &str, place: &str, message: String) -> Error {
    Error::Rejected {
        what: "Takstoversigten",
        file: file.to_string(),
        problems: vec![Problem {
            place: place.to_string(),
            message,
        }],
        more: 0,
    }
}

/// A file that cannot be opened or read, in Danish (never the system's English text).
pub(super) fn io_error(path: &Path, e: &std::io::Error) -> Error {
    let shown = path.display();
    match e.kind() {
        ErrorKind::NotFound => Error::NotFound(format!(
            "Filen {shown} findes ikke. Vælg takstoversigten igen."
        )),
        ErrorKind::PermissionDenied => Error::Invalid(format!(
            "Pladsoverblik har ikke adgang til at læse {shown}. Kopiér filen til en mappe, du selv ejer (fx Dokumenter), og vælg den igen."
        )),
        _ => Error::Invalid(format!(
            "Filen {shown} kan ikke læses (den er måske åben i et andet program eller ligger på et drev, der ikke svarer). Luk den andre steder, kopiér den evt. til Dokumenter, og prøv igen."
        )),
    }
}

/// "1,2 MB"
pub(super) fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    let v = rust_decimal::Decimal::new(i64::try_from(tenths).unwrap_or(i64::MAX), 1);
    format!("{} MB", fmt::number(v, 1))
}

/// Opens `path`, refuses a file over `MAX_FILE_BYTES` (before reading it), a folder, an
/// older Excel format and a password-protected workbook; takes the SHA-256 and rewinds.
pub(super) fn open(path: &Path) -> Result<Opened> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let mut file = File::open(path).map_err(|e| io_error(path, &e))?;
    let meta = file.metadata().map_err(|e| io_error(path, &e))?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!(
            "{} er ikke en almindelig fil (men fx en mappe). Vælg en .xlsx- eller .csv-fil.",
            path.display()
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(&name, meta.len()));
    }
    let (sha256, head, read) = digest(&mut file).map_err(|e| io_error(path, &e))?;
    if read > MAX_FILE_BYTES {
        // The file grew after its size was read.
        return Err(too_large(&name, read));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, &e))?;
    let kind = kind_of(&head, &name)?;
    Ok(Opened {
        file,
        kind,
        name,
        sha256,
    })
}

fn too_large(name: &str, bytes: u64) -> Error {
    refuse(
        name,
        "Filen",
        format!(
            "den fylder {}; en takstoversigt må højst fylde {}. Gem kun arket med taksterne (uden billeder og andre ark) i en ny fil, eller del takstoversigten i flere filer, og prøv igen.",
            megabytes(bytes),
            megabytes(MAX_FILE_BYTES)
        ),
    )
}

/// The file's SHA-256 (lower-case hex), its first 8 bytes and how many bytes were read: at
/// most `MAX_FILE_BYTES + 1`, so a file that grows while it is read is still bounded.
fn digest(file: &mut File) -> std::io::Result<(String, Vec<u8>, u64)> {
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(8);
    let mut buf = vec![0u8; 64 * 1024];
    let mut limited = (&*file).take(MAX_FILE_BYTES + 1);
    let mut read = 0u64;
    loop {
        let n = limited.read(&mut buf)?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if head.len() < 8 {
            let want = (8 - head.len()).min(n);
            head.extend_from_slice(&buf[..want]);
        }
        hasher.update(&buf[..n]);
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, head, read))
}

/// The kind by the first bytes: a zip is an `.xlsx`; an OLE compound file is an old `.xls`
/// or a password-protected workbook; anything else is read as CSV, unless its name says
/// it should have been a workbook.
fn kind_of(head: &[u8], name: &str) -> Result<Kind> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if head.starts_with(ZIP) {
        return Ok(Kind::Xlsx);
    }
    if head.starts_with(OLE) {
        return Err(refuse(
            name,
            "Filen",
            "den er et ældre Excel-regneark (.xls) eller et regneark beskyttet med adgangskode, og Pladsoverblik læser kun .xlsx og CSV. Åbn den i Excel, fjern en eventuel adgangskode, gem den som «Excel-projektmappe (*.xlsx)», og prøv igen.".into(),
        ));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods") {
        return Err(refuse(
            name,
            "Filen",
            "den er ikke et gyldigt Excel-regneark (.xlsx): indholdet er ikke en Excel-projektmappe (filen er måske beskadiget, ufuldstændigt hentet eller en anden filtype med forkert endelse). Åbn den i Excel, gem den igen som «Excel-projektmappe (*.xlsx)» eller som «CSV UTF-8», og prøv igen.".into(),
        ));
    }
    Ok(Kind::Csv)
}
