//! Reading a rate sheet (*takstoversigt*) as the secretariats publish them: `.xlsx` or CSV
//! (semicolon, comma or tab, decimal comma). The usual Danish headings are recognised; unknown
//! columns are reported. The file is bounded before it is read (`file`), the `.xlsx` zip is
//! inspected before it is unpacked (`xlsx`), CSV rows are streamed (`csv`), and every value is
//! checked against `limits`. Every problem names the sheet, row and column; one problem
//! refuses the whole file, and nothing is ever dropped without a word.

use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

use super::file::{self, Kind};
use super::model::{Calculation, Rate, Unit};
use super::{csv_rows, xlsx_rows};
use crate::catalogue::model::LegalBasis;
use crate::error::{Error, Problem, Result};
use crate::fmt;
use crate::limits::{self, Range};

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

/// A heading → its column. Lower case, letters and digits only; an empty heading is never a
/// column (a lone "§" is the legal basis).
fn column(heading: &str) -> Option<Column> {
    if heading.trim() == "§" {
        return Some(Column::Basis);
    }
    let h: String = heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some(match h.as_str() {
        "tilbudsid" | "tilbudid" | "tilbudsnummer" | "tilbudsnr" | "id" | "tilbud" => Column::Offer,
        "afdeling" | "afdelingsid" | "afdelingid" => Column::Department,
        "lovgrundlag" | "paragraf" | "lovparagraf" => Column::Basis,
        "år" | "takstår" | "aar" => Column::Year,
        "takst" | "beløb" | "takstbeløb" => Column::Amount,
        "døgntakst" | "takstprdøgn" | "dagtakst" => Column::DayRate,
        "månedstakst" | "takstprmåned" => Column::MonthRate,
        "enhed" | "takstenhed" | "takstart" => Column::Unit,
        "moms" | "momspct" | "momsprocent" => Column::Vat,
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

/// How many columns of a row are recognised, when one of them is the offer's id (the row is
/// then a header row); 0 otherwise. The CSV reader picks its separator by this.
pub(super) fn header_score(cells: &[String]) -> usize {
    let cols: Vec<Option<Column>> = cells.iter().map(|c| column(c)).collect();
    if cols.contains(&Some(Column::Offer)) {
        cols.iter().filter(|c| c.is_some()).count()
    } else {
        0
    }
}

/// Column `i` (from 0) as Excel names it: A, B, …, Z, AA, ….
pub(super) fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// A cell's text as a message quotes it: at most 40 characters.
pub(super) fn quoted(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= 40 {
        format!("«{t}»")
    } else {
        format!("«{}…»", t.chars().take(40).collect::<String>())
    }
}

/// One rate as read, with where it stands in the sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetRate {
    #[serde(flatten)]
    pub rate: Rate,
    /// Where it came from: "Ark «Takster», række 7".
    pub place: String,
}

/// A rate sheet as read and checked: the rates exactly as they will be saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub file_name: String,
    /// The SHA-256 of the file as read (lower-case hex), for the audit log.
    pub sha256: String,
    pub rates: Vec<SheetRate>,
    /// Headings not recognised (their columns are not read).
    pub unknown_columns: Vec<String>,
}

/// Reads and checks a rate sheet. On any problem: `Error::Rejected` listing each (sheet, row,
/// column), and nothing else happens.
pub fn read(path: &Path) -> Result<Sheet> {
    let opened = file::open(path)?;
    let mut table = Table::new("CSV-filen".into());
    match opened.kind {
        Kind::Xlsx => xlsx_rows::read(&opened, &mut table)?,
        Kind::Csv => csv_rows::read(&opened, &mut table)?,
    }
    table.finish(opened.name, opened.sha256)
}

/// A sheet published on the municipality's server by another computer (its validated rows
/// as JSON, with the file's name and SHA-256), checked again as a file's rows are: every
/// value within its limits, each key once. On any problem: `Error::Rejected` naming the row,
/// and nothing is saved.
pub fn from_published(file_name: &str, sha256: &str, rows: &str) -> Result<Sheet> {
    let rejected = |problems: Vec<Problem>, more: usize| Error::Rejected {
        what: "Takstoversigten",
        file: file_name.to_string(),
        problems,
        more,
    };
    let rates: Vec<Rate> = serde_json::from_str(rows).map_err(|e| {
        rejected(
            vec![Problem {
                place: "kommunens server".into(),
                message: format!("taksterne kan ikke læses ({e})"),
            }],
            0,
        )
    })?;
    let mut problems = Problems::default();
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rates.len());
    for (i, r) in rates.into_iter().enumerate() {
        let place = format!("række {} fra kommunens server", i + 1);
        let before = problems.list.len() + problems.more;
        check_published_rate(&r, &place, &mut problems);
        let key = (r.offer_id.clone(), r.department_id.clone(), r.basis, r.year);
        if let Some(first) = seen.get(&key) {
            problems.push(
                place.clone(),
                format!("samme tilbud, afdeling, lovgrundlag og år som række {first}"),
            );
        }
        if problems.list.len() + problems.more > before {
            continue;
        }
        seen.insert(key, i + 1);
        out.push(SheetRate { rate: r, place });
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(
            "kommunens server".into(),
            "takstoversigten indeholder ingen takster".into(),
        );
    }
    if !problems.is_empty() {
        return Err(rejected(problems.list, problems.more));
    }
    Ok(Sheet {
        file_name: file_name.to_string(),
        sha256: sha256.to_string(),
        rates: out,
        unknown_columns: Vec::new(),
    })
}

