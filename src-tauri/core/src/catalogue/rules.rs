//! Catalogue rules as pure functions: which operator is in force on a day, and how an age
//! range and a figure's age read in Danish.

use chrono::NaiveDate;

use super::model::OperatorPeriod;

/// The operator in force on `on`: the last period begun by that day (periods come sorted
/// and do not overlap); when none has begun yet, the first one. `None` only without periods.
/// Search, checks, contracts and reports all ask this one rule.
pub fn operator_on(periods: &[OperatorPeriod], on: NaiveDate) -> Option<&OperatorPeriod> {
    periods
        .iter()
        .rev()
        .find(|p| p.valid_from <= on)
        .or(periods.first())
}

/// "18-65 år", "fra 18 år".
pub fn age_text(min: u8, max: Option<u8>) -> String {
    let mut out = String::with_capacity(12);
    if max.is_none() {
        out.push_str("fra ");
    }
    crate::fmt::push_uint(&mut out, u64::from(min));
    if let Some(m) = max {
        out.push('-');
        crate::fmt::push_uint(&mut out, u64::from(m));
    }
    out.push_str(" år");
    out
}

/// How old a figure is: "i dag", "1 dag gammelt", "14 dage gammelt".
pub fn days_old_text(days: i64) -> String {
    match days {
        i64::MIN..=-1 => "fremtidig dato".into(),
        0 => "i dag".into(),
        1 => "1 dag gammelt".into(),
        n => format!("{n} dage gammelt"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::OperatorType;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn period(kind: OperatorType, from: NaiveDate, to: Option<NaiveDate>) -> OperatorPeriod {
        OperatorPeriod {
            kind,
            name: kind.code().into(),
            cvr: None,
            municipality_code: None,
            valid_from: from,
            valid_to: to,
        }
    }

    #[test]
    fn the_operator_changes_on_the_day_the_new_period_begins() {
        // Self-governing until 31.12.2020, private from 01.01.2021 (as BOMI was taken over).
        let change = d(2021, 1, 1);
        let periods = [
            period(OperatorType::Selvejende, d(2001, 1, 1), Some(change)),
            period(OperatorType::Privat, change, None),
        ];
        let kind = |on| operator_on(&periods, on).map(|p| p.kind);
        assert_eq!(kind(d(2020, 12, 31)), Some(OperatorType::Selvejende));
        assert_eq!(kind(change), Some(OperatorType::Privat));
        assert_eq!(kind(d(2026, 11, 25)), Some(OperatorType::Privat));
        // Before the first known period: the first one.
        assert_eq!(kind(d(1990, 1, 1)), Some(OperatorType::Selvejende));
        assert_eq!(operator_on(&[], change), None);
    }
}
