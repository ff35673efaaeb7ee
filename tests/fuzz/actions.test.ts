import { randomUUID } from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertAssistant } from "@/db/queries/assistants";
import { users } from "@/db/schema";
import { webhookDelivery } from "@/lib/alerts/webhooks";
import { registerWithPassword } from "@/lib/auth/accounts";
import { session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { BAD_STRINGS, checkAction, fuzzString, ONE_MB, Recorder, sample } from "./harness";
import { actionFiles, formFieldNames, ROOT, type ActionFile } from "./inventory";

/**
 * Fuzz of every server action: every exported function of every "use server" module under app/ (a new action is
 * fuzzed the moment it exists), called as Next.js calls a form action — (previousState, FormData) — as the role it is
 * for. First each form field the UI sends is probed alone (a File where text belongs) to find the fields the action
 * reads; then each of those gets every hostile value while the others hold valid values, so the hostile one reaches the
 * action's code. An action must answer with its normal state (or a 4xx AppError, or a redirect), never an unexpected
 * error, within 5 s.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());
// The request an action runs in: a client address for the sign-in throttle (each case from its own address).
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250) + 1}` }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

type AnyAction = (...args: unknown[]) => Promise<unknown>;
interface Action {
  file: ActionFile;
  name: string;
  fn: AnyAction;
}

const db = freshDatabasePerFile();
const FILES = actionFiles();
const FIELDS = formFieldNames();
const recorder = new Recorder();
const actions: Action[] = [];
/** Fields each action was found to read (for the report). */
const reached = new Map<string, string[]>();
let admin: { id: string };
let member: { id: string };
let target: { id: string };
let assistantId: string;

/** A valid value for each field the UI sends, so that one hostile field at a time reaches the action's code. */
function baseline(): Record<string, string> {
  return {
    email: `fuzz-${randomUUID()}@example.test`,
    password: "password-123",
    currentPassword: "password-123",
    newPassword: "password-456",
    name: "Fuzz",
    callbackUrl: "/dashboard",
    provider: "openai",
    apiKey: "sk-test-fuzz-00000000",
    baseUrl: "http://127.0.0.1:9/v1",
    assistantId,
    systemPrompt: "Be brief.",
    preferredModel: "",
    delegateIds: "",
    monthlyUsd: "20",
    dailyUsd: "2",
    monthlyTokens: "1000000",
    mode: "enforce",
    alertThresholds: "50, 80, 100",
    timeZone: "UTC",
    url: "http://127.0.0.1:9/hook",
    modelId: "gpt-fuzz",
    input: "1",
    output: "2",
    cacheRead: "",
    cacheWrite: "",
    note: "fuzz",
    allowUsers: "false",
    keyId: randomUUID(),
    model: "openai:gpt-4o-mini",
    role: "user",
    userId: target.id,
  };
}

function form(values: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

/** Who calls it: admins for app/(app)/admin, nobody for app/(auth), a member otherwise. */
function actAs(action: Action) {
  if (action.file.public) session.current = null;
  else signIn(action.file.admin ? admin : member);
}

async function run(action: Action, label: string, ...args: unknown[]) {
  actAs(action);
  return checkAction(recorder, `${action.file.file} ${action.name} ${label}`, () => action.fn(...args));
}

/** A form action takes (previousState, FormData); an action declared with one parameter takes the FormData alone. */
const callForm = (action: Action, label: string, data: FormData) => (action.fn.length >= 2 ? run(action, label, {}, data) : run(action, label, data));

beforeAll(async () => {
  vi.stubEnv("DEFAULT_MODEL", "");
  for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "OPENROUTER_API_KEY"]) vi.stubEnv(name, "");
  for (const name of ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GOOGLE_BASE_URL", "OPENROUTER_BASE_URL"]) vi.stubEnv(name, "http://127.0.0.1:9/v1");
  webhookDelivery.timeoutMs = 500;
  webhookDelivery.retryDelaysMs = [];
  admin = await registerWithPassword({ email: `fuzz-admin-${randomUUID()}@example.test`, password: "password-123" });
  member = await registerWithPassword({ email: `fuzz-member-${randomUUID()}@example.test`, password: "password-123" });
  target = await registerWithPassword({ email: `fuzz-target-${randomUUID()}@example.test`, password: "password-123" });
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  await db.current().db.update(users).set({ role: "user" }).where(eq(users.id, member.id));
  await db.current().db.update(users).set({ role: "user" }).where(eq(users.id, target.id));
  assistantId = (await insertAssistant({ userId: member.id, name: "Fuzzer", systemPrompt: "Be brief.", preferredModel: null, delegateIds: [] }))!.id;
  for (const file of FILES) {
    const exports = (await import(/* @vite-ignore */ path.join(ROOT, file.file))) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(exports)) if (typeof fn === "function") actions.push({ file, name, fn: fn as AnyAction });
  }
});

