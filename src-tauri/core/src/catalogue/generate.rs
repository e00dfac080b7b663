//! Deterministic catalogue generator: the bundled example catalogue for Region Sjælland and
//! benchmark-size catalogues for the whole country. Same seed, same bytes.
//!
//! Everything generated is fictional (names, providers, CVR numbers, contacts) except the
//! municipalities and regions; the example catalogue says so in its `source` and `example`.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::model::{LegalBasis, OperatorType};
use super::snapshot::{
    AddressRecord, AgeRecord, ApprovalRecord, BuyerRecord, CalculationRecord, ContactRecord,
    DepartmentRecord, Header, LocationRecord, OfferRecord, OperatorRecord, PlacesRecord,
    RateRecord, TargetGroupRecord, FORMAT_NAME, FORMAT_VERSION,
};
use crate::geo::{self, Municipality};

/// SplitMix64: tiny, fast, and stable across platforms and crate versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next_u64() % span) as i64
    }
    pub fn chance(&mut self, percent: i64) -> bool {
        self.range(0, 99) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }
}

/// The FFB-style target-group tree (Fælles Faglige Begreber: funktionsnedsættelse and
/// socialt problem), with short stable codes.
pub fn target_groups() -> Vec<TargetGroupRecord> {
    let t = |code: &str, label: &str, parent: Option<&str>| TargetGroupRecord {
        code: code.into(),
        label: label.into(),
        parent: parent.map(Into::into),
    };
    vec![
        t("FN", "Funktionsnedsættelse", None),
        t("FN.F", "Fysisk funktionsnedsættelse", Some("FN")),
        t("FN.F.MOB", "Mobilitetsnedsættelse", Some("FN.F")),
        t("FN.F.SYN", "Synsnedsættelse", Some("FN.F")),
        t("FN.F.HOR", "Hørenedsættelse", Some("FN.F")),
        t("FN.P", "Psykisk funktionsnedsættelse", Some("FN")),
        t("FN.P.PV", "Psykiske vanskeligheder", Some("FN.P")),
        t("FN.P.PV.ANG", "Angst", Some("FN.P.PV")),
        t("FN.P.PV.DEP", "Depression", Some("FN.P.PV")),
        t(
            "FN.P.PV.SKI",
            "Skizofreni og forandret virkelighedsopfattelse",
            Some("FN.P.PV"),
        ),
        t("FN.P.PV.PER", "Personlighedsforstyrrelse", Some("FN.P.PV")),
        t("FN.P.PV.SPI", "Spiseforstyrrelse", Some("FN.P.PV")),
        t(
            "FN.P.IK",
            "Intellektuel og kognitiv forstyrrelse",
            Some("FN.P"),
        ),
        t("FN.P.IK.UH", "Udviklingshæmning", Some("FN.P.IK")),
        t(
            "FN.P.IK.AU",
            "Autisme (autismespektrumforstyrrelse)",
            Some("FN.P.IK"),
        ),
        t("FN.P.IK.ADHD", "ADHD", Some("FN.P.IK")),
        t("FN.P.IK.HS", "Erhvervet hjerneskade", Some("FN.P.IK")),
        t("FN.P.IK.DEM", "Demens", Some("FN.P.IK")),
        t("FN.M", "Multipel funktionsnedsættelse", Some("FN")),
        t("SP", "Socialt problem", None),
        t("SP.MIS", "Misbrug", Some("SP")),
        t("SP.MIS.ALK", "Alkoholmisbrug", Some("SP.MIS")),
        t("SP.MIS.STO", "Stofmisbrug", Some("SP.MIS")),
        t("SP.KRI", "Kriminalitet", Some("SP")),
        t("SP.HJL", "Hjemløshed", Some("SP")),
        t("SP.VOL", "Vold i nære relationer", Some("SP")),
        t("SP.UAD", "Udadreagerende adfærd", Some("SP")),
        t("SP.SEL", "Selvskade", Some("SP")),
        t("SP.OMS", "Omsorgssvigt", Some("SP")),
    ]
}

