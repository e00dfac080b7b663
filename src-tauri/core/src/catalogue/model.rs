//! Catalogue vocabulary: legal bases, operator types, rate units, approval states.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The legal bases of bo- og døgntilbud that the catalogue knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LegalBasis {
    #[serde(rename = "SEL-107")]
    Sel107,
    #[serde(rename = "SEL-108")]
    Sel108,
    #[serde(rename = "SEL-109")]
    Sel109,
    #[serde(rename = "SEL-110")]
    Sel110,
    #[serde(rename = "ABL-105")]
    Abl105,
    #[serde(rename = "BL-43")]
    Bl43,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 6] = [
        LegalBasis::Sel107,
        LegalBasis::Sel108,
        LegalBasis::Sel109,
        LegalBasis::Sel110,
        LegalBasis::Abl105,
        LegalBasis::Bl43,
    ];

    /// The code used in files and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            LegalBasis::Sel107 => "SEL-107",
            LegalBasis::Sel108 => "SEL-108",
            LegalBasis::Sel109 => "SEL-109",
            LegalBasis::Sel110 => "SEL-110",
            LegalBasis::Abl105 => "ABL-105",
            LegalBasis::Bl43 => "BL-43",
        }
    }

    /// Exactly the code used in files and the database ("SEL-107").
    pub fn from_code(code: &str) -> Option<LegalBasis> {
        LegalBasis::ALL.into_iter().find(|b| b.code() == code)
    }

    /// How a Danish caseworker writes it.
    pub fn label(self) -> &'static str {
        match self {
            LegalBasis::Sel107 => "SEL § 107",
            LegalBasis::Sel108 => "SEL § 108",
            LegalBasis::Sel109 => "SEL § 109",
            LegalBasis::Sel110 => "SEL § 110",
            LegalBasis::Abl105 => "ABL § 105",
            LegalBasis::Bl43 => "Barnets Lov § 43",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            LegalBasis::Sel107 => "Midlertidigt botilbud",
            LegalBasis::Sel108 => "Længerevarende botilbud",
            LegalBasis::Sel109 => "Kvindekrisecenter",
            LegalBasis::Sel110 => "Forsorgshjem/herberg",
            LegalBasis::Abl105 => "Almen bolig med støtte (botilbudslignende)",
            LegalBasis::Bl43 => "Anbringelsessted for børn og unge",
        }
    }

    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// As `parse`, and also the paragraphs Barnets Lov replaced on 1 January 2024 (SEL § 66:
    /// places where children can be placed), read as today's with a note saying so.
    pub fn parse_with_note(input: &str) -> Result<(LegalBasis, Option<String>)> {
        let cleaned: String = input
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        if matches!(cleaned.as_str(), "sel66" | "serviceloven66") {
            return Ok((
                LegalBasis::Bl43,
                Some(format!(
                    "Lovgrundlag: «{}» er afløst af Barnets Lov § 43 fra 01.01.2024; kontrakten bruger Barnets Lov § 43.",
                    input.trim()
                )),
            ));
        }
        Ok((LegalBasis::parse(input)?, None))
    }

    /// Accepts "SEL-107", "107", "§ 107", "§107", "sel 107", "ABL 105", "BL-43", "barnets lov § 43".
    pub fn parse(input: &str) -> Result<LegalBasis> {
        let cleaned: String = input
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let digits: String = cleaned.chars().filter(|c| c.is_ascii_digit()).collect();
        let found = match digits.as_str() {
            "107" => Some(LegalBasis::Sel107),
            "108" => Some(LegalBasis::Sel108),
            "109" => Some(LegalBasis::Sel109),
            "110" => Some(LegalBasis::Sel110),
            "105" => Some(LegalBasis::Abl105),
            "43" => Some(LegalBasis::Bl43),
            _ => None,
        };
        let prefix = cleaned.trim_end_matches(|c: char| c.is_ascii_digit());
        let prefix_ok = match found {
            Some(LegalBasis::Abl105) => matches!(prefix, "" | "abl" | "almenboligloven"),
            Some(LegalBasis::Bl43) => matches!(prefix, "" | "bl" | "barnetslov"),
            Some(_) => matches!(prefix, "" | "sel" | "serviceloven"),
            None => false,
        };
        match found {
            Some(b) if prefix_ok => Ok(b),
            _ => Err(Error::Invalid(format!(
                "Lovgrundlaget «{}» kendes ikke. Brug en af: {}.",
                input.trim(),
                LegalBasis::ALL.map(|b| b.code()).join(", ")
            ))),
        }
    }
}

/// The operator (*driftsherre*) type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperatorType {
    Kommunal,
    Regional,
    Privat,
    Selvejende,
}

