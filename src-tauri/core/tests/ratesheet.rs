//! Rate sheets (CSV and .xlsx with Danish headings) and the report of rate increases over 5 %,
//! pinned on hand-checked figures.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::catalogue::import;
use pladsoverblik_core::rates::import::{self as ratesheet, Change};
use pladsoverblik_core::reports;
use pladsoverblik_core::store::Db;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

const SHEET_2027: &str = "\
Takstoversigt 2027, Rammeaftale Sjælland;;;;;;;;
Tilbuds-id;Tilbudsnavn;Paragraf;År;Takst;Enhed;Moms %;Overhead %;Budgetteret belægning %;Bemærkning
K-1;Kildevang;§ 108;2027;3.424,00;døgn;0;7,5;95;
R-1;Fjordhuset;108;2027;5.250,00;døgn;0;;;præcis 5 %
P-1;Opholdsstedet Æblehaven;BL-43;2027;3.400,00;døgn;6;;;fra månedstakst til døgntakst
P-2;Autismehuset Ørnereden;SEL-108;2027;3.339,00;døgn;6;;;præcis 5 % inkl. moms
S-1;Lindehøj;108;2027;3.781;døgn;0;;;
X-9;Findes ikke;108;2027;1.000,00;døgn;0;;;
";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn rate_count(db: &Db) -> i64 {
    db.conn()
        .query_row("SELECT COUNT(*) FROM rates", [], |r| r.get(0))
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_csv_sheet_with_danish_headings_previews_then_imports() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let file = write(
        dir.path(),
        "takster 2027.csv",
        &format!("\u{feff}{SHEET_2027}"),
    );
    let before = rate_count(&db);
    let p = ratesheet::preview(db.conn(), &file).unwrap();
    assert_eq!(rate_count(&db), before, "a preview saves nothing");
    assert_eq!(
        (p.new, p.changed, p.unchanged, p.offers_not_found),
        (5, 0, 0, 1)
    );
    assert_eq!(p.unknown_columns, vec!["Bemærkning"]);
    let k1 = &p.lines[0];
    assert_eq!(k1.rate.rate.amount, d("3424.00"));
    assert_eq!(k1.rate.rate.calculation.overhead_pct, Some(d("7.5")));
    assert_eq!(
        k1.rate.rate.calculation.budgeted_occupancy_pct,
        Some(d("95"))
    );
    assert_eq!(k1.after, "3.424,00 kr. pr. døgn");
    assert_eq!(p.lines[5].change, Change::OfferNotFound);

    let applied = ratesheet::import(db.conn(), &file).unwrap();
    assert_eq!(applied.new, 5);
    assert_eq!(rate_count(&db), before + 5);
    // Importing again changes nothing.
    let again = ratesheet::preview(db.conn(), &file).unwrap();
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 5));
}

#[test]
fn a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let before = rate_count(&db);
    let bad = SHEET_2027
        .replace("3.424,00", "12,3,4")
        .replace("§ 108;2027;3.400", "§ 999;2027;3.400");
    let file = write(
        dir.path(),
        "fejl.csv",
        &bad.replace("BL-43;2027", "BL-43;tyve"),
    );
    let err = ratesheet::import(db.conn(), &file).unwrap_err().to_string();
    assert!(
        err.starts_with("Takstoversigten i fejl.csv blev afvist, og intet er ændret. 2 fejl:"),
        "{err}"
    );
    assert!(
        err.contains(
            "CSV-filen, række 3, kolonne «Takst»: «12,3,4» er ikke et beløb; skriv fx 3.200,00"
        ),
        "{err}"
    );
    assert!(
        err.contains("CSV-filen, række 5, kolonne «År»: «tyve» er ikke et årstal"),
        "{err}"
    );
    assert_eq!(rate_count(&db), before);
}

#[test]
fn an_xlsx_sheet_is_read_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let path = dir.path().join("takster.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Takster 2026").unwrap();
    for (c, h) in [
        "Tilbuds-id",
        "Lovgrundlag",
        "År",
        "Månedstakst",
        "Moms",
        "Kapitalomkostninger",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "K-1").unwrap();
    sheet.write_string(1, 1, "SEL § 108").unwrap();
    sheet.write_number(1, 2, 2026.0).unwrap();
    sheet.write_number(1, 3, 98_000.5).unwrap();
    sheet.write_number(1, 4, 0.0).unwrap();
    sheet.write_number(1, 5, 125_000.0).unwrap();
    book.save(&path).unwrap();
    let p = ratesheet::preview(db.conn(), &path).unwrap();
    assert_eq!(p.lines.len(), 1);
    let l = &p.lines[0];
    assert_eq!(l.change, Change::Changed);
    assert_eq!(l.rate.rate.amount, d("98000.5"));
    assert_eq!(l.rate.rate.calculation.capital_costs, Some(d("125000")));
    assert_eq!(l.before.as_deref(), Some("3.200,00 kr. pr. døgn"));
    assert_eq!(l.after, "98.000,50 kr. pr. måned");
    assert_eq!(l.rate.place, "Ark «Takster 2026», række 2");
    ratesheet::import(db.conn(), &path).unwrap();
    // A later catalogue import does not overwrite the rate sheet's rate.
    let mut db = db;
    pladsoverblik_core::catalogue::import::import_file(
        &mut db,
        &fixture_path("small.json"),
        |_, _| {},
    )
    .unwrap();
    let (amount, source): (String, String) = db
        .conn()
        .query_row(
            "SELECT amount, source FROM rates WHERE offer_id = 'K-1' AND year = 2026",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (amount.as_str(), source.as_str()),
        ("98000.5", "takstoversigt takster.xlsx")
    );
}

