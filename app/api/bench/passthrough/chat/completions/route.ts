import { benchPassthrough } from "@/lib/gateway/bench-passthrough";

/** POST /api/bench/passthrough/chat/completions — only with BENCH_PASSTHROUGH=1 (`npm run bench:gateway`); 404 otherwise. */
export const POST = benchPassthrough;
