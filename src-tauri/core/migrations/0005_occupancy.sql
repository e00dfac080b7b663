-- Actual occupancy per rate year, as rate sheets report it (R6: deviations from the budgeted
-- occupancy of 5 % or more are reported).
ALTER TABLE rates ADD COLUMN actual_occupancy_pct TEXT;
