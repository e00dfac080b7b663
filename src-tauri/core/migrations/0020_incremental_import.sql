-- A catalogue imported again takes over the offers it already holds unchanged (issue 16,
-- `catalogue/import.rs`): each offer's JSON text in the file is fingerprinted, and an offer
-- whose text and file context (format version, target-group tree) are as at the last import
-- is neither parsed nor written again. A changed or removed offer's row leaves the search
-- index by giving the text it was written with (the index holds none of its own), made again
-- from the offer's rows: the import now writes operators and target groups in the tables'
-- order, so the index is filled again from the tables here, by the same step in Rust as in
-- 0013, and every row's text is one the tables can make. (`contentless_delete` would delete
-- by row id alone, but made a fresh import of 100.000 offers 0,3 s slower.)
DROP TABLE offer_fts;

CREATE VIRTUAL TABLE offer_fts USING fts5(
    name, body,
    content = '',
    tokenize = "unicode61 remove_diacritics 2"
);

-- Each offer's fingerprint: the first 16 bytes of the SHA-256 of its JSON text as it stood
-- in the file, and how many rates that text gave (the import's report counts them); NULL
-- for an offer imported without (from a stream).
ALTER TABLE offers ADD COLUMN file_digest BLOB;
ALTER TABLE offers ADD COLUMN file_rates INTEGER;

-- The fingerprint of what every offer's rows depend on besides its own text (the import
-- code's version, the file's format version and target-group tree); NULL until an import
-- has fingerprinted every offer, and then the next import reads every offer.
ALTER TABLE catalogue_meta ADD COLUMN offers_context BLOB;
