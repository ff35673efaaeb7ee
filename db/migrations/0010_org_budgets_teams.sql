CREATE TABLE "org_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"default_monthly_cost_limit_nano" bigint,
	"default_daily_cost_limit_nano" bigint,
	"default_monthly_token_limit" bigint,
	"default_daily_token_limit" bigint,
	"default_mode" "budget_mode" DEFAULT 'enforce' NOT NULL,
	"default_alert_thresholds" integer[] DEFAULT '{50,80,100}'::integer[] NOT NULL,
	"org_monthly_cost_limit_nano" bigint,
	"org_mode" "budget_mode" DEFAULT 'enforce' NOT NULL,
	"org_alert_thresholds" integer[] DEFAULT '{50,80,100}'::integer[] NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_settings_single_row" CHECK ("org_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "scope_holds" (
	"reservation_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"amount_nano" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scope_holds_reservation_id_scope_pk" PRIMARY KEY("reservation_id","scope")
);
--> statement-breakpoint
CREATE TABLE "scope_ledger" (
	"scope" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"spent_nano" bigint DEFAULT 0 NOT NULL,
	"reserved_nano" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scope_ledger_scope_period_start_pk" PRIMARY KEY("scope","period_start")
);
--> statement-breakpoint
CREATE TABLE "system_key_teams" (
	"provider" "provider_kind" NOT NULL,
	"team_id" uuid NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "system_key_teams_provider_team_id_pk" PRIMARY KEY("provider","team_id")
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"team_id" uuid NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"monthly_cost_limit_nano" bigint,
	"mode" "budget_mode" DEFAULT 'enforce' NOT NULL,
	"alert_thresholds" integer[] DEFAULT '{50,80,100}'::integer[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "org_settings" ADD CONSTRAINT "org_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scope_holds" ADD CONSTRAINT "scope_holds_reservation_id_budget_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."budget_reservations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_key_teams" ADD CONSTRAINT "system_key_teams_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_key_teams" ADD CONSTRAINT "system_key_teams_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scope_holds_scope_expires_idx" ON "scope_holds" USING btree ("scope","expires_at");--> statement-breakpoint
CREATE INDEX "team_members_team_idx" ON "team_members" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_unique" ON "teams" USING btree (lower("name"));