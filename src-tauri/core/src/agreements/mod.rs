//! Rammeaftaler as data (R0): the agreement that binds a buyer on a day decides the
//! public-first check's area, the contract template, the contract's terms and how prices
//! move. The agreements the seeds describe ship with the app (`assets/agreements/`); a
//! municipality imports newer ones (`plads agreements import`). See `docs/agreements.md`.

pub mod model;
pub mod most_specialised;
pub mod rules;
pub mod store;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

use crate::error::{Error, Problem, Result};
use crate::{audit, fmt, geo};
pub use model::{Agreement, AgreementFile};
pub use rules::Applicable;

/// The agreements built into this version of the app (from the seeds, each value cited).
const BUILT_IN_JSON: &str = include_str!("../../../../assets/agreements/rammeaftaler.json");
/// The origin recorded for built-in agreements.
pub const BUILT_IN: &str = "indbygget";
/// Agreement files are small; anything larger is not one.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Parses and checks an agreement file's text; every problem names agreement and field.
pub fn parse(text: &str, file_name: &str) -> Result<AgreementFile> {
    let text = text.trim_start_matches('\u{feff}');
    let file: AgreementFile = serde_json::from_str(text).map_err(|e| Error::Rejected {
        what: "Rammeaftalefilen",
        file: file_name.to_string(),
        problems: vec![crate::catalogue::snapshot::translate_json_error(&e, 0)],
        more: 0,
    })?;
    let mut problems = Vec::new();
    if file.format != model::FORMAT_NAME {
        problems.push(Problem {
            place: "format".into(),
            message: format!(
                "filen er ikke en rammeaftalefil (forventede «{}»)",
                model::FORMAT_NAME
            ),
        });
    }
    if file.format_version != model::FORMAT_VERSION {
        problems.push(Problem {
            place: "format_version".into(),
            message: format!(
                "filen har formatversion {}, men denne version af Pladsoverblik læser version {}",
                file.format_version,
                model::FORMAT_VERSION
            ),
        });
    }
    if file.agreements.is_empty() {
        problems.push(Problem {
            place: "agreements".into(),
            message: "filen indeholder ingen rammeaftaler".into(),
        });
    }
    for (i, a) in file.agreements.iter().enumerate() {
        if file.agreements[..i]
            .iter()
            .any(|b| b.id == a.id && b.version == a.version)
        {
            problems.push(Problem {
                place: format!("agreements[{i}]"),
                message: format!(
                    "rammeaftale «{}» version {} står der to gange",
                    a.id, a.version
                ),
            });
        }
        problems.extend(rules::check(a));
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        let more = problems.len().saturating_sub(25);
        problems.truncate(25);
        Err(Error::Rejected {
            what: "Rammeaftalefilen",
            file: file_name.to_string(),
            problems,
            more,
        })
    }
}

/// The built-in agreements.
pub fn built_in() -> Result<AgreementFile> {
    parse(BUILT_IN_JSON, "assets/agreements/rammeaftaler.json")
        .map_err(|e| Error::Internal(format!("De indbyggede rammeaftaler kan ikke læses: {e}")))
}

/// Stores the built-in agreements that the database does not have yet (on every start, so a
/// newer app brings its newer records; a version already stored is never changed).
pub fn install_built_in(conn: &Connection) -> Result<()> {
    let file = built_in()?;
    let now = audit::now_local();
    let tx = conn.unchecked_transaction()?;
    for a in &file.agreements {
        if store::version(&tx, &a.id, a.version)?.is_none() {
            store::put(&tx, a, BUILT_IN, &now)?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// What an agreement import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    pub new: Vec<String>,
    pub unchanged: Vec<String>,
    pub text: String,
}

/// Imports an agreement file: every agreement is checked first; then the new versions are
/// stored in one transaction. Any problem: nothing is changed.
pub fn import_file(conn: &Connection, path: &Path) -> Result<ImportReport> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path.display(), e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Error::Invalid(format!(
            "{file_name} er {} MB; en rammeaftalefil er højst 4 MB. Vælg den rigtige fil.",
            size / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display(), e))?;
    let bytes = crate::input::strip_bom(&bytes)
        .map_err(|m| Error::Invalid(format!("{file_name}: {m}.")))?
        .to_vec();
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Invalid(format!(
            "{file_name} er ikke UTF-8-tekst. Gem filen som JSON i UTF-8."
        ))
    })?;
    let file = parse(&text, &file_name)?;
    let now = audit::now_local();
    let tx = conn.unchecked_transaction()?;
    let (mut new, mut unchanged) = (Vec::new(), Vec::new());
    for a in &file.agreements {
        let label = format!("{} version {}", a.id, a.version);
        match store::put(&tx, a, &file_name, &now)? {
            store::Stored::New => new.push(label),
            store::Stored::Unchanged => unchanged.push(label),
        }
    }
    audit::record(
        &tx,
        "agreements.import",
        &file_name,
        &serde_json::json!({ "new": new, "unchanged": unchanged }),
    )?;
    tx.commit()?;
    let text = match (new.len(), unchanged.len()) {
        (0, _) => format!(
            "Ingen nye rammeaftaler i {file_name}; {} var allerede indlæst.",
            unchanged.join(", ")
        ),
        _ => format!(
            "Indlæst fra {file_name}: {}.{}",
            new.join(", "),
            if unchanged.is_empty() {
                String::new()
            } else {
                format!(" Uændrede: {}.", unchanged.join(", "))
            }
        ),
    };
    Ok(ImportReport {
        file_name,
        new,
        unchanged,
        text,
    })
}