/// One published rate's values checked against the same limits as a file's row.
fn check_published_rate(r: &Rate, place: &str, problems: &mut Problems) {
    if r.offer_id.trim().is_empty() {
        problems.push(place.to_string(), "tilbuddets id mangler".into());
    }
    for (text, what) in [(&r.offer_id, "Tilbuds-id"), (&r.department_id, "Afdeling")] {
        if let Err(e) = limits::text_len(text, limits::text::NAME, what) {
            problems.push(place.to_string(), e.to_string());
        }
    }
    if !limits::YEARS.contains(&r.year) {
        problems.push(
            place.to_string(),
            format!(
                "året {} ligger ikke mellem {} og {}",
                r.year,
                limits::YEARS.start(),
                limits::YEARS.end()
            ),
        );
    }
    let amount_range = match r.unit {
        Unit::Maaned => &limits::MONTHLY_RATE,
        _ => &limits::DAILY_RATE,
    };
    let c = &r.calculation;
    let values = [
        (Some(r.amount), amount_range),
        (Some(r.vat_pct), &limits::VAT_PCT),
        (c.direct_costs, &limits::YEAR_COST),
        (c.indirect_costs, &limits::YEAR_COST),
        (c.overhead_pct, &limits::OVERHEAD_PCT),
        (c.capital_costs, &limits::YEAR_COST),
        (c.budgeted_occupancy_pct, &limits::BUDGET_OCCUPANCY_PCT),
        (r.actual_occupancy_pct, &limits::ACTUAL_OCCUPANCY_PCT),
    ];
    for (v, range) in values {
        if let Some(v) = v {
            if range.check(v, "").is_err() {
                problems.push(place.to_string(), range.message(v, ""));
            }
        }
    }
}

/// The problems found so far: the first `MAX_PROBLEMS` and how many more.
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
    more: usize,
}

const MAX_PROBLEMS: usize = 20;

impl Problems {
    fn push(&mut self, place: String, message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem { place, message });
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The header row: where it is, its headings and the columns recognised in them.
struct Header {
    n: usize,
    headings: Vec<String>,
    cols: Vec<Option<Column>>,
    /// Whether the required columns are there; the rows are read only then (the missing
    /// column is the problem to fix first).
    complete: bool,
}

/// The key a rate is saved under; two rows with one key would overwrite each other.
type Key = (String, String, LegalBasis, i32);

/// A sheet as its rows arrive: title rows are skipped until the header row (the first with
/// a recognised offer column); each later row is a rate, checked, or problems.
pub(super) struct Table {
    sheet: String,
    header: Option<Header>,
    rates: Vec<SheetRate>,
    seen: HashMap<Key, usize>,
    problems: Problems,
}

impl Table {
    fn new(sheet: String) -> Table {
        Table {
            sheet,
            header: None,
            rates: Vec::new(),
            seen: HashMap::new(),
            problems: Problems::default(),
        }
    }

    /// The sheet's name as messages begin: "CSV-filen", "Ark «Takster»".
    pub(super) fn sheet(&self) -> &str {
        &self.sheet
    }

    pub(super) fn set_sheet(&mut self, sheet: String) {
        self.sheet = sheet;
    }

    /// The header row's number of cells, once it has been read.
    pub(super) fn header_len(&self) -> Option<usize> {
        self.header.as_ref().map(|h| h.headings.len())
    }

    /// A problem with a whole row (`n` from 1).
    pub(super) fn row_problem(&mut self, n: usize, message: String) {
        let place = format!("{}, række {n}", self.sheet);
        self.problems.push(place, message);
    }