#[test]
fn rate_increases_over_5_percent_like_for_like() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let file = write(dir.path(), "takster 2027.csv", SHEET_2027);
    ratesheet::import(db.conn(), &file).unwrap();
    pladsoverblik_core::settings::set(db.conn(), "pl_rate_2027", "2,9").unwrap();
    let r = reports::rate_increases(db.conn(), 2027).unwrap();
    // Compared: K-1, R-1, P-1, P-2, S-1 (2026 → 2027).
    assert_eq!((r.compared, r.without_previous), (5, 0));
    let got: Vec<(String, String, String, String)> = r
        .groups
        .iter()
        .flat_map(|(op, lines)| {
            lines.iter().map(move |l| {
                (
                    op.clone(),
                    l.offer_id.clone(),
                    l.texts.increase.clone(),
                    l.texts.above_pl.clone(),
                )
            })
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // 3.600 → 3.781 per day: 5,03 %. Above PL 2,9 %, relative (R5):
            // 3.781 / 3.600 / 1,029 − 1 = 1,0502778 / 1,029 − 1 = 2,07 % (not 5,03 − 2,9).
            (
                "Den selvejende institution Lindehøj".into(),
                "S-1".into(),
                "5,03 %".into(),
                "2,07 %".into()
            ),
            // 95.000 per month incl. 6 % VAT = 2.946,50 per day ex. VAT → 3.400 per day incl.
            // 6 % = 3.207,55: 8,86 %; above PL: 3.207,55 / 2.946,50 / 1,029 − 1 = 5,79 %.
            (
                "Nærvær Social ApS".into(),
                "P-1".into(),
                "8,86 %".into(),
                "5,79 %".into()
            ),
            // 3.200 → 3.424: 7,00 %; above PL: 1,07 / 1,029 − 1 = 0,0398445 = 3,98 %.
            (
                "Roskilde Kommune".into(),
                "K-1".into(),
                "7,00 %".into(),
                "3,98 %".into()
            ),
        ]
    );
    // Exactly 5,00 % (R-1 ex. VAT, P-2 incl. VAT, like for like) is not over 5 %.
    assert!(r.groups.iter().all(|(_, ls)| ls
        .iter()
        .all(|l| l.offer_id != "R-1" && l.offer_id != "P-2")));
    let p1 = &r.groups[1].1[0];
    assert_eq!((p1.previous, p1.current), (d("2946.50"), d("3207.55")));

    // A missing previous year: 2026's rates of R-1 etc. have no 2025 rate.
    let r26 = reports::rate_increases(db.conn(), 2026).unwrap();
    assert_eq!(r26.compared, 1); // only K-1 has 2025
    assert_eq!(r26.without_previous, 6);
    assert_eq!(r26.lines, 1);
    assert!(
        r26.text.contains("PL-satsen for 2026 er ikke sat"),
        "{}",
        r26.text
    );

    // CSV for Danish Excel: BOM, semicolons, decimal comma.
    let csv = reports::rate_increases_table(&r).to_csv();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(lines[0], "Driftsherre;Driftsherretype;Tilbud;Tilbuds-id;Afdeling;Lovgrundlag;Takst 2026 pr. døgn ekskl. moms;Takst 2027 pr. døgn ekskl. moms;Stigning %;Stigning ud over PL %");
    assert_eq!(lines[2], "Nærvær Social ApS;privat;Opholdsstedet Æblehaven;P-1;;Barnets Lov § 43;2.946,50;3.207,55;8,86;5,79");
}

// ---- hardening (issue 12): every bad sheet is refused in Danish, the database unchanged ----

use pladsoverblik_core::Error;
use std::io::Write;