afterAll(() => {
  vi.unstubAllEnvs();
  session.current = null;
  console.log(
    `[fuzz] actions: ${FILES.length} files, ${actions.length} actions, ${FIELDS.length} form fields; cases: ${recorder.cases}; 500s: ${recorder.serverErrors}; failures: ${recorder.failures.length}`,
  );
  if (process.env.FUZZ_VERBOSE) for (const [name, fields] of reached) console.log(`[fuzz] ${name} reads ${fields.join(", ") || "no fields"}`);
});

describe("server action fuzz", () => {
  it("finds the actions and the form fields of the app", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(6);
    expect(actions.length).toBeGreaterThanOrEqual(15);
    for (const name of ["email", "password", "systemPrompt", "apiKey", "url", "userId", "assistantId", "delegateIds", "note", "allowUsers"]) expect(FIELDS).toContain(name);
  });

  it("answers hostile form fields with the action's normal state, never an unexpected error", { timeout: 180_000 }, async () => {
    const values: [string, string | Blob][] = [
      ...BAD_STRINGS,
      ["a file", new Blob(["x"], { type: "text/plain" })],
      ...sample(fuzzString, 3).map((v, i): [string, string] => [`fast-check ${i}`, v]),
    ];
    let probed = 0;
    for (const action of actions) {
      // Which fields does it read? A File where text belongs is refused by name, so the field shows in fieldErrors.
      // Forms with variants (an OpenAI-compatible endpoint has a name and base URL) are probed once per variant.
      const readsIn = new Map<string, Record<string, string>>();
      if (action.file.source.includes("Delegate")) readsIn.set("delegateIds", {});
      for (const variant of [{}, { provider: "openai-compatible" }] as Record<string, string>[]) {
        if (Object.keys(variant).length > 0 && !readsIn.has("provider")) continue;
        for (const field of FIELDS) {
          if (readsIn.has(field)) continue;
          probed++;
          const state = (await callForm(action, `probe ${field}=<a file>`, form({ ...baseline(), ...variant, [field]: new Blob(["x"]) }))) as { fieldErrors?: Record<string, unknown> } | undefined;
          if (state?.fieldErrors && field in state.fieldErrors) readsIn.set(field, variant);
        }
      }
      reached.set(`${action.file.file} ${action.name}`, [...readsIn.keys()]);
      for (const [field, variant] of readsIn) {
        for (const [label, value] of values) await callForm(action, `${field}=<${label}>`, form({ ...baseline(), ...variant, [field]: value }));
      }
      // Shapes no browser sends.
      await callForm(action, "an empty form", new FormData());
      await callForm(action, "prototype keys", form({ ...baseline(), __proto__: "x", constructor: "x", prototype: "x", toString: "x" } as Record<string, string>));
      await callForm(action, "every field twice", (() => { const f = form(baseline()); for (const [k, v] of Object.entries(baseline())) f.append(k, v); return f; })());
      await callForm(action, "a 1 MB field name", form({ ...baseline(), ["f".repeat(ONE_MB)]: "x" }));
      await callForm(action, "200 unknown fields", form(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`junk${i}`, "\u0000".repeat(i)]))));
      await callForm(action, "$ACTION fields", form({ ...baseline(), $ACTION_ID_abc: "", "$ACTION_REF_1": "", "$ACTION_1:0": '{"id":"x","bound":null}' }));
    }
    expect(probed).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(recorder.failures).toEqual([]);
  });

  // Depends on lib/http/action.ts answering a non-form body with the error state (issue 9, "Server actions").
  it("answers arguments that are not a form (a plain object, a string, nothing) with an error state or a 4xx", { timeout: 60_000 }, async () => {
    const before = recorder.failures.length;
    const odd: [string, unknown[]][] = [
      ["a plain object", [{}, { email: "a@b.c", userId: "x" }]],
      ["a JSON string", [{}, '{"email":"a@b.c"}']],
      ["garbage text", [{}, "\u0000garbage"]],
      ["undefined", [{}, undefined]],
      ["null", [{}, null]],
      ["a number", [{}, 42]],
      ["an array", [{}, [["email", "a@b.c"]]]],
      ["no arguments", []],
      ["a FormData as the state", [form(baseline())]],
      ["a hostile previous state", [{ __proto__: { polluted: true }, ok: "yes" }, form(baseline())]],
    ];
    for (const action of actions) {
      for (const [label, args] of odd) await run(action, label, ...args);
    }
    expect(recorder.failures.slice(before)).toEqual([]);
  });
});
