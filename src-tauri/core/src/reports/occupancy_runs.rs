//! The occupancy reporting runs of seed 002 (L152-158): twice a year, per the agreement's
//! runs (the first quarter by 1 May, the first three quarters by 1 November), the
//! municipality reports the average occupancy of the klyngetilbud and højt specialiserede
//! tilbud whose occupancy deviates by the threshold or more, each with whether the deviation
//! leads to efterregulering and a text on challenges and initiatives.
//!
//! A run is a draft until it is submitted: the user may state the period's actual occupancy
//! (the rate sheet's figure for the year is filled in where there is one), the efterregulering
//! answer and the text. Submitting needs both answers on every offer that is due; from then
//! on the run is locked (the database refuses any change), not versioned: what was sent is
//! what is kept.

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::categories::{self, Category};
use super::occupancy::{self, deviation_heading, deviation_text, pct};
use super::rules;
use super::store::{self, RunLineRow, RunRow};
use super::Table;
use crate::error::{Error, Result};
use crate::{agreements, audit, fmt, limits};

/// What the user states on one line, as typed; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LineForm {
    /// The period's average actual occupancy in per cent ("90,25").
    #[serde(default)]
    pub actual: Option<String>,
    /// "ja" or "nej" ("" clears the answer).
    #[serde(default)]
    pub efterregulering: Option<String>,
    /// Challenges and initiatives.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunLineTexts {
    pub budgeted: String,
    pub actual: String,
    pub deviation: String,
    /// "ja", "nej" or "mangler belægningstal".
    pub due: String,
    /// "ja", "nej" or "ikke angivet".
    pub efterregulering: String,
    pub actual_source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunLine {
    pub offer_id: String,
    pub offer_name: String,
    pub operator_name: String,
    pub category: Category,
    pub category_label: String,
    pub places: i64,
    pub budgeted_pct: Option<Decimal>,
    pub actual_pct: Option<Decimal>,
    pub deviation_pct: Option<Decimal>,
    /// `None`: a figure is missing, so it cannot be said.
    pub due: Option<bool>,
    pub efterregulering: Option<bool>,
    pub note: String,
    pub updated_by: Option<String>,
    pub texts: RunLineTexts,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub id: i64,
    pub year: i32,
    pub agreement_id: String,
    pub agreement_version: u32,
    pub label: String,
    pub period_code: String,
    pub months: u32,
    pub deadline: String,
    pub deadline_text: String,
    pub threshold_pct: Decimal,
    pub reading: String,
    pub rule_source: String,
    pub created_at_text: String,
    pub created_by: String,
    pub submitted: bool,
    pub submitted_at_text: Option<String>,
    pub submitted_by: Option<String>,
    /// "Indsendt 25.11.2026 kl. 10:12 af …" or "Kladde – ikke indsendt (frist om 5 dage)".
    pub state_text: String,
    pub lines: Vec<RunLine>,
    pub title: String,
    pub text: String,
}

/// A run in the list.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub id: i64,
    pub year: i32,
    pub label: String,
    pub agreement_id: String,
    pub deadline_text: String,
    pub submitted: bool,
    pub state_text: String,
}

/// A coming or missed deadline.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub agreement_id: String,
    pub agreement_text: String,
    pub year: i32,
    pub label: String,
    pub period_code: String,
    pub deadline: String,
    pub deadline_text: String,
    pub days_left: i64,
    pub run_id: Option<i64>,
    pub submitted: bool,
    pub text: String,
}

/// An offer due at the next deadline.
#[derive(Debug, Clone, Serialize)]
pub struct DueOffer {
    pub offer_id: String,
    pub offer_name: String,
    pub deviation: String,
}

/// A reporting period of the agreements' runs: "q1", "1. kvartal", "01.05".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodView {
    pub code: String,
    pub label: String,
    /// The deadline's day and month, "01.05".
    pub deadline_text: String,
}

/// The next deadline, what is due by then, missed deadlines and the runs.
#[derive(Debug, Clone, Serialize)]
pub struct OccupancyStatus {
    /// The periods the agreements' occupancy rules have (what a new run may be for).
    pub periods: Vec<PeriodView>,
    pub next: Option<DeadlineView>,
    pub due: Vec<DueOffer>,
    pub due_text: String,
    pub overdue: Vec<DeadlineView>,
    pub runs: Vec<RunSummary>,
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("Belægningsindberetning nr. {id} findes ikke."))
}

