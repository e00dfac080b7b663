//! Free text on a check: trimmed, bounded, and never a CPR number (a check holds no personal
//! data; that belongs only in the contract).

use crate::contracts::ids::contains_cpr_like;
use crate::error::{Error, Result};

/// A text field: required or not, at most `max` characters, no CPR-like number.
pub fn field(label: &str, value: &str, max: usize, required: bool) -> Result<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(Error::Invalid(format!("{label}: skal udfyldes.")));
    }
    if v.chars().count() > max {
        return Err(Error::Invalid(format!(
            "{label}: højst {max} tegn (der er {}).",
            v.chars().count()
        )));
    }
    if contains_cpr_like(v) {
        return Err(Error::Invalid(format!(
            "{label}: ligner et CPR-nummer. En afstemning må ikke indeholde borgerens personoplysninger; de hører kun til i kontrakten."
        )));
    }
    Ok(v.to_string())
}
