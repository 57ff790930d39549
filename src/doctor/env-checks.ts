import { envSchema } from '../config.ts';
import { fail, pass, type CheckLine } from './check-line.ts';

type Environment = Record<string, string | undefined>;

const ENV_FILE_HINT = 'in the environment or in .env (see .env.example)';
const GENERATED = 'uses the development secret generated once into .data/secrets.json, fit for a single instance only';

/** What a missing variable costs, and where to get it. */
const REQUIRED: Record<string, { without: string; fix: string }> = {
  ZOHO_CLIENT_ID: {
    without: 'users cannot connect Zoho in a browser (importing a Self Client token still works)',
    fix: `create a "Server-based Applications" client at https://api-console.zoho.com (Multi-DC on) and set ZOHO_CLIENT_ID ${ENV_FILE_HINT}; or connect each user with a Self Client: npm run doctor -- --self-client`,
  },
  ZOHO_CLIENT_SECRET: {
    without: 'users cannot connect Zoho and tokens cannot be refreshed',
    fix: `set ZOHO_CLIENT_SECRET of the same client ${ENV_FILE_HINT}`,
  },
  OPENROUTER_API_KEY: {
    without: 'chat cannot run',
    fix: `create a key at https://openrouter.ai/keys and set OPENROUTER_API_KEY ${ENV_FILE_HINT}`,
  },
};

/** The schema's own default, so this file never disagrees with config.ts. */
const DEFAULT_ZOHO_REDIRECT_URI = envSchema.shape.ZOHO_REDIRECT_URI.parse(undefined);

const SECRETS_WITH_FALLBACK = ['AUTH_JWT_SECRET', 'TOKEN_ENCRYPTION_KEY'] as const;

const isSet = (env: Environment, key: string) => env[key] !== undefined && env[key] !== '';

/**
 * One line per variable the runtime needs: set or missing, never its value. Reads the raw
 * environment (`.env` merged under `process.env`), so it works when the config does not parse.
 */
export function checkEnvironment(env: Environment): CheckLine[] {
  const production = env.NODE_ENV === 'production';
  const lines: CheckLine[] = [];
  for (const key of ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET'] as const) lines.push(required(env, key));
  lines.push(
    isSet(env, 'ZOHO_REDIRECT_URI')
      ? pass('env ZOHO_REDIRECT_URI', 'set')
      : pass('env ZOHO_REDIRECT_URI', `not set; the default ${DEFAULT_ZOHO_REDIRECT_URI} must be the client's registered redirect URI`),
  );
  lines.push(required(env, 'OPENROUTER_API_KEY'));
  const jwks = isSet(env, 'AUTH_JWKS_URL');
  for (const key of SECRETS_WITH_FALLBACK) {
    if (isSet(env, key)) lines.push(pass(`env ${key}`, 'set'));
    else if (key === 'AUTH_JWT_SECRET' && production && jwks) lines.push(pass(`env ${key}`, 'not set; only the identity provider\'s tokens (AUTH_JWKS_URL) are accepted'));
    else if (production) lines.push(fail(`env ${key}`, 'missing; NODE_ENV=production needs it', `set ${key} in the environment${key === 'AUTH_JWT_SECRET' ? ' (or AUTH_JWKS_URL to accept only your identity provider\'s tokens)' : ''}`));
    else lines.push(pass(`env ${key}`, `not set; ${GENERATED}`));
  }
  lines.push(
    jwks
      ? pass('env AUTH_JWKS_URL', `set; RS256, ES256 and EdDSA tokens of the identity provider are accepted${isSet(env, 'AUTH_JWT_ISSUER') ? '' : ' (AUTH_JWT_ISSUER not set: any iss)'}${isSet(env, 'AUTH_JWT_AUDIENCE') ? '' : ' (AUTH_JWT_AUDIENCE not set: any aud)'}`)
      : pass('env AUTH_JWKS_URL', 'not set; callers send HS256 tokens signed with AUTH_JWT_SECRET'),
  );
  return lines;
}

function required(env: Environment, key: keyof typeof REQUIRED): CheckLine {
  const need = REQUIRED[key]!;
  return isSet(env, key) ? pass(`env ${key}`, 'set') : fail(`env ${key}`, `missing: ${need.without}`, need.fix);
}
