//! `plads check …` (the public-first check) and `plads settings …`.

use clap::{Args, Subcommand};
use pladsoverblik_core::placement;
use pladsoverblik_core::placement::forms::{
    AnswerForm, ClosingForm, ConfirmationForm, InquiryForm, NeedForm, NewCheckForm, RejectionForm,
};
use pladsoverblik_core::{Error, Result};
use std::path::PathBuf;

use crate::{open, print_json, today};

/// Options every check command takes.
#[derive(Args)]
pub struct Common {
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Dags dato (dd.mm.åååå) for forældelse og gyldighed; standard er i dag.
    #[arg(long)]
    pub today: Option<String>,
    /// Skriv afstemningen som JSON.
    #[arg(long)]
    pub json: bool,
}

/// The need, as options.
#[derive(Args)]
pub struct NeedArgs {
    /// Lovgrundlag, fx 108, "SEL § 107", BL-43.
    #[arg(long)]
    pub basis: String,
    /// Målgruppekode i kataloget, fx FN.P.IK.AU (undergrupper matcher også).
    #[arg(long)]
    pub target_group: String,
    /// Borgerens alder.
    #[arg(long)]
    pub age: String,
    /// Borgerens hjemkommune, kode eller navn.
    #[arg(long)]
    pub home: String,
    /// Ønsket startdato (dd.mm.åååå).
    #[arg(long)]
    pub start: String,
}

impl NeedArgs {
    fn form(&self) -> NeedForm {
        NeedForm {
            legal_basis: self.basis.clone(),
            target_group: self.target_group.clone(),
            age: self.age.clone(),
            home_municipality: self.home.clone(),
            wanted_start: self.start.clone(),
        }
    }
}

