-- The locks that make a partition's absence certain before creating one
-- (eventline_add_partition), taken in the writers' order: the dedupe ledger
-- before `events`, as the insert writes them, so a run and a writer never
-- wait on each other in a cycle. Held until the transaction ends.
CREATE OR REPLACE FUNCTION eventline_lock_partitioned()
RETURNS void LANGUAGE plpgsql AS $function$
BEGIN
  LOCK TABLE ONLY event_ids IN SHARE UPDATE EXCLUSIVE MODE;
  LOCK TABLE ONLY events IN SHARE UPDATE EXCLUSIVE MODE;
END
$function$;
