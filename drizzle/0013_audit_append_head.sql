-- The audit chain's lock and its head in one round trip. The lock is taken first; the head is
-- read by a statement of its own, whose snapshot (a VOLATILE function under READ COMMITTED) is
-- taken after the lock is held, so it sees every append committed before ours. A plain
-- `select pg_advisory_xact_lock(..), (select .. last entry)` would read the head with a snapshot
-- from before the wait: two appends could then claim the same seq.
CREATE OR REPLACE FUNCTION audit_append_head(lock_id bigint) RETURNS TABLE(seq bigint, hash text) AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_id);
  RETURN QUERY SELECT l.seq, l.hash FROM audit_logs l ORDER BY l.seq DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN QUERY SELECT a.seq, a.hash FROM audit_anchors a ORDER BY a.seq DESC LIMIT 1;
  END IF;
END
$$ LANGUAGE plpgsql VOLATILE;
