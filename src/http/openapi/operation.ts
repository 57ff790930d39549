import type { z } from 'zod';

/** What one answer of an operation carries. */
export interface Answer {
  description: string;
  /** A JSON body, described by the schema the route's answer is checked against in the tests. */
  json?: z.ZodType;
  /** Another media type, described in words (a page, a file, an SSE stream). */
  media?: 'text/html' | 'text/event-stream' | 'text/javascript' | 'image/png' | 'application/octet-stream';
}

/** One route of the app as the OpenAPI document tells it; the schemas are the ones the route validates with. */
export interface Operation {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI's form: `/api/conversations/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** `jwt`: the caller's bearer JWT; `view`: a login handover's view token as a bearer; `none`. */
  auth: 'jwt' | 'view' | 'none';
  body?: z.ZodType;
  /** The body's JSON Schema when it is not a zod schema (a tool's published input schema). */
  bodyJsonSchema?: Record<string, unknown>;
  query?: z.ZodObject;
  /** Query parameters read one by one (the OAuth callback's). */
  queryNames?: Record<string, string>;
  /** Path parameters: their schemas (zod), or a description each. */
  pathParams?: z.ZodObject;
  answers: Record<string, Answer>;
}
