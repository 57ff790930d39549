import { z } from 'zod';
import { ERROR_STATUS } from '../../errors.ts';
import { runEventSchema } from '../../stream/events.ts';
import type { ToolRegistry } from '../../tools/registry.ts';
import { toolRunFailedSchema, toolRunOkSchema, errorAnswerSchema } from './answers.ts';
import { apiOperations } from './api-operations.ts';
import type { Answer, Operation } from './operation.ts';
import { rootOperations } from './root-operations.ts';
import { toolOperations } from './tool-operations.ts';

type Json = Record<string, unknown>;

/** A zod schema as OpenAPI 3.1's schema object (JSON Schema 2020-12): requests as sent, answers as given. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return json;
}

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

function content(answer: Answer): Json | undefined {
  const out: Json = {};
  if (answer.json) out['application/json'] = { schema: schemaOf(answer.json, 'output') };
  if (answer.media === 'text/event-stream') out[answer.media] = { schema: { type: 'string', description: 'Server-sent events' } };
  else if (answer.media) out[answer.media] = { schema: { type: 'string', ...(answer.media.startsWith('image/') ? { contentMediaType: answer.media } : {}) } };
  return Object.keys(out).length ? out : undefined;
}

function parameters(op: Operation): Json[] {
  const list: Json[] = [];
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const name of names) {
    const shape = op.pathParams?.shape[name] as z.ZodType | undefined;
    list.push({ name, in: 'path', required: true, schema: shape ? schemaOf(shape, 'input') : { type: 'string' } });
  }
  for (const [name, field] of Object.entries(op.query?.shape ?? {})) {
    list.push({ name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema: schemaOf(field as z.ZodType, 'input') });
  }
  for (const [name, description] of Object.entries(op.queryNames ?? {})) list.push({ name, in: 'query', required: false, description, schema: { type: 'string' } });
  return list;
}

function operationObject(op: Operation): Json {
  const responses: Json = {};
  for (const [status, answer] of Object.entries(op.answers)) {
    const body = content(answer);
    responses[status] = { description: answer.description, ...(body ? { content: body } : {}) };
  }
  if (op.auth !== 'none') responses['401'] ??= { $ref: '#/components/responses/Unauthorized' };
  responses['default'] ??= ERROR_RESPONSE;
  const params = parameters(op);
  const bodySchema = op.bodyJsonSchema ?? (op.body ? schemaOf(op.body, 'input') : undefined);
  return {
    operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}` || op.method,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: op.auth === 'jwt' ? [{ bearer: [] }] : op.auth === 'view' ? [{ viewToken: [] }] : [],
    ...(params.length ? { parameters: params } : {}),
    ...(bodySchema ? { requestBody: { required: op.method === 'post' && !op.body?.safeParse({}).success, content: { 'application/json': { schema: bodySchema } } } } : {}),
    responses,
  };
}

const codeTable = Object.entries(ERROR_STATUS).map(([code, status]) => `| \`${code}\` | ${status} |`).join('\n');

const cache = new WeakMap<ToolRegistry, Json>();

/**
 * The OpenAPI 3.1 document of every route (DESIGN.md "HTTP routes") with one path per tool. Built
 * once per registry: the routes and tools do not change while the process runs.
 */
export function buildOpenApiDocument(registry: ToolRegistry, origin: string): Json {
  const cached = cache.get(registry);
  if (cached) return cached;
  const paths: Record<string, Json> = {};
  for (const op of [...rootOperations, ...apiOperations, ...toolOperations(registry)]) {
    (paths[op.path] ??= {})[op.method] = operationObject(op);
  }
  const document: Json = {
    openapi: '3.1.0',
    info: { title: 'Zoho agent runtime', version: '0.1.0', description: 'A streaming AI-agent tool runtime for Zoho CRM and Zoho Desk: per-user OAuth, Zoho tools, SSE, MCP.' },
    servers: [{ url: origin }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The caller\'s JWT; `sub` is the user id.' },
        viewToken: { type: 'http', scheme: 'bearer', description: "A login handover's view token (from its viewUrl's fragment)." },
      },
      schemas: {
        Error: schemaOf(errorAnswerSchema, 'output'),
        ToolRunOk: schemaOf(toolRunOkSchema, 'output'),
        ToolRunFailed: schemaOf(toolRunFailedSchema, 'output'),
        RunEvent: schemaOf(runEventSchema, 'output'),
      },
      responses: {
        Error: {
          description: `\`{"error": {code, message, details?}}\` (a tool run: \`{"ok": false, "error": …}\`), the status from one table:\n\n| code | status |\n|---|---|\n${codeTable}`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        Unauthorized: { description: 'No, bad or expired bearer token (`UNAUTHORIZED`)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
  cache.set(registry, document);
  return document;
}
