//! A report as a plain table: what the screen, the CSV and the PDF are made from.

use serde::Serialize;

/// A report as a plain table: what the CSV and the PDF are made from.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    pub summary: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
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
