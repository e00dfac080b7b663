//! The `plads` binary as a user runs it: exit codes, Danish messages, JSON output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::{plads, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

#[test]
fn the_default_database_starts_with_the_example_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let o = plads(dir.path(), &["info"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Katalog pr. 15.11.2026"), "{out}");
    assert!(out.contains("Tilbud: 188"), "{out}");
    assert!(out.contains("Eksempeldata"), "{out}");
    assert!(dir.path().join("pladsoverblik.sqlite").exists());
}

#[test]
fn generate_is_deterministic_and_imports() {
    let dir = tempfile::tempdir().unwrap();
    let a = plads(
        dir.path(),
        &["generate-catalogue", "--offers", "40", "--seed", "7"],
    );
    let b = plads(
        dir.path(),
        &["generate-catalogue", "--offers", "40", "--seed", "7"],
    );
    let c = plads(
        dir.path(),
        &["generate-catalogue", "--offers", "40", "--seed", "8"],
    );
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    let file = dir.path().join("k.json");
    std::fs::write(&file, &a.stdout).unwrap();
    let db = dir.path().join("egen.sqlite");
    let import = |f: &std::path::Path| {
        let o = plads(
            dir.path(),
            &[
                "import-catalogue",
                f.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let first = import(&file);
    assert!(first.starts_with("Indlæst 40 tilbud"), "{first}");
    assert!(!first.contains("Siden sidste katalog"));
    let o = plads(dir.path(), &["info", "--db", db.to_str().unwrap()]);
    assert!(stdout(&o).contains("Tilbud: 40"));
    assert!(!stdout(&o).contains("Eksempeldata"));
    // Imported again it says what changed since (the seed-8 catalogue has the same ids with
    // other contents); the first import, over the example catalogue, could not.
    assert!(import(&file)
        .contains("Siden sidste katalog: 0 tilbud ændret, 0 nye, 0 udgået og 40 uændrede."),);
    let other = dir.path().join("k8.json");
    std::fs::write(&other, &c.stdout).unwrap();
    let out = import(&other);
    assert!(
        out.contains("Siden sidste katalog: 40 tilbud ændret, 0 nye, 0 udgået og 0 uændrede."),
        "{out}"
    );
}

#[test]
fn search_json_is_the_documented_array() {
    let dir = tempfile::tempdir().unwrap();
    let o = plads(
        dir.path(),
        &[
            "search",
            "--text",
            "autisme",
            "--basis",
            "§ 108",
            "--free",
            "--near",
            "Roskilde",
            "--sort",
            "distance",
            "--today",
            "24.11.2026",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits = v.as_array().unwrap();
    assert!(hits.len() >= 5);
    let mut last = 0.0;
    for h in hits {
        for field in [
            "id",
            "name",
            "operator_type",
            "free_as_of",
            "daily_rate_ex_vat",
        ] {
            assert!(h.get(field).is_some(), "{field} missing in {h}");
        }
        assert!(h["legal_bases"]
            .as_array()
            .unwrap()
            .contains(&"SEL-108".into()));
        assert!(h["free_places"].as_u64().unwrap() > 0);
        // Money is a decimal string, never a float.
        assert!(h["daily_rate_ex_vat"].is_string(), "{h}");
        let d = h["distance_km"].as_f64().unwrap();
        assert!(d >= last);
        last = d;
    }
}

#[test]
fn a_refused_import_exits_non_zero_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("forkert.json");
    std::fs::write(
        &bad,
        "{\"format\": \"pladsoverblik-katalog\", \"format_version\": 9}",
    )
    .unwrap();
    let o = plads(dir.path(), &["import-catalogue", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("Fejl: Kataloget i forkert.json blev afvist"),
        "{err}"
    );
    assert!(err.contains("formatversion 9"), "{err}");
    let o = plads(dir.path(), &["info"]);
    assert!(stdout(&o).contains("Tilbud: 188"));
}

#[test]
fn search_pages_with_limit_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let ids = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["search", "--text", "bo", "--json"];
        args.extend_from_slice(extra);
        let o = plads(dir.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = ids(&["--limit", "5000"]);
    assert!(all.len() > 60, "{}", all.len());
    // One page by default, as the app shows it.
    assert_eq!(ids(&[]), all[..50]);
    assert_eq!(ids(&["--limit", "10", "--offset", "50"]), all[50..60]);
    assert_eq!(ids(&["--offset", "5000"]), Vec::<String>::new());
}

#[test]
fn bad_arguments_get_danish_messages() {
    let dir = tempfile::tempdir().unwrap();
    let o = plads(dir.path(), &["search", "--basis", "SEL § 85"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Lovgrundlaget «SEL § 85» kendes ikke"));
    let o = plads(dir.path(), &["search", "--near", "Atlantis"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Kommunen «Atlantis» findes ikke"));
    let o = plads(dir.path(), &["search", "--max-rate", "mange"]);
    assert!(stderr(&o).contains("Maks. døgntakst: «mange» kan ikke læses"));
    let o = plads(dir.path(), &["search", "--sort", "distance"]);
    assert!(stderr(&o).contains("Vælg en hjemkommune"));
    let o = plads(dir.path(), &["search", "--farve", "blå"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ukendt argument «--farve»"),
        "{}",
        stderr(&o)
    );
    let o = plads(dir.path(), &["show", "FINDES-IKKE"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Tilbuddet «FINDES-IKKE» findes ikke i kataloget."));
}

#[test]
fn danish_amounts_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let count = |rate: &str| {
        let o = plads(
            dir.path(),
            &["search", "--max-rate", rate, "--json", "--limit", "5000"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count("3.500,00"), count("3500"));
    assert_eq!(count("3.500"), count("3500"));
    assert!(count("2500") < count("3500"));
}

/// The public-first check scripted end to end: new → reject → shortlist → close → can-choose.
#[test]
fn a_check_scripted_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = |o: &Output| -> serde_json::Value {
        assert!(o.status.success(), "{}", stderr(o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let need = [
        "--basis",
        "108",
        "--target-group",
        "FN.P.PV.PER",
        "--age",
        "30",
        "--home",
        "Roskilde",
        "--start",
        "01.12.2026",
        "--today",
        "25.11.2026",
    ];
    let mut args = vec!["check", "new", "--json", "--reference", "Sag 27.13.20"];
    args.extend(need);
    let check = json(&plads(d, &args));
    let id = check["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("A-"), "{id}");
    assert_eq!(check["status"], "aaben");
    let candidates: Vec<String> = check["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["offer_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!candidates.is_empty());

    // Choosing the private offer is refused, with exit code 1 and the reason in Danish.
    let o = plads(d, &["check", "can-choose", &id, "--offer", "SJ-1174"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("er ikke lukket"), "{}", stderr(&o));
    let o = plads(
        d,
        &["check", "close", &id, "--conclusion", "privat_begrundet"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("mangler en bekræftelse af 0 ledige pladser eller en afvisning med skriftlig begrundelse"),
        "{}",
        stderr(&o)
    );
    // A bare code is not evidence: the written reason and who decided are required.
    let o = plads(
        d,
        &[
            "check",
            "reject",
            &id,
            "--offer",
            &candidates[0],
            "--reason",
            "afslaaet_af_tilbuddet",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Begrundelse: skriv hvorfor"),
        "{}",
        stderr(&o)
    );

    for offer in &candidates {
        let o = plads(
            d,
            &[
                "check",
                "reject",
                &id,
                "--offer",
                offer,
                "--reason",
                "afslaaet_af_tilbuddet",
                "--note",
                "Tilbuddet har afslået: kan ikke rumme borgerens behov nu.",
                "--decided-by",
                "Lone Leder, afdelingsleder",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    json(&plads(
        d,
        &["check", "shortlist", &id, "--add", "SJ-1174", "--json"],
    ));
    let closed = json(&plads(
        d,
        &[
            "check",
            "close",
            &id,
            "--conclusion",
            "privat_begrundet",
            "--offer",
            "SJ-1174",
            "--json",
        ],
    ));
    assert_eq!(closed["status"], "lukket");
    assert_eq!(closed["shortlist"][0]["choosable"], true);
    let o = plads(d, &["check", "can-choose", &id, "--offer", "SJ-1174"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("kan vælges gennem afstemning"),
        "{}",
        stdout(&o)
    );
    // Another need (age 19) cannot use it.
    let mut other = vec!["check", "can-choose", id.as_str(), "--offer", "SJ-1174"];
    other.extend([
        "--basis",
        "108",
        "--target-group",
        "FN.P.PV.PER",
        "--age",
        "19",
    ]);
    other.extend(["--home", "Roskilde", "--start", "01.12.2026"]);
    let o = plads(d, &other);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("alder 19 år"), "{}", stderr(&o));

    // The text summary and the list.
    let o = plads(d, &["check", "show", &id]);
    let text = stdout(&o);
    assert!(
        text.contains(&format!("Afstemning {id} af ledige offentlige pladser")),
        "{text}"
    );
    assert!(
        text.contains("Konklusion: Køb uden for rammeaftalen er begrundet: Botilbuddet Solsikken"),
        "{text}"
    );
    let list = json(&plads(d, &["check", "list", "--json"]));
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "lukket");

    // Bad input names the field and changes nothing.
    let mut bad = vec!["check", "new"];
    bad.extend([
        "--basis",
        "108",
        "--target-group",
        "FN.P.PV.PER",
        "--age",
        "tredive",
    ]);
    bad.extend(["--home", "Roskilde", "--start", "01.12.2026"]);
    let o = plads(d, &bad);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim(),
        "Fejl: Alder: «tredive» skal være et helt tal mellem 0 og 120."
    );
    let list = json(&plads(d, &["check", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn settings_are_checked_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let o = plads(
        dir.path(),
        &["settings", "set", "check_validity_days", "200"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim(),
        "Fejl: En afstemning er gyldig i (dage): 200 skal være mellem 1 og 90."
    );
    let o = plads(
        dir.path(),
        &["settings", "set", "user_name", "Karen Jensen"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plads(dir.path(), &["settings", "--json"]);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["effective_user"], "Karen Jensen");
    assert_eq!(s["check_validity_days"], 14);
    // A user name is written to the audit log with every step: never a CPR number.
    let o = plads(dir.path(), &["settings", "set", "user_name", "010190-1234"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Brugernavnet ligner et CPR-nummer"),
        "{}",
        stderr(&o)
    );
    let o = plads(dir.path(), &["settings", "set", "pl_rate_2027", "1e1"]);
    assert_eq!(o.status.code(), Some(1));
    // Years far outside any report: a Danish message, not a panic (exit 101).
    for year in ["-2147483648", "2147483647"] {
        let o = plads(
            dir.path(),
            &["report", "rate-increases", &format!("--year={year}")],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("ligger uden for 2000–2100"),
            "{}",
            stderr(&o)
        );
    }
    // A data folder left readable by others (an older version made it 0755) is tightened.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let data = dir.path().join("gammel");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(plads(&data, &["settings"]).status.success());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700, "the data folder is the user's only");
        assert_eq!(mode(&data.join("pladsoverblik.sqlite")), 0o600);
    }
}

/// A contract scripted: draft with a problem, fix it, issue, list (CPR masked), terminate.
#[test]
fn a_contract_scripted_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut draft = vec!["contract", "draft", "--offer", "SJ-1101", "--basis", "108"];
    draft.extend(["--buyer", "Roskilde", "--buyer-ean", "5798000000001"]);
    draft.extend([
        "--provider-ean",
        "5790000000005",
        "--citizen-name",
        "Søren Ærø",
    ]);
    draft.extend([
        "--cpr",
        "310290-1234",
        "--intervention",
        "Botilbud med døgndækning",
    ]);
    draft.extend(["--goal", "Mestre egen økonomi", "--start", "01.12.2026"]);
    draft.extend([
        "--end",
        "30.11.2027",
        "--followup",
        "01.03.2027",
        "--today",
        "25.11.2026",
    ]);
    // The agreement leaves these terms "ikke fastsat": they are agreed on the contract.
    draft.extend([
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
    ]);
    let o = plads(d, &draft);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Kontrakt K-"), "{out}");
    assert!(
        out.contains("CPR-nummer: 31.02.1990 er ikke en gyldig fødselsdato."),
        "{out}"
    );
    let id = out.split_whitespace().nth(1).unwrap().to_string();

    let o = plads(d, &["contract", "issue", &id, "--today", "25.11.2026"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("kan ikke udstedes"), "{}", stderr(&o));
    let o = plads(
        d,
        &[
            "contract",
            "edit",
            &id,
            "--cpr",
            "010100-4234",
            "--today",
            "25.11.2026",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plads(
        d,
        &["contract", "issue", &id, "--today", "25.11.2026", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["state"], "udstedt");
    // 365 days × 3.334 kr. (the 2026 rate; provisional for 2027).
    assert_eq!(v["data"]["price"]["total"], "1216910.00");
    // JSON masks the CPR number unless --vis-cpr is given, which the audit log records.
    let text = stdout(&o);
    assert!(
        !text.contains("4234") && text.contains("010100-xxxx"),
        "{text}"
    );
    let o = plads(
        d,
        &[
            "contract",
            "show",
            &id,
            "--json",
            "--vis-cpr",
            "--today",
            "25.11.2026",
        ],
    );
    assert!(stdout(&o).contains("010100-4234"), "{}", stderr(&o));
    let db = rusqlite::Connection::open(d.join("pladsoverblik.sqlite")).unwrap();
    let shown: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'contract.cpr_shown' AND subject = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(shown, 1);
    let logged: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE details LIKE '%4234%' OR user LIKE '%4234%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 0);
    // The contract's PDF holds the full CPR number: only the user may read it.
    let pdf = d.join("k.pdf");
    let o = plads(
        d,
        &[
            "contract",
            "pdf",
            &id,
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            "25.11.2026",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&pdf), 0o600);
        assert_eq!(mode(&d.join("pladsoverblik.sqlite")), 0o600);
        assert_eq!(mode(&d.join("pladsoverblik.sqlite-wal")), 0o600);
    }

    let o = plads(d, &["contract", "list", "--today", "25.11.2026"]);
    let out = stdout(&o);
    assert!(
        out.contains("010100-xxxx") && !out.contains("4234"),
        "{out}"
    );
    let o = plads(
        d,
        &[
            "contract",
            "terminate",
            &id,
            "--party",
            "leverandoer",
            "--date",
            "12.03.2027",
            "--today",
            "15.03.2027",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("sidste dag 30.06.2027"),
        "{}",
        stdout(&o)
    );
}

/// A rate sheet previewed, imported, and the 5 % report exported for Danish Excel.
#[test]
fn a_rate_sheet_and_the_rate_increase_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sheet = d.join("takster 2027.csv");
    std::fs::write(
        &sheet,
        "Tilbuds-id;Paragraf;År;Døgntakst;Moms %;Note\nSJ-1101;108;2027;3.567,38;0;\nSJ-1174;108;2027;3.400,00;6;\n",
    )
    .unwrap();
    let s = sheet.to_str().unwrap();
    let o = plads(d, &["rates", "import", s, "--preview"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 nye takster") && stdout(&o).contains("Intet er gemt"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("Ukendte kolonner (ignoreres): Note."),
        "{}",
        stdout(&o)
    );
    let o = plads(d, &["report", "rate-increases", "--year", "2027"]);
    assert!(stdout(&o).contains("0 takster steg"), "{}", stdout(&o));
    let o = plads(d, &["rates", "import", s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = d.join("rapport.csv");
    let o = plads(
        d,
        &[
            "report",
            "rate-increases",
            "--year",
            "2027",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("+7,00 %"), "{}", stdout(&o));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(";3.334,00;3.567,38;7,00;"), "{text}");
    // A broken sheet is refused with the row and column, and nothing is saved.
    std::fs::write(
        &sheet,
        "Tilbuds-id;Paragraf;År;Takst\nSJ-1101;108;2028;tre tusind\n",
    )
    .unwrap();
    let o = plads(d, &["rates", "import", s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("CSV-filen, række 2, kolonne «Takst»: «tre tusind» er ikke et beløb"),
        "{}",
        stderr(&o)
    );
}

/// `plads … | head -1`: the reader goes away; every command ends quietly (no panic, exit 0).
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["agreements", "list"],
        vec!["search", "--limit", "200"],
        vec!["search", "--json", "--limit", "200"],
        vec!["generate-catalogue", "--offers", "2000"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plads"))
            .args(&args)
            .env("PLADSOVERBLIK_DATA_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}");
        // The reader is dropped here: the rest of the output meets a closed pipe.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
