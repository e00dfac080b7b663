//! The standard contract templates: versioned data in `assets/contract-templates/`, embedded.
//! One source of truth for the clause texts (the PDF lays them out, never copies them).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::error::{Error, Result};

const TEMPLATES_JSON: &str =
    include_str!("../../../../assets/contract-templates/standardkontrakter.json");

/// A standard contract template: structure and clause texts only. The terms' values come
/// from the agreement or the contract (never from the template).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub version: String,
    pub title: String,
    pub children: bool,
    pub within_rammeaftale: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Clause {
    pub id: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub children_text: Option<String>,
    #[serde(default)]
    pub outside_text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemplateSet {
    pub format: String,
    pub version: String,
    pub note: String,
    pub templates: Vec<Template>,
    pub clauses: Vec<Clause>,
}

/// A clause as it stands in one contract: numbered, placeholders filled.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RenderedClause {
    pub number: usize,
    pub title: String,
    pub text: String,
}

pub fn set() -> Result<&'static TemplateSet> {
    static SET: OnceLock<std::result::Result<TemplateSet, String>> = OnceLock::new();
    SET.get_or_init(|| serde_json::from_str(TEMPLATES_JSON).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Internal(format!("Kontraktskabelonerne kan ikke læses: {e}")))
}

/// The template for a contract: children (Barnets Lov) or adults, within the rammeaftale or not.
pub fn choose(children: bool, within_rammeaftale: bool) -> Result<&'static Template> {
    set()?
        .templates
        .iter()
        .find(|t| t.children == children && t.within_rammeaftale == within_rammeaftale)
        .ok_or_else(|| {
            Error::Internal("Der findes ingen kontraktskabelon til denne kombination.".into())
        })
}

pub fn by_id(id: &str) -> Result<&'static Template> {
    set()?
        .templates
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| Error::NotFound(format!("Kontraktskabelonen «{id}» findes ikke.")))
}

/// The template's clauses with `{{name}}` placeholders filled from `values`. Placeholders
/// are filled in one pass, so a value (user text) is never read as a placeholder.
pub fn render(template: &Template, values: &[(&str, String)]) -> Result<Vec<RenderedClause>> {
    let clauses = &set()?.clauses;
    Ok(clauses
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let text = if template.children {
                c.children_text.as_ref()
            } else {
                None
            }
            .or(if template.within_rammeaftale {
                None
            } else {
                c.outside_text.as_ref()
            })
            .unwrap_or(&c.text);
            RenderedClause {
                number: i + 1,
                title: c.title.clone(),
                text: fill(text, values),
            }
        })
        .collect())
}

fn fill(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push_str("{{");
                        out.push_str(name);
                        out.push_str("}}");
                    }
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every placeholder the evaluation fills.
    pub const PLACEHOLDERS: [&str; 17] = [
        "aftale",
        "lovgrundlag",
        "tilbud",
        "maks_loebetid",
        "moms",
        "betaling_tidspunkt",
        "betalingsfrist",
        "betaling_kilde",
        "fravaer_dage",
        "hospital_dage",
        "fravaer_kilde",
        "koeber_varsel",
        "koeber_varsel_kilde",
        "leverandoer_varsel",
        "leverandoer_varsel_kilde",
        "lukning",
        "lukning_kilde",
    ];

    #[test]
    fn four_templates_one_per_combination() {
        for children in [false, true] {
            for within in [false, true] {
                let t = choose(children, within).unwrap();
                assert_eq!(t.children, children);
                assert_eq!(t.within_rammeaftale, within);
            }
        }
    }

    #[test]
    fn every_placeholder_is_known_and_no_template_holds_a_term_value() {
        let mut values: Vec<(&str, String)> =
            PLACEHOLDERS.iter().map(|k| (*k, "X".to_string())).collect();
        values.push(("betalingsaftale", "X".into()));
        for t in &set().unwrap().templates {
            for c in render(t, &values).unwrap() {
                assert!(!c.text.contains("{{"), "{}: {}", t.id, c.text);
                // No number of days or months is written into a clause: terms are data.
                let words: Vec<&str> = c.text.split_whitespace().collect();
                let period = words.windows(2).any(|w| {
                    w[0].chars().all(|ch| ch.is_ascii_digit())
                        && ["dag", "dage", "måned", "måneder"]
                            .iter()
                            .any(|u| w[1].trim_end_matches(['.', ',']) == *u)
                });
                assert!(!period, "{}: {}", t.id, c.text);
            }
        }
    }

    #[test]
    fn user_text_is_never_read_as_a_placeholder() {
        let out = fill(
            "A {{tilbud}} B",
            &[
                ("tilbud", "{{lovgrundlag}}".into()),
                ("lovgrundlag", "Z".into()),
            ],
        );
        assert_eq!(out, "A {{lovgrundlag}} B");
    }
}