#[derive(Subcommand)]
pub enum CheckCommand {
    /// Start en afstemning for et behov (uden borgerens navn og CPR).
    New(NewArgs),
    /// Vis en afstemning (kandidater, registreringer, kortliste, konklusion).
    Show {
        id: String,
        #[command(flatten)]
        common: Common,
    },
    /// Vis alle afstemninger med status (åben, lukket, udløbet).
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Registrér en bekræftelse af ledige pladser ("ringet 21.11.2026, 1 ledig, talt med NN").
    Confirm(ConfirmArgs),
    /// Registrér hvorfor et offentligt tilbud ikke bruges.
    Reject(RejectArgs),
    /// Tilføj et tilbud (offentligt eller privat) til kortlisten, eller fjern det.
    Shortlist {
        id: String,
        #[arg(long, conflicts_with = "remove")]
        add: Option<String>,
        #[arg(long)]
        remove: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Luk afstemningen med en konklusion: offentligt_valgt (med --offer), privat_begrundet
    /// eller enkeltmand_begrundet; en afstemning før enkeltmandstilbud lukkes med
    /// enkeltmand_begrundet (ingen anden kommune kunne være med) eller faelles (med
    /// --municipality: kommunen, der svarede ja).
    Close(CloseArgs),
    /// Registrér at en kommune er spurgt, om den kan være med i et eksisterende eller fælles
    /// botilbud, før et enkeltmandstilbud oprettes (evt. med svaret).
    Ask(AskArgs),
    /// Registrér svaret fra en kommune, der er spurgt før.
    Answer(AnswerArgs),
    /// Kan et tilbud vælges gennem afstemningen? Exit-kode 1 med begrundelse, hvis ikke.
    CanChoose(CanChooseArgs),
}

#[derive(Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub need: NeedArgs,
    /// privat (før køb hos privat) eller enkeltmand (før et enkeltmandstilbud).
    #[arg(long, default_value = "privat")]
    pub kind: String,
    /// Sagsreference (journalnummer); aldrig navn eller CPR.
    #[arg(long, default_value = "")]
    pub reference: String,
    /// Medtag også offentlige tilbud inden for så mange km (standard: indstillingen).
    #[arg(long)]
    pub radius: Option<i64>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct ConfirmArgs {
    pub id: String,
    #[arg(long)]
    pub offer: String,
    /// Kontaktdato (dd.mm.åååå).
    #[arg(long)]
    pub date: String,
    /// Antal ledige pladser.
    #[arg(long)]
    pub free: String,
    /// telefon, email, tilbudsportalen eller andet.
    #[arg(long, default_value = "telefon")]
    pub method: String,
    /// Hvem hos tilbuddet gav oplysningen.
    #[arg(long)]
    pub contact: String,
    #[arg(long, default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct RejectArgs {
    pub id: String,
    #[arg(long)]
    pub offer: String,
    /// afslaaet_af_tilbuddet, ikke_egnet eller andet. (Ingen ledig plads registreres med
    /// `check confirm --free 0`.)
    #[arg(long)]
    pub reason: String,
    /// Den skriftlige begrundelse (påkrævet).
    #[arg(long, default_value = "")]
    pub note: String,
    /// Hvem der har truffet beslutningen (navn og titel; påkrævet).
    #[arg(long, default_value = "")]
    pub decided_by: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct CloseArgs {
    pub id: String,
    #[arg(long)]
    pub conclusion: String,
    #[arg(long)]
    pub offer: Option<String>,
    /// Kommunen med det fælles eller eksisterende tilbud (afstemning før enkeltmandstilbud).
    #[arg(long)]
    pub municipality: Option<String>,
    #[arg(long, default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct AskArgs {
    pub id: String,
    /// Kommunen, der er spurgt (kode eller navn).
    #[arg(long)]
    pub municipality: String,
    /// Hvornår den blev spurgt (dd.mm.åååå).
    #[arg(long)]
    pub date: String,
    /// telefon, email, moede, brev eller andet.
    #[arg(long, default_value = "email")]
    pub method: String,
    /// Hvem hos kommunen der er spurgt (navn og titel).
    #[arg(long)]
    pub contact: String,
    /// Svaret, hvis det kom med det samme: nej, ja_eksisterende eller ja_faelles.
    #[arg(long, default_value = "")]
    pub answer: String,
    /// Svardatoen (dd.mm.åååå).
    #[arg(long, default_value = "")]
    pub answer_date: String,
    /// Hvad kommunen svarede.
    #[arg(long, default_value = "")]
    pub answer_text: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct AnswerArgs {
    pub id: String,
    #[arg(long)]
    pub municipality: String,
    /// nej, ja_eksisterende eller ja_faelles.
    #[arg(long)]
    pub answer: String,
    /// Svardatoen (dd.mm.åååå).
    #[arg(long)]
    pub date: String,
    /// Hvad kommunen svarede.
    #[arg(long)]
    pub text: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct CanChooseArgs {
    pub id: String,
    #[arg(long)]
    pub offer: String,
    /// Behovet der vælges til (standard: afstemningens eget), fx ved kontrakt.
    #[arg(long, requires_all = ["target_group", "age", "home", "start"])]
    pub basis: Option<String>,
    #[arg(long)]
    pub target_group: Option<String>,
    #[arg(long)]
    pub age: Option<String>,
    #[arg(long)]
    pub home: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

fn print_check(check: &placement::Check, json: bool) -> Result<()> {
    if json {
        print_json(check)
    } else {
        out!("{}", placement::summary(check).to_text());
        if let Some(from) = &check.received {
            outln!("\n{from}");
        }
        if !check.text.outstanding.is_empty() {
            outln!("\n{}", check.text.outstanding);
        }
        Ok(())
    }
}

/// `plads check …`: one arm per subcommand; the longer ones are functions of their own, each
/// taking its arguments struct.
pub fn run(command: CheckCommand) -> Result<()> {
    match command {
        CheckCommand::New(a) => new(a),
        CheckCommand::Show { id, common } => {
            let check = open(&common.db)?.check(&id, today(&common.today)?)?;
            print_check(&check, common.json)
        }
        CheckCommand::List { common } => list(&common),
        CheckCommand::Confirm(a) => confirm(a),
        CheckCommand::Reject(a) => reject(a),
        CheckCommand::Shortlist {
            id,
            add,
            remove,
            common,
        } => {
            let engine = open(&common.db)?;
            let day = today(&common.today)?;
            let check = match (add, remove) {
                (Some(offer), _) => engine.check_shortlist_add(&id, &offer, day)?,
                (None, Some(offer)) => engine.check_shortlist_remove(&id, &offer, day)?,
                (None, None) => {
                    return Err(Error::Invalid(
                        "Angiv --add TILBUD eller --remove TILBUD.".into(),
                    ))
                }
            };
            print_check(&check, common.json)
        }
        CheckCommand::Close(a) => close(a),
        CheckCommand::Ask(a) => ask(a),
        CheckCommand::Answer(a) => answer(a),
        CheckCommand::CanChoose(a) => can_choose_command(a),
    }
}

fn new(a: NewArgs) -> Result<()> {
    let NewArgs {
        need,
        kind,
        reference,
        radius,
        common,
    } = a;
    let engine = open(&common.db)?;
    let input = NewCheckForm {
        kind,
        need: need.form(),
        reference,
        radius_km: radius.map(|r| r.to_string()).unwrap_or_default(),
    }
    .parse()?;
    let check = engine.check_create(&input, today(&common.today)?)?;
    print_check(&check, common.json)
}

fn confirm(a: ConfirmArgs) -> Result<()> {
    let ConfirmArgs {
        id,
        offer,
        date,
        free,
        method,
        contact,
        note,
        common,
    } = a;
    let confirmation = ConfirmationForm {
        offer_id: offer,
        contacted_on: date,
        free_places: free,
        method,
        contact,
        note,
    }
    .parse()?;
    let check = open(&common.db)?.check_confirm(&id, &confirmation, today(&common.today)?)?;
    print_check(&check, common.json)
}

fn reject(a: RejectArgs) -> Result<()> {
    let RejectArgs {
        id,
        offer,
        reason,
        note,
        decided_by,
        common,
    } = a;
    let rejection = RejectionForm {
        offer_id: offer,
        reason,
        note,
        decided_by,
    }
    .parse()?;
    let check = open(&common.db)?.check_reject(&id, &rejection, today(&common.today)?)?;
    print_check(&check, common.json)
}

fn close(a: CloseArgs) -> Result<()> {
    let CloseArgs {
        id,
        conclusion,
        offer,
        municipality,
        note,
        common,
    } = a;
    let closing = ClosingForm {
        conclusion,
        chosen_offer_id: offer.unwrap_or_default(),
        note,
        chosen_municipality: municipality.unwrap_or_default(),
    };
    let check = open(&common.db)?.check_close_form(&id, &closing, today(&common.today)?)?;
    print_check(&check, common.json)
}

fn ask(a: AskArgs) -> Result<()> {
    let AskArgs {
        id,
        municipality,
        date,
        method,
        contact,
        answer,
        answer_date,
        answer_text,
        common,
    } = a;
    let inquiry = InquiryForm {
        municipality,
        asked_on: date,
        method,
        contact,
        answer,
        answered_on: answer_date,
        answer_text,
    }
    .parse()?;
    let check = open(&common.db)?.check_inquire(&id, &inquiry, today(&common.today)?)?;
    print_check(&check, common.json)
}

fn answer(a: AnswerArgs) -> Result<()> {
    let AnswerArgs {
        id,
        municipality,
        answer,
        date,
        text,
        common,
    } = a;
    let (code, answer) = AnswerForm {
        municipality,
        answer,
        answered_on: date,
        answer_text: text,
    }
    .parse()?;
    let check = open(&common.db)?.check_answer(&id, code, &answer, today(&common.today)?)?;
    print_check(&check, common.json)
}

fn can_choose_command(a: CanChooseArgs) -> Result<()> {
    let CanChooseArgs {
        id,
        offer,
        basis,
        target_group,
        age,
        home,
        start,
        common,
    } = a;
    let need = match (basis, target_group, age, home, start) {
        (Some(basis), Some(target_group), Some(age), Some(home), Some(start)) => Some(NeedArgs {
            basis,
            target_group,
            age,
            home,
            start,
        }),
        _ => None,
    };
    can_choose(&id, &offer, need, &common)
}

fn list(common: &Common) -> Result<()> {
    let list = open(&common.db)?.checks(today(&common.today)?)?;
    if common.json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("Ingen afstemninger endnu.");
    }
    for c in &list {
        outln!(
            "{}  {}  {:<8} {}  {}",
            c.id,
            c.text.created,
            c.text.status,
            c.text.need,
            c.text.conclusion
        );
    }
    Ok(())
}

/// The guard from the command line: exit code 1 with the reason when the offer cannot be chosen.
fn can_choose(id: &str, offer: &str, need: Option<NeedArgs>, common: &Common) -> Result<()> {
    let need = need.map(|n| n.form().parse()).transpose()?;
    let text = open(&common.db)?.check_allows(id, offer, need.as_ref(), today(&common.today)?)?;
    if common.json {
        print_json(&serde_json::json!({ "choosable": true, "text": text }))
    } else {
        outln!("{text}");
        Ok(())
    }
}
