//! Command-line arguments. Values are parsed by the core's own parsers, so every message
//! about a bad value is the core's Danish one.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand};
use pladsoverblik_core::search_form::SearchForm;
use std::path::PathBuf;

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
    Report(crate::report::ReportArgs),
    /// Kategorier (Rammeaftale Syddanmark): fastsæt årets kategorier og kommunens afgørelser.
    Categories {
        #[command(subcommand)]
        command: crate::steering::CategoriesCommand,
    },
    /// Belægningsindberetning: næste frist, indberetninger, linjer og indsendelse.
    Occupancy {
        #[command(subcommand)]
        command: crate::steering::OccupancyCommand,
    },
    /// Rammeaftaler: vis dem, hvilken der gælder for en kommune, og indlæs en rammeaftalefil.
    Agreements {
        #[command(subcommand)]
        command: crate::agreements::AgreementsCommand,
    },
    /// Tag en sikkerhedskopi af hele databasen (også mens programmet kører); uden FIL vises
    /// de automatiske sikkerhedskopier.
    Backup {
        /// Filen, kopien gemmes i, fx kopi.sqlite.
        file: Option<PathBuf>,
        /// Erstat filen, hvis den findes.
        #[arg(long)]
        overwrite: bool,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Gendan databasen fra en sikkerhedskopi (den tjekkes først; den hidtidige database
    /// gemmes i sikkerhedskopier/).
    Restore {
        file: PathBuf,
        /// Tjek kun sikkerhedskopien og vis, hvad den indeholder; intet ændres.
        #[arg(long)]
        preview: bool,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Kommunens fælles PostgreSQL-database: opret, opgradér, vis status (docs/server.md).
    Server {
        #[command(subcommand)]
        command: crate::server::ServerCommand,
    },
    /// Synkronisér med kommunens server: send lukkede afstemninger, udstedte kontrakter og
    /// revisionsspor; hent de andre computeres lukkede afstemninger og udstedte kontrakter og
    /// kommunens indstillinger; reservér numre.
    Sync(crate::server::SyncArgs),
    /// Vis eller ændr indstillinger (brugernavn, forældelse, gyldighed, afstand).
    Settings {
        #[command(subcommand)]
        command: Option<crate::settings::SettingsCommand>,
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

impl SearchArgs {
    /// The arguments as the core's search form (parsed there, as the app's is).
    pub fn form(&self) -> SearchForm {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        SearchForm {
            text: opt(&self.text),
            bases: self.bases.clone(),
            target_group: opt(&self.target_group),
            age: opt(&self.age),
            operators: self.operators.clone(),
            municipalities: self.municipalities.clone(),
            region: opt(&self.region),
            region_date: opt(&self.region_date),
            only_free: self.free,
            max_rate: opt(&self.max_rate),
            rammeaftale: opt(&self.rammeaftale),
            only_approved: self.approved,
            near: opt(&self.near),
            max_km: opt(&self.max_km),
            sort: opt(&self.sort),
            limit: self.limit,
            offset: self.offset,
        }
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
            "ukendt kommando «{}»; brug generate-catalogue, import-catalogue, info, show, search, check, contract, rates, report, categories, occupancy, agreements, settings, backup eller restore",
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
