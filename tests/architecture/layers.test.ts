import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * One database layer: SQL lives only under db/ (db/queries/<concept>.ts). Nothing under lib/, app/ or components/
 * (tests aside) may import drizzle-orm (any subpath), the database client (@/db/client), or getDb from @/db; they
 * call query functions, which take the executor as their optional last parameter. Types (`DbExecutor`, row types
 * from @/db/schema) and the lifecycle functions of @/db (startDatabase, databaseHealth) are fine.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const LAYERS = ["lib", "app", "components"];


function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** Where a module specifier points inside the repository ("db/client"), or the package name for anything else. */
function target(file: string, specifier: string): string {
  if (specifier.startsWith("@/")) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith(".")) return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return specifier;
}

const isDrizzle = (t: string) => t === "drizzle-orm" || t.startsWith("drizzle-orm/");
const isClient = (t: string) => t === "db/client" || t === "db/client.ts";
const isDbIndex = (t: string) => t === "db" || t === "db/index" || t === "db/index.ts";

/** Why a file breaks the rule (one line per import), or nothing. */
function violations(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const check = (specifier: string, getDbImported: boolean) => {
    const t = target(file, specifier);
    if (isDrizzle(t)) found.push(`imports "${specifier}"`);
    else if (isClient(t)) found.push(`imports "${specifier}"`);
    else if (isDbIndex(t) && getDbImported) found.push(`imports getDb from "${specifier}"`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly = clause?.isTypeOnly ?? false;
      const getDb =
        !typeOnly &&
        bindings !== undefined &&
        (ts.isNamespaceImport(bindings) ||
          bindings.elements.some((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === "getDb"));
      check(node.moduleSpecifier.text, getDb);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const getDb =
        !node.isTypeOnly &&
        (clause === undefined ||
          ts.isNamespaceExport(clause) ||
          clause.elements.some((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === "getDb"));
      check(node.moduleSpecifier.text, getDb);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      check(node.arguments[0].text, true); // a dynamic import reaches every export
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function offenders(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const file of LAYERS.flatMap(sourceFiles)) {
    const found = violations(file, readFileSync(path.join(ROOT, file), "utf8"));
    if (found.length > 0) result.set(file, found);
  }
  return result;
}

describe("one database layer", () => {
  it("recognises every way of reaching the database client", () => {
    const file = "lib/example/thing.ts";
    expect(violations(file, `import { eq } from "drizzle-orm";`)).toEqual(['imports "drizzle-orm"']);
    expect(violations(file, `import type { PgDatabase } from "drizzle-orm/pg-core";`)).toEqual(['imports "drizzle-orm/pg-core"']);
    expect(violations(file, `import { openDatabase } from "@/db/client";`)).toEqual(['imports "@/db/client"']);
    expect(violations(file, `import { getDb, type DbExecutor } from "@/db";`)).toEqual(['imports getDb from "@/db"']);
    expect(violations(file, `import { getDb as db } from "../../db";`)).toEqual(['imports getDb from "../../db"']);
    expect(violations(file, `import * as db from "@/db";`)).toEqual(['imports getDb from "@/db"']);
    expect(violations(file, `export { getDb } from "@/db/index";`)).toEqual(['imports getDb from "@/db/index"']);
    expect(violations(file, `const { sql } = await import("drizzle-orm");`)).toEqual(['imports "drizzle-orm"']);
    expect(violations(file, `const db = await import("@/db");`)).toEqual(['imports getDb from "@/db"']);
    // what policy code may import
    expect(violations(file, `import type { DbExecutor } from "@/db";`)).toEqual([]);
    expect(violations(file, `import { type DbExecutor, startDatabase } from "@/db";`)).toEqual([]);
    expect(violations(file, `import { listProviderKeys } from "@/db/queries/provider-keys";`)).toEqual([]);
    expect(violations(file, `import type { User } from "@/db/schema";`)).toEqual([]);
    expect(violations(file, `// import { eq } from "drizzle-orm";\nconst text = 'from "drizzle-orm"';`)).toEqual([]);
  });

  it("keeps SQL out of lib/, app/ and components/ (tests aside)", () => {
    const found = offenders();
    const unexpected = [...found].map(([file, why]) => `${file}: ${why.join("; ")}`);
    expect(unexpected, `These files reach the database directly; move their SQL into db/queries/<concept>.ts:\n${unexpected.join("\n")}`).toEqual([]);
  });
});
