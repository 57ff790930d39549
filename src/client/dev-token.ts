import { existsSync, readFileSync } from 'node:fs';

export interface TokenSource {
  RUNTIME_TOKEN?: string;
  RUNTIME_USER?: string;
}

/**
 * The caller's JWT for the CLI: `RUNTIME_TOKEN`, else (development) one signed for `RUNTIME_USER`
 * (default `dev-user`) with the `AUTH_JWT_SECRET` the server generated in `.data/secrets.json`.
 * `undefined` when neither exists. `notice` gets one line saying a token was signed.
 */
export async function resolveToken(
  env: TokenSource,
  options: { secretsFile?: string; notice?: (line: string) => void } = {},
): Promise<string | undefined> {
  if (env.RUNTIME_TOKEN) return env.RUNTIME_TOKEN;
  const file = options.secretsFile ?? '.data/secrets.json';
  if (!existsSync(file)) return undefined;
  let secret: unknown;
  try {
    secret = (JSON.parse(readFileSync(file, 'utf8')) as { AUTH_JWT_SECRET?: unknown }).AUTH_JWT_SECRET;
  } catch {
    return undefined;
  }
  if (typeof secret !== 'string' || !secret) return undefined;
  // Loaded only here: signing is a development convenience, the client itself never needs server code.
  const { signUserToken } = await import('../http/auth.ts');
  const user = env.RUNTIME_USER || 'dev-user';
  options.notice?.(`No RUNTIME_TOKEN set: signed a 1-hour development token for user "${user}" with ${file}.`);
  return signUserToken(secret, user);
}
