-- The catalogue snapshot file last imported here while a server was set up (issue 15,
-- docs/server.md "Catalogue snapshots"): gzip-compressed, with the SHA-256 of the file, its
-- extraction date and source, so a sync can publish it to the municipality's server. Example
-- catalogues are never kept. One row at the most: a newer import replaces it.
CREATE TABLE catalogue_files (
    sha256       TEXT PRIMARY KEY,   -- of the file as imported (lower-case hex)
    extracted    TEXT NOT NULL,      -- ISO date
    source       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content      BLOB NOT NULL,      -- the file, gzip
    imported_at  TEXT NOT NULL
) WITHOUT ROWID;
