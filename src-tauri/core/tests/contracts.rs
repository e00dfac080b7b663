//! Standard contracts: hand-checked prices, every validation message, issuing and
//! immutability, notice, renewal, the public-first guard, and CPR kept out of logs and lists.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::catalogue::model::LegalBasis;
use pladsoverblik_core::contracts::{ContractForm, ContractState, NoticeParty};
use pladsoverblik_core::placement::{
    CheckKind, Closing, Conclusion, Need, NewCheck, RejectReason, Rejection,
};
use pladsoverblik_core::reports::{Kind, Report};
use pladsoverblik_core::Engine;
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

const BUYER_EAN: &str = "5798000000001";
const PROVIDER_EAN: &str = "5790000000005";
const CPR: &str = "010190-1234";

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
}

/// The small fixture with rates for 2027 and 2028 on Kildevang (K-1).
fn fixture() -> Fixture {
    fixture_with(|_| {})
}

fn fixture_with(change: impl FnOnce(&mut serde_json::Value)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = small_json();
    change(&mut cat);
    let rates = cat["offers"][0]["rates"].as_array_mut().unwrap();
    rates.push(json!({"basis": "SEL-108", "year": 2027, "amount": "3300.00", "unit": "dag", "vat_pct": "0"}));
    rates.push(json!({"basis": "SEL-108", "year": 2028, "amount": "3400.00", "unit": "dag", "vat_pct": "0"}));
    let file = write_json(dir.path(), "k.json", &cat);
    let engine = Engine::open(&dir.path().join("t.sqlite")).unwrap();
    engine.import_file(&file, |_, _| {}).unwrap();
    Fixture { _dir: dir, engine }
}

fn form(offer: &str, start: &str, end: &str, followups: &str) -> ContractForm {
    ContractForm {
        offer_id: offer.into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        buyer_ean: BUYER_EAN.into(),
        buyer_contact: "Karen Jensen, 4631 0000".into(),
        provider_ean: PROVIDER_EAN.into(),
        citizen_name: "Søren Ærø Åberg".into(),
        citizen_cpr: CPR.into(),
        intervention: "Længerevarende botilbud med døgndækning.".into(),
        goals: "Mestre egen økonomi\nDeltage i beskæftigelse".into(),
        start: start.into(),
        end: end.into(),
        followups: followups.into(),
        // Rammeaftale Sjælland 2025-2026 fixes none of these ("ikke fastsat"): they are typed.
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "30".into(),
        closure: "Ved lukning varsles køber med leverandørens opsigelsesvarsel; over- og underskud efterreguleres ikke.".into(),
        ..Default::default()
    }
}

