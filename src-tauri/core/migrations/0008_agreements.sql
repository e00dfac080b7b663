-- Rammeaftaler as data (R0): each version of an agreement as imported (or built in), and the
-- agreements a catalogue (format 2) names for each offer. Agreements are kept by (id,
-- version); the newest version of an id is the one in use. Nothing is ever deleted: a check or
-- contract names the agreement and version it used.

CREATE TABLE agreements (
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    name         TEXT    NOT NULL,
    valid_from   TEXT    NOT NULL,
    valid_to     TEXT    NOT NULL,
    data         TEXT    NOT NULL,   -- JSON: the whole record as in the file
    origin       TEXT    NOT NULL,   -- 'indbygget' or the imported file's name
    imported_at  TEXT    NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;

CREATE TRIGGER agreements_no_update BEFORE UPDATE ON agreements
BEGIN
    SELECT RAISE(ABORT, 'En rammeaftales version kan ikke ændres; importér en ny version');
END;

CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements
BEGIN
    SELECT RAISE(ABORT, 'En rammeaftale slettes aldrig');
END;

-- A secure department (SEL § 108 stk. 7): its places are not for an ordinary need.
ALTER TABLE departments ADD COLUMN secure INTEGER NOT NULL DEFAULT 0 CHECK (secure IN (0, 1));

CREATE TABLE offer_agreements (
    offer_key     INTEGER NOT NULL REFERENCES offers(key) ON DELETE CASCADE,
    agreement_id  TEXT    NOT NULL,
    PRIMARY KEY (offer_key, agreement_id)
) WITHOUT ROWID;

-- The agreement a check was made under (its scope), and whether it was only the last one in
-- force for the home municipality (none in force on the check's date).
ALTER TABLE checks ADD COLUMN agreement_id TEXT;
ALTER TABLE checks ADD COLUMN agreement_version INTEGER;
ALTER TABLE checks ADD COLUMN agreement_fallback INTEGER NOT NULL DEFAULT 0;

-- Evidence (R1): a rejection names who decided it.
ALTER TABLE check_events ADD COLUMN decided_by TEXT;

-- Public offers of the check's area that were left out, with why (not approved, a secure unit
-- for an ordinary need, age or legal basis outside the need), so the caseworker sees them.
CREATE TABLE check_excluded (
    check_id           TEXT    NOT NULL REFERENCES checks(id),
    ord                INTEGER NOT NULL,
    offer_id           TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    municipality_code  INTEGER NOT NULL,
    reason             TEXT    NOT NULL,
    PRIMARY KEY (check_id, offer_id)
) WITHOUT ROWID;

CREATE TRIGGER check_excluded_no_update BEFORE UPDATE ON check_excluded
BEGIN
    SELECT RAISE(ABORT, 'En afstemnings afgrænsning kan ikke ændres');
END;

CREATE TRIGGER check_excluded_no_delete BEFORE DELETE ON check_excluded
BEGIN
    SELECT RAISE(ABORT, 'En afstemnings afgrænsning kan ikke ændres');
END;
