//! Unexpected errors in the window: the user sees a Danish message ("Der opstod en uventet
//! fejl i vinduet …"), and the technical text the window caught is kept here for support, in
//! the audit log as action `ui.error` (and on standard error, for a terminal). The audit
//! log's rule holds: no citizen data. Anything that looks like a CPR number is replaced by
//! "[CPR udeladt]", control characters by spaces, and the text is cut to `MAX_CHARS`.

use rusqlite::Connection;

use crate::contracts::ids::redact_cpr_like;
use crate::error::Result;

/// The longest technical text kept (a stack trace's first lines).
pub const MAX_CHARS: usize = 2000;
/// The longest context kept ("window.error", "contracts: evaluate").
pub const MAX_CONTEXT_CHARS: usize = 100;

/// `text` as it may be logged: CPR-like numbers replaced, control characters as spaces,
/// at most `max` characters (an ellipsis marks a cut).
pub fn clean(text: &str, max: usize) -> String {
    let redacted = redact_cpr_like(text);
    let mut out: String = redacted
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if redacted.chars().count() > max {
        out.push('…');
    }
    out.trim().to_string()
}

/// Logs an unexpected error the window caught.
pub fn record(conn: &Connection, context: &str, text: &str) -> Result<()> {
    let context = clean(context, MAX_CONTEXT_CHARS);
    let text = clean(text, MAX_CHARS);
    eprintln!("Pladsoverblik: uventet fejl i vinduet ({context}): {text}");
    crate::audit::record(
        conn,
        "ui.error",
        if context.is_empty() {
            "vindue"
        } else {
            &context
        },
        &serde_json::json!({ "text": text }),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    use super::*;

    #[test]
    fn the_logged_text_has_no_cpr_no_control_characters_and_a_limit() {
        assert_eq!(
            clean("TypeError: x\n  at readForm (010190-1234)", 100),
            "TypeError: x   at readForm ([CPR udeladt])"
        );
        let long = "a".repeat(MAX_CHARS + 10);
        let cut = clean(&long, MAX_CHARS);
        assert_eq!(cut.chars().count(), MAX_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn an_error_goes_to_the_audit_log_without_the_cpr_number() {
        let db = crate::store::Db::open_in_memory().unwrap();
        record(
            db.conn(),
            "window.error",
            "TypeError: null is not an object (evaluating 'form.elements') 0101901234",
        )
        .unwrap();
        let (action, subject, details): (String, String, String) = db
            .conn()
            .query_row(
                "SELECT action, subject, details FROM audit_log ORDER BY rowid DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(action, "ui.error");
        assert_eq!(subject, "window.error");
        assert!(details.contains("form.elements"), "{details}");
        assert!(details.contains("[CPR udeladt]"), "{details}");
        assert!(!details.contains("0101901234"), "{details}");
    }
}
