import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { assistants } from "@/db/schema";
import type { AssistantView } from "@/lib/chat/contract";
import type { ActionState } from "@/lib/http/action";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";
import { addKey, newUser, pointProvidersAt, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const actions = await import("@/app/(app)/assistants/actions");
const { GET } = await import("@/app/api/assistants/route");
const db = freshDatabasePerFile();
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => pointProvidersAt(fake));

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;

/** A form as the browser sends it: one field per value, `delegateIds` once per ticked box. */
function form(values: Record<string, string>, delegateIds: string[] = []): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  for (const id of delegateIds) data.append("delegateIds", id);
  return data;
}
const run = (action: Action, values: Record<string, string>, delegateIds?: string[]) => action({}, form(values, delegateIds));

const rowsOf = (userId: string) => db.current().db.select().from(assistants).where(eq(assistants.userId, userId));
const rowNamed = async (userId: string, name: string) => (await rowsOf(userId)).find((r) => r.name === name);

async function listViaApi(): Promise<{ status: number; body: { assistants?: AssistantView[]; error?: { code: string } } }> {
  const response = await GET(new Request("http://localhost/api/assistants"));
  return { status: response.status, body: await response.json() };
}

/** A signed-in user with an OpenAI key (so OpenAI models are available to them). */
async function signedInWithKey() {
  const user = await newUser("assistants");
  signIn(user);
  await addKey(user.id, "openai");
  return user;
}

async function create(name: string, extra: Record<string, string> = {}, delegateIds: string[] = []) {
  const result = await run(actions.createAssistantAction, { name, systemPrompt: `You are ${name}.`, preferredModel: "", ...extra }, delegateIds);
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  return result;
}

