-- Records received from the municipality's server (issue 15, docs/server.md "Pull"): closed
-- checks and issued contract versions made on another computer, written into the check and
-- contract tables like local ones and marked here with who sent them from which installation
-- and the server's SHA-256. A received record is immutable on this computer as well: the
-- check is closed (0003's triggers), and the triggers below refuse any change to a received
-- contract and any version of it made here. A record the server has under a number this
-- computer uses for another record is not taken: its row keeps the Danish reason
-- (`conflict`), so it stays visible and is not fetched again. Rows are never changed or
-- deleted.
CREATE TABLE sync_received (
    kind          TEXT NOT NULL CHECK (kind IN ('check', 'contract_version')),
    key           TEXT NOT NULL,      -- 'A-2026-0001', 'K-2026-0001/2'
    subject       TEXT NOT NULL,      -- the check's or the contract's number
    sha256        TEXT NOT NULL,      -- the server's hash of the record
    installation  TEXT NOT NULL,      -- the installation that made it
    pushed_by     TEXT NOT NULL,      -- the server login that sent it
    pushed_at     TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    conflict      TEXT,               -- NULL: taken; else why not
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE INDEX sync_received_subject ON sync_received (kind, subject);

CREATE TRIGGER sync_received_no_update BEFORE UPDATE ON sync_received
BEGIN
    SELECT RAISE(ABORT, 'En hentet post kan ikke ændres');
END;

CREATE TRIGGER sync_received_no_delete BEFORE DELETE ON sync_received
BEGIN
    SELECT RAISE(ABORT, 'En hentet post kan ikke slettes');
END;

CREATE TRIGGER contracts_received_immutable BEFORE UPDATE ON contracts
WHEN EXISTS (SELECT 1 FROM sync_received WHERE kind = 'contract_version' AND subject = OLD.id
                 AND conflict IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'En kontrakt hentet fra kommunens server kan ikke ændres her');
END;

-- A received contract takes only versions received from the server (their row here is
-- written first), never one made on this computer.
CREATE TRIGGER contract_versions_received_only BEFORE INSERT ON contract_versions
WHEN EXISTS (SELECT 1 FROM sync_received WHERE kind = 'contract_version'
                 AND subject = NEW.contract_id AND conflict IS NULL)
 AND NOT EXISTS (SELECT 1 FROM sync_received WHERE kind = 'contract_version'
                     AND key = NEW.contract_id || '/' || NEW.version)
BEGIN
    SELECT RAISE(ABORT, 'En kontrakt hentet fra kommunens server kan ikke rettes her');
END;

CREATE TRIGGER contract_versions_received_immutable BEFORE UPDATE ON contract_versions
WHEN EXISTS (SELECT 1 FROM sync_received WHERE kind = 'contract_version'
                 AND key = OLD.contract_id || '/' || OLD.version AND conflict IS NULL)
 AND NOT (OLD.pdf_sha256 IS NULL AND NEW.pdf_sha256 IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'En kontrakt hentet fra kommunens server kan ikke ændres her');
END;

-- Where the last pull of each server table ended: the server's snapshot then
-- (pg_current_snapshot() as text, 'xmin:xmax:running,…'). The next pull asks only for rows
-- not visible in it, so a second pull with nothing new fetches nothing, and a row committed
-- late by a transaction running then is still found (server migration 0002). Kept per
-- person, unit and group, as row-level security shows them the rows.
CREATE TABLE sync_pull_marks (
    name      TEXT PRIMARY KEY,     -- 'checks|karen|Nord|false|false': table, person, unit, groups
    snapshot  TEXT NOT NULL
) WITHOUT ROWID;
