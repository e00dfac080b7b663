//! Deterministic mutations: the same seed gives the same inputs, so any finding is replayed
//! with `FUZZ_SEED` and `FUZZ_RUNS`. Byte-level mutations (flips, inserts, deletes, splices
//! between seeds, repeated chunks) for every format, and format-aware ones: JSON values
//! replaced by huge, negative or exponent numbers, odd and long strings, deleted or duplicated
//! keys, deep nesting; CSV cells, rows, headings and separators; `.xlsx` cell values,
//! references and styles inside a valid zip, or a zip that lies about its sizes; contract form
//! fields, add-ons and the day.

use chrono::{Duration, NaiveDate};
use pladsoverblik_core::contracts::{AddOnForm, ContractForm};
use serde_json::Value;
use std::io::{Cursor, Read, Write};

/// A small, fast, seedable generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The largest input a mutation builds (bigger inputs are the generated corpus's job).
pub const MAX_LEN: usize = 4 << 20;

/// `times` copies of something `len` bytes long, but no more than fit in `MAX_LEN`.
fn within(times: usize, len: usize) -> usize {
    times.min(MAX_LEN / len.max(1)).max(1)
}

// ---- dictionaries ----

/// Numbers as JSON writes them, raw: huge, negative, exponents, edges of the integer types.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "0.5",
    "-7700",
    "1e5",
    "1e27",
    "3e26",
    "1e308",
    "1e999",
    "-1e999",
    "1e-999",
    "2E2",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "2147483648",
    "-2147483648",
    "4294967296",
    "10000",
    "10001",
    "25",
    "26",
    "100",
    "150",
    "151",
    "900",
    "-100",
    "-200",
    "300",
    "1999",
    "2000",
    "2100",
    "2101",
    "0.0000000000000000000000000001",
    "123456789012345678901234567890.123",
];

/// Amounts and percentages as files write them in text: every way a rate can be wrong.
pub const AMOUNTS: &[&str] = &[
    "1000000000000000000000000000",
    "1e27",
    "3e26",
    "1e5",
    "1E5",
    "-100",
    "-200",
    "300",
    "900",
    "-7700",
    "7701,50",
    "7.701,50",
    "4,535.50",
    "4.535.50",
    "0",
    "0,00",
    "0.00",
    "-0",
    "",
    " ",
    "NaN",
    "inf",
    "-inf",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "0.0000000000000000000000000001",
    "0,00000000000000000000000000001",
    "250000",
    "250000.01",
    "250.000,01",
    "7700000",
    "7.700.001",
    "25",
    "25,01",
    "100",
    "150",
    "150,01",
    "1",
    "0,01",
    "3.424,00",
    "3424",
    "95 %",
    "95%",
    "-5",
    "−5",
    "+5",
    "1 000",
    "1_000",
    "１２３",
    "١٢٣",
    "½",
    "12,3,4",
    "1.000.000.000.000,00",
    "99999999999999999999999999999",
];

/// Odd text: empty, control characters, direction marks, formulas, CPR-like, very long.
const TEXTS: &[&str] = &[
    "",
    " ",
    "\t",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\u{202e}",
    "\u{feff}",
    "😀",
    "Å",
    "Søren Ærø Åberg",
    "=HYPERLINK(\"http://x\",\"x\")",
    "+1",
    "@SUM(A1)",
    "010190-1234",
    "\\",
    "\"",
    "'",
    "\u{d7ff}",
    "\u{fffd}",
    "SEL-108",
    "BL-43",
    "K-1",
    "P-2",
    "X-9",
    "2026-02-30",
    "9999-12-31",
    "0000-00-00",
    "2026-11-15T00:00:00",
    "kommunal",
    "privat",
    "godkendt",
    "dag",
    "maaned",
    "engang",
];

/// Strings of a repeated character: the lengths around every bound the app sets.
fn long_text(rng: &mut Rng) -> String {
    let c = *rng.pick(&["Å", "A", "😀", " ", "\u{301}", "x"]);
    let n = *rng.pick(&[
        199usize, 200, 201, 499, 500, 501, 1_999, 2_000, 2_001, 4_000, 4_001, 17_000, 20_000,
        20_001, 40_001, 50_000, 300_000,
    ]);
    c.repeat(n)
}

