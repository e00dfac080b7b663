//! Contracts from before the standard (seed 003 L169-175: standard contracts are obligatory
//! for "Kun nye kontrakter"): registered so that the spend figures, the end-date warnings and
//! the contract list are complete; shown as "ældre kontrakt", flagged without an end date,
//! corrected only as new versions with a reason, never handled as a standard contract.
//! Hand-checked figures, on a real SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use pladsoverblik_core::contracts::old::OldContractForm;
use pladsoverblik_core::contracts::{ContractForm, NoticeParty};
use pladsoverblik_core::reports::spend::spend_on;
use pladsoverblik_core::{Engine, Error};
use rust_decimal::Decimal;

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(&dir.path().join("t.sqlite")).unwrap();
    engine
        .import_file(&fixture_path("small.json"), |_, _| {})
        .unwrap();
    engine.set_setting("user_name", "Bente Økonomi").unwrap();
    Fixture { _dir: dir, engine }
}

fn msg(e: Error) -> String {
    e.to_string()
}

/// Ørnereden (P-2, private) at 3.000 kr. per day since 01.07.2025, no end date, known by its
/// case reference only.
fn open_ended() -> OldContractForm {
    OldContractForm {
        offer_id: "P-2".into(),
        legal_basis: "108".into(),
        buyer_municipality: "Roskilde".into(),
        case_reference: "Sag 27.13.20-P20-3-19".into(),
        start: "01.07.2025".into(),
        amount: "3.000,00".into(),
        unit: "dag".into(),
        document: "ESDH 2025-004711 (scannet kontrakt)".into(),
        ..Default::default()
    }
}

/// Kildevang (K-1, Roskilde's own) at 25.000 kr. per month, 01.01.2026-30.06.2026, with the
/// citizen's name and CPR.
fn monthly() -> OldContractForm {
    OldContractForm {
        offer_id: "K-1".into(),
        legal_basis: "SEL-108".into(),
        buyer_municipality: "265".into(),
        citizen_name: "Søren Ærø Åberg".into(),
        citizen_cpr: "0101901234".into(),
        start: "01.01.2026".into(),
        end: "30.06.2026".into(),
        amount: "25000".into(),
        unit: "maaned".into(),
        document: "Kontrakt Kildevang 2026.pdf".into(),
        ..Default::default()
    }
}

#[test]
fn a_registered_old_contract_counts_in_the_spend_report_with_the_right_amount() {
    let f = fixture();
    let t = today(); // 24.11.2026
    let a = f.engine.old_contract_register(&open_ended(), t).unwrap();
    assert_eq!(a.id, "EK-2026-0001");
    assert!(!a.data.counts_as_public); // a private offer
    let b = f.engine.old_contract_register(&monthly(), t).unwrap();
    assert!(b.data.counts_as_public); // the buyer's own offer
    let r = f.engine.with_db(|db| spend_on(db.conn(), t)).unwrap();
    let rows: Vec<(i32, bool, Decimal, usize, Decimal)> = r
        .rows
        .iter()
        .map(|x| (x.year, x.public, x.total, x.old_contracts, x.old_total))
        .collect();
    // Open-ended 3.000 kr./day from 01.07.2025: 2025 has 184 days = 552.000,00; 2026 is
    // counted through 31.12.2026: 365 days = 1.095.000,00. Monthly 25.000 kr. for six whole
    // months of 2026 = 150.000,00.
    assert_eq!(
        rows,
        vec![
            (
                2025,
                false,
                Decimal::from(552_000),
                1,
                Decimal::from(552_000)
            ),
            (
                2026,
                false,
                Decimal::from(1_095_000),
                1,
                Decimal::from(1_095_000)
            ),
            (
                2026,
                true,
                Decimal::from(150_000),
                1,
                Decimal::from(150_000)
            ),
        ]
    );
    assert_eq!(
        r.years,
        vec![
            (2025, Decimal::ZERO, Decimal::from(552_000)),
            (2026, Decimal::from(150_000), Decimal::from(1_095_000)),
        ]
    );
    assert!(
        r.text.contains("Heri 2 ældre kontrakt(er) fra før standardkontrakterne; uden slutdato medregnet til og med 31.12.2026."),
        "{}",
        r.text
    );
    let csv = String::from_utf8(pladsoverblik_core::reports::spend_table(&r).to_csv()).unwrap();
    assert!(
        csv.contains("2026;Private;SEL § 108;1;1.095.000,00;1.095.000,00\r\n"),
        "{csv}"
    );
    // The view shows what each year costs.
    let years: Vec<String> = a.years.iter().map(|y| y.text.clone()).collect();
    assert_eq!(
        years,
        vec![
            "2025: 552.000,00 kr. (01.07.2025–31.12.2025, 184 dage)",
            "2026: 1.095.000,00 kr. (01.01.2026–31.12.2026, 365 dage)"
        ]
    );
    // In 2027 the open-ended contract is counted through 31.12.2027 as well.
    let r = f
        .engine
        .with_db(|db| spend_on(db.conn(), day(2027, 2, 1)))
        .unwrap();
    assert_eq!(
        r.years.last().unwrap(),
        &(2027, Decimal::ZERO, Decimal::from(1_095_000))
    );
}

