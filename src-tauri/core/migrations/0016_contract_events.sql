-- A contract's lifecycle events received from the municipality's server (issue 15 point 3,
-- docs/server.md "Contract events"): signed, active, notice given, renewed, as the computer
-- that issued the contract recorded them. Each is applied to the received contract here (its
-- state, and for notice who gave it, when and the last day), and kept here with who sent it;
-- one that cannot be applied (the contract here is not the server's) keeps its Danish reason
-- (`conflict`) and is not reported again. Rows are never changed or deleted.
CREATE TABLE sync_received_events (
    contract_id  TEXT NOT NULL,
    event        TEXT NOT NULL CHECK (event IN ('underskrevet', 'aktiv', 'opsagt', 'fornyet')),
    data         TEXT NOT NULL,      -- JSON as on the server
    sha256       TEXT NOT NULL,
    installation TEXT NOT NULL,
    pushed_by    TEXT NOT NULL,
    pushed_at    TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    conflict     TEXT,               -- NULL: applied; else why not
    PRIMARY KEY (contract_id, event)
) WITHOUT ROWID;

CREATE TRIGGER sync_received_events_no_update BEFORE UPDATE ON sync_received_events
BEGIN
    SELECT RAISE(ABORT, 'En hentet hændelse kan ikke ændres');
END;

CREATE TRIGGER sync_received_events_no_delete BEFORE DELETE ON sync_received_events
BEGIN
    SELECT RAISE(ABORT, 'En hentet hændelse kan ikke slettes');
END;

-- A received contract still refuses every change made here; only a received event moves its
-- state on (to that event's state, never back), and nothing else about the contract changes
-- with it (the notice's fields only with notice).
DROP TRIGGER contracts_received_immutable;
CREATE TRIGGER contracts_received_immutable BEFORE UPDATE ON contracts
WHEN EXISTS (SELECT 1 FROM sync_received WHERE kind = 'contract_version' AND subject = OLD.id
                 AND conflict IS NULL)
 AND NOT (NEW.id IS OLD.id AND NEW.created_at IS OLD.created_at
          AND NEW.created_by IS OLD.created_by AND NEW.offer_id IS OLD.offer_id
          AND NEW.check_id IS OLD.check_id AND NEW.renewed_from IS OLD.renewed_from
          AND (NEW.state = 'opsagt' OR (NEW.notice_party IS OLD.notice_party
               AND NEW.notice_given_on IS OLD.notice_given_on
               AND NEW.end_after_notice IS OLD.end_after_notice))
          AND (CASE NEW.state WHEN 'underskrevet' THEN 2 WHEN 'aktiv' THEN 3
                    WHEN 'opsagt' THEN 4 WHEN 'fornyet' THEN 4 ELSE 0 END)
            > (CASE OLD.state WHEN 'kladde' THEN 0 WHEN 'udstedt' THEN 1
                    WHEN 'underskrevet' THEN 2 WHEN 'aktiv' THEN 3 ELSE 4 END)
          AND EXISTS (SELECT 1 FROM sync_received_events e
                      WHERE e.contract_id = OLD.id AND e.event = NEW.state
                        AND e.conflict IS NULL))
BEGIN
    SELECT RAISE(ABORT, 'En kontrakt hentet fra kommunens server kan ikke ændres her');
END;
