//! The replay/mutation loop on stable Rust. Each input runs on a worker thread that owns the
//! target (its database): inside `catch_unwind`, so a panic is counted, not fatal; with a time
//! limit, so an input that takes longer is counted as a hang (the stuck worker is left behind
//! and a new one started). Inputs come from the corpus and from deterministic mutations of it;
//! an input whose messages say something not seen before joins the pool (a cheap stand-in for
//! coverage feedback: a new message is a new path through the reader).
//!
//! Knobs (environment): `FUZZ_SECONDS` per target (default 40), `FUZZ_RUNS` (a cap on
//! executions), `FUZZ_SEED` (default 12), `FUZZ_HANG_MS` (default 30000: an input runs
//! through two reads in a debug build, and the largest inputs the bounds allow — a 20 MB CSV,
//! a 40 MB sheet — take about 5 s a read there; the figures show the slowest input seen, and
//! an endless loop is caught all the same). Inputs that panic, hang or break a promise are
//! written to `target/tmp/fuzz/<target>/`.

use std::collections::{BTreeMap, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Once;
use std::time::{Duration, Instant};

use super::mutate::Rng;
use super::targets::{FaultKind, Run};

/// One input: its file name (the rate sheet's extension) and its bytes.
#[derive(Clone)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

enum Reply {
    Done(Run),
    Panicked(String),
    SetupFailed(String),
}

/// Runs one input on the target the worker owns.
pub type RunFn = Box<dyn FnMut(&Input) -> Run + Send>;
/// Builds the target (a fresh database) on the worker.
pub type MakeFn = fn() -> Result<RunFn, String>;

struct Worker {
    jobs: Sender<Input>,
    replies: Receiver<Reply>,
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// On the fuzz workers a panic is recorded (message and place), not printed; every other
/// thread keeps the default hook, so a failing test still says why.
fn quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let fuzz = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("fuzz-"));
            if !fuzz {
                return default(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message} ({place})")));
        }));
    });
}

impl Worker {
    fn spawn(name: &str, make: MakeFn) -> Worker {
        let (jobs, inbox) = mpsc::channel::<Input>();
        let (outbox, replies) = mpsc::channel();
        std::thread::Builder::new()
            .name(format!("fuzz-{name}"))
            .spawn(move || worker(make, inbox, outbox))
            .expect("a fuzz worker starts");
        Worker { jobs, replies }
    }
}

/// Builds the target; a panic while building is a failed setup, with its message.
fn build(make: MakeFn) -> Result<RunFn, String> {
    panic::catch_unwind(make).unwrap_or_else(|_| {
        Err(LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_default())
    })
}

fn worker(make: MakeFn, inbox: Receiver<Input>, outbox: Sender<Reply>) {
    let mut target = match build(make) {
        Ok(t) => t,
        Err(e) => {
            outbox.send(Reply::SetupFailed(e)).ok();
            return;
        }
    };
    for input in inbox {
        let reply = match panic::catch_unwind(AssertUnwindSafe(|| target(&input))) {
            Ok(run) => Reply::Done(run),
            Err(_) => {
                let message = LAST_PANIC
                    .with(|p| p.borrow_mut().take())
                    .unwrap_or_default();
                // The database may be half-way: start again from a fresh one.
                match build(make) {
                    Ok(t) => target = t,
                    Err(e) => {
                        outbox.send(Reply::SetupFailed(e)).ok();
                        return;
                    }
                }
                Reply::Panicked(message)
            }
        };
        if outbox.send(reply).is_err() {
            return;
        }
    }
}

/// What one target's run found.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    pub target: String,
    pub seconds: f64,
    pub executions: u64,
    pub accepted: u64,
    pub refused: u64,
    pub panics: u64,
    pub hangs: u64,
    pub faults: BTreeMap<String, u64>,
    pub pool: usize,
    /// The slowest input: milliseconds and its size in bytes.
    pub slowest: (u128, usize),
    /// Files written for the findings.
    pub saved: Vec<PathBuf>,
    /// The first message of each finding.
    pub notes: Vec<String>,
}

impl Figures {
    fn fault(&self, kind: FaultKind) -> u64 {
        self.faults.get(&format!("{kind:?}")).copied().unwrap_or(0)
    }

    pub fn english(&self) -> u64 {
        self.fault(FaultKind::English)
    }

    pub fn db_changed(&self) -> u64 {
        self.fault(FaultKind::DatabaseChanged) + self.fault(FaultKind::OpenTransaction)
    }

    /// Every finding: panics, hangs and broken promises of any kind.
    pub fn bad(&self) -> u64 {
        self.panics + self.hangs + self.faults.values().sum::<u64>()
    }

    /// One line for the terminal.
    pub fn line(&self) -> String {
        format!(
            "{:<10} {:>6.0} s {:>9} kørsler ({:>5.0}/s) | trin: {} godtaget, {} afvist | panik {} | hængt {} | engelsk {} | database ændret {} | uren fejlart {} | andet brudt {} | langsomst {} ms ({} B) | pulje {}",
            self.target,
            self.seconds,
            self.executions,
            self.executions as f64 / self.seconds.max(0.001),
            self.accepted,
            self.refused,
            self.panics,
            self.hangs,
            self.english(),
            self.db_changed(),
            self.fault(FaultKind::Unclean),
            self.fault(FaultKind::Broken),
            self.slowest.0,
            self.slowest.1,
            self.pool
        )
    }
}

/// The run's limits, from the environment.
pub struct Budget {
    pub seconds: f64,
    pub runs: u64,
    pub seed: u64,
    pub hang: Duration,
}