fn spend(f: &Fixture) -> pladsoverblik_core::reports::SpendReport {
    match f.engine.report(Kind::Spend, 0).unwrap() {
        Report::Spend(r) => r,
        other => panic!("{other:?}"),
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn problems(f: &Fixture, form: &ContractForm, today: chrono::NaiveDate) -> Vec<String> {
    f.engine
        .contract_evaluate(form, today)
        .unwrap()
        .problems
        .into_iter()
        .map(|p| p.message)
        .collect()
}

#[test]
fn a_term_over_29_february_2028_is_priced_by_the_day_per_year() {
    let f = fixture();
    let e = f
        .engine
        .contract_evaluate(
            &form("K-1", "01.03.2027", "29.02.2028", "01.06.2027"),
            day(2027, 2, 1),
        )
        .unwrap();
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let price = e.price.unwrap();
    assert_eq!(price.days, 366);
    // 306 days of 2027 at 3.300 + 60 days of 2028 (29.02 included) at 3.400.
    assert_eq!(price.lines[0].days, 306);
    assert_eq!(price.lines[0].total, dec("1009800.00"));
    assert_eq!(price.lines[1].days, 60);
    assert_eq!(price.lines[1].total, dec("204000.00"));
    assert_eq!(price.total, dec("1213800.00"));
    assert_eq!(price.total_text, "1.213.800,00 kr.");
    // Each year's figures, and the term's average labelled as such (never the first year's
    // rate for the whole term).
    let years: Vec<(i32, &str, &str)> = price
        .years
        .iter()
        .map(|y| (y.year, y.per_day_text.as_str(), y.rule.as_str()))
        .collect();
    assert_eq!(
        years,
        vec![
            // The fixture's rates came with the catalogue, not a rate sheet: labelled so (R4).
            (
                2027,
                "3.300,00 kr.",
                "Katalogets takst 2027 (ikke fra en indlæst takstoversigt)"
            ),
            (
                2028,
                "3.400,00 kr.",
                "Katalogets takst 2028 (ikke fra en indlæst takstoversigt)"
            )
        ]
    );
    // 1.213.800 / 366 = 3.316,39 per day; × 365 / 12 = 100.873,53 per month.
    assert_eq!(
        price.per_day_text,
        "3.316,39 kr. (gennemsnit over perioden)"
    );
    assert_eq!(
        price.per_month_text,
        "100.873,53 kr. (gennemsnit over perioden)"
    );
    assert_eq!(price.vat_text, "Taksterne indeholder ingen moms.");
    assert_eq!(e.template.unwrap().id, "voksne-rammeaftale");
}

#[test]
fn a_term_across_1_january_2027_changes_region_and_rate_year() {
    let f = fixture();
    let mut fm = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027, 01.09.2027");
    fm.addons.push(pladsoverblik_core::contracts::AddOnForm {
        description: "Ekstra nattevagt".into(),
        basis: "Særlig støtte om natten, 2 timer pr. døgn à 225 kr.".into(),
        amount: "450,00".into(),
        unit: "dag".into(),
    });
    let e = f.engine.contract_evaluate(&fm, today()).unwrap();
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let price = e.price.as_ref().unwrap();
    assert_eq!(
        price.lines[0].label,
        "Grundtakst 2026 (01.12.2026–31.12.2026, 31 dage)"
    );
    assert_eq!(price.lines[0].total, dec("99200.00"));
    assert_eq!(
        price.lines[1].basis,
        "Katalogets takst 2027 (ikke fra en indlæst takstoversigt)"
    );
    assert_eq!(price.lines[1].total, dec("1102200.00")); // 334 × 3.300
    assert_eq!(price.lines[2].total, dec("164250.00")); // 365 × 450
    assert_eq!(price.total, dec("1365650.00"));
    // 1.365.650 / 365 days.
    assert_eq!(price.per_day, dec("3741.51"));
    assert_eq!(price.years[0].per_day, dec("3650.00")); // 3.200 + 450
    assert_eq!(price.years[1].per_day, dec("3750.00")); // 3.300 + 450
                                                        // Each year's amount, add-ons included; the years add up to the total.
    assert_eq!(price.years[0].days, 31);
    assert_eq!(price.years[0].amount, dec("113150.00")); // 99.200 + 31 × 450
    assert_eq!(price.years[1].days, 334);
    assert_eq!(price.years[1].amount, dec("1252500.00")); // 1.102.200 + 334 × 450
    assert_eq!(price.years[1].amount_text, "1.252.500,00 kr.");
    assert_eq!(
        price.basis_text,
        "Beløb uden moms (taksten indeholder ingen moms)"
    );
    // A monthly add-on is split by its own unit: one whole month in 2026, the rest in 2027.
    let mut monthly = fm.clone();
    monthly.addons[0].amount = "3000,00".into();
    monthly.addons[0].unit = "maaned".into();
    let e2 = f.engine.contract_evaluate(&monthly, today()).unwrap();
    let p2 = e2.price.as_ref().unwrap();
    assert_eq!(p2.lines[2].total, dec("36000.00")); // 12 months
    assert_eq!(p2.years[0].amount, dec("102200.00")); // 99.200 + 3.000
    assert_eq!(p2.years[1].amount, dec("1135200.00")); // 1.102.200 + 33.000
    assert_eq!(p2.years[0].amount + p2.years[1].amount, p2.total);
    let data = e.data.unwrap();
    assert_eq!(
        data.buyer_region_text,
        "Region Sjælland til 31.12.2026, derefter Region Østdanmark fra 01.01.2027"
    );
    assert_eq!(data.buyer.name, "Roskilde Kommune");
    assert_eq!(data.payer.ean, BUYER_EAN);
}

#[test]
fn validation_messages_name_each_field() {
    let f = fixture();
    let t = day(2026, 11, 24);
    let base = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027");
    assert!(problems(&f, &base, t).is_empty());
    let cases: Vec<(ContractForm, &str)> = vec![
        (ContractForm { citizen_cpr: "310290-1234".into(), ..base.clone() }, "CPR-nummer: 31.02.1990 er ikke en gyldig fødselsdato."),
        (ContractForm { citizen_cpr: "0101901".into(), ..base.clone() }, "CPR-nummer: skal have formen DDMMÅÅ-LLLL (10 cifre)."),
        (ContractForm { provider_cvr: "29403474".into(), ..base.clone() }, "Leverandørens CVR-nummer: 29403474 er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke)."),
        (ContractForm { buyer_ean: "5798000000002".into(), ..base.clone() }, "Købers EAN-nummer: 5798000000002 er ikke et gyldigt EAN-nummer (kontrolcifferet skulle være 1)."),
        (ContractForm { end: "01.12.2027".into(), ..base.clone() }, "Slutdato: kontrakten må højst løbe 12 måneder, dvs. til og med 30.11.2027."),
        (ContractForm { end: "".into(), ..base.clone() }, "Slutdato: skal udfyldes (dd.mm.åååå)."),
        (ContractForm { end: "30.11.2026".into(), followups: "".into(), ..base.clone() }, "Slutdato: 30.11.2026 ligger før startdatoen 01.12.2026."),
        (ContractForm { followups: "01.01.2028".into(), ..base.clone() }, "Opfølgning: 01.01.2028 ligger uden for kontraktens periode 01.12.2026–30.11.2027."),
        (ContractForm { followups: "".into(), ..base.clone() }, "Opfølgning: angiv mindst én opfølgningsdato inden for kontraktens periode."),
        (ContractForm { followups: "1. marts".into(), ..base.clone() }, "Opfølgning: «1.» er ikke en dato; skriv dd.mm.åååå."),
        (ContractForm { goals: " \n ".into(), ..base.clone() }, "Mål: skriv mindst ét mål for indsatsen."),
        (ContractForm { legal_basis: "SEL-107".into(), ..base.clone() }, "Lovgrundlag: Kildevang tilbyder ikke pladser efter SEL § 107."),
        (ContractForm { buyer_municipality: "Atlantis".into(), ..base.clone() }, "Køber (handlekommune): Kommunen «Atlantis» findes ikke."),
        (
            ContractForm {
                addons: vec![pladsoverblik_core::contracts::AddOnForm {
                    description: "Ledsagelse".into(),
                    basis: "Til lægebesøg".into(),
                    amount: "4,5,0".into(),
                    unit: "dag".into(),
                }],
                ..base.clone()
            },
            "Tillægsydelse 1, beløb: «4,5,0» skal være et beløb over 0, fx 450,00.",
        ),
        (ContractForm { start: "01.01.2026".into(), end: "31.12.2026".into(), followups: "01.06.2026".into(), ..base.clone() }, ""),
    ];
    for (i, (fm, expected)) in cases.into_iter().enumerate() {
        let got = problems(&f, &fm, t);
        if expected.is_empty() {
            assert!(got.is_empty(), "case {i}: {got:?}");
        } else {
            assert!(got.iter().any(|m| m == expected), "case {i}: {got:?}");
        }
    }
    // Modulus 11 is not applied: 010190-1235 fails it and is accepted.
    let ok = ContractForm {
        citizen_cpr: "010190-1235".into(),
        ..base.clone()
    };
    assert!(problems(&f, &ok, t).is_empty());
    // A rate year the rate sheet does not have.
    let late = form("K-1", "01.01.2029", "31.12.2029", "01.06.2029");
    let got = problems(&f, &late, day(2028, 12, 1));
    assert!(
        got.iter().any(|m| m == "Takst: takstoversigten har ingen takst for Kildevang efter SEL § 108 i 2029. Indlæs takstoversigten for 2029."),
        "{got:?}"
    );
}

#[test]
fn issued_versions_never_change_and_corrections_are_new_versions() {
    let f = fixture();
    let t = today();
    let draft = f
        .engine
        .contract_create(&form("K-1", "01.12.2026", "30.11.2027", "01.03.2027"), t)
        .unwrap();
    let id = draft.id.clone();
    assert_eq!(draft.state, ContractState::Kladde);
    // A draft keeps what was typed, even when it is wrong.
    let mut typed = draft.form.clone();
    typed.citizen_cpr = "31029".into();
    let saved = f.engine.contract_save(&id, &typed, t).unwrap();
    assert_eq!(saved.form.citizen_cpr, "31029");
    let err = f.engine.contract_issue(&id, t).unwrap_err().to_string();
    assert!(
        err.contains("kan ikke udstedes") && err.contains("CPR-nummer"),
        "{err}"
    );
    typed.citizen_cpr = CPR.into();
    f.engine.contract_save(&id, &typed, t).unwrap();
    let issued = f.engine.contract_issue(&id, t).unwrap();
    assert_eq!(issued.state, ContractState::Udstedt);
    let v1 = issued.data.clone().unwrap();
    assert_eq!(v1.number, id);
    assert_eq!(v1.version, 1);
    assert_eq!(v1.clauses.len(), 17);
    assert!(
        v1.clauses[10]
            .text
            .contains("løbende måned + 1 måned (aftalt i kontrakten)"),
        "{}",
        v1.clauses[10].text
    );
    // Within the agreement the closure clause is the agreement's, with its source.
    assert!(
        v1.clauses[11]
            .text
            .contains("Vi drøfter lukning eller ommærkning")
            && v1.clauses[11]
                .text
                .contains("SJ-2025: 003_7da9664d5a385aa8.txt L214-219"),
        "{}",
        v1.clauses[11].text
    );
    assert_eq!(v1.agreement.as_ref().unwrap().id, "SJ-2025");
    let hash1 = issued.current.data_sha256.clone().unwrap();
    assert_eq!(hash1.len(), 64);

    // No change through the app…
    let err = f
        .engine
        .contract_save(&id, &typed, t)
        .unwrap_err()
        .to_string();
    assert!(err.contains("er udstedt og kan ikke ændres"), "{err}");
    // …nor behind its back.
    f.engine
        .with_db(|db| {
            let c = db.conn();
            assert!(c
                .execute(
                    "UPDATE contract_versions SET form = '{}' WHERE contract_id = ?1",
                    [&id]
                )
                .is_err());
            assert!(c
                .execute(
                    "DELETE FROM contract_versions WHERE contract_id = ?1",
                    [&id]
                )
                .is_err());
            assert!(c
                .execute("DELETE FROM contracts WHERE id = ?1", [&id])
                .is_err());
            // Only the PDF's hash may be set, once.
            assert_eq!(
                c.execute(
                    "UPDATE contract_versions SET pdf_sha256 = 'x' WHERE contract_id = ?1",
                    [&id]
                )
                .unwrap(),
                1
            );
            assert!(c
                .execute(
                    "UPDATE contract_versions SET pdf_sha256 = 'y' WHERE contract_id = ?1",
                    [&id]
                )
                .is_err());
            Ok(())
        })
        .unwrap();

    // A correction: a new version pointing to the old one, with its reason.
    assert!(f.engine.contract_correct(&id, " ", t).is_err());
    let v2 = f
        .engine
        .contract_correct(&id, "Ny nattevagt aftalt", t)
        .unwrap();
    assert_eq!(v2.current.version, 2);
    assert_eq!(v2.current.reason, "Ny nattevagt aftalt");
    let mut changed = v2.form.clone();
    changed
        .addons
        .push(pladsoverblik_core::contracts::AddOnForm {
            description: "Nattevagt".into(),
            basis: "2 timer pr. døgn".into(),
            amount: "450".into(),
            unit: "dag".into(),
        });
    f.engine.contract_save(&id, &changed, t).unwrap();
    let v2 = f.engine.contract_issue(&id, t).unwrap();
    assert_eq!(v2.data.as_ref().unwrap().version, 2);
    assert_ne!(v2.current.data_sha256.as_ref().unwrap(), &hash1);
    assert_eq!(v2.versions[0].data_sha256.as_ref().unwrap(), &hash1);
}

#[test]
fn notice_renewal_and_the_list() {
    let f = fixture();
    let t = today();
    let id = f
        .engine
        .contract_create(&form("K-1", "01.12.2026", "30.11.2027", "01.03.2027"), t)
        .unwrap()
        .id;
    f.engine.contract_issue(&id, t).unwrap();
    assert!(f
        .engine
        .contract_set_state(&id, ContractState::Kladde, t)
        .is_err());
    f.engine
        .contract_set_state(&id, ContractState::Underskrevet, t)
        .unwrap();
    f.engine
        .contract_set_state(&id, ContractState::Aktiv, t)
        .unwrap();

    // The list: CPR masked, running out flagged within 60 days.
    let list = f.engine.contracts(day(2027, 10, 15)).unwrap();
    assert_eq!(list[0].citizen_cpr_masked, "010190-xxxx");
    assert_eq!(
        list[0].warnings,
        vec!["Udløber om 46 dage (30.11.2027)".to_string()]
    );
    let list = f.engine.contracts(day(2027, 2, 20)).unwrap();
    assert_eq!(
        list[0].warnings,
        vec!["Opfølgning 01.03.2027 (om 9 dage)".to_string()]
    );

    // Renewal: a new time-limited draft from the day after the end.
    let renewal = f.engine.contract_renew(&id, day(2027, 10, 15)).unwrap();
    assert_eq!(renewal.renewed_from.as_deref(), Some(id.as_str()));
    assert_eq!(renewal.form.start, "01.12.2027");
    assert_eq!(renewal.form.end, "30.11.2028");
    assert_eq!(renewal.form.followups, "01.03.2028");
    assert!(f.engine.contract_renew(&id, day(2027, 10, 15)).is_err());
    f.engine
        .contract_issue(&renewal.id, day(2027, 10, 15))
        .unwrap();
    let old = f.engine.contract(&id, day(2027, 10, 15)).unwrap();
    assert_eq!(old.state, ContractState::Fornyet);
    assert_eq!(old.renewed_by.as_deref(), Some(renewal.id.as_str()));

    // Notice given mid-month by the buyer: the rest of March and all of April.
    let err = f
        .engine
        .contract_terminate(
            &renewal.id,
            NoticeParty::Koeber,
            day(2028, 3, 12),
            day(2028, 3, 1),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("ligger i fremtiden"), "{err}");
    let ended = f
        .engine
        .contract_terminate(
            &renewal.id,
            NoticeParty::Koeber,
            day(2028, 3, 12),
            day(2028, 3, 12),
        )
        .unwrap();
    let term = ended.termination.unwrap();
    assert_eq!(term.last_day, day(2028, 4, 30));
    assert_eq!(
        term.text,
        "Opsagt af køber den 12.03.2028; sidste dag 30.04.2028."
    );
    assert_eq!(ended.state, ContractState::Opsagt);
}

#[test]
fn a_private_offer_needs_a_valid_check_for_the_same_need_and_pl_uplift() {
    let f = fixture();
    let t = today();
    let mut fm = form("P-2", "01.12.2026", "30.11.2027", "01.03.2027");
    fm.provider_cvr = "29403473".into();
    let got = problems(&f, &fm, t);
    assert!(
        got.iter().any(|m| m.starts_with("Afstemning: Autismehuset Ørnereden er et privat tilbud og kan kun vælges gennem en lukket afstemning")),
        "{got:?}"
    );

    // A check for this need (age 36 in November 2026 from the CPR), closed as justified.
    let check = f
        .engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Privat,
                need: Need {
                    legal_basis: LegalBasis::Sel108,
                    target_group: "FN.P.IK.AU".into(),
                    age: 36,
                    home_municipality: 265,
                    wanted_start: day(2026, 12, 1),
                },
                reference: String::new(),
                radius_km: Some(0),
            },
            t,
        )
        .unwrap();
    for c in &check.candidates {
        f.engine
            .check_reject(
                &check.id,
                &Rejection {
                    offer_id: c.offer_id.clone(),
                    reason: RejectReason::AfslaaetAfTilbuddet,
                    note: "Tilbuddet kan ikke tage borgeren ind.".into(),
                    decided_by: "Lone Leder".into(),
                },
                t,
            )
            .unwrap();
    }
    f.engine
        .check_close(
            &check.id,
            &Closing {
                conclusion: Conclusion::PrivatBegrundet,
                chosen_offer_id: None,
                note: String::new(),
            },
            t,
        )
        .unwrap();
    fm.check_id = check.id.clone();

    // Into 2027 outside the rammeaftale, the rate is uplifted by the PL rate, which must be set.
    let got = problems(&f, &fm, t);
    assert!(
        got.iter()
            .any(|m| m.contains("PL-satsen for 2027, som ikke er sat")),
        "{got:?}"
    );
    f.engine.set_setting("pl_rate_2027", "2,9").unwrap();
    let e = f.engine.contract_evaluate(&fm, t).unwrap();
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(
        e.template.as_ref().unwrap().id,
        "voksne-uden-for-rammeaftale"
    );
    let price = e.price.unwrap();
    assert_eq!(price.lines[1].amount, dec("3272.22")); // 3.180 × 1,029
    assert_eq!(price.lines[1].basis, "2026-takst + PL 2,9 %");
    assert_eq!(price.years[1].rule, "2026-takst + PL 2,9 %");
    assert!(
        price.vat_text.starts_with("Taksten indeholder leverandørens ikke-fradragsberettigede moms (6 % af taksten uden moms")
            && price.vat_text.contains("momsrefusionsordningen")
            && !price.vat_text.contains("inkl."),
        "{}",
        price.vat_text
    );
    assert!(e.payment_timing_negotiable);

    // The same check cannot carry a citizen of another age.
    let other = ContractForm {
        citizen_cpr: "010100-4000".into(),
        ..fm.clone()
    };
    let got = problems(&f, &other, t);
    assert!(
        got.iter()
            .any(|m| m.contains("gælder et andet behov") && m.contains("alder 26 år")),
        "{got:?}"
    );
    // Nor be used after its validity.
    let closed_on = f.engine.check(&check.id, t).unwrap().closed.unwrap();
    let got = problems(&f, &fm, closed_on.valid_until.succ_opt().unwrap());
    assert!(got.iter().any(|m| m.contains("udløb")), "{got:?}");

    let id = f.engine.contract_create(&fm, t).unwrap().id;
    let issued = f.engine.contract_issue(&id, t).unwrap();
    assert_eq!(issued.check_id.as_deref(), Some(check.id.as_str()));
}

