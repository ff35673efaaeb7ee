import { notFoundAnswer } from "@/lib/http/api-routes";

/**
 * The fallback for /api paths no route has and the proxy does not see (its matcher skips names such as `x.png`):
 * a JSON 404 rather than Next.js's HTML page. proxy.ts answers every other unknown /api path itself.
 */
const notFound = async (): Promise<Response> => notFoundAnswer();

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
