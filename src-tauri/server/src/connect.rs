//! Connecting to the municipality's server: TLS with certificate and host-name verification
//! for anything but this machine (the operating system's trusted certificates, as municipal IT
//! installs them), a connect timeout of one second, the password from `~/.pgpass`.

use std::path::PathBuf;
use std::time::Duration;

use pladsoverblik_core::settings::ServerSettings;
use pladsoverblik_core::{Error, Result};
use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};

/// How long a connection attempt may take before the app carries on offline.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Where to connect and with which password file.
#[derive(Debug, Clone)]
pub struct Target {
    pub server: ServerSettings,
    /// The password file (`None`: `$PGPASSFILE` or `~/.pgpass`).
    pub pgpass: Option<PathBuf>,
}

impl Target {
    pub fn new(server: ServerSettings) -> Target {
        Target {
            server,
            pgpass: None,
        }
    }

    /// "db.kommune.dk:5432/pladsoverblik som karen"
    pub fn describe(&self) -> String {
        let s = &self.server;
        format!("{}:{}/{} som {}", s.host, s.port, s.database, s.user)
    }
}

/// This machine: the only host reached without TLS (or a Unix socket directory).
pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1") || host.starts_with('/')
}

fn config(target: &Target) -> Result<Config> {
    let s = &target.server;
    if s.user.is_empty() {
        return Err(Error::Invalid(
            "Der er ikke angivet en bruger til serveren. Sæt den under Indstillinger (server_user)."
                .into(),
        ));
    }
    let mut config = Config::new();
    config
        .host(&s.host)
        .port(s.port)
        .dbname(&s.database)
        .user(&s.user)
        .application_name("pladsoverblik")
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_user_timeout(Duration::from_secs(10));
    let file = target.pgpass.clone().or_else(crate::pgpass::default_path);
    if let Some(file) = file {
        if let Some(password) = crate::pgpass::lookup(&file, &s.host, s.port, &s.database, &s.user)?
        {
            config.password(password);
        }
    }
    Ok(config)
}

/// Connects, or says in Danish why not. Never waits longer than `CONNECT_TIMEOUT` for the
/// server to answer: the postgres crate's own timeout covers the TCP connection only, so a
/// server that takes the connection but never answers (a hung host, a firewall that swallows
/// packets after the handshake) would otherwise block; the attempt runs in its own thread and
/// is given up after the timeout (the thread ends when the operating system gives up).
pub fn connect(target: &Target) -> Result<Client> {
    let (tx, rx) = std::sync::mpsc::channel();
    let attempt = target.clone();
    std::thread::Builder::new()
        .name("pladsoverblik-connect".into())
        .spawn(move || {
            let _ = tx.send(connect_now(&attempt));
        })
        .map_err(|_| Error::Internal("Forbindelsen til serveren kunne ikke startes.".into()))?;
    // Polled rather than `recv_timeout`: a timed wait hangs under libfaketime, which
    // `make test-any-date` runs every test binary with.
    let started = std::time::Instant::now();
    loop {
        match rx.try_recv() {
            Ok(result) => return result,
            Err(std::sync::mpsc::TryRecvError::Empty) if started.elapsed() < CONNECT_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return Err(crate::errors::unreachable(target)),
        }
    }
}

fn connect_now(target: &Target) -> Result<Client> {
    let mut config = config(target)?;
    let client = if is_local(&target.server.host) {
        config.ssl_mode(SslMode::Disable).connect(NoTls)
    } else {
        config
            .ssl_mode(SslMode::Require)
            .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls_config()?))
    };
    client.map_err(|e| crate::errors::connect_error(target, &e))
}

/// rustls verifying the certificate chain against the operating system's trusted
/// authorities (`rustls-native-certs`: the system's store, or the file `SSL_CERT_FILE` names)
/// and the host name or IP address against the certificate.
fn tls_config() -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if roots.is_empty() {
        return Err(Error::Internal(
            "TLS kunne ikke startes: denne computer har ingen betroede rodcertifikater (docs/server.md, TLS).".into(),
        ));
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| Error::Internal("TLS kunne ikke startes på denne computer.".into()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A "server" that takes the TCP connection and then says nothing.
    #[test]
    fn a_server_that_never_answers_is_given_up_after_a_second() {
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let target = Target::new(ServerSettings {
            host: "127.0.0.1".into(),
            port,
            database: "pladsoverblik".into(),
            user: "karen".into(),
        });
        let started = std::time::Instant::now();
        let msg = connect(&target).err().unwrap().to_string();
        let took = started.elapsed();
        assert!(
            took >= CONNECT_TIMEOUT && took < Duration::from_millis(1500),
            "{took:?}"
        );
        assert!(
            msg.starts_with(&format!(
                "Kommunens server 127.0.0.1:{port} kan ikke nås lige nu"
            )),
            "{msg}"
        );
        drop(silent);
    }

    #[test]
    fn only_this_machine_goes_without_tls() {
        for host in ["localhost", "127.0.0.1", "::1", "/var/run/postgresql"] {
            assert!(is_local(host), "{host}");
        }
        for host in [
            "db.kommune.dk",
            "10.0.0.5",
            "127.0.0.2",
            "localhost.kommune.dk",
            "",
        ] {
            assert!(!is_local(host), "{host}");
        }
    }
}
