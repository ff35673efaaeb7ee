import { listGatewayModels } from "@/lib/gateway/models";

/** GET /api/v1/models — the models this token can call (API token with the `gateway` scope). */
export const GET = listGatewayModels;
