import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { DashboardSkeleton } from "@/components/dashboard/dashboard-skeleton";
import { UsageDashboard } from "@/components/dashboard/usage-dashboard";
import { requireUserPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireUserPage();
  return (
    <>
      <PageHeader
        title={`Welcome${user.name ? `, ${user.name}` : ""}`}
        description="What you spend on every model and provider, to the nano-dollar: totals, budgets, trends and every request."
      />
      {/* The range lives in the URL (useSearchParams), which needs a Suspense boundary. */}
      <Suspense fallback={<DashboardSkeleton />}>
        <UsageDashboard apiBase="/api/usage" />
      </Suspense>
    </>
  );
}
