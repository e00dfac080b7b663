//! What a steering group reads at a glance: a report's summary figures and its chart, built
//! from the computed report (never from its table's texts), so the window, the PDF and the
//! CLI's JSON show the same numbers.

use rust_decimal::Decimal;
use serde::Serialize;

use super::chart::{self, Chart, ChartKind, Point, Role, Series, Spec, Unit};
use super::{
    pct_text, Category, CategoryReport, IncreaseReport, OccupancyReport, Report, SpendReport,
};
use crate::fmt;

/// One summary figure: "Over 5,00 %: 2".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
    /// A short explanation under the value, if any ("Bostedet Fjordglimt").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

fn figure(label: impl Into<String>, value: impl Into<String>, note: impl Into<String>) -> Figure {
    Figure {
        label: label.into(),
        value: value.into(),
        note: note.into(),
    }
}

/// A report's summary figures and chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Glance {
    pub figures: Vec<Figure>,
    /// `None` when there is nothing to draw (no lines, no contracts).
    pub chart: Option<Chart>,
}

/// The figures and chart of `report`.
pub fn of(report: &Report) -> Glance {
    let (figures, chart) = match report {
        Report::RateIncreases(r) => (increase_figures(r), increase_chart(r)),
        Report::Occupancy(r) => (occupancy_figures(r), occupancy_chart(r)),
        Report::Spend(r) => (spend_figures(r), spend_chart(r)),
        Report::Categories(r) => (category_figures(r), category_chart(r)),
    };
    Glance {
        figures,
        chart: chart.filter(Chart::has_values),
    }
}

// ---- rate increases ---------------------------------------------------------------

fn increase_figures(r: &IncreaseReport) -> Vec<Figure> {
    let lines = || r.groups.iter().flat_map(|(_, l)| l.iter());
    let mut out = vec![
        figure(
            format!("Over {}", pct_text(r.threshold_pct)),
            r.lines.to_string(),
            format!(
                "af {}",
                crate::fmt::count(r.compared, "sammenlignet takst", "sammenlignede takster")
            ),
        ),
        figure(
            format!("PL-sats {}", r.year),
            r.pl_pct.map(pct_text).unwrap_or_else(|| "ikke sat".into()),
            "",
        ),
    ];
    if let Some(top) = lines().max_by(|a, b| a.increase_pct.cmp(&b.increase_pct)) {
        out.push(figure(
            "Største stigning",
            pct_text(top.increase_pct),
            top.offer_name.clone(),
        ));
    }
    if let Some(top) = lines()
        .filter(|l| l.above_pl_pct.is_some())
        .max_by(|a, b| a.above_pl_pct.cmp(&b.above_pl_pct))
    {
        out.push(figure(
            "Største stigning ud over PL",
            top.texts.above_pl.clone(),
            top.offer_name.clone(),
        ));
    }
    out
}

/// The PL line as an index with `base` = 100: forward and backward with each year's PL rate,
/// as far as the rates are set.
fn pl_index(r: &IncreaseReport, base: i32) -> Vec<(i32, Decimal)> {
    let h = &r.history;
    let rate = |y: i32| h.pl.iter().find(|(py, _)| *py == y).map(|(_, p)| *p);
    let factor = |p: Decimal| Decimal::ONE + p / Decimal::ONE_HUNDRED;
    let mut out = vec![(base, Decimal::ONE_HUNDRED)];
    let mut v = Decimal::ONE_HUNDRED;
    for y in (h.first..base).rev() {
        match rate(y + 1) {
            Some(p) if !factor(p).is_zero() => v /= factor(p),
            _ => break,
        }
        out.insert(0, (y, v));
    }
    v = Decimal::ONE_HUNDRED;
    for y in base + 1..=h.year {
        match rate(y) {
            Some(p) => v *= factor(p),
            None => break,
        }
        out.push((y, v));
    }
    out
}

