CREATE TABLE "browser_logins" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"dc" text NOT NULL,
	"status" text DEFAULT 'waiting' NOT NULL,
	"message" text,
	"view_token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "browser_screenshots" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"mime" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "browser_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"dc" text NOT NULL,
	"state_enc" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "url" text;--> statement-breakpoint
CREATE INDEX "browser_logins_user" ON "browser_logins" USING btree ("app_user_id");--> statement-breakpoint
CREATE INDEX "browser_screenshots_expiry" ON "browser_screenshots" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "browser_sessions_user_dc" ON "browser_sessions" USING btree ("app_user_id","dc");