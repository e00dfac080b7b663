//! TLS against a real certificate (issue 15, docs/server.md "TLS"): a server that is not this
//! machine is reached only over TLS, with the certificate chain and the host name verified.
//! The throwaway cluster of `make test-server` gets a certificate from a test authority for
//! the address 127.0.0.2 (on Linux all of 127.0.0.0/8 is this machine, but the app treats
//! only 127.0.0.1, ::1 and localhost as local, so 127.0.0.2 is a "remote" server); a small
//! TCP relay on 127.0.0.2 (and 127.0.0.3) passes the bytes on to the cluster. The app (rustls,
//! its authorities from `rustls-native-certs`) takes its trusted authorities from
//! `SSL_CERT_FILE`, as a municipal laptop takes them from the operating system.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;

use common::Server;
use pladsoverblik_core::settings::ServerSettings;
use pladsoverblik_server::{connect, Target};

/// Runs openssl with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl (Debian package openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `openssl req` for a new P-256 key in `name.key` and `out`, with the subject `cn` and `extra`
/// arguments (`-x509 -days 30` for an authority's own certificate).
fn request(dir: &Path, name: &str, out: &str, cn: &str, extra: &[&str]) {
    let key = format!("{name}.key");
    let subject = format!("/CN={cn}");
    let mut args = vec![
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        &key,
        "-out",
        out,
        "-subj",
        &subject,
    ];
    args.extend_from_slice(extra);
    openssl(dir, &args);
}

/// A certificate authority `name` (name.pem, name.key).
fn authority(dir: &Path, name: &str) {
    request(
        dir,
        name,
        &format!("{name}.pem"),
        name,
        &["-x509", "-days", "30"],
    );
}

/// Relays every connection to 127.0.0.1:`port` from a listener on `ip`; returns its port.
fn relay(ip: &str, port: u16) -> u16 {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let local = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for inbound in listener.incoming().flatten() {
            let Ok(outbound) = TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let (mut a, mut b) = (inbound.try_clone().unwrap(), outbound.try_clone().unwrap());
            let (mut c, mut d) = (outbound, inbound);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut a, &mut b);
                let _ = b.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c, &mut d);
                let _ = d.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    local
}

#[test]
#[ignore = "needs PostgreSQL: make test-server"]
fn a_server_elsewhere_is_reached_only_with_a_trusted_certificate_for_its_name() {
    let server = Server::fresh("tls");
    let karen = server.person("karen", "sagsbehandler", "Nord");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    authority(d, "kommunens-ca");
    authority(d, "fremmed-ca");
    request(d, "server", "server.csr", "pladsserver.test", &[]);
    std::fs::write(
        d.join("san.ext"),
        "subjectAltName=IP:127.0.0.2,DNS:pladsserver.test\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "kommunens-ca.pem",
            "-CAkey",
            "kommunens-ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "30",
            "-extfile",
            "san.ext",
        ],
    );

    // The cluster's own user must be able to read the key (0600, its owner) and the folder.
    let mut su = server.superuser();
    let data: String = su.query_one("SHOW data_directory", &[]).unwrap().get(0);
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let owner = std::fs::metadata(&data).unwrap().uid();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        for f in ["server.key", "server.crt"] {
            std::os::unix::fs::chown(d.join(f), Some(owner), None).unwrap();
        }
        std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }
    let set = |su: &mut postgres::Client, key: &str, file: &str| {
        su.batch_execute(&format!(
            "ALTER SYSTEM SET {key} = '{}'",
            d.join(file).display()
        ))
        .unwrap();
    };
    set(&mut su, "ssl_cert_file", "server.crt");
    set(&mut su, "ssl_key_file", "server.key");
    // One statement each: ALTER SYSTEM may not run inside a (multi-statement) transaction.
    for sql in ["ALTER SYSTEM SET ssl = on", "SELECT pg_reload_conf()"] {
        su.batch_execute(sql).unwrap();
    }
    // The reload is asynchronous: wait until a new session sees the certificate.
    let wanted = d.join("server.crt").display().to_string();
    for _ in 0..100 {
        let now: String = server
            .superuser()
            .query_one("SHOW ssl_cert_file", &[])
            .unwrap()
            .get(0);
        if now == wanted {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let at = |ip: &str| Target {
        server: ServerSettings {
            host: ip.into(),
            port: relay(ip, server.port),
            database: server.database.clone(),
            user: karen.clone(),
        },
        pgpass: Some(server.pgpass()),
    };
    let trust = |name: &str| std::env::set_var("SSL_CERT_FILE", d.join(format!("{name}.pem")));

    // The refusals first: once a connection trusted an authority, OpenSSL went on trusting
    // it in this process when SSL_CERT_FILE changed (seen here; a laptop's trusted
    // authorities do not change while the app runs).
    // A certificate from an authority this computer does not trust.
    trust("fremmed-ca");
    let msg = connect(&at("127.0.0.2")).err().unwrap().to_string();
    assert!(
        msg.contains("svarede, men dens TLS-certifikat blev ikke godkendt"),
        "{msg}"
    );
    // The trusted authority, but the certificate is not for this name.
    trust("kommunens-ca");
    let msg = connect(&at("127.0.0.3")).err().unwrap().to_string();
    assert!(
        msg.starts_with("Kommunens server 127.0.0.3:")
            && msg.contains("gælder ikke navnet «127.0.0.3»"),
        "{msg}"
    );
    // Trusted authority, right name: connected over TLS, and the server says so.
    trust("kommunens-ca");
    let mut c = connect(&at("127.0.0.2")).unwrap();
    let over_tls: bool = c
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(over_tls);
    let status = pladsoverblik_server::schema::status(&mut c, true).unwrap();
    assert_eq!(status.unit.as_deref(), Some("Nord"));

    // And this machine itself still goes without TLS.
    let mut local = connect(&server.target(&karen)).unwrap();
    let over_tls: bool = local
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!over_tls);

    // The cluster's own certificate again for the tests after this one.
    for sql in [
        "ALTER SYSTEM RESET ssl_cert_file",
        "ALTER SYSTEM RESET ssl_key_file",
        "ALTER SYSTEM RESET ssl",
        "SELECT pg_reload_conf()",
    ] {
        su.batch_execute(sql).unwrap();
    }
}
