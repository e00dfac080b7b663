-- Standard contracts (R2-R4): a contract and its versions. A draft version keeps the form as
-- the user typed it; issuing stores the complete contract data (JSON, with its SHA-256) and
-- from then on the version never changes (triggers below; only the PDF's hash may be set
-- once). A correction is a new version that points to the old one and says why. Citizen
-- data (name, CPR) lives only in contract_versions.

CREATE TABLE contracts (
    id                  TEXT PRIMARY KEY,              -- 'K-2026-0001'
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    offer_id            TEXT NOT NULL,
    check_id            TEXT REFERENCES checks(id),
    state               TEXT NOT NULL CHECK (state IN
                            ('kladde', 'udstedt', 'underskrevet', 'aktiv', 'opsagt', 'fornyet')),
    renewed_from        TEXT REFERENCES contracts(id),
    notice_party        TEXT CHECK (notice_party IN ('koeber', 'leverandoer')),
    notice_given_on     TEXT,
    end_after_notice    TEXT
);

CREATE TABLE contract_versions (
    contract_id   TEXT    NOT NULL REFERENCES contracts(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    form          TEXT    NOT NULL,       -- JSON: the draft as typed
    data          TEXT,                   -- JSON: the issued contract
    data_sha256   TEXT,
    issued_at     TEXT,
    issued_by     TEXT,
    reason        TEXT    NOT NULL DEFAULT '',   -- why this version replaces the previous one
    pdf_sha256    TEXT,
    PRIMARY KEY (contract_id, version),
    CHECK ((issued_at IS NULL) = (data IS NULL))
) WITHOUT ROWID;

CREATE TRIGGER contract_versions_issued_immutable BEFORE UPDATE ON contract_versions
WHEN OLD.issued_at IS NOT NULL AND NOT (
        OLD.pdf_sha256 IS NULL AND NEW.pdf_sha256 IS NOT NULL
    AND NEW.contract_id IS OLD.contract_id AND NEW.version IS OLD.version
    AND NEW.created_at IS OLD.created_at AND NEW.created_by IS OLD.created_by
    AND NEW.form IS OLD.form AND NEW.data IS OLD.data AND NEW.data_sha256 IS OLD.data_sha256
    AND NEW.issued_at IS OLD.issued_at AND NEW.issued_by IS OLD.issued_by
    AND NEW.reason IS OLD.reason)
BEGIN
    SELECT RAISE(ABORT, 'En udstedt kontraktversion kan ikke ændres');
END;

CREATE TRIGGER contract_versions_no_delete BEFORE DELETE ON contract_versions
WHEN OLD.issued_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En udstedt kontraktversion kan ikke slettes');
END;

CREATE TRIGGER contracts_no_delete BEFORE DELETE ON contracts
BEGIN
    SELECT RAISE(ABORT, 'En kontrakt slettes aldrig');
END;
