import { z } from 'zod';
import { liveInputSchema } from '../../browser/live-view.ts';
import { RESOURCE_METADATA_PATH } from '../../mcp/resource-metadata.ts';
import { devLoginBodySchema } from '../routes/web.ts';
import { callbackAnswerSchema, devLoginAnswerSchema, healthAnswerSchema, resourceMetadataSchema } from './answers.ts';
import type { Operation } from './operation.ts';

const file = z.object({ file: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/) });
const loginId = z.object({ loginId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });
const metadata = { 200: { description: 'RFC 9728 protected resource metadata of /mcp', json: resourceMetadataSchema } };
const mcpAnswers = {
  200: { description: 'JSON-RPC answers as SSE (`notifications/progress` first, when asked for)', media: 'text/event-stream' as const },
  202: { description: 'A notification (e.g. `notifications/cancelled`) was accepted' },
};
const noStream = { 405: { description: 'A stateless server offers no GET stream and no session to end' } };

/** The routes outside `/api`: health, the OAuth callback, pages, the live view, MCP, its metadata and this document. */
export const rootOperations: Operation[] = [
  { method: 'get', path: '/health', tag: 'runtime', auth: 'none', summary: 'Up once the database answers (503 otherwise)', answers: { 200: { description: 'Healthy', json: healthAnswerSchema } } },
  {
    method: 'get', path: '/auth/zoho/callback', tag: 'connections', auth: 'none', summary: 'Where Zoho sends the user back; the signed state binds the user',
    description: 'A page, or JSON with `Accept: application/json`.',
    queryNames: { code: 'the grant code', state: 'the signed, single-use state', location: "Zoho's data centre hint", 'accounts-server': "the DC's accounts host", error: "Zoho's refusal, when the user declined" },
    answers: { 200: { description: 'Connected', json: callbackAnswerSchema, media: 'text/html' }, '4XX': { description: 'Not connected', json: callbackAnswerSchema, media: 'text/html' } },
  },
  { method: 'post', path: '/auth/dev-login', tag: 'pages', auth: 'none', summary: 'Outside production only: a token for any user name (404 in production)', body: devLoginBodySchema, answers: { 200: { description: 'A 12 h token', json: devLoginAnswerSchema } } },
  { method: 'get', path: '/', tag: 'pages', auth: 'none', summary: 'The chat page', answers: { 200: { description: 'HTML', media: 'text/html' } } },
  { method: 'get', path: '/app/{file}', tag: 'pages', auth: 'none', summary: "The chat page's scripts, styles and icons", pathParams: file, answers: { 200: { description: 'The file', media: 'text/javascript' } } },
  { method: 'get', path: '/vendor/{file}', tag: 'pages', auth: 'none', summary: 'The libraries the page loads (marked, DOMPurify, eventsource-parser)', pathParams: file, answers: { 200: { description: 'The file', media: 'text/javascript' } } },
  { method: 'get', path: '/browser-login/assets/{file}', tag: 'live view', auth: 'none', summary: "The live view page's script and style", pathParams: file, answers: { 200: { description: 'The file', media: 'text/javascript' } } },
  { method: 'get', path: '/browser-login/{loginId}', tag: 'live view', auth: 'none', summary: 'The live view of a sign-in handover (reads its view token from the URL fragment)', pathParams: loginId, answers: { 200: { description: 'HTML', media: 'text/html' } } },
  { method: 'get', path: '/browser-login/{loginId}/events', tag: 'live view', auth: 'view', summary: 'The headless browser as SSE `frame` events, and the outcome as `status`', pathParams: loginId, answers: { 200: { description: 'SSE', media: 'text/event-stream' } } },
  { method: 'post', path: '/browser-login/{loginId}/input', tag: 'live view', auth: 'view', summary: 'Clicks and keys for the headless browser (never logged)', pathParams: loginId, body: liveInputSchema, answers: { 204: { description: 'Delivered' } } },
  { method: 'post', path: '/mcp', tag: 'mcp', auth: 'jwt', summary: 'MCP over Streamable HTTP (stateless): tools/list and tools/call for the caller', description: 'Send JSON-RPC with `Accept: application/json, text/event-stream`. A 401 names the resource metadata in `WWW-Authenticate`.', answers: mcpAnswers },
  { method: 'get', path: '/mcp', tag: 'mcp', auth: 'jwt', summary: 'Not offered (405)', answers: noStream },
  { method: 'delete', path: '/mcp', tag: 'mcp', auth: 'jwt', summary: 'Not offered (405)', answers: noStream },
  { method: 'get', path: RESOURCE_METADATA_PATH, tag: 'mcp', auth: 'none', summary: 'RFC 9728 metadata for /mcp', answers: metadata },
  { method: 'get', path: `${RESOURCE_METADATA_PATH}/mcp`, tag: 'mcp', auth: 'none', summary: "RFC 9728 metadata for /mcp at its path-suffixed well-known URL", answers: metadata },
  { method: 'get', path: '/openapi.json', tag: 'runtime', auth: 'none', summary: 'This document (OpenAPI 3.1)', answers: { 200: { description: 'The document', json: z.looseObject({ openapi: z.literal('3.1.0') }) } } },
];
