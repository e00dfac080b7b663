//! One-person projects (R4; seed 003 L226 "Vi afsøger om andre kommuner kan være med i et
//! botilbud, før vi opretter et enkeltmandstilbud"): the check that records which
//! municipalities were asked, when, how and their answers; and the contract whose individually
//! costed budget must add up to its rate, issued only with a closed check of this kind where
//! the buyer's agreement requires it. Hand-checked figures, on a real SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::catalogue::model::LegalBasis;
use pladsoverblik_core::contracts::{BudgetForm, BudgetLineForm, ContractForm};
use pladsoverblik_core::placement::forms::{AnswerForm, ClosingForm, InquiryForm};
use pladsoverblik_core::placement::{
    Answer, CheckKind, CheckStatus, Closing, Conclusion, Need, NewCheck, OnePersonClosing,
    RejectReason, Rejection,
};
use pladsoverblik_core::{Engine, Error};
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
}

/// The small fixture plus "E-1 Enkeltmandsprojekt Skovbrynet": Roskilde's own offer (within
/// Rammeaftale Sjælland 2025-2026 for a Roskilde buyer) without any rate.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = small_json();
    let offers = cat["offers"].as_array_mut().unwrap();
    let mut e1 = offers[0].clone();
    e1["id"] = json!("E-1");
    e1["name"] = json!("Enkeltmandsprojekt Skovbrynet");
    e1["rates"] = json!([]);
    offers.push(e1);
    let file = write_json(dir.path(), "k.json", &cat);
    let engine = Engine::open(&dir.path().join("t.sqlite")).unwrap();
    engine.import_file(&file, |_, _| {}).unwrap();
    engine.set_setting("user_name", "Karen Jensen").unwrap();
    Fixture { _dir: dir, engine }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn msg(e: Error) -> String {
    e.to_string()
}

/// A Roskilde citizen of 36 (CPR 010190-1234 on the check's day) under SEL § 108.
fn need() -> Need {
    Need {
        legal_basis: LegalBasis::Sel108,
        target_group: "FN.P.IK.AU".into(),
        age: 36,
        home_municipality: 265,
        wanted_start: day(2026, 12, 1),
    }
}

fn one_person_check(f: &Fixture) -> String {
    f.engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Enkeltmand,
                need: need(),
                reference: "Sag 27.13.20-P20-7-26".into(),
                radius_km: Some(0),
            },
            today(),
        )
        .unwrap()
        .id
}

fn ask(municipality: &str, answer: &str, text: &str) -> InquiryForm {
    InquiryForm {
        municipality: municipality.into(),
        asked_on: "20.11.2026".into(),
        method: "email".into(),
        contact: "Visitationschefen".into(),
        answer: answer.into(),
        answered_on: if answer.is_empty() {
            String::new()
        } else {
            "23.11.2026".into()
        },
        answer_text: text.into(),
    }
}

/// A one-person check where Køge said no, closed: the one-person project is justified.
fn closed_one_person_check(f: &Fixture) -> String {
    let id = one_person_check(f);
    let q = ask(
        "Køge",
        "nej",
        "Ingen ledige boliger og ingen borgere med samme behov.",
    );
    f.engine
        .check_inquire(&id, &q.parse().unwrap(), today())
        .unwrap();
    let closing = ClosingForm {
        conclusion: "enkeltmand_begrundet".into(),
        ..Default::default()
    };
    f.engine.check_close_form(&id, &closing, today()).unwrap();
    id
}

fn budget(rate: &str, staffing: &str, premises: &str, overhead: &str, other: &str) -> BudgetForm {
    let line = |amount: &str, basis: &str| BudgetLineForm {
        amount: amount.into(),
        basis: basis.into(),
    };
    BudgetForm {
        unit: "dag".into(),
        rate: rate.into(),
        staffing: line(staffing, "5,2 årsværk à 552.000 kr. / 365 dage ≈ 7.864 kr.; her 4.200 kr. pr. døgn efter normering"),
        premises: line(premises, "Husleje og drift af bolig, 401.500 kr. om året / 365"),
        overhead: line(overhead, "Ledelse og administration, 10 % af personale og lokaler"),
        other: line(other, "Aktiviteter, kost og transport"),
    }
}

