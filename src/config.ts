import { hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { DATA_CENTRE_CODES } from './zoho/data-centres.ts';

/**
 * Default OAuth scopes (DESIGN.md): CRM and Desk, plus what user info needs. `Desk.articles.READ`
 * is added to DESIGN.md's list: `desk_search_articles` (a tool DESIGN.md fixes) needs it.
 */
export const DEFAULT_ZOHO_SCOPES =
  'ZohoCRM.modules.ALL,ZohoCRM.settings.READ,ZohoCRM.users.READ,ZohoCRM.org.READ,ZohoCRM.coql.READ,' +
  'Desk.tickets.ALL,Desk.contacts.ALL,Desk.basic.READ,Desk.settings.READ,Desk.search.READ,Desk.articles.READ,AaaServer.profile.READ';

/** A tool-capable model that OpenRouter serves; callers may pick another per request. */
export const DEFAULT_OPENROUTER_MODEL = 'openai/gpt-4.1-mini';

const optionalUrl = z
  .string()
  .trim()
  .url()
  .transform((url) => url.replace(/\/+$/, ''))
  .optional();

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/**
 * Every environment variable the runtime reads, with its default. This is the only schema of
 * `process.env`; `.env.example` lists exactly these keys (a test checks it).
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  ZOHO_CLIENT_ID: z.string().min(1).optional(),
  ZOHO_CLIENT_SECRET: z.string().min(1).optional(),
  ZOHO_REDIRECT_URI: z.string().url().default('http://localhost:8080/auth/zoho/callback'),
  ZOHO_SCOPES: z.string().min(1).default(DEFAULT_ZOHO_SCOPES),
  ZOHO_DC: z.enum(DATA_CENTRE_CODES).default('com'),
  ZOHO_ACCOUNTS_URL: optionalUrl,
  ZOHO_API_URL: optionalUrl,
  ZOHO_DESK_URL: optionalUrl,
  ZOHO_CRM_WEB_URL: optionalUrl,
  ZOHO_DESK_WEB_URL: optionalUrl,
  OPENROUTER_API_KEY: z.string().min(1).optional(),
  OPENROUTER_BASE_URL: z.string().url().default('https://openrouter.ai/api/v1'),
  OPENROUTER_MODEL: z.string().min(1).default(DEFAULT_OPENROUTER_MODEL),
  OPENROUTER_STRICT_TOOLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  TOOL_RESULT_MAX_CHARS: z.coerce.number().int().min(500).default(20_000),
  CHAT_MAX_STEPS: z.coerce.number().int().min(1).max(50).default(8),
  CHAT_RUN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  CHAT_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).default(3),
  CHAT_DETACH_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  CHAT_MAX_STREAM_SECONDS: z.coerce.number().positive().max(86_400).default(300),
  CHAT_RESUME_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  CHAT_AUTO_APPROVE_WRITES: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  APPROVAL_TTL_SECONDS: z.coerce.number().int().min(60).default(3600),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  BROWSER_EXECUTABLE_PATH: z.string().trim().min(1).optional(),
  BROWSER_MAX_CONTEXTS: z.coerce.number().int().min(1).max(200).default(8),
  BROWSER_MAX_PAGES: z.coerce.number().int().min(1).max(200).default(4),
  BROWSER_IDLE_SECONDS: z.coerce.number().int().min(1).default(300),
  BROWSER_CALL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  BROWSER_SCREENSHOT_TTL_SECONDS: z.coerce.number().int().min(60).default(86_400),
  BROWSER_LOGIN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWKS_URL: z.string().trim().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').optional(),
  AUTH_JWT_ISSUER: z.string().trim().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().trim().min(1).optional(),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

/** The parsed configuration passed down from `main.ts`; nothing else reads the environment. */
export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses raw environment values; throws one ConfigError naming every bad key. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, emptyAsUndefined(raw[key])]),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}

/**
 * Shapes the env into the config object the app uses. Secrets must be resolved already;
 * AUTH_JWT_SECRET may be absent only when AUTH_JWKS_URL is set (load-config.ts checks it).
 * `searchPath` is where a bare BROWSER_EXECUTABLE_PATH (default `chromium`) is looked for: the
 * system's PATH, which is no setting of ours and so not in the schema.
 */
