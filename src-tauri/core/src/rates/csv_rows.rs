//! A CSV rate sheet, streamed record by record (never read whole): UTF-8 with or without a
//! byte order mark; a UTF-16 file ("Unicode-tekst" in Excel) is refused with what to do. The
//! separator (semicolon, comma or tab) is taken from the header row alone — the first row
//! with a recognised offer column — and every later row must have exactly the header's
//! number of fields: a decimal comma in a comma-separated file is an error naming the row,
//! never a field silently dropped.
//!
//! Rows are numbered as Excel shows the file: a blank line is a row, and a quoted cell with
//! a line break stays in its row (a record ends at a line break outside quotes).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Take};
use std::path::Path;

use super::file::{self, Opened, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS};
use super::sheet::{header_score, Table};
use crate::error::{Error, Result};
use crate::fmt;

const SEPARATORS: [u8; 3] = [b';', b',', b'\t'];

type Input<'a> = BufReader<Take<&'a File>>;

fn separator_name(d: u8) -> &'static str {
    match d {
        b';' => "semikolon",
        b',' => "komma",
        _ => "tabulator",
    }
}

/// Reads the CSV sheet into `table`, one record at a time.
pub(super) fn read(opened: &Opened, table: &mut Table) -> Result<()> {
    let name = opened.name.as_str();
    // Bounded again while reading: the file may have grown since it was opened.
    let mut input = BufReader::with_capacity(64 * 1024, (&opened.file).take(MAX_FILE_BYTES));
    skip_bom(&mut input, name)?;
    let mut record = Vec::new();
    let mut separator = None;
    for n in 1.. {
        if !next_record(&mut input, &mut record).map_err(|e| file::io_error(Path::new(name), &e))? {
            return Ok(());
        }
        if n > MAX_ROWS {
            return Err(too_many_rows(name));
        }
        if std::str::from_utf8(&record).is_err() {
            return Err(not_utf8(name, n));
        }
        match separator {
            None => separator = header(name, table, n, &record)?,
            Some(d) => data_row(table, n, d, &split(&record, d)),
        }
    }
    Ok(())
}

/// A row before the header: the header itself when, split by one of the separators, it has
/// an offer column (the separator giving the most recognised columns wins); then the
/// separator for the rest of the file. Title rows above it are skipped.
fn header(name: &str, table: &mut Table, n: usize, record: &[u8]) -> Result<Option<u8>> {
    let best = SEPARATORS
        .iter()
        .map(|&d| (d, split(record, d)))
        .map(|(d, cells)| (header_score(&cells), d, cells))
        .fold(None::<(usize, u8, Vec<String>)>, |best, c| match best {
            Some(b) if b.0 >= c.0 => Some(b),
            _ => Some(c),
        });
    let Some((_, separator, cells)) = best.filter(|b| b.0 > 0) else {
        return Ok(None);
    };
    if cells.len() > MAX_COLUMNS {
        return Err(file::refuse(
            name,
            &format!("CSV-filen, række {n}"),
            format!(
                "overskriftsrækken har {} kolonner; en takstoversigt må højst have {MAX_COLUMNS}. Slet de tomme eller overflødige kolonner, og prøv igen.",
                cells.len()
            ),
        ));
    }
    table.push(n, &cells);
    Ok(Some(separator))
}

/// One row after the header: a row with another number of fields than the header is a
/// problem; otherwise its cells go to the table. A blank row is skipped.
fn data_row(table: &mut Table, n: usize, separator: u8, cells: &[String]) {
    if cells.iter().all(|c| c.is_empty()) {
        return;
    }
    let expected = table.header_len().unwrap_or(0);
    if cells.len() == expected {
        table.push(n, cells);
        return;
    }
    let hint = if separator == b',' {
        "Når komma er skilletegn, deler et beløb med decimalkomma (fx 7701,50) sig i to felter: gem filen med semikolon som skilletegn (i Excel: «CSV (semikolonsepareret)» eller «CSV UTF-8»), eller sæt beløbet i anførselstegn (\"7701,50\")."
    } else {
        "Ret rækken, så den har ét felt for hver overskrift (et tomt felt må gerne stå tomt), og prøv igen."
    };
    table.row_problem(
        n,
        format!(
            "rækken har {} felter, men overskriftsrækken har {expected} (skilletegnet er {}). {hint}",
            cells.len(),
            separator_name(separator)
        ),
    );
}

/// The next record into `record` (its line break dropped): lines are joined while a quote is
/// open. `false` at the end of the file.
fn next_record(input: &mut Input, record: &mut Vec<u8>) -> std::io::Result<bool> {
    record.clear();
    let mut quotes = 0usize;
    loop {
        let start = record.len();
        if input.read_until(b'\n', record)? == 0 {
            return Ok(!record.is_empty());
        }
        quotes += record[start..].iter().filter(|b| **b == b'"').count();
        if quotes.is_multiple_of(2) {
            if record.ends_with(b"\n") {
                record.pop();
            }
            if record.ends_with(b"\r") {
                record.pop();
            }
            return Ok(true);
        }
    }
}

fn too_many_rows(file: &str) -> Error {
    let max = fmt::number(rust_decimal::Decimal::from(MAX_ROWS as u64), 0);
    file::refuse(
        file,
        "CSV-filen",
        format!(
            "den har mere end {max} rækker; en takstoversigt må højst have {max}. Del den i flere filer (fx én pr. år eller pr. rammeaftale), og prøv igen."
        ),
    )
}

/// Skips a UTF-8 byte order mark; refuses UTF-16 (with or without its mark) and binary data.
fn skip_bom(input: &mut Input, name: &str) -> Result<()> {
    let head = input
        .fill_buf()
        .map_err(|e| file::io_error(Path::new(name), &e))?;
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if utf16 || head.iter().take(4096).any(|b| *b == 0) {
        return Err(file::refuse(
            name,
            "CSV-filen",
            "den er gemt som UTF-16 («Unicode-tekst») eller er ikke en tekstfil, og Pladsoverblik læser CSV i UTF-8. Åbn den i Excel, gem den som «CSV UTF-8 (kommasepareret) (*.csv)», og prøv igen.".into(),
        ));
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.consume(3);
    }
    Ok(())
}

/// One record split by `separator` as CSV (quotes honoured, `""` a quote), cells trimmed.
/// The record is valid UTF-8 already; splitting at ASCII bytes keeps it so.
fn split(record: &[u8], separator: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(record);
    let mut fields = csv::ByteRecord::new();
    match reader.read_byte_record(&mut fields) {
        Ok(true) => fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn not_utf8(name: &str, n: usize) -> Error {
    file::refuse(
        name,
        &format!("CSV-filen, række {n}"),
        "teksten er ikke UTF-8 (filen er nok gemt med et ældre tegnsæt, fx «CSV (semikolonsepareret)» i en ældre Excel). Åbn filen i Excel, gem den som «CSV UTF-8 (kommasepareret) (*.csv)», og prøv igen.".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_splits_with_quotes() {
        assert_eq!(
            split(b"K-1;\"7701,50\";x", b';'),
            vec!["K-1", "7701,50", "x"]
        );
        assert_eq!(split(b"K-1,\"7701,50\"", b','), vec!["K-1", "7701,50"]);
        assert_eq!(
            split(b"K-1;\"to\nlinjer \"\"citat\"\"\"", b';'),
            vec!["K-1", "to\nlinjer \"citat\""]
        );
        assert_eq!(split(b"", b';'), Vec::<String>::new());
    }
}
