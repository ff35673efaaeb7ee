/**
 * A "Connect an app" curl snippet (lib/connect/snippets.ts) as the request it makes: `curl URL \`, then
 * `-H "name: value" \` lines, then `-d '<json>'` (single-quoted for the shell). For the integration test and the e2e.
 */
export function parseCurlSnippet(code: string): { url: string; headers: [string, string][]; body: string } {
  const url = /^curl (\S+) \\$/m.exec(code)?.[1];
  const headers = [...code.matchAll(/^ {2}-H "([^"]+)" \\$/gm)].map((m) => m[1]!.split(/: (.*)/s).slice(0, 2) as [string, string]);
  const body = /^ {2}-d '(.*)'$/m.exec(code)?.[1];
  if (!url || body === undefined) throw new Error(`not a curl snippet:\n${code}`);
  return { url, headers, body: body.replaceAll(`'\\''`, "'") };
}
