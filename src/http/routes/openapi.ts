import { Hono } from 'hono';
import type { ToolRegistry } from '../../tools/registry.ts';
import { buildOpenApiDocument } from '../openapi/build-openapi.ts';

/** `GET /openapi.json` (no auth): the OpenAPI 3.1 document, built and serialised once (about 200 KB). */
export function openApiRoutes(deps: { registry: ToolRegistry; origin: string }) {
  let text: string | undefined;
  return new Hono().get('/openapi.json', (c) => {
    text ??= JSON.stringify(buildOpenApiDocument(deps.registry, deps.origin));
    c.header('content-type', 'application/json; charset=UTF-8');
    c.header('cache-control', 'public, max-age=300');
    return c.body(text);
  });
}
