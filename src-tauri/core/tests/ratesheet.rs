//! Rate sheets (CSV and .xlsx with Danish headings) and the report of rate increases over 5 %,
//! pinned on hand-checked figures.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
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
        err.starts_with("Takstoversigten fejl.csv blev afvist, og intet er ændret. 2 fejl:"),
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
            // 3.600 → 3.781 per day: 5,03 %.
            (
                "Den selvejende institution Lindehøj".into(),
                "S-1".into(),
                "5,03 %".into(),
                "2,13 %".into()
            ),
            // 95.000 per month incl. 6 % VAT = 2.946,50 per day ex. VAT → 3.400 per day incl.
            // 6 % = 3.207,55: 8,86 %.
            (
                "Nærvær Social ApS".into(),
                "P-1".into(),
                "8,86 %".into(),
                "5,96 %".into()
            ),
            // 3.200 → 3.424: 7,00 %.
            (
                "Roskilde Kommune".into(),
                "K-1".into(),
                "7,00 %".into(),
                "4,10 %".into()
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
    assert_eq!(lines[2], "Nærvær Social ApS;privat;Opholdsstedet Æblehaven;P-1;;Barnets Lov § 43;2.946,50;3.207,55;8,86;5,96");
}

#[test]
fn occupancy_deviations_of_5_points_or_more_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_small(dir.path());
    let sheet = "\
Tilbuds-id;Paragraf;År;Takst;Budgetteret belægning %;Faktisk belægning %
K-1;108;2026;3.200,00;95;89,5
R-1;108;2026;5.000,00;95;90
S-1;108;2026;3.600,00;97;95
H-1;108;2026;4.000,00;90;96,0
";
    let file = write(dir.path(), "belægning.csv", sheet);
    let p = ratesheet::import(db.conn(), &file).unwrap();
    // The rates are the same as the catalogue's; the occupancy figures are new.
    assert_eq!(p.changed, 4, "{}", p.text);
    let r = reports::occupancy_deviations(db.conn(), 2026).unwrap();
    let got: Vec<(&str, &str)> = r
        .lines
        .iter()
        .map(|l| (l.offer_id.as_str(), l.texts.deviation.as_str()))
        .collect();
    // K-1 −5,5 and H-1 +6,0 and R-1 exactly −5,0 (5 points or more); S-1 −2,0 is within.
    assert_eq!(
        got,
        vec![
            ("H-1", "+6,0 procentpoint"),
            ("K-1", "-5,5 procentpoint"),
            ("R-1", "-5,0 procentpoint")
        ]
    );
    assert_eq!((r.compared, r.without_data), (4, 3));
    let csv = String::from_utf8(reports::occupancy_table(&r).to_csv()).unwrap();
    assert!(
        csv.contains(";Kildevang;K-1;;SEL § 108;95,0;89,5;-5,5\r\n"),
        "{csv}"
    );
}
