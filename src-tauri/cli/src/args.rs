//! Command-line arguments. Values are parsed by the core's own parsers, so every message
//! about a bad value is the core's Danish one.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand};
use pladsoverblik_core::catalogue::model::{LegalBasis, OperatorType};
use pladsoverblik_core::geo::{self, Point};
use pladsoverblik_core::search::{SearchQuery, SortKey};
use pladsoverblik_core::{fmt, Error, Result};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Parser)]
#[command(
    name = "plads",
    version,
    about = "Pladsoverblik på kommandolinjen: katalog, søgning, afstemning, kontrakter, takster og rapporter."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run; boxing the search arguments would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// Skriv et genereret katalog (JSON) til standard output.
    GenerateCatalogue {
        /// Antal tilbud.
        #[arg(long)]
        offers: Option<usize>,
        /// Frø til den deterministiske generator.
        #[arg(long)]
        seed: Option<u64>,
        /// Katalogets udtræksdato (dd.mm.åååå).
        #[arg(long)]
        extracted: Option<String>,
        /// Det medfølgende eksempelkatalog for Region Sjælland.
        #[arg(long)]
        example: bool,
        /// Kun Region Sjællands kommuner.
        #[arg(long)]
        sjaelland: bool,
    },
    /// Indlæs en katalogfil; den erstatter det nuværende katalog (taksthistorik bevares).
    ImportCatalogue {
        file: PathBuf,
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Vis katalogets dato, kilde og antal tilbud.
    Info {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        today: Option<String>,
    },
    /// Vis ét tilbud.
    Show {
        id: String,
        #[arg(long)]
        db: Option<PathBuf>,
        /// Borgerens hjemkommune (kode eller navn) eller et punkt "55.64, 12.08".
        #[arg(long)]
        near: Option<String>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Søg i kataloget.
    Search(SearchArgs),
    /// Afstemning af ledige offentlige pladser før køb hos private (offentligt først).
    Check {
        #[command(subcommand)]
        command: crate::check::CheckCommand,
    },
    /// Standardkontrakter: kladde, udstedelse, rettelse, opsigelse, fornyelse.
    Contract {
        #[command(subcommand)]
        command: crate::contract::ContractCommand,
    },
    /// Takstoversigter: indlæs .xlsx eller .csv (med forhåndsvisning).
    Rates {
        #[command(subcommand)]
        command: crate::rates::RatesCommand,
    },
    /// Styregruppens rapporter: rate-increases, occupancy, spend eller categories.
    Report(crate::rates::ReportArgs),
    /// Vis eller ændr indstillinger (brugernavn, forældelse, gyldighed, afstand).
    Settings {
        #[command(subcommand)]
        command: Option<crate::check::SettingsCommand>,
        #[arg(long, global = true)]
        db: Option<PathBuf>,
        #[arg(long, global = true)]
        json: bool,
    },
}

#[derive(Args)]
pub struct SearchArgs {
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Fritekst (navn, målgruppe, by …); ord søges som begyndelse af ord.
    #[arg(long)]
    pub text: Option<String>,
    /// Lovgrundlag, fx 108, "SEL § 107", ABL-105, BL-43 (kan gentages).
    #[arg(long = "basis")]
    pub bases: Vec<String>,
    /// Målgruppekode, fx FN.P.IK.AU (med undergrupper).
    #[arg(long)]
    pub target_group: Option<String>,
    /// Borgerens alder.
    #[arg(long)]
    pub age: Option<String>,
    /// Driftsherretype: kommunal, regional, privat, selvejende (kan gentages).
    #[arg(long = "operator")]
    pub operators: Vec<String>,
    /// Tilbuddets beliggenhedskommune, kode eller navn (kan gentages).
    #[arg(long = "municipality")]
    pub municipalities: Vec<String>,
    /// Region, fx sjaelland eller "Region Østdanmark".
    #[arg(long)]
    pub region: Option<String>,
    /// Dato for regionsinddelingen (dd.mm.åååå); standard er i dag.
    #[arg(long)]
    pub region_date: Option<String>,
    /// Kun tilbud med ledige pladser.
    #[arg(long)]
    pub free: bool,
    /// Højeste døgntakst ekskl. moms, fx 3500 eller 3.500,00.
    #[arg(long)]
    pub max_rate: Option<String>,
    /// Kun tilbud omfattet (ja) eller ikke omfattet (nej) af rammeaftalen.
    #[arg(long)]
    pub rammeaftale: Option<String>,
    /// Kun godkendte tilbud.
    #[arg(long)]
    pub approved: bool,
    /// Afstand fra borgerens hjemkommune (kode eller navn), et postnummer (4000) eller et
    /// punkt "55.64, 12.08".
    #[arg(long)]
    pub near: Option<String>,
    /// Højeste afstand i km.
    #[arg(long)]
    pub max_km: Option<String>,
    /// relevance, distance, rate, free_places eller name.
    #[arg(long)]
    pub sort: Option<String>,
    /// Højst så mange træffere (standard: 50, én side) …
    #[arg(long)]
    pub limit: Option<usize>,
    /// … efter at have sprunget så mange over (næste side).
    #[arg(long)]
    pub offset: Option<usize>,
    /// Dags dato for forældelse og taktsår (dd.mm.åååå); standard er i dag.
    #[arg(long)]
    pub today: Option<String>,
    /// Skriv resultatet som JSON (se docs/search-json.md).
    #[arg(long)]
    pub json: bool,
}

/// A municipality (code or name) or a point.
pub fn origin(input: &str) -> Result<Point> {
    if input.chars().any(|c| c.is_ascii_digit()) && (input.contains(',') || input.contains(' ')) {
        return Point::parse(input);
    }
    let m = geo::find_municipality(input)?;
    Ok(Point {
        lat: m.lat,
        lon: m.lon,
    })
}

/// An age in whole years, 0-120.
pub fn age(input: &str) -> Result<u8> {
    input
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|v| *v <= 120)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Alderen «{input}» skal være et helt tal mellem 0 og 120."
            ))
        })
}

