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

    #[error("Databasefejl: {0}")]
    Database(#[from] rusqlite::Error),

    #[error("Filfejl ({path}): {source}")]
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