fn deadline_of(run: &RunRow) -> NaiveDate {
    NaiveDate::parse_from_str(&run.deadline, "%Y-%m-%d").unwrap_or_default()
}

fn days_text(deadline: NaiveDate, today: NaiveDate) -> String {
    match (deadline - today).num_days() {
        0 => "fristen er i dag".to_string(),
        1 => "frist i morgen".to_string(),
        n if n > 1 => format!("frist om {n} dage"),
        _ => "fristen er overskredet".to_string(),
    }
}

fn state_text(run: &RunRow, today: NaiveDate) -> String {
    match (&run.submitted_at, &run.submitted_by) {
        (Some(at), Some(by)) => format!("Indsendt {} af {by}", fmt::timestamp(at)),
        _ => format!(
            "Kladde – ikke indsendt ({})",
            days_text(deadline_of(run), today)
        ),
    }
}

fn line_view(l: RunLineRow, run: &RunRow) -> RunLine {
    let deviation = match (l.budgeted_pct, l.actual_pct) {
        (Some(b), Some(a)) => rules::deviation(&run.reading, b, a),
        _ => None,
    };
    let due = deviation.map(|d| rules::is_due(d, run.threshold_pct));
    let opt_pct = |v: Option<Decimal>| v.map(pct).unwrap_or_else(|| "–".to_string());
    let texts = RunLineTexts {
        budgeted: opt_pct(l.budgeted_pct),
        actual: opt_pct(l.actual_pct),
        deviation: deviation
            .map(|d| deviation_text(d, &run.reading))
            .unwrap_or_else(|| "–".to_string()),
        due: match due {
            Some(true) => "ja",
            Some(false) => "nej",
            None => "mangler belægningstal",
        }
        .to_string(),
        efterregulering: match l.efterregulering {
            Some(true) => "ja",
            Some(false) => "nej",
            None => "ikke angivet",
        }
        .to_string(),
        actual_source: match l.actual_source.as_str() {
            "takstoversigt" => "takstoversigtens tal for året".to_string(),
            "indtastet" => format!("indtastet af {}", l.updated_by.clone().unwrap_or_default()),
            _ => String::new(),
        },
    };
    RunLine {
        category_label: l.category.label().to_string(),
        offer_id: l.offer_id,
        offer_name: l.offer_name,
        operator_name: l.operator_name,
        category: l.category,
        places: l.places,
        budgeted_pct: l.budgeted_pct,
        actual_pct: l.actual_pct,
        deviation_pct: deviation,
        due,
        efterregulering: l.efterregulering,
        note: l.note,
        updated_by: l.updated_by,
        texts,
    }
}

/// One run with its lines, as of `today` (for the deadline's text).
pub fn view(conn: &Connection, id: i64, today: NaiveDate) -> Result<RunView> {
    let run = store::run(conn, id)?.ok_or_else(|| not_found(id))?;
    let lines: Vec<RunLine> = store::run_lines(conn, id)?
        .into_iter()
        .map(|l| line_view(l, &run))
        .collect();
    let agreement = agreements::store::version(conn, &run.agreement_id, run.agreement_version)?;
    let name = agreement
        .map(|a| a.name)
        .unwrap_or_else(|| run.agreement_id.clone());
    let deadline = deadline_of(&run);
    let state = state_text(&run, today);
    let text = run_text(&run, &name, &lines, &state);
    Ok(RunView {
        id: run.id,
        year: run.year,
        period_code: period_code(run.months),
        title: format!("Belægningsindberetning {} {}", run.label, run.year),
        deadline_text: fmt::date(deadline),
        submitted: run.submitted_at.is_some(),
        submitted_at_text: run.submitted_at.as_deref().map(fmt::timestamp),
        created_at_text: fmt::timestamp(&run.created_at),
        state_text: state,
        lines,
        text,
        agreement_id: run.agreement_id,
        agreement_version: run.agreement_version,
        label: run.label,
        months: run.months,
        deadline: run.deadline,
        threshold_pct: run.threshold_pct,
        reading: run.reading,
        rule_source: run.rule_source,
        created_by: run.created_by,
        submitted_by: run.submitted_by,
    })
}

