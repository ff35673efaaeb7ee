CREATE TYPE "public"."usage_source" AS ENUM('chat', 'gateway', 'track');--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "source" "usage_source" DEFAULT 'chat' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "source" "usage_source" DEFAULT 'chat' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" DROP CONSTRAINT "usage_daily_user_id_day_provider_model_feature_assistant_id_pk";--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_pk" PRIMARY KEY("user_id","day","provider","model","feature","assistant_id","source");