impl Budget {
    pub fn from_env() -> Budget {
        let var = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(default)
        };
        Budget {
            seconds: var("FUZZ_SECONDS", 40) as f64,
            runs: var("FUZZ_RUNS", u64::MAX),
            seed: var("FUZZ_SEED", 12),
            hang: Duration::from_millis(var("FUZZ_HANG_MS", 30_000)),
        }
    }
}

/// Makes the next input from the pool: a mutation of one entry, given another to splice with.
pub type MutateFn = fn(&mut Rng, &Input, &Input) -> Input;

/// The most inputs the pool keeps (seeds included).
const MAX_POOL: usize = 2_000;
/// The largest input the pool keeps: larger ones are tried, but not built on (they would
/// slow every input made from them).
const MAX_POOLED: usize = 256 << 10;

/// A message reduced to its kind: quoted text and figures removed.
fn signature(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = 0usize;
    for c in message.chars() {
        match c {
            '«' => quoted += 1,
            '»' if quoted > 0 => quoted -= 1,
            _ if quoted > 0 => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Runs `target` for the budget: first every seed as it is, then mutations.
pub fn fuzz(
    target: &str,
    seeds: Vec<Input>,
    make: MakeFn,
    mutate: MutateFn,
    budget: &Budget,
) -> Figures {
    quiet_hook();
    assert!(!seeds.is_empty(), "{target}: ingen frø i korpusset");
    let mut rng = Rng::new(
        budget.seed
            ^ target
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)),
    );
    let mut state = Loop {
        target: target.to_string(),
        worker: Worker::spawn(target, make),
        make,
        seen: HashSet::new(),
        figures: Figures {
            target: target.to_string(),
            ..Figures::default()
        },
        pool: seeds.clone(),
        hang: budget.hang,
    };
    let started = Instant::now();
    let mut n = 0u64;
    while n < budget.runs
        && (n < seeds.len() as u64 || started.elapsed().as_secs_f64() < budget.seconds)
    {
        let input = match seeds.get(n as usize) {
            Some(seed) => seed.clone(),
            None => {
                let base = state.pool[rng.below(state.pool.len())].clone();
                let other = state.pool[rng.below(state.pool.len())].clone();
                mutate(&mut rng, &base, &other)
            }
        };
        n += 1;
        if !state.one(&mut rng, input) {
            break;
        }
    }
    state.figures.seconds = started.elapsed().as_secs_f64();
    state.figures.pool = state.pool.len();
    state.figures
}

struct Loop {
    target: String,
    worker: Worker,
    make: MakeFn,
    seen: HashSet<String>,
    figures: Figures,
    pool: Vec<Input>,
    hang: Duration,
}

impl Loop {
    /// Runs one input; `false` when the run should stop (too many hangs).
    fn one(&mut self, rng: &mut Rng, input: Input) -> bool {
        self.figures.executions += 1;
        if self.worker.jobs.send(input.clone()).is_err() {
            panic!("{}: arbejdstråden er stoppet", self.target);
        }
        let started = Instant::now();
        let reply = self.worker.replies.recv_timeout(self.hang);
        let ms = started.elapsed().as_millis();
        if ms > self.figures.slowest.0 {
            self.figures.slowest = (ms, input.bytes.len());
        }
        match reply {
            Ok(Reply::Done(run)) => self.done(rng, input, run),
            Ok(Reply::Panicked(message)) => {
                self.figures.panics += 1;
                self.save("panik", &input, &message);
            }
            Ok(Reply::SetupFailed(e)) => panic!("{}: målet kunne ikke bygges: {e}", self.target),
            Err(RecvTimeoutError::Timeout) => {
                self.figures.hangs += 1;
                self.save(
                    "haenger",
                    &input,
                    &format!("over {} ms", self.hang.as_millis()),
                );
                // The stuck worker is left behind; a new one takes over.
                self.worker = Worker::spawn(&self.target, self.make);
                return self.figures.hangs < 5;
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("{}: arbejdstråden forsvandt", self.target)
            }
        }
        true
    }

    fn done(&mut self, rng: &mut Rng, input: Input, run: Run) {
        self.figures.accepted += u64::from(run.accepted);
        self.figures.refused += u64::from(run.refused);
        for fault in &run.faults {
            *self
                .figures
                .faults
                .entry(format!("{:?}", fault.kind))
                .or_default() += 1;
        }
        if let Some(first) = run.faults.first() {
            self.save(&format!("{:?}", first.kind), &input, &first.detail);
        }
        let mut new = false;
        for m in &run.messages {
            for line in m.lines() {
                new |= self.seen.insert(signature(line));
            }
        }
        if (new || (run.accepted > 0 && rng.one_in(20))) && input.bytes.len() <= MAX_POOLED {
            if self.pool.len() < MAX_POOL {
                self.pool.push(input);
            } else {
                let i = rng.below(self.pool.len());
                self.pool[i] = input;
            }
        }
    }

    /// Keeps a finding's input for replay (the first 20 of a run).
    fn save(&mut self, kind: &str, input: &Input, note: &str) {
        let n = self.figures.saved.len();
        self.figures.notes.push(format!(
            "{kind}: {}",
            note.chars().take(300).collect::<String>()
        ));
        if n >= 20 {
            return;
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("fuzz")
            .join(&self.target);
        let ext = input.name.rsplit('.').next().unwrap_or("bin");
        let path = dir.join(format!("{kind}-{n}.{ext}"));
        if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(&path, &input.bytes).is_ok() {
            self.figures.saved.push(path);
        }
    }
}
