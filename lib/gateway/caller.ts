import "server-only";
import { randomUUID } from "node:crypto";
import type { ProviderKind } from "@/db/schema";
import { authenticateApiToken, type ApiTokenAuth } from "@/lib/api-tokens/authenticate";
import { apiTokenLimit } from "@/lib/budgets/limits";
import { AppError } from "@/lib/errors";
import { lookupPrice } from "@/lib/pricing/price-book";
import { parseModelRef } from "@/lib/providers/model-ref";
import { BUILT_IN_PROVIDERS } from "@/lib/providers/registry";
import { resolveModelFrom, type ModelSources, type ResolvedModel } from "@/lib/providers/resolve-model";
import { readJsonBody } from "@/lib/validation/body";
import { isStorableText } from "@/lib/validation/text";
import type { z } from "zod";
import { meteredCall, type MeteredCall } from "@/lib/usage/metered-call";
import { loadMeteringContext } from "@/lib/usage/metering-context";

/**
 * Who calls the gateway and for what: the API token (scope `gateway`), its user's metering context, the model the
 * request names, and the tags from the `x-spendboard-*` headers. Everything the gateway meters goes through the one
 * metered call made here (source `gateway`).
 */

export interface GatewayCall {
  auth: ApiTokenAuth;
  resolved: ResolvedModel;
  call: MeteredCall;
}

const MAX_TAG = 200;

/** A tag header's value: trimmed, at most 200 characters, storable; absent when empty. */
function tag(headers: Headers, name: string): string | undefined {
  const value = headers.get(name)?.trim();
  if (!value) return undefined;
  if (value.length > MAX_TAG || !isStorableText(value)) {
    throw new AppError("bad_request", `The ${name} header must be at most ${MAX_TAG} characters of text.`);
  }
  return value;
}

const HOW_TO_LIST = "GET /api/v1/models lists the models this token can call.";

/**
 * The model a gateway request names: one of our model refs (`openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`, an
 * endpoint's `openai-compatible:<id>:<model>`), or a plain id the price book or one of the user's endpoints knows —
 * on the first provider, among those, the user can call.
 */
export function resolveGatewayModel(sources: ModelSources, model: string, providers?: readonly ProviderKind[]): ResolvedModel {
  // Remembered per sources object (a user's cached metering context, renewed every second or on any change to their
  // keys): a client's stream of requests names the same few models.
  let known = resolvedModels.get(sources);
  const key = providers ? `${providers.join(",")} ${model}` : model;
  const remembered = known?.get(key);
  if (remembered) return remembered;
  const resolved = resolveNamedModel(sources, model, providers);
  if (!known) resolvedModels.set(sources, (known = new Map()));
  if (known.size < 100) known.set(key, resolved);
  return resolved;
}

const resolvedModels = new WeakMap<ModelSources, Map<string, ResolvedModel>>();

function resolveNamedModel(sources: ModelSources, model: string, providers?: readonly ProviderKind[]): ResolvedModel {
  const allowed = (provider: ProviderKind) => !providers || providers.includes(provider);
  const ref = parseModelRef(model);
  if (ref) {
    if (!allowed(ref.provider)) throw new AppError("unknown_model", `“${model}” cannot be called through this endpoint. ${HOW_TO_LIST}`);
    return resolveModelFrom(sources, { override: model, purpose: "chat" });
  }
  let keyless: AppError | undefined;
  for (const provider of BUILT_IN_PROVIDERS) {
    if (!allowed(provider) || !lookupPrice(provider, model)) continue;
    try {
      return resolveModelFrom(sources, { override: `${provider}:${model}`, purpose: "chat" });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "api_key_required") throw error;
      keyless ??= error;
    }
  }
  if (allowed("openai-compatible")) {
    const endpoint = sources.keys.find((key) => key.provider === "openai-compatible" && key.models?.includes(model));
    if (endpoint) return resolveModelFrom(sources, { override: `openai-compatible:${endpoint.id}:${model}`, purpose: "chat" });
  }
  if (keyless) throw keyless;
  throw new AppError("not_found", `There is no model “${model.slice(0, 200)}” you can call. ${HOW_TO_LIST}`, { details: { model: model.slice(0, 200) } });
}

/** The request's API token (scope `gateway`): checked before anything else is read, so strangers get a 401 first. */
export function authenticateGateway(request: Request): Promise<ApiTokenAuth> {
  return authenticateApiToken(request, { scope: "gateway" });
}

/** Requests to the gateway may be large (images, long contexts): up to 10 MB. */
export const GATEWAY_BODY_LIMIT = 10 * 1024 * 1024;

/** The request's JSON body checked against `schema`: 413 over 10 MB, 400 naming the first bad field. */
export async function readGatewayBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJsonBody(request, { maxBytes: GATEWAY_BODY_LIMIT, tooLargeMessage: "The request body is too large (at most 10 MB)." }));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new AppError("bad_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
}

/** Reads the token user's metering context and makes the metered call for `model`. */
export async function startGatewayCall(auth: ApiTokenAuth, request: Request, model: string, providers?: readonly ProviderKind[]): Promise<GatewayCall> {
  const { sources, budgets, overrides } = await loadMeteringContext(auth.user.id);
  const resolved = resolveGatewayModel(sources, model, providers);
  const headers = request.headers;
  const call = meteredCall(resolved, {
    userId: auth.user.id,
    feature: tag(headers, "x-spendboard-feature") ?? auth.token.defaultFeature ?? "api",
    source: "gateway",
    requestId: randomUUID(),
    overrides,
    budgets,
    timeZone: auth.user.timeZone ?? "UTC",
    apiTokenId: auth.token.id,
    extraLimits: [apiTokenLimit(auth.token)].filter((l) => l !== null),
    skill: tag(headers, "x-spendboard-skill"),
    sessionTag: tag(headers, "x-spendboard-session"),
  });
  return { auth, resolved, call };
}
