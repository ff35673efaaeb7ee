/**
 * Email-domain matching for the `domains` registration mode. A domain matches only itself, compared without case:
 * `example.com` admits `a@example.com` and `a@EXAMPLE.com`, never `a@evil-example.com`, `a@example.com.evil.net` or
 * `a@sub.example.com` (list a subdomain to admit it).
 */

// Labels of letters, digits and inner hyphens, at least two labels, a letter-only final label (no IP addresses).
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The domain in canonical form (trimmed, lower-case, no leading `@` or trailing dot), or null when it is not one. */
export function normaliseDomain(raw: string): string | null {
  const domain = raw.trim().toLowerCase().replace(/^@/, "").replace(/\.$/, "");
  return DOMAIN.test(domain) ? domain : null;
}

/** The part after the last `@`, lower-cased; null when there is no `@` or nothing after it. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 1 || at === email.length - 1) return null;
  return email.slice(at + 1).trim().toLowerCase().replace(/\.$/, "");
}

export function isEmailInDomains(email: string, domains: readonly string[]): boolean {
  const domain = emailDomain(email);
  return domain !== null && domains.some((allowed) => allowed === domain);
}

/**
 * Parses a domain list as an admin types it (commas, spaces or new lines between domains). Returns the canonical,
 * de-duplicated list, or the entries that are not domains.
 */
export function parseDomainList(raw: string): { domains: string[]; invalid: string[] } {
  const entries = raw.split(/[\s,;]+/).filter((entry) => entry.length > 0);
  const domains: string[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const domain = normaliseDomain(entry);
    if (domain === null) invalid.push(entry);
    else if (!domains.includes(domain)) domains.push(domain);
  }
  return { domains, invalid };
}
