-- The four group roles (cluster-wide, so created here and not in a numbered migration). A
-- person logs in with their own role, made a member of one of these by municipal IT
-- (docs/server.md). Run by `plads server init` as a role with CREATEROLE; existing roles are
-- left as they are.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['sagsbehandler', 'oekonomi', 'leder', 'admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- created at the same moment by another init
            END;
        END IF;
    END LOOP;
END
$$;
