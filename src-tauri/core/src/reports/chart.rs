//! A report's chart as data: its kind, categories, series with values (and their Danish
//! texts) and the value axis with its ticks already chosen. The window (`ui/components/
//! chart.js`, inline SVG) and the PDF (`pdf/templates/report.typ`, typst shapes) draw the same
//! chart from this, and both give it its text alternative (`description`).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::fmt;

/// How the chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One line per series over the categories (years).
    Line,
    /// Grouped vertical bars (categories along the bottom).
    Bars,
    /// Grouped horizontal bars (one row per category, e.g. an offer).
    Hbars,
}

/// A series' role: a data series, or a reference line (the PL line) drawn dashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Data,
    Reference,
}

/// What the values are; decides the axis labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// kr.; an axis reaching a million is labelled in mio. kr.
    Kr,
    /// per cent
    Pct,
    /// an index (a base year = 100)
    Index,
    /// a count
    Count,
}

/// One value with its Danish text ("3.567,38 kr.", "88,0 %").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub value: Decimal,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub role: Role,
    /// One per category; `None` where the series has no value.
    pub values: Vec<Option<Point>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tick {
    pub value: Decimal,
    pub label: String,
}

/// The value axis: its range and ticks (with Danish labels).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    pub min: Decimal,
    pub max: Decimal,
    pub ticks: Vec<Tick>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    /// The text alternative: what the chart shows, in one or two Danish sentences.
    pub description: String,
    /// The value axis' label, with its unit ("Udgift, mio. kr.").
    pub value_label: String,
    /// The category axis' label ("År", "Tilbud").
    pub category_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub axis: Axis,
    /// Shown under the chart ("De 8 største stigninger vises; alle står i tabellen.").
    pub note: String,
}

/// What a builder gives `Chart::new`; the axis is chosen from the values.
pub struct Spec {
    pub kind: ChartKind,
    pub title: String,
    pub description: String,
    /// The value axis' label without the unit ("Udgift"); the unit is added.
    pub value_label: String,
    pub category_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub unit: Unit,
    /// Whether the axis starts at 0 (bars always do).
    pub from_zero: bool,
    pub note: String,
}

impl Chart {
    /// The chart with a value axis that holds every value: about five ticks at 1, 2 or 5
    /// times a power of ten.
    pub fn new(mut spec: Spec) -> Chart {
        if spec.kind == ChartKind::Line {
            trim_leading(&mut spec);
        }
        let values = spec
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten().map(|p| p.value));
        let from_zero = spec.from_zero || spec.kind != ChartKind::Line;
        let (axis, unit_text) = axis(values, spec.unit, from_zero);
        let value_label = match (spec.value_label.is_empty(), unit_text.is_empty()) {
            (_, true) => spec.value_label,
            (true, false) => unit_text.to_string(),
            (false, false) => format!("{}, {unit_text}", spec.value_label),
        };
        Chart {
            kind: spec.kind,
            title: spec.title,
            description: spec.description,
            value_label,
            category_label: spec.category_label,
            categories: spec.categories,
            series: spec.series,
            axis,
            note: spec.note,
        }
    }

    /// Whether the chart has anything to draw.
    pub fn has_values(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.values.iter().any(Option::is_some))
    }
}

/// Leaves out the first categories (years) where no series has a value, so a line chart starts
/// where its data does.
fn trim_leading(spec: &mut Spec) {
    let first = (0..spec.categories.len())
        .find(|&i| {
            spec.series
                .iter()
                .any(|s| s.values.get(i).is_some_and(Option::is_some))
        })
        .unwrap_or(0);
    if first == 0 {
        return;
    }
    spec.categories.drain(..first);
    for s in &mut spec.series {
        s.values.drain(..first.min(s.values.len()));
    }
}

/// A value with its text in `unit` ("3.567,38 kr.", "88,0 %", "107,0", "12").
pub fn point(value: Decimal, unit: Unit) -> Point {
    let text = match unit {
        Unit::Kr => fmt::kr(value),
        Unit::Pct => format!("{} %", fmt::number(value, 1)),
        Unit::Index => fmt::number(value, 1),
        Unit::Count => fmt::number(value, 0),
    };
    Point { value, text }
}

