//! Reading a rate sheet (*takstoversigt*) as the secretariats publish them: `.xlsx`
//! (calamine) or CSV (semicolon or comma, decimal comma). The usual Danish headings are
//! recognised; unknown columns are reported. Every problem names the sheet, row and column.

use calamine::{Data, Reader};
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::Path;
use std::str::FromStr;

use super::model::{Calculation, Rate, Unit};
use crate::catalogue::model::LegalBasis;
use crate::error::{Error, Problem, Result};
use crate::fmt;

/// The columns a rate sheet may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Offer,
    Department,
    Basis,
    Year,
    Amount,
    DayRate,
    MonthRate,
    Unit,
    Vat,
    Direct,
    Indirect,
    Overhead,
    Capital,
    Occupancy,
    ActualOccupancy,
    Name,
}

/// Normalised heading → column. Lower case, letters and digits only.
fn column(heading: &str) -> Option<Column> {
    let h: String = heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some(match h.as_str() {
        "tilbudsid" | "tilbudid" | "tilbudsnummer" | "tilbudsnr" | "id" | "tilbud" => Column::Offer,
        "afdeling" | "afdelingsid" | "afdelingid" => Column::Department,
        "lovgrundlag" | "paragraf" | "" | "lovparagraf" => Column::Basis,
        "år" | "takstår" | "aar" => Column::Year,
        "takst" | "beløb" | "takstbeløb" => Column::Amount,
        "døgntakst" | "takstprdøgn" | "dagtakst" => Column::DayRate,
        "månedstakst" | "takstprmåned" => Column::MonthRate,
        "enhed" | "takstenhed" | "takstart" => Column::Unit,
        "moms" | "momspct" | "moms%" | "momsprocent" => Column::Vat,
        "direkteomkostninger" | "direkteudgifter" => Column::Direct,
        "indirekteomkostninger" | "indirekteudgifter" => Column::Indirect,
        "overhead" | "overheadpct" | "administrationsbidrag" | "overheadprocent" => {
            Column::Overhead
        }
        "kapitalomkostninger" | "kapitaludgifter" => Column::Capital,
        "budgetteretbelægning" | "belægningsprocent" | "budgetteretbelægningpct" => {
            Column::Occupancy
        }
        "faktiskbelægning" | "faktiskbelægningpct" | "realiseretbelægning" => {
            Column::ActualOccupancy
        }
        "tilbudsnavn" | "navn" => Column::Name,
        _ => return None,
    })
}

/// One rate as read, with where it stands in the sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetRate {
    #[serde(flatten)]
    pub rate: Rate,
    /// Where it came from: "Ark «Takster», række 7".
    pub place: String,
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                // Excel numbers as typed: the shortest decimal text, with a decimal comma.
                format!("{f}").replace('.', ",")
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Reads the file: the first sheet of an `.xlsx`, or a CSV. Rows are lists of cell texts.
fn read_rows(path: &Path) -> Result<(String, Vec<Vec<String>>)> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "xlsx" || ext == "xlsm" {
        let mut book = calamine::open_workbook_auto(path).map_err(|e| {
            Error::Invalid(format!("Regnearket {} kan ikke åbnes: {e}", path.display()))
        })?;
        let sheet = book.sheet_names().first().cloned().ok_or_else(|| {
            Error::Invalid(format!("Regnearket {} har ingen ark.", path.display()))
        })?;
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| Error::Invalid(format!("Arket «{sheet}» kan ikke læses: {e}")))?;
        let rows = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        return Ok((format!("Ark «{sheet}»"), rows));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), e))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Invalid(format!(
            "{} er ikke UTF-8. Gem CSV-filen som «CSV UTF-8» i Excel.",
            path.display()
        ))
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            Error::Invalid(format!("CSV-filen, række {}: kan ikke læses ({e}).", i + 1))
        })?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(("CSV-filen".to_string(), rows))
}

fn decimal(s: &str) -> Option<Decimal> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return None;
    }
    fmt::parse_amount(t).or_else(|| Decimal::from_str(&t.replace(',', ".")).ok())
}