struct Archetype {
    weight: i64,
    prefixes: &'static [&'static str],
    description: &'static str,
    bases: &'static [LegalBasis],
    /// Chance in percent that a department also has the second basis.
    second_basis_pct: i64,
    groups: &'static [&'static str],
    ages: &'static [(i64, Option<i64>)],
    /// Daily rate range in kr. (ex. VAT).
    rate: (i64, i64),
    monthly: bool,
    /// Operator weights: kommunal, regional, privat, selvejende.
    operators: [i64; 4],
    places: (i64, i64),
    /// The main house is a secure unit (SEL § 108 stk. 7).
    secure_main: bool,
}

const ARCHETYPES: &[Archetype] = &[
    Archetype {
        weight: 20,
        prefixes: &["Bofællesskabet", "Botilbuddet", "Bostedet"],
        description: "Længerevarende botilbud for voksne med udviklingshæmning og behov for omfattende socialpædagogisk støtte i hverdagen.",
        bases: &[LegalBasis::Sel108],
        second_basis_pct: 0,
        groups: &["FN.P.IK.UH", "FN.M", "FN.F.MOB"],
        ages: &[(18, None)],
        rate: (1900, 3400),
        monthly: false,
        operators: [70, 5, 15, 10],
        places: (6, 30),
        secure_main: false,
    },
    Archetype {
        weight: 16,
        prefixes: &["Autismecentret", "Bostedet", "Botilbuddet"],
        description: "Specialiseret botilbud for voksne med autisme, struktureret pædagogik og høj normering.",
        bases: &[LegalBasis::Sel108, LegalBasis::Sel107],
        second_basis_pct: 40,
        groups: &["FN.P.IK.AU", "FN.P.IK.ADHD", "FN.P.PV.ANG"],
        ages: &[(18, None), (18, Some(35))],
        rate: (3500, 6800),
        monthly: false,
        operators: [55, 15, 20, 10],
        places: (4, 24),
        secure_main: false,
    },
    Archetype {
        weight: 14,
        prefixes: &["Botilbuddet", "Bostedet", "Socialpsykiatrisk Center"],
        description: "Midlertidigt botilbud for voksne med sindslidelse, med rehabilitering mod egen bolig.",
        bases: &[LegalBasis::Sel107, LegalBasis::Sel108],
        second_basis_pct: 30,
        groups: &["FN.P.PV.SKI", "FN.P.PV.PER", "FN.P.PV.ANG", "FN.P.PV.DEP"],
        ages: &[(18, None), (18, Some(30))],
        rate: (1900, 3500),
        monthly: false,
        operators: [60, 10, 20, 10],
        places: (6, 28),
        secure_main: false,
    },
    Archetype {
        weight: 7,
        prefixes: &["Neurocentret", "Rehabiliteringscentret"],
        description: "Midlertidigt døgnophold med specialiseret neurorehabilitering efter erhvervet hjerneskade, typisk 3-6 måneder.",
        bases: &[LegalBasis::Sel107, LegalBasis::Sel108],
        second_basis_pct: 25,
        groups: &["FN.P.IK.HS", "FN.M"],
        ages: &[(18, None)],
        rate: (3600, 6500),
        monthly: false,
        operators: [65, 15, 15, 5],
        places: (8, 26),
        secure_main: false,
    },
    Archetype {
        weight: 5,
        prefixes: &["Krisecentret"],
        description: "Kvindekrisecenter med døgnbemanding for kvinder og deres børn, der har været udsat for vold i nære relationer.",
        bases: &[LegalBasis::Sel109],
        second_basis_pct: 0,
        groups: &["SP.VOL"],
        ages: &[(18, None)],
        rate: (1800, 2600),
        monthly: false,
        operators: [35, 0, 15, 50],
        places: (6, 16),
        secure_main: false,
    },
    Archetype {
        weight: 5,
        prefixes: &["Forsorgshjemmet", "Herberget"],
        description: "Midlertidigt ophold for hjemløse med støtte til bolig, misbrugsbehandling og beskæftigelse.",
        bases: &[LegalBasis::Sel110],
        second_basis_pct: 0,
        groups: &["SP.HJL", "SP.MIS.ALK", "SP.MIS.STO"],
        ages: &[(18, None)],
        rate: (1800, 2500),
        monthly: false,
        operators: [50, 0, 10, 40],
        places: (10, 40),
        secure_main: false,
    },
    Archetype {
        weight: 9,
        prefixes: &["Boligerne", "Bofællesskabet", "Bebyggelsen"],
        description: "Almene boliger efter almenboligloven § 105 med tilknyttet personale og socialpædagogisk støtte.",
        bases: &[LegalBasis::Abl105],
        second_basis_pct: 0,
        groups: &["FN.P.IK.UH", "FN.F.MOB", "FN.M", "FN.P.IK.AU"],
        ages: &[(18, None)],
        rate: (1800, 3200),
        monthly: true,
        operators: [85, 5, 5, 5],
        places: (8, 36),
        secure_main: false,
    },
    Archetype {
        weight: 12,
        prefixes: &["Børne- og Ungehjemmet", "Døgninstitutionen", "Ungecentret"],
        description: "Døgninstitution for børn og unge med behov for anbringelse uden for hjemmet, med intern skole.",
        bases: &[LegalBasis::Bl43],
        second_basis_pct: 0,
        groups: &["SP.OMS", "SP.UAD", "FN.P.IK.AU", "FN.P.IK.ADHD"],
        ages: &[(6, Some(17)), (12, Some(17)), (12, Some(22)), (14, Some(22))],
        rate: (3000, 7000),
        monthly: false,
        operators: [55, 15, 15, 15],
        places: (4, 20),
        secure_main: false,
    },
    Archetype {
        weight: 8,
        prefixes: &["Opholdsstedet"],
        description: "Opholdssted med familielignende rammer for børn og unge med sociale og følelsesmæssige vanskeligheder.",
        bases: &[LegalBasis::Bl43],
        second_basis_pct: 0,
        groups: &["SP.OMS", "FN.P.PV.ANG", "SP.SEL", "FN.P.IK.ADHD"],
        ages: &[(8, Some(17)), (10, Some(17)), (13, Some(22))],
        rate: (2400, 5200),
        monthly: true,
        operators: [5, 0, 80, 15],
        places: (3, 10),
        secure_main: false,
    },
    Archetype {
        weight: 3,
        prefixes: &["Det Sikrede Botilbud", "Specialcentret"],
        description: "Højt specialiseret og delvis sikret botilbud for voksne med udviklingshæmning og udadreagerende eller kriminel adfærd.",
        bases: &[LegalBasis::Sel108, LegalBasis::Sel107],
        second_basis_pct: 50,
        groups: &["SP.UAD", "SP.KRI", "FN.P.IK.UH"],
        ages: &[(18, None), (15, Some(23))],
        rate: (5000, 15000),
        monthly: false,
        operators: [20, 70, 5, 5],
        places: (4, 20),
        secure_main: true,
    },
    Archetype {
        weight: 5,
        prefixes: &["Botilbuddet", "Bostedet"],
        description: "Botilbud for voksne med sindslidelse og samtidigt misbrug (dobbeltdiagnose), med integreret behandling.",
        bases: &[LegalBasis::Sel107, LegalBasis::Sel108],
        second_basis_pct: 50,
        groups: &["FN.P.PV.SKI", "SP.MIS.STO", "SP.MIS.ALK"],
        ages: &[(18, None)],
        rate: (3500, 7000),
        monthly: false,
        operators: [40, 20, 30, 10],
        places: (6, 24),
        secure_main: false,
    },
];

