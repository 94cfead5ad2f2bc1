CREATE TABLE "login_failures" (
	"subject" text NOT NULL,
	"ip_group" text NOT NULL,
	"failures" integer NOT NULL,
	"last_failed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "login_failures_subject_ip_group_pk" PRIMARY KEY("subject","ip_group")
);
