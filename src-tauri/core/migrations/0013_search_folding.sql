-- Search as Danes type (issue 14): the index holds every offer's name and search text folded
-- as each search folds its words (aa = å, ae = æ, oe = ø, case and accents; `search_fold.rs`).
-- The table is made again here and filled from the catalogue's tables by the same step in
-- Rust (`store::migrate_to` calls `catalogue::import::rebuild_search_text` after this file).
DROP TABLE offer_fts;

CREATE VIRTUAL TABLE offer_fts USING fts5(
    name, body,
    content = '',
    tokenize = "unicode61 remove_diacritics 2"
);
