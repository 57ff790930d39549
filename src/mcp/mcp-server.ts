import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema, CancelledNotificationSchema, ErrorCode as RpcCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { readConnectedApps } from '../agent/connected-apps.ts';
import { toolsForApps } from '../agent/offered-tools.ts';
import type { RateLimiter } from '../budgets/rate-limiter.ts';
import { asDatabaseOutage } from '../db/database-errors.ts';
import { AppError } from '../errors.ts';
import { describeInternalError, type Logger } from '../log.ts';
import type { EmitEvent } from '../stream/events.ts';
import { runToolByName, type RunToolDeps } from '../tools/run-tool-by-name.ts';
import type { ConnectionStore } from '../zoho/connection-store.ts';
import { errorResult, toCallResult } from './call-result.ts';
import type { InFlightCalls } from './in-flight-calls.ts';
import { toolAnnotations } from './tool-annotations.ts';

export interface McpServerDeps extends RunToolDeps {
  store: ConnectionStore;
  rateLimiter: RateLimiter;
  inFlight: InFlightCalls;
  connectUrl: string;
  /** The public origin, for absolute URLs in failure texts. */
  origin: string;
  logger: Logger;
}

/**
 * One MCP server for one HTTP request of one caller (stateless): `tools/list` gives the tools of the
 * caller's connected apps, `tools/call` runs one through the same `runToolByName` as
 * `POST /api/tools/:name`. The low-level `Server`, not `McpServer`: our tools publish their own
 * JSON Schema and repair bad params themselves, which the SDK's zod validation would refuse first.
 */
export function createMcpServer(deps: McpServerDeps, userId: string, requestSignal: AbortSignal): Server {
  const server = new Server({ name: 'zoho-agent-runtime', version: '0.1.0' }, { capabilities: { tools: { listChanged: false } } });

  server.setRequestHandler(ListToolsRequestSchema, () => guarded(deps.logger, async () => {
    const { apps } = await readConnectedApps(deps.store, userId, deps.connectUrl);
    const tools: Tool[] = toolsForApps(deps.registry, apps).map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema as Tool['inputSchema'],
      annotations: toolAnnotations(t.effect),
    }));
    return { tools };
  }));

  server.setRequestHandler(CallToolRequestSchema, (request, extra) => guarded(deps.logger, async (): Promise<CallToolResult> => {
    const { name, arguments: params = {} } = request.params;
    if (!deps.registry.get(name)) throw new McpError(RpcCode.InvalidParams, `No tool named ${name}.`);
    try {
      deps.rateLimiter.hit(`tools:${userId}`);
    } catch (error) {
      if (error instanceof AppError) return errorResult(error, deps.origin);
      throw error;
    }
    const cancel = new AbortController();
    const forget = deps.inFlight.track(userId, extra.requestId, cancel);
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    // Progress only where the client asked for it; status and each repair, in order.
    const onEvent: EmitEvent | undefined = progressToken === undefined ? undefined : (event) => {
      const message = event.type === 'status' ? event.data.message
        : event.type === 'repair' ? `Repairing ${event.data.tool} params (${event.data.reason}): ${event.data.error}` : undefined;
      if (message === undefined) return;
      extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: ++progress, message } }).catch(() => {});
    };
    try {
      const signal = AbortSignal.any([extra.signal, requestSignal, cancel.signal]);
      return toCallResult(await runToolByName(deps, userId, name, params, { onEvent, signal }), deps.origin);
    } finally {
      forget();
    }
  }));

  // The call a cancel names ran in another request's server: reach it through the shared registry.
  server.setNotificationHandler(CancelledNotificationSchema, (notification) => {
    const { requestId, reason } = notification.params;
    if (requestId !== undefined) deps.inFlight.cancel(userId, requestId, reason);
  });
  return server;
}

/** A handler's unexpected failure goes to the log; the client gets a JSON-RPC error without its text (it may hold query values). */
async function guarded<T>(logger: Logger, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (thrown) {
    const error = asDatabaseOutage(thrown);
    if (error instanceof McpError) throw error;
    if (error instanceof AppError) throw new McpError(RpcCode.InternalError, `${error.code}: ${error.message}`);
    logger.error('mcp.internal_error', { error: describeInternalError(error) });
    throw new McpError(RpcCode.InternalError, 'Internal error; it has been logged.');
  }
}
