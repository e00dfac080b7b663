//! The window's side of the municipality's server (issue 15, point 6; docs/server.md, "In
//! the window"): one sync at a time, the outcome of the last attempt, the connection state in
//! Danish for the header and Indstillinger, and "Test forbindelsen". The desktop shell holds
//! one `Syncer` and only runs it on its threads.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use chrono::NaiveDate;
use pladsoverblik_core::settings::{self, ServerSettings};
use pladsoverblik_core::{Engine, Error, Result};
use serde::Serialize;

use crate::connect::{is_local, Target};
use crate::sync::{self, Report};
use crate::{errors, pgpass, schema};

/// The header's line while the server cannot be reached.
pub const UNREACHABLE_LINE: &str = "Serveren kan ikke nås – arbejdet gemmes her og sendes senere";

const NOT_SET_UP: &str =
    "Der er ikke sat en server op. Udfyld Server, Database og Bruger under Kommunens server, og gem.";

/// How the last attempt to reach the server ended.
#[derive(Debug, Clone)]
enum Attempt {
    /// A sync ran; its report in Danish lines.
    Synced(Vec<String>),
    /// The server answered "Test forbindelsen".
    Reached,
    /// No answer within the timeout, or the connection broke: retried later.
    Unreachable(String),
    /// The server answered but refused (password, role, schema …).
    Failed(String),
}

/// One per app: runs one sync at a time and remembers how the last attempt ended.
#[derive(Debug, Default)]
pub struct Syncer {
    running: Mutex<()>,
    /// How many attempts this session has made, and how the last one ended.
    last: Mutex<(u64, Option<Attempt>)>,
    wake: AtomicBool,
    /// The password file (`None`: `$PGPASSFILE` or `~/.pgpass`).
    pgpass: Option<PathBuf>,
}

/// What the window shows about the server.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionState {
    /// The server as set here (`None`: the app works on this computer alone).
    pub server: Option<ServerSettings>,
    /// `none`, `never` (set, never synced), `synced`, `waiting`, `unreachable` or `failed`.
    pub kind: &'static str,
    /// The number of attempts made this session when the state was read. A state read before
    /// an attempt can reach the window after the attempt's own event: the window shows a
    /// state only when this is not lower than the one it shows.
    pub attempt: u64,
    /// The header's line ("" when no server is set).
    pub line: String,
    /// The last sync as `dd.mm.åååå kl. tt:mm`.
    pub last_sync: Option<String>,
    /// What waits to be sent ("1 afstemning, 0 kontraktversioner, 3 poster i revisionssporet").
    pub waiting: String,
    /// What was received so far ("2 afstemninger, 1 kontrakt; fra kommunen: 1 rammeaftale").
    pub received: String,
    /// Records the server refused, and records on the server not taken here, each in Danish.
    pub refused: Vec<String>,
    /// The last failure's Danish message.
    pub error: Option<String>,
    /// The last sync's report lines (this session).
    pub report: Vec<String>,
    /// Where the password is read from, and the line it needs there.
    pub password_file: String,
    pub password_line: Option<String>,
}

/// The server set up here as a connection target, or `None`.
pub fn target(engine: &Engine) -> Result<Option<Target>> {
    Ok(engine
        .with_db(|db| settings::server(db.conn()))?
        .map(Target::new))
}

/// The password file's line for the server (`host:port:database:user:ADGANGSKODE`), with `:`
/// and `\` escaped as the file wants them.
pub fn password_line(s: &ServerSettings) -> String {
    let esc = |v: &str| v.replace('\\', "\\\\").replace(':', "\\:");
    format!(
        "{}:{}:{}:{}:ADGANGSKODE",
        esc(&s.host),
        s.port,
        esc(&s.database),
        esc(&s.user)
    )
}

/// "Venter: 2 afstemninger, 1 kontrakt ikke sendt" (`None` when nothing but audit entries).
fn waiting_line(p: &sync::Pending) -> Option<String> {
    let mut parts = sync::counted_parts(&[
        (p.checks, "afstemning", "afstemninger"),
        (p.versions, "kontrakt", "kontrakter"),
        (p.events, "kontrakthændelse", "kontrakthændelser"),
    ]);
    parts.extend(p.municipal_parts());
    (!parts.is_empty()).then(|| format!("Venter: {} ikke sendt", parts.join(", ")))
}