impl OperatorType {
    pub const ALL: [OperatorType; 4] = [
        OperatorType::Kommunal,
        OperatorType::Regional,
        OperatorType::Privat,
        OperatorType::Selvejende,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OperatorType::Kommunal => "kommunal",
            OperatorType::Regional => "regional",
            OperatorType::Privat => "privat",
            OperatorType::Selvejende => "selvejende",
        }
    }

    pub fn parse(input: &str) -> Result<OperatorType> {
        let t = input.trim().to_lowercase();
        OperatorType::ALL
            .into_iter()
            .find(|o| o.code() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Driftsherretypen «{}» kendes ikke. Brug kommunal, regional, privat eller selvejende.",
                    input.trim()
                ))
            })
    }
}

/// Socialtilsynet's approval state for the offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Godkendt,
    BetingetGodkendt,
    UnderGodkendelse,
}

impl ApprovalStatus {
    pub fn code(self) -> &'static str {
        match self {
            ApprovalStatus::Godkendt => "godkendt",
            ApprovalStatus::BetingetGodkendt => "betinget_godkendt",
            ApprovalStatus::UnderGodkendelse => "under_godkendelse",
        }
    }

    pub fn parse(s: &str) -> Option<ApprovalStatus> {
        match s {
            "godkendt" => Some(ApprovalStatus::Godkendt),
            "betinget_godkendt" => Some(ApprovalStatus::BetingetGodkendt),
            "under_godkendelse" => Some(ApprovalStatus::UnderGodkendelse),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Godkendt => "Godkendt",
            ApprovalStatus::BetingetGodkendt => "Betinget godkendt",
            ApprovalStatus::UnderGodkendelse => "Under godkendelse",
        }
    }

    /// Only approved offers can be part of a municipality's supply (SEL § 14 stk. 3).
    pub fn is_approved(self) -> bool {
        matches!(
            self,
            ApprovalStatus::Godkendt | ApprovalStatus::BetingetGodkendt
        )
    }
}

/// One period of an offer's operator (*driftsherre*): operators change over time (a
/// self-governing offer taken over by a private company). `valid_to` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorPeriod {
    pub kind: OperatorType,
    pub name: String,
    pub cvr: Option<String>,
    pub municipality_code: Option<u16>,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
}

/// What the rules need to know about an offer on a given day: one place to ask
/// (`catalogue::store::offer_facts`), so search, checks, contracts and reports agree.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferFacts {
    pub id: String,
    pub name: String,
    /// "Street 1, 4000 Roskilde".
    pub address: String,
    pub cvr: Option<String>,
    /// Where the offer is.
    pub municipality_code: u16,
    /// The operator in force on the day asked about (`rules::operator_on`).
    pub operator: Option<OperatorPeriod>,
    pub approval: ApprovalStatus,
    pub min_age: u8,
    pub max_age: Option<u8>,
    /// (department id, legal basis) for every place line.
    pub bases: Vec<(String, LegalBasis)>,
    /// (department id, name) in the catalogue's order.
    pub departments: Vec<(String, String)>,
    pub target_groups: Vec<String>,
    /// The agreements the catalogue says cover the offer (format 2: `rammeaftaler`).
    pub agreements: Vec<String>,
    /// Format 1's yes/no flag, read as "covered by the agreement in force for the operating
    /// municipality on the extraction date".
    pub covered_v1: bool,
}

impl OfferFacts {
    pub fn operator_type(&self) -> Option<OperatorType> {
        self.operator.as_ref().map(|o| o.kind)
    }

    /// The municipality that runs the offer: the operator's, else where the offer is.
    pub fn operating_municipality(&self) -> u16 {
        super::rules::operating_municipality(self.operator.as_ref(), self.municipality_code)
    }
}

/// What the categories rule reads of every offer on a day (`store::all_offer_coverage`):
/// who runs it, which agreements name it, and its size — a report over the whole catalogue
/// reads only these columns (`OfferFacts` has the rest).
#[derive(Debug, Clone, PartialEq)]
pub struct OfferCoverage {
    pub id: String,
    pub name: String,
    /// Where the offer is.
    pub municipality_code: u16,
    /// The operator in force on the day asked about (`rules::operator_on`).
    pub operator: Option<OperatorPeriod>,
    /// The agreements the catalogue says cover the offer (format 2: `rammeaftaler`).
    pub agreements: Vec<String>,
    /// Format 1's yes/no flag.
    pub covered_v1: bool,
    /// Places over every department and legal basis.
    pub places: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_legal_bases_as_caseworkers_write_them() {
        assert_eq!(LegalBasis::parse("SEL-107").unwrap(), LegalBasis::Sel107);
        assert_eq!(LegalBasis::parse("§ 108").unwrap(), LegalBasis::Sel108);
        assert_eq!(LegalBasis::parse("108").unwrap(), LegalBasis::Sel108);
        assert_eq!(LegalBasis::parse("ABL § 105").unwrap(), LegalBasis::Abl105);
        assert_eq!(
            LegalBasis::parse("Barnets Lov § 43").unwrap(),
            LegalBasis::Bl43
        );
        let err = LegalBasis::parse("SEL § 85").unwrap_err().to_string();
        assert!(err.contains("«SEL § 85» kendes ikke"), "{err}");
        assert!(LegalBasis::parse("ABL 107").is_err());
    }
}