// ---- bytes ----

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"\\u",
    b"\\uD800",
    b"\\uDC00",
    b"\\u0000",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b";",
    b":",
    b"\n",
    b"\r\n",
    b"\t",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"\xC3\x85",
    b"\xED\xA0\x80",
    b"null",
    b"true",
    b"1e999",
    b"-",
    b"%",
    b"PK\x03\x04",
    b"<",
    b">",
    b"&amp;",
    b"]]>",
];

/// One byte-level mutation of `data`; `other` is another seed to splice with.
pub fn bytes(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    let at = rng.below(len + 1);
    match rng.below(10) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = *rng.pick(&[0u8, 0xFF, 0x7F, 0x80, b'"', b'\\', b'\n', b',', b';', b'9']);
        }
        2 => {
            let n = 1 + rng.below(8);
            let insert: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            data.splice(at..at, insert);
        }
        3 if len > 0 => {
            let from = rng.below(len);
            let n = 1 + rng.below(64.min(len - from));
            data.drain(from..from + n);
        }
        4 if len > 0 => {
            let from = rng.below(len);
            let n = 1 + rng.below(256.min(len - from));
            let chunk = data[from..from + n].to_vec();
            data.splice(at..at, chunk);
        }
        5 if !other.is_empty() => {
            let from = rng.below(other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        6 => {
            let token = rng.pick(TOKENS).to_vec();
            data.splice(at..at, token);
        }
        7 => data.truncate(at),
        8 if len > 0 => {
            let from = rng.below(len);
            let n = 1 + rng.below(64.min(len - from));
            let chunk = data[from..from + n].to_vec();
            let times = 1 + rng.below(2_000);
            let repeated: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
            data.splice(at..at, repeated);
        }
        _ => {
            let token = rng.pick(TOKENS);
            let end = (at + token.len()).min(len);
            data.splice(at..end, token.iter().copied());
        }
    }
    data.truncate(MAX_LEN);
}

// ---- JSON ----