/// A one-person contract on E-1 for 01.12.2026-30.11.2027 with an agreed rate of 6.850 kr.
/// per day whose budget adds up (4.200 + 1.100 + 650 + 900).
fn form(check: &str) -> ContractForm {
    ContractForm {
        offer_id: "E-1".into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "Roskilde".into(),
        buyer_ean: "5798000000001".into(),
        provider_ean: "5790000000005".into(),
        citizen_name: "Søren Ærø Åberg".into(),
        citizen_cpr: "010190-1234".into(),
        intervention: "Enkeltmandsprojekt med døgndækning i egen bolig.".into(),
        goals: "Stabil hverdag i egen bolig".into(),
        start: "01.12.2026".into(),
        end: "30.11.2027".into(),
        followups: "01.03.2027".into(),
        notice_buyer: "løbende måned + 1 måned".into(),
        notice_provider: "løbende måned + 3 måneder".into(),
        payment_timing: "forud".into(),
        payment_days: "30".into(),
        absence_days: "30".into(),
        hospital_days: "30".into(),
        closure: "Ved lukning varsles køber med leverandørens opsigelsesvarsel.".into(),
        one_person: true,
        one_person_check_id: check.into(),
        budget: budget("6.850,00", "4.200,00", "1.100,00", "650,00", "900,00"),
        ..Default::default()
    }
}

fn problems(f: &Fixture, form: &ContractForm) -> Vec<(String, String)> {
    f.engine
        .contract_evaluate(form, today())
        .unwrap()
        .problems
        .into_iter()
        .map(|p| (p.field, p.message))
        .collect()
}

