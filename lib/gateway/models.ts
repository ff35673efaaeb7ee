import "server-only";
import { authenticateApiToken } from "@/lib/api-tokens/authenticate";
import { listModelGroups } from "@/lib/providers/model-catalog";
import { gatewayError } from "./errors";

/**
 * `GET /api/v1/models`: the models this token's user can call, in OpenAI's list format. Ids are our model refs
 * (`openai:gpt-4o-mini`), which every gateway endpoint accepts; `owned_by` names the provider or endpoint and
 * `spendboard` carries the price per million tokens in nano-USD where the price book knows it.
 */
export async function listGatewayModels(request: Request): Promise<Response> {
  try {
    const { user } = await authenticateApiToken(request, { scope: "gateway" });
    const groups = await listModelGroups(user.id);
    const data = groups.flatMap((group) =>
      group.models.map((model) => ({
        id: model.ref,
        object: "model",
        created: 0,
        owned_by: group.label,
        spendboard: { provider: group.provider, model: model.modelId, key: group.keySource, price_nano_per_mtok: model.price },
      })),
    );
    return Response.json({ object: "list", data });
  } catch (error) {
    return gatewayError("openai", error, request);
  }
}
