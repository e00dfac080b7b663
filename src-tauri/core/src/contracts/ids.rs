//! Danish identifiers on a contract: CPR (date and century, never modulus 11), CVR (weights
//! 2,7,6,5,4,3,2,1) and EAN/GLN (GS1 check digit). Each check returns a Danish message.

use chrono::NaiveDate;

/// A CPR number `DDMMYY-SSSS` (the dash may be left out). Checks the date and the century
/// from the 7th digit; does not apply modulus 11 (numbers issued since 2007 may fail it).
/// Returns the birth date.
pub fn check_cpr(input: &str) -> Result<NaiveDate, String> {
    let digits: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("skal have formen DDMMÅÅ-LLLL (10 cifre).".into());
    }
    let n = |a: usize, b: usize| digits[a..b].parse::<u32>().unwrap_or(0);
    let (day, month, yy, seventh) = (n(0, 2), n(2, 4), n(4, 6), n(6, 7));
    let century = match seventh {
        0..=3 => 1900,
        4 | 9 => {
            if yy <= 36 {
                2000
            } else {
                1900
            }
        }
        _ => {
            if yy <= 57 {
                2000
            } else {
                1800
            }
        }
    };
    NaiveDate::from_ymd_opt(century + yy as i32, month, day).ok_or_else(|| {
        format!(
            "{:02}.{:02}.{} er ikke en gyldig fødselsdato.",
            day,
            month,
            century + yy as i32
        )
    })
}

/// `010190-xxxx`: the CPR as lists show it.
pub fn mask_cpr(input: &str) -> String {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    match digits.get(..6) {
        Some(d) if digits.len() == 10 => format!("{d}-xxxx"),
        _ => "xxxxxx-xxxx".into(),
    }
}

/// `DDMMYY-SSSS` with the dash.
pub fn normalise_cpr(input: &str) -> String {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 10 {
        format!("{}-{}", &digits[..6], &digits[6..])
    } else {
        input.trim().to_string()
    }
}

/// A CVR number: 8 digits, weights 2,7,6,5,4,3,2,1, sum divisible by 11.
pub fn check_cvr(input: &str) -> Result<String, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("skal være 8 cifre.".into());
    }
    if digits.starts_with('0') {
        // CVR numbers are issued from 10000000; 00000000 passes the weights but is no number.
        return Err(format!(
            "{digits} er ikke et gyldigt CVR-nummer (et CVR-nummer begynder ikke med 0)."
        ));
    }
    let sum: u32 = digits
        .chars()
        .zip([2, 7, 6, 5, 4, 3, 2, 1])
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    if !sum.is_multiple_of(11) {
        return Err(format!(
            "{digits} er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke)."
        ));
    }
    Ok(digits)
}

/// An EAN/GLN location number: 13 digits with a GS1 check digit.
pub fn check_ean(input: &str) -> Result<String, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 13 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("skal være 13 cifre.".into());
    }
    if digits.chars().all(|c| c == '0') {
        return Err(format!(
            "{digits} er ikke et EAN-nummer (kun nuller); skriv modtagerens EAN-lokationsnummer."
        ));
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = values[..12]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    let check = (10 - sum % 10) % 10;
    if values[12] != check {
        return Err(format!(
            "{digits} er ikke et gyldigt EAN-nummer (kontrolcifferet skulle være {check})."
        ));
    }
    Ok(digits)
}

/// Six digits, an optional dash or space, four digits: what a CPR number looks like.
pub fn contains_cpr_like(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len()).any(|i| cpr_like_at(&chars, i).is_some())
}

