//! One error type for the core. Every message is Danish and says what is wrong and where,
//! because it is shown to the user as it is (CLI and desktop alike).

use std::fmt;

/// A validation problem in an input file, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where: e.g. `tilbud "T-1001" (nr. 3), felt departments[0].legal_bases[1].free_places`.
    pub place: String,
    /// What is wrong, in Danish.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user asked for something that is not valid (bad filter value, unknown id, …).
    #[error("{0}")]
    Invalid(String),

    /// Something the user asked for does not exist.
    #[error("{0}")]
    NotFound(String),

    /// A rule refuses the step (the public-first guard, a closed check, an issued contract):
    /// the input is well-formed, but the agreements do not allow it now.
    #[error("{0}")]
    Refused(String),

    /// The step conflicts with what is stored (a version that exists with other content, a
    /// number already used).
    #[error("{0}")]
    Conflict(String),

    /// Something inside the app failed that the user cannot fix by changing the input (data
    /// in the database that cannot be read, a built-in file that is broken).
    #[error("{0}")]
    Internal(String),

    /// An import file was rejected. Nothing was changed.
    #[error("{}", format_rejected(.what, .file, .problems, *.more))]
    Rejected {
        /// What kind of file, as the sentence begins: "Kataloget", "Rammeaftalefilen".
        what: &'static str,
        file: String,
        problems: Vec<Problem>,
        /// Problems found beyond those listed.
        more: usize,
    },

    /// The database file was written by a newer Pladsoverblik.
    #[error("Databasen {path} har skemaversion {found}, men denne version af Pladsoverblik kender kun op til version {known}. Filen er ikke ændret; opdatér Pladsoverblik.")]
    DatabaseTooNew {
        path: String,
        found: i64,
        known: i64,
    },

    #[error("{}", database_text(.0))]
    Database(#[from] rusqlite::Error),

    #[error("Filfejl ({path}): {}.", io_text(.source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn format_rejected(what: &str, file: &str, problems: &[Problem], more: usize) -> String {
    let mut s = format!(
        "{what} i {file} blev afvist, og intet er ændret. {} fejl:",
        problems.len() + more
    );
    for p in problems {
        s.push_str("\n  - ");
        s.push_str(&p.to_string());
    }
    if more > 0 {
        s.push_str(&format!("\n  … og {more} fejl mere."));
    }
    s
}

/// What an I/O error means, in Danish (the operating system's own text is English). Errors
/// the app raises itself with a Danish text (`InvalidData` from our readers) keep their text.
pub fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "filen eller mappen findes ikke".into(),
        K::PermissionDenied => "du har ikke adgang til filen eller mappen".into(),
        K::AlreadyExists => "filen findes allerede".into(),
        K::UnexpectedEof => "filen slutter, før den er læst færdig".into(),
        K::StorageFull | K::WriteZero => "der er ikke plads nok på disken".into(),
        K::IsADirectory => "det er en mappe, ikke en fil".into(),
        K::NotADirectory => "en del af stien er ikke en mappe".into(),
        K::ReadOnlyFilesystem => "drevet er skrivebeskyttet".into(),
        K::InvalidFilename => "filnavnet er ugyldigt".into(),
        K::FileTooLarge => "filen er for stor".into(),
        K::OutOfMemory => "der er ikke hukommelse nok".into(),
        K::InvalidData | K::Other if e.get_ref().is_some() => e.to_string(),
        _ => match e.raw_os_error() {
            Some(code) => format!("filen kunne ikke læses eller skrives (systemfejl {code})"),
            None => "filen kunne ikke læses eller skrives".into(),
        },
    }
}

/// What a database error means, in Danish. The triggers' own messages (Danish, from the
/// migrations) are kept.
fn database_text(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    let rusqlite::Error::SqliteFailure(f, message) = e else {
        return "Databasefejl: data i databasen har en uventet form. Gendan fra en sikkerhedskopi, hvis fejlen bliver ved.".into();
    };
    let message = message.as_deref().unwrap_or("");
    match f.code {
        C::DatabaseBusy | C::DatabaseLocked => {
            "Databasen er optaget af en anden handling eller et andet program; prøv igen om lidt."
                .into()
        }
        C::ReadOnly => "Databasen er skrivebeskyttet; tjek rettighederne til datamappen.".into(),
        C::CannotOpen => {
            "Databasefilen kan ikke åbnes; tjek at datamappen findes, og at du har adgang til den."
                .into()
        }
        C::NotADatabase => "Filen er ikke en Pladsoverblik-database.".into(),
        C::DatabaseCorrupt => {
            "Databasen er beskadiget. Gendan fra en sikkerhedskopi (plads restore).".into()
        }
        C::DiskFull => "Der er ikke plads nok på disken til databasen.".into(),
        C::ConstraintViolation if !message.is_ascii() => format!("{message}."),
        C::ConstraintViolation if message.starts_with("FOREIGN KEY") => {
            "Databasefejl: en henvisning peger på noget, der ikke findes; intet er ændret.".into()
        }
        C::ConstraintViolation if message.starts_with("UNIQUE") => {
            "Databasefejl: det findes allerede; intet er ændret.".into()
        }
        C::ConstraintViolation => {
            "Databasefejl: en værdi er uden for det tilladte; intet er ændret.".into()
        }
        _ => format!(
            "Databasefejl (SQLite-kode {}); intet er ændret.",
            f.extended_code
        ),
    }
}

impl Error {
    /// A short stable code for the UI's error table (`{code, message}` at the IPC edge).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Refused(_) => "refused",
            Error::Conflict(_) => "conflict",
            Error::Internal(_) => "internal",
            Error::Rejected { .. } => "rejected",
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::Database(_) => "database",
            Error::Io { .. } => "io",
        }
    }

    pub fn io(path: impl fmt::Display, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_string(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Makes a panic print where it happened but not its message, which could quote what the
/// user typed (a name, a CPR number): citizen data never goes to a log or the terminal. For
/// the binaries (`plads`, the desktop app); tests keep Rust's default hook.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "Pladsoverblik stoppede med en intern fejl{place}. Det, der var gemt, er bevaret; prøv igen, og meld fejlen, hvis den gentager sig."
        );
    }));
}
