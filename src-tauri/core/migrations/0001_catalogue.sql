-- The offer catalogue. Replaced as a whole by each import; rates are kept across imports.

CREATE TABLE catalogue_meta (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    extracted     TEXT    NOT NULL,            -- the snapshot's own extraction date (ISO)
    source        TEXT    NOT NULL,
    is_example    INTEGER NOT NULL CHECK (is_example IN (0, 1)),
    imported_at   TEXT    NOT NULL,            -- ISO timestamp, local time
    file_name     TEXT    NOT NULL,
    offer_count   INTEGER NOT NULL
);

CREATE TABLE target_groups (
    code    TEXT PRIMARY KEY,
    parent  TEXT REFERENCES target_groups(code) ON DELETE CASCADE,
    label   TEXT NOT NULL,
    ord     INTEGER NOT NULL
);

CREATE TABLE offers (
    key                     INTEGER PRIMARY KEY,
    id                      TEXT    NOT NULL UNIQUE,
    name                    TEXT    NOT NULL,
    description             TEXT    NOT NULL DEFAULT '',
    cvr                     TEXT,
    p_number                TEXT,
    street                  TEXT    NOT NULL,
    postcode                TEXT    NOT NULL,
    city                    TEXT    NOT NULL,
    municipality_code       INTEGER NOT NULL,
    lat                     REAL    NOT NULL,
    lon                     REAL    NOT NULL,
    min_age                 INTEGER NOT NULL,
    max_age                 INTEGER,
    approval_status         TEXT    NOT NULL,
    approval_date           TEXT,
    socialtilsyn            TEXT    NOT NULL,
    covered_by_rammeaftale  INTEGER NOT NULL CHECK (covered_by_rammeaftale IN (0, 1)),
    manager                 TEXT,
    phone                   TEXT,
    email                   TEXT,
    website                 TEXT
);

-- Each offer's position in Danish alphabetical order of names (æ, ø, å after z), computed
-- at import so that sorting by name needs no collation at search time.
CREATE TABLE offer_order (
    offer_key  INTEGER PRIMARY KEY REFERENCES offers(key) ON DELETE CASCADE,
    name_rank  INTEGER NOT NULL
);

CREATE TABLE offer_operators (
    offer_key          INTEGER NOT NULL REFERENCES offers(key) ON DELETE CASCADE,
    kind               TEXT    NOT NULL CHECK (kind IN ('kommunal', 'regional', 'privat', 'selvejende')),
    name               TEXT    NOT NULL,
    cvr                TEXT,
    municipality_code  INTEGER,
    valid_from         TEXT    NOT NULL,
    valid_to           TEXT,
    PRIMARY KEY (offer_key, valid_from)
) WITHOUT ROWID;

CREATE TABLE departments (
    offer_key  INTEGER NOT NULL REFERENCES offers(key) ON DELETE CASCADE,
    id         TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    ord        INTEGER NOT NULL,
    PRIMARY KEY (offer_key, id)
) WITHOUT ROWID;

CREATE TABLE department_places (
    offer_key      INTEGER NOT NULL,
    department_id  TEXT    NOT NULL,
    legal_basis    TEXT    NOT NULL,
    places         INTEGER NOT NULL CHECK (places >= 0),
    free_places    INTEGER CHECK (free_places >= 0 AND free_places <= places),
    free_as_of     TEXT,
    free_source    TEXT,
    PRIMARY KEY (offer_key, department_id, legal_basis),
    FOREIGN KEY (offer_key, department_id) REFERENCES departments(offer_key, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE offer_target_groups (
    offer_key  INTEGER NOT NULL REFERENCES offers(key) ON DELETE CASCADE,
    code       TEXT    NOT NULL,
    PRIMARY KEY (offer_key, code)
) WITHOUT ROWID;

-- Rate history: keyed by the offer's catalogue id (not its row), so it survives re-imports.
CREATE TABLE rates (
    offer_id                TEXT    NOT NULL,
    department_id           TEXT    NOT NULL DEFAULT '',
    legal_basis             TEXT    NOT NULL,
    year                    INTEGER NOT NULL,
    amount                  TEXT    NOT NULL,     -- decimal text, kr.
    unit                    TEXT    NOT NULL CHECK (unit IN ('dag', 'maaned')),
    vat_pct                 TEXT    NOT NULL,
    direct_costs            TEXT,
    indirect_costs          TEXT,
    overhead_pct            TEXT,
    capital_costs           TEXT,
    budgeted_occupancy_pct  TEXT,
    daily_ex_vat_oere       INTEGER NOT NULL,     -- like for like: per day, ex. VAT, in øre
    source                  TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL,
    PRIMARY KEY (offer_id, department_id, legal_basis, year)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE offer_fts USING fts5(
    name, body,
    content = '',
    tokenize = "unicode61 remove_diacritics 2"
);
