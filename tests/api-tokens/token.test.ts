import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApiTokenFormInput, createApiTokenSchema } from "@/lib/api-tokens/schemas";
import { hasScope, isScope } from "@/lib/api-tokens/scopes";
import { displayPrefix, generateApiToken, hashApiToken, looksLikeApiToken } from "@/lib/api-tokens/token";

describe("API token strings", () => {
  it("are sb_ and 32 random bytes in base64url, all different", () => {
    const tokens = Array.from({ length: 2_000 }, generateApiToken);
    for (const token of tokens) {
      expect(token).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(3), "base64url")).toHaveLength(32);
      expect(looksLikeApiToken(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it("hash to the hex SHA-256 of the whole token and display as sb_… and the last 4", () => {
    const token = "sb_" + "x".repeat(39) + "Ab-_";
    expect(hashApiToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
    expect(displayPrefix(token)).toBe("sb_…Ab-_");
    for (const bad of ["", "sb_", `sb_${"a".repeat(42)}`, `sb_${"a".repeat(44)}`, `SB_${"a".repeat(43)}`, `sb_${"a".repeat(42)}=`, `sb_${"a".repeat(42)}\u0000`]) {
      expect(looksLikeApiToken(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("scopes", () => {
  it("are gateway, track and read, checked by name", () => {
    expect(["gateway", "track", "read", "admin", "", null].map(isScope)).toEqual([true, true, true, false, false, false]);
    expect(hasScope({ scopes: ["track"] }, "track")).toBe(true);
    expect(hasScope({ scopes: ["track"] }, "gateway")).toBe(false);
  });

  it("are read from every checked box, in canonical order, each once", () => {
    const data = new FormData();
    data.set("name", " CI ");
    for (const scope of ["read", "gateway", "read"]) data.append("scopes", scope);
    expect(createApiTokenSchema.parse(createApiTokenFormInput(data))).toEqual({
      name: "CI",
      scopes: ["gateway", "read"],
      expiresOn: null,
      defaultFeature: null,
      monthlyUsd: null,
    });
  });
});