/// The database as files and as rows: the main file and its WAL byte for byte, every rate and
/// the audit log's length.
fn snapshot(dir: &Path, db: &Db) -> (Vec<u8>, Option<Vec<u8>>, Vec<String>) {
    let main = std::fs::read(dir.join("test.sqlite")).unwrap();
    let wal = std::fs::read(dir.join("test.sqlite-wal")).ok();
    let conn = db.conn();
    let mut st = conn
        .prepare("SELECT * FROM rates ORDER BY offer_id, department_id, legal_basis, year")
        .unwrap();
    let n = st.column_count();
    let mut rows: Vec<String> = st
        .query_map([], |r| {
            Ok((0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let audit: i64 = conn
        .query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    rows.push(format!("audit_log: {audit}"));
    (main, wal, rows)
}

/// No library's English text in a message the user sees (whole words, any case).
fn assert_danish(msg: &str) {
    const ENGLISH: [&str; 19] = [
        "error",
        "invalid",
        "expected",
        "failed",
        "eocd",
        "archive",
        "code",
        "point",
        "found",
        "file",
        "sheet",
        "the",
        "not",
        "duplicate",
        "field",
        "such",
        "directory",
        "workbook",
        "password",
    ];
    for word in msg.split(|c: char| !c.is_alphanumeric()) {
        let w = word.to_lowercase();
        assert!(!ENGLISH.contains(&w.as_str()), "English «{word}» in: {msg}");
    }
}

/// Previews and imports `file`: both are refused with `code`, the database is byte-for-byte
/// unchanged, and the Danish message is returned.
fn refused_with(dir: &Path, db: &Db, file: &Path, code: &str) -> String {
    let before = snapshot(dir, db);
    let preview = ratesheet::preview(db.conn(), file).unwrap_err();
    let import = ratesheet::import(db.conn(), file).unwrap_err();
    assert_eq!(preview.to_string(), import.to_string());
    assert_eq!(import.code(), code, "{import}");
    let msg = import.to_string();
    assert_danish(&msg);
    assert!(snapshot(dir, db) == before, "the database changed: {msg}");
    msg
}

fn refused(dir: &Path, db: &Db, file: &Path) -> String {
    refused_with(dir, db, file, "rejected")
}

/// A workbook with `cells` ((row, column) from 0, text) in its first sheet «Takster».
fn workbook(cells: &[((u32, u16), &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Takster").unwrap();
    for ((r, c), text) in cells {
        match text.parse::<f64>() {
            Ok(n) => sheet.write_number(*r, *c, n).unwrap(),
            Err(_) => sheet.write_string(*r, *c, *text).unwrap(),
        };
    }
    book.save_to_buffer().unwrap()
}

const HEADER: [((u32, u16), &str); 4] = [
    ((0, 0), "Tilbuds-id"),
    ((0, 1), "Paragraf"),
    ((0, 2), "År"),
    ((0, 3), "Døgntakst"),
];

#[test]
fn the_rate_increase_chart_follows_the_rates_over_the_years_with_the_pl_line() {
    use reports::chart::{ChartKind, Role};
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let file = write(dir.path(), "takster 2027.csv", SHEET_2027);
    ratesheet::import(db.conn(), &file).unwrap();
    pladsoverblik_core::settings::set(db.conn(), "pl_rate_2026", "3,0").unwrap();
    pladsoverblik_core::settings::set(db.conn(), "pl_rate_2027", "2,9").unwrap();
    let r = reports::Report::RateIncreases(reports::rate_increases(db.conn(), 2027).unwrap());
    let g = r.glance();
    let c = g.chart.expect("a chart");
    assert_eq!(c.kind, ChartKind::Line);
    // From 2025, the first year with a rate (2023 and 2024 have none and are left out).
    assert_eq!(c.title, "Takstudvikling 2025–2027 med PL-linjen");
    assert_eq!(c.value_label, "Indeks (2026 = 100)");
    assert_eq!(c.categories, ["2025", "2026", "2027"]);
    let series: Vec<(&str, Role, Vec<Option<String>>)> = c
        .series
        .iter()
        .map(|s| {
            let texts = s
                .values
                .iter()
                .map(|v| v.as_ref().map(|p| p.text.clone()))
                .collect();
            (s.name.as_str(), s.role, texts)
        })
        .collect();
    let t = |s: &str| Some(s.to_string());
    assert_eq!(
        series,
        vec![
            // Largest increase first. 2.946,50 → 3.207,55: 108,86.
            (
                "Opholdsstedet Æblehaven, Barnets Lov § 43",
                Role::Data,
                vec![None, t("100,0 (2.946,50 kr.)"), t("108,9 (3.207,55 kr.)")]
            ),
            // 3.000 / 3.200 = 93,75; 3.424 / 3.200 = 107,00.
            (
                "Kildevang, SEL § 108",
                Role::Data,
                vec![
                    t("93,8 (3.000,00 kr.)"),
                    t("100,0 (3.200,00 kr.)"),
                    t("107,0 (3.424,00 kr.)")
                ]
            ),
            (
                "Lindehøj, SEL § 108",
                Role::Data,
                vec![None, t("100,0 (3.600,00 kr.)"), t("105,0 (3.781,00 kr.)")]
            ),
            // 2026 = 100; 2027 × 1,029 = 102,9; 2025 ÷ 1,03 = 97,09 (no PL for 2025: it stops).
            (
                "PL-linjen",
                Role::Reference,
                vec![t("97,1"), t("100,0"), t("102,9")]
            ),
        ]
    );
    assert_eq!(c.series[3].values[0].as_ref().unwrap().value, d("97.09"));
    // In 2027 the gap to the PL line is the relative increase above PL: 107 / 102,9 = 1,0398.
    assert!(
        c.note
            .contains("afstanden til den i 2027 er stigningen ud over PL"),
        "{}",
        c.note
    );
    assert!(
        c.description
            .contains("Størst i 2027: Opholdsstedet Æblehaven"),
        "{}",
        c.description
    );
    let labels: Vec<&str> = g.figures.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Over 5,00 %",
            "PL-sats 2027",
            "Største stigning",
            "Største stigning ud over PL"
        ]
    );
    assert_eq!(g.figures[0].value, "3");
    assert_eq!(g.figures[3].value, "5,79 %");
}

#[test]
fn a_cell_far_outside_the_sheet_is_refused_before_anything_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    // 1,6 KB: A1 and XFD1048576 made calamine allocate 512 GiB for the rectangle between.
    for ((r, c), cell) in [
        ((1_048_575, 16_383), "celle XFD1048576"),
        ((20_000, 0), "celle A20001"),
        ((1, 100), "celle CW2"),
    ] {
        let mut cells = HEADER.to_vec();
        cells.extend([
            ((1, 0), "K-1"),
            ((1, 1), "108"),
            ((1, 2), "2027"),
            ((1, 3), "3424"),
        ]);
        cells.push(((r, c), "1"));
        let path = dir.path().join("hjørne.xlsx");
        std::fs::write(&path, workbook(&cells)).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 10_000);
        let msg = refused(dir.path(), &db, &path);
        assert!(
            msg.contains(&format!("Ark «Takster», {cell}: cellen ligger uden for det område, en takstoversigt må fylde (højst 20.000 rækker og 100 kolonner, A1:CV20000).")),
            "{msg}"
        );
    }
    // The last cell inside the bounds is read.
    let mut cells = HEADER.to_vec();
    cells.extend([
        ((19_999, 0), "K-1"),
        ((19_999, 1), "108"),
        ((19_999, 2), "2027"),
    ]);
    cells.push(((19_999, 3), "3424"));
    let path = dir.path().join("kant.xlsx");
    std::fs::write(&path, workbook(&cells)).unwrap();
    let p = ratesheet::preview(db.conn(), &path).unwrap();
    assert_eq!(p.lines[0].rate.place, "Ark «Takster», række 20000");
}

/// `xlsx` with its shared strings replaced by `megabytes` MB of one string, compressed about
/// 1.000:1; with `lie`, the zip's directory declares the part as 1 KB.
fn bomb(xlsx: &[u8], megabytes: usize, lie: bool) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let f = src.by_index_raw(i).unwrap();
        if f.name().unwrap() != "xl/sharedStrings.xml" {
            out.raw_copy_file(f).unwrap();
        }
    }
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file("xl/sharedStrings.xml", options).unwrap();
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Tilbuds-id</t></si><si><t>").unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..megabytes {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"</t></si></sst>").unwrap();
    let mut bytes = out.finish().unwrap().into_inner();
    if lie {
        declare_size(&mut bytes, b"xl/sharedStrings.xml", 1024);
    }
    bytes
}

