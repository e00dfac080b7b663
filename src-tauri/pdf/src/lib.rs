//! Contract PDFs for signing and archiving.
//!
//! Pipeline: the issued contract (`ContractData`, plus the public-first check's summary as
//! the appendix) → a JSON view model → typst lays out `templates/contract.typ` in a minimal
//! `World` (embedded template and fonts, no file system, no clock) → PDF/A-2a + PDF/UA-1
//! (tagged, `/Lang da-DK`) → an incremental update with one empty `/FT /Sig` field per party
//! → the bytes and their SHA-256. The same contract version always gives the same bytes.

mod ahead;
mod fields;
mod worker;
mod world;

pub use fields::{add_signature_fields, SigField};

use chrono::Datelike;
use pladsoverblik_core::contracts::ContractData;
use pladsoverblik_core::placement::Summary;
use pladsoverblik_core::{fmt, Error, Result};
use serde_json::{json, Value};
use typst::foundations::{Datetime, Label, Selector, Smart, Value as TypstValue};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// The layout; a non-programmer may adjust it. The texts come from the data.
pub const CONTRACT_TEMPLATE: &str = include_str!("../templates/contract.typ");

/// The layout of the steering group's reports (one table with a repeated header).
pub const REPORT_TEMPLATE: &str = include_str!("../templates/report.typ");

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub pages: usize,
    /// typst's warnings (none for the bundled template; a test keeps it that way).
    pub warnings: Vec<String>,
    /// Laid out ahead (`render_ahead`) and taken when asked for.
    pub laid_out_ahead: bool,
}

pub use pladsoverblik_core::fmt::sha256_hex;

/// The typesetter's and the PDF writer's messages are English and technical: the user gets a
/// Danish sentence; a debug build adds the technical detail for the developer.
fn failed(what: impl std::fmt::Display) -> Error {
    let detail = if cfg!(debug_assertions) {
        format!(" (teknisk: {what})")
    } else {
        String::new()
    };
    Error::Internal(format!(
        "PDF'en kunne ikke dannes ud fra skabelonen og kontraktens data; intet er gemt.{detail}"
    ))
}

fn pair(label: &str, value: impl Into<String>) -> Value {
    json!([label, value.into()])
}

/// " (kilde)" after a term's value, when it has one.
fn source(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" ({s})")
    }
}

/// The JSON the template reads: every text already formatted in Danish.
pub fn view_model(d: &ContractData, check: Option<&Summary>, data_sha256: &str) -> Value {
    let mut model = json!({
        "title": format!("Kontrakt {} version {} – {}", d.number, d.version, d.offer.name),
        "author": d.buyer.name,
        "subject": format!("Standardkontrakt om {} i {} mellem {} og {}", d.legal_basis_label, d.offer.name, d.buyer.name, d.provider.name),
        "keywords": ["standardkontrakt", d.number, d.legal_basis.code(), d.offer.id, d.template.id],
        "date": { "year": d.issued_on.year(), "month": d.issued_on.month(), "day": d.issued_on.day() },
        "number": d.number,
        "version": d.version,
        "buyer_name": d.buyer.name,
        "data_sha256": data_sha256,
        "template_title": d.template.title,
        "template_version": d.template.version,
        "offer_name": d.offer.name,
        "legal_basis": d.legal_basis_label,
        "parties": parties(d),
        "terms": terms(d),
        "goals": d.goals,
        "price_lines": d.price.lines.iter().map(|l| json!({
            "label": l.label, "basis": l.basis, "amount": l.amount_text, "total": l.total_text,
        })).collect::<Vec<_>>(),
        // The amounts alone: the row's label says they are averages over the period, so the
        // amount column stays narrow and the line descriptions get the width.
        "per_day": fmt::kr(d.price.per_day),
        "per_month": fmt::kr(d.price.per_month),
        "years": d.price.years.iter().map(|y| json!({
            "year": y.year.to_string(), "per_day": y.per_day_text, "per_month": y.per_month_text, "rule": y.rule,
        })).collect::<Vec<_>>(),
        "price_rule": d.price.rule_text,
        "total": d.price.total_text,
        "days": d.price.days,
        "vat_text": d.price.vat_text,
        "clauses": d.clauses.iter().map(|c| json!({ "title": c.title, "text": c.text })).collect::<Vec<_>>(),
        "signers": [
            { "role": "For køber", "name": d.buyer.name, "field": "Underskrift_koeber",
              "tooltip": format!("Underskrift for køber ({})", d.buyer.name) },
            { "role": "For leverandøren", "name": d.provider.name, "field": "Underskrift_leverandoer",
              "tooltip": format!("Underskrift for leverandøren ({})", d.provider.name) },
        ],
        "check": check.map(check_appendix),
    });
    // Only a one-person project's contract has the key, so every other contract's PDF stays
    // byte for byte what it was.
    if let Some(o) = &d.one_person {
        model["one_person"] = one_person(o);
    }
    model
}

