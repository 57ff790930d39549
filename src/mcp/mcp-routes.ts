import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import { requireUser, type AuthEnv, type VerifyCaller } from '../http/auth.ts';
import { parseJsonBody } from '../http/validate.ts';
import { createMcpServer, type McpServerDeps } from './mcp-server.ts';
import { bearerChallenge, RESOURCE_METADATA_PATH, resourceMetadata } from './resource-metadata.ts';
import { limitBody } from '../http/body-limit.ts';

export interface McpRouteDeps extends McpServerDeps {
  verifyCaller: VerifyCaller;
  /** `AUTH_JWT_ISSUER`, named as the authorization server in the metadata. */
  issuer?: string;
}

const MAX_BODY = 1024 * 1024;

/** A stateless server has no stream to offer on GET and no session to end on DELETE: 405 (Streamable HTTP). */
const methodNotAllowed = () =>
  Response.json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this stateless server answers POST only.' }, id: null }, {
    status: 405, headers: { allow: 'POST' },
  });

/**
 * `/mcp` (Streamable HTTP, stateless: a new server and transport per request) behind the caller's
 * JWT exactly as `/api/*`, and its RFC 9728 metadata at `/.well-known/oauth-protected-resource`.
 */
export function mcpRoutes(deps: McpRouteDeps) {
  const metadata = resourceMetadata(deps.origin, deps.issuer);
  const mcp = new Hono<AuthEnv>()
    .use('*', limitBody(MAX_BODY, () => { throw new AppError('PAYLOAD_TOO_LARGE', 'The body is larger than 1 MB.'); }))
    .use('*', requireUser(deps.verifyCaller, { challenge: bearerChallenge(deps.origin) }))
    .post('/', async (c) => {
      // Parsed as every other body is: `__proto__`, a NUL or a lone surrogate is a 400 naming the field.
      const parsedBody = parseJsonBody(await c.req.text());
      const requestSignal = c.req.raw.signal;
      const server = createMcpServer(deps, c.get('userId'), requestSignal);
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, maxRequestBodySize: MAX_BODY });
      await server.connect(transport);
      let closed = false;
      // Closing the server aborts its running handlers: a client that goes away cancels its call.
      const close = () => {
        if (closed) return;
        closed = true;
        requestSignal.removeEventListener('abort', close);
        void server.close().catch(() => {});
      };
      requestSignal.addEventListener('abort', close);
      const response = await transport.handleRequest(c.req.raw, { parsedBody });
      if (!response.body) {
        setImmediate(close); // a notification's 202: its handler has been scheduled, let it start
        return response;
      }
      const body = response.body.pipeThrough(new TransformStream({ flush: close }));
      return new Response(body, { status: response.status, headers: response.headers });
    })
    .get('/', methodNotAllowed)
    .delete('/', methodNotAllowed);

  return new Hono()
    .get(RESOURCE_METADATA_PATH, (c) => c.json(metadata))
    // RFC 9728 §3.1's path-suffixed form for the resource `<origin>/mcp`, which clients try first.
    .get(`${RESOURCE_METADATA_PATH}/mcp`, (c) => c.json(metadata))
    .route('/mcp', mcp);
}