    /// Row `n` (from 1): before the header, a title row or the header itself; after it, a
    /// rate. An empty row is skipped.
    pub(super) fn push(&mut self, n: usize, cells: &[String]) {
        let Some(header) = &self.header else {
            if header_score(cells) > 0 {
                self.set_header(n, cells);
            }
            return;
        };
        if !header.complete || cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let unheaded: Vec<usize> = (0..cells.len())
            .filter(|&i| !cells[i].trim().is_empty())
            .filter(|&i| header.headings.get(i).is_none_or(|h| h.trim().is_empty()))
            .collect();
        for i in unheaded {
            let place = format!("{}, række {n}, kolonne {}", self.sheet, column_letter(i));
            let message = format!(
                "cellen har en værdi ({}), men kolonnen har ingen overskrift. Giv kolonnen en overskrift (fx «Bemærkning»), eller slet værdien.",
                quoted(&cells[i])
            );
            self.problems.push(place, message);
        }
        let mut row = SheetRow {
            table: self,
            row: cells,
            n,
        };
        if let Some(rate) = row.rate() {
            self.add(rate, n);
        }
    }

    fn set_header(&mut self, n: usize, cells: &[String]) {
        let cols: Vec<Option<Column>> = cells.iter().map(|h| column(h)).collect();
        let place = format!("{}, overskriftsrække {n}", self.sheet);
        let missing = missing_columns(&cols);
        let complete = missing.is_empty();
        for message in missing {
            self.problems.push(place.clone(), message);
        }
        for (i, c) in cols.iter().enumerate() {
            if let Some(first) = c.and_then(|c| cols[..i].iter().position(|x| *x == Some(c))) {
                self.problems.push(
                    place.clone(),
                    format!(
                        "kolonne {} («{}») betyder det samme som kolonne {} («{}»); slet eller omdøb den ene, så det er klart, hvilken der gælder",
                        column_letter(i),
                        cells[i].trim(),
                        column_letter(first),
                        cells[first].trim()
                    ),
                );
            }
        }
        self.header = Some(Header {
            n,
            headings: cells.to_vec(),
            cols,
            complete,
        });
    }

    /// Keeps a checked rate unless another row has the same key.
    fn add(&mut self, rate: SheetRate, n: usize) {
        let r = &rate.rate;
        let key = (r.offer_id.clone(), r.department_id.clone(), r.basis, r.year);
        if let Some(first) = self.seen.get(&key) {
            self.row_problem(
                n,
                format!(
                    "samme tilbud, afdeling, lovgrundlag og år som række {first} ({} {} {}); hver takst må kun stå én gang. Slet den ene række.",
                    r.offer_id,
                    r.basis.label(),
                    r.year
                ),
            );
            return;
        }
        self.seen.insert(key, n);
        self.rates.push(rate);
    }

    /// The sheet, or the refusal with every problem.
    fn finish(mut self, file_name: String, sha256: String) -> Result<Sheet> {
        let Some(header) = &self.header else {
            let sheet = self.sheet.clone();
            self.problems.push(
                sheet,
                "ingen overskriftsrække med tilbuddets id (fx «Tilbuds-id»). Sæt overskrifterne i én række over taksterne, fx «Tilbuds-id», «Lovgrundlag», «År», «Takst»".into(),
            );
            return Err(self.rejected(&file_name));
        };
        let unknown_columns: Vec<String> = header
            .headings
            .iter()
            .zip(&header.cols)
            .filter(|(h, c)| c.is_none() && !h.trim().is_empty())
            .map(|(h, _)| h.trim().to_string())
            .collect();
        if self.rates.is_empty() && self.problems.is_empty() {
            let place = format!("{}, overskriftsrække {}", self.sheet, header.n);
            self.problems.push(
                place,
                "takstoversigten indeholder ingen takster under overskrifterne".into(),
            );
        }
        if !self.problems.is_empty() {
            return Err(self.rejected(&file_name));
        }
        Ok(Sheet {
            file_name,
            sha256,
            rates: self.rates,
            unknown_columns,
        })
    }

