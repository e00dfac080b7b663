-- What a sync installed from the municipality's server (agreements, rate sheets, catalogue
-- snapshots) is marked so in `sync_pushed` beside what this computer published, so `plads
-- sync --status` can count what was received (issue 15). Marks from before this version are
-- counted as published.
ALTER TABLE sync_pushed ADD COLUMN received INTEGER NOT NULL DEFAULT 0 CHECK (received IN (0, 1));
