//! Catalogue rules as pure functions: which operator is in force on a day, how an age range
//! and a figure's age read in Danish, and the offers' name ranks.

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

/// The municipality that runs an offer: its operator's, else the one it lies in.
pub fn operating_municipality(operator: Option<&OperatorPeriod>, located: u16) -> u16 {
    operator
        .and_then(|o| o.municipality_code)
        .unwrap_or(located)
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

/// The room left between neighbouring name ranks when ranks are given afresh: up to 4.095
/// new offers fit between two neighbours before every rank is given again.
const RANK_SPACING: u64 = 1 << 12;

/// Name ranks for offers in alphabetical order, given the rank each had stored (`None`: a new
/// or rewritten offer). Only the order of ranks means anything (the search compares them), so
/// the longest run of stored ranks that is still in order is kept and every other offer gets a
/// rank between its kept neighbours: next month's catalogue, with 1.000 new offers spread
/// through the alphabet, then changes the ranks of about those 1.000 instead of shifting
/// nearly all 100.000 by a few places. When a gap is too small, every offer gets a rank
/// afresh, `RANK_SPACING` apart. The result is strictly increasing and below `u32::MAX`
/// (which stands for "no rank").
pub fn name_ranks(stored: &[Option<u32>]) -> Vec<u32> {
    let stored: Vec<Option<u32>> = stored.iter().map(|r| r.filter(|r| *r < u32::MAX)).collect();
    let kept = increasing_run(&stored);
    let mut ranks = Vec::with_capacity(stored.len());
    // The rank before the current gap (none at the start) and the gap's start.
    let mut below: Option<u64> = None;
    let mut from = 0;
    for anchor in kept.iter().copied().map(Some).chain([None]) {
        let to = anchor.unwrap_or(stored.len());
        let above = anchor.and_then(|i| stored[i]).map(u64::from);
        let Some(gap) = fill_gap(below, above, to - from) else {
            return fresh_ranks(stored.len());
        };
        ranks.extend(gap);
        if let Some(a) = above {
            ranks.push(a as u32);
        }
        below = above;
        from = to + 1;
    }
    ranks
}

/// `n` ranks strictly between `below` and `above`: spread evenly inside a gap (the start of
/// the range being below rank 0), `RANK_SPACING` apart after the last rank; `None` when they
/// do not fit.
fn fill_gap(below: Option<u64>, above: Option<u64>, n: usize) -> Option<Vec<u32>> {
    let n = n as u64;
    // One below the lowest rank a gap may use, so that rank 0 keeps room before it.
    let low = below.map_or(0, |b| b + 1);
    let ranks: Vec<u64> = match above {
        None => (1..=n).map(|j| low + j * RANK_SPACING).collect(),
        // `above - low` ranks are free in low..above; spread over them, strictly inside.
        Some(a) if a > low && a - low >= n => {
            (1..=n).map(|j| low + (a - low) * j / (n + 1)).collect()
        }
        Some(_) if n == 0 => Vec::new(),
        Some(_) => return None,
    };
    ranks
        .into_iter()
        .map(|r| u32::try_from(r).ok().filter(|r| *r < u32::MAX))
        .collect()
}

/// Ranks for `n` offers given afresh, as far apart as `RANK_SPACING` or `u32` allows, with
/// room before the first.
fn fresh_ranks(n: usize) -> Vec<u32> {
    let n = n as u64;
    let spacing = RANK_SPACING.min((u64::from(u32::MAX) - 1) / (n + 1)).max(1);
    (1..=n).map(|j| (j * spacing) as u32).collect()
}

/// The positions of a longest strictly increasing run (not necessarily contiguous) of the
/// stored ranks, in order (patience sorting, O(n log n)).
fn increasing_run(stored: &[Option<u32>]) -> Vec<usize> {
    // tails[k]: the position whose rank ends the best run of length k + 1 found so far.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; stored.len()];
    for (i, rank) in stored.iter().enumerate() {
        let Some(rank) = rank else { continue };
        let k = tails.partition_point(|&t| stored[t].is_some_and(|r| r < *rank));
        before[i] = k.checked_sub(1).map(|p| tails[p]);
        match tails.get_mut(k) {
            Some(t) => *t = i,
            None => tails.push(i),
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(i);
        at = before[i];
    }
    run.reverse();
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::OperatorType;

    /// Strictly increasing and below `u32::MAX`: the only things the search relies on.
    fn assert_ordered(ranks: &[u32], n: usize) {
        assert_eq!(ranks.len(), n);
        assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
        assert!(ranks.iter().all(|r| *r < u32::MAX));
    }

    #[test]
    fn ranks_in_order_are_kept_and_new_offers_fit_between_them() {
        // A first import: ranks spaced apart, with room before the first.
        let first = name_ranks(&[None, None, None]);
        assert_eq!(first, vec![4096, 8192, 12288]);
        // Next month: one new offer between the first two, one at the end, the third gone.
        let next = name_ranks(&[Some(4096), None, Some(8192), None]);
        assert_eq!(next, vec![4096, 6144, 8192, 12289]);
        // An offer renamed from the end of the alphabet to the start: only it moves.
        let renamed = name_ranks(&[Some(12288), Some(4096), Some(8192)]);
        assert_eq!(renamed, vec![2048, 4096, 8192]);
    }

    #[test]
    fn dense_ranks_from_before_are_given_afresh_when_a_new_offer_does_not_fit() {
        // Ranks 0, 1, 2 as earlier versions stored them, a new offer between 0 and 1.
        let ranks = name_ranks(&[Some(0), None, Some(1), Some(2)]);
        assert_eq!(ranks, vec![4096, 8192, 12288, 16384]);
        // Between 0 and 2 there is room for one, not two.
        assert_eq!(name_ranks(&[Some(0), None, Some(2)]), vec![0, 1, 2]);
        assert_eq!(
            name_ranks(&[Some(0), None, None, Some(2)]),
            vec![4096, 8192, 12288, 16384]
        );
    }

    #[test]
    fn ranks_never_reach_u32_max_however_many_offers() {
        let near_top = name_ranks(&[Some(u32::MAX - 2), None, None]);
        assert_eq!(near_top, vec![4096, 8192, 12288]);
        let many = vec![None; 2_000_000];
        assert_ordered(&name_ranks(&many), 2_000_000);
        assert_eq!(name_ranks(&[]), Vec::<u32>::new());
    }

    #[test]
    fn any_stored_ranks_give_ranks_in_order_keeping_a_longest_run() {
        // A small deterministic generator: stored ranks dense, sparse, shuffled, missing.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % m
        };
        for case in 0..2_000 {
            let n = next(40) as usize;
            let scale = [1, 3, 4096, 1 << 30][case % 4];
            let stored: Vec<Option<u32>> = (0..n)
                .map(|_| (next(4) != 0).then(|| (next(60) * scale).min(u64::from(u32::MAX)) as u32))
                .collect();
            let ranks = name_ranks(&stored);
            assert_ordered(&ranks, n);
            // A stored u32::MAX ("no rank") is never kept.
            let usable: Vec<Option<u32>> =
                stored.iter().map(|r| r.filter(|r| *r < u32::MAX)).collect();
            let run = increasing_run(&usable);
            assert!(run.windows(2).all(|w| usable[w[0]] < usable[w[1]]));
            let kept = run.iter().all(|&i| Some(ranks[i]) == usable[i]);
            let afresh = ranks == fresh_ranks(n);
            assert!(kept || afresh, "{stored:?} → {ranks:?}");
        }
    }

    #[test]
    fn the_longest_run_of_stored_ranks_in_order_is_kept() {
        let stored = [
            Some(50),
            Some(10),
            Some(20),
            Some(5),
            Some(30),
            None,
            Some(40),
        ];
        assert_eq!(increasing_run(&stored), vec![1, 2, 4, 6]);
        let ranks = name_ranks(&stored);
        assert_ordered(&ranks, stored.len());
        assert_eq!((ranks[1], ranks[2], ranks[4], ranks[6]), (10, 20, 30, 40));
    }

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
