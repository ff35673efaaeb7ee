import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-zinc-500">404 · Not found</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">There is nothing here</h1>
      <Link href="/dashboard" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">
        Go to your dashboard
      </Link>
    </main>
  );
}
