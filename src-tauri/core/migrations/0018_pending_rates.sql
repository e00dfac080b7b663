-- A rate sheet's rates for offers not in this copy's catalogue when the sheet was imported
-- (a sheet made from a newer extract, or one published on the municipality's server by a
-- computer with a newer catalogue; issue 15, docs/server.md "Rate sheets"). A rate sheet is
-- the settlement basis (R4; seed 003 L177: "Vi afregner alene ud fra en takstoversigt, der er
-- baseret på et åbent og gennemsigtigt beregningsgrundlag"), so its rate is
-- kept here and taken into use by the catalogue import that adds the offer, in the order the
-- sheets were imported (`rates::import::apply_pending`), then removed from here.
CREATE TABLE pending_rates (
    seq        INTEGER PRIMARY KEY,                               -- the order taken into use
    sha256     TEXT NOT NULL REFERENCES rate_sheets(sha256),     -- the sheet
    offer_id   TEXT NOT NULL,
    rate       TEXT NOT NULL,                                     -- the row (rates::model::Rate) as JSON
    source     TEXT NOT NULL,                                     -- «takstoversigt <fil>»
    UNIQUE (sha256, rate)                                         -- a sheet imported twice keeps one
);
CREATE INDEX pending_rates_by_offer ON pending_rates (offer_id);

-- Sheets imported before this version skipped such rows; they are still in the kept sheet.
INSERT OR IGNORE INTO pending_rates (sha256, offer_id, rate, source)
SELECT s.sha256, json_extract(r.value, '$.offer_id'), r.value, 'takstoversigt ' || s.file_name
FROM rate_sheets s, json_each(s.rows) r
WHERE json_valid(s.rows)
  AND json_extract(r.value, '$.offer_id') NOT IN (SELECT id FROM offers)
ORDER BY s.imported_at, s.sha256, r.key;