export function toConfig(env: Env & { TOKEN_ENCRYPTION_KEY: string }, searchPath = process.env.PATH ?? '') {
  const tokenEncryptionKey = Buffer.from(env.TOKEN_ENCRYPTION_KEY, 'base64');
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    database: env.DATABASE_URL
      ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
      : ({ kind: 'pglite', dir: env.PGLITE_DIR } as const),
    zoho: {
      clientId: env.ZOHO_CLIENT_ID,
      clientSecret: env.ZOHO_CLIENT_SECRET,
      redirectUri: env.ZOHO_REDIRECT_URI,
      scopes: env.ZOHO_SCOPES.split(',').map((s) => s.trim()).filter(Boolean),
      defaultDc: env.ZOHO_DC,
      overrides: {
        accountsUrl: env.ZOHO_ACCOUNTS_URL,
        apiUrl: env.ZOHO_API_URL,
        deskUrl: env.ZOHO_DESK_URL,
        crmWebUrl: env.ZOHO_CRM_WEB_URL,
        deskWebUrl: env.ZOHO_DESK_WEB_URL,
      },
    },
    openrouter: {
      apiKey: env.OPENROUTER_API_KEY,
      baseUrl: env.OPENROUTER_BASE_URL,
      model: env.OPENROUTER_MODEL,
      strictTools: env.OPENROUTER_STRICT_TOOLS,
    },
    tools: { timeoutMs: env.TOOL_TIMEOUT_MS, resultMaxChars: env.TOOL_RESULT_MAX_CHARS },
    chat: {
      maxSteps: env.CHAT_MAX_STEPS,
      runTimeoutMs: env.CHAT_RUN_TIMEOUT_MS,
      maxConcurrentRuns: env.CHAT_MAX_CONCURRENT_RUNS,
      autoApproveWrites: env.CHAT_AUTO_APPROVE_WRITES,
      approvalTtlMs: env.APPROVAL_TTL_SECONDS * 1000,
      /** How long a run goes on with no client following its stream before it is aborted. */
      detachGraceMs: env.CHAT_DETACH_GRACE_SECONDS * 1000,
      /** The longest one SSE connection of a run stays open (E8); the run itself goes on. */
      maxStreamMs: env.CHAT_MAX_STREAM_SECONDS * 1000,
      /** How long a stream's events stay resumable past the run's time limit. */
      resumeTtlMs: env.CHAT_RESUME_TTL_SECONDS * 1000,
    },
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    browser: {
      executable: env.BROWSER_EXECUTABLE_PATH ?? 'chromium',
      searchPath,
      maxContexts: env.BROWSER_MAX_CONTEXTS,
      maxPages: env.BROWSER_MAX_PAGES,
      idleMs: env.BROWSER_IDLE_SECONDS * 1000,
      callTimeoutMs: env.BROWSER_CALL_TIMEOUT_MS,
      screenshotTtlMs: env.BROWSER_SCREENSHOT_TTL_SECONDS * 1000,
      loginTtlMs: env.BROWSER_LOGIN_TTL_SECONDS * 1000,
    },
    auth: {
      /** HS256 secret for callers' JWTs; absent when only the identity provider's keys are trusted. */
      jwtSecret: env.AUTH_JWT_SECRET,
      jwks: env.AUTH_JWKS_URL
        ? { url: env.AUTH_JWKS_URL, issuer: env.AUTH_JWT_ISSUER, audience: splitList(env.AUTH_JWT_AUDIENCE) }
        : undefined,
      /** Signs the OAuth `state`: the JWT secret when there is one, else a key derived from the token key. */
      stateSigningKey: env.AUTH_JWT_SECRET ?? deriveKey(tokenEncryptionKey, 'zoho-oauth-state'),
    },
    tokenEncryptionKey,
  };
}

/** `a, b` as a list; undefined when empty. */
function splitList(value: string | undefined): string[] | undefined {
  const items = value?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return items.length > 0 ? items : undefined;
}

/** A separate key for one purpose, so the token key itself never signs anything (RFC 5869 HKDF). */
function deriveKey(key: Buffer, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32)).toString('base64url');
}
