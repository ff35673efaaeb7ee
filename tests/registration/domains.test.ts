import { describe, expect, it } from "vitest";
import { emailDomain, isEmailInDomains, normaliseDomain, parseDomainList } from "@/lib/registration/domains";
import { policyFromEnv } from "@/lib/registration/policy";

describe("email domain matching", () => {
  const allowed = ["example.com", "lab.example.org"];

  it("admits an address at a listed domain, whatever its case", () => {
    expect(isEmailInDomains("ada@example.com", allowed)).toBe(true);
    expect(isEmailInDomains("Ada@EXAMPLE.COM", allowed)).toBe(true);
    expect(isEmailInDomains("ada@Lab.Example.Org", allowed)).toBe(true);
  });

  it("refuses look-alike suffixes and prefixes", () => {
    expect(isEmailInDomains("eve@evil-example.com", allowed)).toBe(false);
    expect(isEmailInDomains("eve@notexample.com", allowed)).toBe(false);
    expect(isEmailInDomains("eve@example.com.evil.net", allowed)).toBe(false);
    expect(isEmailInDomains("eve@example.co", allowed)).toBe(false);
    expect(isEmailInDomains("eve@example.com@evil.net", allowed)).toBe(false);
  });

  it("refuses subdomains unless they are listed", () => {
    expect(isEmailInDomains("ada@sub.example.com", allowed)).toBe(false);
    expect(isEmailInDomains("ada@example.org", allowed)).toBe(false);
    expect(isEmailInDomains("ada@lab.example.org", allowed)).toBe(true);
  });

  it("refuses an address without @ or without a domain, and an empty list admits no one", () => {
    expect(emailDomain("example.com")).toBeNull();
    expect(emailDomain("ada@")).toBeNull();
    expect(emailDomain("@example.com")).toBeNull();
    expect(isEmailInDomains("example.com", allowed)).toBe(false);
    expect(isEmailInDomains("ada@", allowed)).toBe(false);
    expect(isEmailInDomains("ada@example.com", [])).toBe(false);
  });

  it("parses what an admin types: canonical, de-duplicated, and the entries that are not domains", () => {
    expect(parseDomainList(" Example.com, @lab.example.org\nexample.com.  ;other.io ")).toEqual({
      domains: ["example.com", "lab.example.org", "other.io"],
      invalid: [],
    });
    expect(parseDomainList("example.com, *.example.com, 10.0.0.1, localhost, exa mple").invalid).toEqual(["*.example.com", "10.0.0.1", "localhost", "exa", "mple"]);
    expect(parseDomainList("ex\u0000ample.com").invalid).toEqual(["ex\u0000ample.com"]);
    expect(normaliseDomain("-bad.com")).toBeNull();
    expect(normaliseDomain("a".repeat(64) + ".com")).toBeNull();
    expect(normaliseDomain("xn--bcher-kva.example")).toBe("xn--bcher-kva.example");
  });
});

describe("the starting policy from the environment", () => {
  it("is open without approval when nothing is set", () => {
    expect(policyFromEnv({})).toEqual({ mode: "open", allowedDomains: [], approvalRequired: false });
  });

  it("reads the mode, the domains and the approval switch", () => {
    expect(policyFromEnv({ REGISTRATION_MODE: "domains", ALLOWED_EMAIL_DOMAINS: "Example.com, lab.example.org", REGISTRATION_APPROVAL: "true" })).toEqual({
      mode: "domains",
      allowedDomains: ["example.com", "lab.example.org"],
      approvalRequired: true,
    });
    expect(policyFromEnv({ REGISTRATION_MODE: " Invite " }).mode).toBe("invite");
    expect(policyFromEnv({ REGISTRATION_MODE: "invite-only" }).mode).toBe("invite");
    expect(policyFromEnv({ REGISTRATION_APPROVAL: "false" }).approvalRequired).toBe(false);
  });

  it("closes registration (invite) when the mode is not one it knows, rather than opening it", () => {
    expect(policyFromEnv({ REGISTRATION_MODE: "closed" }).mode).toBe("invite");
  });
});
