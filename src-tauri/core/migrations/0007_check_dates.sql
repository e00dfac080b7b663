-- The day a check was closed, in the calendar the guard uses (the app's "today", which a test
-- or `--today` may fix), not the wall-clock timestamp: its validity counts from this day.
-- The day it was made is `scope_date` already. Existing closed checks take the date of their
-- closing timestamp; the immutability trigger is lifted for that one backfill only.
ALTER TABLE checks ADD COLUMN closed_on TEXT;

DROP TRIGGER checks_closed_immutable;
UPDATE checks SET closed_on = substr(closed_at, 1, 10) WHERE closed_at IS NOT NULL;
CREATE TRIGGER checks_closed_immutable BEFORE UPDATE ON checks
WHEN OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'En lukket afstemning kan ikke ændres');
END;
