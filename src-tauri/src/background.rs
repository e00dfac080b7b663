//! The background sync (issue 15, docs/server.md "In the window"): when a server is set, a
//! thread syncs a few seconds after start-up, then every five minutes (every minute while the
//! server cannot be reached), and soon after a check is closed, a contract issued or the
//! server settings changed (`Syncer::wake`). It never blocks start-up or a search: the
//! connection gives up after one second, only one sync runs at a time, and the engine's lock
//! is held only for the local steps. After each attempt the window gets the event
//! `sync-state` with the connection state.

use std::time::{Duration, Instant};

use pladsoverblik_core::Engine;
use pladsoverblik_server::state::Syncer;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event the window listens to.
pub const EVENT: &str = "sync-state";
/// The first sync, after the window is up.
const FIRST_AFTER: Duration = Duration::from_secs(3);
/// Between syncs.
const EVERY: Duration = Duration::from_secs(5 * 60);
/// Between attempts while the server cannot be reached.
const RETRY_AFTER: Duration = Duration::from_secs(60);
/// How often the thread looks for a wake-up. Polled: a timed wait hangs under libfaketime
/// (`make test-any-date`).
const TICK: Duration = Duration::from_millis(250);

/// Sends the current connection state to the window (nothing when it cannot be read).
pub fn announce<R: Runtime>(app: &AppHandle<R>, engine: &Engine, syncer: &Syncer) {
    if let Ok(state) = syncer.state(engine) {
        let _ = app.emit(EVENT, state);
    }
}

/// Starts the background thread (once, from `setup`, after the engine is managed).
pub fn start<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("pladsoverblik-sync".into())
        .spawn(move || {
            let mut next = Instant::now() + FIRST_AFTER;
            loop {
                std::thread::sleep(TICK);
                let (Some(syncer), Some(engine)) =
                    (app.try_state::<Syncer>(), app.try_state::<Engine>())
                else {
                    continue;
                };
                if !syncer.woken() && Instant::now() < next {
                    continue;
                }
                // A failure inside one sync (even a panic) ends that attempt, not the thread.
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    syncer.sync_if_idle(&engine, crate::today())
                }))
                .unwrap_or_else(|_| {
                    Err(pladsoverblik_core::Error::Internal(
                        "synkroniseringen stoppede med en intern fejl".into(),
                    ))
                });
                if !matches!(ran, Ok(None)) {
                    announce(&app, &engine, &syncer);
                }
                next = Instant::now()
                    + if syncer.unreachable() {
                        RETRY_AFTER
                    } else {
                        EVERY
                    };
            }
        });
    if spawned.is_err() {
        eprintln!(
            "Pladsoverblik: baggrundssynkroniseringen kunne ikke startes; brug Synkronisér nu."
        );
    }
}
