-- The public-first check (afstemning, rule R1): the need, the scope searched, the candidates
-- with their figures when the check was made, confirmations and rejections, a shortlist, and
-- the conclusion. No citizen name or CPR here. A closed check never changes (triggers below),
-- and nothing is ever deleted from a check except shortlist entries while it is open.

CREATE TABLE checks (
    id                   TEXT PRIMARY KEY,                 -- 'A-2026-0001'
    kind                 TEXT NOT NULL CHECK (kind IN ('privat', 'enkeltmand')),
    created_at           TEXT NOT NULL,                    -- ISO timestamp, local time
    created_by           TEXT NOT NULL,
    reference            TEXT NOT NULL DEFAULT '',         -- case reference (never name/CPR)
    legal_basis          TEXT NOT NULL,
    target_group         TEXT NOT NULL,
    target_group_label   TEXT NOT NULL,
    age                  INTEGER NOT NULL CHECK (age BETWEEN 0 AND 120),
    home_municipality    INTEGER NOT NULL,
    wanted_start         TEXT NOT NULL,
    scope_region         TEXT NOT NULL,                    -- the home region on scope_date
    scope_date           TEXT NOT NULL,
    scope_radius_km      INTEGER NOT NULL CHECK (scope_radius_km >= 0),
    catalogue_extracted  TEXT NOT NULL,
    catalogue_source     TEXT NOT NULL,
    stale_after_days     INTEGER NOT NULL,
    validity_days        INTEGER NOT NULL,
    closed_at            TEXT,
    closed_by            TEXT,
    conclusion           TEXT CHECK (conclusion IN
                             ('offentligt_valgt', 'privat_begrundet', 'enkeltmand_begrundet')),
    chosen_offer_id      TEXT,
    chosen_offer_name    TEXT,
    conclusion_note      TEXT NOT NULL DEFAULT '',
    CHECK ((closed_at IS NULL) = (conclusion IS NULL))
);

-- Every matching public offer, with its figures at the moment the check was made.
CREATE TABLE check_candidates (
    check_id            TEXT    NOT NULL REFERENCES checks(id),
    ord                 INTEGER NOT NULL,
    offer_id            TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    city                TEXT    NOT NULL,
    municipality_code   INTEGER NOT NULL,
    operator_type       TEXT    NOT NULL,
    operator_name       TEXT    NOT NULL,
    covered             INTEGER NOT NULL,
    places              INTEGER NOT NULL,
    free_places         INTEGER,
    free_as_of          TEXT,
    distance_km         REAL    NOT NULL,
    in_region           INTEGER NOT NULL,
    daily_rate_ex_vat   TEXT,
    rate_year           INTEGER,
    phone               TEXT,
    email               TEXT,
    PRIMARY KEY (check_id, offer_id)
) WITHOUT ROWID;

-- Confirmations (a phone call overriding a stale figure) and rejections with their reason.
CREATE TABLE check_events (
    id            INTEGER PRIMARY KEY,
    check_id      TEXT NOT NULL REFERENCES checks(id),
    offer_id      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('bekraeftelse', 'afvisning')),
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    contacted_on  TEXT,
    free_places   INTEGER CHECK (free_places >= 0),
    method        TEXT,
    contact       TEXT,
    reason        TEXT,
    note          TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (check_id, offer_id) REFERENCES check_candidates(check_id, offer_id)
);

-- Offers (public or private) the caseworker compares side by side, with their figures when
-- they were added.
CREATE TABLE check_shortlist (
    check_id  TEXT    NOT NULL REFERENCES checks(id),
    offer_id  TEXT    NOT NULL,
    ord       INTEGER NOT NULL,
    added_at  TEXT    NOT NULL,
    figures   TEXT    NOT NULL,   -- JSON
    PRIMARY KEY (check_id, offer_id)
) WITHOUT ROWID;

CREATE TRIGGER checks_closed_immutable BEFORE UPDATE ON checks
WHEN OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;

CREATE TRIGGER checks_need_immutable BEFORE UPDATE ON checks
WHEN NEW.kind IS NOT OLD.kind OR NEW.legal_basis IS NOT OLD.legal_basis
  OR NEW.target_group IS NOT OLD.target_group OR NEW.age IS NOT OLD.age
  OR NEW.home_municipality IS NOT OLD.home_municipality
  OR NEW.wanted_start IS NOT OLD.wanted_start OR NEW.created_at IS NOT OLD.created_at
  OR NEW.scope_region IS NOT OLD.scope_region OR NEW.scope_radius_km IS NOT OLD.scope_radius_km
  OR NEW.catalogue_extracted IS NOT OLD.catalogue_extracted
BEGIN
    SELECT RAISE(ABORT, 'En afstemnings behov og afgrænsning kan ikke ændres');
END;

CREATE TRIGGER checks_no_delete BEFORE DELETE ON checks
BEGIN
    SELECT RAISE(ABORT, 'En afstemning slettes aldrig');
END;

CREATE TRIGGER check_candidates_no_update BEFORE UPDATE ON check_candidates
BEGIN
    SELECT RAISE(ABORT, 'En afstemnings kandidater kan ikke ændres');
END;

CREATE TRIGGER check_candidates_no_delete BEFORE DELETE ON check_candidates
BEGIN
    SELECT RAISE(ABORT, 'En afstemnings kandidater kan ikke ændres');
END;

CREATE TRIGGER check_candidates_only_open BEFORE INSERT ON check_candidates
WHEN (SELECT closed_at FROM checks WHERE id = NEW.check_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;

CREATE TRIGGER check_events_no_update BEFORE UPDATE ON check_events
BEGIN
    SELECT RAISE(ABORT, 'Registreringer i en afstemning kan ikke ændres');
END;

CREATE TRIGGER check_events_no_delete BEFORE DELETE ON check_events
BEGIN
    SELECT RAISE(ABORT, 'Registreringer i en afstemning kan ikke ændres');
END;

CREATE TRIGGER check_events_only_open BEFORE INSERT ON check_events
WHEN (SELECT closed_at FROM checks WHERE id = NEW.check_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;

CREATE TRIGGER check_shortlist_insert_open BEFORE INSERT ON check_shortlist
WHEN (SELECT closed_at FROM checks WHERE id = NEW.check_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;

CREATE TRIGGER check_shortlist_delete_open BEFORE DELETE ON check_shortlist
WHEN (SELECT closed_at FROM checks WHERE id = OLD.check_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;

CREATE TRIGGER check_shortlist_no_update BEFORE UPDATE ON check_shortlist
BEGIN
    SELECT RAISE(ABORT, 'Kortlistens tal kan ikke ændres');
END;