/// A one-person project: the budget that adds up to the rate (the open calculation basis),
/// and the municipalities asked before it was created, with their answers.
fn one_person(o: &pladsoverblik_core::contracts::OnePerson) -> Value {
    json!({
        "rule": o.rule.text,
        "check_id": o.check_id.clone().unwrap_or_default(),
        "asked": o.asked,
        "conclusion": o.conclusion,
        "lines": o.lines.iter().map(|l| json!({
            "label": l.label, "basis": l.basis, "amount": l.amount_text,
        })).collect::<Vec<_>>(),
        "total": o.total_text,
        "rate": o.rate_text,
        "rate_source": o.rate_source,
        "sum": o.sum_text,
    })
}

/// The parties: buyer, payer (or "the same as the buyer"), provider, offer and citizen.
fn parties(d: &ContractData) -> Vec<Value> {
    let mut parties = vec![
        pair(
            "Køber (handlekommune)",
            format!(
                "{}, EAN {}{}",
                d.buyer.name,
                d.buyer.ean,
                if d.buyer.contact.is_empty() {
                    String::new()
                } else {
                    format!(", kontakt: {}", d.buyer.contact)
                }
            ),
        ),
        pair(
            "Betalingskommune",
            format!("{}, EAN {}", d.payer.name, d.payer.ean),
        ),
        pair(
            "Leverandør",
            format!(
                "{}{}, EAN {}, {}",
                d.provider.name,
                d.provider
                    .cvr
                    .as_deref()
                    .map(|c| format!(", CVR {c}"))
                    .unwrap_or_default(),
                d.provider.ean,
                d.provider.address
            ),
        ),
        pair(
            "Tilbud",
            format!(
                "{} ({}){}",
                d.offer.name,
                d.offer.id,
                d.offer
                    .department_name
                    .as_deref()
                    .map(|n| format!(", afdeling {n}"))
                    .unwrap_or_default()
            ),
        ),
        pair(
            "Borger",
            format!("{}, CPR-nr. {}", d.citizen_name, d.citizen_cpr),
        ),
    ];
    if d.buyer.name == d.payer.name {
        parties.remove(1);
        parties.insert(
            1,
            pair(
                "Betalingskommune",
                format!("Samme som køber, EAN {}", d.payer.ean),
            ),
        );
    }
    parties
}