fn period_code(months: u32) -> String {
    rules::period_code(&crate::agreements::model::OccupancyRun {
        label: String::new(),
        months,
        deadline: String::new(),
    })
}

fn run_text(run: &RunRow, agreement: &str, lines: &[RunLine], state: &str) -> String {
    let due = lines.iter().filter(|l| l.due == Some(true)).count();
    let missing: Vec<&str> = lines
        .iter()
        .filter(|l| l.due.is_none())
        .map(|l| l.offer_name.as_str())
        .collect();
    let mut text = format!(
        "{} {} efter {agreement} ({}), frist {}. Der indberettes gennemsnitlige belægningsprocenter på tilbudsniveau for klyngetilbud og højt specialiserede tilbud med regional betydning, hvor den faktiske belægning afviger {} ({}); hvert tilbud vægtet med pladserne i afdelingerne. Faktisk belægning: takstoversigtens tal for året eller indtastet for perioden. {due} af {} tilbud skal indberettes.",
        run.label,
        run.year,
        run.agreement_id,
        fmt::date(deadline_of(run)),
        rules::reading_text(&run.reading, run.threshold_pct),
        run.rule_source,
        lines.len()
    );
    if !missing.is_empty() {
        text.push_str(&format!(" Mangler belægningstal: {}.", missing.join(", ")));
    }
    text.push_str(&format!(" {state}."));
    text
}

/// Starts the run of `year` for `period` ("q1", "q1-q3" or the run's label) under the
/// agreement the year's categories were set by (`agreement` names it when there are
/// several). Refused before the year's categories are set; one run per year, agreement and
/// period.
pub fn create(
    conn: &Connection,
    year: i32,
    period: &str,
    agreement: Option<&str>,
    today: NaiveDate,
) -> Result<RunView> {
    limits::year(i64::from(year), "År")?;
    let Some(cat) = categories::set_categories(conn, year)? else {
        return Err(Error::Refused(format!(
            "Kategorierne for {year} er ikke fastsat. Belægning indberettes for klyngetilbud og højt specialiserede tilbud (002 L152); fastsæt kategorierne for {year} først."
        )));
    };
    let (a, scope) = scope(&cat.lines, agreement, year)?;
    let stored = agreements::store::version(conn, &a.0, a.1)?.ok_or_else(|| {
        Error::Internal(format!("Rammeaftalen {} version {} findes ikke.", a.0, a.1))
    })?;
    let rule = stored.terms.occupancy.value.clone().ok_or_else(|| {
        Error::Refused(format!(
            "{} fastsætter ikke indberetning af belægning ({}).",
            stored.name, stored.terms.occupancy.source
        ))
    })?;
    let run_rule = rules::find_run(&rule, period)?;
    if let Some(existing) = store::run_for(conn, year, &stored.id, run_rule.months)? {
        return Err(Error::Conflict(format!(
            "Indberetningen for {} {year} findes allerede (nr. {}; {}).",
            run_rule.label,
            existing.id,
            state_text(&existing, today)
        )));
    }
    let deadline = rules::deadline(run_rule, year).ok_or_else(|| {
        Error::Internal(format!("Fristen «{}» kan ikke læses.", run_rule.deadline))
    })?;
    let lines = new_lines(conn, year, &scope)?;
    let tx = conn.unchecked_transaction()?;
    let (threshold, reading, source) = occupancy::threshold(&tx, &stored.id, stored.version)?;
    let run = RunRow {
        id: 0,
        year,
        agreement_id: stored.id.clone(),
        agreement_version: stored.version,
        label: run_rule.label.clone(),
        months: run_rule.months,
        deadline: deadline.to_string(),
        threshold_pct: threshold,
        reading,
        rule_source: source,
        created_at: audit::now_local(),
        created_by: audit::current_user(&tx),
        submitted_at: None,
        submitted_by: None,
    };
    let id = store::insert_run(&tx, &run, &lines)?;
    audit::record(
        &tx,
        "occupancy.run_create",
        &id.to_string(),
        &serde_json::json!({ "year": year, "period": run.label, "agreement": run.agreement_id, "offers": lines.len() }),
    )?;
    tx.commit()?;
    view(conn, id, today)
}

