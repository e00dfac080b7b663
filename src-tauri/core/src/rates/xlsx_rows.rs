//! An `.xlsx` rate sheet, bounded before it is unpacked: the zip's parts are counted and each
//! is inflated into nothing up to its bound (a declared size is not trusted), so a zip bomb
//! is refused after at most `MAX_PART_BYTES` of work and no memory. Then the first sheet's
//! cells are read one at a time with calamine's cell reader — never `worksheet_range`, which
//! allocates every cell of the used rectangle (A1 and XFD1048576 make 512 GiB) — and a cell
//! with content outside `MAX_ROWS` × `MAX_COLUMNS` refuses the file.

use calamine::{DataRef, Reader, Xlsx, XlsxError};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};

use super::file::{
    self, megabytes, Opened, MAX_COLUMNS, MAX_PARTS, MAX_PART_BYTES, MAX_ROWS, MAX_TEXT_BYTES,
    MAX_UNPACKED_BYTES,
};
use super::sheet::{column_letter, quoted, Table};
use crate::error::{Error, Result};
use crate::fmt;

/// What to do with a workbook that cannot be read.
const RESAVE: &str = "Åbn filen i Excel, gem den igen som «Excel-projektmappe (*.xlsx)» eller som «CSV UTF-8 (kommasepareret) (*.csv)», og prøv igen.";

/// Reads the first sheet of the workbook into `table`.
pub(super) fn read(opened: &Opened, table: &mut Table) -> Result<()> {
    inspect_zip(opened)?;
    let mut book: Xlsx<BufReader<&File>> =
        Xlsx::new(BufReader::new(&opened.file)).map_err(|e| not_xlsx(&opened.name, &e))?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(file::refuse(
            &opened.name,
            "Regnearket",
            format!("det har ingen ark. {RESAVE}"),
        ));
    };
    table.set_sheet(format!("Ark «{sheet}»"));
    let rows = cells(&mut book, &sheet, &opened.name, table.sheet())?;
    for (row, cells) in rows {
        let width = cells.iter().map(|(c, _)| *c + 1).max().unwrap_or(0);
        let mut dense = vec![String::new(); width];
        for (c, text) in cells {
            dense[c] = text;
        }
        table.push(row + 1, &dense);
    }
    Ok(())
}