const NAMES: &[&str] = &[
    "Kildevang",
    "Lindegården",
    "Skovbrynet",
    "Egebakken",
    "Solsikken",
    "Havblik",
    "Fjordglimt",
    "Møllehøj",
    "Bøgely",
    "Rosenhaven",
    "Engblomsten",
    "Stensbo",
    "Lærkereden",
    "Birkely",
    "Ådalen",
    "Strandlyst",
    "Granly",
    "Tjørnehøj",
    "Kastanjegården",
    "Valmuen",
    "Vibeholm",
    "Søbredden",
    "Højvang",
    "Nørrelund",
    "Østerled",
    "Vesterbo",
    "Klintebo",
    "Bakkely",
    "Hybenhuset",
    "Lyngbo",
    "Åbrinken",
    "Fuglsang",
    "Ravnsborg",
    "Hvidkilde",
    "Mosegården",
    "Pilegården",
    "Hasselhøj",
    "Agerbo",
    "Kløverbakken",
    "Bækkehuset",
    "Æblehaven",
    "Ørnereden",
    "Grønnegården",
    "Tranehuset",
    "Løvspring",
    "Elmely",
    "Sølyst",
    "Vængerne",
];

const STREETS: &[&str] = &[
    "Skovvej",
    "Møllevej",
    "Kirkevej",
    "Strandvejen",
    "Bakkevej",
    "Engvej",
    "Søndergade",
    "Vestergade",
    "Østervang",
    "Ringstedvej",
    "Lindevej",
    "Birkealle",
    "Fjordvej",
    "Åvej",
    "Kløvervej",
    "Hovedgaden",
    "Stationsvej",
    "Ved Søen",
    "Egevej",
    "Præstemarken",
];

