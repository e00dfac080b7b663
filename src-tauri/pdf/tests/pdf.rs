//! The contract PDF: determinism, structure (pages, one signature field per party, PDF/A and
//! PDF/UA claims), text and fonts as poppler sees them, qpdf's check, a template without
//! warnings, and a contract with very long texts and 20 add-on lines.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use chrono::NaiveDate;
use lopdf::{Document, Object};
use pladsoverblik_core::contracts::{AddOnForm, ContractData, ContractForm};
use pladsoverblik_core::Engine;
use pladsoverblik_pdf::{render_contract, Rendered};
use std::process::Command;

/// Changes only on purpose: a layout, template, font or typst change, or a change of the
/// issued data (the PDF prints the data's SHA-256). Update it then. Last: issue 16, the running
/// text is no longer hyphenated (narrow columns still are).
const GOLDEN_SHA256: &str = "6003b782305432f1fec545020e704876eaafcdb328608c3fdff83f809917a6d4";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn form() -> ContractForm {
    ContractForm {
        offer_id: "SJ-1101".into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        buyer_ean: "5798000000001".into(),
        buyer_contact: "Åse Ærbø, Socialafdelingen".into(),
        provider_ean: "5790000000005".into(),
        citizen_name: "Søren Ågård Østergård".into(),
        // 25 years old on the start date: Bostedet Fjordglimt takes 18-30 år.
        citizen_cpr: "150601-4234".into(),
        intervention: "Længerevarende botilbud med døgndækning og støtte til dagligdagen.".into(),
        goals: "Mestre egen økonomi\nDeltage i beskæftigelse eller dagtilbud".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        followups: "01.03.2027, 01.09.2027".into(),
        // Rammeaftale Sjælland 2025-2026 does not fix these terms: they are agreed here.
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "14".into(),
        addons: vec![AddOnForm {
            description: "Ekstra nattevagt".into(),
            basis: "2 timer pr. døgn à 225 kr.".into(),
            amount: "450,00".into(),
            unit: "dag".into(),
        }],
        ..Default::default()
    }
}

/// An issued contract on the example catalogue, on a fixed day.
fn issued(form: &ContractForm) -> (ContractData, String) {
    let engine = Engine::open_in_memory().unwrap();
    let today = day(2026, 11, 25);
    let id = engine.contract_create(form, today).unwrap().id;
    let view = engine.contract_issue(&id, today).unwrap();
    (view.data.unwrap(), view.current.data_sha256.unwrap())
}

fn render(form: &ContractForm) -> (ContractData, Rendered) {
    let (data, hash) = issued(form);
    let pdf = render_contract(&data, None, &hash).unwrap();
    (data, pdf)
}

fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut full: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    full.push(path.display().to_string());
    if name == "pdftotext" {
        full.push("-".into());
    }
    let out = Command::new(name)
        .args(&full)
        .output()
        .unwrap_or_else(|e| panic!("{name} is installed (make deps): {e}"));
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pdftotext's text with soft hyphens and line breaks removed, so long phrases match.
fn text(pdf: &[u8]) -> String {
    tool("pdftotext", &["-enc", "UTF-8"], pdf)
        .replace('\u{ad}', "")
        .replace("-\n", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_same_version_renders_to_the_same_bytes() {
    let (data, a) = render(&form());
    let (_, b) = render(&form());
    assert_eq!(a.bytes, b.bytes);
    assert_eq!(a.sha256, b.sha256);
    assert!(a.warnings.is_empty(), "template warnings: {:?}", a.warnings);
    assert_eq!(
        pladsoverblik_pdf::file_name(&data),
        "Kontrakt K-2026-0001 Bostedet Fjordglimt v1.pdf"
    );
    if GOLDEN_SHA256.is_empty() {
        panic!("set GOLDEN_SHA256 to {}", a.sha256);
    }
    assert_eq!(
        a.sha256, GOLDEN_SHA256,
        "the layout changed: update GOLDEN_SHA256 on purpose"
    );
}

/// A form no other test renders: the one PDF kept ahead is taken only by a render of the same
/// input, and the tests in this file run side by side on one PDF thread.
fn form_for(citizen: &str) -> ContractForm {
    ContractForm {
        citizen_name: citizen.into(),
        ..form()
    }
}

/// One PDF is kept ahead (the last dialog's): the tests that keep one take turns.
fn one_slot() -> std::sync::MutexGuard<'static, ()> {
    static SLOT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SLOT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn a_pdf_laid_out_ahead_is_taken_once_by_the_export_of_the_same_contract_and_is_the_same_pdf() {
    let _one_at_a_time = one_slot();
    let (data, hash) = issued(&form_for("Asger Ahead Ørum"));
    let fresh = render_contract(&data, None, &hash).unwrap();
    assert!(!fresh.laid_out_ahead);

    pladsoverblik_pdf::render_contract_ahead(&data, None, &hash);
    // Another contract's PDF meanwhile is laid out for itself and leaves the kept one.
    let (other, other_hash) = issued(&form_for("Bodil Bagom Ærø"));
    let other = render_contract(&other, None, &other_hash).unwrap();
    assert!(!other.laid_out_ahead);
    assert_ne!(other.sha256, fresh.sha256);

    let taken = render_contract(&data, None, &hash).unwrap();
    assert!(taken.laid_out_ahead, "the kept PDF was not taken");
    assert_eq!(taken.bytes, fresh.bytes);
    assert_eq!(taken.sha256, fresh.sha256);
    assert_eq!(taken.pages, fresh.pages);
    // Taken once: the next export of it lays it out again.
    assert!(!render_contract(&data, None, &hash).unwrap().laid_out_ahead);
}

#[test]
fn the_export_after_the_save_dialog_writes_the_pdf_laid_out_while_it_was_open() {
    let _one_at_a_time = one_slot();
    let engine = Engine::open_in_memory().unwrap();
    let today = day(2026, 11, 25);
    let id = engine
        .contract_create(&form_for("Cecilie Dialog Åsted"), today)
        .unwrap()
        .id;
    let view = engine.contract_issue(&id, today).unwrap();
    let (data, hash) = (view.data.unwrap(), view.current.data_sha256.unwrap());
    let fresh = render_contract(&data, None, &hash).unwrap();

    let name = pladsoverblik_pdf::prepare_export(&engine, &id, today).unwrap();
    assert_eq!(name, "Kontrakt K-2026-0001 Bostedet Fjordglimt v1.pdf");
    pladsoverblik_pdf::settle();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(&name);
    let exported =
        pladsoverblik_pdf::export_contract(&engine, &id, Some(path.clone()), today).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), fresh.bytes);
    assert_eq!(exported.sha256, fresh.sha256);
    assert_eq!(exported.pages, fresh.pages);
    // The export took the kept PDF: none is left for this contract.
    assert!(exported.laid_out_ahead, "the export laid the PDF out again");
    assert!(!render_contract(&data, None, &hash).unwrap().laid_out_ahead);
    // A draft has no PDF to prepare: the dialog is not opened, and the message says why.
    let draft = engine.contract_create(&form(), today).unwrap().id;
    let refused = pladsoverblik_pdf::prepare_export(&engine, &draft, today).unwrap_err();
    assert!(refused.to_string().contains("er ikke udstedt"), "{refused}");
}

