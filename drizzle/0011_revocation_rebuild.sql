ALTER TABLE "users" ADD COLUMN "roles_changed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "users_roles_changed_idx" ON "users" USING btree ("roles_changed_at") WHERE "users"."roles_changed_at" is not null;--> statement-breakpoint
CREATE INDEX "sessions_revoked_idx" ON "sessions" USING btree ("revoked_at") WHERE "sessions"."revoked_at" is not null;