#[test]
fn the_check_records_who_was_asked_when_how_and_their_answers() {
    let f = fixture();
    let id = one_person_check(&f);
    let check = f.engine.check(&id, today()).unwrap();
    // Not a search for free places: no candidates; the agreement's rule with its source.
    assert!(check.candidates.is_empty());
    let rule = check.one_person_rule.clone().unwrap();
    assert!(rule.required);
    assert_eq!(rule.agreement_id, "SJ-2025");
    assert!(
        rule.source.starts_with("003_7da9664d5a385aa8.txt L226"),
        "{}",
        rule.source
    );
    // The agreement's other 16 members can be asked; not Roskilde itself.
    assert_eq!(check.not_asked.len(), 16);
    assert!(check.not_asked.iter().all(|m| m.code != 265));
    assert!(check.not_asked.iter().any(|m| m.name == "Køge"));

    let close = |c: ClosingForm| f.engine.check_close_form(&id, &c, today());
    let justified = ClosingForm {
        conclusion: "enkeltmand_begrundet".into(),
        ..Default::default()
    };
    let err = msg(close(justified.clone()).unwrap_err());
    assert!(err.contains("Ingen kommune er spurgt endnu"), "{err}");

    // Asked, no answer yet: still not closable.
    let q = ask("Køge", "", "");
    f.engine
        .check_inquire(&id, &q.parse().unwrap(), today())
        .unwrap();
    let err = msg(close(justified.clone()).unwrap_err());
    assert!(
        err.contains("Ingen af de spurgte kommuner har svaret endnu (Køge Kommune)"),
        "{err}"
    );

    // Each bad input is named.
    let bad = [
        (
            ask("Roskilde", "", ""),
            "Kommune: Roskilde er borgerens hjemkommune",
        ),
        (
            InquiryForm {
                asked_on: "26.11.2026".into(),
                ..ask("Solrød", "", "")
            },
            "Spurgt: 26.11.2026 ligger i fremtiden.",
        ),
        (
            ask("Solrød", "nej", ""),
            "Svar: skriv hvad Solrød Kommune svarede",
        ),
        (
            InquiryForm {
                contact: " ".into(),
                ..ask("Solrød", "", "")
            },
            "Spurgt hos kommunen: skal udfyldes.",
        ),
        (
            InquiryForm {
                answered_on: "19.11.2026".into(),
                ..ask("Solrød", "nej", "Nej.")
            },
            "Svardato: 19.11.2026 ligger før kommunen blev spurgt (20.11.2026).",
        ),
        (
            ask("Solrød", "nej", "Borger 010190-1234 passer ikke"),
            "Svar: ligner et CPR-nummer.",
        ),
    ];
    for (form, expected) in bad {
        let err = msg(f
            .engine
            .check_inquire(&id, &form.parse().unwrap(), today())
            .unwrap_err());
        assert!(err.starts_with(expected), "{err}");
    }
    assert_eq!(
        msg(ask("Atlantis", "", "").parse().unwrap_err()),
        "Kommune: Kommunen «Atlantis» findes ikke."
    );

    // Køge's answer comes later: a new record; Holbæk answers yes to a shared offer.
    let (code, answer) = AnswerForm {
        municipality: "Køge".into(),
        answer: "nej".into(),
        answered_on: "23.11.2026".into(),
        answer_text: "Ingen ledige boliger og ingen borgere med samme behov.".into(),
    }
    .parse()
    .unwrap();
    f.engine.check_answer(&id, code, &answer, today()).unwrap();
    let q = ask(
        "Holbæk",
        "ja_faelles",
        "Vil gerne være med i et fælles botilbud for to borgere.",
    );
    let check = f
        .engine
        .check_inquire(&id, &q.parse().unwrap(), today())
        .unwrap();
    assert_eq!(check.inquiries.len(), 3);
    let asked: Vec<(&str, Option<Answer>)> = check
        .asked
        .iter()
        .map(|r| (r.municipality.as_str(), r.answer))
        .collect();
    assert_eq!(
        asked,
        vec![
            ("Holbæk", Some(Answer::JaFaelles)),
            ("Køge", Some(Answer::Nej))
        ]
    );
    assert_eq!(
        check.asked[1].text,
        "Køge Kommune: spurgt 20.11.2026 pr. e-mail (Visitationschefen); svar 23.11.2026: Nej, kan ikke være med – Ingen ledige boliger og ingen borgere med samme behov."
    );
    assert_eq!(check.not_asked.len(), 14);

    // A yes blocks "no one could join" until the note says why; a shared offer needs a yes.
    let err = msg(close(justified.clone()).unwrap_err());
    assert!(err.contains("Holbæk Kommune har svaret ja"), "{err}");
    let shared_koege = ClosingForm {
        conclusion: "faelles".into(),
        chosen_municipality: "Køge".into(),
        ..Default::default()
    };
    let err = msg(close(shared_koege).unwrap_err());
    assert!(err.contains("Køge Kommune har ikke svaret ja"), "{err}");
    // The private conclusion does not fit.
    let err = msg(close(ClosingForm {
        conclusion: "privat_begrundet".into(),
        ..Default::default()
    })
    .unwrap_err());
    assert!(err.contains("passer ikke"), "{err}");

    let closed = close(ClosingForm {
        note: "Holbæks fælles botilbud åbner først i efteråret 2027; borgeren kan ikke vente."
            .into(),
        ..justified
    })
    .unwrap();
    assert_eq!(closed.status, CheckStatus::Lukket);
    assert!(
        closed
            .text
            .conclusion
            .starts_with("Ingen anden kommune kunne være med; oprettelse af enkeltmandstilbud er begrundet. Holbæks"),
        "{}",
        closed.text.conclusion
    );
    // The printed check lists the asked municipalities with their answers.
    let summary = pladsoverblik_core::placement::summary(&closed);
    assert_eq!(summary.inquiries.len(), 2);
    assert!(summary.to_text().contains("Spurgte kommuner (2):"));
    // A closed check takes no new records, also not behind the app's back.
    let err = msg(f
        .engine
        .check_inquire(&id, &ask("Solrød", "", "").parse().unwrap(), today())
        .unwrap_err());
    assert!(err.contains("kan ikke ændres"), "{err}");
    let direct = f.engine.with_db(|db| {
        db.conn().execute(
            "INSERT INTO check_inquiries (check_id, municipality_code, asked_on, method, contact, recorded_at, recorded_by)
             VALUES (?1, 336, '2026-11-20', 'email', 'X', 'x', 'x')",
            [&id],
        )?;
        Ok(())
    });
    assert!(direct.is_err());
    let changed = f.engine.with_db(|db| {
        db.conn().execute(
            "UPDATE check_inquiries SET answer = 'ja_faelles' WHERE check_id = ?1",
            [&id],
        )?;
        Ok(())
    });
    assert!(changed.is_err());
}

#[test]
fn a_shared_offer_closes_the_check_without_justifying_a_one_person_project() {
    let f = fixture();
    let id = one_person_check(&f);
    let q = ask(
        "Holbæk",
        "ja_eksisterende",
        "Borgeren kan flytte ind i Bofællesskabet Åsen.",
    );
    f.engine
        .check_inquire(&id, &q.parse().unwrap(), today())
        .unwrap();
    let closed = f
        .engine
        .check_close_one_person(
            &id,
            &OnePersonClosing {
                shared_with: Some(316),
                offer_id: None,
                note: String::new(),
            },
            today(),
        )
        .unwrap();
    assert_eq!(
        closed.closed.as_ref().unwrap().conclusion,
        Conclusion::OffentligtValgt
    );
    assert_eq!(
        closed.text.conclusion,
        "Fælles eller eksisterende tilbud med en anden kommune: Eksisterende tilbud i Holbæk Kommune"
    );
    // Such a check cannot carry a one-person contract.
    let got = problems(&f, &form(&id));
    assert!(
        got.iter().any(|(field, m)| field == "one_person_check_id"
            && m.contains("Et enkeltmandstilbud kræver en afstemning, der begrunder det")),
        "{got:?}"
    );
}

