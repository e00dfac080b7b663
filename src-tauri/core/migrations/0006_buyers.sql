-- Places bought per municipality and year, as the catalogue reports them (R7: the categories
-- report counts buying municipalities from the catalogue and from this app's contracts).
-- Kept by offer id like rates: an import replaces the years it carries and keeps the others.
CREATE TABLE offer_buyers (
    offer_id           TEXT    NOT NULL,
    year               INTEGER NOT NULL,
    municipality_code  INTEGER NOT NULL,
    places             INTEGER NOT NULL CHECK (places >= 1),
    PRIMARY KEY (offer_id, year, municipality_code)
) WITHOUT ROWID;
