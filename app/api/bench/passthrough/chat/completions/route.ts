import { methodAnswers } from "@/lib/http/api-routes";
import { benchPassthrough } from "@/lib/gateway/bench-passthrough";

/** POST /api/bench/passthrough/chat/completions — only with BENCH_PASSTHROUGH=1 (`npm run bench:gateway`); 404 otherwise. */
export const POST = benchPassthrough;

/** The proxy does not run for this path (proxy.ts): the answers it would give for the other methods. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
