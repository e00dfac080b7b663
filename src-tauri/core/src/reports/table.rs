//! A report as a plain table: what the screen, the CSV and the PDF are made from.

use serde::Serialize;

use crate::fmt;

/// A report as a plain table: what the CSV and the PDF are made from.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    pub summary: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The rows the PDF lays out: the first `PDF_ROWS`.
    pub fn pdf_rows(&self) -> &[Vec<String>] {
        &self.rows[..self.rows.len().min(PDF_ROWS)]
    }

    /// The summary under the PDF's title: the report's own, and `pdf_note` when there is one.
    pub fn pdf_summary(&self) -> String {
        match self.pdf_note() {
            Some(note) if !self.summary.is_empty() => format!("{} {note}", self.summary),
            Some(note) => note,
            None => self.summary.clone(),
        }
    }

    /// When the PDF leaves rows out: how many it shows and where the rest are.
    pub fn pdf_note(&self) -> Option<String> {
        (self.rows.len() > PDF_ROWS).then(|| {
            format!(
                "PDF'en viser de første {} af {}; hele rapporten er i CSV-eksporten.",
                fmt::number(PDF_ROWS.into(), 0),
                fmt::count(self.rows.len(), "linje", "linjer")
            )
        })
    }

    /// CSV for Danish Excel: UTF-8 with BOM, semicolons, decimal comma (in the cells), CRLF.
    pub fn to_csv(&self) -> Vec<u8> {
        let line = |cells: &[String]| {
            cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(";")
                + "\r\n"
        };
        let mut out = String::from("\u{feff}");
        out.push_str(&line(&self.header));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out.into_bytes()
    }
}

/// At most this many rows of a report are laid out in the window; the CSV has every row and
/// the PDF the first `PDF_ROWS`. A report over the whole catalogue can have tens of thousands
/// (60.174 rate increases on 100.000 generated offers took the window 22 s to lay out). The
/// rows shown are the first in the report's own order.
pub const SCREEN_ROWS: usize = 1_000;

/// At most this many rows of a report go into its PDF (about 100 pages); the CSV has every
/// row. typst lays a table out at about 1 ms and 180 KB of memory per row, more per row the
/// longer the table: all 60.174 rate increases on 100.000 generated offers took 89 s and
/// 10 GB (3.081 pages), enough to stop a caseworker's laptop; 2.000 rows take 2 s and 360 MB.
pub const PDF_ROWS: usize = 2_000;

/// A report's table as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenTable {
    #[serde(flatten)]
    pub table: Table,
    /// The rows the report has in all.
    pub rows_total: usize,
    /// Said under the table when it shows only the first rows.
    pub more: Option<String>,
}

impl Table {
    /// The first `SCREEN_ROWS` rows, and a line saying where the rest are when there are more.
    pub fn for_screen(self) -> ScreenTable {
        self.first_rows(SCREEN_ROWS)
    }

    fn first_rows(mut self, max: usize) -> ScreenTable {
        let rows_total = self.rows.len();
        let more = (rows_total > max).then(|| {
            let rest = if rows_total > PDF_ROWS {
                format!(
                    "Hele rapporten er i CSV-eksporten; PDF'en har de første {}.",
                    fmt::number(PDF_ROWS.into(), 0)
                )
            } else {
                "Hele rapporten er i CSV- og PDF-eksporten.".into()
            };
            format!(
                "Viser de første {} af {}. {rest}",
                fmt::number(max.into(), 0),
                fmt::count(rows_total, "linje", "linjer")
            )
        });
        self.rows.truncate(max);
        ScreenTable {
            table: self,
            rows_total,
            more,
        }
    }
}

