//! One-person projects and contracts from before the standard from the command line (issue
//! 13, points 3 and 4): `plads check new --kind enkeltmand`, `check ask`, `check answer`,
//! `check close --conclusion enkeltmand_begrundet|faelles`, a one-person contract with its
//! budget (`contract draft --one-person …`), and `contract register-old`, `correct-old`,
//! `show` and `list` for a contract from before the standard.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use std::path::Path;
use std::process::{Command, Output};

const TODAY: &str = "25.11.2026";

/// `plads ARGS --today 25.11.2026`.
fn plads(data_dir: &Path, args: &[&str]) -> Output {
    common::plads(data_dir, &[args, &["--today", TODAY]].concat())
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn refused(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A one-person check for a Roskilde citizen of 25: its id.
fn check(dir: &Path) -> String {
    let out = ok(&plads(
        dir,
        &[
            "check",
            "new",
            "--kind",
            "enkeltmand",
            "--basis",
            "108",
            "--target-group",
            "FN.P.PV.PER",
            "--age",
            "25",
            "--home",
            "Roskilde",
            "--start",
            "01.12.2026",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["candidates"].as_array().unwrap().len(), 0);
    assert_eq!(v["one_person_rule"]["required"], true);
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn a_one_person_check_and_contract_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = check(d);
    let err = refused(&plads(
        d,
        &[
            "check",
            "close",
            &id,
            "--conclusion",
            "enkeltmand_begrundet",
        ],
    ));
    assert!(err.contains("Ingen kommune er spurgt endnu"), "{err}");
    let out = ok(&plads(
        d,
        &[
            "check",
            "ask",
            &id,
            "--municipality",
            "Køge",
            "--date",
            "20.11.2026",
            "--method",
            "email",
            "--contact",
            "Lis Berg, visitationschef",
        ],
    ));
    assert!(out.contains("Køge Kommune: spurgt 20.11.2026 pr. e-mail (Lis Berg, visitationschef); intet svar endnu"), "{out}");
    let out = ok(&plads(
        d,
        &[
            "check",
            "answer",
            &id,
            "--municipality",
            "Køge",
            "--answer",
            "nej",
            "--date",
            "23.11.2026",
            "--text",
            "Ingen ledige boliger.",
        ],
    ));
    assert!(
        out.contains("svar 23.11.2026: Nej, kan ikke være med – Ingen ledige boliger."),
        "{out}"
    );
    let err = refused(&plads(
        d,
        &[
            "check",
            "ask",
            &id,
            "--municipality",
            "Roskilde",
            "--date",
            "20.11.2026",
            "--contact",
            "X",
        ],
    ));
    assert!(err.contains("er borgerens hjemkommune"), "{err}");
    let out = ok(&plads(
        d,
        &[
            "check",
            "close",
            &id,
            "--conclusion",
            "enkeltmand_begrundet",
        ],
    ));
    assert!(
        out.contains("Konklusion: Ingen anden kommune kunne være med"),
        "{out}"
    );

    // The contract on Bostedet Fjordglimt (3.334 kr. per day): refused while the budget is
    // 34 kr. short, issued once it adds up.
    let draft = ok(&plads(
        d,
        &[
            "contract",
            "draft",
            "--check",
            &id,
            "--offer",
            "SJ-1101",
            "--buyer-ean",
            "5798000000001",
            "--provider-ean",
            "5790000000005",
            "--citizen-name",
            "Søren Ågård",
            "--cpr",
            "150601-4234",
            "--intervention",
            "Enkeltmandsprojekt",
            "--goal",
            "Stabil hverdag",
            "--notice-buyer",
            "løbende måned + 1 måned",
            "--notice-provider",
            "løbende måned + 3 måneder",
            "--payment",
            "forud",
            "--payment-days",
            "30",
            "--absence-days",
            "30",
            "--hospital-days",
            "30",
            "--budget-staffing",
            "2.400,00;Normering",
            "--budget-premises",
            "500,00;Husleje",
            "--budget-overhead",
            "300,00;Administration",
            "--budget-other",
            "100,00;Aktiviteter",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&draft).unwrap();
    let contract = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["form"]["one_person"], true);
    assert_eq!(v["form"]["one_person_check_id"], id.as_str());
    let problems: Vec<&str> = v["evaluation"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        problems,
        vec!["Budget: I alt 3.300,00 kr. pr. døgn mod taksten 3.334,00 kr. pr. døgn: 34,00 kr. for lidt. Budgettet skal gå op i taksten."]
    );
    let err = refused(&plads(d, &["contract", "issue", &contract]));
    assert!(err.contains("34,00 kr. for lidt"), "{err}");
    ok(&plads(
        d,
        &[
            "contract",
            "edit",
            &contract,
            "--budget-overhead",
            "334,00;Administration",
        ],
    ));
    let out = ok(&plads(d, &["contract", "issue", &contract]));
    assert!(
        out.contains("I alt 3.334,00 kr. pr. døgn: budgettet går op i taksten."),
        "{out}"
    );
    assert!(out.contains("Spurgt: Køge Kommune"), "{out}");
    let list = ok(&plads(d, &["contract", "list"]));
    assert!(list.contains("Enkeltmandstilbud"), "{list}");
    let err = refused(&plads(
        d,
        &["contract", "edit", &contract, "--budget-other", "x"],
    ));
    assert!(err.contains("\"beløb;beregning\""), "{err}");
}

#[test]
fn a_contract_from_before_the_standard_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(&plads(
        d,
        &[
            "contract",
            "register-old",
            "--offer",
            "SJ-1048",
            "--basis",
            "108",
            "--buyer",
            "Roskilde",
            "--case-reference",
            "Sag 27.13.20-P20-3-19",
            "--start",
            "01.07.2025",
            "--amount",
            "3.000,00",
            "--document",
            "ESDH 2025-004711",
        ],
    ));
    assert!(
        out.starts_with("Ældre kontrakt EK-2026-0001 version 1"),
        "{out}"
    );
    assert!(
        out.contains("Udgift 2026: 1.095.000,00 kr. (01.01.2026–31.12.2026, 365 dage)"),
        "{out}"
    );
    assert!(
        out.contains("Markering: Uden slutdato – genforhandles som standardkontrakt"),
        "{out}"
    );
    let out = ok(&plads(
        d,
        &[
            "contract",
            "register-old",
            "--offer",
            "SJ-1101",
            "--basis",
            "108",
            "--buyer",
            "265",
            "--citizen-name",
            "Ida Holm",
            "--cpr",
            "020285-1234",
            "--start",
            "01.01.2024",
            "--end",
            "31.12.2026",
            "--amount",
            "90.000",
            "--unit",
            "maaned",
            "--document",
            "Kontrakt.pdf",
        ],
    ));
    assert!(out.contains("Borger: Ida Holm (020285-xxxx)"), "{out}");
    assert!(!out.contains("1234"), "{out}");
    assert!(
        out.contains("Advarsel: Udløber om 36 dage (31.12.2026)"),
        "{out}"
    );

    let list = ok(&plads(d, &["contract", "list"]));
    let row = list
        .lines()
        .find(|l| l.starts_with("EK-2026-0001"))
        .unwrap();
    assert!(
        row.contains("Ældre kontrakt") && row.contains("01.07.2025–uden slutdato"),
        "{row}"
    );
    assert!(
        row.contains("Uden slutdato – genforhandles som standardkontrakt"),
        "{row}"
    );
    assert!(!list.contains("020285-1234"), "{list}");

    // Never a standard contract.
    let err = refused(&plads(
        d,
        &["contract", "edit", "EK-2026-0001", "--start", "01.01.2026"],
    ));
    assert!(
        err.contains("er en ældre kontrakt (registreret fra før standardkontrakterne)"),
        "{err}"
    );
    let err = refused(&plads(d, &["contract", "pdf", "EK-2026-0001"]));
    assert!(err.contains("er en ældre kontrakt"), "{err}");
    // A correction is a new version with a reason.
    let out = ok(&plads(
        d,
        &[
            "contract",
            "correct-old",
            "EK-2026-0001",
            "--end",
            "31.01.2027",
            "--reason",
            "Afløses af en standardkontrakt",
        ],
    ));
    assert!(
        out.contains("version 2") && out.contains("Periode: 01.07.2025–31.01.2027"),
        "{out}"
    );
    assert!(
        out.contains("Version 2:") && out.contains("Afløses af en standardkontrakt"),
        "{out}"
    );
    // JSON masks the CPR unless asked.
    let json = ok(&plads(d, &["contract", "show", "EK-2026-0002", "--json"]));
    assert!(
        json.contains("020285-xxxx") && !json.contains("020285-1234"),
        "{json}"
    );

    // The spend report counts both.
    let out = ok(&Command::new(env!("CARGO_BIN_EXE_plads"))
        .args(["report", "spend"])
        .env("PLADSOVERBLIK_DATA_DIR", d)
        .env("PLADSOVERBLIK_TODAY", "2026-11-25")
        .output()
        .unwrap());
    assert!(out.contains("heraf 1 ældre kontrakt(er)"), "{out}");
    assert!(out.contains("Heri 2 ældre kontrakt(er)"), "{out}");
}