/// A date as `dd.mm.åååå` (or ISO).
pub fn date(input: &str) -> Result<chrono::NaiveDate> {
    fmt::parse_date(input).ok_or_else(|| {
        Error::Invalid(format!(
            "Datoen «{input}» kan ikke læses; skriv dd.mm.åååå."
        ))
    })
}

/// "3500", "3.500", "3.500,50", "3500.50" → Decimal.
fn danish_amount(input: &str) -> Result<Decimal> {
    fmt::parse_amount(input).ok_or_else(|| {
        Error::Invalid(format!(
            "Beløbet «{input}» kan ikke læses; skriv fx 3.500,00."
        ))
    })
}

impl SearchArgs {
    pub fn query(&self) -> Result<SearchQuery> {
        let mut q = SearchQuery {
            text: self.text.clone(),
            target_group: self.target_group.clone(),
            only_free: self.free,
            only_approved: self.approved,
            limit: self.limit,
            offset: self.offset,
            region: self.region.clone(),
            ..SearchQuery::default()
        };
        for b in &self.bases {
            q.legal_bases.push(LegalBasis::parse(b)?);
        }
        for o in &self.operators {
            q.operator_types.push(OperatorType::parse(o)?);
        }
        for m in &self.municipalities {
            q.municipalities.push(geo::find_municipality(m)?.code);
        }
        if let Some(a) = &self.age {
            q.age = Some(age(a)?);
        }
        if let Some(d) = &self.region_date {
            q.region_date = Some(date(d)?);
        }
        if let Some(r) = &self.max_rate {
            q.max_daily_rate = Some(danish_amount(r)?);
        }
        if let Some(r) = &self.rammeaftale {
            q.covered_by_rammeaftale = Some(match r.trim().to_lowercase().as_str() {
                "ja" | "yes" | "1" => true,
                "nej" | "no" | "0" => false,
                _ => {
                    return Err(Error::Invalid(format!(
                        "--rammeaftale skal være ja eller nej, ikke «{r}»."
                    )))
                }
            });
        }
        if let Some(n) = &self.near {
            let t = n.trim();
            if t.chars().any(|c| c.is_ascii_digit()) && (t.contains(',') || t.contains(' ')) {
                q.near_point = Some(Point::parse(t)?);
            } else if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) {
                q.near_postcode = Some(t.to_string());
            } else {
                q.near_municipality = Some(geo::find_municipality(t)?.code);
            }
        }
        if let Some(k) = &self.max_km {
            let v: f64 = k
                .trim()
                .replace(',', ".")
                .parse()
                .ok()
                .filter(|v: &f64| *v >= 0.0)
                .ok_or_else(|| Error::Invalid(format!("Afstanden «{k}» skal være et tal i km.")))?;
            q.max_distance_km = Some(v);
        }
        if let Some(s) = &self.sort {
            q.sort = SortKey::from_str(s)?;
        }
        Ok(q)
    }
}

/// Prints clap's errors in Danish (help and version as they are) and exits.
pub fn exit_with_clap_error(e: clap::Error) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {}
    }
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let msg = match e.kind() {
        ErrorKind::UnknownArgument => format!("ukendt argument «{}»", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!(
            "ukendt kommando «{}»; brug generate-catalogue, import-catalogue, info, show, search, check, contract, rates, report eller settings",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("mangler {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => {
            "mangler en kommando; se plads --help".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "ugyldig værdi «{}» for {}",
            ctx(ContextKind::InvalidValue),
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::ArgumentConflict => format!(
            "{} kan ikke bruges sammen med {}",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("forkert antal værdier for {}", ctx(ContextKind::InvalidArg))
        }
        _ => e.to_string(),
    };
    eprintln!("Fejl: {msg}. Se plads --help.");
    std::process::exit(2);
}
