//! Contract arithmetic with `rust_decimal`: days in a term (leap years included), line totals
//! for daily, monthly and one-off amounts, per-day / per-month / whole-term figures, and the
//! last day after notice.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::agreements::model::NoticeRule;
use crate::error::Result;
pub use crate::rates::rules::{month_to_day, per_day, per_month, round_oere};
pub use crate::rates::Unit;
use crate::{fmt, limits};

/// Days from `from` to `to`, both included.
pub fn days_inclusive(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days() + 1
}

/// The last day of a term of `months` calendar months starting on `start`: the day before the
/// same day `months` months later, or — when that month has no such day — its last day.
/// 01.03.2027 + 12 months → 29.02.2028; 29.02.2028 + 12 → 28.02.2029; 31.01 + 1 → 28/29.02.
pub fn term_end(start: NaiveDate, months: u32) -> NaiveDate {
    match start.checked_add_months(Months::new(months)) {
        Some(same) if same.day() == start.day() => same.pred_opt().unwrap_or(start),
        // The month is shorter: chrono gave its last day, which is the term's last day.
        Some(last_of_month) => last_of_month,
        None => start,
    }
}

/// Whole calendar months from `from` (as `term_end` counts them) and the days left over up to
/// `to` (both included).
pub fn months_and_days(from: NaiveDate, to: NaiveDate) -> (u32, i64) {
    let mut months = 0;
    while months < 1200 && term_end(from, months + 1) <= to {
        months += 1;
    }
    let rest_from = if months == 0 {
        from
    } else {
        term_end(from, months).succ_opt().unwrap_or(to)
    };
    (months, days_inclusive(rest_from, to).max(0))
}

/// What `amount` per `unit` comes to over `from..=to`: daily × days; monthly × whole months
/// plus the remaining days at amount × 12 / 365; one-off once. Checked: an amount too large to
/// compute with gives a Danish error, never a panic.
pub fn line_total(amount: Decimal, unit: Unit, from: NaiveDate, to: NaiveDate) -> Result<Decimal> {
    const WHAT: &str = "prisen";
    Ok(match unit {
        Unit::Dag => round_oere(limits::mul(
            amount,
            Decimal::from(days_inclusive(from, to)),
            WHAT,
        )?),
        Unit::Maaned => {
            let (months, days) = months_and_days(from, to);
            let whole = limits::mul(amount, Decimal::from(months), WHAT)?;
            let part = month_to_day(limits::mul(amount, Decimal::from(days), WHAT)?)?;
            round_oere(limits::add(whole, part, WHAT)?)
        }
        Unit::Engang => round_oere(amount),
    })
}

/// The sum of `amounts`, checked.
pub fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Result<Decimal> {
    amounts
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, a| limits::add(acc, a, "prisen"))
}

/// How much of a line over the whole term (`total`, from `line_total`) falls in each of the
/// term's calendar-year `segments`: a running line by its own unit over the segment, a one-off
/// amount in the first; the last segment takes what is left, so the parts add up to the
/// line's total to the øre.
pub fn split_by_years(
    amount: Decimal,
    unit: Unit,
    total: Decimal,
    segments: &[(NaiveDate, NaiveDate)],
) -> Result<Vec<Decimal>> {
    let mut parts = Vec::with_capacity(segments.len());
    let mut so_far = Decimal::ZERO;
    for (k, (from, to)) in segments.iter().enumerate() {
        let part = if k + 1 == segments.len() {
            total - so_far
        } else if unit == Unit::Engang {
            if k == 0 {
                total
            } else {
                Decimal::ZERO
            }
        } else {
            line_total(amount, unit, *from, *to)?
        };
        so_far = limits::add(so_far, part, "prisen")?;
        parts.push(part);
    }
    Ok(parts)
}

/// The calendar-year pieces of a term: rates change on 1 January.
pub fn year_segments(start: NaiveDate, end: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut from = start;
    while from <= end {
        let year_end = NaiveDate::from_ymd_opt(from.year(), 12, 31).unwrap_or(end);
        let to = year_end.min(end);
        out.push((from, to));
        match to.succ_opt() {
            Some(next) => from = next,
            None => break,
        }
    }
    out
}

/// The last day of the contract if notice is given on `given` under `rule`: the notice period
/// from that day (to the end of that month for "løbende måned + …"), never after `end`.
pub fn last_day_after_notice(given: NaiveDate, rule: &NoticeRule, end: NaiveDate) -> NaiveDate {
    let mut d = given
        .checked_add_months(Months::new(rule.months))
        .unwrap_or(given)
        + chrono::Duration::days(i64::from(rule.days));
    if rule.to_month_end {
        d = last_of_month(d);
    }
    d.min(end)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(d)
}

