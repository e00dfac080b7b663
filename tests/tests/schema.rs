//! The JSON Schema in docs/ describes the files the importer reads: the example catalogue and
//! generated catalogues validate, and the schema rejects what the importer rejects by shape.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use pladsoverblik_core::catalogue::{generate, snapshot};
use serde_json::{json, Value};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/catalogue.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema itself is valid")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| e.to_string()).collect()
}

#[test]
fn the_example_and_generated_catalogues_validate() {
    let v = validator();
    let example: Value = serde_json::from_slice(pladsoverblik_core::EXAMPLE_CATALOGUE).unwrap();
    assert_eq!(errors(&v, &example), Vec::<String>::new());
    let opts = generate::Options {
        offers: 300,
        seed: 5,
        extracted: chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        sjaelland_only: false,
        example: false,
    };
    let mut out = Vec::new();
    snapshot::write(&mut out, &generate::header(&opts), generate::offers(&opts)).unwrap();
    let generated: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(errors(&v, &generated), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_wrong_shapes() {
    let v = validator();
    let good: Value = serde_json::from_slice(pladsoverblik_core::EXAMPLE_CATALOGUE).unwrap();
    let mutations: [(&str, Value); 12] = [
        ("/format_version", json!(3)),
        ("/offers/0/rates/0/amount", json!("4.535,00")),
        ("/offers/0/rates/0/amount", json!(4535)),
        ("/offers/0/departments/0/legal_bases/0/places", json!(-1)),
        (
            "/offers/0/departments/0/legal_bases/0/basis",
            json!("SEL-85"),
        ),
        ("/offers/0/address/postcode", json!("400")),
        ("/offers/0/approval/status", json!("måske")),
        ("/offers/0/buyers/0/places", json!(0)),
        ("/offers/0/buyers/0/municipality_code", json!("265")),
        ("/offers", json!([])),
        ("/offers/0/rammeaftaler", json!(["SJ 2025"])),
        ("/offers/0/departments/0/secure", json!("ja")),
    ];
    for (i, (pointer, value)) in mutations.iter().enumerate() {
        let mut doc = good.clone();
        // Set the member (added when the offer does not carry it, like an optional field).
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{parent} is an object in the example catalogue"))
            .insert(key.to_string(), value.clone());
        assert!(
            !errors(&v, &doc).is_empty(),
            "mutation {i} passed the schema"
        );
    }
}
