import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { asyncCommitItem, commitsAsynchronously } from "@/db";
import { insertNotificationOnce, listRecentNotifications } from "@/db/queries/notifications";
import { inTransaction } from "@/db/queries/transaction";
import { rowsOf } from "@/db/queries/usage-rows";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

freshDatabasePerFile();

const note = (userId: string, dedupeKey: string) => ({ userId, kind: "test", title: dedupeKey, body: "", href: null, dedupeKey });
const titles = async (userId: string) => (await listRecentNotifications({ userId })).map((n) => n.title).sort();

describe("inTransaction", () => {
  it("commits every query of the work together, and returns its result", async () => {
    const user = await newUser("tx");
    const result = await inTransaction(async (tx) => {
      await insertNotificationOnce(note(user.id, "a"), tx);
      await insertNotificationOnce(note(user.id, "b"), tx);
      return "done";
    });
    expect(result).toBe("done");
    expect(await titles(user.id)).toEqual(["a", "b"]);
  });

  it("writes nothing when the work throws", async () => {
    const user = await newUser("tx");
    await expect(
      inTransaction(async (tx) => {
        await insertNotificationOnce(note(user.id, "a"), tx);
        throw new Error("simulated");
      }),
    ).rejects.toThrow("simulated");
    expect(await titles(user.id)).toEqual([]);
  });

  it("inside a caller's transaction, undoes only its own work when it throws (a savepoint)", async () => {
    const user = await newUser("tx");
    await inTransaction(async (tx) => {
      await insertNotificationOnce(note(user.id, "outer"), tx);
      await expect(
        inTransaction(async (inner) => {
          await insertNotificationOnce(note(user.id, "inner"), inner);
          throw new Error("simulated");
        }, tx),
      ).rejects.toThrow("simulated");
    });
    expect(await titles(user.id)).toEqual(["outer"]);
  });
});

describe("asyncCommitItem (a one-statement transaction that commits without waiting for the disk)", () => {
  it("turns synchronous_commit off for the statement's own transaction only", async () => {
    const { item, read } = asyncCommitItem();
    // Inside one transaction: after the statement the setting is off until that transaction ends, then on again.
    const inside = await inTransaction(async (tx) => {
      await rowsOf(sql`with ${item}x as (select 1 as one) select one${read} from x`, tx);
      return (await rowsOf(sql`show synchronous_commit`, tx))[0]!.synchronous_commit;
    });
    expect(inside).toBe(commitsAsynchronously() ? "off" : "on");
    const [alone] = await rowsOf(sql`with ${item}x as (select 1 as one) select one${read} from x`);
    expect(alone!.one).toBe(1);
    if (commitsAsynchronously()) expect(alone!.commit_mode).toBe("off");
    // Nothing leaks to the connection's later transactions (PGlite has only the one connection).
    for (let i = 0; i < 3; i++) expect((await rowsOf(sql`show synchronous_commit`))[0]!.synchronous_commit).toBe("on");
  });
});
