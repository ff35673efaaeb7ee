import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets two builds live side by side (e.g. a benchmark's build beside the e2e one); `.next` by default.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite loads its WebAssembly files relative to its own module; bundling breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@neondatabase/serverless", "ws", "bcryptjs", "undici"],
  // The browser never calls a model itself: `ai`'s default provider (Vercel's AI Gateway) is left out of it.
  turbopack: {
    resolveAlias: {
      "@ai-sdk/gateway": { browser: "./lib/chat/ai-gateway-browser-stub.ts" },
    },
  },
  experimental: {
    authInterrupts: true,
  },
  poweredByHeader: false,
};

export default nextConfig;