/// A new run's lines: per offer its places-weighted budgeted occupancy and, where the rate
/// sheets give one, its actual occupancy of the year.
fn new_lines(
    conn: &Connection,
    year: i32,
    scope: &[&categories::CategoryLine],
) -> Result<Vec<RunLineRow>> {
    let ids: Vec<&str> = scope.iter().map(|l| l.offer_id.as_str()).collect();
    let figures = occupancy::offer_figures(conn, year, &ids)?;
    Ok(scope
        .iter()
        .map(|l| {
            let f = figures.get(&l.offer_id).copied().unwrap_or_default();
            RunLineRow {
                offer_id: l.offer_id.clone(),
                offer_name: l.offer_name.clone(),
                operator_name: l.operator_name.clone(),
                category: l.category.unwrap_or(Category::Klyngetilbud),
                places: f.places,
                budgeted_pct: f.budgeted,
                actual_pct: f.actual,
                actual_source: if f.actual.is_some() {
                    "takstoversigt"
                } else {
                    ""
                }
                .to_string(),
                efterregulering: None,
                note: String::new(),
                updated_at: None,
                updated_by: None,
            }
        })
        .collect())
}

/// The agreement (id, version) a run is for and its offers: the klyngetilbud and højt
/// specialiserede tilbud of the year categorised under it.
fn scope<'a>(
    lines: &'a [categories::CategoryLine],
    agreement: Option<&str>,
    year: i32,
) -> Result<((String, u32), Vec<&'a categories::CategoryLine>)> {
    let in_scope: Vec<&categories::CategoryLine> = lines
        .iter()
        .filter(|l| l.category.is_some_and(Category::reports_occupancy))
        .filter(|l| agreement.is_none_or(|a| l.agreement_id == a.trim()))
        .collect();
    let mut agreements: Vec<(String, u32)> = Vec::new();
    for l in &in_scope {
        let key = (l.agreement_id.clone(), l.agreement_version);
        if !agreements.contains(&key) {
            agreements.push(key);
        }
    }
    match agreements.len() {
        0 => Err(Error::Refused(format!(
            "Ingen klyngetilbud eller højt specialiserede tilbud for {year}{}: der er intet at indberette.",
            agreement.map(|a| format!(" under {a}")).unwrap_or_default()
        ))),
        1 => Ok((agreements.remove(0), in_scope)),
        _ => Err(Error::Invalid(format!(
            "Tilbuddene for {year} er kategoriseret efter flere rammeaftaler ({}); angiv hvilken.",
            agreements.iter().map(|a| a.0.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn draft(conn: &Connection, id: i64) -> Result<RunRow> {
    let run = store::run(conn, id)?.ok_or_else(|| not_found(id))?;
    if let (Some(at), Some(by)) = (&run.submitted_at, &run.submitted_by) {
        return Err(Error::Refused(format!(
            "Indberetningen for {} {} er indsendt {} af {by} og kan ikke ændres.",
            run.label,
            run.year,
            fmt::timestamp(at)
        )));
    }
    Ok(run)
}

fn yes_no(text: &str) -> Result<Option<bool>> {
    match text.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "ja" | "j" | "true" => Ok(Some(true)),
        "nej" | "n" | "false" => Ok(Some(false)),
        other => Err(Error::Invalid(format!(
            "Medfører efterregulering: «{other}» – svar ja eller nej."
        ))),
    }
}

/// States the actual occupancy, the efterregulering answer and/or the text on one line of a
/// draft run.
pub fn set_line(
    conn: &Connection,
    id: i64,
    offer_id: &str,
    form: &LineForm,
    today: NaiveDate,
) -> Result<RunView> {
    let run = draft(conn, id)?;
    let offer_id = offer_id.trim();
    let mut line = store::run_lines(conn, id)?
        .into_iter()
        .find(|l| l.offer_id == offer_id)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "Tilbuddet «{offer_id}» er ikke med i indberetningen for {} {}.",
                run.label, run.year
            ))
        })?;
    if let Some(actual) = form
        .actual
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let value = fmt::parse_amount(actual.trim_end_matches('%')).ok_or_else(|| {
            Error::Invalid(format!(
                "Faktisk belægning: «{actual}» er ikke et tal; skriv fx 90,25."
            ))
        })?;
        line.actual_pct = Some(limits::ACTUAL_OCCUPANCY_PCT.check(value, "Faktisk belægning")?);
        line.actual_source = "indtastet".to_string();
    }
    if let Some(answer) = &form.efterregulering {
        line.efterregulering = yes_no(answer)?;
    }
    if let Some(note) = &form.note {
        line.note = limits::text_len(
            note.trim(),
            limits::text::NOTE,
            "Udfordringer og initiativer",
        )?
        .to_string();
    }
    let tx = conn.unchecked_transaction()?;
    line.updated_at = Some(audit::now_local());
    line.updated_by = Some(audit::current_user(&tx));
    store::update_line(&tx, id, &line)?;
    audit::record(
        &tx,
        "occupancy.line",
        &format!("{id}/{offer_id}"),
        &serde_json::json!({
            "actual": line.actual_pct.map(|v| v.to_string()),
            "efterregulering": line.efterregulering,
            "note_chars": line.note.chars().count(),
        }),
    )?;
    tx.commit()?;
    view(conn, id, today)
}