#[test]
fn a_one_person_contract_is_refused_without_the_check_and_when_the_budget_does_not_add_up() {
    let f = fixture();
    f.engine.set_setting("pl_rate_2027", "2,9").unwrap();

    // Without the check of asked municipalities: refused, and SJ-2025's rule is quoted.
    let without = form("");
    let got = problems(&f, &without);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "one_person_check_id");
    assert!(
        got[0].1.starts_with("Afstemning før enkeltmandstilbud: Rammeaftale")
            && got[0].1.contains("kræver det: «Vi afsøger om andre kommuner kan være med i et botilbud, før vi opretter et enkeltmandstilbud» (003_7da9664d5a385aa8.txt L226"),
        "{}",
        got[0].1
    );
    let draft = f.engine.contract_create(&without, today()).unwrap().id;
    let err = msg(f.engine.contract_issue(&draft, today()).unwrap_err());
    assert!(
        err.contains("kan ikke udstedes") && err.contains("Afstemning før enkeltmandstilbud"),
        "{err}"
    );

    // A private-purchase check is not this kind of check.
    let private = f
        .engine
        .check_create(
            &NewCheck {
                kind: CheckKind::Privat,
                need: need(),
                reference: String::new(),
                radius_km: Some(0),
            },
            today(),
        )
        .unwrap();
    for c in &private.candidates {
        f.engine
            .check_reject(
                &private.id,
                &Rejection {
                    offer_id: c.offer_id.clone(),
                    reason: RejectReason::IkkeEgnet,
                    note: "Kan ikke rumme borgeren.".into(),
                    decided_by: "Lone Leder".into(),
                },
                today(),
            )
            .unwrap();
    }
    f.engine
        .check_close(
            &private.id,
            &Closing {
                conclusion: Conclusion::PrivatBegrundet,
                chosen_offer_id: None,
                note: String::new(),
            },
            today(),
        )
        .unwrap();
    let got = problems(&f, &form(&private.id));
    assert!(
        got.iter()
            .any(|(_, m)| m.contains("er lavet «før køb hos privat leverandør»")),
        "{got:?}"
    );

    // With the closed check, a budget 100 kr. over the rate: refused with the difference.
    let check = closed_one_person_check(&f);
    let mut over = form(&check);
    over.budget.other.amount = "1.000,00".into();
    let got = problems(&f, &over);
    assert_eq!(
        got,
        vec![(
            "budget".to_string(),
            "Budget: I alt 6.950,00 kr. pr. døgn mod taksten 6.850,00 kr. pr. døgn: 100,00 kr. for meget. Budgettet skal gå op i taksten.".to_string()
        )]
    );
    let mut under = form(&check);
    under.budget.staffing.amount = "4.199,95".into();
    let got = problems(&f, &under);
    assert!(got[0].1.contains("0,05 kr. for lidt."), "{got:?}");
    // A line with an amount needs its calculation; a rate must be given (no rate sheet rate).
    let mut no_basis = form(&check);
    no_basis.budget.premises.basis = String::new();
    assert_eq!(
        problems(&f, &no_basis),
        vec![(
            "budget.premises".to_string(),
            "Budget, lokaler: skriv hvordan beløbet er beregnet (fx normering, timer og løn)."
                .to_string()
        )]
    );
    let mut no_rate = form(&check);
    no_rate.budget.rate = String::new();
    let got = problems(&f, &no_rate);
    assert!(
        got.iter().any(|(field, m)| field == "budget.rate"
            && m.starts_with("Aftalt takst: Enkeltmandsprojekt Skovbrynet har ingen takst i takstoversigten for 2026")),
        "{got:?}"
    );

    // Accepted with the closed check and a budget that adds up.
    let ok = form(&check);
    let e = f.engine.contract_evaluate(&ok, today()).unwrap();
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let budget = e.one_person.as_ref().unwrap();
    assert!(budget.adds_up);
    assert_eq!(budget.total, dec("6850.00"));
    assert_eq!(
        budget.sum_text,
        "I alt 6.850,00 kr. pr. døgn: budgettet går op i taksten."
    );
    assert_eq!(
        budget.rate_source,
        "Aftalt i kontrakten; budgettet er beregningsgrundlaget"
    );
    assert_eq!(budget.asked.len(), 1);
    // The price from the agreed rate: 31 days of 2026 at 6.850 = 212.350,00; 2027 at
    // 6.850 × 1,029 = 7.048,65 for 334 days = 2.354.249,10.
    let price = e.price.as_ref().unwrap();
    assert_eq!(
        price.lines[0].basis,
        "Individuelt beregnet takst 2026 (enkeltmandstilbuddets budget)"
    );
    assert_eq!(price.lines[0].total, dec("212350.00"));
    assert_eq!(price.lines[1].amount, dec("7048.65"));
    assert_eq!(price.lines[1].basis, "2026-takst + PL 2,9 %");
    assert_eq!(price.lines[1].total, dec("2354249.10"));
    assert_eq!(price.total, dec("2566599.10"));
    let id = f.engine.contract_create(&ok, today()).unwrap().id;
    let issued = f.engine.contract_issue(&id, today()).unwrap();
    let data = issued.data.unwrap();
    let op = data.one_person.unwrap();
    assert_eq!(op.check_id.as_deref(), Some(check.as_str()));
    assert_eq!(op.lines.len(), 4);
    assert_eq!(op.lines[0].label, "Personale");
    assert!(op.asked[0].starts_with("Køge Kommune: spurgt 20.11.2026"));
    // The list marks it.
    let list = f.engine.contracts(today()).unwrap();
    assert!(list.iter().any(|c| c.id == id && c.one_person && !c.old));
    // The one-person check fills a new contract's form.
    let prefilled = f
        .engine
        .contract_prefill(Some(&check), Some("E-1"), today())
        .unwrap();
    assert!(prefilled.one_person);
    assert_eq!(prefilled.one_person_check_id, check);
    assert!(prefilled.check_id.is_empty());
}

