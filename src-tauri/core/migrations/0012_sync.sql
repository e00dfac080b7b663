-- The laptop's SQLite file as the offline working copy of the municipality's PostgreSQL
-- database (issue 15, docs/server.md). Nothing here is needed without a server.

-- This working copy's own random id: the key of its audit entries and number blocks on the
-- server. The newest row is in force: a copy that is restored from a backup, or copied to
-- another machine, takes a new id (and gives up its unused numbers), so two copies never
-- send under one id. Rows are never changed or deleted.
CREATE TABLE sync_installation (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE CHECK (length(id) = 32),
    created_at  TEXT NOT NULL
);
INSERT INTO sync_installation (id, created_at)
    VALUES (lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'));

CREATE TRIGGER sync_installation_immutable BEFORE UPDATE ON sync_installation
BEGIN
    SELECT RAISE(ABORT, 'Installationens id kan ikke ændres');
END;

CREATE TRIGGER sync_installation_no_delete BEFORE DELETE ON sync_installation
BEGIN
    SELECT RAISE(ABORT, 'Installationens id kan ikke ændres');
END;

-- Blocks of human numbers (A-, K-, EK-åååå-nnnn) reserved for this copy on the server. With
-- a server set up, every new number comes from a block (next_no up to last_no); without one,
-- numbers are counted locally as before.
CREATE TABLE sync_number_blocks (
    series       TEXT    NOT NULL CHECK (series IN ('A', 'K', 'EK')),
    year         INTEGER NOT NULL,
    first_no     INTEGER NOT NULL,
    last_no      INTEGER NOT NULL CHECK (last_no >= first_no),
    next_no      INTEGER NOT NULL CHECK (next_no BETWEEN first_no AND last_no + 1),
    reserved_at  TEXT    NOT NULL,
    PRIMARY KEY (series, year, first_no)
) WITHOUT ROWID;

-- What has reached the server: one row per immutable record sent (kind and key, the SHA-256
-- of what was sent). A record sent is never sent again; a refused one keeps its Danish reason.
CREATE TABLE sync_pushed (
    kind       TEXT NOT NULL,      -- 'check', 'contract_version', 'audit'
    key        TEXT NOT NULL,      -- 'A-2026-0001', 'K-2026-0001/2', '17'
    sha256     TEXT NOT NULL,
    pushed_at  TEXT NOT NULL,
    refused    TEXT,               -- NULL: on the server; else why the server refused it
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- The server's revision of each municipal setting as last pulled, and the value then: a local
-- change is sent with this revision, so a change made meanwhile on another machine is noticed.
CREATE TABLE sync_settings (
    key       TEXT PRIMARY KEY,
    revision  INTEGER NOT NULL,
    value     TEXT NOT NULL
) WITHOUT ROWID;

-- Running marks: 'audit' = the last audit entry on the server (entries go in order, each
-- once); 'synced' = when the last sync ended (Unix seconds).
CREATE TABLE sync_marks (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;