impl Syncer {
    /// A syncer reading the password from `file` instead of `~/.pgpass`.
    pub fn with_password_file(file: PathBuf) -> Syncer {
        Syncer {
            pgpass: Some(file),
            ..Syncer::default()
        }
    }

    /// The server set up here, with this syncer's password file.
    fn target(&self, engine: &Engine) -> Result<Option<Target>> {
        Ok(target(engine)?.map(|t| Target {
            pgpass: self.pgpass.clone(),
            ..t
        }))
    }

    /// Asks the background thread to sync soon (a check closed, a contract issued, the server
    /// settings changed).
    pub fn wake(&self) {
        self.wake.store(true, Ordering::SeqCst);
    }

    /// Whether `wake` was called since the last time this was asked.
    pub fn woken(&self) -> bool {
        self.wake.swap(false, Ordering::SeqCst)
    }

    /// Whether the last attempt found the server unreachable (the background retries sooner).
    pub fn unreachable(&self) -> bool {
        matches!(self.last_attempt(), Some(Attempt::Unreachable(_)))
    }

    fn last_attempt(&self) -> Option<Attempt> {
        self.numbered_attempt().1
    }

    /// (attempts made, the last one), read together.
    fn numbered_attempt(&self) -> (u64, Option<Attempt>) {
        self.last.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn remember(&self, attempt: Attempt) {
        if let Ok(mut last) = self.last.lock() {
            *last = (last.0 + 1, Some(attempt));
        }
    }

    /// Remembers a failure: unreachable (the timeout, a broken connection) or refused.
    fn remember_error(&self, target: &Target, e: &Error) {
        let message = e.to_string();
        let unreachable = message == errors::unreachable(target).to_string()
            || message.starts_with("Forbindelsen til serveren blev afbrudt");
        self.remember(if unreachable {
            Attempt::Unreachable(message)
        } else {
            Attempt::Failed(message)
        });
    }

    /// Push, then pull, with the server set here. `Ok(None)`: no server is set. Waits for a
    /// sync already running (then runs its own, so what was done meanwhile goes too).
    pub fn sync_now(&self, engine: &Engine, today: NaiveDate) -> Result<Option<Report>> {
        // A sync that stopped with a panic leaves the lock poisoned; this one may run.
        let _one = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.run(engine, today)
    }

    /// The background's sync: skipped (`Ok(None)`) when one is running already or no server
    /// is set.
    pub fn sync_if_idle(&self, engine: &Engine, today: NaiveDate) -> Result<Option<Report>> {
        // A sync that stopped with a panic leaves the lock poisoned; the next one may run.
        let _one = match self.running.try_lock() {
            Ok(one) => one,
            Err(std::sync::TryLockError::Poisoned(one)) => one.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return Ok(None),
        };
        self.run(engine, today)
    }

    fn run(&self, engine: &Engine, today: NaiveDate) -> Result<Option<Report>> {
        let Some(target) = self.target(engine)? else {
            return Ok(None);
        };
        match sync::sync(engine, &target, today) {
            Ok(report) => {
                self.remember(Attempt::Synced(report.lines()));
                Ok(Some(report))
            }
            Err(e) => {
                self.remember_error(&target, &e);
                Err(e)
            }
        }
    }

    /// "Test forbindelsen": connects with the server set here (at most one second) and says
    /// in Danish who the server knows us as, or why it could not.
    pub fn test(&self, engine: &Engine) -> Result<String> {
        let target = self
            .target(engine)?
            .ok_or_else(|| Error::Invalid(NOT_SET_UP.into()))?;
        let outcome = crate::connect(&target)
            .and_then(|mut client| schema::status(&mut client, !is_local(&target.server.host)));
        match outcome {
            Ok(status) => {
                self.remember(Attempt::Reached);
                Ok(connected_text(&target, &status))
            }
            Err(e) => {
                self.remember_error(&target, &e);
                Err(with_password_hint(&target, e))
            }
        }
    }

    /// The state for the header and Indstillinger; reads the working copy only (no network).
    pub fn state(&self, engine: &Engine) -> Result<ConnectionState> {
        let file = self.target(engine)?;
        let password_file = self
            .pgpass
            .clone()
            .or_else(pgpass::default_path)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "~/.pgpass".into());
        let (number, attempt) = self.numbered_attempt();
        let Some(target) = file else {
            return Ok(ConnectionState {
                server: None,
                kind: "none",
                attempt: number,
                line: String::new(),
                last_sync: None,
                waiting: String::new(),
                received: String::new(),
                refused: Vec::new(),
                error: None,
                report: Vec::new(),
                password_file,
                password_line: None,
            });
        };
        let pending = sync::pending(engine)?;
        // "dd.mm.åååå kl. tt:mm", as every other time the app shows.
        let last_sync = pending.last_sync.clone();
        let waiting = waiting_line(&pending);
        // Trouble first, with what waits after it.
        let and_waiting = |line: &str| match &waiting {
            Some(w) => format!("{line} · {w}"),
            None => line.to_string(),
        };
        let (kind, line, error) = match (&attempt, &waiting, &last_sync) {
            (Some(Attempt::Unreachable(m)), _, _) => (
                "unreachable",
                and_waiting(UNREACHABLE_LINE),
                Some(m.clone()),
            ),
            (Some(Attempt::Failed(m)), _, _) => (
                "failed",
                and_waiting("Synkroniseringen mislykkedes – se Indstillinger"),
                Some(m.clone()),
            ),
            (_, Some(w), _) => ("waiting", w.clone(), None),
            (_, None, Some(t)) => ("synced", format!("Synkroniseret {t}"), None),
            (_, None, None) => ("never", "Ikke synkroniseret endnu".to_string(), None),
        };
        let mut refused = pending.refused.clone();
        refused.extend(pending.received_conflicts.iter().cloned());
        Ok(ConnectionState {
            password_line: Some(password_line(&target.server)),
            server: Some(target.server),
            kind,
            attempt: number,
            line,
            last_sync,
            waiting: pending.waiting_text(),
            received: received_text(&pending),
            refused,
            error,
            report: match attempt {
                Some(Attempt::Synced(lines)) => lines,
                _ => Vec::new(),
            },
            password_file,
        })
    }
}