#[test]
fn a_rate_sheet_rate_is_the_rate_the_budget_must_add_up_to() {
    let f = fixture();
    let check = closed_one_person_check(&f);
    // Kildevang has 3.200 kr. per day for 2026 (from the catalogue): the budget must match it,
    // and a typed rate cannot replace it (R4).
    let mut fm = form(&check);
    fm.offer_id = "K-1".into();
    fm.end = "31.12.2026".into();
    fm.followups = "15.12.2026".into();
    fm.budget = budget("", "2.400,00", "400,00", "300,00", "100,00");
    let e = f.engine.contract_evaluate(&fm, today()).unwrap();
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let b = e.one_person.unwrap();
    assert_eq!(b.rate, Some(dec("3200.00")));
    assert_eq!(
        b.rate_source,
        "Katalogets takst 2026 (ikke fra en indlæst takstoversigt)"
    );
    fm.budget.rate = "3.500,00".into();
    let got = problems(&f, &fm);
    assert!(
        got.iter().any(|(field, m)| field == "budget.rate"
            && m.starts_with("Aftalt takst: takstoversigten har 3.200,00 kr. pr. døgn for 2026")),
        "{got:?}"
    );
}

#[test]
fn where_the_agreement_has_no_rule_the_check_is_only_recommended() {
    let f = fixture();
    // Before Rammeaftale Sjælland 2025-2026: the agreement binding Roskilde on 01.06.2024 is
    // the last one in force (2021-2022), which does not have the rule ("ikke fastsat").
    let mut fm = form("");
    fm.start = "01.06.2024".into();
    fm.end = "31.12.2024".into();
    fm.followups = "01.09.2024".into();
    let e = f.engine.contract_evaluate(&fm, day(2024, 5, 20)).unwrap();
    assert!(
        !e.problems.iter().any(|p| p.field == "one_person_check_id"),
        "{:?}",
        e.problems
    );
    assert!(
        e.notes.iter().any(|n| n.starts_with("Enkeltmandstilbud: ")
            && n.contains("fastsætter ingen regel om enkeltmandstilbud (ikke fastsat")
            && n.contains("anbefales")),
        "{:?}",
        e.notes
    );
}

#[test]
fn the_citizen_and_the_contacts_answers_stay_out_of_the_audit_log() {
    let f = fixture();
    let check = closed_one_person_check(&f);
    let id = f.engine.contract_create(&form(&check), today()).unwrap().id;
    f.engine.set_setting("pl_rate_2027", "2,9").unwrap();
    f.engine.contract_issue(&id, today()).unwrap();
    let log = common::audit_lines(&f.engine);
    assert!(log.iter().any(|l| l.starts_with("check.inquire")));
    for line in &log {
        assert!(
            !line.contains("010190") && !line.contains("Søren") && !line.contains("Ingen ledige"),
            "{line}"
        );
    }
}
