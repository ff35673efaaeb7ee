import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT_BYTES, checkActionRequest } from "@/lib/http/action-request";

// The encoder Next.js's client uses for server-action arguments, so legitimate bodies are the real thing.
const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.node") as {
  encodeReply: (value: unknown) => Promise<string | FormData>;
};

const ACTION_ID = "7f582173fdad7310759087607a4888130fcb9b19a0";

function actionRequest(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://app.test/login", {
    method: "POST",
    body,
    headers: { "next-action": ACTION_ID, host: "app.test", ...headers },
  });
}

const textPlain = { "content-type": "text/plain;charset=UTF-8" };

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

describe("checkActionRequest", () => {
  it("lets through what Next.js's client sends: a form with the previous state, no arguments, plain values", async () => {
    const previous = { error: "$not a reference", values: { email: "a@b.c" }, fieldErrors: undefined };
    const bodies = [
      await encodeReply([previous, form({ email: "a@b.c", password: "secret-1" })]),
      await encodeReply([form({ provider: "github" })]),
      await encodeReply([]),
      await encodeReply(["text", 1, null, true, new Date(0), 10n, Number.NaN, -0, undefined, { nested: ["$"] }]),
    ];
    for (const body of bodies) {
      const request = actionRequest(body, typeof body === "string" ? textPlain : {});
      expect(await checkActionRequest(request), String(body)).toBeNull();
    }
  });

  it("ignores requests that are not server actions", async () => {
    expect(await checkActionRequest(new Request("http://app.test/x", { method: "POST", body: "garbage" }))).toBeNull();
    expect(await checkActionRequest(new Request("http://app.test/x", { method: "PUT", body: form({ a: "b" }) }))).toBeNull();
    expect(await checkActionRequest(new Request("http://app.test/x", { headers: { "next-action": "x" } }))).toBeNull();
  });

  it("refuses bodies Next.js cannot decode with 400", async () => {
    const badText = ["garbage{{", "1", '"x"', "null", "{}", '[{},"$1"]', '[{},"$Q1"]', '[{},"$F1"]', '[{},"$B1"]', '["$"]'];
    for (const body of badText) {
      expect(await checkActionRequest(actionRequest(body, textPlain)), body).toMatchObject({
        status: 400,
        code: "bad_request",
      });
    }
    const badForms = [form({ email: "a@b.c" }), form({ 0: "garbage" }), form({ 0: '[{},"$1"]', 1: "{}" })];
    for (const body of badForms) {
      expect((await checkActionRequest(actionRequest(body)))?.status).toBe(400);
    }
    const truncated = actionRequest("--xyz\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\n[]", {
      "content-type": "multipart/form-data; boundary=xyz",
    });
    expect((await checkActionRequest(truncated))?.status).toBe(400);
  });

  it("refuses other content types with 400", async () => {
    for (const type of ["application/json", "application/x-www-form-urlencoded", ""]) {
      const refusal = await checkActionRequest(actionRequest("[]", { "content-type": type }));
      expect(refusal, type).toMatchObject({ status: 400, message: expect.stringMatching(/multipart\/form-data/) });
    }
  });

  it("refuses a body over the limit with 413 naming it, whether or not it declares its length", async () => {
    const big = `["${"a".repeat(ACTION_BODY_LIMIT_BYTES)}"]`;
    const declared = await checkActionRequest(actionRequest(big, textPlain));
    expect(declared).toMatchObject({ status: 413, code: "payload_too_large", message: expect.stringMatching(/1 MB/) });

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = new Request("http://app.test/login", {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: { "next-action": ACTION_ID, ...textPlain },
    } as RequestInit);
    expect((await checkActionRequest(chunked))?.status).toBe(413);

    const bigForm = await encodeReply([{}, form({ note: "a".repeat(ACTION_BODY_LIMIT_BYTES) })]);
    expect((await checkActionRequest(actionRequest(bigForm)))?.status).toBe(413);
  });

  it("refuses a request from another origin with 403, as Next.js would (with a 500)", async () => {
    for (const origin of ["https://evil.example", "null", "not a url"]) {
      const refusal = await checkActionRequest(actionRequest("[]", { ...textPlain, origin }));
      expect(refusal, origin).toMatchObject({ status: 403, code: "forbidden" });
    }
    expect(await checkActionRequest(actionRequest("[]", { ...textPlain, origin: "http://app.test" }))).toBeNull();
    const forwarded = { ...textPlain, origin: "https://public.example", "x-forwarded-host": "public.example, inner" };
    expect(await checkActionRequest(actionRequest("[]", forwarded))).toBeNull();
  });

  it("checks a form posted without JavaScript (no Next-Action header) for its size and origin only", async () => {
    const page = (body: FormData, headers: Record<string, string> = {}) =>
      new Request("http://app.test/login", { method: "POST", body, headers: { host: "app.test", ...headers } });
    const noScript = form({ $ACTION_ID_abc: "", email: "a@b.c" });
    expect(await checkActionRequest(page(noScript))).toBeNull();
    expect(await checkActionRequest(page(form({ garbage: "x" })))).toBeNull(); // Next.js answers 400 itself
    expect((await checkActionRequest(page(form({ note: "a".repeat(ACTION_BODY_LIMIT_BYTES) }))))?.status).toBe(413);
    expect((await checkActionRequest(page(noScript, { origin: "https://evil.example" })))?.status).toBe(403);
    // API routes read their own bodies; url-encoded posts are no action to Next.js.
    const api = new Request("http://app.test/api/x", { method: "POST", body: form({ note: "a".repeat(ACTION_BODY_LIMIT_BYTES) }) });
    expect(await checkActionRequest(api)).toBeNull();
    const urlEncoded = new Request("http://app.test/login", {
      method: "POST",
      body: new URLSearchParams({ a: "b" }),
      headers: { origin: "https://evil.example" },
    });
    expect(await checkActionRequest(urlEncoded)).toBeNull();
  });

  it("leaves the body for Next.js to read", async () => {
    const request = actionRequest("[]", textPlain);
    expect(await checkActionRequest(request)).toBeNull();
    expect(await request.text()).toBe("[]");
  });
});
