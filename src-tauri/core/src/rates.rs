//! Rate arithmetic shared by search, offer pages and (later) contracts and reports.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::catalogue::model::RateUnit;

/// Converts a rate to per day, ex. VAT, for like-for-like comparison:
/// a monthly rate is `× 12 / 365`; VAT included at `vat_pct` % is taken out.
/// Rounded to whole øre.
pub fn daily_ex_vat(amount: Decimal, unit: RateUnit, vat_pct: Decimal) -> Decimal {
    let per_day = match unit {
        RateUnit::Day => amount,
        RateUnit::Month => amount * Decimal::from(12) / Decimal::from(365),
    };
    let ex_vat = if vat_pct.is_zero() {
        per_day
    } else {
        per_day / (Decimal::ONE + vat_pct / Decimal::ONE_HUNDRED)
    };
    ex_vat.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
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
        assert_eq!(daily_ex_vat(d("4535"), RateUnit::Day, d("0")), d("4535"));
        // 86.141 kr./month ≈ 2.832,03 kr./day (Opholdsstedet Bogense's § 43 rate).
        assert_eq!(
            daily_ex_vat(d("86141"), RateUnit::Month, d("0")),
            d("2832.03")
        );
        // A private rate of 2.500 kr. incl. 25 % VAT is 2.000 kr. ex. VAT.
        assert_eq!(daily_ex_vat(d("2500"), RateUnit::Day, d("25")), d("2000"));
        assert_eq!(
            daily_ex_vat(d("3173"), RateUnit::Day, d("5.75")),
            d("3000.47")
        );
    }
}
