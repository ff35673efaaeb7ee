import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import { signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { BAD_IDS, isNavigation } from "./harness";
import { ROOT } from "./inventory";

/**
 * Every page with a dynamic segment (app/**\/[param]/page.tsx, read from the file tree) answers a malformed id with
 * Next.js's 404 (notFound()), before anything reaches the database — as an admin, who may open every page.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const db = freshDatabasePerFile();

function pagesWithParams(dir = path.join(ROOT, "app")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pagesWithParams(full);
    return entry.name === "page.tsx" && /\[\w+\]/.test(path.relative(ROOT, dir)) ? [full] : [];
  });
}

const PAGES = pagesWithParams();

beforeAll(async () => {
  const admin = await registerWithPassword({ email: `pages-${randomUUID()}@example.test`, password: "password-123" });
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  signIn(admin);
});

describe("pages with an id in the path", () => {
  it("finds them in the file tree", () => {
    expect(PAGES.map((file) => path.relative(ROOT, file).split(path.sep).join("/"))).toEqual(
      expect.arrayContaining(["app/(app)/chat/[id]/page.tsx", "app/(app)/admin/users/[id]/page.tsx"]),
    );
  });

  it.each(PAGES.map((file) => [path.relative(ROOT, file), file]))("%s answers malformed ids with 404", async (_name, file) => {
    const { default: Page } = (await import(/* @vite-ignore */ file)) as { default: (props: unknown) => Promise<unknown> };
    const names = [...path.relative(ROOT, file).matchAll(/\[(\w+)\]/g)].map((m) => m[1]!);
    for (const [label, id] of BAD_IDS.filter(([l]) => !["uppercase unknown uuid", "nil uuid"].includes(l))) {
      const params = Promise.resolve(Object.fromEntries(names.map((name) => [name, id])));
      const outcome = await Page({ params, searchParams: Promise.resolve({}) }).then(
        () => "rendered",
        (error: unknown) => (isNavigation(error) ? String((error as { digest: string }).digest) : `threw ${String(error)}`),
      );
      expect(outcome, label).toMatch(/^NEXT_HTTP_ERROR_FALLBACK;404/);
    }
  });
});