    fn rejected(self, file: &str) -> Error {
        Error::Rejected {
            what: "Takstoversigten",
            file: file.to_string(),
            problems: self.problems.list,
            more: self.problems.more,
        }
    }
}

/// The columns every sheet must have: basis, year and an amount.
fn missing_columns(cols: &[Option<Column>]) -> Vec<String> {
    let has = |c: Column| cols.contains(&Some(c));
    let mut problems = Vec::new();
    for (needed, label) in [(Column::Basis, "Lovgrundlag"), (Column::Year, "År")] {
        if !has(needed) {
            problems.push(format!("kolonnen «{label}» mangler"));
        }
    }
    if !(has(Column::Amount) || has(Column::DayRate) || has(Column::MonthRate)) {
        problems.push("kolonnen «Takst» (eller «Døgntakst»/«Månedstakst») mangler".into());
    }
    problems
}

/// A number as a sheet writes it: "3.424,00", "7,5", "95 %", "-7700" (the sign is kept, so
/// a negative value is named as out of range, not as "not a number").
fn decimal(s: &str) -> Option<Decimal> {
    let t = s.trim().trim_end_matches('%').trim();
    let (negative, t) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim()),
        None => (false, t),
    };
    if t.is_empty() || t.starts_with(['-', '+']) {
        return None;
    }
    // The same amounts as the contract form: no exponent ("1e5" is not 100.000), no "_".
    let v = fmt::parse_amount(t)?;
    Some(if negative { -v } else { v })
}

/// One data row (number `n`, counted from 1) as it is read; problems go to the table.
struct SheetRow<'a> {
    table: &'a mut Table,
    row: &'a [String],
    n: usize,
}

impl<'a> SheetRow<'a> {
    /// A column's cell ("" when the sheet has no such column) and its heading.
    fn get(&self, c: Column) -> (&'a str, String) {
        let Some(header) = &self.table.header else {
            return ("", String::new());
        };
        let idx = header.cols.iter().position(|x| *x == Some(c));
        let value = idx
            .and_then(|i| self.row.get(i))
            .map(String::as_str)
            .unwrap_or("");
        let name = idx
            .and_then(|i| header.headings.get(i))
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        (value, name)
    }

    fn bad(&mut self, col: &str, message: String) {
        let place = format!("{}, række {}, kolonne «{col}»", self.table.sheet, self.n);
        self.table.problems.push(place, message);
    }

    /// The row's rate, when it has no problem.
    fn rate(&mut self) -> Option<SheetRate> {
        let before = self.table.problems.list.len() + self.table.problems.more;
        let offer = self.text(Column::Offer, "tilbuddets id");
        let department = self.text(Column::Department, "afdelingens id");
        let (basis_text, basis_col) = self.get(Column::Basis);
        let basis = LegalBasis::parse(basis_text)
            .map_err(|e| self.bad(&basis_col, e.to_string()))
            .ok();
        let year = self.year();
        let (amount, unit) = self.amount_and_unit();
        let vat = self.checked(Column::Vat, &limits::VAT_PCT);
        let calculation = Calculation {
            direct_costs: self.checked(Column::Direct, &limits::YEAR_COST),
            indirect_costs: self.checked(Column::Indirect, &limits::YEAR_COST),
            overhead_pct: self.checked(Column::Overhead, &limits::OVERHEAD_PCT),
            capital_costs: self.checked(Column::Capital, &limits::YEAR_COST),
            budgeted_occupancy_pct: self.checked(Column::Occupancy, &limits::BUDGET_OCCUPANCY_PCT),
        };
        let actual = self.checked(Column::ActualOccupancy, &limits::ACTUAL_OCCUPANCY_PCT);
        if self.table.problems.list.len() + self.table.problems.more != before {
            return None;
        }
        let (Some(offer), Some(basis), Some(year), Some(amount), Some(unit)) =
            (offer, basis, year, amount, unit)
        else {
            return None;
        };
        Some(SheetRate {
            rate: Rate {
                offer_id: offer,
                department_id: department.unwrap_or_default(),
                basis,
                year,
                amount,
                unit,
                vat_pct: vat.unwrap_or(Decimal::ZERO),
                calculation,
                actual_occupancy_pct: actual,
            },
            place: format!("{}, række {}", self.table.sheet, self.n),
        })
    }

    /// An id cell: required for the offer, at most `limits::text::NAME` characters.
    fn text(&mut self, c: Column, what: &str) -> Option<String> {
        let (text, col) = self.get(c);
        let text = text.trim();
        if text.is_empty() && c == Column::Offer {
            self.bad(&col, format!("{what} mangler"));
            return None;
        }
        if let Err(e) = limits::text_len(text, limits::text::NAME, what) {
            self.bad(&col, e.to_string());
            return None;
        }
        Some(text.to_string())
    }

