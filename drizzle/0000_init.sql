CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"dc" text NOT NULL,
	"code_verifier_enc" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_calls" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"tool" text NOT NULL,
	"app" text NOT NULL,
	"outcome" text NOT NULL,
	"error_code" text,
	"attempts" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"params" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zoho_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"zoho_user_id" text NOT NULL,
	"zoho_org_id" text NOT NULL,
	"email" text,
	"dc" text NOT NULL,
	"accounts_server" text NOT NULL,
	"api_domain" text NOT NULL,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"token_expires_at" bigint NOT NULL,
	"scopes" text NOT NULL,
	"crm_org_id" text,
	"desk_org_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"refresh_lease_until" bigint,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "tool_calls_user_time" ON "tool_calls" USING btree ("app_user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "zoho_connections_user_zoho_org" ON "zoho_connections" USING btree ("app_user_id","zoho_user_id","zoho_org_id");--> statement-breakpoint
CREATE INDEX "zoho_connections_app_user" ON "zoho_connections" USING btree ("app_user_id");