/// Overwrites the uncompressed size of part `name` in its local header and in the central
/// directory (as a crafted file would).
fn declare_size(bytes: &mut [u8], name: &[u8], size: u32) {
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let mut i = 0;
    while i + 46 < bytes.len() {
        if bytes[i..].starts_with(b"PK\x03\x04") && bytes[i + 30..].starts_with(name) {
            assert_eq!(u16_at(bytes, i + 26), name.len());
            bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        }
        if bytes[i..].starts_with(b"PK\x01\x02") && bytes[i + 46..].starts_with(name) {
            assert_eq!(u16_at(bytes, i + 28), name.len());
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let xlsx = workbook(&[((0, 0), "Tilbuds-id"), ((1, 0), "tekst")]);
    let path = dir.path().join("bombe.xlsx");
    std::fs::write(&path, bomb(&xlsx, 48, false)).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 200_000);
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("Regnearket: delen «xl/sharedStrings.xml» fylder mindst 48,0 MB udpakket; en del af en takstoversigt må højst fylde 40,0 MB udpakket"),
        "{msg}"
    );
    // The directory may lie about the size: the part is unpacked (into nothing) only up to
    // the size declared, and then found damaged.
    std::fs::write(&path, bomb(&xlsx, 48, true)).unwrap();
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("Regnearket: det er beskadiget (en del af filen kan ikke pakkes ud)."),
        "{msg}"
    );
}

