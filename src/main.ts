import { serve } from '@hono/node-server';
import { buildRuntime } from './compose.ts';
import { ConfigError } from './config.ts';
import { loadConfig } from './load-config.ts';
import { createLogger } from './log.ts';

/** Start-up: parse config once, build the runtime, serve HTTP, close cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const logger = createLogger();
  let config;
  try {
    config = loadConfig({ notice: (line) => console.error(line) });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const runtime = await buildRuntime(config, { logger });
  const server = serve({ fetch: runtime.app.fetch, port: config.port }, (info) => {
    logger.info('server.listening', { port: info.port, database: runtime.database.kind });
  });
  const shutdown = async (signal: string) => {
    logger.info('server.stopping', { signal });
    server.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(`Start-up failed: ${(error as Error).message}`);
  process.exit(1);
});
