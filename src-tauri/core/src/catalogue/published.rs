//! The catalogue snapshot shared through the municipality's server (docs/server.md,
//! "Catalogue snapshots"): the file imported here is kept gzip-compressed for the next sync to
//! publish (only a real catalogue, only with a server set up), and a newer one published by
//! another computer is unpacked — bounded, so a hostile file cannot fill the disk — into a file
//! that the normal import (with its backup) then reads.

use chrono::NaiveDate;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rusqlite::Connection;
use std::io::{Read, Write};
use std::path::Path;

use super::import::ImportReport;
use super::store::{self, KeptFile};
use crate::error::{Error, Result};
use crate::{audit, fmt};

/// A catalogue unpacked from the server is at most this large (the generated 100.000-offer
/// catalogue is far below it).
pub const MAX_UNPACKED_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Keeps the file at `path`, just imported, for the server — unless it is an example
/// catalogue or no server is set up (then nothing is kept and nothing costs time).
pub fn keep(conn: &Connection, path: &Path, report: &ImportReport) -> Result<()> {
    if report.example || crate::settings::server(conn)?.is_none() {
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), e))?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&bytes)
        .and_then(|_| gz.flush())
        .map_err(|e| Error::io(path.display(), e))?;
    let content = gz.finish().map_err(|e| Error::io(path.display(), e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    store::keep_file(
        conn,
        &KeptFile {
            sha256: fmt::sha256_hex(&bytes),
            extracted: report.extracted,
            source: report.source.clone(),
            file_name,
            content,
        },
        &audit::now_local(),
    )
}

/// The file kept for the server, if any.
pub fn kept(conn: &Connection) -> Result<Option<KeptFile>> {
    store::kept_file(conn)
}

/// The kept file's SHA-256 and extraction date, without reading its content.
pub fn kept_key(conn: &Connection) -> Result<Option<(String, NaiveDate)>> {
    store::kept_file_key(conn)
}

/// Unpacks a gzip-compressed catalogue from the server into `dest` (at most
/// `MAX_UNPACKED_BYTES`); a file that is not gzip or too large is refused in Danish and
/// `dest` is removed again.
pub fn unpack(content: &[u8], dest: &Path) -> Result<()> {
    let result = (|| {
        let mut out = std::fs::File::create(dest).map_err(|e| Error::io(dest.display(), e))?;
        let mut reader = GzDecoder::new(content).take(MAX_UNPACKED_BYTES + 1);
        let written = std::io::copy(&mut reader, &mut out).map_err(|_| {
            Error::Invalid(
                "Kataloget fra kommunens server kan ikke pakkes ud (det er ikke gzip eller er beskadiget). Intet er ændret.".into(),
            )
        })?;
        if written > MAX_UNPACKED_BYTES {
            return Err(Error::Invalid(format!(
                "Kataloget fra kommunens server er over {} GB udpakket og hentes ikke. Intet er ændret.",
                MAX_UNPACKED_BYTES / (1024 * 1024 * 1024)
            )));
        }
        out.sync_all().map_err(|e| Error::io(dest.display(), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(dest);
    }
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code
    use super::*;

    #[test]
    fn a_file_that_is_not_gzip_is_refused_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("katalog.json");
        let msg = unpack(b"{\"format\": \"pladsoverblik-katalog\"}", &dest)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("kan ikke pakkes ud"), "{msg}");
        assert!(!dest.exists());
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(b"{}").unwrap();
        unpack(&gz.finish().unwrap(), &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"{}");
    }
}