#[test]
fn the_citizen_is_never_in_the_audit_log() {
    let f = fixture();
    let t = today();
    let id = f
        .engine
        .contract_create(&form("K-1", "01.12.2026", "30.11.2027", "01.03.2027"), t)
        .unwrap()
        .id;
    f.engine.contract_issue(&id, t).unwrap();
    f.engine
        .contract_correct(&id, "Rettelse af mål", t)
        .unwrap();
    let log = common::audit_lines(&f.engine);
    assert!(log.iter().any(|l| l.starts_with("contract.issue")));
    for line in &log {
        assert!(
            !line.contains("010190") && !line.contains("Søren"),
            "{line}"
        );
    }
}

#[test]
fn spend_per_year_from_issued_contracts_cut_at_notice() {
    let f = fixture();
    let t = today();
    let mut fm = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027");
    fm.addons.push(pladsoverblik_core::contracts::AddOnForm {
        description: "Ekstra nattevagt".into(),
        basis: "2 timer pr. døgn".into(),
        amount: "450".into(),
        unit: "dag".into(),
    });
    let id = f.engine.contract_create(&fm, t).unwrap().id;
    // A draft costs nothing yet.
    assert!(spend(&f).rows.is_empty());
    f.engine.contract_issue(&id, t).unwrap();
    let r = spend(&f);
    let totals: Vec<(i32, bool, String)> = r
        .rows
        .iter()
        .map(|x| (x.year, x.public, x.total_text.clone()))
        .collect();
    // 2026: 31 days × (3.200 + 450); 2027: 334 days × (3.300 + 450).
    assert_eq!(
        totals,
        vec![
            (2026, true, "113.150,00 kr.".into()),
            (2027, true, "1.252.500,00 kr.".into())
        ]
    );
    // Notice from the buyer on 12.03.2027: the contract ends 30.04.2027 (120 days of 2027).
    f.engine
        .contract_terminate(&id, NoticeParty::Koeber, day(2027, 3, 12), day(2027, 3, 12))
        .unwrap();
    let r = spend(&f);
    assert_eq!(r.rows[1].total_text, "450.000,00 kr.");
    assert_eq!(
        r.years,
        vec![
            (2026, dec("113150.00"), Decimal::ZERO),
            (2027, dec("450000.00"), Decimal::ZERO)
        ]
    );
    let csv = String::from_utf8(pladsoverblik_core::reports::spend_table(&r).to_csv()).unwrap();
    assert!(
        csv.contains("2027;Offentlige;SEL § 108;1;450.000,00;0,00\r\n"),
        "{csv}"
    );
}