/// Submits a draft: every offer that is due must say whether the deviation leads to
/// efterregulering and carry the text on challenges and initiatives (002 L154). The run is
/// locked from then on.
pub fn submit(conn: &Connection, id: i64, today: NaiveDate) -> Result<RunView> {
    let run = draft(conn, id)?;
    let v = view(conn, id, today)?;
    let incomplete: Vec<&str> = v
        .lines
        .iter()
        .filter(|l| {
            l.due == Some(true) && (l.efterregulering.is_none() || l.note.trim().is_empty())
        })
        .map(|l| l.offer_name.as_str())
        .collect();
    if !incomplete.is_empty() {
        return Err(Error::Refused(format!(
            "Indberetningen kan ikke indsendes endnu: for {} mangler svaret på, om afvigelsen medfører efterregulering, eller teksten om udfordringer og initiativer (002 L154).",
            incomplete.join(", ")
        )));
    }
    let tx = conn.unchecked_transaction()?;
    store::submit(&tx, id, &audit::now_local(), &audit::current_user(&tx))?;
    audit::record(
        &tx,
        "occupancy.submit",
        &id.to_string(),
        &serde_json::json!({ "year": run.year, "period": run.label,
            "due": v.lines.iter().filter(|l| l.due == Some(true)).count() }),
    )?;
    tx.commit()?;
    view(conn, id, today)
}

/// The run's report as a table (CSV and PDF): the offers that are due, with the answers.
pub fn run_table(v: &RunView) -> Table {
    let mut header: Vec<String> =
        "Tilbud;Tilbuds-id;Driftsherre;Kategori;Budgetteret belægning %;Faktisk belægning %"
            .split(';')
            .map(String::from)
            .collect();
    header.push(deviation_heading(&v.reading).to_string());
    header.push("Medfører efterregulering".to_string());
    header.push("Udfordringer og initiativer".to_string());
    let num = |x: Option<Decimal>, dp| x.map(|x| fmt::number(x, dp)).unwrap_or_default();
    let rows = v
        .lines
        .iter()
        .filter(|l| l.due == Some(true))
        .map(|l| {
            vec![
                l.offer_name.clone(),
                l.offer_id.clone(),
                l.operator_name.clone(),
                l.category_label.clone(),
                num(l.budgeted_pct, 2),
                num(l.actual_pct, 2),
                num(l.deviation_pct, 1),
                l.texts.efterregulering.clone(),
                l.note.clone(),
            ]
        })
        .collect();
    Table {
        title: v.title.clone(),
        summary: v.text.clone(),
        header,
        rows,
    }
}

fn summary(run: &RunRow, today: NaiveDate) -> RunSummary {
    RunSummary {
        id: run.id,
        year: run.year,
        label: run.label.clone(),
        agreement_id: run.agreement_id.clone(),
        deadline_text: fmt::date(deadline_of(run)),
        submitted: run.submitted_at.is_some(),
        state_text: state_text(run, today),
    }
}

/// The runs, newest period first.
pub fn list(conn: &Connection, today: NaiveDate) -> Result<Vec<RunSummary>> {
    Ok(store::runs(conn)?
        .iter()
        .map(|r| summary(r, today))
        .collect())
}

