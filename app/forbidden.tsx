import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center" data-testid="forbidden">
      <p className="text-sm font-semibold text-red-600">403 · Forbidden</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">This page is for admins</h1>
      <p className="mt-2 text-zinc-600">
        Your account does not have the admin role. Ask an admin of this Spendboard if you need access.
      </p>
      <Link href="/dashboard" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">
        Back to your dashboard
      </Link>
    </main>
  );
}