/// The terms, then the contract's notes.
fn terms(d: &ContractData) -> Vec<Value> {
    let date = |x: chrono::NaiveDate| fmt::date(x);
    let terms = vec![
        pair("Lovgrundlag", d.legal_basis_label.clone()),
        pair("Indsats", d.intervention.clone()),
        pair(
            "Periode",
            format!(
                "{}–{} ({} dage), tidsbegrænset",
                date(d.start),
                date(d.end),
                d.price.days
            ),
        ),
        pair(
            "Opfølgning",
            d.followups
                .iter()
                .map(|f| date(*f))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        pair(
            "Rammeaftale",
            match &d.agreement {
                Some(a) if d.offer.covered_by_rammeaftale => {
                    format!("{} – tilbuddet er omfattet", a.text)
                }
                Some(a) => format!("{} – tilbuddet er ikke omfattet", a.text),
                None => "Ingen rammeaftale binder køber".into(),
            },
        ),
        pair(
            "Betaling",
            format!(
                "Månedligt {}, senest {} dage efter modtaget faktura{}",
                d.payment.timing,
                d.payment.days_after_invoice,
                source(&d.payment.source)
            ),
        ),
        pair(
            "Opsigelse",
            format!(
                "Køber: {}{}. Leverandør: {}{}.",
                d.notice.buyer_text,
                source(&d.notice.buyer_source),
                d.notice.provider_text,
                source(&d.notice.provider_source)
            ),
        ),
        pair(
            "Fravær",
            format!(
                "Fuld takst i op til {} dages fravær og {} dages hospitalsophold{}",
                d.absence.absence_days,
                d.absence.hospital_days,
                source(&d.absence.source)
            ),
        ),
        pair("Region", d.buyer_region_text.clone()),
        pair(
            "Afstemning",
            d.check_id
                .as_deref()
                .map(|c| format!("{c} (bilag)"))
                .unwrap_or_else(|| {
                    "Ikke påkrævet: tilbuddet er omfattet af købers rammeaftale".into()
                }),
        ),
    ];
    terms
        .into_iter()
        .chain(d.notes.iter().map(|n| pair("Bemærkning", n.clone())))
        .collect()
}

/// The public-first check's summary, as the appendix shows it.
fn check_appendix(s: &Summary) -> Value {
    json!({
        "title": s.title,
        "facts": s.facts.iter().map(|(l, v)| pair(l, v.clone())).collect::<Vec<_>>(),
        "candidates": s.candidates.iter().map(|c| json!({
            "name": c.first().cloned().unwrap_or_default(),
            "operator": c.get(1).cloned().unwrap_or_default(),
            "place": format!("{}, {}", c.get(2).cloned().unwrap_or_default(), c.get(3).cloned().unwrap_or_default()),
            "free": format!("{} {}", c.get(4).cloned().unwrap_or_default(), c.get(5).cloned().unwrap_or_default()),
            "state": c.get(6).cloned().unwrap_or_default(),
            "handling": c.get(7).cloned().unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "events": s.events,
        "excluded": s.excluded,
        "conclusion": s.conclusion,
    })
}

fn number(v: &TypstValue) -> Option<f64> {
    match v {
        TypstValue::Float(f) => Some(*f),
        TypstValue::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// Where the template placed the signature boxes: each box holds a `<sig>` metadata (name,
/// tooltip, size), and the layout's introspector knows where it landed. Reading the position
/// here, not with `here().position()` in the template, keeps the box out of typst's layout
/// iterations (about 1 ms of a contract's 21).
fn signature_fields(doc: &PagedDocument) -> Result<Vec<SigField>> {
    let label = Label::new(PicoStr::intern("sig")).ok_or_else(|| failed("label"))?;
    let introspector = doc.introspector();
    let unreadable = || failed("underskriftsfelternes placering kan ikke læses");
    let mut out = Vec::new();
    for content in introspector.query(&Selector::Label(label)) {
        let Some(meta) = content.to_packed::<MetadataElem>() else {
            continue;
        };
        let TypstValue::Dict(dict) = &meta.value else {
            continue;
        };
        let get = |k: &str| dict.get(k).ok();
        let text = |k: &str| match get(k) {
            Some(TypstValue::Str(s)) => Some(s.to_string()),
            _ => None,
        };
        let num = |k: &str| get(k).and_then(number);
        let at = content
            .location()
            .and_then(|l| introspector.position(l))
            .ok_or_else(unreadable)?;
        match (text("name"), text("tooltip"), num("w"), num("h")) {
            (Some(name), Some(tooltip), Some(w), Some(h)) => out.push(SigField {
                name,
                tooltip,
                page: at.page.get(),
                x: at.point.x.to_pt(),
                y: at.point.y.to_pt(),
                w,
                h,
            }),
            _ => return Err(unreadable()),
        }
    }
    Ok(out)
}

/// Lays out `data` (the view model) with `template` and exports PDF/A-2a + PDF/UA-1 with the
/// signature fields added, on the PDF thread (`worker`), or takes the PDF `render_ahead` laid
/// out there for the same input. Never panics: should the typesetter or the PDF writer panic
/// on some text, that is a Danish error (the forms bound every text, so it should not happen).
pub fn render(
    template: &str,
    data: &Value,
    ident: &str,
    date: chrono::NaiveDate,
) -> Result<Rendered> {
    let input = input(template, data, ident, date)?;
    worker::run(move || match ahead::take(&input) {
        Some(rendered) => Some(Ok(rendered)),
        None => guarded(&input),
    })
    .flatten()
    .unwrap_or_else(|| {
        Err(Error::Internal(
            "PDF'en kunne ikke dannes: sætningen af dokumentet stoppede med en intern fejl. Intet er gemt; forkort lange tekster i kontrakten, og prøv igen.".into(),
        ))
    })
}

/// Lays out what `render` would with the same arguments, on the PDF thread, and keeps the PDF
/// for that `render` (one PDF is kept); returns at once. typst's cache is emptied after it, as
/// after an export. A failure is not kept: the `render` that follows lays out again and
/// reports it.
pub fn render_ahead(template: &str, data: &Value, ident: &str, date: chrono::NaiveDate) {
    let Ok(input) = input(template, data, ident, date) else {
        return;
    };
    worker::spawn(move || {
        if !ahead::holds(&input) {
            if let Some(Ok(rendered)) = guarded(&input) {
                ahead::keep(input, rendered);
            }
        }
        typst::comemo::evict(0);
    });
}

fn input(
    template: &str,
    data: &Value,
    ident: &str,
    date: chrono::NaiveDate,
) -> Result<ahead::Input> {
    Ok(ahead::Input {
        template: template.to_string(),
        bytes: serde_json::to_vec(data).map_err(failed)?,
        ident: ident.to_string(),
        date,
    })
}

/// `render_unguarded` with a panic caught (`None`).
fn guarded(input: &ahead::Input) -> Option<Result<Rendered>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render_unguarded(
            &input.template,
            input.bytes.clone(),
            &input.ident,
            input.date,
        )
    }))
    .ok()
}

fn render_unguarded(
    template: &str,
    bytes: Vec<u8>,
    ident: &str,
    date: chrono::NaiveDate,
) -> Result<Rendered> {
    let today = Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
        .ok_or_else(|| failed("ugyldig dato"))?;
    let world =
        world::ContractWorld::new(template, bytes, today).ok_or_else(|| failed("skabelonen"))?;
    let warned = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<String> = warned
        .warnings
        .iter()
        .map(|w| w.message.to_string())
        .collect();
    let doc = warned.output.map_err(|errors| failed(messages(&errors)))?;
    pladsoverblik_core::timing::mark("pdf: layout");
    let sig = signature_fields(&doc)?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("Pladsoverblik".into())),
        standards: PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
            .map_err(|e| failed(e.message()))?,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|errors| failed(messages(&errors)))?;
    pladsoverblik_core::timing::mark("pdf: pdf/a");
    let with_fields = if sig.is_empty() {
        pdf
    } else {
        add_signature_fields(&pdf, &sig).map_err(failed)?
    };
    pladsoverblik_core::timing::mark("pdf: felter");
    Ok(Rendered {
        sha256: sha256_hex(&with_fields),
        pages: doc.pages().len(),
        bytes: with_fields,
        warnings,
        laid_out_ahead: false,
    })
}

