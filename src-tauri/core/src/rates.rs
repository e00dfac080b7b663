//! Rate arithmetic shared by search, offer pages and (later) contracts and reports.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::catalogue::model::{LegalBasis, RateUnit};

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

/// The `source` of a rate that came with a catalogue import.
pub const SOURCE_CATALOGUE: &str = "katalog";

/// One rate as the catalogue import and the rate-sheet import store it.
pub struct RateRow<'a> {
    pub offer_id: &'a str,
    pub department_id: &'a str,
    pub basis: LegalBasis,
    pub year: i32,
    pub amount: Decimal,
    pub unit: RateUnit,
    pub vat_pct: Decimal,
    /// Direct costs, indirect costs, overhead %, capital costs, budgeted occupancy %.
    pub calculation: [Option<Decimal>; 5],
    pub actual_occupancy_pct: Option<Decimal>,
}

/// Stores a rate by (offer id, department, basis, year), with its like-for-like daily rate.
/// A catalogue's rate never replaces a rate sheet's (the sheet is the settlement basis, R5),
/// and keeps the actual occupancy a sheet reported.
pub const UPSERT_SQL: &str =
    "INSERT INTO rates (offer_id, department_id, legal_basis, year, amount, unit,
        vat_pct, direct_costs, indirect_costs, overhead_pct, capital_costs, budgeted_occupancy_pct,
        actual_occupancy_pct, daily_ex_vat_oere, source, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
     ON CONFLICT (offer_id, department_id, legal_basis, year) DO UPDATE SET
        amount = excluded.amount, unit = excluded.unit, vat_pct = excluded.vat_pct,
        direct_costs = excluded.direct_costs, indirect_costs = excluded.indirect_costs,
        overhead_pct = excluded.overhead_pct, capital_costs = excluded.capital_costs,
        budgeted_occupancy_pct = excluded.budgeted_occupancy_pct,
        actual_occupancy_pct = CASE WHEN excluded.source = 'katalog'
            THEN rates.actual_occupancy_pct ELSE excluded.actual_occupancy_pct END,
        daily_ex_vat_oere = excluded.daily_ex_vat_oere,
        source = excluded.source, updated_at = excluded.updated_at
     WHERE excluded.source <> 'katalog' OR rates.source = 'katalog'";

/// Runs `UPSERT_SQL` (prepared by the caller, once per import) for one rate.
pub fn upsert(
    st: &mut rusqlite::Statement,
    r: &RateRow,
    source: &str,
    now: &str,
) -> rusqlite::Result<usize> {
    let text = |d: Option<Decimal>| d.map(|v| v.to_string());
    let [direct, indirect, overhead, capital, budgeted] = r.calculation;
    st.execute(rusqlite::params![
        r.offer_id,
        r.department_id,
        r.basis.code(),
        r.year,
        r.amount.to_string(),
        r.unit.code(),
        r.vat_pct.to_string(),
        text(direct),
        text(indirect),
        text(overhead),
        text(capital),
        text(budgeted),
        text(r.actual_occupancy_pct),
        oere(daily_ex_vat(r.amount, r.unit, r.vat_pct)),
        source,
        now,
    ])
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