#[test]
fn one_empty_signature_field_per_party_on_the_signature_page() {
    let (_, pdf) = render(&form());
    let doc = Document::load_mem(&pdf.bytes).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), pdf.pages);
    assert!((3..=6).contains(&pdf.pages), "{} pages", pdf.pages);
    let catalog = doc.catalog().unwrap();
    let acro = doc
        .dereference(catalog.get(b"AcroForm").unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .clone();
    let fields = acro.get(b"Fields").unwrap().as_array().unwrap();
    assert_eq!(fields.len(), 2);
    let mut names = Vec::new();
    let mut on_pages = Vec::new();
    for f in fields {
        let d = doc.get_dictionary(f.as_reference().unwrap()).unwrap();
        assert_eq!(d.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
        assert!(d.get(b"V").is_err(), "the field is empty");
        names.push(String::from_utf8_lossy(d.get(b"T").unwrap().as_str().unwrap()).into_owned());
        let page = d.get(b"P").unwrap().as_reference().unwrap();
        on_pages.push(*pages.iter().find(|(_, id)| **id == page).unwrap().0);
        // Inside the page.
        let r: Vec<f32> = d
            .get(b"Rect")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect();
        assert!(
            r[0] >= 0.0 && r[1] >= 0.0 && r[2] <= 596.0 && r[3] <= 842.0,
            "{r:?}"
        );
        assert!(
            (r[2] - r[0] - 200.0).abs() < 0.5 && (r[3] - r[1] - 56.0).abs() < 0.5,
            "{r:?}"
        );
    }
    names.sort();
    assert_eq!(names, vec!["Underskrift_koeber", "Underskrift_leverandoer"]);
    assert_eq!(on_pages[0], on_pages[1], "both on the signature page");
    let sig_page_text = tool(
        "pdftotext",
        &[
            "-f",
            &on_pages[0].to_string(),
            "-l",
            &on_pages[0].to_string(),
        ],
        &pdf.bytes,
    );
    assert!(sig_page_text.contains("Underskrifter"), "{sig_page_text}");
}

#[test]
fn pdf_a_2a_and_pdf_ua_1_are_claimed_and_danish_is_the_language() {
    let (_, pdf) = render(&form());
    let doc = Document::load_mem(&pdf.bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    let lang = catalog.get(b"Lang").unwrap();
    assert_eq!(String::from_utf8_lossy(lang.as_str().unwrap()), "da-DK");
    assert!(catalog.get(b"StructTreeRoot").is_ok());
    let meta = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap()
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8_lossy(&meta.decompressed_content().unwrap_or(meta.content.clone()))
        .into_owned();
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
    assert!(xmp.contains("Kontrakt K-2026-0001"), "{xmp}");
    assert!(xmp.contains("Roskilde Kommune"), "{xmp}");
    // The signature fields came as an incremental update: the typst output is a prefix.
    let first_eof = pdf.bytes.windows(5).position(|w| w == b"%%EOF").unwrap();
    assert!(first_eof + 5 < pdf.bytes.len());
}

#[test]
fn poppler_sees_the_danish_text_every_price_and_embedded_subset_fonts() {
    let (data, pdf) = render(&form());
    let t = text(&pdf.bytes);
    for needle in [
        "Søren Ågård Østergård",
        "CPR-nr. 150601-4234",
        "Åse Ærbø",
        "Roskilde Kommune",
        "Bostedet Fjordglimt",
        "Side 1 af",
        "K-2026-0001",
        "løbende måned + 1 måned",
    ] {
        assert!(t.contains(needle), "«{needle}» missing in: {t}");
    }
    for line in &data.price.lines {
        assert!(t.contains(&line.total_text), "{} missing", line.total_text);
        assert!(
            t.contains(&line.amount_text),
            "{} missing",
            line.amount_text
        );
    }
    assert!(t.contains(&data.price.total_text));
    // The averages with their label (the amount column holds the amounts alone).
    assert!(t.contains(&format!(
        "Gennemsnit pr. døgn over perioden {}",
        pladsoverblik_core::fmt::kr(data.price.per_day)
    )));
    assert!(t.contains(&format!(
        "Gennemsnit pr. måned over perioden {}",
        pladsoverblik_core::fmt::kr(data.price.per_month)
    )));
    for c in &data.clauses {
        assert!(t.contains(&c.title), "clause {} missing", c.title);
    }
    let fonts = tool("pdffonts", &[], &pdf.bytes);
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        // … emb sub uni object ID: "yes yes yes N 0"
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "not embedded+subset+unicode: {row}"
        );
        assert!(cols[0].contains('+'), "subset tag missing: {row}");
    }
    let check = Command::new("qpdf")
        .arg("--check")
        .arg({
            let dir =
                std::env::temp_dir().join(format!("pladsoverblik-qpdf-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let p = dir.join("k.pdf");
            std::fs::write(&p, &pdf.bytes).unwrap();
            p
        })
        .output()
        .expect("qpdf is installed (make deps)");
    assert!(
        check.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// A contract with a very long intervention (`repeat` times a sentence), 12 long goals and 20
/// add-on lines.
fn long_form(repeat: usize) -> ContractForm {
    let long =
        "Borgeren har brug for en fast kontaktperson, struktur i hverdagen og støtte til at \
                indgå i fællesskaber; indsatsen tilrettelægges i samarbejde med pårørende. "
            .repeat(repeat);
    let mut f = form();
    f.intervention = long.clone();
    f.goals = (1..=12)
        .map(|i| format!("Mål {i}: {}", &long[..200]))
        .collect::<Vec<_>>()
        .join("\n");
    f.addons = (1..=20)
        .map(|i| AddOnForm {
            description: format!("Tillæg nr. {i}"),
            basis: format!("Særlig støtte {i}: {} timer pr. uge à 410 kr.", i % 7 + 1),
            amount: format!("{},50", 100 + i),
            unit: if i % 3 == 0 {
                "maaned".into()
            } else {
                "dag".into()
            },
        })
        .collect();
    f
}

#[test]
fn very_long_texts_and_20_add_on_lines_still_lay_out() {
    let (data, pdf) = render(&long_form(25));
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let (_, short) = render(&form());
    assert!(pdf.pages > short.pages, "{} vs {}", pdf.pages, short.pages);
    let t = text(&pdf.bytes);
    for i in 1..=20 {
        assert!(
            t.contains(&format!("Tillægsydelse: Tillæg nr. {i}")),
            "add-on {i} missing"
        );
    }
    assert!(t.contains(&data.price.total_text));
    // Where the price table breaks across pages, its header is repeated: the intervention
    // text's length moves the table down until it straddles a page break.
    let straddling = (10..=40).find(|&repeat| {
        let (_, pdf) = render(&long_form(repeat));
        let layout = tool("pdftotext", &["-layout"], &pdf.bytes);
        let headers = layout
            .lines()
            .filter(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w == ["Linje", "Sats", "I", "alt"]
            })
            .count();
        headers >= 2
    });
    assert!(
        straddling.is_some(),
        "the price table's header is never repeated on a following page"
    );

    let doc = Document::load_mem(&pdf.bytes).unwrap();
    let acro = doc.catalog().unwrap().get(b"AcroForm").unwrap().clone();
    let Object::Reference(id) = acro else {
        panic!("AcroForm")
    };
    assert_eq!(
        doc.get_dictionary(id)
            .unwrap()
            .get(b"Fields")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// Every text at the longest the form allows (`limits::text`), as one unbroken word where
/// that is worst for the layout: a contract that issues always exports (the defect was a
/// 17.000-character name that issued and then failed, and 50.000 × «Å» that panicked).
#[test]
fn texts_at_their_limits_still_export() {
    use pladsoverblik_core::limits::text::{LINE, NAME, NOTE};
    let mut f = form();
    f.citizen_name = "Å".repeat(NAME);
    f.buyer_contact = "Æ".repeat(LINE);
    f.intervention = "Ø".repeat(NOTE);
    f.goals = "å".repeat(NOTE);
    f.closure = "æ ".repeat(NOTE / 2);
    f.addons[0].description = "ø".repeat(LINE);
    f.addons[0].basis = "Å".repeat(NOTE);
    let (data, pdf) = render(&f);
    assert_eq!(data.citizen_name.chars().count(), NAME);
    assert!(pdf.pages >= 2);
    let t = text(&pdf.bytes);
    assert!(
        t.contains(&data.price.total_text),
        "the price is in the PDF"
    );
}

#[test]
fn a_report_table_renders_as_pdf_a_with_its_header_repeated() {
    let table = pladsoverblik_core::reports::Table {
        title: "Takststigninger 2026–2027".into(),
        summary: "2 takster steg mere end 5,00 %.".into(),
        header: [
            "Driftsherre",
            "Tilbud",
            "Takst 2026",
            "Takst 2027",
            "Stigning %",
        ]
        .map(String::from)
        .to_vec(),
        rows: (1..=90)
            .map(|i| {
                vec![
                    format!("Ærø Kommune {i}"),
                    format!("Bostedet Østergård {i}"),
                    "3.334,00".into(),
                    "3.567,38".into(),
                    "7,00".into(),
                ]
            })
            .collect(),
    };
    let pdf = pladsoverblik_pdf::render_table(&table, None, "Åse Ærbø", day(2026, 11, 25)).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert!(pdf.pages >= 2, "{} pages", pdf.pages);
    let layout = tool("pdftotext", &["-layout"], &pdf.bytes);
    assert!(layout.contains("Takststigninger 2026–2027"));
    assert!(layout.contains("Bostedet Østergård 90"));
    let headers = layout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some("Driftsherre"))
        .count();
    assert_eq!(headers, pdf.pages, "the header on every page");
    let doc = Document::load_mem(&pdf.bytes).unwrap();
    assert!(
        doc.catalog().unwrap().get(b"AcroForm").is_err(),
        "no signature fields on a report"
    );
    let again =
        pladsoverblik_pdf::render_table(&table, None, "Åse Ærbø", day(2026, 11, 25)).unwrap();
    assert_eq!(pdf.bytes, again.bytes);
}

/// A report over the whole catalogue can have tens of thousands of rows (60.174 rate increases
/// on 100.000 generated offers: 89 s and 10 GB as one PDF). The PDF has the first
/// `PDF_ROWS` and says so under its title; the CSV has them all.
#[test]
fn a_report_longer_than_the_pdf_takes_shows_its_first_rows_and_says_so() {
    use pladsoverblik_core::reports::{Table, PDF_ROWS};
    let table = Table {
        title: "Takststigninger 2025–2026".into(),
        summary: "2.001 takster steg mere end 5,00 %.".into(),
        header: ["Tilbud", "Stigning %"].map(String::from).to_vec(),
        rows: (0..=PDF_ROWS)
            .map(|i| vec![format!("T{i}"), "7,00".into()])
            .collect(),
    };
    let pdf = pladsoverblik_pdf::render_table(&table, None, "Åse Ærbø", day(2026, 11, 25)).unwrap();
    let t = text(&pdf.bytes);
    assert!(
        t.contains(
            "PDF'en viser de første 2.000 af 2.001 linjer; hele rapporten er i CSV-eksporten."
        ),
        "{}",
        &t[..300.min(t.len())]
    );
    let cells: Vec<&str> = t
        .split(' ')
        .filter(|w| w.starts_with('T') && w[1..].parse::<u32>().is_ok())
        .collect();
    assert_eq!(cells.len(), PDF_ROWS);
    assert_eq!(cells.last(), Some(&"T1999"));
}

/// A line chart with the PL line (reference) and a horizontal bar chart, as the core builds
/// them for the reports.
fn glance(kind: &str) -> pladsoverblik_core::reports::Glance {
    use pladsoverblik_core::reports::chart::{point, Chart, ChartKind, Role, Series, Spec, Unit};
    use pladsoverblik_core::reports::{Figure, Glance};
    let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    let (chart_kind, categories, series, unit) = if kind == "line" {
        (
            ChartKind::Line,
            vec!["2025".to_string(), "2026".into(), "2027".into()],
            vec![
                Series {
                    name: "Bostedet Østergård, SEL § 108".into(),
                    role: Role::Data,
                    values: vec![
                        None,
                        Some(point(d("100"), Unit::Index)),
                        Some(point(d("107"), Unit::Index)),
                    ],
                },
                Series {
                    name: "PL-linjen".into(),
                    role: Role::Reference,
                    values: vec![
                        Some(point(d("97.09"), Unit::Index)),
                        Some(point(d("100"), Unit::Index)),
                        Some(point(d("102.9"), Unit::Index)),
                    ],
                },
            ],
            Unit::Index,
        )
    } else {
        (
            ChartKind::Hbars,
            vec![
                "Bostedet Østergård".to_string(),
                "Opholdsstedet Æblehaven med et meget langt navn".into(),
            ],
            vec![
                Series {
                    name: "Budgetteret belægning".into(),
                    role: Role::Data,
                    values: vec![
                        Some(point(d("95"), Unit::Pct)),
                        Some(point(d("96"), Unit::Pct)),
                    ],
                },
                Series {
                    name: "Faktisk belægning".into(),
                    role: Role::Data,
                    values: vec![
                        Some(point(d("88"), Unit::Pct)),
                        Some(point(d("101.5"), Unit::Pct)),
                    ],
                },
            ],
            Unit::Pct,
        )
    };
    Glance {
        figures: vec![Figure {
            label: "Over 5,00 %".into(),
            value: "2".into(),
            note: "af 3 sammenlignede takster".into(),
        }],
        chart: Some(Chart::new(Spec {
            kind: chart_kind,
            title: "Takstudvikling 2025–2027 med PL-linjen".into(),
            description:
                "Linjediagram: Bostedet Østergård steg til indeks 107,0; PL-linjen står på 102,9."
                    .into(),
            value_label: "Indeks (2026 = 100)".into(),
            category_label: "År".into(),
            categories,
            series,
            unit,
            from_zero: false,
            note: "Indeks: taksten delt med taksten i 2026 × 100.".into(),
        })),
    }
}

#[test]
fn a_report_with_a_chart_is_pdf_a_and_ua_with_the_chart_described() {
    let table = pladsoverblik_core::reports::Table {
        title: "Takststigninger 2026–2027".into(),
        summary: "1 takst steg mere end 5,00 %.".into(),
        header: ["Tilbud", "Takst 2026", "Takst 2027", "Stigning %"]
            .map(String::from)
            .to_vec(),
        rows: vec![["Bostedet Østergård", "3.334,00", "3.567,38", "7,00"]
            .map(String::from)
            .to_vec()],
    };
    for kind in ["line", "hbars"] {
        let g = glance(kind);
        let pdf = pladsoverblik_pdf::render_table(&table, Some(&g), "Åse Ærbø", day(2026, 11, 25))
            .unwrap();
        assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
        // The export itself validates PDF/A-2a and PDF/UA-1 (typst fails it on a violation);
        // the claims are in the metadata.
        let doc = Document::load_mem(&pdf.bytes).unwrap();
        let catalog = doc.catalog().unwrap();
        assert!(catalog.get(b"StructTreeRoot").is_ok());
        let meta = doc
            .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
            .unwrap()
            .as_stream()
            .unwrap();
        let xmp = String::from_utf8_lossy(&meta.content).into_owned();
        assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
        assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
        // The chart is a Figure in the structure tree with its description as /Alt.
        let description = g.chart.as_ref().unwrap().description.clone();
        let figure_alts: Vec<String> = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"S").and_then(Object::as_name).ok() == Some(&b"Figure"[..]))
            .filter_map(|d| d.get(b"Alt").ok().and_then(|a| a.as_str().ok()))
            .map(decode_pdf_text)
            .collect();
        assert!(
            figure_alts.iter().any(|a| a == &description),
            "{figure_alts:?}"
        );
        let t = text(&pdf.bytes);
        assert!(t.contains("Takstudvikling 2025–2027 med PL-linjen"), "{t}");
        assert!(t.contains("Over 5,00 %"), "{t}");
        if kind == "line" {
            // The chart's numbers in a table below it.
            assert!(t.contains("Tallene i grafen"), "{t}");
            assert!(t.contains("102,9"), "{t}");
        }
        tool("qpdf", &["--check"], &pdf.bytes);
        let again =
            pladsoverblik_pdf::render_table(&table, Some(&g), "Åse Ærbø", day(2026, 11, 25))
                .unwrap();
        assert_eq!(
            pdf.bytes, again.bytes,
            "the same report gives the same bytes"
        );
    }
}

/// A PDF text string: UTF-16BE with a BOM, or PDFDocEncoding (Latin-1 for these texts).
fn decode_pdf_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => String::from_utf16_lossy(
            &rest
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect::<Vec<_>>(),
        ),
        None => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

/// A one-person project's contract: the budget that adds up to the rate in the price section,
/// and the municipalities asked first as an appendix, both from the issued data.
#[test]
fn a_one_person_contract_prints_its_budget_and_the_asked_municipalities() {
    use pladsoverblik_core::contracts::{BudgetForm, BudgetLineForm};
    use pladsoverblik_core::placement::forms::{ClosingForm, InquiryForm, NeedForm, NewCheckForm};
    let engine = Engine::open_in_memory().unwrap();
    let today = day(2026, 11, 25);
    let need = NeedForm {
        legal_basis: "108".into(),
        target_group: "FN.P.PV.PER".into(),
        age: "25".into(),
        home_municipality: "Roskilde".into(),
        wanted_start: "01.12.2026".into(),
    };
    let check = NewCheckForm {
        kind: "enkeltmand".into(),
        need,
        ..Default::default()
    };
    let check = engine
        .check_create(&check.parse().unwrap(), today)
        .unwrap()
        .id;
    let asked = InquiryForm {
        municipality: "Køge".into(),
        asked_on: "20.11.2026".into(),
        method: "telefon".into(),
        contact: "Lis Berg, visitationschef".into(),
        answer: "nej".into(),
        answered_on: "23.11.2026".into(),
        answer_text: "Ingen ledige boliger og ingen borgere med samme behov.".into(),
    };
    engine
        .check_inquire(&check, &asked.parse().unwrap(), today)
        .unwrap();
    let closing = ClosingForm {
        conclusion: "enkeltmand_begrundet".into(),
        ..Default::default()
    };
    engine.check_close_form(&check, &closing, today).unwrap();
    let line = |amount: &str, basis: &str| BudgetLineForm {
        amount: amount.into(),
        basis: basis.into(),
    };
    // Bostedet Fjordglimt's 2026 rate is 3.334 kr. per day: the budget adds up to it.
    let f = ContractForm {
        one_person: true,
        one_person_check_id: check,
        budget: BudgetForm {
            staffing: line("2.400,00", "Normering 1:1 i dagtimerne, vågen nattevagt"),
            premises: line("500,00", "Husleje og drift af boligen"),
            overhead: line("334,00", "Ledelse og administration"),
            other: line("100,00", "Aktiviteter og transport"),
            ..Default::default()
        },
        addons: Vec::new(),
        ..form()
    };
    let id = engine.contract_create(&f, today).unwrap().id;
    let view = engine.contract_issue(&id, today).unwrap();
    let (data, hash) = (view.data.unwrap(), view.current.data_sha256.unwrap());
    let pdf = render_contract(&data, None, &hash).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let t = text(&pdf.bytes);
    for needle in [
        "Enkeltmandstilbud: budget",
        "Personale",
        "Normering 1:1 i dagtimerne",
        "2.400,00 kr. pr. døgn",
        "I alt 3.334,00 kr. pr. døgn: budgettet går op i taksten.",
        "Bilag: Andre kommuner spurgt før oprettelse af enkeltmandstilbud",
        "Køge Kommune: spurgt 20.11.2026 pr. telefon (Lis Berg, visitationschef); svar 23.11.2026: Nej, kan ikke være med",
        "«Vi afsøger om andre kommuner kan være med i et botilbud, før vi opretter et enkeltmandstilbud»",
    ] {
        assert!(t.contains(needle), "«{needle}» missing in: {t}");
    }
}

#[test]
fn every_report_of_the_example_catalogue_renders_with_its_chart() {
    use pladsoverblik_core::reports::Kind;
    let engine = Engine::open_in_memory().unwrap();
    engine.set_setting("pl_rate_2025", "4,1").unwrap();
    engine.set_setting("pl_rate_2026", "3,1").unwrap();
    // One issued contract, so the spend overview has years to draw.
    let today = day(2026, 11, 25);
    let id = engine.contract_create(&form(), today).unwrap().id;
    engine.contract_issue(&id, today).unwrap();
    for kind in Kind::ALL {
        let report = engine.report(kind, 2026).unwrap();
        let (table, glance) = (report.table(), report.glance());
        let pdf =
            pladsoverblik_pdf::render_table(&table, Some(&glance), "Åse Ærbø", day(2026, 11, 25))
                .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert!(pdf.warnings.is_empty(), "{kind:?}: {:?}", pdf.warnings);
        // To look at them: PLADSOVERBLIK_REPORT_PDFS=<folder>.
        if let Some(dir) = std::env::var_os("PLADSOVERBLIK_REPORT_PDFS") {
            let path = std::path::Path::new(&dir).join(format!("rapport-{}.pdf", kind.code()));
            std::fs::write(path, &pdf.bytes).unwrap();
        }
        let t = text(&pdf.bytes);
        if let Some(chart) = &glance.chart {
            assert!(t.contains(&chart.title), "{kind:?}: {t}");
        }
        if kind == Kind::Spend {
            assert!(glance.chart.is_some(), "spend per year has a chart");
        }
        if kind == Kind::RateIncreases {
            let chart = glance
                .chart
                .as_ref()
                .expect("the example's 2026 increases have a chart");
            assert!(chart.series.iter().any(|s| s.name == "PL-linjen"));
            assert!(t.contains("Stigningen ud over PL er relativ"), "{t}");
        }
    }
}
