-- Steering as the agreements write it (issue 13, seed 002 Syddanmark).
--
-- Categories (R7, 002 L195-227) are set once per year ("Tilbud kan ikke ændre kategori i løbet
-- af året", L215): a year row says when and by whom; a line per categorised offer keeps the
-- computed category with the figures and the rule that decided it. Neither ever changes. The
-- municipality may decide another category with a written reason and who decided (L225:
-- faglighed, behov, specialisering, kompleksitet): each decision is a new row, the newest
-- counts, none is changed or deleted.
--
-- Occupancy reporting (R6, 002 L152-158): a run per year, agreement and period (the
-- agreement's runs: 3 months by 1 May, 9 months by 1 November) with a line per klyngetilbud or
-- højt specialiseret tilbud of that year. While the run is a draft the user states the actual
-- occupancy, whether the deviation leads to efterregulering and the challenges and
-- initiatives; once submitted, the run and its lines never change (triggers below).

CREATE TABLE category_years (
    year     INTEGER PRIMARY KEY,
    set_at   TEXT NOT NULL,
    set_by   TEXT NOT NULL,
    -- offers of the catalogue not covered by an agreement with a categories rule
    not_covered INTEGER NOT NULL CHECK (not_covered >= 0),
    not_covered_private INTEGER NOT NULL CHECK (not_covered_private >= 0)
);

CREATE TABLE category_lines (
    year               INTEGER NOT NULL REFERENCES category_years(year),
    offer_id           TEXT    NOT NULL,
    offer_name         TEXT    NOT NULL,
    operator_name      TEXT    NOT NULL,
    agreement_id       TEXT    NOT NULL,
    agreement_version  INTEGER NOT NULL,
    agreement_fallback INTEGER NOT NULL CHECK (agreement_fallback IN (0, 1)),
    -- the agreement's rule as applied (CategoriesRule)
    min_daily_rate     TEXT    NOT NULL,
    min_other_buyers   INTEGER NOT NULL,
    min_share_pct      TEXT    NOT NULL,
    -- the figures: the highest daily rate ex. VAT of the year (NULL: no rate that year)
    daily_rate         TEXT,
    places             INTEGER NOT NULL,
    other_buyers       INTEGER NOT NULL,
    places_to_others   INTEGER NOT NULL,
    share_pct          TEXT    NOT NULL,
    -- NULL: not computable (no rate for the year)
    computed           TEXT CHECK (computed IN ('hoejt_specialiseret', 'klyngetilbud', 'lokalt_tilbud')),
    decided_by_text    TEXT    NOT NULL,
    PRIMARY KEY (year, offer_id)
) WITHOUT ROWID;

CREATE TABLE category_overrides (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    offer_id    TEXT    NOT NULL,
    category    TEXT    NOT NULL CHECK (category IN ('hoejt_specialiseret', 'klyngetilbud', 'lokalt_tilbud')),
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    decided_by  TEXT    NOT NULL CHECK (length(trim(decided_by)) > 0),
    decided_at  TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    FOREIGN KEY (year, offer_id) REFERENCES category_lines(year, offer_id)
);

CREATE TRIGGER category_years_immutable BEFORE UPDATE ON category_years
BEGIN
    SELECT RAISE(ABORT, 'Kategorierne for et år er fastsat og ændres ikke i løbet af året');
END;

CREATE TRIGGER category_years_no_delete BEFORE DELETE ON category_years
BEGIN
    SELECT RAISE(ABORT, 'Kategorierne for et år er fastsat og kan ikke slettes');
END;

CREATE TRIGGER category_lines_immutable BEFORE UPDATE ON category_lines
BEGIN
    SELECT RAISE(ABORT, 'En fastsat kategori ændres kun med en begrundet afgørelse');
END;

CREATE TRIGGER category_lines_no_delete BEFORE DELETE ON category_lines
BEGIN
    SELECT RAISE(ABORT, 'En fastsat kategori kan ikke slettes');
END;

CREATE TRIGGER category_overrides_immutable BEFORE UPDATE ON category_overrides
BEGIN
    SELECT RAISE(ABORT, 'En afgørelse om kategori kan ikke ændres; træf en ny');
END;

CREATE TRIGGER category_overrides_no_delete BEFORE DELETE ON category_overrides
BEGIN
    SELECT RAISE(ABORT, 'En afgørelse om kategori kan ikke slettes');
END;

CREATE TABLE occupancy_runs (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL,
    agreement_id      TEXT    NOT NULL,
    agreement_version INTEGER NOT NULL,
    label             TEXT    NOT NULL,          -- '1. kvartal'
    months            INTEGER NOT NULL CHECK (months BETWEEN 1 AND 12),
    deadline          TEXT    NOT NULL,          -- ISO date
    threshold_pct     TEXT    NOT NULL,
    reading           TEXT    NOT NULL CHECK (reading IN ('relativ', 'procentpoint')),
    rule_source       TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    created_by        TEXT    NOT NULL,
    submitted_at      TEXT,
    submitted_by      TEXT,
    UNIQUE (year, agreement_id, months),
    CHECK ((submitted_at IS NULL) = (submitted_by IS NULL))
);

CREATE TABLE occupancy_lines (
    run_id          INTEGER NOT NULL REFERENCES occupancy_runs(id),
    offer_id        TEXT    NOT NULL,
    ord             INTEGER NOT NULL,
    offer_name      TEXT    NOT NULL,
    operator_name   TEXT    NOT NULL,
    category        TEXT    NOT NULL CHECK (category IN ('hoejt_specialiseret', 'klyngetilbud')),
    places          INTEGER NOT NULL,
    budgeted_pct    TEXT,                        -- places-weighted, from the year's rates
    actual_pct      TEXT,                        -- places-weighted from the rate sheet, or typed
    actual_source   TEXT    NOT NULL DEFAULT '', -- 'takstoversigt', 'indtastet' or ''
    efterregulering INTEGER CHECK (efterregulering IN (0, 1)),  -- NULL: not stated yet
    note            TEXT    NOT NULL DEFAULT '',
    updated_at      TEXT,
    updated_by      TEXT,
    PRIMARY KEY (run_id, offer_id)
) WITHOUT ROWID;

-- A draft run may be submitted once; a submitted run never changes.
CREATE TRIGGER occupancy_runs_immutable BEFORE UPDATE ON occupancy_runs
WHEN OLD.submitted_at IS NOT NULL OR NOT (
        NEW.id IS OLD.id AND NEW.year IS OLD.year AND NEW.agreement_id IS OLD.agreement_id
    AND NEW.agreement_version IS OLD.agreement_version AND NEW.label IS OLD.label
    AND NEW.months IS OLD.months AND NEW.deadline IS OLD.deadline
    AND NEW.threshold_pct IS OLD.threshold_pct AND NEW.reading IS OLD.reading
    AND NEW.rule_source IS OLD.rule_source AND NEW.created_at IS OLD.created_at
    AND NEW.created_by IS OLD.created_by)
BEGIN
    SELECT RAISE(ABORT, 'En indsendt belægningsindberetning kan ikke ændres');
END;

CREATE TRIGGER occupancy_runs_no_delete BEFORE DELETE ON occupancy_runs
BEGIN
    SELECT RAISE(ABORT, 'En belægningsindberetning kan ikke slettes');
END;

-- A draft's line: only what the user states changes (actual figure, efterregulering, note).
CREATE TRIGGER occupancy_lines_immutable BEFORE UPDATE ON occupancy_lines
WHEN (SELECT submitted_at FROM occupancy_runs WHERE id = OLD.run_id) IS NOT NULL OR NOT (
        NEW.run_id IS OLD.run_id AND NEW.offer_id IS OLD.offer_id AND NEW.ord IS OLD.ord
    AND NEW.offer_name IS OLD.offer_name AND NEW.operator_name IS OLD.operator_name
    AND NEW.category IS OLD.category AND NEW.places IS OLD.places
    AND NEW.budgeted_pct IS OLD.budgeted_pct)
BEGIN
    SELECT RAISE(ABORT, 'En indsendt belægningsindberetning kan ikke ændres');
END;

CREATE TRIGGER occupancy_lines_no_delete BEFORE DELETE ON occupancy_lines
BEGIN
    SELECT RAISE(ABORT, 'En linje i en belægningsindberetning kan ikke slettes');
END;

CREATE TRIGGER occupancy_lines_no_insert_after_submit BEFORE INSERT ON occupancy_lines
WHEN (SELECT submitted_at FROM occupancy_runs WHERE id = NEW.run_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En indsendt belægningsindberetning kan ikke ændres');
END;
