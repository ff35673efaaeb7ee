import { vi } from "vitest";

/**
 * Mocks every test file gets (vitest.config.ts setupFiles). Test files share their worker's modules, so a module that
 * one file imported with the real `next/cache` (whose revalidatePath throws outside a Next.js request) would keep it
 * for the next file: one mock for all of them instead.
 */
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
