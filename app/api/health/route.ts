import { databaseHealth } from "@/db";

export const dynamic = "force-dynamic";

/** 200 once the database is open and migrated; 503 before (for deploys and test harnesses). */
export async function GET(): Promise<Response> {
  try {
    const { kind, status } = await databaseHealth();
    if (status === "ready") return Response.json({ ok: true, database: kind });
    return Response.json({ ok: false, database: kind, status }, { status: 503 });
  } catch (error) {
    console.error("[health] %s", (error as Error).message);
    return Response.json({ ok: false, status: "failed", message: (error as Error).message }, { status: 503 });
  }
}
