import { adminRevokeApiTokenAction } from "@/app/(app)/admin/users/[id]/token-actions";
import { ApiTokensList } from "@/components/settings/api-tokens-list";
import { Card, CardTitle } from "@/components/ui/card";
import { listApiTokenViews } from "@/lib/api-tokens/tokens";

/** The admin user page's list of that user's API tokens; an admin may revoke any of them (audited). */
export async function AdminApiTokens({ userId, timeZone }: { userId: string; timeZone: string }) {
  const now = new Date();
  const tokens = await listApiTokenViews(userId, now);
  return (
    <Card data-testid="admin-api-tokens">
      <CardTitle>API tokens</CardTitle>
      <div className="mt-3">
        <ApiTokensList tokens={tokens} timeZone={timeZone} now={now} revokeAction={adminRevokeApiTokenAction} empty="This user has no API tokens." />
      </div>
    </Card>
  );
}
