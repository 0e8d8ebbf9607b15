-- Takes partition `part` out of `parent`: detaches it and renames it
-- expired_<part>, replacing a table of that name a failed drop left. A
-- catalog change, the only moment the parent is locked against writers; the
-- drop step (eventline_drop_expired_table) unlinks the files later, in a
-- transaction of its own.
CREATE OR REPLACE FUNCTION eventline_take_out(parent text, part text)
RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
  EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, part);
  EXECUTE format('DROP TABLE IF EXISTS %I', 'expired_' || part);
  EXECUTE format('ALTER TABLE %I RENAME TO %I', part, 'expired_' || part);
END
$function$;
