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
    if s.contains([';', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