/// `1.234,56 kr.` with the unit: `3.200,00 kr. pr. døgn`.
pub fn amount_text(amount: Decimal, unit: Unit) -> String {
    format!("{} {}", fmt::kr(amount), unit.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_term_over_29_february_2028() {
        // 01.03.2027–29.02.2028 is exactly 12 months and 366 days.
        assert_eq!(term_end(d(2027, 3, 1), 12), d(2028, 2, 29));
        assert_eq!(days_inclusive(d(2027, 3, 1), d(2028, 2, 29)), 366);
        assert_eq!(
            line_total(dec("3200"), Unit::Dag, d(2027, 3, 1), d(2028, 2, 29)).unwrap(),
            dec("1171200.00")
        );
        // A monthly rate over the same 12 whole months is 12 × the rate, leap day or not.
        assert_eq!(
            line_total(dec("95000"), Unit::Maaned, d(2027, 3, 1), d(2028, 2, 29)).unwrap(),
            dec("1140000.00")
        );
    }

    #[test]
    fn terms_end_right_at_month_ends_and_leap_days() {
        assert_eq!(term_end(d(2028, 2, 29), 12), d(2029, 2, 28));
        assert_eq!(term_end(d(2027, 1, 31), 1), d(2027, 2, 28));
        assert_eq!(term_end(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(term_end(d(2027, 1, 30), 1), d(2027, 2, 28));
        assert_eq!(term_end(d(2027, 12, 1), 12), d(2028, 11, 30));
        // A whole term counts as whole months, with no day left over.
        assert_eq!(months_and_days(d(2028, 2, 29), d(2029, 2, 28)), (12, 0));
        assert_eq!(months_and_days(d(2027, 1, 31), d(2027, 2, 28)), (1, 0));
        assert_eq!(months_and_days(d(2027, 1, 31), d(2027, 3, 2)), (1, 2));
        assert_eq!(
            line_total(dec("95000"), Unit::Maaned, d(2028, 2, 29), d(2029, 2, 28)).unwrap(),
            dec("1140000.00")
        );
    }

    #[test]
    fn part_months_are_paid_by_the_day() {
        // 15.01.2027–14.03.2027: two whole months (15.01–14.02 and 15.02–14.03).
        assert_eq!(
            line_total(dec("91250"), Unit::Maaned, d(2027, 1, 15), d(2027, 3, 14)).unwrap(),
            dec("182500.00")
        );
        // 01.01.2027–10.01.2027: 10 days at 91.250 × 12 / 365 = 3.000 per day.
        assert_eq!(
            line_total(dec("91250"), Unit::Maaned, d(2027, 1, 1), d(2027, 1, 10)).unwrap(),
            dec("30000.00")
        );
        assert_eq!(per_day(dec("91250"), Unit::Maaned).unwrap(), dec("3000"));
        assert_eq!(
            round_oere(per_month(dec("3000"), Unit::Dag).unwrap()),
            dec("91250.00")
        );
        assert_eq!(
            line_total(dec("12500"), Unit::Engang, d(2027, 1, 1), d(2027, 12, 31)).unwrap(),
            dec("12500.00")
        );
    }

    #[test]
    fn amounts_too_large_to_compute_give_an_error_not_a_panic() {
        let huge = Decimal::MAX;
        let e = line_total(huge, Unit::Dag, d(2027, 1, 1), d(2027, 12, 31)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Beregningen af prisen giver et tal, der er for stort at regne med; tjek beløb og antal."
        );
        assert!(line_total(huge, Unit::Maaned, d(2027, 1, 1), d(2027, 12, 31)).is_err());
        assert!(sum([huge, huge]).is_err());
        assert_eq!(sum([dec("1.50"), dec("2.25")]).unwrap(), dec("3.75"));
    }

    #[test]
    fn a_term_across_new_year_splits_by_year() {
        let segs = year_segments(d(2026, 12, 1), d(2027, 11, 30));
        assert_eq!(
            segs,
            vec![
                (d(2026, 12, 1), d(2026, 12, 31)),
                (d(2027, 1, 1), d(2027, 11, 30))
            ]
        );
        assert_eq!(days_inclusive(segs[0].0, segs[0].1), 31);
        assert_eq!(days_inclusive(segs[1].0, segs[1].1), 334);
    }

    #[test]
    fn notice_given_mid_month() {
        let buyer = NoticeRule {
            months: 1,
            days: 0,
            to_month_end: true,
        };
        let provider = NoticeRule {
            months: 3,
            days: 0,
            to_month_end: true,
        };
        let end = d(2027, 11, 30);
        assert_eq!(
            last_day_after_notice(d(2027, 3, 12), &buyer, end),
            d(2027, 4, 30)
        );
        assert_eq!(
            last_day_after_notice(d(2027, 3, 12), &provider, end),
            d(2027, 6, 30)
        );
        // 31.01 + 1 month lands in February (28 days in 2027): end of February.
        assert_eq!(
            last_day_after_notice(d(2027, 1, 31), &buyer, end),
            d(2027, 2, 28)
        );
        // Never after the contract's own end.
        assert_eq!(last_day_after_notice(d(2027, 10, 20), &provider, end), end);
        let days = NoticeRule {
            months: 0,
            days: 14,
            to_month_end: false,
        };
        assert_eq!(
            last_day_after_notice(d(2027, 3, 12), &days, end),
            d(2027, 3, 26)
        );
    }
}
