"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiTokenFormInput, createApiTokenSchema, revokeApiTokenSchema } from "@/lib/api-tokens/schemas";
import { createApiToken, revokeOwnApiToken } from "@/lib/api-tokens/tokens";
import { validationError } from "@/lib/errors";
import { userAction } from "@/lib/http/action";

// Settings → API tokens: the signed-in user's own tokens (the owner is always the session's user, never a form field).

/**
 * Creates a token and returns it in `values.token` — the only time it is shown. The form is parsed here rather than by
 * the wrapper because `scopes` is one value per checked box (the wrapper reads one value per field name).
 */
export const createApiTokenAction = userAction(z.object({}), async (_data, user, formData) => {
  const parsed = createApiTokenSchema.safeParse(createApiTokenFormInput(formData));
  if (!parsed.success) throw validationError(parsed.error);
  const { token, view } = await createApiToken(user, parsed.data);
  revalidatePath("/settings");
  return {
    ok: true,
    message: `Token “${view.name}” created. Copy it now: it will not be shown again.`,
    values: { token, tokenName: view.name },
  };
});

export const revokeApiTokenAction = userAction(revokeApiTokenSchema, async ({ tokenId }, user) => {
  const view = await revokeOwnApiToken(user, tokenId);
  revalidatePath("/settings");
  return { ok: true, message: `Token “${view.name}” revoked: it no longer works.` };
});
