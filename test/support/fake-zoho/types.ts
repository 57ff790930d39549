// Shared types of the fake Zoho server (public API types are re-exported by ../fake-zoho.ts).

export interface FakeZohoUser {
  zuid: string;
  email: string;
  displayName?: string;
  /** CRM org id (`org.id`). */
  orgId?: string;
  zgid?: string;
  deskOrgIds?: string[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Parsed JSON, form object (urlencoded or multipart) or the raw string. */
  body: unknown;
  rawBody: string;
  at: number;
  /** Set when the caller closed the connection before the answer was written (a cancelled call). */
  closedEarly?: boolean;
}

export interface Fault {
  method?: string;
  /** Exact pathname, or a regex tested against the pathname. */
  path?: RegExp | string;
  /** Default 1. */
  times?: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket without answering (with applyFirst: after doing the operation, as when an answer is lost). */
  drop?: boolean;
  /** Perform the real operation, THEN answer with the fault (or drop the connection). */
  applyFirst?: boolean;
}

export type TokenEndpointMode =
  | 'ok'
  | 'invalid_code'
  | 'invalid_grant'
  | 'access_denied'
  | 'no_access_token'
  | 'error500';

export interface TokenEndpointConfig {
  mode: TokenEndpointMode;
  delayMs: number;
  /** Reported `expires_in` AND the real lifetime of access tokens minted from now on (seconds). */
  expiresIn: number;
  /** Default: the fake's own url. */
  apiDomain?: string;
  /** Answer 307 to this URL. */
  redirectTo?: string;
}

export interface Counts {
  codeExchanges: number;
  refreshes: number;
  revokes: number;
  userInfo: number;
}

export type Rec = Record<string, unknown>;

export interface CrmUser {
  id: string;
  zuid?: string;
  first_name: string;
  last_name: string;
  full_name: string;
  email: string;
}

export interface CrmState {
  records: Map<string, Map<string, Rec>>;
  /** Org template; `id`/`zgid` are overridden per caller by the user's orgId/zgid when set. */
  org: Rec;
  /** CRM users by CRM user id (a built-in admin plus one per added user). */
  users: Map<string, CrmUser>;
  /** The org's tags per module api name, by lower-cased name (tags.json Tag). */
  tags: Map<string, Map<string, Rec>>;
  /** Attachments per record id (attachments.json Attachment). */
  attachments: Map<string, Rec[]>;
}

export interface DeskState {
  organizations: Rec[];
  departments: Map<string, Rec>;
  agents: Map<string, Rec>;
  contacts: Map<string, Rec>;
  accounts: Map<string, Rec>;
  tickets: Map<string, Rec>;
  /** Threads per ticket id. */
  threads: Map<string, Rec[]>;
  /** Comments per ticket id. */
  comments: Map<string, Rec[]>;
  /** From addresses (MailReplyAddress.json) by id. */
  mailReplyAddresses: Map<string, Rec>;
  /** Knowledge base articles by id. */
  articles: Map<string, Rec>;
  /** Desk org owning each entity id (departments, agents, contacts, accounts, tickets). */
  orgOf: Map<string, string>;
}

export interface CodeInfo {
  zuid: string;
  /** The client the code was generated for (the deployment's, or a Self Client's). */
  clientId: string;
  scopes: string[];
  codeChallenge?: string;
  expiresAt: number;
  used: boolean;
}

export interface RefreshInfo {
  token: string;
  zuid: string;
  clientId: string;
  scopes: string[];
  active: boolean;
  /** When each access token was minted from it (ZOHO.md 1.4: at most 10 in 10 minutes). */
  mintedAt: number[];
  /** Access tokens minted from this refresh token, oldest first. */
  accessTokens: string[];
}

export interface AccessInfo {
  token: string;
  zuid: string;
  scopes: string[];
  refreshToken?: string;
  expiresAt: number;
  active: boolean;
}

export interface State {
  url: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  users: Map<string, FakeZohoUser>;
  /** Self Clients by client id -> secret (each one's codes and refresh tokens work only with it). */
  selfClients: Map<string, string>;
  /** zuid -> CRM user id. */
  crmUserOf: Map<string, string>;
  codes: Map<string, CodeInfo>;
  refreshTokens: Map<string, RefreshInfo>;
  accessTokens: Map<string, AccessInfo>;
  tokenEndpoint: TokenEndpointConfig;
  counts: Counts;
  crm: CrmState;
  desk: DeskState;
  seq: { crm: number; desk: number; ticketNumber: number };
}

/** What a handler answers; the server writes it (or a fault replaces it). */
export interface Reply {
  status: number;
  /** Objects are sent as JSON; strings as-is; undefined = no body. */
  body?: unknown;
  headers?: Record<string, string>;
}
