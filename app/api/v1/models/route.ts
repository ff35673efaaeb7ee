import { methodAnswers } from "@/lib/http/api-routes";
import { listGatewayModels } from "@/lib/gateway/models";

/** GET /api/v1/models — the models this token can call (API token with the `gateway` scope). */
export const GET = listGatewayModels;

/** The proxy does not run for this path (proxy.ts): the answers it would give for the other methods. */
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