/// Rate development of the largest increases over the last years as an index (the year
/// before the report's = 100), with the PL line: the same start uplifted by each year's PL
/// rate. In the report's year the gap between a line and the PL line is the increase above PL.
fn increase_chart(r: &IncreaseReport) -> Option<Chart> {
    let h = &r.history;
    let base = h.year - 1;
    let years: Vec<i32> = (h.first..=h.year).collect();
    let mut series: Vec<Series> = h
        .lines
        .iter()
        .filter_map(|l| index_series(&l.label, &l.rates, base, &years))
        .collect();
    let pl = pl_index(r, base);
    let with_pl = pl.len() > 1;
    if with_pl {
        series.push(Series {
            name: "PL-linjen".into(),
            role: Role::Reference,
            values: years
                .iter()
                .map(|y| {
                    pl.iter()
                        .find(|(py, _)| py == y)
                        .map(|(_, v)| chart::point(v.round_dp(2), Unit::Index))
                })
                .collect(),
        });
    }
    // The chart starts at the first year with a value (`Chart::new` leaves out the others).
    let first = years
        .iter()
        .enumerate()
        .find(|(i, _)| {
            series
                .iter()
                .any(|s| s.values.get(*i).is_some_and(Option::is_some))
        })
        .map_or(h.first, |(_, y)| *y);
    let shown = h.lines.len();
    let note = increase_note(r, base, with_pl);
    let top = series.first().and_then(|s| {
        s.values
            .last()
            .cloned()
            .flatten()
            .map(|p| (s.name.clone(), p))
    });
    let description = format!(
        "Linjediagram: takstudviklingen {first}–{} for {} tilbud som indeks med {base} = 100{}.{}",
        h.year,
        shown,
        if with_pl { " og PL-linjen" } else { "" },
        match (top, pl.last().filter(|_| with_pl)) {
            (Some((name, p)), Some((_, v))) => format!(
                " Størst i {}: {name}, indeks {}; PL-linjen står på {}.",
                h.year,
                p.text,
                fmt::number(*v, 1)
            ),
            (Some((name, p)), None) => format!(" Størst i {}: {name}, indeks {}.", h.year, p.text),
            _ => String::new(),
        }
    );
    Some(Chart::new(Spec {
        kind: ChartKind::Line,
        title: format!(
            "Takstudvikling {first}–{}{}",
            h.year,
            if with_pl { " med PL-linjen" } else { "" }
        ),
        description,
        value_label: format!("Indeks ({base} = 100)"),
        category_label: "År".into(),
        categories: years.iter().map(i32::to_string).collect(),
        series,
        unit: Unit::Index,
        from_zero: false,
        note,
    }))
}

/// One offer's rates as an index (the rate in `base` = 100) for each of `years`; none when
/// it has no rate above zero in `base`.
fn index_series(label: &str, rates: &[(i32, Decimal)], base: i32, years: &[i32]) -> Option<Series> {
    let base_rate = rates.iter().find(|(y, _)| *y == base).map(|(_, v)| *v)?;
    if base_rate.is_zero() {
        return None;
    }
    let values = years
        .iter()
        .map(|y| {
            rates.iter().find(|(ry, _)| ry == y).map(|(_, v)| {
                let index = *v / base_rate * Decimal::ONE_HUNDRED;
                Point {
                    value: index.round_dp(2),
                    text: format!("{} ({})", fmt::number(index, 1), fmt::kr(*v)),
                }
            })
        })
        .collect();
    Some(Series {
        name: label.to_string(),
        role: Role::Data,
        values,
    })
}

/// What the rate-development chart shows and how to read it.
fn increase_note(r: &IncreaseReport, base: i32, with_pl: bool) -> String {
    let h = &r.history;
    let shown = h.lines.len();
    let mut note = format!(
        "Indeks: taksten pr. døgn ekskl. moms delt med taksten i {base} (samme tilbud, afdeling og lovgrundlag) × 100."
    );
    if with_pl {
        note.push_str(&format!(
            " PL-linjen: {base} = 100 fremskrevet med årets PL-sats; afstanden til den i {} er stigningen ud over PL.",
            h.year
        ));
    } else {
        note.push_str(&format!(
            " PL-satsen for {} er ikke sat (Indstillinger), så PL-linjen mangler.",
            h.year
        ));
    }
    if r.lines > shown {
        note.push_str(&format!(
            " De {shown} største af {} stigninger vises; alle står i tabellen.",
            r.lines
        ));
    }
    note
}

// ---- occupancy --------------------------------------------------------------------

fn occupancy_figures(r: &OccupancyReport) -> Vec<Figure> {
    vec![
        figure(
            "Skal indberettes",
            r.lines.iter().filter(|l| l.due).count().to_string(),
            format!("af {} sammenlignede", r.compared),
        ),
        figure("Uden belægningstal", r.without_data.to_string(), ""),
    ]
}

/// One offer's occupancy for the chart.
pub struct OccupancyBar {
    pub offer_id: String,
    pub offer_name: String,
    pub budgeted_pct: Decimal,
    pub actual_pct: Decimal,
    /// The deviation is at the threshold or beyond (reported).
    pub due: bool,
}

fn occupancy_chart(r: &OccupancyReport) -> Option<Chart> {
    let bars: Vec<OccupancyBar> = r
        .lines
        .iter()
        .map(|l| OccupancyBar {
            offer_id: l.offer_id.clone(),
            offer_name: l.offer_name.clone(),
            budgeted_pct: l.budgeted_pct,
            actual_pct: l.actual_pct,
            due: l.due,
        })
        .collect();
    occupancy_bars(r.year, &bars)
}