/// "2 afstemninger, 1 kontrakt" and, when the server's agreements, rate sheets or catalogues
/// were installed here, "; fra kommunen: 1 rammeaftale, 2 takstoversigter".
fn received_text(p: &sync::Pending) -> String {
    let municipal = p.received_municipal_parts();
    if municipal.is_empty() {
        p.received_text()
    } else {
        format!(
            "{}; fra kommunen: {}",
            p.received_text(),
            municipal.join(", ")
        )
    }
}

/// "Forbundet til … som «karen» (rolle sagsbehandler) i enheden «Nord» …".
fn connected_text(target: &Target, status: &schema::Status) -> String {
    let roles = if status.roles.is_empty() {
        "ingen af de fire roller".to_string()
    } else {
        format!("rolle {}", status.roles.join(", "))
    };
    let unit = status
        .unit
        .as_deref()
        .map(|u| format!("i enheden «{u}»"))
        .unwrap_or_else(|| "ikke knyttet til en enhed".into());
    let schema = if status.version < status.latest {
        format!(
            " Serverens skema er på version {} af {}: bed IT om at køre plads server migrate.",
            status.version, status.latest
        )
    } else {
        String::new()
    };
    format!(
        "Forbundet til {}:{}/{} som «{}» ({roles}, {unit}); PostgreSQL {}, {}.{schema}",
        target.server.host,
        target.server.port,
        target.server.database,
        target.server.user,
        status.server_version,
        if status.tls {
            "TLS med certifikattjek"
        } else {
            "på denne computer, uden TLS"
        }
    )
}