/// Refuses a workbook with too many parts, or a part (or all of them together) that unpacks
/// beyond its bound. A declared size over the bound refuses at once; otherwise the part is
/// inflated into `io::sink()`, counting, up to its bound + 1 byte, so a size declared too
/// small is caught too (the zip reader also stops at the declared size: "damaged").
fn inspect_zip(opened: &Opened) -> Result<()> {
    let name = &opened.name;
    let mut zip = zip::ZipArchive::new(BufReader::new(&opened.file))
        .map_err(|_| file::refuse(name, "Filen", format!("den er ikke et gyldigt Excel-regneark (.xlsx): zip-indholdet er beskadiget. {RESAVE}")))?;
    if zip.len() > MAX_PARTS {
        return Err(file::refuse(
            name,
            "Regnearket",
            format!(
                "det består af {} dele; et regneark med en takstoversigt har højst {MAX_PARTS}. Kopiér arket med taksterne til en ny, tom projektmappe, gem den, og prøv igen.",
                fmt::number(rust_decimal::Decimal::from(zip.len() as u64), 0)
            ),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| zip_error(name, &e))?;
        let part_name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let limit = MAX_PART_BYTES.min(MAX_UNPACKED_BYTES - total);
        let mut refs = RefCheck::default();
        let unpacked = if part.size() > limit {
            part.size()
        } else {
            io::copy(&mut (&mut part).take(limit + 1), &mut refs).map_err(|_| damaged(name))?
        };
        if unpacked > limit {
            return Err(too_large(name, &part_name, unpacked, total));
        }
        if refs.bad && part_name.ends_with(".xml") && !part_name.starts_with("docProps/") {
            return Err(file::refuse(
                name,
                "Regnearket",
                format!("det indeholder en cellereference uden for det, et regneark kan rumme (en kolonne efter XFD eller en række over 1.048.576), så filen er beskadiget eller ikke gemt af Excel. {RESAVE}"),
            ));
        }
        total += unpacked;
    }
    Ok(())
}

/// Counts a part while it is unpacked and looks at every cell reference in it (the `r`,
/// `ref` and `sqref` attributes): calamine reads a reference's column letters and row digits
/// into a `u32` without a check, so "A99999999999999999999" panics in a debug build and
/// names a wrong cell in a release build. A reference may have at most 3 letters (XFD) and
/// 7 digits (1048576) per cell.
#[derive(Default)]
struct RefCheck {
    /// The last four bytes before the current one, outside a reference.
    tail: [u8; 4],
    /// The quote that ends the reference being read.
    quote: Option<u8>,
    letters: usize,
    digits: usize,
    bad: bool,
}

impl RefCheck {
    fn byte(&mut self, b: u8) {
        if let Some(q) = self.quote {
            match b {
                _ if b == q => self.quote = None,
                b'A'..=b'Z' | b'a'..=b'z' if self.digits == 0 => self.letters += 1,
                b'0'..=b'9' => self.digits += 1,
                b':' | b' ' => (self.letters, self.digits) = (0, 0),
                _ => {}
            }
            self.bad |= self.letters > 3 || self.digits > 7;
            return;
        }
        let t = self.tail;
        let attribute = (t[2..] == *b"r=" && t[1].is_ascii_whitespace()) || t == *b"ref=";
        if attribute && (b == b'"' || b == b'\'') {
            (self.quote, self.letters, self.digits) = (Some(b), 0, 0);
        }
        self.tail = [t[1], t[2], t[3], b];
    }
}

impl io::Write for RefCheck {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            self.byte(b);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn too_large(name: &str, part: &str, unpacked: u64, before: u64) -> Error {
    let message = if unpacked > MAX_PART_BYTES {
        format!(
            "delen {} fylder mindst {} udpakket; en del af en takstoversigt må højst fylde {} udpakket (filen kan være en såkaldt zip-bombe eller rumme meget andet end taksterne).",
            quoted(part),
            megabytes(unpacked),
            megabytes(MAX_PART_BYTES)
        )
    } else {
        format!(
            "regnearket fylder mindst {} udpakket; en takstoversigt må højst fylde {} udpakket.",
            megabytes(before.saturating_add(unpacked)),
            megabytes(MAX_UNPACKED_BYTES)
        )
    };
    file::refuse(
        name,
        "Regnearket",
        format!("{message} Kopiér arket med taksterne (uden billeder og andre ark) til en ny projektmappe, gem den, og prøv igen."),
    )
}

fn damaged(name: &str) -> Error {
    file::refuse(
        name,
        "Regnearket",
        format!("det er beskadiget (en del af filen kan ikke pakkes ud). {RESAVE}"),
    )
}

fn zip_error(name: &str, e: &zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::UnsupportedArchive(_) => file::refuse(
            name,
            "Regnearket",
            format!("det er pakket eller krypteret på en måde, Pladsoverblik ikke læser. {RESAVE}"),
        ),
        _ => damaged(name),
    }
}

/// A calamine error in Danish, never its English text.
fn not_xlsx(name: &str, e: &XlsxError) -> Error {
    match e {
        XlsxError::Password => file::refuse(
            name,
            "Regnearket",
            "det er beskyttet med adgangskode. Åbn det i Excel, fjern adgangskoden (Filer › Info › Beskyt projektmappe), gem det, og prøv igen.".into(),
        ),
        XlsxError::Io(_) | XlsxError::Zip(_) => damaged(name),
        _ => file::refuse(
            name,
            "Filen",
            format!("den er ikke et gyldigt Excel-regneark (.xlsx), eller dens indhold er beskadiget. {RESAVE}"),
        ),
    }
}

/// The sheet's non-empty cells by row, each row's cells by column (from 0). A cell with
/// content outside the bounds, or more text than `MAX_TEXT_BYTES` in all, refuses the file.
fn cells(
    book: &mut Xlsx<BufReader<&File>>,
    sheet: &str,
    name: &str,
    label: &str,
) -> Result<BTreeMap<usize, Vec<(usize, String)>>> {
    let unreadable = |_| {
        file::refuse(name, label, format!("arket kan ikke læses; det er beskadiget eller ikke et almindeligt regneark (fx et diagramark). {RESAVE}"))
    };
    let mut reader = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let mut rows: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    let mut text_bytes = 0usize;
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(unreadable)? {
        let percent = reader
            .styles()
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .is_some_and(|f| is_percent(&f.format_code));
        let text = cell_text(cell.get_value(), percent);
        if text.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(outside(name, label, r, c));
        }
        text_bytes = text_bytes.saturating_add(text.len());
        if text_bytes > MAX_TEXT_BYTES {
            return Err(file::refuse(
                name,
                label,
                format!(
                    "cellerne rummer tilsammen mere end {} tekst; en takstoversigt rummer langt mindre. Slet lange bemærkninger og andet end taksterne, og prøv igen.",
                    megabytes(MAX_TEXT_BYTES as u64)
                ),
            ));
        }
        rows.entry(r).or_default().push((c, text.into_owned()));
    }
    Ok(rows)
}

