/** Which web UI a browser call opens. */
export type WebApp = 'crm' | 'desk';

/** What `browser_navigate_and_screenshot` returns (DESIGN.md "Browser tools"), plus a text summary for the model. */
export interface BrowserPageResult {
  /** Where the page ended up, after redirects (always one of the user's Zoho web hosts). */
  url: string;
  title: string;
  screenshot: { id: string; url: string; width: number; height: number };
  /** The page's visible text, cut short: what a model without vision reads instead of the image. */
  summary: string;
  /** Requests the page made that left the Zoho hosts and were refused (subresources). */
  blockedRequests?: number;
}

export interface BrowserCallOptions {
  signal?: AbortSignal;
  /** Receives the URL about to be opened, for the tool-call log's audit line. */
  audit?: (facts: { url: string }) => void;
}

/** The browser as a tool sees it: one user's Zoho web session, read only (no clicking or typing by the model). */
export interface BrowserClient {
  navigateAndScreenshot(request: { app: WebApp; path?: string }, options?: BrowserCallOptions): Promise<BrowserPageResult>;
}

/** The API instance the browser tool runs against (the browser's counterpart of `ZohoApiFor`). */
export interface BrowserApi {
  appType: 'browser';
  client: BrowserClient;
  userId: string;
}