#[test]
fn the_list_shows_old_contracts_and_flags_those_without_an_end_date() {
    let f = fixture();
    let t = today();
    f.engine.old_contract_register(&open_ended(), t).unwrap();
    f.engine.old_contract_register(&monthly(), t).unwrap();
    // An old contract from before Rammeaftale Sjælland 2025-2026, running out soon.
    let before = OldContractForm {
        start: "01.06.2024".into(),
        end: "31.12.2026".into(),
        ..monthly()
    };
    let c = f.engine.old_contract_register(&before, t).unwrap();
    assert_eq!(
        c.warnings,
        vec!["Udløber om 37 dage (31.12.2026)".to_string()]
    );
    assert!(c.flags.is_empty(), "{:?}", c.flags);
    assert!(
        c.rule_text.contains("standardkontrakter ikke fastsat"),
        "{}",
        c.rule_text
    );

    let list = f.engine.contracts(t).unwrap();
    let old: Vec<_> = list.iter().filter(|c| c.old).collect();
    assert_eq!(old.len(), 3);
    let open = old.iter().find(|c| c.id == "EK-2026-0001").unwrap();
    assert_eq!(open.state_text, "Ældre kontrakt");
    assert_eq!(open.period_text, "01.07.2025–uden slutdato");
    assert_eq!(open.citizen_name, "Sagsreference Sag 27.13.20-P20-3-19");
    assert_eq!(open.citizen_cpr_masked, "");
    assert_eq!(
        open.flags[0],
        "Uden slutdato – genforhandles som standardkontrakt"
    );
    // Started after Rammeaftale Sjælland 2025-2026 made standard contracts obligatory for new
    // contracts: flagged too.
    assert_eq!(
        open.flags[1],
        "Startet 01.07.2025 efter kravet om standardkontrakter – genforhandles som standardkontrakt"
    );
    // The contract's page names the agreement and the seed lines.
    let page = f.engine.old_contract("EK-2026-0001", t).unwrap();
    assert!(
        page.flags[1].starts_with("Startet 01.07.2025 under Rammeaftale")
            && page.flags[1].contains("(003_7da9664d5a385aa8.txt L169-175) – genforhandles"),
        "{:?}",
        page.flags
    );
    let named = old.iter().find(|c| c.id == "EK-2026-0002").unwrap();
    assert_eq!(named.citizen_cpr_masked, "010190-xxxx");
    assert_eq!(named.warnings, vec!["Udløbet 30.06.2026".to_string()]);
    // Never the full CPR in the list, nor in the masked view.
    let json = serde_json::to_string(&list).unwrap();
    assert!(!json.contains("1234"), "{json}");
    let view = f.engine.old_contract("EK-2026-0002", t).unwrap().masked();
    assert!(!serde_json::to_string(&view).unwrap().contains("1234"));
}

