//! The check's inputs as the user types them (text fields), parsed with Danish messages that
//! name the field. The desktop app and the CLI both go through these.

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::*;
use crate::catalogue::model::LegalBasis;
use crate::error::{Error, Result};
use crate::{fmt, geo};

fn date(label: &str, input: &str) -> Result<NaiveDate> {
    fmt::parse_date(input).ok_or_else(|| {
        if input.trim().is_empty() {
            Error::Invalid(format!("{label}: skal udfyldes (dd.mm.åååå)."))
        } else {
            Error::Invalid(format!(
                "{label}: «{}» er ikke en dato; skriv dd.mm.åååå.",
                input.trim()
            ))
        }
    })
}

fn count(label: &str, input: &str) -> Result<u32> {
    input.trim().parse::<u32>().map_err(|_| {
        Error::Invalid(format!(
            "{label}: «{}» skal være et helt tal (0 eller derover).",
            input.trim()
        ))
    })
}

fn prefixed<T>(label: &str, r: Result<T>) -> Result<T> {
    r.map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(format!("{label}: {m}")),
        other => other,
    })
}

/// The need as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NeedForm {
    pub legal_basis: String,
    pub target_group: String,
    pub age: String,
    /// Code or name.
    pub home_municipality: String,
    pub wanted_start: String,
}

