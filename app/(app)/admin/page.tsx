import type { Metadata } from "next";
import Link from "next/link";
import { ComingNext } from "@/components/layout/coming-next";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { listUsers } from "@/db/queries/users";
import { requireAdminPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin · Spendboard" };

export default async function AdminPage() {
  await requireAdminPage();
  const { rows, total } = await listUsers({ limit: 50, offset: 0 });
  return (
    <>
      <PageHeader title="Admin" description="Everyone on this Spendboard, what they spend, and the limits you set.">
        <Link href="/admin/models" className="text-sm font-medium text-brand-600 hover:underline" data-testid="admin-models-link">
          Models and prices →
        </Link>
      </PageHeader>
      <Card className="overflow-x-auto p-0">
        <div className="flex items-center justify-between px-6 pt-5">
          <CardTitle>Users</CardTitle>
          <span className="text-sm text-zinc-500" data-testid="user-count">
            {total} {total === 1 ? "user" : "users"}
          </span>
        </div>
        <table className="mt-3 w-full text-left text-sm" data-testid="users-table">
          <thead className="border-y border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="px-6 py-2 font-medium">Email</th>
              <th className="px-6 py-2 font-medium">Name</th>
              <th className="px-6 py-2 font-medium">Role</th>
              <th className="px-6 py-2 font-medium">Joined</th>
              <th className="px-6 py-2 font-medium">Last sign-in</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="px-6 py-2">{row.email}</td>
                <td className="px-6 py-2">{row.name ?? "—"}</td>
                <td className="px-6 py-2">{row.role}</td>
                <td className="px-6 py-2 tabular-nums">{row.createdAt.toISOString().slice(0, 10)}</td>
                <td className="px-6 py-2 tabular-nums">{row.lastSignInAt?.toISOString().slice(0, 16).replace("T", " ") ?? "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <div className="mt-4 grid gap-4 md:grid-cols-2">
        <ComingNext
          title="Spend review (next)"
          items={[
            "Spend this period, budget, % used, requests, top model and last activity per user",
            "One user's full breakdown; caps they cannot raise; disabling an account",
          ]}
        />
        <ComingNext title="Audit (next)" items={["An audit log of every admin change: roles, caps, price overrides, system-key policy"]} />
      </div>
    </>
  );
}