#[test]
fn a_file_over_the_size_bound_is_refused_unread_and_rows_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    // 100 MB (sparse on disk): refused by its size before a byte is parsed.
    let path = dir.path().join("stor.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"Tilbuds-id;Paragraf;\xC3\x85r;Takst\n")
        .unwrap();
    f.set_len(100_000_000).unwrap();
    drop(f);
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("Filen: den fylder 95,3 MB; en takstoversigt må højst fylde 20,0 MB."),
        "{msg}"
    );
    // 20.001 rows in 0,6 MB: the row bound.
    let mut text = String::from("Tilbuds-id;Paragraf;År;Takst\n");
    for _ in 0..20_000 {
        text.push_str("X-9;108;2027;1.000,00\n");
    }
    let path = write(dir.path(), "mange.csv", &text);
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains(
            "CSV-filen: den har mere end 20.000 rækker; en takstoversigt må højst have 20.000."
        ),
        "{msg}"
    );
}

#[test]
fn the_separator_comes_from_the_header_row_and_a_surplus_field_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    // `,` as separator and a decimal comma: 7.701,00 kr. was stored without a word.
    let path = write(
        dir.path(),
        "komma.csv",
        "Tilbuds-id,Paragraf,År,Takst\nK-1,108,2027,7701,50\n",
    );
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen, række 2: rækken har 5 felter, men overskriftsrækken har 4 (skilletegnet er komma). Når komma er skilletegn, deler et beløb med decimalkomma (fx 7701,50) sig i to felter"),
        "{msg}"
    );
    // A title row full of semicolons above a comma-separated header; the amount quoted.
    let path = write(
        dir.path(),
        "komma2.csv",
        "Takstoversigt; Rammeaftale Sjælland; 2027\nTilbuds-id,Paragraf,År,Takst\nK-1,108,2027,\"7701,50\"\n",
    );
    let p = ratesheet::preview(db.conn(), &path).unwrap();
    assert_eq!(p.lines[0].rate.rate.amount, d("7701.50"));
    assert_eq!(p.lines[0].rate.place, "CSV-filen, række 3");
    // A row short of a field in a semicolon file is named too (the blank line counts as a
    // row, as Excel shows it).
    let path = write(
        dir.path(),
        "kort.csv",
        "Tilbuds-id;Paragraf;År;Takst;Moms %\nK-1;108;2027;3.424,00;0\n\nR-1;108;2027;5.250,00\n",
    );
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen, række 4: rækken har 4 felter, men overskriftsrækken har 5 (skilletegnet er semikolon)."),
        "{msg}"
    );
}

#[test]
fn an_empty_heading_is_never_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    // The empty heading was taken for the legal-basis column.
    let path = write(
        dir.path(),
        "tom.csv",
        "Tilbuds-id;;År;Takst\nK-1;108;2027;3.424,00\n",
    );
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen, overskriftsrække 1: kolonnen «Lovgrundlag» mangler"),
        "{msg}"
    );
    // With the basis column present, a value under an empty heading is named, not dropped.
    let path = write(
        dir.path(),
        "tom2.csv",
        "Tilbuds-id;§;År;Takst;\nK-1;108;2027;3.424,00;4.000,00\n",
    );
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen, række 2, kolonne E: cellen har en værdi («4.000,00»), men kolonnen har ingen overskrift."),
        "{msg}"
    );
    // A lone "§" is the legal basis.
    let path = write(
        dir.path(),
        "paragraf.csv",
        "Tilbuds-id;§;År;Takst;\nK-1;108;2027;3.424,00;\n",
    );
    let p = ratesheet::preview(db.conn(), &path).unwrap();
    assert_eq!(p.lines[0].basis_label, "SEL § 108");
}

