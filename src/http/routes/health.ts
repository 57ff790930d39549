import { Hono } from 'hono';
import { databaseUnavailable } from '../../db/database-errors.ts';

/** `GET /health`: `{"status":"ok"}` once the database answers, 503 otherwise. */
export function healthRoutes(ping: () => Promise<void>) {
  return new Hono().get('/health', async (c) => {
    try {
      await ping();
    } catch (cause) {
      throw databaseUnavailable('The database does not answer.', cause);
    }
    return c.json({ status: 'ok' });
  });
}
