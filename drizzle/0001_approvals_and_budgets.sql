CREATE TABLE "active_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"model" text NOT NULL,
	"messages" jsonb NOT NULL,
	"steps" integer NOT NULL,
	"status" text DEFAULT 'paused' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_tool_calls" (
	"call_id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"app_user_id" text NOT NULL,
	"position" integer NOT NULL,
	"tool" text NOT NULL,
	"params" jsonb,
	"params_hash" text NOT NULL,
	"summary" text NOT NULL,
	"decision" text,
	"result_content" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rate_limit_hits" (
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "active_runs_user" ON "active_runs" USING btree ("app_user_id");--> statement-breakpoint
CREATE INDEX "pending_tool_calls_run" ON "pending_tool_calls" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rate_limit_hits_key_window" ON "rate_limit_hits" USING btree ("key","window_start");