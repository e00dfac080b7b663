-- Issue 13, points 3 and 4.
--
-- One-person projects (enkeltmandstilbud; seed 003 L226: "Vi afsøger om andre kommuner kan være
-- med i et botilbud, før vi opretter et enkeltmandstilbud"). A check of kind 'enkeltmand'
-- records which municipalities were asked whether they could join an existing or shared
-- offer, when, how, who was asked, and what they answered. One row per record: an answer that
-- comes later is a new row for the same municipality (the latest row for a municipality is
-- what counts). No citizen data here (the check's texts refuse CPR-like numbers). Rows are
-- never changed or deleted, and a closed check takes no new rows.
CREATE TABLE check_inquiries (
    id                 INTEGER PRIMARY KEY,
    check_id           TEXT    NOT NULL REFERENCES checks(id),
    municipality_code  INTEGER NOT NULL,
    asked_on           TEXT    NOT NULL,
    method             TEXT    NOT NULL
                           CHECK (method IN ('telefon', 'email', 'moede', 'brev', 'andet')),
    contact            TEXT    NOT NULL,     -- who at the municipality was asked
    answer             TEXT    CHECK (answer IN ('nej', 'ja_eksisterende', 'ja_faelles')),
    answered_on        TEXT,
    answer_text        TEXT    NOT NULL DEFAULT '',
    recorded_at        TEXT    NOT NULL,
    recorded_by        TEXT    NOT NULL,
    CHECK ((answer IS NULL) = (answered_on IS NULL))
);

CREATE INDEX check_inquiries_by_check ON check_inquiries (check_id, id);

CREATE TRIGGER check_inquiries_no_update BEFORE UPDATE ON check_inquiries
BEGIN
    SELECT RAISE(ABORT, 'Forespørgsler i en afstemning kan ikke ændres');
END;

CREATE TRIGGER check_inquiries_no_delete BEFORE DELETE ON check_inquiries
BEGIN
    SELECT RAISE(ABORT, 'Forespørgsler i en afstemning kan ikke ændres');
END;

CREATE TRIGGER check_inquiries_only_open BEFORE INSERT ON check_inquiries
WHEN (SELECT closed_at FROM checks WHERE id = NEW.check_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;

-- Contracts from before the standard ("Kun nye kontrakter", seed 003 L169-175): an existing,
-- non-standard contract registered so that spend, end-date warnings and the contract list are
-- complete. It is never a standard contract (own numbers 'EK-åååå-nnnn', own tables): it is
-- neither drafted, issued, signed nor exported here. A correction is a new version with a
-- reason; a version is never changed or deleted, and a registration is never deleted.
-- Citizen data (name, CPR) lives only in old_contract_versions, as in contract_versions; a
-- contract may instead carry only a case reference without CPR.
CREATE TABLE old_contracts (
    id          TEXT PRIMARY KEY,          -- 'EK-2026-0001'
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE old_contract_versions (
    contract_id         TEXT    NOT NULL REFERENCES old_contracts(id),
    version             INTEGER NOT NULL CHECK (version >= 1),
    created_at          TEXT    NOT NULL,
    created_by          TEXT    NOT NULL,
    reason              TEXT    NOT NULL DEFAULT '',  -- why this version replaces the previous
    offer_id            TEXT    NOT NULL,
    offer_name          TEXT    NOT NULL,             -- as the catalogue had it when registered
    counts_as_public    INTEGER NOT NULL CHECK (counts_as_public IN (0, 1)),
    legal_basis         TEXT    NOT NULL,
    buyer_municipality  INTEGER NOT NULL,
    citizen_name        TEXT    NOT NULL DEFAULT '',
    citizen_cpr         TEXT    NOT NULL DEFAULT '',
    case_reference      TEXT    NOT NULL DEFAULT '',
    start               TEXT    NOT NULL,
    end_date            TEXT,                         -- NULL: uden slutdato
    amount              TEXT    NOT NULL,             -- decimal text, the contract's price
    unit                TEXT    NOT NULL CHECK (unit IN ('dag', 'maaned')),
    document            TEXT    NOT NULL,             -- where the signed contract is (ESDH, scan)
    note                TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (contract_id, version),
    CHECK (end_date IS NULL OR end_date >= start),
    CHECK (citizen_cpr = '' OR citizen_name <> ''),
    CHECK (citizen_cpr <> '' OR case_reference <> '')
) WITHOUT ROWID;

CREATE TRIGGER old_contracts_no_update BEFORE UPDATE ON old_contracts
BEGIN
    SELECT RAISE(ABORT, 'En registreret ældre kontrakt kan ikke ændres; ret den med en ny version');
END;

CREATE TRIGGER old_contracts_no_delete BEFORE DELETE ON old_contracts
BEGIN
    SELECT RAISE(ABORT, 'En registreret ældre kontrakt slettes aldrig');
END;

CREATE TRIGGER old_contract_versions_no_update BEFORE UPDATE ON old_contract_versions
BEGIN
    SELECT RAISE(ABORT, 'En ældre kontrakts version kan ikke ændres; ret den med en ny version');
END;

CREATE TRIGGER old_contract_versions_no_delete BEFORE DELETE ON old_contract_versions
BEGIN
    SELECT RAISE(ABORT, 'En ældre kontrakts version kan ikke slettes');
END;
