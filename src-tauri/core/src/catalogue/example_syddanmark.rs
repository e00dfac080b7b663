//! Eight fictional offers in Region Syddanmark's Jutland municipalities, appended to the
//! example catalogue so that categories (R7) and occupancy reporting (R6) have something to
//! work on: only Rammeaftale Syddanmark 2018 (`SD-2018`, seed 002) has those rules, and the
//! rest of the example lies in Region Sjælland. Written out by hand, not drawn, so every
//! figure the tests check is visible here:
//!
//! | id | offer | rate 2026 | other buyers 2026 | share | category 2026 |
//! |---|---|---|---|---|---|
//! | SY-1001 | Bostedet Vadehavet (Esbjerg) | 2.450 | 4 | 10/24 = 41,7 % | højt specialiseret |
//! | SY-1002 | Botilbuddet Engholm (Kolding, 2 afdelinger) | 1.950 | 5 | 8/16 = 50 % | klyngetilbud |
//! | SY-1003 | Specialbostedet Marsken (Tønder) | 3.200 | 2 | 6/30 = 20 % | lokalt |
//! | SY-1004 | Neurocentret Sønderskov (Region Syddanmark) | 4.100 | 6 | 16/16 | højt specialiseret |
//! | SY-1005 | Bofællesskabet Lindeparken (Sønderborg) | 1.400 | 0 | 0 % | lokalt |
//! | SY-1006 | Opholdsstedet Klitten (privat) | 2.800 incl. 6 % moms | 5 | – | not categorised |
//! | SY-1007 | Bostedet Åstrup (Fredericia) | 1.750 | 1 | 1/10 | klyngetilbud |
//! | SY-1008 | Botilbuddet Hedebo (Billund, selvejende) | 2.100 | 4 | 4/20 = 20 % | højt specialiseret |
//!
//! They are in Jutland, more than 100 km from any Region Sjælland municipality, so no check
//! of the Sjælland example (radius 50 km) finds them.

use chrono::{Duration, NaiveDate};

use super::snapshot::{
    AddressRecord, AgeRecord, ApprovalRecord, BuyerRecord, CalculationRecord, ContactRecord,
    DepartmentRecord, LocationRecord, OfferRecord, OperatorRecord, PlacesRecord, RateRecord,
};
use crate::geo;

/// The agreement the catalogue names for the covered offers (seed 002).
const AGREEMENT: &str = "SD-2018";

