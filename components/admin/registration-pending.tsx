import { approveUserAction, rejectUserAction } from "@/app/(app)/admin/users/approval-actions";
import { AdminActionButton } from "@/components/admin/admin-action-button";
import { Badge } from "@/components/ui/badge";

export interface AwaitingUser {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
  status: "active" | "pending" | "rejected";
}

/** Approve or reject one account waiting for review (pending), or let a rejected one in after all. */
export function ApprovalButtons({ user }: { user: Pick<AwaitingUser, "id" | "status"> }) {
  if (user.status === "active") return null;
  return (
    <div className="flex gap-2">
      <AdminActionButton action={approveUserAction} fields={{ userId: user.id }} variant="secondary" data-testid="approve-user">
        Approve
      </AdminActionButton>
      {user.status === "pending" ? (
        <AdminActionButton action={rejectUserAction} fields={{ userId: user.id }} variant="ghost" className="px-2 text-red-600 hover:bg-red-50" data-testid="reject-user">
          Reject
        </AdminActionButton>
      ) : null}
    </div>
  );
}

/** Admin settings → Accounts waiting for approval. */
export function PendingAccounts({ users, timeZone }: { users: AwaitingUser[]; timeZone: string }) {
  if (users.length === 0) return <p className="text-sm text-zinc-500" data-testid="no-pending-accounts">No accounts are waiting.</p>;
  const date = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
  return (
    <ul className="divide-y divide-zinc-100" data-testid="pending-accounts">
      {users.map((user) => (
        <li key={user.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="pending-account">
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2">
              <a href={`/admin/users/${user.id}`} className="font-medium break-all text-brand-600 hover:underline">
                {user.email}
              </a>
              <Badge tone={user.status === "pending" ? "amber" : "red"}>{user.status}</Badge>
            </p>
            <p className="text-xs text-zinc-500">
              {user.name ? `${user.name} · ` : ""}registered {date(user.createdAt)}
            </p>
          </div>
          <ApprovalButtons user={user} />
        </li>
      ))}
    </ul>
  );
}