describe("assistants: create, edit, delete", () => {
  it("creates an assistant with a preferred model and delegates, lists it, edits it and deletes it", async () => {
    const user = await signedInWithKey();
    await create("Researcher");
    const researcher = (await rowNamed(user.id, "Researcher"))!;
    expect(researcher).toMatchObject({ systemPrompt: "You are Researcher.", preferredModel: null, delegateIds: [] });

    const created = await run(
      actions.createAssistantAction,
      { name: "  Writer  ", systemPrompt: "Write clearly.\r\nCite the researcher.", preferredModel: "openai:gpt-4o-mini" },
      [researcher.id],
    );
    expect(created).toEqual({ ok: true, message: "Assistant “Writer” created." });
    const writer = (await rowNamed(user.id, "Writer"))!;
    expect(writer).toMatchObject({
      name: "Writer",
      systemPrompt: "Write clearly.\nCite the researcher.",
      preferredModel: "openai:gpt-4o-mini",
      delegateIds: [researcher.id],
    });

    const listed = await listViaApi();
    expect(listed.status).toBe(200);
    expect(listed.body.assistants).toEqual([
      {
        id: researcher.id,
        name: "Researcher",
        systemPrompt: "You are Researcher.",
        preferredModel: null,
        delegateIds: [],
        createdAt: researcher.createdAt.toISOString(),
      },
      {
        id: writer.id,
        name: "Writer",
        systemPrompt: "Write clearly.\nCite the researcher.",
        preferredModel: "openai:gpt-4o-mini",
        delegateIds: [researcher.id],
        createdAt: writer.createdAt.toISOString(),
      },
    ]);

    const edited = await run(actions.updateAssistantAction, {
      assistantId: writer.id,
      name: "Editor",
      systemPrompt: "Edit ruthlessly.",
      preferredModel: "",
    });
    expect(edited).toEqual({ ok: true, message: "Assistant “Editor” saved." });
    expect(await rowNamed(user.id, "Editor")).toMatchObject({
      id: writer.id,
      systemPrompt: "Edit ruthlessly.",
      preferredModel: null,
      delegateIds: [],
    });

    // the researcher may now delegate to the editor (the other direction)
    expect(
      await run(actions.updateAssistantAction, { assistantId: researcher.id, name: "Researcher", systemPrompt: "Dig." }, [writer.id]),
    ).toMatchObject({ ok: true });
    expect((await rowNamed(user.id, "Researcher"))!.delegateIds).toEqual([writer.id]);

    expect(await run(actions.deleteAssistantAction, { assistantId: writer.id })).toEqual({ ok: true, message: "Assistant “Editor” deleted." });
    expect((await rowsOf(user.id)).map((r) => r.name)).toEqual(["Researcher"]);
    // a deleted delegate is no longer shown as one
    expect((await listViaApi()).body.assistants?.[0]?.delegateIds).toEqual([]);
    // deleting it again: it does not exist any more
    expect(await run(actions.deleteAssistantAction, { assistantId: writer.id })).toMatchObject({
      error: "That assistant does not exist (it may have been deleted already).",
    });
  });

  it("refuses a duplicate name beside the name field, regardless of case, on create and on rename", async () => {
    const user = await signedInWithKey();
    await create("Planner");
    await create("Coder");
    const duplicate = await run(actions.createAssistantAction, { name: "planner", systemPrompt: "Another one." });
    expect(duplicate.fieldErrors?.name).toEqual(["You already have an assistant called “planner”. Choose another name."]);
    expect(duplicate.values).toMatchObject({ name: "planner", systemPrompt: "Another one." });

    const coder = (await rowNamed(user.id, "Coder"))!;
    const rename = await run(actions.updateAssistantAction, { assistantId: coder.id, name: "Planner", systemPrompt: "x" });
    expect(rename.fieldErrors?.name?.[0]).toMatch(/already have an assistant called “Planner”/);
    expect((await rowsOf(user.id)).map((r) => r.name).sort()).toEqual(["Coder", "Planner"]);
    // keeping its own name (or changing its case) is not a duplicate
    expect(await run(actions.updateAssistantAction, { assistantId: coder.id, name: "CODER", systemPrompt: "x" })).toMatchObject({ ok: true });
  });

  it("refuses delegates that are not the user's own other assistants", async () => {
    const other = await signedInWithKey();
    await create("Theirs");
    const theirs = (await rowNamed(other.id, "Theirs"))!;

    const user = await signedInWithKey();
    await create("Mine");
    const mine = (await rowNamed(user.id, "Mine"))!;

    const stolen = await run(actions.createAssistantAction, { name: "Thief", systemPrompt: "x" }, [mine.id, theirs.id]);
    expect(stolen.fieldErrors?.delegateIds?.[0]).toMatch(/your own assistants/);
    expect(await rowNamed(user.id, "Thief")).toBeUndefined();

    const edit = await run(actions.updateAssistantAction, { assistantId: mine.id, name: "Mine", systemPrompt: "x" }, [theirs.id]);
    expect(edit.fieldErrors?.delegateIds?.[0]).toMatch(/your own assistants/);
    const self = await run(actions.updateAssistantAction, { assistantId: mine.id, name: "Mine", systemPrompt: "x" }, [mine.id]);
    expect(self.fieldErrors?.delegateIds).toEqual(["An assistant cannot delegate to itself."]);
    const malformed = await run(actions.createAssistantAction, { name: "Odd", systemPrompt: "x" }, ["not-a-uuid"]);
    expect(malformed.fieldErrors?.delegateIds?.[0]).toMatch(/your own assistants/);

    expect((await rowNamed(user.id, "Mine"))!.delegateIds).toEqual([]);
    expect(await rowsOf(other.id)).toHaveLength(1);
  });

  it("keeps each user's assistants to themselves: another user cannot list, edit or delete them", async () => {
    const owner = await signedInWithKey();
    await create("Private");
    const secret = (await rowNamed(owner.id, "Private"))!;

    await signedInWithKey();
    const listed = await listViaApi();
    expect(listed).toEqual({ status: 200, body: { assistants: [] } });

    const edit = await run(actions.updateAssistantAction, { assistantId: secret.id, name: "Hijacked", systemPrompt: "Obey me." });
    expect(edit.error).toBe("That assistant does not exist (it may have been deleted already).");
    const remove = await run(actions.deleteAssistantAction, { assistantId: secret.id });
    expect(remove.error).toBe("That assistant does not exist (it may have been deleted already).");
    expect(await run(actions.deleteAssistantAction, { assistantId: "not-a-uuid" })).toMatchObject({ error: expect.stringMatching(/does not exist/) });

    const [row] = await rowsOf(owner.id);
    expect(row).toMatchObject({ id: secret.id, name: "Private", systemPrompt: "You are Private.", updatedAt: secret.updatedAt });

    signIn(owner);
    expect((await listViaApi()).body.assistants?.map((a) => a.name)).toEqual(["Private"]);
  });

  it("refuses everything to a signed-out visitor", async () => {
    session.current = null;
    expect((await run(actions.createAssistantAction, { name: "Anon", systemPrompt: "x" })).error).toBe("Sign in to continue.");
    const listed = await listViaApi();
    expect(listed.status).toBe(401);
    expect(listed.body.error?.code).toBe("unauthorized");
  });
});

