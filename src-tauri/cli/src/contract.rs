//! `plads contract …`: standard contracts from the command line.

use clap::{Args, Subcommand};
use pladsoverblik_core::contracts::old::{OldContractForm, OldContractView};
use pladsoverblik_core::contracts::{
    ids, AddOnForm, BudgetLineForm, ContractForm, ContractState, ContractView, NoticeParty,
};
use pladsoverblik_core::{Error, Result};

use crate::{open, parse, print_json, today};

/// The options every contract command takes.
#[derive(Args)]
pub struct Common {
    #[arg(long)]
    pub db: Option<std::path::PathBuf>,
    /// Dags dato (dd.mm.åååå) for forældelse og gyldighed; standard er i dag.
    #[arg(long)]
    pub today: Option<String>,
    /// Skriv kontrakten som JSON (CPR-nummeret maskeret som 010190-xxxx).
    #[arg(long)]
    pub json: bool,
    /// Vis det fulde CPR-nummer i JSON-udskriften; det registreres i revisionssporet.
    #[arg(long)]
    pub vis_cpr: bool,
}

/// Contract fields; on `draft` they override what is filled from the check or offer, on
/// `edit` they change the draft.
#[derive(Args, Default)]
pub struct Fields {
    /// Afstemningen kontrakten bygger på (påkrævet for private tilbud).
    #[arg(long)]
    pub check: Option<String>,
    #[arg(long)]
    pub offer: Option<String>,
    #[arg(long)]
    pub department: Option<String>,
    /// Lovgrundlag, fx 108.
    #[arg(long)]
    pub basis: Option<String>,
    /// Handlekommune (kode eller navn).
    #[arg(long)]
    pub buyer: Option<String>,
    #[arg(long)]
    pub buyer_ean: Option<String>,
    #[arg(long)]
    pub buyer_contact: Option<String>,
    /// Betalingskommune, hvis en anden end handlekommunen.
    #[arg(long)]
    pub payer: Option<String>,
    #[arg(long)]
    pub payer_ean: Option<String>,
    #[arg(long)]
    pub provider_cvr: Option<String>,
    #[arg(long)]
    pub provider_ean: Option<String>,
    #[arg(long)]
    pub citizen_name: Option<String>,
    /// Borgerens CPR-nummer (DDMMÅÅ-LLLL).
    #[arg(long)]
    pub cpr: Option<String>,
    #[arg(long)]
    pub intervention: Option<String>,
    /// Et mål for indsatsen (kan gentages).
    #[arg(long = "goal")]
    pub goals: Vec<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    /// En opfølgningsdato (kan gentages).
    #[arg(long = "followup")]
    pub followups: Vec<String>,
    /// Betaling forud eller bagud (hvor rammeaftalen ikke fastsætter det).
    #[arg(long)]
    pub payment: Option<String>,
    /// Betalingsfrist i dage efter modtaget faktura (højst 30).
    #[arg(long)]
    pub payment_days: Option<String>,
    /// Købers opsigelsesvarsel, fx "løbende måned + 1 måned" (hvor rammeaftalen ikke
    /// fastsætter det).
    #[arg(long)]
    pub notice_buyer: Option<String>,
    /// Leverandørens opsigelsesvarsel, fx "løbende måned + 3 måneder".
    #[arg(long)]
    pub notice_provider: Option<String>,
    /// Dage med fuld takst under fravær.
    #[arg(long)]
    pub absence_days: Option<String>,
    /// Dage med fuld takst under hospitalsophold.
    #[arg(long)]
    pub hospital_days: Option<String>,
    /// Aftalen om lukning af pladser og efterregulering (uden for rammeaftalen, eller hvor
    /// den ikke fastsætter det).
    #[arg(long)]
    pub closure: Option<String>,
    /// Tillægsydelse "beskrivelse;begrundelse;beløb;enhed" (enhed: dag, maaned, engang).
    #[arg(long = "addon")]
    pub addons: Vec<String>,
    /// Kontrakten gælder et enkeltmandstilbud: individuelt budget, og (hvor rammeaftalen
    /// kræver det) en lukket afstemning, der spurgte andre kommuner først.
    #[arg(long)]
    pub one_person: bool,
    /// Afstemningen før enkeltmandstilbuddet (spurgte kommuner og deres svar).
    #[arg(long)]
    pub one_person_check: Option<String>,
    /// Budgettets og den aftalte takst enhed: dag eller maaned (takstoversigtens, hvis den
    /// har en takst).
    #[arg(long)]
    pub budget_unit: Option<String>,
    /// Den aftalte takst, når takstoversigten ikke har en; budgettet er beregningsgrundlaget.
    #[arg(long)]
    pub budget_rate: Option<String>,
    /// Budget til personale: "beløb;beregning", fx "4.200,00;5,2 årsværk".
    #[arg(long)]
    pub budget_staffing: Option<String>,
    /// Budget til lokaler: "beløb;beregning".
    #[arg(long)]
    pub budget_premises: Option<String>,
    /// Budget til overhead (ledelse og administration): "beløb;beregning".
    #[arg(long)]
    pub budget_overhead: Option<String>,
    /// Andre udgifter: "beløb;beregning".
    #[arg(long)]
    pub budget_other: Option<String>,
}