    fn year(&mut self) -> Option<i32> {
        let (text, col) = self.get(Column::Year);
        let year = text
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| limits::YEARS.contains(y));
        if year.is_none() {
            self.bad(
                &col,
                format!(
                    "{} er ikke et årstal mellem {} og {}",
                    quoted(text),
                    limits::YEARS.start(),
                    limits::YEARS.end()
                ),
            );
        }
        year
    }

    /// The amount (over 0, within the unit's range) and its unit: a day rate, else a month
    /// rate, else an amount with the unit its own column names (a day when none).
    fn amount_and_unit(&mut self) -> (Option<Decimal>, Option<Unit>) {
        let (day, day_col) = self.get(Column::DayRate);
        let (month, month_col) = self.get(Column::MonthRate);
        let (plain, plain_col) = self.get(Column::Amount);
        let (text, col, unit) = if !day.trim().is_empty() {
            (day, day_col, Some(Unit::Dag))
        } else if !month.trim().is_empty() {
            (month, month_col.clone(), Some(Unit::Maaned))
        } else {
            (plain, plain_col, self.unit())
        };
        let Some(amount) = decimal(text) else {
            let message = if text.trim().is_empty() {
                "taksten mangler".to_string()
            } else {
                format!("{} er ikke et beløb; skriv fx 3.200,00", quoted(text))
            };
            self.bad(&col, message);
            return (None, unit);
        };
        let range = match unit {
            Some(Unit::Maaned) => &limits::MONTHLY_RATE,
            _ => &limits::DAILY_RATE,
        };
        if range.check(amount, "").is_err() {
            self.bad(&col, range.message(amount, ""));
            return (None, unit);
        }
        if amount.is_zero() {
            self.bad(&col, "taksten skal være over 0,00 kr.".into());
            return (None, unit);
        }
        if unit == Some(Unit::Dag) && !day.trim().is_empty() && !month.trim().is_empty() {
            self.month_matches_day(amount, month, &month_col);
        }
        (Some(amount), unit)
    }

    /// A row with both a day and a month rate: the day rate is used, so the month rate must
    /// be the same rate (day × 365 / 12, within 1 kr.), never silently set aside.
    fn month_matches_day(&mut self, day: Decimal, month_text: &str, month_col: &str) {
        let Some(month) = decimal(month_text) else {
            self.bad(
                month_col,
                format!(
                    "{} er ikke et beløb; skriv fx 98.000,00",
                    quoted(month_text)
                ),
            );
            return;
        };
        let Ok(expected) = super::rules::day_to_month(day).map(super::rules::round_oere) else {
            return;
        };
        if (month - expected).abs() > Decimal::ONE {
            self.bad(
                month_col,
                format!(
                    "månedstaksten {} passer ikke til døgntaksten {} ({} × 365 / 12 = {}). Rækken må kun have én takst: ret den ene, eller slet månedstaksten.",
                    fmt::kr(month),
                    fmt::kr(day),
                    fmt::kr(day),
                    fmt::kr(expected)
                ),
            );
        }
    }

    /// The unit an «Enhed» column names (a day when there is none).
    fn unit(&mut self) -> Option<Unit> {
        let (text, col) = self.get(Column::Unit);
        match text.trim().to_lowercase().as_str() {
            "" | "dag" | "døgn" | "pr. døgn" | "døgntakst" => Some(Unit::Dag),
            "måned" | "maaned" | "pr. måned" | "månedstakst" => Some(Unit::Maaned),
            _ => {
                self.bad(
                    &col,
                    format!("{} er hverken døgn eller måned", quoted(text)),
                );
                None
            }
        }
    }

    /// An optional number within `range`; a cell that is not one, or lies outside it, is a
    /// problem.
    fn checked(&mut self, c: Column, range: &Range) -> Option<Decimal> {
        let (text, col) = self.get(c);
        if text.trim().is_empty() {
            return None;
        }
        let Some(v) = decimal(text) else {
            self.bad(&col, format!("{} er ikke et tal", quoted(text)));
            return None;
        };
        if range.check(v, "").is_err() {
            self.bad(&col, range.message(v, ""));
            return None;
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn headings_and_letters() {
        assert_eq!(column(""), None, "an empty heading is never a column");
        assert_eq!(column("  "), None);
        assert_eq!(column("§"), Some(Column::Basis));
        assert_eq!(column("Moms %"), Some(Column::Vat));
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(99), "CV");
        assert_eq!(column_letter(16_383), "XFD");
    }

    #[test]
    fn numbers_keep_their_sign() {
        assert_eq!(decimal("3.424,00"), Decimal::from_str("3424.00").ok());
        assert_eq!(decimal("-7700"), Decimal::from_str("-7700").ok());
        assert_eq!(decimal("−7.700,00"), Decimal::from_str("-7700.00").ok());
        assert_eq!(decimal("95 %"), Decimal::from_str("95").ok());
        assert_eq!(decimal("1e5"), None, "no exponent");
        assert_eq!(decimal("--5"), None);
        assert_eq!(decimal("12,3,4"), None);
        assert_eq!(decimal(""), None);
    }
}
