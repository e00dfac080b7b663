-- Rate sheets as imported (issue 15, docs/server.md "Municipal data"): each sheet's validated
-- rows with the SHA-256 of its file, so a sync can publish a sheet imported here to the
-- municipality's server and know which sheets the server has that this computer lacks. The
-- rates themselves stay in `rates` (with their source); this is what was imported, kept as
-- imported. Rows are never changed or deleted.
CREATE TABLE rate_sheets (
    sha256       TEXT PRIMARY KEY,   -- the file's SHA-256 (lower-case hex)
    file_name    TEXT NOT NULL,
    rows         TEXT NOT NULL,      -- JSON: the validated rates, in the sheet's order
    imported_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER rate_sheets_no_update BEFORE UPDATE ON rate_sheets
BEGIN
    SELECT RAISE(ABORT, 'En indlæst takstoversigt kan ikke ændres');
END;

CREATE TRIGGER rate_sheets_no_delete BEFORE DELETE ON rate_sheets
BEGIN
    SELECT RAISE(ABORT, 'En indlæst takstoversigt slettes aldrig');
END;