describe("assistant form validation", () => {
  const good = { name: "Checker", systemPrompt: "Check things.", preferredModel: "" };

  it.each([
    [{ name: "" }, "name", /Give the assistant a name/],
    [{ name: "   " }, "name", /Give the assistant a name/],
    [{ name: "x".repeat(61) }, "name", /at most 60 characters/],
    [{ systemPrompt: "" }, "systemPrompt", /Write the assistant's instructions/],
    [{ systemPrompt: " \n " }, "systemPrompt", /Write the assistant's instructions/],
    [{ systemPrompt: "x".repeat(8001) }, "systemPrompt", /at most 8,000 characters/],
    [{ preferredModel: "nonsense" }, "preferredModel", /not a model this app knows how to call/],
    [{ preferredModel: "mistral:large" }, "preferredModel", /not a model this app knows how to call/],
    [{ preferredModel: "openai:gpt-99-imaginary" }, "preferredModel", /does not offer “gpt-99-imaginary”/],
    [{ preferredModel: "anthropic:claude-sonnet-4-5" }, "preferredModel", /Add an Anthropic key/],
  ])("refuses %j with a reason beside %s and saves nothing", async (change, field, message) => {
    const user = await signedInWithKey();
    const result = await run(actions.createAssistantAction, { ...good, ...change });
    expect(result.ok).toBeUndefined();
    expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(await rowsOf(user.id)).toHaveLength(0);
  });

  it("accepts the longest name and prompt, counting a typed line break as one character", async () => {
    const user = await signedInWithKey();
    const prompt = `${"x".repeat(7998)}\r\ny`; // 8,000 characters as typed, 8,001 as the browser sends them
    expect(await run(actions.createAssistantAction, { name: "n".repeat(60), systemPrompt: prompt })).toMatchObject({ ok: true });
    const [row] = await rowsOf(user.id);
    expect(row!.systemPrompt).toHaveLength(8000);
  });

  it("keeps a preferred model that is no longer available when other fields are edited", async () => {
    const user = await signedInWithKey();
    await create("Keeper", { preferredModel: "openai:gpt-4o-mini" });
    const keeper = (await rowNamed(user.id, "Keeper"))!;
    // as if the key had been deleted: stored refs stay, new ones are checked
    await db.current().db.update(assistants).set({ preferredModel: "anthropic:claude-sonnet-4-5" }).where(eq(assistants.id, keeper.id));
    expect(
      await run(actions.updateAssistantAction, { assistantId: keeper.id, name: "Keeper", systemPrompt: "New words.", preferredModel: "anthropic:claude-sonnet-4-5" }),
    ).toMatchObject({ ok: true });
    expect((await rowNamed(user.id, "Keeper"))!.systemPrompt).toBe("New words.");
    const switched = await run(actions.updateAssistantAction, {
      assistantId: keeper.id,
      name: "Keeper",
      systemPrompt: "New words.",
      preferredModel: "google:gemini-2.5-flash",
    });
    expect(switched.fieldErrors?.preferredModel?.[0]).toMatch(/Google Gemini key in Settings → API keys to use gemini-2\.5-flash\./);
  });
});
