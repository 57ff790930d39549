import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { RunStreams } from '../../stream/run-streams.ts';
import type { AuthEnv } from '../auth.ts';

export const runIdParam = z.object({ runId: z.string().regex(/^[\w-]{1,100}$/, 'a run id as in x-run-id or an event id') });
/** `Last-Event-ID`: `<runId>:<seq>`, as the `id:` line of each chat event. */
export const LAST_EVENT_ID = /^([\w-]{1,100}):(\d{1,9})$/;

/** The position to resume after: `Last-Event-ID` (header, or `?lastEventId=`), which must name this run; none: from the start. */
function afterSeq(c: Context, runId: string): number {
  const raw = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  if (raw === undefined || raw === '') return 0;
  const match = LAST_EVENT_ID.exec(raw);
  if (!match || match[1] !== runId) {
    throw new AppError('INVALID_REQUEST', `Last-Event-ID must be an event id of this run, "${runId}:<seq>".`, {
      details: { fields: [{ field: 'Last-Event-ID', message: `must be "${runId}:<seq>"` }] },
    });
  }
  return Number(match[2]);
}

/**
 * `GET /api/chat/runs/:runId/events` (resume a stream) and `POST /api/chat/runs/:runId/cancel` (204).
 * A malformed run id cannot name a kept run: 404, like another user's.
 */
export function chatRunRoutes(runStreams: RunStreams) {
  const runId = (c: Context) => {
    const parsed = runIdParam.safeParse(c.req.param());
    if (!parsed.success) throw new AppError('NOT_FOUND', 'No such run.');
    return parsed.data.runId;
  };
  return new Hono<AuthEnv>()
    .get('/:runId/events', async (c) => {
      const id = runId(c);
      return runStreams.resume(c, c.get('userId'), id, afterSeq(c, id));
    })
    .post('/:runId/cancel', async (c) => {
      await runStreams.cancel(c.get('userId'), runId(c));
      return c.body(null, 204);
    });
}
