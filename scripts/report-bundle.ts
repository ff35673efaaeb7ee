/**
 * `npm run report:bundle [-- /route …] [--max-kb=300]` — the first-load JavaScript of pages, gzipped, from the
 * production build in NEXT_DIST_DIR (default `.next`; run `next build` first). A page's first load is every JS chunk
 * its route needs before it can run: the shared root chunks (`build-manifest.json` rootMainFiles) and the entry chunks
 * of each of its segments (the root and group layouts and the page, from the client reference manifests) — the list
 * Next.js itself writes to `diagnostics/route-bundle-stats.json`; computed the same way from the manifests when that
 * file is missing. Each chunk is gzipped here (level 9, about what a server or CDN sends) and the sizes are summed.
 * Defaults to /chat and /dashboard; exits 1 when a route is over the limit (kB = 1000 bytes).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const root = process.cwd();
const distDir = path.resolve(root, process.env.NEXT_DIST_DIR || ".next");
const args = process.argv.slice(2);
const routes = args.filter((a) => a.startsWith("/"));
if (routes.length === 0) routes.push("/chat", "/dashboard");
const maxKb = Number(args.find((a) => a.startsWith("--max-kb="))?.slice("--max-kb=".length) ?? 300);

if (!existsSync(path.join(distDir, "build-manifest.json"))) {
  console.error(`No production build in ${path.relative(root, distDir) || "."}: run \`next build\` first (NEXT_DIST_DIR picks the directory).`);
  process.exit(1);
}

const readJson = <T,>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** Project-relative paths of the route's first-load JS chunks, from Next.js's own stats file. */
function fromRouteStats(route: string): string[] | undefined {
  const file = path.join(distDir, "diagnostics", "route-bundle-stats.json");
  if (!existsSync(file)) return undefined;
  const rows = readJson<{ route: string; firstLoadChunkPaths: string[] }[]>(file);
  return rows.find((row) => row.route === route)?.firstLoadChunkPaths.map((p) => path.resolve(root, p));
}

/** The same list from the manifests: root chunks + every segment's entry chunks of the route's page. */
function fromManifests(route: string): string[] | undefined {
  const { rootMainFiles = [] } = readJson<{ rootMainFiles?: string[] }>(path.join(distDir, "build-manifest.json"));
  const appPaths = readJson<Record<string, string>>(path.join(distDir, "server", "app-paths-manifest.json"));
  // "/(app)/chat/page" → "/chat": drop route groups and the trailing /page.
  const normalize = (p: string) => p.replace(/\/\([^/]+\)/g, "").replace(/\/page$/, "") || "/";
  const pagePath = Object.keys(appPaths).find((p) => p.endsWith("/page") && normalize(p) === route);
  if (!pagePath) return undefined;
  // The manifest is a script that sets globalThis.__RSC_MANIFEST.
  type RscManifest = Record<string, { entryJSFiles?: Record<string, string[]> }>;
  const g = globalThis as { __RSC_MANIFEST?: RscManifest };
  g.__RSC_MANIFEST = undefined;
  require(path.join(distDir, "server", "app", `${pagePath}_client-reference-manifest.js`));
  const manifest = g.__RSC_MANIFEST as RscManifest | undefined;
  const entry = manifest?.[pagePath]?.entryJSFiles;
  if (!entry) return undefined;
  const files = new Set([...Object.values(entry).flat(), ...rootMainFiles].filter((f) => f.endsWith(".js")));
  return [...files].map((f) => path.join(distDir, f));
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
let over = false;
console.log(`First-load JS of ${path.relative(root, distDir)} (gzip -9; limit ${maxKb} kB)`);
for (const route of routes) {
  const chunks = fromRouteStats(route) ?? fromManifests(route);
  if (!chunks) {
    console.log(`${route.padEnd(14)} not found in the build`);
    over = true;
    continue;
  }
  const sizes = chunks.map((file) => {
    const body = readFileSync(file);
    return { file: path.relative(distDir, file), raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  const raw = sizes.reduce((s, c) => s + c.raw, 0);
  const gzip = sizes.reduce((s, c) => s + c.gzip, 0);
  if (gzip > maxKb * 1000) over = true;
  console.log(`${route.padEnd(14)} ${kb(gzip).padStart(9)} gzipped  (${kb(raw)} raw, ${sizes.length} chunks)${gzip > maxKb * 1000 ? "  OVER THE LIMIT" : ""}`);
  for (const chunk of sizes.sort((a, b) => b.gzip - a.gzip).slice(0, 5)) {
    console.log(`  ${kb(chunk.gzip).padStart(9)}  ${chunk.file}`);
  }
}
process.exitCode = over ? 1 : 0;
