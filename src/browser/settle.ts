import type { Page, Request } from 'playwright-core';

/** The network must be quiet this long for a page to count as settled (Playwright's networkidle waits 500 ms). */
const QUIET_MS = 250;

/**
 * Watches a page's requests from before its navigation: `settled(capMs)` resolves once no request
 * has been in flight for QUIET_MS, or after `capMs` whatever happens (a single-page app that keeps
 * polling is shot as it is then). Requests the proxy refused end at once, so they do not hold it up.
 */
export function watchNetwork(page: Page) {
  const inFlight = new Set<Request>();
  let lastChange = Date.now();
  const add = (request: Request) => {
    inFlight.add(request);
    lastChange = Date.now();
  };
  const done = (request: Request) => {
    if (inFlight.delete(request)) lastChange = Date.now();
  };
  page.on('request', add);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    async settled(capMs: number): Promise<void> {
      const until = Date.now() + capMs;
      while (Date.now() < until && !page.isClosed()) {
        const quietFor = Date.now() - lastChange;
        if (inFlight.size === 0 && quietFor >= QUIET_MS) return;
        await new Promise((r) => setTimeout(r, Math.max(20, Math.min(QUIET_MS - quietFor, until - Date.now()))));
      }
    },
  };
}