/// Prepares what every PDF needs once per process — typst's standard library, the fonts and
/// their book — and lays out one small page in Danish so the typesetter's own data (line
/// breaking, hyphenation, the PDF/A writer) is loaded and the PDF thread's memory is in use.
/// The app runs it in the background when a contract is first opened, so the first export
/// does not pay for it on the user's click.
pub fn prepare() {
    let _ = worker::run(prepare_here);
}

fn prepare_here() {
    world::prepare_shared();
    let data = json!({
        "title": "Pladsoverblik",
        "summary": "Forberedelse",
        "author": "Pladsoverblik",
        "date": { "year": 2026, "month": 1, "day": 1 },
        "date_text": "01.01.2026",
        "header": ["Tilbud", "Takst"],
        "rows": [["Bostedet Åbrinken, Næstved – afdelingsstruktur", "2.345,67 kr."]],
        "figures": [],
        "chart": null,
    });
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    // A failure here shows again, in Danish, on the export itself.
    let _ = render(REPORT_TEMPLATE, &data, "forberedelse", date);
}

/// `prepare` once per process, queued on the PDF thread (the command that opens a contract
/// calls it; it returns at once). An export asked for meanwhile waits for it there instead of
/// doing the same work beside it.
pub fn prepare_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| worker::spawn(prepare_here));
}