/// `s` with everything that looks like a CPR number replaced by "[CPR udeladt]": for texts
/// that go to a log (an unexpected error in the window may quote what was typed).
pub fn redact_cpr_like(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        match cpr_like_at(&chars, i) {
            Some(end) => {
                out.push_str("[CPR udeladt]");
                i = end;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Where a CPR-like number starting at `i` ends (exclusive), if one starts there.
fn cpr_like_at(chars: &[char], i: usize) -> Option<usize> {
    let digits_at = |i: usize, n: usize| {
        chars
            .get(i..i + n)
            .is_some_and(|w| w.iter().all(char::is_ascii_digit))
    };
    let starts = i == 0 || !chars[i - 1].is_ascii_digit();
    if !starts || !digits_at(i, 6) {
        return None;
    }
    let j = match chars.get(i + 6) {
        Some('-') | Some(' ') => i + 7,
        _ => i + 6,
    };
    (digits_at(j, 4) && chars.get(j + 4).is_none_or(|c| !c.is_ascii_digit())).then_some(j + 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn cpr_century_from_the_seventh_digit() {
        assert_eq!(check_cpr("010190-1234").unwrap(), d(1990, 1, 1));
        assert_eq!(check_cpr("0101904234").unwrap(), d(1990, 1, 1));
        assert_eq!(check_cpr("010110-4234").unwrap(), d(2010, 1, 1));
        assert_eq!(check_cpr("010110-5234").unwrap(), d(2010, 1, 1));
        assert_eq!(check_cpr("010160-5234").unwrap(), d(1860, 1, 1));
        assert_eq!(check_cpr("010137-9234").unwrap(), d(1937, 1, 1));
        // 29.02 only in leap years: 2008 yes, 1900 no.
        assert_eq!(check_cpr("290208-4000").unwrap(), d(2008, 2, 29));
        assert_eq!(
            check_cpr("290200-1000").unwrap_err(),
            "29.02.1900 er ikke en gyldig fødselsdato."
        );
        assert!(check_cpr("320190-1234").is_err());
        assert!(check_cpr("0101901234x").is_err());
    }

    #[test]
    fn cpr_modulus_11_failures_are_accepted() {
        // Numbers issued since 2007 may fail modulus 11; the date decides, not the sum.
        let weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        let digits = [0, 1, 0, 1, 9, 0, 1, 2, 3, 5];
        let sum: u32 = weights.iter().zip(digits).map(|(w, d)| w * d).sum();
        assert_ne!(sum % 11, 0, "the example must fail modulus 11");
        assert!(check_cpr("010190-1235").is_ok());
    }

    #[test]
    fn cpr_is_masked_in_lists() {
        assert_eq!(mask_cpr("010190-1234"), "010190-xxxx");
        assert_eq!(mask_cpr("0101901234"), "010190-xxxx");
        assert_eq!(mask_cpr("12"), "xxxxxx-xxxx");
    }

    #[test]
    fn cvr_weights() {
        // 2*2+7*9+6*4+5*0+4*3+3*4+2*7+1*3 = 4+63+24+0+12+12+14+3 = 132 = 12*11.
        assert_eq!(check_cvr("29403473").unwrap(), "29403473");
        assert!(check_cvr("29403474")
            .unwrap_err()
            .contains("kontrolcifferet"));
        assert_eq!(check_cvr("1234").unwrap_err(), "skal være 8 cifre.");
        // The weights accept all zeros; no CVR number is 00000000.
        assert!(check_cvr("00000000")
            .unwrap_err()
            .contains("begynder ikke med 0"));
    }

    #[test]
    fn ean_check_digit() {
        // 5798000000001: 5+3*7+9+3*8+0+… = 5+21+9+24 = 59 → check 1.
        assert_eq!(check_ean("5798000000001").unwrap(), "5798000000001");
        assert!(check_ean("5798000000002")
            .unwrap_err()
            .contains("skulle være 1"));
        assert!(check_ean("579800000000").is_err());
        assert!(check_ean("0000000000000")
            .unwrap_err()
            .contains("kun nuller"));
    }

    #[test]
    fn cpr_like_text_is_redacted_and_the_rest_kept() {
        assert_eq!(
            redact_cpr_like("Fejl ved 010190-1234 og 0101901234, ikke 12345678901"),
            "Fejl ved [CPR udeladt] og [CPR udeladt], ikke 12345678901"
        );
        assert_eq!(
            redact_cpr_like("Søren 010190 1234."),
            "Søren [CPR udeladt]."
        );
        assert_eq!(redact_cpr_like("ingen tal"), "ingen tal");
    }

    #[test]
    fn cpr_like_text_is_spotted() {
        assert!(contains_cpr_like("010190-1234"));
        assert!(contains_cpr_like("borger 0101901234 ok"));
        assert!(contains_cpr_like("010190 1234"));
        assert!(!contains_cpr_like("Sag 2026-1234"));
        assert!(!contains_cpr_like("27.13.20-P20-1-26"));
        assert!(!contains_cpr_like("12345678901"));
    }
}
