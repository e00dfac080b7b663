-- Pulling closed checks and issued contract versions to the other laptops (docs/server.md,
-- "Pull"). Each row carries the id of the transaction that inserted it (`txid`, set by a
-- trigger, so a client cannot choose it). A laptop keeps, per table, the oldest transaction
-- still running when it last pulled (pg_snapshot_xmin of its snapshot) and next time asks
-- only for rows from that transaction on: a row committed late by a transaction that was
-- running then is still found, and a second pull with nothing new fetches nothing. Rows that
-- were there before this migration take its transaction's id (all older than any mark).

ALTER TABLE plads.checks ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE plads.contract_versions ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX checks_by_txid ON plads.checks (txid);
CREATE INDEX contract_versions_by_txid ON plads.contract_versions (txid);

CREATE FUNCTION plads.set_txid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.txid := pg_current_xact_id();
    RETURN NEW;
END
$$;
CREATE TRIGGER checks_txid BEFORE INSERT ON plads.checks
FOR EACH ROW EXECUTE FUNCTION plads.set_txid();
CREATE TRIGGER contract_versions_txid BEFORE INSERT ON plads.contract_versions
FOR EACH ROW EXECUTE FUNCTION plads.set_txid();
