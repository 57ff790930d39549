import { resolveDataCentre, type DataCentreCode, type HostOverrides } from '../zoho/data-centres.ts';

/**
 * Where a browser context may send requests: the Zoho web hosts of the user's data centre (or the
 * `ZOHO_*_URL` overrides) and the static-asset hosts those pages load from. Enforced by the egress
 * proxy (egress-proxy.ts) on every request the browser makes, redirect hops included.
 */
export interface EgressPolicy {
  /** Origins (`scheme://host[:port]`) requests may go to. */
  origins: ReadonlySet<string>;
  /** Host names that may resolve to loopback or private addresses: only the configured overrides. */
  trustedHosts: ReadonlySet<string>;
}

/** The three origins of a DC's web session: the CRM and Desk web UIs and the accounts (sign-in) host. */
export interface WebOrigins {
  crm: string;
  desk: string;
  accounts: string;
}

/**
 * Hosts Zoho's web pages and sign-in page load scripts, styles and images from. `static.zohocdn.com`
 * is seen in public pages that embed Zoho's sign-in and Desk assets [S]; the `js.`/`css.`/`img.`
 * siblings are UNVERIFIED. A missing one fails closed (an image or style does not load).
 */
const STATIC_ASSET_ORIGINS = ['https://static.zohocdn.com', 'https://js.zohocdn.com', 'https://css.zohocdn.com', 'https://img.zohocdn.com'];

/**
 * Identity providers Zoho's sign-in page offers (Google, Microsoft, Apple) and the hosts their pages
 * load from, reachable during a login handover only. UNVERIFIED: a provider whose page needs a host
 * missing here does not load, and the user signs in with a Zoho password instead.
 */
const SIGN_IN_PROVIDER_ORIGINS = [
  'https://accounts.google.com', 'https://ssl.gstatic.com', 'https://www.gstatic.com', 'https://fonts.gstatic.com',
  'https://login.microsoftonline.com', 'https://login.live.com', 'https://aadcdn.msauth.net', 'https://aadcdn.msftauth.net',
  'https://appleid.apple.com', 'https://appleid.cdn-apple.com',
];

/** The web origins of a DC after overrides. */
export function webOriginsFor(dc: DataCentreCode, overrides: HostOverrides): WebOrigins {
  const hosts = resolveDataCentre(dc, overrides);
  return { crm: originOf(hosts.crmWebUrl), desk: originOf(hosts.deskWebUrl), accounts: originOf(hosts.accountsUrl) };
}

/** The policy of a tool call (`browse`) or of a login handover (`sign_in`, which adds the identity providers). */
export function egressPolicyFor(dc: DataCentreCode, overrides: HostOverrides, purpose: 'browse' | 'sign_in'): EgressPolicy {
  const web = webOriginsFor(dc, overrides);
  const origins = new Set([web.crm, web.desk, web.accounts, ...STATIC_ASSET_ORIGINS]);
  if (purpose === 'sign_in') for (const o of SIGN_IN_PROVIDER_ORIGINS) origins.add(o);
  const configured = [overrides.crmWebUrl, overrides.deskWebUrl, overrides.accountsUrl].filter((u): u is string => Boolean(u));
  return { origins, trustedHosts: new Set(configured.map((u) => new URL(u).hostname)) };
}

/** A policy that lets nothing through (the browser-wide default proxy). */
export const DENY_ALL: EgressPolicy = { origins: new Set(), trustedHosts: new Set() };

/** Whether a request URL (`http(s):`, `ws(s):`) may leave. Anything else (file:, data:, ftp:) never reaches the network here. */
export function allowsUrl(policy: EgressPolicy, url: URL): boolean {
  const scheme = url.protocol === 'ws:' ? 'http:' : url.protocol === 'wss:' ? 'https:' : url.protocol;
  if (scheme !== 'http:' && scheme !== 'https:') return false;
  if (url.username || url.password) return false;
  return policy.origins.has(`${scheme}//${url.host}`);
}

/** Whether a `CONNECT host:port` tunnel may open: to an allowed https origin, or an allowed plain-http override. */
export function allowsTunnel(policy: EgressPolicy, host: string, port: number): boolean {
  const https = port === 443 ? `https://${host}` : `https://${host}:${port}`;
  const http = port === 80 ? `http://${host}` : `http://${host}:${port}`;
  return policy.origins.has(https) || policy.origins.has(http);
}

const originOf = (url: string) => new URL(url).origin;