fn csv_field(s: &str) -> String {
    let s = neutralised(s);
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, TAB or CR)
/// gets a leading `'`, as OWASP's CSV-injection advice says: `=HYPERLINK(…)` in an offer's
/// name is shown as text, never run. A Danish number ("-7,0", "-1.234,56 kr.", "-5,26 %")
/// is left as it is, so negative figures stay numbers in Excel.
fn neutralised(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_danish_number(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// "-7", "-7,0", "-1.234,56", optionally followed by " kr." or " %".
fn is_danish_number(s: &str) -> bool {
    let body = s
        .trim_end_matches(" kr.")
        .trim_end_matches(" %")
        .strip_prefix('-')
        .unwrap_or(s);
    let (whole, frac) = body.split_once(',').unwrap_or((body, "0"));
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit() || c == '.')
        && whole.starts_with(|c: char| c.is_ascii_digit())
        && !frac.is_empty()
        && frac.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize) -> Table {
        Table {
            title: "Takststigninger 2026".into(),
            summary: String::new(),
            header: vec!["Tilbuds-id".into(), "Stigning".into()],
            rows: (0..rows)
                .map(|i| vec![format!("T{i}"), format!("{i},00 %")])
                .collect(),
        }
    }

    #[test]
    fn the_screen_shows_the_first_rows_and_says_where_the_rest_are() {
        let shown = table(SCREEN_ROWS + 1).for_screen();
        assert_eq!(shown.rows_total, 1_001);
        assert_eq!(shown.table.rows.len(), SCREEN_ROWS);
        assert_eq!(shown.table.rows[0], ["T0", "0,00 %"]);
        assert_eq!(shown.table.rows[999][0], "T999");
        assert_eq!(
            shown.more.as_deref(),
            Some(
                "Viser de første 1.000 af 1.001 linjer. Hele rapporten er i CSV- og PDF-eksporten."
            )
        );
        // Up to the limit the table is whole and nothing is said.
        let whole = table(SCREEN_ROWS).for_screen();
        assert_eq!(
            (whole.table.rows.len(), whole.rows_total),
            (SCREEN_ROWS, SCREEN_ROWS)
        );
        assert_eq!(whole.more, None);
        let few = table(2).first_rows(1);
        assert_eq!(
            few.more.as_deref(),
            Some("Viser de første 1 af 2 linjer. Hele rapporten er i CSV- og PDF-eksporten.")
        );
    }

    #[test]
    fn the_pdf_has_the_first_rows_and_says_so_under_its_title() {
        let mut long = table(PDF_ROWS + 1);
        long.summary = "60.174 takster steg mere end 5,00 %.".into();
        assert_eq!(long.pdf_rows().len(), PDF_ROWS);
        assert_eq!(long.pdf_rows()[PDF_ROWS - 1][0], "T1999");
        assert_eq!(
            long.pdf_summary(),
            "60.174 takster steg mere end 5,00 %. PDF'en viser de første 2.000 af 2.001 linjer; hele rapporten er i CSV-eksporten."
        );
        // The window says where the rows it does not show are.
        assert_eq!(
            long.clone().for_screen().more.as_deref(),
            Some("Viser de første 1.000 af 2.001 linjer. Hele rapporten er i CSV-eksporten; PDF'en har de første 2.000.")
        );
        // The CSV has every row.
        let csv = String::from_utf8(long.to_csv()).unwrap();
        assert_eq!(csv.lines().count(), PDF_ROWS + 2);
        // Up to the limit the PDF has every row and its summary is the report's own.
        let whole = table(PDF_ROWS);
        assert_eq!(whole.pdf_rows().len(), PDF_ROWS);
        assert_eq!(whole.pdf_summary(), "");
        assert_eq!(whole.pdf_note(), None);
        let mut bare = table(PDF_ROWS + 1);
        bare.summary.clear();
        assert!(bare
            .pdf_summary()
            .starts_with("PDF'en viser de første 2.000"));
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (cell, out) in [
            (
                "=HYPERLINK(\"http://x\";\"klik\")",
                "\"'=HYPERLINK(\"\"http://x\"\";\"\"klik\"\")\"",
            ),
            ("+45 1234", "'+45 1234"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("\tTAB", "'\tTAB"),
            ("\r=1", "\"'\r=1\""),
            ("-7,0", "-7,0"),
            ("-1.234,56 kr.", "-1.234,56 kr."),
            ("-5,26 %", "-5,26 %"),
            ("-", "'-"),
            ("Bostedet Åen", "Bostedet Åen"),
        ] {
            assert_eq!(csv_field(cell), out, "{cell:?}");
        }
        let t = Table {
            title: "t".into(),
            summary: String::new(),
            header: vec!["Navn".into()],
            rows: vec![vec!["=1+1".into()]],
        };
        assert_eq!(t.to_csv(), "\u{feff}Navn\r\n'=1+1\r\n".as_bytes());
    }
}
