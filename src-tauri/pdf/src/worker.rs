//! One long-lived thread lays out every PDF.
//!
//! typst allocates and frees a great many small objects per document. On a thread whose
//! allocator arena an import or a day of searching has left fragmented, a contract took about
//! 40 % longer (p50 19–21 → 28–29 ms, measured with a fragmented main heap); on a thread of
//! its own the arena holds typst's objects only and stays as the last render left it. The
//! preparation (`prepare`) runs here too, so the arena is warm before the first export.

use std::cell::Cell;
use std::sync::mpsc::{self, SendError, Sender};
use std::sync::OnceLock;

type Job = Box<dyn FnOnce() + Send>;

/// A main thread's stack: typst recurses into nested content.
const STACK_BYTES: usize = 8 * 1024 * 1024;

thread_local! {
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
}

static JOBS: OnceLock<Option<Sender<Job>>> = OnceLock::new();

/// The PDF thread's queue, started on first use; `None` when no thread could be started.
fn jobs() -> Option<&'static Sender<Job>> {
    JOBS.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("pdf".into())
            .stack_size(STACK_BYTES)
            .spawn(move || {
                ON_WORKER.with(|w| w.set(true));
                for job in rx {
                    // A job that panics must not take the thread (and every later PDF) with it.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .ok()
            .map(|_| tx)
    })
    .as_ref()
}

/// Queues `job` on the PDF thread; runs it on the caller's thread when that is the PDF
/// thread or there is none.
fn submit(job: Job) {
    if ON_WORKER.with(Cell::get) {
        job();
        return;
    }
    match jobs() {
        Some(tx) => {
            if let Err(SendError(job)) = tx.send(job) {
                job();
            }
        }
        None => job(),
    }
}

/// Runs `f` on the PDF thread and waits for its result; `None` only when `f` panicked.
pub(crate) fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    submit(Box::new(move || {
        let _ = tx.send(f());
    }));
    rx.recv().ok()
}

/// Queues `f` on the PDF thread and returns at once.
pub(crate) fn spawn(f: impl FnOnce() + Send + 'static) {
    submit(Box::new(f));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_one_thread_of_their_own_and_survive_a_panic() {
        let caller = std::thread::current().id();
        let first = run(|| std::thread::current().id()).unwrap();
        assert_ne!(first, caller);
        assert_eq!(run(|| std::thread::current().id()), Some(first));
        // A job started from the PDF thread runs there at once instead of waiting for itself.
        assert_eq!(run(|| run(|| 7)), Some(Some(7)));
        assert_eq!(run(|| -> u8 { panic!("en fejl") }), None);
        assert_eq!(run(|| std::thread::current().id()), Some(first));
        let (tx, rx) = mpsc::channel();
        spawn(move || {
            let _ = tx.send(std::thread::current().id());
        });
        assert_eq!(rx.recv().ok(), Some(first));
    }
}
