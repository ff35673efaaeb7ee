import { redirect } from "next/navigation";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { publicAction, UNREADABLE_FORM, userAction, wrap, type ActionState } from "@/lib/http/action";

// userAction reads the session through Auth.js; signed out here.
vi.mock("@/app/(auth)/auth", () => ({ auth: async () => null }));

const schema = z.object({ name: z.string().min(2), count: z.coerce.number().int() });

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

/** Calls an action the way Next.js does, with whatever the request body decoded to as the second argument. */
const call = (action: (previous: ActionState, formData: FormData) => Promise<ActionState>, body: unknown) =>
  action({}, body as FormData);

describe("the action wrapper", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers bodies that are not a form with its error state and never runs the handler", async () => {
    const handler = vi.fn(async () => ({ ok: true }));
    const action = publicAction(schema, handler);
    const bodies: unknown[] = [
      undefined,
      null,
      "garbage",
      42,
      [],
      ["name", "x"],
      { name: "Ada", count: 1 },
      JSON.parse('{"__proto__":{"polluted":true},"name":"Ada"}'),
      new URLSearchParams("name=Ada&count=1"),
      new Map([["name", "Ada"]]),
    ];
    for (const body of bodies) {
      expect(await call(action, body), String(body)).toEqual({ error: UNREADABLE_FORM });
    }
    expect(handler).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers a form of the wrong shape with field errors and the values to refill, never the password", async () => {
    const action = publicAction(schema.extend({ password: z.string() }), async () => ({ ok: true }));
    const state = await call(action, form({ name: "A", count: "x", password: "hunter2", extra: "kept" }));
    expect(state.error).toBeUndefined();
    expect(Object.keys(state.fieldErrors ?? {}).sort()).toEqual(["count", "name"]);
    expect(state.values).toEqual({ name: "A", count: "x", extra: "kept" });
  });

  it("runs the handler with the parsed form", async () => {
    const action = publicAction(schema, async (data) => ({ ok: true, message: `${data.name}×${data.count}` }));
    expect(await call(action, form({ name: "Ada", count: "3" }))).toEqual({ ok: true, message: "Ada×3" });
  });

  it("turns what a handler throws into the error state: zod errors, app errors and unexpected ones", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const zodThrower = publicAction(schema, async () => {
      z.object({ deep: z.string() }).parse({ deep: 1 });
    });
    expect((await call(zodThrower, form({ name: "Ada", count: "1" }))).fieldErrors).toHaveProperty("deep");

    const appThrower = publicAction(schema, async () => {
      throw new AppError("forbidden");
    });
    expect((await call(appThrower, form({ name: "Ada", count: "1" }))).error).toBe("You do not have access to this.");

    const crasher = publicAction(schema, async () => {
      throw new TypeError("boom");
    });
    expect((await call(crasher, form({ name: "Ada", count: "1" }))).error).toBe(
      "Something went wrong on our side. Try again; if it keeps happening, tell an admin.",
    );
  });

  it("lets redirect() through to Next.js", async () => {
    const action = publicAction(schema, async () => redirect("/dashboard"));
    await expect(call(action, form({ name: "Ada", count: "1" }))).rejects.toMatchObject({
      digest: expect.stringMatching(/^NEXT_REDIRECT/),
    });
  });

  it("refuses a signed-out caller of a user action with its error state, and a bad body before that", async () => {
    const handler = vi.fn(async () => ({ ok: true }));
    const action = userAction(schema, handler);
    expect(await call(action, form({ name: "Ada", count: "1" }))).toMatchObject({ error: "Sign in to continue." });
    expect(await call(action, { name: "Ada" })).toEqual({ error: UNREADABLE_FORM });
    const loadUser = vi.fn(async () => null);
    expect(await call(wrap(schema, loadUser, handler), "x")).toEqual({ error: UNREADABLE_FORM });
    expect(loadUser).not.toHaveBeenCalled();
    expect(handler).not.toHaveBeenCalled();
  });
});
