import { parseArgs } from 'node:util';
import { buildRuntime } from '../compose.ts';
import { ConfigError, DEFAULT_ZOHO_SCOPES, type Config } from '../config.ts';
import { loadConfig, readEnvironment } from '../load-config.ts';
import { createLogger } from '../log.ts';
import { checkBrowser } from './browser-checks.ts';
import { runDoctor } from './checks.ts';
import { databaseOpenFailed } from './database-checks.ts';
import { checkEnvironment } from './env-checks.ts';
import { fail, pass, skip, type CheckLine } from './check-line.ts';
import { formatReport, maskSecrets } from './format.ts';
import { checkJwks } from './auth-checks.ts';
import { selfClientGuide } from './self-client-guide.ts';

const USAGE = `usage: npm run doctor [-- --user <app user id>] [-- --self-client]

Checks the environment and the database; with --user, also that user's Zoho connection,
token (refreshed if due), CRM org and Desk org. Exit code 0 when every check passes.
--self-client prints how to connect a Zoho account with a Self Client, without a browser.
With embedded PGlite on disk, stop the server first: PGlite allows one process per directory.`;

/** `npm run doctor`: prints the checklist and returns the exit code. */
async function main(argv: string[]): Promise<number> {
  let userId: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { user: { type: 'string', short: 'u' }, help: { type: 'boolean', short: 'h' }, 'self-client': { type: 'boolean' } },
    });
    if (values.help) {
      print(USAGE);
      return 0;
    }
    if (values['self-client']) {
      print(selfClientGuide(scopesOf(readEnvironment())));
      return 0;
    }
    userId = values.user;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }

  const environment = readEnvironment();
  const lines: CheckLine[] = checkEnvironment(environment);
  let config: Config;
  try {
    config = loadConfig({ environment });
    lines.push(pass('config parses', `NODE_ENV=${config.env}, ZOHO_DC=${config.zoho.defaultDc}`));
    lines.push(checkBrowser(config.browser, Boolean(environment.BROWSER_EXECUTABLE_PATH)));
    const jwks = await checkJwks(config);
    if (jwks) lines.push(jwks);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    lines.push(fail('config parses', error.message, 'correct the named variables in the environment or .env (see .env.example)'));
    lines.push(skip('database and Zoho checks', 'skipped until the config parses'));
    return report(lines, secretsOf(environment));
  }

  const secrets = [...secretsOf(environment), config.auth.jwtSecret, config.tokenEncryptionKey.toString('base64')];
  let runtime;
  try {
    // Silent: the checklist says what went wrong; runtime log lines would only interleave with it.
    runtime = await buildRuntime(config, { logger: createLogger(() => {}) });
  } catch (error) {
    lines.push(databaseOpenFailed(config.database, error));
    lines.push(skip('Zoho checks', 'skipped until the database opens'));
    return report(lines, secrets);
  }
  try {
    lines.push(...(await runDoctor(runtime, { userId })));
  } finally {
    await runtime.close();
  }
  return report(lines, secrets);
}

function report(lines: CheckLine[], secrets: Array<string | undefined>): number {
  print(maskSecrets(formatReport(lines), secrets));
  return lines.every((l) => l.ok) ? 0 : 1;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Every secret value the environment holds, so that none can reach the output. */
function secretsOf(env: Record<string, string | undefined>): Array<string | undefined> {
  const keys = ['ZOHO_CLIENT_SECRET', 'AUTH_JWT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'OPENROUTER_API_KEY'];
  let dbPassword: string | undefined;
  try {
    dbPassword = env.DATABASE_URL ? decodeURIComponent(new URL(env.DATABASE_URL).password) : undefined;
  } catch {
    dbPassword = undefined;
  }
  return [...keys.map((k) => env[k]), dbPassword];
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`doctor failed: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  },
);

/** The scopes a Self Client code should carry: ZOHO_SCOPES, as the server reads it. */
function scopesOf(env: Record<string, string | undefined>): string[] {
  return (env.ZOHO_SCOPES || DEFAULT_ZOHO_SCOPES).split(',').map((s) => s.trim()).filter(Boolean);
}