/// Budgeted against actual occupancy, one row per offer; an offer to be reported says so.
pub fn occupancy_bars(year: i32, bars: &[OccupancyBar]) -> Option<Chart> {
    let categories: Vec<String> = bars
        .iter()
        .map(|b| {
            let twice = bars.iter().filter(|o| o.offer_name == b.offer_name).count() > 1;
            let name = if twice {
                format!("{} ({})", b.offer_name, b.offer_id)
            } else {
                b.offer_name.clone()
            };
            if b.due {
                format!("{name} – indberettes")
            } else {
                name
            }
        })
        .collect();
    let pct = |v: Decimal| Some(chart::point(v, Unit::Pct));
    let series = vec![
        Series {
            name: "Budgetteret belægning".into(),
            role: Role::Data,
            values: bars.iter().map(|b| pct(b.budgeted_pct)).collect(),
        },
        Series {
            name: "Faktisk belægning".into(),
            role: Role::Data,
            values: bars.iter().map(|b| pct(b.actual_pct)).collect(),
        },
    ];
    let due: Vec<&OccupancyBar> = bars.iter().filter(|b| b.due).collect();
    let described = due
        .iter()
        .map(|b| {
            format!(
                "{} faktisk {} mod budgetteret {}",
                b.offer_name,
                chart::point(b.actual_pct, Unit::Pct).text,
                chart::point(b.budgeted_pct, Unit::Pct).text
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(Chart::new(Spec {
        kind: ChartKind::Hbars,
        title: format!("Belægning mod budget {year}"),
        description: format!(
            "Vandret søjlediagram: budgetteret og faktisk belægning i procent for {} tilbud; {} skal indberettes{}.",
            bars.len(),
            due.len(),
            if described.is_empty() {
                String::new()
            } else {
                format!(": {described}")
            }
        ),
        value_label: "Belægning".into(),
        category_label: "Tilbud".into(),
        categories,
        series,
        unit: Unit::Pct,
        from_zero: true,
        note: "Tilbud markeret «indberettes» afviger på tærsklen eller derover; alle tal står i tabellen.".into(),
    }))
}

// ---- categories -------------------------------------------------------------------

const CATEGORIES: [(Category, &str); 3] = [
    (Category::HoejtSpecialiseret, "Højt specialiseret"),
    (Category::Klyngetilbud, "Klyngetilbud"),
    (Category::LokaltTilbud, "Lokalt tilbud"),
];

fn category_count(r: &CategoryReport, c: Category) -> usize {
    r.lines.iter().filter(|l| l.category == Some(c)).count()
}

fn category_figures(r: &CategoryReport) -> Vec<Figure> {
    let mut out = vec![figure(
        "Kategoriserede tilbud",
        r.lines.len().to_string(),
        "",
    )];
    out.extend(
        CATEGORIES
            .iter()
            .map(|(c, label)| figure(*label, category_count(r, *c).to_string(), "")),
    );
    out
}

/// How many offers fall in each category.
fn category_chart(r: &CategoryReport) -> Option<Chart> {
    let counts: Vec<usize> = CATEGORIES
        .iter()
        .map(|(c, _)| category_count(r, *c))
        .collect();
    let described = CATEGORIES
        .iter()
        .zip(&counts)
        .map(|((_, label), n)| format!("{} {n}", label.to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Chart::new(Spec {
        kind: ChartKind::Bars,
        title: format!("Tilbud pr. kategori {}", r.year),
        description: format!(
            "Søjlediagram: antal tilbud pr. kategori i {}: {described}.",
            r.year
        ),
        value_label: "Antal tilbud".into(),
        category_label: "Kategori".into(),
        categories: CATEGORIES.iter().map(|(_, l)| l.to_string()).collect(),
        series: vec![Series {
            name: "Antal tilbud".into(),
            role: Role::Data,
            values: counts
                .iter()
                .map(|n| Some(chart::point(Decimal::from(*n), Unit::Count)))
                .collect(),
        }],
        unit: Unit::Count,
        from_zero: true,
        note: String::new(),
    }))
}

// ---- spend ------------------------------------------------------------------------

fn spend_figures(r: &SpendReport) -> Vec<Figure> {
    spend_figures_of(&r.years)
}

/// Public and private spend over all years, and the private share.
pub fn spend_figures_of(years: &[(i32, Decimal, Decimal)]) -> Vec<Figure> {
    let public: Decimal = years.iter().map(|(_, p, _)| *p).sum();
    let private: Decimal = years.iter().map(|(_, _, q)| *q).sum();
    let total = public + private;
    let period = match (years.first(), years.last()) {
        (Some((a, _, _)), Some((b, _, _))) if a != b => format!("{a}–{b}"),
        (Some((a, _, _)), _) => a.to_string(),
        _ => return Vec::new(),
    };
    let share = if total.is_zero() {
        Decimal::ZERO
    } else {
        private / total * Decimal::ONE_HUNDRED
    };
    vec![
        figure("Offentlige tilbud", fmt::kr(public), period.clone()),
        figure("Private tilbud", fmt::kr(private), period),
        figure("Privat andel", format!("{} %", fmt::number(share, 1)), ""),
    ]
}

fn spend_chart(r: &SpendReport) -> Option<Chart> {
    spend_bars(&r.years)
}

/// Spend per year (year, public, private), public against private.
pub fn spend_bars(years: &[(i32, Decimal, Decimal)]) -> Option<Chart> {
    let (first, last) = (years.first()?.0, years.last()?.0);
    let kr = |v: Decimal| Some(chart::point(v, Unit::Kr));
    let per_year = years
        .iter()
        .map(|(y, p, q)| format!("{y}: offentlige {}, private {}", fmt::kr(*p), fmt::kr(*q)))
        .collect::<Vec<_>>()
        .join("; ");
    Some(Chart::new(Spec {
        kind: ChartKind::Bars,
        title: if first == last {
            format!("Udgifter {first}")
        } else {
            format!("Udgifter pr. år {first}–{last}")
        },
        description: super::full_stop(&format!(
            "Søjlediagram: udgifterne efter udstedte kontrakter pr. år, offentlige og private tilbud. {per_year}"
        )),
        value_label: "Udgift".into(),
        category_label: "År".into(),
        categories: years.iter().map(|(y, _, _)| y.to_string()).collect(),
        series: vec![
            Series {
                name: "Offentlige tilbud".into(),
                role: Role::Data,
                values: years.iter().map(|(_, p, _)| kr(*p)).collect(),
            },
            Series {
                name: "Private tilbud".into(),
                role: Role::Data,
                values: years.iter().map(|(_, _, q)| kr(*q)).collect(),
            },
        ],
        unit: Unit::Kr,
        from_zero: true,
        note: String::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn texts(s: &Series) -> Vec<String> {
        s.values
            .iter()
            .map(|v| v.as_ref().map(|p| p.text.clone()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn spend_per_year_public_against_private() {
        let years = [
            (2026, d("113150"), Decimal::ZERO),
            (2027, d("1071530"), d("250000")),
        ];
        let c = spend_bars(&years).unwrap_or_else(|| panic!("a chart"));
        assert_eq!(c.kind, ChartKind::Bars);
        assert_eq!(c.title, "Udgifter pr. år 2026–2027");
        assert_eq!(c.categories, ["2026", "2027"]);
        assert_eq!(texts(&c.series[0]), ["113.150,00 kr.", "1.071.530,00 kr."]);
        assert_eq!(texts(&c.series[1]), ["0,00 kr.", "250.000,00 kr."]);
        // Up to 1,2 mio. kr. in steps of 0,2.
        assert_eq!(c.value_label, "Udgift, mio. kr.");
        assert_eq!(c.axis.max, d("1200000"));
        assert!(c
            .description
            .ends_with("2027: offentlige 1.071.530,00 kr., private 250.000,00 kr."));
        assert!(!c.description.contains("kr.."), "{}", c.description);
        // 250.000 of 1.434.680 is private: 17,4 %.
        let f = spend_figures_of(&years);
        assert_eq!(f[0].value, "1.184.680,00 kr.");
        assert_eq!(f[1].value, "250.000,00 kr.");
        assert_eq!(
            (f[2].label.as_str(), f[2].value.as_str()),
            ("Privat andel", "17,4 %")
        );
        assert!(spend_bars(&[]).is_none());
    }

    #[test]
    fn occupancy_against_budget_per_offer() {
        let bar = |id: &str, name: &str, b: &str, a: &str, due: bool| OccupancyBar {
            offer_id: id.into(),
            offer_name: name.into(),
            budgeted_pct: d(b),
            actual_pct: d(a),
            due,
        };
        let c = occupancy_bars(
            2027,
            &[
                bar("SJ-1101", "Bostedet Fjordglimt", "95", "88", true),
                bar("SJ-1161", "Kildevang", "96", "94", false),
            ],
        )
        .unwrap_or_else(|| panic!("a chart"));
        assert_eq!(c.kind, ChartKind::Hbars);
        assert_eq!(
            c.categories,
            ["Bostedet Fjordglimt – indberettes", "Kildevang"]
        );
        assert_eq!(texts(&c.series[0]), ["95,0 %", "96,0 %"]);
        assert_eq!(texts(&c.series[1]), ["88,0 %", "94,0 %"]);
        assert_eq!((c.axis.min, c.axis.max), (Decimal::ZERO, d("100")));
        assert_eq!(
            c.description,
            "Vandret søjlediagram: budgetteret og faktisk belægning i procent for 2 tilbud; 1 skal indberettes: Bostedet Fjordglimt faktisk 88,0 % mod budgetteret 95,0 %."
        );
    }
}