/// Reads and validates a rate sheet. On any problem: an error listing each (sheet, row,
/// column) and nothing else happens.
pub fn read(path: &Path) -> Result<(Vec<SheetRate>, Vec<String>)> {
    let (sheet, rows) = read_rows(path)?;
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // The header row: the first row with a recognised offer column.
    let header_at = rows
        .iter()
        .position(|r| r.iter().any(|c| column(c) == Some(Column::Offer)))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{sheet} i {file}: ingen kolonne med tilbuddets id (fx «Tilbuds-id»)."
            ))
        })?;
    let header = &rows[header_at];
    let cols: Vec<Option<Column>> = header.iter().map(|h| column(h)).collect();
    let unknown: Vec<String> = header
        .iter()
        .zip(&cols)
        .filter(|(h, c)| c.is_none() && !h.trim().is_empty())
        .map(|(h, _)| h.clone())
        .collect();
    let mut problems = missing_columns(&cols, &sheet, header_at);
    let mut out = Vec::new();
    if problems.is_empty() {
        let table = Table {
            sheet: &sheet,
            header,
            cols: &cols,
        };
        for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let mut r = SheetRow {
                table: &table,
                row,
                n: i + 1,
                problems: &mut problems,
            };
            if let Some(rate) = r.rate() {
                out.push(rate);
            }
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(Problem {
            place: sheet.clone(),
            message: "takstoversigten indeholder ingen takster".into(),
        });
    }
    if !problems.is_empty() {
        return Err(rejected(&file, problems));
    }
    Ok((out, unknown))
}

/// The columns every sheet must have: basis, year and an amount.
fn missing_columns(cols: &[Option<Column>], sheet: &str, header_at: usize) -> Vec<Problem> {
    let has = |c: Column| cols.contains(&Some(c));
    let mut problems = Vec::new();
    for (needed, label) in [(Column::Basis, "Lovgrundlag"), (Column::Year, "År")] {
        if !has(needed) {
            problems.push(Problem {
                place: format!("{sheet}, overskriftsrække {}", header_at + 1),
                message: format!("kolonnen «{label}» mangler"),
            });
        }
    }
    if !(has(Column::Amount) || has(Column::DayRate) || has(Column::MonthRate)) {
        problems.push(Problem {
            place: format!("{sheet}, overskriftsrække {}", header_at + 1),
            message: "kolonnen «Takst» (eller «Døgntakst»/«Månedstakst») mangler".into(),
        });
    }
    problems
}

/// The refusal: at most 20 problems listed, and how many more there are.
fn rejected(file: &str, mut problems: Vec<Problem>) -> Error {
    let more = problems.len().saturating_sub(20);
    problems.truncate(20);
    let mut msg = format!(
        "Takstoversigten {file} blev afvist, og intet er ændret. {} fejl:",
        problems.len() + more
    );
    for p in &problems {
        msg.push_str(&format!("\n  - {p}"));
    }
    if more > 0 {
        msg.push_str(&format!("\n  … og {more} fejl mere."));
    }
    Error::Invalid(msg)
}

/// The sheet's name, header row and the columns recognised in it.
struct Table<'a> {
    sheet: &'a str,
    header: &'a [String],
    cols: &'a [Option<Column>],
}

/// One data row (number `n`, counted from 1) as it is read, with the problems found so far.
struct SheetRow<'a> {
    table: &'a Table<'a>,
    row: &'a [String],
    n: usize,
    problems: &'a mut Vec<Problem>,
}

impl<'a> SheetRow<'a> {
    /// A column's cell ("" when the sheet has no such column) and its heading.
    fn get(&self, c: Column) -> (&'a str, String) {
        let idx = self.table.cols.iter().position(|x| *x == Some(c));
        let value = idx
            .and_then(|i| self.row.get(i))
            .map(String::as_str)
            .unwrap_or("");
        let name = idx
            .and_then(|i| self.table.header.get(i))
            .cloned()
            .unwrap_or_default();
        (value, name)
    }

