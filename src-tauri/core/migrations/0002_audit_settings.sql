-- Append-only audit log (who did what when) and user settings.

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,      -- ISO timestamp, local time
    user     TEXT NOT NULL,
    action   TEXT NOT NULL,      -- e.g. 'catalogue.import'
    subject  TEXT NOT NULL DEFAULT '',
    details  TEXT NOT NULL DEFAULT ''   -- JSON; never citizen data
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log er kun til tilføjelse');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log er kun til tilføjelse');
END;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