const PRIVATE_PROVIDERS: &[&str] = &[
    "Omsorgsgruppen Sjælland ApS",
    "Bo & Udvikling A/S",
    "Nordlys Botilbud ApS",
    "Socialpartner Danmark A/S",
    "Familiehuset Lyngholm ApS",
    "Kompasset Opholdssteder ApS",
    "Nærvær Social ApS",
    "Vækst og Trivsel A/S",
    "Fyrtårnet Botilbud ApS",
    "Havnehusene ApS",
];

const FIRST: &[&str] = &[
    "Mette", "Lars", "Anne", "Søren", "Hanne", "Jens", "Louise", "Mikkel", "Birgitte", "Thomas",
    "Camilla", "Peter", "Lene", "Rasmus", "Pia", "Morten", "Tina", "Henrik", "Sofie", "Kasper",
];
const LAST: &[&str] = &[
    "Hansen",
    "Jensen",
    "Nielsen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Møller",
];

/// Options for one generated catalogue.
#[derive(Debug, Clone)]
pub struct Options {
    pub offers: usize,
    pub seed: u64,
    pub extracted: NaiveDate,
    /// Region Sjælland's 17 municipalities only (the example) or all 98 (benchmarks).
    pub sjaelland_only: bool,
    pub example: bool,
}

impl Options {
    /// The bundled example catalogue (`assets/eksempelkatalog.json`).
    pub fn example() -> Options {
        Options {
            offers: 180,
            seed: 2026,
            extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default(),
            sjaelland_only: true,
            example: true,
        }
    }
}

pub fn header(opts: &Options) -> Header {
    Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        extracted: opts.extracted,
        source: if opts.example {
            "Eksempeldata: fiktive tilbud og leverandører i Region Sjællands 17 kommuner og otte i Region Syddanmark (kategorier og belægning efter Rammeaftale Syddanmark 2018). Kun til afprøvning.".into()
        } else {
            format!(
                "Genereret katalog ({} tilbud, seed {}) til ydelsesmålinger. Fiktive data.",
                opts.offers, opts.seed
            )
        },
        example: opts.example,
        target_groups: target_groups(),
    }
}

/// A valid, fictional CVR number derived from `n` (weights 2,7,6,5,4,3,2,1; sum % 11 == 0).
pub fn fictional_cvr(n: u64) -> String {
    const W: [u64; 7] = [2, 7, 6, 5, 4, 3, 2];
    let mut base = 1_000_000 + (n * 7919) % 8_999_999;
    loop {
        let digits: Vec<u64> = format!("{base:07}")
            .chars()
            .filter_map(|c| c.to_digit(10).map(u64::from))
            .collect();
        let sum: u64 = digits.iter().zip(W).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        if check < 10 && digits[0] != 0 {
            return format!("{base:07}{check}");
        }
        base += 1;
    }
}

fn socialtilsyn(m: &Municipality, on: NaiveDate) -> &'static str {
    match m.region_on(on).map(|r| r.id.as_str()) {
        Some("hovedstaden") => "Socialtilsyn Hovedstaden",
        Some("sjaelland") | Some("oestdanmark") => "Socialtilsyn Øst",
        Some("syddanmark") => "Socialtilsyn Syd",
        Some("midtjylland") => "Socialtilsyn Midt",
        _ => "Socialtilsyn Nord",
    }
}

fn money(v: Decimal) -> String {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .to_string()
}

