import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ROOT } from "./inventory";

/**
 * Every exported zod schema under lib/ (found by reading the files: a new schema is checked the moment it exists) is
 * walked field by field: no field that takes text may accept a NUL — the database refuses it, so a field must refuse it
 * first with a 400 (build text fields with `text()` from lib/validation/text.ts).
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

// Long enough for minimum lengths (passwords), short enough for maximums (names).
const NUL_TEXT = "okay-text\u0000okay-text";

/** Fields that take text but never store it as text: passwords are only hashed or compared. */
const NOT_STORED = /(?:^|\.)(?:password|currentPassword|newPassword)$/;

function libFilesWithZod(dir = path.join(ROOT, "lib")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return libFilesWithZod(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith(".test.ts") && readFileSync(full, "utf8").includes('from "zod"') ? [full] : [];
  });
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; options?: z.ZodType[]; element?: z.ZodType };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Object schemas reachable from `schema` (through optional, nullable, default, pipes, unions and arrays). */
function objectsIn(schema: z.ZodType, seen = new Set<z.ZodType>()): z.ZodType[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = defOf(schema);
  if (def.type === "object") return [schema, ...Object.values(def.shape ?? {}).flatMap((field) => objectsIn(field, seen))];
  const inner = [def.innerType, def.in, def.element, ...(def.options ?? [])].filter((s): s is z.ZodType => s instanceof z.ZodType);
  return inner.flatMap((s) => objectsIn(s, seen));
}

/** `name.field` for every field of every object in `schema` that accepts a string with a NUL in it. */
function fieldsAcceptingNul(name: string, schema: z.ZodType): string[] {
  return objectsIn(schema).flatMap((object) =>
    Object.entries(defOf(object).shape ?? {})
      // z.unknown() fields (chat metadata) are not text fields: the JSON body reader refuses NUL anywhere in a body.
      .filter(([, field]) => !(field.safeParse({}).success && field.safeParse(1).success))
      .filter(([, field]) => field.safeParse(NUL_TEXT).success || field.safeParse([NUL_TEXT]).success)
      .map(([key]) => `${name}.${key}`)
      .filter((label) => !NOT_STORED.test(label)),
  );
}

describe("exported schemas", () => {
  it("refuse NUL in every text field", async () => {
    const files = libFilesWithZod();
    const offenders: string[] = [];
    let fields = 0;
    for (const file of files) {
      const exports = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        const label = `${path.relative(ROOT, file)} ${name}`;
        // A schema, or a plain object of field schemas (query parameter sets such as recentParams).
        const schema =
          value instanceof z.ZodType
            ? value
            : value && typeof value === "object" && Object.values(value).length > 0 && Object.values(value).every((v) => v instanceof z.ZodType)
              ? z.object(value as Record<string, z.ZodType>)
              : null;
        if (!schema) continue;
        fields += objectsIn(schema).reduce((n, object) => n + Object.keys(defOf(object).shape ?? {}).length, 0);
        offenders.push(...fieldsAcceptingNul(label, schema));
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(fields).toBeGreaterThanOrEqual(40);
    expect(offenders).toEqual([]);
  });
});