#[test]
fn amounts_too_large_and_texts_too_long_are_problems_not_panics() {
    let f = fixture();
    let t = today();
    let mut typed = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027");
    // An add-on of 3e26 kr. used to overflow the price and panic for ever after.
    typed.addons = vec![pladsoverblik_core::contracts::AddOnForm {
        description: "Ekstra støtte".into(),
        basis: "Timer efter aftale".into(),
        amount: "300000000000000000000000000".into(),
        unit: "dag".into(),
    }];
    let draft = f.engine.contract_create(&typed, t).unwrap();
    let messages: Vec<String> = draft
        .evaluation
        .problems
        .iter()
        .map(|p| p.message.clone())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with(
            "Tillægsydelse 1, beløb: døgntaksten 300.000.000.000.000.000.000.000.000,00 kr. ligger uden for det mulige"
        )),
        "{messages:?}"
    );
    // "1e5" is no amount.
    typed.addons[0].amount = "1e5".into();
    let p = problems(&f, &typed, t);
    assert!(
        p.iter()
            .any(|m| m.starts_with("Tillægsydelse 1, beløb: «1e5» skal være et beløb over 0")),
        "{p:?}"
    );
    // The stored draft opens again, and the draft can be issued once the amount is right.
    typed.addons[0].amount = "450".into();
    f.engine.contract_save(&draft.id, &typed, t).unwrap();
    assert!(f
        .engine
        .contract(&draft.id, t)
        .unwrap()
        .evaluation
        .problems
        .is_empty());

    // A name of 17.000 characters is kept as a draft only up to ten times the limit, and
    // never issued.
    let mut long = typed.clone();
    long.citizen_name = "Å".repeat(1_500);
    let saved = f.engine.contract_save(&draft.id, &long, t).unwrap();
    assert!(
        saved
            .evaluation
            .problems
            .iter()
            .any(|p| p.field == "citizen_name"
                && p.message == "Borgerens navn er 1.500 tegn lang; højst 200 tegn er tilladt."),
        "{:?}",
        saved.evaluation.problems
    );
    assert!(f.engine.contract_issue(&draft.id, t).is_err());
    long.citizen_name = "Å".repeat(50_000);
    let e = f.engine.contract_save(&draft.id, &long, t).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Borgerens navn er 50.000 tegn lang; højst 2.000 tegn er tilladt."
    );
    // The refused save changed nothing.
    let kept = f.engine.contract(&draft.id, t).unwrap();
    assert_eq!(kept.form.citizen_name.chars().count(), 1_500);
    // CVR and EAN of zeros pass their check digits but are no numbers.
    let mut zeros = typed.clone();
    zeros.provider_cvr = "00000000".into();
    zeros.provider_ean = "0000000000000".into();
    let p = problems(&f, &zeros, t);
    assert!(
        p.iter().any(|m| m.contains("begynder ikke med 0"))
            && p.iter().any(|m| m.contains("kun nuller")),
        "{p:?}"
    );
}

