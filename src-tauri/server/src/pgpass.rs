//! The password from PostgreSQL's own password file (`~/.pgpass`, or `$PGPASSFILE`; on
//! Windows `%APPDATA%\postgresql\pgpass.conf`): lines `host:port:database:user:password`, `*`
//! matching anything, `\:` and `\\` escaped. The postgres crate does not read it itself. As
//! libpq does, a file that others may read is not used (Unix). The password is never stored
//! in the database or written to a log.

use std::path::{Path, PathBuf};

use pladsoverblik_core::{Error, Result};

/// Where the password file is: `$PGPASSFILE`, else the platform's default.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("postgresql").join("pgpass.conf"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
    }
}

/// The fields of one line, unescaped; `None` for a comment, a blank or a short line.
fn fields(line: &str) -> Option<Vec<String>> {
    if line.trim_start().starts_with('#') || line.trim().is_empty() {
        return None;
    }
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.last_mut()?.push(next);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            _ => out.last_mut()?.push(c),
        }
    }
    (out.len() == 5).then_some(out)
}

fn matches(pattern: &str, value: &str) -> bool {
    pattern == "*" || pattern == value
}

/// The password for `host:port:database:user` in `text`: the first line that matches.
pub fn find(text: &str, host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    text.lines().filter_map(fields).find_map(|f| {
        (matches(&f[0], host)
            && matches(&f[1], &port)
            && matches(&f[2], database)
            && matches(&f[3], user))
        .then(|| f[4].clone())
    })
}

/// The password for the connection from the file at `path` (`None`: no such file or line).
/// A file others may read or write is refused with a Danish message saying how to fix it.
pub fn lookup(
    path: &Path,
    host: &str,
    port: u16,
    database: &str,
    user: &str,
) -> Result<Option<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(Error::Refused(format!(
                "Adgangskodefilen {} kan læses af andre end dig og bruges derfor ikke. Ret det med: chmod 600 {}",
                path.display(),
                path.display()
            )));
        }
    }
    Ok(find(&text, host, port, database, user))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const FILE: &str = "# kommunens server\n\
        db.kommune.dk:5432:pladsoverblik:karen:hemmelig\n\
        *:*:*:ib:stjerne\\:kolon\\\\\n\
        kort:linje\n";

    #[test]
    fn first_matching_line_with_wildcards_and_escapes() {
        assert_eq!(
            find(FILE, "db.kommune.dk", 5432, "pladsoverblik", "karen").as_deref(),
            Some("hemmelig")
        );
        assert_eq!(
            find(FILE, "db.kommune.dk", 5433, "pladsoverblik", "karen"),
            None
        );
        assert_eq!(
            find(FILE, "andet", 1, "x", "ib").as_deref(),
            Some("stjerne:kolon\\")
        );
        assert_eq!(find(FILE, "kort", 5432, "linje", "x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".pgpass");
        std::fs::write(&path, FILE).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let msg = lookup(&path, "db.kommune.dk", 5432, "pladsoverblik", "karen")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("chmod 600"), "{msg}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            lookup(&path, "db.kommune.dk", 5432, "pladsoverblik", "karen")
                .unwrap()
                .as_deref(),
            Some("hemmelig")
        );
        assert_eq!(
            lookup(&dir.path().join("ingen"), "h", 1, "d", "u").unwrap(),
            None
        );
    }
}
