ALTER TABLE "usage_events" ADD COLUMN "api_token_id" uuid;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "skill" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "session_tag" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "tool_name" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "event_id" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "metadata" jsonb;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "reported_cost_nano" bigint;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_api_token_id_api_tokens_id_fk" FOREIGN KEY ("api_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_events_user_event_unique" ON "usage_events" USING btree ("user_id","event_id") WHERE "usage_events"."event_id" is not null;