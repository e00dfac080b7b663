//! Danish (da-DK) formatting and parsing of dates, amounts and numbers, and Danish sorting.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// `dd.mm.åååå`
pub fn date(d: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, d);
    out
}

/// Appends `dd.mm.åååå`. The search writes 50 hits' texts per keystroke, so the texts it
/// shows are built by appending, without `format!` (docs/benchmarks.md, round 6).
pub fn push_date(out: &mut String, d: NaiveDate) {
    let Ok(year) = u64::try_from(d.year()) else {
        out.push_str(&format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()));
        return;
    };
    push_padded(out, d.day(), 2);
    out.push('.');
    push_padded(out, d.month(), 2);
    out.push('.');
    push_padded(out, year, 4);
}

/// Appends `n` in decimal digits, without grouping.
pub fn push_uint(out: &mut String, n: u64) {
    push_padded(out, n, 1);
}

/// Appends `n` in decimal digits, with leading zeros up to `width` digits.
fn push_padded(out: &mut String, n: impl Into<u128>, width: usize) {
    let mut buf = [0u8; 40];
    let digits = digits_of(n.into(), &mut buf);
    for _ in digits.len()..width {
        out.push('0');
    }
    digits.iter().for_each(|&b| out.push(char::from(b)));
}

/// The ASCII decimal digits of `n` (at least one), written at the end of `buf`.
fn digits_of(mut n: u128, buf: &mut [u8; 40]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        // u64 arithmetic when it fits: u128 division is a library call.
        let digit = match u64::try_from(n) {
            Ok(small) => {
                n = u128::from(small / 10);
                small % 10
            }
            Err(_) => {
                let d = (n % 10) as u64;
                n /= 10;
                d
            }
        };
        buf[start] = b'0' + digit as u8;
        if n == 0 || start == 0 {
            return &buf[start..];
        }
    }
}

/// A stored timestamp (`åååå-mm-ddTHH:MM:SS`, local time) as `dd.mm.åååå kl. HH:MM`; text
/// that is not such a timestamp is returned as it is.
pub fn timestamp(stored: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(stored, "%Y-%m-%dT%H:%M:%S")
        .map(|t| format!("{} kl. {}", date(t.date()), t.format("%H:%M")))
        .unwrap_or_else(|_| stored.to_string())
}

/// Parses `dd.mm.åååå` (also `d.m.åååå`) or ISO `åååå-mm-dd`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
}

/// Groups the integer digits with `.` and uses `,` as decimal separator, with exactly
/// `decimals` decimals (rounded half away from zero, as Danish bookkeeping does).
pub fn number(value: Decimal, decimals: u32) -> String {
    let mut rounded =
        value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    rounded.set_sign_positive(true);
    rounded.rescale(decimals);
    let mantissa = rounded.mantissa().unsigned_abs();
    let scale = 10u128.pow(rounded.scale());
    let mut buf = [0u8; 40];
    let int_digits = digits_of(mantissa / scale, &mut buf);
    let mut out = String::with_capacity(int_digits.len() * 4 / 3 + decimals as usize + 2);
    if negative {
        out.push('-');
    }
    for (i, &b) in int_digits.iter().enumerate() {
        if i > 0 && (int_digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(char::from(b));
    }
    if decimals > 0 {
        out.push(',');
        push_padded(&mut out, mantissa % scale, rounded.scale() as usize);
        // A value with 28 digits cannot be rescaled to more decimals: pad with zeros.
        for _ in rounded.scale()..decimals {
            out.push('0');
        }
        if rounded.scale() == 0 {
            out.pop();
        }
    }
    out
}

/// A non-negative amount as a Danish user types it: "3500", "3.500", "3.500,50", "3500.50",
/// "3.500 kr.".
pub fn parse_amount(input: &str) -> Option<Decimal> {
    let t = input.trim().trim_end_matches("kr.").trim();
    let normalised = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else if t.matches('.').count() > 1 || t.split('.').nth(1).is_some_and(|f| f.len() == 3) {
        // "3.500" and "1.234.567": dots group thousands.
        t.replace('.', "")
    } else {
        t.to_string()
    };
    let normalised = normalised.replace(' ', "");
    // Digits and one decimal point only: no exponent ("1e5"), sign or other notation.
    if normalised.is_empty()
        || !normalised.chars().all(|c| c.is_ascii_digit() || c == '.')
        || normalised.matches('.').count() > 1
    {
        return None;
    }
    <Decimal as std::str::FromStr>::from_str(&normalised)
        .ok()
        .filter(|d| !d.is_sign_negative())
}

/// `1.234,56 kr.`
pub fn kr(value: Decimal) -> String {
    number(value, 2) + " kr."
}

/// Whole kroner, as rates are usually shown: `4.535 kr.`
pub fn kr_whole(value: Decimal) -> String {
    number(value, 0) + " kr."
}

/// A count with its noun in the right number and Danish thousands separators:
/// `count(1, "offentligt tilbud", "offentlige tilbud")` is "1 offentligt tilbud", 2 gives
/// "2 offentlige tilbud", 0 the plural ("0 takster"). The UI has the same rule
/// (`ui/components/plural.js`).
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    let noun = if n == 1 { singular } else { plural };
    format!("{} {noun}", number(Decimal::from(n), 0))
}