    fn bad(&mut self, col: String, message: String) {
        self.problems.push(Problem {
            place: format!("{}, række {}, kolonne «{col}»", self.table.sheet, self.n),
            message,
        });
    }

    /// The row's rate, when it has no problem that stops one.
    fn rate(&mut self) -> Option<SheetRate> {
        let (offer, offer_col) = self.get(Column::Offer);
        if offer.trim().is_empty() {
            self.bad(offer_col, "tilbuddets id mangler".into());
            return None;
        }
        let (basis_text, basis_col) = self.get(Column::Basis);
        let basis = LegalBasis::parse(basis_text)
            .map_err(|e| self.bad(basis_col, e.to_string()))
            .ok();
        let (year_text, year_col) = self.get(Column::Year);
        let year = year_text
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            self.bad(year_col, format!("«{year_text}» er ikke et årstal"));
        }
        let (amount, unit) = self.amount_and_unit();
        let vat = self.optional(Column::Vat).unwrap_or(Decimal::ZERO);
        let direct = self.optional(Column::Direct);
        let indirect = self.optional(Column::Indirect);
        let overhead = self.optional(Column::Overhead);
        let capital = self.optional(Column::Capital);
        let occupancy = self.optional(Column::Occupancy);
        let actual = self.optional(Column::ActualOccupancy);
        let (Some(basis), Some(year), Some(amount), Some(unit)) = (basis, year, amount, unit)
        else {
            return None;
        };
        Some(SheetRate {
            rate: Rate {
                offer_id: offer.trim().to_string(),
                department_id: self.get(Column::Department).0.trim().to_string(),
                basis,
                year,
                amount,
                unit,
                vat_pct: vat,
                calculation: Calculation {
                    direct_costs: direct,
                    indirect_costs: indirect,
                    overhead_pct: overhead,
                    capital_costs: capital,
                    budgeted_occupancy_pct: occupancy,
                },
                actual_occupancy_pct: actual,
            },
            place: format!("{}, række {}", self.table.sheet, self.n),
        })
    }

    /// The amount (over 0) and its unit: a day rate, else a month rate, else an amount with
    /// the unit its own column names (a day when none).
    fn amount_and_unit(&mut self) -> (Option<Decimal>, Option<Unit>) {
        let (day, day_col) = self.get(Column::DayRate);
        let (month, month_col) = self.get(Column::MonthRate);
        let (plain, plain_col) = self.get(Column::Amount);
        let (unit_text, unit_col) = self.get(Column::Unit);
        let (amount, unit) = if !day.trim().is_empty() {
            (
                decimal(day).ok_or_else(|| (day_col, day.to_string())),
                Some(Unit::Dag),
            )
        } else if !month.trim().is_empty() {
            (
                decimal(month).ok_or_else(|| (month_col, month.to_string())),
                Some(Unit::Maaned),
            )
        } else {
            let unit = match unit_text.trim().to_lowercase().as_str() {
                "" | "dag" | "døgn" | "pr. døgn" | "døgntakst" => Some(Unit::Dag),
                "måned" | "maaned" | "pr. måned" | "månedstakst" => Some(Unit::Maaned),
                _ => {
                    self.bad(
                        unit_col,
                        format!("«{unit_text}» er hverken døgn eller måned"),
                    );
                    None
                }
            };
            (
                decimal(plain).ok_or_else(|| (plain_col, plain.to_string())),
                unit,
            )
        };
        let amount = match amount {
            Ok(a) if a > Decimal::ZERO => Some(a),
            Ok(a) => {
                self.bad("Takst".into(), format!("taksten {a} skal være over 0"));
                None
            }
            Err((col, text)) => {
                self.bad(col, format!("«{text}» er ikke et beløb; skriv fx 3.200,00"));
                None
            }
        };
        (amount, unit)
    }

    /// An optional number; a cell that is not one is a problem.
    fn optional(&mut self, c: Column) -> Option<Decimal> {
        let (text, col) = self.get(c);
        if text.trim().is_empty() {
            return None;
        }
        let v = decimal(text);
        if v.is_none() {
            self.bad(col, format!("«{text}» er ikke et tal"));
        }
        v
    }
}
