import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly files relative to its own module; bundling breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@neondatabase/serverless", "bcryptjs"],
  experimental: {
    authInterrupts: true,
  },
  poweredByHeader: false,
};

export default nextConfig;