/// Installs one agreement version published on the municipality's server by another
/// computer (`doc`: the agreement as JSON; `published_by`: the server login), with the same
/// checks as a file's agreements. A version this computer has already with the same content
/// is `Unchanged`; with other content it is `Error::Conflict` and nothing is changed: a version
/// never changes.
pub fn receive(
    conn: &Connection,
    doc: &serde_json::Value,
    published_by: &str,
) -> Result<store::Stored> {
    let origin = format!("kommunens server ({published_by})");
    let a: Agreement = serde_json::from_value(doc.clone()).map_err(|e| Error::Rejected {
        what: "Rammeaftalen",
        file: origin.clone(),
        problems: vec![Problem {
            place: "kommunens server".into(),
            message: format!("rammeaftalen kan ikke læses ({e})"),
        }],
        more: 0,
    })?;
    let problems = rules::check(&a);
    if !problems.is_empty() {
        return Err(Error::Rejected {
            what: "Rammeaftalen",
            file: format!("{} version {} fra {origin}", a.id, a.version),
            problems,
            more: 0,
        });
    }
    let tx = conn.unchecked_transaction()?;
    let stored = store::put(&tx, &a, &origin, &audit::now_local())?;
    if stored == store::Stored::New {
        audit::record(
            &tx,
            "agreements.receive",
            &format!("{}/{}", a.id, a.version),
            &serde_json::json!({ "published_by": published_by }),
        )?;
    }
    tx.commit()?;
    Ok(stored)
}

/// The agreement versions imported on this computer from a file (not built in, not received
/// from the server): what a sync publishes.
pub fn imported(conn: &Connection) -> Result<Vec<Agreement>> {
    let mut out = Vec::new();
    for (id, version, origin, _) in store::origins(conn)? {
        if origin == BUILT_IN || origin.starts_with("kommunens server (") {
            continue;
        }
        if let Some(a) = store::version(conn, &id, version)? {
            out.push(a);
        }
    }
    Ok(out)
}

/// The agreement binding municipality `code` on `on`, if it has ever been a member of one.
pub fn for_municipality(
    conn: &Connection,
    code: u16,
    on: NaiveDate,
) -> Result<Option<(Agreement, bool)>> {
    let all = store::active(conn)?;
    Ok(rules::for_municipality(&all, code, on).map(|a| (a.agreement.clone(), a.fallback)))
}

/// One term as the screens and documents show it.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub label: String,
    /// The value in Danish, or "ikke fastsat".
    pub value: String,
    pub set: bool,
    pub source: String,
}

/// An agreement as the app lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementView {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub kkr: String,
    pub period_text: String,
    pub members_text: String,
    pub region_text: String,
    pub origin: String,
    pub terms: Vec<TermView>,
}

fn term<T>(label: &str, v: &model::Sourced<T>, show: impl Fn(&T) -> String) -> TermView {
    TermView {
        label: label.to_string(),
        value: v
            .value
            .as_ref()
            .map(show)
            .unwrap_or_else(|| rules::NOT_SET.to_string()),
        set: v.is_set(),
        source: v.source.clone(),
    }
}

