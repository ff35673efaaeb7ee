import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { AdminDashboard } from "@/components/dashboard/admin-dashboard";
import { DashboardSkeleton } from "@/components/dashboard/dashboard-skeleton";
import { PageHeader } from "@/components/layout/page-header";
import { requireAdminPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin" };

const linkClass = "text-sm font-medium text-brand-600 hover:underline";

export default async function AdminPage() {
  await requireAdminPage();
  return (
    <>
      <PageHeader title="Admin" description="Everyone on this Spendboard: what they spend, on which models, and against which limits.">
        <nav aria-label="Admin" className="flex items-center gap-4">
          <Link href="/admin/models" className={linkClass} data-testid="admin-models-link">
            Models and prices →
          </Link>
          <Link href="/admin/audit" className={linkClass} data-testid="admin-audit-link">
            Audit log →
          </Link>
          <Link href="/admin/settings" className={linkClass} data-testid="admin-settings-link">
            Settings →
          </Link>
        </nav>
      </PageHeader>
      {/* The range lives in the URL (useSearchParams), which needs a Suspense boundary. */}
      <Suspense fallback={<DashboardSkeleton />}>
        <AdminDashboard />
      </Suspense>
    </>
  );
}
