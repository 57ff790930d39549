import { z } from 'zod';
import { uiChatBodySchema } from '../../agent/ui-messages.ts';
import { approvalBodySchema, chatBodySchema } from '../routes/chat.ts';
import { runIdParam } from '../routes/chat-runs.ts';
import { browserLoginBodySchema } from '../routes/browser.ts';
import { connectBodySchema, importBodySchema } from '../routes/connections.ts';
import { conversationIdParam, conversationListQuery } from '../routes/conversations.ts';
import { toolRunBodySchema } from '../routes/tools.ts';
import {
  authorizeAnswerSchema, browserLoginAnswerSchema, browserLoginStatusSchema, browserSessionSchema, connectionsAnswerSchema,
  conversationAnswerSchema, conversationsAnswerSchema, importAnswerSchema, toolRunFailedSchema, toolRunOkSchema, toolsAnswerSchema,
} from './answers.ts';
import type { Answer, Operation } from './operation.ts';

const runEvents = 'SSE: `event: <type>` and `data: <json>` (components/schemas/RunEvent), `: ping` every 15 s; ends with one `done` or `error`.';
const sse: Answer = { description: runEvents, media: 'text/event-stream' };
const empty: Answer = { description: 'Done; no body.' };
const opaqueId = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });
const loginId = z.object({ loginId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });

/** The two bodies `POST /api/chat` takes (src/http/routes/chat.ts tells them apart by `parts`). */
export const chatBodies = z.union([chatBodySchema, uiChatBodySchema]);

/** `/api/*`: every route behind the caller's JWT (DESIGN.md "HTTP routes"). */
export const apiOperations: Operation[] = [
  { method: 'post', path: '/api/connections/zoho', tag: 'connections', auth: 'jwt', summary: 'Start connecting Zoho (OAuth); open authorizeUrl in a browser', body: connectBodySchema, answers: { 200: { description: 'Where to send the user', json: authorizeAnswerSchema } } },
  { method: 'post', path: '/api/connections/zoho/import', tag: 'connections', auth: 'jwt', summary: 'Connect without a browser: a refresh token, or a Self Client grant code', body: importBodySchema, answers: { 200: { description: 'The stored connection', json: importAnswerSchema } } },
  { method: 'get', path: '/api/connections', tag: 'connections', auth: 'jwt', summary: "The caller's connections, never a token", answers: { 200: { description: 'Connections', json: connectionsAnswerSchema } } },
  { method: 'delete', path: '/api/connections/{id}', tag: 'connections', auth: 'jwt', summary: 'Revoke at Zoho, then delete', pathParams: z.object({ id: z.string() }), answers: { 204: empty } },
  { method: 'get', path: '/api/tools', tag: 'tools', auth: 'jwt', summary: 'Every tool with the JSON Schema of its input', answers: { 200: { description: 'Tools, and those this instance cannot run', json: toolsAnswerSchema } } },
  {
    method: 'post', path: '/api/tools/{name}', tag: 'tools', auth: 'jwt', summary: 'Run a tool by name (each has its own path below, with its input schema)',
    description: 'With `Accept: text/event-stream` the same run as SSE events.', pathParams: z.object({ name: z.string() }), body: toolRunBodySchema,
    answers: { 200: { description: 'The result', json: toolRunOkSchema }, '4XX': { description: 'The call failed', json: toolRunFailedSchema }, '5XX': { description: 'Zoho or the runtime failed', json: toolRunFailedSchema } },
  },
  {
    method: 'post', path: '/api/chat', tag: 'chat', auth: 'jwt', summary: 'Chat with the agent; the run streams as SSE events, or as the AI SDK UI message stream',
    description: 'Our body (`messages` of `{role, content}`) gets our SSE events; the AI SDK `DefaultChatTransport` body (messages carrying `parts`) gets the UI message stream v1 (`x-vercel-ai-ui-message-stream: v1`, `data: <chunk>` lines, `data: [DONE]` last).',
    body: chatBodies, answers: { 200: { description: `${runEvents} Or, for the AI SDK body, the UI message stream v1.`, media: 'text/event-stream' } },
  },
  { method: 'post', path: '/api/chat/approvals', tag: 'chat', auth: 'jwt', summary: 'Approve or deny a paused write; the resumed run streams as SSE', body: approvalBodySchema, answers: { 200: sse } },
  {
    method: 'get', path: '/api/chat/runs/{runId}/events', tag: 'chat', auth: 'jwt', summary: 'Resume a chat stream: the events after Last-Event-ID, then the live run to its end',
    description: 'Send `Last-Event-ID: <runId>:<seq>` (or `?lastEventId=`); none replays from the start. Another user\'s, unknown or expired run: 404.',
    pathParams: runIdParam, queryNames: { lastEventId: 'The last event id received, `<runId>:<seq>` (instead of the Last-Event-ID header)' }, answers: { 200: sse },
  },
  { method: 'post', path: '/api/chat/runs/{runId}/cancel', tag: 'chat', auth: 'jwt', summary: 'Cancel a chat run (a disconnect alone does not, within the grace)', pathParams: runIdParam, answers: { 204: empty } },
  { method: 'get', path: '/api/conversations', tag: 'conversations', auth: 'jwt', summary: "The caller's conversations, most recent first", query: conversationListQuery, answers: { 200: { description: 'Conversations', json: conversationsAnswerSchema } } },
  { method: 'get', path: '/api/conversations/{id}', tag: 'conversations', auth: 'jwt', summary: 'One conversation as a page shows it', pathParams: conversationIdParam, answers: { 200: { description: 'The conversation', json: conversationAnswerSchema } } },
  { method: 'delete', path: '/api/conversations/{id}', tag: 'conversations', auth: 'jwt', summary: 'Delete a conversation and refuse its pending approvals', pathParams: conversationIdParam, answers: { 204: empty } },
  {
    method: 'post', path: '/api/browser/login', tag: 'browser', auth: 'jwt', summary: 'Start a Zoho web sign-in (live view), or import a Playwright storage state', body: browserLoginBodySchema,
    answers: { 201: { description: 'The handover', json: browserLoginAnswerSchema }, 200: { description: 'The imported session', json: browserSessionSchema } },
  },
  { method: 'get', path: '/api/browser/login/{loginId}', tag: 'browser', auth: 'jwt', summary: 'How a sign-in handover stands', pathParams: loginId, answers: { 200: { description: 'Its status', json: browserLoginStatusSchema } } },
  { method: 'get', path: '/api/browser/session', tag: 'browser', auth: 'jwt', summary: "The caller's Zoho web session", answers: { 200: { description: 'The session', json: browserSessionSchema } } },
  { method: 'delete', path: '/api/browser/session', tag: 'browser', auth: 'jwt', summary: 'Forget the Zoho web session', answers: { 204: empty } },
  { method: 'get', path: '/api/browser/screenshots/{id}', tag: 'browser', auth: 'jwt', summary: "A screenshot one of the caller's browser calls took", pathParams: opaqueId, answers: { 200: { description: 'PNG or JPEG', media: 'image/png' } } },
];
