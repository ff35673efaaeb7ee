import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setSystemKeyPolicy } from "@/db/queries/prices";
import { auditLog, users } from "@/db/schema";
import type { ActionState } from "@/lib/http/action";
import { resolveUserModel } from "@/lib/providers/resolve-model";
import { addKey, newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const teamActions = await import("@/app/(app)/admin/teams/actions");
const userTeamActions = await import("@/app/(app)/admin/users/[id]/team-actions");
const db = freshDatabasePerFile();

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return action({}, data);
};

const MODEL = "openai:gpt-4o-mini";
let previous: string | undefined;
beforeAll(() => {
  previous = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = "sk-test-deployment-key-0000";
});
afterAll(() => {
  if (previous === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = previous;
});

const keySourceOf = async (userId: string, purpose: "chat" | "background") =>
  resolveUserModel(userId, { override: MODEL, purpose }).then(
    (r) => r.keySource,
    (e: { code?: string }) => e.code,
  );

describe("deployment keys per provider and team", () => {
  it("a team an admin opened the key to uses it (chat and titles); other teams and strangers do not; everyone opens it to all", async () => {
    const admin = await newUser("admin");
    await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
    signIn(admin);
    await run(teamActions.createTeamAction, { name: "Keyed" });
    await run(teamActions.createTeamAction, { name: "Keyless" });
    const { listTeams } = await import("@/db/queries/teams");
    const teams = await listTeams();
    const keyed = teams.find((t) => t.name === "Keyed")!;
    const keyless = teams.find((t) => t.name === "Keyless")!;
    const inKeyed = await newUser("keyed");
    const inKeyless = await newUser("keyless");
    const stranger = await newUser("stranger");
    const ownKey = await newUser("own");
    await addKey(ownKey.id, "openai");
    await run(userTeamActions.setUserTeamAction, { userId: inKeyed.id, teamId: keyed.id });
    await run(userTeamActions.setUserTeamAction, { userId: inKeyless.id, teamId: keyless.id });

    // Nobody allowed: titles no longer run on the deployment's key for anyone.
    for (const user of [inKeyed, inKeyless, stranger]) {
      expect(await keySourceOf(user.id, "chat")).toBe("api_key_required");
      expect(await keySourceOf(user.id, "background")).toBe("api_key_required");
    }
    expect(await keySourceOf(ownKey.id, "background")).toBe("user");

    expect(await run(teamActions.setSystemKeyTeamAction, { provider: "openai", teamId: keyed.id, allow: "true" })).toMatchObject({ ok: true });
    expect(await keySourceOf(inKeyed.id, "chat")).toBe("system");
    expect(await keySourceOf(inKeyed.id, "background")).toBe("system");
    expect(await keySourceOf(inKeyless.id, "chat")).toBe("api_key_required");
    expect(await keySourceOf(stranger.id, "background")).toBe("api_key_required");
    const audit = await db.current().db.select().from(auditLog).where(eq(auditLog.action, "system_key_policy.changed"));
    expect(audit.map((a) => a.details)).toContainEqual(expect.objectContaining({ provider: "openai", team: "Keyed" }));

    // A non-admin cannot open it; bad input is refused.
    signIn(inKeyless);
    expect((await run(teamActions.setSystemKeyTeamAction, { provider: "openai", teamId: keyless.id, allow: "true" })).error).toBeTruthy();
    signIn(admin);
    expect((await run(teamActions.setSystemKeyTeamAction, { provider: "openai-compatible", teamId: keyless.id, allow: "true" })).fieldErrors?.provider).toBeDefined();
    expect(await keySourceOf(inKeyless.id, "chat")).toBe("api_key_required");

    // Closing it again, then opening it to everyone.
    await run(teamActions.setSystemKeyTeamAction, { provider: "openai", teamId: keyed.id, allow: "false" });
    expect(await keySourceOf(inKeyed.id, "background")).toBe("api_key_required");
    await setSystemKeyPolicy({ provider: "openai", allowUsers: true, updatedBy: admin.id });
    expect(await keySourceOf(stranger.id, "chat")).toBe("system");
    session.current = null;
  });
});
