"use server";

import { revalidatePath } from "next/cache";
import { revokeApiTokenSchema } from "@/lib/api-tokens/schemas";
import { revokeApiTokenAsAdmin } from "@/lib/api-tokens/tokens";
import { adminAction } from "@/lib/http/action";

/** An admin revokes any user's API token; the revocation and its audit row commit together. */
export const adminRevokeApiTokenAction = adminAction(revokeApiTokenSchema, async ({ tokenId }, admin) => {
  const { view, owner } = await revokeApiTokenAsAdmin(admin, tokenId);
  revalidatePath(`/admin/users/${owner.id}`);
  revalidatePath("/admin/audit");
  return { ok: true, message: `${owner.email}’s token “${view.name}” revoked.` };
});