/// Drops every memoised typst result: the app does it after each export, so the cache does
/// not grow, and the benchmark before each render it measures uncached. Keeping the results of
/// the last 10 renders instead (the parts contracts share) made the next, different contract
/// slower, not faster: p50 27,5–29,9 → 22,3–23,8 ms with nothing kept (docs/benchmarks.md,
/// round 6); the same contract exported twice takes 22 ms instead of 3, which nobody waits for.
/// It is queued on the PDF thread, so the caller does not wait for it; the next render there
/// starts after it.
pub fn evict_cache() {
    worker::spawn(|| typst::comemo::evict(0));
}

/// Waits until the PDF thread has done what was queued before (a render laid out ahead, an
/// emptying of the cache): the time a user spends in the save dialog, for tests and the bench.
pub fn settle() {
    let _ = worker::run(|| ());
}

/// The contract PDF of an issued version, with the check as its appendix.
pub fn render_contract(
    d: &ContractData,
    check: Option<&Summary>,
    data_sha256: &str,
) -> Result<Rendered> {
    let model = view_model(d, check, data_sha256);
    render(CONTRACT_TEMPLATE, &model, &contract_ident(d), d.issued_on)
}

/// `render_contract`'s PDF laid out now on the PDF thread and kept for it (`render_ahead`).
pub fn render_contract_ahead(d: &ContractData, check: Option<&Summary>, data_sha256: &str) {
    let model = view_model(d, check, data_sha256);
    render_ahead(CONTRACT_TEMPLATE, &model, &contract_ident(d), d.issued_on);
}

/// The PDF's document identifier: the contract's number and version.
fn contract_ident(d: &ContractData) -> String {
    format!("{}-v{}", d.number, d.version)
}

/// A report as a PDF/A-2a + PDF/UA-1 document (landscape when its table has many columns):
/// the summary, the figures and the chart at a glance (`glance`, drawn with typst's shapes, its
/// text alternative as the figure's alt text), then the table's first `reports::PDF_ROWS` rows (the
/// summary says so when there are more; the CSV has them all).
pub fn render_table(
    table: &pladsoverblik_core::reports::Table,
    glance: Option<&pladsoverblik_core::reports::Glance>,
    author: &str,
    date: chrono::NaiveDate,
) -> Result<Rendered> {
    let data = json!({
        "title": table.title,
        "summary": table.pdf_summary(),
        "author": author,
        "date": { "year": date.year(), "month": date.month(), "day": date.day() },
        "date_text": fmt::date(date),
        "header": table.header,
        "rows": table.pdf_rows(),
        "figures": glance.map(|g| g.figures.as_slice()).unwrap_or_default(),
        "chart": glance.and_then(|g| g.chart.as_ref()),
    });
    render(
        REPORT_TEMPLATE,
        &data,
        &format!("rapport-{}-{date}", table.title),
        date,
    )
}

/// Typst's diagnostics as one line.
fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// "1 side", "4 sider".
pub fn pages_text(pages: usize) -> String {
    if pages == 1 {
        "1 side".into()
    } else {
        format!("{pages} sider")
    }
}

/// "(101 sider)." after a report's file name, and when its PDF leaves rows out, how many it
/// shows and where the rest are.
pub fn report_written(table: &pladsoverblik_core::reports::Table, pages: usize) -> String {
    match table.pdf_note() {
        Some(note) => format!("({}). {note}", pages_text(pages)),
        None => format!("({}).", pages_text(pages)),
    }
}

/// A sensible Danish file name: `Kontrakt K-2026-0042 Kildebo v2.pdf`.
pub fn file_name(d: &ContractData) -> String {
    let offer: String = d
        .offer
        .name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .collect();
    format!("Kontrakt {} {} v{}.pdf", d.number, offer.trim(), d.version)
}

