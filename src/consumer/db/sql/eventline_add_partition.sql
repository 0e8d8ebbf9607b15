-- Creates partition `part` of `parent` (a table like it, with its defaults
-- and CHECK constraints, which ATTACH requires, attached with `bounds`)
-- unless it exists; answers whether it did. The caller holds the locks that
-- make a partition's absence certain (eventline_lock_partitioned), so a
-- partition another transaction created is seen (taking the lock reads the
-- catalog's news) and two never race.
CREATE OR REPLACE FUNCTION eventline_add_partition(parent text, part text, bounds text)
RETURNS boolean LANGUAGE plpgsql AS $function$
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I %s', parent, part, bounds);
  RETURN true;
END
$function$;