/// Generates the offers one at a time (so a 100.000-offer file streams straight to disk).
pub fn offers(opts: &Options) -> impl Iterator<Item = OfferRecord> + '_ {
    let munis: Vec<&'static Municipality> = geo::geography()
        .municipalities
        .iter()
        // Region Sjælland's 17 municipalities, also after it merged into Region Østdanmark.
        .filter(|m| !opts.sjaelland_only || m.regions.iter().any(|r| r.region == "sjaelland"))
        .collect();
    let mut rng = Rng::new(opts.seed);
    let total_weight: i64 = ARCHETYPES.iter().map(|a| a.weight).sum();
    let mut used_names = std::collections::HashSet::new();
    (0..opts.offers)
        .map(move |i| {
            let mut roll = rng.range(0, total_weight - 1);
            let arch = ARCHETYPES
                .iter()
                .find(|a| {
                    roll -= a.weight;
                    roll < 0
                })
                .unwrap_or(&ARCHETYPES[0]);
            let m = *rng.pick(&munis);
            // Example names are unique (a caseworker tells offers apart by name); benchmark
            // names carry their number instead.
            let mut place_name = *rng.pick(NAMES);
            let mut prefix = *rng.pick(arch.prefixes);
            for _ in 0..50 {
                if !opts.example || used_names.insert((prefix, place_name)) {
                    break;
                }
                place_name = *rng.pick(NAMES);
                prefix = *rng.pick(arch.prefixes);
            }
            let mut rec = offer(&mut rng, opts, i, arch, m, prefix, place_name);
            if opts.example {
                rec.buyers = buyers(opts, i, arch, m, &munis, &rec);
            }
            rec
        })
        .chain(syddanmark(opts))
}

/// The example's eight Syddanmark offers under Rammeaftale Syddanmark 2018, after the drawn
/// ones (so those stay as they were): categories and occupancy reporting need an agreement
/// with those rules, and only seed 002 has them.
fn syddanmark(opts: &Options) -> Vec<OfferRecord> {
    if opts.example {
        super::example_syddanmark::offers(opts.extracted, 10_000)
    } else {
        Vec::new()
    }
}

/// Places bought per municipality in the last full year and the current one: the operating
/// (or, for other operators, the home) municipality takes a share, a few others buy the rest;
/// specialised offers sell to more municipalities. Only in the example catalogue: the
/// rammeaftale secretariats know sales in their region, Tilbudsportalen does not publish them.
/// Drawn from a generator of its own per offer, so the rest of the catalogue stays as it was.
fn buyers(
    opts: &Options,
    i: usize,
    arch: &Archetype,
    home: &Municipality,
    munis: &[&Municipality],
    rec: &OfferRecord,
) -> Vec<BuyerRecord> {
    let mut rng = Rng::new(opts.seed.wrapping_mul(1_000_003) ^ ((i as u64 + 1) << 20));
    let places: i64 = rec
        .departments
        .iter()
        .flat_map(|d| &d.legal_bases)
        .map(|p| p.places)
        .sum();
    let local = rec
        .operators
        .last()
        .and_then(|o| o.municipality_code)
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(home.code);
    let specialised = arch.rate.0 >= 3_500;
    let mut out = Vec::new();
    for year in (opts.extracted.year() - 1)..=opts.extracted.year() {
        let occupied = (places * rng.range(80, 100) / 100).max(1).min(places);
        if occupied == 0 {
            continue;
        }
        let local_pct = if specialised {
            rng.range(45, 95)
        } else {
            rng.range(70, 100)
        };
        let local_places = (occupied * local_pct / 100).max(1);
        let rest = occupied - local_places;
        let wanted = rng.range(0, if specialised { 6 } else { 2 }).min(rest);
        let mut others: Vec<(u16, i64)> = Vec::new();
        for _ in 0..wanted * 10 {
            if others.len() as i64 >= wanted {
                break;
            }
            let code = rng.pick(munis).code;
            if code != local && !others.iter().any(|(c, _)| *c == code) {
                others.push((code, 1));
            }
        }
        let mut left = rest - others.len() as i64;
        while left > 0 && !others.is_empty() {
            let k = rng.range(0, others.len() as i64 - 1) as usize;
            others[k].1 += 1;
            left -= 1;
        }
        others.push((local, local_places + left));
        others.sort_unstable();
        out.extend(others.into_iter().map(|(code, n)| BuyerRecord {
            year: i64::from(year),
            municipality_code: i64::from(code),
            places: n,
        }));
    }
    out
}

