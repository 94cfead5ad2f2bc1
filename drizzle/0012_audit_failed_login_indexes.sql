-- The failed-login alert rule counts LOGIN_FAILED entries per address and per account within a
-- window, inside the audit append lock: without these it scanned every entry of the window (or
-- every LOGIN_FAILED ever), O(n) per failure under credential stuffing.
CREATE INDEX IF NOT EXISTS "audit_logs_ip_action_occurred_idx" ON "audit_logs" USING btree ("ip_address","action","occurred_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_logs_user_action_occurred_idx" ON "audit_logs" USING btree ("user_id","action","occurred_at");