#[test]
fn an_old_contract_is_never_editable_as_a_standard_contract() {
    let f = fixture();
    let t = today();
    let id = f.engine.old_contract_register(&open_ended(), t).unwrap().id;
    let expected = format!("{id} er en ældre kontrakt (registreret fra før standardkontrakterne) og kan ikke redigeres");
    let refusals = [
        f.engine.contract(&id, t).map(|_| ()),
        f.engine
            .contract_save(&id, &ContractForm::default(), t)
            .map(|_| ()),
        f.engine.contract_issue(&id, t).map(|_| ()),
        f.engine.contract_correct(&id, "Ret prisen", t).map(|_| ()),
        f.engine
            .contract_terminate(&id, NoticeParty::Koeber, t, t)
            .map(|_| ()),
        f.engine.contract_renew(&id, t).map(|_| ()),
        f.engine.contract_discard(&id, t).map(|_| ()),
        f.engine
            .contract_set_state(&id, pladsoverblik_core::contracts::ContractState::Aktiv, t)
            .map(|_| ()),
    ];
    for r in refusals {
        let err = r.unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err:?}");
        assert!(msg(err).starts_with(&expected));
    }
    // Nor behind the app's back: a version never changes and is never deleted.
    for sql in [
        "UPDATE old_contract_versions SET amount = '1' WHERE contract_id = ?1",
        "DELETE FROM old_contract_versions WHERE contract_id = ?1",
        "DELETE FROM old_contracts WHERE id = ?1",
    ] {
        let r = f.engine.with_db(|db| {
            db.conn().execute(sql, [&id])?;
            Ok(())
        });
        assert!(r.is_err(), "{sql}");
    }

    // A correction is a new version with a reason; the end date agreed on renegotiation ends
    // the flag.
    let mut corrected = open_ended();
    corrected.end = "31.01.2027".into();
    let err = msg(f
        .engine
        .old_contract_correct(&id, &corrected, " ", t)
        .unwrap_err());
    assert_eq!(err, "Årsag: skriv hvorfor kontrakten rettes.");
    let err = msg(f
        .engine
        .old_contract_correct(&id, &open_ended(), "Ingen ændring", t)
        .unwrap_err());
    assert!(err.starts_with("Rettelsen ændrer intet"), "{err}");
    let v = f
        .engine
        .old_contract_correct(
            &id,
            &corrected,
            "Ophører; afløses af en standardkontrakt fra 01.02.2027",
            t,
        )
        .unwrap();
    assert_eq!(v.version, 2);
    assert_eq!(
        v.versions[1].reason,
        "Ophører; afløses af en standardkontrakt fra 01.02.2027"
    );
    assert!(
        !v.flags.iter().any(|f| f.starts_with("Uden slutdato")),
        "{:?}",
        v.flags
    );
    // 68 days left: beyond the 60-day warning.
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
    assert_eq!(v.period_text, "01.07.2025–31.01.2027");
    // The audit log has neither the case reference nor the citizen.
    f.engine.old_contract_register(&monthly(), t).unwrap();
    let log = common::audit_lines(&f.engine);
    assert!(log.iter().any(|l| l.starts_with("old_contract.correct")));
    for line in &log {
        assert!(
            !line.contains("010190") && !line.contains("Søren") && !line.contains("P20-3-19"),
            "{line}"
        );
    }
}

#[test]
fn registration_names_the_field_that_is_wrong() {
    let f = fixture();
    let t = today();
    let cases: Vec<(OldContractForm, &str)> = vec![
        (OldContractForm { case_reference: "".into(), ..open_ended() }, "Borger: angiv borgerens navn og CPR-nummer som i en standardkontrakt, eller en sagsreference uden CPR-nummer."),
        (OldContractForm { citizen_cpr: "010190-1234".into(), ..open_ended() }, "Borgerens navn: skal udfyldes, når CPR-nummeret er angivet."),
        (OldContractForm { citizen_cpr: "310290-1234".into(), citizen_name: "A".into(), ..open_ended() }, "CPR-nummer: 31.02.1990 er ikke en gyldig fødselsdato."),
        (OldContractForm { case_reference: "Borger 010190-1234".into(), ..open_ended() }, "Sagsreference: ligner et CPR-nummer."),
        (OldContractForm { start: "01.12.2026".into(), ..open_ended() }, "Startdato: 01.12.2026 ligger i fremtiden. En ældre kontrakt er en kontrakt, der allerede løber; en ny kontrakt oprettes som standardkontrakt."),
        (OldContractForm { end: "30.06.2025".into(), ..open_ended() }, "Slutdato: 30.06.2025 ligger før startdatoen 01.07.2025."),
        (OldContractForm { amount: "0".into(), ..open_ended() }, "Pris: «0» skal være et beløb over 0"),
        (OldContractForm { unit: "engang".into(), ..open_ended() }, "Enhed: «engang» kendes ikke; brug dag eller maaned."),
        (OldContractForm { document: " ".into(), ..open_ended() }, "Kontraktdokument: angiv hvor den underskrevne kontrakt ligger"),
        (OldContractForm { offer_id: "Z-9".into(), ..open_ended() }, "Tilbud: «Z-9» findes ikke i kataloget."),
        (OldContractForm { legal_basis: "§ 999".into(), ..open_ended() }, "Lovgrundlag: Lovgrundlaget «§ 999» kendes ikke."),
        (OldContractForm { buyer_municipality: "Atlantis".into(), ..open_ended() }, "Køber (handlekommune): Kommunen «Atlantis» findes ikke."),
    ];
    for (form, expected) in cases {
        let err = msg(f.engine.old_contract_register(&form, t).unwrap_err());
        assert!(err.starts_with(expected), "{err}\n  expected: {expected}");
    }
    assert!(f.engine.contracts(t).unwrap().is_empty());
}