/// A kilometre figure with one decimal: `12,3 km`.
pub fn km(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let mut out = number(Decimal::new(tenths, 1), 1);
    out.push_str(" km");
    out
}

/// Sort key for Danish alphabetical order: æ, ø, å after z, and "aa" as å
/// (Aabenraa and Aalborg sort last, as in Danish lists). Each letter's weight (at most
/// 0x10FFFF) is written as three big-endian bytes, so keys compare as bytes (`memcmp`) in the
/// order of their weights: sorting 100.000 names at an import took 58 ms with a `u32` per
/// letter, whose comparison goes letter by letter.
pub fn sort_key(s: &str) -> Vec<u8> {
    let lower = s.to_lowercase();
    let mut key = Vec::with_capacity(lower.len() * 3);
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        let w = match c {
            'a' if chars.peek() == Some(&'a') => {
                chars.next();
                0x7b + 2
            }
            'æ' | 'ä' => 0x7b,
            'ø' | 'ö' => 0x7b + 1,
            'å' => 0x7b + 2,
            'é' | 'è' => 'e' as u32,
            'ü' => 'y' as u32,
            other => other as u32,
        };
        key.extend_from_slice(&w.to_be_bytes()[1..]);
    }
    key
}

/// Compares two strings in Danish alphabetical order.
pub fn danish_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// A SHA-256 digest as lower-case hex (the fingerprint of contract data and PDFs).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_count_takes_the_singular_only_for_one() {
        let n = |k| count(k, "offentligt tilbud", "offentlige tilbud");
        assert_eq!(n(0), "0 offentlige tilbud");
        assert_eq!(n(1), "1 offentligt tilbud");
        assert_eq!(n(2), "2 offentlige tilbud");
        assert_eq!(count(12_345, "takst", "takster"), "12.345 takster");
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_in_danish() {
        assert_eq!(kr(d("1234.56")), "1.234,56 kr.");
        assert_eq!(kr(d("0")), "0,00 kr.");
        assert_eq!(kr(d("1234567.005")), "1.234.567,01 kr.");
        assert_eq!(kr(d("-45.5")), "-45,50 kr.");
        assert_eq!(kr_whole(d("4535")), "4.535 kr.");
        assert_eq!(kr_whole(d("999.5")), "1.000 kr.");
        assert_eq!(number(d("100"), 0), "100");
        assert_eq!(number(d("123456"), 1), "123.456,0");
        assert_eq!(number(d("-0.004"), 2), "0,00");
        assert_eq!(number(d("1.5"), 3), "1,500");
        assert_eq!(number(d("0.05"), 1), "0,1");
        // The digits are written by hand: what `format!` wrote for them before.
        assert_eq!(number(d("0"), 0), "0");
        assert_eq!(number(d("7"), 2), "7,00");
        assert_eq!(number(d("0.001"), 3), "0,001");
        assert_eq!(number(d("100.07"), 2), "100,07");
        assert_eq!(number(d("-1234567.5"), 1), "-1.234.567,5");
        let max = "79.228.162.514.264.337.593.543.950.335";
        assert_eq!(number(d("79228162514264337593543950335"), 0), max);
        assert_eq!(
            number(d("79228162514264337593543950335"), 2),
            format!("{max},00")
        );
        assert_eq!(
            number(d("7.9228162514264337593543950335"), 28),
            "7,9228162514264337593543950335"
        );
        assert_eq!(
            number(d("18446744073709551616.5"), 1),
            "18.446.744.073.709.551.616,5"
        );
        assert_eq!(number(d("12345678901.999"), 2), "12.345.678.902,00");
        // 28 digits: no room for decimals in a Decimal, still two in the text.
        assert_eq!(
            kr(d("1000000000000000000000000000")),
            "1.000.000.000.000.000.000.000.000.000,00 kr."
        );
    }

    #[test]
    fn amounts_are_read_as_people_write_them_and_nothing_else() {
        assert_eq!(parse_amount("3.500,50"), Some(d("3500.50")));
        assert_eq!(parse_amount("3500.50"), Some(d("3500.50")));
        assert_eq!(parse_amount("1.234.567"), Some(d("1234567")));
        assert_eq!(parse_amount("450 kr."), Some(d("450")));
        // Scientific notation, signs and stray characters are not amounts.
        assert_eq!(parse_amount("1e5"), None);
        assert_eq!(parse_amount("-450"), None);
        assert_eq!(parse_amount("+450"), None);
        assert_eq!(parse_amount("0x10"), None);
        assert_eq!(parse_amount(""), None);
        // More digits than a Decimal holds is no amount either (and no panic).
        assert_eq!(parse_amount("79228162514264337593543950336"), None);
    }

    #[test]
    fn dates_in_danish() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(date(day), "05.11.2026");
        for (y, m, dd) in [
            (1, 1, 1),
            (999, 12, 31),
            (9999, 2, 3),
            (10_000, 1, 1),
            (-44, 3, 15),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            assert_eq!(date(day), format!("{dd:02}.{m:02}.{y:04}"));
        }
        let mut s = String::new();
        push_uint(&mut s, 0);
        push_uint(&mut s, 18_446_744_073_709_551_615);
        assert_eq!(s, "018446744073709551615");
        assert_eq!(parse_date("05.11.2026"), Some(day));
        assert_eq!(parse_date("2026-11-05"), Some(day));
        assert_eq!(parse_date("5.11.2026"), Some(day));
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(timestamp("2026-11-29T16:05:09"), "29.11.2026 kl. 16:05");
        assert_eq!(timestamp("i går"), "i går");
    }

    #[test]
    fn km_has_one_decimal() {
        assert_eq!(km(12.34), "12,3 km");
        assert_eq!(km(12.36), "12,4 km");
        assert_eq!(km(1234.0), "1.234,0 km");
    }

    #[test]
    fn sort_keys_compare_as_bytes_in_the_order_of_the_letters() {
        let mut names = vec![
            "Åby", "Ab", "Abc", "Zoo 😀", "Zoo z", "Ærø", "aabenraa", "Ørsted", "Ä", "zoo",
            "Élise", "Emil", "Été",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec![
                "Ab", "Abc", "Élise", "Emil", "Été", "zoo", "Zoo z", "Zoo 😀", "Ä", "Ærø",
                "Ørsted", "aabenraa", "Åby"
            ]
        );
        // A letter beyond the basic plane (three bytes) and "aa" as one letter.
        assert_eq!(sort_key("😀"), vec![0x01, 0xF6, 0x00]);
        assert_eq!(sort_key("Aa"), sort_key("å"));
    }

    #[test]
    fn danish_alphabet_order() {
        let mut names = vec!["Aabenraa", "Ørsted", "Zealand", "Ærø", "Åby", "Albertslund"];
        names.sort_by(|a, b| danish_cmp(a, b));
        assert_eq!(
            names,
            vec!["Albertslund", "Zealand", "Ærø", "Ørsted", "Aabenraa", "Åby"]
        );
    }
}
