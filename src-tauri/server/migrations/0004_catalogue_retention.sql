-- Catalogue snapshots (issue 15 point 3; docs/server.md "Catalogue snapshots"): every machine
-- imports only the newest extraction, so the server keeps the snapshots of the three newest
-- extraction dates (the newest, and two before it for IT to look back at or publish again)
-- and removes older ones itself after each publish. A national extract is 20–30 MB packed:
-- without this the table only grows. No role gets DELETE on the table: the trigger's function
-- runs as the schema's owner. Which three is the same order `plads sync` pulls by: extraction
-- date, then publishing time.
CREATE FUNCTION plads.keep_newest_catalogues() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
BEGIN
    DELETE FROM plads.catalogue_snapshots
    WHERE sha256 NOT IN (
        SELECT sha256 FROM plads.catalogue_snapshots
        ORDER BY extracted DESC, published_at DESC, sha256
        LIMIT 3);
    RETURN NULL;
END $$;

CREATE TRIGGER catalogue_snapshots_kept AFTER INSERT ON plads.catalogue_snapshots
FOR EACH STATEMENT EXECUTE FUNCTION plads.keep_newest_catalogues();