impl NeedForm {
    pub fn parse(&self) -> Result<Need> {
        if self.legal_basis.trim().is_empty() {
            return Err(Error::Invalid("Lovgrundlag: vælg et lovgrundlag.".into()));
        }
        if self.target_group.trim().is_empty() {
            return Err(Error::Invalid("Målgruppe: vælg en målgruppe.".into()));
        }
        let age = self.age.trim();
        let age = age
            .parse::<u8>()
            .ok()
            .filter(|a| *a <= 120)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "Alder: «{age}» skal være et helt tal mellem 0 og 120."
                ))
            })?;
        if self.home_municipality.trim().is_empty() {
            return Err(Error::Invalid(
                "Hjemkommune: vælg borgerens hjemkommune.".into(),
            ));
        }
        Ok(Need {
            legal_basis: prefixed("Lovgrundlag", LegalBasis::parse(&self.legal_basis))?,
            target_group: self.target_group.trim().to_string(),
            age,
            home_municipality: prefixed(
                "Hjemkommune",
                geo::find_municipality(&self.home_municipality),
            )?
            .code,
            wanted_start: date("Ønsket start", &self.wanted_start)?,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewCheckForm {
    /// "privat" (default) or "enkeltmand".
    pub kind: String,
    pub need: NeedForm,
    pub reference: String,
    /// Empty: the setting.
    pub radius_km: String,
}

impl NewCheckForm {
    pub fn parse(&self) -> Result<NewCheck> {
        let kind = if self.kind.trim().is_empty() {
            CheckKind::Privat
        } else {
            CheckKind::parse(&self.kind)?
        };
        let radius = self.radius_km.trim();
        let radius_km = if radius.is_empty() {
            None
        } else {
            Some(radius.parse::<i64>().map_err(|_| {
                Error::Invalid(format!("Afstand: «{radius}» skal være et helt antal km."))
            })?)
        };
        Ok(NewCheck {
            kind,
            need: self.need.parse()?,
            reference: self.reference.clone(),
            radius_km,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmationForm {
    pub offer_id: String,
    pub contacted_on: String,
    pub free_places: String,
    pub method: String,
    pub contact: String,
    pub note: String,
}

impl ConfirmationForm {
    pub fn parse(&self) -> Result<Confirmation> {
        Ok(Confirmation {
            offer_id: self.offer_id.trim().to_string(),
            contacted_on: date("Kontaktdato", &self.contacted_on)?,
            free_places: count("Ledige pladser", &self.free_places)?,
            method: if self.method.trim().is_empty() {
                ContactMethod::Telefon
            } else {
                prefixed("Kontaktform", ContactMethod::parse(&self.method))?
            },
            contact: self.contact.clone(),
            note: self.note.clone(),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RejectionForm {
    pub offer_id: String,
    pub reason: String,
    pub note: String,
    /// Who decided (name and title).
    pub decided_by: String,
}

impl RejectionForm {
    pub fn parse(&self) -> Result<Rejection> {
        if self.reason.trim().is_empty() {
            return Err(Error::Invalid("Begrundelse: vælg en begrundelse.".into()));
        }
        Ok(Rejection {
            offer_id: self.offer_id.trim().to_string(),
            reason: prefixed("Begrundelse", RejectReason::parse(&self.reason))?,
            note: self.note.clone(),
            decided_by: self.decided_by.clone(),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClosingForm {
    pub conclusion: String,
    pub chosen_offer_id: String,
    pub note: String,
    /// A one-person check closed with a shared or existing offer: the municipality (code or
    /// name) that answered yes.
    pub chosen_municipality: String,
}

impl ClosingForm {
    pub fn parse(&self) -> Result<Closing> {
        if self.conclusion.trim().is_empty() {
            return Err(Error::Invalid("Konklusion: vælg en konklusion.".into()));
        }
        let chosen = self.chosen_offer_id.trim();
        Ok(Closing {
            conclusion: prefixed("Konklusion", Conclusion::parse(&self.conclusion))?,
            chosen_offer_id: (!chosen.is_empty()).then(|| chosen.to_string()),
            note: self.note.clone(),
        })
    }
}

impl ClosingForm {
    /// A one-person check's closing: "enkeltmand_begrundet" (no municipality could join), or
    /// "faelles" / "offentligt_valgt" with the municipality that answered yes.
    pub fn parse_one_person(&self) -> Result<OnePersonClosing> {
        let closing = self.parse()?;
        let chosen = self.chosen_offer_id.trim();
        let municipality = self.chosen_municipality.trim();
        let shared_with = match closing.conclusion {
            Conclusion::EnkeltmandBegrundet => None,
            Conclusion::OffentligtValgt if municipality.is_empty() => {
                return Err(Error::Invalid(
                    "Kommune: vælg den kommune, der har svaret ja til et fælles eller eksisterende tilbud.".into(),
                ))
            }
            Conclusion::OffentligtValgt => Some(
                prefixed("Kommune", geo::find_municipality(municipality))?.code,
            ),
            Conclusion::PrivatBegrundet => {
                return Err(Error::Invalid(
                    "Konklusion: «køb uden for rammeaftalen er begrundet» passer ikke til en afstemning før oprettelse af enkeltmandstilbud. Brug enkeltmand_begrundet eller faelles.".into(),
                ))
            }
        };
        Ok(OnePersonClosing {
            shared_with,
            offer_id: (!chosen.is_empty() && shared_with.is_none()).then(|| chosen.to_string()),
            note: self.note.clone(),
        })
    }
}

/// A municipality asked whether it could join, as typed (with the answer, if it came at once).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InquiryForm {
    /// Code or name.
    pub municipality: String,
    pub asked_on: String,
    /// telefon, email, moede, brev or andet.
    pub method: String,
    /// Who at the municipality was asked.
    pub contact: String,
    /// Empty: no answer yet. Else nej, ja_eksisterende or ja_faelles.
    pub answer: String,
    pub answered_on: String,
    pub answer_text: String,
}

/// An answer as typed (for a municipality asked before).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub municipality: String,
    pub answer: String,
    pub answered_on: String,
    pub answer_text: String,
}

impl AnswerForm {
    /// The municipality's code and the answer.
    pub fn parse(&self) -> Result<(u16, InquiryAnswer)> {
        if self.municipality.trim().is_empty() {
            return Err(Error::Invalid("Kommune: vælg kommunen.".into()));
        }
        let code = prefixed("Kommune", geo::find_municipality(&self.municipality))?.code;
        if self.answer.trim().is_empty() {
            return Err(Error::Invalid("Svar: vælg kommunens svar.".into()));
        }
        Ok((
            code,
            InquiryAnswer {
                answer: prefixed("Svar", Answer::parse(&self.answer))?,
                answered_on: date("Svardato", &self.answered_on)?,
                text: self.answer_text.clone(),
            },
        ))
    }
}

impl InquiryForm {
    pub fn parse(&self) -> Result<Inquiry> {
        if self.municipality.trim().is_empty() {
            return Err(Error::Invalid(
                "Kommune: vælg kommunen, der er spurgt.".into(),
            ));
        }
        let code = prefixed("Kommune", geo::find_municipality(&self.municipality))?.code;
        let answer = if self.answer.trim().is_empty() {
            if !self.answer_text.trim().is_empty() {
                return Err(Error::Invalid(
                    "Svar: vælg kommunens svar (nej, ja til et eksisterende tilbud eller ja til et fælles tilbud).".into(),
                ));
            }
            None
        } else {
            Some(
                AnswerForm {
                    municipality: self.municipality.clone(),
                    answer: self.answer.clone(),
                    answered_on: self.answered_on.clone(),
                    answer_text: self.answer_text.clone(),
                }
                .parse()?
                .1,
            )
        };
        Ok(Inquiry {
            municipality: code,
            asked_on: date("Spurgt", &self.asked_on)?,
            method: if self.method.trim().is_empty() {
                InquiryMethod::Email
            } else {
                prefixed("Kontaktform", InquiryMethod::parse(&self.method))?
            },
            contact: self.contact.clone(),
            answer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NeedForm {
        NeedForm {
            legal_basis: "108".into(),
            target_group: "FN.P.IK.AU".into(),
            age: "34".into(),
            home_municipality: "Roskilde".into(),
            wanted_start: "01.12.2026".into(),
        }
    }

    #[test]
    fn a_typed_need_parses() {
        let need = form().parse().unwrap();
        assert_eq!(need.legal_basis, LegalBasis::Sel108);
        assert_eq!(need.home_municipality, 265);
        assert_eq!(
            need.wanted_start,
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }

    type Change = &'static dyn Fn(&mut NeedForm);

    #[test]
    fn each_bad_field_is_named() {
        let cases: [(Change, &str); 5] = [
            (
                &|f| f.age = "tre".into(),
                "Alder: «tre» skal være et helt tal mellem 0 og 120.",
            ),
            (
                &|f| f.legal_basis = "§ 999".into(),
                "Lovgrundlag: Lovgrundlaget «§ 999» kendes ikke.",
            ),
            (
                &|f| f.home_municipality = "Atlantis".into(),
                "Hjemkommune: Kommunen «Atlantis» findes ikke.",
            ),
            (
                &|f| f.wanted_start = "31.02.2027".into(),
                "Ønsket start: «31.02.2027» er ikke en dato; skriv dd.mm.åååå.",
            ),
            (
                &|f| f.target_group = " ".into(),
                "Målgruppe: vælg en målgruppe.",
            ),
        ];
        for (change, expected) in cases {
            let mut f = form();
            change(&mut f);
            let message = f.parse().unwrap_err().to_string();
            assert!(message.starts_with(expected), "{message}");
        }
    }

    #[test]
    fn confirmation_and_closing_fields_are_named() {
        let c = ConfirmationForm {
            offer_id: "K-1".into(),
            contacted_on: "21.11.2026".into(),
            free_places: "-1".into(),
            ..Default::default()
        };
        assert_eq!(
            c.parse().unwrap_err().to_string(),
            "Ledige pladser: «-1» skal være et helt tal (0 eller derover)."
        );
        let r = RejectionForm {
            offer_id: "K-1".into(),
            ..Default::default()
        };
        assert_eq!(
            r.parse().unwrap_err().to_string(),
            "Begrundelse: vælg en begrundelse."
        );
        let closing = ClosingForm {
            conclusion: "offentligt_valgt".into(),
            chosen_offer_id: " ".into(),
            ..Default::default()
        };
        assert_eq!(closing.parse().unwrap().chosen_offer_id, None);
    }
}
