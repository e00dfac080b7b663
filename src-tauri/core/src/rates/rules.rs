//! Rate arithmetic as pure functions: like for like (per day, ex. VAT), per day ⇄ per month,
//! and whole øre. A month is 365/12 days here and everywhere (contracts, reports, search).

use rust_decimal::{Decimal, RoundingStrategy};

use super::model::Unit;

/// A monthly amount per day: `× 12 / 365`.
pub fn month_to_day(amount: Decimal) -> Decimal {
    amount * Decimal::from(12) / Decimal::from(365)
}

/// A daily amount per month: `× 365 / 12`.
pub fn day_to_month(amount: Decimal) -> Decimal {
    amount * Decimal::from(365) / Decimal::from(12)
}

/// The per-day equivalent of an amount (a one-off amount has none).
pub fn per_day(amount: Decimal, unit: Unit) -> Decimal {
    match unit {
        Unit::Dag => amount,
        Unit::Maaned => month_to_day(amount),
        Unit::Engang => Decimal::ZERO,
    }
}

/// The per-month equivalent of an amount (a one-off amount has none).
pub fn per_month(amount: Decimal, unit: Unit) -> Decimal {
    match unit {
        Unit::Dag => day_to_month(amount),
        Unit::Maaned => amount,
        Unit::Engang => Decimal::ZERO,
    }
}

/// Rounded to øre (half away from zero) and always written with two decimals.
pub fn round_oere(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// A rate per day, ex. VAT, for like-for-like comparison: a monthly rate is `× 12 / 365`;
/// VAT included at `vat_pct` % is taken out. Rounded to whole øre.
pub fn daily_ex_vat(amount: Decimal, unit: Unit, vat_pct: Decimal) -> Decimal {
    let per_day = per_day(amount, unit);
    let ex_vat = if vat_pct.is_zero() {
        per_day
    } else {
        per_day / (Decimal::ONE + vat_pct / Decimal::ONE_HUNDRED)
    };
    ex_vat.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
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
pub fn oere(amount: Decimal) -> i64 {
    let scaled = (amount * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(scaled).unwrap_or(i64::MAX)
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
        assert_eq!(daily_ex_vat(d("4535"), Unit::Dag, d("0")), d("4535"));
        // 86.141 kr./month ≈ 2.832,03 kr./day (Opholdsstedet Bogense's § 43 rate).
        assert_eq!(daily_ex_vat(d("86141"), Unit::Maaned, d("0")), d("2832.03"));
        // A private rate of 2.500 kr. incl. 25 % VAT is 2.000 kr. ex. VAT.
        assert_eq!(daily_ex_vat(d("2500"), Unit::Dag, d("25")), d("2000"));
        assert_eq!(daily_ex_vat(d("3173"), Unit::Dag, d("5.75")), d("3000.47"));
    }

    #[test]
    fn a_month_is_365_twelfths_of_a_day_both_ways() {
        assert_eq!(per_day(d("91250"), Unit::Maaned), d("3000"));
        assert_eq!(round_oere(per_month(d("3000"), Unit::Dag)), d("91250.00"));
        assert_eq!(per_day(d("12500"), Unit::Engang), Decimal::ZERO);
    }
}
