import { Hono } from 'hono';
import type { ToolRegistry } from '../../tools/registry.ts';
import { buildOpenApiDocument } from '../openapi/build-openapi.ts';

/** `GET /openapi.json` (no auth): the OpenAPI 3.1 document, built once. */
export function openApiRoutes(deps: { registry: ToolRegistry; origin: string }) {
  return new Hono().get('/openapi.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(buildOpenApiDocument(deps.registry, deps.origin));
  });
}
