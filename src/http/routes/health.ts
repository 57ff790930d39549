import { Hono } from 'hono';
import { AppError } from '../../errors.ts';

/** `GET /health`: `{"status":"ok"}` once the database answers, 503 otherwise. */
export function healthRoutes(ping: () => Promise<void>) {
  return new Hono().get('/health', async (c) => {
    try {
      await ping();
    } catch (cause) {
      throw new AppError('DATABASE_UNAVAILABLE', 'The database does not answer.', { cause, retryAfter: 5 });
    }
    return c.json({ status: 'ok' });
  });
}