/// The terms in the order a reader expects them.
pub fn term_views(a: &Agreement) -> Vec<TermView> {
    let t = &a.terms;
    let text = |v: &String| v.clone();
    let timing = |p: &model::PaymentTerm| match p.timing {
        model::PaymentTiming::Forud => "forud",
        model::PaymentTiming::Bagud => "bagud",
    };
    vec![
        term("Offentligt først", &t.public_first, text),
        term("Standardkontrakter", &t.standard_contracts, text),
        term("Takstoversigt", &t.rate_sheet, text),
        term(
            "Købers opsigelsesvarsel",
            &t.notice_buyer,
            rules::notice_text,
        ),
        term(
            "Leverandørens opsigelsesvarsel",
            &t.notice_provider,
            rules::notice_text,
        ),
        term("Betaling", &t.payment, |p| {
            format!(
                "{}, senest {} dage efter modtaget faktura",
                timing(p),
                p.days_after_invoice
            )
        }),
        term("Fravær og hospitalsophold", &t.absence, |r| {
            format!("taksten betales under fravær i op til {} dage og under hospitalsophold i op til {} dage", r.absence_days, r.hospital_days)
        }),
        term("Lukning af tilbud", &t.closure, text),
        term("Efterregulering", &t.efterregulering, text),
        term("PL-regulering", &t.pl_rule, text),
        term("Takststigninger", &t.rate_increase, |r| {
            format!(
                "stigninger over {} % indberettes til {}; drøftes {}",
                fmt::number(r.threshold_pct, 0),
                r.report_to,
                r.discussed
            )
        }),
        term("Belægning", &t.occupancy, |o| {
            format!(
                "afvigelser på {} % eller mere ({}) indberettes pr. tilbud: {}",
                fmt::number(o.threshold_pct, 0),
                o.reading,
                o.runs
                    .iter()
                    .map(|r| format!("{} senest {}", r.label, r.deadline))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
        term("Kategorier", &t.categories, |c| {
            format!(
                "højt specialiseret ved takst ≥ {} pr. døgn og salg til ≥ {} andre kommuner eller ≥ {} % af pladserne",
                fmt::kr_whole(c.min_daily_rate),
                c.min_other_buyers,
                fmt::number(c.min_share_pct, 0)
            )
        }),
        term("Mest specialiserede tilbud", &t.most_specialised, |m| {
            m.offers
                .iter()
                .map(|o| o.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }),
        term("Enkeltmandstilbud", &t.one_person, text),
        term("Køb uden for aftalen", &t.outside_purchase, text),
    ]
}

pub fn view(a: &Agreement, origin: &str) -> AgreementView {
    let members = a.members.value.as_deref().unwrap_or_default();
    let mut names: Vec<String> = members
        .iter()
        .filter_map(|c| geo::municipality(*c).map(|m| m.name.clone()))
        .collect();
    names.sort_by(|x, y| fmt::danish_cmp(x, y));
    AgreementView {
        id: a.id.clone(),
        version: a.version,
        name: a.name.clone(),
        kkr: a.kkr.clone(),
        period_text: format!("{}–{}", fmt::date(a.valid_from), fmt::date(a.valid_to)),
        members_text: format!("{} kommuner: {}", names.len(), names.join(", ")),
        region_text: a
            .region
            .value
            .as_deref()
            .and_then(geo::region)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "ingen region er part".into()),
        origin: if origin == BUILT_IN {
            "indbygget (fra kildedokumenterne)".into()
        } else {
            format!("indlæst fra {origin}")
        },
        terms: term_views(a),
    }
}

/// Every agreement in use, with where it came from.
pub fn list(conn: &Connection) -> Result<Vec<AgreementView>> {
    let origins = store::origins(conn)?;
    Ok(store::active(conn)?
        .iter()
        .map(|a| {
            let origin = origins
                .iter()
                .find(|(id, v, _, _)| *id == a.id && *v == a.version)
                .map(|o| o.2.as_str())
                .unwrap_or(BUILT_IN);
            view(a, origin)
        })
        .collect())
}

/// Which agreement binds a municipality on a day, in Danish ("Roskilde pr. 05.01.2027: …").
#[derive(Debug, Clone, Serialize)]
pub struct Applies {
    pub municipality: String,
    pub on: NaiveDate,
    pub agreement: Option<AgreementView>,
    pub fallback: bool,
    pub text: String,
}

pub fn applies(conn: &Connection, municipality: &str, on: NaiveDate) -> Result<Applies> {
    let m = geo::find_municipality(municipality)?;
    let all = store::active(conn)?;
    let found = rules::for_municipality(&all, m.code, on);
    let origins = store::origins(conn)?;
    Ok(Applies {
        municipality: m.name.clone(),
        on,
        fallback: found.is_some_and(|a| a.fallback),
        text: match &found {
            Some(a) => format!("{} pr. {}: {}", m.name, fmt::date(on), a.text(on)),
            None => format!(
                "{} er ikke medlem af nogen indlæst rammeaftale pr. {}. Indlæs kommunens rammeaftale under fanen Rammeaftaler (eller med plads agreements import).",
                m.name,
                fmt::date(on)
            ),
        },
        agreement: found.map(|a| {
            let origin = origins
                .iter()
                .find(|(id, v, _, _)| *id == a.agreement.id && *v == a.agreement.version)
                .map(|o| o.2.as_str())
                .unwrap_or(BUILT_IN);
            view(a.agreement, origin)
        }),
    })
}
