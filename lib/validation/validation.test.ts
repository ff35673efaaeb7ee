import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rangeQuerySchema } from "@/lib/dashboard/contract";
import { AppError } from "@/lib/errors";
import { cursorAt, cursorDate, cursorParam, decodeCursor, encodeCursor } from "./cursor";
import { dayProblem, MAX_DAY, MIN_DAY } from "./dates";
import { isUuid, parseId, uuid } from "./id";
import { parseJsonBody, readJsonBody } from "./body";
import { parseQuery } from "./query";
import { assertStorable, findUnstorable, isStorableText, text, UNSTORABLE_TEXT_MESSAGE } from "./text";

const ID = "0b7a3c1e-5d2f-4a6b-9c8d-7e6f5a4b3c2d";

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("text the database cannot store", () => {
  it.each([
    ["NUL", "a\u0000b"],
    ["a lone high surrogate", "a\uD800b"],
    ["a lone low surrogate", "a\uDC00b"],
    ["a high surrogate at the end", "abc\uD83D"],
    ["two high surrogates", "\uD83D\uD83D\uDE00"],
  ])("refuses %s", (_label, value) => {
    expect(isStorableText(value)).toBe(false);
    const result = text().trim().min(1).max(100).safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message)).toEqual([`This text ${UNSTORABLE_TEXT_MESSAGE}.`]);
  });

  it("accepts ordinary text, emoji (surrogate pairs) and other control characters", () => {
    for (const value of ["hello", "😀 ok", "tab\tnew\nline", "é ü 中文", "\uFFFD"]) expect(isStorableText(value), value).toBe(true);
    expect(text().trim().parse("  😀  ")).toBe("😀");
    expect(text("Say something.").safeParse(42).error!.issues[0]!.message).toBe("Say something.");
  });

  it("finds the first bad string or key anywhere in a JSON value", () => {
    expect(findUnstorable({ a: ["ok", { b: "x\u0000" }] })).toEqual(["a", 1, "b"]);
    expect(findUnstorable({ ["k\u0000"]: 1 })).toEqual(["(a field name)"]);
    expect(findUnstorable({ a: [1, true, null, "fine"] })).toBeNull();
    try {
      assertStorable({ message: { parts: [{ text: "\uDFFF" }] } });
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).message).toBe(`message.parts.0.text: This text ${UNSTORABLE_TEXT_MESSAGE}.`);
    }
  });
});

describe("ids", () => {
  it("accepts RFC 4122 syntax in either case and refuses look-alikes", () => {
    expect(isUuid(ID)).toBe(true);
    expect(parseId(ID.toUpperCase())).toBe(ID);
    expect(parseId("00000000-0000-0000-0000-000000000000")).toBe("00000000-0000-0000-0000-000000000000");
    for (const bad of ["-".repeat(36), "", ` ${ID}`, `${ID}0`, ID.replace(/-/g, ""), "g".repeat(8) + ID.slice(8), 42, null, undefined, [ID]]) {
      expect(isUuid(bad), String(bad)).toBe(false);
      expect(parseId(bad)).toBeNull();
    }
    expect(uuid("Pick one.").safeParse("-".repeat(36)).error!.issues[0]!.message).toBe("Pick one.");
    expect(uuid().parse(` ${ID.toUpperCase()} `)).toBe(ID);
  });
});

describe("cursors", () => {
  it("round-trips a position and its Date", () => {
    const at = new Date("2026-05-01T12:34:56.789Z");
    const cursor = cursorAt(at, ID.toUpperCase());
    expect(cursor).toBe(`${at.getTime()}000|${ID.toUpperCase()}`);
    const position = decodeCursor(cursor)!;
    expect(position).toEqual({ micros: BigInt(at.getTime()) * 1000n, id: ID });
    expect(cursorDate(position).toISOString()).toBe(at.toISOString());
    expect(decodeCursor(encodeCursor({ micros: 1777638896789123n, id: ID }))).toEqual({ micros: 1777638896789123n, id: ID });
  });

  it.each([
    ["an out-of-range number", `99999999999999999999|${ID}`],
    ["a time before 2000", `946684799999999|${ID}`],
    ["a time in 2101", `${BigInt(Date.UTC(2101, 0, 1)) * 1000n}|${ID}`],
    ["milliseconds of today (1970 as microseconds)", `${Date.UTC(2026, 0, 1)}|${ID}`],
    ["36 dashes", `1777638896789123|${"-".repeat(36)}`],
    ["a negative time", `-1|${ID}`],
    ["no id", "1777638896789123"],
    ["garbage", "nonsense"],
    ["an empty string", ""],
  ])("refuses %s with the reason", (_label, value) => {
    expect(decodeCursor(value)).toBeNull();
    const result = z.object({ cursor: cursorParam }).safeParse({ cursor: value });
    expect(result.error!.issues[0]!.message).toMatch(/^cursor is not one this API gave out/);
  });
});

