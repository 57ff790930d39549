import { z } from 'zod';
import type { WebOrigins } from './egress-policy.ts';

/** Playwright's storage state (`context.storageState()`): what `POST /api/browser/login` accepts for an import. */
export const storageStateSchema = z.object({
  cookies: z.array(z.object({
    name: z.string().min(1).max(4096),
    value: z.string().max(8192),
    domain: z.string().min(1).max(255),
    path: z.string().min(1).max(1024).default('/'),
    /** Unix seconds; -1 for a session cookie. */
    expires: z.number().default(-1),
    httpOnly: z.boolean().default(false),
    secure: z.boolean().default(false),
    sameSite: z.enum(['Strict', 'Lax', 'None']).default('Lax'),
  })).max(500),
  origins: z.array(z.object({
    origin: z.string().url().max(255),
    localStorage: z.array(z.object({ name: z.string().max(1024), value: z.string().max(65_536) })).max(500),
  })).max(20).default([]),
});

export type StorageState = z.infer<typeof storageStateSchema>;

/**
 * Keeps only what belongs to the DC's Zoho web session: cookies whose domain is one of its web or
 * accounts hosts or their Zoho parent domain (`.zoho.eu` for `crm.zoho.eu`), and the local storage
 * of those origins. Whatever else a browser collected (an identity provider, a CDN) is dropped.
 */
export function keepZohoSession(state: StorageState, web: WebOrigins): StorageState {
  const origins = new Set([web.crm, web.desk, web.accounts]);
  const domains = new Set<string>();
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    domains.add(host);
    const parent = parentDomain(host);
    if (parent) domains.add(parent);
  }
  // Sorted, so that the same session always serialises the same way (a call writes back only real changes).
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    cookies: state.cookies
      .filter((c) => domains.has(c.domain.replace(/^\./, '').toLowerCase()))
      .sort((a, b) => byKey(`${a.domain} ${a.path} ${a.name}`, `${b.domain} ${b.path} ${b.name}`)),
    origins: state.origins.filter((o) => origins.has(new URL(o.origin).origin)).sort((a, b) => byKey(a.origin, b.origin)),
  };
}

/** The latest expiry among the cookies, or undefined when all are session cookies. */
export function latestCookieExpiry(state: StorageState): Date | undefined {
  const latest = Math.max(0, ...state.cookies.map((c) => c.expires));
  return latest > 0 ? new Date(latest * 1000) : undefined;
}

/** `crm.zoho.com.au` → `zoho.com.au`: the domain Zoho sets its shared sign-in cookies on. None for an IP or a one-label host. */
function parentDomain(host: string): string | undefined {
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return undefined;
  const labels = host.split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : undefined;
}