fn outside(name: &str, label: &str, r: usize, c: usize) -> Error {
    file::refuse(
        name,
        &format!("{label}, celle {}{}", column_letter(c), r + 1),
        format!(
            "cellen ligger uden for det område, en takstoversigt må fylde (højst {} rækker og {MAX_COLUMNS} kolonner, A1:{}{}). Slet indholdet uden for taksterne (marker de tomme rækker og kolonner under og til højre for taksterne, og vælg «Slet»), eller kopiér taksterne til et nyt ark, og prøv igen.",
            fmt::number(rust_decimal::Decimal::from(MAX_ROWS as u64), 0),
            column_letter(MAX_COLUMNS - 1),
            MAX_ROWS
        ),
    )
}

/// Whether a number format shows the value as a percentage ("0%", "0,0 %"): a `%` outside
/// quoted text and escapes.
fn is_percent(code: &str) -> bool {
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if !quoted => {
                chars.next();
            }
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A cell as text, trimmed: numbers as typed with a decimal comma ("98000,5"); a number shown
/// as a percentage as the percentage shown (0,06 formatted "0%" is "6": a «Moms %» column
/// formatted as a percentage in Excel).
fn cell_text<'a>(d: &'a DataRef<'_>, percent: bool) -> Cow<'a, str> {
    match d {
        DataRef::Float(f) if percent => Cow::Owned(percent_text(*f)),
        DataRef::Int(i) if percent => Cow::Owned(i.saturating_mul(100).to_string()),
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.trim())
        }
        DataRef::SharedString(s) => Cow::Borrowed(s.trim()),
        DataRef::Float(f) => Cow::Owned(float_text(*f)),
        DataRef::DateTime(d) => Cow::Owned(float_text(d.as_f64())),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "SAND" } else { "FALSK" }),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
    }
}

/// `f` × 100 as typed: the shortest decimal text of `f`, shifted two places in decimal (no
/// float rounding: 0,07 is "7", not "7,000000000000001").
fn percent_text(f: f64) -> String {
    rust_decimal::Decimal::from_str_exact(&format!("{f}"))
        .ok()
        .and_then(|d| d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED))
        .map(|d| d.normalize().to_string().replace('.', ","))
        .unwrap_or_else(|| float_text(f * 100.0))
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        // Excel numbers as typed: the shortest decimal text, with a decimal comma.
        format!("{f}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_beyond_a_sheet_are_found() {
        let bad = |xml: &[u8]| {
            let mut check = RefCheck::default();
            io::Write::write_all(&mut check, xml).unwrap();
            check.bad
        };
        assert!(!bad(
            br#"<dimension ref="A1:XFD1048576"/><row r="2"><c r="CV20000" s="1">"#
        ));
        assert!(!bad(
            br#"<selection sqref="A1:B2 C3"/><sheet r:id="rId1"/>"#
        ));
        assert!(bad(br#"<c r="A99999999999999999999">"#));
        assert!(bad(br#"<c r='AAAAAAA1'>"#));
        assert!(bad(br#"<dimension ref="A1:XFDA1"/>"#));
        assert!(bad(br#"<row r="12345678">"#));
    }

    #[test]
    fn percentages_as_shown() {
        assert!(is_percent("0%"));
        assert!(is_percent("0.00 %"));
        assert!(!is_percent("0.00\\%"));
        assert!(!is_percent("#,##0 \"kr. %\""));
        assert!(!is_percent("General"));
        assert_eq!(percent_text(0.06), "6");
        assert_eq!(percent_text(0.07), "7");
        assert_eq!(percent_text(0.955), "95,5");
        assert_eq!(percent_text(1.0), "100");
        assert_eq!(float_text(98_000.5), "98000,5");
    }
}