#[test]
fn a_draft_can_be_discarded_and_an_issued_contract_cannot() {
    let f = fixture();
    let t = today();
    let draft = f
        .engine
        .contract_create(&form("K-1", "01.12.2026", "30.11.2027", "01.03.2027"), t)
        .unwrap();
    let text = f.engine.contract_discard(&draft.id, t).unwrap();
    assert_eq!(
        text,
        format!(
            "Kladden {} er kasseret; nummeret bruges ikke igen.",
            draft.id
        )
    );
    // Gone from the list and from the database (the citizen's data with it); the number stays
    // taken and the audit log says who discarded it.
    assert!(f
        .engine
        .contracts(t)
        .unwrap()
        .iter()
        .all(|c| c.id != draft.id));
    let e = f.engine.contract(&draft.id, t).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "Kontrakt {} er en kasseret kladde (kasseret ",
            draft.id
        )),
        "{e}"
    );
    let cpr_rows: i64 = f
        .engine
        .with_db(|db| {
            Ok(db.conn().query_row(
                "SELECT COUNT(*) FROM contract_versions WHERE form LIKE '%010190%'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(cpr_rows, 0);
    let next = f
        .engine
        .contract_create(&form("K-1", "01.12.2026", "30.11.2027", "01.03.2027"), t)
        .unwrap();
    assert_ne!(next.id, draft.id);
    let logged: i64 = f
        .engine
        .with_db(|db| {
            Ok(db.conn().query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'contract.discard' AND subject = ?1",
                [&draft.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(logged, 1);
    // Issued: refused. A correction's draft: discarded, and version 1 is in force again.
    f.engine.contract_issue(&next.id, t).unwrap();
    let e = f
        .engine
        .contract_discard(&next.id, t)
        .unwrap_err()
        .to_string();
    assert!(e.contains("er udstedt og kan ikke kasseres"), "{e}");
    f.engine
        .contract_correct(&next.id, "Forkert kontaktperson", t)
        .unwrap();
    let text = f.engine.contract_discard(&next.id, t).unwrap();
    assert!(
        text.starts_with(&format!(
            "Rettelsen (version 2) af kontrakt {} er kasseret; version 1 gælder fortsat",
            next.id
        )),
        "{text}"
    );
    let back = f.engine.contract(&next.id, t).unwrap();
    assert_eq!(back.current.version, 1);
    assert!(back.current.issued);
}

#[test]
fn the_json_view_can_mask_the_cpr() {
    let f = fixture();
    let t = today();
    let draft = f
        .engine
        .contract_create(&form("K-1", "01.12.2026", "30.11.2027", "01.03.2027"), t)
        .unwrap();
    let issued = f.engine.contract_issue(&draft.id, t).unwrap();
    assert_eq!(issued.citizen_cpr_masked, "010190-xxxx");
    let json = serde_json::to_string(&issued.clone().masked()).unwrap();
    assert!(
        !json.contains("010190-1234") && !json.contains("0101901234"),
        "{json}"
    );
    assert!(json.contains("010190-xxxx"));
    // The unmasked view still holds the number (the contract itself needs it).
    assert!(serde_json::to_string(&issued)
        .unwrap()
        .contains("010190-1234"));
}

/// "Opret kontrakt" in the window: nothing is stored while the form holds only the prefill
/// (the list never fills with empty drafts); once a field is typed or changed, it is stored.
#[test]
fn a_new_contract_is_stored_only_once_something_is_typed() {
    let f = fixture();
    let t = today();
    let prefilled = f.engine.contract_prefill(None, Some("K-1"), t).unwrap();
    for _ in 0..3 {
        let e = f
            .engine
            .contract_create_typed(&prefilled, t)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Kladden er ikke gemt"), "{e}");
    }
    assert!(f.engine.contracts(t).unwrap().is_empty());
    // Spaces typed around the prefilled values, and the budget's unit as the window shows it
    // first, are still nothing.
    let mut spaced = prefilled.clone();
    spaced.end = format!(" {} ", prefilled.end);
    spaced.citizen_name = "  ".into();
    spaced.budget.unit = "dag".into();
    assert!(f.engine.contract_create_typed(&spaced, t).is_err());
    // One field typed: stored, with what was typed.
    let mut typed = prefilled.clone();
    typed.citizen_name = "Søren Ærø Åberg".into();
    let draft = f.engine.contract_create_typed(&typed, t).unwrap();
    assert_eq!(draft.form.citizen_name, "Søren Ærø Åberg");
    let list = f.engine.contracts(t).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, draft.id);
    // A changed prefilled value counts too (another end date).
    let mut changed = prefilled.clone();
    changed.end = "31.05.2027".into();
    assert_ne!(changed.end, prefilled.end);
    f.engine.contract_create_typed(&changed, t).unwrap();
    assert_eq!(f.engine.contracts(t).unwrap().len(), 2);
}

/// An issued contract received from the municipality's server, made on another computer
/// (`sync::receive`, issue 15): its data byte for byte with the hash checked, read-only,
/// counted once in the spend report; this computer's own coming back is skipped; and a
/// number received is never given again here.
#[test]
fn a_contract_received_from_another_computer_is_read_only_and_counted_once() {
    use pladsoverblik_core::contracts::store::issued_versions;
    use pladsoverblik_core::sync::receive::{receive_version, Origin, Outcome};
    let (a, b) = (fixture(), fixture());
    let fm = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027");
    for _ in 0..2 {
        let id = a.engine.contract_create(&fm, today()).unwrap().id;
        a.engine.contract_issue(&id, today()).unwrap();
    }
    // Only the second reaches the other computer.
    let v = a
        .engine
        .with_db(|db| issued_versions(db.conn()))
        .unwrap()
        .into_iter()
        .find(|v| v.contract_id == "K-2026-0002")
        .unwrap();
    let origin = Origin {
        sha256: v.sha256.clone(),
        installation: a
            .engine
            .with_db(|db| pladsoverblik_core::sync::installation_id(db.conn()))
            .unwrap(),
        pushed_by: "oe".into(),
        pushed_at: "2026-11-24T10:15:00".into(),
    };
    let receive = |f: &Fixture, v: &pladsoverblik_core::contracts::store::IssuedVersion| {
        f.engine
            .with_db(|db| receive_version(db.conn(), v, &origin))
    };
    // Changed on the way: not taken, nothing stored.
    let mut changed = v.clone();
    changed.data = v.data.replace("Mestre egen økonomi", "Mestre alt");
    assert_ne!(changed.data, v.data);
    let msg = receive(&b, &changed).unwrap_err().to_string();
    assert!(
        msg.contains("Kontrakt K-2026-0002 version 1 fra kommunens server kan ikke læses")
            && msg.contains("kontrolsummen (SHA-256) passer ikke"),
        "{msg}"
    );
    assert!(b.engine.contracts(today()).unwrap().is_empty());
    // As issued: taken, and only once.
    assert_eq!(receive(&b, &v).unwrap(), Outcome::Taken);
    assert_eq!(receive(&b, &v).unwrap(), Outcome::AlreadyHere);
    let theirs = a.engine.contract("K-2026-0002", today()).unwrap();
    let here = b.engine.contract("K-2026-0002", today()).unwrap();
    assert_eq!(here.data, theirs.data);
    assert_eq!(here.current.data_sha256, theirs.current.data_sha256);
    assert_eq!(
        here.received.as_deref(),
        Some(
            "Hentet fra kommunens server: sendt af oe 24.11.2026 kl. 10:15 fra en anden computer."
        )
    );
    let list = b.engine.contracts(today()).unwrap();
    assert_eq!(
        (list.len(), list[0].citizen_cpr_masked.as_str()),
        (1, "010190-xxxx")
    );
    let cells = |f: &Fixture| -> Vec<(i32, Decimal, usize)> {
        spend(f)
            .rows
            .iter()
            .map(|r| (r.year, r.total, r.contracts))
            .collect()
    };
    let one = cells(&b);
    assert_eq!(
        one.iter().map(|c| c.1).sum::<Decimal>(),
        theirs.data.unwrap().price.total
    );
    assert!(one.iter().all(|c| c.2 == 1), "{one:?}");
    // Its own version coming back to the first computer is skipped, not doubled.
    assert_eq!(receive(&a, &v).unwrap(), Outcome::AlreadyHere);
    assert!(cells(&a).iter().all(|c| c.2 == 2));
    // A change here is refused in Danish.
    let msg = b
        .engine
        .contract_set_state("K-2026-0002", ContractState::Aktiv, today())
        .unwrap_err()
        .to_string();
    assert!(msg.starts_with("Kontrakt K-2026-0002 kan ikke ændres på denne computer: Hentet fra kommunens server: sendt af oe"), "{msg}");
    // Counted here, the next number passes the one received.
    assert_eq!(
        b.engine.contract_create(&fm, today()).unwrap().id,
        "K-2026-0003"
    );
    assert_eq!(
        b.engine.contract_create(&fm, today()).unwrap().id,
        "K-2026-0004"
    );
}

/// A lifecycle event from the server for a contract that is not the server's here (this
/// computer's own under the number, or none) changes nothing, is kept with its Danish reason
/// and is not reported again; this computer's own event coming back is skipped.
#[test]
fn an_event_for_a_contract_not_received_here_changes_nothing() {
    use pladsoverblik_core::sync::receive::{receive_event, Origin, Outcome};
    let (a, b) = (fixture(), fixture());
    let fm = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027");
    let id = b.engine.contract_create(&fm, today()).unwrap().id;
    b.engine.contract_issue(&id, today()).unwrap();
    let other = |f: &Fixture| Origin {
        sha256: "ab".repeat(32),
        installation: f
            .engine
            .with_db(|db| pladsoverblik_core::sync::installation_id(db.conn()))
            .unwrap(),
        pushed_by: "oe".into(),
        pushed_at: "2026-11-24T10:15:00".into(),
    };
    let receive = |id: &str, o: &Origin| {
        b.engine
            .with_db(|db| receive_event(db.conn(), id, "underskrevet", &json!({}), o))
            .unwrap()
    };
    // This computer's own event coming back.
    assert_eq!(receive(&id, &other(&b)), Outcome::AlreadyHere);
    // Another computer's event under this computer's own contract's number.
    let Outcome::Conflict(why) = receive(&id, &other(&a)) else {
        panic!("a conflict expected");
    };
    assert!(
        why.starts_with(&format!(
            "Kontrakt {id} er markeret «underskrevet» på kommunens server (af oe), men det er ikke anvendt her: kontrakten med det nummer her er en anden end serverens."
        )),
        "{why}"
    );
    assert_eq!(
        b.engine.contract(&id, today()).unwrap().state,
        ContractState::Udstedt
    );
    assert_eq!(
        receive(&id, &other(&a)),
        Outcome::AlreadyHere,
        "reported once"
    );
    let Outcome::Conflict(why) = receive("K-2026-0099", &other(&a)) else {
        panic!("a conflict expected");
    };
    assert!(
        why.contains("kontrakten findes ikke på denne computer"),
        "{why}"
    );
}

/// The citizen against the offer and the law (issue 10): an age outside the offer's range and
/// a birth date after today are problems on the CPR field; an old paragraph (SEL § 66) is read
/// as today's, Barnets Lov § 43, with a note.
#[test]
fn the_citizens_age_and_birth_date_and_an_old_paragraph_are_read_as_the_law_says() {
    let f = fixture_with(|cat| cat["offers"][0]["age"] = json!({"min": 18, "max": 30}));
    let t = day(2026, 11, 24);
    // 010190: 36 years old on 01.12.2026, over Kildevang's 18-30 år.
    let base = form("K-1", "01.12.2026", "30.11.2027", "01.03.2027");
    let got = problems(&f, &base, t);
    assert!(
        got.contains(
            &"Alder: Borgeren er 36 år på startdatoen; Kildevang har pladser til 18-30 år."
                .to_string()
        ),
        "{got:?}"
    );
    let young = ContractForm {
        citizen_cpr: "150601-4234".into(),
        ..base.clone()
    };
    assert!(problems(&f, &young, t).is_empty());
    let unborn = ContractForm {
        citizen_cpr: "011226-4000".into(),
        ..base.clone()
    };
    let got = problems(&f, &unborn, t);
    assert!(
        got.contains(&"CPR-nummer: fødselsdatoen 01.12.2026 ligger efter i dag.".to_string()),
        "{got:?}"
    );
    let old = ContractForm {
        legal_basis: "SEL § 66".into(),
        ..young.clone()
    };
    let e = f.engine.contract_evaluate(&old, t).unwrap();
    assert!(
        e.notes.contains(&"Lovgrundlag: «SEL § 66» er afløst af Barnets Lov § 43 fra 01.01.2024; kontrakten bruger Barnets Lov § 43.".to_string()),
        "{:?}",
        e.notes
    );
    // Read as § 43, which Kildevang does not offer (a contract under an old paragraph is never
    // issued as if it were § 108).
    assert!(
        e.problems
            .iter()
            .any(|p| p.field == "legal_basis" && p.message.contains("Barnets Lov § 43")),
        "{:?}",
        e.problems
    );
}

/// The buyer's agreement decides the terms (issue 10): inside Rammeaftale Sjælland, which fixes
/// no notice, the contract is not issued until the notice is typed; an offer only another
/// agreement covers is bought outside the buyer's, with the payment-agreement note; after the
/// buyer's agreement has ended, the last one is used and marked as such on the contract.
#[test]
fn the_buyers_agreement_decides_the_terms_and_an_ended_one_is_marked_on_the_contract() {
    let f = fixture();
    let t = day(2026, 11, 24);
    let untyped = ContractForm {
        notice_buyer: String::new(),
        ..form("K-1", "01.12.2026", "30.11.2027", "01.03.2027")
    };
    let e = f.engine.contract_evaluate(&untyped, t).unwrap();
    let agreement = e.agreement.clone().unwrap();
    assert_eq!(
        (agreement.id.as_str(), agreement.fallback),
        ("SJ-2025", false)
    );
    let expected = format!(
        "Købers opsigelsesvarsel: ikke fastsat i {} – skriv det aftalte varsel, fx «løbende måned + 1 måned».",
        agreement.name
    );
    assert!(
        e.problems
            .iter()
            .any(|p| p.field == "notice_buyer" && p.message == expected),
        "{:?}",
        e.problems
    );
    let id = f.engine.contract_create(&untyped, t).unwrap().id;
    assert!(f.engine.contract_issue(&id, t).is_err());
    let typed = ContractForm {
        notice_buyer: "løbende måned + 1 måned".into(),
        ..untyped.clone()
    };
    f.engine.contract_save(&id, &typed, t).unwrap();
    let issued = f.engine.contract_issue(&id, t).unwrap();
    assert!(issued.data.is_some());

    // Bostedet Øresund (Copenhagen) is covered by Hovedstaden's agreement, not Roskilde's.
    let outside = form("H-1", "01.12.2026", "30.11.2027", "01.03.2027");
    let e = f.engine.contract_evaluate(&outside, t).unwrap();
    assert_eq!(e.agreement.as_ref().map(|a| a.id.as_str()), Some("SJ-2025"));
    assert!(
        e.notes
            .iter()
            .any(|n| n.starts_with("Tilbuddet er omfattet af ")
                && n.contains("som ikke binder køber")),
        "{:?}",
        e.notes
    );
    assert!(
        e.template
            .as_ref()
            .is_some_and(|t| t.id.contains("uden-for")),
        "{:?}",
        e.template
    );

    // On 05.01.2027 no loaded agreement is in force for Roskilde: Rammeaftale Sjælland
    // 2025-2026 is used, marked as ended, on the contract and in its notes.
    let later = form("K-1", "05.01.2027", "04.01.2028", "05.04.2027");
    let e = f
        .engine
        .contract_evaluate(&later, day(2026, 12, 20))
        .unwrap();
    let agreement = e.agreement.clone().unwrap();
    assert_eq!(
        (agreement.id.as_str(), agreement.fallback),
        ("SJ-2025", true)
    );
    assert!(
        e.notes
            .iter()
            .any(|n| n.starts_with("Rammeaftale: ") && n.contains(&agreement.text)),
        "{:?}",
        e.notes
    );
}

/// `plads contract draft --offer K-1 --start 01.03.2027`: the end and the first follow-up
/// follow the start (the longest term, 12 months over the leap day; three months in), not
/// today.
#[test]
fn a_draft_with_only_a_start_takes_its_end_and_follow_up_from_the_start() {
    let f = fixture();
    let mut form = f
        .engine
        .contract_prefill(None, Some("K-1"), day(2026, 11, 24))
        .unwrap();
    f.engine
        .with_db(|db| {
            pladsoverblik_core::contracts::term_from_start(db.conn(), day(2027, 3, 1), &mut form)
        })
        .unwrap();
    assert_eq!(
        (
            form.start.as_str(),
            form.end.as_str(),
            form.followups.as_str()
        ),
        ("01.03.2027", "29.02.2028", "01.06.2027")
    );
}
