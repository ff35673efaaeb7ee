import { startFakeLlm } from "./server";

/** `npm run fake-llm` — the fake upstream on its own, for local development and the e2e suite. */
const port = Number(process.env.FAKE_LLM_PORT ?? 4010);
const fake = await startFakeLlm({ port });
const width = Math.max(...Object.keys(fake.baseUrls).map((name) => name.length));
console.log(
  [
    `fake LLM upstream listening on ${fake.url} (health: ${fake.url}/health)`,
    ...Object.entries(fake.baseUrls).map(([name, baseUrl]) => `  ${name.padEnd(width)}  ${baseUrl}`),
    "Keys: sk-test-… accepted, sk-test-invalid… refused (compat takes any key or none). Directives: see tools/fake-llm/script.ts.",
  ].join("\n"),
);
const stop = () => fake.close().finally(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
