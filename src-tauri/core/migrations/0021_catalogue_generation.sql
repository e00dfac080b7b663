-- Each catalogue import counts one up (issue 16). The search index kept in a file beside the
-- database names the import it was built from (`search/cache.rs`, its stamp); the import's
-- time is kept to the second, so two imports of files with the same name and offer count
-- within one second were not told apart, and the window could search a start with the index
-- of the catalogue before (until the index built from the database took over).
ALTER TABLE catalogue_meta ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
