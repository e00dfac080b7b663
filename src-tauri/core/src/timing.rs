//! Start-up and import milestones for measuring (`PLADSOVERBLIK_TIMING=1`): each is written to
//! standard error as `tid: WHAT UNIX_MS`, wall-clock milliseconds, so a script that noted the
//! launch time can tell where the time to the first results goes. Nothing when unset.

use std::time::{SystemTime, UNIX_EPOCH};

/// Whether milestones are written.
pub fn enabled() -> bool {
    std::env::var_os("PLADSOVERBLIK_TIMING").is_some()
}

/// Writes the milestone `what` at `ms` (wall-clock milliseconds, as the window's
/// `performance.timeOrigin + performance.now()` gives them).
pub fn mark_at(what: &str, ms: f64) {
    if enabled() && ms.is_finite() {
        eprintln!("tid: {what} {}", ms.round());
    }
}

/// Writes the milestone `what` with the current wall-clock time.
pub fn mark(what: &str) {
    if enabled() {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        eprintln!("tid: {what} {ms}");
    }
}