/// The agreement in force for a municipality on the catalogue date (the built-in agreements):
/// what a covered offer names in format 2.
fn agreement_of(code: u16, on: NaiveDate) -> Vec<String> {
    static BUILT_IN: std::sync::OnceLock<Vec<crate::agreements::Agreement>> =
        std::sync::OnceLock::new();
    let all = BUILT_IN.get_or_init(|| {
        crate::agreements::built_in()
            .map(|f| f.agreements)
            .unwrap_or_default()
    });
    crate::agreements::rules::for_municipality(all, code, on)
        .filter(|a| !a.fallback)
        .map(|a| vec![a.agreement.id.clone()])
        .unwrap_or_default()
}

fn offer(
    rng: &mut Rng,
    opts: &Options,
    i: usize,
    arch: &Archetype,
    m: &Municipality,
    prefix: &str,
    place_name: &str,
) -> OfferRecord {
    let on = opts.extracted;
    let kind = operator_kind(rng, arch);
    let name = if opts.example {
        format!("{prefix} {place_name}")
    } else {
        format!("{prefix} {place_name} {}", i + 1)
    };
    let (operators, covered) = operator_history(rng, i, kind, m, place_name, on);
    let (min_age, max_age) = *rng.pick(arch.ages);
    let groups = offer_target_groups(rng, arch);
    let (departments, bases_used) = departments(rng, opts, arch, place_name);
    let rates = rates(rng, arch, kind, on, &bases_used, &departments);
    let location = location(rng, m);
    let approval = match rng.range(0, 99) {
        0..=91 => "godkendt",
        92..=96 => "betinget_godkendt",
        _ => "under_godkendelse",
    };
    let manager = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    let slug = slug(place_name);
    OfferRecord {
        id: if opts.example {
            format!("SJ-{}", 1001 + i)
        } else {
            format!("T-{}", 100_001 + i)
        },
        name,
        description: arch.description.into(),
        cvr: Some(fictional_cvr(i as u64 * 31 + 3)),
        p_number: Some(format!("10{:08}", (i as u64 * 7_919 + 17) % 100_000_000)),
        operators,
        address: AddressRecord {
            street: format!("{} {}", rng.pick(STREETS), rng.range(1, 120)),
            postcode: m.postcode.clone(),
            city: m.town.clone(),
            municipality_code: i64::from(m.code),
        },
        location,
        age: AgeRecord {
            min: min_age,
            max: max_age,
        },
        approval: ApprovalRecord {
            status: approval.into(),
            date: Some(
                NaiveDate::from_ymd_opt(rng.range(2015, 2025) as i32, rng.range(1, 12) as u32, 1)
                    .unwrap_or(on)
                    .to_string(),
            ),
            socialtilsyn: socialtilsyn(m, on).into(),
        },
        rammeaftaler: if covered {
            agreement_of(m.code, on)
        } else {
            Vec::new()
        },
        covered_by_rammeaftale: None,
        target_groups: groups,
        departments,
        rates,
        buyers: Vec::new(),
        contact: ContactRecord {
            manager: Some(manager),
            phone: Some(format!("{}", rng.range(40_00_00_00, 59_99_99_99))),
            email: Some(format!("{slug}@eksempel.dk")),
            website: Some(format!("https://{slug}.eksempel.dk")),
        },
    }
}

/// The current operator's type, drawn by the archetype's weights.
fn operator_kind(rng: &mut Rng, arch: &Archetype) -> OperatorType {
    let mut op_roll = rng.range(0, arch.operators.iter().sum::<i64>() - 1);
    let kind_index = arch
        .operators
        .iter()
        .position(|w| {
            op_roll -= w;
            op_roll < 0
        })
        .unwrap_or(0);
    OperatorType::ALL[kind_index]
}

