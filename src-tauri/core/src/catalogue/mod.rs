//! The offer catalogue: its file format, import, generator, and what the screens read.

pub mod detail;
mod example_syddanmark;
pub mod generate;
pub mod import;
pub mod model;
pub mod published;
pub mod rules;
pub mod snapshot;
pub mod store;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::fmt;
use model::{LegalBasis, OperatorType};

/// What the app shows about the catalogue itself ("Katalog pr. 15.11.2026", Eksempeldata).
#[derive(Debug, Clone, Serialize)]
pub struct CatalogueInfo {
    pub loaded: bool,
    pub extracted: Option<NaiveDate>,
    pub extracted_text: String,
    pub age_days: Option<i64>,
    pub source: String,
    pub is_example: bool,
    pub imported_at: String,
    pub file_name: String,
    pub offer_count: i64,
    /// The day the app works on (the UI takes its dates from here, never from the browser's
    /// clock), ISO and as `dd.mm.åååå`.
    pub today: NaiveDate,
    pub today_text: String,
}

pub fn info(conn: &Connection, today: NaiveDate) -> Result<CatalogueInfo> {
    Ok(match store::meta(conn)? {
        None => CatalogueInfo {
            loaded: false,
            extracted: None,
            extracted_text: "Intet katalog indlæst".into(),
            age_days: None,
            source: String::new(),
            is_example: false,
            imported_at: String::new(),
            file_name: String::new(),
            offer_count: 0,
            today,
            today_text: fmt::date(today),
        },
        Some(m) => CatalogueInfo {
            loaded: true,
            extracted: m.extracted,
            extracted_text: m
                .extracted
                .map(|d| format!("Katalog pr. {}", fmt::date(d)))
                .unwrap_or_default(),
            age_days: m.extracted.map(|d| (today - d).num_days()),
            source: m.source,
            is_example: m.is_example,
            imported_at: m.imported_at,
            file_name: m.file_name,
            offer_count: m.offer_count,
            today,
            today_text: fmt::date(today),
        },
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetGroupChoice {
    pub code: String,
    pub label: String,
    pub depth: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityChoice {
    pub code: u16,
    pub name: String,
    pub region: String,
}

/// The lists the search screen's filters offer.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceData {
    pub legal_bases: Vec<Choice>,
    pub operator_types: Vec<Choice>,
    pub target_groups: Vec<TargetGroupChoice>,
    pub municipalities: Vec<MunicipalityChoice>,
    pub regions: Vec<Choice>,
}

pub fn reference_data(conn: &Connection, today: NaiveDate) -> Result<ReferenceData> {
    let groups = store::target_groups(conn)?;
    // Depth-first order, children in Danish alphabetical order.
    let mut target_groups = Vec::new();
    fn walk(
        parent: Option<&str>,
        depth: usize,
        groups: &[(String, Option<String>, String)],
        out: &mut Vec<TargetGroupChoice>,
    ) {
        let mut children: Vec<&(String, Option<String>, String)> =
            groups.iter().filter(|g| g.1.as_deref() == parent).collect();
        children.sort_by(|a, b| fmt::danish_cmp(&a.2, &b.2));
        for c in children {
            out.push(TargetGroupChoice {
                code: c.0.clone(),
                label: c.2.clone(),
                depth,
            });
            if depth < 16 {
                walk(Some(&c.0), depth + 1, groups, out);
            }
        }
    }
    walk(None, 0, &groups, &mut target_groups);

    let mut municipalities: Vec<MunicipalityChoice> = crate::geo::geography()
        .municipalities
        .iter()
        .map(|m| MunicipalityChoice {
            code: m.code,
            name: m.name.clone(),
            region: m
                .region_on(today)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
        })
        .collect();
    municipalities.sort_by(|a, b| fmt::danish_cmp(&a.name, &b.name));
    let regions = crate::geo::geography()
        .regions
        .iter()
        .map(|r| Choice {
            code: r.id.clone(),
            label: r.name.clone(),
        })
        .collect();
    Ok(ReferenceData {
        legal_bases: LegalBasis::ALL
            .iter()
            .map(|b| Choice {
                code: b.code().into(),
                label: format!("{} – {}", b.label(), b.description()),
            })
            .collect(),
        operator_types: OperatorType::ALL
            .iter()
            .map(|o| Choice {
                code: o.code().into(),
                label: o.code().into(),
            })
            .collect(),
        target_groups,
        municipalities,
        regions,
    })
}
