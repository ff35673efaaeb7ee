import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registrationPolicy } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import { AppError } from "@/lib/errors";
import { getRegistrationPolicy } from "@/lib/registration/policy";
import { withFreshDatabase } from "@/tests/support/test-db";

/** Each test starts from an empty database: no users, no policy row yet. */

afterEach(() => vi.unstubAllEnvs());

const register = (email: string, extra: Record<string, string> = {}) => registerWithPassword({ email, password: "password-123", ...extra });

describe("the registration policy seeded from the environment", () => {
  it("is created from REGISTRATION_MODE, ALLOWED_EMAIL_DOMAINS and REGISTRATION_APPROVAL at its first read, then kept", async () => {
    await withFreshDatabase(async (handle) => {
      vi.stubEnv("REGISTRATION_MODE", "domains");
      vi.stubEnv("ALLOWED_EMAIL_DOMAINS", "Example.com, lab.example.org");
      vi.stubEnv("REGISTRATION_APPROVAL", "true");
      expect(await handle.db.select().from(registrationPolicy)).toEqual([]);
      expect(await getRegistrationPolicy()).toMatchObject({ mode: "domains", allowedDomains: ["example.com", "lab.example.org"], approvalRequired: true });
      expect(await handle.db.select().from(registrationPolicy)).toHaveLength(1);
      // Later environment changes do not override what is stored (an admin may have changed it).
      vi.stubEnv("REGISTRATION_MODE", "open");
      expect((await getRegistrationPolicy()).mode).toBe("domains");
    });
  });

  it("is open without approval when nothing is set", async () => {
    await withFreshDatabase(async () => {
      vi.stubEnv("REGISTRATION_MODE", "");
      vi.stubEnv("ALLOWED_EMAIL_DOMAINS", "");
      vi.stubEnv("REGISTRATION_APPROVAL", "");
      expect(await getRegistrationPolicy()).toMatchObject({ mode: "open", allowedDomains: [], approvalRequired: false });
    });
  });
});

describe("the first account", () => {
  it("becomes an active admin even in invite-only mode with approval required; the second is refused", async () => {
    await withFreshDatabase(async () => {
      vi.stubEnv("REGISTRATION_MODE", "invite");
      vi.stubEnv("REGISTRATION_APPROVAL", "true");
      const first = await register(`first-${randomUUID()}@example.test`);
      expect(first).toMatchObject({ role: "admin", status: "active" });
      const refused = await register(`second-${randomUUID()}@example.test`).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: "forbidden", status: 403, details: { reason: "invitation_required" } });
      expect((refused as AppError).message).toMatch(/invitation-only/);
    });
  });

  it("becomes admin in domains mode from an address outside the domains", async () => {
    await withFreshDatabase(async () => {
      vi.stubEnv("REGISTRATION_MODE", "domains");
      vi.stubEnv("ALLOWED_EMAIL_DOMAINS", "example.com");
      expect(await register(`first-${randomUUID()}@elsewhere.test`)).toMatchObject({ role: "admin", status: "active" });
      await expect(register(`second-${randomUUID()}@elsewhere.test`)).rejects.toMatchObject({ details: { reason: "domain_not_allowed" } });
      expect(await register(`second-${randomUUID()}@EXAMPLE.com`)).toMatchObject({ role: "user", status: "active" });
    });
  });

  it("only one of two parallel first registrations becomes admin", async () => {
    await withFreshDatabase(async () => {
      vi.stubEnv("REGISTRATION_MODE", "invite");
      const results = await Promise.allSettled([register(`a-${randomUUID()}@example.test`), register(`b-${randomUUID()}@example.test`)]);
      const created = results.filter((r) => r.status === "fulfilled");
      expect(created).toHaveLength(1);
      expect((created[0] as PromiseFulfilledResult<{ role: string }>).value.role).toBe("admin");
      expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { details: { reason: "invitation_required" } } });
    });
  });
});