/// What an export wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exported {
    pub path: String,
    pub pages: usize,
    pub sha256: String,
    pub record: pladsoverblik_core::contracts::PdfRecord,
    /// "Kontrakten er gemt som … (4 sider). PDF'en er identisk med …".
    pub text: String,
    /// The PDF was laid out while the save dialog was open (`prepare_export`).
    #[serde(skip)]
    pub laid_out_ahead: bool,
}

/// Renders a report (its table, and its figures and chart when given) as PDF (author: the
/// user in the audit log) and writes it to `path`; returns the number of pages.
pub fn export_report(
    engine: &pladsoverblik_core::Engine,
    table: &pladsoverblik_core::reports::Table,
    glance: Option<&pladsoverblik_core::reports::Glance>,
    path: &std::path::Path,
    today: chrono::NaiveDate,
) -> Result<usize> {
    let author = engine.settings()?.effective_user;
    let rendered = render_table(table, glance, &author, today)?;
    evict_cache();
    pladsoverblik_core::paths::write_private(path, &rendered.bytes)
        .map_err(|e| Error::io(path.display(), e))?;
    Ok(rendered.pages)
}

/// An issued contract as its PDF is made from it.
struct Issued {
    id: String,
    data: ContractData,
    data_sha256: String,
    /// The public-first check's summary as it stood on the issue day (the appendix).
    check: Option<Summary>,
}

/// The current issued version of contract `id`.
fn issued(
    engine: &pladsoverblik_core::Engine,
    id: &str,
    today: chrono::NaiveDate,
) -> Result<Issued> {
    let view = engine.contract(id, today)?;
    let (Some(data), Some(data_sha256)) = (view.data, view.current.data_sha256) else {
        return Err(Error::Invalid(format!(
            "Kontrakt {} version {} er ikke udstedt; udsted den, før den eksporteres.",
            view.id, view.current.version
        )));
    };
    let check = match &data.check_id {
        Some(c) => Some(engine.check_summary(c, data.issued_on)?),
        None => None,
    };
    Ok(Issued {
        id: view.id,
        data,
        data_sha256,
        check,
    })
}

/// The save dialog's file name for the current issued version of contract `id`; its PDF is
/// laid out meanwhile on the PDF thread (`render_contract_ahead`), so the export after the
/// dialog writes it without waiting for the layout.
pub fn prepare_export(
    engine: &pladsoverblik_core::Engine,
    id: &str,
    today: chrono::NaiveDate,
) -> Result<String> {
    let c = issued(engine, id, today)?;
    render_contract_ahead(&c.data, c.check.as_ref(), &c.data_sha256);
    Ok(file_name(&c.data))
}

/// Renders the current issued version (with its check as the appendix, as it stood on the
/// issue day), or takes the PDF `prepare_export` laid out for it, writes it to `out` (default:
/// its file name in the current directory), and records or checks its SHA-256.
pub fn export_contract(
    engine: &pladsoverblik_core::Engine,
    id: &str,
    out: Option<std::path::PathBuf>,
    today: chrono::NaiveDate,
) -> Result<Exported> {
    let Issued {
        id,
        data,
        data_sha256,
        check,
    } = issued(engine, id, today)?;
    let data = &data;
    let rendered = render_contract(data, check.as_ref(), &data_sha256)?;
    if !rendered.laid_out_ahead {
        evict_cache();
    }
    let path = out.unwrap_or_else(|| std::path::PathBuf::from(file_name(data)));
    pladsoverblik_core::paths::write_private(&path, &rendered.bytes)
        .map_err(|e| Error::io(path.display(), e))?;
    let record = engine.contract_record_pdf(&id, data.version, &rendered.sha256)?;
    Ok(Exported {
        text: format!(
            "Kontrakten er gemt som {} ({}). {}",
            path.display(),
            pages_text(rendered.pages),
            record.text
        ),
        path: path.display().to_string(),
        pages: rendered.pages,
        sha256: rendered.sha256,
        record,
        laid_out_ahead: rendered.laid_out_ahead,
    })
}