describe("days", () => {
  it(`allows real dates from ${MIN_DAY} to ${MAX_DAY}`, () => {
    for (const day of [MIN_DAY, MAX_DAY, "2024-02-29"]) expect(dayProblem(day)).toBeNull();
    expect(dayProblem("2023-02-29")).toBe("2023-02-29 is not a date.");
    expect(dayProblem("0000-01-01")).toMatch(/is not a date|outside/);
    for (const day of ["0001-01-01", "0099-12-31", "1999-12-31", "2101-01-01", "9999-12-31"]) {
      expect(dayProblem(day), day).toBe(`${day} is outside the dates this app can show: use dates from 2000-01-01 to 2100-12-31.`);
    }
    expect(dayProblem("+10000-01-01")).toBe("Dates look like 2026-11-24.");
  });

  it("refuses custom dashboard ranges the app cannot represent, naming the allowed range", () => {
    const reason = (query: Record<string, string>) => rangeQuerySchema.safeParse({ range: "custom", ...query }).error?.issues[0]?.message;
    expect(reason({ from: "0001-01-01", to: "0001-01-31" })).toMatch(/from 2000-01-01 to 2100-12-31/);
    expect(reason({ from: "9999-12-01", to: "9999-12-31" })).toMatch(/from 2000-01-01 to 2100-12-31/);
    expect(reason({ from: "2026-03-02", to: "2026-03-01" })).toBe("The end date is before the start date.");
    expect(reason({ from: "2025-01-01", to: "2026-02-05" })).toBe("A range can span at most 400 days, with dates from 2000-01-01 to 2100-12-31.");
    expect(reason({ from: "2025-01-01", to: "2026-02-04" })).toBeUndefined();
    expect(reason({ from: "2100-12-01", to: "2100-12-31" })).toBeUndefined();
  });
});

describe("the JSON body reader", () => {
  const post = (body: BodyInit | null, type: string | null = "application/json", headers: Record<string, string> = {}) =>
    new Request("http://localhost/api/x", { method: "POST", body, headers: { ...(type ? { "content-type": type } : {}), ...headers } });
  const schema = z.object({ title: text().max(10) });

  it("parses JSON, drops prototype keys and validates", async () => {
    expect(await parseJsonBody(post('{"title":"hi"}'), schema)).toEqual({ title: "hi" });
    expect(await parseJsonBody(post('{"title":"hi"}', "application/merge-patch+json; charset=utf-8"), schema)).toEqual({ title: "hi" });
    const raw = (await readJsonBody(post('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"a":{"__proto__":{"x":1}}}'))) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(["a"]);
    expect(Object.getPrototypeOf(raw.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await readJsonBody(post(""), { whenEmpty: {} })).toEqual({});
  });

  it("drops prototype keys spelled with escapes too, and finds unstorable text only escapes can carry", async () => {
    const escaped = (await readJsonBody(post('{"\\u005f_proto__":{"polluted":1},"\\u0063onstructor":1,"a":"caf\\u00e9"}'))) as Record<string, unknown>;
    expect(escaped).toEqual({ a: "café" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Without escapes: a plain parse, the same value.
    expect(await readJsonBody(post('{"a":{"b":["café",1,null,true]},"c":"\u{1F600}"}'))).toEqual({ a: { b: ["café", 1, null, true] }, c: "\u{1F600}" });
    // A byte-order mark before the JSON is dropped, as a text decoder drops it; a truncated character is refused.
    expect(await readJsonBody(post(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":"é"}')])))).toEqual({ a: "é" });
    expect((await refusal(readJsonBody(post(new Uint8Array([0x22, 0xc3, 0x22]))))).message).toMatch(/UTF-8/);
    const error = await refusal(readJsonBody(post('{"ok":"x","nested":{"list":["fine","\\udc00"]}}')));
    expect([error.status, error.code, error.message]).toEqual([400, "validation_failed", "nested.list.1: This text contains characters that cannot be stored (NUL or an unpaired surrogate)."]);
  });

  it.each([
    ["malformed JSON", post("{nope"), 400, "bad_request", /not valid JSON/],
    ["a form body", post("title=hi", "application/x-www-form-urlencoded"), 400, "bad_request", /Content-Type: application\/json/],
    ["no content type", post('{"title":"hi"}', null), 400, "bad_request", /Content-Type: application\/json/],
    ["no body", post(null), 400, "bad_request", /Send a JSON body/],
    ["invalid UTF-8", post(new Uint8Array([0x7b, 0xff, 0x7d])), 400, "bad_request", /UTF-8/],
    ["a NUL in a value", post('{"title":"a\\u0000"}'), 400, "validation_failed", /^title: This text contains characters that cannot be stored/],
    ["a lone surrogate in a key", post('{"\\ud800":"x"}'), 400, "validation_failed", /cannot be stored/],
    ["a wrong type", post('{"title":42}'), 400, "validation_failed", /^title: /],
    ["a declared length over the limit", post("{}", "application/json", { "content-length": String(2 * 1024 * 1024) }), 413, "payload_too_large", /at most 1 MB/],
    ["a body over the limit", post(JSON.stringify({ title: "x".repeat(1024 * 1024) })), 413, "payload_too_large", /at most 1 MB/],
  ])("refuses %s", async (_label, request, status, code, message) => {
    const error = await refusal(parseJsonBody(request, schema));
    expect([error.status, error.code]).toEqual([status, code]);
    expect(error.message).toMatch(message);
  });
});

describe("the query reader", () => {
  it("drops empty parameters and refuses unstorable text", async () => {
    const schema = z.object({ q: text().optional(), cursor: cursorParam.optional() });
    expect(parseQuery(new Request("http://localhost/x?q=ada&cursor="), schema)).toEqual({ q: "ada" });
    expect(() => parseQuery(new Request("http://localhost/x?q=a%00b"), schema)).toThrow(/^q: This text contains characters/);
    expect(() => parseQuery(new Request("http://localhost/x?cursor=1%7Cx"), schema)).toThrow(/^cursor: cursor is not one this API gave out/);
    expect(parseQuery(new Request("http://localhost/x?__proto__=1&q=x"), schema)).toEqual({ q: "x" });
  });
});