/// 1, 2 or 5 times a power of ten, the nearest such step to `raw` (so a range divided by
/// five gets four to eight ticks).
fn nice_step(raw: Decimal) -> Decimal {
    if raw <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let ten = Decimal::TEN;
    let mut magnitude = Decimal::ONE;
    while magnitude * ten <= raw {
        magnitude *= ten;
    }
    while magnitude > raw && magnitude > Decimal::new(1, 6) {
        magnitude /= ten;
    }
    let f = raw / magnitude;
    let nice = if f < Decimal::new(15, 1) {
        Decimal::ONE
    } else if f < Decimal::new(3, 0) {
        Decimal::TWO
    } else if f < Decimal::new(7, 0) {
        Decimal::new(5, 0)
    } else {
        ten
    };
    nice * magnitude
}

/// The axis for `values`, and the unit text for the axis label ("kr.", "mio. kr.", "%").
fn axis(
    values: impl Iterator<Item = Decimal>,
    unit: Unit,
    from_zero: bool,
) -> (Axis, &'static str) {
    let (mut lo, mut hi) = values.fold((None::<Decimal>, None::<Decimal>), |(lo, hi), v| {
        (
            Some(lo.map_or(v, |l: Decimal| l.min(v))),
            Some(hi.map_or(v, |h: Decimal| h.max(v))),
        )
    });
    if from_zero || lo.is_none() {
        lo = Some(lo.unwrap_or(Decimal::ZERO).min(Decimal::ZERO));
        hi = Some(hi.unwrap_or(Decimal::ZERO).max(Decimal::ZERO));
    }
    let (lo, mut hi) = (lo.unwrap_or_default(), hi.unwrap_or_default());
    if hi == lo {
        hi = lo + Decimal::ONE;
    }
    let mut step = nice_step((hi - lo) / Decimal::new(5, 0));
    if unit == Unit::Count {
        step = step.max(Decimal::ONE);
    }
    let min = (lo / step).floor() * step;
    let max = (hi / step).ceil() * step;
    let millions = unit == Unit::Kr && max.abs().max(min.abs()) >= Decimal::new(1_000_000, 0);
    let divisor = if millions {
        Decimal::new(1_000_000, 0)
    } else {
        Decimal::ONE
    };
    let decimals = (step / divisor).normalize().scale();
    let mut ticks = Vec::new();
    let mut v = min;
    while v <= max && ticks.len() < 50 {
        ticks.push(Tick {
            value: v,
            label: fmt::number(v / divisor, decimals),
        });
        v += step;
    }
    let unit_text = match unit {
        Unit::Kr if millions => "mio. kr.",
        Unit::Kr => "kr.",
        Unit::Pct => "%",
        Unit::Index | Unit::Count => "",
    };
    (Axis { min, max, ticks }, unit_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn the_axis_holds_every_value_on_round_ticks() {
        let (a, unit) = axis([d("96.2"), d("108.4")].into_iter(), Unit::Index, false);
        assert_eq!((a.min, a.max), (d("96"), d("110")));
        let labels: Vec<&str> = a.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            ["96", "98", "100", "102", "104", "106", "108", "110"]
        );
        assert_eq!(unit, "");
        // Bars start at 0; a million and more is labelled in mio. kr.
        let (a, unit) = axis([d("1071530"), d("250000")].into_iter(), Unit::Kr, true);
        assert_eq!((a.min, a.max), (d("0"), d("1200000")));
        assert_eq!(unit, "mio. kr.");
        assert_eq!(a.ticks[1].label, "0,2");
        assert_eq!(a.ticks.last().map(|t| t.label.as_str()), Some("1,2"));
        let (a, unit) = axis([d("95"), d("88")].into_iter(), Unit::Pct, true);
        assert_eq!((a.min, a.max, unit), (d("0"), d("100"), "%"));
        assert_eq!(a.ticks.len(), 6);
        // Nothing to show still gives an axis.
        let (a, _) = axis(std::iter::empty(), Unit::Count, true);
        assert_eq!((a.min, a.max), (d("0"), d("1")));
    }

    #[test]
    fn points_carry_danish_texts() {
        assert_eq!(point(d("1071530"), Unit::Kr).text, "1.071.530,00 kr.");
        assert_eq!(point(d("88"), Unit::Pct).text, "88,0 %");
        assert_eq!(point(d("107.004"), Unit::Index).text, "107,0");
        assert_eq!(point(d("3"), Unit::Count).text, "3");
    }
}
