//! The guard used wherever an offer outside the buyer's agreement (or a one-person project) is
//! chosen (R1): the check must be closed with a justifying conclusion of the right kind, still
//! valid on the day, and for the same need. An offer the buyer's agreement covers needs no
//! check. The error says what is missing.

use chrono::NaiveDate;

use super::model::*;
use crate::error::{Error, Result};
use crate::fmt;

impl Check {
    pub fn allows(
        &self,
        need: &Need,
        offer: OfferClass,
        kind: CheckKind,
        today: NaiveDate,
    ) -> Result<()> {
        if kind == CheckKind::Privat && offer.within_agreement {
            return Ok(());
        }
        let id = &self.id;
        if self.kind != kind {
            return Err(Error::Refused(format!(
                "Afstemning {id} er lavet «{}», men her kræves en afstemning «{}».",
                self.kind.label().to_lowercase(),
                kind.label().to_lowercase()
            )));
        }
        let justifying = match kind {
            CheckKind::Privat => Conclusion::PrivatBegrundet,
            CheckKind::Enkeltmand => Conclusion::EnkeltmandBegrundet,
        };
        let Some(closed) = &self.closed else {
            return Err(Error::Refused(if self.blocking > 0 {
                format!(
                    "Afstemning {id} er ikke lukket. {} med ledig eller ukendt plads mangler en bekræftelse af 0 ledige pladser eller en afvisning med skriftlig begrundelse; derefter kan afstemningen lukkes.",
                    crate::fmt::count(self.blocking, "offentligt tilbud", "offentlige tilbud")
                )
            } else {
                format!(
                    "Afstemning {id} er ikke lukket. Luk den med konklusionen «{}».",
                    justifying.label_for(kind).to_lowercase()
                )
            }));
        };
        if closed.conclusion != justifying {
            let needs = match kind {
                CheckKind::Privat => "Et køb uden for rammeaftalen",
                CheckKind::Enkeltmand => "Et enkeltmandstilbud",
            };
            return Err(Error::Refused(format!(
                "Afstemning {id} blev lukket med konklusionen «{}»{}. {needs} kræver en afstemning, der begrunder det.",
                closed.conclusion.label_for(self.kind).to_lowercase(),
                closed.chosen_offer_name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
            )));
        }
        if today > closed.valid_until {
            return Err(Error::Refused(format!(
                "Afstemning {id} udløb {} (gyldig i {} dage fra lukningen {}). Lav en ny afstemning.",
                fmt::date(closed.valid_until),
                self.validity_days,
                fmt::date(closed.on)
            )));
        }
        let differences = self.need.differences(need);
        if !differences.is_empty() {
            return Err(Error::Refused(format!(
                "Afstemning {id} gælder et andet behov: {}. Lav en afstemning for dette behov.",
                differences.join("; ")
            )));
        }
        Ok(())
    }
}
