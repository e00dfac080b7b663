//! Rate arithmetic as pure functions: like for like (per day, ex. VAT), per day ⇄ per month,
//! and whole øre. A month is 365/12 days here and everywhere (contracts, reports, search).

use rust_decimal::{Decimal, RoundingStrategy};

use super::model::Unit;
use crate::error::Result;
use crate::limits;

/// A monthly amount per day: `× 12 / 365`, checked.
pub fn month_to_day(amount: Decimal) -> Result<Decimal> {
    let year = limits::mul(amount, Decimal::from(12), "taksten pr. døgn")?;
    limits::div(year, Decimal::from(365), "taksten pr. døgn")
}

/// A daily amount per month: `× 365 / 12`, checked.
pub fn day_to_month(amount: Decimal) -> Result<Decimal> {
    let year = limits::mul(amount, Decimal::from(365), "taksten pr. måned")?;
    limits::div(year, Decimal::from(12), "taksten pr. måned")
}

/// The per-day equivalent of an amount (a one-off amount has none).
pub fn per_day(amount: Decimal, unit: Unit) -> Result<Decimal> {
    match unit {
        Unit::Dag => Ok(amount),
        Unit::Maaned => month_to_day(amount),
        Unit::Engang => Ok(Decimal::ZERO),
    }
}

/// The per-month equivalent of an amount (a one-off amount has none).
pub fn per_month(amount: Decimal, unit: Unit) -> Result<Decimal> {
    match unit {
        Unit::Dag => day_to_month(amount),
        Unit::Maaned => Ok(amount),
        Unit::Engang => Ok(Decimal::ZERO),
    }
}

/// Rounded to øre (half away from zero) and always written with two decimals.
pub fn round_oere(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// A rate per day, ex. VAT, for like-for-like comparison: a monthly rate is `× 12 / 365`;
/// VAT included at `vat_pct` % is taken out. Rounded to whole øre. Checked: a VAT share of
/// −100 % (a division by zero) or an amount too large to compute with is a Danish error.
pub fn daily_ex_vat(amount: Decimal, unit: Unit, vat_pct: Decimal) -> Result<Decimal> {
    let per_day = per_day(amount, unit)?;
    let ex_vat = if vat_pct.is_zero() {
        per_day
    } else {
        let share = limits::div(vat_pct, Decimal::ONE_HUNDRED, "taksten ekskl. moms")?;
        let divisor = limits::add(Decimal::ONE, share, "taksten ekskl. moms")?;
        limits::div(per_day, divisor, "taksten ekskl. moms")?
    };
    Ok(ex_vat.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// `3.200,00 kr. pr. døgn`, and where the rate carries the provider's non-deductible VAT,
/// what share that is: `3.392,00 kr. pr. døgn (heraf 6 % ikke-fradragsberettiget moms)`.
/// Social services are VAT-exempt, so a rate never "includes VAT" as a sales price would.
pub fn amount_text(amount: Decimal, unit: Unit, vat_pct: Decimal) -> String {
    let base = format!("{} {}", crate::fmt::kr(amount), unit.label());
    if vat_pct.is_zero() {
        base
    } else {
        format!("{base} ({})", vat_share_text(vat_pct))
    }
}

/// "heraf 6 % ikke-fradragsberettiget moms" (the provider's own VAT on its costs, which the
/// buying municipality gets back as momsrefusion).
pub fn vat_share_text(vat_pct: Decimal) -> String {
    format!(
        "heraf {} % ikke-fradragsberettiget moms",
        crate::fmt::number(vat_pct, if vat_pct.fract().is_zero() { 0 } else { 2 })
    )
}

/// Whole øre, for storing and comparing amounts as integers (rounded half away from zero).
/// Saturating, never panicking: an amount beyond what an `i64` of øre holds (a search bound
/// typed as 10^28 kr.) becomes the largest (or smallest) øre figure, which every stored rate
/// (bounded by `limits`) lies within.
pub fn oere(amount: Decimal) -> i64 {
    let saturated = if amount.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    };
    amount
        .checked_mul(Decimal::ONE_HUNDRED)
        .map(|s| s.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
        .and_then(|s| i64::try_from(s).ok())
        .unwrap_or(saturated)
}

/// The amount of `oere` øre.
pub fn from_oere(oere: i64) -> Decimal {
    Decimal::new(oere, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn like_for_like() {
        assert_eq!(
            daily_ex_vat(d("4535"), Unit::Dag, d("0")).unwrap(),
            d("4535")
        );
        // 86.141 kr./month ≈ 2.832,03 kr./day (Opholdsstedet Bogense's § 43 rate).
        assert_eq!(
            daily_ex_vat(d("86141"), Unit::Maaned, d("0")).unwrap(),
            d("2832.03")
        );
        // A private rate of 2.500 kr. incl. 25 % VAT is 2.000 kr. ex. VAT.
        assert_eq!(
            daily_ex_vat(d("2500"), Unit::Dag, d("25")).unwrap(),
            d("2000")
        );
        assert_eq!(
            daily_ex_vat(d("3173"), Unit::Dag, d("5.75")).unwrap(),
            d("3000.47")
        );
    }

    #[test]
    fn a_month_is_365_twelfths_of_a_day_both_ways() {
        assert_eq!(per_day(d("91250"), Unit::Maaned).unwrap(), d("3000"));
        assert_eq!(
            round_oere(per_month(d("3000"), Unit::Dag).unwrap()),
            d("91250.00")
        );
        assert_eq!(per_day(d("12500"), Unit::Engang).unwrap(), Decimal::ZERO);
    }

    #[test]
    fn the_arithmetic_never_panics() {
        // VAT −100 % divided by zero; now a Danish error.
        assert_eq!(
            daily_ex_vat(d("3200"), Unit::Dag, d("-100"))
                .unwrap_err()
                .to_string(),
            "Beregningen af taksten ekskl. moms deler med nul; tjek moms- og belægningsprocenterne."
        );
        let huge = Decimal::MAX;
        assert!(daily_ex_vat(huge, Unit::Maaned, d("0")).is_err());
        assert!(per_month(huge, Unit::Dag).is_err());
        assert!(month_to_day(huge).is_err());
        assert_eq!(oere(huge), i64::MAX);
        assert_eq!(oere(Decimal::MIN), i64::MIN);
        assert_eq!(oere(d("3200.005")), 320_001);
    }
}
