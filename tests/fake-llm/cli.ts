import { startFakeLlm } from "./server";

/** `npm run fake-llm` — the fake upstream on its own, for local development and the e2e suite. */
const port = Number(process.env.FAKE_LLM_PORT ?? 4010);
const fake = await startFakeLlm({ port });
console.log(`fake LLM upstream listening on ${fake.url} (OpenAI: ${fake.url}/openai/v1)`);
const stop = () => fake.close().finally(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
