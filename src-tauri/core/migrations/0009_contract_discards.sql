-- A draft that was never issued may be discarded (issue 12: a draft that cannot be finished
-- must not stay forever). The draft's version — the citizen's data with it — is deleted (the
-- trigger of 0004 allows that only for unissued versions); the contract row stays, so its
-- number is never reused, and this table says when and by whom it was discarded. A discard
-- is never undone or changed.

CREATE TABLE contract_discards (
    contract_id   TEXT PRIMARY KEY REFERENCES contracts(id),
    discarded_at  TEXT NOT NULL,
    discarded_by  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER contract_discards_immutable BEFORE UPDATE ON contract_discards
BEGIN
    SELECT RAISE(ABORT, 'En kasseret kladde kan ikke ændres');
END;

CREATE TRIGGER contract_discards_no_delete BEFORE DELETE ON contract_discards
BEGIN
    SELECT RAISE(ABORT, 'En kasseret kladde kan ikke genskabes');
END;