/// A JSON pointer to every node (the first 4.000).
fn nodes(v: &Value) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut i = 0;
    while i < out.len() && out.len() < 4_000 {
        let path = out[i].clone();
        match v.pointer(&path) {
            Some(Value::Object(m)) => {
                for k in m.keys() {
                    out.push(format!(
                        "{path}/{}",
                        k.replace('~', "~0").replace('/', "~1")
                    ));
                }
            }
            Some(Value::Array(a)) => {
                for j in 0..a.len() {
                    out.push(format!("{path}/{j}"));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Raw JSON text that a `Value` cannot hold (duplicate keys, numbers beyond f64, invalid
/// escapes, deep nesting), put in place of a placeholder string after serialising.
struct Raw(Vec<String>);

impl Raw {
    fn hold(&mut self, text: String) -> Value {
        self.0.push(text);
        Value::String(format!("\u{1}RAW{}\u{1}", self.0.len() - 1))
    }

    fn apply(&self, mut json: String) -> String {
        for (i, text) in self.0.iter().enumerate() {
            json = json.replacen(&format!("\"\\u0001RAW{i}\\u0001\""), text, 1);
        }
        json
    }
}

fn nesting(rng: &mut Rng) -> String {
    let depth = *rng.pick(&[100usize, 127, 128, 129, 1_000, 100_000]);
    if rng.one_in(2) {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
    }
}

fn is_number_text(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || ".,-".contains(c))
}

/// A replacement for the node `v`.
fn new_value(rng: &mut Rng, v: &Value, raw: &mut Raw, other: &Value) -> Option<Value> {
    Some(match rng.below(12) {
        0 => raw.hold(rng.pick(NUMBERS).to_string()),
        1 => match v {
            Value::String(s) if is_number_text(s) => Value::String(rng.pick(AMOUNTS).to_string()),
            _ => Value::String(rng.pick(AMOUNTS).to_string()),
        },
        2 => Value::String(rng.pick(TEXTS).to_string()),
        3 => Value::String(long_text(rng)),
        4 => rng
            .pick(&[
                Value::Null,
                Value::Bool(true),
                serde_json::json!([]),
                serde_json::json!({}),
            ])
            .clone(),
        5 => match v {
            Value::String(s) => s
                .parse::<f64>()
                .ok()
                .map(Value::from)
                .unwrap_or(Value::Null),
            other => Value::String(other.to_string()),
        },
        6 => raw.hold(nesting(rng)),
        7 => raw.hold(
            rng.pick(&[
                "\"\\uD800\"",
                "\"\\uDC00x\"",
                "\"\\uD800\\u0041\"",
                "\"\\u12\"",
                "\"\\x\"",
                "\"a\nb\"",
                "\"\u{0}\"",
                "\"\\u0000\"",
            ])
            .to_string(),
        ),
        8 => match v {
            Value::Object(m) if !m.is_empty() => {
                let keys: Vec<&String> = m.keys().collect();
                let key = (*rng.pick(&keys)).clone();
                let mut text = v.to_string();
                text.pop();
                let value = rng
                    .pick(&[m[&key].to_string(), "\"x\"".into(), "1".into()])
                    .clone();
                raw.hold(format!("{text},{}:{value}}}", Value::String(key)))
            }
            Value::Array(a) if !a.is_empty() => {
                let item = a[rng.below(a.len())].clone();
                let times = within(*rng.pick(&[2usize, 3, 30, 300]), item.to_string().len());
                let mut out = a.clone();
                out.extend(std::iter::repeat_n(item, times));
                Value::Array(out)
            }
            _ => return None,
        },
        9 => match v {
            Value::Object(m) => {
                let mut m = m.clone();
                m.insert(
                    rng.pick(&["ukendt", "id", "name", "rates", "extra"])
                        .to_string(),
                    Value::from(1),
                );
                Value::Object(m)
            }
            _ => return None,
        },
        10 => {
            let all = nodes(other);
            other.pointer(rng.pick(&all).as_str())?.clone()
        }
        _ => Value::String(format!("{}{}", v.as_str().unwrap_or(""), rng.pick(TEXTS))),
    })
}

/// One to three JSON-aware mutations; bytes that are no JSON get byte mutations instead.
pub fn json(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let start = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let Ok(mut v) = serde_json::from_slice::<Value>(start) else {
        let mut out = data.to_vec();
        bytes(rng, &mut out, other);
        return out;
    };
    let other: Value = serde_json::from_slice(other).unwrap_or(Value::Null);
    let mut raw = Raw(Vec::new());
    for _ in 0..1 + rng.below(3) {
        let all = nodes(&v);
        let path = rng.pick(&all).clone();
        if rng.one_in(6) && !path.is_empty() {
            remove(&mut v, &path);
            continue;
        }
        let Some(node) = v.pointer(&path) else {
            continue;
        };
        if let Some(new) = new_value(rng, node, &mut raw, &other) {
            if let Some(slot) = v.pointer_mut(&path) {
                *slot = new;
            }
        }
    }
    let text = if rng.one_in(2) {
        serde_json::to_string_pretty(&v)
    } else {
        serde_json::to_string(&v)
    };
    let mut out = raw.apply(text.unwrap_or_default()).into_bytes();
    encoding(rng, &mut out, other.to_string().as_bytes());
    out.truncate(MAX_LEN);
    out
}

fn remove(v: &mut Value, path: &str) {
    let Some((parent, last)) = path.rsplit_once('/') else {
        return;
    };
    match v.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// Now and then: a byte-order mark, UTF-16, a cut, trailing bytes, or a byte mutation.
fn encoding(rng: &mut Rng, out: &mut Vec<u8>, other: &[u8]) {
    match rng.below(16) {
        0 => out.splice(0..0, *b"\xEF\xBB\xBF").for_each(drop),
        1 => {
            let text = String::from_utf8_lossy(out).into_owned();
            let le = rng.one_in(2);
            let mut utf16: Vec<u8> = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            if rng.one_in(3) {
                utf16.clear();
            }
            for u in text.encode_utf16() {
                utf16.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            *out = utf16;
        }
        2 | 3 => bytes(rng, out, other),
        _ => {}
    }
}

// ---- CSV ----

/// Headings a rate sheet may have, and some it may not.
const HEADINGS: &[&str] = &[
    "Tilbuds-id",
    "Afdeling",
    "Lovgrundlag",
    "Paragraf",
    "§",
    "År",
    "Takst",
    "Døgntakst",
    "Månedstakst",
    "Enhed",
    "Moms %",
    "Direkte omkostninger",
    "Indirekte omkostninger",
    "Overhead %",
    "Kapitalomkostninger",
    "Budgetteret belægning %",
    "Faktisk belægning %",
    "Tilbudsnavn",
    "Bemærkning",
    "",
    " ",
    "id",
    "ID",
];

/// Cell values a rate sheet's cells may have.
const CELLS: &[&str] = &[
    "§ 108",
    "SEL-108",
    "SEL § 107",
    "BL-43",
    "108",
    "66",
    "999",
    "2027",
    "2026",
    "1999",
    "2101",
    "-2147483648",
    "døgn",
    "dag",
    "måned",
    "maaned",
    "engang",
    "år",
    "K-1",
    "P-2",
    "X-9",
    "A1",
    "\"",
    "\"7701,50\"",
    "\"a\nb\"",
    "=1+1",
    "\"=HYPERLINK(\"\"x\"\")\"",
];

fn separator_of(text: &str) -> char {
    [';', ',', '\t']
        .into_iter()
        .max_by_key(|s| text.matches(*s).count())
        .unwrap_or(';')
}

/// One to three CSV-aware mutations (cells, rows, headings, separators, encodings).
pub fn csv(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let Ok(text) = std::str::from_utf8(body) else {
        let mut out = data.to_vec();
        bytes(rng, &mut out, other);
        return out;
    };
    let sep = separator_of(text);
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(sep).map(str::to_string).collect())
        .collect();
    if rows.is_empty() {
        rows.push(vec![String::new()]);
    }
    for _ in 0..1 + rng.below(3) {
        csv_step(rng, &mut rows);
    }
    let sep = if rng.one_in(12) {
        *rng.pick(&[';', ',', '\t'])
    } else {
        sep
    };
    let newline = if rng.one_in(4) { "\r\n" } else { "\n" };
    let mut out: Vec<u8> = Vec::with_capacity(data.len() + 64);
    if data.starts_with(b"\xEF\xBB\xBF") != rng.one_in(8) {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    for row in &rows {
        out.extend_from_slice(row.join(&sep.to_string()).as_bytes());
        out.extend_from_slice(newline.as_bytes());
        if out.len() > MAX_LEN {
            break;
        }
    }
    if rng.one_in(10) {
        out = latin1_or_utf16(rng, &out);
    } else if rng.one_in(6) {
        bytes(rng, &mut out, other);
    }
    out
}

fn csv_step(rng: &mut Rng, rows: &mut Vec<Vec<String>>) {
    let r = rng.below(rows.len());
    let c = rng.below(rows[r].len());
    match rng.below(11) {
        0..=2 => rows[r][c] = rng.pick(AMOUNTS).to_string(),
        3 => rows[r][c] = rng.pick(CELLS).to_string(),
        4 => {
            rows[r][c] = if rng.one_in(3) {
                long_text(rng)
            } else {
                rng.pick(TEXTS).to_string()
            }
        }
        5 => {
            let h = rows
                .iter()
                .position(|row| row.iter().any(|x| x.contains("Tilbud")))
                .unwrap_or(0);
            let c = rng.below(rows[h].len());
            rows[h][c] = rng.pick(HEADINGS).to_string();
        }
        6 => rows[r].insert(c, rng.pick(AMOUNTS).to_string()),
        7 if rows[r].len() > 1 => {
            rows[r].remove(c);
        }
        8 => {
            let times = if rng.one_in(100) {
                21_000
            } else {
                1 + rng.below(5)
            };
            let row = rows[r].clone();
            let times = within(times, row.iter().map(|c| c.len() + 1).sum());
            let at = rng.below(rows.len() + 1);
            rows.splice(at..at, std::iter::repeat_n(row, times));
        }
        9 if rows.len() > 1 => {
            rows.remove(r);
        }
        _ => {
            let at = rng.below(rows.len() + 1);
            let row = if rng.one_in(2) {
                vec![String::new()]
            } else {
                vec!["Takstoversigt 2027".into(), String::new()]
            };
            rows.insert(at, row);
        }
    }
}

fn latin1_or_utf16(rng: &mut Rng, out: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(out);
    if rng.one_in(2) {
        text.chars()
            .map(|c| if (c as u32) < 256 { c as u8 } else { b'?' })
            .collect()
    } else {
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        utf16
    }
}

// ---- xlsx ----

/// Cell references: the far corner, just outside the bounds, nonsense.
const REFS: &[&str] = &[
    "XFD1048576",
    "A1048576",
    "CV20000",
    "CW2",
    "A20001",
    "A0",
    "",
    "1A",
    "AAAAAAA1",
    "A99999999999999999999",
    "a1",
    "B2",
    "A1",
];

/// Number cell values.
const VALUES: &[&str] = &[
    "1e27",
    "-7700",
    "NaN",
    "1e308",
    "1e999",
    "0.06",
    "-1",
    "9",
    "1.5",
    "3e26",
    "2027",
    "2147483648",
    "99999999",
    "",
    "x",
    "-0",
    "4.9E-324",
];

/// Reads every part of a zip (each at most 8 MB); `None` when it is no zip or too large.
fn parts(data: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).ok()?;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let part = zip.by_index(i).ok()?;
        let name = part.name().ok()?.to_string();
        let mut bytes = Vec::new();
        part.take(8 << 20).read_to_end(&mut bytes).ok()?;
        out.push((name, bytes));
    }
    Some(out)
}

fn zip_of(parts: &[(String, Vec<u8>)], stored: bool) -> Option<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let options = SimpleFileOptions::default().compression_method(method);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        out.start_file(name.as_str(), options).ok()?;
        out.write_all(bytes).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

/// Replaces the text between the `n`th `open` and the next `close` in `xml` with `new`.
fn replace_between(rng: &mut Rng, xml: &mut String, open: &str, close: &str, new: &str) -> bool {
    let starts: Vec<usize> = xml
        .match_indices(open)
        .map(|(i, _)| i + open.len())
        .collect();
    if starts.is_empty() {
        return false;
    }
    let from = *rng.pick(&starts);
    let Some(len) = xml[from..].find(close) else {
        return false;
    };
    xml.replace_range(from..from + len, new);
    true
}

/// One mutation of a part's XML text.
fn xml_step(rng: &mut Rng, xml: &mut String) {
    let (open, close, new): (&str, &str, String) = match rng.below(10) {
        0 | 1 => ("<v>", "</v>", pick_owned(rng, VALUES)),
        2 if rng.one_in(2) => ("<t>", "</t>", pick_owned(rng, AMOUNTS)),
        2 => ("<t>", "</t>", pick_owned(rng, TEXTS)),
        3 | 4 => (" r=\"", "\"", pick_owned(rng, REFS)),
        5 => (
            " t=\"",
            "\"",
            pick_owned(rng, &["s", "n", "str", "e", "b", "inlineStr", "d", "x"]),
        ),
        6 => (
            " s=\"",
            "\"",
            pick_owned(rng, &["0", "1", "2", "9999", "-1"]),
        ),
        7 => (
            "formatCode=\"",
            "\"",
            pick_owned(
                rng,
                &["0%", "0.00 %", "General", "\\%0", "[Red]0", "\"%\"0"],
            ),
        ),
        8 => ("", "", String::new()),
        _ => {
            let at = floor_boundary(xml, rng.below(xml.len() + 1));
            let depth = *rng.pick(&[10usize, 1_000, 100_000]);
            xml.insert_str(at, &"<x>".repeat(depth));
            return;
        }
    };
    let done = if open.is_empty() {
        duplicate_element(rng, xml)
    } else {
        replace_between(rng, xml, open, close, &new)
    };
    if !done {
        let mut b = std::mem::take(xml).into_bytes();
        bytes(rng, &mut b, &[]);
        *xml = String::from_utf8_lossy(&b).into_owned();
    }
}

fn pick_owned(rng: &mut Rng, items: &[&str]) -> String {
    rng.pick(items).to_string()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Repeats a `<c …>…</c>` or `<row …>…</row>` element.
fn duplicate_element(rng: &mut Rng, xml: &mut String) -> bool {
    let (open, close) = *rng.pick(&[("<c ", "</c>"), ("<row ", "</row>"), ("<si>", "</si>")]);
    let starts: Vec<usize> = xml.match_indices(open).map(|(i, _)| i).collect();
    if starts.is_empty() {
        return false;
    }
    let from = *rng.pick(&starts);
    let Some(len) = xml[from..].find(close) else {
        return false;
    };
    let element = xml[from..from + len + close.len()].to_string();
    let times = within(*rng.pick(&[1usize, 2, 100, 5_000]), element.len());
    xml.insert_str(from, &element.repeat(times));
    true
}

/// `.xlsx`-aware mutations: a part's XML changed inside a valid zip, a part dropped or
/// added, the zip stored or deflated, now and then its sizes falsified or its bytes mutated.
pub fn xlsx(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let parts = parts(data).filter(|p| p.iter().map(|(_, b)| b.len()).sum::<usize>() <= MAX_LEN);
    let Some(mut parts) = parts else {
        let mut out = data.to_vec();
        bytes(rng, &mut out, other);
        return out;
    };
    match rng.below(12) {
        0 if parts.len() > 1 => {
            let i = rng.below(parts.len());
            parts.remove(i);
        }
        1 => {
            let size = *rng.pick(&[0usize, 1 << 10, 1 << 20, 3 << 20]);
            parts.push((
                format!("xl/media/billede{}.bin", rng.below(100)),
                vec![b'A'; size],
            ));
        }
        _ => {
            let preferred: Vec<usize> = (0..parts.len())
                .filter(|&i| {
                    parts[i].0.contains("sheet")
                        || parts[i].0.contains("sharedStrings")
                        || parts[i].0.contains("styles")
                })
                .collect();
            let i = if preferred.is_empty() || rng.one_in(6) {
                rng.below(parts.len())
            } else {
                *rng.pick(&preferred)
            };
            if let Some((_, bytes)) = parts.get_mut(i) {
                let mut xml = String::from_utf8_lossy(bytes).into_owned();
                for _ in 0..1 + rng.below(3) {
                    xml_step(rng, &mut xml);
                }
                *bytes = xml.into_bytes();
            }
        }
    }
    let Some(mut out) = zip_of(&parts, rng.one_in(4)) else {
        return data.to_vec();
    };
    if rng.one_in(10) {
        falsify_sizes(rng, &mut out);
    } else if rng.one_in(10) {
        bytes(rng, &mut out, other);
    }
    out.truncate(MAX_LEN);
    out
}

/// Overwrites the uncompressed size of one part in its local header and the central
/// directory, as a crafted zip would.
fn falsify_sizes(rng: &mut Rng, zip: &mut [u8]) {
    let size = *rng.pick(&[0u32, 1, 1024, 41 << 20, u32::MAX]);
    let local: Vec<usize> = (0..zip.len().saturating_sub(30))
        .filter(|&i| zip[i..].starts_with(b"PK\x03\x04"))
        .collect();
    let central: Vec<usize> = (0..zip.len().saturating_sub(46))
        .filter(|&i| zip[i..].starts_with(b"PK\x01\x02"))
        .collect();
    if let Some(&i) = local.get(rng.below(local.len().max(1))) {
        zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
    }
    if let Some(&i) = central.get(rng.below(central.len().max(1))) {
        zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
    }
}

// ---- the contract form ----

/// What a field of the form holds, for its dictionary.
#[derive(Clone, Copy)]
enum Field {
    Date,
    Dates,
    Amount,
    Cpr,
    Cvr,
    Ean,
    Municipality,
    Offer,
    Basis,
    Check,
    Days,
    Notice,
    Timing,
    Unit,
    Text,
}

const DATES: &[&str] = &[
    "01.12.2026",
    "30.11.2027",
    "29.02.2028",
    "29.02.2027",
    "31.12.9999",
    "01.01.0001",
    "00.00.0000",
    "32.01.2027",
    "01.13.2027",
    "1.1.2027",
    "2027-01-01",
    "01/12/2026",
    "01.12.26",
    "01.12.-2026",
    "01.12.262143",
    "01.12.99999999999999999999",
    "31.12.2100",
    "01.01.2101",
    "01.01.1999",
    "01.03.2027, 01.09.2027",
    "01.03.2027 01.03.2027",
    ",,,",
    "i morgen",
];

const CPRS: &[&str] = &[
    "010190-1234",
    "0101901234",
    "010190-123",
    "310290-1234",
    "290200-1234",
    "290201-1234",
    "000000-0000",
    "999999-9999",
    "010100-4000",
    "010190 1234",
    "0101901234567",
    "abcdefghij",
    "311299-9999",
    "010126-1234",
    "010130-4000",
];

const CVRS: &[&str] = &[
    "29403473",
    "29188505",
    "00000000",
    "99999999",
    "1234567",
    "123456789",
    "2940347A",
    "29 40 34 73",
];

const EANS: &[&str] = &[
    "5798000000001",
    "5790000000005",
    "0000000000000",
    "5798000000002",
    "579800000000",
    "57980000000011",
    "5798 0000 0000 1",
];

const MUNICIPALITIES: &[&str] = &[
    "Roskilde",
    "265",
    "0",
    "999",
    "-1",
    "Atlantis",
    "København",
    "101",
    "roskilde kommune",
    "Region Sjælland",
    "18446744073709551616",
    "Faxe",
];

const OFFERS: &[&str] = &[
    "K-1", "P-2", "R-1", "P-1", "S-1", "S-2", "H-1", "X-9", "k-1", " K-1 ",
];

const BASES: &[&str] = &[
    "SEL-108",
    "SEL-107",
    "SEL-66",
    "BL-43",
    "BL-32",
    "SEL § 108",
    "108",
    "x",
];

const CHECKS: &[&str] = &[
    "A-2026-0001",
    "A-2026-9999",
    "A-1",
    "'; DROP TABLE contracts; --",
    "a-2026-0001",
];

const DAYS: &[&str] = &[
    "30",
    "31",
    "0",
    "-1",
    "999999999999999999999",
    "30,5",
    "1e3",
    "2147483648",
];

const NOTICES: &[&str] = &[
    "løbende måned + 1 måned",
    "3 måneder",
    "14 dage",
    "0 dage",
    "-1 måneder",
    "99999999999 måneder",
    "18446744073709551616 dage",
    "løbende måned + 99999999999 måneder",
    "løbende måned",
    "1 år",
    "x",
];

const TIMINGS: &[&str] = &["forud", "bagud", "x", "FORUD"];

const UNITS: &[&str] = &["dag", "maaned", "engang", "døgn", "måned", "år"];

fn dictionary(field: Field) -> &'static [&'static str] {
    match field {
        Field::Date | Field::Dates => DATES,
        Field::Amount => AMOUNTS,
        Field::Cpr => CPRS,
        Field::Cvr => CVRS,
        Field::Ean => EANS,
        Field::Municipality => MUNICIPALITIES,
        Field::Offer => OFFERS,
        Field::Basis => BASES,
        Field::Check => CHECKS,
        Field::Days => DAYS,
        Field::Notice => NOTICES,
        Field::Timing => TIMINGS,
        Field::Unit => UNITS,
        Field::Text => TEXTS,
    }
}

/// Every text field of the form with what it holds.
fn fields(form: &mut ContractForm) -> Vec<(&mut String, Field)> {
    let f = form;
    let mut out = vec![
        (&mut f.offer_id, Field::Offer),
        (&mut f.department_id, Field::Text),
        (&mut f.legal_basis, Field::Basis),
        (&mut f.check_id, Field::Check),
        (&mut f.buyer_municipality, Field::Municipality),
        (&mut f.buyer_ean, Field::Ean),
        (&mut f.buyer_contact, Field::Text),
        (&mut f.payer_municipality, Field::Municipality),
        (&mut f.payer_ean, Field::Ean),
        (&mut f.provider_cvr, Field::Cvr),
        (&mut f.provider_ean, Field::Ean),
        (&mut f.citizen_name, Field::Text),
        (&mut f.citizen_cpr, Field::Cpr),
        (&mut f.intervention, Field::Text),
        (&mut f.goals, Field::Text),
        (&mut f.start, Field::Date),
        (&mut f.end, Field::Date),
        (&mut f.followups, Field::Dates),
        (&mut f.payment_timing, Field::Timing),
        (&mut f.payment_days, Field::Days),
        (&mut f.notice_buyer, Field::Notice),
        (&mut f.notice_provider, Field::Notice),
        (&mut f.absence_days, Field::Days),
        (&mut f.hospital_days, Field::Days),
        (&mut f.closure, Field::Text),
    ];
    for a in &mut f.addons {
        out.push((&mut a.description, Field::Text));
        out.push((&mut a.basis, Field::Text));
        out.push((&mut a.amount, Field::Amount));
        out.push((&mut a.unit, Field::Unit));
    }
    out
}

fn addon(rng: &mut Rng) -> AddOnForm {
    AddOnForm {
        description: rng
            .pick(&["Ekstra nattevagt", "Ledsagelse", ""])
            .to_string(),
        basis: "2 timer pr. døgn à 225 kr.".into(),
        amount: rng.pick(AMOUNTS).to_string(),
        unit: rng.pick(dictionary(Field::Unit)).to_string(),
    }
}

/// One to four mutations of the form (a field's value, its length, its characters, the
/// add-ons) or of the day it is judged on.
pub fn form(rng: &mut Rng, form: &mut ContractForm, today: &mut NaiveDate, other: &ContractForm) {
    for _ in 0..1 + rng.below(4) {
        match rng.below(12) {
            0 => form.addons.push(addon(rng)),
            1 => {
                let times = *rng.pick(&[1usize, 49, 50, 51, 200]);
                let a = addon(rng);
                form.addons.extend(std::iter::repeat_n(a, times));
            }
            2 if !form.addons.is_empty() => {
                let i = rng.below(form.addons.len());
                form.addons.remove(i);
            }
            3 => *today = day(rng, *today),
            4 => {
                let mut theirs = other.clone();
                let values: Vec<String> = fields(&mut theirs)
                    .into_iter()
                    .map(|(v, _)| v.clone())
                    .collect();
                let mut mine = fields(form);
                let i = rng.below(mine.len());
                *mine[i].0 = rng.pick(&values).clone();
            }
            _ => field(rng, form),
        }
    }
}

fn field(rng: &mut Rng, form: &mut ContractForm) {
    let mut all = fields(form);
    let i = rng.below(all.len());
    let (value, kind) = &mut all[i];
    match rng.below(8) {
        0..=3 => **value = rng.pick(dictionary(*kind)).to_string(),
        4 => **value = long_text(rng),
        5 => **value = rng.pick(TEXTS).to_string(),
        6 if matches!(*kind, Field::Dates) => {
            let n = *rng.pick(&[10usize, 1_000, 10_000]);
            **value = vec!["01.03.2027"; n].join(", ");
        }
        _ => {
            let mut b = std::mem::take(*value).into_bytes();
            bytes(rng, &mut b, &[]);
            **value = String::from_utf8_lossy(&b).into_owned();
        }
    }
}

fn day(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    let fixed = [
        (2026, 11, 24),
        (2027, 2, 1),
        (2027, 12, 31),
        (2028, 2, 29),
        (2028, 12, 1),
        (2000, 1, 1),
        (2100, 12, 31),
        (1970, 1, 1),
    ];
    if rng.one_in(2) {
        let (y, m, d) = *rng.pick(&fixed);
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today)
    } else {
        let days = rng.below(4_000) as i64 - 2_000;
        today
            .checked_add_signed(Duration::days(days))
            .unwrap_or(today)
    }
}

/// A contract case's bytes (`targets::contract_case`) for `form` judged on `today`.
pub fn case_bytes(form: &ContractForm, today: NaiveDate) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "today": today.to_string(), "form": form }))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let seed = br#"{"a": [1, "3300.00", {"b": null}], "c": "Kildevang"}"#;
        let run = |s| {
            let mut rng = Rng::new(s);
            (0..50)
                .map(|_| json(&mut rng, seed, seed))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
