-- The municipality's shared records (issue 15, docs/server.md). Everything lives in schema
-- `plads`; the group roles sagsbehandler, oekonomi, leder and admin exist already (created by
-- `plads server init` before the migrations run, see roles.sql). The database enforces who may
-- read and write what: grants per table, and row-level security where a role sees only some
-- rows. Immutable records (closed checks, issued contract versions, audit entries) are never
-- changed or deleted, by triggers that hold for the owner as well.

CREATE SCHEMA plads;
REVOKE ALL ON SCHEMA plads FROM PUBLIC;
GRANT USAGE ON SCHEMA plads TO sagsbehandler, oekonomi, leder, admin;

-- Who works in which unit (afdeling): a sagsbehandler sees the contracts of their own unit.
-- Maintained by admin; one row per login role.
CREATE TABLE plads.staff (
    role_name  text PRIMARY KEY,
    unit       text NOT NULL CHECK (unit <> ''),
    name       text NOT NULL DEFAULT ''
);

-- The unit of the person connected (NULL for a login not in plads.staff). SECURITY DEFINER so
-- that no role needs to read plads.staff itself.
CREATE FUNCTION plads.my_unit() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
    SELECT unit FROM plads.staff WHERE role_name = session_user
$$;
REVOKE ALL ON FUNCTION plads.my_unit() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plads.my_unit() TO sagsbehandler, oekonomi, leder, admin;

CREATE FUNCTION plads.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'P0001';
END
$$;

-- Every local SQLite copy (installation) that has talked to the server: its random id.
CREATE TABLE plads.installations (
    id             text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
    registered_by  text NOT NULL DEFAULT session_user,
    registered_at  timestamptz NOT NULL DEFAULT now()
);

