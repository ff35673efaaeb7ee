import { Skeleton } from "./panel";

/** The dashboard's shape before its first numbers arrive. */
export function DashboardSkeleton() {
  return (
    <div className="space-y-4" aria-busy>
      <Skeleton className="h-9 w-full max-w-xl" label="Loading dashboard…" />
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-[6.5rem] rounded-xl" />
        ))}
        <Skeleton className="h-[6.5rem] rounded-xl sm:col-span-2" />
      </div>
      <Skeleton className="h-80 rounded-xl" />
      <Skeleton className="h-72 rounded-xl" />
    </div>
  );
}