/// The operators, oldest first, and whether the offer is covered by its municipality's
/// agreement.
fn operator_history(
    rng: &mut Rng,
    i: usize,
    kind: OperatorType,
    m: &Municipality,
    place_name: &str,
    on: NaiveDate,
) -> (Vec<OperatorRecord>, bool) {
    let region = m.region_on(on);
    let (op_name, op_muni, covered) = match kind {
        OperatorType::Kommunal => (format!("{} Kommune", m.name), Some(m.code), rng.chance(95)),
        OperatorType::Regional => (
            region.map(|r| r.name.clone()).unwrap_or_default(),
            None,
            rng.chance(95),
        ),
        OperatorType::Privat => (rng.pick(PRIVATE_PROVIDERS).to_string(), None, false),
        OperatorType::Selvejende => (
            format!("Den selvejende institution {place_name}"),
            Some(m.code),
            rng.chance(50),
        ),
    };
    let since = NaiveDate::from_ymd_opt(rng.range(1985, 2022) as i32, 1, 1).unwrap_or(on);
    let mut operators = Vec::new();
    // Some private offers were self-governing until they were taken over (as BOMI was).
    if kind == OperatorType::Privat && rng.chance(15) {
        let earlier =
            NaiveDate::from_ymd_opt(since.year() - rng.range(5, 20) as i32, 1, 1).unwrap_or(since);
        operators.push(OperatorRecord {
            kind: OperatorType::Selvejende.code().into(),
            name: format!("Den selvejende institution {place_name}"),
            cvr: Some(fictional_cvr(i as u64 * 31 + 7)),
            municipality_code: Some(i64::from(m.code)),
            valid_from: earlier.to_string(),
            valid_to: Some(since.to_string()),
        });
    }
    operators.push(OperatorRecord {
        kind: kind.code().into(),
        name: op_name,
        cvr: Some(fictional_cvr(i as u64 * 31 + 3)),
        municipality_code: op_muni.map(i64::from),
        valid_from: since.to_string(),
        valid_to: None,
    });
    (operators, covered)
}

/// One to three of the archetype's target groups, different ones.
fn offer_target_groups(rng: &mut Rng, arch: &Archetype) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    let n_groups = rng.range(1, arch.groups.len().min(3) as i64);
    while groups.len() < n_groups as usize {
        let g = rng.pick(arch.groups).to_string();
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    groups
}

/// The departments with their places, and the legal bases used, in order of first use.
fn departments(
    rng: &mut Rng,
    opts: &Options,
    arch: &Archetype,
    place_name: &str,
) -> (Vec<DepartmentRecord>, Vec<LegalBasis>) {
    let n_depts = if opts.example {
        rng.range(1, 3)
    } else {
        rng.range(1, 2)
    };
    let mut departments = Vec::new();
    let mut bases_used: Vec<LegalBasis> = Vec::new();
    for d in 0..n_depts {
        let mut bases = vec![arch.bases[0]];
        if arch.bases.len() > 1 && rng.chance(arch.second_basis_pct) {
            bases.push(arch.bases[1]);
        }
        let legal_bases = bases
            .iter()
            .map(|b| {
                if !bases_used.contains(b) {
                    bases_used.push(*b);
                }
                places_record(rng, arch, *b, opts.extracted)
            })
            .collect();
        let dept_name = match d {
            0 => format!("{place_name}, hovedhuset"),
            1 => format!("{place_name}, afdeling {}", rng.pick(NAMES)),
            _ => format!("{place_name}, udslusning"),
        };
        departments.push(DepartmentRecord {
            id: format!("A{}", d + 1),
            name: dept_name,
            secure: arch.secure_main && d == 0,
            legal_bases,
        });
    }
    (departments, bases_used)
}

/// One department's places under one basis, with a free-place figure most of the time.
fn places_record(rng: &mut Rng, arch: &Archetype, b: LegalBasis, on: NaiveDate) -> PlacesRecord {
    let places = rng.range(arch.places.0, arch.places.1);
    let known = rng.chance(92);
    let free = if rng.chance(55) {
        0
    } else {
        rng.range(1, 3).min(places)
    };
    // Figures of varying age: most recent, some weeks old, a few months old.
    let age_days = match rng.range(0, 9) {
        0..=4 => rng.range(0, 14),
        5..=7 => rng.range(15, 45),
        _ => rng.range(46, 180),
    };
    PlacesRecord {
        basis: b.code().into(),
        places,
        free_places: known.then_some(free),
        free_as_of: known.then(|| (on - Duration::days(age_days)).to_string()),
        free_source: known.then(|| {
            if rng.chance(80) {
                "Tilbudsportalen"
            } else {
                "Tilbuddets egen oplysning"
            }
            .to_string()
        }),
    }
}