struct Dept {
    name: &'static str,
    places: i64,
    free: i64,
    /// (2025 rate, 2026 rate, budgeted occupancy %) when the department has its own rate.
    own_rate: Option<(&'static str, &'static str, &'static str)>,
}

struct Syd {
    id: &'static str,
    name: &'static str,
    street: &'static str,
    municipality: u16,
    /// kommunal, regional, privat, selvejende
    operator: &'static str,
    operator_name: &'static str,
    basis: &'static str,
    groups: &'static [&'static str],
    age: (i64, Option<i64>),
    depts: &'static [Dept],
    /// (2025 rate, 2026 rate, budgeted occupancy %) for the whole offer.
    rate: Option<(&'static str, &'static str, &'static str)>,
    vat_pct: &'static str,
    /// (municipality, places) in 2025 and in 2026.
    buyers_2025: &'static [(u16, i64)],
    buyers_2026: &'static [(u16, i64)],
    description: &'static str,
    /// Offset of the location from the town, in 1/10.000 degrees.
    offset: (i64, i64),
}

const OFFERS: &[Syd] = &[
    Syd {
        id: "SY-1001",
        name: "Bostedet Vadehavet",
        street: "Sneppevej 14",
        municipality: 561,
        operator: "kommunal",
        operator_name: "Esbjerg Kommune",
        basis: "SEL-108",
        groups: &["FN.P.IK.UH", "FN.M"],
        age: (18, None),
        depts: &[Dept { name: "Vadehavet, hovedhuset", places: 24, free: 1, own_rate: None }],
        rate: Some(("2380.00", "2450.00", "95")),
        vat_pct: "0",
        buyers_2025: &[(561, 15), (573, 3), (575, 2), (563, 2)],
        buyers_2026: &[(561, 14), (573, 3), (575, 3), (563, 2), (550, 2)],
        description: "Længerevarende botilbud for voksne med udviklingshæmning og omfattende behov for støtte, med pladser solgt til nabokommunerne.",
        offset: (120, -210),
    },
    Syd {
        id: "SY-1002",
        name: "Botilbuddet Engholm",
        street: "Engholmvej 3",
        municipality: 621,
        operator: "kommunal",
        operator_name: "Kolding Kommune",
        basis: "SEL-108",
        groups: &["FN.P.IK.AU", "FN.P.IK.ADHD"],
        age: (18, None),
        depts: &[
            Dept { name: "Engholm, hovedhuset", places: 10, free: 0, own_rate: Some(("1890.00", "1950.00", "90")) },
            Dept { name: "Engholm, Åhuset", places: 6, free: 1, own_rate: Some(("1890.00", "1950.00", "94")) },
        ],
        rate: None,
        vat_pct: "0",
        buyers_2025: &[(621, 9), (630, 2), (607, 2), (510, 1)],
        buyers_2026: &[(621, 8), (630, 2), (607, 2), (510, 1), (530, 1), (575, 2)],
        description: "Botilbud for voksne med autisme i to huse; halvdelen af pladserne købes af andre kommuner.",
        offset: (-150, 260),
    },
    Syd {
        id: "SY-1003",
        name: "Specialbostedet Marsken",
        street: "Marskvej 41",
        municipality: 550,
        operator: "kommunal",
        operator_name: "Tønder Kommune",
        basis: "SEL-108",
        groups: &["FN.P.PV.SKI", "SP.UAD"],
        age: (18, None),
        depts: &[Dept { name: "Marsken, hovedhuset", places: 30, free: 2, own_rate: None }],
        rate: Some(("3100.00", "3200.00", "95")),
        vat_pct: "0",
        buyers_2025: &[(550, 25), (561, 3)],
        buyers_2026: &[(550, 24), (561, 4), (580, 2)],
        description: "Specialiseret botilbud for voksne med svær sindslidelse og udadreagerende adfærd.",
        offset: (90, 140),
    },
    Syd {
        id: "SY-1004",
        name: "Neurocentret Sønderskov",
        street: "Skovbrynet 8",
        municipality: 510,
        operator: "regional",
        operator_name: "Region Syddanmark",
        basis: "SEL-108",
        groups: &["FN.P.IK.HS", "FN.M"],
        age: (18, None),
        depts: &[Dept { name: "Sønderskov, hovedhuset", places: 16, free: 0, own_rate: None }],
        rate: Some(("3980.00", "4100.00", "92")),
        vat_pct: "0",
        buyers_2025: &[(510, 5), (580, 3), (540, 3), (621, 2), (630, 2)],
        buyers_2026: &[(510, 4), (580, 3), (540, 3), (621, 2), (630, 2), (561, 2)],
        description: "Regionalt, højt specialiseret botilbud for voksne med erhvervet hjerneskade.",
        offset: (-60, -180),
    },
    Syd {
        id: "SY-1005",
        name: "Bofællesskabet Lindeparken",
        street: "Lindealle 22",
        municipality: 540,
        operator: "kommunal",
        operator_name: "Sønderborg Kommune",
        basis: "SEL-108",
        groups: &["FN.P.IK.UH"],
        age: (18, None),
        depts: &[Dept { name: "Lindeparken, hovedhuset", places: 12, free: 1, own_rate: None }],
        rate: Some(("1360.00", "1400.00", "95")),
        vat_pct: "0",
        buyers_2025: &[(540, 11)],
        buyers_2026: &[(540, 11)],
        description: "Bofællesskab for voksne med udviklingshæmning, drevet for kommunens egne borgere.",
        offset: (150, 90),
    },
    Syd {
        id: "SY-1006",
        name: "Opholdsstedet Klitten",
        street: "Klitvejen 5",
        municipality: 580,
        operator: "privat",
        operator_name: "Klitten Omsorg ApS",
        basis: "BL-43",
        groups: &["SP.OMS", "FN.P.PV.ANG"],
        age: (12, Some(17)),
        depts: &[Dept { name: "Klitten, hovedhuset", places: 9, free: 0, own_rate: None }],
        rate: Some(("2862.00", "2968.00", "")),
        vat_pct: "6",
        buyers_2025: &[(580, 3), (510, 2), (550, 2), (540, 1)],
        buyers_2026: &[(580, 3), (510, 2), (550, 2), (540, 1), (621, 1)],
        description: "Privat opholdssted for børn og unge med behov for anbringelse uden for hjemmet.",
        offset: (-110, 130),
    },
    Syd {
        id: "SY-1007",
        name: "Bostedet Åstrup",
        street: "Åstrupvej 17",
        municipality: 607,
        operator: "kommunal",
        operator_name: "Fredericia Kommune",
        basis: "SEL-108",
        groups: &["FN.P.PV.SKI", "FN.P.PV.PER"],
        age: (18, None),
        depts: &[Dept { name: "Åstrup, hovedhuset", places: 10, free: 1, own_rate: None }],
        rate: Some(("1700.00", "1750.00", "90")),
        vat_pct: "0",
        buyers_2025: &[(607, 9)],
        buyers_2026: &[(607, 8), (630, 1)],
        description: "Længerevarende botilbud for voksne med sindslidelse.",
        offset: (70, -120),
    },
    Syd {
        id: "SY-1008",
        name: "Botilbuddet Hedebo",
        street: "Hedevej 60",
        municipality: 530,
        operator: "selvejende",
        operator_name: "Den selvejende institution Hedebo",
        basis: "SEL-108",
        groups: &["FN.P.IK.UH", "FN.F.MOB"],
        age: (18, None),
        depts: &[Dept { name: "Hedebo, hovedhuset", places: 20, free: 2, own_rate: None }],
        rate: Some(("2040.00", "2100.00", "93")),
        vat_pct: "0",
        buyers_2025: &[(530, 17), (630, 1), (621, 1)],
        buyers_2026: &[(530, 16), (630, 1), (621, 1), (575, 1), (573, 1)],
        description: "Selvejende botilbud med driftsoverenskomst for voksne med udviklingshæmning og fysisk funktionsnedsættelse.",
        offset: (-90, 200),
    },
];

/// The Syddanmark offers as catalogue records, for a catalogue extracted on `on` (their rates
/// and buyers are for the year before and the year of `on`).
pub fn offers(on: NaiveDate, first_cvr: u64) -> Vec<OfferRecord> {
    OFFERS
        .iter()
        .enumerate()
        .filter_map(|(i, s)| record(s, on, first_cvr + i as u64))
        .collect()
}

fn record(s: &Syd, on: NaiveDate, cvr: u64) -> Option<OfferRecord> {
    let m = geo::municipality(s.municipality)?;
    let year = chrono::Datelike::year(&on);
    let operator_muni =
        matches!(s.operator, "kommunal" | "selvejende").then_some(i64::from(m.code));
    let slug = super::generate::slug(s.name.split(' ').next_back().unwrap_or(s.name));
    Some(OfferRecord {
        id: s.id.into(),
        name: s.name.into(),
        description: s.description.into(),
        cvr: Some(super::generate::fictional_cvr(cvr)),
        p_number: Some(format!("20{:08}", cvr * 7_919 % 100_000_000)),
        operators: vec![OperatorRecord {
            kind: s.operator.into(),
            name: s.operator_name.into(),
            cvr: Some(super::generate::fictional_cvr(cvr + 100)),
            municipality_code: operator_muni,
            valid_from: "2007-01-01".into(),
            valid_to: None,
        }],
        address: AddressRecord {
            street: s.street.into(),
            postcode: m.postcode.clone(),
            city: m.town.clone(),
            municipality_code: i64::from(m.code),
        },
        location: LocationRecord {
            lat: ((m.lat + s.offset.0 as f64 / 10_000.0) * 10_000.0).round() / 10_000.0,
            lon: ((m.lon + s.offset.1 as f64 / 10_000.0) * 10_000.0).round() / 10_000.0,
        },
        age: AgeRecord {
            min: s.age.0,
            max: s.age.1,
        },
        approval: ApprovalRecord {
            status: "godkendt".into(),
            date: Some("2021-03-01".into()),
            socialtilsyn: "Socialtilsyn Syd".into(),
        },
        rammeaftaler: if s.operator == "privat" {
            Vec::new()
        } else {
            vec![AGREEMENT.to_string()]
        },
        covered_by_rammeaftale: None,
        target_groups: s.groups.iter().map(|g| g.to_string()).collect(),
        departments: departments(s, on),
        rates: rates(s, year),
        buyers: buyers(s, year),
        contact: ContactRecord {
            manager: Some("Forstander (eksempel)".into()),
            phone: Some(format!("7{}", 5_000_000 + cvr * 1_237 % 4_000_000)),
            email: Some(format!("{slug}@eksempel.dk")),
            website: Some(format!("https://{slug}.eksempel.dk")),
        },
    })
}

fn departments(s: &Syd, on: NaiveDate) -> Vec<DepartmentRecord> {
    s.depts
        .iter()
        .enumerate()
        .map(|(i, d)| DepartmentRecord {
            id: format!("A{}", i + 1),
            name: d.name.into(),
            secure: false,
            legal_bases: vec![PlacesRecord {
                basis: s.basis.into(),
                places: d.places,
                free_places: Some(d.free),
                free_as_of: Some((on - Duration::days(3 + i as i64)).to_string()),
                free_source: Some("Tilbudsportalen".into()),
            }],
        })
        .collect()
}

fn rate(s: &Syd, department: Option<String>, year: i32, amount: &str, budget: &str) -> RateRecord {
    RateRecord {
        department_id: department,
        basis: s.basis.into(),
        year: i64::from(year),
        amount: amount.into(),
        unit: "dag".into(),
        vat_pct: s.vat_pct.into(),
        calculation: (!budget.is_empty()).then(|| CalculationRecord {
            budgeted_occupancy_pct: Some(budget.into()),
            ..Default::default()
        }),
    }
}

/// The rates of the year before and the year of extraction: for the whole offer, or per
/// department where a department has its own.
fn rates(s: &Syd, year: i32) -> Vec<RateRecord> {
    let mut out = Vec::new();
    if let Some((before, now, budget)) = s.rate {
        out.push(rate(s, None, year - 1, before, budget));
        out.push(rate(s, None, year, now, budget));
    }
    for (i, d) in s.depts.iter().enumerate() {
        if let Some((before, now, budget)) = d.own_rate {
            let id = || Some(format!("A{}", i + 1));
            out.push(rate(s, id(), year - 1, before, budget));
            out.push(rate(s, id(), year, now, budget));
        }
    }
    out
}

fn buyers(s: &Syd, year: i32) -> Vec<BuyerRecord> {
    let of = |y: i32, list: &[(u16, i64)]| {
        let mut v: Vec<BuyerRecord> = list
            .iter()
            .map(|(code, places)| BuyerRecord {
                year: i64::from(y),
                municipality_code: i64::from(*code),
                places: *places,
            })
            .collect();
        v.sort_by_key(|b| b.municipality_code);
        v
    };
    let mut out = of(year - 1, s.buyers_2025);
    out.extend(of(year, s.buyers_2026));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offers_are_in_syddanmark_and_the_covered_ones_name_sd_2018() {
        let on = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        let all = offers(on, 10_000);
        assert_eq!(all.len(), 8);
        let syd = geo::municipalities_in_region("syddanmark", on);
        for o in &all {
            let code = o.address.municipality_code as u16;
            assert!(syd.contains(&code), "{}", o.id);
            let private = o.operators[0].kind == "privat";
            assert_eq!(o.rammeaftaler.is_empty(), private, "{}", o.id);
        }
    }
}