/// A refused connection with what the password file lacks, when it lacks the line.
fn with_password_hint(target: &Target, e: Error) -> Error {
    let Error::Refused(message) = &e else {
        return e;
    };
    if *message == errors::unreachable(target).to_string() {
        return e;
    }
    let Some(path) = target.pgpass.clone().or_else(pgpass::default_path) else {
        return e;
    };
    let s = &target.server;
    let hint = if !path.exists() {
        format!("Adgangskodefilen {} findes ikke.", path.display())
    } else {
        match pgpass::lookup(&path, &s.host, s.port, &s.database, &s.user) {
            Ok(None) => format!(
                "Adgangskodefilen {} har ingen linje for {}.",
                path.display(),
                password_line(s).trim_end_matches(":ADGANGSKODE")
            ),
            _ => return e,
        }
    };
    Error::Refused(format!("{message} {hint}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn engine_with(server: Option<(&str, u16)>) -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(&dir.path().join("db.sqlite")).unwrap();
        if let Some((host, port)) = server {
            engine.set_setting(settings::SERVER_HOST, host).unwrap();
            engine
                .set_setting(settings::SERVER_PORT, &port.to_string())
                .unwrap();
            engine
                .set_setting(settings::SERVER_DATABASE, "pladsoverblik")
                .unwrap();
            engine.set_setting(settings::SERVER_USER, "karen").unwrap();
        }
        (dir, engine)
    }

    fn unused_port() -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn without_a_server_nothing_is_shown_and_nothing_syncs() {
        let (_dir, engine) = engine_with(None);
        let syncer = Syncer::default();
        let state = syncer.state(&engine).unwrap();
        assert_eq!((state.kind, state.line.as_str()), ("none", ""));
        assert!(syncer.sync_now(&engine, today()).unwrap().is_none());
        let e = syncer.test(&engine).err().unwrap();
        assert_eq!(e.code(), "invalid");
        assert!(
            e.to_string().contains("Der er ikke sat en server op"),
            "{e}"
        );
    }

    #[test]
    fn an_unreachable_server_is_said_within_a_second_and_work_goes_on() {
        let port = unused_port();
        let (_dir, engine) = engine_with(Some(("127.0.0.1", port)));
        let syncer = Syncer::default();
        let state = syncer.state(&engine).unwrap();
        assert_eq!((state.kind, state.attempt), ("never", 0));
        assert_eq!(
            syncer.state(&engine).unwrap().password_line.unwrap(),
            format!("127.0.0.1:{port}:pladsoverblik:karen:ADGANGSKODE")
        );
        let started = std::time::Instant::now();
        let e = syncer.test(&engine).err().unwrap();
        assert!(started.elapsed() < std::time::Duration::from_millis(1500));
        assert!(
            e.to_string()
                .starts_with(&format!("Kommunens server 127.0.0.1:{port} kan ikke nås")),
            "{e}"
        );
        let state = syncer.state(&engine).unwrap();
        assert_eq!(
            (state.kind, state.line.as_str()),
            ("unreachable", UNREACHABLE_LINE)
        );
        assert!(syncer.unreachable());
        // Each attempt is numbered, so the window can tell a state read before it from one
        // read after it.
        assert_eq!(state.attempt, 1);

        // A sync fails the same way, leaves nothing marked as synced, and the app's own work
        // goes on (the settings can be read and written while the server is away).
        let e = syncer.sync_now(&engine, today()).err().unwrap();
        assert!(e.to_string().contains("kan ikke nås"), "{e}");
        let state = syncer.state(&engine).unwrap();
        assert_eq!((state.last_sync, state.attempt), (None, 2));
        engine.set_setting("user_name", "Karen").unwrap();
        assert_eq!(engine.settings().unwrap().user_name, "Karen");
    }

    #[test]
    fn the_background_skips_while_a_sync_runs() {
        let port = unused_port();
        let (_dir, engine) = engine_with(Some(("127.0.0.1", port)));
        let syncer = Syncer::default();
        let held = syncer.running.lock().unwrap();
        assert!(syncer.sync_if_idle(&engine, today()).unwrap().is_none());
        assert!(syncer.last_attempt().is_none(), "nothing was attempted");
        drop(held);
        assert!(syncer.sync_if_idle(&engine, today()).is_err());
        assert!(!syncer.woken());
        syncer.wake();
        assert!(syncer.woken());
        assert!(!syncer.woken());
    }

    /// Against the throwaway PostgreSQL of `make test-server` (PGHOST, PGPORT, PGUSER and
    /// PGPASSWORD of its superuser): what the window's buttons and state line say when the
    /// server is there.
    #[test]
    #[ignore = "needs PostgreSQL: make test-server"]
    fn the_window_tests_and_syncs_against_a_real_server() {
        let env = |n: &str| std::env::var(n).unwrap();
        let (host, su, su_password) = (env("PGHOST"), env("PGUSER"), env("PGPASSWORD"));
        let port: u16 = env("PGPORT").parse().unwrap();
        let (dir, engine) = engine_with(None);
        let pgpass = dir.path().join("pgpass");
        let (login, password) = ("plads_window_karen", "pw-window-karen");
        std::fs::write(
            &pgpass,
            format!("*:*:*:{su}:{su_password}\n*:*:*:{login}:{password}\n"),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let on = |database: &str, user: &str| Target {
            server: ServerSettings {
                host: host.clone(),
                port,
                database: database.into(),
                user: user.into(),
            },
            pgpass: Some(pgpass.clone()),
        };
        let mut admin = crate::connect(&on("postgres", &su)).unwrap();
        for sql in [
            "DROP DATABASE IF EXISTS plads_window WITH (FORCE)",
            "CREATE DATABASE plads_window",
        ] {
            admin.batch_execute(sql).unwrap();
        }
        let mut client = crate::connect(&on("plads_window", &su)).unwrap();
        schema::init(&mut client).unwrap();
        client
            .batch_execute(&format!(
                "DROP ROLE IF EXISTS {login};
                 CREATE ROLE {login} LOGIN PASSWORD '{password}' IN ROLE sagsbehandler;
                 INSERT INTO plads.staff (role_name, unit) VALUES ('{login}', 'Nord');"
            ))
            .unwrap();
        for (key, value) in [
            (settings::SERVER_PORT, port.to_string()),
            (settings::SERVER_DATABASE, "plads_window".into()),
            (settings::SERVER_USER, login.into()),
            (settings::SERVER_HOST, host.clone()),
        ] {
            engine.set_setting(key, &value).unwrap();
        }
        let syncer = Syncer::with_password_file(pgpass.clone());
        assert_eq!(syncer.state(&engine).unwrap().kind, "never");

        let said = syncer.test(&engine).unwrap();
        assert!(
            said.starts_with(&format!(
                "Forbundet til {host}:{port}/plads_window som «{login}» (rolle sagsbehandler, i enheden «Nord»)"
            )),
            "{said}"
        );

        let report = syncer.sync_now(&engine, today()).unwrap().unwrap();
        assert!(report.audit_sent > 0, "{report:?}");
        let state = syncer.state(&engine).unwrap();
        assert_eq!(state.kind, "synced", "{state:?}");
        assert!(state.line.starts_with("Synkroniseret "), "{}", state.line);
        assert_eq!(state.report, report.lines());
        assert_eq!(state.received, "0 afstemninger, 0 kontrakter");
        assert!(
            state.refused.is_empty() && state.error.is_none(),
            "{state:?}"
        );

        // A wrong password: refused, said with the password file's advice, not "unreachable".
        std::fs::write(&pgpass, format!("*:*:*:{login}:wrong\n")).unwrap();
        let e = syncer.test(&engine).err().unwrap().to_string();
        assert!(e.contains("afviste brugeren"), "{e}");
        assert_eq!(syncer.state(&engine).unwrap().kind, "failed");
    }

    #[test]
    fn the_password_line_escapes_colons() {
        let s = ServerSettings {
            host: "::1".into(),
            port: 5433,
            database: "plads".into(),
            user: "karen".into(),
        };
        assert_eq!(password_line(&s), "\\:\\:1:5433:plads:karen:ADGANGSKODE");
    }
}