#[test]
fn every_value_is_checked_against_its_range_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let path = write(
        dir.path(),
        "grænser.csv",
        "\
Tilbuds-id;Paragraf;År;Døgntakst;Månedstakst;Moms %;Overhead %;Budgetteret belægning %;Faktisk belægning %;Direkte omkostninger
K-1;108;2027;-7700;;0;;;;
R-1;108;2027;5.250,00;;-200;;;;
P-1;108;2027;3.400,00;;300;;;;
P-2;108;2027;3.339,00;;-100;;;;
S-1;108;2027;3.781,00;;0;;;900;
H-1;108;2027;;1.000.000.000.000,00;0;;;;
K-1;108;2028;3.500,00;;0;150;0;;-5
K-1;108;2029;0;;0;;;;
R-1;108;2028;3.000,00;91.250,00;0;;;;
R-1;108;2029;3.000,00;95.000,00;0;;;;
",
    );
    let msg = refused(dir.path(), &db, &path);
    for expected in [
        "Takstoversigten i grænser.csv blev afvist, og intet er ændret. 11 fejl:",
        "CSV-filen, række 2, kolonne «Døgntakst»: Døgntaksten -7.700,00 kr. ligger uden for det mulige (0,00 kr. til 250.000,00 kr.).",
        "CSV-filen, række 3, kolonne «Moms %»: Momsandelen -200 % ligger uden for det mulige (0 % til 25 %).",
        "CSV-filen, række 4, kolonne «Moms %»: Momsandelen 300 % ligger uden for det mulige (0 % til 25 %).",
        // −100 % divided by zero (exit 101); now refused at the door.
        "CSV-filen, række 5, kolonne «Moms %»: Momsandelen -100 % ligger uden for det mulige",
        "CSV-filen, række 6, kolonne «Faktisk belægning %»: Den faktiske belægning 900 % ligger uden for det mulige (0 % til 150 %).",
        "CSV-filen, række 7, kolonne «Månedstakst»: Månedstaksten 1.000.000.000.000,00 kr. ligger uden for det mulige (0,00 kr. til 7.700.000,00 kr.).",
        "CSV-filen, række 8, kolonne «Overhead %»: Overheadprocenten 150 % ligger uden for det mulige (0 % til 100 %).",
        "CSV-filen, række 8, kolonne «Budgetteret belægning %»: Den budgetterede belægning 0 % ligger uden for det mulige (1 % til 100 %).",
        "CSV-filen, række 8, kolonne «Direkte omkostninger»: Beløbet -5,00 kr. ligger uden for det mulige",
        "CSV-filen, række 9, kolonne «Døgntakst»: taksten skal være over 0,00 kr.",
        // A month rate beside the day rate is the same rate, or an error (row 10 is fine).
        "CSV-filen, række 11, kolonne «Månedstakst»: månedstaksten 95.000,00 kr. passer ikke til døgntaksten 3.000,00 kr. (3.000,00 kr. × 365 / 12 = 91.250,00 kr.).",
    ] {
        assert!(msg.contains(expected), "«{expected}» not in:\n{msg}");
    }
}

#[test]
fn a_rate_twice_in_one_sheet_is_an_error_naming_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let path = write(
        dir.path(),
        "dobbelt.csv",
        "Tilbuds-id;Paragraf;År;Takst\nK-1;108;2027;3.424,00\nK-1;SEL § 108;2027;3.524,00\n",
    );
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen, række 3: samme tilbud, afdeling, lovgrundlag og år som række 2 (K-1 SEL § 108 2027)"),
        "{msg}"
    );
}

#[test]
fn no_library_text_reaches_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    // Text with an .xlsx name: "Zip error: … EOCD" before.
    let path = write(dir.path(), "takster.xlsx", "Tilbuds-id;Paragraf\n");
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("Filen: den er ikke et gyldigt Excel-regneark (.xlsx)"),
        "{msg}"
    );
    assert!(
        msg.contains("gem den igen som «Excel-projektmappe (*.xlsx)»"),
        "{msg}"
    );
    // A workbook cut short (an interrupted download).
    let whole = workbook(&HEADER);
    let path = dir.path().join("afbrudt.xlsx");
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let msg = refused(dir.path(), &db, &path);
    assert!(msg.contains("zip-indholdet er beskadiget"), "{msg}");
    // An old .xls or a password-protected workbook (an OLE compound file).
    let path = dir.path().join("gammel.xls");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    std::fs::write(&path, ole).unwrap();
    let msg = refused(dir.path(), &db, &path);
    assert!(msg.contains("ældre Excel-regneark (.xls)"), "{msg}");
    // UTF-16 ("Unicode-tekst" in Excel): a clear refusal, not "ugyldig … 1:1".
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "Tilbuds-id;Paragraf;År;Takst\r\nK-1;108;2027;3.424,00\r\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let path = dir.path().join("unicode.csv");
    std::fs::write(&path, utf16).unwrap();
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen: den er gemt som UTF-16 («Unicode-tekst»)"),
        "{msg}"
    );
    // Windows-1252 ("CSV (semikolonsepareret)" in an older Excel): the row is named.
    let path = dir.path().join("ansi.csv");
    std::fs::write(
        &path,
        b"Tilbuds-id;Paragraf;Takst;Aar\nK-1;108;3.424,00;2027\nR-1;\xA7 108;5.250,00;2027\n",
    )
    .unwrap();
    let msg = refused(dir.path(), &db, &path);
    assert!(
        msg.contains("CSV-filen, række 3: teksten er ikke UTF-8"),
        "{msg}"
    );
    // A file that is not there: Danish, not "No such file or directory (os error 2)".
    let msg = refused_with(
        dir.path(),
        &db,
        &dir.path().join("findes-ikke.csv"),
        "not_found",
    );
    assert!(
        msg.contains("findes ikke. Vælg takstoversigten igen."),
        "{msg}"
    );
}

