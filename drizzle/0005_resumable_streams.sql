CREATE TABLE "chat_stream_events" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"last_seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" text NOT NULL,
	CONSTRAINT "chat_stream_events_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "chat_streams" (
	"run_id" text PRIMARY KEY NOT NULL,
	"app_user_id" text NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"alive_until" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "chat_streams_expires" ON "chat_streams" USING btree ("expires_at");