-- A working copy says who it is before it sends anything.
CREATE FUNCTION plads.register_installation(p_id text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
    INSERT INTO plads.installations (id) VALUES (p_id) ON CONFLICT (id) DO NOTHING
$$;
REVOKE ALL ON FUNCTION plads.register_installation(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plads.register_installation(text)
    TO sagsbehandler, oekonomi, leder, admin;

-- Human numbers: A-2026-0001 (checks), K-2026-0001 (contracts), EK-2026-0001 (contracts from
-- before the standard). Each installation reserves blocks of numbers; a number is used by the
-- installation that holds its block, so numbers given offline never collide.
CREATE TABLE plads.number_series (
    series     text NOT NULL CHECK (series IN ('A', 'K', 'EK')),
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    next_free  integer NOT NULL DEFAULT 1 CHECK (next_free >= 1),
    PRIMARY KEY (series, year)
);

CREATE TABLE plads.number_blocks (
    series        text NOT NULL,
    year          integer NOT NULL,
    first_no      integer NOT NULL CHECK (first_no >= 1),
    last_no       integer NOT NULL,
    installation  text NOT NULL REFERENCES plads.installations(id),
    reserved_by   text NOT NULL DEFAULT session_user,
    reserved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series, year, first_no),
    FOREIGN KEY (series, year) REFERENCES plads.number_series(series, year),
    CHECK (last_no >= first_no)
);
CREATE TRIGGER number_blocks_immutable BEFORE UPDATE OR DELETE ON plads.number_blocks
FOR EACH ROW EXECUTE FUNCTION plads.refuse_change('En reserveret nummerblok kan ikke ændres eller slettes');

-- Reserves the next p_count numbers of a series and year for an installation. The row lock
-- on number_series makes two reservations at the same moment take consecutive blocks.
CREATE FUNCTION plads.reserve_numbers(p_series text, p_year integer, p_count integer,
                                      p_installation text)
RETURNS TABLE (first_no integer, last_no integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
DECLARE
    v_first integer;
BEGIN
    IF NOT (pg_has_role(session_user, 'sagsbehandler', 'MEMBER')
            OR pg_has_role(session_user, 'oekonomi', 'MEMBER')
            OR pg_has_role(session_user, 'admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'Brugeren % må ikke reservere numre', session_user
            USING ERRCODE = '42501';
    END IF;
    IF p_count NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'En nummerblok skal have mellem 1 og 1000 numre, ikke %', p_count;
    END IF;
    INSERT INTO plads.installations (id) VALUES (p_installation) ON CONFLICT (id) DO NOTHING;
    INSERT INTO plads.number_series (series, year) VALUES (p_series, p_year)
        ON CONFLICT (series, year) DO NOTHING;
    SELECT s.next_free INTO v_first FROM plads.number_series s
        WHERE s.series = p_series AND s.year = p_year FOR UPDATE;
    IF v_first + p_count - 1 > 99999 THEN
        RAISE EXCEPTION 'Nummerserien %-% er opbrugt', p_series, p_year;
    END IF;
    UPDATE plads.number_series s SET next_free = v_first + p_count
        WHERE s.series = p_series AND s.year = p_year;
    INSERT INTO plads.number_blocks (series, year, first_no, last_no, installation)
        VALUES (p_series, p_year, v_first, v_first + p_count - 1, p_installation);
    RETURN QUERY SELECT v_first, v_first + p_count - 1;
END
$$;
REVOKE ALL ON FUNCTION plads.reserve_numbers(text, integer, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plads.reserve_numbers(text, integer, integer, text)
    TO sagsbehandler, oekonomi, admin;

-- Closed public-first checks (no citizen data: a check never holds name or CPR).
CREATE TABLE plads.checks (
    id            text PRIMARY KEY,
    unit          text NOT NULL DEFAULT plads.my_unit(),
    kind          text NOT NULL,
    closed_on     date NOT NULL,
    conclusion    text NOT NULL,
    doc           jsonb NOT NULL,          -- the closed check as the working copy holds it
    sha256        text NOT NULL,
    installation  text NOT NULL REFERENCES plads.installations(id),
    pushed_by     text NOT NULL DEFAULT session_user,
    pushed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER checks_immutable BEFORE UPDATE OR DELETE ON plads.checks
FOR EACH ROW EXECUTE FUNCTION plads.refuse_change('En lukket afstemning kan ikke ændres eller slettes');

-- Standard contracts: one row per contract, its issued versions below. Citizen data (name,
-- CPR) only in contract_versions.
CREATE TABLE plads.contracts (
    id            text PRIMARY KEY,
    unit          text NOT NULL,            -- set by contract_unit()
    offer_id      text NOT NULL,
    check_id      text,
    renewed_from  text REFERENCES plads.contracts(id),
    installation  text NOT NULL REFERENCES plads.installations(id),
    pushed_by     text NOT NULL DEFAULT session_user,
    pushed_at     timestamptz NOT NULL DEFAULT now()
);
-- One contract per check: a second contract issued from the same check on another machine is
-- refused (a renewal carries its predecessor's check and is not counted).
CREATE UNIQUE INDEX contracts_one_per_check ON plads.contracts (check_id)
    WHERE check_id IS NOT NULL AND renewed_from IS NULL;
-- A contract belongs to the unit of its check (the caseworker's), else to the unit of whoever
-- pushes it; its versions to the contract's unit.
CREATE FUNCTION plads.contract_unit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
BEGIN
    NEW.unit := coalesce((SELECT c.unit FROM plads.checks c WHERE c.id = NEW.check_id),
                         plads.my_unit());
    RETURN NEW;
END
$$;
CREATE TRIGGER contracts_unit BEFORE INSERT ON plads.contracts
FOR EACH ROW EXECUTE FUNCTION plads.contract_unit();
CREATE TRIGGER contracts_immutable BEFORE UPDATE OR DELETE ON plads.contracts
FOR EACH ROW EXECUTE FUNCTION plads.refuse_change('En kontrakt kan ikke ændres eller slettes på serveren');

CREATE TABLE plads.contract_versions (
    contract_id   text NOT NULL REFERENCES plads.contracts(id),
    version       integer NOT NULL CHECK (version >= 1),
    unit          text NOT NULL,            -- set by contract_version_unit()
    citizen_name  text NOT NULL,
    citizen_cpr   text NOT NULL,
    offer_id      text NOT NULL,
    legal_basis   text NOT NULL,
    start_date    date NOT NULL,
    end_date      date NOT NULL,
    issued_on     date NOT NULL,
    reason        text NOT NULL DEFAULT '',
    data          jsonb NOT NULL,          -- the issued contract (with name and CPR)
    sha256        text NOT NULL,
    installation  text NOT NULL REFERENCES plads.installations(id),
    pushed_by     text NOT NULL DEFAULT session_user,
    pushed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contract_id, version)
);
CREATE TRIGGER contract_versions_immutable BEFORE UPDATE OR DELETE ON plads.contract_versions
FOR EACH ROW EXECUTE FUNCTION plads.refuse_change('En udstedt kontraktversion kan ikke ændres eller slettes');

-- A version chain stays linear: version n+1 only after version n, never two of one number.
CREATE FUNCTION plads.contract_version_in_order() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
DECLARE
    v_last integer;
BEGIN
    SELECT max(version) INTO v_last FROM plads.contract_versions WHERE contract_id = NEW.contract_id;
    -- A version already there falls to the primary key (a retry, or a second correction).
    IF NEW.version > coalesce(v_last, 0) + 1 THEN
        RAISE EXCEPTION 'Kontrakt % version % passer ikke efter version %',
            NEW.contract_id, NEW.version, coalesce(v_last, 0) USING ERRCODE = '23P01';
    END IF;
    RETURN NEW;
END
$$;
CREATE FUNCTION plads.contract_version_unit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, plads AS $$
BEGIN
    NEW.unit := (SELECT c.unit FROM plads.contracts c WHERE c.id = NEW.contract_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER contract_versions_unit BEFORE INSERT ON plads.contract_versions
FOR EACH ROW EXECUTE FUNCTION plads.contract_version_unit();
CREATE TRIGGER contract_versions_in_order BEFORE INSERT ON plads.contract_versions
FOR EACH ROW EXECUTE FUNCTION plads.contract_version_in_order();

-- The audit log of every installation: each entry once, by (installation, its local id).
CREATE TABLE plads.audit_log (
    installation  text NOT NULL REFERENCES plads.installations(id),
    local_id      bigint NOT NULL,
    at            timestamp NOT NULL,
    user_name     text NOT NULL,
    action        text NOT NULL,
    subject       text NOT NULL,
    details       text NOT NULL,
    pushed_by     text NOT NULL DEFAULT session_user,
    pushed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (installation, local_id)
);
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON plads.audit_log
FOR EACH ROW EXECUTE FUNCTION plads.refuse_change('Revisionssporet er kun til tilføjelse');

-- Municipal settings (the rules' numbers, PL rates): a revision per key, so two machines
-- changing one setting never overwrite each other silently.
CREATE TABLE plads.settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    revision    integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
    changed_by  text NOT NULL DEFAULT session_user,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

-- Agreements and rate sheets as published by økonomi (each version kept), and catalogue
-- snapshots (the newest extraction date wins on every machine).
CREATE TABLE plads.agreements (
    id            text NOT NULL,
    version       integer NOT NULL,
    doc           jsonb NOT NULL,
    published_by  text NOT NULL DEFAULT session_user,
    published_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, version)
);
CREATE TABLE plads.rate_sheets (
    sha256        text PRIMARY KEY,
    file_name     text NOT NULL,
    rows          jsonb NOT NULL,
    published_by  text NOT NULL DEFAULT session_user,
    published_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE plads.catalogue_snapshots (
    sha256        text PRIMARY KEY,
    extracted     date NOT NULL,
    source        text NOT NULL,
    content       bytea NOT NULL,
    published_by  text NOT NULL DEFAULT session_user,
    published_at  timestamptz NOT NULL DEFAULT now()
);

-- Reports run on views without CPR or names. The views belong to the schema's owner, so leder
-- reads them without any right on the tables underneath.
CREATE VIEW plads.report_contracts AS
    SELECT v.contract_id, v.version, v.unit, v.offer_id, v.legal_basis, v.start_date,
           v.end_date, v.issued_on, v.data -> 'price' AS price,
           v.data -> 'offer' ->> 'operator_type' AS operator_type
    FROM plads.contract_versions v;
CREATE VIEW plads.report_checks AS
    SELECT id, unit, kind, closed_on, conclusion FROM plads.checks;

-- Grants: what each role may do at all. Row-level security narrows it below.
GRANT SELECT, INSERT ON plads.checks TO sagsbehandler, admin;
GRANT SELECT ON plads.checks TO oekonomi;
GRANT SELECT, INSERT ON plads.contracts, plads.contract_versions TO sagsbehandler, oekonomi, admin;
-- (SELECT as well, because INSERT … ON CONFLICT needs it; row-level security below lets
-- everyone but admin see only the entries they sent themselves.)
GRANT SELECT, INSERT ON plads.audit_log TO sagsbehandler, oekonomi, leder, admin;
GRANT SELECT ON plads.settings, plads.agreements, plads.rate_sheets, plads.catalogue_snapshots
    TO sagsbehandler, oekonomi, leder, admin;
GRANT INSERT, UPDATE ON plads.settings TO oekonomi, admin;
GRANT INSERT ON plads.agreements, plads.rate_sheets TO oekonomi, admin;
GRANT INSERT ON plads.catalogue_snapshots TO sagsbehandler, oekonomi, admin;
GRANT SELECT ON plads.report_contracts, plads.report_checks TO leder, oekonomi, admin;
GRANT SELECT ON plads.number_blocks, plads.installations TO admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON plads.staff TO admin;

-- Row-level security.
ALTER TABLE plads.checks ENABLE ROW LEVEL SECURITY;
CREATE POLICY checks_read ON plads.checks FOR SELECT USING (true);
CREATE POLICY checks_write ON plads.checks FOR INSERT
    WITH CHECK (unit = plads.my_unit() AND pushed_by = session_user);

ALTER TABLE plads.contracts ENABLE ROW LEVEL SECURITY;
ALTER TABLE plads.contract_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY contracts_own_unit ON plads.contracts TO sagsbehandler
    USING (unit = plads.my_unit()) WITH CHECK (unit = plads.my_unit());
CREATE POLICY contracts_all ON plads.contracts TO oekonomi, admin USING (true) WITH CHECK (true);
CREATE POLICY versions_own_unit ON plads.contract_versions TO sagsbehandler
    USING (unit = plads.my_unit()) WITH CHECK (unit = plads.my_unit());
CREATE POLICY versions_all ON plads.contract_versions TO oekonomi, admin USING (true)
    WITH CHECK (true);

ALTER TABLE plads.audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_append ON plads.audit_log FOR INSERT WITH CHECK (pushed_by = session_user);
CREATE POLICY audit_read ON plads.audit_log FOR SELECT TO admin USING (true);
CREATE POLICY audit_read_own ON plads.audit_log FOR SELECT USING (pushed_by = session_user);

-- Which numbered migrations have run (`plads server status`).
CREATE TABLE plads.schema_version (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON plads.schema_version TO sagsbehandler, oekonomi, leder, admin;
