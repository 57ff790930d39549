/**
 * What our own outbound requests (the LLM's streamed completion, the Zoho API calls) call themselves.
 * `fetch` and the `openai` SDK sent a User-Agent; node:http sends none, and an edge in front of an API
 * (a CDN's bot rules) may refuse a request without one.
 */
export const USER_AGENT = 'zoho-agent-runtime (node)';