#[test]
fn the_window_saves_what_the_preview_showed_not_the_file_read_again() {
    let dir = tempfile::tempdir().unwrap();
    drop(db_with_small(dir.path()));
    let engine = pladsoverblik_core::Engine::open(&dir.path().join("test.sqlite")).unwrap();
    let stored = |offer: &str| -> Option<String> {
        let conn = rusqlite::Connection::open(dir.path().join("test.sqlite")).unwrap();
        conn.query_row(
            "SELECT amount FROM rates WHERE offer_id = ?1 AND year = 2027",
            [offer],
            |r| r.get(0),
        )
        .ok()
    };
    let path = write(
        dir.path(),
        "takster.csv",
        "Tilbuds-id;Paragraf;År;Takst\nK-1;108;2027;3.424,00\n",
    );
    let shown = engine.rates_preview(&path).unwrap();
    assert!(!shown.token.is_empty());
    assert_eq!(shown.sha256.len(), 64);
    // The file is changed after the preview: what is saved is what was shown.
    write(
        dir.path(),
        "takster.csv",
        "Tilbuds-id;Paragraf;År;Takst\nK-1;108;2027;9.999,00\nR-1;108;2027;1,00\n",
    );
    let saved = engine.rates_import_previewed(&shown.token).unwrap();
    assert_eq!(saved.lines, shown.lines);
    assert_eq!(stored("K-1").as_deref(), Some("3424.00"));
    assert_eq!(stored("R-1"), None);
    // The same token again (a double click): nothing to save, nothing changes.
    let err = engine.rates_import_previewed(&shown.token).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert!(err
        .to_string()
        .starts_with("Der er ingen forhåndsvisning at gemme"));
    // The database changes between preview and save (another import): refused, unchanged.
    let first = engine.rates_preview(&path).unwrap();
    let other = write(
        dir.path(),
        "andet.csv",
        "Tilbuds-id;Paragraf;År;Takst\nK-1;108;2027;3.500,00\n",
    );
    engine.rates_import(&other).unwrap();
    let err = engine.rates_import_previewed(&first.token).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert!(err.to_string().contains("Intet er gemt"), "{err}");
    assert_eq!(stored("K-1").as_deref(), Some("3500.00"));
    // An older preview's token after a newer preview is refused.
    let old = engine.rates_preview(&path).unwrap();
    let new = engine.rates_preview(&path).unwrap();
    assert_ne!(old.token, new.token);
    assert!(engine.rates_import_previewed(&old.token).is_err());
    engine.rates_import_previewed(&new.token).unwrap();
    assert_eq!(stored("K-1").as_deref(), Some("9999.00"));
}

#[test]
fn a_cell_formatted_as_a_percentage_is_read_as_the_percentage_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let mut book = rust_xlsxwriter::Workbook::new();
    let pct = rust_xlsxwriter::Format::new().set_num_format("0%");
    let pct1 = rust_xlsxwriter::Format::new().set_num_format("0.0 %");
    let sheet = book.add_worksheet().set_name("Takster").unwrap();
    for (c, h) in [
        "Tilbuds-id",
        "Paragraf",
        "År",
        "Døgntakst",
        "Moms %",
        "Budgetteret belægning %",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "P-1").unwrap();
    sheet.write_number(1, 1, 108.0).unwrap();
    sheet.write_number(1, 2, 2027.0).unwrap();
    sheet.write_number(1, 3, 3400.0).unwrap();
    // Shown in Excel as "6%" and "95,5 %": 0,06 and 0,955 were read as 0,06 % and 0,955 %.
    sheet.write_number_with_format(1, 4, 0.06, &pct).unwrap();
    sheet.write_number_with_format(1, 5, 0.955, &pct1).unwrap();
    let path = dir.path().join("procent.xlsx");
    book.save(&path).unwrap();
    let p = ratesheet::preview(db.conn(), &path).unwrap();
    let r = &p.lines[0].rate.rate;
    assert_eq!(r.vat_pct, d("6"));
    assert_eq!(r.calculation.budgeted_occupancy_pct, Some(d("95.5")));
    assert_eq!(
        p.lines[0].after,
        "3.400,00 kr. pr. døgn (heraf 6 % ikke-fradragsberettiget moms)"
    );
}

/// A sheet published on the municipality's server by another computer: checked as a file's
/// rows are (a bad value is refused with its row, and nothing is saved), then saved with the
/// same source as a local import; the same sheet again is not imported twice.
#[test]
fn a_sheet_from_the_server_is_checked_and_saved_like_a_local_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let file = write(dir.path(), "takster 2027.csv", SHEET_2027);
    let local = ratesheet::preview(db.conn(), &file).unwrap();
    let rows: Vec<_> = local.lines.iter().map(|l| l.rate.rate.clone()).collect();
    let mut json = serde_json::to_value(&rows).unwrap();

    json[1]["amount"] = serde_json::json!("-5250.00");
    let before = rate_count(&db);
    let err = ratesheet::receive_sheet(db.conn(), "takster 2027.csv", "ab12", &json.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("række 2 fra kommunens server"), "{err}");
    assert_danish(&err);
    assert_eq!(rate_count(&db), before, "nothing saved");
    assert!(ratesheet::imported_sheets(db.conn()).unwrap().is_empty());

    json[1]["amount"] = serde_json::json!("5250.00");
    let applied =
        ratesheet::receive_sheet(db.conn(), "takster 2027.csv", "ab12", &json.to_string())
            .unwrap()
            .unwrap();
    assert_eq!((applied.new, applied.offers_not_found), (5, 1));
    let source: String = db
        .conn()
        .query_row(
            "SELECT source FROM rates WHERE offer_id = 'R-1' AND year = 2027",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(source, "takstoversigt takster 2027.csv");
    let kept = ratesheet::imported_sheets(db.conn()).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].sha256, "ab12");
    assert!(
        ratesheet::receive_sheet(db.conn(), "takster 2027.csv", "ab12", &json.to_string())
            .unwrap()
            .is_none(),
        "the same sheet is not imported twice"
    );
}

