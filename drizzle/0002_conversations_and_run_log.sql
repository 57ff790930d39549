CREATE TABLE "chat_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"app_user_id" text NOT NULL,
	"conversation_id" text,
	"model" text NOT NULL,
	"steps" integer NOT NULL,
	"finish_reason" text NOT NULL,
	"prompt_tokens" integer NOT NULL,
	"completion_tokens" integer NOT NULL,
	"reasoning_tokens" integer NOT NULL,
	"cached_tokens" integer NOT NULL,
	"cost" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_messages" (
	"app_user_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"position" integer NOT NULL,
	"message" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_messages_app_user_id_conversation_id_position_pk" PRIMARY KEY("app_user_id","conversation_id","position")
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"app_user_id" text NOT NULL,
	"id" text NOT NULL,
	"message_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversations_app_user_id_id_pk" PRIMARY KEY("app_user_id","id")
);
--> statement-breakpoint
ALTER TABLE "pending_runs" ADD COLUMN "conversation_id" text;--> statement-breakpoint
ALTER TABLE "pending_runs" ADD COLUMN "persisted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "pending_tool_calls" ADD COLUMN "tool_call_id" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "call_id" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "run_id" text;--> statement-breakpoint
CREATE INDEX "chat_runs_user_time" ON "chat_runs" USING btree ("app_user_id","created_at");--> statement-breakpoint
CREATE INDEX "chat_runs_run" ON "chat_runs" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "conversations_user_time" ON "conversations" USING btree ("app_user_id","updated_at");--> statement-breakpoint
CREATE INDEX "pending_runs_conversation" ON "pending_runs" USING btree ("app_user_id","conversation_id");