CREATE TYPE "public"."budget_mode" AS ENUM('enforce', 'warn');--> statement-breakpoint
CREATE TYPE "public"."budget_source" AS ENUM('user', 'admin');--> statement-breakpoint
CREATE TYPE "public"."key_status" AS ENUM('valid', 'rejected', 'unverified');--> statement-breakpoint
CREATE TYPE "public"."provider_kind" AS ENUM('openai', 'anthropic', 'google', 'openrouter', 'openai-compatible');--> statement-breakpoint
CREATE TABLE "budgets" (
	"user_id" uuid NOT NULL,
	"source" "budget_source" NOT NULL,
	"monthly_cost_limit_nano" bigint,
	"daily_cost_limit_nano" bigint,
	"monthly_token_limit" bigint,
	"mode" "budget_mode" DEFAULT 'enforce' NOT NULL,
	"alert_thresholds" integer[] DEFAULT '{50,80,100}'::integer[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_user_id_source_pk" PRIMARY KEY("user_id","source")
);
--> statement-breakpoint
CREATE TABLE "price_overrides" (
	"provider" "provider_kind" NOT NULL,
	"model_id" text NOT NULL,
	"input_nano_per_mtok" bigint NOT NULL,
	"output_nano_per_mtok" bigint NOT NULL,
	"cache_read_nano_per_mtok" bigint,
	"cache_write_nano_per_mtok" bigint,
	"note" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_overrides_provider_model_id_pk" PRIMARY KEY("provider","model_id")
);
--> statement-breakpoint
CREATE TABLE "provider_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" "provider_kind" NOT NULL,
	"name" text NOT NULL,
	"base_url" text,
	"encrypted_key" text,
	"key_last4" text,
	"status" "key_status" DEFAULT 'unverified' NOT NULL,
	"status_message" text,
	"models" jsonb,
	"last_verified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "system_key_policy" (
	"provider" "provider_kind" PRIMARY KEY NOT NULL,
	"allow_users" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_settings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"default_model" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_overrides" ADD CONSTRAINT "price_overrides_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_keys" ADD CONSTRAINT "provider_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_key_policy" ADD CONSTRAINT "system_key_policy_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_settings" ADD CONSTRAINT "user_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_keys_user_provider_name" ON "provider_keys" USING btree ("user_id","provider","name");