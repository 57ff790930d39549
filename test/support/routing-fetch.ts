/**
 * A `fetch` that sends requests for real Zoho hosts (https://accounts.zoho.eu, …) to a local fake
 * instead, recording which origin each request was meant for. It lets tests prove which data
 * centre's host the runtime chose without reaching the internet, and that no request left at all.
 */
export function createRoutingFetch(targetUrl: string) {
  const origins: string[] = [];
  const routed: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    origins.push(url.origin);
    const local = new URL(url.pathname + url.search, targetUrl);
    return fetch(local, init);
  };
  return { fetch: routed, origins };
}