/// Rates for the last three years, growing 1-9 % a year.
fn rates(
    rng: &mut Rng,
    arch: &Archetype,
    kind: OperatorType,
    on: NaiveDate,
    bases_used: &[LegalBasis],
    departments: &[DepartmentRecord],
) -> Vec<RateRecord> {
    let mut rates = Vec::new();
    let vat_pct = if kind == OperatorType::Privat {
        "6"
    } else {
        "0"
    };
    let vat_factor = if kind == OperatorType::Privat {
        Decimal::new(106, 2)
    } else {
        Decimal::ONE
    };
    for basis in bases_used {
        let mut daily = Decimal::from(rng.range(arch.rate.0, arch.rate.1));
        let with_basis = rng.chance(60);
        for year in (on.year() - 2)..=on.year() {
            if year > on.year() - 2 {
                let growth = Decimal::new(100 + rng.range(1, 9), 2);
                daily = (daily * growth).round_dp(0);
            }
            let amount = if arch.monthly {
                // A generated daily rate is a few thousand kroner: the checked rule cannot fail.
                crate::rates::rules::day_to_month(daily).unwrap_or_default()
            } else {
                daily
            } * vat_factor;
            let calculation = with_basis.then(|| rate_calculation(rng, daily, *basis, departments));
            rates.push(RateRecord {
                department_id: None,
                basis: basis.code().into(),
                year: i64::from(year),
                amount: money(amount),
                unit: if arch.monthly { "maaned" } else { "dag" }.into(),
                vat_pct: vat_pct.into(),
                calculation,
            });
        }
    }
    rates
}

/// The calculation behind a daily rate: a year's costs of the basis's places at a budgeted
/// occupancy, split into direct, indirect (overhead) and capital costs.
fn rate_calculation(
    rng: &mut Rng,
    daily: Decimal,
    basis: LegalBasis,
    departments: &[DepartmentRecord],
) -> CalculationRecord {
    let places: i64 = departments
        .iter()
        .flat_map(|d| &d.legal_bases)
        .filter(|p| p.basis == basis.code())
        .map(|p| p.places)
        .sum();
    let occupancy = Decimal::from(rng.range(92, 99));
    let annual = daily * Decimal::from(places * 365) * occupancy / Decimal::ONE_HUNDRED;
    let overhead = Decimal::new(rng.range(40, 80), 1);
    let capital = annual * Decimal::new(rng.range(3, 9), 2);
    let indirect = annual * overhead / Decimal::ONE_HUNDRED;
    CalculationRecord {
        direct_costs: Some(money(annual - capital - indirect)),
        indirect_costs: Some(money(indirect)),
        overhead_pct: Some(overhead.to_string()),
        capital_costs: Some(money(capital)),
        budgeted_occupancy_pct: Some(occupancy.to_string()),
    }
}

/// A point near the municipality's town, rounded to 4 decimals.
fn location(rng: &mut Rng, m: &Municipality) -> LocationRecord {
    let lat = m.lat + (rng.range(-600, 600) as f64) / 10_000.0;
    let lon = m.lon + (rng.range(-900, 900) as f64) / 10_000.0;
    LocationRecord {
        lat: (lat * 10_000.0).round() / 10_000.0,
        lon: (lon * 10_000.0).round() / 10_000.0,
    }
}

/// A place name for e-mail addresses and web sites: lowercase, æøå as e, o, a, others as '-'.
pub(crate) fn slug(place_name: &str) -> String {
    place_name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => 'e',
            'ø' => 'o',
            'å' => 'a',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::snapshot::cvr_is_valid;

    #[test]
    fn fictional_cvrs_pass_the_check() {
        for n in 0..500 {
            assert!(cvr_is_valid(&fictional_cvr(n)), "{}", fictional_cvr(n));
        }
    }

    #[test]
    fn same_seed_same_offers() {
        let opts = Options {
            offers: 50,
            seed: 7,
            extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            sjaelland_only: false,
            example: false,
        };
        let a: Vec<_> = offers(&opts).collect();
        let b: Vec<_> = offers(&opts).collect();
        assert_eq!(a, b);
        let other = Options { seed: 8, ..opts };
        let c: Vec<_> = offers(&other).collect();
        assert_ne!(a, c);
    }
}
