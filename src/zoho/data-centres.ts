/**
 * Zoho data centres: one row each, the only place hosts come from.
 * Sources: shared/ZOHO.md section 2.1. UNVERIFIED rows (CA and SA Desk hosts, everything UK
 * beyond its accounts host) follow the pattern of the documented ones; a wrong guess there
 * fails closed (requests to a host that does not answer), it never widens the allowlist to a
 * host outside Zoho's domains.
 * Web UI hosts (browser tools): the CRM web UI is `crm.<zoho domain>` and the Desk web UI is the
 * Desk host itself (`desk.zoho.com/agent/...`). ZOHO.md lists no web hosts; these follow the
 * documented accounts and Desk domains of each DC (CA: `zohocloud.ca`) and are UNVERIFIED for
 * SA, UK and CN. A wrong guess fails closed the same way: the browser reaches nothing.
 */
export const DATA_CENTRE_CODES = ['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa', 'uk'] as const;
export type DataCentreCode = (typeof DATA_CENTRE_CODES)[number];

export interface DataCentre {
  code: DataCentreCode;
  /** The `location` value Zoho puts on the OAuth redirect. */
  location: string;
  accountsUrl: string;
  apiUrl: string;
  deskUrl: string;
  /** The CRM web UI the user signs in to (browser tools). */
  crmWebUrl: string;
  /** The Desk web UI (browser tools): the Desk host itself. */
  deskWebUrl: string;
}

const row = (code: DataCentreCode, location: string, accounts: string, api: string, desk: string): DataCentre => ({
  code,
  location,
  accountsUrl: `https://${accounts}`,
  apiUrl: `https://${api}`,
  deskUrl: `https://${desk}`,
  // crm.<the domain of the accounts host>: crm.zoho.eu, crm.zohocloud.ca (see the note above).
  crmWebUrl: `https://crm.${accounts.slice('accounts.'.length)}`,
  deskWebUrl: `https://${desk}`,
});

export const DATA_CENTRES: readonly DataCentre[] = [
  row('com', 'us', 'accounts.zoho.com', 'www.zohoapis.com', 'desk.zoho.com'),
  row('eu', 'eu', 'accounts.zoho.eu', 'www.zohoapis.eu', 'desk.zoho.eu'),
  row('in', 'in', 'accounts.zoho.in', 'www.zohoapis.in', 'desk.zoho.in'),
  row('com.au', 'au', 'accounts.zoho.com.au', 'www.zohoapis.com.au', 'desk.zoho.com.au'),
  row('jp', 'jp', 'accounts.zoho.jp', 'www.zohoapis.jp', 'desk.zoho.jp'),
  row('ca', 'ca', 'accounts.zohocloud.ca', 'www.zohoapis.ca', 'desk.zohocloud.ca'),
  row('com.cn', 'cn', 'accounts.zoho.com.cn', 'www.zohoapis.com.cn', 'desk.zoho.com.cn'),
  row('sa', 'sa', 'accounts.zoho.sa', 'www.zohoapis.sa', 'desk.zoho.sa'),
  // UK: the accounts host is documented; the API and Desk hosts are UNVERIFIED guesses.
  row('uk', 'uk', 'accounts.zoho.uk', 'www.zohoapis.uk', 'desk.zoho.uk'),
];

/** Hosts that replace the DC-derived ones for every DC (a local emulator, a proxy, tests). */
export interface HostOverrides {
  accountsUrl?: string;
  apiUrl?: string;
  deskUrl?: string;
  /** `ZOHO_CRM_WEB_URL`, `ZOHO_DESK_WEB_URL`: the web UI hosts browser tools open. */
  crmWebUrl?: string;
  deskWebUrl?: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The hosts the runtime really talks to for a DC, after overrides. */
export function resolveDataCentre(code: DataCentreCode, overrides: HostOverrides = {}): DataCentre {
  const base = DATA_CENTRES.find((dc) => dc.code === code)!;
  return {
    ...base,
    accountsUrl: overrides.accountsUrl ? trimSlash(overrides.accountsUrl) : base.accountsUrl,
    apiUrl: overrides.apiUrl ? trimSlash(overrides.apiUrl) : base.apiUrl,
    deskUrl: overrides.deskUrl ? trimSlash(overrides.deskUrl) : base.deskUrl,
    crmWebUrl: overrides.crmWebUrl ? trimSlash(overrides.crmWebUrl) : base.crmWebUrl,
    deskWebUrl: overrides.deskWebUrl ? trimSlash(overrides.deskWebUrl) : base.deskWebUrl,
  };
}

/** The DC whose `location` equals the given value exactly, or undefined. */
export function dataCentreForLocation(location: string): DataCentre | undefined {
  return DATA_CENTRES.find((dc) => dc.location === location);
}

/**
 * Whether `apiDomain` (from a token answer) is a Zoho CRM API host we may send tokens to:
 * the DC's `www.` host or its `sandbox.`/`developer.` variants (ZOHO.md 2.1), or the override.
 * `api.zoho.eu`, seen once in an Accounts example (CONFLICT in ZOHO.md 1.3), is not accepted.
 */
export function isAllowedApiDomain(apiDomain: string, overrides: HostOverrides = {}): boolean {
  const candidate = trimSlash(apiDomain);
  if (overrides.apiUrl) return candidate === trimSlash(overrides.apiUrl);
  return dataCentreForApiDomain(candidate) !== undefined;
}

/**
 * The DC whose CRM API host (`www.`, `sandbox.` or `developer.`, ZOHO.md 2.1) is `apiDomain`, as a
 * token answer's `api_domain` names it; undefined for any other host (an override included).
 */
export function dataCentreForApiDomain(apiDomain: string): DataCentre | undefined {
  const candidate = trimSlash(apiDomain);
  return DATA_CENTRES.find((dc) => {
    const tld = dc.apiUrl.slice('https://www.zohoapis.'.length);
    return ['www', 'sandbox', 'developer'].some((p) => candidate === `https://${p}.zohoapis.${tld}`);
  });
}

/**
 * Whether `url` is, byte for byte, an accounts host we may send a code, a refresh token or the
 * client secret to: a DC's accounts host, or the override when one is set.
 */
export function isAllowedAccountsUrl(url: string, overrides: HostOverrides = {}): boolean {
  if (overrides.accountsUrl) return url === trimSlash(overrides.accountsUrl);
  return DATA_CENTRES.some((dc) => dc.accountsUrl === url);
}
