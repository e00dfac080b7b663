-- A contract's lifecycle events (issue 15 point 3, docs/server.md "Contract events"): signed
-- (underskrevet), active (aktiv), notice given (opsagt, with who gave it, when and the last
-- day) and renewed (fornyet, with the contract that renews it). Each happens at most once to a
-- contract, so (contract, event) is the key: pushed exactly once by the computer that issued
-- the contract, never changed or deleted, and applied on the laptops that hold the received
-- contract. Row-level security as for the contract's versions: the contract's unit decides.
CREATE TABLE plads.contract_events (
    contract_id   text NOT NULL REFERENCES plads.contracts(id),
    event         text NOT NULL CHECK (event IN ('underskrevet', 'aktiv', 'opsagt', 'fornyet')),
    unit          text NOT NULL,            -- set by contract_version_unit()
    data          jsonb NOT NULL,
    sha256        text NOT NULL,
    installation  text NOT NULL REFERENCES plads.installations(id),
    pushed_by     text NOT NULL DEFAULT session_user,
    pushed_at     timestamptz NOT NULL DEFAULT now(),
    txid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (contract_id, event)
);
CREATE INDEX contract_events_by_txid ON plads.contract_events (txid);
CREATE TRIGGER contract_events_immutable BEFORE UPDATE OR DELETE ON plads.contract_events
FOR EACH ROW EXECUTE FUNCTION plads.refuse_change('En kontrakts hændelse kan ikke ændres eller slettes');

-- The contract's unit, as for its versions (the same trigger function: it reads contract_id
-- and sets unit).
CREATE TRIGGER contract_events_unit BEFORE INSERT ON plads.contract_events
FOR EACH ROW EXECUTE FUNCTION plads.contract_version_unit();
CREATE TRIGGER contract_events_txid BEFORE INSERT ON plads.contract_events
FOR EACH ROW EXECUTE FUNCTION plads.set_txid();

GRANT SELECT, INSERT ON plads.contract_events TO sagsbehandler, oekonomi, admin;
ALTER TABLE plads.contract_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_own_unit ON plads.contract_events TO sagsbehandler
    USING (unit = plads.my_unit()) WITH CHECK (unit = plads.my_unit());
CREATE POLICY events_all ON plads.contract_events TO oekonomi, admin USING (true)
    WITH CHECK (true);