/// The rate of the sheet for (offer, basis, year), with its source.
fn stored_rate(db: &Db, offer: &str, basis: &str, year: i32) -> Option<(String, String)> {
    db.conn()
        .query_row(
            "SELECT amount, source FROM rates WHERE offer_id = ?1 AND legal_basis = ?2 AND year = ?3",
            rusqlite::params![offer, basis, year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
}

#[test]
fn a_sheets_rate_for_an_offer_not_yet_in_the_catalogue_is_taken_into_use_when_it_comes() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = db_with_small(dir.path());
    let file = write(dir.path(), "takster 2027.csv", SHEET_2027);
    let p = ratesheet::import(db.conn(), &file).unwrap();
    assert_eq!(p.offers_not_found, 1);
    assert!(
        p.text.contains("1 for tilbud, der ikke findes i kataloget (de gemmes og tages i brug, når et katalog med tilbuddet indlæses)"),
        "{}",
        p.text
    );
    assert_eq!(stored_rate(&db, "X-9", "SEL-108", 2027), None);
    // The same sheet again keeps one waiting rate, not two.
    ratesheet::import(db.conn(), &file).unwrap();
    let waiting: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM pending_rates", [], |r| r.get(0))
        .unwrap();
    assert_eq!(waiting, 1);

    // A newer catalogue brings X-9 (with a catalogue rate of its own for 2027): the sheet's
    // rate is taken into use and wins, as it would have had the offer been there.
    let mut json = small_json();
    let offers = json["offers"].as_array_mut().unwrap();
    let mut x9 = offers[0].clone();
    x9["id"] = "X-9".into();
    x9["name"] = "Det nye tilbud".into();
    x9["rates"] = serde_json::json!([
        {"basis": "SEL-108", "year": 2027, "amount": "1500.00", "unit": "dag", "vat_pct": "0"}
    ]);
    offers.push(x9);
    let newer = write_json(dir.path(), "nyere.json", &json);
    let report = import::import_file(&mut db, &newer, |_, _| {}).unwrap();
    assert_eq!(report.sheet_rates, 1);
    assert_eq!(
        stored_rate(&db, "X-9", "SEL-108", 2027),
        Some(("1000.00".into(), "takstoversigt takster 2027.csv".into()))
    );
    // Once: the next import has nothing waiting, and the sheet's rate stays.
    let again = import::import_file(&mut db, &newer, |_, _| {}).unwrap();
    assert_eq!(again.sheet_rates, 0);
    assert_eq!(
        stored_rate(&db, "X-9", "SEL-108", 2027).map(|r| r.1),
        Some("takstoversigt takster 2027.csv".into())
    );
}

#[test]
fn a_sheet_imported_before_the_upgrade_keeps_its_rates_for_offers_not_yet_in_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.sqlite");
    {
        let db = db_with_small(dir.path());
        let file = write(dir.path(), "takster 2027.csv", SHEET_2027);
        ratesheet::import(db.conn(), &file).unwrap();
        // As version 17 left it: the sheet kept, its row for X-9 skipped.
        db.conn()
            .execute_batch(
                "DROP TABLE pending_rates; ALTER TABLE sync_pushed DROP COLUMN received;
                 ALTER TABLE offers DROP COLUMN file_digest;
                 ALTER TABLE offers DROP COLUMN file_rates;
                 ALTER TABLE catalogue_meta DROP COLUMN offers_context;
                 ALTER TABLE catalogue_meta DROP COLUMN generation;
                 PRAGMA user_version = 17;",
            )
            .unwrap();
    }
    let mut db = Db::open(&path).unwrap();
    let waiting = texts(&db, "SELECT offer_id || ' ' || source FROM pending_rates");
    assert_eq!(waiting, ["X-9 takstoversigt takster 2027.csv"]);
    let mut json = small_json();
    let offers = json["offers"].as_array_mut().unwrap();
    let mut x9 = offers[0].clone();
    x9["id"] = "X-9".into();
    offers.push(x9);
    let newer = write_json(dir.path(), "nyere.json", &json);
    let report = import::import_file(&mut db, &newer, |_, _| {}).unwrap();
    assert_eq!(report.sheet_rates, 1);
    assert_eq!(
        stored_rate(&db, "X-9", "SEL-108", 2027).map(|r| r.0),
        Some("1000.00".into())
    );
}