fn deadline_view(
    conn: &Connection,
    a: &agreements::Agreement,
    fallback: bool,
    (year, run, date): (i32, &agreements::model::OccupancyRun, NaiveDate),
    today: NaiveDate,
) -> Result<DeadlineView> {
    let existing = store::run_for(conn, year, &a.id, run.months)?;
    let ended = if fallback {
        format!(
            "; udløbet {}, den sidst indlæste rammeaftale med reglen bruges",
            fmt::date(a.valid_to)
        )
    } else {
        String::new()
    };
    let state = match &existing {
        Some(r) => state_text(r, today),
        None => format!("ikke påbegyndt ({})", days_text(date, today)),
    };
    Ok(DeadlineView {
        agreement_id: a.id.clone(),
        agreement_text: format!("{} ({}{ended})", a.name, a.id),
        year,
        label: run.label.clone(),
        period_code: rules::period_code(run),
        deadline: date.to_string(),
        deadline_text: fmt::date(date),
        days_left: (date - today).num_days(),
        run_id: existing.as_ref().map(|r| r.id),
        submitted: existing.as_ref().is_some_and(|r| r.submitted_at.is_some()),
        text: format!("{} {year}: frist {} – {state}", run.label, fmt::date(date)),
    })
}

/// The next deadline (from the agreements with an occupancy rule), the offers due by then,
/// this year's missed deadlines and every run.
pub fn status(conn: &Connection, today: NaiveDate) -> Result<OccupancyStatus> {
    let all = agreements::store::active(conn)?;
    let (mut next, mut overdue, mut periods) = (None::<DeadlineView>, Vec::new(), Vec::new());
    for (a, fallback) in rules::occupancy_agreements(&all, today) {
        let Some(rule) = &a.terms.occupancy.value else {
            continue;
        };
        for run in &rule.runs {
            let p = PeriodView {
                code: rules::period_code(run),
                label: run.label.clone(),
                deadline_text: run.deadline.split('-').rev().collect::<Vec<_>>().join("."),
            };
            if !periods.contains(&p) {
                periods.push(p);
            }
        }
        if let Some(n) = rules::next_deadline(rule, today) {
            let v = deadline_view(conn, a, fallback, n, today)?;
            if next.as_ref().is_none_or(|x| v.deadline < x.deadline) {
                next = Some(v);
            }
        }
        for run in &rule.runs {
            let year = chrono::Datelike::year(&today);
            let Some(date) = rules::deadline(run, year).filter(|d| *d < today) else {
                continue;
            };
            let v = deadline_view(conn, a, fallback, (year, run, date), today)?;
            if !v.submitted {
                overdue.push(v);
            }
        }
    }
    let (due, due_text) = match &next {
        Some(n) => due_at(conn, n, today)?,
        None => (
            Vec::new(),
            "Ingen indlæst rammeaftale fastsætter indberetning af belægning.".to_string(),
        ),
    };
    Ok(OccupancyStatus {
        periods,
        next,
        due,
        due_text,
        overdue,
        runs: list(conn, today)?,
    })
}

/// The offers due at deadline `n`: the run's, or before the run is started, those the year's
/// figures point to.
fn due_at(
    conn: &Connection,
    n: &DeadlineView,
    today: NaiveDate,
) -> Result<(Vec<DueOffer>, String)> {
    if let Some(id) = n.run_id {
        let v = view(conn, id, today)?;
        let due: Vec<DueOffer> = v
            .lines
            .iter()
            .filter(|l| l.due == Some(true))
            .map(|l| DueOffer {
                offer_id: l.offer_id.clone(),
                offer_name: l.offer_name.clone(),
                deviation: l.texts.deviation.clone(),
            })
            .collect();
        let text = format!(
            "{} tilbud skal indberettes i indberetning nr. {id}.",
            due.len()
        );
        return Ok((due, text));
    }
    let report = occupancy::occupancy_deviations(conn, n.year)?;
    if !report.categories_set {
        return Ok((
            Vec::new(),
            format!(
                "Kategorierne for {} er ikke fastsat endnu; først da ligger det fast, hvilke tilbud der indberettes for.",
                n.year
            ),
        ));
    }
    let due: Vec<DueOffer> = report
        .lines
        .iter()
        .filter(|l| l.due)
        .map(|l| DueOffer {
            offer_id: l.offer_id.clone(),
            offer_name: l.offer_name.clone(),
            deviation: l.texts.deviation.clone(),
        })
        .collect();
    let text = format!(
        "Efter takstoversigternes belægningstal for {} skal {} tilbud indberettes; start indberetningen for at angive periodens tal.",
        n.year,
        due.len()
    );
    Ok((due, text))
}
