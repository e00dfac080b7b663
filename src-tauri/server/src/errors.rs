//! PostgreSQL's errors in Danish. The server's own texts never reach the user (they are in
//! English and may quote data); our own triggers' and functions' messages are Danish already
//! and are passed on.

use pladsoverblik_core::Error;
use postgres::error::SqlState;

use crate::connect::Target;

/// Why a connection failed.
pub fn connect_error(target: &Target, e: &postgres::Error) -> Error {
    let s = &target.server;
    match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            Error::Refused(format!(
                "Serveren {}:{} afviste brugeren «{}»: forkert eller manglende adgangskode, eller brugeren har ikke adgang. Adgangskoden læses fra ~/.pgpass (linjen {}:{}:{}:{}:ADGANGSKODE, filen med rettighederne 600).",
                s.host, s.port, s.user, s.host, s.port, s.database, s.user
            ))
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => Error::Refused(format!(
            "Databasen «{}» findes ikke på serveren {}:{}. Bed IT om at oprette den (docs/server.md).",
            s.database, s.host, s.port
        )),
        Some(_) => Error::Refused(format!(
            "Serveren {}:{} nægtede forbindelsen for «{}» (kode {}).",
            s.host,
            s.port,
            s.user,
            e.code().map(|c| c.code()).unwrap_or("?")
        )),
        None if tls_refused(e) => Error::Refused(format!(
            "Kommunens server {}:{} svarede, men dens TLS-certifikat blev ikke godkendt: det er ikke udstedt af en myndighed, denne computer stoler på, det er udløbet, eller det gælder ikke navnet «{}». Bed IT om at installere kommunens rodcertifikat på computeren eller om serverens rette navn (docs/server.md, TLS). Intet er sendt; arbejdet fortsætter på denne computer.",
            s.host, s.port, s.host
        )),
        None => unreachable(target),
    }
}

/// Whether the connection failed in the TLS handshake (the certificate chain or the name).
fn tls_refused(e: &postgres::Error) -> bool {
    // rustls' error comes wrapped in an `io::Error`, whose `source` skips it.
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let inner = c
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref);
        if c.is::<rustls::Error>() || inner.is_some_and(|i| i.is::<rustls::Error>()) {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The server did not answer (in time), or its TLS certificate was not accepted.
pub fn unreachable(target: &Target) -> Error {
    let s = &target.server;
    Error::Refused(format!(
        "Kommunens server {}:{} kan ikke nås lige nu (ingen forbindelse inden for et sekund, eller TLS-certifikatet kunne ikke godkendes). Arbejdet fortsætter på denne computer; synkronisér igen, når der er forbindelse.",
        s.host, s.port
    ))
}

/// A failed statement: `what` says in Danish what was being done ("da afstemning A-2026-0001
/// skulle sendes").
pub fn query_error(what: &str, e: &postgres::Error) -> Error {
    let Some(db) = e.as_db_error() else {
        return Error::Refused(format!(
            "Forbindelsen til serveren blev afbrudt, {what}. Intet er tabt: det sendes ved næste synkronisering."
        ));
    };
    let code = db.code();
    if *code == SqlState::RAISE_EXCEPTION || *code == SqlState::EXCLUSION_VIOLATION {
        // Our own functions and triggers: Danish texts (migrations/*.sql).
        return Error::Refused(format!("Serveren afviste det, {what}: {}.", db.message()));
    }
    if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        return Error::Refused(format!(
            "Serveren afviste det, {what}: din rolle på serveren har ikke ret til det."
        ));
    }
    if *code == SqlState::NOT_NULL_VIOLATION && db.column() == Some("unit") {
        return Error::Refused(format!(
            "Serveren afviste det, {what}: din bruger er ikke knyttet til en enhed på serveren. Bed IT om at tilføje dig i plads.staff (docs/server.md)."
        ));
    }
    Error::Refused(format!(
        "Serveren afviste det, {what} (PostgreSQL-kode {}).",
        code.code()
    ))
}

/// Whether the error is a unique-key conflict (the record, or one in its place, is there).
pub fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}
