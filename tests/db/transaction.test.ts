import { describe, expect, it } from "vitest";
import { insertNotificationOnce, listRecentNotifications } from "@/db/queries/notifications";
import { inTransaction } from "@/db/queries/transaction";
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
