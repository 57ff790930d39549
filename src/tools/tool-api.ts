import type { BrowserApi } from '../browser/browser-client.ts';
import type { AppType, GetZohoApi, GetZohoApiOptions, ZohoApiFor } from '../zoho/get-zoho-api.ts';
import type { ToolApp } from './define-tool.ts';

/** What a call of an app's tool runs against: the Zoho API instance, or the user's browser. */
export type ToolApiFor<A extends ToolApp> =
  [A] extends ['browser'] ? BrowserApi : [A] extends [AppType] ? ZohoApiFor<A> : BrowserApi | ZohoApiFor<AppType>;

/** `getZohoApi` widened to every tool app: how callers resolve the API of a call for the calling user. */
export type GetToolApi = <A extends ToolApp>(userId: string, app: A, options?: GetZohoApiOptions) => Promise<ToolApiFor<A>>;

/** Routes `browser` to the browser's API and every Zoho app to `getZohoApi`. */
export function createGetToolApi(getZohoApi: GetZohoApi, getBrowserApi: (userId: string) => Promise<BrowserApi>): GetToolApi {
  return ((userId: string, app: ToolApp, options?: GetZohoApiOptions) =>
    (app === 'browser' ? getBrowserApi(userId) : getZohoApi(userId, app, options))) as GetToolApi;
}
