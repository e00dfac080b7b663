//! A fresh database on the throwaway PostgreSQL cluster `make test-server` starts
//! (`pg_virtualenv`, which sets PGHOST, PGPORT, PGUSER and PGPASSWORD for a superuser). Each
//! test gets its own database and its own login roles, members of the four group roles.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code

use std::path::PathBuf;
use std::sync::Mutex;

use pladsoverblik_core::settings::ServerSettings;
use pladsoverblik_server::{connect, Target};
use postgres::Client;

pub struct Server {
    pub host: String,
    pub port: u16,
    pub database: String,
    super_user: String,
    dir: tempfile::TempDir,
    lines: Mutex<Vec<String>>,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} er ikke sat: serverens tests køres af `make test-server` (pg_virtualenv)")
    })
}

impl Server {
    /// A new, empty database `plads_<name>` with the municipal schema (`plads server init`).
    pub fn fresh(name: &str) -> Server {
        let host = env("PGHOST");
        let port: u16 = std::env::var("PGPORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(5432);
        let super_user = env("PGUSER");
        let password = env("PGPASSWORD");
        let server = Server {
            host,
            port,
            database: format!("plads_{name}"),
            super_user: super_user.clone(),
            dir: tempfile::tempdir().unwrap(),
            lines: Mutex::new(Vec::new()),
        };
        server.add_line(&super_user, &password);
        let mut admin = connect(&server.target_on(&super_user, "postgres")).unwrap();
        for sql in [
            "DROP DATABASE IF EXISTS {0} WITH (FORCE)",
            "CREATE DATABASE {0}",
        ] {
            admin
                .batch_execute(&sql.replace("{0}", &server.database))
                .unwrap();
        }
        let mut client = server.superuser();
        pladsoverblik_server::schema::init(&mut client).unwrap();
        server
    }

    fn add_line(&self, user: &str, password: &str) {
        let mut lines = self.lines.lock().unwrap();
        lines.push(format!("*:*:*:{user}:{password}"));
        let path = self.pgpass();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }

    pub fn pgpass(&self) -> PathBuf {
        self.dir.path().join(".pgpass")
    }

    fn target_on(&self, user: &str, database: &str) -> Target {
        Target {
            server: ServerSettings {
                host: self.host.clone(),
                port: self.port,
                database: database.into(),
                user: user.into(),
            },
            pgpass: Some(self.pgpass()),
        }
    }

    /// How a working copy of `user` reaches this database.
    pub fn target(&self, user: &str) -> Target {
        self.target_on(user, &self.database)
    }

    pub fn superuser(&self) -> Client {
        connect(&self.target(&self.super_user)).unwrap()
    }

    /// A person: a login role `<database>_<login>` in group `role`, working in `unit`.
    /// Returns the login name.
    pub fn person(&self, login: &str, role: &str, unit: &str) -> String {
        let name = format!("{}_{login}", self.database);
        let password = format!("pw-{name}");
        let mut su = self.superuser();
        su.batch_execute(&format!(
            "DO $$ BEGIN
                 IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                     CREATE ROLE {name} LOGIN;
                 END IF;
             END $$;
             ALTER ROLE {name} PASSWORD '{password}';
             GRANT {role} TO {name};
             GRANT CONNECT ON DATABASE {db} TO {name};
             INSERT INTO plads.staff (role_name, unit) VALUES ('{name}', '{unit}')
                 ON CONFLICT (role_name) DO UPDATE SET unit = excluded.unit;",
            db = self.database
        ))
        .unwrap();
        self.add_line(&name, &password);
        name
    }

    /// Connected as `login` (from `person`).
    pub fn as_user(&self, login: &str) -> Client {
        connect(&self.target(login)).unwrap()
    }
}
