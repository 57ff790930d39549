import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, parseEnv, toConfig, type Config, type Env } from './config.ts';

const GENERATED_SECRETS = {
  AUTH_JWT_SECRET: () => randomBytes(48).toString('base64url'),
  TOKEN_ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
} as const;
type GeneratedSecret = keyof typeof GENERATED_SECRETS;

export interface LoadConfigOptions {
  /** Raw environment; defaults to `process.env` merged over `.env`. */
  environment?: Record<string, string | undefined>;
  /** Where generated development secrets are kept. */
  secretsFile?: string;
  /** One-line notices (a generated secret); never receives a secret value. */
  notice?: (line: string) => void;
}

/** Reads `.env` (without overriding real environment variables) and returns the merged environment. */
export function readEnvironment(envFile = '.env'): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {};
  if (existsSync(envFile)) {
    for (const line of readFileSync(envFile, 'utf8').split(/\r?\n/)) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
      if (!match) continue;
      merged[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return { ...merged, ...process.env };
}

/**
 * Parses the configuration once at start-up. Outside production a missing AUTH_JWT_SECRET or
 * TOKEN_ENCRYPTION_KEY is generated once and kept under `.data/`; in production it stops the
 * start with one line naming it (AUTH_JWT_SECRET may be left out when AUTH_JWKS_URL is set).
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = parseEnv(options.environment ?? readEnvironment());
  const missing = (Object.keys(GENERATED_SECRETS) as GeneratedSecret[]).filter((k) => !env[k]);
  if (missing.length === 0) return toConfig(env as Required<Pick<Env, GeneratedSecret>> & Env);
  if (env.NODE_ENV === 'production') {
    // Callers verified only against the identity provider's keys need no shared secret.
    const required = env.AUTH_JWKS_URL ? missing.filter((k) => k !== 'AUTH_JWT_SECRET') : missing;
    if (required.length > 0) {
      throw new ConfigError(`Missing required secret ${required[0]}: set it in the environment (NODE_ENV=production).`);
    }
    return toConfig(env as Pick<Required<Env>, 'TOKEN_ENCRYPTION_KEY'> & Env);
  }
  const file = options.secretsFile ?? join('.data', 'secrets.json');
  const stored = readStoredSecrets(file);
  let generated = false;
  for (const key of missing) {
    if (!stored[key]) {
      stored[key] = GENERATED_SECRETS[key]();
      generated = true;
      options.notice?.(`Generated ${key} for development and kept it in ${file}; set it in the environment for production.`);
    }
  }
  if (generated) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return toConfig({ ...env, ...pick(stored, missing) } as Required<Pick<Env, GeneratedSecret>> & Env);
}

function readStoredSecrets(file: string): Partial<Record<GeneratedSecret, string>> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<GeneratedSecret, string>>;
  } catch {
    throw new ConfigError(`${file} is not valid JSON: delete it to generate new development secrets.`);
  }
}

function pick(source: Partial<Record<GeneratedSecret, string>>, keys: GeneratedSecret[]) {
  return Object.fromEntries(keys.map((k) => [k, source[k]]));
}