/// A budget line as typed on the command line: "amount;basis".
fn budget_line(label: &str, value: Option<String>, target: &mut BudgetLineForm) -> Result<()> {
    let Some(v) = value else {
        return Ok(());
    };
    let Some((amount, basis)) = v.split_once(';') else {
        return Err(Error::Invalid(format!(
            "Budget, {label}: «{v}» skal have formen \"beløb;beregning\"."
        )));
    };
    *target = BudgetLineForm {
        amount: amount.trim().to_string(),
        basis: basis.trim().to_string(),
    };
    Ok(())
}

impl Fields {
    fn apply(self, form: &mut ContractForm) -> Result<()> {
        let set = |target: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *target = v;
            }
        };
        // `--check` with a one-person check (prefilled as such) is that check, not the
        // public-first check of a purchase outside the agreement.
        if let Some(c) = self.check {
            if !(form.one_person && form.one_person_check_id == c.trim()) {
                form.check_id = c;
            }
        }
        set(&mut form.offer_id, self.offer);
        set(&mut form.department_id, self.department);
        set(&mut form.legal_basis, self.basis);
        set(&mut form.buyer_municipality, self.buyer);
        set(&mut form.buyer_ean, self.buyer_ean);
        set(&mut form.buyer_contact, self.buyer_contact);
        set(&mut form.payer_municipality, self.payer);
        set(&mut form.payer_ean, self.payer_ean);
        set(&mut form.provider_cvr, self.provider_cvr);
        set(&mut form.provider_ean, self.provider_ean);
        set(&mut form.citizen_name, self.citizen_name);
        set(&mut form.citizen_cpr, self.cpr);
        set(&mut form.intervention, self.intervention);
        set(&mut form.start, self.start);
        set(&mut form.end, self.end);
        set(&mut form.payment_timing, self.payment);
        set(&mut form.payment_days, self.payment_days);
        set(&mut form.notice_buyer, self.notice_buyer);
        set(&mut form.notice_provider, self.notice_provider);
        set(&mut form.absence_days, self.absence_days);
        set(&mut form.hospital_days, self.hospital_days);
        set(&mut form.closure, self.closure);
        if self.one_person {
            form.one_person = true;
        }
        set(&mut form.one_person_check_id, self.one_person_check);
        set(&mut form.budget.unit, self.budget_unit);
        set(&mut form.budget.rate, self.budget_rate);
        let b = &mut form.budget;
        budget_line("personale", self.budget_staffing, &mut b.staffing)?;
        budget_line("lokaler", self.budget_premises, &mut b.premises)?;
        budget_line("overhead", self.budget_overhead, &mut b.overhead)?;
        budget_line("andet", self.budget_other, &mut b.other)?;
        if !self.goals.is_empty() {
            form.goals = self.goals.join("\n");
        }
        if !self.followups.is_empty() {
            form.followups = self.followups.join(", ");
        }
        for (i, a) in self.addons.iter().enumerate() {
            let parts: Vec<&str> = a.split(';').map(str::trim).collect();
            let [description, basis, amount, unit] = parts.as_slice() else {
                return Err(Error::Invalid(format!(
                    "Tillægsydelse {}: «{a}» skal have formen \"beskrivelse;begrundelse;beløb;enhed\".",
                    i + 1
                )));
            };
            form.addons.push(AddOnForm {
                description: description.to_string(),
                basis: basis.to_string(),
                amount: amount.to_string(),
                unit: unit.to_string(),
            });
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ContractCommand {
    /// Opret en kontraktkladde ud fra en lukket afstemning og/eller et tilbud.
    Draft {
        #[command(flatten)]
        fields: Fields,
        #[command(flatten)]
        common: Common,
    },
    /// Ret en kladde (kun de felter, der angives).
    Edit {
        id: String,
        #[command(flatten)]
        fields: Fields,
        #[command(flatten)]
        common: Common,
    },
    /// Udsted kladden; derefter kan versionen aldrig ændres.
    Issue {
        id: String,
        #[command(flatten)]
        common: Common,
    },
    /// Ret en udstedt kontrakt: en ny version, der henviser til den forrige.
    Correct {
        id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        common: Common,
    },
    /// Markér en udstedt kontrakt som underskrevet eller aktiv.
    Mark {
        id: String,
        /// underskrevet eller aktiv.
        state: String,
        #[command(flatten)]
        common: Common,
    },
    /// Registrér en opsigelse; sidste dag beregnes efter skabelonens varsel.
    Terminate {
        id: String,
        /// koeber eller leverandoer.
        #[arg(long)]
        party: String,
        /// Datoen opsigelsen er givet (dd.mm.åååå).
        #[arg(long)]
        date: String,
        #[command(flatten)]
        common: Common,
    },
    /// Forny: en ny tidsbegrænset kladde fra dagen efter slutdatoen.
    Renew {
        id: String,
        #[command(flatten)]
        common: Common,
    },
    /// Kassér en kladde, der aldrig er udstedt (eller en rettelse i kladde). Kladden slettes;
    /// revisionssporet viser hvem og hvornår.
    Discard {
        id: String,
        #[command(flatten)]
        common: Common,
    },
    /// Vis en kontrakt.
    Show {
        id: String,
        #[command(flatten)]
        common: Common,
    },
    /// Skriv den udstedte kontrakt som PDF/A til underskrift og arkiv.
    Pdf {
        id: String,
        /// Filen der skrives (standard: "Kontrakt NR TILBUD vN.pdf" i den aktuelle mappe).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Vis alle kontrakter, også ældre kontrakter fra før standardkontrakterne; de, der udløber
    /// først, øverst. CPR er maskeret.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Registrér en eksisterende kontrakt fra før standardkontrakterne ("ældre kontrakt"), så
    /// udgifter, udløbsvarsler og kontraktlisten er fuldstændige. Den bliver aldrig en
    /// standardkontrakt; uden slutdato markeres den til genforhandling.
    RegisterOld {
        #[command(flatten)]
        fields: OldFields,
        #[command(flatten)]
        common: Common,
    },
    /// Ret en ældre kontrakt: en ny version med en årsag (kun de felter, der angives).
    CorrectOld {
        id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        fields: OldFields,
        #[command(flatten)]
        common: Common,
    },
}

/// The fields of a contract from before the standard.
#[derive(Args, Default)]
pub struct OldFields {
    #[arg(long)]
    pub offer: Option<String>,
    /// Lovgrundlag, fx 108.
    #[arg(long)]
    pub basis: Option<String>,
    /// Handlekommune (kode eller navn).
    #[arg(long)]
    pub buyer: Option<String>,
    /// Borgerens navn (med CPR-nummer), som i en standardkontrakt.
    #[arg(long)]
    pub citizen_name: Option<String>,
    /// Borgerens CPR-nummer (DDMMÅÅ-LLLL); vises maskeret overalt.
    #[arg(long)]
    pub cpr: Option<String>,
    /// Sagsreference (journalnummer) i stedet for CPR-nummer.
    #[arg(long)]
    pub case_reference: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    /// Slutdato; udeladt eller "" betyder uden slutdato.
    #[arg(long)]
    pub end: Option<String>,
    /// Prisen efter kontrakten, fx 3.250,00.
    #[arg(long)]
    pub amount: Option<String>,
    /// dag eller maaned (standard: dag).
    #[arg(long)]
    pub unit: Option<String>,
    /// Hvor den underskrevne kontrakt ligger: ESDH-/journalnummer eller den scannede fils navn.
    #[arg(long)]
    pub document: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

impl OldFields {
    fn apply(self, form: &mut OldContractForm) {
        let set = |target: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *target = v;
            }
        };
        set(&mut form.offer_id, self.offer);
        set(&mut form.legal_basis, self.basis);
        set(&mut form.buyer_municipality, self.buyer);
        set(&mut form.citizen_name, self.citizen_name);
        set(&mut form.citizen_cpr, self.cpr);
        set(&mut form.case_reference, self.case_reference);
        set(&mut form.start, self.start);
        set(&mut form.end, self.end);
        set(&mut form.amount, self.amount);
        set(&mut form.unit, self.unit);
        set(&mut form.document, self.document);
        set(&mut form.note, self.note);
    }
}

/// Prints a contract from before the standard: as text (CPR masked), or as JSON with the CPR
/// masked unless `--vis-cpr` is given, which the audit log records.
fn show_old(
    engine: &pladsoverblik_core::Engine,
    c: OldContractView,
    common: &Common,
) -> Result<()> {
    if common.json {
        if common.vis_cpr {
            engine.contract_cpr_shown(&c.id, "plads contract --json --vis-cpr")?;
            return print_json(&c);
        }
        return print_json(&c.masked());
    }
    let d = &c.data;
    outln!(
        "Ældre kontrakt {} version {} – {}",
        c.id,
        c.version,
        c.kind_text
    );
    outln!("Tilbud: {} ({})", d.offer_name, d.offer_id);
    let citizen = match (d.citizen_name.is_empty(), c.citizen_cpr_masked.is_empty()) {
        (false, false) => format!("{} ({})", d.citizen_name, c.citizen_cpr_masked),
        (false, true) => d.citizen_name.clone(),
        _ => String::new(),
    };
    if !citizen.is_empty() {
        outln!("Borger: {citizen}");
    }
    if !d.case_reference.is_empty() {
        outln!("Sagsreference: {}", d.case_reference);
    }
    outln!("Køber: {}", c.buyer_name);
    outln!("Lovgrundlag: {}", c.basis_label);
    outln!("Periode: {}", c.period_text);
    outln!("Pris: {}", c.price_text);
    outln!("Kontraktdokument: {}", d.document);
    if !d.note.is_empty() {
        outln!("Bemærkning: {}", d.note);
    }
    for y in &c.years {
        outln!("Udgift {}", y.text);
    }
    outln!("Standardkontrakter: {}", c.rule_text);
    for f in &c.flags {
        outln!("Markering: {f}");
    }
    for w in &c.warnings {
        outln!("Advarsel: {w}");
    }
    for v in c.versions.iter().skip(1) {
        outln!(
            "Version {}: {} af {} – {}",
            v.version,
            v.created_at,
            v.created_by,
            v.reason
        );
    }
    Ok(())
}

fn print_price(p: &pladsoverblik_core::contracts::Price) {
    for l in &p.lines {
        outln!(
            "  {}: {} ({}) = {}",
            l.label,
            l.amount_text,
            l.basis,
            l.total_text
        );
    }
    for y in &p.years {
        outln!(
            "  {}: {} pr. døgn, {} pr. måned ({})",
            y.year,
            y.per_day_text,
            y.per_month_text,
            y.rule
        );
    }
    outln!(
        "Pris pr. døgn {}, pr. måned {}, hele perioden {}",
        p.per_day_text,
        p.per_month_text,
        p.total_text
    );
    outln!("{} {}", p.rule_text, p.vat_text);
}

/// A one-person project's budget against its rate, and its check.
fn print_one_person(o: &pladsoverblik_core::contracts::OnePerson) {
    outln!("Enkeltmandstilbud: {}", o.rule.text);
    if let Some(id) = &o.check_id {
        outln!("Afstemning før enkeltmandstilbud: {id} – {}", o.conclusion);
    }
    for a in &o.asked {
        outln!("  Spurgt: {a}");
    }
    for l in &o.lines {
        outln!(
            "  Budget, {}: {} ({})",
            l.label.to_lowercase(),
            l.amount_text,
            l.basis
        );
    }
    if !o.rate_text.is_empty() {
        outln!("  Takst: {} ({})", o.rate_text, o.rate_source);
    }
    outln!("  {}", o.sum_text);
}

/// Prints a contract: as text (CPR masked), or as JSON with the CPR masked unless
/// `--vis-cpr` is given, which the audit log records.
fn show(engine: &pladsoverblik_core::Engine, c: ContractView, common: &Common) -> Result<()> {
    if !common.json {
        return print_contract(&c);
    }
    if common.vis_cpr {
        engine.contract_cpr_shown(&c.id, "plads contract --json --vis-cpr")?;
        print_json(&c)
    } else {
        print_json(&c.masked())
    }
}

fn print_contract(c: &ContractView) -> Result<()> {
    outln!(
        "Kontrakt {} version {} – {}",
        c.id,
        c.current.version,
        c.state_text
    );
    if let Some(from) = &c.received {
        outln!("{from} Kun til læsning på denne computer.");
    }
    if let Some(t) = &c.evaluation.template {
        outln!("Skabelon: {} (version {})", t.title, t.version);
    }
    if let Some(o) = &c.evaluation.offer {
        outln!("Tilbud: {} ({}), {}", o.name, o.id, o.operator_name);
    }
    outln!(
        "Borger: {} ({})",
        c.form.citizen_name.trim(),
        ids::mask_cpr(&c.form.citizen_cpr)
    );
    outln!("Periode: {} – {}", c.form.start.trim(), c.form.end.trim());
    if !c.form.followups.trim().is_empty() {
        outln!("Opfølgning: {}", c.form.followups.trim());
    }
    if let Some(a) = &c.evaluation.agreement {
        outln!("Rammeaftale: {}", a.text);
    }
    if let Some(p) = &c.evaluation.price {
        print_price(p);
    }
    if let Some(o) = c
        .data
        .as_ref()
        .and_then(|d| d.one_person.as_ref())
        .or(c.evaluation.one_person.as_ref())
    {
        print_one_person(o);
    }
    for t in &c.evaluation.terms {
        outln!(
            "{}: {} ({})",
            t.label,
            t.value,
            if t.from_agreement {
                t.source.as_str()
            } else {
                "aftales i kontrakten"
            }
        );
    }
    for n in &c.evaluation.notes {
        outln!("Bemærk: {n}");
    }
    if !c.evaluation.notice_today_text.is_empty() {
        outln!("{}", c.evaluation.notice_today_text);
    }
    if let Some(h) = &c.current.data_sha256 {
        outln!("SHA-256: {h}");
    }
    for w in &c.warnings {
        outln!("Advarsel: {w}");
    }
    if c.data.is_none() && !c.evaluation.problems.is_empty() {
        outln!(
            "{} fejl skal rettes, før kontrakten kan udstedes:",
            c.evaluation.problems.len()
        );
        for p in &c.evaluation.problems {
            outln!("  - {}", p.message);
        }
    }
    Ok(())
}

// A dispatcher: one short arm per subcommand; the longer ones are functions of their own.
pub fn run(command: ContractCommand) -> Result<()> {
    match command {
        ContractCommand::Draft { fields, common } => draft(fields, common),
        ContractCommand::Edit { id, fields, common } => {
            let engine = open(&common.db)?;
            let day = today(&common.today)?;
            let mut form = engine.contract(&id, day)?.form;
            fields.apply(&mut form)?;
            show(&engine, engine.contract_save(&id, &form, day)?, &common)
        }
        ContractCommand::Issue { id, common } => {
            let engine = open(&common.db)?;
            let c = engine.contract_issue(&id, today(&common.today)?)?;
            show(&engine, c, &common)
        }
        ContractCommand::Correct { id, reason, common } => {
            let engine = open(&common.db)?;
            let c = engine.contract_correct(&id, &reason, today(&common.today)?)?;
            show(&engine, c, &common)
        }
        ContractCommand::Mark { id, state, common } => mark(&id, &state, &common),
        ContractCommand::Terminate {
            id,
            party,
            date,
            common,
        } => {
            let engine = open(&common.db)?;
            let c = engine.contract_terminate(
                &id,
                NoticeParty::parse(&party)?,
                parse::date(&date)?,
                today(&common.today)?,
            )?;
            show(&engine, c, &common)
        }
        ContractCommand::Renew { id, common } => {
            let engine = open(&common.db)?;
            let c = engine.contract_renew(&id, today(&common.today)?)?;
            show(&engine, c, &common)
        }
        ContractCommand::Discard { id, common } => {
            let text = open(&common.db)?.contract_discard(&id, today(&common.today)?)?;
            outln!("{text}");
            Ok(())
        }
        ContractCommand::Show { id, common } => {
            let engine = open(&common.db)?;
            if engine.is_old_contract(&id)? {
                let c = engine.old_contract(&id, today(&common.today)?)?;
                return show_old(&engine, c, &common);
            }
            let c = engine.contract(&id, today(&common.today)?)?;
            show(&engine, c, &common)
        }
        ContractCommand::RegisterOld { fields, common } => {
            let engine = open(&common.db)?;
            let mut form = OldContractForm::default();
            fields.apply(&mut form);
            let c = engine.old_contract_register(&form, today(&common.today)?)?;
            show_old(&engine, c, &common)
        }
        ContractCommand::CorrectOld {
            id,
            reason,
            fields,
            common,
        } => correct_old(&id, &reason, fields, &common),
        ContractCommand::Pdf { id, out, common } => pdf(id, out, common),
        ContractCommand::List { common } => list(common),
    }
}

/// `plads contract draft`: from a closed check or an offer, then the fields typed.
fn draft(fields: Fields, common: Common) -> Result<()> {
    let engine = open(&common.db)?;
    let day = today(&common.today)?;
    let mut form = if fields.check.is_some() || fields.offer.is_some() {
        engine.contract_prefill(fields.check.as_deref(), fields.offer.as_deref(), day)?
    } else {
        return Err(Error::Invalid(
            "Angiv --check AFSTEMNING eller --offer TILBUD.".into(),
        ));
    };
    // With only --start, the end and the first follow-up follow the start, not today.
    if let (Some(start), None) = (&fields.start, &fields.end) {
        let start = parse::date(start)?;
        engine.with_db(|db| {
            pladsoverblik_core::contracts::term_from_start(db.conn(), start, &mut form)
        })?;
    }
    fields.apply(&mut form)?;
    show(&engine, engine.contract_create(&form, day)?, &common)
}

/// `plads contract mark`: signed or active (English or Danish state names).
fn mark(id: &str, state: &str, common: &Common) -> Result<()> {
    let state = match state.trim().to_lowercase().as_str() {
        "signed" => ContractState::Underskrevet,
        "active" => ContractState::Aktiv,
        other => ContractState::parse(other)?,
    };
    let engine = open(&common.db)?;
    let c = engine.contract_set_state(id, state, today(&common.today)?)?;
    show(&engine, c, common)
}

/// `plads contract correct-old`: a contract from before the standard, corrected with a reason.
fn correct_old(id: &str, reason: &str, fields: OldFields, common: &Common) -> Result<()> {
    let engine = open(&common.db)?;
    let day = today(&common.today)?;
    let mut form = engine.old_contract(id, day)?.form;
    fields.apply(&mut form);
    let c = engine.old_contract_correct(id, &form, reason, day)?;
    show_old(&engine, c, common)
}

/// `plads contract pdf`.
fn pdf(id: String, out: Option<std::path::PathBuf>, common: Common) -> Result<()> {
    let engine = open(&common.db)?;
    let exported = pladsoverblik_pdf::export_contract(&engine, &id, out, today(&common.today)?)?;
    if common.json {
        return print_json(&exported);
    }
    outln!("{}", exported.text);
    outln!("SHA-256: {}", exported.sha256);
    Ok(())
}

/// `plads contract list`.
fn list(common: Common) -> Result<()> {
    let list = open(&common.db)?.contracts(today(&common.today)?)?;
    if common.json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("Ingen kontrakter endnu.");
    }
    for c in &list {
        let marks: Vec<&str> = c
            .warnings
            .iter()
            .chain(&c.flags)
            .map(String::as_str)
            .chain(c.one_person.then_some("Enkeltmandstilbud"))
            .collect();
        outln!(
            "{} v{}  {:<12} {:<32} {} {}  {}  {}",
            c.id,
            c.version,
            c.state_text,
            c.offer_name,
            c.citizen_name,
            c.citizen_cpr_masked,
            c.period_text,
            marks.join("; ")
        );
    }
    Ok(())
}
