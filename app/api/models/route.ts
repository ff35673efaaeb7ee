import { getUserSettings } from "@/db/queries/settings";
import { route } from "@/lib/http/route";
import { listLockedModelGroups, listModelGroups } from "@/lib/providers/model-catalog";

/** The models the signed-in user can pick, grouped by provider, with prices; those a key would unlock; their default. */
export const GET = route("user", async (_request, { user }) => {
  const [groups, settings] = await Promise.all([listModelGroups(user.id), getUserSettings({ userId: user.id })]);
  const locked = await listLockedModelGroups(groups);
  return { groups, locked, defaultModel: settings.defaultModel ?? process.env.DEFAULT_MODEL?.trim() ?? null };
});
